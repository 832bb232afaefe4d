// Browser journey through officer administration: the demo agency administrator of
// quận Hồng Bàng lists the officers in scope, creates an officer with a grant on a ward
// (chosen with the agency picker), adds and revokes a second grant, is refused a grant
// outside the district, logs out; the new officer then logs in to the workspace.
// axe on every page and state; no horizontal scroll at 360 px.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { startServer } from '../support/server.js';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, launchBrowser, settled, logInThroughForm, newPage as openPage } from '../support/browser.js';

const TIMEOUT = 180_000;
const ADMIN = { email: 'quantri.hongbang@demo.motcua.vn', password: 'MotCua@2026demo' };

let server: { url: string; close(): Promise<void> } | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.close();
}, TIMEOUT);

const newPage = () => openPage(browser!);

const logIn = (page: Page, email: string, password: string) => logInThroughForm(page, server!.url, email, password);

/** The card of one officer in the list, by full name. */
function officerCard(page: Page, fullName: string): Locator {
  return page.locator('main .officer-list > li').filter({ has: page.getByRole('heading', { level: 3, name: fullName, exact: true }) });
}

/** Searches with the agency picker inside `scope` and picks the match whose name starts with `name`. */
async function pickAgency(scope: Locator, query: string, name: string): Promise<void> {
  await scope.getByLabel('Cơ quan', { exact: true }).fill(query);
  const re = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(`);
  await scope.locator('.picker-results').getByRole('button', { name: re }).click();
  await scope.getByText(name, { exact: true }).waitFor();
}

describe('officer administration (browser)', () => {
  it('lists, creates, grants and revokes in scope; refuses grants outside it; the new officer logs in', { timeout: TIMEOUT }, async () => {
    const page = await newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    const email = `tran.van.moi.${Date.now()}@example.vn`;
    const fullName = 'Trần Văn Mới';
    const password = 'mat-khau-dai-10';

    // Log in: an agency administrator is an officer, and the header offers administration.
    await logIn(page, ADMIN.email, ADMIN.password);
    await page.waitForURL(/\/can-bo$/);
    const adminLink = page.locator('header').getByRole('link', { name: 'Quản trị' });
    await adminLink.waitFor();
    await adminLink.click();
    await page.waitForURL(/\/quan-tri\/can-bo$/);
    await page.getByRole('heading', { level: 1, name: 'Quản trị cán bộ' }).waitFor();

    // The list: Hồng Bàng officers only.
    await officerCard(page, 'Phạm Thị Hoa').waitFor();
    await officerCard(page, 'Phạm Thị Hoa').getByText('Cán bộ tiếp nhận (một cửa)').waitFor();
    await officerCard(page, 'Vũ Đức Long').waitFor();
    await settled(page);
    for (const other of ['Lê Minh Tuấn', 'Hoàng Thị Mai', 'Đỗ Thu Trang', 'Quản trị hệ thống']) {
      await expect(officerCard(page, other).count(), `${other} listed`).resolves.toBe(0);
    }
    await expectNoSeriousAxeViolations(page, 'officers');

    // Create: refused first on an agency outside quận Hồng Bàng; nothing is created.
    const create = page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name: 'Tạo tài khoản cán bộ' }) });
    await create.getByLabel('Thư điện tử (e-mail)').fill(email);
    await create.getByLabel('Họ và tên').fill(fullName);
    await create.getByLabel('Mật khẩu ban đầu').fill(password);
    await create.getByLabel('Vai trò', { exact: true }).selectOption({ label: 'Chuyên viên xử lý' });
    await pickAgency(create, 'Ngô Quyền', 'Ủy ban nhân dân quận Ngô Quyền');
    await expectNoSeriousAxeViolations(page, 'create form filled');
    await create.getByRole('button', { name: 'Tạo tài khoản', exact: true }).click();
    const refusal = create.getByRole('alert').filter({ hasText: 'Bạn không có quyền thực hiện thao tác này.' });
    await refusal.waitFor();
    expect(await refusal.isVisible()).toBe(true);
    await expectNoSeriousAxeViolations(page, 'create refused');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Quản trị cán bộ' }).waitFor();
    await officerCard(page, 'Phạm Thị Hoa').waitFor();
    await settled(page);
    await expect(officerCard(page, fullName).count(), 'officer created despite the refusal').resolves.toBe(0);

    // Create for real, on the ward Hoàng Văn Thụ (inside quận Hồng Bàng).
    await create.getByLabel('Thư điện tử (e-mail)').fill(email);
    await create.getByLabel('Họ và tên').fill(fullName);
    await create.getByLabel('Mật khẩu ban đầu').fill(password);
    await create.getByLabel('Vai trò', { exact: true }).selectOption({ label: 'Chuyên viên xử lý' });
    await pickAgency(create, 'Hoàng Văn Thụ', 'Ủy ban nhân dân phường Hoàng Văn Thụ');
    await create.getByRole('button', { name: 'Tạo tài khoản', exact: true }).click();
    await page.getByRole('status').filter({ hasText: `Đã tạo tài khoản cán bộ ${fullName}.` }).waitFor();
    const card = officerCard(page, fullName);
    await card.waitFor();
    await card.getByText(email).waitFor();
    const firstGrant = card.locator('.item-list > li').filter({ hasText: 'Ủy ban nhân dân phường Hoàng Văn Thụ' });
    await firstGrant.getByText('Chuyên viên xử lý').waitFor();
    await settled(page);
    await expectNoSeriousAxeViolations(page, 'officer created');

    // A second grant: desk officer at the district people's committee.
    await card.getByRole('button', { name: `Thêm vai trò cho ${fullName}` }).click();
    const addForm = card.getByRole('form', { name: `Thêm vai trò cho ${fullName}` });
    await addForm.getByLabel('Vai trò', { exact: true }).selectOption({ label: 'Cán bộ tiếp nhận (một cửa)' });
    await pickAgency(addForm, 'Hồng Bàng', 'Ủy ban nhân dân quận Hồng Bàng');
    await expectNoSeriousAxeViolations(page, 'add grant form');
    await addForm.getByRole('button', { name: 'Thêm vai trò', exact: true }).click();
    await page.getByRole('status').filter({ hasText: `Đã giao vai trò Cán bộ tiếp nhận (một cửa) cho ${fullName}.` }).waitFor();
    const secondGrant = card.locator('.item-list > li').filter({ hasText: 'Cán bộ tiếp nhận (một cửa)' });
    await secondGrant.getByText('Ủy ban nhân dân quận Hồng Bàng').waitFor();
    await expect(card.locator('.item-list > li').count()).resolves.toBe(2);
    await expectNoSeriousAxeViolations(page, 'grant added');

    // Revoke it, with the confirmation.
    await card
      .getByRole('button', { name: `Thu hồi vai trò Cán bộ tiếp nhận (một cửa) tại Ủy ban nhân dân quận Hồng Bàng của ${fullName}` })
      .click();
    const confirm = card.getByRole('group', { name: 'Xác nhận thu hồi vai trò' });
    await confirm.getByText(`Thu hồi vai trò Cán bộ tiếp nhận (một cửa) của ${fullName}?`).waitFor();
    await expectNoSeriousAxeViolations(page, 'revoke confirmation');
    await confirm.getByRole('button', { name: 'Xác nhận thu hồi' }).click();
    await page.getByRole('status').filter({ hasText: `Đã thu hồi vai trò Cán bộ tiếp nhận (một cửa) của ${fullName}.` }).waitFor();
    await secondGrant.getByText(/đã thu hồi ngày/).waitFor();
    await expect(secondGrant.getByRole('button', { name: /^Thu hồi/ }).count()).resolves.toBe(0);
    await expect(firstGrant.getByText(/đã thu hồi ngày/).count()).resolves.toBe(0);
    await expect(firstGrant.getByRole('button', { name: /^Thu hồi vai trò Chuyên viên xử lý/ }).count()).resolves.toBe(1);
    await expectNoSeriousAxeViolations(page, 'grant revoked');

    // Narrow screens.
    await page.setViewportSize({ width: 360, height: 740 });
    await expectNoHorizontalScroll(page, 'officers at 360 px');
    await expectNoSeriousAxeViolations(page, 'officers at 360 px');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Log out: home page, with the login link.
    await page.locator('header').getByRole('button', { name: 'Đăng xuất' }).click();
    await page.locator('header').getByRole('link', { name: 'Đăng nhập' }).waitFor();
    await page.waitForURL((u) => u.pathname === '/' && u.search === '');

    // The new officer logs in with the initial password and lands in the workspace.
    await logIn(page, email, password);
    await page.waitForURL(/\/can-bo$/);
    await page.getByRole('heading', { level: 1, name: 'Không gian làm việc' }).waitFor();
    await page.locator('main').getByText('Chuyên viên xử lý').first().waitFor();
    await page.locator('header').getByText(fullName).waitFor();
    await expect(page.locator('main').getByText('Cán bộ tiếp nhận (một cửa)').count(), 'revoked grant still shown').resolves.toBe(0);
    await expect(page.locator('header').getByRole('link', { name: 'Quản trị' }).count()).resolves.toBe(0);
    await settled(page);
    await expectNoSeriousAxeViolations(page, 'new officer workspace');

    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
    await page.context().close();
  });
});
