import { describe, expect, it } from 'vitest';
import type { EvidenceType } from '../catalog/evidence.js';
import { checkResultFields, isoDate, prefill } from './fields.js';
import { isSerial, newSerial, normaliseSerial, serialInPdf } from './serial.js';

const TYPE: EvidenceType = {
  code: 'birth', name: 'Giấy khai sinh', procedures: [], amendedBy: [], renewedBy: [], cancelledBy: [],
  fields: [
    { key: 'citizenId', label: 'Số định danh', kind: 'citizen_id', required: true },
    { key: 'fullName', label: 'Họ tên', kind: 'text', required: true, from: 'form.hoTen' },
    { key: 'birthDate', label: 'Ngày sinh', kind: 'date', required: true, from: 'form.ngaySinh' },
    { key: 'gender', label: 'Giới tính', kind: 'gender', required: true, from: 'form.gioiTinh' },
    { key: 'taxCode', label: 'MST', kind: 'tax_code', required: false, from: 'applicant.taxCode' },
  ],
};

describe('serials', () => {
  it('are 16 Crockford base32 characters carrying 80 bits', () => {
    expect(newSerial(Buffer.alloc(10, 0))).toBe('0000000000000000');
    expect(newSerial(Buffer.alloc(10, 0xff))).toBe('ZZZZZZZZZZZZZZZZ');
    const many = new Set(Array.from({ length: 2000 }, () => newSerial()));
    expect(many.size).toBe(2000);
    for (const s of many) expect(isSerial(s)).toBe(true);
    expect(isSerial('ILOU000000000000')).toBe(false);
    expect(() => newSerial(Buffer.alloc(9))).toThrow();
  });
  it('read what a person types, and are found in the PDF metadata', () => {
    expect(normaliseSerial('abcd-efgh ijkl-mnop')).toBe('ABCDEFGH1JK1MN0P');
    expect(serialInPdf(Buffer.from('%PDF-1.3 /Keywords (motcua:serial=0123456789ABCDEF)'))).toBe('0123456789ABCDEF');
    expect(serialInPdf(Buffer.from('%PDF-1.3 /Keywords (motcua:serial=0123)'))).toBeUndefined();
  });
});

describe('result fields', () => {
  const good = { citizenId: '031326123456', fullName: ' Nguyễn Thị Bé ', birthDate: '01/02/2026', gender: 'Nữ' };
  it('accept consistent values, normalised', () => {
    const r = checkResultFields(TYPE, good);
    expect(r.problems).toEqual([]);
    expect(r.values).toEqual({ citizenId: '031326123456', fullName: 'Nguyễn Thị Bé', birthDate: '2026-02-01', gender: 'female' });
  });
  it('name every problem: required, date, gender, tax code, CCCD against birth and gender, unknown keys', () => {
    const r = checkResultFields(TYPE, { citizenId: '031226123456', fullName: '', birthDate: '2026-02-01', gender: 'female', taxCode: '0100109107', extra: 'x' });
    expect(r.problems.map((p) => `${p.field}:${p.reason}`).sort()).toEqual(['citizenId:citizen_id_century_gender', 'extra:unknown_field', 'fullName:required', 'taxCode:tax_code']);
    expect(checkResultFields(TYPE, { ...good, birthDate: '2026-02-30', gender: 'x', citizenId: '999326123456' }).problems.map((p) => p.reason).sort()).toEqual(['citizen_id_province', 'date', 'gender']);
    expect(checkResultFields(TYPE, { ...good, citizenId: '0313261234' }).problems.map((p) => p.reason)).toEqual(['citizen_id_shape']);
    expect(checkResultFields(TYPE, { ...good, citizenId: '031325123456' }).problems.map((p) => p.reason)).toEqual(['citizen_id_birth_year']);
    expect(checkResultFields(TYPE, { ...good, taxCode: '0100109106' }).problems).toEqual([]);
  });
  it('pre-fill from the dossier form and applicant', () => {
    const src = { form: { hoTen: 'Bé', ngaySinh: '1/2/2026', gioiTinh: 'Nam' }, applicant: { name: 'A', taxCode: '0100109106' } };
    expect(TYPE.fields.map((f) => prefill(f, src))).toEqual(['', 'Bé', '2026-02-01', 'male', '0100109106']);
    expect(isoDate('2026-02-01')).toBe('2026-02-01');
  });
});
