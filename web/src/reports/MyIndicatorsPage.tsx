// The officer's own indicators (/can-bo/cua-toi): for a period in the URL, the steps they closed
// (early, on time, late), the ratings that named them dissatisfied, and the items they hold that
// are late right now, each linked to its processing page. Complaints about them are not shown
// here: their leaders handle those.
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Me } from '../api/types.js';
import { formatVnDateTime } from '../ui/format.js';
import { isOfficer, RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { reportsApi } from './api.js';
import { BarsChart, COLORS } from './charts.js';
import { DataTable, formatCount, formatRate, formatScore, NotAllowed, RangeLine, ReportFilters, shownPeriod, useReportFilter } from './parts.js';
import type { MyIndicators } from './types.js';

export default function MyIndicatorsPage() {
  const { t } = useTranslation();
  usePageTitle(t('reports.mine.title'));
  return <RequireAuth>{(me) => <MyView me={me} />}</RequireAuth>;
}

function MyView({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { filter, params, update } = useReportFilter();
  const allowed = isOfficer(me);
  const mine = useQuery({
    queryKey: ['reports', 'me', filter.period, filter.at],
    queryFn: ({ signal }) => reportsApi.me(filter, signal),
    enabled: allowed,
    placeholderData: (prev) => prev,
  });
  const shown = shownPeriod(filter, mine.data?.range);
  return (
    <>
      <p>
        <Link to="/can-bo">{t('desk.back')}</Link>
      </p>
      <h1>{t('reports.mine.title')}</h1>
      {!allowed ? (
        <NotAllowed text={t('reports.mine.notAllowed')} />
      ) : (
        <>
          <p className="lead">{t('reports.mine.intro', { name: me.account.fullName })}</p>
          <ReportFilters key={`${params.toString()}|${shown.at}`} {...shown} onApply={update} />
          {mine.isPending ? <Loading /> : mine.isError ? <ErrorMessage error={mine.error} onRetry={() => void mine.refetch()} /> : <MyBody data={mine.data} />}
        </>
      )}
    </>
  );
}

function MyBody({ data }: { data: MyIndicators }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const s = data.steps;
  const stats = [
    { key: 'done', label: t('reports.mine.done'), value: formatCount(lng, s.done) },
    { key: 'early', label: t('reports.outcome.early'), value: formatCount(lng, s.early) },
    { key: 'onTime', label: t('reports.outcome.on_time'), value: formatCount(lng, s.onTime) },
    { key: 'late', label: t('reports.outcome.late'), value: formatCount(lng, s.late), bad: s.late > 0 },
    { key: 'rate', label: t('reports.dashboard.onTimeRate'), value: formatRate(lng, s.onTimeRate) },
    { key: 'dissatisfied', label: t('reports.mine.dissatisfied'), value: formatCount(lng, data.dissatisfied), bad: data.dissatisfied > 0 },
    { key: 'open', label: t('reports.mine.open'), value: formatCount(lng, data.open) },
    { key: 'openLate', label: t('reports.mine.openLate'), value: formatCount(lng, data.openLate), bad: data.openLate > 0 },
    {
      key: 'c01',
      label: t('reports.mine.c01'),
      value: data.c01.score === null ? '—' : formatScore(lng, data.c01.score, data.c01.max),
      note: data.c01.fullCompletion === null ? undefined : data.c01.fullCompletion ? t('reports.mine.full', { n: formatCount(lng, data.c01.threshold) }) : t('reports.mine.notFull', { n: formatCount(lng, data.c01.threshold) }),
    },
  ];
  return (
    <>
      <RangeLine range={data.range} />
      <section aria-labelledby="sec-mine" className="section">
        <h2 id="sec-mine">{t('reports.mine.steps')}</h2>
        <dl className="stat-grid">
          {stats.map((x) => (
            <div key={x.key} className={`stat${x.bad ? ' stat-bad' : ''}`}>
              <dt>{x.label}</dt>
              <dd>
                <span className="stat-value">{x.value}</span>
                {x.note && <span className="stat-note">{x.note}</span>}
              </dd>
            </div>
          ))}
        </dl>
        {s.done > 0 && (
          <BarsChart
            horizontal
            stacked
            height={150}
            data={[{ label: t('reports.mine.steps'), early: s.early, onTime: s.onTime, late: s.late }]}
            series={[
              { key: 'early', name: t('reports.outcome.early'), color: COLORS.green },
              { key: 'onTime', name: t('reports.outcome.on_time'), color: COLORS.blue },
              { key: 'late', name: t('reports.outcome.late'), color: COLORS.red },
            ]}
            summary={t('reports.mine.chartSummary', { done: formatCount(lng, s.done), early: formatCount(lng, s.early), onTime: formatCount(lng, s.onTime), late: formatCount(lng, s.late) })}
          />
        )}
      </section>
      <section aria-labelledby="sec-mine-late" className="section">
        <h2 id="sec-mine-late">{t('reports.mine.lateItems')}</h2>
        {data.lateItems.length === 0 ? (
          <p>{t('reports.mine.openLateNone')}</p>
        ) : (
          <DataTable
            caption={t('reports.mine.lateItems')}
            rows={data.lateItems}
            rowKey={(r) => `${r.code}-${r.step}`}
            columns={[
              { label: t('reports.col.code'), cell: (r) => <Link to={`/can-bo/xu-ly/${encodeURIComponent(r.code)}`}>{r.code}</Link> },
              { label: t('reports.col.procedure'), cell: (r) => r.procedure },
              { label: t('reports.col.step'), cell: (r) => r.step },
              { label: t('reports.col.agency'), cell: (r) => r.agency },
              { label: t('reports.col.dueAt'), cell: (r) => <span className="nowrap">{formatVnDateTime(r.dueAt)}</span> },
              { label: t('reports.col.lateBy'), cell: (r) => t('reports.workingHours', { n: formatCount(lng, r.lateWorkingHours, 1) }), numeric: true },
            ]}
          />
        )}
      </section>
    </>
  );
}
