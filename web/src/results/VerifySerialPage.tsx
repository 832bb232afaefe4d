// What the QR code of an e-result opens (/xac-minh/:serial): the result's status in words,
// issuer, dates and key fields, as the register of results holds them; and the way to check
// the file itself (its digital signature) on /xac-minh.
import { Link, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, isNotFound, Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { resultsApi } from './api.js';
import { VerdictPanel } from './parts.js';

export default function VerifySerialPage() {
  const { t } = useTranslation();
  const { serial = '' } = useParams();
  usePageTitle(t('results.serialPage.title', { serial }));
  const q = useQuery({ queryKey: ['verify', serial], queryFn: ({ signal }) => resultsApi.bySerial(serial, signal), retry: false });
  return (
    <>
      <p>
        <Link to="/xac-minh">{t('results.serialPage.back')}</Link>
      </p>
      <h1>{t('results.serialPage.title', { serial })}</h1>
      <div aria-live="polite">
        {q.isPending ? (
          <Loading />
        ) : q.isError ? (
          isNotFound(q.error) || (q.error as { status?: number }).status === 400 ? (
            <div className="alert alert-error" role="alert" data-verdict="unknown_result">
              <h2 style={{ marginTop: 0 }}>{t('results.verdict.unknown_result')}</h2>
              <p>{t('results.verdictHint.unknown_result')}</p>
            </div>
          ) : (
            <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />
          )
        ) : (
          <VerdictPanel outcome={{ verdict: q.data.verdict, result: q.data }} />
        )}
      </div>
      <p className="section">{t('results.serialPage.checkFile')} <Link to="/xac-minh">{t('results.serialPage.checkFileLink')}</Link></p>
    </>
  );
}
