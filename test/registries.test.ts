// Shared registries through HTTP on both engines: imports all or nothing (CSV with a BOM,
// JSON, bad rows → 422 with the report and nothing applied, malformed files → 400, recorded);
// records written from e-results with their history; lookups only for a dossier the officer
// handles (403 purpose_required, 404 out of scope), every one logged and shown to the data
// subject; the registry evidence of a dossier document; "all my data" export; and no CCCD or
// name in the application log.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { importCatalog } from '../src/catalog/import-catalog.js';
import { DEMO_PASSWORD, seedDemoAccounts } from '../src/identity/demo-accounts.js';
import { importRegistryFile } from '../src/registries/cli.js';
import { seedDemoRegistry } from '../src/registries/demo-registry.js';
import { recordFromResult } from '../src/registries/store.js';
import { TestClient } from './support/client.js';
import { testConfig } from './support/config.js';
import { ENGINES, freshDatabase, type TestDb } from './support/db.js';
import { procedure, smallCatalog } from './support/fixtures.js';
import { multipartFile, tinyPdf } from './support/multipart.js';

const WARD = '000.01.21.H31';
const NGO_QUYEN = '000.00.22.H31';
const TEN_DAY = '9.000001';
const NOW = Date.parse('2026-03-02T02:00:00Z');
const AN = { cccd: '031090001234', name: 'Nguyễn Văn An' };

const ACCOUNTS = {
  admin: 'quantri.hethong',
  desk: 'tiepnhan.hongbang',
  specialist: 'chuyenvien.hongbang',
  ngoquyen: 'truongphong.ngoquyen',
  supervisor: 'giamsat.hongbang',
  citizen: 'an.nguyen',
  other: 'binh.tran',
  business: 'congty.haiau',
} as const;
type Who = keyof typeof ACCOUNTS;

interface ImportOut {
  id: number;
  status: string;
  total: number;
  accepted: number;
  rejected: number;
  report: { rejected: { row: number; key?: string; errors: { field: string; reason: string; message: string }[] }[]; fileError?: { reason: string } };
}

describe.each(ENGINES)('shared registries on %s', (engine) => {
  let t: TestDb;
  let app: FastifyInstance;
  const c = {} as Record<Who, TestClient>;
  const logLines: string[] = [];
  let seq = 0;

  const count = async (table: 'registry_citizens' | 'registry_businesses' | 'registry_lookups' | 'registry_imports' | 'registry_history') =>
    Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const importFile = (registry: string, content: string | Buffer, filename: string) => {
    const m = multipartFile(Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), filename, filename.endsWith('.json') ? 'application/json' : 'text/csv');
    return c.admin.request('POST', `/api/admin/registries/${registry}/imports`, m.body, m.headers);
  };
  async function submitted(): Promise<string> {
    const m = multipartFile(tinyPdf(`reg ${engine} ${seq++}`), 'to-khai.pdf');
    const up = await c.citizen.request('POST', '/api/uploads', m.body, m.headers);
    expect(up.statusCode, up.body).toBe(201);
    const body = { procedure: TEN_DAY, agency: WARD, form: { hoTen: AN.name }, documents: [{ requirement: 'to-khai', upload: (up.json() as { id: string }).id }], returnMethod: 'online' };
    const sub = await c.citizen.request('POST', '/api/dossiers', body, { 'idempotency-key': `reg-${engine}-${seq++}` });
    expect(sub.statusCode, sub.body).toBe(201);
    return (sub.json() as { code: string }).code;
  }

  beforeAll(async () => {
    t = await freshDatabase(engine);
    const now = new Date(NOW);
    const catalog = smallCatalog();
    catalog.agencies.push({ ...catalog.agencies.find((a) => a.code === '000.00.21.H31')!, code: NGO_QUYEN, name: 'Ủy ban nhân dân quận Ngô Quyền', shortName: 'UBND quận Ngô Quyền' });
    catalog.procedures.push(procedure({ nationalCode: TEN_DAY, name: 'Thủ tục mười ngày', timeLimit: { value: 10, unit: 'working_days' } }));
    await importCatalog(t.db, catalog, now);
    await seedDemoAccounts(t.db, now);
    await seedDemoRegistry(t.db, now);
    const logStream = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    app = await buildApp({ db: t.db, clock: { now: () => new Date(NOW) }, logStream, config: testConfig({ DATA_DIR: t.env.DATA_DIR!, LOG_LEVEL: 'info' }) });
    for (const [i, who] of (Object.keys(ACCOUNTS) as Who[]).entries()) {
      c[who] = new TestClient(app, `10.7.0.${i + 1}`);
      expect((await c[who].login(`${ACCOUNTS[who]}@demo.motcua.vn`, DEMO_PASSWORD)).statusCode).toBe(200);
    }
  });
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  it('seeds the demo registry: the demo applicants and the demo company', async () => {
    const res = await c.admin.get('/api/admin/registries/citizens?q=nguyen van an');
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as { items: { citizenId: string }[] }).items.map((i) => i.citizenId)).toEqual([AN.cccd]);
    const biz = (await c.admin.get('/api/admin/registries/businesses?q=0201234569')).json() as { items: { name: string }[] };
    expect(biz.items.map((b) => b.name)).toEqual(['Công ty TNHH Thương mại Hải Âu']);
  });

  it('imports a valid CSV with a BOM and Vietnamese headers in one go, with history', async () => {
    const before = await count('registry_citizens');
    const csv = '\uFEFFSố CCCD,Họ và tên,Ngày sinh,Giới tính,Địa chỉ thường trú\n001300000111,Đỗ Thị Lụa,01/02/2000,nữ,"Số 3, phố Huế, Hà Nội"\n001200000222,Lý Văn Mạnh,2000-05-06,Nam,\n';
    const res = await importFile('citizens', csv, 'dan-cu.csv');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: 'applied', total: 2, accepted: 2, rejected: 0, format: 'csv', filename: 'dan-cu.csv' });
    expect(await count('registry_citizens')).toBe(before + 2);
    const found = (await c.admin.get(`/api/admin/registries/citizens?q=${encodeURIComponent('do thi lua')}`)).json() as { items: { citizenId: string; permanentAddress: string; gender: string; birthDate: string }[] };
    expect(found.items).toEqual([expect.objectContaining({ citizenId: '001300000111', gender: 'female', birthDate: '2000-02-01', permanentAddress: 'Số 3, phố Huế, Hà Nội' })]);
    const detail = (await c.admin.get('/api/admin/registries/citizens/001300000111')).json() as { history: { change: string; source: string; sourceRef: string; byName: string }[] };
    expect(detail.history).toEqual([expect.objectContaining({ change: 'created', source: 'import', sourceRef: String((res.json() as ImportOut).id), byName: 'Quản trị hệ thống' })]);
  });

  it('refuses a file with bad rows as a whole: 422 with the report, nothing imported', async () => {
    const beforeRows = await count('registry_citizens');
    const beforeHistory = await count('registry_history');
    const csv = [
      'citizenId,fullName,birthDate,gender',
      '031095000777,Phan Văn Đúng,1995-01-01,male', // valid on its own
      '031195000888,Sai Giới Tính,1995-01-01,male', // century/gender digit says female
      '031096000999,Sai Năm Sinh,1995-01-01,male', // birth year digits 96
      '99909500012,Ngắn,1995-01-01,male', // 11 digits
      '031095000555,Trùng Một,1995-01-01,male',
      '031095000555,Trùng Hai,1995-01-01,male',
      `${AN.cccd},${AN.name},1990-03-15,male`, // already registered
      '031095000666,Sinh Tương Lai,2099-01-01,male',
    ].join('\n');
    const res = await importFile('citizens', csv, 'loi.csv');
    expect(res.statusCode, res.body).toBe(422);
    const body = res.json() as { reason: string; details: ImportOut };
    expect(body.reason).toBe('rows_rejected');
    expect(body.details).toMatchObject({ status: 'rejected', total: 8, accepted: 1, rejected: 7 });
    const byRow = Object.fromEntries(body.details.report.rejected.map((r) => [r.row, r.errors.map((e) => e.reason)]));
    expect(byRow).toEqual({
      2: ['citizen_id_gender'],
      3: ['citizen_id_birth_year'],
      4: ['citizen_id_shape'],
      5: ['duplicate_in_file'],
      6: ['duplicate_in_file'],
      7: ['already_registered'],
      8: ['date_future'],
    });
    expect(body.details.report.rejected.find((r) => r.row === 5)!.errors[0]!.message).toContain('dòng 6');
    // all or nothing: not even the valid row
    expect(await count('registry_citizens')).toBe(beforeRows);
    expect(await count('registry_history')).toBe(beforeHistory);
    expect((await c.admin.get('/api/admin/registries/citizens/031095000777')).statusCode).toBe(404);
    // the attempt is recorded with its report
    const again = (await c.admin.get(`/api/admin/registries/imports/${body.details.id}`)).json() as ImportOut;
    expect(again).toMatchObject({ status: 'rejected', rejected: 7 });
    expect(again.report.rejected).toHaveLength(7);
  });

  it('imports businesses from JSON and refuses broken MST check digits', async () => {
    const ok = [{ enterpriseCode: '0201234505', name: 'Công ty Cổ phần Cảng Xanh', address: 'Số 9 Lạch Tray, Hải Phòng', legalRepresentative: 'Vũ Văn Cảng', status: 'active', registeredOn: '2020-01-15' }];
    const res = await importFile('businesses', JSON.stringify(ok), 'dn.json');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: 'applied', format: 'json', accepted: 1 });
    const before = await count('registry_businesses');
    const bad = [
      { enterpriseCode: '0201234506', name: 'Sai Chữ Số Kiểm Tra', address: 'x', legalRepresentative: 'y' },
      { enterpriseCode: '02012345', name: 'Sai Độ Dài', address: 'x', legalRepresentative: 'y' },
      { enterpriseCode: '0201234512', name: 'Đúng', address: 'x', legalRepresentative: 'y' },
    ];
    const rej = await importFile('businesses', JSON.stringify(bad), 'dn-loi.json');
    expect(rej.statusCode).toBe(422);
    const report = (rej.json() as { details: ImportOut }).details.report.rejected;
    expect(report.map((r) => [r.row, r.key, r.errors[0]!.reason])).toEqual([[1, '0201234506', 'tax_code_check_digit'], [2, '02012345', 'tax_code_shape']]);
    expect(await count('registry_businesses')).toBe(before);
  });

  it('refuses malformed files with a reason (400) and records the attempt', async () => {
    const before = await count('registry_citizens');
    const imports = await count('registry_imports');
    const cases: [string, string, string][] = [
      ['citizenId,fullName,birthDate,gender\n"031090001234,x,1990-01-01,male\n', 'a.csv', 'file_malformed'],
      ['citizenId,fullName,birthDate,gender,shoeSize\n031090001234,x,1990-01-01,male,42\n', 'b.csv', 'unknown_column'],
      ['citizenId,fullName\n031090001234,x\n', 'c.csv', 'missing_column'],
      ['{"citizenId":"031090001234"}', 'd.json', 'file_malformed'],
    ];
    for (const [content, name, reason] of cases) {
      const res = await importFile('citizens', content, name);
      expect(res.statusCode, `${name}: ${res.body}`).toBe(400);
      expect(res.json()).toMatchObject({ error: 'invalid', reason, field: 'file' });
    }
    expect(await count('registry_citizens')).toBe(before);
    expect(await count('registry_imports')).toBe(imports + cases.length);
    const list = (await c.admin.get('/api/admin/registries/imports?registry=citizens')).json() as { items: { filename: string; status: string }[] };
    expect(list.items[0]).toMatchObject({ filename: 'd.json', status: 'rejected' });
    const noFile = await c.admin.request('POST', '/api/admin/registries/citizens/imports', '', { 'content-type': 'multipart/form-data; boundary=x' });
    expect(noFile.statusCode).toBe(400);
  });

  it('only the system administrator imports and browses', async () => {
    const m = multipartFile(Buffer.from('citizenId,fullName,birthDate,gender\n001200000333,A,2000-01-01,female\n'), 'x.csv');
    expect((await c.desk.request('POST', '/api/admin/registries/citizens/imports', m.body, m.headers)).statusCode).toBe(403);
    expect((await c.citizen.get('/api/admin/registries/citizens')).statusCode).toBe(403);
    expect((await c.supervisor.get('/api/admin/registries/imports')).statusCode).toBe(403);
  });

  it('looks up only for a dossier the officer handles; every lookup is logged and shown to the data subject', async () => {
    const code = await submitted();
    const before = await count('registry_lookups');
    const noPurpose = await c.specialist.get(`/api/registries/citizens/${AN.cccd}`);
    expect(noPurpose.statusCode).toBe(403);
    expect(noPurpose.json()).toMatchObject({ reason: 'purpose_required' });
    expect((await c.ngoquyen.get(`/api/registries/citizens/${AN.cccd}?dossier=${code}`)).statusCode).toBe(404);
    expect((await c.specialist.get(`/api/registries/citizens/${AN.cccd}?dossier=NO-SUCH`)).statusCode).toBe(404);
    expect((await c.citizen.get(`/api/registries/citizens/${AN.cccd}?dossier=${code}`)).statusCode).toBe(403);
    expect((await c.supervisor.get(`/api/registries/citizens/${AN.cccd}?dossier=${code}`)).statusCode).toBe(403);
    expect(await count('registry_lookups')).toBe(before);

    const res = await c.specialist.get(`/api/registries/citizens/${AN.cccd}?dossier=${code}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ found: true, registry: 'citizens', dossierCode: code, purpose: `Xử lý hồ sơ ${code}`, logged: true, record: { citizenId: AN.cccd, fullName: AN.name, birthDate: '1990-03-15', gender: 'male' } });
    const missing = await c.desk.get(`/api/registries/citizens/001200000999?dossier=${code}`);
    expect(missing.json()).toMatchObject({ found: false, record: null });
    const biz = await c.desk.get(`/api/registries/businesses/0201234569?dossier=${code}`);
    expect(biz.json()).toMatchObject({ found: true, record: { name: 'Công ty TNHH Thương mại Hải Âu' } });
    expect(await count('registry_lookups')).toBe(before + 3);

    const mine = (await c.citizen.get('/api/me/lookups')).json() as { items: { officerName: string; agencyName: string; dossierCode: string; purpose: string; registry: string; subjectKeyMasked: string; found: boolean }[] };
    expect(mine.items[0]).toMatchObject({ officerName: 'Vũ Đức Long', dossierCode: code, purpose: `Xử lý hồ sơ ${code}`, registry: 'citizens', subjectKeyMasked: '031******234', found: true });
    expect(mine.items[0]!.agencyName).toBeTruthy();
    // someone else's lookups are not mine
    expect(((await c.other.get('/api/me/lookups')).json() as { items: unknown[] }).items).toEqual([]);
    const company = (await c.business.get('/api/me/lookups')).json() as { items: { dossierCode: string; registry: string }[] };
    expect(company.items).toEqual([expect.objectContaining({ dossierCode: code, registry: 'businesses' })]);
  });

  it('shows the registry evidence of a dossier document fetched from a registry, logged with its purpose', async () => {
    const code = await submitted();
    const d = await t.db.selectFrom('dossiers').select('id').where('code', '=', code).executeTakeFirstOrThrow();
    const doc = await t.db
      .insertInto('dossier_documents')
      .values({ dossier_id: d.id, requirement_code: 'giay-to-tuy-than', sha256: null, filename: null, media_type: null, size: null, source: 'registry', event_seq: 1, registry_key: AN.cccd, consent_at: new Date(NOW).toISOString(), reused: 1, digitised: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const upload = await t.db.selectFrom('dossier_documents').select('id').where('dossier_id', '=', d.id).where('source', '=', 'upload').executeTakeFirstOrThrow();
    const res = await c.desk.get(`/api/dossiers/${code}/registry-evidence/${doc.id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ found: true, registry: 'citizens', purpose: `Hồ sơ ${code}: giay-to-tuy-than`, document: { id: doc.id, requirement: 'giay-to-tuy-than' }, record: { citizenId: AN.cccd } });
    expect((await c.desk.get(`/api/dossiers/${code}/registry-evidence/${upload.id}`)).statusCode).toBe(404);
    expect((await c.ngoquyen.get(`/api/dossiers/${code}/registry-evidence/${doc.id}`)).statusCode).toBe(404);
    expect((await c.citizen.get(`/api/dossiers/${code}/registry-evidence/${doc.id}`)).statusCode).toBe(403);
    const mine = (await c.citizen.get('/api/me/lookups')).json() as { items: { purpose: string; officerName: string }[] };
    expect(mine.items[0]).toMatchObject({ purpose: `Hồ sơ ${code}: giay-to-tuy-than`, officerName: 'Phạm Thị Hoa' });
  });

  it("logs the administrator's reads of a record for the data subject too", async () => {
    expect((await c.admin.get(`/api/admin/registries/citizens/${AN.cccd}`)).statusCode).toBe(200);
    const mine = (await c.citizen.get('/api/me/lookups')).json() as { items: { purpose: string; dossierCode: string | null }[] };
    expect(mine.items[0]).toMatchObject({ purpose: 'Quản trị sổ đăng ký', dossierCode: null });
    expect((await c.admin.get('/api/admin/registries/citizens/001200000998')).statusCode).toBe(404);
  });

  it('writes e-results into the registry: created, updated with before/after, status; unchanged writes nothing', async () => {
    const ref = (serial: string) => ({ serial, actorId: null, now: new Date(NOW) });
    await t.db.transaction().execute((tx) => recordFromResult(tx, 'citizens', { citizen_id: '031326000123', full_name: 'Nguyễn Bé Na', birth_date: '2026-02-20', gender: 'female' }, ref('SERIAL1')));
    await t.db.transaction().execute((tx) => recordFromResult(tx, 'citizens', { citizen_id: '031326000123', full_name: 'Nguyễn Bé Na', birth_date: '2026-02-20', gender: 'nữ' }, ref('SERIAL1B')));
    await t.db.transaction().execute((tx) => recordFromResult(tx, 'citizens', { citizen_id: '031326000123', full_name: 'Nguyễn Ngọc Na', permanent_address: 'Hải Phòng' }, ref('SERIAL2')));
    await t.db.transaction().execute((tx) => recordFromResult(tx, 'citizens', { citizen_id: '031326000123', status: 'deceased' }, ref('SERIAL3')));
    // nothing to create from a key alone, nor without a key
    await t.db.transaction().execute((tx) => recordFromResult(tx, 'citizens', { citizen_id: '031326000124' }, ref('SERIAL4')));
    await t.db.transaction().execute((tx) => recordFromResult(tx, 'businesses', { name: 'Không có mã' }, ref('SERIAL5')));
    await t.db.transaction().execute((tx) => recordFromResult(tx, 'businesses', { enterprise_code: '0201234537', name: 'Công ty TNHH Mới', address: 'Hải Phòng', legal_representative: 'Trần Mới' }, ref('SERIAL6')));
    await t.db.transaction().execute((tx) => recordFromResult(tx, 'businesses', { enterprise_code: '0201234537', status: 'dissolved' }, ref('SERIAL7')));
    const detail = (await c.admin.get('/api/admin/registries/citizens/031326000123')).json() as { record: Record<string, unknown>; history: { change: string; before: unknown; after: Record<string, unknown>; sourceRef: string; source: string }[] };
    expect(detail.record).toMatchObject({ fullName: 'Nguyễn Ngọc Na', status: 'deceased', source: 'result', sourceRef: 'SERIAL3', permanentAddress: 'Hải Phòng' });
    expect(detail.history.map((h) => [h.change, h.sourceRef, h.source])).toEqual([['created', 'SERIAL1', 'result'], ['updated', 'SERIAL2', 'result'], ['status', 'SERIAL3', 'result']]);
    expect(detail.history[1]).toMatchObject({ before: { full_name: 'Nguyễn Bé Na', permanent_address: null }, after: { full_name: 'Nguyễn Ngọc Na', permanent_address: 'Hải Phòng' } });
    expect((await c.admin.get('/api/admin/registries/citizens/031326000124')).statusCode).toBe(404);
    const biz = (await c.admin.get('/api/admin/registries/businesses/0201234537')).json() as { record: { status: string }; history: { change: string }[] };
    expect(biz.record.status).toBe('dissolved');
    expect(biz.history.map((h) => h.change)).toEqual(['created', 'status']);
    // searchable by the new (folded) name
    expect(((await c.admin.get('/api/admin/registries/citizens?q=ngoc%20na')).json() as { total: number }).total).toBe(1);
  });

  it('shows me what the registries hold about me', async () => {
    const mine = (await c.citizen.get('/api/me/registry-records')).json() as { items: { registry: string; record: { citizenId: string }; history: unknown[] }[] };
    expect(mine.items).toEqual([expect.objectContaining({ registry: 'citizens', record: expect.objectContaining({ citizenId: AN.cccd }) })]);
    expect(mine.items[0]!.history.length).toBeGreaterThan(0);
    const company = (await c.business.get('/api/me/registry-records')).json() as { items: { registry: string }[] };
    expect(company.items.map((i) => i.registry)).toEqual(['businesses']);
    expect((await new TestClient(app, '10.7.9.9').get('/api/me/registry-records')).statusCode).toBe(401);
  });

  it('exports all my data as a JSON attachment', async () => {
    const res = await c.citizen.get('/api/me/export');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="du-lieu-cua-toi-2026-03-02\.json"$/);
    const data = JSON.parse(res.body) as { format: string; profile: { citizenId: string; email: string }; dossiers: { code: string; procedureCode: string; form: Record<string, unknown>; documents: { requirement: string; source: string }[] }[]; registryRecords: unknown[]; registryLookups: { purpose: string }[]; accessLog: unknown[]; delegations: unknown[]; dataStore: unknown[]; eResults: unknown[] };
    expect(data.format).toBe('motcua.my-data/1');
    expect(data.profile).toMatchObject({ citizenId: AN.cccd, email: 'an.nguyen@demo.motcua.vn' });
    expect(data.dossiers.length).toBeGreaterThanOrEqual(2);
    expect(data.dossiers[0]).toMatchObject({ procedureCode: TEN_DAY, form: { hoTen: AN.name } });
    expect(data.dossiers.flatMap((d) => d.documents.map((x) => x.source))).toEqual(expect.arrayContaining(['upload', 'registry']));
    expect(data.registryRecords).toHaveLength(1);
    expect(data.registryLookups.map((l) => l.purpose)).toEqual(expect.arrayContaining(['Quản trị sổ đăng ký']));
    for (const k of ['accessLog', 'delegations', 'dataStore', 'eResults'] as const) expect(Array.isArray(data[k])).toBe(true);
    // mine only
    const other = JSON.parse((await c.other.get('/api/me/export')).body) as { dossiers: unknown[]; registryLookups: unknown[] };
    expect(other.dossiers).toEqual([]);
    expect(other.registryLookups).toEqual([]);
    expect((await new TestClient(app, '10.7.9.8').get('/api/me/export')).statusCode).toBe(401);
  });

  it('imports from the command line, all or nothing, printing rejected rows without their content', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-reg-'));
    const good = path.join(dir, 'dn.csv');
    fs.writeFileSync(good, 'enterpriseCode,name,address,legalRepresentative\n0201234544,Công ty TNHH Dòng Lệnh,Hải Phòng,Trần Văn Lệnh\n');
    const ok = await importRegistryFile(t.db, 'businesses', good, new Date(NOW));
    expect(ok.ok).toBe(true);
    expect(ok.text).toMatch(/^imported 1 businesses from .*dn\.csv \(import \d+\)$/);
    const bad = path.join(dir, 'dn-loi.csv');
    fs.writeFileSync(bad, 'enterpriseCode,name,address,legalRepresentative\n0201234545,Công ty Sai Số,Hải Phòng,Nguyễn Sai\n');
    const no = await importRegistryFile(t.db, 'businesses', bad, new Date(NOW));
    expect(no.ok).toBe(false);
    expect(no.text).toContain('row 1: enterpriseCode tax_code_check_digit');
    expect(no.text).not.toContain('Nguyễn Sai');
    await expect(importRegistryFile(t.db, 'people', bad, new Date(NOW))).rejects.toThrow(/usage/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps CCCDs and names out of the application log', () => {
    const log = logLines.join('');
    // the log did record these requests (with masked URLs)
    expect(log).toContain('/api/registries/citizens/[id]?[redacted]');
    expect(log).toContain('/api/admin/registries/citizens/imports');
    for (const secret of [AN.cccd, '031195000888', '001300000111', AN.name, 'Đỗ Thị Lụa', 'do thi lua', 'Nguy']) expect(log, secret).not.toContain(secret);
  });
});
