// Attaches the session's actor to every request, and enforces CSRF protection on every
// state-changing request: same-origin Origin header when present, and for a logged-in
// session the x-csrf-token header matching the session's token.
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../app.js';
import type { Db } from '../db/connect.js';
import { Forbidden, Unauthorized } from '../lib/errors.js';
import { type Action, type Actor, type Resource, can } from './permissions.js';
import { type LoadedSession, SESSION_COOKIE, type SessionPolicy, clearSessionCookie, loadSession } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    session: LoadedSession | null;
    sessionProblem: 'none' | 'expired' | 'revoked' | 'unknown';
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuthOptions {
  db: Db;
  clock: Clock;
  policy: SessionPolicy;
  /** origins allowed to send state-changing requests besides the request's own host */
  publicUrl: string;
}

export const authPlugin = fp<AuthOptions>(async (app: FastifyInstance, opts) => {
  await app.register(fastifyCookie);
  app.decorateRequest('session', null);
  app.decorateRequest('sessionProblem', 'none');

  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return;
    if (!SAFE_METHODS.has(req.method)) {
      const origin = req.headers.origin;
      if (origin !== undefined) {
        const own = `${req.protocol}://${req.host}`;
        if (origin !== own && origin !== new URL(opts.publicUrl).origin) throw new Forbidden('cross-site request refused', { reason: 'csrf' });
      }
    }
    const lookup = await loadSession(opts.db, req.cookies[SESSION_COOKIE], opts.clock.now(), opts.policy);
    if (lookup.session) {
      req.session = lookup.session;
      if (!SAFE_METHODS.has(req.method) && req.headers['x-csrf-token'] !== lookup.session.csrfToken) {
        throw new Forbidden('missing or wrong x-csrf-token header', { reason: 'csrf' });
      }
    } else {
      req.sessionProblem = lookup.reason;
      if (lookup.reason !== 'none') clearSessionCookie(req, reply);
    }
  });
});

/** The logged-in actor, or 401 (saying when the session expired). */
export function requireActor(req: FastifyRequest): Actor {
  if (req.session) return req.session.actor;
  if (req.sessionProblem === 'expired') throw new Unauthorized('Your session has expired; log in again', { reason: 'session_expired' });
  throw new Unauthorized();
}

export function requireSession(req: FastifyRequest): LoadedSession {
  requireActor(req);
  return req.session!;
}

/** 403 when the actor may not take the action on the resource. */
export function requirePermission(req: FastifyRequest, action: Action, resource?: Resource): Actor {
  const actor = requireActor(req);
  if (!can(actor, action, resource)) throw new Forbidden();
  return actor;
}
