// Browser journey: a paper dossier registered at the desk with a supplement request appears in
// "Hồ sơ chờ bổ sung"; when the applicant brings the papers the officer records them, and the
// dossier goes back to the waiting list for a receipt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { BROWSER_TIMEOUT, expectNoSeriousAxeViolations, launchBrowser, newPage, settled } from '../support/browser.js';
import { type RunningServer, startServer } from '../support/server.js';

let server: RunningServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
}, BROWSER_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.close();
}, BROWSER_TIMEOUT);

describe('desk: missing papers brought to the desk (browser)', () => {
  it('records them and returns the dossier to the waiting list', { timeout: BROWSER_TIMEOUT }, async () => {
    const page = await newPage(browser!);
    const login = await page.request.post(`${server!.url}/api/auth/login`, { data: { email: 'tiepnhan.hongbang@demo.motcua.vn', password: 'MotCua@2026demo' } });
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const ward = ((await (await page.request.get(`${server!.url}/api/agencies?q=hoang%20van%20thu&level=commune`)).json()) as { items: { code: string }[] }).items[0]!.code;
    const proc = (await (await page.request.get(`${server!.url}/api/procedures/2.000815`)).json()) as { documents: { code: string; mandatory: boolean }[] };
    const missing = proc.documents.find((d) => d.mandatory)!.code;
    const intake = await page.request.post(`${server!.url}/api/desk/intake`, {
      headers: { 'x-csrf-token': csrfToken },
      data: { channel: 'in_person', procedure: '2.000815', agency: ward, applicant: { name: 'Vũ Thị Lan' }, form: {}, documents: [], returnMethod: 'desk', decision: { outcome: 'supplement', items: [{ requirement: missing, reason: 'Chưa mang theo' }] } },
    });
    expect(intake.status()).toBe(201);
    const { code } = (await intake.json()) as { code: string };

    await page.goto(`${server!.url}/can-bo`);
    await page.getByRole('heading', { level: 2, name: 'Hồ sơ chờ bổ sung' }).waitFor();
    await page.getByRole('link', { name: code }).click();
    await page.getByRole('heading', { level: 2, name: 'Người nộp mang giấy tờ bổ sung đến quầy' }).waitFor();
    await settled(page);
    await expectNoSeriousAxeViolations(page, 'dossier awaiting a supplement');
    await page.getByRole('button', { name: 'Đã nhận đủ giấy tờ bổ sung' }).click();
    await page.getByRole('heading', { level: 2, name: 'Người nộp mang giấy tờ bổ sung đến quầy' }).waitFor({ state: 'detached' });
    const detail = (await (await page.request.get(`${server!.url}/api/dossiers/${code}`)).json()) as { status: string };
    expect(detail.status).toBe('submitted');
    await page.goto(`${server!.url}/can-bo`);
    await page.getByRole('link', { name: code }).waitFor();
    await expectNoSeriousAxeViolations(page, 'workspace');
  });
});
