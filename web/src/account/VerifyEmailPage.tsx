import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { apiErrorText } from '../ui/form.js';
import { Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';

export default function VerifyEmailPage() {
  const { t } = useTranslation();
  usePageTitle(t('verify.title'));
  const [searchParams] = useSearchParams();
  const token = searchParams.get('token') ?? '';
  // A query rather than an effect: it runs once per token, even under StrictMode.
  const verify = useQuery({
    queryKey: ['verify-email', token],
    queryFn: () => api.verifyEmail(token),
    enabled: token !== '',
    retry: false,
    staleTime: Infinity,
    gcTime: Infinity,
  });

  return (
    <div className="narrow">
      <h1>{t('verify.title')}</h1>
      {token === '' ? (
        <div className="alert alert-error" role="alert">
          <p>{t('errors.token_invalid')}</p>
        </div>
      ) : verify.isPending ? (
        <Loading />
      ) : verify.isError ? (
        <div className="alert alert-error" role="alert">
          <p>{apiErrorText(t, verify.error)}</p>
        </div>
      ) : (
        <div className="alert alert-info" role="status">
          <p>{t('verify.done')}</p>
        </div>
      )}
      <p>
        <Link to="/dang-nhap">{t('verify.toLogin')}</Link>
      </p>
    </div>
  );
}
