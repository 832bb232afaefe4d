// Small form helpers shared by the account and admin pages: labelled fields with
// their error next to them, a form-level alert, and translated API errors.
import { useCallback, useId, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError } from '../api/client.js';
import { formatTime } from './format.js';

const KNOWN_REASONS = new Set([
  'invalid_credentials',
  'account_locked',
  'account_disabled',
  'too_many_attempts',
  'email_not_verified',
  'email_taken',
  'citizen_id_taken',
  'tax_code_taken',
  'invalid_citizen_id',
  'invalid_tax_code',
  'token_invalid',
  'weak_password',
  'csrf',
  'session_expired',
  'file_type',
  'file_empty',
  'file_too_large',
  'form_invalid',
  'documents_missing',
  'procedure_not_in_force',
  'second_supplement',
  'idempotency_mismatch',
]);

/** A friendly, translated sentence for an API failure. */
export function apiErrorText(t: TFunction, err: unknown): string {
  if (!(err instanceof ApiError)) return t('errors.generic');
  if (err.status === 0) return t('status.networkError');
  const reason = err.reason && KNOWN_REASONS.has(err.reason) ? err.reason : KNOWN_REASONS.has(err.code) ? err.code : undefined;
  if (reason === 'account_locked') {
    const retryAt = (err.details as { retryAt?: unknown } | undefined)?.retryAt;
    return typeof retryAt === 'string' ? t('errors.account_locked', { time: formatTime(retryAt) }) : t('errors.account_locked_later');
  }
  if (reason) return t(`errors.${reason}`);
  if (err.status === 413) return t('errors.file_too_large');
  if (err.status === 429) return t('errors.too_many_attempts');
  if (err.status === 401) return t('errors.session_expired');
  if (err.status === 403) return t('errors.forbidden');
  if (err.status === 404) return t('status.notFound');
  if (err.status === 409) return t('errors.conflict');
  if (err.status === 400 || err.status === 422) return t('errors.invalid');
  return t('errors.generic');
}

export type FieldErrors = Record<string, string>;

/** Client-side format checks; the server stays authoritative. */
export const patterns = {
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  citizenId: /^[0-9]{12}$/,
  taxCode: /^[0-9]{10}(-[0-9]{3})?$/,
  phone: /^\+?[0-9 .-]{8,20}$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
};
export const MIN_PASSWORD = 10;

/** Errors of a form: per field (shown next to the field) and for the whole form (an alert). */
export function useFormErrors() {
  const { t } = useTranslation();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const clear = useCallback(() => {
    setFieldErrors({});
    setFormError(null);
  }, []);

  /** Shows client-side errors; returns true when there are none. */
  const check = useCallback(
    (form: HTMLFormElement, errors: FieldErrors): boolean => {
      setFieldErrors(errors);
      if (Object.keys(errors).length === 0) {
        setFormError(null);
        return true;
      }
      setFormError(t('form.checkFields'));
      focusFirstInvalid(form);
      return false;
    },
    [t],
  );

  /** Shows a server error next to its field when the form has it, else as a form alert. */
  const fromApi = useCallback(
    (form: HTMLFormElement | null, err: unknown) => {
      const text = apiErrorText(t, err);
      // "grants.0.agencyCode" names its own control; "body.email" is "email".
      const full = err instanceof ApiError ? err.field : undefined;
      const field = form && full ? [full, full.split('.').pop() ?? ''].find((f) => f && form.elements.namedItem(f)) : undefined;
      if (form && field) {
        setFieldErrors({ [field]: text });
        setFormError(t('form.checkFields'));
        focusFirstInvalid(form);
      } else {
        setFieldErrors({});
        setFormError(text);
      }
    },
    [t],
  );

  return { fieldErrors, formError, clear, check, fromApi, setFormError };
}

function focusFirstInvalid(form: HTMLFormElement): void {
  // After React has rendered aria-invalid.
  window.setTimeout(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
}

/** A form-level message, announced assertively. Always rendered so that screen readers notice changes. */
export function FormAlert({ message }: { message: string | null }) {
  return (
    <div role="alert" className={message ? 'alert alert-error' : 'visually-empty'}>
      {message && <p>{message}</p>}
    </div>
  );
}

/** The asterisk after the label of a required field, with its words for screen readers. */
export function RequiredMark() {
  const { t } = useTranslation();
  return (
    <span className="required-mark" title={t('schemaForm.required')}>
      {' '}
      *<span className="sr-only"> ({t('schemaForm.required')})</span>
    </span>
  );
}

/** What a control inside a LabelledField spreads on itself: the label's target and its ARIA ties. */
export interface LabelledControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/**
 * A labelled control with its hint and error next to it: the error and hint are tied to the
 * control by aria-describedby, the error also sets aria-invalid. After the label: "optional",
 * else the required mark when `markRequired`.
 */
export function LabelledField({
  id,
  label,
  error,
  hint,
  optional,
  markRequired,
  children,
}: {
  id?: string | undefined;
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  optional?: boolean | undefined;
  markRequired?: boolean | undefined;
  children: (control: LabelledControlProps) => ReactNode;
}) {
  const { t } = useTranslation();
  const own = useId();
  const fid = id ?? own;
  const errId = error ? `${fid}-err` : undefined;
  const hintId = hint ? `${fid}-hint` : undefined;
  return (
    <div className="form-group">
      <label htmlFor={fid} className="label">
        {label}
        {optional ? <span className="optional"> {t('form.optional')}</span> : markRequired && <RequiredMark />}
      </label>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errId} className="field-error">
          {error}
        </p>
      )}
      {children({ id: fid, 'aria-invalid': error ? true : undefined, 'aria-describedby': [errId, hintId].filter(Boolean).join(' ') || undefined })}
    </div>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'name' | 'children'>;

/** A labelled input; its error (aria-invalid + aria-describedby) and hint sit next to it. */
export function TextField({
  name,
  label,
  error,
  hint,
  optional,
  markRequired,
  ...rest
}: { name: string; label: string; error?: string | undefined; hint?: ReactNode; optional?: boolean; markRequired?: boolean } & InputProps) {
  return (
    <LabelledField label={label} error={error} hint={hint} optional={optional} markRequired={markRequired}>
      {(control) => <input {...control} name={name} required={!optional} {...rest} />}
    </LabelledField>
  );
}

/** A labelled textarea of plain text; its error and hint sit next to it. */
export function TextAreaField({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  optional,
  rows = 4,
  maxLength,
}: {
  id?: string | undefined;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  optional?: boolean | undefined;
  rows?: number | undefined;
  maxLength: number;
}) {
  return (
    <LabelledField id={id} label={label} error={error} hint={hint} optional={optional} markRequired>
      {(control) => <textarea {...control} rows={rows} required={!optional} maxLength={maxLength} value={value} onChange={(e) => onChange(e.target.value)} />}
    </LabelledField>
  );
}
