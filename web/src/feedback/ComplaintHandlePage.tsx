// Handling one complaint (unit heads, agency leaders): what it is about, the complainant's contact
// (personal data: the server logs this read), the text as typed (rendered as text), its history,
// and the actions its status allows — accept, refuse with a reason (within 2 working days), answer
// publicly or privately (within 15), transfer to another agency — each confirmed before it is
// sent, refusals said in words.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { AgencyPicker, type PickedAgency } from '../admin/AgencyPicker.js';
import { NotFoundPage } from '../portal/NotFoundPage.js';
import { ActionButtons } from '../ui/ActionButtons.js';
import { FormAlert, TextAreaField } from '../ui/form.js';
import { formatSize, formatVnDateTime } from '../ui/format.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading, isNotFound } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { feedbackApi, feedbackLinks, type ComplaintAction, type ComplaintActionName, type WorkComplaint } from './api.js';
import { ComplaintAnswerSection, ComplaintDueBadge, ComplaintStatusBadge, feedbackErrorText, PlainText } from './parts.js';

const ORDER: ComplaintActionName[] = ['accept', 'answer', 'refuse', 'transfer'];
const MIN_TEXT = 3;

export default function ComplaintHandlePage() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  usePageTitle(t('feedback.handle.title', { code }));
  return <RequireAuth>{() => <Loader code={code} />}</RequireAuth>;
}

function Loader({ code }: { code: string }) {
  const q = useQuery({ queryKey: ['work', 'complaint', code], queryFn: ({ signal }) => feedbackApi.workComplaint(code, signal), staleTime: 0, retry: false });
  if (q.isPending) return <Loading />;
  if (q.isError) {
    if (isNotFound(q.error)) return <NotFoundPage />;
    return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  }
  return <Handle c={q.data} />;
}

/** The actions the server lists for this officer on this complaint (it stays the judge). */
function allowedActions(c: WorkComplaint): ComplaintActionName[] {
  return ORDER.filter((a) => c.actions.includes(a));
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Handle({ c }: { c: WorkComplaint }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [message, setMessage] = useState<string | null>(null);
  const actionsHeading = useRef<HTMLHeadingElement>(null);
  const actions = allowedActions(c);

  async function done(msg: string) {
    setMessage(msg);
    actionsHeading.current?.focus();
    await qc.invalidateQueries({ queryKey: ['work'] });
  }

  return (
    <>
      <p>
        <Link to="/can-bo/phan-anh">{t('feedback.handle.back')}</Link>
      </p>
      <h1 className="break">{t('feedback.handle.title', { code: c.code })}</h1>
      <dl className="summary">
        <Row label={t('feedback.status.state')}>
          <span className="badges">
            <ComplaintStatusBadge status={c.status} />
            <ComplaintDueBadge late={!!c.late} status={c.status} acceptDueAt={c.acceptDueAt} answerDueAt={c.answerDueAt} />
          </span>
        </Row>
        <Row label={t('feedback.form.kind')}>{t(`feedback.kind.${c.kind}`, { defaultValue: c.kind })}</Row>
        <Row label={t('feedback.form.subject')}>{t(`feedback.subject.${c.subject}`, { defaultValue: c.subject })}</Row>
        <Row label={t('feedback.form.category')}>{t(`feedback.category.${c.category}`, { defaultValue: c.category })}</Row>
        {c.procedure && <Row label={t('dossier.procedure')}>{`${c.procedure.name} — ${c.procedure.code}`}</Row>}
        {c.dossierCode && (
          <Row label={t('dossier.code')}>
            <Link to={`/can-bo/xu-ly/${encodeURIComponent(c.dossierCode)}`} className="break">
              {c.dossierCode}
            </Link>
          </Row>
        )}
        {c.officerName && <Row label={t('feedback.form.officerName')}>{c.officerName}</Row>}
        <Row label={t('feedback.filed.agency')}>{c.agency.name}</Row>
        <Row label={t('feedback.status.filedAt')}>{formatVnDateTime(c.filedAt)}</Row>
        <Row label={t('feedback.filed.acceptDue')}>{formatVnDateTime(c.acceptDueAt)}</Row>
        <Row label={t('feedback.filed.answerDue')}>{formatVnDateTime(c.answerDueAt)}</Row>
        <Row label={t('feedback.handle.consent')}>{c.publicRequested ? t('feedback.handle.consentYes') : t('feedback.handle.consentNo')}</Row>
        {c.refusalReason && <Row label={t('feedback.handle.refuseReason')}>{c.refusalReason}</Row>}
      </dl>

      <section aria-labelledby="sec-complainant" className="card section">
        <h2 id="sec-complainant">{t('feedback.form.complainant')}</h2>
        <p className="hint">{t('feedback.handle.personalData')}</p>
        <dl className="summary">
          <Row label={t('form.fullName')}>{c.complainant.name}</Row>
          <Row label={t('form.email')}>{c.complainant.email ? <a href={`mailto:${c.complainant.email}`}>{c.complainant.email}</a> : '—'}</Row>
          <Row label={t('form.phone')}>{c.complainant.phone ? <a href={`tel:${c.complainant.phone.replace(/[^0-9+]/g, '')}`}>{c.complainant.phone}</a> : '—'}</Row>
        </dl>
      </section>

      <section aria-labelledby="sec-content" className="card section">
        <h2 id="sec-content" className="break">
          {c.title}
        </h2>
        <PlainText text={c.body} />
        {c.attachments && c.attachments.length > 0 && (
          <>
            <h3>{t('feedback.form.attachments')}</h3>
            <ul className="link-list">
              {c.attachments.map((a) => (
                <li key={a.id} className="break">
                  <a href={feedbackLinks.attachment(c.code, a.id)} download>
                    {t('feedback.handle.download', { name: a.filename })}
                  </a>
                  <span className="muted"> ({formatSize(i18n.language, a.size)})</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      {c.answer && (
        <ComplaintAnswerSection answer={c.answer}>
          {c.rating && (
            <p>
              {t('feedback.handle.ratedByComplainant')}{' '}
              <span className={`badge badge-rating-${c.rating.satisfied ? 'yes' : 'no'}`}>{c.rating.satisfied ? t('feedback.rating.satisfied') : t('feedback.rating.dissatisfied')}</span>
            </p>
          )}
        </ComplaintAnswerSection>
      )}

      <section aria-labelledby="sec-actions" className="card section">
        <h2 id="sec-actions" ref={actionsHeading} tabIndex={-1}>
          {t('feedback.handle.actions')}
        </h2>
        <div role="status">{message && <p className="success">{message}</p>}</div>
        {actions.length === 0 ? <p className="muted">{t('feedback.handle.noActions')}</p> : <Actions c={c} actions={actions} onDone={(m) => void done(m)} />}
      </section>

      <section aria-labelledby="sec-history" className="card section">
        <h2 id="sec-history">{t('feedback.status.history')}</h2>
        <ol className="timeline">
          {c.history.map((h, i) => (
            <li key={i}>
              <p className="timeline-head">
                <strong>{t(`feedback.event.${h.type}`, { defaultValue: h.type })}</strong> — {formatVnDateTime(h.at)}
                {(h.actorName || h.agency) && <span className="cell-note">{[h.actorName, h.agency?.name].filter(Boolean).join(' — ')}</span>}
              </p>
              {h.note && <PlainText text={h.note} />}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

function Actions({ c, actions, onDone }: { c: WorkComplaint; actions: ComplaintActionName[]; onDone: (m: string) => void }) {
  const { t } = useTranslation();
  return (
    <ActionButtons actions={actions} label={t('feedback.handle.actions')} actionLabel={(a) => t(`feedback.action.${a}`)}>
      {({ action, id, cancel, finish }) => (
        <ActionForm
          id={id}
          action={action}
          c={c}
          onCancel={cancel}
          onDone={(m) => {
            finish();
            onDone(m);
          }}
        />
      )}
    </ActionButtons>
  );
}

function ActionForm({ id, action, c, onCancel, onDone }: { id: string; action: ComplaintActionName; c: WorkComplaint; onCancel: () => void; onDone: (m: string) => void }) {
  const { t } = useTranslation();
  const formRef = useRef<HTMLFormElement>(null);
  const confirmRef = useRef<HTMLParagraphElement>(null);
  const [text, setText] = useState('');
  const [agency, setAgency] = useState<PickedAgency | null>(null);
  const [isPublic, setIsPublic] = useState(c.publicRequested);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<ComplaintAction | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('input:not([type="hidden"]), textarea, button')?.focus();
  }, []);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  /** The action to confirm, or the errors of its fields. */
  function build(): { ok: ComplaintAction } | { errors: Record<string, string> } {
    const e: Record<string, string> = {};
    const done = (ok: ComplaintAction) => (Object.keys(e).length ? { errors: e } : { ok });
    switch (action) {
      case 'accept':
        return done({ action });
      case 'refuse':
        if (text.trim().length < MIN_TEXT) e.reason = t('desk.reasonTooShort');
        return done({ action, reason: text.trim() });
      case 'answer':
        if (text.trim().length < MIN_TEXT) e.answer = t('work.textTooShort');
        return done({ action, answer: text.trim(), public: c.publicRequested ? isPublic : false });
      case 'transfer':
        if (!agency) e.agencyCode = t('work.chooseAgency');
        else if (agency.code === c.agency.code) e.agencyCode = t('feedback.handle.sameAgency');
        if (text.trim().length < MIN_TEXT) e.reason = t('desk.reasonTooShort');
        return done({ action, agencyCode: agency?.code ?? '', reason: text.trim() });
    }
  }

  function review(ev: FormEvent) {
    ev.preventDefault();
    const built = build();
    if ('errors' in built) {
      setErrors(built.errors);
      setFormError(t('form.checkFields'));
      window.setTimeout(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
      return;
    }
    setErrors({});
    setFormError(null);
    setConfirming(built.ok);
  }

  async function send() {
    if (!confirming) return;
    setBusy(true);
    try {
      await feedbackApi.workComplaintAct(c.code, confirming);
      onDone(t(`feedback.done.${action}`));
    } catch (err) {
      setConfirming(null);
      setFormError(feedbackErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  const f = (n: string) => `${id}-${n}`;
  return (
    <form id={id} ref={formRef} className="form-stack subform" onSubmit={review} noValidate aria-labelledby={f('h')}>
      <h3 id={f('h')}>{t(`feedback.action.${action}`)}</h3>
      <p className="hint">{t(`feedback.actionHint.${action}`)}</p>
      <FormAlert message={formError} />
      {action === 'refuse' && <TextAreaField id={f('reason')} label={t('feedback.handle.refuseReason')} value={text} onChange={setText} error={errors.reason} maxLength={2000} rows={3} />}
      {action === 'answer' && (
        <>
          <TextAreaField id={f('answer')} label={t('feedback.handle.answer')} value={text} onChange={setText} error={errors.answer} maxLength={5000} rows={6} />
          <div className="checkbox">
            <input id={f('public')} type="checkbox" checked={c.publicRequested ? isPublic : false} disabled={!c.publicRequested} onChange={(e) => setIsPublic(e.target.checked)} aria-describedby={f('public-hint')} />
            <label htmlFor={f('public')}>
              {t('feedback.handle.publish')}
              <span id={f('public-hint')} className="hint block">
                {c.publicRequested ? t('feedback.handle.publishHint') : t('feedback.handle.publishNoConsent')}
              </span>
            </label>
          </div>
        </>
      )}
      {action === 'transfer' && (
        <>
          <AgencyPicker name="agencyCode" label={t('feedback.handle.transferTo')} value={agency} onChange={setAgency} error={errors.agencyCode} />
          <TextAreaField id={f('reason')} label={t('work.reason')} value={text} onChange={setText} error={errors.reason} maxLength={2000} rows={3} />
        </>
      )}
      {confirming ? (
        <div className="confirm" role="group" aria-labelledby={f('confirm')}>
          <p id={f('confirm')} ref={confirmRef} tabIndex={-1}>
            <strong>{t(`feedback.confirm.${action}`, { code: c.code, agency: agency?.name ?? '' })}</strong>
          </p>
          <button type="button" className={action === 'refuse' ? 'button button-danger' : 'button'} disabled={busy} onClick={() => void send()}>
            {busy ? t('form.sending') : t('feedback.handle.confirmYes')}
          </button>
          <button type="button" className="button button-secondary" onClick={() => setConfirming(null)}>
            {t('feedback.handle.confirmBack')}
          </button>
        </div>
      ) : (
        <div className="form-actions">
          <button type="submit" className="button">
            {t(`feedback.submit.${action}`)}
          </button>
          <button type="button" className="button button-secondary" onClick={onCancel}>
            {t('form.cancel')}
          </button>
        </div>
      )}
    </form>
  );
}
