// The workflow template editor for system administrators: pick a procedure, see its template
// versions, edit the template in force (or the default steps) as a form — steps with their
// agency rule, role, time budget, next steps, allowed actions and parallel branches — check it
// against the server's rules (problems shown next to the fields they name and in a summary),
// and save it as a new version with an effective date.
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api, ApiError } from '../api/client.js';
import type { Me } from '../api/types.js';
import type {
  AdminWorkflow,
  AgencyRule,
  AgencyRuleKind,
  BudgetUnit,
  StepAction,
  StepKind,
  StepRole,
  TemplateProblem,
  WorkflowDefinition,
} from '../api/workflow-types.js';
import { apiErrorText } from '../ui/form.js';
import { formatDate, formatNumber, formatTimeLimit } from '../ui/format.js';
import { activeGrants, RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { AGENCY_CODE, budgetHours, hoursText, limitHours, useAgencyName } from '../ui/workflowText.js';

const PROCEDURE_CODE = /^[0-9A-Z.-]{3,40}$/;
const STEP_ID = /^[a-z0-9_-]{1,40}$/;
const RULE_KINDS: AgencyRuleKind[] = ['receiving', 'fixed', 'ancestor', 'handling'];
const LEVELS = ['city', 'department', 'district', 'commune', 'central', 'unit'] as const;
type Level = (typeof LEVELS)[number];
const UNITS: BudgetUnit[] = ['working_hours', 'working_days'];
const MAX_STEPS = 30;
const MAX_BRANCHES = 10;
const MAX_NEXT = 10;
const MAX_SEARCH_SHOWN = 8;

export default function WorkflowEditorPage() {
  const { t } = useTranslation();
  usePageTitle(t('workflowAdmin.title'));
  return <RequireAuth>{(me) => <WorkflowAdmin me={me} />}</RequireAuth>;
}

// ---------- dates ----------

/** Today in Vietnam as yyyy-mm-dd (effective dates are legal dates there). */
function todayVn(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** "dd/mm/yyyy" (or yyyy-mm-dd) → yyyy-mm-dd, or null when not a real date. */
function parseVnDate(text: string): string | null {
  const s = text.trim();
  let y: number, m: number, d: number;
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (vn) [d, m, y] = [Number(vn[1]), Number(vn[2]), Number(vn[3])];
  else if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// ---------- the page ----------

function WorkflowAdmin({ me }: { me: Me }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const [params, setParams] = useSearchParams();
  const asked = (params.get('ma') ?? '').trim();
  const code = PROCEDURE_CODE.test(asked) ? asked : '';
  const allowed = activeGrants(me).some((g) => g.role === 'system_admin');
  const data = useQuery({
    queryKey: ['workflow-admin', code],
    queryFn: ({ signal }) => api.adminWorkflow(code, signal),
    enabled: allowed && code !== '',
  });

  if (!allowed) {
    return (
      <>
        <h1>{t('workflowAdmin.title')}</h1>
        <div className="alert alert-error" role="alert">
          <p>{t('workflowAdmin.notAllowed')}</p>
        </div>
      </>
    );
  }

  return (
    <>
      <h1>{t('workflowAdmin.title')}</h1>
      <p className="lead">{t('workflowAdmin.intro')}</p>
      <ProcedurePicker current={code} onPick={(c) => setParams({ ma: c })} />
      {code !== '' &&
        (data.isPending ? (
          <Loading />
        ) : data.isError ? (
          <ErrorMessage error={data.error} onRetry={() => void data.refetch()} />
        ) : (
          <>
            <section aria-labelledby="sec-wf-procedure" className="section">
              <h2 id="sec-wf-procedure">{data.data.procedure.name}</h2>
              <dl className="summary">
                <div>
                  <dt>{t('workflowAdmin.procedureCode')}</dt>
                  <dd>{data.data.procedure.code}</dd>
                </div>
                <div>
                  <dt>{t('workflowAdmin.legalLimit')}</dt>
                  <dd>
                    {formatTimeLimit(t, lng, data.data.procedure.timeLimit)} ({hoursText(t, lng, limitHours(data.data.procedure.timeLimit))})
                  </dd>
                </div>
                <div>
                  <dt>{t('workflowAdmin.inForce')}</dt>
                  <dd>{data.data.inForce.version === null ? t('workflowAdmin.inForceDefault') : t('workflowAdmin.inForceVersion', { version: data.data.inForce.version })}</dd>
                </div>
              </dl>
            </section>
            <History data={data.data} />
            <Editor key={code} code={code} data={data.data} />
          </>
        ))}
    </>
  );
}

// ---------- choosing a procedure ----------

function ProcedurePicker({ current, onPick }: { current: string; onPick: (code: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [q, setQ] = useState('');
  const [debounced, setDebounced] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const h = window.setTimeout(() => setDebounced(q.trim()), 300);
    return () => window.clearTimeout(h);
  }, [q]);
  const search = useQuery({
    queryKey: ['procedure-pick', debounced],
    queryFn: ({ signal }) => api.searchProcedures({ q: debounced, pageSize: MAX_SEARCH_SHOWN }, signal),
    enabled: debounced.length >= 2,
  });
  const items = search.data?.items ?? [];
  let status = '';
  if (debounced.length >= 2) {
    if (search.isFetching) status = t('status.loading');
    else if (search.isError) status = t('status.error');
    else if (search.data) status = t('workflowAdmin.found', { count: search.data.total, shown: items.length });
  }

  return (
    <div className="card">
      <div className="form-group">
        <label htmlFor={`${id}-q`} className="label">
          {t('workflowAdmin.pickProcedure')}
        </label>
        <p id={`${id}-hint`} className="hint">
          {t('workflowAdmin.pickHint')}
        </p>
        <input
          ref={inputRef}
          id={`${id}-q`}
          type="search"
          autoComplete="off"
          value={q}
          aria-describedby={`${id}-hint ${id}-status`}
          onChange={(e) => setQ(e.target.value)}
        />
        <p id={`${id}-status`} role="status" aria-live="polite" className="hint">
          {status}
        </p>
        {items.length > 0 && (
          <ul className="picker-results">
            {items.map((p) => (
              <li key={p.nationalCode}>
                <button
                  type="button"
                  className="picker-option"
                  aria-current={p.nationalCode === current ? 'true' : undefined}
                  onClick={() => {
                    setQ('');
                    setDebounced('');
                    onPick(p.nationalCode);
                  }}
                >
                  {p.nationalCode} — {p.name}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

// ---------- version history ----------

function History({ data }: { data: AdminWorkflow }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="sec-wf-history" className="section">
      <h2 id="sec-wf-history">{t('workflowAdmin.history')}</h2>
      {data.versions.length === 0 ? (
        <p>{t('workflowAdmin.noVersions')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table-stack">
            <thead>
              <tr>
                <th scope="col">{t('workflowAdmin.version')}</th>
                <th scope="col">{t('workflowAdmin.effectiveFrom')}</th>
                <th scope="col">{t('workflowAdmin.note')}</th>
                <th scope="col">{t('workflowAdmin.stepCount')}</th>
              </tr>
            </thead>
            <tbody>
              {data.versions.map((v) => (
                <tr key={v.id} aria-current={v.version === data.inForce.version ? 'true' : undefined}>
                  <td data-label={t('workflowAdmin.version')}>
                    {v.version}
                    {v.version === data.inForce.version && <span className="badge badge-online-full">{t('workflowAdmin.inForceBadge')}</span>}
                  </td>
                  <td data-label={t('workflowAdmin.effectiveFrom')}>{formatDate(v.effectiveFrom)}</td>
                  <td data-label={t('workflowAdmin.note')}>{v.note || '—'}</td>
                  <td data-label={t('workflowAdmin.stepCount')}>{v.definition.steps.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

// ---------- the draft being edited ----------

interface RuleDraft {
  kind: AgencyRuleKind;
  code: string;
  level: Level | '';
  procedure: string;
}

interface BranchDraft {
  key: number;
  id: string;
  task: string;
  agency: RuleDraft;
  role: StepRole;
  value: string;
  unit: BudgetUnit;
}

interface StepDraft {
  key: number;
  id: string;
  kind: StepKind;
  name: string;
  nameEn: string;
  role: StepRole;
  agency: RuleDraft;
  value: string;
  unit: BudgetUnit;
  /** keys of the steps handed over to (kept by key so that renaming an id keeps the links) */
  next: number[];
  actions: StepAction[];
  requiresDocument: boolean;
  branches: BranchDraft[];
}

let draftKey = 0;

function ruleDraft(r: AgencyRule): RuleDraft {
  return {
    kind: r.kind,
    code: r.kind === 'fixed' ? r.code : '',
    level: r.kind === 'ancestor' ? r.level : r.kind === 'handling' ? (r.level ?? '') : '',
    procedure: r.kind === 'handling' ? (r.procedure ?? '') : '',
  };
}

function toDrafts(def: WorkflowDefinition): StepDraft[] {
  const keys = new Map(def.steps.map((s) => [s.id, ++draftKey]));
  return def.steps.map((s) => ({
    key: keys.get(s.id)!,
    id: s.id,
    kind: s.kind,
    name: s.name,
    nameEn: s.nameEn ?? '',
    role: s.role,
    agency: ruleDraft(s.agency),
    value: String(s.budget.value),
    unit: s.budget.unit,
    next: s.next.flatMap((n) => (keys.has(n) ? [keys.get(n)!] : [])),
    actions: [...s.actions],
    requiresDocument: s.requiresDocument ?? false,
    branches: (s.branches ?? []).map((b) => ({ key: ++draftKey, id: b.id, task: b.task, agency: ruleDraft(b.agency), role: b.role, value: String(b.budget.value), unit: b.budget.unit })),
  }));
}

function toRule(r: RuleDraft): AgencyRule {
  switch (r.kind) {
    case 'receiving':
      return { kind: 'receiving' };
    case 'fixed':
      return { kind: 'fixed', code: r.code.trim() };
    case 'ancestor':
      return { kind: 'ancestor', level: (r.level || 'district') as Level };
    case 'handling':
      return { kind: 'handling', ...(r.procedure.trim() ? { procedure: r.procedure.trim() } : {}), ...(r.level ? { level: r.level } : {}) };
  }
}

const num = (s: string) => (s.trim() === '' ? NaN : Number(s.replace(',', '.')));

function toDefinition(steps: StepDraft[], priority: string): WorkflowDefinition {
  const idOf = new Map(steps.map((s) => [s.key, s.id.trim()]));
  const days = num(priority);
  return {
    steps: steps.map((s) => ({
      id: s.id.trim(),
      kind: s.kind,
      name: s.name.trim(),
      ...(s.nameEn.trim() ? { nameEn: s.nameEn.trim() } : {}),
      agency: toRule(s.agency),
      role: s.role,
      budget: { value: num(s.value), unit: s.unit },
      next: s.next.flatMap((k) => (idOf.has(k) ? [idOf.get(k)!] : [])),
      actions: s.actions,
      ...(s.requiresDocument ? { requiresDocument: true } : {}),
      ...(s.branches.length
        ? { branches: s.branches.map((b) => ({ id: b.id.trim(), task: b.task.trim(), agency: toRule(b.agency), role: b.role, budget: { value: num(b.value), unit: b.unit } })) }
        : {}),
    })),
    ...(Number.isInteger(days) && days > 0 ? { onlinePriorityDays: days } : {}),
  };
}

const hoursOf = (value: string, unit: BudgetUnit) => {
  const v = num(value);
  return Number.isFinite(v) && v > 0 ? budgetHours({ value: v, unit }) : 0;
};

/** The longest chain of budgets from the first step, as the server computes it. */
function longestPath(steps: StepDraft[]): number {
  if (steps.length === 0) return 0;
  const byKey = new Map(steps.map((s) => [s.key, s]));
  const memo = new Map<number, number>();
  const visit = (key: number, stack: Set<number>): number => {
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    const s = byKey.get(key);
    if (!s || stack.has(key)) return 0;
    stack.add(key);
    const own = s.kind === 'return' ? 0 : hoursOf(s.value, s.unit);
    const rest = Math.max(0, ...s.next.map((n) => visit(n, stack)));
    stack.delete(key);
    memo.set(key, own + rest);
    return own + rest;
  };
  return visit(steps[0]!.key, new Set());
}

// ---------- problems: client-side checks and the server's, by field ----------

type Problems = Record<string, string[]>;

const RULE_FIELDS = ['agency', 'agency.code', 'agency.level', 'agency.procedure'];
const STEP_FIELDS = ['', 'id', 'kind', 'name', 'nameEn', 'role', ...RULE_FIELDS, 'budget', 'budget.unit', 'next', 'actions', 'requiresDocument', 'branches'];
const BRANCH_FIELDS = ['', 'id', 'task', 'role', ...RULE_FIELDS, 'budget', 'budget.unit'];

/** Every field the form shows, by the server's path ("steps.2.next", "steps.0.branches.1.budget"). */
function knownFields(steps: StepDraft[]): Set<string> {
  const known = new Set(['steps', 'onlinePriorityDays', 'effectiveFrom', 'note']);
  steps.forEach((s, i) => {
    for (const f of STEP_FIELDS) known.add(f ? `steps.${i}.${f}` : `steps.${i}`);
    s.branches.forEach((_, k) => {
      for (const f of BRANCH_FIELDS) known.add(f ? `steps.${i}.branches.${k}.${f}` : `steps.${i}.branches.${k}`);
    });
  });
  return known;
}

/** The nearest field the form shows for a problem's path ("steps.1.next.0" → "steps.1.next"). */
function resolveField(field: string, known: Set<string>): string {
  const parts = field.split('.');
  while (parts.length > 0) {
    const f = parts.join('.');
    if (known.has(f)) return f;
    parts.pop();
  }
  return 'steps';
}

/** The server's problems are English sentences; the known ones are said in the interface language. */
const SERVER_MESSAGES: [RegExp, string][] = [
  [/^step id "(.*)" is used twice$/, 'duplicateId'],
  [/^step "(.*)" hands over to "(.*)", which does not exist$/, 'nextMissing'],
  [/^step "(.*)" hands over to "(.*)", an earlier step/, 'nextEarlier'],
  [/^step "(.*)" has next steps but no action that moves the dossier on/, 'noMoveAction'],
  [/^step "(.*)" is a dead end/, 'deadEnd'],
  [/^the return step must allow return_result$/, 'returnNeedsAction'],
  [/^only the return step returns the result$/, 'onlyReturnReturns'],
  [/^step "(.*)" decides \(approve\/refuse\)/, 'decisionRole'],
  [/^the result is returned by the one-stop desk/, 'returnRole'],
  [/^step "(.*)" needs a time budget$/, 'needsBudget'],
  [/^branch "(.*)" has more time than its step$/, 'branchTooLong'],
  [/^step "(.*)" cannot be reached from the first step$/, 'unreachable'],
  [/^no step records the result$/, 'noRecordResult'],
  [/^no step returns the result to the applicant$/, 'noReturnStep'],
  [/^the step budgets add up to ([\d.]+) working hours on the longest path; the legal time limit allows ([\d.]+)$/, 'overLimit'],
  [/^online priority must leave some time/, 'priorityTooLong'],
];

function problemText(t: TFunction, lng: string, message: string): string {
  for (const [re, key] of SERVER_MESSAGES) {
    const m = re.exec(message);
    if (!m) continue;
    if (key === 'overLimit') return t('workflowAdmin.problem.overLimit', { total: formatNumber(lng, Number(m[1])), max: formatNumber(lng, Number(m[2])) });
    return t(`workflowAdmin.problem.${key}`, { a: m[1], b: m[2] });
  }
  return t('workflowAdmin.problem.other', { message });
}

function checkRule(t: TFunction, prefix: string, r: RuleDraft, out: Problems) {
  if (r.kind === 'fixed' && !AGENCY_CODE.test(r.code.trim())) out[`${prefix}.code`] = [t('workflowAdmin.invalid.agencyCode')];
  if (r.kind === 'ancestor' && !r.level) out[`${prefix}.level`] = [t('workflowAdmin.invalid.level')];
  const p = r.procedure.trim();
  if (r.kind === 'handling' && p && !PROCEDURE_CODE.test(p)) out[`${prefix}.procedure`] = [t('workflowAdmin.invalid.procedure')];
}

function checkBudget(t: TFunction, prefix: string, value: string, out: Problems) {
  const v = num(value);
  if (!Number.isFinite(v) || v < 0 || v > 2000) out[`${prefix}.budget`] = [t('workflowAdmin.invalid.budget')];
}

/** What the form can tell before asking the server: required fields and formats. */
function checkDraft(t: TFunction, steps: StepDraft[], priority: string): Problems {
  const out: Problems = {};
  steps.forEach((s, i) => {
    const p = `steps.${i}`;
    if (!STEP_ID.test(s.id.trim())) out[`${p}.id`] = [t('workflowAdmin.invalid.id')];
    if (!s.name.trim()) out[`${p}.name`] = [t('form.required')];
    checkRule(t, `${p}.agency`, s.agency, out);
    checkBudget(t, p, s.value, out);
    if (s.actions.length === 0) out[`${p}.actions`] = [t('workflowAdmin.invalid.actions')];
    if (s.next.length > MAX_NEXT) out[`${p}.next`] = [t('workflowAdmin.invalid.tooManyNext', { max: MAX_NEXT })];
    s.branches.forEach((b, k) => {
      const bp = `${p}.branches.${k}`;
      if (!STEP_ID.test(b.id.trim())) out[`${bp}.id`] = [t('workflowAdmin.invalid.id')];
      if (!b.task.trim()) out[`${bp}.task`] = [t('form.required')];
      checkRule(t, `${bp}.agency`, b.agency, out);
      checkBudget(t, bp, b.value, out);
    });
  });
  const d = num(priority);
  if (priority.trim() !== '' && (!Number.isInteger(d) || d < 0 || d > 60)) out.onlinePriorityDays = [t('workflowAdmin.invalid.priority')];
  return out;
}

const FIELD_LABELS: Record<string, string> = {
  id: 'workflowAdmin.stepId',
  kind: 'workflowAdmin.stepKind',
  name: 'workflowAdmin.stepName',
  nameEn: 'workflowAdmin.stepNameEn',
  role: 'workflowAdmin.stepRole',
  agency: 'workflowAdmin.agencyRule',
  'agency.code': 'workflowAdmin.agencyCode',
  'agency.level': 'workflowAdmin.agencyLevel',
  'agency.procedure': 'workflowAdmin.agencyProcedure',
  budget: 'workflowAdmin.budgetValue',
  'budget.unit': 'workflowAdmin.budgetUnit',
  next: 'workflowAdmin.next',
  actions: 'workflowAdmin.actions',
  requiresDocument: 'workflowAdmin.requiresDocument',
  branches: 'workflowAdmin.branches',
  task: 'workflowAdmin.branchTask',
};

/** "Bước 3 — Chuyển tiếp đến bước", "Bước 2, nhánh 1 — Thời gian xử lý", "Quy trình". */
function fieldPlace(t: TFunction, field: string): string {
  if (field === 'steps') return t('workflowAdmin.where.workflow');
  if (field === 'onlinePriorityDays') return t('workflowAdmin.onlinePriorityDays');
  if (field === 'effectiveFrom') return t('workflowAdmin.effectiveFrom');
  if (field === 'note') return t('workflowAdmin.note');
  const m = /^steps\.(\d+)(?:\.branches\.(\d+))?(?:\.(.+))?$/.exec(field);
  if (!m) return field;
  const n = Number(m[1]) + 1;
  const where = m[2] !== undefined ? t('workflowAdmin.where.branch', { n, k: Number(m[2]) + 1 }) : t('workflowAdmin.where.step', { n });
  const rest = m[3];
  if (!rest) return where;
  const label = rest === 'id' && m[2] !== undefined ? 'workflowAdmin.branchId' : FIELD_LABELS[rest];
  return label ? `${where} — ${t(label)}` : where;
}

// ---------- small labelled controls with their problems next to them ----------

interface FieldCtx {
  fid: (field: string) => string;
  problems: Problems;
}

function describedBy(ctx: FieldCtx, field: string, hint?: boolean): string | undefined {
  const ids = [ctx.problems[field] ? `${ctx.fid(field)}-error` : '', hint ? `${ctx.fid(field)}-hint` : ''].filter(Boolean);
  return ids.join(' ') || undefined;
}

function FieldProblems({ ctx, field }: { ctx: FieldCtx; field: string }) {
  const list = ctx.problems[field];
  if (!list) return null;
  return (
    <div id={`${ctx.fid(field)}-error`}>
      {list.map((m, i) => (
        <p key={i} className="field-error">
          {m}
        </p>
      ))}
    </div>
  );
}

function InputField({
  ctx,
  field,
  label,
  hint,
  optional,
  value,
  onChange,
  type = 'text',
  ...rest
}: {
  ctx: FieldCtx;
  field: string;
  label: string;
  hint?: ReactNode;
  optional?: boolean;
  value: string;
  onChange: (v: string) => void;
  type?: string;
  inputMode?: 'decimal' | 'numeric' | 'text';
  maxLength?: number;
  min?: number;
  max?: number;
  step?: number | string;
  autoComplete?: string;
  lang?: string;
}) {
  const { t } = useTranslation();
  const id = ctx.fid(field);
  return (
    <div className="form-group">
      <label htmlFor={id} className="label">
        {label}
        {optional && <span className="optional"> {t('form.optional')}</span>}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <FieldProblems ctx={ctx} field={field} />
      <input
        id={id}
        type={type}
        value={value}
        required={!optional}
        aria-invalid={ctx.problems[field] ? true : undefined}
        aria-describedby={describedBy(ctx, field, !!hint)}
        onChange={(e) => onChange(e.target.value)}
        {...rest}
      />
    </div>
  );
}

function SelectField<V extends string>({
  ctx,
  field,
  label,
  value,
  options,
  onChange,
  optional,
}: {
  ctx: FieldCtx;
  field: string;
  label: string;
  value: V | '';
  options: { value: V | ''; label: string }[];
  onChange: (v: V) => void;
  optional?: boolean;
}) {
  const { t } = useTranslation();
  const id = ctx.fid(field);
  return (
    <div className="form-group">
      <label htmlFor={id} className="label">
        {label}
        {optional && <span className="optional"> {t('form.optional')}</span>}
      </label>
      <FieldProblems ctx={ctx} field={field} />
      <select
        id={id}
        value={value}
        required={!optional}
        aria-invalid={ctx.problems[field] ? true : undefined}
        aria-describedby={describedBy(ctx, field)}
        onChange={(e) => onChange(e.target.value as V)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function CheckField({ id, label, checked, onChange, describedBy: desc }: { id: string; label: string; checked: boolean; onChange: (v: boolean) => void; describedBy?: string | undefined }) {
  return (
    <div className="checkbox">
      <input type="checkbox" id={id} checked={checked} aria-describedby={desc} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

/** Who acts: the kind of rule, then the code, level or procedure it needs. */
function RuleFields({ ctx, prefix, rule, onChange }: { ctx: FieldCtx; prefix: string; rule: RuleDraft; onChange: (r: RuleDraft) => void }) {
  const { t } = useTranslation();
  const name = useAgencyName(rule.kind === 'fixed' ? rule.code.trim() : undefined);
  const levelOptions = LEVELS.map((l) => ({ value: l, label: t(`agencyLevel.${l}`) }));
  return (
    <div className="form-row">
      <SelectField<AgencyRuleKind>
        ctx={ctx}
        field={prefix}
        label={t('workflowAdmin.agencyRule')}
        value={rule.kind}
        options={RULE_KINDS.map((k) => ({ value: k, label: t(`workflowAdmin.ruleKind.${k}`) }))}
        onChange={(kind) => onChange({ ...rule, kind, level: kind === 'ancestor' && !rule.level ? 'district' : rule.level })}
      />
      {rule.kind === 'fixed' && (
        <InputField
          ctx={ctx}
          field={`${prefix}.code`}
          label={t('workflowAdmin.agencyCode')}
          hint={name ? t('workflowAdmin.agencyCodeNamed', { name }) : t('workflowAdmin.agencyCodeHint')}
          value={rule.code}
          maxLength={40}
          autoComplete="off"
          onChange={(code) => onChange({ ...rule, code: code.toUpperCase() })}
        />
      )}
      {rule.kind === 'ancestor' && (
        <SelectField<Level>
          ctx={ctx}
          field={`${prefix}.level`}
          label={t('workflowAdmin.agencyLevel')}
          value={rule.level}
          options={levelOptions}
          onChange={(level) => onChange({ ...rule, level })}
        />
      )}
      {rule.kind === 'handling' && (
        <>
          <InputField
            ctx={ctx}
            field={`${prefix}.procedure`}
            label={t('workflowAdmin.agencyProcedure')}
            hint={t('workflowAdmin.agencyProcedureHint')}
            optional
            value={rule.procedure}
            maxLength={40}
            autoComplete="off"
            onChange={(procedure) => onChange({ ...rule, procedure })}
          />
          <SelectField<Level>
            ctx={ctx}
            field={`${prefix}.level`}
            label={t('workflowAdmin.agencyLevel')}
            optional
            value={rule.level}
            options={[{ value: '', label: t('workflowAdmin.anyLevel') }, ...levelOptions]}
            onChange={(level) => onChange({ ...rule, level })}
          />
        </>
      )}
    </div>
  );
}

function BudgetFields({ ctx, prefix, value, unit, onChange }: { ctx: FieldCtx; prefix: string; value: string; unit: BudgetUnit; onChange: (value: string, unit: BudgetUnit) => void }) {
  const { t } = useTranslation();
  return (
    <div className="form-row">
      <InputField
        ctx={ctx}
        field={`${prefix}.budget`}
        label={t('workflowAdmin.budgetValue')}
        type="number"
        inputMode="decimal"
        min={0}
        max={2000}
        step="any"
        value={value}
        onChange={(v) => onChange(v, unit)}
      />
      <SelectField<BudgetUnit>
        ctx={ctx}
        field={`${prefix}.budget.unit`}
        label={t('workflowAdmin.budgetUnit')}
        value={unit}
        options={UNITS.map((u) => ({ value: u, label: t(`workflowAdmin.unit.${u}`) }))}
        onChange={(u) => onChange(value, u)}
      />
    </div>
  );
}

// ---------- the editor ----------

function defaultSteps(data: AdminWorkflow): StepDraft[] {
  return toDrafts(data.inForce.definition);
}

function Editor({ code, data }: { code: string; data: AdminWorkflow }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const qc = useQueryClient();
  const uid = useId();
  const [steps, setSteps] = useState<StepDraft[]>(() => defaultSteps(data));
  const [priority, setPriority] = useState(() => String(data.inForce.definition.onlinePriorityDays ?? 0));
  const [effective, setEffective] = useState(() => formatDate(todayVn()));
  const [note, setNote] = useState('');
  const [problems, setProblems] = useState<Problems>({});
  const [summary, setSummary] = useState<{ field: string; message: string }[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<'check' | 'save' | null>(null);
  const [focus, setFocus] = useState<string | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const addButton = useRef<HTMLButtonElement>(null);

  const fid = (field: string) => `${uid}-${field.replace(/\./g, '-')}`;
  const ctx: FieldCtx = { fid, problems };
  const kinds = data.vocabulary.kinds;
  const roles = data.vocabulary.roles;
  const actions = data.vocabulary.actions;
  const limit = limitHours(data.procedure.timeLimit);
  const total = longestPath(steps);

  // Focus after a structural change (a step added or moved), once it is rendered.
  useEffect(() => {
    if (!focus) return;
    const el = document.getElementById(focus);
    if (el instanceof HTMLButtonElement && el.disabled) (el.parentElement?.querySelector('button:not(:disabled)') as HTMLElement | null)?.focus();
    else el?.focus();
    setFocus(null);
  }, [focus]);

  function focusField(field: string) {
    const el = document.getElementById(fid(field));
    if (!el) return;
    const target = el.matches('input, select, textarea, button') ? el : el.querySelector<HTMLElement>('input, select, textarea, button');
    target?.focus();
    el.scrollIntoView({ block: 'center' });
  }

  function clearProblems() {
    setProblems({});
    setSummary([]);
    setFormError(null);
  }

  function showProblems(list: TemplateProblem[], fromServer: boolean) {
    const known = knownFields(steps);
    const byField: Problems = {};
    const items = list.map((p) => {
      const field = resolveField(p.field, known);
      const message = fromServer ? problemText(t, lng, p.message) : p.message;
      (byField[field] ??= []).push(message);
      return { field, message };
    });
    setProblems(byField);
    setSummary(items);
    setFormError(null);
    setNotice(null);
    window.setTimeout(() => summaryRef.current?.focus(), 0);
  }

  const update = (key: number, patch: Partial<StepDraft>) => setSteps((ss) => ss.map((s) => (s.key === key ? { ...s, ...patch } : s)));
  const updateBranch = (key: number, bkey: number, patch: Partial<BranchDraft>) =>
    setSteps((ss) => ss.map((s) => (s.key === key ? { ...s, branches: s.branches.map((b) => (b.key === bkey ? { ...b, ...patch } : b)) } : s)));

  function addStep() {
    clearProblems();
    const used = new Set(steps.map((s) => s.id.trim()));
    let n = steps.length + 1;
    while (used.has(`buoc-${n}`)) n++;
    const last = steps[steps.length - 1];
    const at = last && last.kind === 'return' ? steps.length - 1 : steps.length;
    const following = steps[at];
    const step: StepDraft = {
      key: ++draftKey,
      id: `buoc-${n}`,
      kind: 'verify',
      name: '',
      nameEn: '',
      role: 'specialist',
      agency: { kind: 'receiving', code: '', level: '', procedure: '' },
      value: '1',
      unit: 'working_hours',
      next: following ? [following.key] : [],
      actions: ['hand_over'],
      requiresDocument: false,
      branches: [],
    };
    setSteps((ss) => [...ss.slice(0, at), step, ...ss.slice(at)]);
    setFocus(fid(`steps.${at}.id`));
  }

  function moveStep(index: number, by: -1 | 1) {
    clearProblems();
    const to = index + by;
    if (to < 0 || to >= steps.length) return;
    const moved = steps[index]!;
    setSteps((ss) => {
      const copy = [...ss];
      copy.splice(index, 1);
      copy.splice(to, 0, moved);
      return copy;
    });
    setFocus(`${uid}-move-${moved.key}-${by < 0 ? 'up' : 'down'}`);
  }

  function removeStep(key: number) {
    clearProblems();
    setSteps((ss) => ss.filter((s) => s.key !== key).map((s) => ({ ...s, next: s.next.filter((n) => n !== key) })));
    addButton.current?.focus();
  }

  function addBranch(s: StepDraft, index: number) {
    clearProblems();
    const used = new Set(s.branches.map((b) => b.id));
    let n = s.branches.length + 1;
    while (used.has(`nhanh-${n}`)) n++;
    const branch: BranchDraft = { key: ++draftKey, id: `nhanh-${n}`, task: '', agency: { kind: 'handling', code: '', level: '', procedure: '' }, role: 'specialist', value: '1', unit: 'working_hours' };
    update(s.key, { branches: [...s.branches, branch] });
    setFocus(fid(`steps.${index}.branches.${s.branches.length}.id`));
  }

  function removeBranch(s: StepDraft, bkey: number) {
    clearProblems();
    update(s.key, { branches: s.branches.filter((b) => b.key !== bkey) });
    setFocus(`${uid}-add-branch-${s.key}`);
  }

  /** Client checks then the server's; true when the template has no problem. */
  async function validate(withDate: boolean): Promise<WorkflowDefinition | null> {
    const local = checkDraft(t, steps, priority);
    if (withDate) {
      const day = parseVnDate(effective);
      if (!day) local.effectiveFrom = [t('workflowAdmin.invalid.date')];
      else if (day < todayVn()) local.effectiveFrom = [t('workflowAdmin.invalid.pastDate', { today: formatDate(todayVn()) })];
    }
    const localList = Object.entries(local).flatMap(([field, ms]) => ms.map((message) => ({ field, message })));
    if (localList.length > 0) {
      showProblems(localList, false);
      return null;
    }
    const definition = toDefinition(steps, priority);
    const r = await api.validateWorkflow(code, definition);
    if (!r.ok) {
      showProblems(r.problems, true);
      return null;
    }
    return definition;
  }

  async function onCheck() {
    setBusy('check');
    setNotice(null);
    try {
      const ok = await validate(false);
      if (ok) {
        clearProblems();
        setNotice(t('workflowAdmin.checkOk', { total: hoursText(t, lng, longestPath(steps)), limit: hoursText(t, lng, limit) }));
      }
    } catch (err) {
      setFormError(apiErrorText(t, err));
    } finally {
      setBusy(null);
    }
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy('save');
    setNotice(null);
    try {
      const definition = await validate(true);
      if (!definition) return;
      const effectiveFrom = parseVnDate(effective)!;
      const saved = await api.saveWorkflow(code, { definition, effectiveFrom, ...(note.trim() ? { note: note.trim() } : {}) });
      clearProblems();
      setNote('');
      setNotice(t('workflowAdmin.saved', { version: saved.version, date: formatDate(effectiveFrom) }));
      await Promise.all([qc.invalidateQueries({ queryKey: ['workflow-admin', code] }), qc.invalidateQueries({ queryKey: ['procedure-workflow', code] })]);
    } catch (err) {
      if (err instanceof ApiError && err.reason === 'template_invalid' && Array.isArray(err.details)) showProblems(err.details as TemplateProblem[], true);
      else setFormError(apiErrorText(t, err));
    } finally {
      setBusy(null);
    }
  }

  const kindOptions = kinds.map((k) => ({ value: k, label: t(`workflowAdmin.kind.${k}`) }));
  const roleOptions = roles.map((r) => ({ value: r, label: t(`workflowAdmin.role.${r}`) }));
  const stepLabel = (s: StepDraft, i: number) => (s.name.trim() ? t('workflowAdmin.stepNamed', { n: i + 1, name: s.name.trim() }) : t('workflowAdmin.stepN', { n: i + 1 }));
  const over = total - limit;

  return (
    <section aria-labelledby={`${uid}-title`} className="section">
      <h2 id={`${uid}-title`}>{t('workflowAdmin.editorTitle')}</h2>
      <p>{data.inForce.version === null ? t('workflowAdmin.editorFromDefault') : t('workflowAdmin.editorFromVersion', { version: data.inForce.version })}</p>
      <form className="form-stack" noValidate aria-labelledby={`${uid}-title`} onSubmit={(e) => void onSubmit(e)}>
        <div
          ref={summaryRef}
          tabIndex={-1}
          role="alert"
          className={summary.length > 0 || formError ? 'alert alert-error workflow-problems' : 'visually-empty'}
        >
          {formError && <p>{formError}</p>}
          {summary.length > 0 && (
            <>
              <p className="alert-title">
                <strong>{t('workflowAdmin.problemsTitle', { count: summary.length })}</strong>
              </p>
              <ul>
                {summary.map((p, i) => (
                  <li key={i}>
                    <a
                      href={`#${fid(p.field)}`}
                      onClick={(e) => {
                        e.preventDefault();
                        focusField(p.field);
                      }}
                    >
                      {fieldPlace(t, p.field)}
                    </a>
                    : {p.message}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>

        <div id={fid('steps')} className="workflow-steps-top">
          <FieldProblems ctx={ctx} field="steps" />
        </div>

        {steps.map((s, i) => {
          const p = `steps.${i}`;
          const stepProblems = problems[p];
          const candidates = steps.filter((o, j) => o.key !== s.key && (j > i || s.next.includes(o.key)));
          return (
            <fieldset key={s.key} id={fid(p)} className="grant-fieldset workflow-step" aria-describedby={stepProblems ? `${fid(p)}-error` : undefined}>
              <legend>{stepLabel(s, i)}</legend>
              <FieldProblems ctx={ctx} field={p} />
              <div className="form-row">
                <InputField
                  ctx={ctx}
                  field={`${p}.id`}
                  label={t('workflowAdmin.stepId')}
                  hint={t('workflowAdmin.stepIdHint')}
                  value={s.id}
                  maxLength={40}
                  autoComplete="off"
                  onChange={(id) => update(s.key, { id })}
                />
                <SelectField<StepKind> ctx={ctx} field={`${p}.kind`} label={t('workflowAdmin.stepKind')} value={s.kind} options={kindOptions} onChange={(kind) => update(s.key, { kind })} />
              </div>
              <div className="form-row">
                <InputField ctx={ctx} field={`${p}.name`} label={t('workflowAdmin.stepName')} value={s.name} maxLength={200} onChange={(name) => update(s.key, { name })} />
                <InputField ctx={ctx} field={`${p}.nameEn`} label={t('workflowAdmin.stepNameEn')} optional lang="en" value={s.nameEn} maxLength={200} onChange={(nameEn) => update(s.key, { nameEn })} />
              </div>
              <SelectField<StepRole> ctx={ctx} field={`${p}.role`} label={t('workflowAdmin.stepRole')} value={s.role} options={roleOptions} onChange={(role) => update(s.key, { role })} />
              <RuleFields ctx={ctx} prefix={`${p}.agency`} rule={s.agency} onChange={(agency) => update(s.key, { agency })} />
              <BudgetFields ctx={ctx} prefix={p} value={s.value} unit={s.unit} onChange={(value, unit) => update(s.key, { value, unit })} />

              <fieldset id={fid(`${p}.next`)} className="choice" aria-describedby={problems[`${p}.next`] ? `${fid(`${p}.next`)}-error` : `${fid(`${p}.next`)}-hint`}>
                <legend className="label">{t('workflowAdmin.next')}</legend>
                <p id={`${fid(`${p}.next`)}-hint`} className="hint">
                  {t('workflowAdmin.nextHint')}
                </p>
                <FieldProblems ctx={ctx} field={`${p}.next`} />
                {candidates.length === 0 ? (
                  <p>{t('workflowAdmin.noLaterSteps')}</p>
                ) : (
                  <div className="check-grid">
                    {candidates.map((o) => {
                      const j = steps.indexOf(o);
                      return (
                        <CheckField
                          key={o.key}
                          id={`${uid}-next-${s.key}-${o.key}`}
                          label={stepLabel(o, j)}
                          checked={s.next.includes(o.key)}
                          onChange={(on) => update(s.key, { next: on ? [...s.next, o.key] : s.next.filter((n) => n !== o.key) })}
                        />
                      );
                    })}
                  </div>
                )}
              </fieldset>

              <fieldset id={fid(`${p}.actions`)} className="choice" aria-describedby={problems[`${p}.actions`] ? `${fid(`${p}.actions`)}-error` : undefined}>
                <legend className="label">{t('workflowAdmin.actions')}</legend>
                <FieldProblems ctx={ctx} field={`${p}.actions`} />
                <div className="check-grid">
                  {actions.map((a) => (
                    <CheckField
                      key={a}
                      id={`${uid}-action-${s.key}-${a}`}
                      label={t(`workflowAdmin.action.${a}`)}
                      checked={s.actions.includes(a)}
                      onChange={(on) => update(s.key, { actions: on ? actions.filter((x) => x === a || s.actions.includes(x)) : s.actions.filter((x) => x !== a) })}
                    />
                  ))}
                </div>
              </fieldset>

              <div id={fid(`${p}.requiresDocument`)}>
                <CheckField
                  id={`${uid}-doc-${s.key}`}
                  label={t('workflowAdmin.requiresDocument')}
                  checked={s.requiresDocument}
                  describedBy={problems[`${p}.requiresDocument`] ? `${fid(`${p}.requiresDocument`)}-error` : undefined}
                  onChange={(requiresDocument) => update(s.key, { requiresDocument })}
                />
                <FieldProblems ctx={ctx} field={`${p}.requiresDocument`} />
              </div>

              <fieldset id={fid(`${p}.branches`)} className="choice workflow-branches">
                <legend className="label">{t('workflowAdmin.branches')}</legend>
                <p className="hint">{t('workflowAdmin.branchesHint')}</p>
                <FieldProblems ctx={ctx} field={`${p}.branches`} />
                {s.branches.map((b, k) => {
                  const bp = `${p}.branches.${k}`;
                  return (
                    <fieldset key={b.key} id={fid(bp)} className="day-row">
                      <legend>{t('workflowAdmin.branchN', { n: i + 1, k: k + 1 })}</legend>
                      <FieldProblems ctx={ctx} field={bp} />
                      <div className="form-row">
                        <InputField ctx={ctx} field={`${bp}.id`} label={t('workflowAdmin.branchId')} value={b.id} maxLength={40} autoComplete="off" onChange={(id) => updateBranch(s.key, b.key, { id })} />
                        <InputField ctx={ctx} field={`${bp}.task`} label={t('workflowAdmin.branchTask')} value={b.task} maxLength={200} onChange={(task) => updateBranch(s.key, b.key, { task })} />
                      </div>
                      <SelectField<StepRole> ctx={ctx} field={`${bp}.role`} label={t('workflowAdmin.stepRole')} value={b.role} options={roleOptions} onChange={(role) => updateBranch(s.key, b.key, { role })} />
                      <RuleFields ctx={ctx} prefix={`${bp}.agency`} rule={b.agency} onChange={(agency) => updateBranch(s.key, b.key, { agency })} />
                      <BudgetFields ctx={ctx} prefix={bp} value={b.value} unit={b.unit} onChange={(value, unit) => updateBranch(s.key, b.key, { value, unit })} />
                      <p>
                        <button type="button" className="button button-secondary" onClick={() => removeBranch(s, b.key)}>
                          {t('workflowAdmin.removeBranch', { n: i + 1, k: k + 1 })}
                        </button>
                      </p>
                    </fieldset>
                  );
                })}
                <p>
                  <button
                    id={`${uid}-add-branch-${s.key}`}
                    type="button"
                    className="button button-secondary"
                    disabled={s.branches.length >= MAX_BRANCHES}
                    onClick={() => addBranch(s, i)}
                  >
                    {t('workflowAdmin.addBranch', { n: i + 1 })}
                  </button>
                </p>
              </fieldset>

              <div className="form-actions workflow-step-tools">
                <button id={`${uid}-move-${s.key}-up`} type="button" className="button button-secondary" disabled={i === 0} onClick={() => moveStep(i, -1)}>
                  {t('workflowAdmin.moveUp', { n: i + 1 })}
                </button>
                <button id={`${uid}-move-${s.key}-down`} type="button" className="button button-secondary" disabled={i === steps.length - 1} onClick={() => moveStep(i, 1)}>
                  {t('workflowAdmin.moveDown', { n: i + 1 })}
                </button>
                <button type="button" className="button button-secondary" disabled={steps.length <= 1} onClick={() => removeStep(s.key)}>
                  {t('workflowAdmin.removeStep', { n: i + 1 })}
                </button>
              </div>
            </fieldset>
          );
        })}

        <p>
          <button ref={addButton} type="button" className="button button-secondary" disabled={steps.length >= MAX_STEPS} onClick={addStep}>
            {t('workflowAdmin.addStep')}
          </button>
        </p>

        <div className="form-row">
          <InputField
            ctx={ctx}
            field="onlinePriorityDays"
            label={t('workflowAdmin.onlinePriorityDays')}
            hint={t('workflowAdmin.onlinePriorityHint')}
            type="number"
            inputMode="numeric"
            min={0}
            max={60}
            step={1}
            value={priority}
            onChange={setPriority}
          />
        </div>

        <section aria-labelledby={`${uid}-totals`} className={`workflow-totals ${over > 0 ? 'is-over' : 'is-within'}`}>
          <h3 id={`${uid}-totals`}>{t('workflowAdmin.totalsTitle')}</h3>
          <dl className="summary">
            <div>
              <dt>{t('workflowAdmin.totalLongest')}</dt>
              <dd>{hoursText(t, lng, total)}</dd>
            </div>
            <div>
              <dt>{t('workflowAdmin.totalLimit')}</dt>
              <dd>{hoursText(t, lng, limit)}</dd>
            </div>
          </dl>
          <p>
            <strong>{over > 0 ? t('workflowAdmin.overBy', { hours: hoursText(t, lng, over) }) : t('workflowAdmin.within', { hours: hoursText(t, lng, -over) })}</strong>
          </p>
        </section>

        <div className="form-row">
          <InputField
            ctx={ctx}
            field="effectiveFrom"
            label={t('workflowAdmin.effectiveFrom')}
            hint={t('workflowAdmin.effectiveFromHint')}
            inputMode="numeric"
            autoComplete="off"
            maxLength={10}
            value={effective}
            onChange={setEffective}
          />
          <InputField ctx={ctx} field="note" label={t('workflowAdmin.note')} optional maxLength={1000} value={note} onChange={setNote} />
        </div>

        <div role="status" aria-live="polite">
          {notice && <p className="success">{notice}</p>}
        </div>
        <div className="form-actions">
          <button type="button" className="button button-secondary" disabled={busy !== null} onClick={() => void onCheck()}>
            {busy === 'check' ? t('workflowAdmin.checking') : t('workflowAdmin.checkButton')}
          </button>
          <button type="submit" className="button" disabled={busy !== null}>
            {busy === 'save' ? t('form.sending') : t('workflowAdmin.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
