// Browser journeys of complaints and suggestions (PAKN, issue #8): a complaint filed without an
// account, on a phone — first about a dossier that does not exist (refused in words), then about
// the district — with a PDF attached and HTML/script in its title and text, which every page shows
// as inert text; a wrong access key shows nothing; a complaint about the unit head of Hồng Bàng
// (named) is not shown to that unit head, in the inbox or by its address, and is to the leader;
// the leader finds the first from the workspace, filters the inbox, opens it (contact,
// attachment), accepts it and answers it publicly, each confirmed; it appears on the public list
// without the complainant, and the complainant rates the answer. axe on every page; no horizontal
// scroll at 360 px. Ratings of dossiers are in kiosk.e2e.test.ts.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { checkPage, expectNoSeriousAxeViolations } from '../support/browser.js';
import { browserJourney, openFromWorkspace, PDF } from '../support/journeys.js';

// ~65 s on an idle 2-core machine; the margin is for a loaded one
const TIMEOUT = 180_000;
const DISTRICT_NAME = /^Ủy ban nhân dân quận Hồng Bàng/;
const UNIT_HEAD_NAME = 'Ngô Văn Thắng'; // truongphong.hongbang (demo-accounts.ts)
const SCRIPT_BODY = 'Cán bộ hẹn ba lần. <script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> Đề nghị xem xét.';

const journey = browserJourney({ timeout: TIMEOUT });
const { errors } = journey;

/** An officer logs in through the form and opens the complaints inbox from the workspace. */
async function openComplaintInbox(who: string): Promise<Page> {
  const page = await journey.open();
  await openFromWorkspace(journey, page, who, 'Phản ánh, kiến nghị cần giải quyết');
  return page;
}

describe('complaints and suggestions (browser)', () => {
  it('a complaint with an attachment and HTML in its text is answered publicly by the leader; a complaint about an officer is hidden from that officer', { timeout: TIMEOUT }, async () => {
    const url = journey.server.url;
    // Anyone files, without an account, on a phone.
    const person = await journey.open({ width: 360, height: 740 });
    await person.goto(`${url}/phan-anh-kien-nghi`);
    await person.getByRole('heading', { level: 1, name: 'Phản ánh, kiến nghị đã được trả lời' }).waitFor();
    await person.getByRole('link', { name: 'Gửi phản ánh, kiến nghị' }).click();
    await person.getByRole('heading', { level: 1, name: 'Gửi phản ánh, kiến nghị' }).waitFor();
    await checkPage(person, 'complaint form');
    await person.getByRole('radio', { name: 'Vấn đề chung của cơ quan' }).check();
    // sending it empty: errors next to the fields
    await person.getByRole('button', { name: 'Gửi phản ánh, kiến nghị', exact: true }).click();
    await person.getByRole('alert').filter({ hasText: 'Thông tin chưa hợp lệ' }).waitFor();
    await person.getByText('Vui lòng chọn cơ quan.').waitFor();
    await expectNoSeriousAxeViolations(person, 'complaint form with errors');

    // first about a dossier that does not exist: a clear refusal next to its code
    await person.getByRole('radio', { name: 'Một hồ sơ đã nộp' }).check();
    await person.getByLabel(/^Mã hồ sơ/).fill('000.01.21.H31-260105-9999');
    await person.getByLabel(/^Mã tra cứu/).fill('K7Q2XP');
    await person.getByLabel('Nhóm nội dung').selectOption({ label: 'Chậm trễ, trễ hẹn' });
    await person.getByLabel(/^Tiêu đề/).fill('Hẹn trả kết quả nhiều lần <i>không đúng hẹn</i>');
    await person.getByLabel(/^Nội dung/).fill(SCRIPT_BODY);
    await person.getByLabel(/^Họ và tên/).fill('Lê Văn Cường');
    await person.getByLabel(/^Thư điện tử/).fill('cuong.le@example.vn');
    await person.getByLabel(/^Tệp đính kèm/).setInputFiles({ name: 'giay-hen.pdf', mimeType: 'application/pdf', buffer: PDF });
    await person.getByRole('button', { name: 'Bỏ tệp giay-hen.pdf' }).waitFor();
    await person.getByLabel(/Tôi đồng ý để câu trả lời được công khai/).check();
    await person.getByRole('button', { name: 'Gửi phản ánh, kiến nghị', exact: true }).click();
    const notFound = 'Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này. Vui lòng kiểm tra lại trên giấy tiếp nhận.';
    await person.getByRole('alert').filter({ hasText: notFound }).waitFor();
    await expect(person.getByLabel(/^Mã hồ sơ/).getAttribute('aria-invalid')).resolves.toBe('true');
    // then about the district in general: everything else typed is kept
    await person.getByRole('radio', { name: 'Vấn đề chung của cơ quan' }).check();
    await person.getByLabel('Cơ quan tiếp nhận phản ánh').fill('Hồng Bàng');
    await person.getByRole('button', { name: DISTRICT_NAME }).first().click();
    await person.getByRole('button', { name: 'Gửi phản ánh, kiến nghị', exact: true }).click();
    await person.getByRole('heading', { level: 1, name: 'Đã gửi phản ánh, kiến nghị' }).waitFor();
    const dd = (label: string) => person.locator('dl.summary > div', { has: person.getByText(label, { exact: true }) }).locator('dd');
    const code = ((await dd('Mã phản ánh').textContent()) ?? '').trim();
    const key = ((await dd('Mã truy cập').textContent()) ?? '').trim();
    expect(code).toMatch(/^PAKN-000\.00\.21\.H31-\d{6}-\d{4}$/);
    expect(key).toMatch(/^[2-9A-Za-z]{16}$/);
    await expect(dd('Cơ quan giải quyết').textContent()).resolves.toMatch(DISTRICT_NAME);
    await expect(dd('Hạn thụ lý').textContent()).resolves.toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    await expect(dd('Hạn trả lời').textContent()).resolves.toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    await checkPage(person, 'complaint filed');

    // The status page shows the text as typed, inert.
    await person.getByRole('link', { name: 'Xem tình trạng giải quyết phản ánh' }).click();
    await person.getByRole('heading', { level: 1, name: `Phản ánh, kiến nghị ${code}` }).waitFor();
    await person.getByText(SCRIPT_BODY).waitFor();
    await person.getByRole('heading', { level: 2, name: 'Hẹn trả kết quả nhiều lần <i>không đúng hẹn</i>' }).waitFor();
    await expect(person.locator('main script, main img[src="x"], main i').count()).resolves.toBe(0);
    await expect(person.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    await expect(person.locator('main').getByText('Đã tiếp nhận', { exact: true }).count()).resolves.toBeGreaterThan(0);
    await checkPage(person, 'complaint status (received)');
    // a wrong key shows nothing of it
    await person.goto(`${url}/phan-anh-kien-nghi/${code}?key=${key.slice(0, 15)}${key.endsWith('2') ? '3' : '2'}`);
    await person.getByRole('alert').filter({ hasText: `Không tìm thấy phản ánh ${code} với mã truy cập này.` }).waitFor();
    await expect(person.getByText(SCRIPT_BODY).count()).resolves.toBe(0);

    // A complaint about the unit head of Hồng Bàng, by name (through the API).
    const about = await person.request.post(`${url}/api/complaints`, {
      data: { kind: 'complaint', subject: 'officer', category: 'attitude', agencyCode: '000.00.21.H31', officerName: UNIT_HEAD_NAME, title: 'Thái độ khi tiếp công dân', body: 'Trưởng phòng không tiếp, yêu cầu quay lại nhiều lần.', complainant: { name: 'Lê Văn Cường' }, publicAnswer: false },
    });
    expect(about.status(), await about.text()).toBe(201);
    const aboutCode = ((await about.json()) as { code: string }).code;

    // The unit head sees the first one, not the one about him, not even by its address.
    const head = await openComplaintInbox('truongphong.hongbang');
    await head.getByRole('link', { name: code }).waitFor();
    await expect(head.getByRole('link', { name: aboutCode }).count()).resolves.toBe(0);
    await head.goto(`${url}/can-bo/phan-anh/${aboutCode}`);
    await head.getByRole('heading', { level: 1, name: 'Không tìm thấy trang' }).waitFor();

    // The leader finds both from the workspace; opens the first.
    const leader = await openComplaintInbox('lanhdao.hongbang');
    await leader.getByRole('link', { name: aboutCode }).waitFor();
    const row = leader.locator('tr', { has: leader.getByRole('link', { name: code }) });
    await row.waitFor();
    await expect(row.locator('.badge-complaint').textContent()).resolves.toBe('Đã tiếp nhận');
    await expect(row.locator('.badge-urgency').textContent()).resolves.toMatch(/^(Quá|Sắp đến|Trong) hạn thụ lý$/);
    await checkPage(leader, 'complaint inbox');
    // the status filter is kept in the URL
    await leader.getByLabel('Tình trạng').selectOption({ label: 'Đã trả lời' });
    await leader.getByRole('button', { name: 'Lọc', exact: true }).click();
    await leader.waitForURL(/status=answered/);
    await leader.getByText('Không có phản ánh, kiến nghị nào.').waitFor();
    await leader.getByLabel('Tình trạng').selectOption({ label: 'Tất cả' });
    await leader.getByRole('button', { name: 'Lọc', exact: true }).click();
    await row.getByRole('link', { name: code }).click();
    await leader.getByRole('heading', { level: 1, name: `Giải quyết phản ánh ${code}` }).waitFor();
    await leader.getByText(SCRIPT_BODY).waitFor();
    await leader.getByRole('link', { name: 'cuong.le@example.vn' }).waitFor();
    const attachment = leader.getByRole('link', { name: 'Tải tệp đính kèm: giay-hen.pdf' });
    const file = await leader.request.get(`${url}${(await attachment.getAttribute('href'))!}`);
    expect(file.status()).toBe(200);
    expect((await file.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await expect(leader.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    await checkPage(leader, 'complaint handling page');

    // Answering before accepting is not offered; accept, with a confirmation.
    await expect(leader.getByRole('button', { name: 'Trả lời', exact: true }).count()).resolves.toBe(0);
    await leader.getByRole('button', { name: 'Thụ lý', exact: true }).click();
    await leader.getByRole('button', { name: 'Thụ lý phản ánh', exact: true }).click();
    await leader.getByText(`Thụ lý phản ánh ${code}?`).waitFor();
    await leader.getByRole('button', { name: 'Xác nhận', exact: true }).click();
    await leader.getByRole('status').filter({ hasText: 'Đã thụ lý phản ánh.' }).waitFor();

    // Answer publicly: an empty answer is refused next to its field; then confirmed.
    await leader.getByRole('button', { name: 'Trả lời', exact: true }).click();
    await leader.getByRole('button', { name: 'Gửi câu trả lời', exact: true }).click();
    await leader.getByText('Vui lòng nhập nội dung (ít nhất 3 ký tự).').waitFor();
    await leader.locator('textarea[aria-invalid="true"]').waitFor();
    const answer = 'UBND quận đã kiểm tra, nhắc nhở bộ phận một cửa và trả kết quả cho ông ngày 20/11/2026. <b>Xin lỗi ông.</b>';
    await leader.getByLabel(/^Nội dung trả lời/).fill(answer);
    await expect(leader.getByLabel('Công khai câu trả lời').isChecked()).resolves.toBe(true);
    await leader.getByRole('button', { name: 'Gửi câu trả lời', exact: true }).click();
    await leader.getByText(`Gửi câu trả lời cho phản ánh ${code}?`).waitFor();
    await leader.getByRole('button', { name: 'Xác nhận', exact: true }).click();
    await leader.getByRole('status').filter({ hasText: 'Đã gửi câu trả lời.' }).waitFor();
    await leader.getByRole('heading', { level: 2, name: 'Câu trả lời của cơ quan' }).waitFor();

    // It appears on the public list, without the complainant.
    const pub = await journey.open({ width: 360, height: 740 });
    await pub.goto(`${url}/phan-anh-kien-nghi`);
    await pub.getByRole('link', { name: 'Hẹn trả kết quả nhiều lần <i>không đúng hẹn</i>' }).waitFor();
    await pub.getByText(answer).waitFor();
    await expect(pub.getByText('Lê Văn Cường').count()).resolves.toBe(0);
    await expect(pub.getByText('Thái độ khi tiếp công dân').count()).resolves.toBe(0);
    await checkPage(pub, 'public list');
    await pub.getByRole('link', { name: 'Hẹn trả kết quả nhiều lần <i>không đúng hẹn</i>' }).click();
    await pub.getByRole('heading', { level: 1, name: `Phản ánh, kiến nghị ${code}` }).waitFor();
    await pub.getByText(answer).waitFor();
    await expect(pub.getByText('cuong.le@example.vn').count()).resolves.toBe(0);
    await checkPage(pub, 'public answer');

    // The complainant sees the answer and rates it, once.
    await person.goto(`${url}/phan-anh-kien-nghi/${code}?key=${key}`);
    await person.getByRole('heading', { level: 2, name: 'Câu trả lời của cơ quan' }).waitFor();
    await person.getByText(answer).waitFor();
    await person.locator('main').getByText('Đã trả lời', { exact: true }).first().waitFor();
    await person.getByRole('radio', { name: 'Hài lòng', exact: true }).check();
    await person.getByRole('button', { name: 'Gửi đánh giá', exact: true }).click();
    await person.getByText(/^Ông\/bà đã đánh giá câu trả lời lúc/).waitFor();
    await person.getByRole('heading', { level: 2, name: 'Quá trình giải quyết' }).waitFor();
    await person.getByText('Cơ quan trả lời', { exact: true }).waitFor();
    await checkPage(person, 'complaint status (answered and rated)');

    expect(errors, 'uncaught errors in the pages').toEqual([]);
  });
});
