// Filing a complaint or suggestion (phản ánh, kiến nghị), with or without an account: about a
// procedure, a dossier (proved by its check value, or by being its logged-in applicant), an
// officer's conduct, or in general; a category, a title and the text, the complainant's name and
// how to reach them, up to three attachments, and whether the answer may be published. After
// filing: the code, the access key (the only way back to it without an account), the agency it
// went to and the legal due dates, with a link to its status page.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.js';
import { AgencyPicker, type PickedAgency } from '../admin/AgencyPicker.js';
import { FormAlert, patterns, TextAreaField, TextField } from '../ui/form.js';
import { formatSize, formatVnDateTime } from '../ui/format.js';
import { RequiredMark } from '../ui/SchemaForm.js';
import { useMe } from '../ui/session.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import {
  COMPLAINT_CATEGORIES,
  COMPLAINT_KINDS,
  COMPLAINT_SUBJECTS,
  feedbackApi,
  type ComplaintCategory,
  type ComplaintFiled,
  type ComplaintFiling,
  type ComplaintKind,
  type ComplaintSubject,
} from './api.js';
import { feedbackErrorText, reasonOf } from './parts.js';

export const MAX_TITLE = 200;
export const MAX_BODY = 5000;
export const MAX_FILES = 3;
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
const FILE_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];
const DOSSIER_CODE = /^[A-Z0-9.]{3,40}-[0-9]{6}-[0-9]{4,6}$/;
const CHECK = /^[2-9A-Za-z]{6}$/;
const PROCEDURE_CODE = /^[0-9A-Z.-]{3,40}$/;

type Errors = Record<string, string>;

export default function ComplaintFormPage() {
  const { t } = useTranslation();
  usePageTitle(t('feedback.form.title'));
  const [filed, setFiled] = useState<ComplaintFiled | null>(null);
  return filed ? <Filed filed={filed} /> : <ComplaintForm onFiled={setFiled} />;
}

function Choice<T extends string>({ name, legend, values, value, onChange, label, hint }: { name: string; legend: string; values: readonly T[]; value: T; onChange: (v: T) => void; label: (v: T) => string; hint?: (v: T) => string }) {
  const id = useId();
  return (
    <fieldset className="choice">
      <legend className="label">
        {legend}
        <RequiredMark />
      </legend>
      {values.map((v) => (
        <div key={v}>
          <label className="radio">
            <input type="radio" name={name} value={v} checked={value === v} onChange={() => onChange(v)} aria-describedby={hint ? `${id}-${v}` : undefined} />
            {label(v)}
          </label>
          {hint && (
            <p id={`${id}-${v}`} className="hint choice-hint">
              {hint(v)}
            </p>
          )}
        </div>
      ))}
    </fieldset>
  );
}

/** A labelled input of the form (required mark, no browser autofill unless asked), value as text. */
function Field({ onChange, type = 'text', autoComplete = 'off', ...rest }: { name: string; label: string; value: string; onChange: (v: string) => void; error?: string | undefined; hint?: string; optional?: boolean; type?: string; maxLength: number; autoComplete?: string }) {
  return <TextField {...rest} type={type} autoComplete={autoComplete} markRequired onChange={(e) => onChange(e.target.value)} />;
}

function ComplaintForm({ onFiled }: { onFiled: (f: ComplaintFiled) => void }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const me = useMe();
  const [sp] = useSearchParams();
  const formRef = useRef<HTMLFormElement>(null);
  const [kind, setKind] = useState<ComplaintKind>('complaint');
  const [subject, setSubject] = useState<ComplaintSubject>(sp.get('ho-so') ? 'dossier' : sp.get('thu-tuc') ? 'procedure' : 'general');
  const [category, setCategory] = useState<ComplaintCategory | ''>('');
  const [procedureCode, setProcedureCode] = useState(sp.get('thu-tuc') ?? '');
  const [dossierCode, setDossierCode] = useState(sp.get('ho-so') ?? '');
  const [dossierCheck, setDossierCheck] = useState('');
  const [agency, setAgency] = useState<PickedAgency | null>(null);
  const [officerName, setOfficerName] = useState('');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [publicAnswer, setPublicAnswer] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const loggedIn = !!me.data;

  // Prefill who is filing from the session, once it is known (still editable).
  const prefilled = useRef(false);
  useEffect(() => {
    if (prefilled.current || !me.data) return;
    prefilled.current = true;
    setName((v) => v || me.data!.account.fullName);
    setEmail((v) => v || me.data!.account.email);
    setPhone((v) => v || me.data!.account.phone || '');
  }, [me.data]);

  function onFiles(list: FileList | null) {
    const chosen = list ? [...list] : [];
    const next = [...files, ...chosen].slice(0, MAX_FILES + 1);
    const errs = { ...errors };
    delete errs.attachments;
    if (next.length > MAX_FILES) errs.attachments = t('feedback.form.tooManyFiles', { n: MAX_FILES });
    else if (next.some((f) => f.size > MAX_FILE_BYTES)) errs.attachments = t('feedback.form.fileTooLarge', { size: formatSize(i18n.language, MAX_FILE_BYTES) });
    else if (next.some((f) => f.size === 0)) errs.attachments = t('errors.file_empty');
    else if (next.some((f) => f.type && !FILE_TYPES.includes(f.type))) errs.attachments = t('errors.file_type');
    setErrors(errs);
    if (!errs.attachments) setFiles(next);
    if (fileInput.current) fileInput.current.value = '';
  }

  function validate(): Errors {
    const e: Errors = {};
    if (!category) e.category = t('form.chooseOne');
    if (subject === 'procedure') {
      const c = procedureCode.trim().toUpperCase();
      if (!c) e.procedureCode = t('form.required');
      else if (!PROCEDURE_CODE.test(c)) e.procedureCode = t('feedback.form.procedureCodeInvalid');
    }
    if (subject === 'dossier' || (subject === 'officer' && dossierCode.trim())) {
      const c = dossierCode.trim().toUpperCase();
      if (!c) e.dossierCode = t('form.required');
      else if (!DOSSIER_CODE.test(c)) e.dossierCode = t('lookup.badCode');
      const k = dossierCheck.trim();
      if (!k && !loggedIn) e.dossierCheck = t('form.required');
      else if (k && !CHECK.test(k)) e.dossierCheck = t('lookup.badCheck');
    }
    if ((subject === 'officer' && !dossierCode.trim()) || subject === 'general') {
      if (!agency) e.agencyCode = t('feedback.form.agencyRequired');
    }
    // without a dossier, the officer is known by the agency and the name given
    if (subject === 'officer' && !dossierCode.trim() && !officerName.trim()) e.officerName = t('feedback.form.officerRequired');
    if (title.trim().length < 3) e.title = t('feedback.form.titleTooShort');
    if (body.trim().length < 10) e.body = t('feedback.form.bodyTooShort');
    if (name.trim().length < 2) e.name = t('form.required');
    if (email.trim() && !patterns.email.test(email.trim())) e.email = t('form.invalidEmail');
    if (phone.trim() && !patterns.phone.test(phone.trim())) e.phone = t('form.invalidPhone');
    return e;
  }

  function build(): ComplaintFiling {
    const out: ComplaintFiling = {
      kind,
      subject,
      category: category as ComplaintCategory,
      title: title.trim(),
      body: body.trim(),
      complainant: { name: name.trim(), ...(email.trim() ? { email: email.trim() } : {}), ...(phone.trim() ? { phone: phone.trim() } : {}) },
      publicAnswer,
    };
    if (subject === 'procedure') out.procedureCode = procedureCode.trim().toUpperCase();
    if (subject === 'dossier' || (subject === 'officer' && dossierCode.trim())) {
      out.dossierCode = dossierCode.trim().toUpperCase();
      if (dossierCheck.trim()) out.dossierCheck = dossierCheck.trim();
    }
    if (agency && subject !== 'dossier') out.agencyCode = agency.code;
    if (subject === 'officer' && officerName.trim()) out.officerName = officerName.trim();
    return out;
  }

  const focusInvalid = () => window.setTimeout(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const errs = validate();
    setErrors(errs);
    if (Object.keys(errs).length) {
      setFormError(t('form.checkFields'));
      focusInvalid();
      return;
    }
    setFormError(null);
    setBusy(true);
    try {
      onFiled(await feedbackApi.fileComplaint(build(), files));
    } catch (err) {
      const text = feedbackErrorText(t, err);
      const reason = reasonOf(err);
      const byReason: Record<string, string> = { dossier_not_found: 'dossierCode', procedure_not_found: 'procedureCode', agency_not_found: 'agencyCode', agency_required: 'agencyCode' };
      const field = (reason && byReason[reason]) ?? (err instanceof ApiError ? err.field?.split('.').pop() : undefined);
      const known = ['procedureCode', 'dossierCode', 'dossierCheck', 'agencyCode', 'officerName', 'title', 'body', 'name', 'email', 'phone', 'attachments', 'category'];
      if (field && known.includes(field)) {
        setErrors({ [field]: text });
        focusInvalid();
      }
      setFormError(text);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <p>
        <Link to="/phan-anh-kien-nghi">{t('feedback.public.back')}</Link>
      </p>
      <h1>{t('feedback.form.title')}</h1>
      <p className="lead">{t('feedback.form.intro')}</p>
      <form ref={formRef} className="form-stack narrow-wide" onSubmit={(e) => void submit(e)} noValidate>
        <FormAlert message={formError} />
        <Choice name="kind" legend={t('feedback.form.kind')} values={COMPLAINT_KINDS} value={kind} onChange={setKind} label={(v) => t(`feedback.kind.${v}`)} hint={(v) => t(`feedback.kindHint.${v}`)} />
        <Choice name="subject" legend={t('feedback.form.subject')} values={COMPLAINT_SUBJECTS} value={subject} onChange={setSubject} label={(v) => t(`feedback.subject.${v}`)} />

        {subject === 'procedure' && (
          <>
            <Field name="procedureCode" label={t('feedback.form.procedureCode')} hint={t('feedback.form.procedureCodeHint')} value={procedureCode} onChange={setProcedureCode} error={errors.procedureCode} maxLength={40} />
            <AgencyPicker name="agencyCode" label={t('feedback.form.procedureAgency')} value={agency} onChange={setAgency} error={errors.agencyCode} optional />
          </>
        )}
        {(subject === 'dossier' || subject === 'officer') && (
          <div className="form-row">
            <Field name="dossierCode" label={t('lookup.code')} hint={t('lookup.codeHint')} value={dossierCode} onChange={setDossierCode} error={errors.dossierCode} optional={subject === 'officer'} maxLength={60} />
            <Field
              name="dossierCheck"
              label={t('lookup.check')}
              hint={loggedIn ? t('feedback.form.checkHintOwner') : t('feedback.form.checkHint')}
              value={dossierCheck}
              onChange={setDossierCheck}
              error={errors.dossierCheck}
              optional={subject === 'officer' || loggedIn}
              maxLength={6}
            />
          </div>
        )}
        {(subject === 'officer' || subject === 'general') && (
          <AgencyPicker name="agencyCode" label={subject === 'officer' ? t('feedback.form.officerAgency') : t('feedback.form.agency')} value={agency} onChange={setAgency} error={errors.agencyCode} optional={subject === 'officer' && !!dossierCode.trim()} />
        )}
        {subject === 'officer' && <Field name="officerName" label={t('feedback.form.officerName')} hint={t('feedback.form.officerNameHint')} value={officerName} onChange={setOfficerName} error={errors.officerName} optional={!!dossierCode.trim()} maxLength={120} />}

        <div className="form-group">
          <label htmlFor={`${id}-category`} className="label">
            {t('feedback.form.category')}
            <RequiredMark />
          </label>
          {errors.category && (
            <p id={`${id}-category-err`} className="field-error">
              {errors.category}
            </p>
          )}
          <select
            id={`${id}-category`}
            name="category"
            required
            value={category}
            aria-invalid={errors.category ? true : undefined}
            aria-describedby={errors.category ? `${id}-category-err` : undefined}
            onChange={(e) => setCategory(e.target.value as ComplaintCategory | '')}
          >
            <option value="">{t('feedback.form.chooseCategory')}</option>
            {COMPLAINT_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`feedback.category.${c}`)}
              </option>
            ))}
          </select>
        </div>
        <Field name="title" label={t('feedback.form.titleField')} value={title} onChange={setTitle} error={errors.title} maxLength={MAX_TITLE} />
        <TextAreaField id={`${id}-body`} label={t('feedback.form.body')} hint={t('feedback.form.bodyHint', { n: MAX_BODY })} value={body} onChange={setBody} error={errors.body} maxLength={MAX_BODY} rows={8} />

        <fieldset className="grant-fieldset">
          <legend>{t('feedback.form.complainant')}</legend>
          <p className="hint">{t('feedback.form.complainantHint')}</p>
          <Field name="name" label={t('form.fullName')} value={name} onChange={setName} error={errors.name} maxLength={120} autoComplete="name" />
          <Field name="email" type="email" label={t('form.email')} hint={t('feedback.form.emailHint')} value={email} onChange={setEmail} error={errors.email} optional maxLength={200} autoComplete="email" />
          <Field name="phone" type="tel" label={t('form.phone')} value={phone} onChange={setPhone} error={errors.phone} optional maxLength={20} autoComplete="tel" />
        </fieldset>

        <div className="form-group upload">
          <label htmlFor={`${id}-files`} className="label">
            {t('feedback.form.attachments')}
            <span className="optional"> {t('form.optional')}</span>
          </label>
          <p id={`${id}-files-hint`} className="hint">
            {t('feedback.form.attachmentsHint', { n: MAX_FILES, size: formatSize(i18n.language, MAX_FILE_BYTES) })}
          </p>
          {errors.attachments && (
            <p id={`${id}-files-err`} className="field-error">
              {errors.attachments}
            </p>
          )}
          <input
            ref={fileInput}
            id={`${id}-files`}
            name="attachments"
            type="file"
            multiple
            accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
            disabled={files.length >= MAX_FILES}
            aria-invalid={errors.attachments ? true : undefined}
            aria-describedby={[errors.attachments ? `${id}-files-err` : '', `${id}-files-hint`].filter(Boolean).join(' ')}
            onChange={(e) => onFiles(e.target.files)}
          />
          {files.length > 0 && (
            <ul className="plain attachment-list" aria-label={t('feedback.form.chosenFiles')}>
              {files.map((f, i) => (
                <li key={`${f.name}-${i}`}>
                  <span className="break">
                    {f.name} <span className="muted">({formatSize(i18n.language, f.size)})</span>
                  </span>{' '}
                  <button type="button" className="link-button" onClick={() => setFiles((o) => o.filter((_, j) => j !== i))}>
                    {t('feedback.form.removeFile', { name: f.name })}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>

        <div className="checkbox">
          <input id={`${id}-public`} type="checkbox" checked={publicAnswer} onChange={(e) => setPublicAnswer(e.target.checked)} aria-describedby={`${id}-public-hint`} />
          <label htmlFor={`${id}-public`}>
            {t('feedback.form.publicAnswer')}
            <span id={`${id}-public-hint`} className="hint block">
              {t('feedback.form.publicAnswerHint')}
            </span>
          </label>
        </div>

        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('form.sending') : t('feedback.form.submit')}
          </button>
        </div>
      </form>
    </>
  );
}

function Filed({ filed }: { filed: ComplaintFiled }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const statusPath = `/phan-anh-kien-nghi/${encodeURIComponent(filed.code)}?key=${encodeURIComponent(filed.accessKey)}`;
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        {t('feedback.filed.title')}
      </h1>
      <p className="success" role="status">
        {t('feedback.filed.intro')}
      </p>
      <dl className="summary">
        <div>
          <dt>{t('feedback.filed.code')}</dt>
          <dd>
            <strong className="check-value break">{filed.code}</strong>
          </dd>
        </div>
        <div>
          <dt>{t('feedback.filed.accessKey')}</dt>
          <dd>
            <strong className="check-value break">{filed.accessKey}</strong>
          </dd>
        </div>
        <div>
          <dt>{t('feedback.filed.agency')}</dt>
          <dd>{filed.agency.name}</dd>
        </div>
        <div>
          <dt>{t('feedback.filed.acceptDue')}</dt>
          <dd>{formatVnDateTime(filed.acceptDueAt)}</dd>
        </div>
        <div>
          <dt>{t('feedback.filed.answerDue')}</dt>
          <dd>{formatVnDateTime(filed.answerDueAt)}</dd>
        </div>
      </dl>
      <p className="alert alert-warning">{t('feedback.filed.keepKey')}</p>
      <p>
        <Link to={statusPath}>{t('feedback.filed.statusLink')}</Link>
      </p>
    </>
  );
}
