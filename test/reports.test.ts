// The reports API through HTTP on both engines: scope (an agency outside the caller's subtree
// answers 404, as if absent), roles, the Excel export opened with exceljs, the quarterly PDF's
// Vietnamese text, the public statistics (JSON and CSV), the indicator definitions editor and
// a dossier's Circular 01 score.
import { inflateSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { importCatalog } from '../src/catalog/import-catalog.js';
import { DEMO_PASSWORD, seedDemoAccounts } from '../src/identity/demo-accounts.js';
import { DEFAULT_D766, type FrameworkDefinition } from '../src/reports/indicators.js';
import { TestClient } from './support/client.js';
import { testConfig } from './support/config.js';
import { ENGINES, freshDatabase, type TestDb } from './support/db.js';
import { procedure, smallCatalog } from './support/fixtures.js';
import { multipartFile, tinyPdf } from './support/multipart.js';

const WARD = '000.01.21.H31';
const DISTRICT = '000.00.21.H31';
const NGO_QUYEN = '000.00.22.H31';
const CITY = '000.00.00.H31';
const TEN_DAY = '9.000001';
const NOW = Date.parse('2026-03-02T02:00:00Z');
const Q1 = 'period=quarter&at=2026-Q1';

/**
 * The text of a pdfkit PDF (poppler's pdftotext may be absent): inflates the streams, reads
 * each embedded font's ToUnicode map, and decodes the glyph codes of every Tj/TJ by the font
 * selected with Tf. One line per text operator.
 */
function pdfText(pdf: Buffer): string {
  const src = pdf.toString('latin1');
  const objects = new Map<number, { dict: string; data?: Buffer }>();
  const head = /(\d+) 0 obj\s*/g;
  let m: RegExpExecArray | null;
  while ((m = head.exec(src))) {
    const start = m.index + m[0].length;
    const streamAt = src.indexOf('stream', start);
    const endAt = src.indexOf('endobj', start);
    if (streamAt !== -1 && streamAt < endAt) {
      const dict = src.slice(start, streamAt);
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? 0);
      let from = streamAt + 'stream'.length;
      if (src[from] === '\r') from++;
      if (src[from] === '\n') from++;
      const raw = Buffer.from(src.slice(from, from + length), 'latin1');
      let data = raw;
      if (dict.includes('/FlateDecode')) data = inflateSync(raw);
      objects.set(Number(m[1]), { dict, data });
      head.lastIndex = from + length;
    } else objects.set(Number(m[1]), { dict: src.slice(start, endAt) });
  }
  const cmaps = new Map<number, Map<number, string>>();
  const fontOf = new Map<string, Map<number, string>>();
  for (const [num, o] of objects) {
    const ref = /\/ToUnicode (\d+) 0 R/.exec(o.dict);
    if (!ref) continue;
    const cmap = new Map<number, string>();
    const text = objects.get(Number(ref[1]))!.data!.toString('latin1');
    for (const r of text.matchAll(/<([0-9a-f]+)> <([0-9a-f]+)> \[([^\]]*)\]/g)) {
      const entries = [...r[3]!.matchAll(/<([0-9a-f ]+)>/g)].map((e) => String.fromCharCode(...e[1]!.split(' ').map((h) => parseInt(h, 16))));
      entries.forEach((u, i) => cmap.set(parseInt(r[1]!, 16) + i, u));
    }
    cmaps.set(num, cmap);
  }
  for (const o of objects.values()) for (const f of o.dict.matchAll(/\/(F\d+) (\d+) 0 R/g)) if (cmaps.has(Number(f[2]))) fontOf.set(f[1]!, cmaps.get(Number(f[2]))!);
  const lines: string[] = [];
  for (const o of objects.values()) {
    if (!o.data || o.dict.includes('/Type /XObject')) continue;
    const content = o.data.toString('latin1');
    if (!content.includes(' Tf')) continue;
    let font: Map<number, string> | undefined;
    for (const op of content.matchAll(/\/(F\d+) [\d.]+ Tf|\[([^\]]*)\] TJ|<([0-9a-fA-F]*)> Tj/g)) {
      if (op[1]) font = fontOf.get(op[1]);
      else {
        const hexes = op[2] !== undefined ? [...op[2].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]!) : [op[3]!];
        lines.push(hexes.map((h) => (h.match(/.{4}/g) ?? []).map((g) => font?.get(parseInt(g, 16)) ?? '').join('')).join(''));
      }
    }
  }
  return lines.join('\n');
}

describe.each(ENGINES)('reports API on %s', (engine) => {
  let t: TestDb;
  let app: FastifyInstance;
  const c: Record<string, TestClient> = {};
  const codes: string[] = [];
  let seq = 0;

  const login = async (name: string, email: string) => {
    c[name] = new TestClient(app, `10.8.${ENGINES.indexOf(engine)}.${Object.keys(c).length + 1}`);
    if (email) expect((await c[name]!.login(`${email}@demo.motcua.vn`, DEMO_PASSWORD)).statusCode).toBe(200);
  };
  async function upload(who: string) {
    const m = multipartFile(tinyPdf(`rp ${engine} ${seq++}`), 'giay-to.pdf');
    return ((await c[who]!.request('POST', '/api/uploads', m.body, m.headers)).json() as { id: string }).id;
  }
  async function act(who: string, code: string, action: Record<string, unknown>) {
    const view = (await c.leader!.get(`/api/work/dossiers/${code}`)).json() as { tasks: { id: number; status: string; kind: string }[] };
    const task = view.tasks.find((x) => x.status === 'open' && x.kind === 'step')!;
    const res = await c[who]!.post(`/api/work/dossiers/${code}/actions`, { ...action, taskId: task.id });
    expect(res.statusCode, res.body).toBe(200);
  }

  beforeAll(async () => {
    t = await freshDatabase(engine);
    const catalog = smallCatalog();
    catalog.agencies.push({ ...catalog.agencies.find((a) => a.code === DISTRICT)!, code: NGO_QUYEN, name: 'Ủy ban nhân dân quận Ngô Quyền', shortName: 'UBND quận Ngô Quyền' });
    catalog.procedures.push(procedure({ nationalCode: TEN_DAY, name: 'Thủ tục mười ngày', timeLimit: { value: 10, unit: 'working_days' } }));
    await importCatalog(t.db, catalog, new Date(NOW));
    await seedDemoAccounts(t.db, new Date(NOW));
    app = await buildApp({ db: t.db, clock: { now: () => new Date(NOW) }, config: testConfig({ DATA_DIR: t.env.DATA_DIR!, UPLOAD_LIMIT: '100000' }) });
    for (const [name, email] of Object.entries({ citizen: 'an.nguyen', desk: 'tiepnhan.hongbang', specialist: 'chuyenvien.hongbang', leader: 'lanhdao.hongbang', ngoquyen: 'lanhdao.ngoquyen', city: 'giamsat.thanhpho', admin: 'quantri.hethong', anonymous: '' })) await login(name, email);
    const result = await upload('specialist');
    for (let i = 0; i < 3; i++) {
      const body = { procedure: TEN_DAY, agency: WARD, form: { hoTen: 'Trần Thị Bình' }, documents: [{ requirement: 'to-khai', upload: await upload('citizen') }], returnMethod: 'online' };
      const code = ((await c.citizen!.request('POST', '/api/dossiers', body, { 'idempotency-key': `rp-${engine}-${i}` })).json() as { code: string }).code;
      expect((await c.desk!.post(`/api/desk/dossiers/${code}/decision`, { outcome: 'receive' })).statusCode).toBe(200);
      codes.push(code);
    }
    for (const code of codes.slice(0, 2)) {
      await act('specialist', code, { action: 'hand_over' });
      await act('leader', code, { action: 'approve' });
      await act('specialist', code, { action: 'record_result', summary: 'Kết quả', documents: [result] });
    }
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  it('scopes the dashboard to the caller’s subtree: another district or the city answers 404, other roles 403, no session 401', async () => {
    const own = await c.leader!.get(`/api/reports/dashboard?${Q1}`);
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({ scope: { code: DISTRICT }, range: { from: '2026-01-01', to: '2026-03-31', label: '2026-Q1' }, totals: { received: 3, resolved: 2, early: 2, inProgress: 1 } });
    expect((await c.leader!.get(`/api/reports/dashboard?agency=${WARD}&${Q1}`)).json()).toMatchObject({ scope: { code: WARD }, totals: { received: 3 } });
    for (const agency of [NGO_QUYEN, CITY, '999.99.99.H31']) expect((await c.leader!.get(`/api/reports/dashboard?agency=${agency}`)).statusCode, agency).toBe(404);
    expect((await c.ngoquyen!.get(`/api/reports/dashboard?agency=${DISTRICT}`)).statusCode).toBe(404);
    expect((await c.ngoquyen!.get(`/api/reports/drill?measure=received&agency=${WARD}&${Q1}`)).statusCode).toBe(404);
    expect((await c.specialist!.get('/api/reports/dashboard')).statusCode).toBe(403);
    expect((await c.citizen!.get('/api/reports/indicators')).statusCode).toBe(403);
    expect((await c.anonymous!.get('/api/reports/dashboard')).statusCode).toBe(401);
    // the city's supervisor sees the whole city, by district
    const city = (await c.city!.get(`/api/reports/dashboard?${Q1}`)).json() as { scope: { code: string }; totals: { received: number }; byAgency: { code: string; received: number }[] };
    expect(city.scope.code).toBe(CITY);
    expect(city.totals.received).toBe(3);
    expect(city.byAgency.find((a) => a.code === DISTRICT)).toMatchObject({ received: 3 });
    expect(city.byAgency.find((a) => a.code === NGO_QUYEN)).toMatchObject({ received: 0 });
    // any range gives the same numbers, whichever tables answer it (month roll-up, day detail, or both)
    for (const q of ['from=2026-02-20&to=2026-03-02', 'from=2026-02-20&to=2026-04-10', 'period=week&at=2026-W10', 'period=month&at=2026-03', 'period=year&at=2026']) {
      const d = (await c.leader!.get(`/api/reports/dashboard?${q}`)).json() as { totals: { received: number; resolved: number }; byProcedure: { received: number; resolved: number }[]; byAgency: { code: string; received: number }[] };
      expect(d.totals, q).toMatchObject({ received: 3, resolved: 2 });
      expect(d.byProcedure, q).toEqual([expect.objectContaining({ received: 3, resolved: 2 })]);
      expect(d.byAgency.find((a) => a.code === WARD), q).toMatchObject({ received: 3 });
    }
    expect((await c.leader!.get('/api/reports/dashboard?period=month&at=2026-02')).json()).toMatchObject({ totals: { received: 0 }, byProcedure: [] });
    // bad periods are 400 with the field
    expect((await c.leader!.get('/api/reports/dashboard?period=month&at=2026-13')).json()).toMatchObject({ error: 'invalid', field: 'at' });
    expect((await c.leader!.get('/api/reports/dashboard?from=2026-03-05&to=2026-03-01')).statusCode).toBe(400);
  });

  it('exports the dashboard to Excel (opened with exceljs)', async () => {
    const res = await c.leader!.get(`/api/reports/dashboard.xlsx?${Q1}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['Tổng hợp', 'Theo thủ tục', 'Theo đơn vị', 'Xu hướng', 'Hồ sơ quá hạn', 'Chỉ số']);
    const summary = book.getWorksheet('Tổng hợp')!;
    const values = new Map<string, unknown>();
    summary.eachRow((row) => values.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(values.get('Hồ sơ tiếp nhận')).toBe(3);
    expect(values.get('Đã giải quyết')).toBe(2);
    expect(values.get('Trước hạn')).toBe(2);
    const procs = book.getWorksheet('Theo thủ tục')!;
    expect(procs.getRow(2).getCell(2).value).toBe('Thủ tục mười ngày');
  });

  it('prints the quarterly report as a PDF with Vietnamese text', async () => {
    const res = await c.leader!.get('/api/reports/quarterly.pdf?at=2026-Q1');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(res.rawPayload);
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH');
    expect(text).toContain('Kỳ báo cáo: 2026-Q1 (từ ngày 01/01/2026 đến ngày 31/03/2026)');
    expect(text).toContain('Tổng số hồ sơ tiếp nhận: 3');
    expect(text).toContain('Thủ tục mười ngày');
    expect(text).toContain('QUYẾT ĐỊNH 766/QĐ-TTg');
    expect((await c.leader!.get('/api/reports/quarterly.pdf?at=2026-03')).statusCode).toBe(400);
    expect((await c.ngoquyen!.get(`/api/reports/quarterly.pdf?agency=${DISTRICT}`)).statusCode).toBe(404);
  });

  it('publishes the statistics without login, as JSON and as CSV with a BOM', async () => {
    const res = await c.anonymous!.get(`/api/public/stats?${Q1}`);
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json() as { scope: { code: string; name: string }; totals: { received: number; onTime: number; d766: number | null; d766MaxWithData: number }; procedures: { code: string; received: number }[] };
    expect(s.scope).toEqual({ code: '', name: 'Toàn thành phố' });
    expect(s.totals).toMatchObject({ received: 3, onTime: 2 });
    // no national sync or payment data yet: they are not counted as points earned or lost
    expect(s.totals.d766MaxWithData).toBeLessThan(100);
    expect(s.procedures).toEqual([expect.objectContaining({ code: TEN_DAY, received: 3 })]);
    expect((await c.anonymous!.get(`/api/public/stats?agency=${NGO_QUYEN}&${Q1}`)).json()).toMatchObject({ totals: { received: 0 } });
    expect((await c.anonymous!.get(`/api/public/stats?procedure=${TEN_DAY}&agency=${DISTRICT}&${Q1}`)).json()).toMatchObject({ totals: { received: 3 } });
    expect((await c.anonymous!.get('/api/public/stats?agency=999.99.99.H31')).statusCode).toBe(404);
    const csv = await c.anonymous!.get(`/api/public/stats.csv?${Q1}`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.body.slice(1).trim().split('\r\n');
    expect(lines[0]).toBe('loai,ma,ten,tiep_nhan,da_giai_quyet,dung_han,qua_han,ty_le_dung_han,ty_le_truc_tuyen,ty_le_hai_long,diem_qd766,diem_toi_da_co_du_lieu');
    expect(lines).toContainEqual(expect.stringMatching(/^thu_tuc,9\.000001,Thủ tục mười ngày,3,2,2,0,1,1,,/));
    expect(lines[lines.length - 1]).toMatch(/^tong,,Toàn thành phố,3,2,2,0,/);
  });

  it('keeps the indicator definitions as validated, versioned data', async () => {
    expect((await c.leader!.get('/api/admin/indicators')).statusCode).toBe(403);
    const list = (await c.admin!.get('/api/admin/indicators')).json() as { frameworks: { framework: string; version: number; isDefault: boolean }[]; counters: string[] };
    expect(list.frameworks.map((f) => [f.framework, f.version, f.isDefault])).toEqual([['c01', 0, true], ['d766', 0, true]]);
    const def = JSON.parse(JSON.stringify(DEFAULT_D766)) as FrameworkDefinition;
    def.groups[0]!.indicators[0]!.points = 12; // the group would add up to 20, not 18
    const bad = await c.admin!.put('/api/admin/indicators/d766', { definition: def });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'groups.0.weight' });
    def.groups[0]!.indicators[1]!.points = 6;
    const ok = await c.admin!.put('/api/admin/indicators/d766', { definition: def, expectedVersion: 0 });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ framework: 'd766', version: 1 });
    expect((await c.admin!.put('/api/admin/indicators/d766', { definition: def, expectedVersion: 0 })).json()).toMatchObject({ reason: 'version_changed' });
    const ind = (await c.leader!.get(`/api/reports/indicators?framework=d766&${Q1}`)).json() as { groups: { indicators: { key: string; max: number; score: number | null }[] }[] };
    expect(ind.groups[0]!.indicators[0]).toMatchObject({ key: 'published', max: 12 });
    expect((await c.admin!.put('/api/admin/indicators/c01', { definition: DEFAULT_D766 })).statusCode).toBe(400);
  });

  it("shows a dossier's nine Circular 01 scores once resolved, within scope", async () => {
    const res = await c.leader!.get(`/api/reports/dossiers/${codes[0]}/score`);
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json() as { scored: boolean; total: number; indicators: { key: string; score: number }[] };
    expect(s.scored).toBe(true);
    expect(s.indicators).toHaveLength(9);
    // resolved early, online, one agency, no supplement, no complaint; the test procedure is not verified: publication 1
    expect(s.indicators.map((i) => i.score)).toEqual([2, 2, 2, 2, 2, 1, 2, 2, 2]);
    expect(s.total).toBe(17);
    expect((await c.leader!.get(`/api/reports/dossiers/${codes[2]}/score`)).json()).toMatchObject({ scored: false, total: null });
    expect((await c.ngoquyen!.get(`/api/reports/dossiers/${codes[0]}/score`)).statusCode).toBe(404);
    const c01 = (await c.leader!.get(`/api/reports/indicators?framework=c01&${Q1}`)).json() as { total: number; classification: { key: string } };
    expect(c01).toMatchObject({ total: 17, max: 18, classification: { key: 'excellent' } });
  });

  it("gives an officer their own figures and nobody else's", async () => {
    const me = (await c.specialist!.get(`/api/reports/me?${Q1}`)).json() as { steps: { done: number; early: number; late: number }; open: number };
    // the specialist examined and issued two dossiers
    expect(me.steps).toMatchObject({ done: 4, late: 0 });
    expect((await c.citizen!.get('/api/reports/me')).statusCode).toBe(403);
  });
});
