import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { ONLINE_LEVELS, PROCEDURE_LEVELS } from '../api/types.js';
import { Loading, ErrorMessage } from '../ui/Status.js';
import { localName } from '../ui/format.js';
import { usePageTitle } from '../ui/usePageTitle.js';

export function HomePage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const fields = useQuery({ queryKey: ['fields'], queryFn: ({ signal }) => api.fields(signal) });
  usePageTitle(t('home.title'));

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const query = q.trim();
    void navigate(query ? `/thu-tuc?q=${encodeURIComponent(query)}` : '/thu-tuc');
  }

  return (
    <>
      <section className="hero" aria-labelledby="home-title">
        <h1 id="home-title">{t('home.title')}</h1>
        <p className="lead">{t('home.intro')}</p>
        <form role="search" className="search-form" onSubmit={onSubmit}>
          <label htmlFor="home-q" className="label">
            {t('home.searchLabel')}
          </label>
          <div className="search-row">
            <input
              id="home-q"
              name="q"
              type="search"
              value={q}
              maxLength={200}
              autoComplete="off"
              placeholder={t('home.searchPlaceholder')}
              onChange={(e) => setQ(e.target.value)}
            />
            <button type="submit" className="button">
              {t('home.searchButton')}
            </button>
          </div>
        </form>
      </section>

      <div className="browse-grid">
        <section aria-labelledby="by-field" className="card">
          <h2 id="by-field">{t('home.byField')}</h2>
          {fields.isPending ? (
            <Loading />
          ) : fields.isError ? (
            <ErrorMessage error={fields.error} onRetry={() => void fields.refetch()} />
          ) : (
            <ul className="link-list">
              {fields.data.items.map((f) => (
                <li key={f.code}>
                  <Link to={`/thu-tuc?field=${encodeURIComponent(f.code)}`}>{localName(i18n.language, f.name, f.nameEn)}</Link>{' '}
                  <span className="muted">({t('home.procedureCount', { count: f.procedureCount })})</span>
                </li>
              ))}
            </ul>
          )}
          <p>
            <Link to="/thu-tuc">{t('home.allProcedures')}</Link>
          </p>
        </section>

        <section aria-labelledby="by-level" className="card">
          <h2 id="by-level">{t('home.byLevel')}</h2>
          <ul className="link-list">
            {PROCEDURE_LEVELS.map((l) => (
              <li key={l}>
                <Link to={`/thu-tuc?level=${l}`}>{t(`level.${l}`)}</Link>
              </li>
            ))}
          </ul>
          <h2 id="by-online">{t('home.byOnline')}</h2>
          <ul className="link-list">
            {ONLINE_LEVELS.filter((l) => l !== 'none').map((l) => (
              <li key={l}>
                <Link to={`/thu-tuc?onlineLevel=${l}`}>{t(`online.${l}`)}</Link>
              </li>
            ))}
          </ul>
          <h2 id="by-agency">{t('home.byAgency')}</h2>
          <ul className="link-list">
            <li>
              <Link to="/co-quan">{t('home.byAgencyLink')}</Link>
            </li>
            <li>
              <Link to="/lien-thong">{t('home.groupsLink')}</Link>
            </li>
          </ul>
        </section>
      </div>
    </>
  );
}
