// The three-member journey (#6), each member its own process and database: Hồng Bàng (SQLite)
// receives a late registration of a birth at a ward desk; the examining officer asks a ward of
// Ngô Quyền (its own system, SQLite) to verify the earlier registration; the verification step
// belongs to the city's Department of Justice, hosted on the city's system (PostgreSQL): the
// step is transferred, processed there in its own workspace, and comes back; the result is
// recorded and returned in Hồng Bàng, where the applicant sees the whole story. Then every
// member re-verifies its message log, and the conformance kit passes against a member.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossTemplate, type Detail, HB_WARD, LATE_BIRTH, LATE_BIRTH_FORM, NQ_WARD, saveTemplate, TU_PHAP, type WorkView } from './support/interconnect-journeys.js';
import { eventually, HttpSession, type City, startCity } from './support/members.js';

describe('three members: Hồng Bàng (SQLite), Ngô Quyền (SQLite), city (PostgreSQL)', () => {
  let city: City;
  beforeAll(async () => {
    city = await startCity([
      { id: 'hongbang', name: 'Hệ thống một cửa quận Hồng Bàng', engine: 'sqlite', hosts: ['000.00.21.H31'] },
      { id: 'ngoquyen', name: 'Hệ thống một cửa quận Ngô Quyền', engine: 'sqlite', hosts: ['000.00.22.H31'] },
      { id: 'city', name: 'Hệ thống một cửa thành phố', engine: 'postgres', hosts: ['000.00.00.H31'] },
    ]);
    for (const m of Object.values(city.members)) await saveTemplate(m.url, LATE_BIRTH, crossTemplate(TU_PHAP));
  }, 120_000);
  afterAll(async () => {
    await city?.dispose();
  });

  it('carries a dossier across three systems and back, with every hand-over provable', { timeout: 180_000 }, async () => {
    const hb = city.members.hongbang!.url;
    const nq = city.members.ngoquyen!.url;
    const ct = city.members.city!.url;
    const citizen = await HttpSession.login(hb, 'an.nguyen');
    const desk = await HttpSession.login(hb, 'tiepnhan.hongbang');
    const hbOfficer = await HttpSession.login(hb, 'chuyenvien.hongbang');
    const nqOfficer = await HttpSession.login(nq, 'chuyenvien.ngoquyen');
    const tuphap = await HttpSession.login(ct, 'chuyenvien.tuphap');

    // 1. online submission and receipt at the Hồng Bàng ward desk
    const upload = await citizen.upload('to-khai-dang-ky-lai');
    const idUpload = await citizen.upload('cccd');
    const sub = await citizen.post<{ code: string }>('/api/dossiers', { procedure: LATE_BIRTH, agency: HB_WARD, form: LATE_BIRTH_FORM, documents: [{ requirement: 'to-khai', upload }, { requirement: 'giay-to-tuy-than', upload: idUpload }], returnMethod: 'online' }, { 'idempotency-key': `journey-${Date.now()}` });
    expect(sub.status, sub.text).toBe(201);
    const code = sub.body.code;
    expect((await desk.post(`/api/desk/dossiers/${code}/decision`, { outcome: 'receive' })).status).toBe(200);

    // 2. the examining officer asks Ngô Quyền's ward to verify the earlier registration
    const work = async (s: HttpSession) => (await s.get<WorkView>(`/api/work/dossiers/${code}`)).body;
    const examine = (await work(hbOfficer)).tasks.find((t) => t.step === 'examine' && t.status === 'open')!;
    const consult = await hbOfficer.post(`/api/work/dossiers/${code}/actions`, { action: 'consult', taskId: examine.id, agency: NQ_WARD, question: 'Đề nghị xác minh việc đăng ký khai sinh trước đây tại phường Cầu Đất', days: 2 });
    expect(consult.status, consult.text).toBe(200);
    // Ngô Quyền's officer finds it in their own inbox, on their own system, and answers
    const nqTask = await eventually('the consultation at Ngô Quyền', async () => {
      const r = await nqOfficer.get<WorkView>(`/api/work/dossiers/${code}`);
      return r.status === 200 ? r.body.tasks.find((t) => t.kind === 'consult' && t.status === 'open' && t.actions.includes('answer')) : undefined;
    });
    const answer = await nqOfficer.post(`/api/work/dossiers/${code}/actions`, { action: 'answer', taskId: nqTask.id, answer: 'Sổ đăng ký khai sinh năm 1990 của phường có ghi nhận việc đăng ký của ông Nguyễn Văn Bình.' });
    expect(answer.status, answer.text).toBe(200);
    await eventually('the answer back at Hồng Bàng', async () => (await work(hbOfficer)).tasks.some((t) => t.kind === 'consult' && t.status !== 'open'));

    // 3. hand-over to the Department of Justice: the step crosses to the city's system
    const handOver = await hbOfficer.post(`/api/work/dossiers/${code}/actions`, { action: 'hand_over', taskId: examine.id });
    expect(handOver.status, handOver.text).toBe(200);
    const atHb = await work(hbOfficer);
    const remoteVerify = atHb.tasks.find((t) => t.step === 'verify' && t.status === 'open')!;
    expect(remoteVerify.agencyCode).toBe(TU_PHAP);
    expect(remoteVerify.actions).toEqual([]);
    const verify = await eventually('the step in the Department of Justice workspace', async () => {
      const inbox = await tuphap.get<{ items: { code: string; step: string }[] }>('/api/work/inbox?view=unit');
      if (!inbox.body.items?.some((i) => i.code === code)) return undefined;
      return (await work(tuphap)).tasks.find((t) => t.step === 'verify' && t.status === 'open');
    });
    expect((await tuphap.post(`/api/work/dossiers/${code}/actions`, { action: 'claim', taskId: verify.id })).status).toBe(200);
    // the applicant sees, on Hồng Bàng's portal, that the department took it up
    await eventually('the city status at the origin', async () => (await citizen.get<Detail>(`/api/dossiers/${code}`)).body.events.some((e) => e.type === 'peer_status'));
    const done = await tuphap.post(`/api/work/dossiers/${code}/actions`, { action: 'hand_over', taskId: verify.id, note: 'Đã xác minh, đủ điều kiện đăng ký lại' });
    expect(done.status, done.text).toBe(200);

    // 4. back at the ward: the result is recorded and returned
    const issue = await eventually('the issue step back at Hồng Bàng', async () => (await work(hbOfficer)).tasks.find((t) => t.step === 'issue' && t.status === 'open' && t.actions.includes('record_result')));
    const resultUpload = await hbOfficer.upload('ket-qua');
    const rec = await hbOfficer.post(`/api/work/dossiers/${code}/actions`, { action: 'record_result', taskId: issue.id, summary: 'Đã đăng ký lại khai sinh', documents: [resultUpload] });
    expect(rec.status, rec.text).toBe(200);
    const ret = (await work(desk)).tasks.find((t) => t.step === 'return' && t.status === 'open')!;
    expect((await desk.post(`/api/work/dossiers/${code}/actions`, { action: 'return_result', taskId: ret.id, method: 'online' })).status).toBe(200);

    const detail = (await citizen.get<Detail>(`/api/dossiers/${code}`)).body;
    expect(detail.status).toBe('returned');
    const types = detail.events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['consultation_requested', 'consultation_answered', 'handed_over', 'peer_status', 'peer_step_completed', 'result_recorded', 'result_returned']));
    // the control slip names the department for the verification step, held on the city's system
    // and the lateness of that step is judged on Hồng Bàng's own task, attributed to the city's member
    const slip = await citizen.get<{ rows: { step: string; toAgency: string; result: string; note: string; doneAt: string | null }[] }>(`/api/dossiers/${code}/control-slip`);
    expect(slip.status).toBe(200);
    const verifyRow = slip.body.rows.find((r) => r.step === 'Xác minh tại Sở Tư pháp')!;
    expect(verifyRow.toAgency).toContain('Sở Tư pháp');
    expect(verifyRow.note).toContain('Liên thông: xử lý trên Hệ thống một cửa thành phố');
    expect(['early', 'on_time']).toContain(verifyRow.result);
    expect(verifyRow.doneAt).not.toBeNull();
    // the protocol is published in the member's OpenAPI
    const openapi = await (await fetch(`${hb}/api/openapi.json`)).json() as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/interconnect/v1/messages', '/interconnect/v1/attachments/{sha256}', '/interconnect/v1/health']));

    // 5. every member's message log verifies, and the counts match on both sides of each link
    for (const m of Object.values(city.members)) {
      const v = await m.cli(['verify-messages']);
      expect(v.code, `${m.spec.id}: ${v.stdout}${v.stderr}`).toBe(0);
    }
  });

  it('passes the conformance kit against the city member', { timeout: 60_000 }, async () => {
    const run = await city.members.hongbang!.cli(['conformance', '--peer', city.members.city!.url]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/bad_signature/);
    expect(run.stdout).toMatch(/clock_skew/);
    expect(run.stdout).not.toMatch(/✗/);
  });
});
