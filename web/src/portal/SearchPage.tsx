import { useId, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { ONLINE_LEVELS, PROCEDURE_LEVELS, type SearchParams } from '../api/types.js';
import { ErrorMessage } from '../ui/Status.js';
import { OnlineBadge } from '../ui/Badges.js';
import { formatTimeLimit, localName } from '../ui/format.js';
import { usePageTitle } from '../ui/usePageTitle.js';

const PAGE_SIZE = 20;
const FILTER_KEYS = ['q', 'field', 'level', 'onlineLevel', 'agency'] as const;

function readParams(sp: URLSearchParams): SearchParams {
  const page = Number.parseInt(sp.get('page') ?? '1', 10);
  const out: SearchParams = { page: Number.isFinite(page) && page > 0 ? page : 1, pageSize: PAGE_SIZE };
  for (const k of FILTER_KEYS) {
    const v = sp.get(k)?.trim();
    if (v) out[k] = v;
  }
  return out;
}

function toSearch(p: SearchParams, overrides: Partial<SearchParams> = {}): string {
  const sp = new URLSearchParams();
  const merged = { ...p, ...overrides };
  for (const k of FILTER_KEYS) {
    const v = merged[k];
    if (v) sp.set(k, v);
  }
  if (merged.page && merged.page > 1) sp.set('page', String(merged.page));
  const s = sp.toString();
  return s ? `?${s}` : '';
}

export default function SearchPage() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const params = readParams(searchParams);
  const id = useId();
  usePageTitle(params.q ? `${t('search.title')}: ${params.q}` : t('search.title'));

  const fields = useQuery({ queryKey: ['fields'], queryFn: ({ signal }) => api.fields(signal) });
  const results = useQuery({
    queryKey: ['procedures', params],
    queryFn: ({ signal }) => api.searchProcedures(params, signal),
    placeholderData: keepPreviousData,
  });

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    const next: SearchParams = { page: 1 };
    for (const k of FILTER_KEYS) {
      const v = fd.get(k);
      if (typeof v === 'string' && v.trim()) next[k] = v.trim();
    }
    if (params.agency) next.agency = params.agency;
    void navigate(`/thu-tuc${toSearch(next)}`);
  }

  const data = results.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  return (
    <>
      <h1>{t('search.title')}</h1>
      <form role="search" className="filters card" onSubmit={onSubmit} key={searchParams.toString()}>
        <div className="form-group form-group-wide">
          <label htmlFor={`${id}-q`} className="label">
            {t('home.searchLabel')}
          </label>
          <input
            id={`${id}-q`}
            name="q"
            type="search"
            maxLength={200}
            autoComplete="off"
            defaultValue={params.q ?? ''}
            placeholder={t('home.searchPlaceholder')}
          />
        </div>
        <div className="form-group">
          <label htmlFor={`${id}-field`} className="label">
            {t('search.field')}
          </label>
          <select id={`${id}-field`} name="field" defaultValue={params.field ?? ''}>
            <option value="">{t('search.any')}</option>
            {fields.data?.items.map((f) => (
              <option key={f.code} value={f.code}>
                {localName(lng, f.name, f.nameEn)}
              </option>
            ))}
            {params.field && fields.data && !fields.data.items.some((f) => f.code === params.field) && (
              <option value={params.field}>{params.field}</option>
            )}
          </select>
        </div>
        <div className="form-group">
          <label htmlFor={`${id}-level`} className="label">
            {t('search.level')}
          </label>
          <select id={`${id}-level`} name="level" defaultValue={params.level ?? ''}>
            <option value="">{t('search.any')}</option>
            {PROCEDURE_LEVELS.map((l) => (
              <option key={l} value={l}>
                {t(`level.${l}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="form-group">
          <label htmlFor={`${id}-online`} className="label">
            {t('search.onlineLevel')}
          </label>
          <select id={`${id}-online`} name="onlineLevel" defaultValue={params.onlineLevel ?? ''}>
            <option value="">{t('search.any')}</option>
            {ONLINE_LEVELS.map((l) => (
              <option key={l} value={l}>
                {t(`online.${l}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="form-actions">
          <button type="submit" className="button">
            {t('home.searchButton')}
          </button>
          <Link to="/thu-tuc" className="button button-secondary">
            {t('search.reset')}
          </Link>
        </div>
        {params.agency && (
          <p className="chip-row">
            <span className="chip">{t('search.agency', { code: params.agency })}</span>{' '}
            <Link to={`/thu-tuc${toSearch(params, { agency: undefined, page: 1 })}`}>
              {t('search.clearAgency', { code: params.agency })}
            </Link>
          </p>
        )}
      </form>

      <section aria-labelledby="results-title" aria-busy={results.isFetching}>
        <h2 id="results-title">{t('search.results')}</h2>
        <p role="status" aria-live="polite" className="result-count">
          {results.isPending || (results.isFetching && results.isPlaceholderData)
            ? t('status.loading')
            : data
              ? t('search.total', { count: data.total })
              : ''}
        </p>
        {results.isError && <ErrorMessage error={results.error} onRetry={() => void results.refetch()} />}
        {data && data.items.length === 0 && <p>{t('search.none')}</p>}
        {data && data.items.length > 0 && (
          <ol className="results" start={(data.page - 1) * data.pageSize + 1}>
            {data.items.map((p) => (
              <li key={p.nationalCode} className="result card">
                <h3 className="result-title">
                  <Link to={`/thu-tuc/${encodeURIComponent(p.nationalCode)}`}>{localName(lng, p.name, p.nameEn)}</Link>
                </h3>
                <dl className="meta">
                  <div>
                    <dt>{t('search.code')}</dt>
                    <dd>{p.nationalCode}</dd>
                  </div>
                  <div>
                    <dt>{t('search.field')}</dt>
                    <dd>{p.fieldName}</dd>
                  </div>
                  <div>
                    <dt>{t('search.level')}</dt>
                    <dd>{p.levels.map((l) => t(`level.${l}`)).join(', ')}</dd>
                  </div>
                  <div>
                    <dt>{t('search.timeLimit')}</dt>
                    <dd>{formatTimeLimit(t, lng, p.timeLimit)}</dd>
                  </div>
                </dl>
                <p className="badges">
                  <OnlineBadge level={p.onlineLevel} />{' '}
                  <span className={p.hasFee ? 'badge badge-fee' : 'badge badge-free'}>
                    {p.hasFee ? t('search.fee') : t('search.free')}
                  </span>
                </p>
              </li>
            ))}
          </ol>
        )}
        {data && pages > 1 && (
          <nav className="pagination" aria-label={t('pagination.label')}>
            {data.page > 1 ? (
              <Link to={`/thu-tuc${toSearch(params, { page: data.page - 1 })}`} rel="prev">
                {t('pagination.previous')}
              </Link>
            ) : (
              <span />
            )}
            <span aria-current="page">{t('pagination.pageOf', { page: data.page, pages })}</span>
            {data.page < pages ? (
              <Link to={`/thu-tuc${toSearch(params, { page: data.page + 1 })}`} rel="next">
                {t('pagination.next')}
              </Link>
            ) : (
              <span />
            )}
          </nav>
        )}
      </section>
    </>
  );
}
