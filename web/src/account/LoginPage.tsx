import { useRef, useState, type FormEvent } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { FormAlert, TextField, patterns, useFormErrors, type FieldErrors } from '../ui/form.js';
import { homeOf, safeNext, useMe, useSetMe } from '../ui/session.js';
import { Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';

export default function LoginPage() {
  const { t } = useTranslation();
  usePageTitle(t('login.title'));
  const [searchParams] = useSearchParams();
  const next = safeNext(searchParams.get('next'));
  const me = useMe();
  const setMe = useSetMe();
  const oidc = useQuery({ queryKey: ['oidc-status'], queryFn: ({ signal }) => api.oidcStatus(signal), retry: false });
  const { fieldErrors, formError, check, fromApi } = useFormErrors();
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  if (me.isPending) return <Loading />;
  if (me.data) return <Navigate to={next ?? homeOf(me.data)} replace />;

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const fd = new FormData(form);
    const email = String(fd.get('email') ?? '').trim();
    const password = String(fd.get('password') ?? '');
    const errors: FieldErrors = {};
    if (!email) errors.email = t('form.required');
    else if (!patterns.email.test(email)) errors.email = t('form.invalidEmail');
    if (!password) errors.password = t('form.required');
    if (!check(form, errors)) return;
    setBusy(true);
    try {
      setMe(await api.login(email, password));
    } catch (err) {
      fromApi(formRef.current, err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="narrow">
      <h1>{t('login.title')}</h1>
      <form ref={formRef} className="card form-stack" noValidate onSubmit={(e) => void onSubmit(e)}>
        <FormAlert message={formError} />
        <TextField name="email" type="email" label={t('form.email')} autoComplete="username" error={fieldErrors.email} />
        <TextField
          name="password"
          type="password"
          label={t('form.password')}
          autoComplete="current-password"
          error={fieldErrors.password}
        />
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('form.sending') : t('login.submit')}
          </button>
        </div>
        <p>
          <Link to="/quen-mat-khau">{t('login.forgot')}</Link>
        </p>
      </form>
      {oidc.data?.enabled === true && (
        <p className="alt-login">
          <a className="button button-secondary" href="/api/auth/oidc/login">
            {t('login.oidc')}
          </a>
        </p>
      )}
      <p>
        {t('login.noAccount')} <Link to="/dang-ky">{t('login.registerLink')}</Link>
      </p>
    </div>
  );
}
