// The applicant's view of a dossier: status and dates, the look-up code and QR, the
// timeline, documents and forms; answering a supplement request; withdrawing.
import { useId, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, links } from '../api/client.js';
import { OPEN_STATUSES, type DossierDetail } from '../api/types.js';
import { FormAlert, apiErrorText } from '../ui/form.js';
import { FormDataView, RequiredMark } from '../ui/SchemaForm.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading, isNotFound } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { NotFoundPage } from '../portal/NotFoundPage.js';
import { DocumentsTable, DossierFacts, FormLinks, Timeline, UploadControl, type UploadedFile } from './parts.js';
import { ApologyNotice, ControlSlipLink, ResultSection } from './outcome.js';
import { GroupMembersSection } from './GroupMembers.js';
import { RatingForm } from '../feedback/RatingForm.js';
import { DossierReuseSection } from '../datastore/DossierReuse.js';

export default function DossierPage() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  usePageTitle(t('dossier.title', { code }));
  return <RequireAuth>{() => <DossierLoader code={code} />}</RequireAuth>;
}

export function useDossier(code: string) {
  return useQuery({ queryKey: ['dossier', code], queryFn: ({ signal }) => api.dossier(code, signal), staleTime: 0 });
}

export function useProcedureOf(d: DossierDetail | undefined) {
  return useQuery({
    queryKey: ['procedure', d?.procedureCode ?? '', null],
    queryFn: ({ signal }) => api.procedure(d!.procedureCode, undefined, signal),
    enabled: !!d,
  });
}

function DossierLoader({ code }: { code: string }) {
  const q = useDossier(code);
  if (q.isPending) return <Loading />;
  if (q.isError) {
    if (isNotFound(q.error)) return <NotFoundPage />;
    return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  }
  return <DossierView d={q.data} />;
}

function DossierView({ d }: { d: DossierDetail }) {
  const { t } = useTranslation();
  const procedure = useProcedureOf(d);
  return (
    <>
      <p>
        <Link to="/ho-so">{t('myDossiers.back')}</Link>
      </p>
      <h1 className="break">{t('dossier.title', { code: d.code })}</h1>
      <div className="dossier-top">
        <DossierFacts d={d}>
          <div>
            <dt>{t('dossier.checkValue')}</dt>
            <dd>
              <strong className="check-value">{d.checkValue}</strong>
            </dd>
          </div>
        </DossierFacts>
        <figure className="qr">
          <img src={links.qr(d.code, d.checkValue)} width={160} height={160} alt={t('dossier.qrAlt', { code: d.code })} />
          <figcaption className="hint">
            {t('dossier.qrCaption')}{' '}
            <Link to={`/tra-cuu?ma=${encodeURIComponent(d.code)}&kiem-tra=${encodeURIComponent(d.checkValue)}`}>{t('lookup.title')}</Link>
          </figcaption>
        </figure>
      </div>

      {(d.status === 'supplement_requested' || d.status === 'processing_supplement') && d.openSupplement && <SupplementSection d={d} />}
      <ResultSection d={d} />
      <GroupMembersSection d={d} />
      <ApologyNotice d={d} />
      {(d.status === 'returned' || d.status === 'refused') && <RatingForm code={d.code} />}

      <section aria-labelledby="sec-forms" className="card section">
        <h2 id="sec-forms">{t('dossier.forms')}</h2>
        <FormLinks d={d} />
        <ControlSlipLink d={d} />
        {!d.events.some((e) => e.type === 'received' || e.type === 'supplement_requested' || e.type === 'refused') && <p>{t('dossier.noForms')}</p>}
      </section>

      <section aria-labelledby="sec-timeline" className="card section">
        <h2 id="sec-timeline">{t('dossier.timeline')}</h2>
        <Timeline d={d} />
      </section>

      <section aria-labelledby="sec-docs" className="card section">
        <h2 id="sec-docs">{t('procedure.documents')}</h2>
        <DocumentsTable d={d} />
      </section>
      <DossierReuseSection d={d} />

      <section aria-labelledby="sec-form" className="card section">
        <h2 id="sec-form">{t('procedure.form')}</h2>
        <FormDataView schema={procedure.data?.formSchema} data={d.form} />
      </section>

      {OPEN_STATUSES.includes(d.status) && <WithdrawSection d={d} />}
    </>
  );
}

function SupplementSection({ d }: { d: DossierDetail }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [files, setFiles] = useState<Record<string, UploadedFile | null>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const items = d.openSupplement ?? [];

  async function send() {
    const errs: Record<string, string> = {};
    for (const i of items) if (!files[i.requirement]) errs[i.requirement] = t('submit.documentRequired');
    setErrors(errs);
    if (Object.keys(errs).length) {
      setFormError(t('submit.documentsMissing'));
      return;
    }
    setBusy(true);
    setFormError(null);
    try {
      await api.supplement(
        d.code,
        items.map((i) => ({ requirement: i.requirement, upload: files[i.requirement]!.id })),
      );
      await qc.invalidateQueries({ queryKey: ['dossier', d.code] });
      void qc.invalidateQueries({ queryKey: ['my-dossiers'] });
    } catch (err) {
      setFormError(apiErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="sec-supp" className="card section alert-warning">
      <h2 id="sec-supp">{t('dossier.supplementTitle')}</h2>
      <p>{t('dossier.supplementIntro')}</p>
      <FormAlert message={formError} />
      {items.map((i) => (
        <div key={i.requirement} className="supplement-item">
          <UploadControl
            label={i.name}
            note={t('dossier.supplementReason', { reason: i.reason })}
            required
            value={files[i.requirement] ?? null}
            error={errors[i.requirement]}
            onChange={(u) => setFiles((o) => ({ ...o, [i.requirement]: u }))}
          />
        </div>
      ))}
      <div className="form-actions">
        <button type="button" className="button" disabled={busy} onClick={() => void send()}>
          {busy ? t('form.sending') : t('dossier.sendSupplement')}
        </button>
      </div>
    </section>
  );
}

function WithdrawSection({ d }: { d: DossierDetail }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function confirm() {
    if (reason.trim().length < 3) {
      setError(t('desk.reasonTooShort'));
      document.getElementById(`${id}-reason`)?.focus();
      return;
    }
    setError(null);
    setBusy(true);
    try {
      await api.withdraw(d.code, reason.trim());
      setOpen(false);
      await qc.invalidateQueries({ queryKey: ['dossier', d.code] });
      void qc.invalidateQueries({ queryKey: ['my-dossiers'] });
    } catch (err) {
      setFormError(apiErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="sec-withdraw" className="card section">
      <h2 id="sec-withdraw">{t('dossier.withdrawTitle')}</h2>
      <p>{t('dossier.withdrawIntro')}</p>
      <FormAlert message={formError} />
      {open ? (
        <div className="form-stack">
          <div className="form-group">
            <label htmlFor={`${id}-reason`} className="label">
              {t('dossier.withdrawReason')}
              <RequiredMark />
            </label>
            {error && (
              <p id={`${id}-err`} className="field-error">
                {error}
              </p>
            )}
            <textarea
              id={`${id}-reason`}
              rows={3}
              required
              maxLength={1000}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-err` : undefined}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
          <div className="confirm" role="group" aria-label={t('dossier.withdrawTitle')}>
            <span>{t('dossier.withdrawConfirm')}</span>
            <button type="button" className="button button-danger" disabled={busy} onClick={() => void confirm()}>
              {t('dossier.withdrawYes')}
            </button>
            <button type="button" className="button button-secondary" onClick={() => setOpen(false)}>
              {t('form.cancel')}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="button button-secondary" onClick={() => setOpen(true)}>
          {t('dossier.withdraw')}
        </button>
      )}
    </section>
  );
}
