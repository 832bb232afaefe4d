// Pieces shared by the registry admin page and "my data": a record as a definition list, its
// history, and worded values (gender, status, source, change, row problems).
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { formatDate, formatDateTime } from '../ui/format.js';
import { ListTable } from '../ui/ListTable.js';
import { type HistoryEntry, isCitizen, type RegistryRecord, type RowProblem } from './api.js';

/** The column names of the records (in the API and the import files). */
export const CITIZEN_FIELDS = ['citizenId', 'fullName', 'birthDate', 'gender', 'permanentAddress', 'householdCode', 'status'] as const;
export const BUSINESS_FIELDS = ['enterpriseCode', 'name', 'address', 'legalRepresentative', 'legalRepresentativeId', 'status', 'registeredOn'] as const;
/** DB column (history) → field name */
const COLUMN_FIELD: Record<string, string> = {
  full_name: 'fullName', birth_date: 'birthDate', gender: 'gender', permanent_address: 'permanentAddress', household_code: 'householdCode', status: 'status',
  name: 'name', address: 'address', legal_representative: 'legalRepresentative', legal_representative_id: 'legalRepresentativeId', registered_on: 'registeredOn',
};

const DATE_FIELDS = new Set(['birthDate', 'registeredOn']);

export function fieldValue(t: TFunction, field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  const s = String(value);
  if (DATE_FIELDS.has(field)) return formatDate(s);
  if (field === 'gender') return t(`registry.gender.${s}`, { defaultValue: s });
  if (field === 'status') return t(`registry.status.${s}`, { defaultValue: s });
  return s;
}

/** A row problem in the interface language; the server's Vietnamese message when the reason is not known here. */
export function problemText(t: TFunction, p: RowProblem): string {
  const worded = t(`registry.reason.${p.reason}`, { defaultValue: '' });
  if (!worded) return p.message;
  const rows = /\(dòng ([^)]*)\)$/.exec(p.message)?.[1];
  return rows ? `${worded} (${t('registry.import.report.rows', { rows })})` : worded;
}

export function RecordView({ record }: { record: RegistryRecord }) {
  const { t } = useTranslation();
  const fields: readonly string[] = isCitizen(record) ? CITIZEN_FIELDS : BUSINESS_FIELDS;
  const r = record as unknown as Record<string, unknown>;
  return (
    <dl className="summary">
      {fields.map((f) => (
        <div key={f}>
          <dt>{t(`registry.field.${f}`)}</dt>
          <dd className="break">{fieldValue(t, f, r[f])}</dd>
        </div>
      ))}
      <div>
        <dt>{t('registry.field.source')}</dt>
        <dd>
          {t(`registry.source.${record.source}`, { defaultValue: record.source })}
          {record.sourceRef && record.source === 'result' ? ` · ${record.sourceRef}` : ''}
        </dd>
      </div>
      <div>
        <dt>{t('registry.field.updatedAt')}</dt>
        <dd>
          <time dateTime={record.updatedAt}>{formatDateTime(record.updatedAt)}</time>
        </dd>
      </div>
    </dl>
  );
}

function changes(t: TFunction, h: HistoryEntry): string {
  const cols = Object.keys(h.after);
  if (h.change === 'created') return t('registry.history.createdWith', { count: cols.length });
  return cols
    .map((c) => {
      const f = COLUMN_FIELD[c] ?? c;
      return `${t(`registry.field.${f}`, { defaultValue: f })}: ${fieldValue(t, f, h.before?.[c])} → ${fieldValue(t, f, h.after[c])}`;
    })
    .join('; ');
}

export function HistoryTable({ history }: { history: HistoryEntry[] }) {
  const { t } = useTranslation();
  return (
    <ListTable
      caption={t('registry.history.title')}
      rows={history}
      rowKey={(h) => `${h.at}-${h.change}-${h.sourceRef ?? ''}-${JSON.stringify(h.after).length}`}
      columns={[
        { label: t('registry.history.at'), cell: (h) => <time dateTime={h.at}>{formatDateTime(h.at)}</time> },
        { label: t('registry.history.change'), cell: (h) => t(`registry.change.${h.change}`, { defaultValue: h.change }) },
        { label: t('registry.history.detail'), cell: (h) => changes(t, h), className: 'break' },
        {
          label: t('registry.history.source'),
          cell: (h) => (
            <>
              {t(`registry.source.${h.source}`, { defaultValue: h.source })}
              {h.sourceRef && <span className="cell-note">{h.source === 'import' ? t('registry.history.importRef', { ref: h.sourceRef }) : h.sourceRef}</span>}
              {h.byName && <span className="cell-note">{h.byName}</span>}
            </>
          ),
        },
      ]}
    />
  );
}
