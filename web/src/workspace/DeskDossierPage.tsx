// The desk officer's view of a dossier and the three outcomes of checking it:
// receive (receipt, due date), request a supplement (required documents, a reason each),
// refuse (reasons).
import { useId, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { DossierDetail, RequiredDocument } from '../api/types.js';
import { FormAlert, apiErrorText } from '../ui/form.js';
import { RequiredMark } from '../ui/SchemaForm.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading, isNotFound } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { NotFoundPage } from '../portal/NotFoundPage.js';
import { useDossier, useProcedureOf } from '../dossiers/DossierPage.js';
import { DossierFacts, DossierSections, FormLinks, SupplementChecklist, checklistItems, reasonLines, type Checklist } from '../dossiers/parts.js';
import { reuseErrorText, reusedRequirements } from '../datastore/api.js';
import { DossierReuseSection, ReusedNotOffered } from '../datastore/DossierReuse.js';

export default function DeskDossierPage() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  usePageTitle(t('dossier.title', { code }));
  return <RequireAuth>{() => <Loader code={code} />}</RequireAuth>;
}

function Loader({ code }: { code: string }) {
  const q = useDossier(code);
  if (q.isPending) return <Loading />;
  if (q.isError) {
    if (isNotFound(q.error)) return <NotFoundPage />;
    return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  }
  return <DeskDossier d={q.data} />;
}

function DeskDossier({ d }: { d: DossierDetail }) {
  const { t } = useTranslation();
  const procedure = useProcedureOf(d);
  const [done, setDone] = useState<string | null>(null);
  return (
    <>
      <p>
        <Link to="/can-bo">{t('desk.back')}</Link>
      </p>
      <h1 className="break">{t('dossier.title', { code: d.code })}</h1>
      <div role="status">
        {done && <p className="success">{done === 'received' ? t('desk.received') : t('desk.decided', { status: t(`dossierStatus.${done}`, { defaultValue: done }) })}</p>}
      </div>
      <DossierFacts d={d} />
      {d.status === 'submitted' && procedure.data && <Decision d={d} documents={procedure.data.documents} onDone={setDone} />}
      {(d.status === 'supplement_requested' || d.status === 'processing_supplement') && d.openSupplement && <SupplementAtDesk d={d} items={d.openSupplement} onDone={setDone} />}
      <section aria-labelledby="sec-forms" className="card section">
        <h2 id="sec-forms">{t('dossier.forms')}</h2>
        <FormLinks d={d} />
        {!d.events.some((e) => e.type === 'received' || e.type === 'supplement_requested' || e.type === 'refused') && <p>{t('dossier.noForms')}</p>}
      </section>
      <DossierReuseSection d={d} officer desk />
      <DossierSections d={d} formSchema={procedure.data?.formSchema} />
    </>
  );
}

/** The applicant brings the requested papers to the desk (paper dossiers, or applicants without an account). */
function SupplementAtDesk({ d, items, onDone }: { d: DossierDetail; items: NonNullable<DossierDetail['openSupplement']>; onDone: (status: string) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function record() {
    setBusy(true);
    setError(null);
    try {
      const r = await api.deskSupplement(d.code, items.map((i) => i.requirement));
      onDone(r.status);
      void qc.invalidateQueries({ queryKey: ['desk-dossiers'] });
      await qc.invalidateQueries({ queryKey: ['dossier', d.code] });
    } catch (err) {
      setError(apiErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section aria-labelledby="sec-supplement-desk" className="card section">
      <h2 id="sec-supplement-desk">{t('desk.supplementAtDesk')}</h2>
      <ul>
        {items.map((i) => (
          <li key={i.requirement}>
            {i.name} — <span className="muted">{i.reason}</span>
          </li>
        ))}
      </ul>
      {error && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}
      <button type="button" className="button" disabled={busy} onClick={() => void record()}>
        {t('desk.supplementAtDeskButton')}
      </button>
    </section>
  );
}

type Mode = 'none' | 'supplement' | 'refuse';

function Decision({ d, documents, onDone }: { d: DossierDetail; documents: RequiredDocument[]; onDone: (status: string) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const id = useId();
  const [mode, setMode] = useState<Mode>('none');
  const [checklist, setChecklist] = useState<Checklist>({});
  const [checkErrors, setCheckErrors] = useState<Record<string, string>>({});
  const [reasons, setReasons] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Documents provided from data the state already holds may not be asked for again.
  const reused = reusedRequirements(d);
  const askable = documents.filter((x) => !reused.has(x.code));
  const notOffered = documents.filter((x) => reused.has(x.code)).map((x) => x.name);

  async function decide(decision: Parameters<typeof api.decide>[1]) {
    setBusy(true);
    setFormError(null);
    try {
      const r = await api.decide(d.code, decision);
      onDone(r.status);
      void qc.invalidateQueries({ queryKey: ['desk-dossiers'] });
      await qc.invalidateQueries({ queryKey: ['dossier', d.code] });
    } catch (err) {
      setFormError(reuseErrorText(t, err) ?? apiErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  function sendSupplement() {
    const { items, errors } = checklistItems(t, checklist);
    setCheckErrors(errors);
    if (Object.keys(errors).length) {
      setFormError(t('form.checkFields'));
      return;
    }
    void decide({ outcome: 'supplement', items });
  }

  function sendRefusal() {
    const lines = reasonLines(reasons);
    if (lines.length === 0 || lines.some((l) => l.length < 3)) {
      setReasonError(t('desk.reasonTooShort'));
      document.getElementById(`${id}-reasons`)?.focus();
      return;
    }
    setReasonError(null);
    void decide({ outcome: 'refuse', reasons: lines });
  }

  return (
    <section aria-labelledby="sec-decision" className="card section">
      <h2 id="sec-decision">{t('desk.decision')}</h2>
      <p>{t('desk.decisionIntro')}</p>
      <FormAlert message={formError} />
      <div className="form-actions">
        <button type="button" className="button" disabled={busy} onClick={() => void decide({ outcome: 'receive' })}>
          {t('desk.receive')}
        </button>
        <button type="button" className="button button-secondary" aria-expanded={mode === 'supplement'} onClick={() => setMode(mode === 'supplement' ? 'none' : 'supplement')}>
          {t('desk.supplement')}
        </button>
        <button type="button" className="button button-secondary" aria-expanded={mode === 'refuse'} onClick={() => setMode(mode === 'refuse' ? 'none' : 'refuse')}>
          {t('desk.refuse')}
        </button>
      </div>
      {mode === 'supplement' && (
        <div className="subform">
          <SupplementChecklist documents={askable} value={checklist} onChange={setChecklist} errors={checkErrors} />
          <ReusedNotOffered names={notOffered} />
          <div className="form-actions">
            <button type="button" className="button" disabled={busy} onClick={sendSupplement}>
              {t('desk.sendSupplement')}
            </button>
          </div>
        </div>
      )}
      {mode === 'refuse' && (
        <div className="subform">
          <div className="form-group">
            <label htmlFor={`${id}-reasons`} className="label">
              {t('desk.refuseReasons')}
              <RequiredMark />
            </label>
            <p id={`${id}-hint`} className="hint">
              {t('desk.refuseHint')}
            </p>
            {reasonError && (
              <p id={`${id}-err`} className="field-error">
                {reasonError}
              </p>
            )}
            <textarea
              id={`${id}-reasons`}
              rows={4}
              required
              aria-invalid={reasonError ? true : undefined}
              aria-describedby={[reasonError ? `${id}-err` : '', `${id}-hint`].filter(Boolean).join(' ')}
              value={reasons}
              onChange={(e) => setReasons(e.target.value)}
            />
          </div>
          <div className="form-actions">
            <button type="button" className="button button-danger" disabled={busy} onClick={sendRefusal}>
              {t('desk.sendRefusal')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
