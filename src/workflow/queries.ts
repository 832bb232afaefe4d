// Reads of the workflow: officers' and units' inboxes (scoped in SQL, sorted by urgency then
// online priority then due time), the processing view of one dossier, and the process control
// slip (form 5) with per-step lateness, all derived from tasks and events.
import { sql } from 'kysely';
import type { WorkingCalendar } from '../calendar/working-time.js';
import type { Db } from '../db/connect.js';
import { PUBLIC_STATUS, type DossierStatus } from '../dossiers/lifecycle.js';
import { can, type Actor } from '../identity/permissions.js';
import { vnDate } from '../lib/dates.js';
import { NotFound } from '../lib/errors.js';
import { allowedActions, rolesOver } from './engine.js';
import { stepById, type WorkflowDefinition } from './template.js';
import { pinnedTemplate } from './templates-store.js';

export type Urgency = 'late' | 'due_soon' | 'on_time' | 'none';

/** Late, due within one working day, or on time, as seen at `now`. */
export function urgencyOf(dueAt: string | null, now: Date, soon: Date): Urgency {
  if (!dueAt) return 'none';
  if (dueAt < now.toISOString()) return 'late';
  if (dueAt < soon.toISOString()) return 'due_soon';
  return 'on_time';
}

export interface InboxFilter {
  view: 'mine' | 'unit';
  agency?: string | undefined;
  procedure?: string | undefined;
  step?: string | undefined;
  channel?: string | undefined;
  urgency?: 'late' | 'due_soon' | 'on_time' | undefined;
  limit: number;
  offset: number;
}

const LEAD_ROLES = ['unit_head', 'agency_leader', 'supervisor', 'system_admin'];

/**
 * An inbox. "mine": open tasks assigned to me. "unit": open tasks of the agencies in my scope
 * that my role can act on (heads and leaders see every task of their units, to assign them).
 *
 * Shaped for a million dossiers (bench/inbox.ts, docs/performance.md): the scope's agencies are
 * resolved first (a small table) so open tasks are filtered by `agency_id IN (…)` rather than a
 * join on `path LIKE ?`; the page's 50 task ids come from dossier_tasks alone through the partial
 * index of open tasks, and only those rows are joined to their dossier, procedure and agency; the
 * total counts dossier_tasks alone (the page's joins follow NOT NULL keys and never drop a row).
 */
export async function inbox(db: Db, cal: WorkingCalendar, actor: Actor, f: InboxFilter, now: Date) {
  const soon = cal.addWorkingHours(now, 8);
  const nowIso = now.toISOString();
  const soonIso = soon.toISOString();
  // the literal lets both engines match the partial index of open tasks
  let q = db.selectFrom('dossier_tasks as t').where(sql<boolean>`t.status = 'open'`);
  // a task another member holds (#6) is in that member's inboxes, not ours
  q = q.where('t.remote_member', 'is', null);
  if (f.view === 'mine') q = q.where('t.assignee_id', '=', actor.accountId);
  else {
    const clauses = actor.grants.map((g) => ({ path: g.agencyPath, all: LEAD_ROLES.includes(g.role), role: g.role }));
    if (clauses.length === 0) return { items: [], total: 0 };
    const agencies = await db.selectFrom('agencies').select(['id', 'path']).execute();
    const scoped = clauses.map((c) => ({ ...c, ids: agencies.filter((a) => a.path.startsWith(c.path)).map((a) => a.id) })).filter((c) => c.ids.length > 0);
    const all = [...new Set(scoped.flatMap((c) => c.ids))];
    if (all.length === 0) return { items: [], total: 0 };
    if (scoped.length === 1) {
      // one grant (the usual case): a plain range of the index, no OR
      q = q.where('t.agency_id', 'in', scoped[0]!.ids);
      if (!scoped[0]!.all) q = q.where('t.role', '=', scoped[0]!.role);
    } else q = q.where('t.agency_id', 'in', all).where((w) => w.or(scoped.map((c) => (c.all ? w('t.agency_id', 'in', c.ids) : w.and([w('t.agency_id', 'in', c.ids), w('t.role', '=', c.role)])))));
  }
  if (f.agency) q = q.where('t.agency_id', '=', (s) => s.selectFrom('agencies').select('id').where('code', '=', f.agency!));
  if (f.procedure)
    q = q.where((w) =>
      w.exists(
        w.selectFrom('dossiers as d').innerJoin('procedure_versions as pv', 'pv.id', 'd.procedure_version_id').innerJoin('procedures as p', 'p.id', 'pv.procedure_id').select(sql`1`.as('one')).whereRef('d.id', '=', 't.dossier_id').where('p.national_code', '=', f.procedure!),
      ),
    );
  if (f.channel) q = q.where((w) => w.exists(w.selectFrom('dossiers as d').select(sql`1`.as('one')).whereRef('d.id', '=', 't.dossier_id').where('d.channel', '=', f.channel!)));
  if (f.step) q = q.where('t.step_id', '=', f.step);
  if (f.urgency === 'late') q = q.where('t.due_at', '<', nowIso);
  else if (f.urgency === 'due_soon') q = q.where('t.due_at', '>=', nowIso).where('t.due_at', '<', soonIso);
  else if (f.urgency === 'on_time') q = q.where('t.due_at', '>=', soonIso);
  const bucket = sql<number>`case when t.due_at is null then 3 when t.due_at < ${nowIso} then 0 when t.due_at < ${soonIso} then 1 else 2 end`;
  const pageIds = q.select('t.id').orderBy(bucket).orderBy('t.priority', 'desc').orderBy('t.due_at').orderBy('t.id').limit(f.limit).offset(f.offset);
  const [rows, count] = await Promise.all([
    db
      .selectFrom('dossier_tasks as t')
      .innerJoin('dossiers as d', 'd.id', 't.dossier_id')
      .innerJoin('agencies as a', 'a.id', 't.agency_id')
      .innerJoin('procedure_versions as pv', 'pv.id', 'd.procedure_version_id')
      .innerJoin('procedures as p', 'p.id', 'pv.procedure_id')
      .leftJoin('accounts as o', 'o.id', 't.assignee_id')
      .select([
        't.id as task_id', 't.kind', 't.step_id', 't.role', 't.due_at', 't.opened_at', 't.priority', 't.assignee_id', 'o.full_name as assignee_name',
        'd.code', 'd.status', 'd.channel', 'd.due_at as dossier_due_at', 'd.applicant', 'd.workflow_template_id', 'd.procedure_version_id', 'pv.name as procedure_name', 'p.national_code', 'a.code as agency_code', 'a.name as agency_name',
      ])
      .where('t.id', 'in', pageIds)
      .orderBy(bucket)
      .orderBy('t.priority', 'desc')
      .orderBy('t.due_at')
      .orderBy('t.id')
      .execute(),
    q.select((e) => e.fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  // step names from the templates the dossiers were received under (few distinct ones per page)
  const templates = new Map<string, WorkflowDefinition>();
  const keyOf = (r: (typeof rows)[number]) => `${r.workflow_template_id ?? 'v'}:${r.workflow_template_id === null ? r.procedure_version_id : ''}`;
  for (const r of rows) if (!templates.has(keyOf(r))) templates.set(keyOf(r), await pinnedTemplate(db, r));
  return {
    total: Number(count?.n ?? 0),
    items: rows.map((r) => ({
      stepName: stepName(templates.get(keyOf(r))!, r.step_id),
      taskId: r.task_id,
      kind: r.kind,
      step: r.step_id,
      role: r.role,
      dueAt: r.due_at,
      openedAt: r.opened_at,
      urgency: urgencyOf(r.due_at, now, soon),
      onlinePriority: r.priority > 0,
      assigneeId: r.assignee_id,
      assigneeName: r.assignee_name,
      code: r.code,
      status: r.status,
      publicStatus: PUBLIC_STATUS[r.status as DossierStatus].vi,
      channel: r.channel,
      dossierDueAt: r.dossier_due_at,
      applicantName: (JSON.parse(r.applicant) as { name: string }).name,
      procedureName: r.procedure_name,
      procedureCode: r.national_code,
      agencyCode: r.agency_code,
      agencyName: r.agency_name,
    })),
  };
}

export function stepName(def: WorkflowDefinition, stepId: string): string {
  const [main, sub] = stepId.split('/');
  const step = stepById(def, main!);
  if (!step) return stepId;
  if (!sub) return step.name;
  if (sub === 'consult') return `${step.name}: xin ý kiến`;
  if (sub === 'supplement') return `${step.name}: bổ sung hồ sơ`;
  const b = step.branches?.find((x) => x.id === sub);
  return b ? `${step.name}: ${b.task}` : stepId;
}

export type StepResult = 'early' | 'on_time' | 'late' | 'open';

/** Early = done on a working day before the due day; on time = by the due instant; else late. */
export function stepResult(dueAt: string | null, doneAt: string | null, now: Date): StepResult {
  if (!doneAt) return dueAt && dueAt < now.toISOString() ? 'late' : 'open';
  if (!dueAt) return 'on_time';
  if (doneAt > dueAt) return 'late';
  return vnDate(new Date(doneAt)) < vnDate(new Date(dueAt)) ? 'early' : 'on_time';
}

/** Every task of a dossier in order, with names, times, time spent and lateness: the control slip's rows. */
export async function taskHistory(db: Db, cal: WorkingCalendar, dossier: { id: number; workflow_template_id: number | null; procedure_version_id: number }, now: Date) {
  const def = await pinnedTemplate(db, dossier);
  const rows = await db
    .selectFrom('dossier_tasks as t')
    .innerJoin('agencies as a', 'a.id', 't.agency_id')
    .leftJoin('agencies as f', 'f.id', 't.from_agency_id')
    .leftJoin('accounts as ob', 'ob.id', 't.opened_by')
    .leftJoin('accounts as asg', 'asg.id', 't.assignee_id')
    .leftJoin('accounts as cb', 'cb.id', 't.closed_by')
    .select([
      't.id', 't.kind', 't.step_id', 't.role', 't.status', 't.outcome', 't.parent_task_id', 't.opened_at', 't.due_at', 't.closed_at', 't.detail', 't.assignee_id', 't.agency_id', 't.remote_member',
      'a.name as agency_name', 'a.code as agency_code', 'a.path as agency_path', 'f.name as from_agency_name', 'ob.full_name as opened_by_name', 'asg.full_name as assignee_name', 'cb.full_name as closed_by_name',
    ])
    .where('t.dossier_id', '=', dossier.id)
    .orderBy('t.id')
    .execute();
  // supplement pauses are not charged to the step that waited
  const pauses = rows.filter((r) => r.kind === 'supplement').map((r) => ({ from: new Date(r.opened_at), to: r.closed_at ? new Date(r.closed_at) : null }));
  return {
    definition: def,
    rows: rows.map((r) => {
      const end = r.closed_at ? new Date(r.closed_at) : now;
      const spentMs = cal.workingTimeBetween(new Date(r.opened_at), end, r.kind === 'supplement' ? [] : pauses);
      return {
        id: r.id,
        kind: r.kind,
        step: r.step_id,
        stepName: stepName(def, r.step_id),
        role: r.role,
        status: r.status,
        outcome: r.outcome,
        parentTaskId: r.parent_task_id,
        agencyId: r.agency_id,
        agencyCode: r.agency_code,
        agencyName: r.agency_name,
        agencyPath: r.agency_path,
        /** the member whose system holds (or held) this task (#6); null: ours */
        remoteMember: r.remote_member,
        fromAgencyName: r.from_agency_name,
        handedOverAt: r.opened_at,
        handedOverBy: r.opened_by_name,
        assigneeId: r.assignee_id,
        receivedBy: r.closed_by_name ?? r.assignee_name,
        dueAt: r.due_at,
        doneAt: r.closed_at,
        spentHours: Math.round(spentMs / 36_000) / 100,
        result: r.status === 'cancelled' ? ('on_time' as StepResult) : r.kind === 'supplement' ? ('on_time' as StepResult) : stepResult(r.due_at, r.closed_at, now),
        detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
      };
    }),
  };
}

/** The processing view of a dossier for an officer: steps, tasks with the actions the officer may take, lateness. */
export async function workView(db: Db, cal: WorkingCalendar, actor: Actor, code: string, now: Date) {
  const d = await db
    .selectFrom('dossiers as d')
    .innerJoin('agencies as a', 'a.id', 'd.receiving_agency_id')
    .select(['d.id', 'd.code', 'd.status', 'd.workflow_template_id', 'd.procedure_version_id', 'd.current_step', 'd.due_at', 'd.original_due_at', 'd.apology_count', 'd.received_at', 'd.priority', 'd.parent_dossier_id', 'd.origin_member', 'a.path as agency_path', 'a.name as agency_name'])
    .where('d.code', '=', code)
    .executeTakeFirst();
  if (!d) throw new NotFound(`dossier ${code} not found`);
  const history = await taskHistory(db, cal, d, now);
  const concerned = [d.agency_path, ...history.rows.map((r) => r.agencyPath)];
  if (!concerned.some((p) => can(actor, 'dossier.read', { agencyPath: p }) || can(actor, 'dossier.process', { agencyPath: p }))) throw new NotFound(`dossier ${code} not found`);
  const soon = cal.addWorkingHours(now, 8);
  const open = history.rows.filter((r) => r.status === 'open');
  const main = open.find((r) => r.kind === 'step');
  const leadOver = (path: string) => ['unit_head', 'agency_leader'].some((r) => rolesOver(actor, path).has(r));
  const canApologise = !d.origin_member && d.apology_count === 0 && d.due_at !== null && ['received', 'processing', 'processing_supplement'].includes(d.status) && leadOver(main?.agencyPath ?? d.agency_path) && new Date(d.due_at).getTime() - now.getTime() >= 24 * 3_600_000;
  const lateSteps = history.rows.filter((r) => r.result === 'late' && r.kind !== 'supplement');
  return {
    code: d.code,
    status: d.status,
    currentStep: d.current_step,
    dueAt: d.due_at,
    originalDueAt: d.original_due_at,
    apologyIssued: d.apology_count > 0,
    canApologise,
    onlinePriority: d.priority > 0,
    urgency: ['returned', 'refused', 'withdrawn', 'resolved'].includes(d.status) ? ('none' as Urgency) : urgencyOf(d.due_at, now, soon),
    steps: history.definition.steps.map((s) => ({ id: s.id, kind: s.kind, name: s.name, role: s.role, budget: s.budget, next: s.next, actions: s.actions })),
    tasks: history.rows.map(({ agencyPath, ...r }) => ({
      ...r,
      urgency: r.status === 'open' ? urgencyOf(r.dueAt, now, soon) : ('none' as Urgency),
      actions: r.status === 'open' ? allowedActions(actor, { kind: r.kind, step_id: r.step, role: r.role, assignee_id: r.assigneeId, agency_path: agencyPath, remote_member: r.remoteMember }, history.definition, d.status, d.origin_member !== null) : [],
    })),
    lateness: lateSteps.map((r) => ({ step: r.stepName, agencyName: r.agencyName, officer: r.receivedBy, dueAt: r.dueAt, doneAt: r.doneAt })),
  };
}
