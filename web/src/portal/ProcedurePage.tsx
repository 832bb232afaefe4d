import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api } from '../api/client.js';
import type { ProcedureDetail } from '../api/types.js';
import { ErrorMessage, Loading, isNotFound } from '../ui/Status.js';
import { OnlineBadge, UnverifiedNotice } from '../ui/Badges.js';
import { formatDate, formatFeeAmount, formatTimeLimit, formatVnd, localName } from '../ui/format.js';
import { LegalBasisList } from '../ui/LegalBasisList.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { NotFoundPage } from './NotFoundPage.js';
import { ProcedureWorkflow } from './ProcedureWorkflow.js';
import { evidenceTypeOf, storeApi } from '../datastore/api.js';

export default function ProcedurePage() {
  const { nationalCode = '' } = useParams();
  const [sp] = useSearchParams();
  const at = sp.get('at') ?? undefined;
  const { i18n } = useTranslation();
  const detail = useQuery({
    queryKey: ['procedure', nationalCode, at ?? null],
    queryFn: ({ signal }) => api.procedure(nationalCode, at, signal),
  });
  usePageTitle(detail.data ? localName(i18n.language, detail.data.name, detail.data.nameEn) : undefined);

  if (detail.isPending) return <Loading />;
  if (detail.isError) {
    if (isNotFound(detail.error)) return <NotFoundPage />;
    return <ErrorMessage error={detail.error} onRetry={() => void detail.refetch()} />;
  }
  return <ProcedureView p={detail.data} />;
}

function YesNo({ value, t }: { value: boolean; t: TFunction }) {
  return <>{value ? t('procedure.yes') : t('procedure.no')}</>;
}

function ProcedureView({ p }: { p: ProcedureDetail }) {
  const { t, i18n } = useTranslation();
  // which documents the state already holds: the evidence type each can be satisfied by, and its provider
  const evidence = useQuery({ queryKey: ['evidence-types'], queryFn: ({ signal }) => storeApi.evidenceTypes(signal), staleTime: 3_600_000 });
  const lng = i18n.language;
  const versions = useQuery({
    queryKey: ['procedure-versions', p.nationalCode],
    queryFn: ({ signal }) => api.procedureVersions(p.nationalCode, signal),
  });
  const name = localName(lng, p.name, p.nameEn);
  const showVnName = lng === 'en' && p.nameEn && p.nameEn !== p.name;

  return (
    <article className="procedure">
      <h1>{name}</h1>
      {showVnName && (
        <p className="subtitle" lang="vi">
          {p.name}
        </p>
      )}
      <p className="muted">
        {p.effectiveTo
          ? t('procedure.versionInfoTo', { version: p.version, from: formatDate(p.effectiveFrom), to: formatDate(p.effectiveTo) })
          : t('procedure.versionInfo', { version: p.version, from: formatDate(p.effectiveFrom) })}
      </p>
      {!p.verified && <UnverifiedNotice note={p.note} />}

      <p className="cta">
        <Link className="button" to={`/nop-ho-so/${encodeURIComponent(p.nationalCode)}`}>
          {t('procedure.submit')}
        </Link>
      </p>

      <section aria-labelledby="sec-summary">
        <h2 id="sec-summary">{t('procedure.summary')}</h2>
        <dl className="summary">
          <div>
            <dt>{t('procedure.nationalCode')}</dt>
            <dd>{p.nationalCode}</dd>
          </div>
          <div>
            <dt>{t('procedure.field')}</dt>
            <dd>
              <Link to={`/thu-tuc?field=${encodeURIComponent(p.fieldCode)}`}>{p.fieldName}</Link>
            </dd>
          </div>
          <div>
            <dt>{t('procedure.levels')}</dt>
            <dd>{p.levels.map((l) => t(`level.${l}`)).join(', ')}</dd>
          </div>
          <div>
            <dt>{t('procedure.agencies')}</dt>
            <dd>
              {p.agencies.length === 0 ? (
                t('procedure.none')
              ) : (
                <ul className="plain">
                  {p.agencies.map((a) => (
                    <li key={a.code}>
                      <Link to={`/co-quan/${encodeURIComponent(a.code)}`}>{a.name}</Link>
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('procedure.applicantTypes')}</dt>
            <dd>{p.applicantTypes.map((a) => t(`applicant.${a}`)).join(', ')}</dd>
          </div>
          <div>
            <dt>{t('procedure.onlineLevel')}</dt>
            <dd>
              <OnlineBadge level={p.onlineLevel} />
            </dd>
          </div>
          <div>
            <dt>{t('procedure.timeLimit')}</dt>
            <dd>
              {formatTimeLimit(t, lng, p.timeLimit)}
              {p.timeLimit.note && (
                <>
                  {' '}
                  <span className="muted">({p.timeLimit.note})</span>
                </>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('procedure.resultType')}</dt>
            <dd>{p.resultType}</dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="sec-docs">
        <h2 id="sec-docs">{t('procedure.documents')}</h2>
        <div className="table-wrap">
          <table className="table-stack">
            <thead>
              <tr>
                <th scope="col">{t('procedure.docName')}</th>
                <th scope="col">{t('procedure.docForm')}</th>
                <th scope="col">{t('procedure.docCount')}</th>
                <th scope="col">{t('procedure.docMandatory')}</th>
                <th scope="col">{t('procedure.docFromStore')}</th>
              </tr>
            </thead>
            <tbody>
              {p.documents.map((d) => (
                <tr key={d.code}>
                  <td data-label={t('procedure.docName')}>
                    {d.name}
                    {d.note && <span className="cell-note">{d.note}</span>}
                  </td>
                  <td data-label={t('procedure.docForm')}>{t(`docForm.${d.form}`)}</td>
                  <td data-label={t('procedure.docCount')}>{d.count}</td>
                  <td data-label={t('procedure.docMandatory')}>
                    <YesNo value={d.mandatory} t={t} />
                  </td>
                  <td data-label={t('procedure.docFromStore')}>
                    <YesNo value={d.fromDataStore} t={t} />
                    {(() => {
                      const type = evidence.data?.find((e) => e.code === evidenceTypeOf(d));
                      if (!type) return null;
                      return (
                        <span className="cell-note">
                          {localName(i18n.language, type.name, type.nameEn ?? undefined)}
                          {type.registry ? ` · ${t(`datastore.registryName.${type.registry}`)}` : ''}
                        </span>
                      );
                    })()}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="sec-fees">
        <h2 id="sec-fees">{t('procedure.fees')}</h2>
        {p.fees.length === 0 ? (
          <p>{t('procedure.noFees')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table-stack">
              <thead>
                <tr>
                  <th scope="col">{t('procedure.feeName')}</th>
                  <th scope="col">{t('procedure.feeAmount')}</th>
                  <th scope="col">{t('procedure.feeConditions')}</th>
                </tr>
              </thead>
              <tbody>
                {p.fees.map((f, i) => (
                  <tr key={i}>
                    <td data-label={t('procedure.feeName')}>{f.name}</td>
                    <td data-label={t('procedure.feeAmount')}>
                      <span className="nowrap">{formatFeeAmount(t, f.amountVnd)}</span>
                      {f.onlineAmountVnd !== undefined && (
                        <span className="cell-note">
                          {t('procedure.feeOnline', {
                            amount: f.onlineAmountVnd === 0 ? t('procedure.free') : formatVnd(f.onlineAmountVnd),
                          })}
                        </span>
                      )}
                    </td>
                    <td data-label={t('procedure.feeConditions')}>{f.conditions ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="sec-steps">
        <h2 id="sec-steps">{t('procedure.steps')}</h2>
        <ol className="steps">
          {p.steps.map((s, i) => (
            <li key={i}>{s}</li>
          ))}
        </ol>
      </section>

      <ProcedureWorkflow nationalCode={p.nationalCode} />

      <section aria-labelledby="sec-legal">
        <h2 id="sec-legal">{t('procedure.legalBasis')}</h2>
        <LegalBasisList items={p.legalBasis} />
      </section>

      <FormPreview schema={p.formSchema} />

      {p.groups.length > 0 && (
        <section aria-labelledby="sec-groups">
          <h2 id="sec-groups">{t('procedure.groups')}</h2>
          <ul>
            {p.groups.map((g) => (
              <li key={g.code}>
                <Link to={`/lien-thong/${encodeURIComponent(g.code)}`}>{g.name}</Link>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="sec-versions">
        <h2 id="sec-versions">{t('procedure.versions')}</h2>
        {versions.isPending ? (
          <Loading />
        ) : versions.isError ? (
          <ErrorMessage error={versions.error} />
        ) : (
          <div className="table-wrap">
            <table className="table-stack">
              <thead>
                <tr>
                  <th scope="col">{t('procedure.version')}</th>
                  <th scope="col">{t('procedure.versionName')}</th>
                  <th scope="col">{t('procedure.effectiveFrom')}</th>
                  <th scope="col">{t('procedure.effectiveTo')}</th>
                </tr>
              </thead>
              <tbody>
                {versions.data.items.map((v) => (
                  <tr key={v.version} aria-current={v.version === p.version ? 'true' : undefined}>
                    <td data-label={t('procedure.version')}>
                      {v.version === p.version ? (
                        <strong>{v.version}</strong>
                      ) : (
                        <Link
                          to={`/thu-tuc/${encodeURIComponent(p.nationalCode)}?at=${v.effectiveFrom}`}
                          aria-label={t('procedure.viewVersion', { version: v.version })}
                        >
                          {v.version}
                        </Link>
                      )}
                      {v.inForce && <span className="badge badge-online-full">{t('procedure.inForce')}</span>}
                    </td>
                    <td data-label={t('procedure.versionName')}>{v.name}</td>
                    <td data-label={t('procedure.effectiveFrom')}>{formatDate(v.effectiveFrom)}</td>
                    <td data-label={t('procedure.effectiveTo')}>{v.effectiveTo ? formatDate(v.effectiveTo) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </article>
  );
}

interface FieldRow {
  key: string;
  title: string;
  type: string;
  required: boolean;
  depth: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeKey(s: Record<string, unknown>): string {
  if (Array.isArray(s.enum) || Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) return 'enum';
  if (s.format === 'date' || s.format === 'date-time') return 'date';
  if (s.format === 'email') return 'email';
  const ty = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (typeof ty === 'string' && ['string', 'number', 'integer', 'boolean', 'array', 'object'].includes(ty)) return ty;
  return 'unknown';
}

/** Flattens the properties of a JSON Schema (nested objects one level per depth). */
function schemaRows(schema: Record<string, unknown>, depth = 0, prefix = ''): FieldRow[] {
  const props = schema.properties;
  if (!isRecord(props) || depth > 3) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  const rows: FieldRow[] = [];
  for (const [key, raw] of Object.entries(props)) {
    if (!isRecord(raw)) continue;
    const title = typeof raw.title === 'string' ? raw.title : key;
    const type = typeKey(raw);
    rows.push({ key: prefix + key, title, type, required: required.has(key), depth });
    if (type === 'object') rows.push(...schemaRows(raw, depth + 1, `${prefix}${key}.`));
  }
  return rows;
}

function FormPreview({ schema }: { schema: Record<string, unknown> }) {
  const { t } = useTranslation();
  const rows = schemaRows(schema);
  const title = typeof schema.title === 'string' ? schema.title : null;
  return (
    <section aria-labelledby="sec-form">
      <h2 id="sec-form">{t('procedure.form')}</h2>
      {title && <p>{title}</p>}
      {rows.length === 0 ? (
        <p>{t('procedure.formEmpty')}</p>
      ) : (
        <>
          <p className="muted">{t('procedure.formIntro')}</p>
          <div className="table-wrap">
            <table className="table-stack">
              <thead>
                <tr>
                  <th scope="col">{t('procedure.formField')}</th>
                  <th scope="col">{t('procedure.formType')}</th>
                  <th scope="col">{t('procedure.formRequired')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.key}>
                    <td data-label={t('procedure.formField')} style={r.depth ? { paddingInlineStart: `${r.depth * 1.25 + 0.5}rem` } : undefined}>
                      {r.title}
                    </td>
                    <td data-label={t('procedure.formType')}>{t(`formType.${r.type}`)}</td>
                    <td data-label={t('procedure.formRequired')}>
                      <YesNo value={r.required} t={t} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
