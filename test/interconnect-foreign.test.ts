// A motcua member and another vendor's one-stop system (#6): the vendor speaks XML with the
// national sync field names and is polled for changes instead of pushing. The adapter maps a
// transferred step to the vendor's dossier and the vendor's statuses back into our protocol.
// While the vendor answers slowly or with garbage the message is retried, then dead-lettered
// with a readable reason; the administrator sees it on the operations API and retries it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForeignVendor } from './fixtures/foreign-vendor/server.js';
import { CITY_POLICE, crossTemplate, type Detail, handOver, LATE_BIRTH, receivedAtWard, saveTemplate, wardPeople, workView } from './support/interconnect-journeys.js';
import { type City, eventually, HttpSession, startCity } from './support/members.js';

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
});
