// HTTP side of the interconnection protocol (/interconnect/v1/*): peers POST signed messages and
// pull shared attachments. No session and no CSRF here: every request is authenticated by its
// own signature against the directory, and every answer to a message is a signed receipt.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { MAX_MESSAGE_BYTES } from './envelope.js';
import type { Interconnect } from './service.js';

const BODY_LIMIT = MAX_MESSAGE_BYTES;
/**
 * Per client IP: every message, even a refused one, costs a signature check and a row in
 * interconnect_refusals, so an unauthenticated flood is bounded here. 1200 a minute is far above
 * what a member's delivery worker sends (8 in flight, each waiting for its receipt).
 */
export const MESSAGE_RATE_LIMIT = { max: 1200, timeWindow: '1 minute' };
const tags = ['interconnect'];
const Jose = { 'application/jose': { schema: Type.String({ description: 'compact JWS (EdDSA), typ motcua-receipt+jws' }) } };
const receiptAnswer = (description: string) => ({ description, content: Jose });

export const interconnectProtocolRoutes: FastifyPluginAsyncTypebox<{ interconnect: Interconnect; messageRateLimit?: { max: number; timeWindow: string } }> = async (
  app,
  { interconnect, messageRateLimit = MESSAGE_RATE_LIMIT },
) => {
  // the message is the compact JWS as text; this parser applies inside this plugin only
  for (const type of ['application/jose', 'text/plain']) if (app.hasContentTypeParser(type)) app.removeContentTypeParser(type);
  app.addContentTypeParser(['application/jose', 'text/plain'], { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));

  app.post(
    '/interconnect/v1/messages',
    {
      bodyLimit: BODY_LIMIT,
      // @fastify/rate-limit is registered with global: false; this route opts in
      config: { rateLimit: messageRateLimit },
      schema: {
        tags,
        summary: 'Receive a signed message from another member',
        description:
          'Body: the compact JWS (header alg EdDSA, typ motcua-msg+jws, kid = the sender key thumbprint) whose payload is the envelope ' +
          '{v, id, from, to, type, createdAt, sentAt, dossierRef, body, attachments}. Content-Type application/jose (text/plain accepted). ' +
          'The answer is always a signed receipt (application/jose): 200 accepted or duplicate; otherwise status refused with the error code ' +
          '(invalid_jws 400, invalid_message 400, unsupported_version 400, unknown_sender/unknown_key/key_expired/bad_signature/clock_skew 403, ' +
          'wrong_recipient 421, attachment_mismatch 422, unknown_dossier 409, attachment_unavailable 502, internal 500). ' +
          `At most ${BODY_LIMIT} bytes (413 otherwise, not worth retrying); at most ${MESSAGE_RATE_LIMIT.max} requests a minute per client address (429).`,
        consumes: ['application/jose', 'text/plain'],
        body: Type.String({ maxLength: BODY_LIMIT, description: 'compact JWS' }),
        response: {
          200: receiptAnswer('receipt with status accepted or duplicate'),
          400: receiptAnswer('refused: invalid_jws, invalid_message or unsupported_version'),
          403: receiptAnswer('refused: unknown_sender, unknown_key, key_expired, bad_signature or clock_skew'),
          409: receiptAnswer('refused: unknown_dossier'),
          421: receiptAnswer('refused: wrong_recipient'),
          422: receiptAnswer('refused: attachment_mismatch'),
          500: receiptAnswer('refused: internal'),
          502: receiptAnswer('refused: attachment_unavailable'),
        },
      },
    },
    async (req, reply) => {
      const r = await interconnect.receive(typeof req.body === 'string' ? req.body : '');
      return reply.code(r.httpStatus as 200).header('content-type', 'application/jose').send(r.receipt);
    },
  );

  app.get(
    '/interconnect/v1/attachments/:sha256',
    {
      schema: {
        tags,
        summary: 'Fetch an attachment shared with the requesting member',
        description:
          'Header `authorization: Motcua <compact JWS>` (typ motcua-fetch+jws) whose payload is {v: 1, from, to, sha256, sentAt}, signed by the requester. ' +
          'Served only if the blob was attached to a message sent to that member; 404 otherwise (nothing leaks), 403 on a bad signature or clock skew.',
        params: Type.Object({ sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) }),
        headers: Type.Object({ authorization: Type.Optional(Type.String()) }),
        response: {
          200: { description: 'the blob (application/octet-stream)' },
          403: { description: 'bad or missing signature, wrong recipient, or clock skew', type: 'null' },
          404: { description: 'not shared with the requester, or absent', type: 'null' },
        },
      },
    },
    async (req, reply) => {
      const r = await interconnect.serveAttachment(req.headers.authorization, req.params.sha256);
      if (r.status !== 200 || !r.stream) return reply.code(r.status as 404).send(null);
      reply.header('content-type', r.mediaType ?? 'application/octet-stream');
      if (r.size !== undefined) reply.header('content-length', r.size);
      reply.header('cache-control', 'no-store');
      return reply.send(r.stream);
    },
  );

  app.get(
    '/interconnect/v1/health',
    {
      schema: {
        tags,
        summary: 'Reachability and clock of this member (unsigned)',
        response: { 200: Type.Object({ member: Type.String(), time: Type.String({ format: 'date-time' }), version: Type.Literal('v1') }) },
      },
    },
    async () => ({ member: interconnect.memberId, time: interconnect.now().toISOString(), version: 'v1' as const }),
  );
};
