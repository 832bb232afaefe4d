// The leader's dashboard (/can-bo/thong-ke): for an agency subtree in the caller's scope and a
// period (both in the URL), the totals as big numbers — each count a link to the dossiers behind
// it —, the trend, the backlog per unit, the procedures, the dossiers late right now with the
// step and the officer holding them, and the exports (Excel, the quarterly PDF).
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Me } from '../api/types.js';
import { formatVnDateTime } from '../ui/format.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, isNotFound, Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { reportLinks, reportsApi } from './api.js';
import { BarsChart, COLORS, TrendChart } from './charts.js';
import {
  canReadReports,
  DataTable,
  DrillSection,
  formatCount,
  formatRate,
  NotAllowed,
  quarterOf,
  RangeLine,
  ReportFilters,
  scopeAgencies,
  shownPeriod,
  useReportFilter,
  type UrlFilter,
  withParams,
} from './parts.js';
import type { ByAgencyRow, ByProcedureRow, Dashboard, LateNowItem, Period, TrendPoint } from './types.js';

export default function DashboardPage() {
  const { t } = useTranslation();
  usePageTitle(t('reports.dashboard.title'));
  return <RequireAuth>{(me) => <DashboardView me={me} />}</RequireAuth>;
}

function DashboardView({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { filter, params, page, update, goToPage } = useReportFilter();
  const allowed = canReadReports(me);
  const dash = useQuery({
    queryKey: ['reports', 'dashboard', filter],
    queryFn: ({ signal }) => reportsApi.dashboard(filter, signal),
    enabled: allowed,
    placeholderData: (prev) => prev,
    retry: (n, err) => !isNotFound(err) && n < 2,
  });
  const drill = params.get('drill');

  const shown = shownPeriod(filter, dash.data?.range);
  const agencies = scopeAgencies(me);
  if (dash.data && !agencies.some((a) => a.code === dash.data.scope.code)) agencies.push(dash.data.scope);

  return (
    <>
      <p>
        <Link to="/can-bo">{t('desk.back')}</Link>
      </p>
      <h1>{t('reports.dashboard.title')}</h1>
      {!allowed ? (
        <NotAllowed text={t('reports.notAllowed')} />
      ) : (
        <>
          <p className="lead">{t('reports.dashboard.intro')}</p>
          <ReportFilters key={`${params.toString()}|${shown.at}`} agencies={agencies} agency={filter.agency ?? dash.data?.scope.code} {...shown} onApply={update} />
          <p className="report-links">
            <Link to={`/can-bo/chi-so${withParams(params, { drill: undefined, trang: undefined })}`}>{t('reports.indicators.link')}</Link>
          </p>
          {dash.isPending ? (
            <Loading />
          ) : dash.isError ? (
            isNotFound(dash.error) ? (
              <NotAllowed text={t('reports.outOfScope')} />
            ) : (
              <ErrorMessage error={dash.error} onRetry={() => void dash.refetch()} />
            )
          ) : (
            <DashboardBody
              data={dash.data}
              params={params}
              drill={drill}
              page={page}
              filter={filter}
              shown={shown}
              onPage={goToPage}
            />
          )}
        </>
      )}
    </>
  );
}

function DashboardBody({
  data,
  params,
  drill,
  page,
  filter,
  shown,
  onPage,
}: {
  data: Dashboard;
  params: URLSearchParams;
  drill: string | null;
  page: number;
  filter: UrlFilter;
  shown: { period: Period; at: string };
  onPage: (p: number) => void;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const tot = data.totals;
  const drillTo = (measure: string) => withParams(params, { drill: measure, trang: undefined });
  const exportFilter = { agency: data.scope.code, period: shown.period, at: shown.at };

  const stats: { key: string; label: string; value: string; note?: string; drill?: string; tone?: 'bad' | 'good' }[] = [
    { key: 'received', label: t('reports.measure.received'), value: formatCount(lng, tot.received), note: t('reports.dashboard.receivedOnline', { n: formatCount(lng, tot.receivedOnline) }), drill: 'received' },
    { key: 'inProgress', label: t('reports.measure.inProgress'), value: formatCount(lng, tot.inProgress) },
    { key: 'resolved', label: t('reports.measure.resolved'), value: formatCount(lng, tot.resolved), note: t('reports.dashboard.resolvedSplit', { early: formatCount(lng, tot.early), onTime: formatCount(lng, tot.onTime) }), drill: 'resolved' },
    { key: 'late', label: t('reports.measure.late'), value: formatCount(lng, tot.late), drill: 'late', tone: tot.late > 0 ? 'bad' : undefined },
    { key: 'inProgressLate', label: t('reports.measure.inProgressLate'), value: formatCount(lng, tot.inProgressLate), tone: tot.inProgressLate > 0 ? 'bad' : undefined },
    { key: 'onTimeRate', label: t('reports.dashboard.onTimeRate'), value: formatRate(lng, tot.onTimeRate), drill: 'on_time_or_early' },
    { key: 'onlineShare', label: t('reports.dashboard.onlineShare'), value: formatRate(lng, tot.onlineShare), drill: 'received_online' },
    { key: 'avgWorkingDays', label: t('reports.dashboard.avgWorkingDays'), value: formatCount(lng, tot.avgWorkingDays, 1) },
    {
      key: 'satisfactionRate',
      label: t('reports.dashboard.satisfaction'),
      value: formatRate(lng, tot.satisfactionRate),
      note: t('reports.dashboard.ratings', { n: formatCount(lng, tot.ratings), bad: formatCount(lng, tot.dissatisfied) }),
      drill: tot.dissatisfied > 0 ? 'dissatisfied' : undefined,
    },
    { key: 'refused', label: t('reports.measure.refused'), value: formatCount(lng, tot.refused), note: t('reports.dashboard.withdrawn', { n: formatCount(lng, tot.withdrawn) }), drill: 'refused' },
    { key: 'complaints', label: t('reports.dashboard.complaints'), value: formatCount(lng, tot.complaints), drill: tot.complaints > 0 ? 'complained' : undefined },
  ];

  return (
    <>
      <RangeLine scope={data.scope} range={data.range} />
      <section aria-labelledby="sec-totals" className="section">
        <h2 id="sec-totals">{t('reports.dashboard.totals')}</h2>
        <dl className="stat-grid">
          {stats.map((s) => (
            <div key={s.key} className={`stat${s.tone === 'bad' ? ' stat-bad' : ''}`}>
              <dt>{s.label}</dt>
              <dd>
                {s.drill ? (
                  <Link className="stat-value" to={drillTo(s.drill)}>
                    {s.value}
                    <span className="sr-only"> — {t('reports.drillLink', { measure: s.label })}</span>
                  </Link>
                ) : (
                  <span className="stat-value">{s.value}</span>
                )}
                {s.note && <span className="stat-note">{s.note}</span>}
              </dd>
            </div>
          ))}
        </dl>
      </section>
      {drill && <DrillSection measure={drill} filter={{ agency: data.scope.code, period: filter.period, at: filter.at }} page={page} onPage={onPage} closeTo={withParams(params, { drill: undefined, trang: undefined })} />}
      <nav aria-labelledby="sec-export" className="card section no-print">
        <h2 id="sec-export">{t('reports.dashboard.export')}</h2>
        <ul className="link-list">
          <li>
            <a href={reportLinks.dashboardXlsx(exportFilter)}>{t('reports.dashboard.exportXlsx')}</a>
          </li>
          <li>
            <a href={reportLinks.quarterlyPdf(data.scope.code, quarterOf(shown.period, shown.at, data.range))}>{t('reports.dashboard.exportPdf')}</a>
          </li>
        </ul>
      </nav>
      <LateNow items={data.lateNow} />
      <Trend points={data.trend} />
      {data.byAgency.length > 0 && <ByAgency rows={data.byAgency} params={params} />}
      <ByProcedure rows={data.byProcedure} />
    </>
  );
}

function LateNow({ items }: { items: LateNowItem[] }) {
  const { t, i18n } = useTranslation();
  return (
    <section aria-labelledby="sec-late" className="section">
      <h2 id="sec-late">{t('reports.dashboard.lateNow')}</h2>
      <p className="hint">{t('reports.dashboard.lateNowHint')}</p>
      {items.length === 0 ? (
        <p>{t('reports.dashboard.lateNowNone')}</p>
      ) : (
        <DataTable
          caption={t('reports.dashboard.lateNow')}
          rows={items}
          rowKey={(r) => `${r.code}-${r.step}`}
          columns={[
            { label: t('reports.col.code'), cell: (r) => <Link to={`/can-bo/xu-ly/${encodeURIComponent(r.code)}`}>{r.code}</Link> },
            { label: t('reports.col.procedure'), cell: (r) => r.procedure },
            { label: t('reports.col.step'), cell: (r) => r.step },
            { label: t('reports.col.agency'), cell: (r) => r.agency },
            { label: t('reports.col.officer'), cell: (r) => r.officer ?? <span className="muted">{t('reports.unassigned')}</span> },
            { label: t('reports.col.dueAt'), cell: (r) => <span className="nowrap">{formatVnDateTime(r.dueAt)}</span> },
            { label: t('reports.col.lateBy'), cell: (r) => t('reports.workingHours', { n: formatCount(i18n.language, r.lateWorkingHours, 1) }), numeric: true },
          ]}
        />
      )}
    </section>
  );
}

function Trend({ points }: { points: TrendPoint[] }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  if (points.length === 0) return null;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const sum = (k: 'received' | 'resolved' | 'late') => points.reduce((s, p) => s + p[k], 0);
  const summary = t('reports.dashboard.trendSummary', {
    n: points.length,
    first: first.label,
    last: last.label,
    received: formatCount(lng, sum('received')),
    resolved: formatCount(lng, sum('resolved')),
    late: formatCount(lng, sum('late')),
  });
  return (
    <section aria-labelledby="sec-trend" className="section">
      <h2 id="sec-trend">{t('reports.dashboard.trend')}</h2>
      <TrendChart
        data={points.map((p) => ({ label: p.label, received: p.received, resolved: p.resolved, late: p.late }))}
        series={[
          { key: 'received', name: t('reports.measure.received'), color: COLORS.blue },
          { key: 'resolved', name: t('reports.measure.resolved'), color: COLORS.green },
          { key: 'late', name: t('reports.measure.late'), color: COLORS.red },
        ]}
        summary={summary}
      />
      <DataTable
        caption={t('reports.dashboard.trendTable')}
        captionVisible
        rows={points}
        rowKey={(p) => p.from}
        columns={[
          { label: t('reports.col.period'), cell: (p) => p.label },
          { label: t('reports.measure.received'), cell: (p) => formatCount(lng, p.received), numeric: true },
          { label: t('reports.measure.resolved'), cell: (p) => formatCount(lng, p.resolved), numeric: true },
          { label: t('reports.measure.late'), cell: (p) => formatCount(lng, p.late), numeric: true },
          { label: t('reports.dashboard.onTimeRate'), cell: (p) => formatRate(lng, p.onTimeRate), numeric: true },
        ]}
      />
    </section>
  );
}

function ByAgency({ rows, params }: { rows: ByAgencyRow[]; params: URLSearchParams }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const backlog = rows.reduce((s, r) => s + r.backlog, 0);
  const backlogLate = rows.reduce((s, r) => s + r.backlogLate, 0);
  const holding = rows.filter((r) => r.backlog > 0);
  return (
    <section aria-labelledby="sec-agency" className="section">
      <h2 id="sec-agency">{t('reports.dashboard.byAgency')}</h2>
      {/* the chart shows the units holding dossiers; the table lists them all */}
      {backlog > 0 && (
        <BarsChart
          horizontal
          stacked
          data={holding.map((r) => ({ label: r.name, onTime: r.backlog - r.backlogLate, late: r.backlogLate }))}
          series={[
            { key: 'onTime', name: t('reports.dashboard.backlogOnTime'), color: COLORS.blue },
            { key: 'late', name: t('reports.dashboard.backlogLate'), color: COLORS.red },
          ]}
          summary={t('reports.dashboard.backlogSummary', { units: holding.length, backlog: formatCount(lng, backlog), late: formatCount(lng, backlogLate) })}
        />
      )}
      <DataTable
        caption={t('reports.dashboard.byAgency')}
        rows={rows}
        rowKey={(r) => r.code}
        columns={[
          { label: t('reports.col.agency'), cell: (r) => <Link to={withParams(params, { agency: r.code, drill: undefined, trang: undefined })}>{r.name}</Link> },
          { label: t('reports.measure.received'), cell: (r) => formatCount(lng, r.received), numeric: true },
          { label: t('reports.measure.resolved'), cell: (r) => formatCount(lng, r.resolved), numeric: true },
          { label: t('reports.measure.late'), cell: (r) => formatCount(lng, r.late), numeric: true },
          { label: t('reports.dashboard.onTimeRate'), cell: (r) => formatRate(lng, r.onTimeRate), numeric: true },
          { label: t('reports.dashboard.backlog'), cell: (r) => formatCount(lng, r.backlog), numeric: true },
          { label: t('reports.dashboard.backlogLate'), cell: (r) => formatCount(lng, r.backlogLate), numeric: true },
        ]}
      />
    </section>
  );
}

function ByProcedure({ rows }: { rows: ByProcedureRow[] }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  return (
    <section aria-labelledby="sec-procedure" className="section">
      <h2 id="sec-procedure">{t('reports.dashboard.byProcedure')}</h2>
      {rows.length === 0 ? (
        <p>{t('reports.none')}</p>
      ) : (
        <DataTable
          caption={t('reports.dashboard.byProcedure')}
          rows={rows}
          rowKey={(r) => r.code}
          columns={[
            {
              label: t('reports.col.procedure'),
              cell: (r) => (
                <>
                  {r.name}
                  <span className="cell-note">{r.code}</span>
                </>
              ),
            },
            { label: t('reports.measure.received'), cell: (r) => formatCount(lng, r.received), numeric: true },
            { label: t('reports.measure.resolved'), cell: (r) => formatCount(lng, r.resolved), numeric: true },
            { label: t('reports.measure.late'), cell: (r) => formatCount(lng, r.late), numeric: true },
            { label: t('reports.dashboard.onTimeRate'), cell: (r) => formatRate(lng, r.onTimeRate), numeric: true },
            { label: t('reports.dashboard.avgWorkingDays'), cell: (r) => formatCount(lng, r.avgWorkingDays, 1), numeric: true },
            { label: t('reports.dashboard.onlineShare'), cell: (r) => formatRate(lng, r.onlineShare), numeric: true },
          ]}
        />
      )}
    </section>
  );
}
