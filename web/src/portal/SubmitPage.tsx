// Online submission in three steps: information (receiving agency + the form), documents
// (an upload per requirement, or — for a document with an evidence type — an item of the
// applicant's data store or the agency's fetch from a registry), review (return method, and
// the explicit consent to the reused evidence, without which submitting is disabled) and submit. The draft is saved
// when moving between steps and on demand; the Idempotency-Key of a submit attempt is
// kept so that a double click or a retry after a network error creates one dossier.
import { useId, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { RETURN_METHODS, type Me, type ProcedureDetail, type ReturnMethod, type DraftBody, type SubmitBody } from '../api/types.js';
import { FormAlert, apiErrorText, type FieldErrors } from '../ui/form.js';
import { formatVnDateTime, localName } from '../ui/format.js';
import { FormDataView, SchemaForm, buildData, initialValues, schemaFields, validateValues, valuesFromData, type FormValues } from '../ui/SchemaForm.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading, isNotFound } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import type { UploadedFile } from '../dossiers/parts.js';
import { NotFoundPage } from './NotFoundPage.js';
import { ChoicesReview, ConsentStep, DocumentChoices, choiceInputs, missingChoices, reusedChoices, useStoreOptions, type Choices } from '../datastore/DocumentChoice.js';
import {
  AgencyReview,
  AgencySelect,
  ReturnMethodChoice,
  WizardActions,
  WizardStepper,
  focusFirstInvalid,
  formTitle,
  useReceivingAgencies,
  useStepHeading,
  useSubmitDossier,
  withoutError,
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
  const qc = useQueryClient();
  const id = useId();
  const fields = useMemo(() => schemaFields(p.formSchema), [p.formSchema]);
  const agencies = useReceivingAgencies(p);
  const [step, setStep] = useState<Step>(1);
  const [agency, setAgency] = useState('');
  const [values, setValues] = useState<FormValues>(() => initialValues(fields, profile));
  const [docs, setDocs] = useState<Record<string, UploadedFile | null>>({});
  // Documents satisfied from the data store or a registry, and the applicant's consent to their use.
  const { options: storeOptions } = useStoreOptions(p.nationalCode);
  const [choices, setChoices] = useState<Choices>({});
  const [consent, setConsent] = useState(false);
  const needsConsent = reusedChoices(p.documents, choices).length > 0;
  const [returnMethod, setReturnMethod] = useState<ReturnMethod>('online');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [docErrors, setDocErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [draftOffer, setDraftOffer] = useState(saved.draft !== null);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const headingRef = useStepHeading(step);
  const { busy, submit: send } = useSubmitDossier({
    onStart: () => setFormError(null),
    onFailure: (f) => {
      setFormError(f.message);
      if (f.part === 'form' || f.part === 'agency') {
        setFieldErrors(f.fieldErrors);
        setStep(1);
      } else if (f.part === 'documents') {
        setDocErrors(f.docErrors);
        setStep(2);
      }
    },
  });

  const name = localName(i18n.language, p.name, p.nameEn);

  function restoreDraft() {
    const d = saved.draft;
    if (!d) return;
    if (d.agency) setAgency(d.agency);
    setValues({ ...initialValues(fields, profile), ...valuesFromData(fields, d.form) });
    const restored: Record<string, UploadedFile | null> = {};
    const chosen: Choices = {};
    for (const x of d.documents) {
      if ('upload' in x && x.upload) restored[x.requirement] = { id: x.upload };
      else if ('storeItem' in x) chosen[x.requirement] = { mode: 'store', item: x.storeItem };
      else if ('fromRegistry' in x) chosen[x.requirement] = { mode: 'registry' };
    }
    setDocs(restored);
    setChoices(chosen);
    if (d.returnMethod && (RETURN_METHODS as readonly string[]).includes(d.returnMethod)) setReturnMethod(d.returnMethod as ReturnMethod);
    setDraftOffer(false);
  }

  function draftBody(): DraftBody {
    return {
      ...(agency ? { agency } : {}),
      form: buildData(fields, values),
      // the choices are kept; the consent is given again on submitting
      documents: choiceInputs(docs, choices, false) as DraftBody['documents'],
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
    const errors = missingChoices(t, p.documents, docs, choices);
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

  function submit() {
    return send(
      () => {
        if (!checkStep1()) {
          setStep(1);
          return false;
        }
        if (!checkStep2()) {
          setStep(2);
          return false;
        }
        if (needsConsent && !consent) {
          setFormError(t('datastore.consentNeeded'));
          return false;
        }
        return true;
      },
      () => ({
        procedure: p.nationalCode,
        agency,
        form: buildData(fields, values),
        // store items and registry fetches carry the consent given on the review step
        documents: choiceInputs(docs, choices) as SubmitBody['documents'],
        returnMethod,
      }),
    );
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
            <h3>{formTitle(t, p)}</h3>
            <SchemaForm fields={fields} values={values} errors={fieldErrors} onChange={(k, v) => setValues((old) => ({ ...old, [k]: v }))} />
          </>
        )}

        {step === 2 && (
          <>
            <p className="hint">{t('submit.documentsHint')}</p>
            <DocumentChoices
              documents={p.documents}
              options={storeOptions}
              files={docs}
              choices={choices}
              errors={docErrors}
              onFile={(code, u) => {
                setDocs((old) => ({ ...old, [code]: u }));
                setDocErrors((old) => withoutError(old, code));
              }}
              onChoice={(code, c) => {
                setChoices((old) => ({ ...old, [code]: c }));
                setDocErrors((old) => withoutError(old, code));
                setConsent(false);
              }}
            />
          </>
        )}

        {step === 3 && (
          <>
            <section aria-labelledby={`${id}-r1`}>
              <h3 id={`${id}-r1`}>{t('submit.step1')}</h3>
              <AgencyReview code={agency} agencies={agencies.data} />
              <FormDataView schema={p.formSchema} data={buildData(fields, values)} />
              <p>
                <button type="button" className="link-button" onClick={() => go(1)}>
                  {t('submit.edit', { name: t('submit.step1') })}
                </button>
              </p>
            </section>
            <section aria-labelledby={`${id}-r2`}>
              <h3 id={`${id}-r2`}>{t('submit.step2')}</h3>
              <ChoicesReview documents={p.documents} options={storeOptions} files={docs} choices={choices} />
              <p>
                <button type="button" className="link-button" onClick={() => go(2)}>
                  {t('submit.edit', { name: t('submit.step2') })}
                </button>
              </p>
            </section>
            <ReturnMethodChoice value={returnMethod} onChange={setReturnMethod} />
            <ConsentStep documents={p.documents} options={storeOptions} choices={choices} consent={consent} onConsent={setConsent} />
          </>
        )}

        <WizardActions step={step} total={3} busy={busy} disabled={needsConsent && !consent} submitLabel={t('submit.submit')} onBack={() => go((step - 1) as Step)}>
          <button type="button" className="button button-secondary" onClick={() => void saveDraft(true)}>
            {t('submit.saveDraft')}
          </button>
        </WizardActions>
      </form>
      <p>
        <Link to={`/thu-tuc/${encodeURIComponent(p.nationalCode)}`}>{t('submit.backToProcedure')}</Link>
      </p>
    </>
  );
}
