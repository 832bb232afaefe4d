// HTTP routes of the interconnection operations page (system administrators): the peers and
// whether they answer, the outbox, failing deliveries, dead letters (with retry), refusals, the
// recent message log with each message's verification, and one message in full; a dead letter
// can also be abandoned (its transfer's step reopened here). Registered
// whether interconnection is on or off, so the page can say how to turn it on.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Clock } from '../app.js';
import type { Db } from '../db/connect.js';
import { requireActor } from '../identity/auth-plugin.js';
import { type Actor, can } from '../identity/permissions.js';
import { Conflict, Forbidden, NotFound } from '../lib/errors.js';
import { probePeer } from './ops-probe.js';
import { AbandonResult, IdParam, MessageDetail, OpsOverview, RetryResult } from './ops-schemas.js';
import { abandonDeadLetter, findMessage, listDeadLetters, listFailures, listRecentMessages, listRefusals, outboxStats, retryDeadLetter } from './ops-store.js';
import { DirectoryVerifier, verifyStoredMessage } from './ops-verify.js';
import type { Directory } from './types.js';

/** What the operations routes need from the running Interconnect service (service.ts). */
export interface OpsView {
  readonly memberId: string;
  directory(): Directory;
  /** for probing peers (tests pass their own) */
  fetch?: typeof fetch;
  /** wakes the delivery worker (after a dead letter is put back) */
  wake(): void;
  /** the delivery timeout: a probe waits for at most this and never more than 2000 ms */
  timeoutMs?: number;
}

export interface InterconnectOpsDeps {
  db: Db;
  clock: Clock;
  /** absent when interconnection is off */
  interconnect?: OpsView | undefined;
}

const err = { 401: Type.Ref('ErrorResponse'), 403: Type.Ref('ErrorResponse'), 404: Type.Ref('ErrorResponse') };
const PROBE_TIMEOUT_MS = 2000;

function requireAdmin(req: FastifyRequest): Actor {
  const actor = requireActor(req);
  if (!can(actor, 'interconnect.admin')) throw new Forbidden();
  return actor;
}

export const interconnectOpsRoutes: FastifyPluginAsyncTypebox<InterconnectOpsDeps> = async (app, deps) => {
  const { db, clock, interconnect: ic } = deps;
  const tags = ['interconnect'];

  /** The directory in force, or null when off (or not loaded: the service refuses to start then). */
  const directory = (): Directory | null => {
    try {
      return ic ? ic.directory() : null;
    } catch {
      return null;
    }
  };

  app.get('/api/interconnect/ops', {
    schema: { tags, summary: 'Interconnection operations: peers (probed now), the outbox, failing deliveries, dead letters, refusals, recent messages with their verification (system admin)', response: { 200: OpsOverview, ...err } },
  }, async (req) => {
    requireAdmin(req);
    const now = clock.now();
    const dir = directory();
    const self = ic?.memberId ?? null;
    const peers = dir && ic
      ? await Promise.all(dir.members.filter((m) => m.id !== self).map((m) => probePeer(m, { fetch: ic.fetch ?? fetch, now: () => clock.now(), timeoutMs: Math.min(ic.timeoutMs ?? PROBE_TIMEOUT_MS, PROBE_TIMEOUT_MS) })))
      : [];
    const [outbox, failures, deadLetters, refusals, recent] = await Promise.all([outboxStats(db, now), listFailures(db), listDeadLetters(db), listRefusals(db), listRecentMessages(db)]);
    const verifier = dir ? new DirectoryVerifier(dir) : null;
    const verified = await Promise.all(recent.map((m) => verifyStoredMessage(verifier, self, m)));
    return {
      enabled: ic !== undefined,
      member: self,
      directoryIssuedAt: dir?.issuedAt ?? null,
      peers,
      outbox,
      failures,
      deadLetters,
      refusals,
      recent: recent.map((m, i) => ({
        id: m.id, direction: m.direction === 'in' ? ('in' as const) : ('out' as const), messageId: m.messageId, peer: m.peer, type: m.type, dossierRef: m.dossierRef,
        status: m.status, createdAt: m.createdAt, doneAt: m.doneAt, verified: verified[i]!.verified,
      })),
    };
  });

  app.post('/api/interconnect/dead-letters/:id/retry', {
    schema: { tags, summary: 'Put a dead letter back in the outbox: pending, attempts 0, due now; the last error is kept as a note (system admin)', params: IdParam, response: { 200: RetryResult, ...err, 409: Type.Ref('ErrorResponse') } },
  }, async (req) => {
    requireAdmin(req);
    const outcome = await retryDeadLetter(db, req.params.id, clock.now());
    if (outcome === 'not_found') throw new NotFound('no outgoing message with this id');
    if (outcome === 'not_dead') throw new Conflict('this message is not a dead letter (already retried or delivered)', { reason: 'not_dead' });
    ic?.wake();
    return { id: req.params.id, status: 'pending' as const };
  });

  app.post('/api/interconnect/dead-letters/:id/abandon', {
    schema: {
      tags,
      summary: 'Give up on a dead letter: it is never sent; a transfer or consultation request reopens its step at the sending agency (as a rejection "undeliverable"), all in one transaction (system admin)',
      params: IdParam,
      response: { 200: AbandonResult, ...err, 409: Type.Ref('ErrorResponse') },
    },
  }, async (req) => {
    const actor = requireAdmin(req);
    const account = await db.selectFrom('accounts').select(['email']).where('id', '=', actor.accountId).executeTakeFirst();
    const by = account?.email ?? `account ${actor.accountId}`;
    const names = new Map((directory()?.members ?? []).map((m) => [m.id, m.name]));
    const r = await abandonDeadLetter(db, req.params.id, by, clock.now(), (m) => names.get(m) ?? m);
    if (r.outcome === 'not_found') throw new NotFound('no outgoing message with this id');
    if (r.outcome === 'not_dead') throw new Conflict('this message is not a dead letter (already retried, abandoned or delivered)', { reason: 'not_dead' });
    // the messages queued behind it may go now
    ic?.wake();
    return { id: req.params.id, status: 'abandoned' as const, reopened: r.reopened };
  });

  app.get('/api/interconnect/messages/:id', {
    schema: { tags, summary: 'One message of the log with its body, attachments, JWS, receipt and why it verifies or not (system admin)', params: IdParam, response: { 200: MessageDetail, ...err } },
  }, async (req) => {
    requireAdmin(req);
    const m = await findMessage(db, req.params.id);
    if (!m) throw new NotFound('no message with this id');
    const dir = directory();
    const verification = await verifyStoredMessage(dir ? new DirectoryVerifier(dir) : null, ic?.memberId ?? null, m);
    return { ...m, direction: m.direction === 'in' ? ('in' as const) : ('out' as const), verification };
  });
};
