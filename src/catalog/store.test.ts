// Storage tests, run on both engines: migrations, import, versioning, search.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, ENGINES, type TestDb } from '../../test/support/db.js';
import { smallCatalog, procedure } from '../../test/support/fixtures.js';
import { migrateToLatest } from '../db/migrate.js';
import { Invalid } from '../lib/errors.js';
import { exportCatalog, importCatalog } from './import-catalog.js';
import { countCatalog, getProcedure, listAgencies, listFields, listGroups, listProcedureVersions, searchProcedures } from './store.js';

const NOW = new Date('2026-03-02T03:00:00Z');
const TODAY = '2026-03-02';

describe.each(ENGINES)('catalog storage on %s', (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDatabase(engine);
    await importCatalog(t.db, smallCatalog(), NOW);
  });
  afterAll(async () => t?.dispose());

  it('migrations are applied once; a second run applies nothing', async () => {
    expect(await migrateToLatest(t.db)).toEqual([]);
  });

  it('imports the agency tree with materialised paths', async () => {
    const roots = await listAgencies(t.db, { parent: 'root' });
    expect(roots.map((a) => a.code)).toEqual(['000.00.00.H31']);
    expect(roots[0]!.childCount).toBe(3);
    const wards = await listAgencies(t.db, { parent: '000.00.21.H31' });
    expect(wards.map((a) => a.name)).toEqual(['Ủy ban nhân dân phường Hoàng Văn Thụ']);
    const rows = await t.db.selectFrom('agencies').select(['code', 'path']).execute();
    const ward = rows.find((r) => r.code === '000.01.21.H31')!;
    const district = rows.find((r) => r.code === '000.00.21.H31')!;
    expect(ward.path.startsWith(district.path)).toBe(true);
    expect(await listAgencies(t.db, { q: 'hoang van thu' })).toHaveLength(1);
  });

  it('serves the version in force on a date (effective dates)', async () => {
    const before = await getProcedure(t.db, '2.000488', '2026-06-30');
    const after = await getProcedure(t.db, '2.000488', '2026-07-01');
    expect(before.version).toBe(1);
    expect(before.agencies.map((a) => a.code)).toEqual(['000.00.02.H31']);
    expect(after.version).toBe(2);
    expect(after.agencies.map((a) => a.code)).toEqual(['000.00.40.H31']);
    await expect(getProcedure(t.db, '1.001193', '2018-12-31')).rejects.toThrow(/not in force/);
    const versions = await listProcedureVersions(t.db, '2.000488', TODAY);
    expect(versions.map((v) => [v.version, v.inForce])).toEqual([[1, true], [2, false]]);
  });

  it('re-importing the same file creates no version; an edit creates a new one in force', async () => {
    const again = await importCatalog(t.db, smallCatalog(), NOW);
    expect(again.versionsCreated).toBe(0);
    const edited = smallCatalog();
    edited.procedures[2] = { ...edited.procedures[2]!, fees: [{ name: 'Lệ phí chứng thực', amountVnd: 3000 }] };
    const report = await importCatalog(t.db, { ...edited, groups: [], procedures: [edited.procedures[2]!] }, NOW);
    expect(report.versionsCreated).toBe(1);
    const current = await getProcedure(t.db, '2.000815', TODAY);
    expect(current.version).toBe(2);
    expect(current.fees[0]!.amountVnd).toBe(3000);
    // the old version is still there, unchanged, for dossiers that pinned it
    expect((await getProcedure(t.db, '2.000815', TODAY, 1)).fees[0]!.amountVnd).toBe(2000);
  });

  it('an invalid file changes nothing and lists its problems', async () => {
    const before = await countCatalog(t.db);
    const bad = smallCatalog();
    bad.procedures.push(procedure({ nationalCode: '1.999999', name: 'Thủ tục mới', fieldCode: 'khong-co' }));
    const err = await importCatalog(t.db, bad, NOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Invalid);
    expect((err as Invalid).message).toContain('procedure 1.999999: /procedures/5/fieldCode: unknown field khong-co');
    expect(await countCatalog(t.db)).toEqual(before);
  });

  it('a partial file may refer to records already in the database', async () => {
    const c = smallCatalog();
    const partial = { ...c, fields: [], agencies: [], groups: [], procedures: [procedure({ nationalCode: '1.000001', name: 'Thủ tục bổ sung', agencyCodes: ['000.01.21.H31'] })] };
    expect((await importCatalog(t.db, partial, NOW)).versionsCreated).toBe(1);
    expect((await getProcedure(t.db, '1.000001', TODAY)).agencies.map((a) => a.code)).toEqual(['000.01.21.H31']);
    await t.db.deleteFrom('procedure_version_agencies').where('version_id', 'in', t.db.selectFrom('procedure_versions').select('id').where('name', '=', 'Thủ tục bổ sung')).execute();
    await t.db.deleteFrom('procedure_version_levels').where('version_id', 'in', t.db.selectFrom('procedure_versions').select('id').where('name', '=', 'Thủ tục bổ sung')).execute();
    if (engine === 'sqlite') await t.db.deleteFrom('procedure_search' as never).where('rowid' as never, 'in', t.db.selectFrom('procedure_versions').select('id').where('name', '=', 'Thủ tục bổ sung') as never).execute();
    await t.db.deleteFrom('procedure_versions').where('name', '=', 'Thủ tục bổ sung').execute();
    await t.db.deleteFrom('procedures').where('national_code', '=', '1.000001').execute();
  });

  it('search is accent-insensitive both ways and ranks name matches first', async () => {
    for (const q of ['dang ky khai sinh', 'Đăng ký khai sinh', 'ĐĂNG KÝ KHAI SINH', 'dang ki', 'đang ky']) {
      const r = await searchProcedures(t.db, { q }, TODAY);
      if (q !== 'dang ki') expect(r.items[0]?.name, q).toBe('Đăng ký khai sinh');
    }
    const khaiSinh = await searchProcedures(t.db, { q: 'khai sinh' }, TODAY);
    expect(khaiSinh.items.map((i) => i.nationalCode)).toEqual(['1.001193', '1.000656']);
    const prefix = await searchProcedures(t.db, { q: 'chung thu' }, TODAY);
    expect(prefix.items.map((i) => i.nationalCode)).toEqual(['2.000815']);
    expect((await searchProcedures(t.db, { q: 'xyzzy' }, TODAY)).total).toBe(0);
  });

  it('search input cannot inject query syntax', async () => {
    for (const q of ['" OR 1=1 --', "'; drop table procedures; --", 'NEAR(a b)', '*', ':* & !']) {
      const r = await searchProcedures(t.db, { q }, TODAY);
      expect(r.total).toBeGreaterThanOrEqual(0);
    }
    expect((await countCatalog(t.db)).procedures).toBeGreaterThan(0);
  });

  it('filters by field, level, online level, agency and paginates', async () => {
    expect((await searchProcedures(t.db, { field: 'chung-thuc' }, TODAY)).items.map((i) => i.nationalCode)).toEqual(['2.000815']);
    expect((await searchProcedures(t.db, { level: 'city' }, TODAY)).items.map((i) => i.nationalCode)).toEqual(['2.000488']);
    expect((await searchProcedures(t.db, { onlineLevel: 'partial' }, TODAY)).total).toBe(2);
    // a ward handles the commune-level procedures; the Justice department the one naming it
    const ward = await searchProcedures(t.db, { agency: '000.01.21.H31' }, TODAY);
    expect(ward.items.map((i) => i.nationalCode).sort()).toEqual(['1.000656', '1.001193', '2.000815']);
    expect((await searchProcedures(t.db, { agency: '000.00.02.H31' }, TODAY)).items.map((i) => i.nationalCode)).toEqual(['2.000488']);
    expect((await searchProcedures(t.db, { agency: '000.00.02.H31' }, '2026-07-02')).total).toBe(0);
    const page2 = await searchProcedures(t.db, { page: 2, pageSize: 3 }, TODAY);
    expect(page2.total).toBe(4);
    expect(page2.items).toHaveLength(1);
  });

  it('lists fields with counts of procedures in force, and groups with members', async () => {
    const fields = await listFields(t.db, TODAY);
    expect(fields.find((f) => f.code === 'ho-tich')?.procedureCount).toBe(2);
    expect(fields.map((f) => f.name)).toEqual(['Chứng thực', 'Hộ tịch', 'Lý lịch tư pháp']);
    const [group] = await listGroups(t.db, TODAY);
    expect(group?.members.map((m) => m.name)).toEqual(['Đăng ký khai sinh', 'Đăng ký khai tử']);
  });

  it('exports a catalog that imports into an empty database identically', async () => {
    const exported = await exportCatalog(t.db, TODAY);
    const other = await freshDatabase(engine);
    try {
      await importCatalog(other.db, exported, NOW);
      expect(await exportCatalog(other.db, TODAY)).toEqual(exported);
    } finally {
      await other.dispose();
    }
  });

  // last: it adds a procedure, which would change the counts asserted above
  it('ranks the exact name before a longer name containing it', async () => {
    await importCatalog(t.db, { ...smallCatalog(), groups: [], procedures: [procedure({ nationalCode: '1.000689', name: 'Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con' })] }, NOW);
    const names = (await searchProcedures(t.db, { q: 'dang ky khai sinh' }, TODAY)).items.map((i) => i.nationalCode);
    expect(names.slice(0, 2)).toEqual(['1.001193', '1.000689']);
  });
});
