// All SQL of the reports module that maintains the statistics. refreshDossierFacts runs in the
// transaction of every dossier event (and of complaint changes), so the buckets never disagree
// with the log; rebuildAllStats recomputes everything from the log in batches.
import { type Kysely, sql, type Transaction } from 'kysely';
import { WorkingCalendar } from '../calendar/working-time.js';
import type { HolidaySchedule } from '../calendar/holidays.js';
import type { Database } from '../db/types.js';
import {
  computeDossierFacts, contributions, type Contributions, diffContributions, type DossierFacts, EMPTY_CONTRIBUTIONS, type FactEvent,
  type FactsInput, type FactTask, OFFICER_COUNTERS, type OfficerDelta, UNIT_COUNTERS, type UnitDelta,
} from './facts.js';

type Q = Kysely<Database> | Transaction<Database>;

// ——— the working calendar, read inside the caller's transaction ———

let calendarCache: { key: string; calendar: WorkingCalendar } | undefined;

/** The working calendar from the official schedules, cached until a schedule changes. */
export async function calendarFrom(q: Q): Promise<WorkingCalendar> {
  // a few small rows (one per year with an official schedule): keyed on their content, so another
  // database in the same process (tests, tools) or a schedule saved by another app process is seen at once
  const rows = await q.selectFrom('holiday_schedules').select(['year', 'schedule']).orderBy('year').execute();
  const key = rows.map((r) => r.schedule).join('\n');
  if (calendarCache?.key === key) return calendarCache.calendar;
  const calendar = new WorkingCalendar({ schedules: rows.map((r) => JSON.parse(r.schedule) as HolidaySchedule) });
  calendarCache = { key, calendar };
  return calendar;
}

// ——— complaints about a dossier (the feedback module's table) ———

/**
 * Complaints per dossier, and how many were handled late: answered after the answer due time,
 * or refused after the acceptance due time. A complaint still open past its due time is not
 * counted late until it is handled, so the facts depend only on recorded data (a recompute
 * later gives the same answer) — the officers' lists show open late complaints in real time.
 */
async function complaintCounts(q: Q, ids: number[]): Promise<Map<number, { count: number; late: number }>> {
  const out = new Map<number, { count: number; late: number }>();
  if (ids.length === 0) return out;
  const rows = await q
    .selectFrom('complaints')
    .select((eb) => [
      'dossier_id',
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number | string>(sql`case when (answered_at is not null and answered_at > answer_due_at) or (status = 'refused' and decided_at > accept_due_at) then 1 else 0 end`).as('late'),
    ])
    .where('dossier_id', 'in', ids)
    .groupBy('dossier_id')
    .execute();
  for (const r of rows) if (r.dossier_id !== null) out.set(r.dossier_id, { count: Number(r.n), late: Number(r.late ?? 0) });
  return out;
}

// ——— loading the inputs of the fold ———

interface DossierRow {
  id: number;
  receiving_agency_id: number;
  channel: string;
  due_at: string | null;
  original_due_at: string | null;
  procedure_id: number;
  online_level: string;
  verified: number;
}

/** Loads the facts inputs of several dossiers with one query per table. */
export async function loadFactsInputs(q: Q, ids: number[], calendar: WorkingCalendar): Promise<FactsInput[]> {
  if (ids.length === 0) return [];
  const dossiers: DossierRow[] = await q
    .selectFrom('dossiers as d')
    .innerJoin('procedure_versions as pv', 'pv.id', 'd.procedure_version_id')
    .select(['d.id', 'd.receiving_agency_id', 'd.channel', 'd.due_at', 'd.original_due_at', 'pv.procedure_id', 'pv.online_level', 'pv.verified'])
    .where('d.id', 'in', ids)
    // a mirror of another member's dossier (#6) is counted by its origin, never twice: it has no facts here
    .where('d.origin_member', 'is', null)
    .execute();
  const events = await q.selectFrom('dossier_events').select(['dossier_id', 'seq', 'type', 'at', 'agency_id', 'actor_id', 'payload']).where('dossier_id', 'in', ids).execute();
  const tasks = await q
    .selectFrom('dossier_tasks')
    .select(['id', 'dossier_id', 'kind', 'step_id', 'agency_id', 'assignee_id', 'status', 'opened_at', 'due_at', 'closed_at', 'closed_by'])
    .where('dossier_id', 'in', ids)
    .execute();
  const complaints = await complaintCounts(q, ids);
  // once-only (#7): the components' reuse/digitisation flags and whether an e-result was issued
  const documents = await q.selectFrom('dossier_documents').select(['dossier_id', 'source', 'requirement_code', 'reused', 'digitised']).where('dossier_id', 'in', ids).execute();
  const eResults = await q.selectFrom('e_results').select('dossier_id').distinct().where('dossier_id', 'in', ids).execute();
  const withEResult = new Set(eResults.map((r) => r.dossier_id));
  const documentsBy = new Map<number, FactsInput['documents']>();
  for (const d of documents) {
    const list = documentsBy.get(d.dossier_id) ?? [];
    list.push({ source: d.source, requirement: d.requirement_code, reused: Number(d.reused) === 1, digitised: Number(d.digitised) === 1 });
    documentsBy.set(d.dossier_id, list);
  }
  const eventsBy = new Map<number, FactEvent[]>();
  for (const e of events) {
    const list = eventsBy.get(e.dossier_id) ?? [];
    list.push({ seq: e.seq, type: e.type, at: e.at, agencyId: e.agency_id, actorId: e.actor_id, payload: JSON.parse(e.payload) as Record<string, unknown> });
    eventsBy.set(e.dossier_id, list);
  }
  const tasksBy = new Map<number, FactTask[]>();
  for (const t of tasks) {
    const list = tasksBy.get(t.dossier_id) ?? [];
    list.push({ id: t.id, kind: t.kind, stepId: t.step_id, agencyId: t.agency_id, assigneeId: t.assignee_id, status: t.status, openedAt: t.opened_at, dueAt: t.due_at, closedAt: t.closed_at, closedBy: t.closed_by });
    tasksBy.set(t.dossier_id, list);
  }
  const workingMs = (a: Date, b: Date, pauses: { from: Date; to: Date | null }[]) => calendar.workingTimeBetween(a, b, pauses);
  return dossiers.map((d) => ({
    dossier: { id: d.id, receivingAgencyId: d.receiving_agency_id, procedureId: d.procedure_id, channel: d.channel, dueAt: d.due_at, originalDueAt: d.original_due_at },
    procedure: { onlineLevel: d.online_level, verified: Number(d.verified) === 1 },
    events: eventsBy.get(d.id) ?? [],
    tasks: tasksBy.get(d.id) ?? [],
    complaints: complaints.get(d.id) ?? { count: 0, late: 0 },
    documents: documentsBy.get(d.id) ?? [],
    eResult: withEResult.has(d.id),
    workingMs,
  }));
}

// ——— applying deltas ———

/** The three tables of unit counters: the detail and its two roll-ups, keyed as named. */
export const UNIT_TABLES = {
  quality_stats: ['agency_id', 'day', 'procedure_id'],
  quality_stats_agency_day: ['agency_id', 'day'],
  quality_stats_month: ['agency_id', 'month', 'procedure_id'],
} as const;
export type UnitTable = keyof typeof UNIT_TABLES;

/** The key values of a delta in each table. */
function keyValues(table: UnitTable, d: { day: string; agencyId: number; procedureId: number }): (string | number)[] {
  if (table === 'quality_stats') return [d.agencyId, d.day, d.procedureId];
  if (table === 'quality_stats_agency_day') return [d.agencyId, d.day];
  return [d.agencyId, d.day.slice(0, 7), d.procedureId];
}

async function upsertAdd(q: Q, table: UnitTable, key: (string | number)[], counters: Record<string, number>): Promise<void> {
  const cols = Object.keys(counters);
  if (cols.length === 0) return;
  const keyCols = UNIT_TABLES[table];
  await sql`insert into ${sql.table(table)} (${sql.join([...keyCols, ...cols].map((c) => sql.ref(c)))}) values (${sql.join([...key, ...cols.map((c) => counters[c]!)])})
    on conflict (${sql.join(keyCols.map((c) => sql.ref(c)))}) do update set ${sql.join(cols.map((c) => sql`${sql.ref(c)} = ${sql.ref(`${table}.${c}`)} + excluded.${sql.ref(c)}`))}`.execute(q);
}

/**
 * Adds the deltas to the detail and both roll-ups. Rows are updated table by table in key order,
 * so two transactions touching the same buckets lock them in the same order (no deadlock on PostgreSQL).
 */
async function applyUnitDeltas(q: Q, deltas: UnitDelta[]): Promise<void> {
  for (const table of Object.keys(UNIT_TABLES) as UnitTable[]) {
    const merged: Buckets = new Map();
    const keys = new Map<string, (string | number)[]>();
    for (const d of deltas) {
      const key = keyValues(table, d);
      const k = key.join('|');
      keys.set(k, key);
      addInto(merged, k, d.counters);
    }
    for (const k of [...merged.keys()].sort()) {
      const counters = Object.fromEntries(Object.entries(merged.get(k)!).filter(([, v]) => v !== 0));
      await upsertAdd(q, table, keys.get(k)!, counters);
    }
  }
}

async function applyOfficerDeltas(q: Q, deltas: OfficerDelta[]): Promise<void> {
  for (const d of [...deltas].sort((a, b) => a.officerId - b.officerId || a.day.localeCompare(b.day))) {
    const cols = Object.keys(d.counters) as (keyof OfficerDelta['counters'])[];
    if (cols.length === 0) continue;
    const values: Record<string, number> = {};
    for (const c of cols) values[c] = d.counters[c]!;
    await q
      .insertInto('officer_stats')
      .values({ officer_id: d.officerId, day: d.day, ...values })
      .onConflict((oc) => oc.columns(['officer_id', 'day']).doUpdateSet((eb) => Object.fromEntries(cols.map((c) => [c, eb(eb.ref(`officer_stats.${c}`), '+', eb.ref(`excluded.${c}`))]))))
      .execute();
  }
}

function factsRow(dossierId: number, f: DossierFacts, c: Contributions, now: string) {
  return {
    dossier_id: dossierId, agency_id: f.agencyId, procedure_id: f.procedureId, received_day: f.receivedDay, closed_day: f.closedDay, closing: f.closing, outcome: f.outcome,
    online: f.online ? 1 : 0, online_offered: f.onlineOffered ? 1 : 0, published: f.published ? 1 : 0, working_minutes: f.workingMinutes, dissatisfied: f.rating && f.rating.dissatisfied.length > 0 ? 1 : 0, complained: f.complaints > 0 ? 1 : 0,
    c01_score: f.c01 ? f.c01.reduce((s, x) => s + x, 0) : null, digitised: f.digitised ? 1 : 0, reused: f.reused ? 1 : 0, e_result: f.eResult ? 1 : 0,
    facts: JSON.stringify(f), contributions: JSON.stringify(c), updated_at: now,
  };
}

/**
 * Recomputes one dossier's quality facts inside the caller's transaction, applies the change
 * of its contributions (new − stored) to the buckets, and stores the new facts. Called by
 * appendEvent/createDossier and by the feedback module when a complaint about the dossier changes.
 */
export async function refreshDossierFacts(tx: Transaction<Database>, dossierId: number): Promise<void> {
  const now = new Date();
  const calendar = await calendarFrom(tx);
  const [input] = await loadFactsInputs(tx, [dossierId], calendar);
  if (!input) return;
  const facts = computeDossierFacts(input);
  const next = contributions(facts);
  const stored = await tx.selectFrom('dossier_facts').select('contributions').where('dossier_id', '=', dossierId).executeTakeFirst();
  const prev = stored ? (JSON.parse(stored.contributions) as Contributions) : EMPTY_CONTRIBUTIONS;
  const delta = diffContributions(next, prev);
  await applyUnitDeltas(tx, delta.unit);
  await applyOfficerDeltas(tx, delta.officer);
  const row = factsRow(dossierId, facts, next, now.toISOString());
  if (stored) {
    const { dossier_id: _id, ...rest } = row;
    await tx.updateTable('dossier_facts').set(rest).where('dossier_id', '=', dossierId).execute();
  } else await tx.insertInto('dossier_facts').values(row).execute();
}

// ——— recomputing everything from the log ———

export interface BucketDifference {
  table: UnitTable | 'officer_stats';
  key: string;
  counter: string;
  stored: number;
  expected: number;
}

type Buckets = Map<string, Record<string, number>>;

function officerKey(d: { day: string; officerId: number }): string {
  return `${d.officerId}|${d.day}`;
}

function addInto(map: Buckets, key: string, counters: Record<string, number | undefined>): void {
  const acc = map.get(key) ?? {};
  for (const [c, v] of Object.entries(counters)) if (v) acc[c] = (acc[c] ?? 0) + v;
  map.set(key, acc);
}

interface Folded {
  unit: Record<UnitTable, Buckets>;
  officer: Buckets;
  dossiers: number;
}

/** Folds every dossier's log in batches; calls back with each batch's facts. Returns the expected buckets of every table. */
async function foldAll(db: Kysely<Database>, batchSize: number, onBatch: (rows: { id: number; facts: DossierFacts; contributions: Contributions }[]) => Promise<void>): Promise<Folded> {
  const calendar = await calendarFrom(db);
  const unit: Record<UnitTable, Buckets> = { quality_stats: new Map(), quality_stats_agency_day: new Map(), quality_stats_month: new Map() };
  const officer: Buckets = new Map();
  let lastId = 0;
  let dossiers = 0;
  for (;;) {
    const ids = (await db.selectFrom('dossiers').select('id').where('id', '>', lastId).orderBy('id').limit(batchSize).execute()).map((r) => r.id);
    if (ids.length === 0) break;
    lastId = ids[ids.length - 1]!;
    const inputs = await loadFactsInputs(db, ids, calendar);
    const rows = inputs.map((input) => {
      const facts = computeDossierFacts(input);
      return { id: input.dossier.id, facts, contributions: contributions(facts) };
    });
    for (const r of rows) {
      for (const d of r.contributions.unit) for (const table of Object.keys(UNIT_TABLES) as UnitTable[]) addInto(unit[table], keyValues(table, d).join('|'), d.counters);
      for (const d of r.contributions.officer) addInto(officer, officerKey(d), d.counters);
    }
    dossiers += rows.length;
    await onBatch(rows);
  }
  return { unit, officer, dossiers };
}

async function storedBuckets(db: Kysely<Database>, table: UnitTable | 'officer_stats'): Promise<Buckets> {
  const keyCols: readonly string[] = table === 'officer_stats' ? ['officer_id', 'day'] : UNIT_TABLES[table];
  const counters: readonly string[] = table === 'officer_stats' ? OFFICER_COUNTERS : UNIT_COUNTERS;
  const rows = (await sql<Record<string, string | number>>`select * from ${sql.table(table)}`.execute(db)).rows;
  const out: Buckets = new Map();
  for (const r of rows) {
    const rec: Record<string, number> = {};
    for (const c of counters) rec[c] = Number(r[c] ?? 0);
    out.set(keyCols.map((k) => String(r[k])).join('|'), rec);
  }
  return out;
}

/** Compares the stored buckets (detail, roll-ups, officers) with the ones recomputed from the log. */
export async function checkStats(db: Kysely<Database>, batchSize = 500): Promise<{ dossiers: number; differences: BucketDifference[] }> {
  const expected = await foldAll(db, batchSize, async () => {});
  const differences: BucketDifference[] = [];
  const compare = (table: BucketDifference['table'], counters: readonly string[], stored: Buckets, exp: Buckets) => {
    for (const key of new Set([...stored.keys(), ...exp.keys()])) {
      const st = stored.get(key) ?? {};
      const e = exp.get(key) ?? {};
      for (const c of counters) {
        const sv = Number(st[c] ?? 0);
        const ev = Number(e[c] ?? 0);
        if (sv !== ev) differences.push({ table, key, counter: c, stored: sv, expected: ev });
      }
    }
  };
  for (const table of Object.keys(UNIT_TABLES) as UnitTable[]) compare(table, UNIT_COUNTERS, await storedBuckets(db, table), expected.unit[table]);
  compare('officer_stats', OFFICER_COUNTERS, await storedBuckets(db, 'officer_stats'), expected.officer);
  return { dossiers: expected.dossiers, differences };
}

async function insertBuckets(tx: Q, table: UnitTable | 'officer_stats', buckets: Buckets): Promise<void> {
  const keyCols: readonly string[] = table === 'officer_stats' ? ['officer_id', 'day'] : UNIT_TABLES[table];
  const counters: readonly string[] = table === 'officer_stats' ? OFFICER_COUNTERS : UNIT_COUNTERS;
  const textKeys = new Set(['day', 'month']);
  const rows = [...buckets.entries()].map(([key, c]) => {
    const parts = key.split('|');
    return sql`(${sql.join([...keyCols.map((k, i) => (textKeys.has(k) ? parts[i]! : Number(parts[i]))), ...counters.map((name) => c[name] ?? 0)])})`;
  });
  // multi-row inserts in chunks: both engines cap the bound parameters of one statement
  for (let i = 0; i < rows.length; i += 200) {
    await sql`insert into ${sql.table(table)} (${sql.join([...keyCols, ...counters].map((c) => sql.ref(c)))}) values ${sql.join(rows.slice(i, i + 200))}`.execute(tx);
  }
}

/**
 * Rebuilds every dossier's facts and all buckets from the log, in batches (the `recompute-stats
 * --fix` path, and how a bench builds statistics over generated dossiers). Facts are written
 * batch by batch; the buckets, accumulated in memory, replace the stored ones in one transaction.
 */
export async function rebuildAllStats(db: Kysely<Database>, opts: { batchSize?: number; onProgress?: (done: number) => void } = {}): Promise<{ dossiers: number; unitBuckets: number; officerBuckets: number }> {
  const batchSize = opts.batchSize ?? 1000;
  const stamp = new Date().toISOString();
  await db.deleteFrom('dossier_facts').execute();
  let done = 0;
  const folded = await foldAll(db, batchSize, async (rows) => {
    const values = rows.map((r) => factsRow(r.id, r.facts, r.contributions, stamp));
    await db.transaction().execute(async (tx) => {
      for (let i = 0; i < values.length; i += 50) await tx.insertInto('dossier_facts').values(values.slice(i, i + 50)).execute();
    });
    done += rows.length;
    opts.onProgress?.(done);
  });
  await db.transaction().execute(async (tx) => {
    for (const table of Object.keys(UNIT_TABLES) as UnitTable[]) {
      await tx.deleteFrom(table).execute();
      await insertBuckets(tx, table, folded.unit[table]);
    }
    await tx.deleteFrom('officer_stats').execute();
    await insertBuckets(tx, 'officer_stats', folded.officer);
  });
  return { dossiers: folded.dossiers, unitBuckets: folded.unit.quality_stats.size, officerBuckets: folded.officer.size };
}

// ——— reading: scope, sums, current state, drill-down ———

export interface AgencyNode {
  id: number;
  code: string;
  name: string;
  parentId: number | null;
  path: string;
}

export async function listAgencies(q: Q): Promise<AgencyNode[]> {
  const rows = await q.selectFrom('agencies').select(['id', 'code', 'name', 'parent_id', 'path']).orderBy('path').execute();
  return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, parentId: r.parent_id, path: r.path }));
}

/** A set of agencies reports sum over; `all` lets a query skip the agency filter (the whole city). */
export interface AgencySet {
  ids: number[];
  all: boolean;
}

export type CounterSums = Record<(typeof UNIT_COUNTERS)[number], number>;

function zeroSums(): CounterSums {
  return Object.fromEntries(UNIT_COUNTERS.map((c) => [c, 0])) as CounterSums;
}


/** Which stored rows cover [from, to]: whole months from the month roll-up, the days at either end from the detail. */
export function splitRange(from: string, to: string): { months: [string, string] | null; days: [string, string][] } {
  const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const prevDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const monthEnd = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).toISOString().slice(0, 10);
  const firstMonth = from.endsWith('-01') ? from.slice(0, 7) : nextDay(monthEnd(from.slice(0, 7))).slice(0, 7);
  const lastMonth = monthEnd(to.slice(0, 7)) === to ? to.slice(0, 7) : prevDay(`${to.slice(0, 7)}-01`).slice(0, 7);
  if (firstMonth > lastMonth) return { months: null, days: [[from, to]] };
  const days: [string, string][] = [];
  if (from < `${firstMonth}-01`) days.push([from, prevDay(`${firstMonth}-01`)]);
  if (to > monthEnd(lastMonth)) days.push([nextDay(monthEnd(lastMonth)), to]);
  return { months: [firstMonth, lastMonth], days };
}

type GroupKey = 'agency_id' | 'procedure_id' | 'day';

async function groupedSums(q: Q, table: UnitTable, column: 'day' | 'month', lo: string, hi: string, set: AgencySet, groupBy: GroupKey | null, procedureIds: number[] | undefined, counters: readonly string[]): Promise<{ key: string | number | null; sums: Record<string, number> }[]> {
  const where = [sql`${sql.ref(column)} >= ${lo}`, sql`${sql.ref(column)} <= ${hi}`];
  if (!set.all) where.push(sql`agency_id in (${sql.join(set.ids)})`);
  if (procedureIds) where.push(sql`procedure_id in (${sql.join(procedureIds)})`);
  const sums = sql.join(counters.map((c) => sql`sum(${sql.ref(c)}) as ${sql.ref(c)}`));
  const rows = groupBy
    ? (await sql<Record<string, string | number | null>>`select ${sql.ref(groupBy)} as k, ${sums} from ${sql.table(table)} where ${sql.join(where, sql` and `)} group by ${sql.ref(groupBy)}`.execute(q)).rows
    : (await sql<Record<string, string | number | null>>`select ${sums} from ${sql.table(table)} where ${sql.join(where, sql` and `)}`.execute(q)).rows;
  return rows.map((r) => ({ key: groupBy ? (r.k as string | number) : null, sums: Object.fromEntries(counters.map((c) => [c, Number(r[c] ?? 0)])) }));
}

/**
 * Sums the counters of a set of agencies over [from, to], optionally grouped by agency,
 * procedure or day. Reads the smallest table that answers: the agency × day roll-up when no
 * procedure is involved; else whole months from the agency × month × procedure roll-up and the
 * days at the ends from the detail. A few thousand rows at most for a quarter, at any volume.
 */
export async function sumStats(
  db: Kysely<Database>,
  set: AgencySet,
  from: string,
  to: string,
  groupBy?: GroupKey,
  extra?: { procedureIds?: number[]; counters?: readonly (typeof UNIT_COUNTERS)[number][] },
): Promise<{ key: string | number | null; sums: CounterSums }[]> {
  const counters = extra?.counters ?? UNIT_COUNTERS;
  const procedureIds = extra?.procedureIds;
  if ((!set.all && set.ids.length === 0) || procedureIds?.length === 0) return groupBy ? [] : [{ key: null, sums: zeroSums() }];
  const parts: { key: string | number | null; sums: Record<string, number> }[] = [];
  if (!procedureIds && groupBy !== 'procedure_id') {
    parts.push(...(await groupedSums(db, 'quality_stats_agency_day', 'day', from, to, set, groupBy ?? null, undefined, counters)));
  } else if (groupBy === 'day') {
    parts.push(...(await groupedSums(db, 'quality_stats', 'day', from, to, set, 'day', procedureIds, counters)));
  } else {
    const split = splitRange(from, to);
    if (split.months) parts.push(...(await groupedSums(db, 'quality_stats_month', 'month', split.months[0], split.months[1], set, groupBy ?? null, procedureIds, counters)));
    for (const [lo, hi] of split.days) parts.push(...(await groupedSums(db, 'quality_stats', 'day', lo, hi, set, groupBy ?? null, procedureIds, counters)));
  }
  const merged = new Map<string, { key: string | number | null; sums: CounterSums }>();
  for (const p of parts) {
    const k = String(p.key);
    let m = merged.get(k);
    if (!m) {
      m = { key: p.key === null ? null : groupBy === 'day' ? String(p.key) : Number(p.key), sums: zeroSums() };
      merged.set(k, m);
    }
    for (const [c, v] of Object.entries(p.sums)) m.sums[c as keyof CounterSums] += v;
  }
  if (!groupBy) return [merged.get('null') ?? { key: null, sums: zeroSums() }];
  return [...merged.values()];
}

export const OPEN_STATUSES = ['received', 'processing', 'processing_supplement'] as const;

/** Dossiers received and not closed, and those past their due date now, per receiving agency. */
export async function inProgressByAgency(db: Kysely<Database>, set: AgencySet, now: string): Promise<Map<number, { open: number; late: number }>> {
  let qb = db
    .selectFrom('dossiers')
    .select((eb) => ['receiving_agency_id', eb.fn.countAll<number>().as('n'), eb.fn.sum<number | string>(sql`case when due_at < ${now} then 1 else 0 end`).as('late')])
    .where('status', 'in', [...OPEN_STATUSES]);
  // always by agency ids, even for the whole city: the index (receiving_agency_id, status, due_at)
  // then answers with a few seeks per agency instead of a scan of every dossier's entry
  qb = set.ids.length ? qb.where('receiving_agency_id', 'in', set.ids) : qb.where(sql<boolean>`1 = 0`);
  const rows = await qb.groupBy('receiving_agency_id').execute();
  return new Map(rows.map((r) => [r.receiving_agency_id, { open: Number(r.n), late: Number(r.late ?? 0) }]));
}

/** Open work items (the backlog) per agency holding them, and how many are past due now. */
export async function backlogByAgency(db: Kysely<Database>, set: AgencySet, now: string): Promise<Map<number, { open: number; late: number }>> {
  // status = 'open' as a literal so both planners use the partial index dossier_tasks_open_inbox
  let qb = db
    .selectFrom('dossier_tasks')
    .select((eb) => ['agency_id', eb.fn.countAll<number>().as('n'), eb.fn.sum<number | string>(sql`case when due_at < ${now} then 1 else 0 end`).as('late')])
    .where(sql<boolean>`status = 'open'`)
    // work with a due time: steps, branches, consultations (a supplement waits for the applicant, not the unit);
    // said through due_at, which the partial index holds, rather than kind, which it does not
    .where('due_at', 'is not', null);
  if (!set.all) qb = qb.where('agency_id', 'in', set.ids);
  const rows = await qb.groupBy('agency_id').execute();
  return new Map(rows.map((r) => [r.agency_id, { open: Number(r.n), late: Number(r.late ?? 0) }]));
}

export interface LateItem {
  code: string;
  workflowTemplateId: number | null;
  procedureVersionId: number;
  procedure: string;
  step: string;
  agency: string;
  officer: string | null;
  dueAt: string;
}

/** The open work items past due, oldest due first: who holds which dossier at which step. */
export async function lateItems(db: Kysely<Database>, filter: { set?: AgencySet; assigneeId?: number }, now: string, limit = 50): Promise<LateItem[]> {
  let qb = db
    .selectFrom('dossier_tasks as t')
    .innerJoin('dossiers as d', 'd.id', 't.dossier_id')
    .innerJoin('procedure_versions as pv', 'pv.id', 'd.procedure_version_id')
    .innerJoin('agencies as a', 'a.id', 't.agency_id')
    .leftJoin('accounts as o', 'o.id', 't.assignee_id')
    .select(['d.code', 'd.workflow_template_id', 'd.procedure_version_id', 'pv.name as procedure', 't.step_id as step', 'a.name as agency', 'o.full_name as officer', 't.due_at'])
    .where(sql<boolean>`t.status = 'open'`)
    .where('t.due_at', '<', now);
  if (filter.set && !filter.set.all) qb = qb.where('t.agency_id', 'in', filter.set.ids);
  if (filter.assigneeId !== undefined) qb = qb.where('t.assignee_id', '=', filter.assigneeId);
  const rows = await qb.orderBy('t.due_at').orderBy('t.id').limit(limit).execute();
  return rows.map((r) => ({ code: r.code, workflowTemplateId: r.workflow_template_id, procedureVersionId: r.procedure_version_id, procedure: r.procedure, step: r.step, agency: r.agency, officer: r.officer, dueAt: r.due_at! }));
}

/** Procedure codes and names (the version in force on `day`). */
export async function procedureNames(db: Kysely<Database>, ids: number[], day: string): Promise<Map<number, { code: string; name: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('procedures as p')
    .innerJoin('procedure_versions as pv', 'pv.procedure_id', 'p.id')
    .select(['p.id', 'p.national_code', 'pv.name', 'pv.effective_from', 'pv.version'])
    .where('p.id', 'in', ids)
    .execute();
  // the name in force on the day (the latest version that started by then; else the earliest)
  const out = new Map<number, { code: string; name: string; from: string; version: number }>();
  for (const r of rows) {
    const cur = out.get(r.id);
    const better = !cur || (r.effective_from <= day && (cur.from > day || r.effective_from > cur.from || (r.effective_from === cur.from && r.version > cur.version))) || (cur.from > day && r.effective_from < cur.from);
    if (better) out.set(r.id, { code: r.national_code, name: r.name, from: r.effective_from, version: r.version });
  }
  return new Map([...out].map(([k, v]) => [k, { code: v.code, name: v.name }]));
}

export async function procedureIdByCode(db: Kysely<Database>, code: string): Promise<number | undefined> {
  return (await db.selectFrom('procedures').select('id').where('national_code', '=', code).executeTakeFirst())?.id;
}

// ——— drill-down ———

type FactsWhere = { column: 'received_day' | 'closed_day'; closing?: string; outcome?: string[]; flag?: 'online' | 'online_offered' | 'published' | 'dissatisfied' | 'complained' | 'complained_or_disliked' | 'scored' | 'digitised' | 'reused' | 'e_result' };

/** Which dossiers make each drill measure (the same conditions the contributions use). */
export const DRILL_WHERE: Record<string, FactsWhere> = {
  received: { column: 'received_day' },
  received_online: { column: 'received_day', flag: 'online' },
  online_offered: { column: 'received_day', flag: 'online_offered' },
  resolved: { column: 'closed_day', closing: 'resolved' },
  early: { column: 'closed_day', closing: 'resolved', outcome: ['early'] },
  on_time: { column: 'closed_day', closing: 'resolved', outcome: ['on_time'] },
  on_time_or_early: { column: 'closed_day', closing: 'resolved', outcome: ['early', 'on_time'] },
  late: { column: 'closed_day', closing: 'resolved', outcome: ['late'] },
  refused: { column: 'closed_day', closing: 'refused' },
  withdrawn: { column: 'closed_day', closing: 'withdrawn' },
  dissatisfied: { column: 'closed_day', flag: 'dissatisfied' },
  complained: { column: 'closed_day', flag: 'complained' },
  complained_or_disliked: { column: 'closed_day', flag: 'complained_or_disliked' },
  published: { column: 'closed_day', closing: 'resolved', flag: 'published' },
  scored: { column: 'closed_day', closing: 'resolved', flag: 'scored' },
  digitised: { column: 'received_day', flag: 'digitised' },
  reused: { column: 'received_day', flag: 'reused' },
  e_result: { column: 'closed_day', closing: 'resolved', flag: 'e_result' },
};

export interface DrillRow {
  code: string;
  procedure: string;
  agency: string;
  receivedAt: string | null;
  resolvedAt: string | null;
  outcome: string | null;
  workingMinutes: number | null;
  closing: string | null;
  c01Score: number | null;
}

export async function drillDossiers(db: Kysely<Database>, set: AgencySet, from: string, to: string, measure: string, page: number, pageSize: number, procedureIds?: number[]): Promise<{ items: DrillRow[]; total: number }> {
  const w = DRILL_WHERE[measure];
  if (!w) return { items: [], total: 0 };
  let qb = db.selectFrom('dossier_facts as f').where(`f.${w.column}`, '>=', from).where(`f.${w.column}`, '<=', to);
  if (!set.all) qb = qb.where('f.agency_id', 'in', set.ids);
  if (procedureIds) qb = procedureIds.length ? qb.where('f.procedure_id', 'in', procedureIds) : qb.where(sql<boolean>`1 = 0`);
  if (w.closing) qb = qb.where('f.closing', '=', w.closing);
  if (w.outcome) qb = qb.where('f.outcome', 'in', w.outcome);
  if (w.flag === 'online') qb = qb.where('f.online', '=', 1);
  if (w.flag === 'online_offered') qb = qb.where('f.online_offered', '=', 1);
  if (w.flag === 'published') qb = qb.where('f.published', '=', 1);
  if (w.flag === 'dissatisfied') qb = qb.where('f.dissatisfied', '=', 1).where('f.closing', 'in', ['resolved', 'refused']);
  if (w.flag === 'complained') qb = qb.where('f.complained', '=', 1).where('f.closing', 'in', ['resolved', 'refused']);
  if (w.flag === 'complained_or_disliked') qb = qb.where((eb) => eb.or([eb('f.dissatisfied', '=', 1), eb('f.complained', '=', 1)])).where('f.closing', 'in', ['resolved', 'refused']);
  if (w.flag === 'scored') qb = qb.where('f.c01_score', 'is not', null);
  if (w.flag === 'digitised') qb = qb.where('f.digitised', '=', 1);
  if (w.flag === 'reused') qb = qb.where('f.reused', '=', 1);
  if (w.flag === 'e_result') qb = qb.where('f.e_result', '=', 1);
  const count = await qb.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const rows = await qb
    .innerJoin('dossiers as d', 'd.id', 'f.dossier_id')
    .innerJoin('procedure_versions as pv', 'pv.id', 'd.procedure_version_id')
    .innerJoin('agencies as a', 'a.id', 'f.agency_id')
    .select(['d.code', 'pv.name as procedure', 'a.name as agency', 'f.outcome', 'f.working_minutes', 'f.closing', 'f.c01_score', 'f.facts'])
    .orderBy(`f.${w.column}`, 'desc')
    .orderBy('f.dossier_id', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  const items = rows.map((r) => {
    const f = JSON.parse(r.facts) as DossierFacts;
    return { code: r.code, procedure: r.procedure, agency: r.agency, receivedAt: f.receivedAt, resolvedAt: f.closedAt, outcome: r.outcome, workingMinutes: r.working_minutes, closing: r.closing, c01Score: r.c01_score };
  });
  return { items, total: Number(count?.n ?? 0) };
}

export async function factsOfDossier(db: Kysely<Database>, dossierId: number): Promise<DossierFacts | undefined> {
  const row = await db.selectFrom('dossier_facts').select('facts').where('dossier_id', '=', dossierId).executeTakeFirst();
  return row ? (JSON.parse(row.facts) as DossierFacts) : undefined;
}

export async function officerSums(db: Kysely<Database>, officerId: number, from: string, to: string): Promise<Record<(typeof OFFICER_COUNTERS)[number], number>> {
  const row = await db
    .selectFrom('officer_stats')
    .select((eb) => OFFICER_COUNTERS.map((c) => eb.fn.sum<number | string>(c).as(c)))
    .where('officer_id', '=', officerId)
    .where('day', '>=', from)
    .where('day', '<=', to)
    .executeTakeFirst();
  const r = (row ?? {}) as Record<string, unknown>;
  return Object.fromEntries(OFFICER_COUNTERS.map((c) => [c, Number(r[c] ?? 0)])) as Record<(typeof OFFICER_COUNTERS)[number], number>;
}

export async function openItemsOf(db: Kysely<Database>, officerId: number, now: string): Promise<{ open: number; late: number }> {
  const row = await db
    .selectFrom('dossier_tasks')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number | string>(sql`case when due_at < ${now} then 1 else 0 end`).as('late')])
    .where('assignee_id', '=', officerId)
    .where('status', '=', 'open')
    .where('due_at', 'is not', null)
    .executeTakeFirst();
  return { open: Number(row?.n ?? 0), late: Number(row?.late ?? 0) };
}

// ——— indicator definitions ———

export async function storedDefinition(db: Kysely<Database>, framework: string): Promise<{ version: number; definition: string; updated_at: string; updated_by: number | null } | undefined> {
  return db.selectFrom('indicator_definitions').select(['version', 'definition', 'updated_at', 'updated_by']).where('framework', '=', framework).executeTakeFirst();
}

export async function saveDefinition(db: Kysely<Database>, framework: string, definition: string, by: number, at: string): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const cur = await tx.selectFrom('indicator_definitions').select('version').where('framework', '=', framework).executeTakeFirst();
    const version = (cur?.version ?? 0) + 1;
    if (cur) await tx.updateTable('indicator_definitions').set({ version, definition, updated_at: at, updated_by: by }).where('framework', '=', framework).where('version', '=', cur.version).execute();
    else await tx.insertInto('indicator_definitions').values({ framework, version, definition, updated_at: at, updated_by: by }).execute();
    return version;
  });
}

/** Complaints filed in [fromUtc, toUtc) with the agencies of the set responsible now. */
export async function complaintsFiled(db: Kysely<Database>, set: AgencySet, fromUtc: string, toUtc: string): Promise<number> {
  let qb = db.selectFrom('complaints').select((eb) => eb.fn.countAll<number>().as('n')).where('filed_at', '>=', fromUtc).where('filed_at', '<', toUtc);
  if (!set.all) qb = set.ids.length ? qb.where('agency_id', 'in', set.ids) : qb.where(sql<boolean>`1 = 0`);
  return Number((await qb.executeTakeFirst())?.n ?? 0);
}
