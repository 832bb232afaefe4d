// The dossier register (sổ theo dõi hồ sơ) of an agency for a year: a table, an Excel
// export and printing (print CSS hides the navigation and the controls).
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, links } from '../api/client.js';
import type { Me } from '../api/types.js';
import { formatVnDateTime } from '../ui/format.js';
import { RequireAuth, isDeskOfficer } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';

import { useDeskAgencies } from './deskAgencies.js';

export default function DeskRegisterPage() {
  const { t } = useTranslation();
  usePageTitle(t('registerBook.title'));
  return (
    <RequireAuth>
      {(me) =>
        isDeskOfficer(me) ? (
          <RegisterBook me={me} />
        ) : (
          <>
            <h1>{t('registerBook.title')}</h1>
            <div className="alert alert-error" role="alert">
              <p>{t('desk.notAllowed')}</p>
            </div>
          </>
        )
      }
    </RequireAuth>
  );
}

function RegisterBook({ me }: { me: Me }) {
  const { t } = useTranslation();
  const id = useId();
  const agencies = useDeskAgencies(me);
  const thisYear = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date()));
  const [agency, setAgency] = useState('');
  const [year, setYear] = useState(thisYear);
  const [chosen, setChosen] = useState<{ agency: string; year: number } | null>(null);
  const [yearError, setYearError] = useState<string | null>(null);
  // filters over the chosen year's register (the Excel export keeps the whole year)
  const [text, setText] = useState('');
  const [status, setStatus] = useState('');
  const effectiveAgency = agency || agencies.data?.[0]?.code || '';
  const book = useQuery({
    queryKey: ['register-book', chosen?.agency, chosen?.year],
    queryFn: ({ signal }) => api.registerBook(chosen!.agency, chosen!.year, signal),
    enabled: !!chosen,
    staleTime: 0,
  });

  const rows = (book.data?.items ?? []).filter((r) => (!status || r.status === status) && (!text || fold(`${r.code} ${r.applicantName} ${r.procedureName} ${r.applicantContact}`).includes(fold(text))));

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!Number.isInteger(year) || year < 2000 || year > 2100) {
      setYearError(t('registerBook.badYear'));
      return;
    }
    setYearError(null);
    if (effectiveAgency) setChosen({ agency: effectiveAgency, year });
  }

  return (
    <>
      <p className="no-print">
        <Link to="/can-bo">{t('desk.back')}</Link>
      </p>
      <h1>{t('registerBook.title')}</h1>
      <form className="card filters no-print" noValidate onSubmit={onSubmit}>
        <div className="form-group">
          <label htmlFor={`${id}-a`} className="label">
            {t('dossier.agency')}
          </label>
          <select id={`${id}-a`} value={effectiveAgency} onChange={(e) => setAgency(e.target.value)}>
            {agencies.data?.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div className="form-group">
          <label htmlFor={`${id}-y`} className="label">
            {t('registerBook.year')}
          </label>
          {yearError && (
            <p id={`${id}-y-err`} className="field-error">
              {yearError}
            </p>
          )}
          <input
            id={`${id}-y`}
            type="number"
            inputMode="numeric"
            min={2000}
            max={2100}
            value={year}
            aria-invalid={yearError ? true : undefined}
            aria-describedby={yearError ? `${id}-y-err` : undefined}
            onChange={(e) => setYear(Number(e.target.value))}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="button">
            {t('registerBook.show')}
          </button>
        </div>
      </form>
      {chosen && (
        <section aria-labelledby={`${id}-h`} className="section">
          <h2 id={`${id}-h`}>{book.data ? t('registerBook.heading', { agency: book.data.agency, year: book.data.year }) : t('registerBook.title')}</h2>
          {book.isPending ? (
            <Loading />
          ) : book.isError ? (
            <ErrorMessage error={book.error} onRetry={() => void book.refetch()} />
          ) : (
            <>
              <p className="form-actions no-print">
                <a className="button button-secondary" href={links.registerXlsx(chosen.agency, chosen.year)} download>
                  {t('registerBook.excel')}
                </a>
                <button type="button" className="button button-secondary" onClick={() => window.print()}>
                  {t('registerBook.print')}
                </button>
              </p>
              <div className="filters no-print register-filters">
                <div className="form-group">
                  <label htmlFor={`${id}-q`} className="label">
                    {t('registerBook.filterText')}
                  </label>
                  <input id={`${id}-q`} type="search" value={text} onChange={(e) => setText(e.target.value)} />
                </div>
                <div className="form-group">
                  <label htmlFor={`${id}-s`} className="label">
                    {t('dossier.status')}
                  </label>
                  <select id={`${id}-s`} value={status} onChange={(e) => setStatus(e.target.value)}>
                    <option value="">{t('registerBook.allStatuses')}</option>
                    {[...new Set(book.data.items.map((r) => r.status))].map((s) => (
                      <option key={s} value={s}>
                        {s}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
              <p role="status" className="muted no-print">
                {t('registerBook.shown', { count: rows.length, total: book.data.items.length })}
              </p>
              {book.data.items.length === 0 ? (
                <p>{t('registerBook.empty')}</p>
              ) : (
                <div className="table-wrap">
                  <table className="table-stack register-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('registerBook.no')}</th>
                        <th scope="col">{t('dossier.code')}</th>
                        <th scope="col">{t('dossier.procedure')}</th>
                        <th scope="col">{t('dossier.applicant')}</th>
                        <th scope="col">{t('registerBook.contact')}</th>
                        <th scope="col">{t('dossier.agency')}</th>
                        <th scope="col">{t('dossier.receivedAt')}</th>
                        <th scope="col">{t('dossier.dueAt')}</th>
                        <th scope="col">{t('dossier.status')}</th>
                        <th scope="col">{t('registerBook.note')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((r) => (
                        <tr key={r.registerNo}>
                          <td data-label={t('registerBook.no')}>{r.registerNo}</td>
                          <td data-label={t('dossier.code')} className="break">
                            <Link to={`/can-bo/ho-so/${encodeURIComponent(r.code)}`}>{r.code}</Link>
                          </td>
                          <td data-label={t('dossier.procedure')}>{r.procedureName}</td>
                          <td data-label={t('dossier.applicant')}>{r.applicantName}</td>
                          <td data-label={t('registerBook.contact')} className="break">
                            {r.applicantContact}
                          </td>
                          <td data-label={t('dossier.agency')}>{r.agencyName}</td>
                          <td data-label={t('dossier.receivedAt')}>{formatVnDateTime(r.receivedAt)}</td>
                          <td data-label={t('dossier.dueAt')}>{r.dueAt ? formatVnDateTime(r.dueAt) : '—'}</td>
                          <td data-label={t('dossier.status')}>{r.status}</td>
                          <td data-label={t('registerBook.note')}>{r.note}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </>
          )}
        </section>
      )}
    </>
  );
}

/** Accent-insensitive matching, as in the catalog search ("hoa" finds "Hòa", "d" finds "đ"). */
function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}
