import { describe, expect, it } from 'vitest';
import { demoBusinesses, demoCitizens } from './demo-registry.js';
import { ImportFileError, parseImportFile, validateImportRows } from './import.js';
import { loggableUrl, maskKey } from './log-safe.js';
import { duplicatesInFile, parseGender, parseRegistryDate, validateBusinessRow, validateCitizenRow } from './rows.js';

const TODAY = '2026-11-27';
const citizen = (o: Record<string, unknown> = {}) => ({ citizenId: '031090001234', fullName: 'Nguyễn Văn An', birthDate: '1990-03-15', gender: 'male', ...o });
const business = (o: Record<string, unknown> = {}) => ({ enterpriseCode: '0201234569', name: 'Công ty TNHH Hải Âu', address: 'Số 1 Điện Biên Phủ', legalRepresentative: 'Nguyễn Văn An', ...o });
const reasons = (r: { errors: { reason: string }[] }) => r.errors.map((e) => e.reason);

describe('registry dates and genders', () => {
  it('accepts ISO and dd/mm/yyyy real dates only', () => {
    expect(parseRegistryDate('1990-03-15')).toBe('1990-03-15');
    expect(parseRegistryDate('15/03/1990')).toBe('1990-03-15');
    expect(parseRegistryDate('5/3/1990')).toBe('1990-03-05');
    expect(parseRegistryDate('1990-02-30')).toBeNull();
    expect(parseRegistryDate('31/04/2001')).toBeNull();
    expect(parseRegistryDate('03/15/1990')).toBeNull();
    expect(parseRegistryDate('1990/03/15')).toBeNull();
  });
  it('reads male/female in English and Vietnamese', () => {
    expect(parseGender('Nam')).toBe('male');
    expect(parseGender('nữ')).toBe('female');
    expect(parseGender('Nu\u0303'.normalize('NFD'))).toBeNull();
    expect(parseGender('NỮ'.normalize('NFD'))).toBe('female');
    expect(parseGender('female')).toBe('female');
    expect(parseGender('khác')).toBeNull();
  });
});

describe('citizen rows', () => {
  it('accepts a valid row and normalises it (NFC, dd/mm/yyyy, nữ)', () => {
    const decomposed = 'Trần Thị Bình'.normalize('NFD');
    const r = validateCitizenRow(citizen({ citizenId: '031195004321', fullName: ` ${decomposed} `, birthDate: '02/08/1995', gender: 'nữ' }), TODAY);
    expect(r.errors).toEqual([]);
    expect(r.value).toEqual({ citizenId: '031195004321', fullName: 'Trần Thị Bình', birthDate: '1995-08-02', gender: 'female', permanentAddress: null, householdCode: null });
    expect(r.value!.fullName).toBe('Trần Thị Bình'.normalize('NFC'));
  });
  it('gives a specific reason for each CCCD problem', () => {
    expect(reasons(validateCitizenRow(citizen({ citizenId: '03109000123' }), TODAY))).toEqual(['citizen_id_shape']);
    expect(reasons(validateCitizenRow(citizen({ citizenId: '03109000123A' }), TODAY))).toEqual(['citizen_id_shape']);
    expect(reasons(validateCitizenRow(citizen({ citizenId: '003090001234' }), TODAY))).toEqual(['citizen_id_province']);
    expect(reasons(validateCitizenRow(citizen({ citizenId: '031190001234' }), TODAY))).toEqual(['citizen_id_gender']);
    expect(reasons(validateCitizenRow(citizen({ citizenId: '031091001234' }), TODAY))).toEqual(['citizen_id_birth_year']);
    // a girl born in 2021: century digit 3
    expect(validateCitizenRow(citizen({ citizenId: '031321000001', birthDate: '2021-01-01', gender: 'female' }), TODAY).errors).toEqual([]);
  });
  it('refuses missing, too long, unreal and future values, with Vietnamese messages', () => {
    const r = validateCitizenRow({ citizenId: '', fullName: '', birthDate: '', gender: '' }, TODAY);
    expect(r.errors.map((e) => `${e.field}:${e.reason}`).sort()).toEqual(['birthDate:required', 'citizenId:required', 'fullName:required', 'gender:required']);
    expect(r.errors[0]!.message).toBe('Thiếu thông tin bắt buộc');
    expect(reasons(validateCitizenRow(citizen({ fullName: 'A'.repeat(201) }), TODAY))).toEqual(['too_long']);
    expect(reasons(validateCitizenRow(citizen({ birthDate: '1990-02-30' }), TODAY))).toEqual(['date_invalid']);
    expect(reasons(validateCitizenRow(citizen({ citizenId: '031227000001', birthDate: '2027-01-01' }), TODAY))).toEqual(['date_future']);
    expect(reasons(validateCitizenRow(citizen({ gender: 'x' }), TODAY))).toEqual(['gender_invalid']);
    expect(validateCitizenRow(citizen({ gender: 'x' }), TODAY).value).toBeUndefined();
  });
});

describe('business rows', () => {
  it('accepts a valid row (branch codes too) with status active by default', () => {
    const r = validateBusinessRow(business({ registeredOn: '10/04/2015' }), TODAY);
    expect(r.errors).toEqual([]);
    expect(r.value).toMatchObject({ enterpriseCode: '0201234569', status: 'active', registeredOn: '2015-04-10', legalRepresentativeId: null });
    expect(validateBusinessRow(business({ enterpriseCode: '0100109106-001' }), TODAY).errors).toEqual([]);
  });
  it('gives the MST reasons: shape and check digit', () => {
    expect(reasons(validateBusinessRow(business({ enterpriseCode: '020123456' }), TODAY))).toEqual(['tax_code_shape']);
    expect(reasons(validateBusinessRow(business({ enterpriseCode: '0201234569-01' }), TODAY))).toEqual(['tax_code_shape']);
    expect(reasons(validateBusinessRow(business({ enterpriseCode: '0201234568' }), TODAY))).toEqual(['tax_code_check_digit']);
    expect(reasons(validateBusinessRow(business({ enterpriseCode: '0201234569-000' }), TODAY))).toEqual(['tax_code_check_digit']);
  });
  it('checks status, the representative CCCD and required fields', () => {
    expect(reasons(validateBusinessRow(business({ status: 'closed' }), TODAY))).toEqual(['status_invalid']);
    expect(reasons(validateBusinessRow(business({ legalRepresentativeId: '999090001234' }), TODAY))).toEqual(['citizen_id_province']);
    expect(reasons(validateBusinessRow(business({ address: ' ' }), TODAY))).toEqual(['required']);
    expect(reasons(validateBusinessRow(business({ registeredOn: '2030-01-01' }), TODAY))).toEqual(['date_future']);
  });
});

describe('duplicates and whole-file validation', () => {
  it('marks every occurrence of a duplicate key with the other rows', () => {
    const d = duplicatesInFile(['a', 'b', 'a', undefined, 'a']);
    expect([...d.entries()]).toEqual([[0, [3, 5]], [2, [1, 5]], [4, [1, 3]]]);
  });
  it('rejects duplicates in the file and keys already registered; row numbers exclude the header', () => {
    const rows = [citizen(), citizen({ citizenId: '031195004321', fullName: 'Trần Thị Bình', birthDate: '1995-08-02', gender: 'female' }), citizen(), citizen({ citizenId: '031185007788', fullName: 'Lê Thị Hồng', birthDate: '1985-11-20', gender: 'female' })];
    const { accepted, rejected } = validateImportRows('citizens', rows, TODAY, new Set(['031185007788']));
    expect(accepted.map((a) => (a as { citizenId: string }).citizenId)).toEqual(['031195004321']);
    expect(rejected).toEqual([
      { row: 1, key: '031090001234', errors: [{ field: 'citizenId', reason: 'duplicate_in_file', message: 'Trùng khoá với dòng khác trong tệp (dòng 3)' }] },
      { row: 3, key: '031090001234', errors: [{ field: 'citizenId', reason: 'duplicate_in_file', message: 'Trùng khoá với dòng khác trong tệp (dòng 1)' }] },
      { row: 4, key: '031185007788', errors: [{ field: 'citizenId', reason: 'already_registered', message: 'Đã có trong sổ đăng ký' }] },
    ]);
  });
});

describe('parsing import files', () => {
  const csv = (s: string) => Buffer.from(s, 'utf8');
  it('reads CSV with a BOM and Vietnamese headers', () => {
    const p = parseImportFile('citizens', csv('\uFEFFSố CCCD,Họ và tên,Ngày sinh,Giới tính\n031090001234,"Nguyễn Văn An",15/03/1990,Nam\n'), 'dan-cu.csv');
    expect(p).toEqual({ format: 'csv', rows: [{ citizenId: '031090001234', fullName: 'Nguyễn Văn An', birthDate: '15/03/1990', gender: 'Nam' }] });
  });
  it('reads a JSON array of objects', () => {
    const p = parseImportFile('businesses', csv(JSON.stringify([business()])), 'dn.json');
    expect(p.format).toBe('json');
    expect(p.rows[0]).toMatchObject({ enterpriseCode: '0201234569' });
  });
  it('refuses malformed files with a reason', () => {
    const reason = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof ImportFileError ? e.reason : 'other';
      }
      return 'none';
    };
    expect(reason(() => parseImportFile('citizens', csv('citizenId,fullName,birthDate,gender\n"031090001234,x,1990-03-15,male\n'), 'a.csv'))).toBe('file_malformed');
    expect(reason(() => parseImportFile('citizens', csv('citizenId,fullName,birthDate,gender\n031090001234,x,1990-03-15\n'), 'a.csv'))).toBe('file_malformed');
    expect(reason(() => parseImportFile('citizens', csv('citizenId,fullName,birthDate,gender,shoeSize\n'), 'a.csv'))).toBe('unknown_column');
    expect(reason(() => parseImportFile('citizens', csv('citizenId,fullName,gender\n'), 'a.csv'))).toBe('missing_column');
    expect(reason(() => parseImportFile('citizens', csv('{"citizenId":"1"}'), 'a.json'))).toBe('file_malformed');
    expect(reason(() => parseImportFile('citizens', csv('[1,2]'), 'a.json'))).toBe('file_malformed');
    expect(reason(() => parseImportFile('citizens', csv('[{"citizenId": '), 'a.json'))).toBe('file_malformed');
    expect(reason(() => parseImportFile('citizens', Buffer.from([0xff, 0xfe, 0x41]), 'a.csv'))).toBe('file_malformed');
    expect(reason(() => parseImportFile('citizens', csv('  \n'), 'a.csv'))).toBe('empty_file');
  });
});

describe('demo registry and log safety', () => {
  it('the demo records are valid registry rows', () => {
    for (const c of demoCitizens()) expect(validateCitizenRow(c as unknown as Record<string, unknown>, TODAY).errors).toEqual([]);
    for (const b of demoBusinesses()) expect(validateBusinessRow(b as unknown as Record<string, unknown>, TODAY).errors).toEqual([]);
  });
  it('masks identifiers in logged URLs and drops registry queries', () => {
    expect(loggableUrl('/api/registries/citizens/031090001234?dossier=X')).toBe('/api/registries/citizens/[id]?[redacted]');
    expect(loggableUrl('/api/admin/registries/businesses/0201234569-001')).toBe('/api/admin/registries/businesses/[id]');
    expect(loggableUrl('/api/admin/registries/citizens?q=Nguy%E1%BB%85n')).toBe('/api/admin/registries/citizens?[redacted]');
    expect(loggableUrl('/api/procedures?q=khai+sinh')).toBe('/api/procedures?q=khai+sinh');
    expect(maskKey('031090001234')).toBe('031******234');
  });
});
