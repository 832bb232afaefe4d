// The applicant's rating of a finished dossier (returned or refused), on the dossier page: one
// radio group per criterion (satisfied / dissatisfied), an optional comment, sent once; the
// rating as given afterwards. The comment is shown as text, never as HTML.
import { useId, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FormAlert, TextAreaField } from '../ui/form.js';
import { formatVnDateTime } from '../ui/format.js';
import { RequiredMark } from '../ui/SchemaForm.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { feedbackApi, type Answer, type Rating } from './api.js';
import { criterionText, feedbackErrorText, PlainText, useCriteria } from './parts.js';

export const MAX_COMMENT = 1000;

export function RatingForm({ code }: { code: string }) {
  const { t } = useTranslation();
  const state = useQuery({ queryKey: ['dossier', code, 'rating'], queryFn: ({ signal }) => feedbackApi.rating(code, signal), staleTime: 0 });
  return (
    <section aria-labelledby="sec-rating" className="card section rating-section">
      <h2 id="sec-rating">{t('feedback.rating.title')}</h2>
      {state.isPending ? (
        <Loading />
      ) : state.isError ? (
        <ErrorMessage error={state.error} onRetry={() => void state.refetch()} />
      ) : state.data.rating ? (
        <RatingView rating={state.data.rating} />
      ) : state.data.canRate ? (
        <RatingEditor code={code} criteria={state.data.criteria} />
      ) : (
        <p>{t(`feedback.rating.cannot.${state.data.reason ?? 'other'}`, { defaultValue: t('feedback.rating.cannot.other') })}</p>
      )}
      <p>
        <Link to={`/phan-anh-kien-nghi/gui?ho-so=${encodeURIComponent(code)}`}>{t('feedback.rating.complainLink')}</Link>
      </p>
    </section>
  );
}

/** A rating already given: each criterion with its answer, in words. */
export function RatingView({ rating }: { rating: Rating }) {
  const { t, i18n } = useTranslation();
  const criteria = useCriteria();
  return (
    <>
      <p>{t(rating.channel === 'kiosk' ? 'feedback.rating.givenKiosk' : 'feedback.rating.given', { date: formatVnDateTime(rating.ratedAt) })}</p>
      <ul className="item-list rating-list">
        {rating.answers.map((a) => (
          <li key={a.criterion}>
            <span>{criterionText(i18n.language, criteria.data?.criteria, a.criterion).name}</span>
            <span className={`badge badge-rating-${a.satisfied ? 'yes' : 'no'}`}>{a.satisfied ? t('feedback.rating.satisfied') : t('feedback.rating.dissatisfied')}</span>
          </li>
        ))}
      </ul>
      {rating.comment && (
        <>
          <h3>{t('feedback.rating.comment')}</h3>
          <PlainText text={rating.comment} />
        </>
      )}
    </>
  );
}

function RatingEditor({ code, criteria: codes }: { code: string; criteria: string[] }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const qc = useQueryClient();
  const criteria = useCriteria();
  const formRef = useRef<HTMLFormElement>(null);
  const [answers, setAnswers] = useState<Record<string, boolean>>({});
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    for (const c of codes) if (answers[c] === undefined) errs[c] = t('feedback.rating.chooseOne');
    setErrors(errs);
    if (Object.keys(errs).length) {
      setFormError(t('feedback.rating.missing'));
      window.setTimeout(() => formRef.current?.querySelector<HTMLElement>('fieldset[data-invalid] input')?.focus(), 0);
      return;
    }
    setFormError(null);
    setBusy(true);
    try {
      const body: { answers: Answer[]; comment?: string } = { answers: codes.map((c) => ({ criterion: c, satisfied: answers[c]! })) };
      if (comment.trim()) body.comment = comment.trim();
      await feedbackApi.rate(code, body);
      await qc.invalidateQueries({ queryKey: ['dossier', code, 'rating'] });
    } catch (err) {
      setFormError(feedbackErrorText(t, err));
      // someone (the kiosk, another tab) rated it meanwhile: show that rating
      void qc.invalidateQueries({ queryKey: ['dossier', code, 'rating'] });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form ref={formRef} className="form-stack" onSubmit={(e) => void submit(e)} noValidate aria-describedby={`${id}-intro`}>
      <p id={`${id}-intro`}>{t('feedback.rating.intro')}</p>
      <FormAlert message={formError} />
      {codes.map((c) => {
        const text = criterionText(i18n.language, criteria.data?.criteria, c);
        const err = errors[c];
        const describedBy = [err ? `${id}-${c}-err` : '', text.description ? `${id}-${c}-desc` : ''].filter(Boolean).join(' ') || undefined;
        return (
          <fieldset key={c} className="choice rating-criterion" data-invalid={err ? '' : undefined} aria-describedby={describedBy}>
            <legend className="label">
              {text.name}
              <RequiredMark />
            </legend>
            {text.description && (
              <p id={`${id}-${c}-desc`} className="hint">
                {text.description}
              </p>
            )}
            {err && (
              <p id={`${id}-${c}-err`} className="field-error">
                {err}
              </p>
            )}
            <div className="rating-options">
              {[true, false].map((v) => (
                <label key={String(v)} className="radio">
                  <input type="radio" name={`${id}-${c}`} value={v ? 'yes' : 'no'} checked={answers[c] === v} onChange={() => setAnswers((o) => ({ ...o, [c]: v }))} />
                  {v ? t('feedback.rating.satisfied') : t('feedback.rating.dissatisfied')}
                </label>
              ))}
            </div>
          </fieldset>
        );
      })}
      <TextAreaField label={t('feedback.rating.comment')} hint={t('feedback.rating.commentHint', { n: MAX_COMMENT })} value={comment} onChange={setComment} optional maxLength={MAX_COMMENT} rows={3} />
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? t('form.sending') : t('feedback.rating.submit')}
        </button>
      </div>
    </form>
  );
}
