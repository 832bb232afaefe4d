// Pieces of the online submission wizards (one procedure: SubmitPage; an inter-connected
// group: GroupSubmitPage): the Idempotency-Key, the receiving agencies, the stepper, the
// agency choice, one upload per required document and their review, the return method,
// and the reading of a refused submission.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError, api } from '../api/client.js';
import { RETURN_METHODS, type Agency, type AgencyLevel, type DocumentInput, type ProcedureDetail, type RequiredDocument, type ReturnMethod, type SubmitBody } from '../api/types.js';
import { UploadControl, type UploadedFile } from '../dossiers/parts.js';
import { apiErrorText, type FieldErrors } from '../ui/form.js';
import { localName } from '../ui/format.js';
import { RequiredMark } from '../ui/SchemaForm.js';
import { ErrorMessage } from '../ui/Status.js';
import { reuseErrorText } from '../datastore/api.js';

/** A UUID for the Idempotency-Key (randomUUID needs a secure context: fall back). */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
}

export interface ReceivingAgency {
  code: string;
  name: string;
  nameEn: string | null;
}

/**
 * Agencies that receive the procedure online: the listed ones, else those of its levels with a
 * one-stop desk. With `level` (a group's receiving level), only those at that level.
 */
export function useReceivingAgencies(p: ProcedureDetail | undefined, level?: AgencyLevel) {
  return useQuery({
    queryKey: ['receiving-agencies', p?.nationalCode ?? '', p?.version ?? 0, level ?? null],
    enabled: !!p,
    queryFn: async ({ signal }): Promise<ReceivingAgency[]> => {
      const proc = p!;
      if (!level) {
        if (proc.agencies.length > 0) return proc.agencies.map((a) => ({ code: a.code, name: a.name, nameEn: null }));
        const lists = await Promise.all(proc.levels.map((l) => api.agenciesByLevel(l, signal)));
        return lists
          .flatMap((l) => l.items)
          .filter((a: Agency) => a.hasOneStopDesk)
          .map((a) => ({ code: a.code, name: a.name, nameEn: a.nameEn }));
      }
      const listed = new Set(proc.agencies.map((a) => a.code));
      if (listed.size === 0 && !(proc.levels as string[]).includes(level)) return [];
      const atLevel = await api.agenciesByLevel(level, signal);
      return atLevel.items
        .filter((a: Agency) => a.hasOneStopDesk && (listed.size === 0 || listed.has(a.code)))
        .map((a) => ({ code: a.code, name: a.name, nameEn: a.nameEn }));
    },
  });
}

/** The wizard's steps, the current one marked for assistive technology. */
export function WizardStepper({ names, step }: { names: string[]; step: number }) {
  const { t } = useTranslation();
  return (
    <ol className="stepper" aria-label={t('submit.steps')}>
      {names.map((s, i) => (
        <li key={`${i}-${s}`} aria-current={step === i + 1 ? 'step' : undefined} className={step === i + 1 ? 'current' : step > i + 1 ? 'done' : undefined}>
          <span className="stepper-n" aria-hidden="true">
            {i + 1}
          </span>{' '}
          {s}
        </li>
      ))}
    </ol>
  );
}

/** The receiving agency, a required choice with its hint and error. */
export function AgencySelect({
  value,
  onChange,
  error,
  hint,
  agencies,
}: {
  value: string;
  onChange: (code: string) => void;
  error?: string | undefined;
  hint: string;
  agencies: ReturnType<typeof useReceivingAgencies>;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const errorId = error ? `${id}-agency-error` : undefined;
  return (
    <div className="form-group">
      <label htmlFor={`${id}-agency`} className="label">
        {t('submit.agency')}
        <RequiredMark />
      </label>
      <p id={`${id}-agency-hint`} className="hint">
        {hint}
      </p>
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
      {agencies.isError ? (
        <ErrorMessage error={agencies.error} onRetry={() => void agencies.refetch()} />
      ) : (
        <select
          id={`${id}-agency`}
          value={value}
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={[errorId, `${id}-agency-hint`].filter(Boolean).join(' ')}
          onChange={(e) => onChange(e.target.value)}
        >
          <option value="">{agencies.isPending ? t('status.loading') : t('schemaForm.choose')}</option>
          {agencies.data?.map((a) => (
            <option key={a.code} value={a.code}>
              {localName(i18n.language, a.name, a.nameEn)}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}

export type DocFiles = Record<string, UploadedFile | null>;

/** One upload per required document; `optional` makes none of them mandatory. */
export function DocumentUploads({
  documents,
  files,
  errors,
  onChange,
  optional = false,
}: {
  documents: RequiredDocument[];
  files: DocFiles;
  errors: Record<string, string>;
  onChange: (code: string, file: UploadedFile | null) => void;
  optional?: boolean;
}) {
  return (
    <>
      {documents.map((d) => (
        <UploadControl
          key={d.code}
          label={d.name}
          note={d.note}
          required={!optional && d.mandatory}
          value={files[d.code] ?? null}
          error={errors[d.code]}
          onChange={(u) => onChange(d.code, u)}
        />
      ))}
    </>
  );
}

/** The documents as reviewed before submitting: the file given for each, or none. */
export function DocumentsReview({ documents, files }: { documents: RequiredDocument[]; files: DocFiles }) {
  const { t } = useTranslation();
  return (
    <ul className="item-list">
      {documents.map((d) => (
        <li key={d.code}>
          <span className="break">
            {d.name}
            <span className="cell-note">{files[d.code] ? (files[d.code]?.filename ?? t('upload.savedFile')) : t('submit.noFile')}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

/** How the applicant wants the result. */
export function ReturnMethodChoice({ value, onChange }: { value: ReturnMethod; onChange: (m: ReturnMethod) => void }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <fieldset className="choice">
      <legend>{t('submit.returnMethod')}</legend>
      {RETURN_METHODS.map((m) => (
        <div className="radio" key={m}>
          <input type="radio" id={`${id}-rm-${m}`} name="returnMethod" checked={value === m} onChange={() => onChange(m)} />
          <label htmlFor={`${id}-rm-${m}`}>{t(`returnMethod.${m}`)}</label>
        </div>
      ))}
    </fieldset>
  );
}

/** The files given, as the API's document list. */
export function documentInputs(files: DocFiles): DocumentInput[] {
  return Object.entries(files).flatMap(([requirement, u]) => (u ? [{ requirement, upload: u.id }] : []));
}

/** Mandatory documents without a file. */
export function missingDocuments(t: TFunction, documents: RequiredDocument[], files: DocFiles): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const d of documents) if (d.mandatory && !files[d.code]) errors[d.code] = t('submit.documentRequired');
  return errors;
}

/** Moves the focus to the first invalid control of the main content, once React has rendered it. */
export function focusFirstInvalid(selector = 'main [aria-invalid="true"]'): void {
  window.setTimeout(() => document.querySelector<HTMLElement>(selector)?.focus(), 0);
}

/** What a refused submission means for the wizard: which part to show again, and its errors. */
export type SubmitFailure =
  | { part: 'form'; fieldErrors: FieldErrors; message: string }
  | { part: 'documents'; docErrors: Record<string, string>; message: string }
  | { part: 'agency'; fieldErrors: FieldErrors; message: string }
  | { part: 'other'; field: string | undefined; message: string };

export function readSubmitFailure(t: TFunction, err: unknown, documents?: readonly { requirement: string }[]): SubmitFailure {
  // A refused reused document (consent, store item, registry): worded next to that document.
  const reuse = reuseErrorText(t, err);
  const at = err instanceof ApiError ? /^documents\.(\d+)/.exec(err.field ?? '') : null;
  if (reuse && at) {
    const requirement = documents?.[Number(at[1])]?.requirement;
    if (requirement) return { part: 'documents', docErrors: { [requirement]: reuse }, message: reuse };
  }
  if (reuse) return { part: 'other', field: err instanceof ApiError ? err.field : undefined, message: reuse };
  if (err instanceof ApiError && err.reason === 'form_invalid' && Array.isArray(err.details)) {
    const errors: FieldErrors = {};
    for (const d of err.details as { field?: string; message?: string }[]) if (d.field && d.message && !errors[d.field]) errors[d.field] = d.message;
    return { part: 'form', fieldErrors: errors, message: err.message || t('form.checkFields') };
  }
  if (err instanceof ApiError && err.reason === 'documents_missing' && Array.isArray(err.details)) {
    const errors: Record<string, string> = {};
    for (const d of err.details as { field?: string }[]) if (d.field) errors[d.field.replace(/^documents\./, '')] = t('submit.documentRequired');
    return { part: 'documents', docErrors: errors, message: t('submit.documentsMissing') };
  }
  if (err instanceof ApiError && err.field === 'agency') return { part: 'agency', fieldErrors: { agency: t('submit.agencyRefused') }, message: t('form.checkFields') };
  return { part: 'other', field: err instanceof ApiError ? err.field : undefined, message: apiErrorText(t, err) };
}

/** A refusal means nothing was stored: the corrected submission is a new attempt (a new key). */
export function isRefusal(err: unknown): boolean {
  return err instanceof ApiError && err.status >= 400 && err.status < 500;
}

/** The heading of the wizard's current step, focused when the step changes (not on the first render). */
export function useStepHeading(step: number) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);
  return headingRef;
}

/**
 * Submitting the dossier: one attempt at a time, with one Idempotency-Key per attempt, reused on a
 * retry after a network failure; on success the draft is dropped and the new dossier opened.
 * `ready` checks the steps first; `onStart` and `onFailure` report to the wizard.
 */
export function useSubmitDossier({ onStart, onFailure }: { onStart: () => void; onFailure: (f: SubmitFailure) => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const keyRef = useRef<string | null>(null);
  const pendingRef = useRef(false);

  async function submit(ready: () => boolean, body: () => SubmitBody): Promise<void> {
    if (pendingRef.current) return;
    if (!ready()) return;
    pendingRef.current = true;
    setBusy(true);
    onStart();
    keyRef.current ??= newKey();
    let b: SubmitBody | undefined;
    try {
      b = body();
      const r = await api.submitDossier(b, keyRef.current);
      void qc.invalidateQueries({ queryKey: ['my-dossiers'] });
      void qc.removeQueries({ queryKey: ['draft', b.procedure] });
      await navigate(`/ho-so/${encodeURIComponent(r.code)}`);
    } catch (err) {
      // A refusal means nothing was stored: the corrected submission is a new attempt.
      if (isRefusal(err)) keyRef.current = null;
      onFailure(readSubmitFailure(t, err, b?.documents));
    } finally {
      pendingRef.current = false;
      setBusy(false);
    }
  }

  return { busy, submit };
}

/** Whether no mandatory document lacks its file; if one does, says so and focuses the first missing upload. */
export function checkDocuments(
  t: TFunction,
  documents: RequiredDocument[],
  files: DocFiles,
  setDocErrors: (e: Record<string, string>) => void,
  setFormError: (m: string) => void,
): boolean {
  const errors = missingDocuments(t, documents, files);
  setDocErrors(errors);
  if (Object.keys(errors).length > 0) {
    setFormError(t('submit.documentsMissing'));
    focusFirstInvalid('main input[aria-invalid="true"]');
    return false;
  }
  return true;
}

/** The errors without the one of `key` (a document given a file). */
export function withoutError(errors: Record<string, string>, key: string): Record<string, string> {
  const { [key]: _, ...rest } = errors;
  return rest;
}

/** The title of a procedure's form, or the generic one. */
export function formTitle(t: TFunction, p: ProcedureDetail): string {
  return typeof p.formSchema.title === 'string' ? p.formSchema.title : t('procedure.form');
}

/** The chosen receiving agency, as reviewed before submitting. */
export function AgencyReview({ code, agencies }: { code: string; agencies: ReceivingAgency[] | undefined }) {
  const { t, i18n } = useTranslation();
  const a = agencies?.find((x) => x.code === code);
  return (
    <dl className="summary">
      <div>
        <dt>{t('submit.agency')}</dt>
        <dd>{a ? localName(i18n.language, a.name, a.nameEn) : code}</dd>
      </div>
    </dl>
  );
}

/** Back, any other actions (`children`), then next, or submit on the last step. */
export function WizardActions({
  step,
  total,
  busy,
  submitLabel,
  onBack,
  children,
  disabled = false,
}: {
  step: number;
  total: number;
  busy: boolean;
  submitLabel: string;
  onBack: () => void;
  children?: ReactNode;
  /** the submit button is disabled (e.g. until consent is given) */
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <div className="form-actions wizard-actions">
      {step > 1 && (
        <button type="button" className="button button-secondary" onClick={onBack}>
          {t('submit.back')}
        </button>
      )}
      {children}
      {step < total ? (
        <button type="submit" className="button">
          {t('submit.next')}
        </button>
      ) : (
        <button type="submit" className="button" disabled={busy || disabled} aria-disabled={busy || disabled}>
          {busy ? t('form.sending') : submitLabel}
        </button>
      )}
    </div>
  );
}
