// Browser journeys on a simulated app clock: a clock the test moves, and the session cookie
// kept in the browser. The server dates the cookie's Expires on its own clock; when that clock
// is months behind the machine's, the browser (on real time) sees the cookie as already expired
// and drops it. These helpers keep it as a browser-session cookie instead; the server still
// enforces the session's idle and absolute limits on its clock.
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

/** The app's clock, moved by the test. Sessions expire after 30 idle minutes of it: move it in small steps. */
export class MovableClock {
  constructor(public t: number) {}
  now = () => new Date(this.t);
  advanceMinutes = (m: number) => {
    expect(m, 'steps of at most 25 minutes keep the sessions alive').toBeLessThanOrEqual(25);
    this.t += m * 60_000;
  };
  /** Moves to an instant (forward only), e.g. just after a due time. */
  setTo = (t: number) => {
    expect(t).toBeGreaterThanOrEqual(this.t);
    this.t = t;
  };
}

const stripExpires = (setCookie: string) =>
  setCookie
    .split('\n')
    .map((c) => c.replace(/;\s*Expires=[^;]*/gi, '').replace(/;\s*Max-Age=[^;]*/gi, ''))
    .join('\n');

/** Logins through the pages' own form keep their session cookie despite the clocks' difference. */
export async function keepSessionCookies(context: BrowserContext): Promise<void> {
  await context.route('**/api/auth/login', async (route) => {
    const response = await route.fetch();
    const headers = response.headers();
    if (headers['set-cookie']) headers['set-cookie'] = stripExpires(headers['set-cookie']);
    await route.fulfill({ response, headers });
  });
}

/** Logs in through the API in this page's context (the browser gets the session cookie); returns the CSRF token. */
export async function apiLoginKeepingCookie(page: Page, baseUrl: string, email: string, password: string): Promise<string> {
  const res = await page.request.post(`${baseUrl}/api/auth/login`, { data: { email, password } });
  expect(res.status(), await res.text()).toBe(200);
  const cookies = res
    .headersArray()
    .filter((h) => h.name.toLowerCase() === 'set-cookie')
    .map((h) => /^([^=;\s]+)=([^;]*)/.exec(h.value))
    .filter((m): m is RegExpExecArray => m !== null);
  await page.context().addCookies(cookies.map((m) => ({ name: m[1]!, value: m[2]!, url: baseUrl, httpOnly: true, sameSite: 'Lax' as const })));
  return ((await res.json()) as { csrfToken: string }).csrfToken;
}
