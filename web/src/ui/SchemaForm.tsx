// A small renderer for the JSON Schema of a procedure's application form (no form
// library): strings (date, email, pattern, min/max length, enum → select), numbers,
// integers, booleans, nested objects (fieldsets) and lists of strings (one per line).
// Values are kept flat by dotted key ("a.b") as strings/booleans and converted back
// to typed data for the server, which stays authoritative (it validates with Ajv).
import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { Profile } from '../api/types.js';
import { patterns, RequiredMark, type FieldErrors } from './form.js';
import { formatDate } from './format.js';

// The required mark lives with the other field helpers; pages still find it here.
export { RequiredMark };

type Json = Record<string, unknown>;
export type FieldKind = 'string' | 'date' | 'email' | 'enum' | 'number' | 'integer' | 'boolean' | 'object' | 'lines' | 'unsupported';

export interface SchemaField {
  key: string;
  name: string;
  title: string;
  required: boolean;
  kind: FieldKind;
  schema: Json;
  children: SchemaField[];
}

export type FormValues = Record<string, string | boolean>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(s: Json): FieldKind {
  const ty = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (Array.isArray(s.enum)) return 'enum';
  if (ty === 'object') return 'object';
  if (ty === 'array') return isRecord(s.items) && s.items.type === 'string' ? 'lines' : 'unsupported';
  if (ty === 'boolean') return 'boolean';
  if (ty === 'integer') return 'integer';
  if (ty === 'number') return 'number';
  if (s.format === 'date') return 'date';
  if (s.format === 'email') return 'email';
  if (ty === 'string' || ty === undefined) return 'string';
  return 'unsupported';
}

/** The fields of an object schema, in declaration order. */
export function schemaFields(schema: Json | null | undefined, prefix = '', depth = 0): SchemaField[] {
  if (!schema || !isRecord(schema.properties) || depth > 4) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  const out: SchemaField[] = [];
  for (const [name, raw] of Object.entries(schema.properties)) {
    if (!isRecord(raw)) continue;
    const kind = kindOf(raw);
    const key = prefix + name;
    out.push({
      key,
      name,
      title: typeof raw.title === 'string' ? raw.title : name,
      required: required.has(name),
      kind,
      schema: raw,
      children: kind === 'object' ? schemaFields(raw, `${key}.`, depth + 1) : [],
    });
  }
  return out;
}

function leaves(fields: SchemaField[]): SchemaField[] {
  return fields.flatMap((f) => (f.kind === 'object' ? leaves(f.children) : [f]));
}

/** Lower case without diacritics or separators: "Họ và tên" → "hovaten". */
function norm(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const APPLICANT_PREFIX = /^(nguoiyeucau|nguoinop|nguoikhai|applicant|requester)/;

/** Which profile value a field obviously asks for (the applicant's own data only). */
function profileKey(f: SchemaField): keyof Profile | null {
  const key = norm(f.name);
  const own = key.replace(APPLICANT_PREFIX, '');
  const title = norm(f.title);
  const ownTitle = /nguoiyeucau|nguoinop|nguoikhai/.test(title) || APPLICANT_PREFIX.test(key) || !/(tre|me|cha|vo|chong|con|nguoichet|nguoiduoc)/.test(key);
  if (['hoten', 'hovaten', 'fullname', 'name', 'ten'].includes(own) || ['hovaten', 'hoten'].includes(title)) return ownTitle ? 'fullName' : null;
  if (['cccd', 'socccd', 'citizenid', 'sodinhdanh', 'cmnd'].includes(own)) return ownTitle ? 'citizenId' : null;
  if (['ngaysinh', 'dateofbirth', 'dob', 'birthdate'].includes(own)) return APPLICANT_PREFIX.test(key) || key === own ? 'dateOfBirth' : null;
  if (['diachi', 'address', 'noicutru', 'diachilienhe', 'noiotru'].includes(own)) return ownTitle ? 'address' : null;
  if (['sodienthoai', 'dienthoai', 'phone', 'sdt'].includes(own)) return ownTitle ? 'phone' : null;
  if (['email', 'thudientu'].includes(own) || f.kind === 'email') return ownTitle ? 'email' : null;
  return null;
}

/** Start values: schema defaults, then what the profile obviously answers. */
export function initialValues(fields: SchemaField[], profile?: Profile | null): FormValues {
  const v: FormValues = {};
  for (const f of leaves(fields)) {
    const d = f.schema.default;
    if (f.kind === 'boolean') v[f.key] = d === true;
    else if (typeof d === 'string' || typeof d === 'number') v[f.key] = String(d);
    if (profile && f.kind !== 'boolean') {
      const pk = profileKey(f);
      const pv = pk ? profile[pk] : null;
      if (typeof pv === 'string' && pv) v[f.key] = pv;
    }
  }
  return v;
}

function getPath(data: Json, key: string): unknown {
  let cur: unknown = data;
  for (const part of key.split('.')) cur = isRecord(cur) ? cur[part] : undefined;
  return cur;
}

/** Saved typed data (a draft, a dossier) → flat values. */
export function valuesFromData(fields: SchemaField[], data: Json | null | undefined): FormValues {
  const v: FormValues = {};
  if (!data) return v;
  for (const f of leaves(fields)) {
    const x = getPath(data, f.key);
    if (x === undefined || x === null) continue;
    if (f.kind === 'boolean') v[f.key] = x === true;
    else if (f.kind === 'lines' && Array.isArray(x)) v[f.key] = x.map(String).join('\n');
    else if (typeof x === 'string' || typeof x === 'number') v[f.key] = String(x);
  }
  return v;
}

/** Flat values → typed data; empty optional values are left out. */
export function buildData(fields: SchemaField[], values: FormValues): Json {
  const out: Json = {};
  for (const f of fields) {
    if (f.kind === 'object') {
      const child = buildData(f.children, values);
      if (Object.keys(child).length > 0 || f.required) out[f.name] = child;
      continue;
    }
    if (f.kind === 'unsupported') continue;
    const raw = values[f.key];
    if (f.kind === 'boolean') {
      if (raw === true || f.required) out[f.name] = raw === true;
      continue;
    }
    const s = typeof raw === 'string' ? raw.trim() : '';
    if (!s) continue;
    if (f.kind === 'number' || f.kind === 'integer') out[f.name] = Number(s.replace(',', '.'));
    else if (f.kind === 'lines')
      out[f.name] = s
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
    else out[f.name] = s;
  }
  return out;
}

/** Client-side checks of the schema's constraints; keys are the fields' dotted keys. */
export function validateValues(t: TFunction, fields: SchemaField[], values: FormValues): FieldErrors {
  const errors: FieldErrors = {};
  for (const f of leaves(fields)) {
    const raw = values[f.key];
    if (f.kind === 'boolean' || f.kind === 'unsupported') continue;
    const s = typeof raw === 'string' ? raw.trim() : '';
    const sc = f.schema;
    if (!s) {
      if (f.required) errors[f.key] = t('form.required');
      continue;
    }
    if (f.kind === 'date' && (!patterns.date.test(s) || Number.isNaN(Date.parse(s)))) errors[f.key] = t('form.invalidDate');
    else if (f.kind === 'email' && !patterns.email.test(s)) errors[f.key] = t('form.invalidEmail');
    else if (f.kind === 'number' || f.kind === 'integer') {
      const n = Number(s.replace(',', '.'));
      if (!Number.isFinite(n) || (f.kind === 'integer' && !Number.isInteger(n))) errors[f.key] = t(f.kind === 'integer' ? 'schemaForm.integer' : 'schemaForm.number');
      else if (typeof sc.minimum === 'number' && n < sc.minimum) errors[f.key] = t('schemaForm.minimum', { n: sc.minimum });
      else if (typeof sc.maximum === 'number' && n > sc.maximum) errors[f.key] = t('schemaForm.maximum', { n: sc.maximum });
    } else if (f.kind === 'string' || f.kind === 'enum') {
      if (typeof sc.minLength === 'number' && s.length < sc.minLength) errors[f.key] = t('schemaForm.minLength', { count: sc.minLength });
      else if (typeof sc.maxLength === 'number' && s.length > sc.maxLength) errors[f.key] = t('schemaForm.maxLength', { count: sc.maxLength });
      else if (typeof sc.pattern === 'string' && !safeTest(sc.pattern, s)) errors[f.key] = t('schemaForm.pattern');
      else if (Array.isArray(sc.enum) && !sc.enum.map(String).includes(s)) errors[f.key] = t('form.chooseOne');
    }
  }
  return errors;
}

function safeTest(pattern: string, s: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(s);
  } catch {
    return true;
  }
}

/** A hint for a field's expected format, when the schema says something useful. */
function hintOf(t: TFunction, f: SchemaField): string | null {
  const sc = f.schema;
  if (typeof sc.description === 'string') return sc.description;
  if (typeof sc.pattern === 'string' && /^\^\[0-9\]\{(\d+)\}\$$/.test(sc.pattern)) return t('schemaForm.digits', { n: /\{(\d+)\}/.exec(sc.pattern)?.[1] });
  if (f.kind === 'integer' || f.kind === 'number') {
    if (typeof sc.minimum === 'number' && typeof sc.maximum === 'number') return t('schemaForm.range', { min: sc.minimum, max: sc.maximum });
  }
  if (f.kind === 'lines') return t('schemaForm.lines');
  return null;
}

function Field({
  f,
  idBase,
  values,
  errors,
  onChange,
}: {
  f: SchemaField;
  idBase: string;
  values: FormValues;
  errors: FieldErrors;
  onChange: (key: string, v: string | boolean) => void;
}) {
  const { t } = useTranslation();
  if (f.kind === 'object') {
    return (
      <fieldset className="subform">
        <legend>{f.title}</legend>
        {f.children.map((c) => (
          <Field key={c.key} f={c} idBase={idBase} values={values} errors={errors} onChange={onChange} />
        ))}
      </fieldset>
    );
  }
  if (f.kind === 'unsupported') return null;
  const id = `${idBase}-${f.key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const error = errors[f.key];
  const hint = hintOf(t, f);
  const errorId = error ? `${id}-error` : undefined;
  const hintId = hint ? `${id}-hint` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: f.key,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    required: f.required,
  } as const;
  const value = values[f.key];
  const str = typeof value === 'string' ? value : '';
  const errorNode: ReactNode = error && (
    <p id={errorId} className="field-error">
      {error}
    </p>
  );
  if (f.kind === 'boolean') {
    return (
      <div className="form-group">
        {errorNode}
        <div className="checkbox">
          <input type="checkbox" {...common} required={false} checked={value === true} onChange={(e) => onChange(f.key, e.target.checked)} />
          <label htmlFor={id}>{f.title}</label>
        </div>
      </div>
    );
  }
  let control: ReactNode;
  if (f.kind === 'enum') {
    control = (
      <select {...common} value={str} onChange={(e) => onChange(f.key, e.target.value)}>
        <option value="">{t('schemaForm.choose')}</option>
        {(f.schema.enum as unknown[]).map((o) => (
          <option key={String(o)} value={String(o)}>
            {String(o)}
          </option>
        ))}
      </select>
    );
  } else if (f.kind === 'lines') {
    control = <textarea {...common} rows={3} value={str} onChange={(e) => onChange(f.key, e.target.value)} />;
  } else {
    const sc = f.schema;
    const type = f.kind === 'date' ? 'date' : f.kind === 'email' ? 'email' : f.kind === 'number' || f.kind === 'integer' ? 'number' : 'text';
    control = (
      <input
        {...common}
        type={type}
        value={str}
        inputMode={f.kind === 'integer' ? 'numeric' : f.kind === 'number' ? 'decimal' : undefined}
        maxLength={typeof sc.maxLength === 'number' ? sc.maxLength : undefined}
        min={typeof sc.minimum === 'number' ? sc.minimum : undefined}
        max={typeof sc.maximum === 'number' ? sc.maximum : undefined}
        step={f.kind === 'integer' ? 1 : f.kind === 'number' ? 'any' : undefined}
        autoComplete="off"
        onChange={(e) => onChange(f.key, e.target.value)}
      />
    );
  }
  return (
    <div className="form-group">
      <label htmlFor={id} className="label">
        {f.title}
        {f.required && <RequiredMark />}
      </label>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      {errorNode}
      {control}
    </div>
  );
}

/** The form's controls; the caller holds the values and the errors. */
export function SchemaForm({
  fields,
  values,
  errors,
  onChange,
}: {
  fields: SchemaField[];
  values: FormValues;
  errors: FieldErrors;
  onChange: (key: string, v: string | boolean) => void;
}) {
  const { t } = useTranslation();
  const idBase = useId().replace(/:/g, '');
  if (fields.length === 0) return <p>{t('procedure.formEmpty')}</p>;
  return (
    <div className="schema-form">
      <p className="hint">{t('schemaForm.requiredNote')}</p>
      {fields.map((f) => (
        <Field key={f.key} f={f} idBase={`sf${idBase}`} values={values} errors={errors} onChange={onChange} />
      ))}
    </div>
  );
}

function display(t: TFunction, f: SchemaField, v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  if (typeof v === 'boolean') return v ? t('procedure.yes') : t('procedure.no');
  if (f.kind === 'date' && typeof v === 'string') return formatDate(v);
  if (Array.isArray(v)) return v.map(String).join('; ');
  return String(v);
}

/** Typed form data as a description list, titled by the schema when known. */
export function FormDataView({ schema, data }: { schema: Json | null | undefined; data: Json }) {
  const { t } = useTranslation();
  const fields = schemaFields(schema);
  const known = new Set(fields.map((f) => f.name));
  const rows: { key: string; title: string; value: string }[] = [];
  const walk = (fs: SchemaField[], obj: unknown, depth: number) => {
    for (const f of fs) {
      const v = isRecord(obj) ? obj[f.name] : undefined;
      if (f.kind === 'object') walk(f.children, v, depth + 1);
      else if (v !== undefined) rows.push({ key: f.key, title: f.title, value: display(t, f, v) });
    }
  };
  walk(fields, data, 0);
  for (const [k, v] of Object.entries(data)) {
    if (!known.has(k)) rows.push({ key: k, title: k, value: isRecord(v) ? JSON.stringify(v) : String(v) });
  }
  if (rows.length === 0) return <p>{t('procedure.none')}</p>;
  return (
    <dl className="summary">
      {rows.map((r) => (
        <div key={r.key}>
          <dt>{r.title}</dt>
          <dd className="break">{r.value}</dd>
        </div>
      ))}
    </dl>
  );
}
