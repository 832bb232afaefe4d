// Workflow templates as data: the steps a procedure's dossiers go through after the desk
// receives them, each with the agency responsible (fixed or relative to the receiving agency),
// the role that acts, a time budget and the actions allowed there. Pure: schema, validation,
// and the default template derived from a procedure version that has none.
import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import type { TimeLimit } from '../catalog/schemas.js';

export const STEP_KINDS = ['examine', 'verify', 'consult', 'approve', 'issue_result', 'return'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** What an officer can do at a step (besides claim/assign, always allowed to the step's unit). */
export const STEP_ACTIONS = ['hand_over', 'return', 'consult', 'transfer', 'request_supplement', 'approve', 'refuse', 'record_result', 'return_result'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

export const STEP_ROLES = ['desk_officer', 'specialist', 'unit_head', 'agency_leader'] as const;
export type StepRole = (typeof STEP_ROLES)[number];

const AGENCY_LEVELS_FOR_RULES = ['city', 'department', 'district', 'commune', 'central', 'unit'] as const;

/**
 * Who is responsible for a step:
 * - receiving: the agency whose desk received the dossier;
 * - fixed: one agency by identifier;
 * - ancestor: the receiving agency's nearest ancestor (or itself) at a level ("the district of the receiving ward");
 * - handling: of the agencies that handle a procedure (this one unless named), the one nearest to the
 *   receiving agency in the tree, optionally at a level ("the city department for this field", "the ward's police").
 */
export const AgencyRule = Type.Union([
  Type.Object({ kind: Type.Literal('receiving') }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('fixed'), code: Type.String({ pattern: '^[A-Z0-9.]{3,40}$' }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('ancestor'), level: Type.Enum(AGENCY_LEVELS_FOR_RULES) }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('handling'), procedure: Type.Optional(Type.String({ minLength: 3, maxLength: 40 })), level: Type.Optional(Type.Enum(AGENCY_LEVELS_FOR_RULES)) },
    { additionalProperties: false },
  ),
]);
export type AgencyRule = Static<typeof AgencyRule>;

export const BUDGET_UNITS = ['working_hours', 'working_days'] as const;
export const Budget = Type.Object({ value: Type.Number({ minimum: 0, maximum: 100_000 }), unit: Type.Enum(BUDGET_UNITS) }, { additionalProperties: false });
export type Budget = Static<typeof Budget>;

const Name = Type.String({ minLength: 1, maxLength: 200 });

export const Branch = Type.Object(
  { id: Type.String({ pattern: '^[a-z0-9_-]{1,40}$' }), task: Name, agency: AgencyRule, role: Type.Enum(STEP_ROLES), budget: Budget },
  { additionalProperties: false },
);
export type Branch = Static<typeof Branch>;

export const StepTemplate = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9_-]{1,40}$' }),
    kind: Type.Enum(STEP_KINDS),
    name: Name,
    nameEn: Type.Optional(Name),
    agency: AgencyRule,
    role: Type.Enum(STEP_ROLES),
    budget: Budget,
    /** steps a hand-over may go to; empty for the last step */
    next: Type.Array(Type.String({ pattern: '^[a-z0-9_-]{1,40}$' }), { maxItems: 10 }),
    actions: Type.Array(Type.Enum(STEP_ACTIONS), { minItems: 1, uniqueItems: true }),
    /** the step cannot be handed over without a document attached at it (e.g. a signed decision) */
    requiresDocument: Type.Optional(Type.Boolean()),
    /** parallel work sent to other agencies when the step opens; this step's agency leads and waits for them */
    branches: Type.Optional(Type.Array(Branch, { maxItems: 10 })),
  },
  { additionalProperties: false },
);
export type StepTemplate = Static<typeof StepTemplate>;

export const WorkflowDefinition = Type.Object(
  {
    steps: Type.Array(StepTemplate, { minItems: 1, maxItems: 30 }),
    /** online dossiers get a total internal budget shorter by this many working days (priority for online submission) */
    onlinePriorityDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 60 })),
  },
  { additionalProperties: false },
);
export type WorkflowDefinition = Static<typeof WorkflowDefinition>;

export const WORKING_DAY_HOURS = 8;

export function budgetHours(b: Budget): number {
  return b.unit === 'working_days' ? b.value * WORKING_DAY_HOURS : b.value;
}

/**
 * The legal time limit in working hours, to check budgets against. Limits in calendar days or
 * months are converted conservatively (5 working days per 7 days, 20 per month); hour limits
 * count as working hours.
 */
export function limitHours(limit: TimeLimit): number {
  switch (limit.unit) {
    case 'working_days':
      return limit.value === 0 ? WORKING_DAY_HOURS : limit.value * WORKING_DAY_HOURS;
    case 'working_hours':
    case 'hours':
      return limit.value;
    case 'days':
      return Math.floor((limit.value * 5) / 7) * WORKING_DAY_HOURS || WORKING_DAY_HOURS;
    case 'months':
      return limit.value * 20 * WORKING_DAY_HOURS;
  }
}

export interface TemplateProblem {
  field: string;
  message: string;
}

/** The longest chain of budgets from the first step to a last one (steps are a DAG). */
export function longestPath(def: WorkflowDefinition): number {
  const byId = new Map(def.steps.map((s) => [s.id, s]));
  const memo = new Map<string, number>();
  const visit = (id: string, stack: Set<string>): number => {
    const cached = memo.get(id);
    if (cached !== undefined) return cached;
    const s = byId.get(id);
    if (!s || stack.has(id)) return 0;
    stack.add(id);
    const own = s.kind === 'return' ? 0 : budgetHours(s.budget);
    const rest = Math.max(0, ...s.next.map((n) => visit(n, stack)));
    stack.delete(id);
    memo.set(id, own + rest);
    return own + rest;
  };
  return visit(def.steps[0]!.id, new Set());
}

/**
 * Checks a template against its procedure: shape, unique ids, every step reachable from the
 * first, hand-overs only forward (no cycles: returns to earlier steps are a separate action),
 * every step with an owner and actions that fit its kind, a last step that returns the result,
 * and budgets that fit inside the legal time limit along every path.
 */
export function validateTemplate(input: unknown, limit: TimeLimit): { definition?: WorkflowDefinition; problems: TemplateProblem[] } {
  if (!Value.Check(WorkflowDefinition, input)) {
    const first = [...Value.Errors(WorkflowDefinition, input)].slice(0, 20);
    return { problems: first.map((e) => ({ field: e.instancePath.replace(/^\//, '').replace(/\//g, '.') || 'steps', message: e.message })) };
  }
  const def = input as WorkflowDefinition;
  const problems: TemplateProblem[] = [];
  const ids = new Map<string, number>();
  def.steps.forEach((s, i) => {
    if (ids.has(s.id)) problems.push({ field: `steps.${i}.id`, message: `step id "${s.id}" is used twice` });
    ids.set(s.id, i);
  });
  def.steps.forEach((s, i) => {
    for (const n of s.next) {
      const j = ids.get(n);
      if (j === undefined) problems.push({ field: `steps.${i}.next`, message: `step "${s.id}" hands over to "${n}", which does not exist` });
      else if (j <= i) problems.push({ field: `steps.${i}.next`, message: `step "${s.id}" hands over to "${n}", an earlier step: hand-overs go forward (use the return action to go back)` });
    }
    if (s.next.length > 0 && !s.actions.includes('hand_over') && !s.actions.includes('approve') && !s.actions.includes('record_result'))
      problems.push({ field: `steps.${i}.actions`, message: `step "${s.id}" has next steps but no action that moves the dossier on (hand_over, approve or record_result)` });
    if (s.next.length === 0 && s.kind !== 'return') problems.push({ field: `steps.${i}.next`, message: `step "${s.id}" is a dead end: only the return step may end a workflow` });
    if (s.kind === 'return' && !s.actions.includes('return_result')) problems.push({ field: `steps.${i}.actions`, message: 'the return step must allow return_result' });
    if (s.actions.includes('return_result') && s.kind !== 'return') problems.push({ field: `steps.${i}.actions`, message: 'only the return step returns the result' });
    if ((s.actions.includes('approve') || s.actions.includes('refuse')) && s.role !== 'unit_head' && s.role !== 'agency_leader')
      problems.push({ field: `steps.${i}.role`, message: `step "${s.id}" decides (approve/refuse): it must be taken by a unit head or an agency leader` });
    if (s.kind === 'return' && s.role !== 'desk_officer') problems.push({ field: `steps.${i}.role`, message: 'the result is returned by the one-stop desk (desk_officer)' });
    if (s.kind !== 'return' && budgetHours(s.budget) <= 0) problems.push({ field: `steps.${i}.budget`, message: `step "${s.id}" needs a time budget` });
    for (const [k, b] of (s.branches ?? []).entries()) if (budgetHours(b.budget) > budgetHours(s.budget)) problems.push({ field: `steps.${i}.branches.${k}.budget`, message: `branch "${b.id}" has more time than its step` });
  });
  // reachability from the first step
  const reached = new Set<string>();
  const walk = (id: string) => {
    if (reached.has(id)) return;
    reached.add(id);
    for (const n of def.steps[ids.get(id) ?? -1]?.next ?? []) if (ids.has(n)) walk(n);
  };
  walk(def.steps[0]!.id);
  def.steps.forEach((s, i) => {
    if (!reached.has(s.id)) problems.push({ field: `steps.${i}`, message: `step "${s.id}" cannot be reached from the first step` });
  });
  if (!def.steps.some((s) => s.actions.includes('record_result'))) problems.push({ field: 'steps', message: 'no step records the result' });
  if (!def.steps.some((s) => s.kind === 'return')) problems.push({ field: 'steps', message: 'no step returns the result to the applicant' });
  if (problems.length === 0) {
    const total = longestPath(def);
    const max = limitHours(limit);
    if (total > max) problems.push({ field: 'steps', message: `the step budgets add up to ${total} working hours on the longest path; the legal time limit allows ${max}` });
    if (def.onlinePriorityDays && def.onlinePriorityDays * WORKING_DAY_HOURS >= max) problems.push({ field: 'onlinePriorityDays', message: 'online priority must leave some time to process the dossier' });
  }
  return problems.length ? { problems } : { definition: def, problems };
}

/**
 * The steps a dossier goes through when its procedure has no template of its own: the
 * receiving agency examines (60% of the limit), its leader decides (20%), the result is
 * issued (20%) and the desk returns it.
 */
export function defaultTemplate(limit: TimeLimit): WorkflowDefinition {
  const total = limitHours(limit);
  // quarter hours, at least one quarter: the three steps fit any limit of an hour or more
  const share = (f: number) => ({ value: Math.max(0.25, Math.floor(total * f * 4) / 4), unit: 'working_hours' as const });
  const here = { kind: 'receiving' as const };
  return {
    steps: [
      { id: 'examine', kind: 'examine', name: 'Thẩm định hồ sơ', nameEn: 'Examination', agency: here, role: 'specialist', budget: share(0.6), next: ['approve'], actions: ['hand_over', 'consult', 'transfer', 'request_supplement'] },
      { id: 'approve', kind: 'approve', name: 'Phê duyệt', nameEn: 'Decision', agency: here, role: 'agency_leader', budget: share(0.2), next: ['issue'], actions: ['approve', 'refuse', 'return'] },
      { id: 'issue', kind: 'issue_result', name: 'Ban hành kết quả', nameEn: 'Issuing the result', agency: here, role: 'specialist', budget: share(0.2), next: ['return'], actions: ['record_result', 'return'] },
      { id: 'return', kind: 'return', name: 'Trả kết quả', nameEn: 'Returning the result', agency: here, role: 'desk_officer', budget: { value: 0, unit: 'working_hours' }, next: [], actions: ['return_result'] },
    ],
  };
}

/**
 * Budgets for one dossier: an online dossier of a procedure with online priority gets each
 * budget scaled down so that the whole fits in the limit minus the priority days.
 */
export function effectiveBudgetHours(def: WorkflowDefinition, step: { budget: Budget }, online: boolean, limit: TimeLimit): number {
  const base = budgetHours(step.budget);
  if (!online || !def.onlinePriorityDays) return base;
  const max = limitHours(limit);
  const factor = Math.max(0, max - def.onlinePriorityDays * WORKING_DAY_HOURS) / max;
  // whole minutes, rounded down (at least one): rounding up short steps could make the online total overrun the shorter limit
  return Math.max(1, Math.floor(base * factor * 60 + 1e-9)) / 60;
}

export function stepById(def: WorkflowDefinition, id: string): StepTemplate | undefined {
  return def.steps.find((s) => s.id === id);
}

/** Steps before `id` on some path from the first step: where a return may send the dossier back. */
export function earlierSteps(def: WorkflowDefinition, id: string): string[] {
  const index = def.steps.findIndex((s) => s.id === id);
  return def.steps.slice(0, Math.max(0, index)).filter((s) => s.kind !== 'return').map((s) => s.id);
}
