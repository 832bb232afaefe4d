// Ratings and complaints (PAKN) through HTTP on both engines: the owner rates a returned
// dossier once, dissatisfaction tied to the late step and the officers who handled it, the
// `rated` event in the chained log; the kiosk rates a refused dossier with the check value and
// no login; complaints filed about a dossier, a procedure or an officer, routed and coded with
// the law's deadlines, with attachments checked by content; officers accept, refuse, answer and
// transfer within scope, never seeing a complaint about themselves; the complainant follows and
// rates with the access key; bad input (wrong check value, unknown dossier, oversized or
// forged files, floods) is refused with nothing half-written.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { CalendarService } from '../src/calendar/schedules-store.js';
import { importCatalog } from '../src/catalog/import-catalog.js';
import { verifyChains } from '../src/dossiers/event-log.js';
import { DEMO_PASSWORD, seedDemoAccounts } from '../src/identity/demo-accounts.js';
import { TestClient, type WorkTask } from './support/client.js';
import { testConfig } from './support/config.js';
import { ENGINES, freshDatabase, type TestDb } from './support/db.js';
import { procedure, smallCatalog } from './support/fixtures.js';
import { multipartFile, tinyPdf } from './support/multipart.js';

class MovableClock {
  constructor(public t: number) {}
  now = () => new Date(this.t);
}

const WARD = '000.01.21.H31'; // a ward of quận Hồng Bàng
const NGO_QUYEN = '000.00.22.H31';
const MONDAY_9H_VN = Date.parse('2026-03-02T02:00:00Z');
const TEN_DAY = '9.000001';
const SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>';

const ACCOUNTS = {
  citizen: 'an.nguyen',
  other: 'binh.tran',
  desk: 'tiepnhan.hongbang',
  specialist: 'chuyenvien.hongbang',
  head: 'truongphong.hongbang',
  leader: 'lanhdao.hongbang',
  supervisor: 'giamsat.hongbang',
  ngoquyen: 'truongphong.ngoquyen',
} as const;
type Who = keyof typeof ACCOUNTS;

/** A multipart body with the complaint's JSON part and files, as the complaint form sends it. */
function complaintMultipart(complaint: unknown, files: { content: Buffer; name: string; field?: string }[]): { body: Buffer; headers: Record<string, string> } {
  const boundary = `----motcua${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="complaint"\r\n\r\n${JSON.stringify(complaint)}\r\n`)];
  for (const f of files) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'attachments'}"; filename="${f.name}"\r\nContent-Type: application/pdf\r\n\r\n`), f.content, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe.each(ENGINES)('feedback on %s', (engine) => {
  let t: TestDb;
  let app: FastifyInstance;
  const clock = new MovableClock(MONDAY_9H_VN);
  const c = {} as Record<Who, TestClient>;
  const anon = (ip: string) => new TestClient(app, ip);
  let keySeq = 0;
  let ipSeq = 0;
  /** a fresh client address: each anonymous caller has its own rate-limit budget */
  const freshIp = () => `10.8.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;

  const accountId = async (who: Who) => (await t.db.selectFrom('accounts').select('id').where('email', '=', `${ACCOUNTS[who]}@demo.motcua.vn`).executeTakeFirstOrThrow()).id;
  async function relogin() {
    for (const who of Object.keys(ACCOUNTS) as Who[]) {
      c[who] ??= new TestClient(app, `10.3.0.${Object.keys(ACCOUNTS).indexOf(who) + 1}`);
      expect((await c[who].login(`${ACCOUNTS[who]}@demo.motcua.vn`, DEMO_PASSWORD)).statusCode).toBe(200);
    }
  }
  async function uploadId(client: TestClient) {
    const m = multipartFile(tinyPdf(`doc ${engine} ${keySeq++}`), 'giay-to.pdf');
    const res = await client.request('POST', '/api/uploads', m.body, m.headers);
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  }
  /** An online dossier of the ward, submitted by Nguyễn Văn An; returns its code and check value. */
  async function submitted(): Promise<{ code: string; check: string }> {
    const body = { procedure: TEN_DAY, agency: WARD, form: { hoTen: 'Nguyễn Văn Bé' }, documents: [{ requirement: 'to-khai', upload: await uploadId(c.citizen) }], returnMethod: 'online' };
    const sub = await c.citizen.request('POST', '/api/dossiers', body, { 'idempotency-key': `fb-${engine}-${keySeq++}` });
    expect(sub.statusCode, sub.body).toBe(201);
    const code = (sub.json() as { code: string }).code;
    const check = (await t.db.selectFrom('dossiers').select('check_value').where('code', '=', code).executeTakeFirstOrThrow()).check_value;
    return { code, check };
  }
  async function received() {
    const d = await submitted();
    expect((await c.desk.post(`/api/desk/dossiers/${d.code}/decision`, { outcome: 'receive' })).statusCode).toBe(200);
    return d;
  }
  async function refused() {
    const d = await submitted();
    expect((await c.desk.post(`/api/desk/dossiers/${d.code}/decision`, { outcome: 'refuse', reasons: ['Không thuộc thẩm quyền giải quyết'] })).statusCode).toBe(200);
    return d;
  }
  const openTask = async (who: Who, code: string) => {
    const v = (await c[who].get(`/api/work/dossiers/${code}`)).json() as { tasks: WorkTask[] };
    return v.tasks.find((x) => x.status === 'open' && x.kind === 'step')!;
  };
  const act = async (who: Who, code: string, body: Record<string, unknown>) => {
    const res = await c[who].post(`/api/work/dossiers/${code}/actions`, body);
    expect(res.statusCode, res.body).toBe(200);
  };
  /** Runs a received dossier through the default steps to "returned"; the examination is handed over after its due time. */
  async function returned(): Promise<{ code: string; check: string; examineTaskId: number }> {
    const d = await received();
    const examine = await openTask('specialist', d.code);
    await act('specialist', d.code, { action: 'claim', taskId: examine.id });
    clock.t = Date.parse(examine.dueAt!) + 3_600_000;
    await relogin();
    await act('specialist', d.code, { action: 'hand_over', taskId: examine.id });
    await act('leader', d.code, { action: 'approve', taskId: (await openTask('leader', d.code)).id, note: 'Đồng ý' });
    await act('specialist', d.code, { action: 'record_result', taskId: (await openTask('specialist', d.code)).id, summary: 'Giấy khai sinh bản chính', documents: [await uploadId(c.specialist)] });
    await act('desk', d.code, { action: 'return_result', taskId: (await openTask('desk', d.code)).id, method: 'online' });
    return { ...d, examineTaskId: examine.id };
  }
  const allSatisfied = (criteria: string[]) => criteria.map((criterion) => ({ criterion, satisfied: true }));
  const complaint = (overrides: Record<string, unknown> = {}) => ({
    kind: 'complaint',
    subject: 'general',
    category: 'other',
    agencyCode: WARD,
    title: 'Phản ánh về việc tiếp nhận hồ sơ',
    body: 'Tôi phải đi lại nhiều lần mà chưa được hướng dẫn đầy đủ.',
    complainant: { name: 'Trần Văn Cường', email: 'cuong.tran@example.vn', phone: '0901 234 567' },
    publicAnswer: true,
    ...overrides,
  });
  async function file(body: unknown, ip = freshIp()) {
    const res = await anon(ip).post('/api/complaints', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { code: string; accessKey: string; agency: { code: string; name: string }; acceptDueAt: string; answerDueAt: string };
  }
  const complaintCount = async () => Number((await t.db.selectFrom('complaints').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const workList = async (who: Who, q = '') => (await c[who].get(`/api/work/complaints?${q}`)).json() as { items: { code: string; status: string; late: boolean; agency: { code: string } }[]; total: number };
  const actOn = (who: Who, code: string, body: Record<string, unknown>) => c[who].post(`/api/work/complaints/${code}/actions`, body);

  beforeAll(async () => {
    t = await freshDatabase(engine);
    const catalog = smallCatalog();
    catalog.agencies.push({ ...catalog.agencies.find((a) => a.code === '000.00.21.H31')!, code: NGO_QUYEN, name: 'Ủy ban nhân dân quận Ngô Quyền', shortName: 'UBND quận Ngô Quyền' });
    catalog.procedures.push(procedure({ nationalCode: TEN_DAY, name: 'Thủ tục mười ngày', timeLimit: { value: 10, unit: 'working_days' } }));
    await importCatalog(t.db, catalog, clock.now());
    await seedDemoAccounts(t.db, clock.now());
    app = await buildApp({ db: t.db, clock, config: testConfig({ DATA_DIR: t.env.DATA_DIR!, UPLOAD_LIMIT: '100000' }) });
    await relogin();
  });
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  it('lists the rating criteria publicly, in Vietnamese and English', async () => {
    const res = await anon(freshIp()).get('/api/feedback/criteria');
    expect(res.statusCode).toBe(200);
    const { criteria } = res.json() as { criteria: { code: string; vi: string; en: string }[] };
    expect(criteria.map((x) => x.code)).toEqual(['time_vs_rule', 'contacts', 'agencies', 'information_accuracy', 'officer_attitude', 'lawful_result_cost', 'online_service']);
    expect(criteria.find((x) => x.code === 'officer_attitude')!.vi).toBe('Thái độ của cán bộ, công chức');
  });

  it('lets the owner rate a returned dossier once; dissatisfaction is tied to the late step and the officers who handled it', async () => {
    const open = await received();
    const early = (await c.citizen.get(`/api/dossiers/${open.code}/rating`)).json();
    expect(early).toMatchObject({ canRate: false, reason: 'not_finished', rating: null });
    const tooEarly = await c.citizen.post(`/api/dossiers/${open.code}/rating`, { answers: allSatisfied(early.criteria as string[]) });
    expect(tooEarly.statusCode).toBe(409);
    expect(tooEarly.json()).toMatchObject({ reason: 'not_finished' });

    const d = await returned();
    const state = (await c.citizen.get(`/api/dossiers/${d.code}/rating`)).json() as { canRate: boolean; criteria: string[] };
    expect(state).toMatchObject({ canRate: true, rating: null });
    expect(state.criteria).toContain('online_service');
    // not the owner: as if it did not exist
    expect((await c.other.get(`/api/dossiers/${d.code}/rating`)).statusCode).toBe(404);
    expect((await c.other.post(`/api/dossiers/${d.code}/rating`, { answers: allSatisfied(state.criteria) })).statusCode).toBe(404);
    expect((await anon(freshIp()).get(`/api/dossiers/${d.code}/rating`)).statusCode).toBe(401);
    // every criterion, once, and only known ones
    const missing = await c.citizen.post(`/api/dossiers/${d.code}/rating`, { answers: allSatisfied(state.criteria).slice(1) });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: 'invalid', reason: 'missing_criterion' });
    const unknown = await c.citizen.post(`/api/dossiers/${d.code}/rating`, { answers: [...allSatisfied(state.criteria), { criterion: 'coffee', satisfied: true }] });
    expect(unknown.json()).toMatchObject({ error: 'invalid', reason: 'unknown_criterion' });
    const tooLong = await c.citizen.post(`/api/dossiers/${d.code}/rating`, { answers: allSatisfied(state.criteria), comment: 'x'.repeat(1001) });
    expect(tooLong.statusCode).toBe(400);

    const answers = state.criteria.map((criterion) => ({ criterion, satisfied: !['time_vs_rule', 'officer_attitude'].includes(criterion) }));
    const rated = await c.citizen.post(`/api/dossiers/${d.code}/rating`, { answers, comment: `Chậm quá ${SCRIPT}` });
    expect(rated.statusCode, rated.body).toBe(201);
    expect(rated.json()).toMatchObject({ channel: 'online', comment: `Chậm quá ${SCRIPT}` });
    const again = await c.citizen.post(`/api/dossiers/${d.code}/rating`, { answers });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ reason: 'already_rated' });
    const kioskAgain = await anon(freshIp()).post('/api/kiosk/ratings', { code: d.code, check: d.check, answers });
    expect(kioskAgain.json()).toMatchObject({ reason: 'already_rated' });

    // the comment comes back verbatim, as JSON text
    const after = await c.citizen.get(`/api/dossiers/${d.code}/rating`);
    expect(after.headers['content-type']).toMatch(/^application\/json/);
    expect(after.json()).toMatchObject({ canRate: false, reason: 'already_rated', rating: { channel: 'online', comment: `Chậm quá ${SCRIPT}` } });

    // the event log: one `rated` event by the owner, no free text; the status stays returned
    const dossier = await t.db.selectFrom('dossiers').select(['id', 'status']).where('code', '=', d.code).executeTakeFirstOrThrow();
    expect(dossier.status).toBe('returned');
    const ev = await t.db.selectFrom('dossier_events').selectAll().where('dossier_id', '=', dossier.id).where('type', '=', 'rated').execute();
    expect(ev).toHaveLength(1);
    expect(ev[0]!.actor_id).toBe(await accountId('citizen'));
    expect(ev[0]!.payload).not.toContain('Chậm quá');
    const payload = JSON.parse(ev[0]!.payload) as { channel: string; answers: unknown[]; concerns: { criterion: string; taskId: number | null; officerId: number | null; stepId: string | null }[] };
    expect(payload.channel).toBe('online');
    expect(payload.answers).toHaveLength(state.criteria.length);
    // late: the examination only, held by the specialist
    expect(payload.concerns.filter((x) => x.criterion === 'time_vs_rule')).toEqual([expect.objectContaining({ taskId: d.examineTaskId, stepId: 'examine', officerId: await accountId('specialist') })]);
    // attitude: the desk officer who received and returned it, the specialist and the leader who held steps
    const attitude = new Set(payload.concerns.filter((x) => x.criterion === 'officer_attitude').map((x) => x.officerId));
    expect(attitude).toEqual(new Set([await accountId('desk'), await accountId('specialist'), await accountId('leader')]));
    const concernRows = await t.db.selectFrom('rating_concerns').selectAll().where('dossier_id', '=', dossier.id).execute();
    expect(concernRows).toHaveLength(payload.concerns.length);
    expect((await verifyChains(t.db)).problems).toEqual([]);
  });

  it('rates a refused dossier at the kiosk with the check value and no login; a wrong check value is "not found"; floods are limited', async () => {
    const d = await refused();
    const kiosk = anon(freshIp());
    expect((await kiosk.get(`/api/kiosk/dossiers/${d.code}?check=ZZZZZZ`)).statusCode).toBe(404);
    expect((await kiosk.get(`/api/kiosk/dossiers/H99.99.99.99-260302-9999?check=${d.check}`)).statusCode).toBe(404);
    const found = await kiosk.get(`/api/kiosk/dossiers/${d.code}?check=${d.check.toLowerCase()}`);
    expect(found.statusCode, found.body).toBe(200);
    const view = found.json() as { code: string; statusText: string; canRate: boolean; criteria: string[] };
    expect(view).toMatchObject({ code: d.code, procedureName: 'Thủ tục mười ngày', statusText: 'Từ chối', canRate: true });
    // no personal data at the kiosk
    expect(found.body).not.toContain('Nguyễn Văn');
    const answers = view.criteria.map((criterion) => ({ criterion, satisfied: criterion !== 'officer_attitude' }));
    expect((await kiosk.post('/api/kiosk/ratings', { code: d.code, check: 'ZZZZZZ', answers })).statusCode).toBe(404);
    const big = await kiosk.post('/api/kiosk/ratings', { code: d.code, check: d.check, answers, comment: 'x'.repeat(9000) });
    expect(big.statusCode).toBe(413);
    const ok = await kiosk.post('/api/kiosk/ratings', { code: d.code, check: d.check, answers, comment: SCRIPT });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ channel: 'kiosk', comment: SCRIPT });
    const id = (await t.db.selectFrom('dossiers').select('id').where('code', '=', d.code).executeTakeFirstOrThrow()).id;
    const row = await t.db.selectFrom('ratings').selectAll().where('dossier_id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ channel: 'kiosk', account_id: null, dissatisfied_count: 1 });
    const ev = await t.db.selectFrom('dossier_events').select(['actor_id', 'payload']).where('dossier_id', '=', id).where('type', '=', 'rated').executeTakeFirstOrThrow();
    expect(ev.actor_id).toBeNull();
    // the desk officer who refused it is the one concerned
    expect(JSON.parse(ev.payload)).toMatchObject({ channel: 'kiosk', concerns: [expect.objectContaining({ criterion: 'officer_attitude', officerId: await accountId('desk') })] });
    expect((await kiosk.get(`/api/kiosk/dossiers/${d.code}?check=${d.check}`)).json()).toMatchObject({ canRate: false, reason: 'already_rated' });
    // the owner sees the kiosk rating on the dossier
    expect((await c.citizen.get(`/api/dossiers/${d.code}/rating`)).json()).toMatchObject({ rating: { channel: 'kiosk' } });

    // guessing check values from one address is slowed down
    const guesser = anon(freshIp());
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await guesser.get(`/api/kiosk/dossiers/${d.code}?check=AAAAA${'23456789ABCDEFGHJKMNPQRSTUVWXYZ'[i % 31]}`)).statusCode);
    expect(statuses.filter((s) => s === 404).length).toBe(30);
    expect(statuses.slice(30)).toEqual([429, 429]);
    const spammer = anon(freshIp());
    const posts: number[] = [];
    for (let i = 0; i < 21; i++) posts.push((await spammer.post('/api/kiosk/ratings', { code: d.code, check: 'ZZZZZZ', answers })).statusCode);
    expect(posts.at(-1)).toBe(429);
  });

  it('files complaints about a dossier, a procedure or an officer, routed with the legal deadlines; a wrong check value or unknown dossier writes nothing', async () => {
    const d = await returned();
    const before = await complaintCount();
    const wrong = await anon(freshIp()).post('/api/complaints', complaint({ subject: 'dossier', dossierCode: d.code, dossierCheck: 'ZZZZZZ', agencyCode: undefined }));
    expect(wrong.statusCode).toBe(404);
    expect(wrong.json()).toMatchObject({ error: 'not_found', reason: 'dossier_not_found' });
    const ghost = await anon(freshIp()).post('/api/complaints', complaint({ subject: 'dossier', dossierCode: 'H99.99.99.99-260302-9999', dossierCheck: d.check, agencyCode: undefined }));
    expect(ghost.json()).toMatchObject({ reason: 'dossier_not_found' });
    expect((await anon(freshIp()).post('/api/complaints', complaint({ subject: 'dossier', agencyCode: undefined }))).json()).toMatchObject({ reason: 'dossier_required' });
    expect((await anon(freshIp()).post('/api/complaints', complaint({ agencyCode: 'H99.99.99.99' }))).json()).toMatchObject({ reason: 'agency_not_found' });
    expect((await anon(freshIp()).post('/api/complaints', complaint({ kind: 'praise' }))).statusCode).toBe(400);
    expect(await complaintCount()).toBe(before);

    const filed = await file(complaint({ subject: 'dossier', category: 'delay', dossierCode: d.code, dossierCheck: d.check, agencyCode: undefined, title: `Chậm trả ${SCRIPT}` }));
    expect(filed.code).toMatch(new RegExp(`^PAKN-${WARD.replace(/\./g, '\\.')}-\\d{6}-0001$`));
    expect(filed.accessKey).toMatch(/^[2-9A-Z]{16}$/);
    expect(filed.agency).toEqual({ code: WARD, name: 'Ủy ban nhân dân phường Hoàng Văn Thụ' });
    const cal = await new CalendarService(t.db).current();
    expect(filed.acceptDueAt).toBe(cal.addWorkingDays(clock.now(), 2).toISOString());
    expect(filed.answerDueAt).toBe(cal.addWorkingDays(clock.now(), 15).toISOString());
    const second = await file(complaint({ kind: 'suggestion' }));
    expect(second.code.endsWith('-0002')).toBe(true);
    // the owner, logged in, needs no check value
    const own = await c.citizen.post('/api/complaints', complaint({ subject: 'dossier', dossierCode: d.code, agencyCode: undefined }));
    expect(own.statusCode, own.body).toBe(201);

    // a procedure resolved at every ward: which ward must be said
    expect((await anon(freshIp()).post('/api/complaints', complaint({ subject: 'procedure', procedureCode: '2.000815', agencyCode: undefined }))).json()).toMatchObject({ reason: 'agency_required' });
    expect((await file(complaint({ subject: 'procedure', procedureCode: '2.000815' }))).agency.code).toBe(WARD);
    // a procedure the catalog gives to one agency goes there (Sở Tư pháp for judicial records)
    expect((await file(complaint({ subject: 'procedure', procedureCode: '2.000488', agencyCode: undefined, category: 'extra_papers' }))).agency.code).toBe('000.00.02.H31');
    expect((await anon(freshIp()).post('/api/complaints', complaint({ subject: 'procedure', procedureCode: '9.999999' }))).json()).toMatchObject({ reason: 'procedure_not_found' });
    expect((await anon(freshIp()).post('/api/complaints', complaint({ subject: 'officer', agencyCode: undefined }))).json()).toMatchObject({ reason: 'officer_required' });

    // the complainant follows it with the key; a wrong key is "not found"
    const mine = await anon(freshIp()).get(`/api/complaints/${filed.code}?key=${filed.accessKey}`);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({ code: filed.code, status: 'received', title: `Chậm trả ${SCRIPT}`, history: [{ type: 'filed' }], canRate: false });
    expect((await anon(freshIp()).get(`/api/complaints/${filed.code}?key=${'A'.repeat(16)}`)).statusCode).toBe(404);
  });

  it('keeps a complaint about an officer from that officer and shows it to their leaders; handles it within scope; the complainant rates the answer', async () => {
    // about the unit head by name (accents and case as typed by the complainant)
    const aboutHead = await file(complaint({ subject: 'officer', category: 'harassment', agencyCode: '000.00.21.H31', officerName: 'ngo van thang', publicAnswer: false }));
    // about the way a dossier was handled: every officer who handled it is concerned
    const d = await returned();
    const aboutDossier = await file(complaint({ subject: 'dossier', category: 'attitude', dossierCode: d.code, dossierCheck: d.check, agencyCode: undefined, complainant: { name: 'Lê Thị Dung', email: 'dung.le@example.vn' } }));

    // about the district's leader, met at the ward's desk: routed to the ward, still hidden from the leader
    const aboutLeader = await file(complaint({ subject: 'officer', category: 'attitude', agencyCode: WARD, officerName: 'NGUYỄN HỮU NGHĨA' }));

    const headList = await workList('head');
    expect(headList.items.map((i) => i.code)).toContain(aboutLeader.code);
    expect((await workList('leader')).items.map((i) => i.code)).not.toContain(aboutLeader.code);
    expect(headList.items.map((i) => i.code)).not.toContain(aboutHead.code);
    expect(headList.items.map((i) => i.code)).toContain(aboutDossier.code);
    expect((await c.head.get(`/api/work/complaints/${aboutHead.code}`)).statusCode).toBe(404);
    expect((await actOn('head', aboutHead.code, { action: 'accept' })).statusCode).toBe(404);
    const leaderList = await workList('leader');
    expect(leaderList.items.map((i) => i.code)).toContain(aboutHead.code);
    // the leader approved that dossier: the complaint about its handling is not theirs to see
    expect(leaderList.items.map((i) => i.code)).not.toContain(aboutDossier.code);
    expect((await c.leader.get(`/api/work/complaints/${aboutDossier.code}`)).statusCode).toBe(404);
    // other district, and roles without complaint rights
    expect((await workList('ngoquyen')).items.map((i) => i.code)).not.toContain(aboutDossier.code);
    expect((await c.ngoquyen.get(`/api/work/complaints/${aboutDossier.code}`)).statusCode).toBe(404);
    expect((await c.specialist.get('/api/work/complaints')).statusCode).toBe(403);
    expect((await c.citizen.get('/api/work/complaints')).statusCode).toBe(403);
    // the supervisor follows but does not handle
    expect((await workList('supervisor')).items.map((i) => i.code)).toContain(aboutDossier.code);
    expect((await actOn('supervisor', aboutDossier.code, { action: 'accept' })).statusCode).toBe(403);

    // the head reads it in full: the complainant's contact, and the read is logged
    const full = await c.head.get(`/api/work/complaints/${aboutDossier.code}`);
    expect(full.statusCode, full.body).toBe(200);
    expect(full.json()).toMatchObject({ complainant: { name: 'Lê Thị Dung', email: 'dung.le@example.vn' }, dossierCode: d.code, status: 'received', actions: ['accept', 'refuse', 'transfer'], late: false });
    const log = await t.db.selectFrom('access_log').selectAll().where('resource_type', '=', 'complaint').where('resource_id', '=', aboutDossier.code).execute();
    expect(log).toEqual([expect.objectContaining({ actor_id: await accountId('head'), action: 'complaint.read' })]);

    const early = await actOn('head', aboutDossier.code, { action: 'answer', answer: 'Trả lời sớm' });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ reason: 'not_accepted' });
    expect((await actOn('head', aboutDossier.code, { action: 'refuse' })).json()).toMatchObject({ reason: 'reason_required' });
    expect((await actOn('head', aboutDossier.code, { action: 'accept' })).json()).toEqual({ status: 'accepted' });
    expect((await actOn('head', aboutDossier.code, { action: 'accept' })).statusCode).toBe(409);
    // rating before the answer
    const notYet = await anon(freshIp()).post(`/api/complaints/${aboutDossier.code}/rating?key=${aboutDossier.accessKey}`, { satisfied: true });
    expect(notYet.json()).toMatchObject({ reason: 'not_answered' });
    const answer = `Đơn vị đã kiểm điểm cán bộ liên quan. ${SCRIPT}`;
    expect((await actOn('head', aboutDossier.code, { action: 'answer', answer, public: true })).json()).toEqual({ status: 'answered' });

    // the complainant was mailed at each step
    const mails = await t.db.selectFrom('mail_outbox').select(['subject', 'text_body']).where('to_address', '=', 'dung.le@example.vn').orderBy('id').execute();
    expect(mails.map((m) => m.subject)).toEqual([`Phản ánh, kiến nghị ${aboutDossier.code}: Đã thụ lý`, `Phản ánh, kiến nghị ${aboutDossier.code}: Đã trả lời`]);
    expect(mails[1]!.text_body).toContain(answer);

    // the public answer: listed without the complainant's data, text as typed
    const pub = await anon(freshIp()).get('/api/complaints/public?agency=000.00.21.H31');
    expect(pub.statusCode).toBe(200);
    const entry = (pub.json() as { items: { code: string; answer: { text: string } }[] }).items.find((i) => i.code === aboutDossier.code);
    expect(entry?.answer.text).toBe(answer);
    expect(pub.body).not.toContain('dung.le@example.vn');
    expect(pub.body).not.toContain('Lê Thị Dung');
    expect((await anon(freshIp()).get(`/api/complaints/public/${aboutDossier.code}`)).json()).toMatchObject({ code: aboutDossier.code, agency: { code: WARD } });
    expect((await anon(freshIp()).get(`/api/complaints/public?agency=${NGO_QUYEN}`)).json()).toMatchObject({ total: 0 });
    expect((await anon(freshIp()).get(`/api/complaints/public/${aboutHead.code}`)).statusCode).toBe(404);

    const view = (await anon(freshIp()).get(`/api/complaints/${aboutDossier.code}?key=${aboutDossier.accessKey}`)).json();
    expect(view).toMatchObject({ status: 'answered', answer: { text: answer, public: true }, canRate: true });
    expect((view as { history: { type: string }[] }).history.map((h) => h.type)).toEqual(['filed', 'accepted', 'answered']);
    const rate = await anon(freshIp()).post(`/api/complaints/${aboutDossier.code}/rating?key=${aboutDossier.accessKey}`, { satisfied: false, comment: SCRIPT });
    expect(rate.statusCode, rate.body).toBe(200);
    expect((await anon(freshIp()).post(`/api/complaints/${aboutDossier.code}/rating?key=${aboutDossier.accessKey}`, { satisfied: true })).json()).toMatchObject({ reason: 'already_rated' });
    expect((await anon(freshIp()).post(`/api/complaints/${aboutDossier.code}/rating?key=${'B'.repeat(16)}`, { satisfied: true })).statusCode).toBe(404);
    expect((await anon(freshIp()).get(`/api/complaints/${aboutDossier.code}?key=${aboutDossier.accessKey}`)).json()).toMatchObject({ rating: { satisfied: false, comment: SCRIPT }, canRate: false });

    // a private answer stays private even if the officer ticks "public": the complainant did not agree
    expect((await actOn('leader', aboutHead.code, { action: 'accept', reason: 'Thụ lý' })).statusCode).toBe(200);
    expect((await actOn('leader', aboutHead.code, { action: 'answer', answer: 'Đã xử lý cán bộ.', public: true })).statusCode).toBe(200);
    expect((await anon(freshIp()).get(`/api/complaints/public/${aboutHead.code}`)).statusCode).toBe(404);

    // the history is append-only: one row per step, in order
    const id = (await t.db.selectFrom('complaints').select('id').where('code', '=', aboutDossier.code).executeTakeFirstOrThrow()).id;
    const history = await t.db.selectFrom('complaint_events').select(['seq', 'type']).where('complaint_id', '=', id).orderBy('seq').execute();
    expect(history).toEqual([{ seq: 1, type: 'filed' }, { seq: 2, type: 'accepted' }, { seq: 3, type: 'answered' }, { seq: 4, type: 'rated' }]);
  });

  it('refuses with a reason, transfers to another agency, and marks complaints late after the legal time', async () => {
    const toRefuse = await file(complaint());
    const refusedRes = await actOn('head', toRefuse.code, { action: 'refuse', reason: 'Nội dung không thuộc thẩm quyền' });
    expect(refusedRes.json()).toEqual({ status: 'refused' });
    expect((await anon(freshIp()).get(`/api/complaints/${toRefuse.code}?key=${toRefuse.accessKey}`)).json()).toMatchObject({ status: 'refused', history: [{ type: 'filed' }, { type: 'refused', note: 'Nội dung không thuộc thẩm quyền' }] });
    expect((await actOn('head', toRefuse.code, { action: 'transfer', agencyCode: NGO_QUYEN })).statusCode).toBe(409);
    const refusalMail = await t.db.selectFrom('mail_outbox').select(['to_address', 'text_body']).where('subject', '=', `Phản ánh, kiến nghị ${toRefuse.code}: Không thụ lý`).execute();
    expect(refusalMail).toEqual([{ to_address: 'cuong.tran@example.vn', text_body: expect.stringContaining('Lý do: Nội dung không thuộc thẩm quyền') }]);

    const toMove = await file(complaint());
    expect((await actOn('head', toMove.code, { action: 'transfer' })).json()).toMatchObject({ reason: 'agency_required' });
    expect((await actOn('head', toMove.code, { action: 'transfer', agencyCode: NGO_QUYEN, reason: 'Thuộc quận Ngô Quyền' })).json()).toEqual({ status: 'received' });
    expect((await workList('head')).items.map((i) => i.code)).not.toContain(toMove.code);
    const there = (await workList('ngoquyen')).items.find((i) => i.code === toMove.code);
    expect(there).toMatchObject({ status: 'received', agency: { code: NGO_QUYEN } });
    // the deadlines are the law's, from filing: a transfer resets nothing
    const moved = (await anon(freshIp()).get(`/api/complaints/${toMove.code}?key=${toMove.accessKey}`)).json();
    expect(moved).toMatchObject({ acceptDueAt: toMove.acceptDueAt, answerDueAt: toMove.answerDueAt, agency: { code: NGO_QUYEN } });

    const waiting = await file(complaint());
    clock.t = Date.parse(waiting.acceptDueAt) + 60_000;
    await relogin();
    const late = (await workList('head', 'status=received')).items.find((i) => i.code === waiting.code);
    expect(late).toMatchObject({ late: true });
    expect((await workList('head', 'status=refused')).items.every((i) => i.status === 'refused')).toBe(true);
  });

  it('takes attachments checked by content; a forged or oversized file, too many files, a large body or a flood leave nothing written', async () => {
    const blobs = () => {
      const root = path.join(t.env.DATA_DIR!, 'blobs');
      return fs.readdirSync(root, { recursive: true }).filter((f) => fs.statSync(path.join(root, String(f))).isFile()).length;
    };
    const pdf = tinyPdf(`complaint ${engine}`);
    const withFile = complaintMultipart(complaint({ title: 'Có tệp đính kèm' }), [{ content: pdf, name: 'bien-nhan.pdf' }]);
    const res = await anon(freshIp()).request('POST', '/api/complaints', withFile.body, withFile.headers);
    expect(res.statusCode, res.body).toBe(201);
    const { code } = res.json() as { code: string };
    const detail = (await c.head.get(`/api/work/complaints/${code}`)).json() as { attachments: { id: number; filename: string; mediaType: string }[] };
    expect(detail.attachments).toEqual([expect.objectContaining({ filename: 'bien-nhan.pdf', mediaType: 'application/pdf' })]);
    const download = await c.head.get(`/api/work/complaints/${code}/attachments/${detail.attachments[0]!.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(pdf)).toBe(true);
    expect((await c.ngoquyen.get(`/api/work/complaints/${code}/attachments/${detail.attachments[0]!.id}`)).statusCode).toBe(404);

    const count = await complaintCount();
    const files = blobs();
    const forged = complaintMultipart(complaint(), [{ content: Buffer.from('MZ this is not a PDF at all'), name: 'giay-to.pdf' }]);
    const forgedRes = await anon(freshIp()).request('POST', '/api/complaints', forged.body, forged.headers);
    expect(forgedRes.statusCode).toBe(400);
    expect(forgedRes.json()).toMatchObject({ reason: 'file_type' });
    const huge = complaintMultipart(complaint(), [{ content: Buffer.concat([pdf, Buffer.alloc(5 * 1_048_576)]), name: 'lon.pdf' }]);
    expect((await anon(freshIp()).request('POST', '/api/complaints', huge.body, huge.headers)).json()).toMatchObject({ reason: 'file_too_large' });
    const four = complaintMultipart(complaint(), [1, 2, 3, 4].map((i) => ({ content: tinyPdf(`p${i}`), name: `${i}.pdf` })));
    expect((await anon(freshIp()).request('POST', '/api/complaints', four.body, four.headers)).statusCode).toBe(413);
    const badJson = complaintMultipart({ ...complaint(), title: 'x' }, [{ content: pdf, name: 'a.pdf' }]);
    expect((await anon(freshIp()).request('POST', '/api/complaints', badJson.body, badJson.headers)).json()).toMatchObject({ error: 'invalid', field: 'title' });
    // a bad dossier reference after a good file: the file is not kept either
    const ghost = complaintMultipart(complaint({ subject: 'dossier', dossierCode: 'H99.99.99.99-260302-9999', dossierCheck: 'ABCDEF', agencyCode: undefined }), [{ content: tinyPdf('ghost'), name: 'a.pdf' }]);
    expect((await anon(freshIp()).request('POST', '/api/complaints', ghost.body, ghost.headers)).statusCode).toBe(404);
    expect((await anon(freshIp()).post('/api/complaints', complaint({ body: 'x'.repeat(40_000) }))).statusCode).toBe(413);
    expect((await anon(freshIp()).post('/api/complaints', complaint({ body: 'x'.repeat(5001) }))).statusCode).toBe(400);
    expect((await anon(freshIp()).request('POST', '/api/complaints', 'Tôi muốn phản ánh', { 'content-type': 'text/plain' })).statusCode).toBe(400);
    expect(await complaintCount()).toBe(count);
    expect(blobs()).toBe(files);

    // five complaints an hour from one address
    const flood = anon(freshIp());
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await flood.post('/api/complaints', complaint({ title: `Lần ${i + 1}` }))).statusCode);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
  });
});
