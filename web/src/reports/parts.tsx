// Pieces shared by the report pages (without recharts, so the public page's table can come
// first): periods and their labels, the filter form kept in the URL, number formats, the
// drill-down list of the dossiers behind a number.
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { Me } from '../api/types.js';
import { formatDate, formatVnDateTime } from '../ui/format.js';
import { ListTable, type ListColumn } from '../ui/ListTable.js';
import { changedParams, Pager, useUrlParams } from '../ui/paging.js';
import { activeGrants } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { reportsApi, type ReportFilter } from './api.js';
import type { DrillItem, Period, ReportRange, ReportScope } from './types.js';

export const PERIODS: readonly Period[] = ['week', 'month', 'quarter', 'year'];
/** Roles holding report.read (src/identity/permissions.ts). */
export const REPORT_ROLES = ['unit_head', 'agency_leader', 'supervisor', 'system_admin'];
/** the server's page size of a drill-down, until it says so itself */
const PAGE_SIZE = 50;

export function canReadReports(me: Me): boolean {
  return activeGrants(me).some((g) => REPORT_ROLES.includes(g.role));
}

export function isSystemAdmin(me: Me): boolean {
  return activeGrants(me).some((g) => g.role === 'system_admin');
}

/** The agencies the caller's report grants name, widest first as the server lists grants. */
export function scopeAgencies(me: Me): ReportScope[] {
  const out: ReportScope[] = [];
  for (const g of activeGrants(me)) {
    if (REPORT_ROLES.includes(g.role) && !out.some((a) => a.code === g.agencyCode)) out.push({ code: g.agencyCode, name: g.agencyName });
  }
  return out;
}

// ---------- periods ----------

/** Today's date in Vietnam as [year, month (1-12), day]: periods are Vietnamese calendar periods. */
function todayVn(): [number, number, number] {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date()).split('-').map(Number);
  return [y!, m!, d!];
}

/** ISO 8601 week of a date: [week-year, week]. */
function isoWeek(y: number, m: number, d: number): [number, number] {
  const date = new Date(Date.UTC(y, m - 1, d));
  const day = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  return [date.getUTCFullYear(), Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7)];
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The current period's value ("2026-Q4", "2026-11", "2026-W48", "2026"). */
export function currentPeriodValue(period: Period): string {
  return periodChoices(period, 1)[0]!;
}

/** The latest `count` values of a period, newest first. */
export function periodChoices(period: Period, count = period === 'year' ? 6 : period === 'quarter' ? 8 : 12): string[] {
  const [y, m, d] = todayVn();
  const out: string[] = [];
  if (period === 'year') for (let i = 0; i < count; i++) out.push(String(y - i));
  if (period === 'quarter') {
    let q = Math.ceil(m / 3);
    let yy = y;
    for (let i = 0; i < count; i++) {
      out.push(`${yy}-Q${q}`);
      q -= 1;
      if (q === 0) [q, yy] = [4, yy - 1];
    }
  }
  if (period === 'month') {
    let mm = m;
    let yy = y;
    for (let i = 0; i < count; i++) {
      out.push(`${yy}-${pad(mm)}`);
      mm -= 1;
      if (mm === 0) [mm, yy] = [12, yy - 1];
    }
  }
  if (period === 'week') {
    const base = Date.UTC(y, m - 1, d);
    for (let i = 0; i < count; i++) {
      const day = new Date(base - i * 7 * 86_400_000);
      const [wy, w] = isoWeek(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate());
      out.push(`${wy}-W${pad(w)}`);
    }
  }
  return out;
}

const PERIOD_VALUE: Record<Period, RegExp> = {
  year: /^\d{4}$/,
  quarter: /^\d{4}-Q[1-4]$/,
  month: /^\d{4}-(0[1-9]|1[0-2])$/,
  week: /^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/,
};

/** "2026-Q4" → "Quý 4/2026", "2026-11" → "Tháng 11/2026", "2026-W48" → "Tuần 48/2026", "2026" → "Năm 2026". */
export function periodValueLabel(t: TFunction, period: Period, value: string): string {
  const [y = '', rest = ''] = value.split('-');
  if (period === 'quarter') return t('reports.periodValue.quarter', { q: rest.replace('Q', ''), y });
  if (period === 'month') return t('reports.periodValue.month', { m: rest, y });
  if (period === 'week') return t('reports.periodValue.week', { w: rest.replace('W', ''), y });
  return t('reports.periodValue.year', { y });
}

/** The quarter ("2026-Q4") a period value falls in, for the quarterly report. */
export function quarterOf(period: Period, value: string, range: ReportRange | undefined): string {
  if (period === 'quarter') return value;
  const from = range?.from ?? '';
  const m = /^(\d{4})-(\d{2})/.exec(from);
  if (m) return `${m[1]}-Q${Math.ceil(Number(m[2]) / 3)}`;
  return currentPeriodValue('quarter');
}

/** The period of a value ("2026-Q4" → quarter), or undefined for a malformed one. */
export function periodOfValue(value: string | null | undefined): Period | undefined {
  if (!value) return undefined;
  return PERIODS.find((p) => PERIOD_VALUE[p].test(value));
}

export interface UrlFilter {
  agency: string | undefined;
  /** undefined: the server's default (the current quarter on its clock) */
  period: Period | undefined;
  at: string | undefined;
}

/** The filter of a report page, read from its URL; what is missing or malformed is left to the server's defaults. */
export function useReportFilter() {
  const { params, page, update, goToPage } = useUrlParams();
  const asked = params.get('period') as Period | null;
  const atAsked = params.get('at');
  let period: Period | undefined = asked && PERIODS.includes(asked) ? asked : undefined;
  let at: string | undefined;
  if (period && atAsked && PERIOD_VALUE[period].test(atAsked)) at = atAsked;
  else if (!period && periodOfValue(atAsked)) [period, at] = [periodOfValue(atAsked), atAsked ?? undefined];
  const agency = params.get('agency') || undefined;
  const filter: UrlFilter = { agency, period, at };
  return { filter, params, page, update, goToPage };
}

/** The period shown in the form: the URL's, else the one the server answered for (its range label), else the current quarter. */
export function shownPeriod(filter: UrlFilter, range: ReportRange | undefined): { period: Period; at: string } {
  if (filter.period && filter.at) return { period: filter.period, at: filter.at };
  const fromServer = periodOfValue(range?.label);
  if (range && fromServer && (!filter.period || filter.period === fromServer)) return { period: fromServer, at: range.label };
  const period = filter.period ?? 'quarter';
  return { period, at: currentPeriodValue(period) };
}

/** The form choosing the agency (among the caller's scope) and the period; applied on submit. */
export function ReportFilters({
  agencies,
  agency,
  period,
  at,
  onApply,
  extra,
}: {
  agencies?: ReportScope[] | undefined;
  agency?: string | undefined;
  period: Period;
  at: string;
  onApply: (next: Record<string, string | undefined>) => void;
  extra?: ReactNode;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [a, setA] = useState(agency ?? '');
  const [p, setP] = useState<Period>(period);
  const [v, setV] = useState(at);
  const choices = periodChoices(p);
  if (p === period && !choices.includes(at)) choices.unshift(at);

  function submit(e: FormEvent) {
    e.preventDefault();
    onApply({ agency: a || undefined, period: p, at: v, trang: undefined, drill: undefined });
  }

  return (
    <form className="filters card report-filters" onSubmit={submit} aria-label={t('reports.filters')}>
      {agencies && agencies.length > 0 && (
        <div className="form-group">
          <label htmlFor={`${id}-agency`} className="label">
            {t('reports.agency')}
          </label>
          <select id={`${id}-agency`} value={a} onChange={(e) => setA(e.target.value)}>
            {agencies.map((x) => (
              <option key={x.code} value={x.code}>
                {x.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="form-group">
        <label htmlFor={`${id}-period`} className="label">
          {t('reports.period')}
        </label>
        <select
          id={`${id}-period`}
          value={p}
          onChange={(e) => {
            const next = e.target.value as Period;
            setP(next);
            setV(currentPeriodValue(next));
          }}
        >
          {PERIODS.map((x) => (
            <option key={x} value={x}>
              {t(`reports.periodKind.${x}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="form-group">
        <label htmlFor={`${id}-at`} className="label">
          {t('reports.periodValueLabel')}
        </label>
        <select id={`${id}-at`} value={v} onChange={(e) => setV(e.target.value)}>
          {choices.map((x) => (
            <option key={x} value={x}>
              {periodValueLabel(t, p, x)}
            </option>
          ))}
        </select>
      </div>
      {extra}
      <div className="form-actions">
        <button type="submit" className="button">
          {t('reports.apply')}
        </button>
      </div>
    </form>
  );
}

// ---------- numbers ----------

function locale(lng: string): string {
  return lng === 'en' ? 'en-GB' : 'vi-VN';
}

/** A fraction (0…1) as a percentage with a Vietnamese decimal comma ("87,5%"); null → "—". */
export function formatRate(lng: string, rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '—';
  return new Intl.NumberFormat(locale(lng), { style: 'percent', maximumFractionDigits: 1 }).format(rate);
}

/** A count or a measure with at most `digits` decimals; null → "—". */
export function formatCount(lng: string, n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return new Intl.NumberFormat(locale(lng), { maximumFractionDigits: digits }).format(n);
}

/** A score out of its maximum ("18,5 / 20"). */
export function formatScore(lng: string, score: number | null | undefined, max: number): string {
  return `${formatCount(lng, score, 2)} / ${formatCount(lng, max, 2)}`;
}

export function RangeLine({ scope, range }: { scope?: ReportScope | undefined; range: ReportRange }) {
  const { t } = useTranslation();
  return (
    <p className="report-range">
      {scope && <strong>{scope.name}</strong>}
      {scope && ' · '}
      {t('reports.rangeText', { from: formatDate(range.from), to: formatDate(range.to) })}
    </p>
  );
}

/** A day (yyyy-mm-dd) or an instant as dd/mm/yyyy, instants in Vietnam time; null → "—". */
export function vnDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return formatDate(iso);
  return formatVnDateTime(iso).slice(0, 10);
}

// ---------- drill-down ----------

/** The label of a measure ("late" → "Giải quyết quá hạn"), or the key itself for an unknown one. */
export function measureLabel(t: TFunction, measure: string): string {
  const key = `reports.measure.${measure}`;
  const text = t(key);
  return text === key ? measure : text;
}

function outcomeText(t: TFunction, outcome: string | null): string {
  if (!outcome) return t('reports.outcome.open');
  const key = `reports.outcome.${outcome}`;
  const text = t(key);
  return text === key ? outcome : text;
}

/** The dossiers behind a number: a paginated table, opened from a link, its heading focused. */
export function DrillSection({ measure, filter, page, onPage, closeTo }: { measure: string; filter: ReportFilter; page: number; onPage: (p: number) => void; closeTo: string }) {
  const { t, i18n } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  const list = useQuery({
    queryKey: ['reports', 'drill', measure, filter, page],
    queryFn: ({ signal }) => reportsApi.drill(measure, filter, page, signal),
    placeholderData: (prev) => prev,
  });
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView?.({ block: 'start' });
  }, [measure]);
  const total = list.data?.total ?? 0;
  const title = t('reports.drillTitle', { measure: measureLabel(t, measure) });
  return (
    <section aria-labelledby="drill-heading" className="card section drill">
      <h2 id="drill-heading" ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <p className="result-count" aria-live="polite">
        {list.data ? t('reports.drillCount', { count: total }) : ''}
      </p>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <p>{t('reports.drillNone')}</p>
      ) : (
        <DrillTable items={list.data.items} caption={title} lng={i18n.language} />
      )}
      <Pager page={page} total={total} pageSize={list.data?.pageSize ?? PAGE_SIZE} onPage={onPage} />
      <p>
        <Link to={closeTo}>{t('reports.drillClose')}</Link>
      </p>
    </section>
  );
}

function DrillTable({ items, caption, lng }: { items: DrillItem[]; caption: string; lng: string }) {
  const { t } = useTranslation();
  const columns: ListColumn<DrillItem>[] = [
    { label: t('reports.col.code'), className: 'break', cell: (d) => <Link to={`/can-bo/xu-ly/${encodeURIComponent(d.code)}`}>{d.code}</Link> },
    { label: t('reports.col.procedure'), cell: (d) => d.procedure },
    { label: t('reports.col.agency'), cell: (d) => d.agency },
    { label: t('reports.col.receivedAt'), cell: (d) => vnDate(d.receivedAt) },
    { label: t('reports.col.resolvedAt'), cell: (d) => vnDate(d.resolvedAt) },
    { label: t('reports.col.outcome'), cell: (d) => outcomeText(t, d.closing === 'refused' || d.closing === 'withdrawn' ? d.closing : d.outcome) },
    { label: t('reports.col.workingDays'), cell: (d) => formatCount(lng, d.workingDays, 1) },
  ];
  return <ListTable caption={caption} columns={columns} rows={items} rowKey={(d) => d.code} />;
}

/** A page for officers only: a worded refusal for others (the server refuses anyway). */
export function NotAllowed({ text }: { text: string }) {
  return (
    <div className="alert alert-error" role="alert">
      <p>{text}</p>
    </div>
  );
}

// ---------- tables ----------

export interface Column<R> {
  label: string;
  cell: (row: R) => ReactNode;
  /** numbers align right on wide screens */
  numeric?: boolean;
}

/** A table with a caption (visible or for screen readers) that stacks into cards on phones. */
export function DataTable<R>({ caption, captionVisible = false, columns, rows, rowKey }: { caption: string; captionVisible?: boolean; columns: Column<R>[]; rows: R[]; rowKey: (row: R) => string }) {
  return (
    <div className="table-wrap">
      <table className="table-stack report-table">
        <caption className={captionVisible ? 'table-caption' : 'sr-only'}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col" className={c.numeric ? 'num' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)}>
              {columns.map((c, i) =>
                i === 0 ? (
                  <th key={c.label} scope="row" data-label={c.label} className="break">
                    {c.cell(r)}
                  </th>
                ) : (
                  <td key={c.label} data-label={c.label} className={c.numeric ? 'num' : undefined}>
                    {c.cell(r)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The current URL's search with some parameters changed (links that keep the filters). */
export function withParams(params: URLSearchParams, next: Record<string, string | undefined>): string {
  const s = changedParams(params, next).toString();
  return s ? `?${s}` : '?';
}
