// Browser journey of an inter-connected group (một cửa liên thông, DOMAIN.md §7) on a simulated
// clock: the demo citizen applies online for birth registration + permanent residence + health
// insurance card at phường Hoàng Văn Thụ through the group application page (one form per
// procedure, the later ones optional, documents uploaded once); the desk of Hồng Bàng receives
// it; the ward, its police and social insurance each process their member dossier (the
// specialist in the browser from the unit inbox and the processing page, the leader's approval
// through the API); the desk returns everything online; the citizen sees the group dossier
// returned with its three members, within the group's 3 working days.
// axe and no horizontal scroll at 360 px on the application page and the group dossier page.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { WorkingCalendar } from '../../src/calendar/working-time.js';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, logInThroughForm, settled } from '../support/browser.js';
import { MovableClock, apiLoginKeepingCookie } from '../support/sim-clock.js';
import { browserJourney, DEMO_PASSWORD as PASSWORD, demoEmail as email, PDF, openFromUnitInbox, act, chooseResultUpload } from '../support/journeys.js';

const TIMEOUT = 180_000;
const GROUP = 'khai-sinh-thuong-tru-bhyt';
const WARD = '000.02.21.H31'; // phường Hoàng Văn Thụ, quận Hồng Bàng (its police: 001.02.21.H31)
const MONDAY_9H_VN = Date.parse('2026-03-02T02:00:00Z');
const pdf = (name: string) => ({ name, mimeType: 'application/pdf', buffer: PDF });

const clock = new MovableClock(MONDAY_9H_VN);
const journey = browserJourney({ timeout: TIMEOUT, clock, keepCookies: true });
const { errors } = journey;
const tokens = new Map<Page, string>();

/** Logs in through the API in this page's context (the browser shares the cookie); keeps the CSRF token. */
async function apiLogin(page: Page, who: string): Promise<string> {
  const token = await apiLoginKeepingCookie(page, journey.server.url, email(who), PASSWORD);
  tokens.set(page, token);
  return token;
}

/** An API request as `who`; a session that expired on the app clock is renewed by logging in again. */
async function apiCall(page: Page, who: string, method: 'GET' | 'POST', path: string, data?: unknown) {
  const send = (token: string) => page.request.fetch(`${journey.server.url}${path}`, { method, headers: { 'x-csrf-token': token }, ...(data === undefined ? {} : { data }) });
  let res = await send(tokens.get(page) ?? (await apiLogin(page, who)));
  if (res.status() === 401) res = await send(await apiLogin(page, who));
  return res;
}

interface Task { id: number; kind: string; status: string; actions: string[] }
interface Detail {
  code: string;
  status: string;
  dueAt: string | null;
  receivedAt: string | null;
  group: { parentCode: string; members: { code: string; procedureCode: string; agencyName: string | null; status: string }[] } | null;
}

/** The leader approves the open decision step, through the API. */
async function approve(page: Page, who: string, code: string): Promise<void> {
  const view = (await (await apiCall(page, who, 'GET', `/api/work/dossiers/${code}`)).json()) as { tasks: Task[] };
  const task = view.tasks.find((x) => x.status === 'open' && x.kind === 'step' && x.actions.includes('approve'));
  expect(task, `${who} has a decision to take on ${code}`).toBeDefined();
  const res = await apiCall(page, who, 'POST', `/api/work/dossiers/${code}/actions`, { action: 'approve', taskId: task!.id });
  expect(res.status(), await res.text()).toBe(200);
}

/**
 * One agency's part: its specialist logs in, finds the dossier in the unit's inbox, claims the
 * examination and hands it over on the processing page; the leader approves (API); the specialist
 * records the result with a PDF. A few minutes of the app clock pass before each action.
 */
async function processAtAgency(specialist: string, leader: string, leaderPage: Page, code: string): Promise<void> {
  const sp = await journey.open();
  clock.advanceMinutes(5);
  await logInThroughForm(sp, journey.server.url, email(specialist), PASSWORD);
  await sp.waitForURL(/\/can-bo$/);
  await openFromUnitInbox(sp, journey.server.url, code);
  clock.advanceMinutes(5);
  await act(sp, 'Nhận xử lý', 'Xác nhận nhận xử lý', 'Bạn đã nhận xử lý bước này.');
  clock.advanceMinutes(10);
  await act(sp, 'Chuyển bước tiếp theo', 'Xác nhận chuyển bước', 'Đã chuyển hồ sơ sang bước tiếp theo.');
  clock.advanceMinutes(5);
  await approve(leaderPage, leader, code);
  clock.advanceMinutes(5);
  await sp.reload();
  await sp.getByRole('heading', { level: 1, name: `Xử lý hồ sơ ${code}` }).waitFor();
  await settled(sp);
  await act(sp, 'Cập nhật kết quả giải quyết', 'Lưu kết quả giải quyết', 'Đã lưu kết quả giải quyết.', async () => {
    await sp.getByLabel('Tóm tắt kết quả giải quyết').fill(`Kết quả của hồ sơ ${code}.`);
    await chooseResultUpload(sp);
    await sp.getByLabel('Văn bản kết quả').setInputFiles(pdf('ket-qua.pdf'));
    await sp.getByText('Đã tải lên: ket-qua.pdf').waitFor();
  });
  await sp.context().close();
}

describe('inter-connected group application (browser, simulated clock)', () => {
  it('applies once online, is processed by three agencies in order and returned within 3 working days', { timeout: TIMEOUT }, async () => {
    // The citizen, on a phone, starts from the group's page; applying needs a login first.
    const citizen = await journey.open({ width: 360, height: 740 });
    await citizen.goto(`${journey.server.url}/lien-thong/${GROUP}`);
    await citizen.getByRole('heading', { level: 1, name: /^Liên thông thủ tục hành chính: Đăng ký khai sinh/ }).waitFor();
    await citizen.getByRole('link', { name: 'Nộp hồ sơ liên thông trực tuyến' }).click();
    await citizen.waitForURL(/\/dang-nhap\?next=%2Fnop-ho-so-lien-thong%2Fkhai-sinh-thuong-tru-bhyt$/);
    await citizen.getByLabel('Thư điện tử (e-mail)').fill(email('an.nguyen'));
    await citizen.getByLabel('Mật khẩu', { exact: true }).fill(PASSWORD);
    await citizen.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await citizen.waitForURL(/\/nop-ho-so-lien-thong\/khai-sinh-thuong-tru-bhyt$/);
    await citizen.getByRole('heading', { level: 1, name: 'Nộp hồ sơ liên thông trực tuyến' }).waitFor();

    // Step 1: the receiving ward and the birth registration form.
    await citizen.getByRole('heading', { level: 2, name: 'Bước 1/5: Thông tin' }).waitFor();
    await citizen.getByRole('heading', { level: 3, name: 'Thủ tục 1/3: Đăng ký khai sinh' }).waitFor();
    await settled(citizen);
    await expect(citizen.locator(`select option[value="${WARD}"]`).count()).resolves.toBe(1);
    await expectNoSeriousAxeViolations(citizen, 'group application, step 1');
    await expectNoHorizontalScroll(citizen, 'group application step 1 at 360 px');
    // continuing without anything: the agency and the required fields are flagged
    await citizen.getByRole('button', { name: 'Tiếp tục', exact: true }).click();
    await citizen.getByRole('alert').filter({ hasText: 'Vui lòng kiểm tra các trường được đánh dấu' }).waitFor();
    expect(await citizen.getByLabel('Cơ quan tiếp nhận hồ sơ').getAttribute('aria-invalid')).toBe('true');
    expect(await citizen.getByLabel('Họ, chữ đệm, tên của trẻ').getAttribute('aria-invalid')).toBe('true');
    await citizen.getByLabel('Cơ quan tiếp nhận hồ sơ').selectOption(WARD);
    await citizen.locator('[name="treHoTen"]').fill('Nguyễn Minh Khôi');
    await citizen.locator('[name="treNgaySinh"]').fill('2026-02-20');
    await citizen.locator('[name="treGioiTinh"]').selectOption('Nam');
    await citizen.locator('[name="treNoiSinh"]').fill('Bệnh viện Phụ sản Hải Phòng');
    await citizen.locator('[name="meHoTen"]').fill('Trần Thị Bình');
    await expect(citizen.locator('[name="nguoiYeuCauHoTen"]').inputValue()).resolves.toBe('Nguyễn Văn An');
    await citizen.locator('[name="quanHe"]').selectOption('Cha');
    await citizen.getByRole('button', { name: 'Tiếp tục', exact: true }).click();

    // Step 2: the birth registration's required documents.
    await citizen.getByRole('heading', { level: 2, name: 'Bước 2/5: Giấy tờ' }).waitFor();
    await citizen.getByRole('button', { name: 'Tiếp tục', exact: true }).click();
    await citizen.getByRole('alert').filter({ hasText: 'Còn thiếu giấy tờ bắt buộc.' }).waitFor();
    const uploads = citizen.locator('.upload');
    for (let i = 0; i < 3; i++) {
      await uploads.nth(i).locator('input[type="file"]').setInputFiles(pdf(`giay-to-${i + 1}.pdf`));
      await uploads.nth(i).getByText(`Đã tải lên: giay-to-${i + 1}.pdf`).waitFor();
    }
    await citizen.getByRole('button', { name: 'Tiếp tục', exact: true }).click();

    // Step 3: permanent residence; nothing required, earlier results reused (once-only).
    await citizen.getByRole('heading', { level: 2, name: 'Bước 3/5: Đăng ký thường trú' }).waitFor();
    await citizen.getByText(/Các trường của tờ khai này đều không bắt buộc/).waitFor();
    await citizen.getByText(/chỉ cung cấp thông tin một lần/).waitFor();
    expect(await citizen.locator('[name="cccd"]').getAttribute('required')).toBeNull();
    await citizen.locator('[name="hoTen"]').fill('Nguyễn Minh Khôi');
    await citizen.locator('[name="canCuChoO"]').selectOption('Nhập vào hộ gia đình của người thân');
    await citizen.locator('[name="chuHoHoTen"]').fill('Nguyễn Văn An');
    await citizen.locator('[name="quanHeVoiChuHo"]').fill('Con');
    await uploads.nth(1).locator('input[type="file"]').setInputFiles(pdf('giay-to-cho-o.pdf'));
    await uploads.nth(1).getByText('Đã tải lên: giay-to-cho-o.pdf').waitFor();
    await expectNoHorizontalScroll(citizen, 'group application later procedure at 360 px');
    await citizen.getByRole('button', { name: 'Tiếp tục', exact: true }).click();

    // Step 4: the health insurance card; what it shares with the birth form is filled in.
    await citizen.getByRole('heading', { level: 2, name: 'Bước 4/5: Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi' }).waitFor();
    await expect(citizen.locator('[name="treHoTen"]').inputValue()).resolves.toBe('Nguyễn Minh Khôi');
    await expect(citizen.locator('[name="treNgaySinh"]').inputValue()).resolves.toBe('2026-02-20');
    await citizen.locator('[name="noiKcbBanDau"]').fill('Bệnh viện Trẻ em Hải Phòng');
    await citizen.getByRole('button', { name: 'Tiếp tục', exact: true }).click();

    // Step 5: review, then submit once.
    await citizen.getByRole('heading', { level: 2, name: 'Bước 5/5: Xem lại' }).waitFor();
    await citizen.getByText('Ủy ban nhân dân phường Hoàng Văn Thụ').first().waitFor();
    await citizen.getByText('giay-to-cho-o.pdf').waitFor();
    await citizen.getByText('Bệnh viện Trẻ em Hải Phòng').waitFor();
    await settled(citizen);
    await expectNoSeriousAxeViolations(citizen, 'group application, review');
    await expectNoHorizontalScroll(citizen, 'group application review at 360 px');
    await citizen.getByRole('radio', { name: 'Nhận kết quả trực tuyến' }).check();
    await citizen.getByRole('button', { name: 'Nộp hồ sơ liên thông', exact: true }).click();
    await citizen.waitForURL(/\/ho-so\/[^/]+$/);
    const code = decodeURIComponent(new URL(citizen.url()).pathname.split('/').pop()!);
    await citizen.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    const members = citizen.locator('section', { has: citizen.getByRole('heading', { level: 2, name: 'Các thủ tục liên thông' }) });
    await members.waitFor();
    await expect(members.locator('tbody tr').count()).resolves.toBe(3);
    await members.locator('tbody tr').nth(0).getByText('Đã nộp, chờ tiếp nhận').waitFor();
    await members.locator('tbody tr').nth(1).getByText('Chưa đến lượt giải quyết').waitFor();
    await members.locator('tbody tr').nth(2).getByText('Chưa đến lượt giải quyết').waitFor();
    await settled(citizen);
    await expectNoHorizontalScroll(citizen, 'group dossier (submitted) at 360 px');

    // The desk of Hồng Bàng receives it (API): one due date for the whole group, 3 working days.
    const desk = await journey.open();
    clock.advanceMinutes(10);
    const rec = await apiCall(desk, 'tiepnhan.hongbang', 'POST', `/api/desk/dossiers/${code}/decision`, { outcome: 'receive' });
    expect(rec.status(), await rec.text()).toBe(200);
    const receivedAt = clock.now();
    const groupDue = new WorkingCalendar({ schedules: [] }).dueDate(receivedAt, { value: 3, unit: 'working_days' });
    const detail = async () => (await (await apiCall(desk, 'tiepnhan.hongbang', 'GET', `/api/dossiers/${code}`)).json()) as Detail;
    expect((await detail()).dueAt).toBe(groupDue.toISOString());

    // The ward registers the birth; then its police the residence; then social insurance the card.
    const leaders = await journey.open();
    await processAtAgency('chuyenvien.hongbang', 'lanhdao.hongbang', leaders, code);
    const residence = (await detail()).group!.members.find((m) => m.procedureCode === '1.004222')!;
    expect(residence).toMatchObject({ agencyName: 'Công an phường Hoàng Văn Thụ', status: 'received' });
    await processAtAgency('chuyenvien.conganhvt', 'lanhdao.conganhvt', leaders, residence.code);
    const card = (await detail()).group!.members.find((m) => m.procedureCode === '1.011499')!;
    expect(card.agencyName).toBe('Bảo hiểm xã hội thành phố Hải Phòng');
    await processAtAgency('chuyenvien.bhxh', 'lanhdao.bhxh', leaders, card.code);

    // Back at the desk: one return, online, for the whole group.
    clock.advanceMinutes(10);
    const view = (await (await apiCall(desk, 'tiepnhan.hongbang', 'GET', `/api/work/dossiers/${code}`)).json()) as { status: string; tasks: Task[] };
    expect(view.status).toBe('resolved');
    const ret = view.tasks.find((x) => x.status === 'open' && x.actions.includes('return_result'))!;
    const returned = await apiCall(desk, 'tiepnhan.hongbang', 'POST', `/api/work/dossiers/${code}/actions`, { action: 'return_result', taskId: ret.id, method: 'online' });
    expect(returned.status(), await returned.text()).toBe(200);
    expect(clock.now().getTime()).toBeLessThanOrEqual(groupDue.getTime());

    // The citizen (whose session ran out on the app clock) logs in again and sees everything returned.
    await apiLogin(citizen, 'an.nguyen');
    await citizen.goto(`${journey.server.url}/ho-so/${code}`);
    await citizen.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    await citizen.locator('main dl.summary').first().getByText('Đã trả kết quả').waitFor();
    await members.waitFor();
    await members.getByText('Ngày hẹn trả kết quả của cả nhóm').waitFor();
    const rows = members.locator('tbody tr');
    await expect(rows.count()).resolves.toBe(3);
    for (let i = 0; i < 3; i++) {
      await expect(rows.nth(i).locator('.badge-status').textContent()).resolves.toBe('Đã trả kết quả');
      await expect(rows.nth(i).locator('td').nth(4).textContent()).resolves.toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    }
    await expect(rows.nth(1).getByText('Công an phường Hoàng Văn Thụ').count()).resolves.toBe(1);
    await settled(citizen);
    await expectNoSeriousAxeViolations(citizen, 'group dossier (returned)');
    await expectNoHorizontalScroll(citizen, 'group dossier (returned) at 360 px');

    // A member dossier leads back to the group dossier.
    await rows.nth(2).getByRole('link', { name: new RegExp(card.code.replace(/\./g, '\\.')) }).click();
    await citizen.getByRole('heading', { level: 1, name: `Hồ sơ ${card.code}` }).waitFor();
    await citizen.getByRole('link', { name: `Xem hồ sơ liên thông ${code}` }).click();
    await citizen.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();

    expect(errors, 'uncaught errors in the pages').toEqual([]);
  });
});
