// Single sign-on against a local OpenID Connect provider (oidc-provider on loopback, standing in
// for the national e-ID): authorization code + PKCE in a real browser; the first login creates
// the citizen account from the verified CCCD claim, or links the existing account with that CCCD.
import http from 'node:http';
import Provider from 'oidc-provider';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, freePort, startServer } from '../support/server.js';
import { launchBrowser } from '../support/browser.js';

const TIMEOUT = 90_000;
const PEOPLE: Record<string, Record<string, unknown>> = {
  // a new person: no account yet
  dinh: { name: 'Phạm Văn Định', citizen_id: '031085001111', birthdate: '1985-04-04', gender: 'male', email: 'dinh@example.vn', email_verified: true },
  // the demo citizen Nguyễn Văn An already has a password account with this CCCD
  an: { name: 'Nguyễn Văn An', citizen_id: '031090001234', birthdate: '1990-03-15', gender: 'male', email: 'an.other@example.vn', email_verified: true },
};

let idp: http.Server;
let app: RunningServer;
let browser: Browser;

beforeAll(async () => {
  const idpPort = await freePort();
  const appPort = await freePort();
  const issuer = `http://127.0.0.1:${idpPort}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'motcua', client_secret: 'test-secret', redirect_uris: [`http://127.0.0.1:${appPort}/api/auth/oidc/callback`], grant_types: ['authorization_code'], response_types: ['code'] }],
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name', 'birthdate', 'gender', 'citizen_id'], email: ['email', 'email_verified'] },
    conformIdTokenClaims: false,
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, ...(PEOPLE[sub] ?? {}) }) }),
  });
  idp = http.createServer(provider.callback());
  await new Promise<void>((r) => idp.listen(idpPort, '127.0.0.1', r));
  app = await startServer({ port: appPort, env: { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'motcua', OIDC_CLIENT_SECRET: 'test-secret' } });
  browser = await launchBrowser();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await new Promise((r) => idp?.close(r));
}, TIMEOUT);

async function loginThroughProvider(login: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${app.url}/api/auth/oidc/login?next=/ca-nhan`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', 'anything');
  await page.click('button[type=submit]');
  await page.click('button[type=submit]'); // consent
  await page.waitForURL(`${app.url}/ca-nhan`);
  const me = await page.evaluate(async () => (await fetch('/api/auth/me')).json());
  await context.close();
  return me as { account: { id: number; fullName: string; citizenId: string; email: string } };
}

describe('login through the e-ID provider (OIDC)', () => {
  it('creates the citizen account from the verified claims on first login, and reuses it next time', { timeout: TIMEOUT }, async () => {
    const first = await loginThroughProvider('dinh');
    expect(first.account).toMatchObject({ fullName: 'Phạm Văn Định', citizenId: '031085001111', email: 'dinh@example.vn' });
    const second = await loginThroughProvider('dinh');
    expect(second.account.id).toBe(first.account.id);
  });

  it('links an existing account with the same CCCD instead of creating another', { timeout: TIMEOUT }, async () => {
    const me = await loginThroughProvider('an');
    expect(me.account).toMatchObject({ fullName: 'Nguyễn Văn An', citizenId: '031090001234', email: 'an.nguyen@demo.motcua.vn' });
  });

  it('refuses a callback with an unknown state', { timeout: TIMEOUT }, async () => {
    const res = await fetch(`${app.url}/api/auth/oidc/callback?state=forged&code=abc`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/dang-nhap?error=oidc_state');
  });

  it('refuses a "next" that leaves the site', { timeout: TIMEOUT }, async () => {
    const res = await fetch(`${app.url}/api/auth/oidc/login?next=//evil.example/x`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const stored = new URL(res.headers.get('location')!).searchParams.get('state');
    expect(stored).toBeTruthy();
  });
});
