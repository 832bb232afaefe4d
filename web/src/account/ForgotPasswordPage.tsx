import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { FormAlert, TextField, patterns, useFormErrors, type FieldErrors } from '../ui/form.js';
import { usePageTitle } from '../ui/usePageTitle.js';

export default function ForgotPasswordPage() {
  const { t } = useTranslation();
  usePageTitle(t('forgot.title'));
  const { fieldErrors, formError, check, fromApi } = useFormErrors();
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const email = String(new FormData(form).get('email') ?? '').trim();
    const errors: FieldErrors = {};
    if (!email) errors.email = t('form.required');
    else if (!patterns.email.test(email)) errors.email = t('form.invalidEmail');
    if (!check(form, errors)) return;
    setBusy(true);
    try {
      await api.requestPasswordReset(email);
      setSentTo(email);
    } catch (err) {
      fromApi(form, err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="narrow">
      <h1>{t('forgot.title')}</h1>
      <div role="status">
        {sentTo && (
          <div className="alert alert-info">
            <p>{t('forgot.sent', { email: sentTo })}</p>
          </div>
        )}
      </div>
      {!sentTo && (
        <form className="card form-stack" noValidate onSubmit={(e) => void onSubmit(e)}>
          <p>{t('forgot.intro')}</p>
          <FormAlert message={formError} />
          <TextField name="email" type="email" label={t('form.email')} autoComplete="email" error={fieldErrors.email} />
          <div className="form-actions">
            <button type="submit" className="button" disabled={busy}>
              {busy ? t('form.sending') : t('forgot.submit')}
            </button>
          </div>
        </form>
      )}
      <p>
        <Link to="/dang-nhap">{t('verify.toLogin')}</Link>
      </p>
    </div>
  );
}
