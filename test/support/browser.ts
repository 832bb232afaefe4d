// Shared pieces of the browser journeys: Debian's Chromium driven by playwright-core,
// the axe check (no serious or critical violation), the 360 px check.
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type Page, chromium } from 'playwright-core';
import { expect } from 'vitest';

export const BROWSER_TIMEOUT = 120_000;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page in a fresh context (its own cookies), with a generous default timeout. */
export async function newPage(browser: Browser, viewport?: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext(viewport ? { viewport } : {});
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

/** Fails on axe violations of impact serious or critical, printing them. */
export async function expectNoSeriousAxeViolations(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 10) }));
  if (bad.length > 0) console.error(`axe violations on ${label} (${page.url()}):\n${JSON.stringify(bad, null, 2)}`);
  expect(bad, `axe serious/critical violations on ${label}`).toEqual([]);
}

export async function expectNoHorizontalScroll(page: Page, label: string, width = 360): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
  expect(scrollWidth, `horizontal scroll on ${label} (client width ${clientWidth})`).toBeLessThanOrEqual(width);
}

/** Waits until no loading indicator is left in the main content. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll('main .status').length === 0);
}

/** Logs in through the login page, as a person would. */
export async function logInThroughForm(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/dang-nhap`);
  await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
  await page.getByLabel('Thư điện tử (e-mail)').fill(email);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
}
