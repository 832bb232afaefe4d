// Browser journey of a late step and the apology with a new date (form 4, DOMAIN.md §2.8) on a
// simulated clock: a citizen's online application for a household business (1.001612, online
// priority) is received by the desk of Hồng Bàng on Monday morning; the app clock moves past the
// examination step's due time while the dossier's own due date is still more than a day away;
// the deadline sweep runs and e-mails the unit's heads; the unit head finds the dossier "Quá hạn"
// in the unit's inbox (due-state filter), and issues the apology with a new date from the
// processing page; the citizen sees the new due date and downloads form 4 (PDF).
import { describe, expect, it } from 'vitest';
import { CalendarService } from '../../src/calendar/schedules-store.js';
import { sweepDeadlines } from '../../src/workflow/sweep.js';
import { expectNoSeriousAxeViolations, logInThroughForm, settled } from '../support/browser.js';
import { MovableClock, apiLoginKeepingCookie } from '../support/sim-clock.js';
import { browserJourney, DEMO_PASSWORD as PASSWORD, demoEmail as email, PDF } from '../support/journeys.js';

const TIMEOUT = 180_000;
const PROCEDURE = '1.001612'; // Đăng ký thành lập hộ kinh doanh: 3 working days, online priority 1 day
const DISTRICT = '000.00.21.H31'; // Ủy ban nhân dân quận Hồng Bàng
const MONDAY_9H_VN = Date.parse('2026-03-02T02:00:00Z');

const clock = new MovableClock(MONDAY_9H_VN);
const journey = browserJourney({ timeout: TIMEOUT, clock, keepCookies: true });
const { errors } = journey;

const pad = (n: number) => String(n).padStart(2, '0');
/** dd/mm/yyyy hh:mm in Vietnam time (UTC+7). */
function vnDateTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 7 * 3_600_000);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}
/** yyyy-mm-dd of the Vietnam day `days` after the instant. */
function vnDayPlus(iso: string, days: number): string {
  return new Date(Date.parse(iso) + 7 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

interface WorkView {
  dueAt: string;
  onlinePriority: boolean;
  canApologise: boolean;
  tasks: { kind: string; step: string; status: string; dueAt: string | null }[];
}

describe('late step and apology with a new date (browser, simulated clock)', () => {
  it('reminds the heads of a late step; the head apologises with a new date the citizen sees', { timeout: TIMEOUT }, async () => {
    // The citizen applies online (through the API, in the browser's context); the desk receives it.
    const citizen = await journey.open({ width: 360, height: 740 });
    const citizenCsrf = await apiLoginKeepingCookie(citizen, journey.server.url, email('an.nguyen'), PASSWORD);
    const documents: { requirement: string; upload: string }[] = [];
    for (const requirement of ['giay-de-nghi', 'giay-to-phap-ly-thanh-vien']) {
      const up = await citizen.request.post(`${journey.server.url}/api/uploads`, { headers: { 'x-csrf-token': citizenCsrf }, multipart: { file: { name: `${requirement}.pdf`, mimeType: 'application/pdf', buffer: PDF } } });
      expect(up.status(), await up.text()).toBe(201);
      documents.push({ requirement, upload: ((await up.json()) as { id: string }).id });
    }
    const form = { tenHoKinhDoanh: 'Hộ kinh doanh Hải Âu', diaDiemKinhDoanh: 'Số 12 Hoàng Văn Thụ, quận Hồng Bàng, Hải Phòng', nganhNghe: 'Bán lẻ đồ uống', vonKinhDoanh: 50_000_000, chuHoHoTen: 'Nguyễn Văn An', chuHoCccd: '031090001234' };
    const sub = await citizen.request.post(`${journey.server.url}/api/dossiers`, {
      headers: { 'x-csrf-token': citizenCsrf, 'idempotency-key': 'e2e-late-apology-0001' },
      data: { procedure: PROCEDURE, agency: DISTRICT, form, documents, returnMethod: 'online' },
    });
    expect(sub.status(), await sub.text()).toBe(201);
    const { code } = (await sub.json()) as { code: string };
    clock.advanceMinutes(10);
    const desk = await journey.open();
    const deskCsrf = await apiLoginKeepingCookie(desk, journey.server.url, email('tiepnhan.hongbang'), PASSWORD);
    const rec = await desk.request.post(`${journey.server.url}/api/desk/dossiers/${code}/decision`, { headers: { 'x-csrf-token': deskCsrf }, data: { outcome: 'receive' } });
    expect(rec.status(), await rec.text()).toBe(200);
    const view = (await (await desk.request.get(`${journey.server.url}/api/work/dossiers/${code}`)).json()) as WorkView;
    expect(view.onlinePriority).toBe(true);
    const examine = view.tasks.find((x) => x.kind === 'step' && x.step === 'examine' && x.status === 'open')!;
    expect(examine.dueAt).not.toBeNull();
    const dossierDue = view.dueAt;

    // The app clock moves past the examination's due time (every session has expired by then);
    // the dossier's due date is still more than a day away, so an apology may still be sent.
    clock.setTo(Date.parse(examine.dueAt!) + 15 * 60_000);
    expect(Date.parse(dossierDue) - clock.now().getTime()).toBeGreaterThan(25 * 3_600_000);

    // The deadline sweep reminds the unit's heads, once.
    const calendar = await new CalendarService(journey.server.db).current();
    const swept = await sweepDeadlines(journey.server.db, calendar, clock.now(), journey.server.url);
    expect(swept.late).toBeGreaterThanOrEqual(1);
    expect((await sweepDeadlines(journey.server.db, calendar, clock.now(), journey.server.url)).late).toBe(0);
    const reminders = await journey.server.db.selectFrom('mail_outbox').select(['to_address', 'subject', 'text_body']).where('subject', '=', `Hồ sơ ${code} đã quá hạn`).execute();
    expect(reminders.map((m) => m.to_address)).toContain(email('truongphong.hongbang'));
    expect(reminders.find((m) => m.to_address === email('truongphong.hongbang'))!.text_body).toContain('Thẩm định hồ sơ');

    // The unit head finds it late in the unit's inbox, filtered on the due state.
    const head = await journey.open();
    await logInThroughForm(head, journey.server.url, email('truongphong.hongbang'), PASSWORD);
    await head.waitForURL(/\/can-bo$/);
    await head.goto(`${journey.server.url}/can-bo/xu-ly`);
    await head.getByRole('heading', { level: 1, name: 'Xử lý hồ sơ' }).waitFor();
    await head.getByRole('tab', { name: 'Việc của đơn vị' }).click();
    await head.getByLabel('Tình trạng hạn').selectOption({ label: 'Quá hạn' });
    await head.getByRole('button', { name: 'Lọc', exact: true }).click();
    await head.waitForURL(/urgency=late/);
    const row = head.locator('tr', { has: head.getByRole('link', { name: code }) });
    await row.waitFor();
    await expect(row.locator('.badge-urgency').textContent()).resolves.toBe('Quá hạn');
    await row.getByText('Thẩm định hồ sơ').waitFor();
    await settled(head);
    await expectNoSeriousAxeViolations(head, 'inbox filtered on late');

    // From the processing page, the apology with a new date (the first working day it allows).
    await row.getByRole('link', { name: code }).click();
    await head.getByRole('heading', { level: 1, name: `Xử lý hồ sơ ${code}` }).waitFor();
    await settled(head);
    const apology = head.locator('section', { has: head.getByRole('heading', { level: 2, name: 'Xin lỗi và hẹn lại ngày trả kết quả' }) });
    await apology.waitFor();
    let day = vnDayPlus(dossierDue, 1);
    while (!calendar.isWorkingDay(day)) day = vnDayPlus(`${day}T12:00:00+07:00`, 1);
    const newDueAt = new Date(`${day}T16:30:00+07:00`).toISOString();
    clock.advanceMinutes(5);
    await apology.getByLabel('Lý do chậm trễ').fill('Cần xác minh thêm thông tin ngành, nghề kinh doanh với cơ quan thuế.');
    await apology.getByLabel('Ngày hẹn trả mới').fill(day);
    await expectNoSeriousAxeViolations(head, 'processing page, apology form');
    await apology.getByRole('button', { name: 'Gửi thư xin lỗi và hẹn lại', exact: true }).click();
    await head.getByRole('status').filter({ hasText: 'Đã gửi thư xin lỗi và hẹn lại ngày trả kết quả.' }).waitFor();
    await apology.getByText(`Đã gửi thư xin lỗi; ngày hẹn trả mới: ${vnDateTime(newDueAt)}.`).waitFor();

    // The citizen (logged in again: the session ran out on the app clock) sees the new date and form 4.
    clock.advanceMinutes(5);
    await apiLoginKeepingCookie(citizen, journey.server.url, email('an.nguyen'), PASSWORD);
    await citizen.goto(`${journey.server.url}/ho-so/${code}`);
    await citizen.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    const facts = citizen.locator('main dl.summary').first();
    const due = facts.locator('div', { has: citizen.getByText('Ngày hẹn trả', { exact: true }) }).locator('dd');
    await expect(due.textContent()).resolves.toBe(vnDateTime(newDueAt));
    expect(vnDateTime(newDueAt)).toMatch(/^\d{2}\/\d{2}\/\d{4} 16:30$/);
    await citizen.getByRole('heading', { level: 2, name: 'Thư xin lỗi và hẹn lại ngày trả kết quả' }).waitFor();
    await citizen.getByText(`Cơ quan giải quyết xin lỗi vì chậm trễ và hẹn lại ngày trả kết quả: ${vnDateTime(newDueAt)}.`).waitFor();
    const link = citizen.getByRole('link', { name: /Tải phiếu xin lỗi và hẹn lại ngày trả kết quả \(PDF\)/ });
    const res = await citizen.request.get(`${journey.server.url}${(await link.getAttribute('href'))!}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('application/pdf');
    expect((await res.body()).subarray(0, 5).toString()).toBe('%PDF-');

    expect(errors, 'uncaught errors in the pages').toEqual([]);
  });
});
