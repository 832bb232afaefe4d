// Online submission in three steps: information (receiving agency + the form), documents
// (one upload per requirement), review (return method) and submit. The draft is saved
// when moving between steps and on demand; the Idempotency-Key of a submit attempt is
// kept so that a double click or a retry after a network error creates one dossier.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { RETURN_METHODS, type Me, type ProcedureDetail, type ReturnMethod, type DraftBody } from '../api/types.js';
import { FormAlert, apiErrorText, type FieldErrors } from '../ui/form.js';
import { formatVnDateTime, localName } from '../ui/format.js';
import { FormDataView, SchemaForm, buildData, initialValues, schemaFields, validateValues, valuesFromData, type FormValues } from '../ui/SchemaForm.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading, isNotFound } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import type { UploadedFile } from '../dossiers/parts.js';
import { NotFoundPage } from './NotFoundPage.js';
import {
  AgencySelect,
  DocumentUploads,
  DocumentsReview,
  ReturnMethodChoice,
  WizardStepper,
  documentInputs,
  focusFirstInvalid,
  isRefusal,
  missingDocuments,
  newKey,
  readSubmitFailure,
  useReceivingAgencies,
} from './submitParts.js';

export default function SubmitPage() {
  const { t } = useTranslation();
  usePageTitle(t('submit.title'));
  return <RequireAuth>{(me) => <SubmitLoader me={me} />}</RequireAuth>;
}

function SubmitLoader({ me }: { me: Me }) {
  const { nationalCode = '' } = useParams();
  const procedure = useQuery({ queryKey: ['procedure', nationalCode, null], queryFn: ({ signal }) => api.procedure(nationalCode, undefined, signal) });
  const draft = useQuery({ queryKey: ['draft', nationalCode], queryFn: ({ signal }) => api.draft(nationalCode, signal), staleTime: 0 });
  const profile = useQuery({ queryKey: ['profile'], queryFn: ({ signal }) => api.profile(signal) });
  if (procedure.isPending || draft.isPending || profile.isPending) return <Loading />;
  if (procedure.isError) {
    if (isNotFound(procedure.error)) return <NotFoundPage />;
    return <ErrorMessage error={procedure.error} onRetry={() => void procedure.refetch()} />;
  }
  if (draft.isError) return <ErrorMessage error={draft.error} onRetry={() => void draft.refetch()} />;
  return <SubmitWizard me={me} p={procedure.data} saved={draft.data} profile={profile.data ?? null} />;
}

type Step = 1 | 2 | 3;

function SubmitWizard({
  p,
  saved,
  profile,
}: {
  me: Me;
  p: ProcedureDetail;
  saved: { draft: DraftBody | null; updatedAt: string | null };
  profile: Parameters<typeof initialValues>[1];
}) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const id = useId();
  const fields = useMemo(() => schemaFields(p.formSchema), [p.formSchema]);
  const agencies = useReceivingAgencies(p);
  const [step, setStep] = useState<Step>(1);
  const [agency, setAgency] = useState('');
  const [values, setValues] = useState<FormValues>(() => initialValues(fields, profile));
  const [docs, setDocs] = useState<Record<string, UploadedFile | null>>({});
  const [returnMethod, setReturnMethod] = useState<ReturnMethod>('online');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [docErrors, setDocErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [draftOffer, setDraftOffer] = useState(saved.draft !== null);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per submit attempt, reused on a retry after a network failure.
  const keyRef = useRef<string | null>(null);
  const pendingRef = useRef(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);

  const name = localName(i18n.language, p.name, p.nameEn);
  const agencyName = (code: string) => {
    const a = agencies.data?.find((x) => x.code === code);
    return a ? localName(i18n.language, a.name, a.nameEn) : code;
  };

  function restoreDraft() {
    const d = saved.draft;
    if (!d) return;
    if (d.agency) setAgency(d.agency);
    setValues({ ...initialValues(fields, profile), ...valuesFromData(fields, d.form) });
    const restored: Record<string, UploadedFile | null> = {};
    for (const x of d.documents) if (x.upload) restored[x.requirement] = { id: x.upload };
    setDocs(restored);
    if (d.returnMethod && (RETURN_METHODS as readonly string[]).includes(d.returnMethod)) setReturnMethod(d.returnMethod as ReturnMethod);
    setDraftOffer(false);
  }

  function draftBody(): DraftBody {
    return {
      ...(agency ? { agency } : {}),
      form: buildData(fields, values),
      documents: documentInputs(docs),
      returnMethod,
    };
  }

  async function saveDraft(announce: boolean): Promise<void> {
    try {
      const r = await api.saveDraft(p.nationalCode, draftBody());
      setDraftOffer(false);
      if (announce) setSavedAt(r.updatedAt);
      void qc.invalidateQueries({ queryKey: ['draft', p.nationalCode] });
    } catch (err) {
      if (announce) setFormError(apiErrorText(t, err));
    }
  }

  function checkStep1(): boolean {
    const errors = validateValues(t, fields, values);
    if (!agency) errors.agency = t('submit.chooseAgency');
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0) {
      setFormError(t('form.checkFields'));
      focusFirstInvalid();
      return false;
    }
    return true;
  }

  function checkStep2(): boolean {
    const errors = missingDocuments(t, p.documents, docs);
    setDocErrors(errors);
    if (Object.keys(errors).length > 0) {
      setFormError(t('submit.documentsMissing'));
      focusFirstInvalid('main input[aria-invalid="true"]');
      return false;
    }
    return true;
  }

  function go(next: Step) {
    setFormError(null);
    setSavedAt(null);
    if (next > step) {
      if (step === 1 && !checkStep1()) return;
      if (step === 2 && !checkStep2()) return;
    }
    void saveDraft(false);
    setStep(next);
  }

  async function submit() {
    if (pendingRef.current) return;
    if (!checkStep1()) {
      setStep(1);
      return;
    }
    if (!checkStep2()) {
      setStep(2);
      return;
    }
    pendingRef.current = true;
    setBusy(true);
    setFormError(null);
    keyRef.current ??= newKey();
    try {
      const body = {
        procedure: p.nationalCode,
        agency,
        form: buildData(fields, values),
        documents: documentInputs(docs),
        returnMethod,
      };
      const r = await api.submitDossier(body, keyRef.current);
      void qc.invalidateQueries({ queryKey: ['my-dossiers'] });
      void qc.removeQueries({ queryKey: ['draft', p.nationalCode] });
      await navigate(`/ho-so/${encodeURIComponent(r.code)}`);
      return;
    } catch (err) {
      // A refusal means nothing was stored: the corrected submission is a new attempt.
      if (isRefusal(err)) keyRef.current = null;
      const f = readSubmitFailure(t, err);
      setFormError(f.message);
      if (f.part === 'form' || f.part === 'agency') {
        setFieldErrors(f.fieldErrors);
        setStep(1);
      } else if (f.part === 'documents') {
        setDocErrors(f.docErrors);
        setStep(2);
      }
    } finally {
      pendingRef.current = false;
      setBusy(false);
    }
  }

  const stepNames = [t('submit.step1'), t('submit.step2'), t('submit.step3')];

  return (
    <>
      <h1>{t('submit.title')}</h1>
      <p className="lead">{name}</p>
      <WizardStepper names={stepNames} step={step} />

      {draftOffer && saved.updatedAt && (
        <div className="alert alert-info">
          <p>{t('submit.draftFound')}</p>
          <p className="form-actions">
            <button type="button" className="button" onClick={restoreDraft}>
              {t('submit.continueDraft', { time: formatVnDateTime(saved.updatedAt) })}
            </button>
            <button type="button" className="button button-secondary" onClick={() => setDraftOffer(false)}>
              {t('submit.startOver')}
            </button>
          </p>
        </div>
      )}

      <form
        className="card form-stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (step < 3) go((step + 1) as Step);
          else void submit();
        }}
      >
        <h2 ref={headingRef} tabIndex={-1}>
          {t('submit.stepOf', { n: step, total: 3, name: stepNames[step - 1] })}
        </h2>
        <FormAlert message={formError} />
        <div role="status">{savedAt && <p className="success">{t('submit.draftSaved', { time: formatVnDateTime(savedAt) })}</p>}</div>

        {step === 1 && (
          <>
            <AgencySelect value={agency} onChange={setAgency} error={fieldErrors.agency} hint={t('submit.agencyHint')} agencies={agencies} />
            <h3>{typeof p.formSchema.title === 'string' ? p.formSchema.title : t('procedure.form')}</h3>
            <SchemaForm fields={fields} values={values} errors={fieldErrors} onChange={(k, v) => setValues((old) => ({ ...old, [k]: v }))} />
          </>
        )}

        {step === 2 && (
          <>
            <p className="hint">{t('submit.documentsHint')}</p>
            <DocumentUploads
              documents={p.documents}
              files={docs}
              errors={docErrors}
              onChange={(code, u) => {
                setDocs((old) => ({ ...old, [code]: u }));
                setDocErrors((old) => {
                  const { [code]: _, ...rest } = old;
                  return rest;
                });
              }}
            />
          </>
        )}

        {step === 3 && (
          <>
            <section aria-labelledby={`${id}-r1`}>
              <h3 id={`${id}-r1`}>{t('submit.step1')}</h3>
              <dl className="summary">
                <div>
                  <dt>{t('submit.agency')}</dt>
                  <dd>{agencyName(agency)}</dd>
                </div>
              </dl>
              <FormDataView schema={p.formSchema} data={buildData(fields, values)} />
              <p>
                <button type="button" className="link-button" onClick={() => go(1)}>
                  {t('submit.edit', { name: t('submit.step1') })}
                </button>
              </p>
            </section>
            <section aria-labelledby={`${id}-r2`}>
              <h3 id={`${id}-r2`}>{t('submit.step2')}</h3>
              <DocumentsReview documents={p.documents} files={docs} />
              <p>
                <button type="button" className="link-button" onClick={() => go(2)}>
                  {t('submit.edit', { name: t('submit.step2') })}
                </button>
              </p>
            </section>
            <ReturnMethodChoice value={returnMethod} onChange={setReturnMethod} />
          </>
        )}

        <div className="form-actions wizard-actions">
          {step > 1 && (
            <button type="button" className="button button-secondary" onClick={() => go((step - 1) as Step)}>
              {t('submit.back')}
            </button>
          )}
          <button type="button" className="button button-secondary" onClick={() => void saveDraft(true)}>
            {t('submit.saveDraft')}
          </button>
          {step < 3 ? (
            <button type="submit" className="button">
              {t('submit.next')}
            </button>
          ) : (
            <button type="submit" className="button" disabled={busy} aria-disabled={busy}>
              {busy ? t('form.sending') : t('submit.submit')}
            </button>
          )}
        </div>
      </form>
      <p>
        <Link to={`/thu-tuc/${encodeURIComponent(p.nationalCode)}`}>{t('submit.backToProcedure')}</Link>
      </p>
    </>
  );
}
