// The national indicators (/can-bo/chi-so): Circular 01/2018 (nine indicators scored 0/1/2, the
// unit's classification) and Decision 766 (groups out of 100 points), one tab each, for an agency
// and a period kept in the URL. Each group shows its score out of its weight; each indicator its
// formula, numerator/denominator, value and score, and a link to the dossiers behind it.
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Me } from '../api/types.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, isNotFound, Loading } from '../ui/Status.js';
import { Tabs } from '../ui/Tabs.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { reportsApi } from './api.js';
import { BarsChart, COLORS } from './charts.js';
import { canReadReports, DataTable, DrillSection, formatCount, formatRate, formatScore, NotAllowed, RangeLine, ReportFilters, scopeAgencies, shownPeriod, useReportFilter, withParams } from './parts.js';
import type { Framework, IndicatorGroup, Indicators } from './types.js';

const FRAMEWORKS: readonly Framework[] = ['c01', 'd766'];

export default function IndicatorsPage() {
  const { t } = useTranslation();
  usePageTitle(t('reports.indicators.title'));
  return <RequireAuth>{(me) => <IndicatorsView me={me} />}</RequireAuth>;
}

function IndicatorsView({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { filter, params, page, update, goToPage } = useReportFilter();
  const framework: Framework = params.get('framework') === 'd766' ? 'd766' : 'c01';
  const allowed = canReadReports(me);
  const ind = useQuery({
    queryKey: ['reports', 'indicators', framework, filter],
    queryFn: ({ signal }) => reportsApi.indicators(framework, filter, signal),
    enabled: allowed,
    placeholderData: (prev) => (prev?.framework === framework ? prev : undefined),
    retry: (n, err) => !isNotFound(err) && n < 2,
  });
  const drill = params.get('drill');
  const shown = shownPeriod(filter, ind.data?.range);
  const agencies = scopeAgencies(me);
  if (ind.data && !agencies.some((a) => a.code === ind.data.scope.code)) agencies.push(ind.data.scope);

  function select(f: Framework) {
    update({ framework: f === 'c01' ? undefined : f, drill: undefined, trang: undefined });
  }

  return (
    <>
      <p>
        <Link to={`/can-bo/thong-ke${withParams(params, { framework: undefined, drill: undefined, trang: undefined })}`}>{t('reports.dashboard.back')}</Link>
      </p>
      <h1>{t('reports.indicators.title')}</h1>
      {!allowed ? (
        <NotAllowed text={t('reports.notAllowed')} />
      ) : (
        <>
          <p className="lead">{t('reports.indicators.intro')}</p>
          <ReportFilters key={`${params.toString()}|${shown.at}`} agencies={agencies} agency={filter.agency ?? ind.data?.scope.code} {...shown} onApply={update} />
          <Tabs tabs={FRAMEWORKS} selected={framework} onSelect={select} label={t('reports.indicators.tabs')} tabLabel={(f) => t(`reports.framework.${f}`)}>
            {ind.isPending ? (
              <Loading />
            ) : ind.isError ? (
              isNotFound(ind.error) ? (
                <NotAllowed text={t('reports.outOfScope')} />
              ) : (
                <ErrorMessage error={ind.error} onRetry={() => void ind.refetch()} />
              )
            ) : (
              <>
                <IndicatorsBody data={ind.data} params={params} />
                {drill && (
                  <DrillSection
                    measure={drill}
                    filter={{ agency: ind.data.scope.code, period: filter.period, at: filter.at }}
                    page={page}
                    onPage={goToPage}
                    closeTo={withParams(params, { drill: undefined, trang: undefined })}
                  />
                )}
              </>
            )}
          </Tabs>
        </>
      )}
    </>
  );
}

function IndicatorsBody({ data, params }: { data: Indicators; params: URLSearchParams }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const name = (x: { name_vi: string; name_en: string }) => (lng === 'en' && x.name_en ? x.name_en : x.name_vi);
  return (
    <>
      <RangeLine scope={data.scope} range={data.range} />
      <div className="score-total card">
        <p>
          <span className="score-label">{t(`reports.framework.${data.framework}`)}</span>
          <span className="score-big">{formatScore(lng, data.total, data.max)}</span>
        </p>
        {data.classification && (
          <p>
            {t('reports.indicators.classification')}: <strong>{name(data.classification)}</strong>
          </p>
        )}
      </div>
      {data.groups.length > 1 && (
        <BarsChart
          horizontal
          data={data.groups.map((g) => ({ label: name(g), score: g.score ?? 0, weight: g.weight }))}
          series={[
            { key: 'score', name: t('reports.indicators.score'), color: COLORS.blue },
            { key: 'weight', name: t('reports.indicators.max'), color: COLORS.grey },
          ]}
          summary={t('reports.indicators.chartSummary', {
            groups: data.groups.map((g) => `${name(g)}: ${formatScore(lng, g.score, g.weight)}`).join('; '),
          })}
        />
      )}
      {data.groups.map((g) => (
        <Group key={g.key} group={g} params={params} name={name} framework={data.framework === 'c01' ? 'c01' : 'd766'} />
      ))}
    </>
  );
}

function Group({ group, params, name, framework }: { group: IndicatorGroup; params: URLSearchParams; name: (x: { name_vi: string; name_en: string }) => string; framework: Framework }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const noDataText = (reason: string | undefined) => (reason === 'no_dossiers' ? t('reports.indicators.noDossiers') : t('reports.indicators.noData'));
  const headingId = `group-${group.key}`;
  return (
    <section aria-labelledby={headingId} className="section indicator-group">
      <h2 id={headingId}>
        {name(group)} <span className="group-score">{formatScore(lng, group.score, group.weight)}</span>
      </h2>
      <DataTable
        caption={name(group)}
        rows={group.indicators}
        rowKey={(r) => r.key}
        columns={[
          {
            label: t('reports.indicators.indicator'),
            cell: (r) => (
              <>
                {name(r)}
                <span className="cell-note formula">
                  {t('reports.indicators.formula')}: {r.formula_vi}
                </span>
              </>
            ),
          },
          {
            label: t('reports.indicators.ratio'),
            cell: (r) => (r.denominator === null ? '—' : `${formatCount(lng, r.numerator)} / ${formatCount(lng, r.denominator)}`),
            numeric: true,
          },
          {
            label: t('reports.indicators.value'),
            cell: (r) =>
              r.value === null ? (
                <span className="muted">{noDataText(r.noDataReason)}</span>
              ) : framework === 'c01' ? (
                t('reports.indicators.averageScore', { n: formatCount(lng, r.value, 2) })
              ) : (
                formatRate(lng, r.value)
              ),
            numeric: true,
          },
          {
            label: t('reports.indicators.score'),
            cell: (r) => (
              <>
                {formatScore(lng, r.score, r.max)}
                {!r.verified && <span className="cell-note">{t('reports.indicators.unverified')}</span>}
              </>
            ),
            numeric: true,
          },
          {
            label: t('reports.indicators.dossiers'),
            cell: (r) =>
              r.drill ? (
                <Link to={withParams(params, { drill: r.drill, trang: undefined })}>
                  {t('reports.indicators.drill')}
                  <span className="sr-only"> — {name(r)}</span>
                </Link>
              ) : (
                '—'
              ),
          },
        ]}
      />
    </section>
  );
}
