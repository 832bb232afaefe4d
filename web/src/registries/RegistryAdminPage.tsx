// The shared registries' admin page (/quan-tri/so-dang-ky, system administrators): a tab per
// registry (citizens | businesses) with search, the list, one record with its history (each
// read is logged for the data subject), and imports from CSV / JSON — all or nothing — with the
// report of rejected rows and why, and the past imports.
import { useId, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Me } from '../api/types.js';
import { apiErrorText, FormAlert } from '../ui/form.js';
import { formatDateTime } from '../ui/format.js';
import { ListTable } from '../ui/ListTable.js';
import { Pager, useUrlParams } from '../ui/paging.js';
import { activeGrants, RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { Tabs } from '../ui/Tabs.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { ApiError } from '../api/client.js';
import { type ImportDetail, type RegistryName, REGISTRY_NAMES, registryApi, type RegistryRecord, recordKey, recordName, isCitizen } from './api.js';
import { BUSINESS_FIELDS, CITIZEN_FIELDS, fieldValue, HistoryTable, problemText, RecordView } from './parts.js';

export default function RegistryAdminPage() {
  const { t } = useTranslation();
  usePageTitle(t('registry.admin.title'));
  return <RequireAuth>{(me) => <AdminView me={me} />}</RequireAuth>;
}

function AdminView({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { params, update } = useUrlParams();
  const registry: RegistryName = params.get('so') === 'doanh-nghiep' ? 'businesses' : 'citizens';
  const allowed = activeGrants(me).some((g) => g.role === 'system_admin');
  return (
    <>
      <p>
        <Link to="/can-bo">{t('desk.back')}</Link>
      </p>
      <h1>{t('registry.admin.title')}</h1>
      {!allowed ? (
        <div className="alert alert-error" role="alert">
          <p>{t('registry.admin.notAllowed')}</p>
        </div>
      ) : (
        <>
          <p className="lead">{t('registry.admin.intro')}</p>
          <Tabs
            tabs={REGISTRY_NAMES}
            selected={registry}
            onSelect={(r) => update({ so: r === 'businesses' ? 'doanh-nghiep' : undefined, q: undefined, trang: undefined, ma: undefined })}
            label={t('registry.admin.tabs')}
            tabLabel={(r) => t(`registry.name.${r}`)}
          >
            <RegistryPanel key={registry} registry={registry} />
          </Tabs>
        </>
      )}
    </>
  );
}

function RegistryPanel({ registry }: { registry: RegistryName }) {
  const { t } = useTranslation();
  const { params, page, update, goToPage } = useUrlParams();
  const q = params.get('q') ?? '';
  const selected = params.get('ma');
  const list = useQuery({ queryKey: ['registry', registry, 'list', q, page], queryFn: ({ signal }) => registryApi.list(registry, q, page, signal) });
  const searchId = useId();

  function onSearch(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const value = String(new FormData(e.currentTarget).get('q') ?? '').trim();
    update({ q: value || undefined, trang: undefined, ma: undefined });
  }

  const keyLabel = t(registry === 'citizens' ? 'registry.field.citizenId' : 'registry.field.enterpriseCode');
  return (
    <>
      <section aria-labelledby={`${searchId}-h`} className="section">
        <h2 id={`${searchId}-h`}>{t('registry.list.title', { name: t(`registry.name.${registry}`) })}</h2>
        <form className="search-form" role="search" onSubmit={onSearch}>
          <label htmlFor={searchId} className="label">
            {t('registry.search.label')}
          </label>
          <div className="search-row">
            <input id={searchId} name="q" type="search" defaultValue={q} maxLength={200} />
            <button type="submit" className="button">
              {t('registry.search.submit')}
            </button>
          </div>
        </form>
        <div aria-live="polite">
          {list.isPending ? (
            <Loading />
          ) : list.isError ? (
            <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
          ) : list.data.items.length === 0 ? (
            <p>{t('registry.list.none')}</p>
          ) : (
            <>
              <p>{t('registry.list.total', { count: list.data.total })}</p>
              <ListTable<RegistryRecord>
                caption={t('registry.list.title', { name: t(`registry.name.${registry}`) })}
                rows={list.data.items}
                rowKey={recordKey}
                columns={[
                  { label: keyLabel, cell: (r) => recordKey(r) },
                  { label: t(registry === 'citizens' ? 'registry.field.fullName' : 'registry.field.name'), cell: (r) => recordName(r), className: 'break' },
                  isCitizen(list.data.items[0]!)
                    ? { label: t('registry.field.birthDate'), cell: (r) => fieldValue(t, 'birthDate', (r as { birthDate: string }).birthDate) }
                    : { label: t('registry.field.legalRepresentative'), cell: (r) => (r as { legalRepresentative: string }).legalRepresentative },
                  { label: t('registry.field.status'), cell: (r) => fieldValue(t, 'status', r.status) },
                  {
                    label: t('registry.list.actions'),
                    cell: (r) => (
                      <button type="button" className="button button-secondary" aria-label={t('registry.viewOf', { name: recordName(r) })} onClick={() => update({ ma: recordKey(r) })}>
                        {t('registry.view')}
                      </button>
                    ),
                  },
                ]}
              />
              <Pager page={page} total={list.data.total} pageSize={list.data.pageSize} onPage={goToPage} />
            </>
          )}
        </div>
      </section>
      {selected && <RecordPanel registry={registry} recordKey={selected} onClose={() => update({ ma: undefined })} />}
      <ImportSection registry={registry} />
    </>
  );
}

function RecordPanel({ registry, recordKey: key, onClose }: { registry: RegistryName; recordKey: string; onClose: () => void }) {
  const { t } = useTranslation();
  const rec = useQuery({ queryKey: ['registry', registry, 'record', key], queryFn: ({ signal }) => registryApi.record(registry, key, signal), staleTime: 60_000 });
  return (
    <section aria-labelledby="registry-record-h" className="card section" aria-live="polite">
      <h2 id="registry-record-h">{t('registry.record.title', { key })}</h2>
      <p className="hint">{t('registry.record.logged')}</p>
      {rec.isPending ? (
        <Loading />
      ) : rec.isError ? (
        <ErrorMessage error={rec.error} />
      ) : (
        <>
          <RecordView record={rec.data.record} />
          <h3>{t('registry.history.title')}</h3>
          <HistoryTable history={rec.data.history} />
        </>
      )}
      <p>
        <button type="button" className="button button-secondary" onClick={onClose}>
          {t('registry.record.close')}
        </button>
      </p>
    </section>
  );
}

function ImportSection({ registry }: { registry: RegistryName }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const fileId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ImportDetail | null>(null);
  const imports = useQuery({ queryKey: ['registry', registry, 'imports'], queryFn: ({ signal }) => registryApi.imports(registry, signal) });
  const columns = (registry === 'citizens' ? CITIZEN_FIELDS.filter((f) => f !== 'status') : BUSINESS_FIELDS).join(', ');

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    setError(null);
    setFieldError(null);
    const file = input.current?.files?.[0];
    if (!file) {
      setFieldError(t('registry.import.chooseFile'));
      input.current?.focus();
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      const result = await registryApi.importFile(registry, file);
      setOutcome(result);
      if (result.status === 'applied') {
        form.reset();
        await qc.invalidateQueries({ queryKey: ['registry', registry] });
      } else await qc.invalidateQueries({ queryKey: ['registry', registry, 'imports'] });
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && err.field === 'file' && err.reason) {
        setError(`${t(`registry.fileReason.${err.reason}`, { defaultValue: t('errors.invalid') })} ${err.message}`);
        await qc.invalidateQueries({ queryKey: ['registry', registry, 'imports'] });
      } else setError(apiErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="registry-import-h" className="card section">
      <h2 id="registry-import-h">{t('registry.import.title')}</h2>
      <p>{t('registry.import.intro')}</p>
      <p className="hint">{t('registry.import.columns', { columns })}</p>
      <form className="form-stack" noValidate onSubmit={(e) => void onSubmit(e)}>
        <FormAlert message={error} />
        <div className="form-group">
          <label htmlFor={fileId} className="label">
            {t('registry.import.file')}
          </label>
          {fieldError && (
            <p id={`${fileId}-err`} className="field-error">
              {fieldError}
            </p>
          )}
          <input
            ref={input}
            id={fileId}
            name="file"
            type="file"
            accept=".csv,.json,text/csv,application/json"
            aria-invalid={fieldError ? true : undefined}
            aria-describedby={fieldError ? `${fileId}-err` : undefined}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('registry.import.sending') : t('registry.import.submit')}
          </button>
        </div>
      </form>
      <div aria-live="polite">{outcome && <ImportOutcome outcome={outcome} />}</div>
      <h3>{t('registry.imports.title')}</h3>
      {imports.isPending ? (
        <Loading />
      ) : imports.isError ? (
        <ErrorMessage error={imports.error} onRetry={() => void imports.refetch()} />
      ) : imports.data.items.length === 0 ? (
        <p>{t('registry.imports.none')}</p>
      ) : (
        <ListTable
          caption={t('registry.imports.title')}
          rows={imports.data.items}
          rowKey={(i) => i.id}
          columns={[
            { label: t('registry.imports.at'), cell: (i) => <time dateTime={i.at}>{formatDateTime(i.at)}</time> },
            { label: t('registry.imports.file'), cell: (i) => i.filename, className: 'break' },
            { label: t('registry.imports.by'), cell: (i) => i.byName ?? '—' },
            {
              label: t('registry.imports.result'),
              cell: (i) => (
                <>
                  {t(`registry.imports.status.${i.status}`)}
                  <span className="cell-note">{t('registry.imports.rows', { accepted: i.accepted, total: i.total, rejected: i.rejected })}</span>
                </>
              ),
            },
          ]}
        />
      )}
    </section>
  );
}

function ImportOutcome({ outcome: o }: { outcome: ImportDetail }) {
  const { t } = useTranslation();
  if (o.status === 'applied') return <p className="success">{t('registry.import.applied', { count: o.accepted, file: o.filename })}</p>;
  const rows = o.report.rejected.flatMap((r) => r.errors.map((e, i) => ({ id: `${r.row}-${i}`, row: r.row, key: r.key, problem: e })));
  return (
    <div className="alert alert-error" role="alert">
      <p>{t('registry.import.rejected', { file: o.filename, rejected: o.rejected, total: o.total })}</p>
      <ListTable
        caption={t('registry.import.report.caption')}
        rows={rows}
        rowKey={(r) => r.id}
        columns={[
          { label: t('registry.import.report.row'), cell: (r) => r.row },
          { label: t('registry.import.report.key'), cell: (r) => r.key ?? '—' },
          { label: t('registry.import.report.field'), cell: (r) => t(`registry.field.${r.problem.field}`, { defaultValue: r.problem.field }) },
          { label: t('registry.import.report.reason'), cell: (r) => problemText(t, r.problem), className: 'break' },
        ]}
      />
    </div>
  );
}
