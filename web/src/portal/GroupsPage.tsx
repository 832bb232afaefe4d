import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { formatTimeLimit, localName } from '../ui/format.js';
import { usePageTitle } from '../ui/usePageTitle.js';

export default function GroupsPage() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  usePageTitle(t('groups.title'));
  const groups = useQuery({ queryKey: ['groups'], queryFn: ({ signal }) => api.groups(signal) });
  return (
    <>
      <h1>{t('groups.title')}</h1>
      <p className="lead">{t('groups.intro')}</p>
      {groups.isPending ? (
        <Loading />
      ) : groups.isError ? (
        <ErrorMessage error={groups.error} onRetry={() => void groups.refetch()} />
      ) : groups.data.items.length === 0 ? (
        <p>{t('groups.none')}</p>
      ) : (
        <ul className="results">
          {groups.data.items.map((g) => (
            <li key={g.code} className="result card">
              <h2 className="result-title">
                <Link to={`/lien-thong/${encodeURIComponent(g.code)}`}>{localName(lng, g.name, g.nameEn)}</Link>
              </h2>
              <p>{g.description}</p>
              <p className="muted">
                {t('groups.memberCount', { count: g.members.length })} · {t('groups.receivingLevel')}:{' '}
                {t(`agencyLevel.${g.receivingLevel}`)} · {t('groups.timeLimit')}: {formatTimeLimit(t, lng, g.timeLimit)}
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
