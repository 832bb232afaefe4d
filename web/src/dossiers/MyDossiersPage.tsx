import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { formatVnDateTime } from '../ui/format.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { StatusBadge } from './parts.js';

export default function MyDossiersPage() {
  const { t } = useTranslation();
  usePageTitle(t('myDossiers.title'));
  return <RequireAuth>{() => <MyDossiers />}</RequireAuth>;
}

function MyDossiers() {
  const { t } = useTranslation();
  const list = useQuery({ queryKey: ['my-dossiers'], queryFn: ({ signal }) => api.myDossiers(signal), staleTime: 0 });
  return (
    <>
      <h1>{t('myDossiers.title')}</h1>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <p>
          {t('myDossiers.none')} <Link to="/thu-tuc">{t('myDossiers.find')}</Link>
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table-stack">
            <caption className="sr-only">{t('myDossiers.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dossier.code')}</th>
                <th scope="col">{t('dossier.procedure')}</th>
                <th scope="col">{t('dossier.agency')}</th>
                <th scope="col">{t('dossier.status')}</th>
                <th scope="col">{t('dossier.submittedAt')}</th>
                <th scope="col">{t('dossier.dueAt')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((d) => (
                <tr key={d.code}>
                  <td data-label={t('dossier.code')} className="break">
                    <Link to={`/ho-so/${encodeURIComponent(d.code)}`}>{d.code}</Link>
                  </td>
                  <td data-label={t('dossier.procedure')}>{d.procedureName}</td>
                  <td data-label={t('dossier.agency')}>{d.agencyName}</td>
                  <td data-label={t('dossier.status')}>
                    <StatusBadge status={d.status} text={d.publicStatus} />
                  </td>
                  <td data-label={t('dossier.submittedAt')}>{formatVnDateTime(d.submittedAt)}</td>
                  <td data-label={t('dossier.dueAt')}>{d.dueAt ? formatVnDateTime(d.dueAt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
