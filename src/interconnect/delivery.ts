// The delivery worker: sends outbox rows until each is acknowledged with a valid receipt.
// Order is kept per (peer, dossier): a row waits while an earlier row for the same peer and
// dossier is pending or dead (a dead letter blocks its dossier until an operator retries it — so a
// status change never overtakes the transfer it depends on — or abandons it). Failures back off
// exponentially with jitter; after maxAttempts, or on a refusal the sender cannot fix by waiting,
// the row becomes a dead letter. Claiming takes a lease (next_attempt_at moved forward), with
// FOR UPDATE SKIP LOCKED on PostgreSQL, so several processes can share the outbox.
import type { Selectable, Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import type { Db } from '../db/connect.js';
import { engineOf } from '../db/connect.js';
import type { InterconnectConfig } from '../config.js';
import type { BlobStore } from '../documents/blob-store.js';
import type { InterconnectMessageTable } from '../db/types-interconnect.js';
import { deliverForeign } from './adapters/foreign-xml.js';
import { networkReason } from './network-errors.js';
import { memberOf, signingKeyFor } from './directory.js';
import { MAX_MESSAGE_BYTES, requestHash, signEnvelope } from './envelope.js';
import type { MemberKeyring } from './keys.js';
import { verifyReceipt } from './receipts.js';
import { PollLoop } from '../lib/poll-loop.js';
import { DeliveryError, REFUSALS, type Directory, type Envelope, type MessageType, type RefusalCode } from './types.js';

type Row = Selectable<InterconnectMessageTable>;

const MAX_IN_FLIGHT = 8;

export interface DeliveryOptions {
  db: Db;
  self: string;
  directory: () => Directory;
  keyring: () => MemberKeyring;
  blobs: BlobStore;
  config: Pick<InterconnectConfig, 'maxAttempts' | 'retryBaseMs' | 'retryMaxMs' | 'timeoutMs' | 'pollMs'>;
  fetch: typeof fetch;
  now: () => Date;
  log: { warn(o: object, m: string): void; error(o: object, m: string): void; info?(o: object, m: string): void };
  /** run before each drain (the service re-reads the directory when its file changed) */
  beforeDrain?: () => Promise<void>;
}

/** Backoff before attempt n+1 after n failed attempts: base·2^(n−1), capped, times a jitter in [0.5, 1.5). */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1)) * (0.5 + random());
}

export function envelopeOf(row: Row, self: string, sentAt: Date): Envelope {
  return {
    v: 1,
    id: row.message_id,
    from: self,
    to: row.peer,
    type: row.type as MessageType,
    createdAt: row.created_at,
    sentAt: sentAt.toISOString(),
    dossierRef: row.dossier_ref,
    body: JSON.parse(row.body) as Record<string, unknown>,
    attachments: JSON.parse(row.attachments) as Envelope['attachments'],
  };
}

type Outcome =
  | { ok: true; jws: string | null; receipt: string }
  | { ok: false; jws: string | null; error: string; retryable: boolean; countsAsAttempt: boolean };

export class DeliveryWorker {
  private halted = false;
  private readonly loop: PollLoop;

  constructor(private readonly o: DeliveryOptions) {
    this.loop = new PollLoop({
      run: async () => {
        await this.o.beforeDrain?.();
        await this.drain();
      },
      intervalMs: o.config.pollMs,
      onError: (err) => this.o.log.error({ err }, 'interconnect delivery failed'),
    });
  }

  start(): void {
    this.halted = false;
    this.loop.start();
  }

  /** Look for work now (after a request enqueued a message) instead of at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  /** Stops polling and waits for the attempts in flight to finish and be recorded. */
  async stop(): Promise<void> {
    this.halted = true;
    await this.loop.stop();
  }

  /** Sends everything due, MAX_IN_FLIGHT at a time; returns how many were delivered. */
  async drain(): Promise<number> {
    let delivered = 0;
    for (;;) {
      // after stop(): finish the batch in flight, claim no more
      if (this.halted) return delivered;
      const rows = await this.claim(MAX_IN_FLIGHT);
      if (rows.length === 0) return delivered;
      const results = await Promise.all(rows.map((r) => this.attempt(r)));
      delivered += results.filter(Boolean).length;
    }
  }

  private async claim(limit: number): Promise<Row[]> {
    const now = this.o.now();
    const nowIso = now.toISOString();
    const lease = new Date(now.getTime() + this.o.config.timeoutMs * 2).toISOString();
    const db = this.o.db;
    // due, and nothing earlier for the same peer and dossier still undelivered
    const due = (qb: Db | Transaction<Database>) =>
      qb
      .selectFrom('interconnect_messages as m')
      .select('m.id')
      .where('m.direction', '=', 'out')
      .where('m.status', '=', 'pending')
      .where('m.next_attempt_at', '<=', nowIso)
      .where((eb) =>
        eb.or([
          eb('m.dossier_ref', 'is', null),
          eb.not(
            eb.exists(
              eb
                .selectFrom('interconnect_messages as e')
                .select('e.id')
                .where('e.direction', '=', 'out')
                .whereRef('e.peer', '=', 'm.peer')
                .whereRef('e.dossier_ref', '=', 'm.dossier_ref')
                .whereRef('e.id', '<', 'm.id')
                .where('e.status', 'in', ['pending', 'dead']),
            ),
          ),
        ]),
      )
      .orderBy('m.id')
      .limit(limit);
    if (engineOf(db) === 'postgres') {
      return db.transaction().execute(async (tx) => {
        const picked = await due(tx).forUpdate().skipLocked().execute();
        if (picked.length === 0) return [];
        return tx
          .updateTable('interconnect_messages')
          .set({ next_attempt_at: lease })
          .where(
            'id',
            'in',
            picked.map((p) => p.id),
          )
          .returningAll()
          .execute();
      });
    }
    // SQLite: one writer; the conditional UPDATE re-checks each row
    return db
      .updateTable('interconnect_messages')
      .set({ next_attempt_at: lease })
      .where('id', 'in', due(db))
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', nowIso)
      .returningAll()
      .execute();
  }

  /** One attempt for one claimed row; records the outcome; true when delivered. */
  private async attempt(row: Row): Promise<boolean> {
    let outcome: Outcome;
    try {
      outcome = await this.send(row);
    } catch (err) {
      outcome = { ok: false, jws: null, error: `internal error: ${err instanceof Error ? err.message : String(err)}`, retryable: true, countsAsAttempt: true };
    }
    const now = this.o.now();
    const db = this.o.db;
    if (outcome.ok) {
      await db
        .updateTable('interconnect_messages')
        .set({ status: 'delivered', attempts: row.attempts + 1, jws: outcome.jws, receipt: outcome.receipt, last_error: null, next_attempt_at: null, done_at: now.toISOString() })
        .where('id', '=', row.id)
        .execute();
      return true;
    }
    const attempts = row.attempts + (outcome.countsAsAttempt ? 1 : 0);
    const dead = !outcome.retryable || attempts >= this.o.config.maxAttempts;
    const delay = outcome.countsAsAttempt ? retryDelayMs(attempts, this.o.config.retryBaseMs, this.o.config.retryMaxMs) : Math.min(this.o.config.retryMaxMs, 30_000);
    await db
      .updateTable('interconnect_messages')
      .set({
        status: dead ? 'dead' : 'pending',
        attempts,
        last_error: outcome.error.slice(0, 2000),
        next_attempt_at: dead ? null : new Date(now.getTime() + delay).toISOString(),
        ...(outcome.jws !== null ? { jws: outcome.jws } : {}),
      })
      .where('id', '=', row.id)
      .execute();
    this.o.log.warn({ messageId: row.message_id, peer: row.peer, attempts, dead, err: outcome.error }, dead ? 'interconnect message is a dead letter' : 'interconnect message not delivered; will retry');
    return false;
  }

  private async send(row: Row): Promise<Outcome> {
    const dir = this.o.directory();
    const member = memberOf(dir, row.peer);
    const now = this.o.now();
    if (!member) return { ok: false, jws: null, error: `${row.peer} is not in the directory`, retryable: true, countsAsAttempt: true };
    const { timeoutMs } = this.o.config;

    if (member.kind === 'foreign-xml') {
      try {
        const { receipt } = await deliverForeign(member, envelopeOf(row, this.o.self, now), { db: this.o.db, blobs: this.o.blobs, timeoutMs, fetch: this.o.fetch, now });
        return { ok: true, jws: null, receipt };
      } catch (err) {
        if (err instanceof DeliveryError) return { ok: false, jws: null, error: err.message, retryable: err.retryable, countsAsAttempt: true };
        return { ok: false, jws: null, error: networkReason(err, timeoutMs, member.baseUrl), retryable: true, countsAsAttempt: true };
      }
    }

    const key = signingKeyFor(dir, this.o.self, this.o.keyring(), now);
    // our key is not (yet) in the directory: wait for the directory to list it; not the peer's fault
    if (!key) return { ok: false, jws: null, error: 'our_key_not_in_directory: none of our signing keys is listed as valid in the directory', retryable: true, countsAsAttempt: false };
    const jws = await signEnvelope(envelopeOf(row, this.o.self, now), key);
    // no member accepts more (their answer would be 413 on every attempt): a dead letter at once
    const bytes = Buffer.byteLength(jws, 'utf8');
    if (bytes > MAX_MESSAGE_BYTES) {
      return { ok: false, jws: null, error: `message too large: the signed ${row.type} message is ${bytes} bytes, over the protocol limit of ${MAX_MESSAGE_BYTES} bytes; it cannot be sent as it is`, retryable: false, countsAsAttempt: true };
    }
    const hash = requestHash(jws);
    const url = `${member.baseUrl.replace(/\/$/, '')}/interconnect/v1/messages`;
    let status: number;
    let text: string;
    try {
      const res = await this.o.fetch(url, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: jws, signal: AbortSignal.timeout(timeoutMs) });
      status = res.status;
      text = (await res.text()).trim();
    } catch (err) {
      return { ok: false, jws, error: networkReason(err, timeoutMs, member.baseUrl), retryable: true, countsAsAttempt: true };
    }
    // too large for the peer: sending the same bytes again cannot succeed
    if (status === 413) return { ok: false, jws, error: `${member.id} answered HTTP 413: the message (${bytes} bytes) is larger than it accepts`, retryable: false, countsAsAttempt: true };
    let receipt;
    try {
      receipt = await verifyReceipt(text, dir, { from: member.id, requestHash: hash, messageId: row.message_id });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return { ok: false, jws, error: `${member.id} answered HTTP ${status} without a valid receipt (${why})`, retryable: true, countsAsAttempt: true };
    }
    if (receipt.status === 'refused' || status !== 200) {
      const code = receipt.error?.code ?? 'internal';
      const known = code in REFUSALS ? REFUSALS[code as RefusalCode] : undefined;
      return { ok: false, jws, error: `refused by ${member.id}: ${code} — ${receipt.error?.message ?? `HTTP ${status}`}`, retryable: known?.retry ?? true, countsAsAttempt: true };
    }
    return { ok: true, jws, receipt: text };
  }
}

/** An operator sends a dead letter again: pending, attempts 0, due now. */
export async function retryDeadLetter(db: Db, id: number, now: Date): Promise<boolean> {
  const res = await db
    .updateTable('interconnect_messages')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now.toISOString() })
    .where('id', '=', id)
    .where('direction', '=', 'out')
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}
