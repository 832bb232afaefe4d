// The once-only journey in the browser (issue #7): citizen an.nguyen's birth registration
// (1.001193, ward Hạ Lý of quận Hồng Bàng) is processed and its result issued as a signed
// e-result (the officer steps through the API, the e-result through `record_result` with
// `eResult`) and returned online → it appears in her data store. She applies for guardianship
// (1.004837, same ward) choosing the birth certificate "from my store" (previewed) and the
// identity document "from the registry", consents explicitly (submit is disabled until then),
// submits; the desk officer sees both flagged as reused, views the registry record (logged), and
// the desk's supplement form does not offer them; a forced supplement request through the API is
// refused with `reused_document`, as is the processing supplement request. Also: the data store page (add with refusals in words, an
// expired item worded, removal confirmed) and the desk's digitisation of a paper component.
// axe and 360 px on every page.
import { describe, expect, it } from 'vitest';
import { checkPage, logInThroughForm } from '../support/browser.js';
import { birthFormValue, browserJourney, DEMO_PASSWORD, demoEmail, type FormProp, PDF, apiActor, uploadAs, type ApiActor } from '../support/journeys.js';

// one long journey; ~60 s on an idle 2-core machine, the margin is for a loaded one
const TIMEOUT = 360_000;
const BIRTH = '1.001193'; // Đăng ký khai sinh
const GUARDIANSHIP = '1.004837'; // Đăng ký giám hộ: needs the ward's birth certificate (giay-khai-sinh) and an identity document
const WARD = '000.01.21.H31'; // phường Hạ Lý, quận Hồng Bàng
const BIRTH_DOC = 'Giấy khai sinh của người được giám hộ';
const ID_DOC = 'Giấy tờ tùy thân của người giám hộ để xuất trình';

const journey = browserJourney({ timeout: TIMEOUT });
const { errors } = journey;

type Actor = ApiActor;
const actor = (who: string) => apiActor(journey, who);
const upload = (a: Actor) => uploadAs(journey, a);

async function act(a: Actor, code: string, action: string, extra: Record<string, unknown> = {}): Promise<void> {
  const url = journey.server.url;
  const view = (await (await a.page.request.get(`${url}/api/work/dossiers/${code}`)).json()) as { tasks: { id: number; status: string; actions: string[] }[] };
  const task = view.tasks.find((x) => x.status === 'open' && x.actions.includes(action));
  expect(task, `an open task allowing ${action} on ${code}`).toBeDefined();
  const res = await a.page.request.post(`${url}/api/work/dossiers/${code}/actions`, { headers: { 'x-csrf-token': a.csrf }, data: { action, taskId: task!.id, ...extra } });
  expect(res.status(), `${action}: ${await res.text()}`).toBe(200);
}

/** A value for an e-result field the draft left empty. */
function eResultValue(kind: string, key: string): string {
  if (kind === 'date') return '2026-11-20';
  if (kind === 'gender') return 'male';
  if (kind === 'citizen_id') return '031226000123'; // Hải Phòng, male born in 2026
  if (/name/i.test(key)) return 'Nguyễn Minh Khang';
  return 'Hải Phòng';
}

/** The birth registration, submitted, processed and returned online with a signed e-result (API). */
async function birthRegisteredWithEResult(): Promise<string> {
  const url = journey.server.url;
  const citizen = await actor('an.nguyen');
  const proc = (await (await citizen.page.request.get(`${url}/api/procedures/${BIRTH}`)).json()) as {
    formSchema: { required: string[]; properties: Record<string, FormProp> };
    documents: { code: string; mandatory: boolean }[];
  };
  const form: Record<string, unknown> = {};
  for (const k of proc.formSchema.required) form[k] = birthFormValue(k, proc.formSchema.properties[k]!);
  const documents: { requirement: string; upload: string }[] = [];
  for (const d of proc.documents.filter((x) => x.mandatory)) documents.push({ requirement: d.code, upload: await upload(citizen) });
  const sub = await citizen.page.request.post(`${url}/api/dossiers`, {
    headers: { 'x-csrf-token': citizen.csrf, 'idempotency-key': 'e2e-once-only-birth' },
    data: { procedure: BIRTH, agency: WARD, form, documents, returnMethod: 'online' },
  });
  expect(sub.status(), await sub.text()).toBe(201);
  const { code } = (await sub.json()) as { code: string };

  const desk = await actor('tiepnhan.hongbang');
  const specialist = await actor('chuyenvien.hongbang');
  const leader = await actor('lanhdao.hongbang');
  const received = await desk.page.request.post(`${url}/api/desk/dossiers/${code}/decision`, { headers: { 'x-csrf-token': desk.csrf }, data: { outcome: 'receive' } });
  expect(received.status(), await received.text()).toBe(200);
  await act(specialist, code, 'claim');
  await act(specialist, code, 'hand_over');
  await act(leader, code, 'approve');
  // the e-result: the draft's fields, pre-filled from the dossier, completed where empty
  const draftRes = await specialist.page.request.get(`${url}/api/work/dossiers/${code}/e-result-draft`);
  expect(draftRes.status(), await draftRes.text()).toBe(200);
  const draft = (await draftRes.json()) as { evidenceType: { code: string }; fields: { key: string; kind: string; required: boolean; value: string | null }[] };
  expect(draft.evidenceType.code).toBe('giay-khai-sinh');
  const fields: Record<string, string> = {};
  for (const f of draft.fields) {
    if (f.value) fields[f.key] = f.value;
    else if (f.required) fields[f.key] = eResultValue(f.kind, f.key);
  }
  await act(specialist, code, 'record_result', { summary: 'Giấy khai sinh điện tử.', eResult: { fields } });
  await act(desk, code, 'return_result', { method: 'online' });
  return code;
}

describe('once-only: reuse of a result from the data store (browser)', () => {
  it('a citizen satisfies the birth certificate from her store and the identity document from the registry, with consent; the desk sees them flagged and may not ask for them', { timeout: TIMEOUT }, async () => {
    const url = journey.server.url;
    await birthRegisteredWithEResult();

    // The result is in her data store, usable; the page is reached from the account menu.
    const page = await journey.open({ width: 360, height: 740 });
    await logInThroughForm(page, url, demoEmail('an.nguyen'), DEMO_PASSWORD);
    await page.waitForURL(/\/ca-nhan$/);
    await page.locator('header').getByRole('link', { name: 'Kho dữ liệu của tôi' }).click();
    await page.getByRole('heading', { level: 1, name: 'Kho dữ liệu của tôi' }).waitFor();
    const row = page.locator('tbody tr', { has: page.getByText('Giấy khai sinh', { exact: false }) }).first();
    await row.waitFor();
    await row.getByText('Dùng được', { exact: true }).waitFor();
    await expect(row.textContent()).resolves.toMatch(/Kết quả điện tử số [0-9A-Z]{16}: còn hiệu lực/);
    await checkPage(page, 'data store');

    // The procedure page says which documents the state already holds, and who provides them.
    await page.goto(`${url}/thu-tuc/${GUARDIANSHIP}`);
    const birthReq = page.getByRole('row').filter({ hasText: BIRTH_DOC });
    await birthReq.getByText('Giấy khai sinh · Cơ sở dữ liệu dân cư', { exact: true }).waitFor();
    await checkPage(page, 'guardianship procedure page with evidence types');

    // She applies for guardianship.
    await page.goto(`${url}/nop-ho-so/${GUARDIANSHIP}`);
    await page.getByRole('heading', { level: 1, name: 'Nộp hồ sơ trực tuyến' }).waitFor();
    await page.getByLabel('Cơ quan tiếp nhận hồ sơ').selectOption(WARD);
    await page.locator('[name="loaiGiamHo"]').selectOption({ index: 1 });
    await page.locator('[name="nguoiGiamHoHoTen"]').fill('Nguyễn Văn An');
    await page.locator('[name="nguoiGiamHoCccd"]').fill('031090001234');
    await page.locator('[name="nguoiDuocGiamHoHoTen"]').fill('Nguyễn Minh Khang');
    await page.locator('[name="nguoiDuocGiamHoNgaySinh"]').fill('2026-11-20');
    await page.getByRole('button', { name: 'Tiếp tục', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: /Bước 2\/3: Giấy tờ/ }).waitFor();

    // Uploads for the forms; the birth certificate from the store (previewed); the identity document from the registry.
    for (const name of [/^Tờ khai đăng ký giám hộ/, /^Văn bản cử người giám hộ/]) {
      await page.getByLabel(name).setInputFiles({ name: 'giay-to.pdf', mimeType: 'application/pdf', buffer: PDF });
      await page.locator('.upload', { has: page.getByLabel(name) }).getByText('Đã tải lên: giay-to.pdf').waitFor();
    }
    const birth = page.getByRole('group', { name: BIRTH_DOC });
    await birth.getByRole('radio', { name: 'Dùng giấy tờ trong kho dữ liệu của tôi', exact: true }).check();
    const item = birth.getByRole('radio', { name: /Giấy khai sinh/ }).first();
    await item.check();
    const preview = birth.getByRole('link', { name: /^Xem trước/ }).first();
    const file = await page.request.get(`${url}${(await preview.getAttribute('href'))!}`);
    expect(file.status()).toBe(200);
    expect((await file.body()).subarray(0, 5).toString()).toBe('%PDF-');
    const identity = page.getByRole('group', { name: ID_DOC });
    const fromRegistry = identity.getByRole('radio', { name: 'Để cơ quan lấy từ Cơ sở dữ liệu dân cư', exact: true });
    await expect(fromRegistry.isDisabled()).resolves.toBe(false);
    await fromRegistry.check();
    await identity.getByText(/theo số 0310\S*34/).first().waitFor();
    await checkPage(page, 'submit step 2 with reuse choices');
    await page.getByRole('button', { name: 'Tiếp tục', exact: true }).click();

    // Review: the consent lists both; submitting is disabled until she consents.
    await page.getByRole('heading', { level: 2, name: /Bước 3\/3: Xem lại/ }).waitFor();
    const consent = page.locator('section', { has: page.getByRole('heading', { level: 3, name: 'Đồng ý sử dụng dữ liệu' }) });
    await consent.getByText(BIRTH_DOC).waitFor();
    await consent.getByText(ID_DOC).waitFor();
    await consent.getByText(/cơ quan lấy từ Cơ sở dữ liệu dân cư/).waitFor();
    const submit = page.getByRole('button', { name: 'Nộp hồ sơ', exact: true });
    await expect(submit.isDisabled()).resolves.toBe(true);
    await checkPage(page, 'submit step 3 before consent');
    await consent.getByLabel(/^Tôi đồng ý cho cơ quan tiếp nhận sử dụng/).check();
    await expect(submit.isDisabled()).resolves.toBe(false);
    await submit.click();
    await page.waitForURL(/\/ho-so\/[A-Z0-9.]+-\d{6}-\d{4,6}$/);
    const code = decodeURIComponent(page.url().split('/ho-so/')[1]!);
    await page.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    const mine = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Tái sử dụng dữ liệu và số hoá' }) });
    await mine.getByText('2/4 thành phần tái sử dụng dữ liệu', { exact: false }).waitFor();
    await checkPage(page, 'dossier page of the applicant');

    // The desk officer sees both flagged as reused, and the registry record (the look-up is logged).
    const desk = await journey.open();
    await logInThroughForm(desk, url, demoEmail('tiepnhan.hongbang'), DEMO_PASSWORD);
    await desk.waitForURL(/\/can-bo$/);
    await desk.goto(`${url}/can-bo/ho-so/${code}`);
    await desk.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    const reuse = desk.locator('section', { has: desk.getByRole('heading', { level: 2, name: 'Tái sử dụng dữ liệu và số hoá' }) });
    await reuse.getByText('Hồ sơ có tái sử dụng dữ liệu', { exact: true }).waitFor();
    await expect(reuse.locator('.badge', { hasText: /^Tái sử dụng dữ liệu$/ }).count()).resolves.toBe(2);
    const birthRow = reuse.locator('li', { hasText: BIRTH_DOC });
    await birthRow.getByText('Từ kho dữ liệu của người nộp', { exact: true }).waitFor();
    const idRow = reuse.locator('li', { hasText: ID_DOC });
    await idRow.getByText('Lấy từ CSDL dân cư', { exact: true }).waitFor();
    await idRow.getByRole('button', { name: /^Xem dữ liệu từ sổ đăng ký/ }).click();
    const record = idRow.getByRole('region', { name: `Dữ liệu từ sổ đăng ký: ${ID_DOC}` });
    await record.getByText('Việc tra cứu này được ghi nhật ký', { exact: false }).waitFor();
    await record.getByText('Nguyễn Văn An', { exact: true }).waitFor();
    await checkPage(desk, 'desk dossier page with reused documents');

    // The supplement request form does not offer them, and says why.
    await desk.getByRole('button', { name: 'Yêu cầu bổ sung', exact: true }).click();
    const which = desk.getByRole('group', { name: 'Giấy tờ cần bổ sung' });
    await which.waitFor();
    await which.getByRole('checkbox', { name: /^Tờ khai đăng ký giám hộ/ }).waitFor();
    await expect(which.getByRole('checkbox', { name: BIRTH_DOC }).count()).resolves.toBe(0);
    await expect(which.getByRole('checkbox', { name: ID_DOC }).count()).resolves.toBe(0);
    const why = desk.locator('.alert-info', { hasText: 'Không thể yêu cầu bổ sung các giấy tờ sau' });
    await why.getByText(BIRTH_DOC).waitFor();
    await why.getByText(ID_DOC).waitFor();
    await checkPage(desk, 'desk supplement form', 'main');

    // Asking for it anyway through the API is refused.
    const csrf = ((await (await desk.request.get(`${url}/api/auth/me`)).json()) as { csrfToken: string }).csrfToken;
    const forced = await desk.request.post(`${url}/api/desk/dossiers/${code}/decision`, {
      headers: { 'x-csrf-token': csrf },
      data: { outcome: 'supplement', items: [{ requirement: 'giay-khai-sinh', reason: 'Nộp bản sao giấy khai sinh.' }] },
    });
    expect(forced.status(), await forced.text()).toBe(400);
    expect(((await forced.json()) as { reason?: string }).reason).toBe('reused_document');
    const still = (await (await desk.request.get(`${url}/api/dossiers/${code}`)).json()) as { status: string };
    expect(still.status).toBe('submitted');

    // Received; in processing, the specialist's supplement request does not offer them either.
    const received = await desk.request.post(`${url}/api/desk/dossiers/${code}/decision`, { headers: { 'x-csrf-token': csrf }, data: { outcome: 'receive' } });
    expect(received.status(), await received.text()).toBe(200);
    const specialist = await actor('chuyenvien.hongbang');
    await act(specialist, code, 'claim');
    await specialist.page.goto(`${url}/can-bo/xu-ly/${code}`);
    await specialist.page.getByRole('heading', { level: 1, name: `Xử lý hồ sơ ${code}` }).waitFor();
    await specialist.page.locator('.alert-info', { hasText: 'Không thể yêu cầu bổ sung các giấy tờ sau' }).getByText(BIRTH_DOC).waitFor();
    await specialist.page.getByRole('button', { name: 'Yêu cầu bổ sung hồ sơ', exact: true }).click();
    const asked = specialist.page.locator('form').filter({ has: specialist.page.getByRole('heading', { level: 4, name: 'Yêu cầu bổ sung hồ sơ', exact: true }) });
    await asked.getByRole('checkbox', { name: /^Tờ khai đăng ký giám hộ/ }).waitFor();
    await expect(asked.getByRole('checkbox', { name: BIRTH_DOC }).count()).resolves.toBe(0);
    await expect(asked.getByRole('checkbox', { name: ID_DOC }).count()).resolves.toBe(0);
    await checkPage(specialist.page, 'processing page with reused documents');
    const view = (await (await specialist.page.request.get(`${url}/api/work/dossiers/${code}`)).json()) as { tasks: { id: number; status: string; actions: string[] }[] };
    const task = view.tasks.find((x) => x.status === 'open' && x.actions.includes('request_supplement'))!;
    const forcedInProcessing = await specialist.page.request.post(`${url}/api/work/dossiers/${code}/actions`, {
      headers: { 'x-csrf-token': specialist.csrf },
      data: { action: 'request_supplement', taskId: task.id, items: [{ requirement: 'giay-to-tuy-than', reason: 'Nộp bản sao CCCD.' }] },
    });
    expect(forcedInProcessing.status(), await forcedInProcessing.text()).toBe(400);
    expect(((await forcedInProcessing.json()) as { reason?: string }).reason).toBe('reused_document');

    expect(errors).toEqual([]);
  });

  it('a citizen adds a document to her store and removes it; the desk digitises a paper component', { timeout: TIMEOUT }, async () => {
    const url = journey.server.url;
    // Adding: refused in words when incomplete; an expired document is listed as such.
    const page = await journey.open();
    await logInThroughForm(page, url, demoEmail('binh.tran'), DEMO_PASSWORD);
    await page.waitForURL(/\/ca-nhan$/);
    await page.goto(`${url}/ca-nhan/kho-du-lieu`);
    await page.getByRole('heading', { level: 1, name: 'Kho dữ liệu của tôi' }).waitFor();
    await page.getByRole('button', { name: 'Thêm vào kho', exact: true }).click();
    await page.getByText('Vui lòng chọn tệp giấy tờ.').waitFor();
    await expect(page.getByLabel(/^Tên giấy tờ/).getAttribute('aria-invalid')).resolves.toBe('true');
    await page.getByLabel(/^Tệp giấy tờ/).setInputFiles({ name: 'xac-nhan.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByText('Đã tải lên: xac-nhan.pdf', { exact: false }).waitFor();
    await page.getByLabel(/^Loại giấy tờ/).selectOption('giay-xac-nhan-hon-nhan');
    await page.getByLabel(/^Tên giấy tờ/).fill('Giấy xác nhận tình trạng hôn nhân 2025');
    await page.getByLabel(/^Cơ quan cấp/).fill('UBND phường Hạ Lý');
    await page.getByLabel(/^Ngày cấp/).fill('2025-01-10');
    await page.getByLabel(/^Có hiệu lực đến/).fill('2025-07-10');
    await page.getByRole('button', { name: 'Thêm vào kho', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Đã thêm «Giấy xác nhận tình trạng hôn nhân 2025» vào kho dữ liệu.' }).waitFor();
    const row = page.locator('tbody tr', { hasText: 'Giấy xác nhận tình trạng hôn nhân 2025' });
    await row.getByText('Hết hiệu lực', { exact: true }).waitFor();
    await row.getByText('Cấp ngày 10/01/2025 · Hiệu lực đến 10/07/2025').waitFor();
    await checkPage(page, 'data store with an expired item');
    // Removing asks first.
    await row.getByRole('button', { name: /^Xoá khỏi kho/ }).click();
    await row.getByText('Xoá «Giấy xác nhận tình trạng hôn nhân 2025» khỏi kho dữ liệu?').waitFor();
    await row.getByRole('button', { name: 'Xoá', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Đã xoá «Giấy xác nhận tình trạng hôn nhân 2025» khỏi kho dữ liệu.' }).waitFor();
    await expect(page.locator('tbody tr', { hasText: 'Giấy xác nhận tình trạng hôn nhân 2025' }).count()).resolves.toBe(0);
    const store = (await (await page.request.get(`${url}/api/me/store`)).json()) as { items: { title: string }[] };
    expect(store.items.map((x) => x.title)).not.toContain('Giấy xác nhận tình trạng hôn nhân 2025');

    // A paper dossier received at the desk: its component is digitised with a scan.
    const desk = await journey.open();
    await logInThroughForm(desk, url, demoEmail('tiepnhan.hongbang'), DEMO_PASSWORD);
    await desk.waitForURL(/\/can-bo$/);
    const csrf = ((await (await desk.request.get(`${url}/api/auth/me`)).json()) as { csrfToken: string }).csrfToken;
    const proc = (await (await desk.request.get(`${url}/api/procedures/${BIRTH}`)).json()) as { formSchema: { required: string[]; properties: Record<string, FormProp> } };
    const form: Record<string, unknown> = {};
    for (const k of proc.formSchema.required) form[k] = birthFormValue(k, proc.formSchema.properties[k]!);
    const intake = await desk.request.post(`${url}/api/desk/intake`, {
      headers: { 'x-csrf-token': csrf },
      data: { channel: 'in_person', procedure: BIRTH, agency: WARD, applicant: { name: 'Lê Thị Cúc', citizenId: '031180000001' }, form, documents: [{ requirement: 'to-khai' }, { requirement: 'giay-chung-sinh' }, { requirement: 'giay-to-tuy-than' }], returnMethod: 'desk', decision: { outcome: 'receive' } },
    });
    expect(intake.status(), await intake.text()).toBe(201);
    const { code } = (await intake.json()) as { code: string };
    await desk.goto(`${url}/can-bo/ho-so/${code}`);
    await desk.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    const reuse = desk.locator('section', { has: desk.getByRole('heading', { level: 2, name: 'Tái sử dụng dữ liệu và số hoá' }) });
    await reuse.getByText('0/3 thành phần tái sử dụng dữ liệu; 0/3 thành phần đã số hoá.', { exact: false }).waitFor();
    await reuse.getByText('Hồ sơ chưa số hoá toàn bộ', { exact: true }).waitFor();
    await expect(reuse.getByText('Bản giấy, chưa số hoá', { exact: true }).count()).resolves.toBe(3);
    await expect(reuse.getByRole('button', { name: /^Số hoá/ }).count()).resolves.toBe(3);
    const paper = reuse.locator('li', { hasText: 'Tờ khai đăng ký khai sinh' });
    await paper.getByRole('button', { name: /^Số hoá/ }).click();
    await paper.getByRole('button', { name: 'Lưu bản số hoá', exact: true }).click();
    await paper.getByText('Vui lòng chọn tệp bản quét.').waitFor();
    await paper.getByLabel(/^Bản quét:/).setInputFiles({ name: 'ban-quet.pdf', mimeType: 'application/pdf', buffer: PDF });
    await paper.getByText('Đã tải lên: ban-quet.pdf', { exact: false }).waitFor();
    await paper.getByRole('button', { name: 'Lưu bản số hoá', exact: true }).click();
    await desk.getByRole('status').filter({ hasText: 'Đã số hoá «Tờ khai đăng ký khai sinh' }).waitFor();
    await reuse.getByText('0/3 thành phần tái sử dụng dữ liệu; 1/3 thành phần đã số hoá.', { exact: false }).waitFor();
    await paper.getByText('Đã số hoá', { exact: true }).waitFor();
    await expect(reuse.getByRole('button', { name: /^Số hoá/ }).count()).resolves.toBe(2);
    const detail = (await (await desk.request.get(`${url}/api/dossiers/${code}`)).json()) as { events: { type: string }[]; flags: { digitised: boolean; digitisedCount: number } };
    expect(detail.flags).toMatchObject({ digitised: false, digitisedCount: 1 });
    expect(detail.events.map((e) => e.type)).toContain('documents_digitised');
    await checkPage(desk, 'desk dossier page after digitisation');

    expect(errors).toEqual([]);
  });
});
