// Public verification of an e-result (/xac-minh): upload the PDF or paste the machine-readable
// twin (JWS); the verdict is shown big, in words, in a live region; with the result's details.
import { useId, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { FormAlert, LabelledField } from '../ui/form.js';
import { Tabs } from '../ui/Tabs.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { resultsApi, type VerifyResponse } from './api.js';
import { resultErrorText, VerdictPanel } from './parts.js';

const MAX_BYTES = 10 * 1_048_576;

export default function VerifyPage() {
  const { t } = useTranslation();
  usePageTitle(t('results.verify.title'));
  const id = useId();
  const [tab, setTab] = useState<'pdf' | 'jws'>('pdf');
  const [file, setFile] = useState<File | null>(null);
  const [jws, setJws] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<VerifyResponse | null>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  const [serial, setSerial] = useState('');
  const navigate = useNavigate();

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setFormError(null);
    setOutcome(null);
    if (tab === 'pdf' && !file) return setFieldError(t('results.verify.chooseFile'));
    if (tab === 'pdf' && file && file.size > MAX_BYTES) return setFieldError(t('results.errors.file_too_large'));
    if (tab === 'jws' && !jws.trim()) return setFieldError(t('results.verify.pasteJws'));
    setFieldError(undefined);
    setBusy(true);
    try {
      const r = tab === 'pdf' ? await resultsApi.verifyPdf(file!) : await resultsApi.verifyJws(jws.trim());
      setOutcome(r);
      window.setTimeout(() => resultRef.current?.focus(), 0);
    } catch (err) {
      setFormError(resultErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h1>{t('results.verify.title')}</h1>
      <p className="lead">{t('results.verify.intro')}</p>
      <Tabs
        label={t('results.verify.how')}
        tabs={['pdf', 'jws'] as const}
        tabLabel={(k) => (k === 'pdf' ? t('results.verify.byPdf') : t('results.verify.byJws'))}
        selected={tab}
        onSelect={(k) => {
          setTab(k);
          setFieldError(undefined);
          setOutcome(null);
        }}
      >
        <form className="card form-stack" onSubmit={(e) => void submit(e)} noValidate aria-label={t('results.verify.title')}>
          <FormAlert message={formError} />
          {tab === 'pdf' ? (
            <LabelledField id={`${id}-file`} label={t('results.verify.file')} hint={t('results.verify.fileHint')} error={fieldError} markRequired>
              {(control) => <input {...control} name="file" type="file" accept="application/pdf,.pdf" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />}
            </LabelledField>
          ) : (
            <LabelledField id={`${id}-jws`} label={t('results.verify.jws')} hint={t('results.verify.jwsHint')} error={fieldError} markRequired>
              {(control) => <textarea {...control} name="jws" rows={5} required maxLength={65536} value={jws} onChange={(e) => setJws(e.target.value)} spellCheck={false} />}
            </LabelledField>
          )}
          <div className="form-actions">
            <button type="submit" className="button" disabled={busy}>
              {busy ? t('results.verify.checking') : t('results.verify.submit')}
            </button>
          </div>
        </form>
      </Tabs>
      <div ref={resultRef} tabIndex={-1} aria-live="polite" className="section" data-testid="verify-outcome">
        {outcome && <VerdictPanel outcome={outcome} />}
      </div>
      <form
        className="card form-stack section"
        aria-label={t('results.verify.bySerial')}
        onSubmit={(e) => {
          e.preventDefault();
          const v = serial.toUpperCase().replace(/[\s-]/g, '');
          if (v) void navigate(`/xac-minh/${encodeURIComponent(v)}`);
        }}
      >
        <LabelledField id={`${id}-serial`} label={t('results.verify.bySerial')} hint={t('results.verify.serialHint')} optional>
          {(control) => <input {...control} name="serial" maxLength={24} value={serial} onChange={(e) => setSerial(e.target.value)} autoComplete="off" />}
        </LabelledField>
        <div className="form-actions">
          <button type="submit" className="button button-secondary">
            {t('results.verify.open')}
          </button>
        </div>
      </form>
    </>
  );
}
