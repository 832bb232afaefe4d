// Browser journeys through accounts: register a citizen and verify the e-mail
// through a local SMTP sink, log in and out; log in as a demo officer and land in
// the workspace; a wrong password shows a translated alert. axe on every page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { startServer } from '../support/server.js';
import { startSmtpSink } from '../support/smtp-sink.js';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, launchBrowser, settled } from '../support/browser.js';

const TIMEOUT = 120_000;
const DEMO_OFFICER = { email: 'tiepnhan.hongbang@demo.motcua.vn', password: 'MotCua@2026demo' };

let sink: Awaited<ReturnType<typeof startSmtpSink>> | undefined;
let server: { url: string; close(): Promise<void> } | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  sink = await startSmtpSink();
  server = await startServer({ smtpPort: sink.port });
  browser = await launchBrowser();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await sink?.close();
}, TIMEOUT);

async function newPage(): Promise<Page> {
  const context = await browser!.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

describe('accounts (browser)', () => {
  it('registers a citizen, verifies the e-mail, logs in, opens the profile and logs out', { timeout: TIMEOUT }, async () => {
    const page = await newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    const email = `hai.nguyen.${Date.now()}@example.vn`;
    const password = 'mot cau mat khau that dai';
    const fullName = 'Nguyễn Văn Hải';

    // Registration: citizen is one of two radio buttons.
    await page.goto(`${server!.url}/dang-ky`);
    await page.getByRole('heading', { level: 1, name: 'Đăng ký tài khoản' }).waitFor();
    await page.locator('header').getByRole('link', { name: 'Đăng nhập' }).waitFor();
    await expectNoSeriousAxeViolations(page, 'register');
    await page.getByRole('radio', { name: 'Tổ chức, doanh nghiệp' }).check();
    await page.getByLabel('Mã số thuế').waitFor();
    await page.getByRole('radio', { name: 'Công dân' }).check();
    await page.getByLabel('Họ và tên').fill(fullName);
    await page.getByLabel('Số căn cước công dân (CCCD)').fill('031095001234');
    await page.getByLabel('Ngày sinh').fill('1995-05-20');
    await page.getByRole('radio', { name: 'Nam', exact: true }).check();
    await page.getByLabel('Thư điện tử (e-mail)').fill(email);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(password);

    // A client-side check first: a too short password is flagged next to its field.
    await page.getByLabel('Mật khẩu', { exact: true }).fill('ngan');
    await page.getByRole('button', { name: 'Đăng ký', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Vui lòng kiểm tra các trường được đánh dấu' }).waitFor();
    const pw = page.getByLabel('Mật khẩu', { exact: true });
    expect(await pw.getAttribute('aria-invalid')).toBe('true');
    await expect(pw.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await expectNoSeriousAxeViolations(page, 'register with errors');
    await pw.fill(password);
    await page.getByRole('button', { name: 'Đăng ký', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Kiểm tra hộp thư của bạn' }).waitFor();
    await page.getByText(email).waitFor();
    await expectNoSeriousAxeViolations(page, 'registered');

    // The verification e-mail, and its link.
    const mail = await sink!.waitForMessage(email);
    const m = /\/xac-thuc-email\?token=([A-Za-z0-9_-]+)/.exec(mail.text);
    expect(m, `verification link in:\n${mail.text}`).not.toBeNull();
    await page.goto(`${server!.url}/xac-thuc-email?token=${m![1]}`);
    await page.getByText('Địa chỉ thư điện tử đã được xác thực').waitFor();
    await expectNoSeriousAxeViolations(page, 'e-mail verified');

    // Log in: a citizen lands on the profile page; the header shows the name.
    await page.getByRole('link', { name: 'Đến trang đăng nhập' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    await expectNoSeriousAxeViolations(page, 'login');
    await page.getByLabel('Thư điện tử (e-mail)').fill(email);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.waitForURL(/\/ca-nhan$/);
    await page.locator('header').getByText(fullName).waitFor();
    await expect(page.locator('header').getByRole('link', { name: 'Không gian làm việc' }).count()).resolves.toBe(0);
    await expect(page.locator('header').getByRole('link', { name: 'Quản trị' }).count()).resolves.toBe(0);

    // The profile page (also through the header link).
    await page.locator('header').getByRole('link', { name: 'Cá nhân' }).click();
    await page.getByRole('heading', { level: 1, name: 'Thông tin cá nhân' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Ai đã xem dữ liệu của tôi' }).waitFor();
    await page.getByRole('button', { name: 'Đăng xuất khỏi mọi thiết bị' }).waitFor();
    await page.locator('main dd', { hasText: '031095001234' }).waitFor();
    await settled(page);
    await expectNoSeriousAxeViolations(page, 'profile');
    await page.setViewportSize({ width: 360, height: 740 });
    await expectNoHorizontalScroll(page, 'profile at 360 px');
    await expectNoSeriousAxeViolations(page, 'profile at 360 px');

    // Log out: the header offers logging in again, and the profile needs a login.
    await page.locator('header').getByRole('button', { name: 'Đăng xuất' }).click();
    await page.locator('header').getByRole('link', { name: 'Đăng nhập' }).waitFor();
    await expect(page.locator('header').getByText(fullName).count()).resolves.toBe(0);
    await page.goto(`${server!.url}/ca-nhan`);
    await page.waitForURL(/\/dang-nhap\?next=%2Fca-nhan$/);
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();

    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
    await page.context().close();
  });

  it('logs a demo officer in to the workspace', { timeout: TIMEOUT }, async () => {
    const page = await newPage();
    await page.goto(`${server!.url}/dang-nhap`);
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    await page.getByLabel('Thư điện tử (e-mail)').fill(DEMO_OFFICER.email);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(DEMO_OFFICER.password);
    await page.getByLabel('Mật khẩu', { exact: true }).press('Enter');
    await page.waitForURL(/\/can-bo$/);
    await page.getByRole('heading', { level: 1, name: 'Không gian làm việc' }).waitFor();
    const main = page.locator('main');
    await main.getByText('Cán bộ tiếp nhận').first().waitFor();
    await main.getByText('Hồng Bàng').first().waitFor();
    await page.locator('header').getByText('Cán bộ tiếp nhận').first().waitFor();
    await page.locator('header').getByRole('link', { name: 'Không gian làm việc' }).waitFor();
    await settled(page);
    await expectNoSeriousAxeViolations(page, 'workspace');
    await page.setViewportSize({ width: 360, height: 740 });
    await expectNoHorizontalScroll(page, 'workspace at 360 px');
    await page.context().close();
  });

  it('shows a translated alert for a wrong password', { timeout: TIMEOUT }, async () => {
    const page = await newPage();
    await page.goto(`${server!.url}/dang-nhap?next=${encodeURIComponent('/ca-nhan')}`);
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    await page.getByLabel('Thư điện tử (e-mail)').fill('khong.co.ai@example.vn');
    await page.getByLabel('Mật khẩu', { exact: true }).fill('sai mat khau roi');
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Thư điện tử hoặc mật khẩu không đúng.' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/dang-nhap');
    await expectNoSeriousAxeViolations(page, 'login with error');

    // The same message in English.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'The e-mail address or password is incorrect.' }).waitFor();
    await page.context().close();
  });
});
