// All SQL of the interconnection operations page: outbox counters, failing deliveries, dead
// letters, refusals, the recent message log, one message, and putting a dead letter back in the
// outbox or abandoning it. The delivery worker owns the outbox otherwise; here we only read, except
// for retry and abandon.
import type { Db } from '../db/connect.js';
import { abandonUndeliverable } from './dossier-sync.js';

export interface OutboxStats {
  pending: number;
  oldestPendingAt: string | null;
  failing: number;
  delivered24h: number;
  dead: number;
}

export interface FailureRow {
  id: number;
  messageId: string;
  peer: string;
  type: string;
  dossierRef: string | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
}

export interface DeadLetterRow {
  id: number;
  messageId: string;
  peer: string;
  type: string;
  dossierRef: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

export interface RefusalRow {
  id: number;
  at: string;
  peer: string | null;
  messageId: string | null;
  code: string;
  detail: string;
  requestHash: string;
}

export interface MessageRow {
  id: number;
  direction: string;
  messageId: string;
  peer: string;
  type: string;
  dossierRef: string | null;
  status: string;
  createdAt: string;
  doneAt: string | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  jws: string | null;
  receipt: string | null;
}

export interface MessageDetailRow extends MessageRow {
  body: unknown;
  attachments: unknown;
}

const count = (v: string | number | bigint | null | undefined): number => Number(v ?? 0);

export async function outboxStats(db: Db, now: Date): Promise<OutboxStats> {
  const since = new Date(now.getTime() - 24 * 3_600_000).toISOString();
  const row = await db
    .selectFrom('interconnect_messages')
    .select((eb) => [
      eb.fn.sum<number>(eb.case().when('status', '=', 'pending').then(1).else(0).end()).as('pending'),
      eb.fn.min<string>(eb.case().when('status', '=', 'pending').then(eb.ref('created_at')).end()).as('oldest'),
      eb.fn.sum<number>(eb.case().when(eb.and([eb('status', '=', 'pending'), eb('attempts', '>', 0)])).then(1).else(0).end()).as('failing'),
      eb.fn.sum<number>(eb.case().when(eb.and([eb('status', '=', 'delivered'), eb('done_at', '>=', since)])).then(1).else(0).end()).as('delivered'),
      eb.fn.sum<number>(eb.case().when('status', '=', 'dead').then(1).else(0).end()).as('dead'),
    ])
    .where('direction', '=', 'out')
    .executeTakeFirst();
  return {
    pending: count(row?.pending),
    oldestPendingAt: row?.oldest ?? null,
    failing: count(row?.failing),
    delivered24h: count(row?.delivered),
    dead: count(row?.dead),
  };
}

/** Pending messages whose last attempts failed, the most recently failing first. */
export async function listFailures(db: Db, limit = 20): Promise<FailureRow[]> {
  const rows = await db
    .selectFrom('interconnect_messages')
    .select(['id', 'message_id', 'peer', 'type', 'dossier_ref', 'attempts', 'last_error', 'next_attempt_at'])
    .where('direction', '=', 'out')
    .where('status', '=', 'pending')
    .where('attempts', '>', 0)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, messageId: r.message_id, peer: r.peer, type: r.type, dossierRef: r.dossier_ref, attempts: r.attempts, lastError: r.last_error, nextAttemptAt: r.next_attempt_at }));
}

export async function listDeadLetters(db: Db, limit = 100): Promise<DeadLetterRow[]> {
  const rows = await db
    .selectFrom('interconnect_messages')
    .select(['id', 'message_id', 'peer', 'type', 'dossier_ref', 'attempts', 'last_error', 'created_at'])
    .where('direction', '=', 'out')
    .where('status', '=', 'dead')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, messageId: r.message_id, peer: r.peer, type: r.type, dossierRef: r.dossier_ref, attempts: r.attempts, lastError: r.last_error, createdAt: r.created_at }));
}

export async function listRefusals(db: Db, limit = 20): Promise<RefusalRow[]> {
  const rows = await db
    .selectFrom('interconnect_refusals')
    .select(['id', 'at', 'peer', 'message_id', 'code', 'detail', 'request_hash'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, at: r.at, peer: r.peer, messageId: r.message_id, code: r.code, detail: r.detail, requestHash: r.request_hash }));
}

const MESSAGE_COLUMNS = ['id', 'direction', 'message_id', 'peer', 'type', 'dossier_ref', 'status', 'created_at', 'done_at', 'attempts', 'last_error', 'next_attempt_at', 'jws', 'receipt'] as const;

type RawMessage = {
  id: number; direction: string; message_id: string; peer: string; type: string; dossier_ref: string | null; status: string; created_at: string;
  done_at: string | null; attempts: number; last_error: string | null; next_attempt_at: string | null; jws: string | null; receipt: string | null;
};
const toMessage = (r: RawMessage): MessageRow => ({
  id: r.id, direction: r.direction, messageId: r.message_id, peer: r.peer, type: r.type, dossierRef: r.dossier_ref, status: r.status, createdAt: r.created_at,
  doneAt: r.done_at, attempts: r.attempts, lastError: r.last_error, nextAttemptAt: r.next_attempt_at, jws: r.jws, receipt: r.receipt,
});

/** The latest messages in both directions (with their JWS and receipt, for verification). */
export async function listRecentMessages(db: Db, limit = 50): Promise<MessageRow[]> {
  const rows = await db.selectFrom('interconnect_messages').select(MESSAGE_COLUMNS).orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toMessage);
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

export async function findMessage(db: Db, id: number): Promise<MessageDetailRow | undefined> {
  const r = await db.selectFrom('interconnect_messages').select([...MESSAGE_COLUMNS, 'body', 'attachments']).where('id', '=', id).executeTakeFirst();
  if (!r) return undefined;
  return { ...toMessage(r), body: parseJson(r.body), attachments: parseJson(r.attachments) };
}

export type RetryOutcome = 'retried' | 'not_found' | 'not_dead';

/**
 * Puts a dead letter back in the outbox: pending, attempts 0, due now. The last error stays, as a
 * note of why it had died (the table has no history column), until the next attempt overwrites it.
 * Guarded on status so two administrators clicking at once retry it once.
 */
export async function retryDeadLetter(db: Db, id: number, now: Date): Promise<RetryOutcome> {
  const row = await db.selectFrom('interconnect_messages').select(['status', 'attempts', 'last_error']).where('id', '=', id).where('direction', '=', 'out').executeTakeFirst();
  if (!row) return 'not_found';
  if (row.status !== 'dead') return 'not_dead';
  const at = now.toISOString();
  const res = await db
    .updateTable('interconnect_messages')
    .set({ status: 'pending', attempts: 0, next_attempt_at: at, last_error: `put back in the outbox at ${at} after ${row.attempts} attempts; last error: ${row.last_error ?? 'none'}` })
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1 ? 'retried' : 'not_dead';
}

export type AbandonOutcome = { outcome: 'abandoned'; reopened: boolean } | { outcome: 'not_found' } | { outcome: 'not_dead' };

/**
 * An operator gives up on a dead letter, in one transaction: the row becomes 'abandoned' (never
 * sent; last_error keeps who abandoned it, when, and why it had died), and for a `transfer` or a
 * `consultation_request` the work it carried comes back here as if the peer had rejected it
 * (dossier-sync.ts abandonUndeliverable: the remote task closes, the step reopens at the sending
 * agency for its head), so the dossier is no longer stuck with a task nobody can act on. For other
 * types only the row changes; the later messages of the same peer and dossier are then no longer
 * held behind it. Guarded on status like retry: two administrators abandon it once.
 */
export async function abandonDeadLetter(db: Db, id: number, by: string, now: Date, peerName: (member: string) => string): Promise<AbandonOutcome> {
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('interconnect_messages')
      .select(['message_id', 'peer', 'type', 'dossier_ref', 'body', 'status', 'last_error'])
      .where('id', '=', id)
      .where('direction', '=', 'out')
      .executeTakeFirst();
    if (!row) return { outcome: 'not_found' as const };
    if (row.status !== 'dead') return { outcome: 'not_dead' as const };
    const at = now.toISOString();
    const res = await tx
      .updateTable('interconnect_messages')
      .set({ status: 'abandoned', next_attempt_at: null, done_at: at, last_error: `abandoned by ${by} at ${at}; last error: ${row.last_error ?? 'none'}` })
      .where('id', '=', id)
      .where('status', '=', 'dead')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return { outcome: 'not_dead' as const };
    const reopened = await abandonUndeliverable(tx, row, peerName(row.peer), by, now);
    return { outcome: 'abandoned' as const, reopened };
  });
}
