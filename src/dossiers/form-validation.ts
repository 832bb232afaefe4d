// Validates an application form against the JSON Schema of the procedure version it is filed
// under, returning every error with its field and a message in the applicant's language.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const compiled = new Map<number, ValidateFunction>();

export interface FieldError {
  field: string;
  message: string;
}

export type Language = 'vi' | 'en';

function title(schema: Record<string, unknown>, field: string): string {
  const props = (schema.properties ?? {}) as Record<string, { title?: string }>;
  const top = field.split('.')[0] ?? field;
  return props[top]?.title ?? field;
}

function message(e: ErrorObject, label: string, lang: Language): string {
  const p = e.params as Record<string, unknown>;
  const vi: Record<string, string> = {
    required: `${label}: bắt buộc phải nhập`,
    minLength: `${label}: cần ít nhất ${String(p.limit)} ký tự`,
    maxLength: `${label}: tối đa ${String(p.limit)} ký tự`,
    pattern: `${label}: không đúng định dạng`,
    format: `${label}: không đúng định dạng (${String(p.format)})`,
    enum: `${label}: giá trị không nằm trong danh sách cho phép`,
    type: `${label}: sai kiểu dữ liệu`,
    minimum: `${label}: không nhỏ hơn ${String(p.limit)}`,
    maximum: `${label}: không lớn hơn ${String(p.limit)}`,
    additionalProperties: `Trường không có trong biểu mẫu: ${String(p.additionalProperty)}`,
  };
  const en: Record<string, string> = {
    required: `${label}: required`,
    minLength: `${label}: at least ${String(p.limit)} characters`,
    maxLength: `${label}: at most ${String(p.limit)} characters`,
    pattern: `${label}: wrong format`,
    format: `${label}: wrong format (${String(p.format)})`,
    enum: `${label}: not one of the allowed values`,
    type: `${label}: wrong type`,
    minimum: `${label}: must be at least ${String(p.limit)}`,
    maximum: `${label}: must be at most ${String(p.limit)}`,
    additionalProperties: `Not a field of this form: ${String(p.additionalProperty)}`,
  };
  return (lang === 'vi' ? vi : en)[e.keyword] ?? `${label}: ${e.message ?? 'invalid'}`;
}

export function validateForm(versionId: number, schema: Record<string, unknown>, data: unknown, lang: Language): FieldError[] {
  let validate = compiled.get(versionId);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(versionId, validate);
  }
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => {
    const base = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const missing = e.keyword === 'required' ? String((e.params as { missingProperty: string }).missingProperty) : undefined;
    const field = missing ? (base ? `${base}.${missing}` : missing) : base || '(form)';
    return { field, message: message(e, title(schema, field), lang) };
  });
}

export function languageOf(acceptLanguage: string | undefined): Language {
  return /^\s*en\b/i.test(acceptLanguage ?? '') ? 'en' : 'vi';
}
