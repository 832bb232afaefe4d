// Browser journey of the interconnection between member systems (#6), two `motcua serve`
// processes with their own databases joined by a signed directory: Hồng Bàng (hosting the
// district) and the city (hosting the Department of Justice). A late birth registration is
// received and examined at a Hồng Bàng ward (through the API); its verification step belongs to
// the Department of Justice and crosses to the city's system. In the browser: Hồng Bàng's system
// administrator opens "Vận hành liên thông" from the account menu and sees the city reachable and
// the transfer in the message log with a valid signature; Hồng Bàng's officer sees the step held
// on the city's system, with no action on it; the department's officer, on the city's system,
// opens it from the unit's inbox, claims it and hands it over; the applicant, on Hồng Bàng's
// portal and on a phone, sees in the timeline what the department did, in Vietnamese.
// axe and the 360 px check on every page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { checkPage, launchBrowser, logInThroughForm, settled } from '../support/browser.js';
import { crossTemplate, handOver, LATE_BIRTH, receivedAtWard, saveTemplate, TU_PHAP, wardPeople } from '../support/interconnect-journeys.js';
import { act, DEMO_PASSWORD, demoEmail, openFromUnitInbox } from '../support/journeys.js';
import { type City, eventually, startCity } from '../support/members.js';

const TIMEOUT = 120_000;
const HB_NAME = 'Hệ thống một cửa quận Hồng Bàng';
const CITY_NAME = 'Hệ thống một cửa thành phố';
const VERIFY = 'Xác minh tại Sở Tư pháp';

describe('interconnection between member systems (browser)', () => {
  let city: City;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];

  async function open(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (err) => errors.push(String(err)));
    return page;
  }

  beforeAll(async () => {
    [city, browser] = await Promise.all([
      startCity([
        { id: 'hongbang', name: HB_NAME, engine: 'sqlite', hosts: ['000.00.21.H31'] },
        { id: 'city', name: CITY_NAME, engine: 'sqlite', hosts: ['000.00.00.H31'] },
      ]),
      launchBrowser(),
    ]);
    await Promise.all(Object.values(city.members).map((m) => saveTemplate(m.url, LATE_BIRTH, crossTemplate(TU_PHAP, VERIFY))));
  }, TIMEOUT);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await city?.dispose();
  }, TIMEOUT);

  it('a step crosses to the city and back: operations page, both officers and the applicant', { timeout: TIMEOUT }, async () => {
    const hb = city.members.hongbang!.url;
    const ct = city.members.city!.url;
    // received and examined at the ward (API): the verification step goes to the city's system
    const people = await wardPeople(hb);
    const { code, examine } = await receivedAtWard(people, 'e2e-interconnect');
    await handOver(people, code, examine);

    // 1. Hồng Bàng's system administrator: the operations page, from the account menu
    const admin = await open();
    await logInThroughForm(admin, hb, demoEmail('quantri.hethong'), DEMO_PASSWORD);
    await admin.waitForURL(/\/can-bo$/);
    await admin.getByRole('navigation', { name: 'Tài khoản' }).getByRole('link', { name: 'Vận hành liên thông' }).click();
    await admin.waitForURL(/\/quan-tri\/lien-thong$/);
    await admin.getByRole('heading', { level: 1, name: 'Vận hành liên thông' }).waitFor();
    const peers = admin.getByRole('table', { name: 'Các hệ thống đối tác' });
    const cityRow = peers.getByRole('row').filter({ hasText: CITY_NAME });
    await cityRow.getByRole('cell', { name: 'Kết nối được', exact: true }).waitFor();
    await cityRow.getByText(/^city · Hệ thống Một cửa$/).waitFor();
    // the transfer, sent and acknowledged by a signed receipt
    const recent = admin.getByRole('table', { name: 'Tin nhắn gần đây' });
    const transfer = recent.getByRole('row').filter({ hasText: 'Chuyển xử lý' }).filter({ hasText: `Hồ sơ ${code}` });
    await eventually('the transfer acknowledged', async () => {
      await admin.reload();
      await admin.getByRole('heading', { level: 2, name: 'Tin nhắn gần đây' }).waitFor();
      return (await transfer.count()) === 1 && (await transfer.textContent())!.includes('Chữ ký hợp lệ');
    });
    await expect(transfer.textContent()).resolves.toContain('Gửi đi');
    await expect(recent.getByText('Chữ ký không hợp lệ').count()).resolves.toBe(0);
    await checkPage(admin, 'interconnection operations');
    // the message itself, with its signature checked
    await transfer.getByRole('button', { name: 'Xem tin Chuyển xử lý với city' }).click();
    const panel = admin.locator('section', { has: admin.getByRole('heading', { level: 2, name: /^Tin nhắn số \d+$/ }) });
    await panel.getByRole('definition').filter({ hasText: /^Hợp lệ: / }).first().waitFor();
    await expect(admin.getByRole('heading', { level: 2, name: /^Tin nhắn số \d+$/ }).evaluate((h) => h === document.activeElement)).resolves.toBe(true);
    await checkPage(admin, 'interconnection message', 'main');

    // 2. Hồng Bàng's officer: the verification step is held on the city's system, no action on it
    const officer = await open();
    await logInThroughForm(officer, hb, demoEmail('chuyenvien.hongbang'), DEMO_PASSWORD);
    await officer.waitForURL(/\/can-bo$/);
    await officer.goto(`${hb}/can-bo/xu-ly/${code}`);
    const held = officer.getByRole('article', { name: VERIFY });
    const heldBy = held.locator('dl > div').filter({ has: officer.getByRole('term').filter({ hasText: 'Xử lý trên hệ thống liên thông' }) }).getByRole('definition');
    // named once the city has said it took the step (its acceptance carries its name)
    await eventually('the step held by the city, named', async () => {
      await officer.reload();
      await officer.getByRole('heading', { level: 1, name: `Xử lý hồ sơ ${code}` }).waitFor();
      await settled(officer);
      return (await heldBy.textContent()) === CITY_NAME;
    });
    await expect(held.getByRole('button').count()).resolves.toBe(0);
    await checkPage(officer, 'processing page (step held by the city)');

    // 3. the Department of Justice officer, on the city's system: claims the step and hands it over
    const tp = await open();
    await logInThroughForm(tp, ct, demoEmail('chuyenvien.tuphap'), DEMO_PASSWORD);
    await tp.waitForURL(/\/can-bo$/);
    await openFromUnitInbox(tp, ct, code);
    await tp.getByRole('article', { name: VERIFY }).waitFor();
    await act(tp, 'Nhận xử lý', 'Xác nhận nhận xử lý', 'Bạn đã nhận xử lý bước này.');
    await checkPage(tp, 'processing page on the city system');
    await act(tp, 'Chuyển bước tiếp theo', 'Xác nhận chuyển bước', 'Đã chuyển hồ sơ sang bước tiếp theo.');

    // 4. the applicant, on Hồng Bàng's portal, on a phone: the department's news in the timeline
    const citizen = await open({ width: 360, height: 740 });
    await logInThroughForm(citizen, hb, demoEmail('an.nguyen'), DEMO_PASSWORD);
    await citizen.waitForURL((u) => !u.pathname.startsWith('/dang-nhap'));
    await citizen.goto(`${hb}/ho-so/${code}`);
    const timeline = citizen.locator('section', { has: citizen.getByRole('heading', { level: 2, name: 'Quá trình xử lý' }) });
    const completed = timeline.getByRole('listitem').filter({ hasText: 'Cơ quan liên thông đã xử lý xong bước' });
    await eventually('the step completed at the city, on the applicant’s timeline', async () => {
      await citizen.reload();
      await citizen.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
      await settled(citizen);
      return (await completed.count()) === 1;
    });
    await completed.getByText(`(${CITY_NAME}) đã xử lý xong bước "${VERIFY}"`).waitFor();
    const updates = timeline.getByRole('listitem').filter({ hasText: 'Cập nhật từ cơ quan liên thông' });
    await updates.filter({ hasText: `Đã chuyển liên thông đến` }).filter({ hasText: `(${CITY_NAME})` }).waitFor();
    await updates.filter({ hasText: `(${CITY_NAME}) đã nhận xử lý` }).waitFor();
    // no event type left untranslated
    await expect(timeline.getByText(/\bpeer_|received_from_peer/).count()).resolves.toBe(0);
    await checkPage(citizen, 'dossier with peer events (360 px)');

    expect(errors, 'uncaught errors in the pages').toEqual([]);
  });
});
