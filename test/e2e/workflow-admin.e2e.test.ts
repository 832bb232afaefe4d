// Browser journey through the workflow template editor: the demo system administrator opens
// "Quy trình giải quyết thủ tục", picks Đăng ký giám hộ (1.004837, 3 working days) by its code,
// starts from the default steps, makes the budgets exceed the legal limit and is told so by
// "Kiểm tra", fixes it, adds a verification step (moved up with the keyboard, wired into the
// chain), sets an online priority, is refused a past effective date, saves a new version that
// appears in the history; the public procedure page then shows the steps and the priority.
// A desk officer is refused the page. axe on every state; no horizontal scroll at 360 px.
import { describe, expect, it } from 'vitest';
import { type Locator, type Page } from 'playwright-core';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, settled } from '../support/browser.js';
import { browserJourney, expectAdminRefused, openAdminPage, DEMO_PASSWORD as PASSWORD } from '../support/journeys.js';

// The editor is a long form: axe takes a while on each of its states.
const TIMEOUT = 240_000;
const SYSTEM_ADMIN = 'quantri.hethong@demo.motcua.vn';
const DESK_OFFICER = 'tiepnhan.hongbang@demo.motcua.vn';
const TITLE = 'Quy trình giải quyết thủ tục';
const CODE = '1.004837';
const NEW_STEP = 'Xác minh thông tin cư trú';
const ADMIN_PAGE = { link: 'Quy trình giải quyết', path: /\/quan-tri\/quy-trinh$/, title: TITLE };

const journey = browserJourney({ timeout: TIMEOUT });

const newPage = () => journey.newPage();

/** Today in Vietnam as dd/mm/yyyy, as the editor shows effective dates. */
function todayVn(): string {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date()).split('-');
  return `${d}/${m}/${y}`;
}

/** The fieldset of a step, by its legend ("Bước 2: Phê duyệt"). */
function step(editor: Locator, legend: string): Locator {
  return editor.getByRole('group', { name: legend, exact: true });
}

function nextSteps(stepGroup: Locator): Locator {
  return stepGroup.getByRole('group', { name: 'Chuyển tiếp đến bước', exact: true });
}

async function activeText(page: Page): Promise<string> {
  return page.evaluate(() => (document.activeElement as HTMLElement | null)?.textContent?.trim() ?? '');
}

describe('workflow template editor (browser)', () => {
  it('checks budgets against the legal limit, saves a new version with a new step, shows it publicly', { timeout: TIMEOUT }, async () => {
    const page = await newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(String(err)));

    await openAdminPage(journey, page, SYSTEM_ADMIN, PASSWORD, ADMIN_PAGE);
    await settled(page);
    await expectNoSeriousAxeViolations(page, 'no procedure chosen');

    // Pick the procedure by its code.
    await page.getByLabel('Tìm thủ tục', { exact: true }).fill(CODE);
    await page.getByRole('button', { name: /^1\.004837 — Đăng ký giám hộ/ }).click();
    await page.waitForURL(/\?ma=1\.004837$/);
    await page.getByRole('heading', { level: 2, name: 'Đăng ký giám hộ', exact: true }).waitFor();
    const facts = page.locator('main dl.summary').first();
    await facts.getByText('3 ngày làm việc (24 giờ làm việc)').waitFor();
    await facts.getByText('Quy trình mặc định (thủ tục chưa có quy trình riêng)').waitFor();
    await page.getByText('Thủ tục chưa có phiên bản quy trình riêng nào').waitFor();

    // The default steps, within the limit.
    const editor = page.getByRole('form', { name: 'Soạn phiên bản mới' });
    await editor.waitFor();
    await expect(editor.getByRole('group', { name: /^Bước \d+: / }).count()).resolves.toBe(4);
    const totals = editor.getByRole('region', { name: 'Tổng thời gian' });
    await totals.getByText(/^Trong thời hạn luật định \(còn dư [\d,]+ giờ làm việc\)\.$/).waitFor();
    await settled(page);
    await expectNoSeriousAxeViolations(page, 'editor with the default steps');

    // Over the limit: examination takes 3 working days.
    const examine = step(editor, 'Bước 1: Thẩm định hồ sơ');
    await examine.getByLabel('Thời gian xử lý', { exact: true }).fill('3');
    await examine.getByLabel('Đơn vị thời gian', { exact: true }).selectOption({ label: 'Ngày làm việc' });
    await totals.getByText(/^Vượt thời hạn luật định [\d,]+ giờ làm việc\.$/).waitFor();
    await editor.getByRole('button', { name: 'Kiểm tra', exact: true }).click();
    const overLimit = /Tổng thời gian các bước trên nhánh dài nhất là 3[\d,]+ giờ làm việc, vượt thời hạn luật định 24 giờ làm việc\.$/;
    const summary = editor.getByRole('alert').filter({ hasText: 'Quy trình có 1 vấn đề cần sửa:' });
    await summary.waitFor();
    await summary.getByText(overLimit).waitFor();
    await summary.getByRole('link', { name: 'Toàn bộ quy trình' }).waitFor();
    await expect(editor.locator('.field-error').filter({ hasText: overLimit }).count(), 'the problem next to the steps').resolves.toBe(1);
    await expectNoSeriousAxeViolations(page, 'over the legal limit');

    // Fixed: one working day, then 4 hours for the decision and 4 for issuing the result.
    await examine.getByLabel('Thời gian xử lý', { exact: true }).fill('1');
    await step(editor, 'Bước 2: Phê duyệt').getByLabel('Thời gian xử lý', { exact: true }).fill('4');
    await step(editor, 'Bước 3: Ban hành kết quả').getByLabel('Thời gian xử lý', { exact: true }).fill('4');
    await totals.getByText('Trong thời hạn luật định (còn dư 8 giờ làm việc).').waitFor();

    // A new step: added before the return step, with the focus on its first field.
    await editor.getByRole('button', { name: 'Thêm bước', exact: true }).click();
    const added = step(editor, 'Bước 4');
    await added.waitFor();
    await expect(page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).resolves.toBe('buoc-5');
    await added.getByLabel('Tên bước', { exact: true }).fill(NEW_STEP);
    const newStep4 = step(editor, `Bước 4: ${NEW_STEP}`);
    await expect(newStep4.getByLabel('Loại bước', { exact: true }).inputValue()).resolves.toBe('verify');
    await newStep4.getByLabel('Cơ quan thực hiện', { exact: true }).selectOption({ label: 'Cơ quan cấp trên của nơi tiếp nhận' });
    await newStep4.getByLabel('Cấp cơ quan', { exact: true }).selectOption({ label: 'Cấp quận/huyện' });
    await newStep4.getByLabel('Thời gian xử lý', { exact: true }).fill('4');
    await totals.getByText('Trong thời hạn luật định (còn dư 8 giờ làm việc).').waitFor();

    // Not wired in yet: unreachable, said at the step.
    await editor.getByRole('button', { name: 'Kiểm tra', exact: true }).click();
    const unreachable = 'Không thể đi đến bước «buoc-5» từ bước đầu tiên';
    await editor.getByRole('alert').filter({ hasText: unreachable }).waitFor();
    await newStep4.locator('.field-error').filter({ hasText: unreachable }).waitFor();

    // Moved up twice with the keyboard; the focus follows the step.
    await newStep4.getByRole('button', { name: 'Chuyển bước 4 lên trên' }).focus();
    await page.keyboard.press('Enter');
    await step(editor, `Bước 3: ${NEW_STEP}`).waitFor();
    await expect(activeText(page)).resolves.toBe('Chuyển bước 3 lên trên');
    await page.keyboard.press('Enter');
    const verify = step(editor, `Bước 2: ${NEW_STEP}`);
    await verify.waitFor();
    await expect(activeText(page)).resolves.toBe('Chuyển bước 2 lên trên');

    // Wired: examination → verification → decision → issuing → return.
    await nextSteps(examine).getByRole('checkbox', { name: 'Bước 3: Phê duyệt', exact: true }).uncheck();
    await nextSteps(examine).getByRole('checkbox', { name: `Bước 2: ${NEW_STEP}`, exact: true }).check();
    await nextSteps(verify).getByRole('checkbox', { name: 'Bước 5: Trả kết quả', exact: true }).uncheck();
    await nextSteps(verify).getByRole('checkbox', { name: 'Bước 3: Phê duyệt', exact: true }).check();
    await totals.getByText('Trong thời hạn luật định (còn dư 4 giờ làm việc).').waitFor();
    await editor.getByLabel('Số ngày ưu tiên khi nộp trực tuyến').fill('1');
    await editor.getByRole('button', { name: 'Kiểm tra', exact: true }).click();
    await editor
      .getByRole('status')
      .filter({ hasText: 'Quy trình hợp lệ: tổng thời gian trên nhánh dài nhất là 20 giờ làm việc, thời hạn luật định là 24 giờ làm việc.' })
      .waitFor();
    await expect(editor.locator('.field-error').count()).resolves.toBe(0);
    await expectNoSeriousAxeViolations(page, 'valid workflow');

    // A past effective date is refused next to the field; today is taken.
    const effective = editor.getByLabel('Ngày hiệu lực', { exact: true });
    await expect(effective.inputValue()).resolves.toBe(todayVn());
    await effective.fill('01/01/2020');
    await editor.getByLabel('Ghi chú').fill('Thêm bước xác minh; ưu tiên nộp trực tuyến');
    await editor.getByRole('button', { name: 'Lưu phiên bản mới' }).click();
    await editor.locator('.field-error').filter({ hasText: 'Ngày hiệu lực không được trước ngày hôm nay' }).waitFor();
    await expect(effective.getAttribute('aria-invalid')).resolves.toBe('true');
    await effective.fill(todayVn());
    await editor.getByRole('button', { name: 'Lưu phiên bản mới' }).click();
    await editor.getByRole('status').filter({ hasText: `Đã lưu phiên bản 1 của quy trình, áp dụng từ ngày ${todayVn()}.` }).waitFor();

    // The history and the summary show it.
    const history = page.locator('main section').filter({ has: page.getByRole('heading', { level: 2, name: 'Các phiên bản quy trình' }) }).locator('table');
    const row = history.locator('tbody tr').filter({ hasText: todayVn() }).filter({ hasText: 'Thêm bước xác minh; ưu tiên nộp trực tuyến' });
    await row.waitFor();
    await row.getByText('Đang áp dụng').waitFor();
    await facts.getByText('Phiên bản 1', { exact: true }).waitFor();
    await settled(page);
    await expectNoSeriousAxeViolations(page, 'version saved');

    // After a reload the editor starts from version 1.
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Đăng ký giám hộ', exact: true }).waitFor();
    await page.locator('main').getByText('Bắt đầu từ phiên bản 1 đang áp dụng.', { exact: false }).waitFor();
    await step(editor, `Bước 2: ${NEW_STEP}`).waitFor();
    await expect(editor.getByRole('group', { name: /^Bước \d+: / }).count()).resolves.toBe(5);
    await expect(editor.getByLabel('Số ngày ưu tiên khi nộp trực tuyến').inputValue()).resolves.toBe('1');
    await settled(page);

    // Narrow screens.
    await page.setViewportSize({ width: 360, height: 740 });
    await expectNoHorizontalScroll(page, 'editor at 360 px');
    await expectNoSeriousAxeViolations(page, 'editor at 360 px');
    await page.setViewportSize({ width: 1280, height: 800 });

    // The public API and the public procedure page.
    const api = await page.evaluate(async (code) => {
      const res = await fetch(`/api/procedures/${code}/workflow`);
      return { status: res.status, body: (await res.json()) as { templateVersion: number; isDefault: boolean; onlinePriorityDays: number; steps: { id: string; name: string }[] } };
    }, CODE);
    expect(api.status).toBe(200);
    expect(api.body.templateVersion).toBe(1);
    expect(api.body.isDefault).toBe(false);
    expect(api.body.onlinePriorityDays).toBe(1);
    expect(api.body.steps.map((s) => s.id)).toEqual(['examine', 'buoc-5', 'approve', 'issue', 'return']);

    await page.goto(`${journey.server.url}/thu-tuc/${CODE}`);
    await page.getByRole('heading', { level: 1, name: 'Đăng ký giám hộ' }).waitFor();
    const section = page.locator('main section').filter({ has: page.getByRole('heading', { level: 2, name: 'Quy trình giải quyết', exact: true }) });
    await section.getByText('Nộp trực tuyến: giải quyết nhanh hơn 1 ngày làm việc').waitFor();
    const items = section.locator('ol > li');
    await expect(items.count()).resolves.toBe(5);
    await expect(items.nth(0).getByRole('heading', { level: 3 }).textContent()).resolves.toBe('Thẩm định hồ sơ');
    await items.nth(0).getByText('Cơ quan tiếp nhận (Chuyên viên)').waitFor();
    await items.nth(0).getByText('1 ngày làm việc').waitFor();
    await expect(items.nth(1).getByRole('heading', { level: 3 }).textContent()).resolves.toBe(NEW_STEP);
    await items.nth(1).getByText('Cấp huyện của nơi tiếp nhận (Chuyên viên)').waitFor();
    await items.nth(1).getByText('4 giờ làm việc').waitFor();
    await items.nth(2).getByText('Cơ quan tiếp nhận (Lãnh đạo cơ quan)').waitFor();
    await items.nth(2).getByText('4 giờ làm việc').waitFor();
    await items.nth(4).getByText('Cơ quan tiếp nhận (Cán bộ một cửa)').waitFor();
    await settled(page);
    await expectNoSeriousAxeViolations(page, 'public procedure page');
    await page.setViewportSize({ width: 360, height: 740 });
    await expectNoHorizontalScroll(page, 'public procedure page at 360 px');
    await page.setViewportSize({ width: 1280, height: 800 });

    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
    await page.context().close();
  });

  it('tells a desk officer politely that the page is not for them', { timeout: TIMEOUT }, async () => {
    const page = await newPage();
    await expectAdminRefused(journey, page, DESK_OFFICER, PASSWORD, ADMIN_PAGE, `/quan-tri/quy-trinh?ma=${CODE}`, 'Bạn không có quyền soạn quy trình giải quyết.');
    await expect(page.getByLabel('Tìm thủ tục', { exact: true }).count()).resolves.toBe(0);
    await settled(page);
    await expectNoSeriousAxeViolations(page, 'not allowed');
    await page.context().close();
  });
});
