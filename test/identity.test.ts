// Accounts and sessions through HTTP on both engines: registration and e-mail verification,
// login throttling, sessions (idle/absolute timeouts, forged cookies, log out everywhere),
// CSRF, password reset tokens, delegations, profile and the access log.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { DEMO_PASSWORD, seedDemoAccounts } from '../src/identity/demo-accounts.js';
import { importCatalog } from '../src/catalog/import-catalog.js';
import { TestClient } from './support/client.js';
import { testConfig } from './support/config.js';
import { ENGINES, freshDatabase, type TestDb } from './support/db.js';
import { smallCatalog } from './support/fixtures.js';

class MovableClock {
  constructor(private t: number) {}
  now = () => new Date(this.t);
  advance(ms: number) {
    this.t += ms;
  }
}

const CITIZEN = { kind: 'citizen', email: 'Le.Van.C@Example.vn', password: 'mat-khau-dai-10', fullName: 'Lê Văn C', citizenId: '031088123456', dateOfBirth: '1988-02-29', gender: 'male' };

describe.each(ENGINES)('identity on %s', (engine) => {
  let t: TestDb;
  let app: FastifyInstance;
  const clock = new MovableClock(Date.parse('2026-03-02T03:00:00Z'));

  /** The token from the newest e-mail to `to` in the outbox. */
  async function tokenFromMail(to: string): Promise<string> {
    const row = await t.db.selectFrom('mail_outbox').select('text_body').where('to_address', '=', to).orderBy('id', 'desc').executeTakeFirstOrThrow();
    return /token=([A-Za-z0-9_-]+)/.exec(row.text_body)![1]!;
  }

  beforeAll(async () => {
    t = await freshDatabase(engine);
    await importCatalog(t.db, smallCatalog(), clock.now());
    await seedDemoAccounts(t.db, clock.now());
    app = await buildApp({ db: t.db, clock, config: testConfig() });
  });
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  it('registers a citizen, e-mails a verification link, and refuses login until verified', async () => {
    const c = new TestClient(app);
    const reg = await c.post('/api/auth/register', CITIZEN);
    expect(reg.statusCode, reg.body).toBe(201);
    const mail = await t.db.selectFrom('mail_outbox').selectAll().where('to_address', '=', 'le.van.c@example.vn').executeTakeFirstOrThrow();
    expect(mail.subject).toContain('Xác thực');
    expect(mail.text_body).toContain('http://127.0.0.1:3000/xac-thuc-email?token=');
    const early = await c.login('le.van.c@example.vn', CITIZEN.password);
    expect(early.statusCode).toBe(403);
    expect(early.json()).toMatchObject({ reason: 'email_not_verified' });
    const token = await tokenFromMail('le.van.c@example.vn');
    expect((await c.post('/api/auth/verify-email', { token })).statusCode).toBe(200);
    expect((await c.post('/api/auth/verify-email', { token })).json()).toMatchObject({ reason: 'token_invalid' });
    const ok = await c.login('LE.VAN.C@example.vn', CITIZEN.password);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ account: { fullName: 'Lê Văn C', citizenId: '031088123456', emailVerified: true }, grants: [] });
    const cookie = ok.cookies.find((x) => x.name === 'motcua_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect((await c.get('/api/auth/me')).statusCode).toBe(200);
  });

  it('validates CCCD, tax codes and fields, naming the field', async () => {
    const c = new TestClient(app);
    const cases: [Record<string, unknown>, string, string | undefined][] = [
      [{ ...CITIZEN, email: 'x1@example.vn', citizenId: '031188123456' }, 'citizenId', 'invalid_citizen_id'],
      [{ ...CITIZEN, email: 'x2@example.vn', citizenId: '999088123456' }, 'citizenId', 'invalid_citizen_id'],
      [{ ...CITIZEN, email: 'x3@example.vn', citizenId: '031088123456' }, 'citizenId', 'citizen_id_taken'],
      [{ ...CITIZEN, email: 'x4@example.vn', password: 'short' }, 'password', undefined],
      [{ ...CITIZEN, email: 'not-an-email' }, 'email', undefined],
      [{ ...CITIZEN, email: 'x5@example.vn', fullName: 'A'.repeat(201) }, 'fullName', undefined],
      [{ kind: 'business', email: 'b@example.vn', password: 'mat-khau-dai-10', fullName: 'Công ty X', taxCode: '0100109107' }, 'taxCode', 'invalid_tax_code'],
      [{ ...CITIZEN, email: 'x6@example.vn', isAdmin: true }, '', undefined],
    ];
    for (const [body, field, reason] of cases) {
      const res = await c.post('/api/auth/register', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      if (field) expect(res.json()).toMatchObject({ field });
      if (reason) expect(res.json()).toMatchObject({ reason });
    }
    const business = await c.post('/api/auth/register', { kind: 'business', email: 'ct@example.vn', password: 'mat-khau-dai-10', fullName: 'Công ty Y', taxCode: '0100109106-001' });
    expect(business.statusCode).toBe(201);
  });

  it('registering an address that has an account answers the same and warns its owner', async () => {
    const c = new TestClient(app);
    const res = await c.post('/api/auth/register', { ...CITIZEN, citizenId: '031188123457', gender: 'female' });
    expect(res.statusCode).toBe(201);
    const mails = await t.db.selectFrom('mail_outbox').select('subject').where('to_address', '=', 'le.van.c@example.vn').execute();
    expect(mails.map((m) => m.subject)).toContain('Địa chỉ thư của bạn đã có tài khoản — motcua');
  });

  it('stores text with injection strings as data, escaped nowhere and executed never', async () => {
    const c = new TestClient(app);
    const evil = `Robert'); DROP TABLE accounts;-- <script>alert(1)</script>`;
    const res = await c.post('/api/auth/register', { ...CITIZEN, email: 'evil@example.vn', citizenId: '031088654321', fullName: evil, address: "' OR '1'='1" });
    expect(res.statusCode).toBe(201);
    const row = await t.db.selectFrom('accounts').select(['full_name', 'address']).where('email', '=', 'evil@example.vn').executeTakeFirstOrThrow();
    expect(row).toEqual({ full_name: evil, address: "' OR '1'='1" });
    expect((await c.login(`' OR 1=1 --@x.vn`, 'x')).statusCode).toBe(400);
  });

  it('throttles failed logins per account with a clear lockout, then lets the right password in after it', async () => {
    const c = new TestClient(app, '10.0.0.1');
    for (let i = 0; i < 5; i++) expect((await c.login('an.nguyen@demo.motcua.vn', 'sai-mat-khau')).json()).toMatchObject({ reason: 'invalid_credentials' });
    const locked = await c.login('an.nguyen@demo.motcua.vn', DEMO_PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ reason: 'account_locked', details: { retryAt: expect.any(String) } });
    expect(locked.cookies).toHaveLength(0);
    clock.advance(16 * 60_000);
    expect((await c.login('an.nguyen@demo.motcua.vn', DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('throttles many failures from one IP across accounts', async () => {
    const c = new TestClient(app, '10.0.0.2');
    for (let i = 0; i < 30; i++) await c.login(`nobody${i}@example.vn`, 'sai-mat-khau');
    const res = await c.login('binh.tran@demo.motcua.vn', DEMO_PASSWORD);
    expect(res.statusCode).toBe(429);
    expect(res.json()).toMatchObject({ reason: 'too_many_attempts' });
    expect((await new TestClient(app, '10.0.0.3').login('binh.tran@demo.motcua.vn', DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('wrong password and unknown account answer identically', async () => {
    const a = await new TestClient(app, '10.0.0.4').login('binh.tran@demo.motcua.vn', 'sai-mat-khau');
    const b = await new TestClient(app, '10.0.0.4').login('khong.co@example.vn', 'sai-mat-khau');
    expect(a.statusCode).toBe(b.statusCode);
    expect(a.json()).toEqual(b.json());
  });

  it('refuses state changes without the CSRF token or from another origin', async () => {
    const c = new TestClient(app, '10.0.0.5');
    await c.login('binh.tran@demo.motcua.vn', DEMO_PASSWORD);
    const csrf = c.csrf;
    c.csrf = undefined;
    const noToken = await c.put('/api/me/profile', { phone: '0900 000 000' });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json()).toMatchObject({ reason: 'csrf' });
    c.csrf = 'wrong-token';
    expect((await c.put('/api/me/profile', { phone: '0900 000 000' })).statusCode).toBe(403);
    c.csrf = csrf;
    const crossSite = await c.request('PUT', '/api/me/profile', { phone: '0900 000 000' }, { origin: 'https://evil.example' });
    expect(crossSite.statusCode).toBe(403);
    const profile = await t.db.selectFrom('accounts').select('phone').where('email', '=', 'binh.tran@demo.motcua.vn').executeTakeFirstOrThrow();
    expect(profile.phone).toBe('0987 654 321');
    const ok = await c.put('/api/me/profile', { phone: '0900 000 000' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ phone: '0900 000 000' });
  });

  it('forged, replayed-after-logout and expired session cookies are refused', async () => {
    const forged = new TestClient(app);
    forged.cookie = 'A'.repeat(43);
    expect((await forged.get('/api/auth/me')).statusCode).toBe(401);
    forged.cookie = "x'; drop table sessions; --";
    expect((await forged.get('/api/auth/me')).statusCode).toBe(401);

    const c = new TestClient(app, '10.0.0.6');
    await c.login('binh.tran@demo.motcua.vn', DEMO_PASSWORD);
    const stolen = c.cookie;
    expect((await c.post('/api/auth/logout')).statusCode).toBe(204);
    const replay = new TestClient(app);
    replay.cookie = stolen;
    expect((await replay.get('/api/auth/me')).statusCode).toBe(401);

    await c.login('binh.tran@demo.motcua.vn', DEMO_PASSWORD);
    clock.advance(31 * 60_000); // idle timeout 30 min
    const idle = await c.get('/api/auth/me');
    expect(idle.statusCode).toBe(401);
    expect(idle.json()).toMatchObject({ reason: 'session_expired' });

    await c.login('binh.tran@demo.motcua.vn', DEMO_PASSWORD);
    for (let i = 0; i < 26; i++) {
      clock.advance(29 * 60_000); // active, but past the 12 h absolute limit at the end
      const r = await c.get('/api/auth/me');
      if (i < 24) expect(r.statusCode, `after ${(i + 1) * 29} min`).toBe(200);
      else expect(r.statusCode).toBe(401);
    }
  });

  it('log out everywhere ends every session of the account', async () => {
    const phone = new TestClient(app, '10.0.1.1');
    const laptop = new TestClient(app, '10.0.1.2');
    await phone.login('binh.tran@demo.motcua.vn', DEMO_PASSWORD);
    await laptop.login('binh.tran@demo.motcua.vn', DEMO_PASSWORD);
    expect((await laptop.post('/api/auth/logout-all')).statusCode).toBe(204);
    expect((await phone.get('/api/auth/me')).statusCode).toBe(401);
    expect((await laptop.get('/api/auth/me')).statusCode).toBe(401);
  });

  it('password reset: single use, expiring, no enumeration, ends sessions', async () => {
    const other = new TestClient(app, '10.0.2.1');
    await other.login('binh.tran@demo.motcua.vn', DEMO_PASSWORD);
    const c = new TestClient(app, '10.0.2.2');
    expect((await c.post('/api/auth/password-reset', { email: 'khong.co@example.vn' })).statusCode).toBe(202);
    expect((await c.post('/api/auth/password-reset', { email: 'binh.tran@demo.motcua.vn' })).statusCode).toBe(202);
    const token = await tokenFromMail('binh.tran@demo.motcua.vn');
    expect((await c.post('/api/auth/password-reset/confirm', { token, password: 'short' })).json()).toMatchObject({ field: 'password' });
    expect((await c.post('/api/auth/password-reset/confirm', { token: 'x'.repeat(43), password: 'mat-khau-moi-123' })).json()).toMatchObject({ reason: 'token_invalid' });
    expect((await c.post('/api/auth/password-reset/confirm', { token, password: 'mat-khau-moi-123' })).statusCode).toBe(200);
    expect((await c.post('/api/auth/password-reset/confirm', { token, password: 'mat-khau-khac-123' })).json()).toMatchObject({ reason: 'token_invalid' });
    expect((await other.get('/api/auth/me')).statusCode).toBe(401);
    expect((await c.login('binh.tran@demo.motcua.vn', DEMO_PASSWORD)).statusCode).toBe(401);
    expect((await c.login('binh.tran@demo.motcua.vn', 'mat-khau-moi-123')).statusCode).toBe(200);

    await c.post('/api/auth/password-reset', { email: 'binh.tran@demo.motcua.vn' });
    const late = await tokenFromMail('binh.tran@demo.motcua.vn');
    clock.advance(61 * 60_000);
    expect((await c.post('/api/auth/password-reset/confirm', { token: late, password: 'mat-khau-cuoi-123' })).json()).toMatchObject({ reason: 'token_invalid' });
  });

  it('a business authorises a person, who acts for it and can be withdrawn', async () => {
    const person = new TestClient(app, '10.0.3.1');
    const me = (await person.login('an.nguyen@demo.motcua.vn', DEMO_PASSWORD)).json() as { account: { id: number } };
    const list = (await person.get('/api/me/delegations')).json() as { items: { id: number; business: { id: number } }[] };
    expect(list.items).toHaveLength(1);
    const businessId = list.items[0]!.business.id;
    const acting = await person.post('/api/me/acting-for', { businessId });
    expect(acting.json()).toMatchObject({ actingFor: { fullName: 'Công ty TNHH Thương mại Hải Âu' } });
    expect((await person.post('/api/me/acting-for', { businessId: me.account.id })).statusCode).toBe(404);
    // the person cannot authorise others on the business's behalf
    expect((await person.post('/api/me/delegations', { email: 'binh.tran@demo.motcua.vn' })).statusCode).toBe(403);
    const business = new TestClient(app, '10.0.3.2');
    await business.login('congty.haiau@demo.motcua.vn', DEMO_PASSWORD);
    expect((await business.del(`/api/me/delegations/${list.items[0]!.id}`)).statusCode).toBe(204);
    expect(((await person.get('/api/auth/me')).json() as { actingFor: unknown }).actingFor).toBeNull();
    expect((await person.post('/api/me/acting-for', { businessId })).statusCode).toBe(404);
  });

  it("an officer's look at an applicant is logged and shown to the applicant", async () => {
    const desk = new TestClient(app, '10.0.4.1');
    await desk.login('tiepnhan.hongbang@demo.motcua.vn', DEMO_PASSWORD);
    const found = await desk.get('/api/admin/applicants?q=031090001234&purpose=' + encodeURIComponent('Tiếp nhận hồ sơ tại quầy'));
    expect(found.statusCode).toBe(200);
    const [applicant] = (found.json() as { items: { id: number }[] }).items;
    expect((await desk.get(`/api/admin/applicants/${applicant!.id}`)).statusCode).toBe(400); // purpose required
    expect((await desk.get(`/api/admin/applicants/${applicant!.id}?purpose=kiem%20tra`)).statusCode).toBe(200);
    const citizen = new TestClient(app, '10.0.4.2');
    await citizen.login('an.nguyen@demo.motcua.vn', DEMO_PASSWORD);
    const log = (await citizen.get('/api/me/access-log')).json() as { items: { actorName: string; actorAgency: string; purpose: string }[] };
    expect(log.items.map((i) => i.purpose)).toEqual(['kiem tra', 'Tiếp nhận hồ sơ tại quầy']);
    expect(log.items[0]).toMatchObject({ actorName: 'Phạm Thị Hoa', actorAgency: 'Ủy ban nhân dân quận Hồng Bàng' });
  });

  it('change password keeps this session and ends the others', async () => {
    const a = new TestClient(app, '10.0.5.1');
    const b = new TestClient(app, '10.0.5.2');
    await a.login('congty.haiau@demo.motcua.vn', DEMO_PASSWORD);
    await b.login('congty.haiau@demo.motcua.vn', DEMO_PASSWORD);
    expect((await a.post('/api/auth/password', { currentPassword: 'sai', newPassword: 'mat-khau-moi-456' })).statusCode).toBe(400);
    expect((await a.post('/api/auth/password', { currentPassword: DEMO_PASSWORD, newPassword: 'mat-khau-moi-456' })).statusCode).toBe(200);
    expect((await a.get('/api/auth/me')).statusCode).toBe(200);
    expect((await b.get('/api/auth/me')).statusCode).toBe(401);
  });

  it('malformed ids and over-long input are refused with 400 naming the field, changing nothing', async () => {
    const admin = new TestClient(app, '10.0.6.1');
    await admin.login('quantri.hongbang@demo.motcua.vn', DEMO_PASSWORD);
    for (const url of ['/api/admin/officers/abc', '/api/admin/officers/-1', '/api/admin/officers/1.5', "/api/admin/officers/1'%20or%201=1"]) {
      const res = await admin.get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ field: 'id' });
    }
    expect((await admin.del('/api/admin/grants/0')).statusCode).toBe(400);
    expect((await admin.get('/api/admin/officers?agency=../../etc')).json()).toMatchObject({ field: 'agency' });
    const before = await t.db.selectFrom('accounts').select((s) => s.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const long = await admin.post('/api/admin/officers', { email: 'x@example.vn', fullName: 'A'.repeat(5000), grants: [{ role: 'specialist', agencyCode: '000.00.21.H31' }] });
    expect(long.json()).toMatchObject({ field: 'fullName' });
    const noGrant = await admin.post('/api/admin/officers', { email: 'x@example.vn', fullName: 'A', grants: [] });
    expect(noGrant.json()).toMatchObject({ field: 'grants' });
    const after = await t.db.selectFrom('accounts').select((s) => s.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});
