// Public look-up of a dossier by its code and the check value printed on the receipt
// (also opened from the receipt's QR code: /tra-cuu?ma=…&kiem-tra=…). No personal data.
import { useId, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client.js';
import { FormAlert, TextField, type FieldErrors } from '../ui/form.js';
import { formatVnDateTime } from '../ui/format.js';
import { Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';

const CODE = /^[A-Z0-9.]{3,40}-[0-9]{6}-[0-9]{4,6}$/;
const CHECK = /^[2-9A-Za-z]{6}$/;

export default function LookupPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('lookup.title'));
  const id = useId();
  const [sp, setSp] = useSearchParams();
  const code = (sp.get('ma') ?? '').trim().toUpperCase();
  const check = (sp.get('kiem-tra') ?? '').trim();
  const valid = CODE.test(code) && CHECK.test(check);
  const [errors, setErrors] = useState<FieldErrors>({});
  const result = useQuery({
    queryKey: ['lookup', code, check],
    queryFn: ({ signal }) => api.lookup(code, check, signal),
    enabled: valid,
    retry: false,
    staleTime: 0,
  });

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    const c = String(fd.get('ma') ?? '').trim().toUpperCase();
    const k = String(fd.get('kiem-tra') ?? '').trim();
    const errs: FieldErrors = {};
    if (!c) errs.ma = t('form.required');
    else if (!CODE.test(c)) errs.ma = t('lookup.badCode');
    if (!k) errs['kiem-tra'] = t('form.required');
    else if (!CHECK.test(k)) errs['kiem-tra'] = t('lookup.badCheck');
    setErrors(errs);
    if (Object.keys(errs).length > 0) {
      window.setTimeout(() => e.currentTarget?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
      return;
    }
    setSp({ ma: c, 'kiem-tra': k });
  }

  const notFound = result.isError && result.error instanceof ApiError && (result.error.status === 404 || result.error.status === 400);
  const d = result.data;
  return (
    <div className="narrow">
      <h1>{t('lookup.title')}</h1>
      <p>{t('lookup.intro')}</p>
      <form className="card form-stack" noValidate onSubmit={onSubmit} key={`${code}|${check}`}>
        <FormAlert message={Object.keys(errors).length ? t('form.checkFields') : null} />
        <TextField name="ma" label={t('lookup.code')} defaultValue={code} autoComplete="off" spellCheck={false} error={errors.ma} hint={t('lookup.codeHint')} />
        <TextField name="kiem-tra" label={t('lookup.check')} defaultValue={check} autoComplete="off" spellCheck={false} maxLength={6} error={errors['kiem-tra']} />
        <div className="form-actions">
          <button type="submit" className="button">
            {t('lookup.submit')}
          </button>
        </div>
      </form>
      <section aria-labelledby={`${id}-res`} className="section" aria-live="polite">
        <h2 id={`${id}-res`} className={valid ? undefined : 'sr-only'}>
          {t('lookup.result')}
        </h2>
        {valid && result.isPending && <Loading />}
        {notFound && (
          <div className="alert alert-error" role="alert">
            <p>{t('lookup.notFound')}</p>
          </div>
        )}
        {result.isError && !notFound && (
          <div className="alert alert-error" role="alert">
            <p>{t('status.error')}</p>
          </div>
        )}
        {d && (
          <dl className="summary card">
            <div>
              <dt>{t('dossier.code')}</dt>
              <dd className="break">{d.code}</dd>
            </div>
            <div>
              <dt>{t('dossier.procedure')}</dt>
              <dd>{d.procedureName}</dd>
            </div>
            <div>
              <dt>{t('dossier.agency')}</dt>
              <dd>{d.agencyName}</dd>
            </div>
            <div>
              <dt>{t('dossier.status')}</dt>
              <dd>
                <strong>{i18n.language === 'en' ? d.publicStatusEn : d.publicStatus}</strong>
              </dd>
            </div>
            <div>
              <dt>{t('dossier.receivedAt')}</dt>
              <dd>{d.receivedAt ? formatVnDateTime(d.receivedAt) : '—'}</dd>
            </div>
            <div>
              <dt>{t('dossier.dueAt')}</dt>
              <dd>{d.dueAt ? formatVnDateTime(d.dueAt) : '—'}</dd>
            </div>
          </dl>
        )}
      </section>
    </div>
  );
}
