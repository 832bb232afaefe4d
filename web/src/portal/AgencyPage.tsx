import { Link, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { Agency } from '../api/types.js';
import { ErrorMessage, Loading, isNotFound } from '../ui/Status.js';
import { OnlineBadge } from '../ui/Badges.js';
import { UnverifiedNotice } from '../ui/Badges.js';
import { formatTimeLimit, localName } from '../ui/format.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { NotFoundPage } from './NotFoundPage.js';

const PAGE_SIZE = 20;

export default function AgencyPage() {
  const { code = '' } = useParams();
  const { i18n } = useTranslation();
  const agency = useQuery({ queryKey: ['agency', code], queryFn: ({ signal }) => api.agency(code, signal) });
  usePageTitle(agency.data ? localName(i18n.language, agency.data.name, agency.data.nameEn) : undefined);
  if (agency.isPending) return <Loading />;
  if (agency.isError) {
    if (isNotFound(agency.error)) return <NotFoundPage />;
    return <ErrorMessage error={agency.error} onRetry={() => void agency.refetch()} />;
  }
  return <AgencyView a={agency.data} />;
}

function AgencyView({ a }: { a: Agency }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const parent = useQuery({
    queryKey: ['agency', a.parentCode],
    queryFn: ({ signal }) => api.agency(a.parentCode ?? '', signal),
    enabled: a.parentCode !== null,
  });
  const children = useQuery({
    queryKey: ['agencies', a.code],
    queryFn: ({ signal }) => api.agencies(a.code, signal),
    enabled: a.childCount > 0,
  });
  const procs = useQuery({
    queryKey: ['procedures', { agency: a.code, page: 1, pageSize: PAGE_SIZE }],
    queryFn: ({ signal }) => api.searchProcedures({ agency: a.code, page: 1, pageSize: PAGE_SIZE }, signal),
  });
  const name = localName(lng, a.name, a.nameEn);

  return (
    <>
      <h1>{name}</h1>
      {lng === 'en' && a.nameEn && (
        <p className="subtitle" lang="vi">
          {a.name}
        </p>
      )}
      {!a.verified && <UnverifiedNotice note={a.note} />}
      <section aria-labelledby="agency-info">
        <h2 id="agency-info">{t('agencies.info')}</h2>
        <dl className="summary">
          <div>
            <dt>{t('agencies.code')}</dt>
            <dd>{a.code}</dd>
          </div>
          <div>
            <dt>{t('agencies.level')}</dt>
            <dd>{t(`agencyLevel.${a.level}`)}</dd>
          </div>
          {a.parentCode && (
            <div>
              <dt>{t('agencies.parent')}</dt>
              <dd>
                <Link to={`/co-quan/${encodeURIComponent(a.parentCode)}`}>
                  {parent.data ? localName(lng, parent.data.name, parent.data.nameEn) : a.parentCode}
                </Link>
              </dd>
            </div>
          )}
          <div>
            <dt>{t('agencies.address')}</dt>
            <dd>{a.address}</dd>
          </div>
          {a.phone && (
            <div>
              <dt>{t('agencies.phone')}</dt>
              <dd>
                <a href={`tel:${a.phone.replace(/[^0-9+]/g, '')}`}>{a.phone}</a>
              </dd>
            </div>
          )}
          {a.email && (
            <div>
              <dt>{t('agencies.email')}</dt>
              <dd>
                <a href={`mailto:${a.email}`}>{a.email}</a>
              </dd>
            </div>
          )}
          {a.website && (
            <div>
              <dt>{t('agencies.website')}</dt>
              <dd>
                <a href={a.website} rel="noopener noreferrer" className="break">
                  {a.website}
                </a>
              </dd>
            </div>
          )}
          <div>
            <dt>{t('agencies.oneStop')}</dt>
            <dd>{a.hasOneStopDesk ? t('agencies.hasOneStop') : t('agencies.noOneStop')}</dd>
          </div>
        </dl>
      </section>

      {a.childCount > 0 && (
        <section aria-labelledby="agency-children">
          <h2 id="agency-children">{t('agencies.subunits')}</h2>
          {children.isPending ? (
            <Loading />
          ) : children.isError ? (
            <ErrorMessage error={children.error} onRetry={() => void children.refetch()} />
          ) : (
            <ul className="link-list columns">
              {children.data.items.map((c) => (
                <li key={c.code}>
                  <Link to={`/co-quan/${encodeURIComponent(c.code)}`}>{localName(lng, c.name, c.nameEn)}</Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      <section aria-labelledby="agency-procs">
        <h2 id="agency-procs">{t('agencies.procedures')}</h2>
        {procs.isPending ? (
          <Loading />
        ) : procs.isError ? (
          <ErrorMessage error={procs.error} onRetry={() => void procs.refetch()} />
        ) : procs.data.items.length === 0 ? (
          <p>{t('agencies.noProcedures')}</p>
        ) : (
          <>
            <ul className="results compact">
              {procs.data.items.map((p) => (
                <li key={p.nationalCode} className="result">
                  <Link to={`/thu-tuc/${encodeURIComponent(p.nationalCode)}`}>{localName(lng, p.name, p.nameEn)}</Link>{' '}
                  <span className="muted">· {formatTimeLimit(t, lng, p.timeLimit)}</span> <OnlineBadge level={p.onlineLevel} />
                </li>
              ))}
            </ul>
            {procs.data.total > procs.data.items.length && (
              <p>
                <Link to={`/thu-tuc?agency=${encodeURIComponent(a.code)}`}>
                  {t('agencies.allProcedures', { count: procs.data.total })}
                </Link>
              </p>
            )}
          </>
        )}
      </section>
    </>
  );
}
