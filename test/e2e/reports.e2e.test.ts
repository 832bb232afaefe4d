// Browser journeys of the service-quality pages on a simulated clock: three online birth
// registrations of phường Hạ Lý (quận Hồng Bàng) are driven through the API on Monday morning —
// one all the way to "returned", one claimed by the specialist and left to run late, one refused
// at the desk. Once the clock is past the late step's due time: the district's leader opens the
// dashboard from the workspace, sees the late dossier with its step and the officer holding it,
// drills down from "Đã giải quyết" to the dossier behind it, opens the indicators of both
// frameworks (keyboard tabs) and drills down from an indicator; the specialist sees their own
// late item; Ngô Quyền's unit head is refused Hồng Bàng's dashboard; anyone, logged out, reads
// the public page and downloads its CSV; the system administrator is told by the server why a
// definition does not add up, next to the field, and saves it once put right. axe on every
// page; no horizontal scroll at 360 px.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { checkPage, logInThroughForm, settled } from '../support/browser.js';
import { birthFormValue, browserJourney, DEMO_PASSWORD as PASSWORD, demoEmail as email, type FormProp, openFromWorkspace, uploadAs } from '../support/journeys.js';
import type { WorkTask } from '../support/client.js';
import { apiLoginKeepingCookie, MovableClock } from '../support/sim-clock.js';

const TIMEOUT = 120_000;
const PROCEDURE = '1.001193'; // Đăng ký khai sinh (ward level; default steps examine → approve → issue → return)
const WARD = '000.01.21.H31'; // phường Hạ Lý, quận Hồng Bàng
const HONG_BANG = '000.00.21.H31';
const MONDAY_9H_VN = Date.parse('2026-03-02T02:00:00Z');
const SPECIALIST_NAME = 'Vũ Đức Long'; // chuyenvien.hongbang

const clock = new MovableClock(MONDAY_9H_VN);
const journey = browserJourney({ timeout: TIMEOUT, clock, keepCookies: true });
const { errors } = journey;

/** What the tests share: the dossiers' codes. */
const codes = { returned: '', late: '', refused: '' };

/** Pages logged in through the API (cookies kept despite the clocks' difference), with their CSRF token. */
async function apiActor(who: string): Promise<{ page: Page; csrf: string }> {
  const page = await journey.open();
  const csrf = await apiLoginKeepingCookie(page, journey.server.url, email(who), PASSWORD);
  return { page, csrf };
}

async function post(actor: { page: Page; csrf: string }, path: string, data: unknown): Promise<unknown> {
  const res = await actor.page.request.post(`${journey.server.url}${path}`, { headers: { 'x-csrf-token': actor.csrf }, data });
  expect([200, 201], `${path}: ${await res.text()}`).toContain(res.status());
  return res.json();
}

async function openStep(actor: { page: Page }, code: string): Promise<WorkTask> {
  const view = (await (await actor.page.request.get(`${journey.server.url}/api/work/dossiers/${code}`)).json()) as { tasks: WorkTask[] };
  const task = view.tasks.find((x) => x.status === 'open' && x.kind === 'step');
  expect(task, `an open step of ${code}`).toBeDefined();
  return task!;
}

describe('service quality pages (browser, simulated clock)', () => {
  it('drives three dossiers through the API: returned, late in examination, refused', { timeout: TIMEOUT }, async () => {
    const citizen = await apiActor('an.nguyen');
    const desk = await apiActor('tiepnhan.hongbang');
    const specialist = await apiActor('chuyenvien.hongbang');
    const leader = await apiActor('lanhdao.hongbang');
    const proc = (await (await citizen.page.request.get(`${journey.server.url}/api/procedures/${PROCEDURE}`)).json()) as {
      formSchema: { required: string[]; properties: Record<string, FormProp> };
      documents: { code: string; mandatory: boolean }[];
    };
    const form: Record<string, unknown> = {};
    for (const key of proc.formSchema.required) form[key] = birthFormValue(key, proc.formSchema.properties[key]!, '2026-02-20');
    const upload = (actor: { page: Page; csrf: string }) => uploadAs(journey, actor);
    async function submit(n: number): Promise<string> {
      const documents: { requirement: string; upload: string }[] = [];
      for (const d of proc.documents.filter((x) => x.mandatory)) documents.push({ requirement: d.code, upload: await upload(citizen) });
      const sub = await citizen.page.request.post(`${journey.server.url}/api/dossiers`, {
        headers: { 'x-csrf-token': citizen.csrf, 'idempotency-key': `e2e-reports-${n}` },
        data: { procedure: PROCEDURE, agency: WARD, form, documents, returnMethod: 'online' },
      });
      expect(sub.status(), await sub.text()).toBe(201);
      return ((await sub.json()) as { code: string }).code;
    }

    codes.returned = await submit(1);
    codes.late = await submit(2);
    codes.refused = await submit(3);
    clock.advanceMinutes(5);
    for (const code of [codes.returned, codes.late]) await post(desk, `/api/desk/dossiers/${code}/decision`, { outcome: 'receive' });
    await post(desk, `/api/desk/dossiers/${codes.refused}/decision`, { outcome: 'refuse', reasons: ['Hồ sơ không thuộc thẩm quyền giải quyết của phường'] });

    // The first one goes all the way, within minutes.
    const examine = await openStep(specialist, codes.returned);
    await post(specialist, `/api/work/dossiers/${codes.returned}/actions`, { action: 'claim', taskId: examine.id });
    await post(specialist, `/api/work/dossiers/${codes.returned}/actions`, { action: 'hand_over', taskId: examine.id });
    await post(leader, `/api/work/dossiers/${codes.returned}/actions`, { action: 'approve', taskId: (await openStep(leader, codes.returned)).id, note: 'Đồng ý.' });
    await post(specialist, `/api/work/dossiers/${codes.returned}/actions`, {
      action: 'record_result',
      taskId: (await openStep(specialist, codes.returned)).id,
      summary: 'Giấy khai sinh bản chính.',
      documents: [await upload(specialist)],
    });
    await post(desk, `/api/work/dossiers/${codes.returned}/actions`, { action: 'return_result', taskId: (await openStep(desk, codes.returned)).id, method: 'online' });

    // The second one is claimed by the specialist and left past its examination's due time.
    const lateStep = await openStep(specialist, codes.late);
    await post(specialist, `/api/work/dossiers/${codes.late}/actions`, { action: 'claim', taskId: lateStep.id });
    expect(lateStep.dueAt, 'the examination has a due time').not.toBeNull();
    clock.setTo(Math.max(clock.t, Date.parse(lateStep.dueAt!) + 15 * 60_000));
  });

  it('shows the leader who is late and why, and the dossiers behind a number', { timeout: TIMEOUT }, async () => {
    const page = await journey.open();
    await openFromWorkspace(journey, page, 'lanhdao.hongbang', 'Bảng thống kê của lãnh đạo');
    await page.getByRole('heading', { level: 2, name: 'Tổng hợp' }).waitFor();

    // The late dossier, with its step and the officer holding it, linked to its processing page.
    const late = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Hồ sơ có bước xử lý quá hạn' }) });
    const row = late.locator('tr', { has: page.getByRole('link', { name: codes.late }) });
    await row.waitFor();
    await row.getByText('Thẩm định hồ sơ').waitFor();
    await row.getByText(SPECIALIST_NAME).waitFor();
    await expect(row.getByRole('link', { name: codes.late }).getAttribute('href')).resolves.toBe(`/can-bo/xu-ly/${codes.late}`);
    await expect(late.getByRole('link', { name: codes.returned }).count()).resolves.toBe(0);
    await checkPage(page, 'dashboard');

    // From the number of resolved dossiers to the list of them (the filter kept in the URL).
    await page.getByRole('link', { name: /xem danh sách hồ sơ: Đã giải quyết$/ }).click();
    await page.waitForURL(/drill=resolved/);
    const drill = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Danh sách hồ sơ: Đã giải quyết' }) });
    await drill.getByRole('link', { name: codes.returned }).waitFor();
    await expect(drill.getByRole('link', { name: codes.late }).count()).resolves.toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('drill-heading');
    await checkPage(page, 'dashboard drill-down', 'section.drill');

    // The exports answer with the files they name.
    const xlsx = await page.request.get(`${journey.server.url}${(await page.getByRole('link', { name: 'Tải bảng thống kê (Excel)' }).getAttribute('href'))!}`);
    expect(xlsx.status()).toBe(200);
    expect(xlsx.headers()['content-type']).toContain('spreadsheetml');
    const pdf = await page.request.get(`${journey.server.url}${(await page.getByRole('link', { name: /Tải báo cáo quý/ }).getAttribute('href'))!}`);
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

    // The indicators: both frameworks, by keyboard, and a drill-down from an indicator.
    await page.getByRole('link', { name: /Xem chỉ số theo Thông tư 01\/2018/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Chỉ số chất lượng phục vụ' }).waitFor();
    const c01 = page.getByRole('tab', { name: 'Thông tư 01/2018' });
    await expect(c01.getAttribute('aria-selected')).resolves.toBe('true');
    await page.getByRole('tabpanel').getByText('Công thức:').first().waitFor();
    await checkPage(page, 'indicators (Circular 01)');
    await c01.focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForURL(/framework=d766/);
    // the URL changes a moment before the page re-renders
    const d766 = page.getByRole('tab', { name: 'Quyết định 766' });
    await expect.poll(() => d766.getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Quyết định 766');
    await page.getByRole('heading', { level: 2, name: /^Tiến độ giải quyết/ }).waitFor();
    await checkPage(page, 'indicators (Decision 766)', '[role="tabpanel"]');
    await page.getByRole('link', { name: /Xem hồ sơ — Tỷ lệ hồ sơ giải quyết đúng hạn/ }).click();
    await page.waitForURL(/drill=/);
    await page.locator('section.drill').getByRole('link', { name: codes.returned }).waitFor();
    await checkPage(page, 'indicators drill-down', 'section.drill');
    expect(errors, 'uncaught errors in the pages').toEqual([]);
  });

  it("shows an officer their own late item, and refuses another district's dashboard", { timeout: TIMEOUT }, async () => {
    const sp = await journey.open();
    await logInThroughForm(sp, journey.server.url, email('chuyenvien.hongbang'), PASSWORD);
    await sp.waitForURL(/\/can-bo$/);
    await expect(sp.getByRole('link', { name: 'Bảng thống kê của lãnh đạo' }).count()).resolves.toBe(0);
    await sp.getByRole('link', { name: 'Chỉ số của tôi' }).click();
    await sp.getByRole('heading', { level: 1, name: 'Chỉ số của tôi' }).waitFor();
    const mine = sp.locator('section', { has: sp.getByRole('heading', { level: 2, name: 'Việc đang quá hạn' }) });
    await mine.getByRole('link', { name: codes.late }).waitFor();
    await checkPage(sp, 'my indicators');
    // a specialist holds no report.read: the dashboard says so in words
    await sp.goto(`${journey.server.url}/can-bo/thong-ke`);
    await sp.getByRole('heading', { level: 1, name: 'Bảng thống kê của lãnh đạo' }).waitFor();
    await sp.getByRole('alert').filter({ hasText: 'Bạn không có quyền xem thống kê.' }).waitFor();

    // Ngô Quyền's unit head: their own district, not Hồng Bàng's.
    const nq = await journey.open();
    await logInThroughForm(nq, journey.server.url, email('truongphong.ngoquyen'), PASSWORD);
    await nq.waitForURL(/\/can-bo$/);
    await nq.goto(`${journey.server.url}/can-bo/thong-ke?agency=${HONG_BANG}`);
    await nq.getByRole('heading', { level: 1, name: 'Bảng thống kê của lãnh đạo' }).waitFor();
    await nq.getByRole('alert').filter({ hasText: 'Không tìm thấy đơn vị này trong phạm vi bạn được xem thống kê.' }).waitFor();
    await expect(nq.getByRole('link', { name: codes.late }).count()).resolves.toBe(0);
    await checkPage(nq, 'dashboard out of scope (Ngô Quyền)');
    const api = await nq.request.get(`${journey.server.url}/api/reports/dashboard?agency=${HONG_BANG}`);
    expect(api.status()).toBe(404);
    await nq.goto(`${journey.server.url}/can-bo/thong-ke`);
    await nq.getByRole('heading', { level: 2, name: 'Hồ sơ có bước xử lý quá hạn' }).waitFor();
    await settled(nq);
    await expect(nq.getByRole('link', { name: codes.late }).count()).resolves.toBe(0);
    expect(errors, 'uncaught errors in the pages').toEqual([]);
  });

  it('shows the public figures without a login, with open JSON and CSV', { timeout: TIMEOUT }, async () => {
    const page = await journey.open({ width: 360, height: 740 });
    await page.goto(`${journey.server.url}/`);
    await page.locator('header').getByRole('link', { name: 'Công khai' }).click();
    await page.getByRole('heading', { level: 1, name: 'Công khai kết quả giải quyết thủ tục hành chính' }).waitFor();
    const byProcedure = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Theo thủ tục' }) });
    await byProcedure.getByText(PROCEDURE).waitFor();
    await page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Theo cơ quan' }) }).locator('[role="img"]').waitFor();
    await checkPage(page, 'public page');
    const csv = await page.request.get(`${journey.server.url}${(await page.getByRole('link', { name: 'Tải dữ liệu dạng CSV' }).getAttribute('href'))!}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const text = (await csv.body()).toString('utf8');
    expect(text.charCodeAt(0), 'a UTF-8 byte order mark for spreadsheet programs').toBe(0xfeff);
    expect(text).toContain(PROCEDURE);
    const json = await page.request.get(`${journey.server.url}${(await page.getByRole('link', { name: 'Tải dữ liệu dạng JSON' }).getAttribute('href'))!}`);
    expect(json.status()).toBe(200);
    expect(json.headers()['content-type']).toContain('application/json');
    expect(errors, 'uncaught errors in the pages').toEqual([]);
  });

  it("shows the server's validation of an indicator definition next to the field", { timeout: TIMEOUT }, async () => {
    const page = await journey.open();
    await openFromWorkspace(journey, page, 'quantri.hethong', 'Định nghĩa chỉ số');
    const weight = page.getByLabel('Trọng số của nhóm (điểm)').first();
    await weight.fill('20');
    await page.getByRole('button', { name: 'Lưu định nghĩa', exact: true }).click();
    await expect.poll(() => weight.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await weight.getAttribute('aria-describedby'))!.split(' ')[0]!;
    await expect(page.locator(`[id="${describedBy}"]`).textContent()).resolves.toMatch(/\S/);
    await checkPage(page, 'indicator definitions with an error');
    // put right, it is saved as a new version
    await weight.fill('18');
    await page.getByRole('button', { name: 'Lưu định nghĩa', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Đã lưu phiên bản 1.' }).waitFor();
    await expect(weight.getAttribute('aria-invalid')).resolves.toBeNull();
    expect(errors, 'uncaught errors in the pages').toEqual([]);
  });
});
