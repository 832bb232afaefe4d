// "Dữ liệu của tôi" (/ca-nhan/du-lieu): what the shared registries hold about me, every lookup
// of my data by officers (who, when, which dossier, which purpose), and the download of all my
// data as one JSON file.
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../ui/format.js';
import { ListTable } from '../ui/ListTable.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { EXPORT_URL, type Lookup, registryApi } from '../registries/api.js';
import { HistoryTable, RecordView } from '../registries/parts.js';

export default function MyDataPage() {
  const { t } = useTranslation();
  usePageTitle(t('registry.myData.title'));
  return <RequireAuth>{() => <MyData />}</RequireAuth>;
}

function MyData() {
  const { t } = useTranslation();
  return (
    <>
      <p>
        <Link to="/ca-nhan">{t('registry.myData.backToProfile')}</Link>
      </p>
      <h1>{t('registry.myData.title')}</h1>
      <p className="lead">{t('registry.myData.intro')}</p>
      <ExportSection />
      <LookupsSection />
      <RecordsSection />
    </>
  );
}

function ExportSection() {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="mydata-export-h" className="card section">
      <h2 id="mydata-export-h">{t('registry.myData.export.title')}</h2>
      <p>{t('registry.myData.export.intro')}</p>
      <p>
        <a className="button" href={EXPORT_URL} download>
          {t('registry.myData.export.button')}
        </a>
      </p>
    </section>
  );
}

function LookupsSection() {
  const { t } = useTranslation();
  const lookups = useQuery({ queryKey: ['me', 'lookups'], queryFn: ({ signal }) => registryApi.myLookups(signal), staleTime: 0 });
  return (
    <section aria-labelledby="mydata-lookups-h" className="card section">
      <h2 id="mydata-lookups-h">{t('registry.myData.lookups.title')}</h2>
      <p>{t('registry.myData.lookups.intro')}</p>
      {lookups.isPending ? (
        <Loading />
      ) : lookups.isError ? (
        <ErrorMessage error={lookups.error} onRetry={() => void lookups.refetch()} />
      ) : lookups.data.items.length === 0 ? (
        <p>{t('registry.myData.lookups.none')}</p>
      ) : (
        <ListTable<Lookup>
          caption={t('registry.myData.lookups.title')}
          rows={lookups.data.items}
          rowKey={(l) => l.id}
          columns={[
            { label: t('registry.myData.lookups.at'), cell: (l) => <time dateTime={l.at}>{formatDateTime(l.at)}</time> },
            {
              label: t('registry.myData.lookups.officer'),
              cell: (l) => (
                <>
                  {l.officerName}
                  {l.agencyName && <span className="cell-note">{l.agencyName}</span>}
                </>
              ),
            },
            { label: t('registry.myData.lookups.dossier'), cell: (l) => (l.dossierCode ? <Link to={`/ho-so/${encodeURIComponent(l.dossierCode)}`}>{l.dossierCode}</Link> : '—'), className: 'break' },
            { label: t('registry.myData.lookups.purpose'), cell: (l) => l.purpose, className: 'break' },
            {
              label: t('registry.myData.lookups.registry'),
              cell: (l) => (
                <>
                  {t(`registry.name.${l.registry}`)}
                  <span className="cell-note">
                    {l.subjectKeyMasked} · {l.found ? t('registry.myData.lookups.found') : t('registry.myData.lookups.notFound')}
                  </span>
                </>
              ),
            },
          ]}
        />
      )}
    </section>
  );
}

function RecordsSection() {
  const { t } = useTranslation();
  const records = useQuery({ queryKey: ['me', 'registry-records'], queryFn: ({ signal }) => registryApi.myRecords(signal) });
  return (
    <section aria-labelledby="mydata-records-h" className="card section">
      <h2 id="mydata-records-h">{t('registry.myData.records.title')}</h2>
      {records.isPending ? (
        <Loading />
      ) : records.isError ? (
        <ErrorMessage error={records.error} onRetry={() => void records.refetch()} />
      ) : records.data.items.length === 0 ? (
        <p>{t('registry.myData.records.none')}</p>
      ) : (
        records.data.items.map((r) => (
          <div key={r.registry}>
            <h3>{t(`registry.name.${r.registry}`)}</h3>
            <RecordView record={r.record} />
            <h4>{t('registry.history.title')}</h4>
            <HistoryTable history={r.history} />
          </div>
        ))
      )}
    </section>
  );
}
