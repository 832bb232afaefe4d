// Dossier intake and tracking through HTTP on both engines: uploads checked by content,
// idempotent online submission, form validation in the user's language, the desk's three
// outcomes, supplement rules, due dates in working time, forms as PDF, the register, the
// public look-up, concurrent codes, and the hash-chained log.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { importCatalog } from '../src/catalog/import-catalog.js';
import { verifyChains } from '../src/dossiers/event-log.js';
import { DEMO_PASSWORD, seedDemoAccounts } from '../src/identity/demo-accounts.js';
import { TestClient } from './support/client.js';
import { testConfig } from './support/config.js';
import { ENGINES, freshDatabase, type TestDb } from './support/db.js';
import { smallCatalog } from './support/fixtures.js';
import { multipartFile, tinyPdf } from './support/multipart.js';

class MovableClock {
  constructor(public t: number) {}
  now = () => new Date(this.t);
}

const WARD = '000.01.21.H31'; // a ward of quận Hồng Bàng
const MONDAY_10H_VN = Date.parse('2026-03-02T03:00:00Z');

describe.each(ENGINES)('dossiers on %s', (engine) => {
  let t: TestDb;
  let app: FastifyInstance;
  const clock = new MovableClock(MONDAY_10H_VN);
  let citizen: TestClient;
  let desk: TestClient;
  let keySeq = 0;

  async function upload(c: TestClient, content: Buffer, name = 'giay-to.pdf') {
    const m = multipartFile(content, name);
    return c.request('POST', '/api/uploads', m.body, m.headers);
  }
  async function uploadId(c: TestClient) {
    const res = await upload(c, tinyPdf(`doc ${keySeq++}`));
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  }
  async function submit(c: TestClient, overrides: Record<string, unknown> = {}, key = `key-${engine}-${keySeq++}`) {
    const body = { procedure: '1.001193', agency: WARD, form: { hoTen: 'Nguyễn Văn Bé' }, documents: [{ requirement: 'to-khai', upload: await uploadId(c) }], returnMethod: 'online', ...overrides };
    return c.request('POST', '/api/dossiers', body, { 'idempotency-key': key });
  }
  async function relogin() {
    expect((await citizen.login('an.nguyen@demo.motcua.vn', DEMO_PASSWORD)).statusCode).toBe(200);
    expect((await desk.login('tiepnhan.hongbang@demo.motcua.vn', DEMO_PASSWORD)).statusCode).toBe(200);
  }
  const blobFiles = () => {
    const root = path.join(t.env.DATA_DIR!, 'blobs');
    return fs.existsSync(root) ? fs.readdirSync(root, { recursive: true }).filter((f) => !String(f).startsWith('tmp') && fs.statSync(path.join(root, String(f))).isFile()).length : 0;
  };

  beforeAll(async () => {
    t = await freshDatabase(engine);
    await importCatalog(t.db, smallCatalog(), clock.now());
    await seedDemoAccounts(t.db, clock.now());
    app = await buildApp({ db: t.db, clock, config: testConfig({ DATA_DIR: t.env.DATA_DIR!, UPLOAD_LIMIT: '100000' }) });
    citizen = new TestClient(app, '10.1.0.1');
    desk = new TestClient(app, '10.1.0.2');
    expect((await citizen.login('an.nguyen@demo.motcua.vn', DEMO_PASSWORD)).statusCode).toBe(200);
    expect((await desk.login('tiepnhan.hongbang@demo.motcua.vn', DEMO_PASSWORD)).statusCode).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  it('refuses renamed executables, zip files, empty and oversized files, storing nothing', async () => {
    const before = blobFiles();
    const cases: [Buffer, string, string][] = [
      [Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), Buffer.alloc(200, 1)]), 'hoa-don.pdf', 'file_type'],
      [Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00'), Buffer.alloc(500, 0)]), 'bomb.pdf', 'file_type'],
      [Buffer.from('just text, not a PDF'), 'to-khai.pdf', 'file_type'],
      [Buffer.alloc(0), 'empty.pdf', 'file_empty'],
      [Buffer.concat([tinyPdf(), Buffer.alloc(150_000, 32)]), 'big.pdf', 'file_too_large'],
    ];
    for (const [content, name, reason] of cases) {
      const res = await upload(citizen, content, name);
      expect(res.statusCode, name).toBe(400);
      expect(res.json(), name).toMatchObject({ reason, field: 'file' });
    }
    expect(blobFiles()).toBe(before);
    expect(fs.readdirSync(path.join(t.env.DATA_DIR!, 'blobs', 'tmp'))).toEqual([]);
    const png = await upload(citizen, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('0000000d49484452', 'hex'), Buffer.alloc(64, 0)]), 'scan.jpg');
    expect(png.json()).toMatchObject({ mediaType: 'image/png' });
  });

  it('submits online once per Idempotency-Key, even for simultaneous duplicates', async () => {
    const body = { procedure: '1.001193', agency: WARD, form: { hoTen: 'Nguyễn Văn Bé' }, documents: [{ requirement: 'to-khai', upload: await uploadId(citizen) }], returnMethod: 'online' };
    const [a, b] = await Promise.all([
      citizen.request('POST', '/api/dossiers', body, { 'idempotency-key': `double-${engine}` }),
      citizen.request('POST', '/api/dossiers', body, { 'idempotency-key': `double-${engine}` }),
    ]);
    const codes = [a, b].map((r) => (r.json() as { code: string }).code);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(codes[0]).toBe(codes[1]);
    expect(codes[0]).toMatch(/^000\.01\.21\.H31-260302-\d{4}$/);
    const again = await citizen.request('POST', '/api/dossiers', body, { 'idempotency-key': `double-${engine}` });
    expect(again.json()).toEqual({ code: codes[0], created: false });
    const other = await citizen.request('POST', '/api/dossiers', { ...body, returnMethod: 'post' }, { 'idempotency-key': `double-${engine}` });
    expect(other.json()).toMatchObject({ reason: 'idempotency_mismatch' });
    expect((await citizen.request('POST', '/api/dossiers', body)).json()).toMatchObject({ field: 'idempotency-key' });
    const mine = (await citizen.get('/api/me/dossiers')).json() as { items: { code: string }[] };
    expect(mine.items.filter((d) => d.code === codes[0])).toHaveLength(1);
  });

  it('lists every form error in the applicant\'s language, and checks mandatory documents', async () => {
    const bad = await submit(citizen, { form: { hoTen: '', extra: 1 } });
    expect(bad.statusCode).toBe(400);
    const body = bad.json() as { reason: string; details: { field: string; message: string }[] };
    expect(body.reason).toBe('form_invalid');
    expect(body.details).toEqual(expect.arrayContaining([{ field: 'hoTen', message: 'Họ và tên: cần ít nhất 1 ký tự' }]));
    const en = await citizen.request('POST', '/api/dossiers', { procedure: '1.001193', agency: WARD, form: {}, documents: [], returnMethod: 'online' }, { 'idempotency-key': `en-${engine}`, 'accept-language': 'en-GB,en' });
    expect((en.json() as { details: unknown[] }).details).toEqual([{ field: 'hoTen', message: 'Họ và tên: required' }]);
    const noDoc = await citizen.request('POST', '/api/dossiers', { procedure: '1.001193', agency: WARD, form: { hoTen: 'A' }, documents: [], returnMethod: 'online' }, { 'idempotency-key': `nodoc-${engine}` });
    expect(noDoc.json()).toMatchObject({ reason: 'documents_missing', details: [{ field: 'documents.to-khai', message: 'Tờ khai theo mẫu' }] });
    const foreign = await submit(citizen, { documents: [{ requirement: 'to-khai', upload: await uploadId(desk) }] });
    expect(foreign.json()).toMatchObject({ field: 'documents' });
    const wrongAgency = await submit(citizen, { agency: '000.00.02.H31' });
    expect(wrongAgency.json()).toMatchObject({ field: 'agency' });
  });

  it('refuses a submission when no version of the procedure is in force', async () => {
    const saved = clock.t;
    clock.t = Date.parse('2018-06-01T03:00:00Z');
    try {
      const res = await submit(citizen);
      expect(res.json()).toMatchObject({ reason: 'procedure_not_in_force', field: 'procedure' });
    } finally {
      clock.t = saved;
    }
  });

  it('the desk receives: due date in working time, register number, receipt PDF, e-mail', async () => {
    const { code } = (await submit(citizen)).json() as { code: string };
    const waiting = (await desk.get('/api/desk/dossiers?status=submitted')).json() as { items: { code: string }[] };
    expect(waiting.items.map((d) => d.code)).toContain(code);
    expect((await desk.post(`/api/desk/dossiers/${code}/decision`, { outcome: 'receive' })).json()).toEqual({ status: 'received' });
    const d = (await citizen.get(`/api/dossiers/${code}`)).json() as { status: string; publicStatus: string; dueAt: string; registerNo: number; events: { type: string; actorName: string | null }[] };
    // "within the day" (0 working days), received Monday 10:00 → due Monday 17:00 Vietnam time
    expect(d).toMatchObject({ status: 'received', publicStatus: 'Mới tiếp nhận', dueAt: '2026-03-02T10:00:00.000Z' });
    expect(d.registerNo).toBeGreaterThan(0);
    expect(d.events.map((e) => e.type)).toEqual(['submitted', 'received']);
    expect(d.events[1]!.actorName).toBe('Phạm Thị Hoa');
    const pdf = await citizen.get(`/api/dossiers/${code}/forms/receipt`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const file = path.join(os.tmpdir(), `receipt-${engine}-${Date.now()}.pdf`);
    fs.writeFileSync(file, pdf.rawPayload);
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
    fs.rmSync(file);
    expect(text).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    expect(text).toContain(code);
    expect(text).toContain('Nguyễn Văn An');
    expect(text).toContain('17 giờ 00 phút, ngày 02/03/2026');
    const mails = await t.db.selectFrom('mail_outbox').select('subject').where('to_address', '=', 'an.nguyen@demo.motcua.vn').execute();
    expect(mails.map((m) => m.subject)).toContain(`Hồ sơ ${code}: Mới tiếp nhận`);
    expect((await desk.post(`/api/desk/dossiers/${code}/decision`, { outcome: 'receive' })).json()).toMatchObject({ reason: 'transition_not_allowed' });
  });

  it('a supplement request: required documents only, once, pauses, and the clock restarts on the complete dossier', async () => {
    const { code } = (await submit(citizen)).json() as { code: string };
    const extra = await desk.post(`/api/desk/dossiers/${code}/decision`, { outcome: 'supplement', items: [{ requirement: 'giay-xac-nhan-cua-to-dan-pho', reason: 'cần thêm' }] });
    expect(extra.json()).toMatchObject({ reason: 'not_a_requirement' });
    expect((await desk.post(`/api/desk/dossiers/${code}/decision`, { outcome: 'supplement', items: [{ requirement: 'to-khai', reason: 'Tờ khai chưa ký' }] })).json()).toEqual({ status: 'supplement_requested' });
    const asked = (await citizen.get(`/api/dossiers/${code}`)).json() as { openSupplement: unknown };
    expect(asked.openSupplement).toEqual([{ requirement: 'to-khai', name: 'Tờ khai theo mẫu', reason: 'Tờ khai chưa ký' }]);
    clock.t += 26 * 3600_000; // Tuesday 12:00: sessions from Monday have expired
    await relogin();
    expect((await citizen.post(`/api/me/dossiers/${code}/supplement`, { documents: [{ requirement: 'to-khai', upload: await uploadId(citizen) }] })).json()).toEqual({ status: 'submitted' });
    expect((await desk.post(`/api/desk/dossiers/${code}/decision`, { outcome: 'supplement', items: [{ requirement: 'to-khai', reason: 'lại' }] })).json()).toMatchObject({ reason: 'second_supplement' });
    const subjects = (await t.db.selectFrom('mail_outbox').select('subject').where('to_address', '=', 'an.nguyen@demo.motcua.vn').execute()).map((m) => m.subject);
    expect(subjects.filter((x) => x.startsWith(`Hồ sơ ${code}:`))).toEqual([`Hồ sơ ${code}: Đã nộp, chờ tiếp nhận`, `Hồ sơ ${code}: Yêu cầu bổ sung hồ sơ`, `Hồ sơ ${code}: Đã nộp, chờ tiếp nhận`]);
    expect((await desk.post(`/api/desk/dossiers/${code}/decision`, { outcome: 'receive' })).json()).toEqual({ status: 'received' });
    const d = (await citizen.get(`/api/dossiers/${code}`)).json() as { dueAt: string; documents: unknown[] };
    expect(d.dueAt).toBe('2026-03-03T10:00:00.000Z'); // restarted: Tuesday 17:00 Vietnam time
    expect(d.documents).toHaveLength(2);
    const pdf = await citizen.get(`/api/dossiers/${code}/forms/supplement`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    clock.t = MONDAY_10H_VN;
    await relogin();
  });

  it('refusal and withdrawal end a dossier; no action after that', async () => {
    const refused = ((await submit(citizen)).json() as { code: string }).code;
    expect((await desk.post(`/api/desk/dossiers/${refused}/decision`, { outcome: 'refuse', reasons: ['Không thuộc thẩm quyền giải quyết'] })).json()).toEqual({ status: 'refused' });
    expect((await citizen.post(`/api/me/dossiers/${refused}/withdraw`, { reason: 'thôi' })).statusCode).toBe(409);
    expect((await citizen.get(`/api/dossiers/${refused}/forms/refusal`)).headers['content-type']).toBe('application/pdf');
    const withdrawn = ((await submit(citizen)).json() as { code: string }).code;
    expect((await citizen.post(`/api/me/dossiers/${withdrawn}/withdraw`, { reason: 'Nộp nhầm thủ tục' })).json()).toEqual({ status: 'withdrawn' });
    expect((await desk.post(`/api/desk/dossiers/${withdrawn}/decision`, { outcome: 'receive' })).statusCode).toBe(409);
  });

  it('public look-up needs the check value and shows no personal data', async () => {
    const { code } = (await submit(citizen)).json() as { code: string };
    const d = (await citizen.get(`/api/dossiers/${code}`)).json() as { checkValue: string };
    const anon = new TestClient(app);
    expect((await anon.get(`/api/lookup?code=${code}&check=AAAAAA`)).statusCode).toBe(404);
    const ok = await anon.get(`/api/lookup?code=${code}&check=${d.checkValue.toLowerCase()}`);
    expect(ok.json()).toMatchObject({ code, publicStatus: 'Đã nộp, chờ tiếp nhận', procedureName: 'Đăng ký khai sinh' });
    expect(ok.body).not.toContain('Nguyễn Văn An');
    expect((await anon.get(`/api/lookup/qr?code=${code}&check=${d.checkValue}`)).headers['content-type']).toBe('image/png');
    expect((await anon.get(`/api/dossiers/${code}`)).statusCode).toBe(401);
    // guessing check values is slowed down: 30 look-ups a minute per address
    const guesser = new TestClient(app, `10.7.7.${engine === 'sqlite' ? 1 : 2}`);
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await guesser.get(`/api/lookup?code=${code}&check=BBBBBB`)).statusCode);
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
    const other = new TestClient(app, '10.1.0.9');
    await other.login('binh.tran@demo.motcua.vn', DEMO_PASSWORD);
    expect((await other.get(`/api/dossiers/${code}`)).statusCode).toBe(404);
  });

  it('registers a paper dossier at the desk and keeps the register (form 6), also as Excel', async () => {
    const res = await desk.post('/api/desk/intake', {
      channel: 'in_person', procedure: '2.000815', agency: WARD, applicant: { name: 'Lê Thị Cúc', citizenId: '031180000001', phone: '0912 000 111' }, form: { hoTen: 'Lê Thị Cúc' },
      documents: [{ requirement: 'to-khai' }], returnMethod: 'desk', decision: { outcome: 'receive' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { code } = res.json() as { code: string };
    const register = (await desk.get(`/api/desk/register?agency=${WARD}&year=2026`)).json() as { items: { code: string; registerNo: number; applicantName: string; note: string }[] };
    const row = register.items.find((i) => i.code === code)!;
    expect(row).toMatchObject({ applicantName: 'Lê Thị Cúc', note: 'Trực tiếp' });
    const numbers = register.items.map((i) => i.registerNo);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(new Set(numbers).size).toBe(numbers.length);
    const xlsx = await desk.get(`/api/desk/register?agency=${WARD}&year=2026&format=xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const cells = book.worksheets[0]!.getSheetValues().flat().map(String);
    expect(cells).toContain(code);
    expect(cells).toContain('Lê Thị Cúc');
    // the Justice department's desk does not see the ward's register
    const other = new TestClient(app, '10.1.0.3');
    await other.login('tiepnhan.tuphap@demo.motcua.vn', DEMO_PASSWORD);
    expect((await other.get(`/api/desk/register?agency=${WARD}&year=2026`)).statusCode).toBe(404);
    expect(((await other.get('/api/desk/dossiers')).json() as { items: unknown[] }).items).toEqual([]);
  });

  it('a paper dossier asked for a supplement is completed at the desk, then received', async () => {
    const res = await desk.post('/api/desk/intake', {
      channel: 'post', procedure: '1.001193', agency: WARD, applicant: { name: 'Đỗ Văn Nam', address: 'Hải Phòng' }, form: { hoTen: 'Đỗ Văn Nam' },
      documents: [], returnMethod: 'post', decision: { outcome: 'supplement', items: [{ requirement: 'to-khai', reason: 'Chưa có tờ khai' }] },
    });
    expect(res.json()).toMatchObject({ status: 'supplement_requested' });
    const { code } = res.json() as { code: string };
    expect((await desk.post(`/api/desk/dossiers/${code}/supplement`, { documents: [{ requirement: 'khong-co' }] })).statusCode).toBe(400);
    // not complete yet: no receipt
    expect((await desk.post(`/api/desk/dossiers/${code}/decision`, { outcome: 'receive' })).statusCode).toBe(409);
    expect((await desk.post(`/api/desk/dossiers/${code}/supplement`, { documents: [{ requirement: 'to-khai' }] })).json()).toEqual({ status: 'submitted' });
    expect((await desk.post(`/api/desk/dossiers/${code}/decision`, { outcome: 'receive' })).json()).toEqual({ status: 'received' });
    const d = (await desk.get(`/api/dossiers/${code}`)).json() as { events: { type: string }[]; channel: string };
    expect(d.channel).toBe('post');
    expect(d.events.map((e) => e.type)).toEqual(['submitted', 'supplement_requested', 'supplement_provided', 'received']);
  });

  it('concurrent submissions get unique, gap-free codes for the day', async () => {
    const next = new Date(MONDAY_10H_VN + 3 * 86400_000); // Thursday: a fresh daily sequence
    clock.t = next.getTime();
    await relogin();
    try {
      const uploads = await Promise.all(Array.from({ length: 25 }, () => uploadId(citizen)));
      const results = await Promise.all(
        uploads.map((u, i) => citizen.request('POST', '/api/dossiers', { procedure: '1.001193', agency: WARD, form: { hoTen: `Bé ${i}` }, documents: [{ requirement: 'to-khai', upload: u }], returnMethod: 'online' }, { 'idempotency-key': `burst-${engine}-${i}` })),
      );
      expect(results.every((r) => r.statusCode === 201)).toBe(true);
      const seq = results.map((r) => Number((r.json() as { code: string }).code.split('-').pop())).sort((a, b) => a - b);
      expect(seq).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    } finally {
      clock.t = MONDAY_10H_VN;
      await relogin();
    }
  });

  it('every chain verifies, and a tampered event is found', async () => {
    const ok = await verifyChains(t.db);
    expect(ok.problems).toEqual([]);
    expect(ok.events).toBeGreaterThan(ok.dossiers);
    const victim = await t.db.selectFrom('dossier_events').select(['dossier_id', 'seq']).where('type', '=', 'received').executeTakeFirstOrThrow();
    await t.db.updateTable('dossier_events').set({ payload: '{"dueAt":"2030-01-01T00:00:00.000Z"}' }).where('dossier_id', '=', victim.dossier_id).where('seq', '=', victim.seq).execute();
    const bad = await verifyChains(t.db);
    expect(bad.problems).toEqual([expect.objectContaining({ dossierId: victim.dossier_id, seq: victim.seq, problem: 'hash does not match the event content' })]);
  });
});
