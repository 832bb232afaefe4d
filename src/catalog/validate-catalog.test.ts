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
});
