// Small pieces of the processing workspace (inbox and processing page): the due-time badge
// (coloured and worded), the online-priority marker, step labels and API errors in words.
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.js';
import type { WorkUrgency } from '../api/types.js';
import { apiErrorText } from '../ui/form.js';
import { reuseErrorText } from '../datastore/api.js';

/** Late / due within one working day / on time: a word in a coloured badge (never colour alone). */
export function UrgencyBadge({ urgency }: { urgency: WorkUrgency }) {
  const { t } = useTranslation();
  if (urgency === 'none') return null;
  return <span className={`badge badge-urgency badge-urgency-${urgency}`}>{t(`work.urgency.${urgency}`)}</span>;
}

export function PriorityMarker() {
  const { t } = useTranslation();
  return <span className="badge badge-priority">{t('work.onlinePriority')}</span>;
}

/** Step ids of the default template, named in the interface language; other ids are shown as they are. */
const KNOWN_STEPS = new Set(['examine', 'verify', 'approve', 'issue', 'return']);

/** "examine" → "Thẩm định hồ sơ"; "examine/consult" → "Thẩm định hồ sơ: xin ý kiến". */
export function stepLabel(t: TFunction, step: string, kind?: string): string {
  const [main = step, sub] = step.split('/');
  const base = KNOWN_STEPS.has(main) ? t(`work.stepId.${main}`) : main;
  if (!sub) return base;
  if (kind === 'consult' || sub === 'consult') return t('work.subStep.consult', { step: base });
  if (kind === 'supplement' || sub === 'supplement') return t('work.subStep.supplement', { step: base });
  return t('work.subStep.branch', { step: base, branch: sub });
}

const REASONS = new Set([
  'waiting_for_answers',
  'task_not_open',
  'second_supplement',
  'supplement_window_closed',
  'apology_already_issued',
  'apology_too_late',
  'not_your_step',
  'already_claimed',
  'assigned_to_other',
  'paused_for_supplement',
  'not_a_requirement',
  'result_document_required',
  'document_required',
  'no_due_date',
  'transition_not_allowed',
  'concurrent_change',
]);
const FIELDS = new Set(['to', 'agency', 'newDueAt', 'assigneeId', 'documents', 'days', 'reason', 'question', 'answer', 'summary']);

/** A Vietnamese (or English) sentence for a refused action, from its `reason` code or field. */
export function workErrorText(t: TFunction, err: unknown): string {
  const reuse = reuseErrorText(t, err);
  if (reuse) return reuse;
  if (err instanceof ApiError) {
    if (err.reason && REASONS.has(err.reason)) return t(`work.errors.${err.reason}`);
    const field = err.field?.split('.').pop();
    if (err.status === 400 && field && FIELDS.has(field)) return t(`work.fieldErrors.${field}`);
  }
  return apiErrorText(t, err);
}

/** The working-time budget of a step: "4,5 giờ làm việc", "3 ngày làm việc". */
export function budgetText(t: TFunction, lng: string, b: { value: number; unit: 'working_hours' | 'working_days' }): string {
  const n = new Intl.NumberFormat(lng === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 1 }).format(b.value);
  return t(`timeLimit.${b.unit}`, { count: b.value, n });
}
