// The working calendar of a year for system administrators: the holidays and make-up
// working days in force (the official schedule when loaded, else the legal defaults),
// an editor to load the official schedule, and restoring the defaults.
import { useId, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api } from '../api/client.js';
import type { CalendarPut, CalendarYear, Me, NamedDate } from '../api/types.js';
import { FormAlert, TextField, apiErrorText, patterns, useFormErrors, type FieldErrors } from '../ui/form.js';
import { formatDate } from '../ui/format.js';
import { activeGrants, RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';

const MAX_HOLIDAYS = 60;
const MAX_WORKING_DAYS = 20;

export function isSystemAdmin(me: Me): boolean {
  return activeGrants(me).some((g) => g.role === 'system_admin');
}

export default function CalendarPage() {
  const { t } = useTranslation();
  usePageTitle(t('calendarAdmin.title'));
  return <RequireAuth>{(me) => <CalendarAdmin me={me} />}</RequireAuth>;
}

/** yyyy-mm-dd → "Thứ Hai" … "Chủ nhật" (no time zones involved). */
function weekday(t: TFunction, iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return '';
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay();
  return t(`weekday.${day}`);
}

function yearChoices(current: number, chosen: number): number[] {
  const years: number[] = [];
  for (let y = current - 5; y <= current + 5; y++) years.push(y);
  if (!years.includes(chosen)) years.push(chosen);
  return years.sort((a, b) => a - b);
}

function CalendarAdmin({ me }: { me: Me }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const currentYear = new Date().getFullYear();
  const asked = Number(params.get('nam'));
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : currentYear;
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ year: number; from: CalendarPut | null } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [resetError, setResetError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const allowed = isSystemAdmin(me);
  const cal = useQuery({
    queryKey: ['calendar', year],
    queryFn: ({ signal }) => api.calendar(year, signal),
    enabled: allowed,
  });

  if (!allowed) {
    return (
      <>
        <h1>{t('calendarAdmin.title')}</h1>
        <div className="alert alert-error" role="alert">
          <p>{t('calendarAdmin.notAllowed')}</p>
        </div>
      </>
    );
  }

  function chooseYear(y: number) {
    setEditing(null);
    setConfirming(false);
    setResetError(null);
    setNotice(null);
    setParams(y === currentYear ? {} : { nam: String(y) }, { replace: true });
  }

  async function reset() {
    setBusy(true);
    setResetError(null);
    try {
      await api.deleteCalendar(year);
      setConfirming(false);
      setEditing(null);
      setNotice(t('calendarAdmin.resetDone', { year }));
      await qc.invalidateQueries({ queryKey: ['calendar', year] });
    } catch (err) {
      setResetError(apiErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  const editorOpen = editing !== null && editing.year === year;

  return (
    <>
      <h1>{t('calendarAdmin.title')}</h1>
      <p className="lead">{t('calendarAdmin.intro')}</p>
      <div className="card">
        <div className="form-group">
          <label htmlFor="calendar-year" className="label">
            {t('calendarAdmin.year')}
          </label>
          <select id="calendar-year" name="year" value={year} onChange={(e) => chooseYear(Number(e.target.value))}>
            {yearChoices(currentYear, year).map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div role="status" aria-live="polite">
        {notice && <p className="success">{notice}</p>}
      </div>
      {cal.isPending ? (
        <Loading />
      ) : cal.isError ? (
        <ErrorMessage error={cal.error} onRetry={() => void cal.refetch()} />
      ) : (
        <>
          <div className={`calendar-source ${cal.data.official ? 'is-official' : 'is-default'}`}>
            <p>
              <strong>{cal.data.official ? t('calendarAdmin.officialBadge') : t('calendarAdmin.defaultBadge')}</strong>
            </p>
            <p>{cal.data.official ? t('calendarAdmin.officialNote', { year }) : t('calendarAdmin.defaultNote', { year })}</p>
          </div>
          <DayTable id="sec-holidays" title={t('calendarAdmin.holidays')} empty={t('calendarAdmin.noHolidays')} days={cal.data.holidays} />
          <DayTable id="sec-working-days" title={t('calendarAdmin.workingDays')} empty={t('calendarAdmin.noWorkingDays')} days={cal.data.workingDays} />
          {!editorOpen && (
            <div className="form-actions section">
              <button
                ref={editButton}
                type="button"
                className="button"
                onClick={() => {
                  setNotice(null);
                  setEditing({ year, from: { holidays: cal.data.holidays, workingDays: cal.data.workingDays } });
                }}
              >
                {t('calendarAdmin.editFromCurrent')}
              </button>
              <button
                type="button"
                className="button button-secondary"
                onClick={() => {
                  setNotice(null);
                  setEditing({ year, from: null });
                }}
              >
                {t('calendarAdmin.editEmpty')}
              </button>
            </div>
          )}
          {editing && editorOpen && (
            <Editor
              key={year}
              year={year}
              from={editing.from}
              onDone={(saved) => {
                setEditing(null);
                if (saved) {
                  qc.setQueryData(['calendar', year], saved);
                  setNotice(t('calendarAdmin.saved', { year }));
                }
                window.setTimeout(() => editButton.current?.focus(), 0);
              }}
            />
          )}
          {cal.data.official && (
            <section aria-labelledby="sec-reset" className="section">
              <h2 id="sec-reset" className="sr-only">
                {t('calendarAdmin.reset')}
              </h2>
              <FormAlert message={resetError} />
              {confirming ? (
                <div className="confirm" role="group" aria-label={t('calendarAdmin.resetConfirmLabel')}>
                  <span>{t('calendarAdmin.resetConfirm', { year })}</span>
                  <button type="button" className="button button-danger" disabled={busy} onClick={() => void reset()}>
                    {t('calendarAdmin.resetYes')}
                  </button>
                  <button type="button" className="button button-secondary" onClick={() => setConfirming(false)}>
                    {t('form.cancel')}
                  </button>
                </div>
              ) : (
                <button type="button" className="button button-secondary" onClick={() => setConfirming(true)}>
                  {t('calendarAdmin.reset')}
                </button>
              )}
            </section>
          )}
        </>
      )}
    </>
  );
}

function DayTable({ id, title, empty, days }: { id: string; title: string; empty: string; days: NamedDate[] }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby={id} className="section">
      <h2 id={id}>{title}</h2>
      {days.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <div className="table-wrap">
          <table className="table-stack calendar-table">
            <thead>
              <tr>
                <th scope="col">{t('calendarAdmin.date')}</th>
                <th scope="col">{t('calendarAdmin.weekday')}</th>
                <th scope="col">{t('calendarAdmin.name')}</th>
              </tr>
            </thead>
            <tbody>
              {days.map((d, i) => (
                <tr key={`${d.date}-${i}`}>
                  <td data-label={t('calendarAdmin.date')}>{formatDate(d.date)}</td>
                  <td data-label={t('calendarAdmin.weekday')}>{weekday(t, d.date)}</td>
                  <td data-label={t('calendarAdmin.name')}>{d.name}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

interface DayRow {
  key: number;
  date: string;
  name: string;
}

let rowKey = 0;
const toRows = (days: NamedDate[]): DayRow[] => days.map((d) => ({ key: ++rowKey, date: d.date, name: d.name }));

type ListName = 'holidays' | 'workingDays';

function checkRows(t: TFunction, year: number, list: ListName, rows: DayRow[], errors: FieldErrors): void {
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    const date = r.date.trim();
    if (!date) errors[`${list}.${i}.date`] = t('form.required');
    else if (!patterns.date.test(date)) errors[`${list}.${i}.date`] = t('form.invalidDate');
    else if (!date.startsWith(`${year}-`)) errors[`${list}.${i}.date`] = t('calendarAdmin.notInYear', { year });
    else if (seen.has(date)) errors[`${list}.${i}.date`] = t('calendarAdmin.duplicate');
    seen.add(date);
    if (!r.name.trim()) errors[`${list}.${i}.name`] = t('form.required');
  });
}

function Editor({ year, from, onDone }: { year: number; from: CalendarPut | null; onDone: (saved: CalendarYear | null) => void }) {
  const { t } = useTranslation();
  const [holidays, setHolidays] = useState<DayRow[]>(() => toRows(from?.holidays ?? []));
  const [workingDays, setWorkingDays] = useState<DayRow[]>(() => toRows(from?.workingDays ?? []));
  const [focusKey, setFocusKey] = useState<number | null>(null);
  const { fieldErrors, formError, check, fromApi, clear } = useFormErrors();
  const [busy, setBusy] = useState(false);
  const headingId = useId();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const errors: FieldErrors = {};
    checkRows(t, year, 'holidays', holidays, errors);
    checkRows(t, year, 'workingDays', workingDays, errors);
    if (!check(form, errors)) return;
    setBusy(true);
    try {
      const toDays = (rows: DayRow[]) => rows.map((r) => ({ date: r.date.trim(), name: r.name.trim() }));
      const saved = await api.putCalendar(year, { holidays: toDays(holidays), workingDays: toDays(workingDays) });
      onDone(saved);
    } catch (err) {
      fromApi(form, err);
      setBusy(false);
    }
  }

  function rowsEditor(list: ListName, rows: DayRow[], setRows: (f: (rs: DayRow[]) => DayRow[]) => void, max: number) {
    const isHoliday = list === 'holidays';
    return (
      <fieldset className="grant-fieldset">
        <legend>{isHoliday ? t('calendarAdmin.holidays') : t('calendarAdmin.workingDays')}</legend>
        {rows.length === 0 && <p>{t('calendarAdmin.noRows')}</p>}
        {rows.map((row, i) => {
          const n = i + 1;
          const prefix = `${list}.${i}.`;
          return (
            <fieldset key={row.key} className="day-row">
              <legend>{isHoliday ? t('calendarAdmin.holidayN', { n }) : t('calendarAdmin.workingDayN', { n })}</legend>
              <div className="form-row">
                <TextField
                  name={`${prefix}date`}
                  type="date"
                  label={t('calendarAdmin.date')}
                  min={`${year}-01-01`}
                  max={`${year}-12-31`}
                  value={row.date}
                  autoFocus={row.key === focusKey}
                  error={fieldErrors[`${prefix}date`]}
                  onChange={(e) => {
                    const date = e.target.value;
                    setRows((rs) => rs.map((x) => (x.key === row.key ? { ...x, date } : x)));
                  }}
                />
                <TextField
                  name={`${prefix}name`}
                  label={t('calendarAdmin.name')}
                  maxLength={200}
                  autoComplete="off"
                  value={row.name}
                  error={fieldErrors[`${prefix}name`]}
                  onChange={(e) => {
                    const name = e.target.value;
                    setRows((rs) => rs.map((x) => (x.key === row.key ? { ...x, name } : x)));
                  }}
                />
              </div>
              <p>
                <button
                  type="button"
                  className="button button-secondary"
                  onClick={() => {
                    clear();
                    setRows((rs) => rs.filter((x) => x.key !== row.key));
                  }}
                >
                  {isHoliday ? t('calendarAdmin.removeHolidayN', { n }) : t('calendarAdmin.removeWorkingDayN', { n })}
                </button>
              </p>
            </fieldset>
          );
        })}
        <p>
          <button
            type="button"
            className="button button-secondary"
            disabled={rows.length >= max}
            onClick={() => {
              const row = { key: ++rowKey, date: '', name: '' };
              setFocusKey(row.key);
              setRows((rs) => [...rs, row]);
            }}
          >
            {isHoliday ? t('calendarAdmin.addHoliday') : t('calendarAdmin.addWorkingDay')}
          </button>
        </p>
      </fieldset>
    );
  }

  return (
    <section aria-labelledby={headingId} className="card section">
      <h2 id={headingId}>{t('calendarAdmin.editorTitle', { year })}</h2>
      <p>{t('calendarAdmin.editorIntro', { year })}</p>
      <form className="form-stack" noValidate aria-labelledby={headingId} onSubmit={(e) => void onSubmit(e)}>
        <FormAlert message={formError} />
        {rowsEditor('holidays', holidays, setHolidays, MAX_HOLIDAYS)}
        {rowsEditor('workingDays', workingDays, setWorkingDays, MAX_WORKING_DAYS)}
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('form.sending') : t('calendarAdmin.save')}
          </button>
          <button type="button" className="button button-secondary" onClick={() => onDone(null)}>
            {t('form.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
