// One error handler: domain errors, validation errors and everything else become
// JSON {error, message, field?}; unexpected errors are logged and never leak details.
import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError } from '../lib/errors.js';

export interface ErrorBody {
  error: string;
  message: string;
  field?: string;
  reason?: string;
  details?: unknown;
}

function fieldOf(err: FastifyError): string | undefined {
  const v = err.validation?.[0];
  if (!v) return undefined;
  const params = v.params as Record<string, unknown>;
  const missing = typeof params.missingProperty === 'string' ? params.missingProperty : undefined;
  const base = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (missing) return base ? `${base}.${missing}` : missing;
  return base || undefined;
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler<FastifyError>((err, req, reply) => {
    if (err instanceof DomainError) {
      const body: ErrorBody = { error: err.code, message: err.message };
      if (err.field) body.field = err.field;
      if (err.reason) body.reason = err.reason;
      if (err.details !== undefined) body.details = err.details;
      return reply.status(err.status).send(body);
    }
    if (err.validation) {
      const field = fieldOf(err);
      const where = err.validationContext ?? 'request';
      const body: ErrorBody = { error: 'invalid', message: `invalid ${where}: ${field ? `${field} ` : ''}${err.validation[0]?.message ?? ''}`.trim() };
      if (field) body.field = field;
      return reply.status(400).send(body);
    }
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      req.log.error({ err }, 'unhandled error');
      return reply.status(500).send({ error: 'internal', message: 'Internal error; it has been logged with this request id: ' + req.id });
    }
    const code = status === 413 ? 'too_large' : status === 415 ? 'unsupported_media_type' : status === 429 ? 'rate_limited' : 'bad_request';
    return reply.status(status).send({ error: code, message: err.message });
  });
}
