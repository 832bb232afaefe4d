// The key fields of an e-result: checked against the evidence type before issuing, and the
// issuing officer's form pre-filled from the dossier (`from`: form.<property> or applicant.<field>).
import type { EvidenceField, EvidenceType } from '../catalog/evidence.js';
import { checkCitizenId, CCCD_PROVINCE_CODES, type Gender } from '../identity/citizen-id.js';
import { isValidTaxCode } from '../identity/tax-code.js';
import { isValidIsoDate } from '../lib/dates.js';

export interface FieldProblem {
  field: string;
  reason: string;
  message: string;
}

/** Normalises a date typed dd/mm/yyyy to YYYY-MM-DD; other values unchanged. */
export function isoDate(v: string): string {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v.trim());
  return m ? `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}` : v.trim();
}

/**
 * Checks the fields of a result against its evidence type: required ones present, dates real
 * (YYYY-MM-DD), CCCD consistent with the birth date and gender fields when the type has them,
 * tax codes with their check digit, gender male|female; unknown keys refused. Returns the
 * cleaned values (trimmed, NFC, dates ISO) and the problems.
 */
export function checkResultFields(type: EvidenceType, input: Record<string, string>): { values: Record<string, string>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const values: Record<string, string> = {};
  const known = new Set(type.fields.map((f) => f.key));
  for (const key of Object.keys(input)) if (!known.has(key)) problems.push({ field: key, reason: 'unknown_field', message: `${key} không phải trường của ${type.name}` });
  for (const f of type.fields) {
    const raw = (input[f.key] ?? '').normalize('NFC').trim();
    if (!raw) {
      if (f.required) problems.push({ field: f.key, reason: 'required', message: `Chưa nhập ${f.label}` });
      continue;
    }
    if (raw.length > 500) {
      problems.push({ field: f.key, reason: 'too_long', message: `${f.label} quá dài (tối đa 500 ký tự)` });
      continue;
    }
    const v = f.kind === 'date' ? isoDate(raw) : f.kind === 'gender' ? genderOf(raw) ?? raw : raw;
    values[f.key] = v;
    if (f.kind === 'date' && !isValidIsoDate(v)) problems.push({ field: f.key, reason: 'date', message: `${f.label}: ngày không hợp lệ (dd/mm/yyyy)` });
    if (f.kind === 'gender' && v !== 'male' && v !== 'female') problems.push({ field: f.key, reason: 'gender', message: `${f.label}: Nam hoặc Nữ` });
    if (f.kind === 'tax_code' && !isValidTaxCode(v)) problems.push({ field: f.key, reason: 'tax_code', message: `${f.label}: mã số thuế không hợp lệ (10 chữ số với chữ số kiểm tra, hoặc 10-3 cho chi nhánh)` });
  }
  // a CCCD: checked against the birth date and gender of the same result when it has them
  const birth = type.fields.find((f) => f.kind === 'date' && /birth|sinh/i.test(f.key));
  const gender = type.fields.find((f) => f.kind === 'gender');
  for (const f of type.fields.filter((x) => x.kind === 'citizen_id')) {
    const v = values[f.key];
    if (!v) continue;
    const b = birth ? values[birth.key] : undefined;
    const g = gender ? values[gender.key] : undefined;
    let problem: string | null;
    if (b && isValidIsoDate(b) && (g === 'male' || g === 'female') && f === type.fields.find((x) => x.kind === 'citizen_id')) problem = checkCitizenId(v, b, g as Gender);
    else problem = !/^[0-9]{12}$/.test(v) ? 'shape' : !CCCD_PROVINCE_CODES.has(v.slice(0, 3)) ? 'province' : null;
    if (problem) problems.push({ field: f.key, reason: `citizen_id_${problem}`, message: `${f.label}: ${CITIZEN_ID_VI[problem] ?? 'không hợp lệ'}` });
  }
  return { values, problems };
}

const CITIZEN_ID_VI: Record<string, string> = {
  shape: 'số định danh cá nhân gồm đúng 12 chữ số',
  province: 'ba chữ số đầu không phải mã tỉnh',
  century_gender: 'chữ số thứ tư không khớp thế kỷ sinh và giới tính',
  birth_year: 'chữ số thứ 5–6 không khớp năm sinh',
};

function genderOf(v: string): string | undefined {
  const s = v.toLowerCase();
  if (s === 'male' || s === 'nam') return 'male';
  if (s === 'female' || s === 'nữ' || s === 'nu') return 'female';
  return undefined;
}

export interface DraftSource {
  form: Record<string, unknown>;
  applicant: { name?: string; citizenId?: string | null; taxCode?: string | null; address?: string | null };
}

/** The value a field is pre-filled with from the dossier (`from`), as a string ('' when none). */
export function prefill(f: EvidenceField, src: DraftSource): string {
  if (!f.from) return '';
  const [scope, key] = f.from.split('.', 2) as [string, string | undefined];
  if (!key) return '';
  const raw = scope === 'form' ? src.form[key] : scope === 'applicant' ? (src.applicant as Record<string, unknown>)[key] : undefined;
  if (raw === undefined || raw === null) return '';
  const s = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
  if (f.kind === 'date') return isoDate(s);
  if (f.kind === 'gender') return genderOf(s) ?? s;
  return s;
}
