// Browser journey of signed e-results: a demo citizen's birth registration (1.001193, received
// and approved through the API) reaches the result step; the specialist of Hồng Bàng records
// the result on the processing page with the e-result form (fields pre-filled from the dossier;
// a malformed CCCD refused next to its field, a CCCD that does not match the birth refused by
// the server next to its field), which issues a signed PDF. On the public page /xac-minh, on a
// phone, the downloaded PDF verifies as valid, a copy with one byte changed as tampered; the QR
// page /xac-minh/<serial> shows the result; the unit head revokes it from "Kết quả điện tử đã
// cấp" with a reason, and the same PDF then verifies as revoked, with the reason. axe + 360 px.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { checkPage, expectNoSeriousAxeViolations, logInThroughForm, settled } from '../support/browser.js';
import { act, apiLogin, birthFormValue, browserJourney, DEMO_PASSWORD, demoEmail, type FormProp, openFromUnitInbox, PDF } from '../support/journeys.js';

const TIMEOUT = 240_000;
const PROCEDURE = '1.001193';
const WARD = '000.01.21.H31';
const BIRTH = '2026-11-20';
// a boy born in 2026 (century digit 2), registered in Hải Phòng (031)
const CHILD_CCCD = '031226000777';

const journey = browserJourney({ timeout: TIMEOUT });
const { errors } = journey;

async function post(page: Page, csrf: string, path: string, data: unknown) {
  const res = await page.request.post(`${journey.server.url}${path}`, { headers: { 'x-csrf-token': csrf }, data });
  expect(res.status(), await res.text()).toBe(200);
  return res.json() as Promise<Record<string, unknown>>;
}

async function openTaskId(page: Page, code: string): Promise<number> {
  const v = (await (await page.request.get(`${journey.server.url}/api/work/dossiers/${code}`)).json()) as { tasks: { id: number; kind: string; status: string }[] };
  return v.tasks.find((t) => t.status === 'open' && t.kind === 'step')!.id;
}

async function verifyUpload(page: Page, name: string, buffer: Buffer) {
  await page.getByLabel(/^Tệp PDF kết quả/).setInputFiles({ name, mimeType: 'application/pdf', buffer });
  await page.getByRole('button', { name: 'Xác minh', exact: true }).click();
  const outcome = page.getByTestId('verify-outcome');
  await outcome.locator('[data-verdict]').waitFor();
  return outcome;
}

describe('signed e-results (browser)', () => {
  it('an officer issues a signed e-result; the public page verifies it valid, a changed copy tampered, and revoked after revocation', { timeout: TIMEOUT }, async () => {
    const url = journey.server.url;
    // The citizen submits online; the desk receives; examination and approval through the API.
    const citizen = await journey.open({ width: 360, height: 740 });
    const citizenCsrf = await apiLogin(journey, citizen, 'an.nguyen');
    const proc = (await (await citizen.request.get(`${url}/api/procedures/${PROCEDURE}`)).json()) as { formSchema: { required: string[]; properties: Record<string, FormProp> }; documents: { code: string; mandatory: boolean }[] };
    const form: Record<string, unknown> = {};
    for (const key of proc.formSchema.required) form[key] = birthFormValue(key, proc.formSchema.properties[key]!, BIRTH);
    const documents: { requirement: string; upload: string }[] = [];
    for (const d of proc.documents.filter((x) => x.mandatory)) {
      const up = await citizen.request.post(`${url}/api/uploads`, { headers: { 'x-csrf-token': citizenCsrf }, multipart: { file: { name: 'giay-to.pdf', mimeType: 'application/pdf', buffer: PDF } } });
      expect(up.status(), await up.text()).toBe(201);
      documents.push({ requirement: d.code, upload: ((await up.json()) as { id: string }).id });
    }
    const sub = await citizen.request.post(`${url}/api/dossiers`, { headers: { 'x-csrf-token': citizenCsrf, 'idempotency-key': 'e2e-results-0001' }, data: { procedure: PROCEDURE, agency: WARD, form, documents, returnMethod: 'online' } });
    expect(sub.status(), await sub.text()).toBe(201);
    const { code } = (await sub.json()) as { code: string };
    const desk = await journey.open();
    await post(desk, await apiLogin(journey, desk, 'tiepnhan.hongbang'), `/api/desk/dossiers/${code}/decision`, { outcome: 'receive' });
    const spApi = await journey.open();
    const spCsrf = await apiLogin(journey, spApi, 'chuyenvien.hongbang');
    const examine = await openTaskId(spApi, code);
    await post(spApi, spCsrf, `/api/work/dossiers/${code}/actions`, { action: 'claim', taskId: examine });
    await post(spApi, spCsrf, `/api/work/dossiers/${code}/actions`, { action: 'hand_over', taskId: examine });
    const leader = await journey.open();
    const leaderCsrf = await apiLogin(journey, leader, 'lanhdao.hongbang');
    await post(leader, leaderCsrf, `/api/work/dossiers/${code}/actions`, { action: 'approve', taskId: await openTaskId(leader, code) });

    // The specialist records the result with the e-result form (the default for this procedure).
    const sp = await journey.open();
    await logInThroughForm(sp, url, demoEmail('chuyenvien.hongbang'), DEMO_PASSWORD);
    await sp.waitForURL(/\/can-bo$/);
    await openFromUnitInbox(sp, url, code);
    await sp.getByRole('button', { name: 'Cập nhật kết quả giải quyết', exact: true }).click();
    const resultForm = sp.locator('form').filter({ has: sp.getByRole('heading', { level: 4, name: 'Cập nhật kết quả giải quyết' }) });
    await resultForm.getByRole('radio', { name: /Cấp Giấy khai sinh điện tử có chữ ký số/ }).waitFor();
    await expect(resultForm.getByRole('radio', { name: /Cấp Giấy khai sinh điện tử có chữ ký số/ }).isChecked()).resolves.toBe(true);
    // pre-filled from the dossier's form
    await expect(resultForm.getByLabel(/^Họ, chữ đệm và tên \*/).inputValue()).resolves.toBe('Nguyễn Minh Khang');
    await expect(resultForm.getByLabel(/^Ngày, tháng, năm sinh/).inputValue()).resolves.toBe(BIRTH);
    await expect(resultForm.getByLabel(/^Giới tính/).inputValue()).resolves.toBe('male');
    await resultForm.getByLabel('Tóm tắt kết quả giải quyết').fill('Giấy khai sinh bản điện tử có chữ ký số.');
    // a malformed CCCD: refused next to its field before sending
    await resultForm.getByLabel(/^Số định danh cá nhân/).fill('12345');
    await resultForm.getByRole('button', { name: 'Lưu kết quả giải quyết', exact: true }).click();
    await resultForm.getByText('Số định danh cá nhân gồm đúng 12 chữ số.').waitFor();
    await expect(resultForm.getByLabel(/^Số định danh cá nhân/).getAttribute('aria-invalid')).resolves.toBe('true');
    // a CCCD of someone born in 1990: refused by the server, next to its field
    await resultForm.getByLabel(/^Số định danh cá nhân/).fill('031090001234');
    await resultForm.getByRole('button', { name: 'Lưu kết quả giải quyết', exact: true }).click();
    await resultForm.getByText('Chữ số thứ tư không khớp thế kỷ sinh và giới tính.').waitFor();
    await resultForm.getByRole('alert').filter({ hasText: 'Thông tin kết quả chưa hợp lệ' }).waitFor();
    await settled(sp);
    await expectNoSeriousAxeViolations(sp, 'record-result form with an e-result error');
    await resultForm.getByLabel(/^Số định danh cá nhân/).fill(CHILD_CCCD);
    await resultForm.getByRole('button', { name: 'Lưu kết quả giải quyết', exact: true }).click();
    await sp.getByRole('status').filter({ hasText: 'Đã lưu kết quả giải quyết.' }).waitFor();

    // The serial, from the officers' list; the citizen downloads the signed PDF.
    const listed = (await (await sp.request.get(`${url}/api/results?q=${code}`)).json()) as { items: { serial: string }[] };
    expect(listed.items).toHaveLength(1);
    const serial = listed.items[0]!.serial;
    const pdfRes = await citizen.request.get(`${url}/api/results/${serial}/pdf`);
    expect(pdfRes.status()).toBe(200);
    const pdf = Buffer.from(await pdfRes.body());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

    // Anyone verifies it on a phone: valid, with the issuer and the key fields.
    const person = await journey.open({ width: 360, height: 740 });
    await person.goto(`${url}/xac-minh`);
    await person.getByRole('heading', { level: 1, name: 'Xác minh kết quả điện tử' }).waitFor();
    await checkPage(person, 'verification page');
    let outcome = await verifyUpload(person, 'giay-khai-sinh.pdf', pdf);
    await outcome.getByRole('heading', { level: 2, name: /Hợp lệ/ }).waitFor();
    await expect(outcome.locator('[data-verdict]').getAttribute('data-verdict')).resolves.toBe('valid');
    await outcome.getByText('Nguyễn Minh Khang').waitFor();
    await outcome.getByText(CHILD_CCCD).waitFor();
    await outcome.getByText('20/11/2026').first().waitFor();
    await checkPage(person, 'verification: valid');

    // One byte changed in the signed part: tampered.
    const changed = Buffer.from(pdf);
    const at = changed.indexOf('/Keywords', 0, 'latin1') - 30;
    changed[at] = changed[at]! ^ 0x01;
    outcome = await verifyUpload(person, 'giay-khai-sinh-sua.pdf', changed);
    await expect(outcome.locator('[data-verdict]').getAttribute('data-verdict')).resolves.toBe('tampered');
    await outcome.getByRole('heading', { level: 2, name: /Đã bị sửa đổi/ }).waitFor();
    await checkPage(person, 'verification: tampered');

    // The QR code's page.
    await person.goto(`${url}/xac-minh/${serial}`);
    await person.getByRole('heading', { level: 1, name: `Văn bản số ${serial}` }).waitFor();
    await person.getByRole('heading', { level: 2, name: /Hợp lệ/ }).waitFor();
    await checkPage(person, 'verification by serial');

    // The unit head revokes it from the list of results issued, with a reason.
    const head = await journey.open();
    await logInThroughForm(head, url, demoEmail('truongphong.hongbang'), DEMO_PASSWORD);
    await head.waitForURL(/\/can-bo$/);
    await head.getByRole('link', { name: 'Kết quả điện tử đã cấp' }).click();
    await head.getByRole('heading', { level: 1, name: 'Kết quả điện tử đã cấp' }).waitFor();
    const row = head.locator('tr', { has: head.getByRole('link', { name: serial }) });
    await row.waitFor();
    await checkPage(head, 'results issued');
    await act(head, 'Thu hồi', 'Xác nhận thu hồi', `Đã thu hồi kết quả ${serial}.`, async () => {
      await head.getByLabel(/^Lý do thu hồi/).fill('Cấp nhầm nơi sinh, sẽ cấp lại.');
    });
    await row.getByText('Đã bị thu hồi').waitFor();

    // The same PDF now verifies as revoked, with the reason.
    await person.goto(`${url}/xac-minh`);
    outcome = await verifyUpload(person, 'giay-khai-sinh.pdf', pdf);
    await expect(outcome.locator('[data-verdict]').getAttribute('data-verdict')).resolves.toBe('revoked');
    await outcome.getByRole('heading', { level: 2, name: /Đã bị thu hồi/ }).waitFor();
    await outcome.getByText('Cấp nhầm nơi sinh, sẽ cấp lại.').waitFor();
    await checkPage(person, 'verification: revoked');
    expect(errors).toEqual([]);
  });
});
