// Browser journey through the holiday calendar: the demo system administrator opens
// "Lịch nghỉ lễ, ngày làm việc bù", looks at the legal defaults of 2027, loads an official
// schedule built from them with a make-up working day, sees it kept after a reload and by
// the public API, then restores the defaults. A desk officer is refused the page.
// axe on every state; no horizontal scroll at 360 px.
import { describe, expect, it } from 'vitest';
import { type Locator, type Page } from 'playwright-core';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, settled } from '../support/browser.js';
import { browserJourney, expectAdminRefused, openAdminPage, DEMO_PASSWORD as PASSWORD } from '../support/journeys.js';

const TIMEOUT = 180_000;
const SYSTEM_ADMIN = 'quantri.hethong@demo.motcua.vn';
const DESK_OFFICER = 'tiepnhan.hongbang@demo.motcua.vn';
const TITLE = 'Lịch nghỉ lễ, ngày làm việc bù';
const ADMIN_PAGE = { link: 'Lịch nghỉ lễ', path: /\/quan-tri\/ngay-nghi$/, title: TITLE };

const journey = browserJourney({ timeout: TIMEOUT });

const newPage = () => journey.newPage();

/** The table of a section, by its level-2 heading. */
function table(page: Page, heading: string): Locator {
  return page.locator('main section').filter({ has: page.getByRole('heading', { level: 2, name: heading, exact: true }) }).locator('table');
}

function row(tbl: Locator, ...texts: string[]): Locator {
  let r = tbl.locator('tbody tr');
  for (const text of texts) r = r.filter({ hasText: text });
  return r;
}

const sourceNote = (page: Page) => page.locator('main .calendar-source');

describe('holiday calendar administration (browser)', () => {
  it('shows the defaults, loads an official schedule, keeps it after reload, restores the defaults', { timeout: TIMEOUT }, async () => {
    const page = await newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(String(err)));

    await openAdminPage(journey, page, SYSTEM_ADMIN, PASSWORD, ADMIN_PAGE);
    const yearSelect = page.getByLabel('Năm', { exact: true });
    await expect(yearSelect.inputValue()).resolves.toBe(String(new Date().getFullYear()));
    await settled(page);
    await sourceNote(page).waitFor();
    await expectNoSeriousAxeViolations(page, 'current year');

    // 2027: the legal defaults, with Tết on Saturday 06/02/2027.
    await yearSelect.selectOption('2027');
    await page.waitForURL(/\?nam=2027$/);
    const holidays = table(page, 'Ngày nghỉ lễ, Tết');
    await row(holidays, '06/02/2027', 'Tết Nguyên đán').waitFor();
    await row(holidays, '06/02/2027', 'Thứ Bảy').waitFor();
    await sourceNote(page).getByText('Lịch mặc định', { exact: true }).waitFor();
    await sourceNote(page).getByText(/chưa có lịch chính thức/).waitFor();
    await expect(page.getByRole('button', { name: 'Khôi phục mặc định' }).count()).resolves.toBe(0);
    await settled(page);
    await expectNoSeriousAxeViolations(page, 'defaults 2027');

    // Edit from the defaults, add a make-up working day.
    await page.getByRole('button', { name: 'Soạn lịch chính thức từ danh sách hiện tại' }).click();
    const editor = page.getByRole('form', { name: 'Lịch chính thức năm 2027' });
    await editor.waitFor();
    const defaultsCount = await editor.getByRole('group', { name: /^Ngày nghỉ \d+$/ }).count();
    expect(defaultsCount).toBeGreaterThanOrEqual(11);
    await editor.getByRole('button', { name: 'Thêm ngày làm việc bù' }).click();
    const newRow = editor.getByRole('group', { name: 'Ngày làm việc bù 1', exact: true });
    await newRow.getByLabel('Ngày', { exact: true }).fill('2027-02-13');
    await newRow.getByLabel('Tên', { exact: true }).fill('Làm bù');
    await expectNoSeriousAxeViolations(page, 'editor');

    // A date outside the year is refused at its row.
    await editor.getByRole('button', { name: 'Thêm ngày nghỉ' }).click();
    const extra = editor.getByRole('group', { name: `Ngày nghỉ ${defaultsCount + 1}`, exact: true });
    await extra.getByLabel('Ngày', { exact: true }).fill('2028-01-01');
    await extra.getByLabel('Tên', { exact: true }).fill('Sai năm');
    await editor.getByRole('button', { name: 'Lưu lịch chính thức' }).click();
    await extra.getByText('Ngày phải thuộc năm 2027.').waitFor();
    await editor.getByRole('alert').filter({ hasText: 'Thông tin chưa hợp lệ' }).waitFor();
    await expectNoSeriousAxeViolations(page, 'editor with an error');
    await editor.getByRole('button', { name: `Xóa ngày nghỉ ${defaultsCount + 1}` }).click();
    await expect(extra.count()).resolves.toBe(0);

    await editor.getByRole('button', { name: 'Lưu lịch chính thức' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã lưu lịch chính thức năm 2027.' }).waitFor();
    await expect(editor.count()).resolves.toBe(0);
    await sourceNote(page).getByText('Lịch chính thức', { exact: true }).waitFor();
    const workingDays = table(page, 'Ngày làm việc bù');
    await row(workingDays, '13/02/2027', 'Thứ Bảy', 'Làm bù').waitFor();
    await settled(page);
    await expectNoSeriousAxeViolations(page, 'official saved');

    // Reload: still official, the working day kept.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await expect(page.getByLabel('Năm', { exact: true }).inputValue()).resolves.toBe('2027');
    await sourceNote(page).getByText('Lịch chính thức', { exact: true }).waitFor();
    await row(workingDays, '13/02/2027', 'Làm bù').waitFor();
    await row(holidays, '06/02/2027', 'Tết Nguyên đán').waitFor();
    await settled(page);

    // The public API agrees.
    const api = await page.evaluate(async () => {
      const res = await fetch('/api/calendar/2027');
      return { status: res.status, body: (await res.json()) as { official: boolean; workingDays: { date: string; name: string }[] } };
    });
    expect(api.status).toBe(200);
    expect(api.body.official).toBe(true);
    expect(api.body.workingDays).toContainEqual({ date: '2027-02-13', name: 'Làm bù' });

    // Narrow screens.
    await page.setViewportSize({ width: 360, height: 740 });
    await expectNoHorizontalScroll(page, 'official at 360 px');
    await expectNoSeriousAxeViolations(page, 'official at 360 px');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Restore the defaults, with the confirmation.
    await page.getByRole('button', { name: 'Khôi phục mặc định' }).click();
    const confirm = page.getByRole('group', { name: 'Xác nhận khôi phục lịch mặc định' });
    await confirm.getByText('Xóa lịch chính thức năm 2027 và quay về lịch mặc định?').waitFor();
    await expectNoSeriousAxeViolations(page, 'restore confirmation');
    await confirm.getByRole('button', { name: 'Xác nhận khôi phục' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã khôi phục lịch mặc định năm 2027.' }).waitFor();
    await sourceNote(page).getByText('Lịch mặc định', { exact: true }).waitFor();
    await page.getByText('Không có ngày làm việc bù nào.').waitFor();
    await settled(page);
    await expectNoSeriousAxeViolations(page, 'defaults restored');
    const after = await page.evaluate(async () => ((await (await fetch('/api/calendar/2027')).json()) as { official: boolean }).official);
    expect(after).toBe(false);

    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
    await page.context().close();
  });

  it('tells a desk officer politely that the page is not for them', { timeout: TIMEOUT }, async () => {
    const page = await newPage();
    await expectAdminRefused(journey, page, DESK_OFFICER, PASSWORD, ADMIN_PAGE, '/quan-tri/ngay-nghi', 'Bạn không có quyền quản lý lịch nghỉ lễ.');
    await expect(page.getByLabel('Năm', { exact: true }).count()).resolves.toBe(0);
    await settled(page);
    await expectNoSeriousAxeViolations(page, 'not allowed');
    await page.context().close();
  });
});
