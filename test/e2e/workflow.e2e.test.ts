// Browser journey of processing after receipt: a demo citizen's online birth registration
// (created through the API) is received by the desk of Hồng Bàng; the specialist finds it in
// "Việc của đơn vị", claims it, consults Sở Tư pháp (a hand-over before the answer is refused
// with a worded alert); the Sở Tư pháp specialist answers from their inbox; the specialist
// hands over, the leader approves, the specialist records the result with a PDF, the desk
// returns it online, and the citizen sees "Đã trả kết quả", the result and the control slip.
// axe on the inbox and the processing page; no horizontal scroll at 360 px on both.
import { describe, expect, it } from 'vitest';
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, logInThroughForm, settled } from '../support/browser.js';
import { apiLogin, birthFormValue, browserJourney, DEMO_PASSWORD as PASSWORD, demoEmail as email, type FormProp, PDF, openFromUnitInbox, act, chooseResultUpload } from '../support/journeys.js';

const TIMEOUT = 240_000;
const PROCEDURE = '1.001193';
const WARD = '000.01.21.H31'; // phường Hạ Lý, quận Hồng Bàng

const journey = browserJourney({ timeout: TIMEOUT });
const { errors } = journey;

describe('processing a dossier across agencies (browser)', () => {
  it('goes from receipt through consultation, decision and result back to the citizen', { timeout: TIMEOUT }, async () => {
    // The citizen submits online (through the API to save time); the desk receives it.
    const citizen = await journey.open({ width: 360, height: 740 });
    const citizenCsrf = await apiLogin(journey, citizen, 'an.nguyen');
    const proc = (await (await citizen.request.get(`${journey.server.url}/api/procedures/${PROCEDURE}`)).json()) as {
      formSchema: { required: string[]; properties: Record<string, FormProp> };
      documents: { code: string; mandatory: boolean }[];
    };
    const form: Record<string, unknown> = {};
    for (const key of proc.formSchema.required) form[key] = birthFormValue(key, proc.formSchema.properties[key]!);
    const documents: { requirement: string; upload: string }[] = [];
    for (const d of proc.documents.filter((x) => x.mandatory)) {
      const up = await citizen.request.post(`${journey.server.url}/api/uploads`, { headers: { 'x-csrf-token': citizenCsrf }, multipart: { file: { name: 'giay-to.pdf', mimeType: 'application/pdf', buffer: PDF } } });
      expect(up.status(), await up.text()).toBe(201);
      documents.push({ requirement: d.code, upload: ((await up.json()) as { id: string }).id });
    }
    const sub = await citizen.request.post(`${journey.server.url}/api/dossiers`, {
      headers: { 'x-csrf-token': citizenCsrf, 'idempotency-key': 'e2e-workflow-0001' },
      data: { procedure: PROCEDURE, agency: WARD, form, documents, returnMethod: 'online' },
    });
    expect(sub.status(), await sub.text()).toBe(201);
    const { code } = (await sub.json()) as { code: string };
    const desk = await journey.open();
    const deskCsrf = await apiLogin(journey, desk, 'tiepnhan.hongbang');
    const rec = await desk.request.post(`${journey.server.url}/api/desk/dossiers/${code}/decision`, { headers: { 'x-csrf-token': deskCsrf }, data: { outcome: 'receive' } });
    expect(rec.status(), await rec.text()).toBe(200);

    // The specialist of Hồng Bàng finds it in the unit's work, from the workspace.
    const sp = await journey.open();
    await logInThroughForm(sp, journey.server.url, email('chuyenvien.hongbang'), PASSWORD);
    await sp.waitForURL(/\/can-bo$/);
    await sp.getByRole('link', { name: 'Danh sách việc xử lý hồ sơ' }).click();
    await sp.getByRole('heading', { level: 1, name: 'Xử lý hồ sơ' }).waitFor();
    await sp.getByRole('tab', { name: 'Việc của đơn vị' }).click();
    await expect(sp.getByRole('tab', { name: 'Việc của đơn vị' }).getAttribute('aria-selected')).resolves.toBe('true');
    expect(sp.url()).toContain('view=unit');
    const row = sp.locator('tr', { has: sp.getByRole('link', { name: code }) });
    await row.waitFor();
    await row.getByText('Thẩm định hồ sơ').waitFor();
    await expect(row.locator('.badge-urgency').textContent()).resolves.toMatch(/^(Quá hạn|Đến hạn trong 1 ngày làm việc|Trong hạn)$/);
    await expect(row.locator('td').nth(6).textContent()).resolves.toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    await settled(sp);
    await expectNoSeriousAxeViolations(sp, 'inbox (unit)');
    await sp.setViewportSize({ width: 360, height: 740 });
    await expectNoHorizontalScroll(sp, 'inbox at 360 px');
    await sp.setViewportSize({ width: 1280, height: 900 });
    // a filter kept in the URL
    await sp.getByLabel('Mã thủ tục').fill(PROCEDURE);
    await sp.getByRole('button', { name: 'Lọc', exact: true }).click();
    await sp.waitForURL(/procedure=1\.001193/);
    await row.waitFor();

    await sp.getByRole('link', { name: code }).click();
    await sp.getByRole('heading', { level: 1, name: `Xử lý hồ sơ ${code}` }).waitFor();
    await sp.getByRole('heading', { level: 2, name: 'Các bước xử lý' }).waitFor();
    await settled(sp);
    await expectNoSeriousAxeViolations(sp, 'processing page');
    await sp.setViewportSize({ width: 360, height: 740 });
    await expectNoHorizontalScroll(sp, 'processing page at 360 px');
    await sp.setViewportSize({ width: 1280, height: 900 });

    // Claim, then consult Sở Tư pháp.
    await act(sp, 'Nhận xử lý', 'Xác nhận nhận xử lý', 'Bạn đã nhận xử lý bước này.');
    await act(sp, 'Xin ý kiến', 'Gửi xin ý kiến', 'Đã gửi xin ý kiến.', async () => {
      await sp.getByLabel('Cơ quan được xin ý kiến').fill('Tư pháp');
      await sp.getByRole('button', { name: /Sở Tư pháp thành phố Hải Phòng/ }).click();
      await sp.getByLabel('Nội dung xin ý kiến').fill('Đề nghị Sở Tư pháp cho ý kiến về hồ sơ đăng ký khai sinh.');
      await sp.getByLabel('Thời hạn trả lời (ngày làm việc)').fill('2');
    });
    await settled(sp);
    await expectNoSeriousAxeViolations(sp, 'processing page after consulting');
    // handing over before the answer: refused, in words, in an alert
    await sp.getByRole('button', { name: 'Chuyển bước tiếp theo', exact: true }).click();
    await sp.getByRole('button', { name: 'Xác nhận chuyển bước', exact: true }).click();
    await sp.getByRole('alert').filter({ hasText: 'Còn chờ cơ quan được xin ý kiến trả lời' }).waitFor();
    await sp.getByRole('button', { name: 'Hủy', exact: true }).click();

    // Sở Tư pháp answers from its inbox.
    const tp = await journey.open();
    await logInThroughForm(tp, journey.server.url, email('chuyenvien.tuphap'), PASSWORD);
    await tp.waitForURL(/\/can-bo$/);
    await openFromUnitInbox(tp, journey.server.url, code);
    await tp.getByText('Đề nghị Sở Tư pháp cho ý kiến về hồ sơ đăng ký khai sinh.').first().waitFor();
    await expectNoSeriousAxeViolations(tp, 'processing page (consulted agency)');
    await act(tp, 'Trả lời xin ý kiến', 'Gửi trả lời', 'Đã gửi trả lời.', async () => {
      await tp.getByLabel('Nội dung trả lời').fill('Hồ sơ hợp lệ, Sở Tư pháp thống nhất.');
    });

    // The specialist hands over to the decision.
    await sp.reload();
    await sp.getByRole('heading', { level: 1, name: `Xử lý hồ sơ ${code}` }).waitFor();
    await sp.getByText('Hồ sơ hợp lệ, Sở Tư pháp thống nhất.').first().waitFor();
    await act(sp, 'Chuyển bước tiếp theo', 'Xác nhận chuyển bước', 'Đã chuyển hồ sơ sang bước tiếp theo.');

    // The leader approves.
    const ld = await journey.open();
    await logInThroughForm(ld, journey.server.url, email('lanhdao.hongbang'), PASSWORD);
    await ld.waitForURL(/\/can-bo$/);
    await openFromUnitInbox(ld, journey.server.url, code);
    await act(ld, 'Phê duyệt', 'Xác nhận phê duyệt', 'Đã phê duyệt.', async () => {
      await ld.getByLabel(/Ghi chú/).fill('Đồng ý.');
    });

    // The specialist records the result with a PDF.
    await sp.reload();
    await sp.getByRole('heading', { level: 1, name: `Xử lý hồ sơ ${code}` }).waitFor();
    await act(sp, 'Cập nhật kết quả giải quyết', 'Lưu kết quả giải quyết', 'Đã lưu kết quả giải quyết.', async () => {
      await sp.getByLabel('Tóm tắt kết quả giải quyết').fill('Giấy khai sinh bản chính.');
      await chooseResultUpload(sp);
      await sp.getByLabel('Văn bản kết quả').setInputFiles({ name: 'ket-qua.pdf', mimeType: 'application/pdf', buffer: PDF });
      await sp.getByText('Đã tải lên: ket-qua.pdf').waitFor();
    });

    // The desk (logged in through the API above: same cookies) returns it online.
    await openFromUnitInbox(desk, journey.server.url, code);
    await act(desk, 'Trả kết quả', 'Xác nhận đã trả kết quả', 'Đã trả kết quả cho người nộp.', async () => {
      await desk.getByRole('radio', { name: 'Trả kết quả trực tuyến' }).check();
    });
    await desk.getByText('Không còn việc nào đang mở cho hồ sơ này.').waitFor();
    const slip = desk.locator('section', { has: desk.getByRole('heading', { level: 2, name: 'Phiếu kiểm soát quá trình giải quyết hồ sơ' }) });
    await slip.getByText('Thẩm định hồ sơ: xin ý kiến').waitFor();
    await expect(slip.locator('.badge-result').allTextContents()).resolves.toEqual(expect.arrayContaining([expect.stringMatching(/^(Trước hạn|Đúng hạn|Quá hạn)$/)]));
    await settled(desk);
    await expectNoSeriousAxeViolations(desk, 'processing page (returned)');

    // The citizen sees the result, on a phone.
    await citizen.goto(`${journey.server.url}/ho-so/${code}`);
    await citizen.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    await citizen.locator('main').getByText('Đã trả kết quả').first().waitFor();
    await citizen.getByRole('heading', { level: 2, name: 'Kết quả giải quyết' }).waitFor();
    const result = citizen.getByRole('link', { name: /Tải kết quả giải quyết: ket-qua\.pdf/ });
    const resultRes = await citizen.request.get(`${journey.server.url}${(await result.getAttribute('href'))!}`);
    expect(resultRes.status()).toBe(200);
    expect(resultRes.headers()['content-type']).toContain('application/pdf');
    const slipLink = citizen.getByRole('link', { name: /Tải phiếu kiểm soát quá trình giải quyết hồ sơ/ });
    const slipRes = await citizen.request.get(`${journey.server.url}${(await slipLink.getAttribute('href'))!}`);
    expect(slipRes.status()).toBe(200);
    expect(slipRes.headers()['content-type']).toContain('application/pdf');
    await citizen.getByText('Có kết quả giải quyết').first().waitFor();
    await settled(citizen);
    await expectNoSeriousAxeViolations(citizen, 'dossier (returned)');
    await expectNoHorizontalScroll(citizen, 'dossier (returned) at 360 px');

    expect(errors, 'uncaught errors in the pages').toEqual([]);
  });
});
