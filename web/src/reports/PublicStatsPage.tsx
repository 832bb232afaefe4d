// The public transparency page (/cong-khai, no login): per agency and per procedure, the dossiers
// received, resolved on time and late, the online share, satisfaction and the Decision 766 score,
// for a period in the URL; an agency's name opens its own units. A chart with a worded summary,
// the tables, and the same data as open JSON and CSV.
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, isNotFound, Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { reportLinks, reportsApi } from './api.js';
import { BarsChart, COLORS } from './charts.js';
import { DataTable, formatCount, formatRate, formatScore, RangeLine, ReportFilters, shownPeriod, useReportFilter, withParams, type Column } from './parts.js';
import type { PublicStats, PublicStatsRow } from './types.js';

export default function PublicStatsPage() {
  const { t } = useTranslation();
  usePageTitle(t('reports.public.title'));
  const { filter, params, update } = useReportFilter();
  const stats = useQuery({
    queryKey: ['public-stats', filter],
    queryFn: ({ signal }) => reportsApi.publicStats(filter, signal),
    placeholderData: (prev) => prev,
    retry: (n, err) => !isNotFound(err) && n < 2,
  });
  const shown = shownPeriod(filter, stats.data?.range);
  return (
    <>
      <h1>{t('reports.public.title')}</h1>
      <p className="lead">{t('reports.public.intro')}</p>
      <ReportFilters key={`${params.toString()}|${shown.at}`} {...shown} onApply={update} />
      {filter.agency && (
        <p>
          <Link to={withParams(params, { agency: undefined })}>{t('reports.public.wholeCity')}</Link>
        </p>
      )}
      {stats.isPending ? <Loading /> : stats.isError ? <ErrorMessage error={stats.error} onRetry={() => void stats.refetch()} /> : <PublicBody data={stats.data} params={params} />}
      <section aria-labelledby="sec-open" className="card section">
        <h2 id="sec-open">{t('reports.public.openData')}</h2>
        <p>{t('reports.public.openDataHint')}</p>
        <ul className="link-list">
          <li>
            <a href={reportLinks.publicJson(filter)} type="application/json">
              {t('reports.public.json')}
            </a>
          </li>
          <li>
            <a href={reportLinks.publicCsv(filter)} type="text/csv" download>
              {t('reports.public.csv')}
            </a>
          </li>
        </ul>
      </section>
    </>
  );
}

function PublicBody({ data, params }: { data: PublicStats; params: URLSearchParams }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const columns = (first: Column<PublicStatsRow>): Column<PublicStatsRow>[] => [
    first,
    { label: t('reports.measure.received'), cell: (r) => formatCount(lng, r.received), numeric: true },
    { label: t('reports.public.onTime'), cell: (r) => formatCount(lng, r.onTime), numeric: true },
    { label: t('reports.measure.late'), cell: (r) => formatCount(lng, r.late), numeric: true },
    { label: t('reports.dashboard.onlineShare'), cell: (r) => formatRate(lng, r.onlineShare), numeric: true },
    { label: t('reports.dashboard.satisfaction'), cell: (r) => formatRate(lng, r.satisfactionRate), numeric: true },
    { label: t('reports.public.score766'), cell: (r) => (r.d766 === null ? '—' : formatScore(lng, r.d766, r.d766MaxWithData)), numeric: true },
  ];
  const totalOnTime = data.agencies.reduce((s, r) => s + r.onTime, 0);
  const totalLate = data.agencies.reduce((s, r) => s + r.late, 0);
  return (
    <>
      <RangeLine scope={data.scope} range={data.range} />
      <section aria-labelledby="sec-pub-agency" className="section">
        <h2 id="sec-pub-agency">{t('reports.public.byAgency')}</h2>
        {data.agencies.length === 0 ? (
          <p>{t('reports.none')}</p>
        ) : (
          <>
            <BarsChart
              horizontal
              stacked
              data={data.agencies.map((r) => ({ label: r.name, onTime: r.onTime, late: r.late }))}
              series={[
                { key: 'onTime', name: t('reports.public.onTime'), color: COLORS.green },
                { key: 'late', name: t('reports.measure.late'), color: COLORS.red },
              ]}
              summary={t('reports.public.chartSummary', { units: data.agencies.length, onTime: formatCount(lng, totalOnTime), late: formatCount(lng, totalLate) })}
            />
            <DataTable
              caption={t('reports.public.byAgency')}
              rows={data.agencies}
              rowKey={(r) => r.code}
              columns={columns({ label: t('reports.col.agency'), cell: (r) => <Link to={withParams(params, { agency: r.code })}>{r.name}</Link> })}
            />
          </>
        )}
      </section>
      <section aria-labelledby="sec-pub-procedure" className="section">
        <h2 id="sec-pub-procedure">{t('reports.public.byProcedure')}</h2>
        {data.procedures.length === 0 ? (
          <p>{t('reports.none')}</p>
        ) : (
          <DataTable
            caption={t('reports.public.byProcedure')}
            rows={data.procedures}
            rowKey={(r) => r.code}
            columns={columns({
              label: t('reports.col.procedure'),
              cell: (r) => (
                <>
                  <Link to={`/thu-tuc/${encodeURIComponent(r.code)}`}>{r.name}</Link>
                  <span className="cell-note">{r.code}</span>
                </>
              ),
            })}
          />
        )}
      </section>
    </>
  );
}
