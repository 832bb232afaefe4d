// Small pieces shared by the feedback pages: the rating criteria named in the interface
// language, refusals in words, the complaint's status and due-state badges, plain text.
import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError } from '../api/client.js';
import { apiErrorText } from '../ui/form.js';
import { formatVnDateTime } from '../ui/format.js';
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

/** The answer given to a complaint: when, whether it is published, its text; `children` add to it. */
export function ComplaintAnswerSection({ answer, children }: { answer: { at: string; public: boolean; text: string }; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="sec-answer" className="card section complaint-answer">
      <h2 id="sec-answer">{t('feedback.status.answerTitle')}</h2>
      <p className="muted">
        {t('feedback.status.answeredAt', { date: formatVnDateTime(answer.at) })} · {answer.public ? t('feedback.status.answerPublic') : t('feedback.status.answerPrivate')}
      </p>
      <PlainText text={answer.text} />
      {children}
    </section>
  );
}

/** One term and its value in a `dl.meta` list. */
export function MetaEntry({ term, children, className }: { term: string; children: ReactNode; className?: string }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd className={className}>{children}</dd>
    </div>
  );
}

/** Multi-line text kept as typed, rendered as text (React escapes it; never as HTML). */
export function PlainText({ text, className }: { text: string; className?: string }) {
  return <p className={['pre-line', className].filter(Boolean).join(' ')}>{text}</p>;
}
