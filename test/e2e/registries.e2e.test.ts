// Browser journeys of the shared registries (#7): the system administrator opens the registry
// page from the header, imports a CSV with a wrong CCCD → the whole file is refused and the report
// names the row and the reason in Vietnamese; fixes the row, imports again → applied; searches the
// person without diacritics and opens the record with its history. A desk officer looks the
// citizen up for a dossier (through the API); the citizen sees that lookup (who, which dossier,
// which purpose) on "Dữ liệu của tôi" and downloads all her data as JSON. axe on every page; no
// horizontal scroll at 360 px.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPage, logInThroughForm } from '../support/browser.js';
import { apiLogin, birthFormValue, browserJourney, DEMO_PASSWORD, demoEmail, type FormProp, openAdminPage, PDF } from '../support/journeys.js';

const TIMEOUT = 180_000;
const PROCEDURE = '1.001193'; // Đăng ký khai sinh, at a ward
const WARD = '000.01.21.H31'; // a ward of quận Hồng Bàng
const ADMIN_PAGE = { link: 'Sổ đăng ký dùng chung', path: /\/quan-tri\/so-dang-ky$/, title: 'Sổ đăng ký dùng chung' };

const journey = browserJourney({ timeout: TIMEOUT });
const { errors } = journey;

describe('shared registries (browser)', () => {
  it('an import with a bad row is refused whole with a report; fixed, it is applied and searchable', { timeout: TIMEOUT }, async () => {
    const page = await journey.open();
    await openAdminPage(journey, page, demoEmail('quantri.hethong'), DEMO_PASSWORD, ADMIN_PAGE);
    await page.getByRole('tab', { name: 'Cơ sở dữ liệu dân cư', selected: true }).waitFor();
    await checkPage(page, 'registry admin');

    // choosing nothing: the error next to the field
    await page.getByRole('button', { name: 'Nhập dữ liệu', exact: true }).click();
    await page.getByText('Hãy chọn một tệp CSV hoặc JSON.').waitFor();

    const bad = 'citizenId,fullName,birthDate,gender\n001300000111,Đỗ Thị Lụa,01/02/2000,nữ\n001200000222,Lý Thị Sai,2000-05-06,nữ\n';
    await page.getByLabel('Tệp dữ liệu (CSV hoặc JSON)').setInputFiles({ name: 'dan-cu.csv', mimeType: 'text/csv', buffer: Buffer.from(bad, 'utf8') });
    await page.getByRole('button', { name: 'Nhập dữ liệu', exact: true }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Tệp dan-cu.csv bị từ chối: 1/2 dòng có lỗi. Không dòng nào được nhập' });
    await refusal.waitFor();
    const row = refusal.locator('tbody tr');
    await expect(row.count()).resolves.toBe(1);
    await expect(row.locator('td').allTextContents()).resolves.toEqual(['2', '001200000222', 'Số định danh cá nhân (CCCD)', 'Chữ số thứ 4 của số CCCD không khớp thế kỷ sinh và giới tính']);
    // nothing was imported, not even the good row
    await page.getByLabel('Tìm theo tên hoặc số định danh / mã số doanh nghiệp').fill('Lụa');
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    await page.getByText('Không có bản ghi nào.').waitFor();
    await page.getByText('Bị từ chối, không nhập dòng nào').first().waitFor();
    await checkPage(page, 'registry import refused', 'main');

    // fixed: the CCCD of a woman born in 2000 has 3 as its fourth digit
    const fixed = bad.replace('001200000222', '001300000222');
    await page.getByLabel('Tệp dữ liệu (CSV hoặc JSON)').setInputFiles({ name: 'dan-cu-sua.csv', mimeType: 'text/csv', buffer: Buffer.from(fixed, 'utf8') });
    await page.getByRole('button', { name: 'Nhập dữ liệu', exact: true }).click();
    await page.getByText('Đã nhập 2 bản ghi từ tệp dan-cu-sua.csv.').waitFor();

    // searching without diacritics finds her; her record shows its history
    await page.getByLabel('Tìm theo tên hoặc số định danh / mã số doanh nghiệp').fill('do thi lua');
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    await page.getByText('1 bản ghi', { exact: true }).waitFor();
    await page.getByRole('cell', { name: 'Đỗ Thị Lụa', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Xem chi tiết bản ghi Đỗ Thị Lụa' }).click();
    const record = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Bản ghi 001300000111' }) });
    await record.waitFor();
    await record.getByText('01/02/2000').waitFor();
    await record.getByRole('cell', { name: 'Tạo mới' }).waitFor();
    await checkPage(page, 'registry record');

    // the businesses tab: the demo company
    await page.getByRole('tab', { name: 'Cơ sở dữ liệu doanh nghiệp' }).click();
    await page.getByRole('cell', { name: 'Công ty TNHH Thương mại Hải Âu', exact: true }).waitFor();
    await checkPage(page, 'registry businesses', 'main');
    expect(errors).toEqual([]);
  });

  it('a citizen sees who looked her up for which dossier, and downloads all her data', { timeout: TIMEOUT }, async () => {
    const url = journey.server.url;
    // the citizen submits a birth registration (API); the desk looks her up for it (API)
    const api = await journey.open();
    const csrf = await apiLogin(journey, api, 'an.nguyen');
    const proc = (await (await api.request.get(`${url}/api/procedures/${PROCEDURE}`)).json()) as { formSchema: { required: string[]; properties: Record<string, FormProp> }; documents: { code: string; mandatory: boolean }[] };
    const form: Record<string, unknown> = {};
    for (const k of proc.formSchema.required) form[k] = birthFormValue(k, proc.formSchema.properties[k]!);
    const documents: { requirement: string; upload: string }[] = [];
    for (const d of proc.documents.filter((x) => x.mandatory)) {
      const up = await api.request.post(`${url}/api/uploads`, { headers: { 'x-csrf-token': csrf }, multipart: { file: { name: 'giay-to.pdf', mimeType: 'application/pdf', buffer: PDF } } });
      expect(up.status(), await up.text()).toBe(201);
      documents.push({ requirement: d.code, upload: ((await up.json()) as { id: string }).id });
    }
    const sub = await api.request.post(`${url}/api/dossiers`, { headers: { 'x-csrf-token': csrf, 'idempotency-key': 'e2e-registries-1' }, data: { procedure: PROCEDURE, agency: WARD, form, documents, returnMethod: 'online' } });
    expect(sub.status(), await sub.text()).toBe(201);
    const { code } = (await sub.json()) as { code: string };
    const desk = await journey.open();
    await apiLogin(journey, desk, 'tiepnhan.hongbang');
    const lookup = await desk.request.get(`${url}/api/registries/citizens/031090001234?dossier=${code}`);
    expect(lookup.status(), await lookup.text()).toBe(200);
    expect(((await lookup.json()) as { found: boolean }).found).toBe(true);

    // she finds it from her profile, on a phone
    const page = await journey.open({ width: 360, height: 740 });
    await logInThroughForm(page, url, demoEmail('an.nguyen'), DEMO_PASSWORD);
    await page.waitForURL((u) => !u.pathname.startsWith('/dang-nhap'));
    await page.goto(`${url}/ca-nhan`);
    await page.getByRole('link', { name: 'Dữ liệu của tôi: ai đã tra cứu, tải toàn bộ dữ liệu' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dữ liệu của tôi' }).waitFor();
    const lookups = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Ai đã tra cứu dữ liệu của tôi' }) });
    const row = lookups.locator('tbody tr', { has: page.getByRole('link', { name: code }) });
    await row.waitFor();
    await row.getByText('Phạm Thị Hoa').waitFor();
    await row.getByText(`Xử lý hồ sơ ${code}`).waitFor();
    await row.getByText('031******234 · có dữ liệu').waitFor();
    // what the registry holds about her
    await page.getByText('Nguyễn Văn An', { exact: true }).first().waitFor();
    await page.getByText('15/03/1990').waitFor();
    await checkPage(page, 'my data');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải toàn bộ dữ liệu của tôi (JSON)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^du-lieu-cua-toi-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as { profile: { citizenId: string }; dossiers: { code: string }[]; registryLookups: { dossierCode: string; purpose: string }[]; registryRecords: unknown[] };
    expect(data.profile.citizenId).toBe('031090001234');
    expect(data.dossiers.map((d) => d.code)).toContain(code);
    expect(data.registryLookups).toEqual(expect.arrayContaining([expect.objectContaining({ dossierCode: code, purpose: `Xử lý hồ sơ ${code}` })]));
    expect(data.registryRecords).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});
