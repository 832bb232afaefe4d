// Shared pieces of the e-results pages: the verdict in words (big, announced), the result's
// details, the e-result part of the record-result action, and the wording of the API's refusals.
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.js';
import { apiErrorText, LabelledField } from '../ui/form.js';
import { formatDate, formatVnDateTime } from '../ui/format.js';
import type { DraftField, EResultDraft, PublicResult, Verdict, VerifyResponse } from './api.js';

const GOOD: Verdict[] = ['valid'];
const WARN: Verdict[] = ['superseded', 'expired', 'cancelled'];

const REASONS = new Set(['result_fields', 'supersedes_required', 'supersedes_not_found', 'supersedes_not_valid', 'no_evidence_type', 'valid_until_past', 'already_revoked', 'not_valid', 'not_issuer', 'file_too_large', 'file_empty']);

/** A refusal of the e-results API in words. */
export function resultErrorText(t: TFunction, err: unknown): string {
  if (err instanceof ApiError && err.reason && REASONS.has(err.reason)) return t(`results.errors.${err.reason}`);
  return apiErrorText(t, err);
}

/** The field errors of a refused e-result (400 result_fields), keyed `er.<field>`. */
export function eResultFieldErrors(t: TFunction, err: unknown): Record<string, string> | null {
  if (!(err instanceof ApiError)) return null;
  if (err.reason === 'result_fields') {
    const problems = (err.details as { problems?: { field: string; reason: string }[] } | undefined)?.problems ?? [];
    return Object.fromEntries(problems.map((p) => [`er.${p.field}`, t(`results.fieldErrors.${p.reason.startsWith('citizen_id_') ? p.reason : ['required', 'date', 'gender', 'tax_code', 'unknown_field', 'too_long'].includes(p.reason) ? p.reason : 'invalid'}`)]));
  }
  if (err.reason === 'supersedes_required' || err.reason === 'supersedes_not_found' || err.reason === 'supersedes_not_valid') return { 'er.supersedes': t(`results.errors.${err.reason}`) };
  return null;
}

function tone(v: Verdict): string {
  return GOOD.includes(v) ? 'alert alert-info verdict' : 'alert alert-error verdict';
}

/** The verdict, big and worded; the region around it is aria-live (see VerifyPage). */
export function VerdictPanel({ outcome }: { outcome: Pick<VerifyResponse, 'verdict' | 'signer' | 'signedAt' | 'result'> }) {
  const { t } = useTranslation();
  const v = outcome.verdict;
  return (
    <div className={tone(v)} data-verdict={v}>
      <h2 className="verdict-title" style={{ fontSize: '1.6rem', marginTop: 0 }}>
        <span aria-hidden="true">{GOOD.includes(v) ? '✓ ' : '✗ '}</span>
        {t(`results.verdict.${v}`)}
      </h2>
      <p>{t(`results.verdictHint.${v}`)}</p>
      {v === 'revoked' && outcome.result?.statusReason && (
        <p>
          <strong>{t('results.revokedReason')}</strong> {outcome.result.statusReason}
          {outcome.result.statusAt && <> ({formatVnDateTime(outcome.result.statusAt)})</>}
        </p>
      )}
      {v === 'superseded' && outcome.result?.supersededBy && (
        <p>
          {t('results.supersededBy')} <Link to={`/xac-minh/${outcome.result.supersededBy}`}>{outcome.result.supersededBy}</Link>
        </p>
      )}
      {outcome.signer && GOOD.concat(WARN, ['revoked']).includes(v) && (
        <p className="muted">
          {t('results.signedBy', { name: outcome.signer.name })}
          {outcome.signedAt && <> · {formatVnDateTime(outcome.signedAt)}</>}
        </p>
      )}
      {outcome.result && v !== 'tampered' && <ResultDetails result={outcome.result} />}
      {outcome.result && v === 'tampered' && (
        <p>
          {t('results.tamperedGenuine')} <Link to={`/xac-minh/${outcome.result.serial}`}>{outcome.result.serial}</Link>
        </p>
      )}
    </div>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

export function fieldValue(t: TFunction, f: { kind: string; value: string }): string {
  if (f.kind === 'date') return formatDate(f.value);
  if (f.kind === 'gender') return f.value === 'male' ? t('results.gender.male') : f.value === 'female' ? t('results.gender.female') : f.value;
  return f.value;
}

/** What the result says: title, issuer, dates, the key fields. */
export function ResultDetails({ result }: { result: PublicResult }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  return (
    <dl className="details">
      <Row label={t('results.title')}>{result.title}</Row>
      <Row label={t('results.serial')}>{result.serial}</Row>
      <Row label={t('results.issuer')}>{result.issuer.name}</Row>
      <Row label={t('results.issuedAt')}>{formatDate(result.issuedAt)}</Row>
      <Row label={t('results.validUntil')}>{result.validUntil ? formatDate(result.validUntil) : t('results.noExpiry')}</Row>
      {result.fields.map((f) => (
        <Row key={f.key} label={en && f.labelEn ? f.labelEn : f.label}>
          {fieldValue(t, f)}
        </Row>
      ))}
    </dl>
  );
}

// ---------- the e-result part of the record-result action ----------

export interface EResultValue {
  /** issue the signed e-result (true) or upload a result file (false) */
  signed: boolean;
  fields: Record<string, string>;
  validUntil: string;
  supersedes: string;
}

export function initialEResult(draft: EResultDraft | undefined): EResultValue {
  return { signed: !!draft?.evidenceType, fields: Object.fromEntries((draft?.fields ?? []).map((f) => [f.key, f.value])), validUntil: '', supersedes: draft?.supersedes?.serial ?? '' };
}

/** Client-side checks (the server checks again): required fields, date shape. Keys `er.<field>`. */
export function checkEResult(t: TFunction, draft: EResultDraft, v: EResultValue): Record<string, string> {
  const e: Record<string, string> = {};
  for (const f of draft.fields) {
    const val = (v.fields[f.key] ?? '').trim();
    if (f.required && !val) e[`er.${f.key}`] = t('results.fieldErrors.required');
    else if (val && f.kind === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(val)) e[`er.${f.key}`] = t('results.fieldErrors.date');
    else if (val && f.kind === 'citizen_id' && !/^[0-9]{12}$/.test(val)) e[`er.${f.key}`] = t('results.fieldErrors.citizen_id_shape');
  }
  if (draft.relation && draft.relation !== 'issue' && !draft.supersedes && !v.supersedes.trim()) e['er.supersedes'] = t('results.errors.supersedes_required');
  return e;
}

export function eResultBody(draft: EResultDraft, v: EResultValue) {
  const fields = Object.fromEntries(draft.fields.map((f) => [f.key, (v.fields[f.key] ?? '').trim()]).filter(([, x]) => x !== ''));
  return { fields, ...(v.validUntil ? { validUntil: v.validUntil } : {}), ...(draft.relation !== 'issue' && !draft.supersedes && v.supersedes.trim() ? { supersedes: v.supersedes.trim().toUpperCase() } : {}) };
}

function FieldControl({ id, f, value, onChange, error }: { id: string; f: DraftField; value: string; onChange: (v: string) => void; error?: string | undefined }) {
  const { t, i18n } = useTranslation();
  const label = i18n.language.startsWith('en') && f.labelEn ? f.labelEn : f.label;
  return (
    <LabelledField id={id} label={label} error={error} optional={!f.required} markRequired={f.required}>
      {(control) =>
        f.kind === 'gender' ? (
          <select {...control} name={id} required={f.required} value={value} onChange={(e) => onChange(e.target.value)}>
            <option value="">{t('results.chooseGender')}</option>
            <option value="male">{t('results.gender.male')}</option>
            <option value="female">{t('results.gender.female')}</option>
          </select>
        ) : (
          <input
            {...control}
            name={id}
            type={f.kind === 'date' ? 'date' : 'text'}
            inputMode={f.kind === 'citizen_id' || f.kind === 'tax_code' ? 'numeric' : undefined}
            required={f.required}
            maxLength={500}
            value={value}
            onChange={(e) => onChange(e.target.value)}
          />
        )
      }
    </LabelledField>
  );
}

/** The choice "signed e-result | upload a file", and the e-result's fields pre-filled from the draft. */
export function EResultPart({ id, draft, value, onChange, errors, upload }: { id: string; draft: EResultDraft; value: EResultValue; onChange: (v: EResultValue) => void; errors: Record<string, string>; upload: ReactNode }) {
  const { t, i18n } = useTranslation();
  const type = draft.evidenceType!;
  const typeName = i18n.language.startsWith('en') && type.nameEn ? type.nameEn : type.name;
  return (
    <>
      <fieldset className="choice">
        <legend className="label">{t('results.form.how')}</legend>
        <div className="radio">
          <input type="radio" id={`${id}-signed`} name={`${id}-how`} checked={value.signed} onChange={() => onChange({ ...value, signed: true })} />
          <label htmlFor={`${id}-signed`}>{t('results.form.signed', { type: typeName })}</label>
        </div>
        <div className="radio">
          <input type="radio" id={`${id}-upload`} name={`${id}-how`} checked={!value.signed} onChange={() => onChange({ ...value, signed: false })} />
          <label htmlFor={`${id}-upload`}>{t('results.form.upload')}</label>
        </div>
      </fieldset>
      {value.signed ? (
        <fieldset className="form-stack">
          <legend className="label">{t('results.form.fields', { type: typeName })}</legend>
          <p className="hint">{t(`results.form.relation.${draft.relation ?? 'issue'}`)}</p>
          {draft.relation !== 'issue' &&
            (draft.supersedes ? (
              <p>
                {t('results.form.supersedesCited')} <strong>{draft.supersedes.title}</strong> {draft.supersedes.serial} ({formatDate(draft.supersedes.issuedAt)})
              </p>
            ) : (
              <LabelledField id={`${id}-er-supersedes`} label={t('results.form.supersedes')} hint={t('results.form.supersedesHint')} error={errors['er.supersedes']} markRequired>
                {(control) => <input {...control} name={`${id}-er-supersedes`} required maxLength={20} value={value.supersedes} onChange={(e) => onChange({ ...value, supersedes: e.target.value })} />}
              </LabelledField>
            ))}
          {draft.fields.map((f) => (
            <FieldControl key={f.key} id={`${id}-er-${f.key}`} f={f} value={value.fields[f.key] ?? ''} onChange={(x) => onChange({ ...value, fields: { ...value.fields, [f.key]: x } })} error={errors[`er.${f.key}`]} />
          ))}
          <LabelledField id={`${id}-er-validUntil`} label={t('results.form.validUntil')} hint={type.validityMonths ? t('results.form.validityDefault', { months: type.validityMonths }) : t('results.form.validityNone')} error={errors['er.validUntil']} optional>
            {(control) => <input {...control} name={`${id}-er-validUntil`} type="date" value={value.validUntil} onChange={(e) => onChange({ ...value, validUntil: e.target.value })} />}
          </LabelledField>
        </fieldset>
      ) : (
        upload
      )}
    </>
  );
}
