// Registering a paper dossier at the desk (in person or by post): the procedure, the
// receiving agency, the applicant (an existing account or typed in), the form, the
// documents checked on paper (with an optional scan), the return method and the outcome.
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client.js';
import { RETURN_METHODS, type DeskDecision, type DeskIntake, type Me, type Profile, type ReturnMethod } from '../api/types.js';
import { FormAlert, TextField, apiErrorText, patterns, type FieldErrors } from '../ui/form.js';
import { localName } from '../ui/format.js';
import { RequiredMark, SchemaForm, buildData, initialValues, schemaFields, validateValues, type FormValues } from '../ui/SchemaForm.js';
import { RequireAuth, isDeskOfficer } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { SupplementChecklist, UploadControl, checklistItems, reasonLines, type Checklist, type UploadedFile } from '../dossiers/parts.js';
import { useDeskAgencies } from './deskAgencies.js';

export default function DeskIntakePage() {
  const { t } = useTranslation();
  usePageTitle(t('intake.title'));
  return (
    <RequireAuth>
      {(me) =>
        isDeskOfficer(me) ? (
          <Intake me={me} />
        ) : (
          <>
            <h1>{t('intake.title')}</h1>
            <div className="alert alert-error" role="alert">
              <p>{t('desk.notAllowed')}</p>
            </div>
          </>
        )
      }
    </RequireAuth>
  );
}

interface Manual {
  name: string;
  citizenId: string;
  address: string;
  phone: string;
  email: string;
}

function Intake({ me }: { me: Me }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const agencies = useDeskAgencies(me);
  const [channel, setChannel] = useState<'in_person' | 'post'>('in_person');
  const [q, setQ] = useState('');
  const [debounced, setDebounced] = useState('');
  useEffect(() => {
    const h = window.setTimeout(() => setDebounced(q.trim()), 300);
    return () => window.clearTimeout(h);
  }, [q]);
  const search = useQuery({
    queryKey: ['procedure-search', debounced],
    queryFn: ({ signal }) => api.searchProcedures({ q: debounced, pageSize: 8 }, signal),
    enabled: debounced.length >= 2,
  });
  const [procCode, setProcCode] = useState<string | null>(null);
  const procedure = useQuery({
    queryKey: ['procedure', procCode ?? '', null],
    queryFn: ({ signal }) => api.procedure(procCode!, undefined, signal),
    enabled: !!procCode,
  });
  const p = procedure.data;
  const fields = useMemo(() => schemaFields(p?.formSchema), [p]);
  const [agency, setAgency] = useState('');
  const [applicantMode, setApplicantMode] = useState<'account' | 'manual'>('manual');
  const [who, setWho] = useState('');
  const [whoQuery, setWhoQuery] = useState('');
  const people = useQuery({
    queryKey: ['applicants', whoQuery],
    queryFn: ({ signal }) => api.searchApplicants(whoQuery, t('intake.purpose'), signal),
    enabled: whoQuery.length >= 3,
  });
  const [person, setPerson] = useState<Profile | null>(null);
  const [manual, setManual] = useState<Manual>({ name: '', citizenId: '', address: '', phone: '', email: '' });
  const [values, setValues] = useState<FormValues>({});
  useEffect(() => setValues(initialValues(fields, person)), [fields, person]);
  const [paper, setPaper] = useState<Record<string, boolean>>({});
  const [scans, setScans] = useState<Record<string, UploadedFile | null>>({});
  const [returnMethod, setReturnMethod] = useState<ReturnMethod>('desk');
  const [outcome, setOutcome] = useState<'receive' | 'supplement' | 'refuse'>('receive');
  const [checklist, setChecklist] = useState<Checklist>({});
  const [checkErrors, setCheckErrors] = useState<Record<string, string>>({});
  const [reasons, setReasons] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const errs: FieldErrors = {};
    if (!p) errs.procedure = t('intake.chooseProcedure');
    if (!agency) errs.agency = t('submit.chooseAgency');
    if (applicantMode === 'account' && !person) errs.person = t('intake.choosePerson');
    if (applicantMode === 'manual') {
      if (!manual.name.trim()) errs.name = t('form.required');
      if (manual.citizenId && !patterns.citizenId.test(manual.citizenId.trim())) errs.citizenId = t('form.invalidCitizenId');
      if (manual.phone && !patterns.phone.test(manual.phone.trim())) errs.phone = t('form.invalidPhone');
      if (manual.email && !patterns.email.test(manual.email.trim())) errs.email = t('form.invalidEmail');
    }
    Object.assign(errs, validateValues(t, fields, values));
    let decision: DeskDecision = { outcome: 'receive' };
    if (outcome === 'supplement') {
      const r = checklistItems(t, checklist);
      setCheckErrors(r.errors);
      if (Object.keys(r.errors).length) errs._checklist = r.errors._ ?? t('desk.reasonTooShort');
      decision = { outcome: 'supplement', items: r.items };
    } else if (outcome === 'refuse') {
      const lines = reasonLines(reasons);
      if (lines.length === 0 || lines.some((l) => l.length < 3)) errs.reasons = t('desk.reasonTooShort');
      decision = { outcome: 'refuse', reasons: lines };
    }
    setErrors(errs);
    if (Object.keys(errs).length) {
      setFormError(t('form.checkFields'));
      window.setTimeout(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
      return;
    }
    const documents = (p?.documents ?? []).flatMap((d) => {
      const scan = scans[d.code];
      if (scan) return [{ requirement: d.code, upload: scan.id }];
      return paper[d.code] ? [{ requirement: d.code }] : [];
    });
    const trimmed = Object.fromEntries(Object.entries(manual).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v)) as unknown as Manual;
    const body: DeskIntake = {
      channel,
      procedure: p!.nationalCode,
      agency,
      applicant: applicantMode === 'account' && person ? { accountId: person.id } : trimmed,
      form: buildData(fields, values),
      documents,
      returnMethod,
      decision,
    };
    setBusy(true);
    setFormError(null);
    try {
      const r = await api.deskIntake(body);
      void qc.invalidateQueries({ queryKey: ['desk-dossiers'] });
      await navigate(`/can-bo/ho-so/${encodeURIComponent(r.code)}`);
    } catch (err) {
      if (err instanceof ApiError && err.reason === 'form_invalid' && Array.isArray(err.details)) {
        const fe: FieldErrors = {};
        for (const d of err.details as { field?: string; message?: string }[]) if (d.field && d.message) fe[d.field] = d.message;
        setErrors(fe);
        setFormError(err.message);
      } else if (err instanceof ApiError && err.reason === 'documents_missing' && Array.isArray(err.details)) {
        setFormError(`${t('submit.documentsMissing')} ${(err.details as { message?: string }[]).map((d) => d.message).join('; ')}`);
      } else setFormError(apiErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  const err = (k: string) => (errors[k] ? `${id}-${k}-err` : undefined);
  const errNode = (k: string) =>
    errors[k] ? (
      <p id={`${id}-${k}-err`} className="field-error">
        {errors[k]}
      </p>
    ) : null;

  return (
    <>
      <p>
        <Link to="/can-bo">{t('desk.back')}</Link>
      </p>
      <h1>{t('intake.title')}</h1>
      <form className="card form-stack" noValidate onSubmit={(e) => void onSubmit(e)}>
        <FormAlert message={formError} />
        <fieldset className="choice">
          <legend>{t('intake.channel')}</legend>
          {(['in_person', 'post'] as const).map((c) => (
            <div className="radio" key={c}>
              <input type="radio" id={`${id}-ch-${c}`} name="channel" checked={channel === c} onChange={() => setChannel(c)} />
              <label htmlFor={`${id}-ch-${c}`}>{t(`channel.${c}`)}</label>
            </div>
          ))}
        </fieldset>

        <div className="form-group">
          <label htmlFor={`${id}-proc`} className="label">
            {t('intake.procedure')}
            <RequiredMark />
          </label>
          {p && (
            <p className="chosen" id={`${id}-proc-chosen`}>
              {t('agencyPicker.chosen')} <strong>{localName(i18n.language, p.name, p.nameEn)}</strong> ({p.nationalCode})
            </p>
          )}
          {errNode('procedure')}
          <input
            id={`${id}-proc`}
            type="search"
            value={q}
            autoComplete="off"
            placeholder={t('intake.procedurePlaceholder')}
            aria-invalid={errors.procedure ? true : undefined}
            aria-describedby={[err('procedure'), p ? `${id}-proc-chosen` : ''].filter(Boolean).join(' ') || undefined}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}
          />
          <p className="hint" role="status">
            {debounced.length >= 2 && search.data ? t('intake.found', { count: search.data.total }) : ''}
          </p>
          {search.data && search.data.items.length > 0 && (
            <ul className="picker-results" aria-label={t('agencyPicker.results')}>
              {search.data.items.map((s) => (
                <li key={s.nationalCode}>
                  <button
                    type="button"
                    className="picker-option"
                    onClick={() => {
                      setProcCode(s.nationalCode);
                      setQ('');
                      setDebounced('');
                    }}
                  >
                    {localName(i18n.language, s.name, s.nameEn)} <span className="muted">({s.nationalCode})</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>

        <div className="form-group">
          <label htmlFor={`${id}-agency`} className="label">
            {t('submit.agency')}
            <RequiredMark />
          </label>
          {errNode('agency')}
          {agencies.isError ? (
            <ErrorMessage error={agencies.error} />
          ) : (
            <select id={`${id}-agency`} value={agency} required aria-invalid={errors.agency ? true : undefined} aria-describedby={err('agency')} onChange={(e) => setAgency(e.target.value)}>
              <option value="">{agencies.isPending ? t('status.loading') : t('schemaForm.choose')}</option>
              {agencies.data?.filter((a) => a.hasOneStopDesk).map((a) => (
                <option key={a.code} value={a.code}>
                  {a.name}
                </option>
              ))}
            </select>
          )}
        </div>

        <fieldset className="choice">
          <legend>{t('dossier.applicant')}</legend>
          {(['manual', 'account'] as const).map((m) => (
            <div className="radio" key={m}>
              <input type="radio" id={`${id}-am-${m}`} name="applicantMode" checked={applicantMode === m} onChange={() => setApplicantMode(m)} />
              <label htmlFor={`${id}-am-${m}`}>{t(`intake.applicant_${m}`)}</label>
            </div>
          ))}
        </fieldset>
        {applicantMode === 'account' ? (
          <div className="subform">
            <div className="form-group">
              <label htmlFor={`${id}-who`} className="label">
                {t('intake.searchPerson')}
              </label>
              {errNode('person')}
              <div className="search-row">
                <input
                  id={`${id}-who`}
                  type="search"
                  value={who}
                  aria-invalid={errors.person ? true : undefined}
                  aria-describedby={err('person')}
                  onChange={(e) => setWho(e.target.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') {
                      e.preventDefault();
                      setWhoQuery(who.trim());
                    }
                  }}
                />
                <button type="button" className="button button-secondary" onClick={() => setWhoQuery(who.trim())}>
                  {t('intake.find')}
                </button>
              </div>
              <p className="hint">{t('intake.searchHint')}</p>
            </div>
            <div role="status">
              {people.isFetching && <Loading />}
              {people.isError && <p className="field-error">{apiErrorText(t, people.error)}</p>}
              {people.data && people.data.items.length === 0 && <p>{t('intake.noPerson')}</p>}
            </div>
            {person && (
              <p className="chosen">
                {t('agencyPicker.chosen')} <strong>{person.fullName}</strong> {person.citizenId ?? person.taxCode ?? ''} — {person.email}
              </p>
            )}
            {people.data && people.data.items.length > 0 && (
              <ul className="picker-results" aria-label={t('agencyPicker.results')}>
                {people.data.items.map((x) => (
                  <li key={x.id}>
                    <button type="button" className="picker-option" onClick={() => setPerson(x)}>
                      {x.fullName} <span className="muted">({x.citizenId ?? x.taxCode ?? x.email})</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        ) : (
          <div className="subform">
            <TextField name="name" label={t('form.fullName')} value={manual.name} error={errors.name} autoComplete="off" onChange={(e) => setManual({ ...manual, name: e.target.value })} />
            <TextField name="citizenId" label={t('form.citizenId')} optional inputMode="numeric" maxLength={12} value={manual.citizenId} error={errors.citizenId} onChange={(e) => setManual({ ...manual, citizenId: e.target.value })} />
            <TextField name="address" label={t('form.address')} optional value={manual.address} error={errors.address} onChange={(e) => setManual({ ...manual, address: e.target.value })} />
            <TextField name="phone" type="tel" label={t('form.phone')} optional value={manual.phone} error={errors.phone} onChange={(e) => setManual({ ...manual, phone: e.target.value })} />
            <TextField name="email" type="email" label={t('form.email')} optional value={manual.email} error={errors.email} onChange={(e) => setManual({ ...manual, email: e.target.value })} />
          </div>
        )}

        {procCode && procedure.isPending && <Loading />}
        {procedure.isError && <ErrorMessage error={procedure.error} />}
        {p && (
          <>
            <h2>{t('procedure.form')}</h2>
            <SchemaForm fields={fields} values={values} errors={errors} onChange={(k, v) => setValues((o) => ({ ...o, [k]: v }))} />
            <h2>{t('procedure.documents')}</h2>
            <p className="hint">{t('intake.documentsHint')}</p>
            {p.documents.map((d, n) => (
              <fieldset key={d.code} className="subform">
                <legend>
                  {d.name}
                  {d.mandatory && <RequiredMark />}
                </legend>
                <div className="checkbox">
                  <input type="checkbox" id={`${id}-paper-${n}`} checked={paper[d.code] === true} onChange={(e) => setPaper({ ...paper, [d.code]: e.target.checked })} />
                  <label htmlFor={`${id}-paper-${n}`}>{t('intake.paperChecked')}</label>
                </div>
                <UploadControl label={t('intake.scan', { name: d.name })} value={scans[d.code] ?? null} onChange={(u) => setScans({ ...scans, [d.code]: u })} />
              </fieldset>
            ))}
          </>
        )}

        <div className="form-group">
          <label htmlFor={`${id}-rm`} className="label">
            {t('submit.returnMethod')}
          </label>
          <select id={`${id}-rm`} value={returnMethod} onChange={(e) => setReturnMethod(e.target.value as ReturnMethod)}>
            {RETURN_METHODS.map((m) => (
              <option key={m} value={m}>
                {t(`returnMethod.${m}`)}
              </option>
            ))}
          </select>
        </div>

        <fieldset className="choice">
          <legend>{t('desk.decision')}</legend>
          {(['receive', 'supplement', 'refuse'] as const).map((o) => (
            <div className="radio" key={o}>
              <input type="radio" id={`${id}-o-${o}`} name="outcome" checked={outcome === o} onChange={() => setOutcome(o)} />
              <label htmlFor={`${id}-o-${o}`}>{t(`desk.${o}`)}</label>
            </div>
          ))}
        </fieldset>
        {outcome === 'supplement' && p && <SupplementChecklist documents={p.documents} value={checklist} onChange={setChecklist} errors={checkErrors} />}
        {outcome === 'refuse' && (
          <div className="form-group">
            <label htmlFor={`${id}-reasons`} className="label">
              {t('desk.refuseReasons')}
              <RequiredMark />
            </label>
            <p id={`${id}-reasons-hint`} className="hint">
              {t('desk.refuseHint')}
            </p>
            {errNode('reasons')}
            <textarea
              id={`${id}-reasons`}
              rows={4}
              aria-invalid={errors.reasons ? true : undefined}
              aria-describedby={[err('reasons'), `${id}-reasons-hint`].filter(Boolean).join(' ')}
              value={reasons}
              onChange={(e) => setReasons(e.target.value)}
            />
          </div>
        )}
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('form.sending') : t('intake.submit')}
          </button>
        </div>
      </form>
    </>
  );
}
