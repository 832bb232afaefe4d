// Composes the reports' answers from the store's aggregate queries: scope resolution, the
// leader dashboard, the indicators, an officer's own figures, the public statistics. No SQL
// here and no per-dossier work: everything sums buckets or reads a handful of rows.
import type { WorkingCalendar } from '../calendar/working-time.js';
import type { Db } from '../db/connect.js';
import { type Actor, scopePaths } from '../identity/permissions.js';
import { NotFound } from '../lib/errors.js';
import { pinnedTemplate } from '../workflow/templates-store.js';
import { type DossierFacts } from './facts.js';
import { DEFAULT_DEFINITIONS, emptyTotals, evaluateFramework, type Framework, type FrameworkDefinition, type FrameworkResult, officerCompletion, type Totals, validateDefinition } from './indicators.js';
import { type DayRange, trendBucket, trendBuckets, trendUnit } from './periods.js';
import {
  type AgencyNode, type AgencySet, backlogByAgency, complaintsFiled, type CounterSums, inProgressByAgency, lateItems, listAgencies, officerSums, openItemsOf,
  procedureIdByCode, procedureNames, storedDefinition, sumStats,
} from './store.js';

export const MINUTES_PER_WORKING_DAY = 480;

export interface Scope {
  code: string;
  name: string;
  node: AgencyNode | null;
  set: AgencySet;
  /** the rows of "by agency": the scope's children (and the scope itself when it receives dossiers) */
  children: AgencyNode[];
  agencies: AgencyNode[];
}

const CITY = { code: '', name: 'Toàn thành phố' };

export function scopeOfNode(agencies: AgencyNode[], node: AgencyNode | null): Scope {
  if (!node) {
    return { ...CITY, node: null, set: { ids: agencies.map((a) => a.id), all: true }, children: agencies.filter((a) => a.parentId === null), agencies };
  }
  const ids = agencies.filter((a) => a.path.startsWith(node.path)).map((a) => a.id);
  return { code: node.code, name: node.name, node, set: { ids, all: ids.length === agencies.length }, children: agencies.filter((a) => a.parentId === node.id), agencies };
}

/** The caller's scope for reports: the named agency if it lies in a report.read grant (else 404), or the widest grant. */
export async function actorScope(db: Db, actor: Actor, code: string | undefined): Promise<Scope> {
  const agencies = await listAgencies(db);
  const paths = scopePaths(actor, 'report.read').sort((a, b) => a.length - b.length || a.localeCompare(b));
  if (code) {
    const node = agencies.find((a) => a.code === code);
    if (!node || !paths.some((p) => node.path.startsWith(p))) throw new NotFound(`agency ${code} not found`);
    return scopeOfNode(agencies, node);
  }
  const widest = agencies.find((a) => a.path === paths[0]);
  if (!widest) throw new NotFound('no agency in scope');
  return scopeOfNode(agencies, widest);
}

export async function publicScope(db: Db, code: string | undefined): Promise<Scope> {
  const agencies = await listAgencies(db);
  if (!code) return scopeOfNode(agencies, null);
  const node = agencies.find((a) => a.code === code);
  if (!node) throw new NotFound(`agency ${code} not found`);
  return scopeOfNode(agencies, node);
}

const rate = (num: number, den: number, digits = 4): number | null => (den > 0 ? Math.round((num / den) * 10 ** digits) / 10 ** digits : null);
const avgDays = (s: CounterSums): number | null => (s.resolved > 0 ? Math.round((s.working_minutes / s.resolved / MINUTES_PER_WORKING_DAY) * 100) / 100 : null);
const onTimeRate = (s: CounterSums) => rate(s.early + s.on_time, s.resolved);

/** VN local day → the UTC instant its midnight is. */
function vnMidnightUtc(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00+07:00`)).toISOString();
}
function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Which row of "by agency" an agency's figures go to: the child of the scope on its path, or the scope itself. */
function rowOf(scope: Scope, agencyId: number): number | undefined {
  const a = scope.agencies.find((x) => x.id === agencyId);
  if (!a) return undefined;
  if (scope.node && a.id === scope.node.id) return a.id;
  return scope.children.find((c) => a.path.startsWith(c.path))?.id;
}

function addSums(into: CounterSums, s: CounterSums): void {
  for (const k of Object.keys(s) as (keyof CounterSums)[]) into[k] += s[k];
}
const zero = (): CounterSums => emptyTotals();

export interface LateNowRow {
  code: string;
  procedure: string;
  step: string;
  agency: string;
  officer: string | null;
  dueAt: string;
  lateWorkingHours: number;
}

async function presentLate(db: Db, cal: WorkingCalendar, rows: Awaited<ReturnType<typeof lateItems>>, now: Date): Promise<LateNowRow[]> {
  const names = new Map<string, Map<string, string>>();
  const out: LateNowRow[] = [];
  for (const r of rows) {
    const key = `${r.workflowTemplateId ?? 'v'}:${r.workflowTemplateId ?? r.procedureVersionId}`;
    let steps = names.get(key);
    if (!steps) {
      const def = await pinnedTemplate(db, { workflow_template_id: r.workflowTemplateId, procedure_version_id: r.procedureVersionId });
      steps = new Map(def.steps.flatMap((s) => [[s.id, s.name] as [string, string], ...(s.branches ?? []).map((b) => [`${s.id}/${b.id}`, b.task] as [string, string])]));
      names.set(key, steps);
    }
    const base = r.step.split('/')[0]!;
    const step = steps.get(r.step) ?? (r.step.endsWith('/consult') ? `${steps.get(base) ?? base} — xin ý kiến` : (steps.get(base) ?? r.step));
    out.push({ code: r.code, procedure: r.procedure, step, agency: r.agency, officer: r.officer, dueAt: r.dueAt, lateWorkingHours: Math.round((cal.workingTimeBetween(new Date(r.dueAt), now) / 3_600_000) * 10) / 10 });
  }
  return out;
}

export async function dashboard(db: Db, cal: WorkingCalendar, scope: Scope, range: DayRange, now: Date) {
  const nowIso = now.toISOString();
  const [byProc, byAgencyRows, byDay, open, backlog, late, complaints] = await Promise.all([
    // the procedure table needs nine counters only (fewer sums over the month roll-up)
    sumStats(db, scope.set, range.from, range.to, 'procedure_id', { counters: ['received', 'received_online', 'resolved', 'early', 'on_time', 'late', 'refused', 'withdrawn', 'working_minutes'] }),
    sumStats(db, scope.set, range.from, range.to, 'agency_id'),
    // the trend needs five counters only
    sumStats(db, scope.set, range.from, range.to, 'day', { counters: ['received', 'resolved', 'late', 'early', 'on_time'] }),
    inProgressByAgency(db, scope.set, nowIso),
    backlogByAgency(db, scope.set, nowIso),
    lateItems(db, { set: scope.set }, nowIso, 50),
    complaintsFiled(db, scope.set, vnMidnightUtc(range.from), vnMidnightUtc(dayAfter(range.to))),
  ]);
  // the totals are the sum of the agencies' rows: one query fewer
  const t = zero();
  for (const r of byAgencyRows) addSums(t, r.sums);
  let inProgress = 0;
  let inProgressLate = 0;
  for (const v of open.values()) {
    inProgress += v.open;
    inProgressLate += v.late;
  }
  const procs = await procedureNames(db, byProc.map((r) => Number(r.key)), range.to);
  const byProcedure = byProc
    .filter((r) => r.sums.received + r.sums.resolved + r.sums.refused + r.sums.withdrawn > 0)
    .map((r) => {
      const p = procs.get(Number(r.key));
      return { code: p?.code ?? String(r.key), name: p?.name ?? '', received: r.sums.received, resolved: r.sums.resolved, late: r.sums.late, onTimeRate: onTimeRate(r.sums), avgWorkingDays: avgDays(r.sums), onlineShare: rate(r.sums.received_online, r.sums.received), receivedOnline: r.sums.received_online, early: r.sums.early, onTime: r.sums.on_time };
    })
    .sort((a, b) => b.received - a.received || a.code.localeCompare(b.code));

  const rows = new Map<number, { sums: CounterSums; backlog: number; backlogLate: number }>();
  const rowFor = (id: number) => {
    let r = rows.get(id);
    if (!r) {
      r = { sums: zero(), backlog: 0, backlogLate: 0 };
      rows.set(id, r);
    }
    return r;
  };
  for (const c of scope.children) rowFor(c.id);
  for (const r of byAgencyRows) {
    const target = rowOf(scope, Number(r.key));
    if (target !== undefined) addSums(rowFor(target).sums, r.sums);
  }
  for (const [agencyId, b] of backlog) {
    const target = rowOf(scope, agencyId);
    if (target === undefined) continue;
    const row = rowFor(target);
    row.backlog += b.open;
    row.backlogLate += b.late;
  }
  const order = [...(scope.node ? [scope.node] : []), ...scope.children];
  const byAgency = order
    .filter((a) => rows.has(a.id) && (a.id !== scope.node?.id || rows.get(a.id)!.sums.received + rows.get(a.id)!.backlog > 0))
    .map((a) => {
      const r = rows.get(a.id)!;
      return { code: a.code, name: a.name, received: r.sums.received, resolved: r.sums.resolved, late: r.sums.late, onTimeRate: onTimeRate(r.sums), backlog: r.backlog, backlogLate: r.backlogLate };
    });

  const unit = trendUnit(range);
  const buckets = trendBuckets(range).map((b) => ({ ...b, sums: zero() }));
  const index = new Map(buckets.map((b, i) => [b.label, i]));
  for (const r of byDay) {
    const i = index.get(trendBucket(unit, String(r.key)).label);
    if (i !== undefined) addSums(buckets[i]!.sums, r.sums);
  }
  const trend = buckets.map((b) => ({ label: b.label, from: b.from, received: b.sums.received, resolved: b.sums.resolved, late: b.sums.late, onTimeRate: onTimeRate(b.sums) }));

  return {
    scope: { code: scope.code, name: scope.name },
    range: { from: range.from, to: range.to, label: range.label },
    totals: {
      received: t.received, receivedOnline: t.received_online, onlineShare: rate(t.received_online, t.received), resolved: t.resolved, early: t.early, onTime: t.on_time, late: t.late,
      onTimeRate: onTimeRate(t), refused: t.refused, withdrawn: t.withdrawn, avgWorkingDays: avgDays(t), ratings: t.ratings, dissatisfied: t.dissatisfied,
      satisfactionRate: rate(t.ratings - t.dissatisfied, t.ratings), complaints, inProgress, inProgressLate,
    },
    byProcedure,
    byAgency,
    trend,
    lateNow: await presentLate(db, cal, late, now),
  };
}

export type DashboardResult = Awaited<ReturnType<typeof dashboard>>;

export async function definitionOf(db: Db, framework: Framework): Promise<{ definition: FrameworkDefinition; version: number; updatedAt: string | null; updatedBy: number | null }> {
  const row = await storedDefinition(db, framework);
  if (!row) return { definition: DEFAULT_DEFINITIONS[framework], version: 0, updatedAt: null, updatedBy: null };
  const definition = JSON.parse(row.definition) as FrameworkDefinition;
  validateDefinition(framework, definition);
  return { definition, version: row.version, updatedAt: row.updated_at, updatedBy: row.updated_by };
}

export async function indicators(db: Db, framework: Framework, scope: Scope, range: DayRange, procedureIds?: number[]): Promise<{ framework: Framework; scope: { code: string; name: string }; range: { from: string; to: string; label: string } } & Omit<FrameworkResult, 'framework'>> {
  const { definition } = await definitionOf(db, framework);
  const [row] = await sumStats(db, scope.set, range.from, range.to, undefined, procedureIds ? { procedureIds } : undefined);
  const r = evaluateFramework(definition, row!.sums as Totals);
  return { ...r, framework, scope: { code: scope.code, name: scope.name }, range: { from: range.from, to: range.to, label: range.label } };
}

/** Circular 01's nine indicators for one dossier, from its facts. */
export function dossierScore(facts: DossierFacts | undefined, definition: FrameworkDefinition) {
  const indicatorsList = definition.groups.flatMap((g) => g.indicators);
  const scores = facts?.c01 ?? null;
  return {
    scored: scores !== null,
    outcome: facts?.outcome ?? null,
    total: scores ? scores.reduce((s, x) => s + x, 0) : null,
    max: definition.total,
    indicators: indicatorsList.map((ind, i) => ({ key: ind.key, name_vi: ind.name_vi, name_en: ind.name_en, formula_vi: ind.formula_vi, score: scores ? (scores[i] ?? null) : null, max: ind.points })),
  };
}

export async function officerView(db: Db, cal: WorkingCalendar, officerId: number, range: DayRange, now: Date) {
  const [s, open, late, def] = await Promise.all([officerSums(db, officerId, range.from, range.to), openItemsOf(db, officerId, now.toISOString()), lateItems(db, { assigneeId: officerId }, now.toISOString(), 50), definitionOf(db, 'c01')]);
  const threshold = def.definition.officerFullCompletion ?? 5;
  const c = officerCompletion(s.step_done, s.step_early, s.step_late, s.dissatisfied, threshold);
  return {
    range: { from: range.from, to: range.to, label: range.label },
    steps: { done: s.step_done, early: s.step_early, onTime: s.step_done - s.step_early - s.step_late, late: s.step_late, onTimeRate: rate(s.step_done - s.step_late, s.step_done) },
    dissatisfied: s.dissatisfied,
    open: open.open,
    openLate: open.late,
    lateItems: await presentLate(db, cal, late, now),
    c01: { score: c.score, max: 6, fullCompletion: c.full, threshold },
  };
}

export interface PublicRow {
  code: string;
  name: string;
  received: number;
  resolved: number;
  onTime: number;
  late: number;
  onTimeRate: number | null;
  onlineShare: number | null;
  satisfactionRate: number | null;
  d766: number | null;
  d766MaxWithData: number;
}

function publicRow(code: string, name: string, s: CounterSums, d766: FrameworkDefinition): PublicRow {
  const score = evaluateFramework(d766, s as Totals);
  return {
    code, name, received: s.received, resolved: s.resolved, onTime: s.early + s.on_time, late: s.late, onTimeRate: onTimeRate(s), onlineShare: rate(s.received_online, s.received),
    satisfactionRate: rate(s.ratings - s.dissatisfied, s.ratings), d766: score.total, d766MaxWithData: score.maxWithData,
  };
}

export async function publicStats(db: Db, scope: Scope, range: DayRange, procedureCode: string | undefined) {
  let procedureIds: number[] | undefined;
  if (procedureCode) {
    const id = await procedureIdByCode(db, procedureCode);
    if (id === undefined) throw new NotFound(`procedure ${procedureCode} not found`);
    procedureIds = [id];
  }
  const extra = procedureIds ? { procedureIds } : undefined;
  const [[total], byAgencyRows, byProc, def] = await Promise.all([
    sumStats(db, scope.set, range.from, range.to, undefined, extra),
    sumStats(db, scope.set, range.from, range.to, 'agency_id', extra),
    sumStats(db, scope.set, range.from, range.to, 'procedure_id', extra),
    definitionOf(db, 'd766'),
  ]);
  const rows = new Map<number, CounterSums>();
  for (const r of byAgencyRows) {
    const target = rowOf(scope, Number(r.key));
    if (target === undefined) continue;
    const acc = rows.get(target) ?? zero();
    addSums(acc, r.sums);
    rows.set(target, acc);
  }
  const order = [...(scope.node ? [scope.node] : []), ...scope.children];
  const agencies = order.filter((a) => rows.has(a.id)).map((a) => publicRow(a.code, a.name, rows.get(a.id)!, def.definition));
  const names = await procedureNames(db, byProc.map((r) => Number(r.key)), range.to);
  const procedures = byProc
    .map((r) => {
      const p = names.get(Number(r.key));
      return publicRow(p?.code ?? String(r.key), p?.name ?? '', r.sums, def.definition);
    })
    .filter((r) => r.received + r.resolved > 0)
    .sort((a, b) => b.received - a.received || a.code.localeCompare(b.code));
  return {
    scope: { code: scope.code, name: scope.name },
    range: { from: range.from, to: range.to, label: range.label },
    totals: publicRow(scope.code, scope.name, total!.sums, def.definition),
    agencies,
    procedures,
  };
}

export type PublicStats = Awaited<ReturnType<typeof publicStats>>;
