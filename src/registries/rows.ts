// Pure validation of registry rows (citizens, businesses), shared by imports and by records
// written from e-results. Every problem is {field, reason, message (vi)}; no I/O here.
import { CCCD_PROVINCE_CODES, checkCitizenId, type Gender } from '../identity/citizen-id.js';
import { isValidTaxCode } from '../identity/tax-code.js';

export type RegistryKind = 'citizens' | 'businesses';

export interface CitizenRecord {
  citizenId: string;
  fullName: string;
  /** YYYY-MM-DD */
  birthDate: string;
  gender: Gender;
  permanentAddress: string | null;
  householdCode: string | null;
}

export const BUSINESS_STATUSES = ['active', 'suspended', 'dissolved'] as const;
export type BusinessStatus = (typeof BUSINESS_STATUSES)[number];

export interface BusinessRecord {
  enterpriseCode: string;
  name: string;
  address: string;
  legalRepresentative: string;
  legalRepresentativeId: string | null;
  status: BusinessStatus;
  /** YYYY-MM-DD */
  registeredOn: string | null;
}

export interface RowProblem {
  field: string;
  reason: string;
  message: string;
}

export interface RowResult<T> {
  value?: T;
  /** the row's key as given (trimmed), for the report; undefined when absent */
  key?: string;
  errors: RowProblem[];
}

export const CITIZEN_COLUMNS = ['citizenId', 'fullName', 'birthDate', 'gender', 'permanentAddress', 'householdCode'] as const;
export const CITIZEN_REQUIRED = ['citizenId', 'fullName', 'birthDate', 'gender'] as const;
export const BUSINESS_COLUMNS = ['enterpriseCode', 'name', 'address', 'legalRepresentative', 'legalRepresentativeId', 'status', 'registeredOn'] as const;
export const BUSINESS_REQUIRED = ['enterpriseCode', 'name', 'address', 'legalRepresentative'] as const;

export const columnsOf = (r: RegistryKind): readonly string[] => (r === 'citizens' ? CITIZEN_COLUMNS : BUSINESS_COLUMNS);
export const requiredOf = (r: RegistryKind): readonly string[] => (r === 'citizens' ? CITIZEN_REQUIRED : BUSINESS_REQUIRED);
export const keyColumnOf = (r: RegistryKind): string => (r === 'citizens' ? 'citizenId' : 'enterpriseCode');

/** Vietnamese wording of each reason (the UI also translates the reason code). */
export const ROW_MESSAGES: Record<string, string> = {
  required: 'Thiếu thông tin bắt buộc',
  too_long: 'Quá dài (tối đa 200 ký tự)',
  date_invalid: 'Ngày không hợp lệ (dùng YYYY-MM-DD hoặc dd/mm/yyyy)',
  date_future: 'Ngày không được sau ngày hôm nay',
  gender_invalid: 'Giới tính phải là nam hoặc nữ',
  citizen_id_shape: 'Số CCCD phải gồm đúng 12 chữ số',
  citizen_id_province: 'Ba chữ số đầu của số CCCD không phải mã tỉnh',
  citizen_id_gender: 'Chữ số thứ 4 của số CCCD không khớp thế kỷ sinh và giới tính',
  citizen_id_birth_year: 'Chữ số 5–6 của số CCCD không khớp năm sinh',
  tax_code_shape: 'Mã số doanh nghiệp phải gồm 10 chữ số (hoặc 10 chữ số - 3 chữ số cho chi nhánh)',
  tax_code_check_digit: 'Chữ số kiểm tra của mã số doanh nghiệp không đúng',
  status_invalid: 'Tình trạng phải là active, suspended hoặc dissolved',
  duplicate_in_file: 'Trùng khoá với dòng khác trong tệp',
  already_registered: 'Đã có trong sổ đăng ký',
};

export const problem = (field: string, reason: string, extra = ''): RowProblem => ({ field, reason, message: (ROW_MESSAGES[reason] ?? reason) + extra });

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '').normalize('NFC').trim();

/** A real calendar date from YYYY-MM-DD or dd/mm/yyyy, as YYYY-MM-DD; null if neither. */
export function parseRegistryDate(s: string): string | null {
  let y: number, m: number, d: number;
  let iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else {
    iso = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
    if (!iso) return null;
    [d, m, y] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  }
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d || y < 1850) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** male | female from male/female/nam/nữ (any case, with or without diacritics), else null. */
export function parseGender(s: string): Gender | null {
  const g = s.normalize('NFC').trim().toLowerCase();
  if (g === 'male' || g === 'nam' || g === 'm') return 'male';
  if (g === 'female' || g === 'nữ' || g === 'nu' || g === 'f') return 'female';
  return null;
}

function requiredText(raw: Record<string, unknown>, field: string, errors: RowProblem[]): string {
  const v = text(raw[field]);
  if (!v) errors.push(problem(field, 'required'));
  else if (v.length > 200) errors.push(problem(field, 'too_long'));
  return v;
}

function optionalText(raw: Record<string, unknown>, field: string, errors: RowProblem[], max = 300): string | null {
  const v = text(raw[field]);
  if (v.length > max) errors.push({ field, reason: 'too_long', message: `Quá dài (tối đa ${max} ký tự)` });
  return v || null;
}

function dateField(raw: Record<string, unknown>, field: string, today: string, required: boolean, errors: RowProblem[]): string | null {
  const v = text(raw[field]);
  if (!v) {
    if (required) errors.push(problem(field, 'required'));
    return null;
  }
  const d = parseRegistryDate(v);
  if (!d) errors.push(problem(field, 'date_invalid'));
  else if (d > today) errors.push(problem(field, 'date_future'));
  else return d;
  return null;
}

const CID_REASON = { shape: 'citizen_id_shape', province: 'citizen_id_province', century_gender: 'citizen_id_gender', birth_year: 'citizen_id_birth_year' } as const;

/** Shape + province of a CCCD when the birth date / gender are unknown (e.g. a legal representative). */
export function citizenIdShapeReason(id: string): string | null {
  if (!/^[0-9]{12}$/.test(id)) return 'citizen_id_shape';
  if (!CCCD_PROVINCE_CODES.has(id.slice(0, 3))) return 'citizen_id_province';
  return null;
}

/** Validates one citizen row (`today` = YYYY-MM-DD, for "not in the future"). */
export function validateCitizenRow(raw: Record<string, unknown>, today: string): RowResult<CitizenRecord> {
  const errors: RowProblem[] = [];
  const citizenId = text(raw.citizenId).replace(/\s+/g, '');
  const fullName = requiredText(raw, 'fullName', errors);
  const birthDate = dateField(raw, 'birthDate', today, true, errors);
  const genderText = text(raw.gender);
  const gender = genderText ? parseGender(genderText) : null;
  if (!genderText) errors.push(problem('gender', 'required'));
  else if (!gender) errors.push(problem('gender', 'gender_invalid'));
  if (!citizenId) errors.push(problem('citizenId', 'required'));
  else {
    const shape = citizenIdShapeReason(citizenId);
    if (shape) errors.push(problem('citizenId', shape));
    else if (birthDate && gender) {
      const p = checkCitizenId(citizenId, birthDate, gender);
      if (p) errors.push(problem('citizenId', CID_REASON[p]));
    }
  }
  const permanentAddress = optionalText(raw, 'permanentAddress', errors);
  const householdCode = optionalText(raw, 'householdCode', errors, 40);
  const key = citizenId || undefined;
  if (errors.length > 0 || !birthDate || !gender) return { ...(key ? { key } : {}), errors };
  return { key: citizenId, errors, value: { citizenId, fullName, birthDate, gender, permanentAddress, householdCode } };
}

/** Validates one business row. */
export function validateBusinessRow(raw: Record<string, unknown>, today: string): RowResult<BusinessRecord> {
  const errors: RowProblem[] = [];
  const enterpriseCode = text(raw.enterpriseCode).replace(/\s+/g, '');
  if (!enterpriseCode) errors.push(problem('enterpriseCode', 'required'));
  else if (!/^[0-9]{10}(-[0-9]{3})?$/.test(enterpriseCode)) errors.push(problem('enterpriseCode', 'tax_code_shape'));
  else if (!isValidTaxCode(enterpriseCode)) errors.push(problem('enterpriseCode', 'tax_code_check_digit'));
  const name = requiredText(raw, 'name', errors);
  const address = requiredText(raw, 'address', errors);
  const legalRepresentative = requiredText(raw, 'legalRepresentative', errors);
  const legalRepresentativeId = text(raw.legalRepresentativeId).replace(/\s+/g, '') || null;
  if (legalRepresentativeId) {
    const r = citizenIdShapeReason(legalRepresentativeId);
    if (r) errors.push(problem('legalRepresentativeId', r));
  }
  const statusText = text(raw.status).toLowerCase();
  const status = (statusText || 'active') as BusinessStatus;
  if (!BUSINESS_STATUSES.includes(status)) errors.push(problem('status', 'status_invalid'));
  const registeredOn = dateField(raw, 'registeredOn', today, false, errors);
  const key = enterpriseCode || undefined;
  if (errors.length > 0) return { ...(key ? { key } : {}), errors };
  return { key: enterpriseCode, errors, value: { enterpriseCode, name, address, legalRepresentative, legalRepresentativeId, status, registeredOn } };
}

export function validateRow(registry: RegistryKind, raw: Record<string, unknown>, today: string): RowResult<CitizenRecord | BusinessRecord> {
  return registry === 'citizens' ? validateCitizenRow(raw, today) : validateBusinessRow(raw, today);
}

/** For each row index whose key occurs more than once: the 1-based row numbers of the other occurrences. */
export function duplicatesInFile(keys: (string | undefined)[]): Map<number, number[]> {
  const byKey = new Map<string, number[]>();
  keys.forEach((k, i) => {
    if (!k) return;
    const list = byKey.get(k) ?? [];
    list.push(i);
    byKey.set(k, list);
  });
  const out = new Map<number, number[]>();
  for (const idx of byKey.values()) {
    if (idx.length < 2) continue;
    for (const i of idx) out.set(i, idx.filter((j) => j !== i).map((j) => j + 1));
  }
  return out;
}
