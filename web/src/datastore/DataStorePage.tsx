// "Kho dữ liệu của tôi": the documents kept for the applicant (uploads and results received),
// each with its evidence type, issuer, dates and whether it can still be used; preview, add an
// upload of mine with its details, remove with confirmation.
import { useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FormAlert, LabelledField, apiErrorText, patterns } from '../ui/form.js';
import { formatDate, formatSize, localName } from '../ui/format.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { UploadControl, type UploadedFile } from '../dossiers/parts.js';
import { storeApi, storeLinks, type StoreItem } from './api.js';
import { ItemDates, UsableBadge } from './parts.js';

export default function DataStorePage() {
  const { t } = useTranslation();
  usePageTitle(t('datastore.title'));
  return <RequireAuth>{() => <Store />}</RequireAuth>;
}

function Store() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['my-store'], queryFn: ({ signal }) => storeApi.list(signal), staleTime: 0 });
  const [message, setMessage] = useState<string | null>(null);
  return (
    <>
      <p>
        <Link to="/ca-nhan">{t('datastore.backToProfile')}</Link>
      </p>
      <h1>{t('datastore.title')}</h1>
      <p className="lead">{t('datastore.intro')}</p>
      <div role="status" aria-live="polite">
        {message && <p className="success">{message}</p>}
      </div>
      <section aria-labelledby="store-list" className="card section">
        <h2 id="store-list">{t('datastore.listTitle')}</h2>
        {q.isPending ? (
          <Loading />
        ) : q.isError ? (
          <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />
        ) : q.data.items.length === 0 ? (
          <p>{t('datastore.empty')}</p>
        ) : (
          <StoreTable items={q.data.items} onMessage={setMessage} />
        )}
      </section>
      <AddForm onMessage={setMessage} />
    </>
  );
}

function StoreTable({ items, onMessage }: { items: StoreItem[]; onMessage: (m: string) => void }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="table-wrap">
      <table className="table-stack">
        <thead>
          <tr>
            <th scope="col">{t('datastore.colTitle')}</th>
            <th scope="col">{t('datastore.colType')}</th>
            <th scope="col">{t('datastore.colIssuer')}</th>
            <th scope="col">{t('datastore.colDates')}</th>
            <th scope="col">{t('datastore.colState')}</th>
            <th scope="col">{t('datastore.colActions')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((x) => (
            <tr key={x.id}>
              <td data-label={t('datastore.colTitle')} className="break">
                {x.title}
                <span className="cell-note">
                  {t(`datastore.source.${x.source}`, { defaultValue: x.source })}
                  {x.size !== null && ` · ${formatSize(i18n.language, x.size)}`}
                </span>
              </td>
              <td data-label={t('datastore.colType')}>{x.evidenceTypeName ?? t('datastore.noType')}</td>
              <td data-label={t('datastore.colIssuer')}>{x.issuerName ?? '—'}</td>
              <td data-label={t('datastore.colDates')}>
                <ItemDates issuedOn={x.issuedOn} validUntil={x.validUntil} />
              </td>
              <td data-label={t('datastore.colState')}>
                <UsableBadge usable={x.usable} reason={x.unusableReason} />
                {x.eResult && (
                  <span className="cell-note">
                    {t('datastore.eResult', { serial: x.eResult.serial, status: t(`datastore.eResultStatus.${x.eResult.status}`, { defaultValue: x.eResult.status }) })}
                  </span>
                )}
              </td>
              <td data-label={t('datastore.colActions')}>
                <a href={storeLinks.file(x.id)} target="_blank" rel="noopener noreferrer">
                  {t('datastore.preview')}
                  <span className="sr-only"> {x.title} {t('app.newTab')}</span>
                </a>
                <RemoveButton item={x} onMessage={onMessage} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RemoveButton({ item, onMessage }: { item: StoreItem; onMessage: (m: string) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const openRef = useRef<HTMLButtonElement>(null);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await storeApi.remove(item.id);
      onMessage(t('datastore.removed', { title: item.title }));
      await qc.invalidateQueries({ queryKey: ['my-store'] });
    } catch (err) {
      setError(apiErrorText(t, err));
      setBusy(false);
    }
  }

  if (!confirming)
    return (
      <button type="button" ref={openRef} className="link-button" onClick={() => setConfirming(true)}>
        {t('datastore.remove')}
        <span className="sr-only"> {item.title}</span>
      </button>
    );
  return (
    <div className="confirm" role="group" aria-label={t('datastore.removeConfirm', { title: item.title })}>
      <span>{t('datastore.removeConfirm', { title: item.title })}</span>
      <span className="hint">{t('datastore.removeNote')}</span>
      {error && (
        <span role="alert" className="field-error">
          {error}
        </span>
      )}
      <button type="button" className="button button-danger" disabled={busy} onClick={() => void remove()}>
        {t('datastore.removeYes')}
      </button>
      <button type="button" className="button button-secondary" onClick={() => setConfirming(false)}>
        {t('form.cancel')}
      </button>
    </div>
  );
}

function AddForm({ onMessage }: { onMessage: (m: string) => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const id = useId();
  const types = useQuery({ queryKey: ['evidence-types'], queryFn: ({ signal }) => storeApi.evidenceTypes(signal) });
  const [file, setFile] = useState<UploadedFile | null>(null);
  const [evidenceType, setEvidenceType] = useState('');
  const [title, setTitle] = useState('');
  const [issuerName, setIssuerName] = useState('');
  const [issuedOn, setIssuedOn] = useState('');
  const [validUntil, setValidUntil] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function check(): Record<string, string> {
    const e: Record<string, string> = {};
    if (!file) e.file = t('datastore.fileRequired');
    if (title.trim().length < 2) e.title = t('datastore.titleRequired');
    if (issuedOn && !patterns.date.test(issuedOn)) e.issuedOn = t('datastore.dateInvalid');
    if (validUntil && !patterns.date.test(validUntil)) e.validUntil = t('datastore.dateInvalid');
    if (issuedOn && validUntil && validUntil < issuedOn) e.validUntil = t('datastore.validBeforeIssued');
    return e;
  }

  async function submit(ev: React.FormEvent) {
    ev.preventDefault();
    const e = check();
    setErrors(e);
    if (Object.keys(e).length) {
      setFormError(t('form.checkFields'));
      window.setTimeout(() => document.querySelector<HTMLElement>(`#${CSS.escape(id)}-form [aria-invalid="true"]`)?.focus(), 0);
      return;
    }
    setBusy(true);
    setFormError(null);
    try {
      await storeApi.add({
        upload: file!.id,
        title: title.trim(),
        ...(evidenceType ? { evidenceType } : {}),
        ...(issuerName.trim() ? { issuerName: issuerName.trim() } : {}),
        ...(issuedOn ? { issuedOn } : {}),
        ...(validUntil ? { validUntil } : {}),
      });
      onMessage(t('datastore.added', { title: title.trim() }));
      setFile(null);
      setEvidenceType('');
      setTitle('');
      setIssuerName('');
      setIssuedOn('');
      setValidUntil('');
      await qc.invalidateQueries({ queryKey: ['my-store'] });
    } catch (err) {
      setFormError(apiErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby={`${id}-h`} className="card section">
      <h2 id={`${id}-h`}>{t('datastore.addTitle')}</h2>
      <p className="hint">{t('datastore.addHint')}</p>
      <form id={`${id}-form`} className="form-stack" noValidate onSubmit={(e) => void submit(e)}>
        <FormAlert message={formError} />
        <UploadControl label={t('datastore.file')} required value={file} error={errors.file} onChange={setFile} />
        <LabelledField label={t('datastore.evidenceType')} optional hint={t('datastore.evidenceTypeHint')}>
          {(c) => (
            <select {...c} value={evidenceType} onChange={(e) => setEvidenceType(e.target.value)}>
              <option value="">{types.isPending ? t('status.loading') : t('datastore.noType')}</option>
              {types.data?.map((x) => (
                <option key={x.code} value={x.code}>
                  {localName(i18n.language, x.name, x.nameEn)}
                </option>
              ))}
            </select>
          )}
        </LabelledField>
        <LabelledField label={t('datastore.itemTitle')} markRequired error={errors.title}>
          {(c) => <input {...c} type="text" required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />}
        </LabelledField>
        <LabelledField label={t('datastore.issuer')} optional>
          {(c) => <input {...c} type="text" maxLength={200} value={issuerName} onChange={(e) => setIssuerName(e.target.value)} />}
        </LabelledField>
        <LabelledField label={t('datastore.issuedOn')} optional error={errors.issuedOn}>
          {(c) => <input {...c} type="date" value={issuedOn} onChange={(e) => setIssuedOn(e.target.value)} />}
        </LabelledField>
        <LabelledField label={t('datastore.validUntil')} optional error={errors.validUntil} hint={validUntil ? formatDate(validUntil) : undefined}>
          {(c) => <input {...c} type="date" value={validUntil} onChange={(e) => setValidUntil(e.target.value)} />}
        </LabelledField>
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('form.sending') : t('datastore.add')}
          </button>
        </div>
      </form>
    </section>
  );
}
