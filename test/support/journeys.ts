// Shared setup of the browser journeys: the server (on an optional simulated clock) and the
// browser started before a file's tests and closed after, pages in contexts of their own
// collecting uncaught errors, the demo accounts, a small PDF, and the steps officers repeat
// on the processing pages (open a dossier from the unit's inbox, take an action).
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Clock } from '../../src/app.js';
import { launchBrowser, logInThroughForm, newPage, settled } from './browser.js';
import { type RunningServer, startServer } from './server.js';
import { keepSessionCookies } from './sim-clock.js';

export const DEMO_PASSWORD = 'MotCua@2026demo';
export const demoEmail = (who: string) => `${who}@demo.motcua.vn`;
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

export interface Journey {
  readonly server: RunningServer;
  readonly browser: Browser;
  /** uncaught errors of the pages opened with `open` */
  readonly errors: string[];
  /** A page in a context of its own (closed after all tests), its uncaught errors collected. */
  open(viewport?: { width: number; height: number }): Promise<Page>;
  /** A page in a fresh context, as `newPage` of browser.ts. */
  newPage(): Promise<Page>;
  /** Logs in through the login page. */
  logIn(page: Page, email: string, password: string): Promise<void>;
}

/**
 * Starts the server and the browser before the file's tests and closes them after.
 * `keepCookies`: the contexts keep their session cookies when the simulated clock moves.
 */
export function browserJourney({ timeout, clock, keepCookies = false }: { timeout: number; clock?: Clock; keepCookies?: boolean }): Journey {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startServer(clock ? { clock } : {});
    browser = await launchBrowser();
  }, timeout);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  }, timeout);

  return {
    get server() {
      return server!;
    },
    get browser() {
      return browser!;
    },
    errors,
    async open(viewport = { width: 1280, height: 900 }) {
      const context = await browser!.newContext({ viewport });
      contexts.push(context);
      if (keepCookies) await keepSessionCookies(context);
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      page.on('pageerror', (err) => errors.push(String(err)));
      return page;
    },
    newPage: () => newPage(browser!),
    logIn: (page, email, password) => logInThroughForm(page, server!.url, email, password),
  };
}

/** Opens the processing page of a dossier through the inbox's "Việc của đơn vị" tab. */
export async function openFromUnitInbox(page: Page, baseUrl: string, code: string): Promise<void> {
  await page.goto(`${baseUrl}/can-bo/xu-ly`);
  await page.getByRole('heading', { level: 1, name: 'Xử lý hồ sơ' }).waitFor();
  await page.getByRole('tab', { name: 'Việc của đơn vị' }).click();
  await page.getByRole('link', { name: code }).click();
  await page.getByRole('heading', { level: 1, name: `Xử lý hồ sơ ${code}` }).waitFor();
  await settled(page);
}

/** Opens an action's form, fills it with `fill`, submits it and waits for the success message. */
export async function act(page: Page, button: string, submit: string, done: string, fill?: () => Promise<void>): Promise<void> {
  await page.getByRole('button', { name: button, exact: true }).click();
  const form = page.locator('form').filter({ has: page.getByRole('heading', { level: 4, name: button, exact: true }) });
  await form.waitFor();
  if (fill) await fill();
  await form.getByRole('button', { name: submit, exact: true }).click();
  await page.getByRole('status').filter({ hasText: done }).waitFor();
}

/** An administration page: the header's link to it, its path, its level-1 heading. */
export interface AdminPage {
  link: string;
  path: RegExp;
  title: string;
}

/** Logs in as `email` and follows the header's link to the administration page. */
export async function openAdminPage(journey: Journey, page: Page, email: string, password: string, admin: AdminPage): Promise<void> {
  await journey.logIn(page, email, password);
  await page.waitForURL(/\/can-bo$/);
  const link = page.locator('header').getByRole('link', { name: admin.link });
  await link.waitFor();
  await link.click();
  await page.waitForURL(admin.path);
  await page.getByRole('heading', { level: 1, name: admin.title }).waitFor();
}

/** Logs in as `email`, who may not use the administration page: no link to it, and at `url` the refusal. */
export async function expectAdminRefused(journey: Journey, page: Page, email: string, password: string, admin: AdminPage, url: string, refusal: string): Promise<void> {
  await journey.logIn(page, email, password);
  await page.waitForURL(/\/can-bo$/);
  await expect(page.locator('header').getByRole('link', { name: admin.link }).count()).resolves.toBe(0);
  await page.goto(`${journey.server.url}${url}`);
  await page.getByRole('heading', { level: 1, name: admin.title }).waitFor();
  await page.getByRole('alert').filter({ hasText: refusal }).waitFor();
}

/** Logs in through the login page as `who` and opens a page from the workspace by its link, named as the page's heading. */
export async function openFromWorkspace(journey: Journey, page: Page, who: string, title: string): Promise<void> {
  await logInThroughForm(page, journey.server.url, demoEmail(who), DEMO_PASSWORD);
  await page.waitForURL(/\/can-bo$/);
  await page.getByRole('link', { name: title }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

/** Logs in through the API in this page's context; returns the CSRF token. */
export async function apiLogin(journey: Journey, page: Page, who: string): Promise<string> {
  const res = await page.request.post(`${journey.server.url}/api/auth/login`, { data: { email: demoEmail(who), password: DEMO_PASSWORD } });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { csrfToken: string }).csrfToken;
}

/** A demo account driven through the API from its own page (its cookies) with its CSRF token. */
export interface ApiActor {
  page: Page;
  csrf: string;
}

export async function apiActor(journey: Journey, who: string): Promise<ApiActor> {
  const page = await journey.open();
  return { page, csrf: await apiLogin(journey, page, who) };
}

/** Uploads the small PDF as this actor; returns the upload id. */
export async function uploadAs(journey: Journey, a: ApiActor): Promise<string> {
  const up = await a.page.request.post(`${journey.server.url}/api/uploads`, { headers: { 'x-csrf-token': a.csrf }, multipart: { file: { name: 'giay-to.pdf', mimeType: 'application/pdf', buffer: PDF } } });
  expect(up.status(), await up.text()).toBe(201);
  return ((await up.json()) as { id: string }).id;
}

/** A field of a procedure's form schema, as far as filling it in needs. */
export interface FormProp {
  type?: string;
  format?: string;
  enum?: string[];
  default?: string;
}

/** A valid value for a required field of the birth registration form (through the API); `date` for its date fields. */
export function birthFormValue(key: string, p: FormProp, date = '2026-11-20'): string | number {
  if (p.enum) return p.enum[0]!;
  if (p.format === 'date') return date;
  if (/Cccd$/.test(key)) return '031090001234';
  if (p.type === 'integer' || p.type === 'number') return 1;
  if (/HoTen$/.test(key)) return key.startsWith('tre') ? 'Nguyễn Minh Khang' : key.startsWith('me') ? 'Trần Thị Mai' : 'Nguyễn Văn An';
  return p.default ?? 'Hải Phòng';
}

/**
 * In the record-result form, picks "upload a signed result file" when the procedure would
 * otherwise issue a signed e-result (it has an evidence type), so the file input is shown.
 */
export async function chooseResultUpload(page: Page): Promise<void> {
  const uploadChoice = page.getByLabel('Tải lên tệp kết quả đã ký');
  const fileInput = page.getByLabel('Văn bản kết quả');
  await uploadChoice.or(fileInput).first().waitFor();
  if (await uploadChoice.count()) await uploadChoice.check();
}
