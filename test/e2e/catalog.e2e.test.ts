// Browser journey through the public catalog: search without diacritics, open a
// procedure, switch language, check the narrow layout, and run axe on every page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type BrowserContext } from 'playwright-core';
import { startServer } from '../support/server.js';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, launchBrowser } from '../support/browser.js';

const TIMEOUT = 120_000;

let server: { url: string; close(): Promise<void> } | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  context = await browser.newContext();
}, TIMEOUT);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
}, TIMEOUT);

describe('public catalog (browser)', () => {
  it('searches without diacritics, shows a procedure, switches to English, fits 360 px, passes axe', { timeout: TIMEOUT }, async () => {
    const page = await context!.newPage();
    page.setDefaultTimeout(20_000);
    const consoleErrors: string[] = [];
    page.on('pageerror', (err) => consoleErrors.push(String(err)));

    // Home page, in Vietnamese by default.
    await page.goto(`${server!.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Thủ tục hành chính' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await page.getByRole('link', { name: 'Bỏ qua đến nội dung chính' }).waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'English' }).waitFor();
    await expectNoSeriousAxeViolations(page, 'home');

    // Search without diacritics.
    const box = page.getByLabel('Tìm thủ tục hành chính');
    await box.fill('dang ky khai sinh');
    await box.press('Enter');
    await page.waitForURL(/\/thu-tuc\?q=/);
    const result = page.getByRole('link', { name: 'Đăng ký khai sinh', exact: true });
    await result.first().waitFor();
    await expect(page.getByRole('status').filter({ hasText: /Tìm thấy \d+ thủ tục/ }).count()).resolves.toBeGreaterThan(0);
    await expectNoSeriousAxeViolations(page, 'search results');

    // Procedure detail.
    await result.first().click();
    await page.waitForURL(/\/thu-tuc\/[^/?]+$/);
    await page.getByRole('heading', { level: 1, name: 'Đăng ký khai sinh' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Thành phần hồ sơ' }).waitFor();
    const docsTable = page.locator('section[aria-labelledby="sec-docs"] table');
    await docsTable.waitFor();
    expect(await docsTable.locator('tbody tr').count()).toBeGreaterThan(0);
    await expect(docsTable.getByRole('columnheader', { name: 'Hình thức' }).count()).resolves.toBe(1);
    const timeLimit = page.locator('dt', { hasText: 'Thời hạn giải quyết' }).locator('xpath=following-sibling::dd[1]');
    expect(await timeLimit.innerText()).toMatch(/Trong ngày làm việc|\d+([,.]\d+)? (ngày làm việc|ngày|giờ làm việc|giờ|tháng)/);
    await page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).waitFor();
    await expectNoSeriousAxeViolations(page, 'procedure detail (vi)');

    // Switch to English: labels change, <html lang> follows, the choice persists.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 2, name: 'Required documents' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByRole('button', { name: 'Tiếng Việt' }).waitFor();
    expect(await timeLimit.count()).toBe(0);
    const timeLimitEn = page.locator('dt', { hasText: 'Time limit' }).locator('xpath=following-sibling::dd[1]');
    expect(await timeLimitEn.innerText()).toMatch(/Within the working day|\d+(\.\d+)? (working days?|days?|working hours?|hours?|months?)/);
    await expectNoSeriousAxeViolations(page, 'procedure detail (en)');
    const detailPath = new URL(page.url()).pathname;
    await page.goto(`${server!.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Administrative procedures' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByRole('link', { name: 'Civil status' }).or(page.getByRole('link', { name: 'See all procedures' })).first().waitFor();
    // Back to the procedure through the app (deep links are checked in their own test).
    await page.getByLabel('Search administrative procedures').fill('dang ky khai sinh');
    await page.getByLabel('Search administrative procedures').press('Enter');
    await page.locator(`main a[href="${detailPath}"]`).first().click();
    await page.getByRole('heading', { level: 2, name: 'Required documents' }).waitFor();

    // Narrow screen: no horizontal scroll on any page of the journey.
    await page.setViewportSize({ width: 360, height: 740 });
    await expectNoHorizontalScroll(page, 'procedure detail at 360 px');
    await expectNoSeriousAxeViolations(page, 'procedure detail at 360 px');
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await page.getByRole('heading', { level: 2, name: 'Thành phần hồ sơ' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await expectNoHorizontalScroll(page, 'procedure detail (vi) at 360 px');

    await page.goto(`${server!.url}/thu-tuc?q=${encodeURIComponent('dang ky khai sinh')}`);
    await page.getByRole('link', { name: 'Đăng ký khai sinh', exact: true }).first().waitFor();
    await expectNoHorizontalScroll(page, 'search results at 360 px');

    await page.goto(`${server!.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Thủ tục hành chính' }).waitFor();
    await page.getByRole('heading', { level: 2 }).first().waitFor();
    await expectNoHorizontalScroll(page, 'home at 360 px');
    await expectNoSeriousAxeViolations(page, 'home at 360 px');

    expect(consoleErrors, 'uncaught errors in the page').toEqual([]);
    await page.close();
  });

  it('browses agencies, groups and the not-found page accessibly', { timeout: TIMEOUT }, async () => {
    const page = await context!.newPage();
    page.setDefaultTimeout(20_000);
    await page.setViewportSize({ width: 360, height: 740 });

    await page.goto(`${server!.url}/co-quan`);
    await page.locator('.tree').waitFor();
    const toggle = await page.locator('.tree-toggle[aria-expanded="false"]').first().elementHandle({ timeout: 5_000 }).catch(() => null);
    if (toggle) {
      // Expand a branch with the keyboard: the disclosure button reports its state.
      await toggle.focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction((el) => el.getAttribute('aria-expanded') === 'true', toggle);
      const controls = await toggle.getAttribute('aria-controls');
      expect(controls).toBeTruthy();
      await page.locator(`[id="${controls}"] li`).first().waitFor();
      await page.keyboard.press('Enter');
      await page.waitForFunction((el) => el.getAttribute('aria-expanded') === 'false', toggle);
      await page.keyboard.press('Space');
      await page.waitForFunction((el) => el.getAttribute('aria-expanded') === 'true', toggle);
    }
    await expectNoHorizontalScroll(page, 'agencies at 360 px');
    await expectNoSeriousAxeViolations(page, 'agencies');

    await page.locator('.tree a').first().click();
    await page.getByRole('heading', { level: 2, name: 'Thông tin liên hệ' }).waitFor();
    await page.locator('main [role="status"]').first().waitFor({ state: 'detached' }).catch(() => undefined);
    await expectNoHorizontalScroll(page, 'agency detail at 360 px');
    await expectNoSeriousAxeViolations(page, 'agency detail');

    await page.goto(`${server!.url}/lien-thong`);
    await page.getByRole('heading', { level: 1, name: 'Thủ tục liên thông' }).waitFor();
    await page.locator('main .status').waitFor({ state: 'detached' }).catch(() => undefined);
    await expectNoSeriousAxeViolations(page, 'groups');
    const firstGroup = page.locator('main .result-title a').first();
    if ((await firstGroup.count()) > 0) {
      await firstGroup.click();
      await page.getByRole('heading', { level: 2, name: 'Các thủ tục trong nhóm' }).waitFor();
      await expectNoHorizontalScroll(page, 'group detail at 360 px');
      await expectNoSeriousAxeViolations(page, 'group detail');
    }

    await page.goto(`${server!.url}/khong-co-trang-nay`);
    await page.getByRole('heading', { level: 1, name: 'Không tìm thấy trang' }).waitFor();
    await expectNoSeriousAxeViolations(page, 'not found');
    await page.close();
  });

  it('serves deep links to procedure pages (national codes contain dots)', { timeout: TIMEOUT }, async () => {
    const page = await context!.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${server!.url}/thu-tuc?q=${encodeURIComponent('dang ky khai sinh')}`);
    const link = page.getByRole('link', { name: /Đăng ký khai sinh|Birth registration/ }).first();
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/thu-tuc\//);
    const res = await page.goto(`${server!.url}${href}`);
    expect(res?.status()).toBe(200);
    await page.locator('section[aria-labelledby="sec-docs"] table').waitFor();
    await page.close();
  });
});
