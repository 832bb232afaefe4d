import { describe, expect, it } from 'vitest';
import { smallCatalog } from '../../test/support/fixtures.js';
import { validateCatalog } from './validate-catalog.js';

describe('validateCatalog', () => {
  it('accepts a well-formed catalog', () => {
    expect(validateCatalog(smallCatalog())).toEqual([]);
  });

  it('names the record and the field of a shape error', () => {
    const c = smallCatalog() as unknown as { procedures: Record<string, unknown>[] };
    c.procedures[2]!.onlineLevel = 'level-4';
    delete c.procedures[0]!.timeLimit;
    const problems = validateCatalog(c);
    expect(problems).toContainEqual(expect.objectContaining({ record: 'procedure 2.000815', path: '/procedures/2/onlineLevel' }));
    expect(problems).toContainEqual(expect.objectContaining({ record: 'procedure 1.001193', path: '/procedures/0', message: expect.stringContaining('timeLimit') }));
  });

  it('reports unknown keys by name', () => {
    const c = smallCatalog() as unknown as { agencies: Record<string, unknown>[] };
    c.agencies[1]!.fax = '123';
    expect(validateCatalog(c)).toContainEqual(expect.objectContaining({ record: 'agency 000.00.02.H31', message: expect.stringContaining("'fax'") }));
  });

  it('checks references between records', () => {
    const c = smallCatalog();
    c.agencies[3]!.parentCode = '999.99.99.H31';
    c.procedures[0]!.fieldCode = 'khong-co';
    c.procedures[3]!.agencyCodes = ['123.45.67.H31'];
    c.groups[0]!.members[0]!.nationalCode = '9.999999';
    const messages = validateCatalog(c).map((p) => `${p.path} ${p.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        '/agencies/3/parentCode unknown parent agency 999.99.99.H31',
        '/procedures/0/fieldCode unknown field khong-co',
        '/procedures/3/agencyCodes/0 unknown agency 123.45.67.H31',
        '/groups/0/members/0/nationalCode unknown procedure 9.999999',
      ]),
    );
  });

  it('finds duplicates, cycles, bad dates, bad fees and invalid form schemas', () => {
    const c = smallCatalog();
    c.agencies.push({ ...c.agencies[1]! });
    c.procedures[1]!.effectiveTo = '2018-01-01';
    c.procedures[2]!.fees[0]!.onlineAmountVnd = 5000;
    c.procedures[0]!.formSchema = { type: 'object', properties: { x: { type: 'strnig' } } };
    const messages = validateCatalog(c).map((p) => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'duplicate agency code 000.00.02.H31',
        'effectiveTo must be after effectiveFrom',
        'the online amount cannot exceed the amount',
      ]),
    );
    expect(messages.some((m) => m.startsWith('not a valid JSON Schema'))).toBe(true);
  });

  it('finds a cycle in the agency tree', () => {
    const c = smallCatalog();
    c.agencies[1]!.parentCode = '000.00.21.H31';
    c.agencies[2]!.parentCode = '000.00.02.H31';
    expect(validateCatalog(c).map((p) => `${p.record} ${p.message}`)).toContain('agency 000.00.02.H31 the agency tree has a cycle');
  });

  it('checks evidence types: unique codes and field keys, known procedures, known types on documents that come from the data store', () => {
    const c = smallCatalog();
    const field = { key: 'fullName', label: 'Họ tên', kind: 'text' as const, required: true };
    c.evidenceTypes = [
      { code: 'giay-khai-sinh', name: 'Giấy khai sinh', registry: 'citizens', procedures: ['1.001193'], fields: [field, { ...field, registryColumn: 'full_name' }], amendedBy: ['9.999999'], renewedBy: [], cancelledBy: [] },
      { code: 'giay-khai-sinh', name: 'Trùng mã', procedures: [], fields: [{ ...field, registryColumn: 'full_name' }], amendedBy: [], renewedBy: [], cancelledBy: [] },
    ];
    c.procedures[0]!.documents[0]!.evidenceType = 'khong-co';
    c.procedures[0]!.documents[0]!.fromDataStore = false;
    const messages = validateCatalog(c).map((p) => `${p.path} ${p.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        '/evidenceTypes/0/fields/1/key duplicate field key fullName',
        '/evidenceTypes/0/amendedBy/0 unknown procedure 9.999999',
        '/evidenceTypes/1/code duplicate evidence type code giay-khai-sinh',
        '/evidenceTypes/1/fields/0/registryColumn a registry column needs the evidence type to have a registry',
        '/procedures/0/documents/0/evidenceType unknown evidence type khong-co',
        '/procedures/0/documents/0/fromDataStore a document with an evidence type must have fromDataStore true',
      ]),
    );
    // a registry outside the list is a shape error
    const bad = smallCatalog() as unknown as { evidenceTypes: unknown[] };
    bad.evidenceTypes = [{ code: 'x-y', name: 'X', registry: 'land', procedures: [], fields: [], amendedBy: [], renewedBy: [], cancelledBy: [] }];
    expect(validateCatalog(bad)).toContainEqual(expect.objectContaining({ record: 'evidence type x-y', path: '/evidenceTypes/0/registry' }));
  });

  it('the seed catalog maps its documents to seeded evidence types', async () => {
    const { readFileSync } = await import('node:fs');
    const seed = JSON.parse(readFileSync('seed/catalog.json', 'utf8')) as ReturnType<typeof smallCatalog>;
    expect(validateCatalog(seed)).toEqual([]);
    const codes = new Set(seed.evidenceTypes!.map((t) => t.code));
    for (const code of ['giay-khai-sinh', 'gcn-dang-ky-doanh-nghiep', 'gcn-ho-kinh-doanh', 'giay-to-tuy-than', 'xac-nhan-cu-tru', 'giay-chung-nhan-ket-hon', 'giay-xac-nhan-hon-nhan', 'phieu-ly-lich-tu-phap']) expect(codes).toContain(code);
    const docs = seed.procedures.flatMap((p) => p.documents.map((d) => ({ p: p.nationalCode, ...d })));
    expect(docs.find((d) => d.p === '1.004837' && d.code === 'giay-khai-sinh')?.evidenceType).toBe('giay-khai-sinh');
    expect(docs.filter((d) => d.evidenceType).every((d) => d.fromDataStore)).toBe(true);
  });
});
