// The dossier is its event log: each event is appended with a hash chaining it to the previous
// one, and the dossiers row (the projection) is updated in the same transaction. appendEvent
// is the only writer of both.
import { createHash } from 'node:crypto';
import type { Insertable, Kysely, Transaction, Updateable } from 'kysely';
import type { Database, DossierTable } from '../db/types.js';
import { Conflict } from '../lib/errors.js';
import { type DossierEventType, type DossierStatus, type EventActor, nextStatus } from './lifecycle.js';
import { refreshDossierFacts } from '../reports/store.js';
import { syncAfterEvent } from '../interconnect/dossier-sync.js';

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
  set?: Omit<Updateable<DossierTable>, 'id' | 'code' | 'status' | 'last_seq' | 'last_hash'>;
  /** the tasks (work items) this event opens, closes or changes: part of the projection */
  tasks?: TaskEffects;
}

export interface NewTask {
  kind: 'step' | 'branch' | 'consult' | 'supplement';
  stepId: string;
  agencyId: number;
  role: string;
  assigneeId?: number | null;
  /** an existing task, or the index of a task opened by the same event */
  parent?: { taskId: number } | { openedIndex: number };
  priority: number;
  dueAt: string | null;
  fromAgencyId: number | null;
  detail?: Record<string, unknown>;
  /** interconnection (#6): the member holding this task when it is not us, and the other side's reference to it */
  remote?: { member: string | null; ref: string | null };
}

export interface TaskEffects {
  close?: { id: number; outcome: string; status?: 'done' | 'cancelled' }[];
  open?: NewTask[];
  update?: { id: number; assigneeId?: number | null; dueAt?: string | null; detail?: Record<string, unknown> }[];
}

/** Applies an event's task effects; closing a task that is no longer open is a conflict (someone acted first). */
async function applyTaskEffects(tx: Tx, dossierId: number, seq: number, e: NewEvent): Promise<number[]> {
  const at = e.at.toISOString();
  for (const c of e.tasks?.close ?? []) {
    const r = await tx
      .updateTable('dossier_tasks')
      .set({ status: c.status ?? 'done', outcome: c.outcome, closed_seq: seq, closed_at: at, closed_by: e.actorId })
      .where('id', '=', c.id)
      .where('dossier_id', '=', dossierId)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new Conflict('this step was already acted on; reload the dossier', { reason: 'task_not_open' });
  }
  for (const u of e.tasks?.update ?? []) {
    await tx
      .updateTable('dossier_tasks')
      .set({
        ...(u.assigneeId !== undefined ? { assignee_id: u.assigneeId } : {}),
        ...(u.dueAt !== undefined ? { due_at: u.dueAt } : {}),
        ...(u.detail !== undefined ? { detail: JSON.stringify(u.detail) } : {}),
      })
      .where('id', '=', u.id)
      .where('dossier_id', '=', dossierId)
      .execute();
  }
  const opened: number[] = [];
  for (const t of e.tasks?.open ?? []) {
    const parent = t.parent === undefined ? null : 'taskId' in t.parent ? t.parent.taskId : (opened[t.parent.openedIndex] ?? null);
    const row = await tx
      .insertInto('dossier_tasks')
      .values({
        dossier_id: dossierId, kind: t.kind, step_id: t.stepId, agency_id: t.agencyId, role: t.role, assignee_id: t.assigneeId ?? null, parent_task_id: parent,
        status: 'open', priority: t.priority, opened_seq: seq, opened_at: at, opened_by: e.actorId, from_agency_id: t.fromAgencyId, due_at: t.dueAt,
        closed_seq: null, closed_at: null, closed_by: null, outcome: null, detail: t.detail ? JSON.stringify(t.detail) : null,
        remote_member: t.remote?.member ?? null, remote_ref: t.remote?.ref ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    opened.push(row.id);
  }
  return opened;
}

/**
 * Appends an event to an existing dossier after checking the transition, and updates the
 * projection. The conditional UPDATE on last_seq makes a concurrent append fail instead of
 * forking the chain.
 */
export async function appendEvent(tx: Tx, dossierId: number, e: NewEvent): Promise<{ seq: number; status: DossierStatus; openedTaskIds: number[] }> {
  const d = await tx.selectFrom('dossiers').select(['status', 'last_seq', 'last_hash', 'origin_member']).where('id', '=', dossierId).executeTakeFirstOrThrow();
  const to = nextStatus(d.status as DossierStatus, e.type, e.actor);
  if (!to) throw new Conflict(`a dossier in status ${d.status} cannot take "${e.type}"`, { reason: 'transition_not_allowed' });
  const seq = d.last_seq + 1;
  const at = e.at.toISOString();
  const fields: EventFields = { dossierId, seq, type: e.type, at, actorId: e.actorId, agencyId: e.agencyId, payload: e.payload };
  const hash = eventHash(d.last_hash, fields);
  // The projection first: its conditional UPDATE takes the row lock, so a concurrent append
  // waits, then finds last_seq moved and fails cleanly instead of colliding on the event key.
  const r = await tx
    .updateTable('dossiers')
    .set({ ...e.set, status: to, last_seq: seq, last_hash: hash, updated_at: at })
    .where('id', '=', dossierId)
    .where('last_seq', '=', d.last_seq)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new Conflict('the dossier changed at the same time; try again', { reason: 'concurrent_change' });
  await tx.insertInto('dossier_events').values({ dossier_id: dossierId, seq, type: e.type, at, actor_id: e.actorId, agency_id: e.agencyId, payload: canonicalJson(e.payload), prev_hash: d.last_hash, hash }).execute();
  const openedTaskIds = await applyTaskEffects(tx, dossierId, seq, e);
  // interconnection (#6): work at an agency another member hosts, or news for the member whose mirror this is, goes to the outbox now
  await syncAfterEvent(tx, dossierId, seq, e, openedTaskIds, d.origin_member);
  // statistics are part of the projection: the dossier's quality facts and buckets move with its log
  await refreshDossierFacts(tx, dossierId);
  return { seq, status: to, openedTaskIds };
}

/** Creates a dossier row with its first event. */
export async function createDossier(
  tx: Tx,
  row: Omit<Insertable<DossierTable>, 'id' | 'status' | 'last_seq' | 'last_hash' | 'updated_at'>,
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
  const opened = await applyTaskEffects(tx, inserted.id, 1, first);
  await syncAfterEvent(tx, inserted.id, 1, first, opened, row.origin_member ?? null);
  await refreshDossierFacts(tx, inserted.id);
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
