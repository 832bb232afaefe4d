// Pieces shared by the applicant's and the officer's dossier pages: a file upload per
// document, the timeline, the documents, the forms (PDF) to download, the supplement
// checklist of the desk.
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api, links } from '../api/client.js';
import type { DossierDetail, DossierEvent, RequiredDocument } from '../api/types.js';
import { apiErrorText } from '../ui/form.js';
import { formatSize, formatVnDateTime } from '../ui/format.js';
import { FormDataView, RequiredMark } from '../ui/SchemaForm.js';

export const MAX_UPLOAD = 10 * 1024 * 1024;
const ACCEPT = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';

export interface UploadedFile {
  id: string;
  filename?: string | undefined;
  size?: number | undefined;
}

/** One document's file: uploaded as soon as it is chosen; refusals shown next to it. */
export function UploadControl({
  label,
  note,
  required,
  value,
  onChange,
  error,
}: {
  label: string;
  note?: string | null | undefined;
  required?: boolean;
  value: UploadedFile | null;
  onChange: (v: UploadedFile | null) => void;
  error?: string | undefined;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [ownError, setOwnError] = useState<string | null>(null);
  const shown = ownError ?? error;
  const errorId = shown ? `${id}-error` : undefined;
  const fileId = `${id}-file`;
  const noteId = note ? `${id}-note` : undefined;

  async function onFile(file: File | undefined) {
    if (!file) return;
    setOwnError(null);
    if (file.size > MAX_UPLOAD) {
      setOwnError(t('errors.file_too_large'));
      return;
    }
    setBusy(true);
    try {
      const u = await api.upload(file);
      onChange({ id: u.id, filename: u.filename, size: u.size });
    } catch (err) {
      setOwnError(apiErrorText(t, err));
    } finally {
      setBusy(false);
      if (inputRef.current) inputRef.current.value = '';
    }
  }

  return (
    <div className="form-group upload">
      <label htmlFor={id} className="label">
        {label}
        {required && <RequiredMark />}
      </label>
      {note && (
        <p id={noteId} className="hint">
          {note}
        </p>
      )}
      {shown && (
        <p id={errorId} className="field-error">
          {shown}
        </p>
      )}
      <p id={fileId} className="upload-file" aria-live="polite">
        {busy
          ? t('upload.uploading')
          : value
            ? t('upload.uploaded', {
                name: value.filename ?? t('upload.savedFile'),
                size: value.size !== undefined ? ` (${formatSize(i18n.language, value.size)})` : '',
              })
            : t('upload.none')}
      </p>
      <div className="upload-row">
        <input
          ref={inputRef}
          id={id}
          type="file"
          accept={ACCEPT}
          disabled={busy}
          aria-invalid={shown ? true : undefined}
          aria-describedby={[errorId, fileId, noteId].filter(Boolean).join(' ')}
          onChange={(e) => void onFile(e.target.files?.[0])}
        />
        {value && !busy && (
          <button type="button" className="button button-secondary" onClick={() => onChange(null)} aria-label={t('upload.removeLabel', { name: label })}>
            {t('upload.remove')}
          </button>
        )}
      </div>
    </div>
  );
}

export function statusText(t: TFunction, status: string, fallback: string): string {
  // statuses of processing after receipt are named under work.dossierStatus
  return t(`dossierStatus.${status}`, { defaultValue: t(`work.dossierStatus.${status}`, { defaultValue: fallback }) });
}

export function StatusBadge({ status, text }: { status: string; text: string }) {
  const { t } = useTranslation();
  return <span className={`badge badge-status badge-status-${status}`}>{statusText(t, status, text)}</span>;
}

function isRec(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function EventDetails({ e, docName, internal }: { e: DossierEvent; docName: (code: string) => string; internal: boolean }) {
  const { t } = useTranslation();
  const p = isRec(e.payload) ? e.payload : {};
  if ((e.type === 'supplement_requested' || e.type === 'processing_supplement_requested') && Array.isArray(p.items)) {
    return (
      <ul>
        {p.items.filter(isRec).map((i, n) => (
          <li key={n}>
            <strong>{docName(String(i.requirement))}</strong>: {String(i.reason)}
          </li>
        ))}
      </ul>
    );
  }
  if (e.type === 'refused' && Array.isArray(p.reasons)) {
    return (
      <ul>
        {p.reasons.map((r, n) => (
          <li key={n}>{String(r)}</li>
        ))}
      </ul>
    );
  }
  if (e.type === 'withdrawn' && typeof p.reason === 'string') return <p>{t('timeline.reason', { reason: p.reason })}</p>;
  if (e.type === 'received' && typeof p.dueAt === 'string') return <p>{t('timeline.dueAt', { date: formatVnDateTime(p.dueAt) })}</p>;
  if (e.type === 'supplement_provided' && Array.isArray(p.documents)) {
    return <p>{p.documents.map((d) => docName(String(d))).join('; ')}</p>;
  }
  if (e.type === 'apology_issued' && typeof p.newDueAt === 'string') {
    return (
      <>
        <p>{t('work.timeline.newDueAt', { date: formatVnDateTime(p.newDueAt) })}</p>
        {typeof p.reason === 'string' && <p>{t('timeline.reason', { reason: p.reason })}</p>}
      </>
    );
  }
  if (e.type === 'result_recorded' && typeof p.summary === 'string') return <p>{p.summary}</p>;
  if (e.type === 'result_returned' && typeof p.method === 'string') return <p>{t(`work.method.${p.method}`, { defaultValue: p.method })}</p>;
  // interconnection (#6): what happened at the agency another member's system holds, as that system reported it
  if ((e.type.startsWith('peer_') || e.type === 'received_from_peer') && typeof p.label === 'string') {
    return (
      <>
        <p>{p.label}</p>
        {internal && typeof p.reason === 'string' && <p>{t('timeline.reason', { reason: p.reason })}</p>}
      </>
    );
  }
  if (!internal) return null;
  // officers also see the notes, questions and answers exchanged between agencies
  if ((e.type === 'returned_to_step' || e.type === 'transferred') && typeof p.reason === 'string') return <p>{t('timeline.reason', { reason: p.reason })}</p>;
  if (e.type === 'consultation_requested' && typeof p.question === 'string') return <p>{t('work.timeline.question', { text: p.question })}</p>;
  if (e.type === 'consultation_answered' && typeof p.answer === 'string') return <p>{t('work.timeline.answer', { text: p.answer })}</p>;
  if ((e.type === 'handed_over' || e.type === 'approved') && typeof p.note === 'string' && p.note) return <p>{t('work.timeline.note', { text: p.note })}</p>;
  return null;
}

/** The dossier's history, oldest first; `internal` (officers) adds the exchanges between agencies. */
export function Timeline({ d, internal = false }: { d: DossierDetail; internal?: boolean }) {
  const { t } = useTranslation();
  const docName = (code: string) => d.documents.find((x) => x.requirement === code)?.name ?? d.openSupplement?.find((x) => x.requirement === code)?.name ?? code;
  const events = [...d.events].sort((a, b) => a.seq - b.seq);
  return (
    <ol className="timeline">
      {events.map((e) => (
        <li key={e.seq}>
          <p className="timeline-head">
            <strong>{t(`eventType.${e.type}`, { defaultValue: t(`work.eventType.${e.type}`, { defaultValue: e.type }) })}</strong>{' '}
            <time dateTime={e.at} className="muted">
              {formatVnDateTime(e.at)}
            </time>
          </p>
          {(e.actorName || e.agencyName) && <p className="muted">{[e.actorName, e.agencyName].filter(Boolean).join(' — ')}</p>}
          <EventDetails e={e} docName={docName} internal={internal} />
        </li>
      ))}
    </ol>
  );
}

/** The documents of a dossier with links to their files; with `viewer` (officers) the result
 *  document is marked and images can also be viewed here. */
export function DocumentsTable({ d, viewer = false }: { d: DossierDetail; viewer?: boolean }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [shown, setShown] = useState<number | null>(null);
  const viewerHeading = useRef<HTMLHeadingElement>(null);
  const buttons = useRef<Record<number, HTMLButtonElement | null>>({});
  const doc = viewer ? d.documents.find((x) => x.id === shown) : undefined;
  if (d.documents.length === 0) return <p>{t('dossier.noDocuments')}</p>;
  const show = (docId: number | null) => {
    const was = shown;
    setShown(docId);
    window.setTimeout(() => (docId === null ? (was !== null ? buttons.current[was] : null) : viewerHeading.current)?.focus(), 0);
  };
  return (
    <>
      <div className="table-wrap">
        <table className={viewer ? 'table-stack work-docs' : 'table-stack'}>
          <thead>
            <tr>
              <th scope="col">{t('procedure.docName')}</th>
              <th scope="col">{t('dossier.file')}</th>
            </tr>
          </thead>
          <tbody>
            {d.documents.map((x) => (
              <tr key={x.id}>
                <td data-label={t('procedure.docName')}>{viewer && x.source === 'result' ? <strong>{t('work.resultDocument')}</strong> : x.name}</td>
                <td data-label={t('dossier.file')} className="break">
                  {x.filename ? (
                    <>
                      <a href={links.document(d.code, x.id)} target="_blank" rel="noopener noreferrer">
                        {x.filename}
                        <span className="sr-only"> {t('app.newTab')}</span>
                      </a>
                      {x.size !== null && <span className="cell-note">{formatSize(i18n.language, x.size)}</span>}
                      {viewer && x.mediaType?.startsWith('image/') && (
                        <button
                          type="button"
                          className="link-button"
                          ref={(el) => {
                            buttons.current[x.id] = el;
                          }}
                          aria-expanded={shown === x.id}
                          aria-controls={shown === x.id ? `${id}-viewer` : undefined}
                          onClick={() => show(shown === x.id ? null : x.id)}
                        >
                          {t('work.viewHere', { name: x.filename })}
                        </button>
                      )}
                    </>
                  ) : (
                    t('dossier.paper')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {doc && (
        <div id={`${id}-viewer`} className="doc-viewer" role="region" aria-labelledby={`${id}-viewer-h`}>
          <h3 id={`${id}-viewer-h`} ref={viewerHeading} tabIndex={-1} className="small-heading">
            {t('work.viewing', { name: doc.filename ?? doc.name })}
          </h3>
          <img src={links.document(d.code, doc.id)} alt={doc.name} />
          <p>
            <button type="button" className="button button-secondary" onClick={() => show(null)}>
              {t('work.closeViewer')}
            </button>
          </p>
        </div>
      )}
    </>
  );
}

/** The applicant's identity and contact details (officers' pages). */
export function ApplicantFacts({ a }: { a: Record<string, unknown> }) {
  const { t } = useTranslation();
  const rows = (['name', 'citizenId', 'taxCode', 'address', 'phone', 'email'] as const).filter((k) => typeof a[k] === 'string' && a[k]);
  return (
    <dl className="summary">
      {rows.map((k) => (
        <div key={k}>
          <dt>{t(`applicantField.${k}`)}</dt>
          <dd className="break">{String(a[k])}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The dossier itself on the officers' pages: applicant, form data, documents, timeline;
 *  `internal` (processing) adds the image viewer and the exchanges between agencies. */
export function DossierSections({ d, formSchema, internal = false }: { d: DossierDetail; formSchema: Record<string, unknown> | null | undefined; internal?: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <section aria-labelledby="sec-applicant" className="card section">
        <h2 id="sec-applicant">{t('dossier.applicant')}</h2>
        <ApplicantFacts a={d.applicant} />
      </section>
      <section aria-labelledby="sec-form" className="card section">
        <h2 id="sec-form">{t('procedure.form')}</h2>
        <FormDataView schema={formSchema} data={d.form} />
      </section>
      <section aria-labelledby="sec-docs" className="card section">
        <h2 id="sec-docs">{t('procedure.documents')}</h2>
        <DocumentsTable d={d} viewer={internal} />
      </section>
      <section aria-labelledby="sec-timeline" className="card section">
        <h2 id="sec-timeline">{t('dossier.timeline')}</h2>
        <Timeline d={d} internal={internal} />
      </section>
    </>
  );
}

const FORM_OF_EVENT = { received: 'receipt', supplement_requested: 'supplement', processing_supplement_requested: 'supplement', refused: 'refusal' } as const;

/** Links to the forms (receipt, supplement request, refusal) matching the events present. */
export function FormLinks({ d }: { d: DossierDetail }) {
  const { t } = useTranslation();
  const present = new Set(d.events.map((e) => e.type));
  const forms = [...new Set((Object.keys(FORM_OF_EVENT) as (keyof typeof FORM_OF_EVENT)[]).filter((e) => present.has(e)).map((e) => FORM_OF_EVENT[e]))];
  if (forms.length === 0) return null;
  return (
    <ul className="plain form-links">
      {forms.map((f) => (
        <li key={f}>
          <a href={links.form(d.code, f)} target="_blank" rel="noopener noreferrer">
            {t(`dossierForm.${f}`)}
            <span className="sr-only"> {t('app.newTab')}</span>
          </a>
        </li>
      ))}
    </ul>
  );
}

/** Dates and facts of a dossier. */
export function DossierFacts({ d, children }: { d: DossierDetail; children?: React.ReactNode }) {
  const { t } = useTranslation();
  return (
    <dl className="summary">
      <div>
        <dt>{t('dossier.status')}</dt>
        <dd>
          <StatusBadge status={d.status} text={d.publicStatus} />
        </dd>
      </div>
      <div>
        <dt>{t('dossier.procedure')}</dt>
        <dd>{d.procedureName}</dd>
      </div>
      <div>
        <dt>{t('dossier.agency')}</dt>
        <dd>{d.agencyName}</dd>
      </div>
      <div>
        <dt>{t('dossier.submittedAt')}</dt>
        <dd>{formatVnDateTime(d.submittedAt)}</dd>
      </div>
      <div>
        <dt>{t('dossier.receivedAt')}</dt>
        <dd>{d.receivedAt ? formatVnDateTime(d.receivedAt) : '—'}</dd>
      </div>
      <div>
        <dt>{t('dossier.dueAt')}</dt>
        <dd>{d.dueAt ? formatVnDateTime(d.dueAt) : '—'}</dd>
      </div>
      {d.registerNo !== null && (
        <div>
          <dt>{t('dossier.registerNo')}</dt>
          <dd>{d.registerNo}</dd>
        </div>
      )}
      <div>
        <dt>{t('dossier.returnMethod')}</dt>
        <dd>{t(`returnMethod.${d.returnMethod}`, { defaultValue: d.returnMethod })}</dd>
      </div>
      <div>
        <dt>{t('dossier.channel')}</dt>
        <dd>{t(`channel.${d.channel}`, { defaultValue: d.channel })}</dd>
      </div>
      {children}
    </dl>
  );
}

export interface ChecklistItem {
  checked: boolean;
  reason: string;
}
export type Checklist = Record<string, ChecklistItem>;

/** The desk's supplement request: which required documents, and why each. */
export function SupplementChecklist({
  documents,
  value,
  onChange,
  errors,
}: {
  documents: RequiredDocument[];
  value: Checklist;
  onChange: (v: Checklist) => void;
  errors: Record<string, string>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const required = documents.filter((d) => d.mandatory);
  return (
    <fieldset className="choice checklist">
      <legend>{t('desk.supplementWhich')}</legend>
      {errors._ && (
        <p className="field-error" id={`${id}-err`}>
          {errors._}
        </p>
      )}
      {required.map((doc, n) => {
        const item = value[doc.code] ?? { checked: false, reason: '' };
        const reasonId = `${id}-r${n}`;
        const errId = errors[doc.code] ? `${reasonId}-error` : undefined;
        return (
          <div key={doc.code} className="check-item">
            <div className="checkbox">
              <input
                type="checkbox"
                id={`${id}-c${n}`}
                checked={item.checked}
                aria-describedby={errors._ ? `${id}-err` : undefined}
                onChange={(e) => onChange({ ...value, [doc.code]: { ...item, checked: e.target.checked } })}
              />
              <label htmlFor={`${id}-c${n}`}>{doc.name}</label>
            </div>
            {item.checked && (
              <div className="form-group nested">
                <label htmlFor={reasonId} className="label">
                  {t('desk.supplementReason', { name: doc.name })}
                  <RequiredMark />
                </label>
                {errId && (
                  <p id={errId} className="field-error">
                    {errors[doc.code]}
                  </p>
                )}
                <textarea
                  id={reasonId}
                  rows={2}
                  required
                  aria-invalid={errId ? true : undefined}
                  aria-describedby={errId}
                  value={item.reason}
                  onChange={(e) => onChange({ ...value, [doc.code]: { ...item, reason: e.target.value } })}
                />
              </div>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}

/** Supplement items from a checklist, or errors. */
export function checklistItems(t: TFunction, value: Checklist): { items: { requirement: string; reason: string }[]; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const items: { requirement: string; reason: string }[] = [];
  for (const [code, v] of Object.entries(value)) {
    if (!v.checked) continue;
    if (v.reason.trim().length < 3) errors[code] = t('desk.reasonTooShort');
    items.push({ requirement: code, reason: v.reason.trim() });
  }
  if (items.length === 0) errors._ = t('desk.chooseDocument');
  return { items, errors };
}

/** Refusal reasons, one per line. */
export function reasonLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

