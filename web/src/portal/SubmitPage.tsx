// Online submission in three steps: information (receiving agency + the form), documents
// (one upload per requirement), review (return method) and submit. The draft is saved
// when moving between steps and on demand; the Idempotency-Key of a submit attempt is
// kept so that a double click or a retry after a network error creates one dossier.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client.js';
import { RETURN_METHODS, type Agency, type Me, type ProcedureDetail, type ReturnMethod, type DraftBody } from '../api/types.js';
import { FormAlert, apiErrorText, type FieldErrors } from '../ui/form.js';
import { formatVnDateTime, localName } from '../ui/format.js';
import { FormDataView, SchemaForm, buildData, initialValues, schemaFields, validateValues, valuesFromData, RequiredMark, type FormValues } from '../ui/SchemaForm.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading, isNotFound } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { UploadControl, type UploadedFile } from '../dossiers/parts.js';
import { NotFoundPage } from './NotFoundPage.js';

/** A UUID for the Idempotency-Key (randomUUID needs a secure context: fall back). */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
}

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

/** Agencies that receive the procedure online: the listed ones, else those of its levels. */
function useReceivingAgencies(p: ProcedureDetail) {
  return useQuery({
    queryKey: ['receiving-agencies', p.nationalCode, p.version],
    queryFn: async ({ signal }): Promise<{ code: string; name: string; nameEn: string | null }[]> => {
      if (p.agencies.length > 0) return p.agencies.map((a) => ({ code: a.code, name: a.name, nameEn: null }));
      const lists = await Promise.all(p.levels.map((l) => api.agenciesByLevel(l, signal)));
      return lists
        .flatMap((l) => l.items)
        .filter((a: Agency) => a.hasOneStopDesk)
        .map((a) => ({ code: a.code, name: a.name, nameEn: a.nameEn }));
    },
  });
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
      documents: Object.entries(docs).flatMap(([requirement, u]) => (u ? [{ requirement, upload: u.id }] : [])),
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
      window.setTimeout(() => document.querySelector<HTMLElement>('main [aria-invalid="true"]')?.focus(), 0);
      return false;
    }
    return true;
  }

  function checkStep2(): boolean {
    const errors: Record<string, string> = {};
    for (const d of p.documents) if (d.mandatory && !docs[d.code]) errors[d.code] = t('submit.documentRequired');
    setDocErrors(errors);
    if (Object.keys(errors).length > 0) {
      setFormError(t('submit.documentsMissing'));
      window.setTimeout(() => document.querySelector<HTMLElement>('main input[aria-invalid="true"]')?.focus(), 0);
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
        documents: Object.entries(docs).flatMap(([requirement, u]) => (u ? [{ requirement, upload: u.id }] : [])),
        returnMethod,
      };
      const r = await api.submitDossier(body, keyRef.current);
      void qc.invalidateQueries({ queryKey: ['my-dossiers'] });
      void qc.removeQueries({ queryKey: ['draft', p.nationalCode] });
      await navigate(`/ho-so/${encodeURIComponent(r.code)}`);
      return;
    } catch (err) {
      // A refusal means nothing was stored: the corrected submission is a new attempt.
      if (err instanceof ApiError && err.status >= 400 && err.status < 500) keyRef.current = null;
      if (err instanceof ApiError && err.reason === 'form_invalid' && Array.isArray(err.details)) {
        const errors: FieldErrors = {};
        for (const d of err.details as { field?: string; message?: string }[]) if (d.field && d.message && !errors[d.field]) errors[d.field] = d.message;
        setFieldErrors(errors);
        setFormError(err.message || t('form.checkFields'));
        setStep(1);
      } else if (err instanceof ApiError && err.reason === 'documents_missing' && Array.isArray(err.details)) {
        const errors: Record<string, string> = {};
        for (const d of err.details as { field?: string }[]) if (d.field) errors[d.field.replace(/^documents\./, '')] = t('submit.documentRequired');
        setDocErrors(errors);
        setFormError(t('submit.documentsMissing'));
        setStep(2);
      } else if (err instanceof ApiError && err.field === 'agency') {
        setFieldErrors({ agency: t('submit.agencyRefused') });
        setFormError(t('form.checkFields'));
        setStep(1);
      } else {
        setFormError(apiErrorText(t, err));
      }
    } finally {
      pendingRef.current = false;
      setBusy(false);
    }
  }

  const stepNames = [t('submit.step1'), t('submit.step2'), t('submit.step3')];
  const agencyErrorId = fieldErrors.agency ? `${id}-agency-error` : undefined;

  return (
    <>
      <h1>{t('submit.title')}</h1>
      <p className="lead">{name}</p>
      <ol className="stepper" aria-label={t('submit.steps')}>
        {stepNames.map((s, i) => (
          <li key={s} aria-current={step === i + 1 ? 'step' : undefined} className={step === i + 1 ? 'current' : step > i + 1 ? 'done' : undefined}>
            <span className="stepper-n" aria-hidden="true">
              {i + 1}
            </span>{' '}
            {s}
          </li>
        ))}
      </ol>

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
            <div className="form-group">
              <label htmlFor={`${id}-agency`} className="label">
                {t('submit.agency')}
                <RequiredMark />
              </label>
              <p id={`${id}-agency-hint`} className="hint">
                {t('submit.agencyHint')}
              </p>
              {fieldErrors.agency && (
                <p id={agencyErrorId} className="field-error">
                  {fieldErrors.agency}
                </p>
              )}
              {agencies.isError ? (
                <ErrorMessage error={agencies.error} onRetry={() => void agencies.refetch()} />
              ) : (
                <select
                  id={`${id}-agency`}
                  value={agency}
                  required
                  aria-invalid={fieldErrors.agency ? true : undefined}
                  aria-describedby={[agencyErrorId, `${id}-agency-hint`].filter(Boolean).join(' ')}
                  onChange={(e) => setAgency(e.target.value)}
                >
                  <option value="">{agencies.isPending ? t('status.loading') : t('schemaForm.choose')}</option>
                  {agencies.data?.map((a) => (
                    <option key={a.code} value={a.code}>
                      {localName(i18n.language, a.name, a.nameEn)}
                    </option>
                  ))}
                </select>
              )}
            </div>
            <h3>{typeof p.formSchema.title === 'string' ? p.formSchema.title : t('procedure.form')}</h3>
            <SchemaForm fields={fields} values={values} errors={fieldErrors} onChange={(k, v) => setValues((old) => ({ ...old, [k]: v }))} />
          </>
        )}

        {step === 2 && (
          <>
            <p className="hint">{t('submit.documentsHint')}</p>
            {p.documents.map((d) => (
              <UploadControl
                key={d.code}
                label={d.name}
                note={d.note}
                required={d.mandatory}
                value={docs[d.code] ?? null}
                error={docErrors[d.code]}
                onChange={(u) => {
                  setDocs((old) => ({ ...old, [d.code]: u }));
                  setDocErrors((old) => {
                    const { [d.code]: _, ...rest } = old;
                    return rest;
                  });
                }}
              />
            ))}
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
              <ul className="item-list">
                {p.documents.map((d) => (
                  <li key={d.code}>
                    <span className="break">
                      {d.name}
                      <span className="cell-note">{docs[d.code] ? (docs[d.code]?.filename ?? t('upload.savedFile')) : t('submit.noFile')}</span>
                    </span>
                  </li>
                ))}
              </ul>
              <p>
                <button type="button" className="link-button" onClick={() => go(2)}>
                  {t('submit.edit', { name: t('submit.step2') })}
                </button>
              </p>
            </section>
            <fieldset className="choice">
              <legend>{t('submit.returnMethod')}</legend>
              {RETURN_METHODS.map((m) => (
                <div className="radio" key={m}>
                  <input type="radio" id={`${id}-rm-${m}`} name="returnMethod" checked={returnMethod === m} onChange={() => setReturnMethod(m)} />
                  <label htmlFor={`${id}-rm-${m}`}>{t(`returnMethod.${m}`)}</label>
                </div>
              ))}
            </fieldset>
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
