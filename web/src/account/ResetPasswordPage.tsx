import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { FormAlert, MIN_PASSWORD, TextField, useFormErrors, type FieldErrors } from '../ui/form.js';
import { usePageTitle } from '../ui/usePageTitle.js';

export default function ResetPasswordPage() {
  const { t } = useTranslation();
  usePageTitle(t('reset.title'));
  const [searchParams] = useSearchParams();
  const token = searchParams.get('token') ?? '';
  const { fieldErrors, formError, check, fromApi } = useFormErrors();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const fd = new FormData(form);
    const password = String(fd.get('password') ?? '');
    const confirm = String(fd.get('confirm') ?? '');
    const errors: FieldErrors = {};
    if (!password) errors.password = t('form.required');
    else if (password.length < MIN_PASSWORD) errors.password = t('form.passwordTooShort', { n: MIN_PASSWORD });
    if (!confirm) errors.confirm = t('form.required');
    else if (password && confirm !== password) errors.confirm = t('form.passwordMismatch');
    if (!check(form, errors)) return;
    setBusy(true);
    try {
      await api.confirmPasswordReset(token, password);
      setDone(true);
    } catch (err) {
      fromApi(form, err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="narrow">
      <h1>{t('reset.title')}</h1>
      <div role="status">
        {done && (
          <div className="alert alert-info">
            <p>{t('reset.done')}</p>
          </div>
        )}
      </div>
      {!token && (
        <div className="alert alert-error" role="alert">
          <p>{t('errors.token_invalid')}</p>
        </div>
      )}
      {token && !done && (
        <form className="card form-stack" noValidate onSubmit={(e) => void onSubmit(e)}>
          <FormAlert message={formError} />
          <TextField
            name="password"
            type="password"
            label={t('form.newPassword')}
            autoComplete="new-password"
            hint={t('form.passwordHint', { n: MIN_PASSWORD })}
            error={fieldErrors.password}
          />
          <TextField
            name="confirm"
            type="password"
            label={t('form.confirmPassword')}
            autoComplete="new-password"
            error={fieldErrors.confirm}
          />
          <div className="form-actions">
            <button type="submit" className="button" disabled={busy}>
              {busy ? t('form.sending') : t('reset.submit')}
            </button>
          </div>
        </form>
      )}
      <p>
        {token && !done ? <Link to="/quen-mat-khau">{t('reset.again')}</Link> : <Link to="/dang-nhap">{t('verify.toLogin')}</Link>}
      </p>
    </div>
  );
}
