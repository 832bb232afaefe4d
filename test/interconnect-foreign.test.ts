// A motcua member and another vendor's one-stop system (#6): the vendor speaks XML with the
// national sync field names and is polled for changes instead of pushing. The adapter maps a
// transferred step to the vendor's dossier and the vendor's statuses back into our protocol.
// While the vendor answers slowly or with garbage the message is retried, then dead-lettered
// with a readable reason; the administrator sees it on the operations API and retries it.
// The other way: the vendor sends one of its own dossiers to a ward Hồng Bàng hosts; the ward's
// officer works on it in Hồng Bàng's workspace and the vendor hears back on its dossier.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForeignVendor } from './fixtures/foreign-vendor/server.js';
import { CITY_POLICE, crossTemplate, type Detail, handOver, HB_WARD, LATE_BIRTH, receivedAtWard, saveTemplate, wardPeople, workView } from './support/interconnect-journeys.js';
import { type City, eventually, HttpSession, startCity } from './support/members.js';

const MARITAL_STATUS = '1.004873'; // Cấp Giấy xác nhận tình trạng hôn nhân (a ward procedure in the seed)

describe('Hồng Bàng (motcua) and the police on another vendor\'s system', () => {
  let city: City;
  let vendor: Awaited<ReturnType<typeof startForeignVendor>>;

  beforeAll(async () => {
    vendor = await startForeignVendor();
    city = await startCity([{ id: 'hongbang', name: 'Hồng Bàng', engine: 'sqlite', hosts: ['000.00.21.H31'] }], {
      foreign: [{ id: 'cong-an', name: 'Hệ thống của Công an thành phố (nhà cung cấp khác)', hosts: [CITY_POLICE], url: vendor.url }],
      env: { INTERCONNECT_MAX_ATTEMPTS: '3', INTERCONNECT_TIMEOUT_MS: '800' },
    });
    await saveTemplate(city.members.hongbang!.url, LATE_BIRTH, crossTemplate(CITY_POLICE, 'Xác minh tại Công an thành phố'));
  }, 120_000);
  afterAll(async () => {
    await city?.dispose();
    await vendor?.close();
  });

  it('garbage, then slow, then healthy: dead letter with a readable reason, retried by the administrator, then statuses flow back', { timeout: 150_000 }, async () => {
    const hb = city.members.hongbang!;
    const ward = await wardPeople(hb.url);
    const admin = await HttpSession.login(hb.url, 'quantri.hethong');
    type Ops = { deadLetters: { id: number; dossierRef: string | null; lastError: string | null }[]; failures: { dossierRef: string | null; lastError: string | null }[] };

    vendor.setMode({ mode: 'garbage' });
    const d = await receivedAtWard(ward, 'foreign');
    await handOver(ward, d.code, d.examine);
    const dead = await eventually('the dead letter', async () => (await admin.get<Ops>('/api/interconnect/ops')).body.deadLetters?.find((x) => x.dossierRef === d.code));
    expect(dead.lastError).toMatch(/unreadable XML/i);
    expect(vendor.dossiers()).toHaveLength(0);

    // slow: each attempt times out with a readable reason
    vendor.setMode({ mode: 'slow', delayMs: 3_000 });
    expect((await admin.post(`/api/interconnect/dead-letters/${dead.id}/retry`)).status).toBe(200);
    const slow = await eventually('a timed-out attempt', async () => {
      const ops = (await admin.get<Ops>('/api/interconnect/ops')).body;
      return [...ops.failures, ...ops.deadLetters].find((x) => x.dossierRef === d.code && /did not answer within/i.test(x.lastError ?? ''));
    });
    expect(slow.lastError).toMatch(/800 ms/);

    // healthy again: the next attempt goes through (or, if the message died meanwhile, the administrator's retry does)
    vendor.setMode({ mode: 'ok' });
    const retried = new Set<number>();
    await eventually('the dossier delivered to the vendor', async () => {
      const ops = (await admin.get<Ops>('/api/interconnect/ops')).body;
      const deadAgain = ops.deadLetters.find((x) => x.dossierRef === d.code);
      if (deadAgain && !retried.has(deadAgain.id)) {
        retried.add(deadAgain.id);
        expect((await admin.post(`/api/interconnect/dead-letters/${deadAgain.id}/retry`)).status).toBe(200);
      }
      const delivered = await hb.t.db.selectFrom('interconnect_messages').select('status').where('direction', '=', 'out').where('dossier_ref', '=', d.code).execute();
      return delivered.length > 0 && delivered.every((r) => r.status === 'delivered');
    });
    const theirs = await eventually('the dossier on the vendor system', async () => vendor.dossiers().find((x) => x.MaHoSo === d.code));
    expect(theirs.MaTTHC).toBe(LATE_BIRTH);
    expect(theirs.DonViXuLy).toBe(CITY_POLICE);

    // the vendor's officer works on it; the poller brings the statuses back to Hồng Bàng
    vendor.act(d.code, { TrangThai: 2, GhiChu: 'Đang xác minh' });
    await eventually('the vendor status on the applicant page', async () => (await ward.citizen.get<Detail>(`/api/dossiers/${d.code}`)).body.events.some((e) => e.type === 'peer_status'));
    vendor.act(d.code, { TrangThai: 4, GhiChu: 'Đã xác minh' });
    const issue = await eventually('the issue step back at the ward', async () => (await workView(ward.officer, d.code)).tasks.find((t) => t.step === 'issue' && t.status === 'open'));
    expect(issue.actions).toContain('record_result');
    const verify = (await workView(ward.officer, d.code)).tasks.find((t) => t.step === 'verify')!;
    expect(verify.status).not.toBe('open');
  });

  it('the police send their own dossier to a Hồng Bàng ward: the ward officer claims and verifies it, the vendor hears accepted, processing, done', { timeout: 60_000 }, async () => {
    const hb = city.members.hongbang!;
    // Cấp Giấy xác nhận tình trạng hôn nhân (3 working days): the ward verifies for the police
    await saveTemplate(hb.url, MARITAL_STATUS, {
      steps: [
        { id: 'examine', kind: 'examine', name: 'Thẩm định hồ sơ', agency: { kind: 'receiving' }, role: 'specialist', budget: { value: 1, unit: 'working_days' }, next: ['xac-minh'], actions: ['hand_over'] },
        { id: 'xac-minh', kind: 'verify', name: 'Xác minh tại phường', agency: { kind: 'fixed', code: HB_WARD }, role: 'specialist', budget: { value: 1, unit: 'working_days' }, next: ['issue'], actions: ['hand_over'] },
        { id: 'issue', kind: 'issue_result', name: 'Ban hành kết quả', agency: { kind: 'receiving' }, role: 'specialist', budget: { value: 1, unit: 'working_days' }, next: ['return'], actions: ['record_result'] },
        { id: 'return', kind: 'return', name: 'Trả kết quả', agency: { kind: 'receiving' }, role: 'desk_officer', budget: { value: 0, unit: 'working_hours' }, next: [], actions: ['return_result'] },
      ],
    });
    const now = new Date();
    const code = `${CITY_POLICE}-${new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(2, 10).replace(/-/g, '')}-0001`;
    vendor.sendOut({
      MaHoSo: code, MaTTHC: MARITAL_STATUS, TenTTHC: 'Cấp Giấy xác nhận tình trạng hôn nhân', DonViGui: CITY_POLICE, DonViNhan: HB_WARD,
      NgayTiepNhan: now, NgayHenTra: new Date(now.getTime() + 3 * 86_400_000), ChuHoSo: { HoTen: 'Phạm Thị Lan', SoCCCD: '031195004321' }, NoiDung: 'Đề nghị xác minh tình trạng hôn nhân tại nơi cư trú',
    });

    const officer = await HttpSession.login(hb.url, 'chuyenvien.hongbang');
    await eventually('the police dossier in the ward\'s unit inbox', async () => (await officer.get<{ items: { code: string }[] }>('/api/work/inbox?view=unit')).body.items?.some((i) => i.code === code));
    const task = (await workView(officer, code)).tasks.find((t) => t.step === 'xac-minh' && t.status === 'open')!;
    expect(task.agencyCode).toBe(HB_WARD);
    const claim = await officer.post(`/api/work/dossiers/${code}/actions`, { action: 'claim', taskId: task.id });
    expect(claim.status, claim.text).toBe(200);
    const done = await officer.post(`/api/work/dossiers/${code}/actions`, { action: 'hand_over', taskId: task.id, note: 'Đã xác minh: chưa đăng ký kết hôn tại phường' });
    expect(done.status, done.text).toBe(200);

    const reports = await eventually('the reports on the vendor dossier', async () => {
      const r = vendor.outgoing().find((o) => o.MaHoSo === code)?.PhanHoi ?? [];
      return r.some((x) => x.TrangThai === 4) ? r : undefined;
    });
    expect(reports.map((x) => x.TrangThai)).toEqual([1, 2, 4]);
    expect(reports[2]!.GhiChu).toBe('Đã xác minh: chưa đăng ký kết hôn tại phường');
  });
});
