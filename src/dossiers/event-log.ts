// The dossier is its event log: each event is appended with a hash chaining it to the previous
// one, and the dossiers row (the projection) is updated in the same transaction. appendEvent
// is the only writer of both.
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database, DossierTable } from '../db/types.js';
import { Conflict } from '../lib/errors.js';
import { type DossierEventType, type DossierStatus, type EventActor, nextStatus } from './lifecycle.js';

type Tx = Transaction<Database>;
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with sorted keys, so a hash never depends on property order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface EventFields {
  dossierId: number;
  seq: number;
  type: string;
  at: string;
  actorId: number | null;
  agencyId: number | null;
  payload: unknown;
}

export function eventHash(prevHash: string, e: EventFields): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(e)).digest('hex');
}

export interface NewEvent {
  type: DossierEventType;
  at: Date;
  actor: EventActor;
  actorId: number | null;
  agencyId: number | null;
  payload: Record<string, unknown>;
  /** projection columns this event sets besides status (due date, register number…) */
  set?: Partial<Omit<DossierTable, 'id' | 'code' | 'status' | 'last_seq' | 'last_hash'>>;
}

/**
 * Appends an event to an existing dossier after checking the transition, and updates the
 * projection. The conditional UPDATE on last_seq makes a concurrent append fail instead of
 * forking the chain.
 */
export async function appendEvent(tx: Tx, dossierId: number, e: NewEvent): Promise<{ seq: number; status: DossierStatus }> {
  const d = await tx.selectFrom('dossiers').select(['status', 'last_seq', 'last_hash']).where('id', '=', dossierId).executeTakeFirstOrThrow();
  const to = nextStatus(d.status as DossierStatus, e.type, e.actor);
  if (!to) throw new Conflict(`a dossier in status ${d.status} cannot take "${e.type}"`, { reason: 'transition_not_allowed' });
  const seq = d.last_seq + 1;
  const at = e.at.toISOString();
  const fields: EventFields = { dossierId, seq, type: e.type, at, actorId: e.actorId, agencyId: e.agencyId, payload: e.payload };
  const hash = eventHash(d.last_hash, fields);
  await tx.insertInto('dossier_events').values({ dossier_id: dossierId, seq, type: e.type, at, actor_id: e.actorId, agency_id: e.agencyId, payload: canonicalJson(e.payload), prev_hash: d.last_hash, hash }).execute();
  const r = await tx
    .updateTable('dossiers')
    .set({ ...e.set, status: to, last_seq: seq, last_hash: hash, updated_at: at })
    .where('id', '=', dossierId)
    .where('last_seq', '=', d.last_seq)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new Conflict('the dossier changed at the same time; try again', { reason: 'concurrent_change' });
  return { seq, status: to };
}

/** Creates a dossier row with its first event. */
export async function createDossier(
  tx: Tx,
  row: Omit<DossierTable, 'id' | 'status' | 'last_seq' | 'last_hash' | 'updated_at'>,
  first: NewEvent,
): Promise<{ id: number; status: DossierStatus }> {
  const to = nextStatus('new', first.type, first.actor);
  if (!to) throw new Conflict(`a dossier cannot start with "${first.type}"`, { reason: 'transition_not_allowed' });
  const at = first.at.toISOString();
  const inserted = await tx
    .insertInto('dossiers')
    .values({ ...row, ...first.set, status: to, last_seq: 0, last_hash: GENESIS_HASH, updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  const fields: EventFields = { dossierId: inserted.id, seq: 1, type: first.type, at, actorId: first.actorId, agencyId: first.agencyId, payload: first.payload };
  const hash = eventHash(GENESIS_HASH, fields);
  await tx.insertInto('dossier_events').values({ dossier_id: inserted.id, seq: 1, type: first.type, at, actor_id: first.actorId, agency_id: first.agencyId, payload: canonicalJson(first.payload), prev_hash: GENESIS_HASH, hash }).execute();
  await tx.updateTable('dossiers').set({ last_seq: 1, last_hash: hash }).where('id', '=', inserted.id).execute();
  return { id: inserted.id, status: to };
}

export interface ChainProblem {
  dossierId: number;
  code: string;
  seq: number;
  problem: string;
}

/** Recomputes every chain; reports the first broken link of each dossier. */
export async function verifyChains(db: Kysely<Database>): Promise<{ dossiers: number; events: number; problems: ChainProblem[] }> {
  const problems: ChainProblem[] = [];
  let dossiers = 0;
  let events = 0;
  let lastId = 0;
  for (;;) {
    const batch = await db.selectFrom('dossiers').select(['id', 'code', 'last_seq', 'last_hash']).where('id', '>', lastId).orderBy('id').limit(500).execute();
    if (batch.length === 0) break;
    for (const d of batch) {
      dossiers++;
      const rows = await db.selectFrom('dossier_events').selectAll().where('dossier_id', '=', d.id).orderBy('seq').execute();
      let prev = GENESIS_HASH;
      let broken: ChainProblem | undefined;
      rows.forEach((r, i) => {
        events++;
        if (broken) return;
        if (r.seq !== i + 1) broken = { dossierId: d.id, code: d.code, seq: r.seq, problem: `sequence gap: expected ${i + 1}` };
        else if (r.prev_hash !== prev) broken = { dossierId: d.id, code: d.code, seq: r.seq, problem: 'prev_hash does not match the previous event' };
        else {
          const expected = eventHash(prev, { dossierId: d.id, seq: r.seq, type: r.type, at: r.at, actorId: r.actor_id, agencyId: r.agency_id, payload: JSON.parse(r.payload) as unknown });
          if (expected !== r.hash) broken = { dossierId: d.id, code: d.code, seq: r.seq, problem: 'hash does not match the event content' };
        }
        prev = r.hash;
      });
      if (!broken && (rows.length !== d.last_seq || prev !== d.last_hash)) broken = { dossierId: d.id, code: d.code, seq: rows.length, problem: 'the projection does not point at the last event' };
      if (broken) problems.push(broken);
      lastId = d.id;
    }
  }
  return { dossiers, events, problems };
}
