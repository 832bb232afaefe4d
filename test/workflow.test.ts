// Processing across agencies through HTTP on both engines: receipt opens the first step in
// the unit's inbox; claim, consult another agency, hand over, approve, record and return the
// result; the wrong role/agency/step is refused; two officers racing on one step → one wins;
// supplement during examination pauses and restarts the clock; apology moves the due date
// once; the sweep reminds once; the control slip attributes lateness per step.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { CalendarService } from '../src/calendar/schedules-store.js';
import { importCatalog } from '../src/catalog/import-catalog.js';
import { verifyChains } from '../src/dossiers/event-log.js';
import { DEMO_PASSWORD, seedDemoAccounts } from '../src/identity/demo-accounts.js';
import { sweepDeadlines } from '../src/workflow/sweep.js';
import { TestClient } from './support/client.js';
import { testConfig } from './support/config.js';
import { ENGINES, freshDatabase, type TestDb } from './support/db.js';
import { procedure, smallCatalog } from './support/fixtures.js';
import { multipartFile, tinyPdf } from './support/multipart.js';

class MovableClock {
  constructor(public t: number) {}
  now = () => new Date(this.t);
  advanceHours = (h: number) => (this.t += h * 3_600_000);
}

const WARD = '000.01.21.H31'; // a ward of quận Hồng Bàng
const TU_PHAP = '000.00.02.H31';
const MONDAY_9H_VN = Date.parse('2026-03-02T02:00:00Z');
const TEN_DAY = '9.000001';
const vnDay = (d: Date) => new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);

interface Task {
  id: number;
  kind: string;
  step: string;
  status: string;
  actions: string[];
  agencyCode: string;
  dueAt: string | null;
  result: string;
}
interface View {
  status: string;
  currentStep: string;
  steps: { id: string }[];
  dueAt: string;
  tasks: Task[];
  canApologise: boolean;
}

describe.each(ENGINES)('workflow on %s', (engine) => {
  let t: TestDb;
  let app: FastifyInstance;
  const clock = new MovableClock(MONDAY_9H_VN);
  const c: Record<string, TestClient> = {};
  let keySeq = 0;

  const login = async (name: string, email: string, ip: string) => {
    c[name] = new TestClient(app, ip);
    expect((await c[name].login(email, DEMO_PASSWORD)).statusCode).toBe(200);
  };
  async function uploadId(client: TestClient) {
    const m = multipartFile(tinyPdf(`doc ${engine} ${keySeq++}`), 'giay-to.pdf');
    const res = await client.request('POST', '/api/uploads', m.body, m.headers);
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  }
  /** An online dossier received by the ward's desk; returns its code. */
  async function received(procedureCode = TEN_DAY): Promise<string> {
    const body = { procedure: procedureCode, agency: WARD, form: { hoTen: 'Nguyễn Văn Bé' }, documents: [{ requirement: 'to-khai', upload: await uploadId(c.citizen!) }], returnMethod: 'online' };
    const sub = await c.citizen!.request('POST', '/api/dossiers', body, { 'idempotency-key': `wf-${engine}-${keySeq++}` });
    expect(sub.statusCode, sub.body).toBe(201);
    const code = (sub.json() as { code: string }).code;
    const rec = await c.desk!.post(`/api/desk/dossiers/${code}/decision`, { outcome: 'receive' });
    expect(rec.statusCode, rec.body).toBe(200);
    return code;
  }
  const view = async (who: string, code: string) => {
    const res = await c[who]!.get(`/api/work/dossiers/${code}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as View;
  };
  /** Sessions expire when the test clock jumps ahead: log everyone in again. */
  async function relogin() {
    for (const [name, client] of Object.entries(c)) {
      const email = { citizen: 'an.nguyen', desk: 'tiepnhan.hongbang', specialist: 'chuyenvien.hongbang', head: 'truongphong.hongbang', leader: 'lanhdao.hongbang', tuphap: 'chuyenvien.tuphap', ngoquyen: 'chuyenvien.ngoquyen' }[name]!;
      expect((await client.login(`${email}@demo.motcua.vn`, DEMO_PASSWORD)).statusCode).toBe(200);
    }
  }
  const openTask = (v: View, kind = 'step') => v.tasks.find((x) => x.status === 'open' && x.kind === kind)!;
  const act = (who: string, code: string, body: Record<string, unknown>) => c[who]!.post(`/api/work/dossiers/${code}/actions`, body);

  beforeAll(async () => {
    t = await freshDatabase(engine);
    const catalog = smallCatalog();
    catalog.agencies.push({ ...catalog.agencies.find((a) => a.code === '000.00.21.H31')!, code: '000.00.22.H31', name: 'Ủy ban nhân dân quận Ngô Quyền', shortName: 'UBND quận Ngô Quyền' });
    catalog.procedures.push(procedure({ nationalCode: TEN_DAY, name: 'Thủ tục mười ngày', timeLimit: { value: 10, unit: 'working_days' } }));
    await importCatalog(t.db, catalog, clock.now());
    await seedDemoAccounts(t.db, clock.now());
    app = await buildApp({ db: t.db, clock, config: testConfig({ DATA_DIR: t.env.DATA_DIR!, UPLOAD_LIMIT: '100000' }) });
    await login('citizen', 'an.nguyen@demo.motcua.vn', '10.2.0.1');
    await login('desk', 'tiepnhan.hongbang@demo.motcua.vn', '10.2.0.2');
    await login('specialist', 'chuyenvien.hongbang@demo.motcua.vn', '10.2.0.3');
    await login('head', 'truongphong.hongbang@demo.motcua.vn', '10.2.0.4');
    await login('leader', 'lanhdao.hongbang@demo.motcua.vn', '10.2.0.5');
    await login('tuphap', 'chuyenvien.tuphap@demo.motcua.vn', '10.2.0.6');
    await login('ngoquyen', 'chuyenvien.ngoquyen@demo.motcua.vn', '10.2.0.7');
  });
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  it('runs a dossier from receipt through examination, consultation, decision and result back to the applicant', async () => {
    const code = await received();
    // the first step sits in the unit's inbox with a due time inside the dossier's
    const inbox = await c.specialist!.get('/api/work/inbox?view=unit');
    expect(inbox.statusCode, inbox.body).toBe(200);
    const item = (inbox.json() as { items: { code: string; step: string; urgency: string; onlinePriority: boolean }[] }).items.find((i) => i.code === code);
    expect(item).toMatchObject({ step: 'examine', urgency: 'on_time' });
    let v = await view('specialist', code);
    expect(v.status).toBe('received');
    const examine = openTask(v);
    expect(examine.dueAt! <= v.dueAt).toBe(true);
    expect(examine.actions).toEqual(expect.arrayContaining(['claim', 'hand_over', 'consult', 'request_supplement']));
    expect(examine.actions).not.toContain('approve');

    expect((await act('specialist', code, { action: 'claim', taskId: examine.id })).statusCode).toBe(200);
    expect((await c.specialist!.get('/api/work/inbox?view=mine')).json()).toMatchObject({ items: [expect.objectContaining({ code })] });

    // consult Sở Tư pháp: its specialist gets it in the inbox; hand-over waits for the answer
    const consult = await act('specialist', code, { action: 'consult', taskId: examine.id, agency: TU_PHAP, question: 'Đề nghị cho ý kiến về hồ sơ.', days: 2 });
    expect(consult.statusCode, consult.body).toBe(200);
    const waiting = await act('specialist', code, { action: 'hand_over', taskId: examine.id });
    expect(waiting.statusCode).toBe(409);
    expect(waiting.json()).toMatchObject({ reason: 'waiting_for_answers' });
    const tuphapInbox = (await c.tuphap!.get('/api/work/inbox?view=unit')).json() as { items: { code: string; kind: string; taskId: number }[] };
    const consultItem = tuphapInbox.items.find((i) => i.code === code);
    expect(consultItem).toMatchObject({ kind: 'consult' });
    // a desk officer cannot examine; the consulted Sở Tư pháp cannot act on Hồng Bàng's step; Ngô Quyền does not see it
    expect((await act('desk', code, { action: 'hand_over', taskId: examine.id })).statusCode).toBe(403);
    expect((await act('tuphap', code, { action: 'hand_over', taskId: examine.id })).statusCode).toBe(403);
    expect((await act('ngoquyen', code, { action: 'hand_over', taskId: examine.id })).statusCode).toBe(404);
    expect((await act('specialist', code, { action: 'answer', taskId: consultItem!.taskId, answer: 'Tự trả lời' })).statusCode).toBe(403);
    expect((await act('tuphap', code, { action: 'answer', taskId: consultItem!.taskId, answer: 'Hồ sơ hợp lệ, đồng ý.' })).statusCode).toBe(200);

    // two hand-overs of the same step at once: exactly one wins
    const race = await Promise.all([act('specialist', code, { action: 'hand_over', taskId: examine.id }), act('specialist', code, { action: 'hand_over', taskId: examine.id })]);
    expect(race.map((r) => r.statusCode).sort()).toEqual([200, 409]);

    v = await view('leader', code);
    expect(v).toMatchObject({ status: 'processing', currentStep: 'approve' });
    const approve = openTask(v);
    expect(approve.actions).toEqual(expect.arrayContaining(['approve', 'refuse', 'return']));
    expect((await act('specialist', code, { action: 'approve', taskId: approve.id })).statusCode).toBe(403);
    expect((await act('leader', code, { action: 'approve', taskId: approve.id, note: 'Đồng ý' })).statusCode).toBe(200);

    v = await view('specialist', code);
    const issue = openTask(v);
    expect(issue.step).toBe('issue');
    const noDoc = await act('specialist', code, { action: 'record_result', taskId: issue.id, summary: 'Giấy khai sinh', documents: [] });
    expect(noDoc.statusCode).toBe(400);
    const doc = await uploadId(c.specialist!);
    expect((await act('specialist', code, { action: 'record_result', taskId: issue.id, summary: 'Giấy khai sinh bản chính', documents: [doc] })).statusCode).toBe(200);

    // the applicant sees "resolved" but gets the result file only once it is returned
    const early = (await c.citizen!.get(`/api/dossiers/${code}`)).json() as { publicStatus: string; documents: { source: string; id: number }[] };
    expect(early.publicStatus).toBe('Đã xử lý xong');
    const earlyDoc = await c.citizen!.get(`/api/dossiers/${code}/documents/${early.documents.find((d) => d.source === 'result')!.id}`);
    expect(earlyDoc.statusCode).toBe(403);
    expect((await c.citizen!.get('/api/me/results')).json()).toEqual({ items: [] });
    v = await view('desk', code);
    expect(v.status).toBe('resolved');
    const ret = openTask(v);
    expect(ret.step).toBe('return');
    expect((await act('desk', code, { action: 'return_result', taskId: ret.id, method: 'online' })).statusCode).toBe(200);

    // the applicant sees the result document and the returned status
    const mine = (await c.citizen!.get(`/api/dossiers/${code}`)).json() as { status: string; publicStatus: string; documents: { source: string; id: number }[] };
    expect(mine).toMatchObject({ status: 'returned', publicStatus: 'Đã trả kết quả' });
    const result = mine.documents.find((d) => d.source === 'result')!;
    expect((await c.citizen!.get(`/api/dossiers/${code}/documents/${result.id}`)).statusCode).toBe(200);
    expect((await c.citizen!.get('/api/me/results')).json()).toMatchObject({ items: [expect.objectContaining({ dossierCode: code, documentId: result.id })] });

    // the control slip: receipt, examination, consultation, decision, result, return — all on time
    const slip = (await c.citizen!.get(`/api/dossiers/${code}/control-slip`)).json() as { rows: { step: string; result: string; toAgency: string }[]; cooperatingAgencies: string[] };
    expect(slip.rows.map((r) => r.step)).toEqual(['Tiếp nhận hồ sơ', 'Thẩm định hồ sơ', 'Thẩm định hồ sơ: xin ý kiến', 'Phê duyệt', 'Ban hành kết quả', 'Trả kết quả']);
    expect(slip.rows.every((r) => r.result !== 'late')).toBe(true);
    expect(slip.cooperatingAgencies).toContain('Sở Tư pháp');
    const pdf = await c.citizen!.get(`/api/dossiers/${code}/control-slip?format=pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await verifyChains(t.db)).problems).toEqual([]);
  });

  it('pauses for a supplement asked during examination, once, for required documents only, and restarts the time limit', async () => {
    const code = await received();
    const v = await view('specialist', code);
    const examine = openTask(v);
    const extra = await act('specialist', code, { action: 'request_supplement', taskId: examine.id, items: [{ requirement: 'giay-phep-con', reason: 'cần thêm' }] });
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({ reason: 'not_a_requirement' });
    const asked = await act('specialist', code, { action: 'request_supplement', taskId: examine.id, items: [{ requirement: 'to-khai', reason: 'Chữ ký mờ' }] });
    expect(asked.statusCode, asked.body).toBe(200);
    const paused = await view('specialist', code);
    expect(paused.status).toBe('processing_supplement');
    expect((await act('specialist', code, { action: 'hand_over', taskId: examine.id })).json()).toMatchObject({ reason: 'paused_for_supplement' });
    clock.advanceHours(24 * 7);
    await relogin();
    const sup = await c.citizen!.post(`/api/me/dossiers/${code}/supplement`, { documents: [{ requirement: 'to-khai', upload: await uploadId(c.citizen!) }] });
    expect(sup.json()).toMatchObject({ status: 'processing' });
    const after = await view('specialist', code);
    expect(after.dueAt > paused.dueAt).toBe(true);
    expect(openTask(after).dueAt! > examine.dueAt!).toBe(true);
    const again = await act('specialist', code, { action: 'request_supplement', taskId: examine.id, items: [{ requirement: 'to-khai', reason: 'lần hai' }] });
    expect(again.json()).toMatchObject({ reason: 'second_supplement' });
  });

  it('lets the responsible agency apologise once with a new date; the sweep reminds once; lateness is attributed to the step', async () => {
    const code = await received();
    const v = await view('head', code);
    expect(v.canApologise).toBe(true);
    expect((await act('specialist', code, { action: 'apologise', reason: 'Chờ xác minh', newDueAt: new Date(Date.parse(v.dueAt) + 7 * 86_400_000).toISOString() })).statusCode).toBe(403);
    const newDue = new Date(Date.parse(v.dueAt) + 7 * 86_400_000);
    while ([0, 6].includes(new Date(newDue.getTime() + 7 * 3_600_000).getUTCDay())) newDue.setTime(newDue.getTime() + 86_400_000);
    const ap = await act('head', code, { action: 'apologise', reason: 'Cần xác minh thêm thông tin', newDueAt: newDue.toISOString() });
    expect(ap.statusCode, ap.body).toBe(200);
    const moved = await view('head', code);
    expect(moved.dueAt).toBe(newDue.toISOString());
    expect((await act('head', code, { action: 'apologise', reason: 'Lần nữa', newDueAt: new Date(newDue.getTime() + 86_400_000).toISOString() })).json()).toMatchObject({ reason: 'apology_already_issued' });
    const form4 = await c.citizen!.get(`/api/dossiers/${code}/forms/apology`);
    expect(form4.statusCode).toBe(200);
    expect(form4.headers['content-type']).toBe('application/pdf');

    // the examination step goes late: one reminder per kind, however many sweeps run
    clock.advanceHours(24 * 14);
    await relogin();
    const cal = await new CalendarService(t.db).current();
    const lateTasks = await t.db.selectFrom('dossier_tasks').select('id').where('status', '=', 'open').where('kind', '!=', 'supplement').where('due_at', '<', clock.now().toISOString()).execute();
    expect(lateTasks.length).toBeGreaterThanOrEqual(2);
    // a sweep that stops after one task (as if it crashed), then a full one, then another: each late task reminded exactly once
    const partial = await sweepDeadlines(t.db, cal, clock.now(), 'http://x', 1);
    expect(partial.late).toBe(1);
    const rest = await sweepDeadlines(t.db, cal, clock.now(), 'http://x');
    const again = await sweepDeadlines(t.db, cal, clock.now(), 'http://x');
    expect(again).toEqual({ late: 0, dueSoon: 0, apologyDue: 0 });
    const reminders = await t.db.selectFrom('workflow_reminders').select(['task_id']).where('kind', '=', 'late').execute();
    expect(new Set(reminders.map((r) => r.task_id))).toEqual(new Set(lateTasks.map((x) => x.id)));
    expect(partial.late + rest.late).toBe(lateTasks.length);
    const mails = await t.db.selectFrom('mail_outbox').select('subject').execute();
    expect(mails.filter((m) => m.subject.includes(code) && m.subject.includes('quá hạn')).length).toBeGreaterThanOrEqual(1);
    const late = await view('specialist', code);
    const task = openTask(late);
    expect(task.result).toBe('late');
    // the inbox's filters: late items only, by procedure, by channel; the total counts what matches
    const items = async (q: string) => ((await c.head!.get(`/api/work/inbox?view=unit&${q}`)).json() as { total: number; items: { code: string; urgency: string }[] });
    const lateList = await items('urgency=late');
    expect(lateList.items.map((i) => i.code)).toContain(code);
    expect(lateList.items.every((i) => i.urgency === 'late')).toBe(true);
    expect(lateList.total).toBe(lateList.items.length);
    expect((await items('urgency=on_time')).items.map((i) => i.code)).not.toContain(code);
    expect((await items(`procedure=${TEN_DAY}&channel=online`)).items.map((i) => i.code)).toContain(code);
    expect((await items('channel=post')).total).toBe(0);
    expect((await items('procedure=1.000656')).items.map((i) => i.code)).not.toContain(code);
    const hand = await act('specialist', code, { action: 'hand_over', taskId: task.id });
    expect(hand.statusCode).toBe(200);
    const slip = (await c.head!.get(`/api/dossiers/${code}/control-slip`)).json() as { rows: { step: string; result: string }[] };
    expect(slip.rows.find((r) => r.step === 'Thẩm định hồ sơ')!.result).toBe('late');
  });

  it('keeps a dossier in flight on the template it was received under when a new version is saved', async () => {
    const before = await received();
    const admin = new TestClient(app, '10.2.0.9');
    expect((await admin.login('quantri.hethong@demo.motcua.vn', DEMO_PASSWORD)).statusCode).toBe(200);
    const current = (await admin.get(`/api/admin/workflows/${TEN_DAY}`)).json() as { inForce: { definition: { steps: { id: string; name: string }[] } } };
    const definition = structuredClone(current.inForce.definition) as { steps: Record<string, unknown>[] };
    definition.steps.splice(1, 0, { id: 'verify', kind: 'verify', name: 'Xác minh thực tế', agency: { kind: 'receiving' }, role: 'specialist', budget: { value: 8, unit: 'working_hours' }, next: ['approve'], actions: ['hand_over', 'return'] });
    (definition.steps[0] as { next: string[] }).next = ['verify'];
    // the new step's 8 hours come out of the examination, or the total would exceed the 10-day limit
    (definition.steps[0] as { budget: { value: number } }).budget.value -= 8;
    // over the limit, then within it
    const tooLong = structuredClone(definition);
    (tooLong.steps[1] as { budget: unknown }).budget = { value: 80, unit: 'working_days' };
    const refused = await admin.post(`/api/admin/workflows/${TEN_DAY}`, { definition: tooLong, effectiveFrom: vnDay(clock.now()) });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ reason: 'template_invalid' });
    const saved = await admin.post(`/api/admin/workflows/${TEN_DAY}`, { definition, effectiveFrom: vnDay(clock.now()), note: 'thêm bước xác minh' });
    expect(saved.statusCode, saved.body).toBe(201);
    const after = await received();
    expect((await view('specialist', before)).steps.map((s) => s.id)).toEqual(['examine', 'approve', 'issue', 'return']);
    expect((await view('specialist', after)).steps.map((s) => s.id)).toEqual(['examine', 'verify', 'approve', 'issue', 'return']);
    const old = openTask(await view('specialist', before));
    expect((await act('specialist', before, { action: 'hand_over', taskId: old.id })).statusCode).toBe(200);
    expect((await view('specialist', before)).currentStep).toBe('approve');
  });

  it('reminds the heads of the agency holding a dossier near its due date that the apology must go out a day before', async () => {
    const code = await received();
    const v = await view('specialist', code);
    clock.t = Date.parse(v.dueAt) - 30 * 3_600_000;
    await relogin();
    const cal = await new CalendarService(t.db).current();
    const r1 = await sweepDeadlines(t.db, cal, clock.now(), 'http://x');
    expect(r1.apologyDue).toBeGreaterThanOrEqual(1);
    const task = openTask(await view('specialist', code));
    const rows = await t.db.selectFrom('workflow_reminders').select('kind').where('task_id', '=', task.id).execute();
    expect(rows.map((r) => r.kind)).toContain('apology_window');
    const mails = await t.db.selectFrom('mail_outbox').select(['subject', 'to_address']).execute();
    expect(mails.some((m) => m.subject === `Hồ sơ ${code} sắp đến hạn trả kết quả` && m.to_address === 'truongphong.hongbang@demo.motcua.vn')).toBe(true);
    expect((await sweepDeadlines(t.db, cal, clock.now(), 'http://x')).apologyDue).toBe(0);
  });

  it('takes a withdrawn dossier out of every inbox', async () => {
    const code = await received();
    const task = openTask(await view('specialist', code));
    expect((await act('specialist', code, { action: 'claim', taskId: task.id })).statusCode).toBe(200);
    const w = await c.citizen!.post(`/api/me/dossiers/${code}/withdraw`, { reason: 'Không cần nữa' });
    expect(w.json()).toMatchObject({ status: 'withdrawn' });
    for (const q of ['view=unit', 'view=mine']) {
      const list = (await c.specialist!.get(`/api/work/inbox?${q}&limit=200`)).json() as { items: { code: string }[] };
      expect(list.items.map((i) => i.code)).not.toContain(code);
    }
    expect((await act('specialist', code, { action: 'hand_over', taskId: task.id })).statusCode).toBe(409);
  });
});
