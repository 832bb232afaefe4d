// Server-side sessions: the cookie holds a random token; the database holds its hash, the
// CSRF token, and timestamps for the idle and absolute timeouts. Any app process can serve
// any session, and "log out everywhere" is one UPDATE.
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/connect.js';
import { vnDate } from '../lib/dates.js';
import type { Actor } from './permissions.js';
import type { Grant } from './schemas.js';
import { activeGrants, findSession, insertSession, sha256, touchSession } from './store.js';

export const SESSION_COOKIE = 'motcua_session';

export interface SessionPolicy {
  idleMinutes: number;
  maxHours: number;
}

export interface LoadedSession {
  idHash: string;
  csrfToken: string;
  actor: Actor;
  grants: Grant[];
}

export type SessionLookup = { session: LoadedSession } | { session: null; reason: 'none' | 'expired' | 'revoked' | 'unknown' };

const TOUCH_EVERY_MS = 60_000;

export async function loadSession(db: Db, cookieValue: string | undefined, now: Date, policy: SessionPolicy): Promise<SessionLookup> {
  if (!cookieValue) return { session: null, reason: 'none' };
  if (!/^[A-Za-z0-9_-]{43}$/.test(cookieValue)) return { session: null, reason: 'unknown' };
  const idHash = sha256(cookieValue);
  const s = await findSession(db, idHash);
  if (!s) return { session: null, reason: 'unknown' };
  if (s.revoked_at !== null || s.status !== 'active') return { session: null, reason: 'revoked' };
  const idleLimit = new Date(Date.parse(s.last_seen_at) + policy.idleMinutes * 60_000);
  if (now.toISOString() >= s.expires_at || now >= idleLimit) return { session: null, reason: 'expired' };
  if (now.getTime() - Date.parse(s.last_seen_at) > TOUCH_EVERY_MS) await touchSession(db, idHash, now.toISOString());
  const grants = s.kind === 'officer' ? await activeGrants(db, s.account_id, vnDate(now)) : [];
  return {
    session: {
      idHash,
      csrfToken: s.csrf_token,
      grants: grants.map((g) => g.grant),
      actor: { accountId: s.account_id, kind: s.kind as Actor['kind'], grants: grants.map((g) => g.active), actingFor: s.acting_for },
    },
  };
}

/** Creates a session and sets its cookie. */
export async function startSession(
  db: Db,
  req: FastifyRequest,
  reply: FastifyReply,
  accountId: number,
  now: Date,
  policy: SessionPolicy,
): Promise<{ idHash: string; csrfToken: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expires = new Date(now.getTime() + policy.maxHours * 3600_000);
  await insertSession(db, {
    id_hash: sha256(token),
    account_id: accountId,
    csrf_token: csrfToken,
    acting_for: null,
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: expires.toISOString(),
    revoked_at: null,
    ip: req.ip,
    user_agent: (req.headers['user-agent'] ?? '').slice(0, 300),
  });
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: req.protocol === 'https',
    // relative lifetime: the browser counts it on its own clock, so a skewed server clock does not drop the cookie
    maxAge: Math.max(1, Math.floor((expires.getTime() - now.getTime()) / 1000)),
  });
  return { idHash: sha256(token), csrfToken };
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https' });
}
