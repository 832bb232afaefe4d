// Small pieces shared by the feedback pages: the rating criteria named in the interface
// language, refusals in words, the complaint's status and due-state badges, a labelled
// textarea, the pager.
import { useId, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError } from '../api/client.js';
import { apiErrorText } from '../ui/form.js';
import { RequiredMark } from '../ui/SchemaForm.js';
import { feedbackApi, type Criterion } from './api.js';

/** The criteria of DOMAIN.md §6 as the server lists them (public, rarely changes). */
export function useCriteria() {
  return useQuery({ queryKey: ['feedback-criteria'], queryFn: ({ signal }) => feedbackApi.criteria(signal), staleTime: 60 * 60_000 });
}

/** A criterion's name and description in the interface language; its code when unknown. */
export function criterionText(lng: string, all: Criterion[] | undefined, code: string): { name: string; description: string } {
  const c = all?.find((x) => x.code === code);
  if (!c) return { name: code, description: '' };
  return lng === 'en' ? { name: c.en || c.vi, description: c.description_en || c.description_vi } : { name: c.vi, description: c.description_vi };
}

// reason codes of src/feedback (store.ts, attachments.ts) said in words
const REASONS = new Set([
  'not_finished',
  'already_rated',
  'dossier_not_found',
  'complaint_not_found',
  'agency_not_found',
  'procedure_not_found',
  'dossier_required',
  'procedure_required',
  'officer_required',
  'agency_required',
  'not_answered',
  'not_accepted',
  'action_not_allowed',
  'not_handler',
  'reason_required',
  'answer_required',
  'same_agency',
  'concurrent_change',
  'too_large',
  'upload_interrupted',
  'file_type',
  'file_empty',
  'file_too_large',
]);

/** The reason code of a refusal, from `reason` or `error`. */
export function reasonOf(err: unknown): string | undefined {
  if (!(err instanceof ApiError)) return undefined;
  if (err.reason && REASONS.has(err.reason)) return err.reason;
  if (REASONS.has(err.code)) return err.code;
  return undefined;
}

/** A clear sentence for a refused feedback request. */
export function feedbackErrorText(t: TFunction, err: unknown): string {
  if (err instanceof ApiError && err.status === 429) return t('feedback.errors.too_many_attempts');
  if (err instanceof ApiError && err.status === 413) return t('feedback.errors.too_large');
  const reason = reasonOf(err);
  if (reason === 'file_type' || reason === 'file_empty' || reason === 'file_too_large') return t(`errors.${reason}`);
  if (reason) return t(`feedback.errors.${reason}`);
  return apiErrorText(t, err);
}

export function ComplaintStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return <span className={`badge badge-complaint badge-complaint-${status}`}>{t(`feedback.state.${status}`, { defaultValue: status })}</span>;
}

/** "Quá hạn" / "Đến hạn …" / "Trong hạn": a word, never colour alone. */
export function ComplaintDueBadge({ late, status, acceptDueAt, answerDueAt, now = Date.now() }: { late: boolean; status: string; acceptDueAt: string; answerDueAt: string; now?: number }) {
  const { t } = useTranslation();
  if (status === 'answered' || status === 'refused') return null;
  const due = status === 'received' ? acceptDueAt : answerDueAt;
  const dueMs = Date.parse(due);
  let state: 'late' | 'due_soon' | 'on_time' = 'on_time';
  if (late || dueMs < now) state = 'late';
  else if (dueMs - now < 24 * 3_600_000) state = 'due_soon';
  const what = status === 'received' ? t('feedback.due.accept') : t('feedback.due.answer');
  return <span className={`badge badge-urgency badge-urgency-${state}`}>{t(`feedback.due.${state}`, { what })}</span>;
}

/** A labelled textarea with its error and hint next to it. */
export function TextArea({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  optional,
  rows = 4,
  maxLength,
}: {
  id?: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  optional?: boolean;
  rows?: number;
  maxLength: number;
}) {
  const { t } = useTranslation();
  const own = useId();
  const fid = id ?? own;
  const errId = error ? `${fid}-err` : undefined;
  const hintId = hint ? `${fid}-hint` : undefined;
  return (
    <div className="form-group">
      <label htmlFor={fid} className="label">
        {label}
        {optional ? <span className="optional"> {t('form.optional')}</span> : <RequiredMark />}
      </label>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errId} className="field-error">
          {error}
        </p>
      )}
      <textarea
        id={fid}
        rows={rows}
        required={!optional}
        maxLength={maxLength}
        aria-invalid={error ? true : undefined}
        aria-describedby={[errId, hintId].filter(Boolean).join(' ') || undefined}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

export function Pager({ page, total, pageSize, onPage }: { page: number; total: number; pageSize: number; onPage: (p: number) => void }) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <nav className="pagination" aria-label={t('pagination.label')}>
      {page > 1 ? (
        <button type="button" className="button button-secondary" onClick={() => onPage(page - 1)}>
          {t('pagination.previous')}
        </button>
      ) : (
        <span />
      )}
      <span>{t('pagination.pageOf', { page, pages })}</span>
      {page < pages ? (
        <button type="button" className="button button-secondary" onClick={() => onPage(page + 1)}>
          {t('pagination.next')}
        </button>
      ) : (
        <span />
      )}
    </nav>
  );
}

/** Multi-line text kept as typed, rendered as text (React escapes it; never as HTML). */
export function PlainText({ text, className }: { text: string; className?: string }) {
  return <p className={['pre-line', className].filter(Boolean).join(' ')}>{text}</p>;
}
