import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { RegisterRequest } from '../api/types.js';
import { FormAlert, MIN_PASSWORD, TextField, patterns, useFormErrors, type FieldErrors } from '../ui/form.js';
import { usePageTitle } from '../ui/usePageTitle.js';

type Kind = 'citizen' | 'business';

function text(fd: FormData, name: string): string {
  return String(fd.get(name) ?? '').trim();
}

export default function RegisterPage() {
  const { t } = useTranslation();
  usePageTitle(t('register.title'));
  const id = useId();
  const [kind, setKind] = useState<Kind>('citizen');
  const { fieldErrors, formError, check, fromApi, clear } = useFormErrors();
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const doneRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (sentTo) doneRef.current?.focus();
  }, [sentTo]);

  function validate(fd: FormData): FieldErrors {
    const errors: FieldErrors = {};
    const required = (name: string) => {
      if (!text(fd, name)) errors[name] = t('form.required');
    };
    required('fullName');
    required('email');
    const email = text(fd, 'email');
    if (email && !patterns.email.test(email)) errors.email = t('form.invalidEmail');
    const password = String(fd.get('password') ?? '');
    if (!password) errors.password = t('form.required');
    else if (password.length < MIN_PASSWORD) errors.password = t('form.passwordTooShort', { n: MIN_PASSWORD });
    const phone = text(fd, 'phone');
    if (phone && !patterns.phone.test(phone)) errors.phone = t('form.invalidPhone');
    if (kind === 'citizen') {
      const cid = text(fd, 'citizenId');
      if (!cid) errors.citizenId = t('form.required');
      else if (!patterns.citizenId.test(cid)) errors.citizenId = t('form.invalidCitizenId');
      const dob = text(fd, 'dateOfBirth');
      if (!dob) errors.dateOfBirth = t('form.required');
      else if (!patterns.date.test(dob)) errors.dateOfBirth = t('form.invalidDate');
      if (!fd.get('gender')) errors.gender = t('form.chooseOne');
    } else {
      const tax = text(fd, 'taxCode');
      if (!tax) errors.taxCode = t('form.required');
      else if (!patterns.taxCode.test(tax)) errors.taxCode = t('form.invalidTaxCode');
    }
    return errors;
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const fd = new FormData(form);
    if (!check(form, validate(fd))) return;
    const common = {
      email: text(fd, 'email'),
      password: String(fd.get('password') ?? ''),
      fullName: text(fd, 'fullName'),
      ...(text(fd, 'phone') ? { phone: text(fd, 'phone') } : {}),
      ...(text(fd, 'address') ? { address: text(fd, 'address') } : {}),
    };
    const body: RegisterRequest =
      kind === 'citizen'
        ? {
            kind,
            ...common,
            citizenId: text(fd, 'citizenId'),
            dateOfBirth: text(fd, 'dateOfBirth'),
            gender: text(fd, 'gender') === 'female' ? 'female' : 'male',
          }
        : { kind, ...common, taxCode: text(fd, 'taxCode') };
    setBusy(true);
    try {
      const res = await api.register(body);
      setSentTo(res.email);
    } catch (err) {
      fromApi(form, err);
    } finally {
      setBusy(false);
    }
  }

  if (sentTo) {
    return (
      <div className="narrow">
        <h1 ref={doneRef} tabIndex={-1}>
          {t('register.doneTitle')}
        </h1>
        <div className="alert alert-info" role="status">
          <p>{t('register.done', { email: sentTo })}</p>
        </div>
        <p>
          <Link to="/dang-nhap">{t('verify.toLogin')}</Link>
        </p>
      </div>
    );
  }

  const genderError = fieldErrors.gender;
  return (
    <div className="narrow">
      <h1>{t('register.title')}</h1>
      <p>{t('register.intro')}</p>
      <form className="card form-stack" noValidate onSubmit={(e) => void onSubmit(e)}>
        <FormAlert message={formError} />
        <fieldset className="choice">
          <legend className="label">{t('register.kind')}</legend>
          {(['citizen', 'business'] as const).map((k) => (
            <div key={k} className="radio">
              <input
                type="radio"
                id={`${id}-kind-${k}`}
                name="kind"
                value={k}
                checked={kind === k}
                onChange={() => {
                  setKind(k);
                  clear();
                }}
              />
              <label htmlFor={`${id}-kind-${k}`}>{t(`register.kind_${k}`)}</label>
            </div>
          ))}
        </fieldset>

        <TextField
          key={`name-${kind}`}
          name="fullName"
          label={kind === 'citizen' ? t('form.fullName') : t('form.businessName')}
          autoComplete={kind === 'citizen' ? 'name' : 'organization'}
          maxLength={kind === 'citizen' ? 200 : 300}
          error={fieldErrors.fullName}
        />
        {kind === 'citizen' ? (
          <>
            <TextField
              name="citizenId"
              label={t('form.citizenId')}
              inputMode="numeric"
              autoComplete="off"
              maxLength={12}
              hint={t('form.citizenIdHint')}
              error={fieldErrors.citizenId}
            />
            <TextField name="dateOfBirth" type="date" label={t('form.dateOfBirth')} autoComplete="bday" error={fieldErrors.dateOfBirth} />
            <fieldset
              className="choice"
              aria-describedby={genderError ? `${id}-gender-error` : undefined}
            >
              <legend className="label">{t('form.gender')}</legend>
              {genderError && (
                <p id={`${id}-gender-error`} className="field-error">
                  {genderError}
                </p>
              )}
              {(['male', 'female'] as const).map((g) => (
                <div key={g} className="radio">
                  <input type="radio" id={`${id}-gender-${g}`} name="gender" value={g} required aria-invalid={genderError ? true : undefined} />
                  <label htmlFor={`${id}-gender-${g}`}>{t(`gender.${g}`)}</label>
                </div>
              ))}
            </fieldset>
          </>
        ) : (
          <TextField
            name="taxCode"
            label={t('form.taxCode')}
            inputMode="numeric"
            autoComplete="off"
            maxLength={14}
            hint={t('form.taxCodeHint')}
            error={fieldErrors.taxCode}
          />
        )}
        <TextField name="email" type="email" label={t('form.email')} autoComplete="email" maxLength={200} error={fieldErrors.email} />
        <TextField
          name="password"
          type="password"
          label={t('form.password')}
          autoComplete="new-password"
          maxLength={128}
          hint={t('form.passwordHint', { n: MIN_PASSWORD })}
          error={fieldErrors.password}
        />
        <TextField name="phone" type="tel" label={t('form.phone')} autoComplete="tel" optional error={fieldErrors.phone} />
        <TextField name="address" label={t('form.address')} autoComplete="street-address" maxLength={500} optional error={fieldErrors.address} />
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('form.sending') : t('register.submit')}
          </button>
        </div>
      </form>
      <p>
        {t('register.haveAccount')} <Link to="/dang-nhap">{t('account.login')}</Link>
      </p>
    </div>
  );
}
