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

/** Fails on axe violations of impact serious or critical, printing them. `include`: check only that part of the page (a selector). */
export async function expectNoSeriousAxeViolations(page: Page, label: string, include?: string): Promise<void> {
  const axe = new AxeBuilder({ page });
  const results = await (include ? axe.include(include) : axe).analyze();
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

/**
 * Once the page has settled: axe, then no horizontal scroll at 360 px, and back to the page's width.
 * `part`: a state of a page already checked whole (a list opened, another tab), checked by axe on
 * that part only, since axe takes seconds per page.
 */
export async function checkPage(page: Page, label: string, part?: string): Promise<void> {
  await settled(page);
  await expectNoSeriousAxeViolations(page, label, part);
  const size = page.viewportSize();
  if (size && size.width !== 360) await page.setViewportSize({ width: 360, height: 740 });
  await expectNoHorizontalScroll(page, `${label} at 360 px`);
  if (size && size.width !== 360) await page.setViewportSize(size);
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
