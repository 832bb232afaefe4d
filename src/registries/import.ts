// Registry imports (CSV or JSON): parse, validate every row, and apply ALL or NOTHING. A file with
// one rejected row changes nothing and is recorded `rejected` with the report; a malformed file
// (bad CSV, JSON not an array of objects, unknown / missing columns, too big) is refused with a
// reason and also recorded `rejected` (total 0, the reason in the report) so admins see every attempt.
import { parse as parseCsv } from 'csv-parse/sync';
import type { Db } from '../db/connect.js';
import { foldVietnamese } from '../lib/vn-text.js';
import { type BusinessRecord, type CitizenRecord, columnsOf, duplicatesInFile, keyColumnOf, problem, type RegistryKind, requiredOf, type RowProblem, validateRow } from './rows.js';
import { existingKeys, findImport, type ImportReport, type ImportSummary, insertImport, insertImportedRows, type RejectedRow } from './store.js';

export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 50_000;

export class ImportFileError extends Error {
  constructor(readonly reason: 'file_malformed' | 'unknown_column' | 'missing_column' | 'too_many_rows' | 'file_too_large' | 'empty_file', message: string) {
    super(message);
  }
}

/** Vietnamese header names accepted besides the field names (folded, without diacritics). */
const VI_HEADERS: Record<RegistryKind, Record<string, string>> = {
  citizens: {
    'so cccd': 'citizenId', cccd: 'citizenId', 'so dinh danh': 'citizenId', 'so dinh danh ca nhan': 'citizenId',
    'ho ten': 'fullName', 'ho va ten': 'fullName', 'ngay sinh': 'birthDate', 'gioi tinh': 'gender',
    'dia chi thuong tru': 'permanentAddress', 'noi thuong tru': 'permanentAddress', 'ma ho': 'householdCode', 'ma ho gia dinh': 'householdCode',
  },
  businesses: {
    'ma so doanh nghiep': 'enterpriseCode', 'ma so thue': 'enterpriseCode', 'ten doanh nghiep': 'name', ten: 'name',
    'dia chi': 'address', 'dia chi tru so': 'address', 'nguoi dai dien theo phap luat': 'legalRepresentative', 'nguoi dai dien': 'legalRepresentative',
    'cccd nguoi dai dien': 'legalRepresentativeId', 'so dinh danh nguoi dai dien': 'legalRepresentativeId', 'tinh trang': 'status', 'trang thai': 'status',
    'ngay dang ky': 'registeredOn',
  },
};

/** The field name of a header cell (field name as is, or a known Vietnamese header), else null. */
export function headerField(registry: RegistryKind, header: string): string | null {
  const h = header.replace(/^\uFEFF/, '').trim();
  if (columnsOf(registry).includes(h)) return h;
  const lower = columnsOf(registry).find((c) => c.toLowerCase() === h.toLowerCase());
  if (lower) return lower;
  return VI_HEADERS[registry][foldVietnamese(h)] ?? null;
}

function checkColumns(registry: RegistryKind, headers: string[]): string[] {
  const fields = headers.map((h) => headerField(registry, h));
  const unknown = headers.filter((_, i) => fields[i] === null);
  if (unknown.length > 0) throw new ImportFileError('unknown_column', `Cột không được hỗ trợ: ${unknown.map((u) => `"${u.slice(0, 60)}"`).join(', ')}. Các cột: ${columnsOf(registry).join(', ')}`);
  const missing = requiredOf(registry).filter((c) => !fields.includes(c));
  if (missing.length > 0) throw new ImportFileError('missing_column', `Thiếu cột bắt buộc: ${missing.join(', ')}`);
  const dup = fields.find((f, i) => fields.indexOf(f) !== i);
  if (dup) throw new ImportFileError('file_malformed', `Cột ${dup} xuất hiện hai lần`);
  return fields as string[];
}

/** Parses the file into raw rows keyed by field name. Throws ImportFileError for a malformed file. */
export function parseImportFile(registry: RegistryKind, bytes: Buffer, filename: string): { format: 'csv' | 'json'; rows: Record<string, unknown>[] } {
  if (bytes.length > MAX_IMPORT_BYTES) throw new ImportFileError('file_too_large', 'Tệp lớn hơn 10 MB');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ImportFileError('file_malformed', 'Tệp không phải văn bản UTF-8');
  }
  text = text.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new ImportFileError('empty_file', 'Tệp rỗng');
  const isJson = /\.json$/i.test(filename) || (!/\.csv$/i.test(filename) && /^\s*[[{]/.test(text));
  if (isJson) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new ImportFileError('file_malformed', `JSON không hợp lệ: ${(e as Error).message.slice(0, 120)}`);
    }
    if (!Array.isArray(data)) throw new ImportFileError('file_malformed', 'Tệp JSON phải là một mảng các bản ghi');
    if (data.length > MAX_IMPORT_ROWS) throw new ImportFileError('too_many_rows', `Tối đa ${MAX_IMPORT_ROWS} dòng mỗi lần nhập`);
    const headers = new Set<string>();
    data.forEach((o, i) => {
      if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new ImportFileError('file_malformed', `Phần tử thứ ${i + 1} không phải một bản ghi (object)`);
      for (const k of Object.keys(o)) headers.add(k);
    });
    const hs = [...headers];
    const fields = checkColumns(registry, hs.length > 0 ? hs : []);
    const map = new Map(hs.map((h, i) => [h, fields[i]!]));
    return { format: 'json', rows: (data as Record<string, unknown>[]).map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [map.get(k)!, v]))) };
  }
  let records: string[][];
  try {
    records = parseCsv(text, { bom: true, skip_empty_lines: true, relax_column_count: false, delimiter: text.split('\n', 1)[0]!.includes(';') && !text.split('\n', 1)[0]!.includes(',') ? ';' : ',' }) as string[][];
  } catch (e) {
    throw new ImportFileError('file_malformed', `CSV không hợp lệ: ${(e as Error).message.replace(/\s+/g, ' ').slice(0, 160)}`);
  }
  const [header, ...data] = records;
  if (!header) throw new ImportFileError('empty_file', 'Tệp rỗng');
  if (data.length > MAX_IMPORT_ROWS) throw new ImportFileError('too_many_rows', `Tối đa ${MAX_IMPORT_ROWS} dòng mỗi lần nhập`);
  const fields = checkColumns(registry, header);
  return { format: 'csv', rows: data.map((cells) => Object.fromEntries(fields.map((f, i) => [f, cells[i] ?? '']))) };
}

/** Validates all rows (pure but for the set of keys already registered). */
export function validateImportRows(registry: RegistryKind, rows: Record<string, unknown>[], today: string, registered: Set<string>): { accepted: (CitizenRecord | BusinessRecord)[]; rejected: RejectedRow[] } {
  const results = rows.map((r) => validateRow(registry, r, today));
  const dups = duplicatesInFile(results.map((r) => r.key));
  const accepted: (CitizenRecord | BusinessRecord)[] = [];
  const rejected: RejectedRow[] = [];
  const keyField = keyColumnOf(registry);
  results.forEach((res, i) => {
    const errors: RowProblem[] = [...res.errors];
    const others = dups.get(i);
    if (others) errors.push(problem(keyField, 'duplicate_in_file', ` (dòng ${others.join(', ')})`));
    if (res.key && registered.has(res.key)) errors.push(problem(keyField, 'already_registered'));
    if (errors.length > 0 || !res.value) rejected.push({ row: i + 1, ...(res.key ? { key: res.key } : {}), errors });
    else accepted.push(res.value);
  });
  return { accepted, rejected };
}

export type ImportOutcome = ImportSummary & { report: ImportReport };

/**
 * Runs an import: a malformed file → recorded rejected, ImportFileError thrown (400); rejected rows
 * → recorded rejected with the report, nothing applied (422); else all rows inserted with their
 * history in one transaction (201).
 */
export async function runImport(db: Db, v: { registry: RegistryKind; filename: string; bytes: Buffer; actorId: number; now: Date }): Promise<ImportOutcome> {
  const today = v.now.toISOString().slice(0, 10);
  const format = /\.json$/i.test(v.filename) ? 'json' : 'csv';
  let parsed: ReturnType<typeof parseImportFile>;
  try {
    parsed = parseImportFile(v.registry, v.bytes, v.filename);
  } catch (e) {
    if (e instanceof ImportFileError) {
      await insertImport(db, { registry: v.registry, filename: v.filename, format, total: 0, accepted: 0, rejected: 0, status: 'rejected', report: { rejected: [], fileError: { reason: e.reason, message: e.message } }, actorId: v.actorId, now: v.now });
    }
    throw e;
  }
  const attempt = async (): Promise<number> =>
    db.transaction().execute(async (tx) => {
      const keys = parsed.rows.map((r) => String(r[keyColumnOf(v.registry)] ?? '').replace(/\s+/g, '')).filter(Boolean);
      const { accepted, rejected } = validateImportRows(v.registry, parsed.rows, today, await existingKeys(tx, v.registry, keys));
      const status = rejected.length > 0 ? 'rejected' : 'applied';
      const id = await insertImport(tx, { registry: v.registry, filename: v.filename, format: parsed.format, total: parsed.rows.length, accepted: accepted.length, rejected: rejected.length, status, report: { rejected }, actorId: v.actorId, now: v.now });
      if (status === 'applied') await insertImportedRows(tx, v.registry, accepted, id, v.actorId, v.now);
      return id;
    });
  let id: number;
  try {
    id = await attempt();
  } catch {
    // a concurrent import registered one of the keys between the check and the insert: validate again
    id = await attempt();
  }
  return (await findImport(db, id))!;
}
