// Browser journey of a dossier: a demo citizen submits a birth registration online (a
// renamed text file is refused, real PDFs are accepted, a double click submits once),
// the desk officer of Hồng Bàng receives it and downloads the receipt, the citizen sees
// the new status and due date, and the public look-up shows it without personal data.
// axe on every page; no horizontal scroll at 360 px on the submission and dossier pages.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer } from '../support/server.js';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, launchBrowser, settled } from '../support/browser.js';

const TIMEOUT = 180_000;
const PASSWORD = 'MotCua@2026demo';
const CITIZEN = { email: 'an.nguyen@demo.motcua.vn', name: 'Nguyễn Văn An' };
const DESK = { email: 'tiepnhan.hongbang@demo.motcua.vn' };
const PROCEDURE = '1.001193';
const WARD = 'Ủy ban nhân dân phường Hoàng Văn Thụ';

let server: { url: string; close(): Promise<void> } | undefined;
let browser: Browser | undefined;
let dir = '';

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-'));
  writeFileSync(path.join(dir, 'fake.pdf'), 'Đây không phải là một tệp PDF, chỉ là văn bản.\n');
  writeFileSync(
    path.join(dir, 'giay-to.pdf'),
    '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
  );
  server = await startServer();
  browser = await launchBrowser();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, TIMEOUT);

async function newContext(viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser!.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  return { context, page, errors };
}

async function login(page: Page, email: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
  await page.getByLabel('Thư điện tử (e-mail)').fill(email);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
}

interface Prop {
  type?: string;
  format?: string;
  enum?: string[];
  default?: string;
  title?: string;
}

/** A valid value for a field of the seeded form. */
function valueFor(key: string, p: Prop): string {
  if (p.format === 'date') return '2026-11-20';
  if (/Cccd$/.test(key)) return '031090001234';
  if (p.type === 'integer' || p.type === 'number') return '1';
  if (/HoTen$/.test(key)) return key.startsWith('tre') ? 'Nguyễn Minh Khang' : key.startsWith('me') ? 'Trần Thị Mai' : 'Nguyễn Văn An';
  if (key === 'treNoiSinh') return 'Bệnh viện Phụ sản Hải Phòng';
  return p.default ?? 'Hải Phòng';
}

describe('dossiers (browser)', () => {
  it('submits online, is received at the desk, and is tracked by the citizen and the public', { timeout: TIMEOUT }, async () => {
    const citizen = await newContext({ width: 360, height: 740 });
    const page = citizen.page;

    // The procedure page leads to the submission, which needs a login first.
    await page.goto(`${server!.url}/thu-tuc/${PROCEDURE}`);
    await page.getByRole('heading', { level: 1, name: 'Đăng ký khai sinh' }).waitFor();
    await page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).click();
    await page.waitForURL(/\/dang-nhap\?next=%2Fnop-ho-so%2F1\.001193$/);
    await login(page, CITIZEN.email);
    await page.waitForURL(/\/nop-ho-so\/1\.001193$/);
    await page.getByRole('heading', { level: 1, name: 'Nộp hồ sơ trực tuyến' }).waitFor();
    await page.getByRole('heading', { level: 2, name: /Bước 1\/3: Thông tin/ }).waitFor();
    await settled(page);
    await expect(page.locator('header').getByRole('link', { name: 'Hồ sơ của tôi' }).count()).resolves.toBe(1);
    await expectNoSeriousAxeViolations(page, 'submit step 1');
    await expectNoHorizontalScroll(page, 'submit step 1 at 360 px');

    // The form of the seeded schema: the applicant's own fields come from the profile.
    const detail = (await (await page.request.get(`${server!.url}/api/procedures/${PROCEDURE}`)).json()) as {
      formSchema: { required: string[]; properties: Record<string, Prop> };
      documents: { code: string; name: string; mandatory: boolean }[];
    };
    await expect(page.locator('[name="nguoiYeuCauHoTen"]').inputValue()).resolves.toBe(CITIZEN.name);
    await expect(page.locator('[name="nguoiYeuCauCccd"]').inputValue()).resolves.toBe('031090001234');
    await page.locator('[name="treHoTen"]').fill('');

    // Continuing with missing fields: an alert, and the fields flagged.
    await page.getByRole('button', { name: 'Tiếp tục', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Vui lòng kiểm tra các trường được đánh dấu' }).waitFor();
    expect(await page.getByLabel('Cơ quan tiếp nhận hồ sơ').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Họ, chữ đệm, tên của trẻ').getAttribute('aria-invalid')).toBe('true');
    await expectNoSeriousAxeViolations(page, 'submit step 1 with errors');

    await page.getByLabel('Cơ quan tiếp nhận hồ sơ').selectOption({ label: WARD });
    for (const key of detail.formSchema.required) {
      const prop = detail.formSchema.properties[key]!;
      const field = page.locator(`[name="${key}"]`);
      if (prop.enum) await field.selectOption({ index: 1 });
      else await field.fill(valueFor(key, prop));
    }
    await page.getByRole('button', { name: 'Tiếp tục', exact: true }).click();

    // Documents: a renamed text file is refused next to its document; PDFs are accepted.
    await page.getByRole('heading', { level: 2, name: /Bước 2\/3: Giấy tờ/ }).waitFor();
    const inputs = page.locator('input[type="file"]');
    const mandatory = detail.documents.map((d, i) => ({ ...d, i })).filter((d) => d.mandatory);
    expect(mandatory.length).toBeGreaterThan(0);
    const first = inputs.nth(mandatory[0]!.i);
    await first.setInputFiles(path.join(dir, 'fake.pdf'));
    await page.getByText('Tệp không được chấp nhận').waitFor();
    expect(await first.getAttribute('aria-invalid')).toBe('true');
    await expectNoSeriousAxeViolations(page, 'submit step 2 with a refused file');
    for (const d of mandatory) {
      await inputs.nth(d.i).setInputFiles(path.join(dir, 'giay-to.pdf'));
      await page.locator('.upload').nth(d.i).getByText('Đã tải lên: giay-to.pdf').waitFor();
    }
    expect(await first.getAttribute('aria-invalid')).toBeNull();
    await settled(page);
    await expectNoSeriousAxeViolations(page, 'submit step 2');
    await expectNoHorizontalScroll(page, 'submit step 2 at 360 px');
    await page.getByRole('button', { name: 'Tiếp tục', exact: true }).click();

    // Review, then a double click on submit creates one dossier.
    await page.getByRole('heading', { level: 2, name: /Bước 3\/3: Xem lại/ }).waitFor();
    await page.getByText(WARD).waitFor();
    await page.getByText('Nguyễn Minh Khang').waitFor();
    await expectNoSeriousAxeViolations(page, 'submit step 3');
    await expectNoHorizontalScroll(page, 'submit step 3 at 360 px');
    await page.getByRole('radio', { name: 'Nhận tại Bộ phận Một cửa' }).check();
    await page.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).dblclick();
    await page.waitForURL(/\/ho-so\/[A-Z0-9.]+-\d{6}-\d{4,6}$/);
    const code = decodeURIComponent(page.url().split('/ho-so/')[1]!);
    await page.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    await page.locator('main').getByText('Đã nộp, chờ tiếp nhận').first().waitFor();
    const mine = (await (await page.request.get(`${server!.url}/api/me/dossiers`)).json()) as { items: { code: string }[] };
    expect(mine.items.map((i) => i.code)).toEqual([code]);
    const check = (await page.locator('.check-value').textContent())?.trim() ?? '';
    expect(check).toMatch(/^[2-9A-Za-z]{6}$/);
    await settled(page);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('.qr img');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    await expectNoSeriousAxeViolations(page, 'dossier (submitted)');
    await expectNoHorizontalScroll(page, 'dossier at 360 px');

    // The list of my dossiers.
    await page.locator('header').getByRole('link', { name: 'Hồ sơ của tôi' }).click();
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ của tôi' }).waitFor();
    await page.getByRole('link', { name: code }).waitFor();
    await expectNoSeriousAxeViolations(page, 'my dossiers');

    // The desk officer receives it.
    const desk = await newContext();
    const dp = desk.page;
    await dp.goto(`${server!.url}/dang-nhap`);
    await login(dp, DESK.email);
    await dp.waitForURL(/\/can-bo$/);
    await dp.getByRole('heading', { level: 2, name: 'Hồ sơ chờ tiếp nhận' }).waitFor();
    await settled(dp);
    await expectNoSeriousAxeViolations(dp, 'workspace (desk)');
    await dp.getByRole('link', { name: code }).click();
    await dp.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    await dp.getByRole('button', { name: 'Tiếp nhận', exact: true }).waitFor();
    await settled(dp);
    await expectNoSeriousAxeViolations(dp, 'desk dossier');
    await dp.getByRole('button', { name: 'Yêu cầu bổ sung', exact: true }).click();
    await dp.getByRole('group', { name: 'Giấy tờ cần bổ sung' }).waitFor();
    await expectNoSeriousAxeViolations(dp, 'desk dossier, supplement checklist');
    await dp.getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
    await dp.getByText('Đã tiếp nhận hồ sơ').waitFor();
    const receipt = dp.getByRole('link', { name: /Tải phiếu tiếp nhận/ });
    const href = await receipt.getAttribute('href');
    expect(href).toBe(`/api/dossiers/${code}/forms/receipt`);
    const pdf = await dp.request.get(`${server!.url}${href!}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
    await expectNoSeriousAxeViolations(dp, 'desk dossier (received)');
    await dp.getByRole('link', { name: 'Quay lại không gian làm việc' }).click();
    await dp.getByRole('heading', { level: 2, name: 'Hồ sơ chờ tiếp nhận' }).waitFor();
    await settled(dp);
    await expect(dp.getByRole('link', { name: code }).count()).resolves.toBe(0);

    // The register lists the received dossier; paper intake opens accessibly.
    await dp.getByRole('link', { name: 'Sổ theo dõi hồ sơ' }).click();
    await dp.getByRole('heading', { level: 1, name: 'Sổ theo dõi hồ sơ' }).waitFor();
    await dp.getByLabel('Cơ quan tiếp nhận').selectOption({ label: WARD });
    await dp.getByRole('button', { name: 'Xem sổ' }).click();
    await dp.getByRole('link', { name: code }).waitFor();
    expect(await dp.getByRole('link', { name: 'Xuất Excel' }).getAttribute('href')).toMatch(/format=xlsx/);
    await expectNoSeriousAxeViolations(dp, 'register');
    // filtering the register: without diacritics, and a search matching nothing
    const registerSearch = dp.getByLabel('Tìm trong sổ (mã, tên, thủ tục)');
    await registerSearch.fill('dang ky khai sinh');
    await dp.getByRole('link', { name: code }).waitFor();
    await registerSearch.fill('không có hồ sơ này');
    await dp.getByText('Đang hiển thị 0/').waitFor();
    await expect(dp.getByRole('link', { name: code }).count()).resolves.toBe(0);
    await registerSearch.fill('');
    await dp.goto(`${server!.url}/can-bo/tiep-nhan`);
    await dp.getByRole('heading', { level: 1, name: 'Tiếp nhận hồ sơ giấy' }).waitFor();
    await dp.getByLabel('Thủ tục hành chính').fill('khai sinh');
    await dp.getByRole('button', { name: /Đăng ký khai sinh/ }).first().click();
    await dp.locator('[name="treHoTen"]').waitFor();
    await settled(dp);
    await expectNoSeriousAxeViolations(dp, 'desk intake');

    // The citizen sees the new status and the due date.
    await page.goto(`${server!.url}/ho-so/${code}`);
    await page.locator('main').getByText('Mới tiếp nhận').first().waitFor();
    const due = page.locator('.summary > div', { has: page.locator('dt', { hasText: 'Ngày hẹn trả' }) }).locator('dd');
    await expect(due.textContent()).resolves.toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    await page.getByRole('link', { name: /Tải phiếu tiếp nhận/ }).waitFor();
    await settled(page);
    await expectNoSeriousAxeViolations(page, 'dossier (received)');
    await expectNoHorizontalScroll(page, 'dossier (received) at 360 px');

    // The public look-up: no login, no personal data.
    const pub = await newContext();
    const pp = pub.page;
    await pp.goto(`${server!.url}/tra-cuu`);
    await pp.getByRole('heading', { level: 1, name: 'Tra cứu hồ sơ' }).waitFor();
    await expectNoSeriousAxeViolations(pp, 'look-up');
    await pp.getByLabel('Mã hồ sơ').fill(code);
    await pp.getByLabel('Mã tra cứu').fill('ZZZZZZ');
    await pp.getByRole('button', { name: 'Tra cứu', exact: true }).click();
    await pp.getByRole('alert').filter({ hasText: 'Không tìm thấy hồ sơ' }).waitFor();
    await pp.getByLabel('Mã tra cứu').fill(check);
    await pp.getByRole('button', { name: 'Tra cứu', exact: true }).click();
    await pp.locator('main').getByText('Mới tiếp nhận').waitFor();
    await pp.getByText('Đăng ký khai sinh').waitFor();
    await expect(pp.locator('main').textContent()).resolves.not.toContain(CITIZEN.name);
    await expectNoSeriousAxeViolations(pp, 'look-up result');
    // The QR code's link looks up at once.
    await pp.goto(`${server!.url}/tra-cuu?ma=${encodeURIComponent(code)}&kiem-tra=${check}`);
    await pp.locator('main').getByText('Mới tiếp nhận').waitFor();

    expect([...citizen.errors, ...desk.errors, ...pub.errors], 'uncaught errors in the pages').toEqual([]);
    await citizen.context.close();
    await desk.context.close();
    await pub.context.close();
  });
});
