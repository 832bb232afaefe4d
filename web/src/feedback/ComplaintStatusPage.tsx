// A complaint's page. With its access key (?key=, given when it was filed): the complainant's
// view — where it stands, the due dates, its history, the answer, and rating the answer once.
// Without a key: the published answer when there is one, else a form asking for the key.
// Every text the public typed is rendered as text.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FormAlert, TextAreaField } from '../ui/form.js';
import { formatSize, formatVnDateTime } from '../ui/format.js';
import { ErrorMessage, Loading, isNotFound } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { RequiredMark } from '../ui/SchemaForm.js';
import { feedbackApi, type ComplaintView, type PublicComplaint } from './api.js';
import { ComplaintAnswerSection, ComplaintStatusBadge, feedbackErrorText, MetaEntry, PlainText, reasonOf } from './parts.js';

const KEY = /^[2-9A-Za-z]{16}$/;

export default function ComplaintStatusPage() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  const [sp] = useSearchParams();
  const key = sp.get('key') ?? '';
  usePageTitle(t('feedback.status.title', { code }));
  return (
    <>
      <p>
        <Link to="/phan-anh-kien-nghi">{t('feedback.public.back')}</Link>
      </p>
      {key ? <WithKey code={code} accessKey={key} /> : <WithoutKey code={code} />}
    </>
  );
}

function KeyForm({ code, wrong }: { code: string; wrong?: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const [, setSp] = useSearchParams();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  function submit(e: FormEvent) {
    e.preventDefault();
    const k = value.trim();
    if (!KEY.test(k)) {
      setError(k ? t('feedback.status.keyInvalid') : t('form.required'));
      document.getElementById(`${id}-key`)?.focus();
      return;
    }
    setSp({ key: k });
  }
  return (
    <section aria-labelledby={`${id}-h`} className="card section narrow">
      <h2 id={`${id}-h`}>{t('feedback.status.keyTitle')}</h2>
      <FormAlert message={wrong ? t('feedback.status.wrongKey', { code }) : null} />
      <form className="form-stack" onSubmit={submit} noValidate>
        <div className="form-group">
          <label htmlFor={`${id}-key`} className="label">
            {t('feedback.filed.accessKey')}
            <RequiredMark />
          </label>
          <p id={`${id}-hint`} className="hint">
            {t('feedback.status.keyHint')}
          </p>
          {error && (
            <p id={`${id}-err`} className="field-error">
              {error}
            </p>
          )}
          <input
            id={`${id}-key`}
            type="text"
            autoComplete="off"
            spellCheck={false}
            required
            maxLength={16}
            value={value}
            aria-invalid={error ? true : undefined}
            aria-describedby={[error ? `${id}-err` : '', `${id}-hint`].filter(Boolean).join(' ')}
            onChange={(e) => setValue(e.target.value)}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="button">
            {t('feedback.status.open')}
          </button>
        </div>
      </form>
    </section>
  );
}

function WithoutKey({ code }: { code: string }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['complaint-public', code], queryFn: ({ signal }) => feedbackApi.publicComplaint(code, signal), retry: false });
  return (
    <>
      <h1 className="break">{t('feedback.status.title', { code })}</h1>
      {q.isPending ? <Loading /> : q.isError ? isNotFound(q.error) ? null : <ErrorMessage error={q.error} onRetry={() => void q.refetch()} /> : <PublicAnswer c={q.data} />}
      {!q.isPending && !q.data && <KeyForm code={code} />}
    </>
  );
}

/** A published complaint and its answer (no complainant data). */
export function PublicAnswer({ c }: { c: PublicComplaint }) {
  const { t } = useTranslation();
  return (
    <article className="card section" aria-labelledby="pub-title">
      <h2 id="pub-title" className="break">
        {c.title}
      </h2>
      <dl className="meta">
        {c.kind && <MetaEntry term={t('feedback.form.kind')}>{t(`feedback.kind.${c.kind}`)}</MetaEntry>}
        {c.category && <MetaEntry term={t('feedback.form.category')}>{t(`feedback.category.${c.category}`, { defaultValue: c.category })}</MetaEntry>}
        {c.agency && <MetaEntry term={t('feedback.filed.agency')}>{c.agency.name}</MetaEntry>}
        {c.procedure && <MetaEntry term={t('dossier.procedure')}>{c.procedure.name}</MetaEntry>}
        {c.filedAt && <MetaEntry term={t('feedback.status.filedAt')}>{formatVnDateTime(c.filedAt)}</MetaEntry>}
      </dl>
      {c.body && <PlainText text={c.body} />}
      {c.answer && (
        <div className="complaint-answer">
          <h3>{t('feedback.status.answer', { date: formatVnDateTime(c.answer.at) })}</h3>
          <PlainText text={c.answer.text} />
        </div>
      )}
    </article>
  );
}

function WithKey({ code, accessKey }: { code: string; accessKey: string }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['complaint', code, accessKey], queryFn: ({ signal }) => feedbackApi.complaint(code, accessKey, signal), retry: false, staleTime: 0 });
  if (q.isPending) return <Loading />;
  if (q.isError) {
    if (isNotFound(q.error)) {
      return (
        <>
          <h1 className="break">{t('feedback.status.title', { code })}</h1>
          <KeyForm code={code} wrong />
        </>
      );
    }
    return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  }
  return <Complainant c={q.data} accessKey={accessKey} />;
}

function Complainant({ c, accessKey }: { c: ComplaintView; accessKey: string }) {
  const { t, i18n } = useTranslation();
  return (
    <>
      <h1 className="break">{t('feedback.status.title', { code: c.code })}</h1>
      <dl className="summary">
        <div>
          <dt>{t('feedback.status.state')}</dt>
          <dd>
            <ComplaintStatusBadge status={c.status} />
          </dd>
        </div>
        <div>
          <dt>{t('feedback.form.kind')}</dt>
          <dd>{t(`feedback.kind.${c.kind}`, { defaultValue: c.kind })}</dd>
        </div>
        <div>
          <dt>{t('feedback.form.subject')}</dt>
          <dd>{t(`feedback.subject.${c.subject}`, { defaultValue: c.subject })}</dd>
        </div>
        <div>
          <dt>{t('feedback.form.category')}</dt>
          <dd>{t(`feedback.category.${c.category}`, { defaultValue: c.category })}</dd>
        </div>
        <div>
          <dt>{t('feedback.filed.agency')}</dt>
          <dd>{c.agency.name}</dd>
        </div>
        <div>
          <dt>{t('feedback.status.filedAt')}</dt>
          <dd>{formatVnDateTime(c.filedAt)}</dd>
        </div>
        <div>
          <dt>{t('feedback.filed.acceptDue')}</dt>
          <dd>{formatVnDateTime(c.acceptDueAt)}</dd>
        </div>
        <div>
          <dt>{t('feedback.filed.answerDue')}</dt>
          <dd>{formatVnDateTime(c.answerDueAt)}</dd>
        </div>
      </dl>

      <section aria-labelledby="sec-content" className="card section">
        <h2 id="sec-content" className="break">
          {c.title}
        </h2>
        <PlainText text={c.body} />
        {c.attachments.length > 0 && (
          <>
            <h3>{t('feedback.form.attachments')}</h3>
            <ul className="plain attachment-list">
              {c.attachments.map((a) => (
                <li key={a.id} className="break">
                  {a.filename} <span className="muted">({formatSize(i18n.language, a.size)})</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      {c.answer && (
        <ComplaintAnswerSection answer={c.answer} />
      )}

      {(c.canRate || c.rating) && <AnswerRating c={c} accessKey={accessKey} />}

      <section aria-labelledby="sec-history" className="card section">
        <h2 id="sec-history">{t('feedback.status.history')}</h2>
        <ol className="timeline">
          {c.history.map((h, i) => (
            <li key={i}>
              <p className="timeline-head">
                <strong>{t(`feedback.event.${h.type}`, { defaultValue: h.type })}</strong> — {formatVnDateTime(h.at)}
              </p>
              {h.note && <PlainText text={h.note} />}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

function AnswerRating({ c, accessKey }: { c: ComplaintView; accessKey: string }) {
  const { t } = useTranslation();
  const id = useId();
  const qc = useQueryClient();
  const [value, setValue] = useState<boolean | null>(null);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const done = useRef<HTMLParagraphElement>(null);
  const had = useRef(!!c.rating);
  useEffect(() => {
    if (c.rating && !had.current) done.current?.focus();
  }, [c.rating]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (value === null) {
      setError(t('feedback.rating.chooseOne'));
      document.querySelector<HTMLInputElement>(`input[name="${CSS.escape(id)}"]`)?.focus();
      return;
    }
    setError(null);
    setFormError(null);
    setBusy(true);
    try {
      await feedbackApi.rateAnswer(c.code, accessKey, { satisfied: value, ...(comment.trim() ? { comment: comment.trim() } : {}) });
      await qc.invalidateQueries({ queryKey: ['complaint', c.code, accessKey] });
    } catch (err) {
      setFormError(reasonOf(err) === 'already_rated' ? t('feedback.errors.already_rated_answer') : feedbackErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="sec-rate-answer" className="card section">
      <h2 id="sec-rate-answer">{t('feedback.status.rateTitle')}</h2>
      {c.rating ? (
        <>
          <p ref={done} tabIndex={-1}>
            {t('feedback.status.rated', { date: formatVnDateTime(c.rating.at) })}{' '}
            <span className={`badge badge-rating-${c.rating.satisfied ? 'yes' : 'no'}`}>{c.rating.satisfied ? t('feedback.rating.satisfied') : t('feedback.rating.dissatisfied')}</span>
          </p>
          {c.rating.comment && <PlainText text={c.rating.comment} />}
        </>
      ) : (
        <form className="form-stack" onSubmit={(e) => void submit(e)} noValidate>
          <FormAlert message={formError} />
          <fieldset className="choice" aria-describedby={error ? `${id}-err` : undefined}>
            <legend className="label">
              {t('feedback.status.rateQuestion')}
              <RequiredMark />
            </legend>
            {error && (
              <p id={`${id}-err`} className="field-error">
                {error}
              </p>
            )}
            {[true, false].map((v) => (
              <label key={String(v)} className="radio">
                <input type="radio" name={id} checked={value === v} onChange={() => setValue(v)} />
                {v ? t('feedback.rating.satisfied') : t('feedback.rating.dissatisfied')}
              </label>
            ))}
          </fieldset>
          <TextAreaField label={t('feedback.rating.comment')} value={comment} onChange={setComment} optional maxLength={1000} rows={3} />
          <div className="form-actions">
            <button type="submit" className="button" disabled={busy}>
              {busy ? t('form.sending') : t('feedback.status.rateSubmit')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
