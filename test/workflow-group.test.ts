// The inter-connected birth group (Decree 63/2024, DOMAIN.md §7) on the seed catalog and a
// simulated clock: one online application at the ward desk → birth registration at the ward →
// permanent residence at the ward's police → health insurance card at social insurance, each
// member dossier with its own steps and due times inside the group's 3 working days; results
// flow back to the desk, the applicant follows one dossier and gets everything within 3 days.
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { WorkingCalendar } from '../src/calendar/working-time.js';
import { importCatalog } from '../src/catalog/import-catalog.js';
import type { CatalogFile } from '../src/catalog/schemas.js';
import { verifyChains } from '../src/dossiers/event-log.js';
import { DEMO_PASSWORD, seedDemoAccounts } from '../src/identity/demo-accounts.js';
import { TestClient } from './support/client.js';
import { testConfig } from './support/config.js';
import { ENGINES, freshDatabase, type TestDb } from './support/db.js';
import { multipartFile, tinyPdf } from './support/multipart.js';

class MovableClock {
  constructor(public t: number) {}
  now = () => new Date(this.t);
  advanceHours = (h: number) => (this.t += h * 3_600_000);
}

const WARD = '000.02.21.H31'; // phường Hoàng Văn Thụ, quận Hồng Bàng (its police: 001.02.21.H31)
const GROUP = 'khai-sinh-thuong-tru-bhyt';
const MONDAY_9H_VN = Date.parse('2026-03-02T02:00:00Z');

interface Task { id: number; kind: string; step: string; status: string; actions: string[]; agencyCode: string; dueAt: string | null }
interface View { status: string; dueAt: string; tasks: Task[] }
interface Detail {
  code: string;
  status: string;
  dueAt: string;
  documents: { source: string; id: number }[];
  group: { name: string; parentCode: string; members: { code: string; procedureCode: string; agencyName: string | null; status: string; resultAt: string | null }[] } | null;
}

describe.each(ENGINES)('inter-connected birth group on %s', (engine) => {
  let t: TestDb;
  let app: FastifyInstance;
  const clock = new MovableClock(MONDAY_9H_VN);
  const c: Record<string, TestClient> = {};
  const emails: Record<string, string> = {
    citizen: 'an.nguyen', desk: 'tiepnhan.hongbang', specialist: 'chuyenvien.hongbang', leader: 'lanhdao.hongbang', police: 'chuyenvien.conganhvt', policeLeader: 'lanhdao.conganhvt', bhxh: 'chuyenvien.bhxh', bhxhLeader: 'lanhdao.bhxh',
  };
  let n = 0;

  async function loginAll() {
    for (const [name, e] of Object.entries(emails)) {
      c[name] ??= new TestClient(app, `10.3.0.${Object.keys(emails).indexOf(name) + 1}`);
      const res = await c[name].login(`${e}@demo.motcua.vn`, DEMO_PASSWORD);
      expect(res.statusCode, `${e}: ${res.body}`).toBe(200);
    }
  }
  async function uploadId(who: string) {
    const m = multipartFile(tinyPdf(`group ${engine} ${n++}`), 'giay-to.pdf');
    let res = await c[who]!.request('POST', '/api/uploads', m.body, m.headers);
    if (res.statusCode === 401) {
      await c[who]!.login(`${emails[who]}@demo.motcua.vn`, DEMO_PASSWORD);
      res = await c[who]!.request('POST', '/api/uploads', m.body, m.headers);
    }
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  }
  const tick = async (hours: number) => {
    clock.advanceHours(hours);
  };
  /** A request as `who`; a session that expired while the simulated clock ran (30 min idle) is renewed by logging in again. */
  async function call(who: string, method: 'GET' | 'POST', url: string, body?: unknown) {
    let res = await c[who]!.request(method, url, body);
    if (res.statusCode === 401) {
      expect((await c[who]!.login(`${emails[who]}@demo.motcua.vn`, DEMO_PASSWORD)).statusCode).toBe(200);
      res = await c[who]!.request(method, url, body);
    }
    return res;
  }
  const act = async (who: string, code: string, body: Record<string, unknown>) => {
    const res = await call(who, 'POST', `/api/work/dossiers/${code}/actions`, body);
    expect(res.statusCode, `${who} ${String(body.action)}: ${res.body}`).toBe(200);
  };
  const openStep = async (who: string, code: string) => {
    const res = await call(who, 'GET', `/api/work/dossiers/${code}`);
    expect(res.statusCode, res.body).toBe(200);
    const v = res.json() as View;
    return { v, task: v.tasks.find((x) => x.status === 'open' && x.kind === 'step')! };
  };
  /** The member's unit does its part: examine → (approve) → record the result, a few working hours each. */
  async function processMember(officer: string, leader: string | null, code: string) {
    let { task } = await openStep(officer, code);
    while (!task.actions.includes('record_result')) {
      const who = task.actions.length ? officer : leader!;
      const { task: mine } = await openStep(who, code);
      const action = mine.actions.includes('approve') ? 'approve' : 'hand_over';
      await tick(0.4);
      await act(who, code, { action, taskId: mine.id });
      ({ task } = await openStep(officer, code));
    }
    await tick(0.4);
    await act(officer, code, { action: 'record_result', taskId: task.id, summary: 'Kết quả', documents: [await uploadId(officer)] });
  }

  beforeAll(async () => {
    t = await freshDatabase(engine);
    await importCatalog(t.db, JSON.parse(fs.readFileSync('seed/catalog.json', 'utf8')) as CatalogFile, clock.now());
    await seedDemoAccounts(t.db, clock.now());
    app = await buildApp({ db: t.db, clock, config: testConfig({ DATA_DIR: t.env.DATA_DIR!, UPLOAD_LIMIT: '100000' }) });
    await loginAll();
  });
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  it('creates linked member dossiers in order, each at its agency with its own deadline, and returns all within 3 working days', async () => {
    const form = { treHoTen: 'Nguyễn Minh Khôi', treNgaySinh: '2026-02-20', treGioiTinh: 'Nam', treNoiSinh: 'Bệnh viện Phụ sản Hải Phòng', treDanToc: 'Kinh', treQuocTich: 'Việt Nam', meHoTen: 'Trần Thị Bình', nguoiYeuCauHoTen: 'Nguyễn Văn An', quanHe: 'Cha' };
    const docs = await Promise.all(['to-khai', 'giay-chung-sinh', 'giay-to-tuy-than'].map(async (r) => ({ requirement: r, upload: await uploadId('citizen') })));
    const body = {
      procedure: '1.001193', agency: WARD, form, documents: docs, returnMethod: 'online',
      group: { code: GROUP, members: [{ procedure: '1.004222', form: { hoTen: 'Nguyễn Minh Khôi' }, documents: [{ requirement: 'giay-to-cho-o', upload: await uploadId('citizen') }] }, { procedure: '1.011499', form: { noiKcbBanDau: 'Bệnh viện Trẻ em Hải Phòng' }, documents: [] }] },
    };
    // a group application must start with the group's first member
    const wrong = await c.citizen!.request('POST', '/api/dossiers', { ...body, procedure: '1.004222' }, { 'idempotency-key': `grp-wrong-${engine}` });
    expect(wrong.statusCode).toBe(400);
    const sub = await c.citizen!.request('POST', '/api/dossiers', body, { 'idempotency-key': `grp-${engine}` });
    expect(sub.statusCode, sub.body).toBe(201);
    const code = (sub.json() as { code: string }).code;
    const received = await c.desk!.post(`/api/desk/dossiers/${code}/decision`, { outcome: 'receive' });
    expect(received.statusCode, received.body).toBe(200);
    const receivedAt = clock.now();
    const cal = new WorkingCalendar({ schedules: [] });
    const groupDue = cal.dueDate(receivedAt, { value: 3, unit: 'working_days' });

    // level 1: the ward registers the birth (its own steps, inside the first day)
    let detail = (await call('citizen', 'GET', `/api/dossiers/${code}`)).json() as Detail;
    expect(detail.dueAt).toBe(groupDue.toISOString());
    expect(detail.group!.members.map((m) => m.procedureCode)).toEqual(['1.001193']);
    const first = await openStep('specialist', code);
    expect(Date.parse(first.task.dueAt!)).toBeLessThanOrEqual(cal.addWorkingHours(receivedAt, 8).getTime());
    await processMember('specialist', 'leader', code);

    // level 2: the ward's police gets the residence dossier in its inbox, due within its share
    detail = (await call('citizen', 'GET', `/api/dossiers/${code}`)).json() as Detail;
    const residence = detail.group!.members.find((m) => m.procedureCode === '1.004222')!;
    expect(residence).toMatchObject({ agencyName: 'Công an phường Hoàng Văn Thụ', status: 'received' });
    expect(detail.group!.members.some((m) => m.procedureCode === '1.011499')).toBe(false);
    const policeInbox = (await call('police', 'GET', '/api/work/inbox?view=unit')).json() as { items: { code: string; dueAt: string }[] };
    const item = policeInbox.items.find((i) => i.code === residence.code)!;
    expect(Date.parse(item.dueAt)).toBeLessThanOrEqual(groupDue.getTime());
    // the ward's officers cannot act on the police's step
    const wardTry = await call('specialist', 'POST', `/api/work/dossiers/${residence.code}/actions`, { action: 'claim', taskId: (await openStep('police', residence.code)).task.id });
    expect(wardTry.statusCode).toBe(403);
    await processMember('police', 'policeLeader', residence.code);

    // level 3: social insurance issues the card; the birth certificate travels with the dossier (once-only)
    detail = (await call('citizen', 'GET', `/api/dossiers/${code}`)).json() as Detail;
    const card = detail.group!.members.find((m) => m.procedureCode === '1.011499')!;
    expect(card.agencyName).toBe('Bảo hiểm xã hội thành phố Hải Phòng');
    const cardDocs = (await call('bhxh', 'GET', `/api/dossiers/${card.code}`)).json() as Detail;
    expect(cardDocs.documents.filter((d) => d.source === 'reused').length).toBeGreaterThanOrEqual(2);
    await processMember('bhxh', 'bhxhLeader', card.code);

    // back at the desk: one return for the whole group, within 3 working days
    const { v, task } = await openStep('desk', code);
    expect(v.status).toBe('resolved');
    expect(task.actions).toContain('return_result');
    await tick(0.4);
    await act('desk', code, { action: 'return_result', taskId: task.id, method: 'online' });
    expect(clock.now().getTime()).toBeLessThanOrEqual(groupDue.getTime());
    detail = (await call('citizen', 'GET', `/api/dossiers/${code}`)).json() as Detail;
    expect(detail.status).toBe('returned');
    expect(detail.group!.members.map((m) => m.status)).toEqual(['returned', 'returned', 'returned']);
    // the applicant sees one dossier, not three
    const mine = (await call('citizen', 'GET', '/api/me/dossiers')).json() as { items: { code: string }[] };
    expect(mine.items.map((i) => i.code)).toContain(code);
    expect(mine.items.map((i) => i.code)).not.toContain(residence.code);
    // every member's result reaches the applicant
    for (const m of detail.group!.members) {
      const d = (await call('citizen', 'GET', `/api/dossiers/${m.code}`)).json() as Detail;
      expect(d.documents.some((x) => x.source === 'result'), m.code).toBe(true);
    }
    expect((await verifyChains(t.db)).problems).toEqual([]);
  });

  it('goes on when a member is refused: the others are resolved and the desk returns them with the refusal', async () => {
    const form = { treHoTen: 'Nguyễn Minh An', treNgaySinh: '2026-02-21', treGioiTinh: 'Nữ', treNoiSinh: 'Bệnh viện Phụ sản Hải Phòng', treDanToc: 'Kinh', treQuocTich: 'Việt Nam', meHoTen: 'Trần Thị Bình', nguoiYeuCauHoTen: 'Nguyễn Văn An', quanHe: 'Cha' };
    const docs = await Promise.all(['to-khai', 'giay-chung-sinh', 'giay-to-tuy-than'].map(async (r) => ({ requirement: r, upload: await uploadId('citizen') })));
    const body = { procedure: '1.001193', agency: WARD, form, documents: docs, returnMethod: 'online', group: { code: GROUP, members: [] } };
    const sub = await call('citizen', 'POST', '/api/dossiers', body);
    expect(sub.statusCode).toBe(400); // the Idempotency-Key header is required
    const ok = await c.citizen!.request('POST', '/api/dossiers', body, { 'idempotency-key': `grp-refuse-${engine}` });
    expect(ok.statusCode, ok.body).toBe(201);
    const code = (ok.json() as { code: string }).code;
    expect((await call('desk', 'POST', `/api/desk/dossiers/${code}/decision`, { outcome: 'receive' })).statusCode).toBe(200);
    await processMember('specialist', 'leader', code);
    let detail = (await call('citizen', 'GET', `/api/dossiers/${code}`)).json() as Detail;
    const residence = detail.group!.members.find((m) => m.procedureCode === '1.004222')!;
    // the police examine, hand over, and their leader refuses (no proof of residence)
    const { task } = await openStep('police', residence.code);
    await act('police', residence.code, { action: 'hand_over', taskId: task.id });
    const approve = (await openStep('policeLeader', residence.code)).task;
    await act('policeLeader', residence.code, { action: 'refuse', taskId: approve.id, reasons: ['Không có giấy tờ chứng minh chỗ ở hợp pháp'] });
    detail = (await call('citizen', 'GET', `/api/dossiers/${code}`)).json() as Detail;
    const card = detail.group!.members.find((m) => m.procedureCode === '1.011499')!;
    expect(card).toBeDefined();
    await processMember('bhxh', 'bhxhLeader', card.code);
    const back = await openStep('desk', code);
    await act('desk', code, { action: 'return_result', taskId: back.task.id, method: 'online' });
    detail = (await call('citizen', 'GET', `/api/dossiers/${code}`)).json() as Detail;
    expect(detail.status).toBe('returned');
    expect(detail.group!.members.map((m) => m.status)).toEqual(['returned', 'refused', 'returned']);
  });
});
