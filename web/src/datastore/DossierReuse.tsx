// The reuse and digitisation of a dossier's documents, on the applicant's and the officers'
// dossier pages: a line with the dossier's flags, each document with worded badges ("Tái sử
// dụng dữ liệu", "Đã số hoá", "Lấy từ CSDL dân cư"); for officers, the registry record behind a
// registry document (the look-up is logged); for the desk, the digitisation of a paper component.
import { useId, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { DossierDetail } from '../api/types.js';
import { UploadControl, type UploadedFile } from '../dossiers/parts.js';
import { apiErrorText } from '../ui/form.js';
import { formatDate } from '../ui/format.js';
import { dossierFlags, flaggedDocuments, isDigitised, isReused, reuseErrorText, storeApi, type FlaggedDocument, type RegistryEvidence } from './api.js';

/** The registry an evidence type is provided by, from the public list of evidence types. */
function useEvidenceRegistries(): Map<string, string> {
  const q = useQuery({ queryKey: ['evidence-types'], queryFn: ({ signal }) => storeApi.evidenceTypes(signal), staleTime: 5 * 60_000 });
  return new Map((q.data ?? []).flatMap((x) => (x.registry ? [[x.code, x.registry] as [string, string]] : [])));
}

/** The dossier's flags in words: reused and digitised components out of all. */
export function ReuseFlagsLine({ d }: { d: DossierDetail }) {
  const { t } = useTranslation();
  const f = dossierFlags(d);
  const docs = flaggedDocuments(d);
  const total = f?.componentCount ?? docs.length;
  const reused = f?.reusedCount ?? docs.filter(isReused).length;
  const digitised = f?.digitisedCount ?? docs.filter(isDigitised).length;
  const all = f ? f.digitised : total > 0 && digitised === total;
  return (
    <p className="reuse-flags">
      {t('datastore.flagsLine', { reused, digitised, total })}{' '}
      {all ? <span className="badge badge-online-full">{t('datastore.flagAllDigitised')}</span> : <span className="badge badge-online-none">{t('datastore.flagNotAllDigitised')}</span>}
      {reused > 0 && <span className="badge badge-free">{t('datastore.flagReused')}</span>}
    </p>
  );
}

/** The badges of one document. */
export function DocumentBadges({ x, registries }: { x: FlaggedDocument; registries: Map<string, string> }) {
  const { t } = useTranslation();
  const registry = x.source === 'registry' ? (x.evidenceType ? registries.get(x.evidenceType) : undefined) : undefined;
  return (
    <span className="badges">
      {isReused(x) && <span className="badge badge-free">{t('datastore.badgeReused')}</span>}
      {isDigitised(x) ? <span className="badge badge-online-full">{t('datastore.badgeDigitised')}</span> : <span className="badge badge-online-none">{t('datastore.badgePaper')}</span>}
      {x.source === 'registry' && <span className="badge badge-priority">{t(`datastore.badgeRegistry.${registry ?? 'any'}`, { defaultValue: t('datastore.badgeRegistry.any') })}</span>}
      {x.source === 'store' && <span className="badge badge-priority">{t('datastore.badgeStore')}</span>}
    </span>
  );
}

/**
 * The section: flags, then each document with its badges. `officer`: the registry record can be
 * viewed; `desk`: paper components can be digitised (a scan uploaded).
 */
export function DossierReuseSection({ d, officer = false, desk = false }: { d: DossierDetail; officer?: boolean; desk?: boolean }) {
  const { t } = useTranslation();
  const registries = useEvidenceRegistries();
  const docs = flaggedDocuments(d);
  const [message, setMessage] = useState<string | null>(null);
  if (docs.length === 0) return null;
  return (
    <section aria-labelledby="sec-reuse" className="card section">
      <h2 id="sec-reuse">{t('datastore.reuseTitle')}</h2>
      <ReuseFlagsLine d={d} />
      <div role="status" aria-live="polite">
        {message && <p className="success">{message}</p>}
      </div>
      <ul className="item-list reuse-docs">
        {docs.map((x) => (
          <li key={x.id}>
            <span className="break">
              {x.name}
              <span className="cell-note">
                <DocumentBadges x={x} registries={registries} />
                {x.consentAt && ` ${t('datastore.consentAt', { date: formatDate(x.consentAt) })}`}
                {x.eResult && ` ${t('datastore.eResult', { serial: x.eResult.serial, status: t(`datastore.eResultStatus.${x.eResult.status}`, { defaultValue: x.eResult.status }) })}`}
              </span>
            </span>
            {officer && x.source === 'registry' && <RegistryEvidenceView code={d.code} doc={x} />}
            {desk && canDigitise(x) && <Digitise code={d.code} doc={x} onDone={setMessage} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A paper component (or a result without its file) not yet digitised. */
function canDigitise(x: FlaggedDocument): boolean {
  return !isDigitised(x) && (x.source === 'paper' || (x.source === 'result' && !x.filename));
}

const DATE = /^\d{4}-\d{2}-\d{2}/;
/** Wrapping and provenance of the answer, not the record's data. */
const SKIPPED = new Set(['found', 'registry', 'id', 'history', 'purpose', 'dossierCode', 'logged', 'source', 'sourceRef', 'createdAt']);

function RegistryEvidenceView({ code, doc }: { code: string; doc: FlaggedDocument }) {
  const { t } = useTranslation();
  const id = useId();
  const [open, setOpen] = useState(false);
  const q = useQuery({ queryKey: ['registry-evidence', code, doc.id], queryFn: ({ signal }) => storeApi.registryEvidence(code, doc.id, signal), enabled: open, staleTime: Infinity, retry: false });
  const record = q.data ? recordOf(q.data) : null;
  return (
    <div className="registry-evidence">
      <button type="button" className="button button-secondary" aria-expanded={open} aria-controls={open ? `${id}-r` : undefined} onClick={() => setOpen(!open)}>
        {open ? t('datastore.hideRegistry') : t('datastore.viewRegistry')}
        <span className="sr-only"> — {doc.name}</span>
      </button>
      {open && (
        <div id={`${id}-r`} role="region" aria-live="polite" aria-label={t('datastore.registryRecord', { name: doc.name })}>
          <p className="hint">{t('datastore.lookupLogged')}</p>
          {q.isPending ? (
            <p>{t('status.loading')}</p>
          ) : q.isError ? (
            <p className="alert alert-error">{reuseErrorText(t, q.error) ?? apiErrorText(t, q.error)}</p>
          ) : !record ? (
            <p>{t('datastore.registryNotFound')}</p>
          ) : (
            <dl className="summary">
              {Object.entries(record).map(([k, v]) => (
                <div key={k}>
                  <dt>{t(`datastore.registryField.${k}`, { defaultValue: k })}</dt>
                  <dd className="break">{typeof v === 'string' && DATE.test(v) ? formatDate(v) : typeof v === 'string' && (k === 'gender' || k === 'status') ? t(`datastore.registryValue.${v}`, { defaultValue: v }) : String(v ?? '—')}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
      )}
    </div>
  );
}

/** The record's plain fields (strings, numbers), whatever the answer's wrapping. */
function recordOf(r: RegistryEvidence): Record<string, string | number> | null {
  if (r.found === false) return null;
  const src = r.record && typeof r.record === 'object' ? r.record : r;
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(src)) {
    if (SKIPPED.has(k)) continue;
    if (typeof v === 'string' || typeof v === 'number') out[k] = v;
  }
  return Object.keys(out).length ? out : null;
}

function Digitise({ code, doc, onDone }: { code: string; doc: FlaggedDocument; onDone: (m: string) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<UploadedFile | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);

  async function save() {
    if (!file) {
      setError(t('datastore.scanRequired'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await storeApi.digitise(code, doc.id, file.id);
      onDone(t('datastore.digitised', { name: doc.name }));
      setOpen(false);
      await qc.invalidateQueries({ queryKey: ['dossier', code] });
    } catch (err) {
      setError(reuseErrorText(t, err) ?? apiErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  if (!open)
    return (
      <button type="button" ref={buttonRef} className="button button-secondary" onClick={() => setOpen(true)}>
        {t('datastore.digitise')}
        <span className="sr-only"> — {doc.name}</span>
      </button>
    );
  return (
    <div className="subform">
      <UploadControl label={t('datastore.scanOf', { name: doc.name })} required value={file} error={error} onChange={setFile} />
      <div className="form-actions">
        <button type="button" className="button" disabled={busy} onClick={() => void save()}>
          {busy ? t('form.sending') : t('datastore.saveScan')}
        </button>
        <button type="button" className="button button-secondary" onClick={() => setOpen(false)}>
          {t('form.cancel')}
        </button>
      </div>
    </div>
  );
}

/** The requirements a supplement request may not name (satisfied by reused data), in words. */
export function ReusedNotOffered({ names }: { names: string[] }) {
  const { t } = useTranslation();
  if (names.length === 0) return null;
  return (
    <div className="alert alert-info">
      <p>{t('datastore.notOffered')}</p>
      <ul>
        {names.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </div>
  );
}
