// Processing commands: every officer action on a dossier after receipt. Each is one
// transaction that checks who may act (role, agency, step, assignee), then appends one event
// through appendEvent with the tasks it opens and closes; mails go to the outbox in the same
// transaction. The template pinned on the dossier says what each step allows.
import type { Transaction } from 'kysely';
import { getVersionById, type VersionForIntake } from '../catalog/store.js';
import type { TimeLimit } from '../catalog/schemas.js';
import type { WorkingCalendar } from '../calendar/working-time.js';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { appendEvent, type NewTask, type TaskEffects } from '../dossiers/event-log.js';
import { PUBLIC_STATUS, type DossierStatus, type EventActor } from '../dossiers/lifecycle.js';
import type { Actor } from '../identity/permissions.js';
import { vnDate, vnDateTimeText } from '../lib/dates.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../lib/errors.js';
import { enqueueMail } from '../notify/mail-outbox.js';
import { attachResultDocument, type EResultInput, issueForDossier, type ResultDeps } from '../results/issue.js';
import { type AgencyRef, resolveAgency } from './agency-rules.js';
import { memberResolved, returnMembers } from './groups.js';
import { addResultsToStore } from '../datastore/store.js';
import { earlierSteps, effectiveBudgetHours, longestPath, type StepAction, type StepRole, type StepTemplate, stepById, WORKING_DAY_HOURS, type WorkflowDefinition } from './template.js';
import { pinnedTemplate, templateInForce } from './templates-store.js';

type Tx = Transaction<Database>;

export interface WorkflowDeps {
  db: Db;
  calendar: WorkingCalendar;
  publicUrl: string;
  /** signed e-results (record_result with eResult) */
  results?: ResultDeps | undefined;
}

/** Working hours after receipt within which examination may still ask for a supplement (DOMAIN.md §2.4). */
export const SUPPLEMENT_WINDOW_HOURS = 3 * WORKING_DAY_HOURS;

export interface StepContext {
  dossierId?: number;
  receiving: AgencyRef;
  version: VersionForIntake;
  definition: WorkflowDefinition;
  online: boolean;
  day: string;
  /** the dossier's due date: the return step is due then */
  dossierDueAt: Date | null;
  /** a group member's share of the group's limit: budgets are scaled down to fit it */
  capHours?: number | null | undefined;
}

function budgetFor(ctx: StepContext, step: { budget: StepTemplate['budget'] }): number {
  const hours = effectiveBudgetHours(ctx.definition, step, ctx.online, ctx.version.timeLimit);
  if (!ctx.capHours) return hours;
  const total = longestPath(ctx.definition);
  return total > ctx.capHours ? Math.max(1, Math.floor(((hours * ctx.capHours) / total) * 60 + 1e-9)) / 60 : hours;
}

/** The tasks that open when a dossier arrives at a step: the step's own and its parallel branches. */
export async function openStepTasks(tx: Tx | Db, cal: WorkingCalendar, ctx: StepContext, step: StepTemplate, start: Date, fromAgencyId: number | null, priority: number): Promise<NewTask[]> {
  const agency = await resolveAgency(tx, step.agency, ctx.receiving, ctx.version, ctx.day);
  const hours = budgetFor(ctx, step);
  let due = step.kind === 'return' ? ctx.dossierDueAt : cal.addWorkingHours(start, hours);
  // no step may run past the dossier's due date (unless the dossier is already late: then the step keeps its own budget)
  if (due && ctx.dossierDueAt && ctx.dossierDueAt > start && due > ctx.dossierDueAt) due = ctx.dossierDueAt;
  const tasks: NewTask[] = [{ kind: 'step', stepId: step.id, agencyId: agency.id, role: step.role, priority, dueAt: due ? due.toISOString() : null, fromAgencyId }];
  for (const b of step.branches ?? []) {
    const a = await resolveAgency(tx, b.agency, ctx.receiving, ctx.version, ctx.day);
    const bh = budgetFor(ctx, b);
    tasks.push({ kind: 'branch', stepId: `${step.id}/${b.id}`, agencyId: a.id, role: b.role, priority, dueAt: cal.addWorkingHours(start, bh).toISOString(), fromAgencyId: agency.id, parent: { openedIndex: 0 }, detail: { task: b.task } });
  }
  return tasks;
}

/** What receipt adds to the dossier: the template pinned, the first step opened, online priority. */
export async function tasksAtReceipt(tx: Tx, cal: WorkingCalendar, input: { receiving: AgencyRef; version: VersionForIntake; channel: string; now: Date; dueAt: Date; capHours?: number | undefined }) {
  const day = vnDate(input.now);
  const pinned = await templateInForce(tx, input.version, day);
  const online = input.channel === 'online';
  const priority = online && (pinned.definition.onlinePriorityDays ?? 0) > 0 ? 1 : 0;
  const first = pinned.definition.steps[0]!;
  const ctx: StepContext = { receiving: input.receiving, version: input.version, definition: pinned.definition, online, day, dossierDueAt: input.dueAt, capHours: input.capHours };
  const open = await openStepTasks(tx, cal, ctx, first, input.now, input.receiving.id, priority);
  return { set: { workflow_template_id: pinned.id, current_step: first.id, priority, budget_cap_hours: input.capHours ?? null }, tasks: { open } satisfies TaskEffects };
}

// ---------- loading ----------

async function loadDossier(tx: Tx, code: string) {
  const d = await tx
    .selectFrom('dossiers as d')
    .innerJoin('agencies as a', 'a.id', 'd.receiving_agency_id')
    .select(['d.id', 'd.code', 'd.status', 'd.channel', 'd.applicant', 'd.procedure_version_id', 'd.workflow_template_id', 'd.received_at', 'd.due_at', 'd.paused_since', 'd.supplement_count', 'd.apology_count', 'd.priority', 'd.current_step', 'd.parent_dossier_id', 'd.group_code', 'd.budget_cap_hours', 'd.origin_member', 'a.id as agency_id', 'a.code as agency_code', 'a.name as agency_name', 'a.path as agency_path', 'a.level as agency_level'])
    .where('d.code', '=', code)
    .executeTakeFirst();
  if (!d) throw new NotFound(`dossier ${code} not found`);
  const receiving: AgencyRef = { id: d.agency_id, code: d.agency_code, name: d.agency_name, path: d.agency_path, level: d.agency_level };
  const version = await getVersionById(tx, d.procedure_version_id);
  const definition = await pinnedTemplate(tx, d, version);
  const tasks = await tx
    .selectFrom('dossier_tasks as t')
    .innerJoin('agencies as a', 'a.id', 't.agency_id')
    .select(['t.id', 't.kind', 't.step_id', 't.agency_id', 't.role', 't.assignee_id', 't.parent_task_id', 't.status', 't.due_at', 't.opened_at', 't.detail', 't.remote_member', 'a.path as agency_path', 'a.name as agency_name'])
    .where('t.dossier_id', '=', d.id)
    .where('t.status', '=', 'open')
    .execute();
  // a group member's steps are placed relative to its responsible agency, not the desk
  let receivingForRules = receiving;
  if (d.parent_dossier_id !== null) {
    const ev = await tx.selectFrom('dossier_events').select('payload').where('dossier_id', '=', d.id).where('type', '=', 'received').executeTakeFirst();
    const code = ev ? (JSON.parse(ev.payload) as { responsibleAgency?: string }).responsibleAgency : undefined;
    const a = code ? await tx.selectFrom('agencies').select(['id', 'code', 'name', 'path', 'level']).where('code', '=', code).executeTakeFirst() : undefined;
    if (a) receivingForRules = a;
  }
  return { d, receiving, receivingForRules, version, definition, openTasks: tasks };
}
type Loaded = Awaited<ReturnType<typeof loadDossier>>;
type OpenTask = Loaded['openTasks'][number];

/** The roles the actor holds over an agency (grants on it or an ancestor). */
export function rolesOver(actor: Actor, agencyPath: string): Set<string> {
  return new Set(actor.grants.filter((g) => agencyPath.startsWith(g.agencyPath)).map((g) => g.role));
}

function ctxOf(l: Loaded, now: Date): StepContext {
  return { dossierId: l.d.id, receiving: l.receivingForRules, version: l.version, definition: l.definition, online: l.d.channel === 'online', day: vnDate(now), dossierDueAt: l.d.due_at ? new Date(l.d.due_at) : null, capHours: l.d.budget_cap_hours };
}

// ---------- actions ----------

export type ActionInput =
  | { action: 'claim'; taskId: number }
  | { action: 'assign'; taskId: number; assigneeId: number }
  | { action: 'hand_over'; taskId: number; to?: string | undefined; note?: string | undefined }
  | { action: 'return'; taskId: number; to: string; reason: string }
  | { action: 'consult'; taskId: number; agency: string; question: string; days: number }
  | { action: 'answer'; taskId: number; answer: string }
  | { action: 'transfer'; taskId: number; agency: string; reason: string }
  | { action: 'request_supplement'; taskId: number; items: { requirement: string; reason: string }[] }
  | { action: 'approve'; taskId: number; note?: string | undefined }
  | { action: 'refuse'; taskId: number; reasons: string[] }
  | { action: 'record_result'; taskId: number; summary: string; documents?: string[] | undefined; eResult?: EResultInput | undefined }
  | { action: 'return_result'; taskId: number; method: 'desk' | 'post' | 'online' }
  | { action: 'apologise'; reason: string; newDueAt: string };

export type ActionName = ActionInput['action'];

/** Which step action each input needs the template to allow (claim/assign/answer are always available). */
const NEEDS: Partial<Record<ActionName, StepAction>> = {
  hand_over: 'hand_over', return: 'return', consult: 'consult', transfer: 'transfer', request_supplement: 'request_supplement',
  approve: 'approve', refuse: 'refuse', record_result: 'record_result', return_result: 'return_result',
};

const LEADS = ['unit_head', 'agency_leader'] as const;

/**
 * On a mirror of another member's dossier (#6) the applicant's desk and due date are the origin's:
 * a supplement request or an apology made here would reach neither the applicant nor the origin,
 * so they are refused (the officer hands the step back with a note instead).
 */
const AT_ORIGIN: ReadonlySet<ActionName> = new Set(['request_supplement', 'apologise']);

/** The actions the actor may take on an open task now (for the UI; the commands check again). */
export function allowedActions(actor: Actor, task: { kind: string; step_id: string; role: string; assignee_id: number | null; agency_path: string; remote_member?: string | null | undefined }, definition: WorkflowDefinition, status: string, mirror = false): ActionName[] {
  // a task another member holds (#6) is acted on there
  if (task.remote_member) return [];
  const roles = rolesOver(actor, task.agency_path);
  const out: ActionName[] = [];
  const lead = LEADS.some((r) => roles.has(r));
  if (status === 'processing_supplement' && task.kind !== 'consult' && task.kind !== 'branch') return lead ? ['assign'] : [];
  const mine = roles.has(task.role) && (task.assignee_id === null || task.assignee_id === actor.accountId);
  if (roles.has(task.role) && task.assignee_id === null) out.push('claim');
  if (lead) out.push('assign');
  if (task.kind === 'consult' || task.kind === 'branch') {
    if (mine) out.push('answer');
    return out;
  }
  if (task.kind !== 'step') return out;
  const step = stepById(definition, task.step_id);
  if (!step) return out;
  for (const [name, needs] of Object.entries(NEEDS) as [ActionName, StepAction][]) {
    if (!step.actions.includes(needs)) continue;
    if (mirror && AT_ORIGIN.has(name)) continue;
    if (name === 'transfer' ? lead : mine) out.push(name);
  }
  return out;
}

interface Acting {
  l: Loaded;
  task: OpenTask;
  step: StepTemplate | undefined;
  as: EventActor;
}

function pickTask(l: Loaded, taskId: number): OpenTask {
  const t = l.openTasks.find((x) => x.id === taskId);
  if (!t) throw new Conflict('this task is no longer open: someone acted on it first, or it moved on; reload the dossier', { reason: 'task_not_open' });
  // interconnection (#6): the step is processed in the other member's system, which reports back here
  if (t.remote_member) throw new Conflict(`this step is held by ${t.remote_member}: it is processed in that member's system`, { reason: 'held_by_peer' });
  return t;
}

/** Checks the actor may take `action` on the task and returns the role it acts in. */
function authorize(actor: Actor, l: Loaded, task: OpenTask, action: ActionName): Acting {
  const roles = rolesOver(actor, task.agency_path);
  const step = task.kind === 'step' ? stepById(l.definition, task.step_id) : undefined;
  const refuse = (why: string) => new Forbidden(why, { reason: 'not_your_step' });
  if (action === 'assign' || action === 'transfer') {
    const lead = LEADS.find((r) => roles.has(r));
    if (!lead) throw refuse(`only the head or leader of ${task.agency_name} may ${action === 'assign' ? 'assign' : 'transfer'} this step`);
    if (action === 'transfer' && !step?.actions.includes('transfer')) throw refuse(`the step "${step?.name ?? task.step_id}" cannot be transferred`);
    return { l, task, step, as: lead };
  }
  if (!roles.has(task.role)) throw refuse(`this step is for the ${task.role} of ${task.agency_name}`);
  if (task.assignee_id !== null && task.assignee_id !== actor.accountId) throw new Conflict('this step is assigned to another officer', { reason: 'assigned_to_other' });
  if (action === 'answer') {
    if (task.kind !== 'consult' && task.kind !== 'branch') throw new Invalid('only a consultation or a parallel branch is answered', 'action');
  } else if (action !== 'claim') {
    if (task.kind !== 'step' || !step) throw new Invalid(`"${action}" is an action on a workflow step`, 'action');
    const needs = NEEDS[action];
    if (needs && !step.actions.includes(needs)) throw refuse(`the step "${step.name}" does not allow "${action}"`);
  }
  if (l.d.status === 'processing_supplement' && task.kind === 'step') throw new Conflict('the dossier is waiting for the applicant to supplement it', { reason: 'paused_for_supplement' });
  return { l, task, step, as: task.role as EventActor };
}

function applicantEmail(d: { applicant: string }): string | null {
  return (JSON.parse(d.applicant) as { email?: string | null }).email ?? null;
}

async function mailApplicant(deps: WorkflowDeps, tx: Tx, l: Loaded, status: DossierStatus, extra: string, now: Date) {
  const to = applicantEmail(l.d);
  if (!to) return;
  const s = PUBLIC_STATUS[status];
  await enqueueMail(tx, { to, subject: `Hồ sơ ${l.d.code}: ${s.vi}`, text: `Hồ sơ ${l.d.code} (${l.version.name}): ${s.vi}.${extra}\nTheo dõi hồ sơ: ${deps.publicUrl}/ho-so/${l.d.code}\n\n— Dossier ${l.d.code}: ${s.en}.` }, now);
}

/**
 * The officers holding one of `roles` for an agency: granted on it, or else on its nearest
 * ancestor that has such officers (a district's unit heads answer for its wards). Active grants only.
 */
export async function officersOf(tx: Tx | Db, agencyId: number, roles: readonly string[], now: Date): Promise<{ id: number; email: string; name: string }[]> {
  const at = now.toISOString();
  const agency = await tx.selectFrom('agencies').select('path').where('id', '=', agencyId).executeTakeFirst();
  const chain = (agency?.path ?? `/${agencyId}/`).split('/').filter(Boolean).map(Number);
  const rows = await tx
    .selectFrom('role_grants as g')
    .innerJoin('accounts as a', 'a.id', 'g.account_id')
    .select(['a.id', 'a.email', 'a.full_name', 'g.agency_id'])
    .where('g.agency_id', 'in', chain)
    .where('g.role', 'in', [...roles])
    .where('g.revoked_at', 'is', null)
    .where('g.valid_from', '<=', at)
    .where((w) => w.or([w('g.valid_to', 'is', null), w('g.valid_to', '>', at)]))
    .execute();
  const nearest = chain.slice().reverse().find((id) => rows.some((r) => r.agency_id === id));
  const seen = new Set<number>();
  return rows.filter((r) => r.agency_id === nearest && !seen.has(r.id) && seen.add(r.id)).map((r) => ({ id: r.id, email: r.email, name: r.full_name }));
}

async function agencyByCode(tx: Tx, code: string): Promise<AgencyRef> {
  const a = await tx.selectFrom('agencies').select(['id', 'code', 'name', 'path', 'level']).where('code', '=', code).executeTakeFirst();
  if (!a) throw new Invalid(`agency ${code} not found`, 'agency');
  return a;
}

/** Moves the dossier from a step to the next: closes the task, opens the next step's tasks. */
async function moveOn(tx: Tx, cal: WorkingCalendar, a: Acting, to: string | undefined, now: Date) {
  const step = a.step!;
  const target = to ?? (step.next.length === 1 ? step.next[0] : undefined);
  if (!target) throw new Invalid(`choose the next step: ${step.next.join(', ')}`, 'to');
  if (!step.next.includes(target)) throw new Invalid(`the step "${step.name}" hands over to ${step.next.join(', ')}, not ${target}`, 'to');
  const waiting = a.l.openTasks.filter((t) => t.parent_task_id === a.task.id);
  if (waiting.length) throw new Conflict(`waiting for ${waiting.map((t) => t.agency_name).join(', ')} to answer`, { reason: 'waiting_for_answers' });
  if (step.requiresDocument) {
    const doc = await tx.selectFrom('dossier_documents').select('id').where('dossier_id', '=', a.l.d.id).where('requirement_code', '=', `step:${step.id}`).executeTakeFirst();
    if (!doc) throw new Invalid(`the step "${step.name}" needs a document before it is handed over`, 'documents', undefined, 'document_required');
  }
  const next = stepById(a.l.definition, target)!;
  const open = await openStepTasks(tx, cal, ctxOf(a.l, now), next, now, a.task.agency_id, a.l.d.priority);
  return { target, next, tasks: { close: [{ id: a.task.id, outcome: 'handed_over' }], open, ...(a.task.assignee_id === null ? {} : {}) } satisfies TaskEffects };
}

/**
 * Takes one action on a dossier. Returns the dossier's status afterwards. Two officers acting
 * on the same task at once: the first commits, the second gets a conflict (the task is no
 * longer open, or the dossier's last event changed under it).
 */
export async function act(deps: WorkflowDeps, actor: Actor, code: string, input: ActionInput, now: Date): Promise<{ status: DossierStatus; seq: number }> {
  const cal = deps.calendar;
  return deps.db.transaction().execute(async (tx) => {
    const l = await loadDossier(tx, code);
    // an officer outside every agency concerned does not learn the dossier exists
    const concerned = [l.receiving.path, ...l.openTasks.map((t) => t.agency_path)];
    if (!concerned.some((p) => actor.grants.some((g) => p.startsWith(g.agencyPath)))) throw new NotFound(`dossier ${code} not found`);
    if (l.d.origin_member && AT_ORIGIN.has(input.action))
      throw new Conflict(`this dossier was received on ${l.d.origin_member}: the applicant's desk and due date are there; hand the step back with a note asking for it`, { reason: 'at_origin' });
    if (input.action === 'apologise') return apologise(deps, tx, actor, l, input, now);
    const task = pickTask(l, input.taskId);
    const a = authorize(actor, l, task, input.action);
    const base = { at: now, actor: a.as, actorId: actor.accountId, agencyId: task.agency_id };
    const claimIfFree = task.assignee_id === null && input.action !== 'assign' ? [{ id: task.id, assigneeId: actor.accountId }] : [];
    const stepInfo = { task: task.id, step: task.step_id };
    switch (input.action) {
      case 'claim': {
        if (task.assignee_id !== null) throw new Conflict('this step is already claimed', { reason: 'already_claimed' });
        return appendEvent(tx, l.d.id, { ...base, type: 'task_claimed', payload: stepInfo, tasks: { update: claimIfFree } });
      }
      case 'assign': {
        const inScope = await officerCovers(tx, input.assigneeId, task.agency_path, task.role, now);
        if (!inScope) throw new Invalid(`that officer does not hold the ${task.role} role for ${task.agency_name}`, 'assigneeId');
        const r = await appendEvent(tx, l.d.id, { ...base, type: 'task_assigned', payload: { ...stepInfo, assignee: input.assigneeId }, tasks: { update: [{ id: task.id, assigneeId: input.assigneeId }] } });
        const who = await tx.selectFrom('accounts').select('email').where('id', '=', input.assigneeId).executeTakeFirst();
        if (who) await enqueueMail(tx, { to: who.email, subject: `Hồ sơ ${l.d.code} được giao cho anh/chị`, text: `Hồ sơ ${l.d.code} (${l.version.name}) được giao cho anh/chị xử lý, bước: ${a.step?.name ?? task.step_id}. Hạn: ${task.due_at ? vnDateTimeText(task.due_at) : '—'}.\n${deps.publicUrl}/can-bo/xu-ly/${l.d.code}` }, now);
        return r;
      }
      case 'hand_over':
      case 'approve': {
        const m = await moveOn(tx, cal, a, input.action === 'hand_over' ? input.to : undefined, now);
        const type = input.action === 'approve' ? 'approved' : 'handed_over';
        return appendEvent(tx, l.d.id, { ...base, type, payload: { ...stepInfo, to: m.target, note: input.note ?? null, toAgency: m.tasks.open[0]!.agencyId, dueAt: m.tasks.open[0]!.dueAt }, set: { current_step: m.target }, tasks: m.tasks });
      }
      case 'return': {
        if (!earlierSteps(l.definition, task.step_id).includes(input.to)) throw new Invalid(`the dossier can go back to an earlier step only (${earlierSteps(l.definition, task.step_id).join(', ') || 'none'})`, 'to');
        const waiting = l.openTasks.filter((t) => t.parent_task_id === task.id);
        const back = stepById(l.definition, input.to)!;
        const open = await openStepTasks(tx, cal, ctxOf(l, now), back, now, task.agency_id, l.d.priority);
        return appendEvent(tx, l.d.id, { ...base, type: 'returned_to_step', payload: { ...stepInfo, to: input.to, reason: input.reason }, set: { current_step: input.to }, tasks: { close: [{ id: task.id, outcome: 'returned' }, ...waiting.map((w) => ({ id: w.id, outcome: 'cancelled', status: 'cancelled' as const }))], open } });
      }
      case 'consult': {
        const target = await agencyByCode(tx, input.agency);
        if (target.id === task.agency_id) throw new Invalid('consult another agency, not your own', 'agency');
        const due = cal.addWorkingDays(now, input.days);
        const r = await appendEvent(tx, l.d.id, {
          ...base, type: 'consultation_requested',
          payload: { ...stepInfo, agency: target.code, question: input.question, dueAt: due.toISOString() },
          tasks: { update: claimIfFree, open: [{ kind: 'consult', stepId: `${task.step_id}/consult`, agencyId: target.id, role: 'specialist', priority: l.d.priority, dueAt: due.toISOString(), fromAgencyId: task.agency_id, parent: { taskId: task.id }, detail: { question: input.question } }] },
        });
        for (const o of await officersOf(tx, target.id, ['specialist', 'unit_head'], now)) await enqueueMail(tx, { to: o.email, subject: `Xin ý kiến về hồ sơ ${l.d.code}`, text: `${task.agency_name} xin ý kiến về hồ sơ ${l.d.code} (${l.version.name}).\nNội dung: ${input.question}\nHạn trả lời: ${vnDateTimeText(due)}\n${deps.publicUrl}/can-bo/xu-ly/${l.d.code}` }, now);
        return r;
      }
      case 'answer': {
        const late = task.due_at !== null && now.toISOString() > task.due_at;
        const detail = { ...(task.detail ? (JSON.parse(task.detail) as Record<string, unknown>) : {}), answer: input.answer, late };
        const r = await appendEvent(tx, l.d.id, { ...base, type: 'consultation_answered', payload: { ...stepInfo, answer: input.answer, late, kind: task.kind }, tasks: { update: [...claimIfFree, { id: task.id, detail }], close: [{ id: task.id, outcome: late ? 'answered_late' : 'answered' }] } });
        // a late answer is reported to the head of the desk that received the dossier (DOMAIN.md §2.5)
        if (late) for (const o of await officersOf(tx, l.receiving.id, ['unit_head', 'agency_leader'], now)) await enqueueMail(tx, { to: o.email, subject: `Trả lời xin ý kiến quá hạn: hồ sơ ${l.d.code}`, text: `${task.agency_name} trả lời xin ý kiến về hồ sơ ${l.d.code} sau hạn (${vnDateTimeText(task.due_at!)}).` }, now);
        return r;
      }
      case 'transfer': {
        const target = await agencyByCode(tx, input.agency);
        if (target.id === task.agency_id) throw new Invalid('transfer to another agency', 'agency');
        const waiting = l.openTasks.filter((t) => t.parent_task_id === task.id);
        if (waiting.length) throw new Conflict('answers are pending for this step; transfer after they arrive', { reason: 'waiting_for_answers' });
        const r = await appendEvent(tx, l.d.id, {
          ...base, type: 'transferred',
          payload: { ...stepInfo, agency: target.code, reason: input.reason },
          tasks: { close: [{ id: task.id, outcome: 'transferred', status: 'cancelled' }], open: [{ kind: 'step', stepId: task.step_id, agencyId: target.id, role: task.role, priority: l.d.priority, dueAt: task.due_at, fromAgencyId: task.agency_id, detail: { transferReason: input.reason } }] },
        });
        for (const o of await officersOf(tx, target.id, ['unit_head', 'agency_leader'], now)) await enqueueMail(tx, { to: o.email, subject: `Hồ sơ ${l.d.code} được chuyển đến`, text: `${task.agency_name} chuyển hồ sơ ${l.d.code} (${l.version.name}) để xử lý liên thông. Lý do: ${input.reason}\n${deps.publicUrl}/can-bo/xu-ly/${l.d.code}` }, now);
        return r;
      }
      case 'request_supplement': {
        const known = new Set(l.version.documents.map((x) => x.code));
        // once-only (#7): a document provided from data the state holds (store, registry) may not be asked for on paper
        const reusedReqs = new Set((await tx.selectFrom('dossier_documents').select('requirement_code').where('dossier_id', '=', l.d.id).where('reused', '=', 1).execute()).map((x) => x.requirement_code));
        input.items.forEach((it, i) => {
          if (!known.has(it.requirement)) throw new Invalid(`item ${i + 1}: only documents the procedure requires may be requested (${it.requirement} is not one)`, `items.${i}.requirement`, undefined, 'not_a_requirement');
          if (reusedReqs.has(it.requirement)) throw new Invalid(`item ${i + 1}: this document was provided from data the state already holds; the agency may not ask for the paper`, `items.${i}.requirement`, undefined, 'reused_document');
        });
        const earlier = await tx.selectFrom('dossier_events').select('seq').where('dossier_id', '=', l.d.id).where('type', '=', 'processing_supplement_requested').executeTakeFirst();
        if (earlier) throw new Conflict('examination may ask for a supplement once, listing everything missing in one go', { reason: 'second_supplement' });
        if (l.d.received_at && cal.workingTimeBetween(new Date(l.d.received_at), now) > SUPPLEMENT_WINDOW_HOURS * 3_600_000)
          throw new Conflict('a supplement must be requested within 3 working days of receipt; decide on the dossier as it is', { reason: 'supplement_window_closed' });
        const r = await appendEvent(tx, l.d.id, {
          ...base, type: 'processing_supplement_requested',
          payload: { ...stepInfo, items: input.items },
          set: { paused_since: now.toISOString(), supplement_count: l.d.supplement_count + 1 },
          // the papers come back through the desk that received the dossier
          tasks: { update: claimIfFree, open: [{ kind: 'supplement', stepId: `${task.step_id}/supplement`, agencyId: l.receiving.id, role: 'desk_officer', priority: l.d.priority, dueAt: null, fromAgencyId: task.agency_id, parent: { taskId: task.id }, detail: { items: input.items } }] },
        });
        const names = input.items.map((i) => `${l.version.documents.find((x) => x.code === i.requirement)?.name ?? i.requirement} (${i.reason})`).join('; ');
        await mailApplicant(deps, tx, l, 'processing_supplement', `\nCần bổ sung: ${names}\nThời hạn giải quyết được tính lại từ khi nhận đủ hồ sơ.`, now);
        return r;
      }
      case 'refuse': {
        const r = await appendEvent(tx, l.d.id, {
          ...base, type: 'refused', payload: { ...stepInfo, reasons: input.reasons, afterExamination: true }, set: { closed_at: now.toISOString(), current_step: null },
          tasks: { close: l.openTasks.map((t) => ({ id: t.id, outcome: t.id === task.id ? 'refused' : 'cancelled', status: t.id === task.id ? ('done' as const) : ('cancelled' as const) })) },
        });
        await mailApplicant(deps, tx, l, 'refused', `\nLý do: ${input.reasons.join('; ')}`, now);
        // a refused member of a group: the group goes on and the desk returns what was resolved, with the refusal
        if (l.d.parent_dossier_id !== null) await memberResolved(tx, cal, l.d.parent_dossier_id, now);
        return r;
      }
      case 'record_result': {
        const waiting = l.openTasks.filter((t) => t.parent_task_id === task.id);
        if (waiting.length) throw new Conflict(`waiting for ${waiting.map((t) => t.agency_name).join(', ')} to answer`, { reason: 'waiting_for_answers' });
        const docs = input.documents ?? [];
        const uploads = docs.length ? await tx.selectFrom('uploads').selectAll().where('id', 'in', docs).where('owner_account_id', '=', actor.accountId).execute() : [];
        if (uploads.length !== docs.length || (uploads.length === 0 && !input.eResult)) throw new Invalid('attach the result document (uploaded by you) or issue the electronic result', 'documents', undefined, 'result_document_required');
        // the signed e-result (#7): issued before the event, which records its serial
        const issued = input.eResult ? await issueForDossier(tx, deps.results, { dossierId: l.d.id, nationalCode: l.version.nationalCode, agencyId: task.agency_id, actorId: actor.accountId, eResult: input.eResult, now }) : undefined;
        const step = a.step!;
        // a group member returns its result to the group dossier; the group dossier's own
        // procedure result lets the group go on; only a lone dossier opens its return step here
        const member = l.d.parent_dossier_id !== null;
        const groupHead = l.d.group_code !== null && !member;
        const nextId = member || groupHead ? undefined : step.next[0];
        const next = nextId ? stepById(l.definition, nextId) : undefined;
        const open = next ? await openStepTasks(tx, cal, ctxOf(l, now), next, now, task.agency_id, l.d.priority) : [];
        const r = await appendEvent(tx, l.d.id, {
          ...base, type: groupHead ? 'member_result_recorded' : 'result_recorded', payload: { ...stepInfo, summary: input.summary, documents: uploads.map((u) => u.sha256), ...(issued ? { eResult: issued.serial } : {}) },
          set: { result_at: now.toISOString(), current_step: nextId ?? null },
          tasks: { close: [{ id: task.id, outcome: 'result_recorded' }], open },
        });
        for (const u of uploads) await tx.insertInto('dossier_documents').values({ dossier_id: l.d.id, requirement_code: 'result', sha256: u.sha256, filename: u.filename, media_type: u.media_type, size: u.size, source: 'result', event_seq: r.seq }).execute();
        if (issued) await attachResultDocument(tx, l.d.id, issued, r.seq);
        if (member || groupHead) await memberResolved(tx, cal, member ? l.d.parent_dossier_id! : l.d.id, now);
        else await mailApplicant(deps, tx, l, 'resolved', `\nKết quả: ${input.summary}`, now);
        return r;
      }
      case 'return_result': {
        const r = await appendEvent(tx, l.d.id, {
          ...base, type: 'result_returned', payload: { ...stepInfo, method: input.method, early: l.d.due_at !== null && now.toISOString() <= l.d.due_at },
          set: { closed_at: now.toISOString(), current_step: null },
          tasks: { close: l.openTasks.map((t) => ({ id: t.id, outcome: t.id === task.id ? 'returned' : 'cancelled', status: t.id === task.id ? ('done' as const) : ('cancelled' as const) })) },
        });
        if (l.d.group_code !== null && l.d.parent_dossier_id === null) await returnMembers(tx, l.d.id, actor.accountId, input.method, now);
        // the returned results join the holder's data store (#7)
        await addResultsToStore(tx, l.d.id, now);
        await mailApplicant(deps, tx, l, 'returned', input.method === 'online' ? '\nKết quả điện tử có trong tài khoản của Ông/Bà.' : '', now);
        return r;
      }
    }
  });
}

async function officerCovers(tx: Tx, accountId: number, agencyPath: string, role: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const rows = await tx
    .selectFrom('role_grants as g')
    .innerJoin('agencies as a', 'a.id', 'g.agency_id')
    .select('a.path')
    .where('g.account_id', '=', accountId)
    .where('g.role', '=', role)
    .where('g.revoked_at', 'is', null)
    .where('g.valid_from', '<=', at)
    .where((w) => w.or([w('g.valid_to', 'is', null), w('g.valid_to', '>', at)]))
    .execute();
  return rows.some((r) => agencyPath.startsWith(r.path));
}

/**
 * The apology with a new date (form 4, DOMAIN.md §2.8): by the head or leader of the agency
 * holding the dossier's current step (or of the receiving agency), at most once, at least one
 * day before the due date; it moves the due date and the open step's due time, and tells the applicant.
 */
async function apologise(deps: WorkflowDeps, tx: Tx, actor: Actor, l: Loaded, input: { reason: string; newDueAt: string }, now: Date) {
  const main = l.openTasks.find((t) => t.kind === 'step');
  const responsible = main ?? null;
  const paths = [responsible?.agency_path ?? l.receiving.path];
  const lead = LEADS.find((r) => paths.some((p) => rolesOver(actor, p).has(r)));
  if (!lead) throw new Forbidden('the apology is issued by the head or leader of the agency holding the dossier', { reason: 'not_your_step' });
  if (!l.d.due_at) throw new Conflict('the dossier has no due date yet', { reason: 'no_due_date' });
  if (l.d.apology_count > 0) throw new Conflict('the due date may be moved at most once', { reason: 'apology_already_issued' });
  const due = new Date(l.d.due_at);
  if (due.getTime() - now.getTime() < 24 * 3_600_000) throw new Conflict('the apology must be sent at least one day before the due date', { reason: 'apology_too_late' });
  const newDue = new Date(input.newDueAt);
  if (Number.isNaN(newDue.getTime())) throw new Invalid('newDueAt is not a date-time', 'newDueAt');
  if (newDue <= due) throw new Invalid('the new date must be after the current due date', 'newDueAt');
  if (!deps.calendar.isWorkingDay(vnDate(newDue))) throw new Invalid('the new date must be a working day', 'newDueAt');
  const returnTasks = l.openTasks.filter((t) => t.kind === 'step' && stepById(l.definition, t.step_id)?.kind === 'return');
  const r = await appendEvent(tx, l.d.id, {
    at: now, actor: lead, actorId: actor.accountId, agencyId: responsible?.agency_id ?? l.receiving.id, type: 'apology_issued',
    payload: { reason: input.reason, oldDueAt: l.d.due_at, newDueAt: newDue.toISOString(), step: responsible?.step_id ?? null, agency: responsible?.agency_id ?? l.receiving.id },
    set: { due_at: newDue.toISOString(), original_due_at: l.d.due_at, apology_count: l.d.apology_count + 1 },
    tasks: { update: returnTasks.map((t) => ({ id: t.id, dueAt: newDue.toISOString() })) },
  });
  await mailApplicant(deps, tx, l, l.d.status as DossierStatus, `\nCơ quan giải quyết xin lỗi vì chậm trễ và hẹn lại ngày trả kết quả: ${vnDateTimeText(newDue)}.\nLý do: ${input.reason}\nPhiếu xin lỗi: ${deps.publicUrl}/api/dossiers/${l.d.code}/forms/apology`, now);
  return r;
}

/**
 * When the applicant completes a supplement asked for during processing, the time limit
 * restarts from zero (DOMAIN.md §2.4): a new due date, and the waiting step's time budget runs again.
 */
export async function supplementRestart(tx: Tx, cal: WorkingCalendar, dossierId: number, limit: TimeLimit, now: Date): Promise<{ set: { due_at: string; paused_since: null }; tasks: TaskEffects }> {
  const d = await tx.selectFrom('dossiers').select(['id', 'channel', 'workflow_template_id', 'procedure_version_id']).where('id', '=', dossierId).executeTakeFirstOrThrow();
  const definition = await pinnedTemplate(tx, d);
  const open = await tx.selectFrom('dossier_tasks').select(['id', 'kind', 'step_id']).where('dossier_id', '=', dossierId).where('status', '=', 'open').execute();
  const due = cal.dueDate(now, limit);
  const update: NonNullable<TaskEffects['update']> = [];
  const close: NonNullable<TaskEffects['close']> = [];
  const version = await getVersionById(tx, d.procedure_version_id);
  for (const t of open) {
    if (t.kind === 'supplement') close.push({ id: t.id, outcome: 'supplemented' });
    if (t.kind !== 'step') continue;
    const step = stepById(definition, t.step_id);
    if (!step) continue;
    const at = step.kind === 'return' ? due : cal.addWorkingHours(now, effectiveBudgetHours(definition, step, d.channel === 'online', version.timeLimit));
    update.push({ id: t.id, dueAt: at.toISOString() });
  }
  return { set: { due_at: due.toISOString(), paused_since: null }, tasks: { update, close } };
}

export type { StepRole };
