// Browser journeys of rating dossiers (issue #8): a citizen rates a returned dossier on its page
// (radio groups, refusal in words when incomplete, the rating shown once given, the comment as
// inert text); the desk's kiosk refuses a malformed code, a wrong check value and a dossier not
// finished, takes a rating with the big toggle buttons (aria-pressed), thanks, resets itself after
// 20 s (on the page's clock), refuses a second rating, and says so when look-ups are rate-limited. axe on every page; no horizontal
// scroll at 360 px. (Dossiers are brought to "returned" / "refused" through the API; the journeys
// under test run in the browser.) Complaints are in feedback.e2e.test.ts.
import { describe, expect, it } from 'vitest';
import { checkPage, expectNoSeriousAxeViolations, logInThroughForm } from '../support/browser.js';
import { birthFormValue, browserJourney, DEMO_PASSWORD as PASSWORD, demoEmail as email, type FormProp, apiActor, uploadAs, type ApiActor } from '../support/journeys.js';

// ~30 s per test on an idle 2-core machine; the margin is for a loaded one
const TIMEOUT = 180_000;
const PROCEDURE = '1.001193'; // Đăng ký khai sinh, at a ward
const WARD = '000.01.21.H31'; // a ward of quận Hồng Bàng

const journey = browserJourney({ timeout: TIMEOUT });
const { errors } = journey;

type Actor = ApiActor;
const actor = (who: string) => apiActor(journey, who);
const upload = (a: Actor) => uploadAs(journey, a);

/** The citizen submits a birth registration online (through the API); returns its code and check value. */
async function submitDossier(citizen: Actor, key: string): Promise<{ code: string; check: string }> {
  const url = journey.server.url;
  const proc = (await (await citizen.page.request.get(`${url}/api/procedures/${PROCEDURE}`)).json()) as {
    formSchema: { required: string[]; properties: Record<string, FormProp> };
    documents: { code: string; mandatory: boolean }[];
  };
  const form: Record<string, unknown> = {};
  for (const k of proc.formSchema.required) form[k] = birthFormValue(k, proc.formSchema.properties[k]!);
  const documents: { requirement: string; upload: string }[] = [];
  for (const d of proc.documents.filter((x) => x.mandatory)) documents.push({ requirement: d.code, upload: await upload(citizen) });
  const sub = await citizen.page.request.post(`${url}/api/dossiers`, {
    headers: { 'x-csrf-token': citizen.csrf, 'idempotency-key': `e2e-feedback-${key}` },
    data: { procedure: PROCEDURE, agency: WARD, form, documents, returnMethod: 'online' },
  });
  expect(sub.status(), await sub.text()).toBe(201);
  const { code } = (await sub.json()) as { code: string };
  const detail = (await (await citizen.page.request.get(`${url}/api/dossiers/${code}`)).json()) as { checkValue: string };
  return { code, check: detail.checkValue };
}

interface WorkTask {
  id: number;
  kind: string;
  status: string;
  actions: string[];
}

/** Takes the first open task's `action` as `who` through the API. */
async function act(a: Actor, code: string, action: string, extra: Record<string, unknown> = {}): Promise<void> {
  const url = journey.server.url;
  const view = (await (await a.page.request.get(`${url}/api/work/dossiers/${code}`)).json()) as { tasks: WorkTask[] };
  const task = view.tasks.find((x) => x.status === 'open' && x.actions.includes(action));
  expect(task, `an open task allowing ${action} on ${code}`).toBeDefined();
  const res = await a.page.request.post(`${url}/api/work/dossiers/${code}/actions`, { headers: { 'x-csrf-token': a.csrf }, data: { action, taskId: task!.id, ...extra } });
  expect(res.status(), `${action}: ${await res.text()}`).toBe(200);
}

async function receive(desk: Actor, code: string, decision: Record<string, unknown> = { outcome: 'receive' }): Promise<void> {
  const res = await desk.page.request.post(`${journey.server.url}/api/desk/dossiers/${code}/decision`, { headers: { 'x-csrf-token': desk.csrf }, data: decision });
  expect(res.status(), await res.text()).toBe(200);
}

describe('rating dossiers online and at the kiosk (browser)', () => {
  it('a citizen rates a returned dossier on its page', { timeout: TIMEOUT }, async () => {
    const citizen = await actor('an.nguyen');
    const { code } = await submitDossier(citizen, 'rate-online');
    const desk = await actor('tiepnhan.hongbang');
    const specialist = await actor('chuyenvien.hongbang');
    const leader = await actor('lanhdao.hongbang');
    await receive(desk, code);
    await act(specialist, code, 'claim');
    await act(specialist, code, 'hand_over');
    await act(leader, code, 'approve');
    await act(specialist, code, 'record_result', { summary: 'Giấy khai sinh bản chính.', documents: [await upload(specialist)] });
    await act(desk, code, 'return_result', { method: 'online' });

    const page = await journey.open({ width: 360, height: 740 });
    await logInThroughForm(page, journey.server.url, email('an.nguyen'), PASSWORD);
    await page.waitForURL(/\/ca-nhan$/);
    await page.goto(`${journey.server.url}/ho-so/${code}`);
    await page.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    const section = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Đánh giá mức độ hài lòng' }) });
    await section.getByRole('button', { name: 'Gửi đánh giá', exact: true }).waitFor();
    const groups = section.locator('fieldset');
    // an online dossier: the six criteria and the online service
    await expect(groups.count()).resolves.toBe(7);
    await section.getByRole('group', { name: /Thái độ của cán bộ, công chức/ }).waitFor();
    await checkPage(page, 'dossier page with the rating form');

    // sending with nothing chosen: refused in words, focus on the first group
    await section.getByRole('button', { name: 'Gửi đánh giá', exact: true }).click();
    await section.getByRole('alert').filter({ hasText: 'Vui lòng trả lời tất cả các tiêu chí.' }).waitFor();
    await expect(section.getByText('Vui lòng chọn Hài lòng hoặc Không hài lòng.').count()).resolves.toBe(7);
    await expectNoSeriousAxeViolations(page, 'rating form with errors');

    for (let i = 0; i < 7; i++) {
      const g = groups.nth(i);
      const attitude = ((await g.locator('legend').textContent()) ?? '').includes('Thái độ');
      await g.getByRole('radio', { name: attitude ? 'Không hài lòng' : 'Hài lòng', exact: true }).check();
    }
    await section.getByLabel(/Ý kiến khác/).fill('Cán bộ <b>chậm</b> trả lời điện thoại.');
    await section.getByRole('button', { name: 'Gửi đánh giá', exact: true }).click();
    await section.getByText(/^Ông\/bà đã đánh giá hồ sơ này lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}\. Cảm ơn ông\/bà\.$/).waitFor();
    const attitudeRow = section.locator('li', { hasText: 'Thái độ của cán bộ, công chức' });
    await expect(attitudeRow.locator('.badge').textContent()).resolves.toBe('Không hài lòng');
    await section.getByText('Cán bộ <b>chậm</b> trả lời điện thoại.').waitFor();
    await expect(section.locator('b').count()).resolves.toBe(0);
    await checkPage(page, 'dossier page with the rating given');

    // the server holds exactly that rating
    const state = (await (await page.request.get(`${journey.server.url}/api/dossiers/${code}/rating`)).json()) as { canRate: boolean; rating: { channel: string; answers: { criterion: string; satisfied: boolean }[] } };
    expect(state.canRate).toBe(false);
    expect(state.rating.channel).toBe('online');
    expect(state.rating.answers.filter((a) => !a.satisfied).map((a) => a.criterion)).toEqual(['officer_attitude']);
    expect(errors, 'uncaught errors in the pages').toEqual([]);
  });

  it('the kiosk refuses wrong check values and unfinished dossiers, rates once, thanks, resets and slows down guessing', { timeout: TIMEOUT }, async () => {
    const citizen = await actor('binh.tran');
    const open = await submitDossier(citizen, 'kiosk-open');
    const refused = await submitDossier(citizen, 'kiosk-refused');
    const desk = await actor('tiepnhan.hongbang');
    await receive(desk, refused.code, { outcome: 'refuse', reasons: ['Thiếu giấy chứng sinh bản chính.'] });

    const kiosk = await journey.open({ width: 800, height: 1200 });
    await kiosk.clock.install();
    await kiosk.goto(`${journey.server.url}/kiosk/danh-gia`);
    await kiosk.getByRole('heading', { level: 1, name: 'Đánh giá mức độ hài lòng' }).waitFor();
    await checkPage(kiosk, 'kiosk: look-up');
    const find = kiosk.getByRole('button', { name: 'Tiếp tục', exact: true });
    const box = await find.boundingBox();
    expect(box!.height, 'kiosk buttons are big targets').toBeGreaterThanOrEqual(48);

    // a malformed code, then a wrong check value: said in words
    await kiosk.getByLabel('Mã hồ sơ').fill('12345');
    await kiosk.getByLabel('Mã tra cứu').fill(refused.check);
    await find.click();
    await kiosk.getByText('Mã hồ sơ chưa đúng định dạng').waitFor();
    await expect(kiosk.getByLabel('Mã hồ sơ').getAttribute('aria-invalid')).resolves.toBe('true');
    await kiosk.getByLabel('Mã hồ sơ').fill(refused.code);
    const wrong = refused.check === 'ABCDEF' ? 'ABCDEG' : 'ABCDEF';
    await kiosk.getByLabel('Mã tra cứu').fill(wrong);
    await find.click();
    await kiosk.getByRole('alert').filter({ hasText: 'Mã hồ sơ hoặc mã tra cứu không đúng. Vui lòng kiểm tra lại trên giấy tiếp nhận.' }).waitFor();
    await expectNoSeriousAxeViolations(kiosk, 'kiosk: wrong check value');

    // a dossier still in progress cannot be rated yet
    await kiosk.getByLabel('Mã hồ sơ').fill(open.code);
    await kiosk.getByLabel('Mã tra cứu').fill(open.check);
    await find.click();
    await kiosk.getByRole('alert').filter({ hasText: 'Hồ sơ chưa giải quyết xong' }).waitFor();

    // the refused dossier, with its check value (typed in lower case, as people do)
    await kiosk.getByLabel('Mã hồ sơ').fill(refused.code.toLowerCase());
    await kiosk.getByLabel('Mã tra cứu').fill(refused.check);
    await find.click();
    await kiosk.getByRole('heading', { level: 1, name: `Đánh giá hồ sơ ${refused.code}` }).waitFor();
    await kiosk.getByText('Từ chối').first().waitFor();
    const groups = kiosk.locator('.kiosk-criterion');
    await expect(groups.count()).resolves.toBe(7);
    await checkPage(kiosk, 'kiosk: criteria');
    for (let i = 0; i < 7; i++) {
      const yes = groups.nth(i).getByRole('button', { name: /^Hài lòng/ });
      await expect(yes.getAttribute('aria-pressed')).resolves.toBe('false');
      await yes.click();
      await expect(yes.getAttribute('aria-pressed')).resolves.toBe('true');
      expect((await yes.boundingBox())!.height).toBeGreaterThanOrEqual(48);
    }
    // changing one's mind: the other button of the pair is pressed, this one released
    const firstNo = groups.nth(0).getByRole('button', { name: /^Không hài lòng/ });
    await firstNo.click();
    await expect(firstNo.getAttribute('aria-pressed')).resolves.toBe('true');
    await expect(groups.nth(0).getByRole('button', { name: /^Hài lòng/ }).getAttribute('aria-pressed')).resolves.toBe('false');
    await kiosk.getByRole('button', { name: 'Gửi đánh giá', exact: true }).click();
    await kiosk.getByRole('heading', { level: 1, name: 'Cảm ơn ông/bà!' }).waitFor();
    await kiosk.getByText('Màn hình sẽ trở về trang đầu sau').waitFor();
    await checkPage(kiosk, 'kiosk: thanks');

    // 20 seconds later, the kiosk is ready for the next person
    await kiosk.clock.runFor(21_000);
    await kiosk.getByRole('heading', { level: 1, name: 'Đánh giá mức độ hài lòng' }).waitFor();
    await expect(kiosk.getByLabel('Mã hồ sơ').inputValue()).resolves.toBe('');

    // rated once: a second rating is refused in words
    await kiosk.getByLabel('Mã hồ sơ').fill(refused.code);
    await kiosk.getByLabel('Mã tra cứu').fill(refused.check);
    await kiosk.getByRole('button', { name: 'Tiếp tục', exact: true }).click();
    await kiosk.getByRole('alert').filter({ hasText: 'Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần.' }).waitFor();

    // someone trying check values one after another is slowed down, and told so
    let limited = false;
    for (let i = 0; i < 40 && !limited; i++) {
      const r = await kiosk.request.get(`${journey.server.url}/api/kiosk/dossiers/${refused.code}?check=${wrong}`);
      limited = r.status() === 429;
    }
    expect(limited, 'the kiosk look-up is rate-limited').toBe(true);
    await kiosk.getByRole('button', { name: 'Tiếp tục', exact: true }).click();
    await kiosk.getByRole('alert').filter({ hasText: 'Ông/bà đã thử quá nhiều lần. Vui lòng đợi một lát rồi thử lại.' }).waitFor();
    await expectNoSeriousAxeViolations(kiosk, 'kiosk: too many attempts');

    const state = (await (await citizen.page.request.get(`${journey.server.url}/api/dossiers/${refused.code}/rating`)).json()) as { rating: { channel: string; answers: { criterion: string; satisfied: boolean }[] } };
    expect(state.rating.channel).toBe('kiosk');
    expect(state.rating.answers.filter((a) => !a.satisfied).map((a) => a.criterion)).toEqual(['time_vs_rule']);
    expect(errors, 'uncaught errors in the pages').toEqual([]);
  });
});
