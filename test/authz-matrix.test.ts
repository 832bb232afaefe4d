// The authorization matrix: for every route, every caller (each officer role granted on one
// district, a citizen, a business, anonymous) and every relationship of the target to the
// caller's agency (own, descendant, ancestor, sibling, unrelated) or to the caller (own,
// someone else's), the expected allow/deny — from one table written independently of the code.
// A route registered without an entry here fails the test.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { importCatalog } from '../src/catalog/import-catalog.js';
import { DEMO_PASSWORD } from '../src/identity/demo-accounts.js';
import { hashPassword } from '../src/identity/passwords.js';
import { ROLES, type Role } from '../src/identity/schemas.js';
import { findAgencyByCode, insertAccount, insertDelegation, insertGrant } from '../src/identity/store.js';
import { TestClient } from './support/client.js';
import { testConfig } from './support/config.js';
import { freshDatabase, type TestDb } from './support/db.js';
import { smallCatalog } from './support/fixtures.js';

type Caller = Role | 'citizen' | 'business' | 'anonymous';
const CALLERS: Caller[] = [...ROLES, 'citizen', 'business', 'anonymous'];
const AGENCY_RELATIONS = ['own', 'descendant', 'ancestor', 'sibling', 'unrelated'] as const;
type AgencyRelation = (typeof AGENCY_RELATIONS)[number];
const OWNER_RELATIONS = ['own', 'someone_else'] as const;
type OwnerRelation = (typeof OWNER_RELATIONS)[number];

/** Callers' grants sit on the Hồng Bàng district; the targets of each relation: */
const AGENCY_OF: Record<AgencyRelation, string> = {
  own: '000.00.21.H31', // quận Hồng Bàng
  descendant: '000.01.21.H31', // a ward of Hồng Bàng
  ancestor: '000.00.00.H31', // the city
  sibling: '000.00.22.H31', // quận Ngô Quyền
  unrelated: '000.00.02.H31', // Sở Tư pháp
};
const IN_SUBTREE: AgencyRelation[] = ['own', 'descendant'];

interface Ctx {
  officerAt: Record<AgencyRelation, number>;
  newGrantAt(rel: AgencyRelation): Promise<number>;
  citizenId: number;
  otherCitizenId: number;
  delegationOf: Record<OwnerRelation, number>;
  businessOf: Record<OwnerRelation, number>;
  seq: () => number;
}
interface Req {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  body?: unknown;
}

type Rule =
  | { kind: 'public'; req: (c: Ctx) => Req }
  | { kind: 'self'; req: (c: Ctx) => Req; callers?: Caller[] }
  | { kind: 'owned'; req: (c: Ctx, r: OwnerRelation) => Req; callers: Caller[] }
  | { kind: 'role'; roles: Role[]; req: (c: Ctx) => Req }
  | { kind: 'scoped'; roles: Role[]; req: (c: Ctx, r: AgencyRelation) => Promise<Req> | Req };

const get = (url: string): Req => ({ method: 'GET', url });

const MATRIX: Record<string, Rule> = {
  'GET /healthz': { kind: 'public', req: () => get('/healthz') },
  'GET /readyz': { kind: 'public', req: () => get('/readyz') },
  'GET /metrics': { kind: 'public', req: () => get('/metrics') },
  'GET /api/openapi.json': { kind: 'public', req: () => get('/api/openapi.json') },
  'GET /api/docs': { kind: 'public', req: () => get('/api/docs') },
  'GET /api/docs/static/*': { kind: 'public', req: () => get('/api/docs/static/index.html') },
  'GET /api/docs/static/index.html': { kind: 'public', req: () => get('/api/docs/static/index.html') },
  'GET /api/docs/static/swagger-initializer.js': { kind: 'public', req: () => get('/api/docs/static/swagger-initializer.js') },
  'GET /api/docs/json': { kind: 'public', req: () => get('/api/docs/json') },
  'GET /api/docs/yaml': { kind: 'public', req: () => get('/api/docs/yaml') },
  'GET /api/fields': { kind: 'public', req: () => get('/api/fields') },
  'GET /api/agencies': { kind: 'public', req: () => get('/api/agencies?parent=root') },
  'GET /api/agencies/:code': { kind: 'public', req: () => get('/api/agencies/000.00.21.H31') },
  'GET /api/procedures': { kind: 'public', req: () => get('/api/procedures?q=khai') },
  'GET /api/procedures/:nationalCode': { kind: 'public', req: () => get('/api/procedures/1.001193') },
  'GET /api/procedures/:nationalCode/versions': { kind: 'public', req: () => get('/api/procedures/1.001193/versions') },
  'GET /api/groups': { kind: 'public', req: () => get('/api/groups') },
  'GET /api/groups/:code': { kind: 'public', req: () => get('/api/groups/khai-sinh-khai-tu') },
  'GET /api/catalog/export': { kind: 'public', req: () => get('/api/catalog/export') },
  'POST /api/auth/register': {
    kind: 'public',
    req: (c) => ({ method: 'POST', url: '/api/auth/register', body: { kind: 'business', email: `dn${c.seq()}@example.vn`, password: 'mat-khau-dai-10', fullName: 'Công ty Z', taxCode: '0100109106' } }),
  },
  'POST /api/auth/verify-email': { kind: 'public', req: () => ({ method: 'POST', url: '/api/auth/verify-email', body: { token: 'x'.repeat(43) } }) },
  'POST /api/auth/login': { kind: 'public', req: () => ({ method: 'POST', url: '/api/auth/login', body: { email: 'nobody@example.vn', password: 'x' } }) },
  'POST /api/auth/password-reset': { kind: 'public', req: () => ({ method: 'POST', url: '/api/auth/password-reset', body: { email: 'nobody@example.vn' } }) },
  'POST /api/auth/password-reset/confirm': { kind: 'public', req: () => ({ method: 'POST', url: '/api/auth/password-reset/confirm', body: { token: 'x'.repeat(43), password: 'mat-khau-dai-10' } }) },
  'GET /api/auth/oidc/status': { kind: 'public', req: () => get('/api/auth/oidc/status') },
  'GET /api/auth/oidc/login': { kind: 'public', req: () => get('/api/auth/oidc/login') },
  'GET /api/auth/oidc/callback': { kind: 'public', req: () => get('/api/auth/oidc/callback?state=x&code=y') },

  'GET /api/auth/me': { kind: 'self', req: () => get('/api/auth/me') },
  'POST /api/auth/logout': { kind: 'self', req: () => ({ method: 'POST', url: '/api/auth/logout' }) },
  'POST /api/auth/logout-all': { kind: 'self', req: () => ({ method: 'POST', url: '/api/auth/logout-all' }) },
  'POST /api/auth/password': { kind: 'self', req: () => ({ method: 'POST', url: '/api/auth/password', body: { currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD } }) },
  'GET /api/me/profile': { kind: 'self', req: () => get('/api/me/profile') },
  'PUT /api/me/profile': { kind: 'self', req: () => ({ method: 'PUT', url: '/api/me/profile', body: { phone: '0900 111 222' } }) },
  'GET /api/me/access-log': { kind: 'self', req: () => get('/api/me/access-log') },
  'GET /api/me/delegations': { kind: 'self', req: () => get('/api/me/delegations') },
  'POST /api/me/delegations': { kind: 'self', callers: ['business'], req: () => ({ method: 'POST', url: '/api/me/delegations', body: { email: 'other@matrix.vn' } }) },
  // before the DELETE below, which withdraws the caller's own delegation
  'POST /api/me/acting-for': { kind: 'owned', callers: ['citizen'], req: (c, r) => ({ method: 'POST', url: '/api/me/acting-for', body: { businessId: c.businessOf[r] } }) },
  'DELETE /api/me/delegations/:id': { kind: 'owned', callers: ['citizen'], req: (c, r) => ({ method: 'DELETE', url: `/api/me/delegations/${c.delegationOf[r]}` }) },

  'GET /api/admin/officers': { kind: 'role', roles: ['agency_admin', 'system_admin', 'supervisor'], req: () => get('/api/admin/officers') },
  'POST /api/admin/officers': {
    kind: 'scoped',
    roles: ['agency_admin', 'system_admin'],
    req: (c, r) => ({ method: 'POST', url: '/api/admin/officers', body: { email: `cb${c.seq()}@matrix.vn`, fullName: 'Cán bộ mới', password: 'mat-khau-dai-10', grants: [{ role: 'specialist', agencyCode: AGENCY_OF[r] }] } }),
  },
  'GET /api/admin/officers/:id': { kind: 'scoped', roles: ['agency_admin', 'system_admin', 'supervisor'], req: (c, r) => get(`/api/admin/officers/${c.officerAt[r]}`) },
  'POST /api/admin/officers/:id/grants': {
    kind: 'scoped',
    roles: ['agency_admin', 'system_admin'],
    req: (c, r) => ({ method: 'POST', url: `/api/admin/officers/${c.officerAt[r]}/grants`, body: { role: 'unit_head', agencyCode: AGENCY_OF[r] } }),
  },
  'DELETE /api/admin/grants/:id': { kind: 'scoped', roles: ['agency_admin', 'system_admin'], req: async (c, r) => ({ method: 'DELETE', url: `/api/admin/grants/${await c.newGrantAt(r)}` }) },
  'GET /api/admin/applicants': { kind: 'role', roles: ['desk_officer', 'system_admin'], req: () => get('/api/admin/applicants?q=031090001234&purpose=tiep%20nhan') },
  'GET /api/admin/applicants/:id': {
    kind: 'role',
    roles: ['desk_officer', 'specialist', 'unit_head', 'agency_leader', 'system_admin'],
    req: (c) => get(`/api/admin/applicants/${c.citizenId}?purpose=xu%20ly%20ho%20so`),
  },
  'GET /api/admin/access-log': { kind: 'role', roles: ['supervisor', 'system_admin'], req: () => get('/api/admin/access-log') },
};

describe('authorization matrix', () => {
  let t: TestDb;
  let app: FastifyInstance;
  const clients = new Map<Caller, TestClient>();
  let ctx: Ctx;
  let counter = 0;

  beforeAll(async () => {
    t = await freshDatabase('sqlite');
    const now = new Date('2026-03-02T03:00:00Z');
    const catalog = smallCatalog();
    catalog.agencies.push({ ...catalog.agencies[2]!, code: '000.00.22.H31', name: 'Ủy ban nhân dân quận Ngô Quyền', shortName: 'UBND Q. Ngô Quyền' });
    await importCatalog(t.db, catalog, now);
    app = await buildApp({ db: t.db, clock: { now: () => now }, config: testConfig() });
    const hash = await hashPassword(DEMO_PASSWORD);
    const at = now.toISOString();
    const agencyId = async (code: string) => (await findAgencyByCode(t.db, code))!.id;
    const officer = async (email: string, role: Role, code: string) => {
      const id = await insertAccount(t.db, { kind: 'officer', email, passwordHash: hash, fullName: email, emailVerifiedAt: at }, at);
      await insertGrant(t.db, { accountId: id, role, agencyId: await agencyId(code), validFrom: '2026-01-01', validTo: null, grantedBy: null }, at);
      return id;
    };
    for (const role of ROLES) await officer(`${role}@matrix.vn`, role, AGENCY_OF.own);
    const officerAt = {} as Record<AgencyRelation, number>;
    for (const rel of AGENCY_RELATIONS) officerAt[rel] = await officer(`target.${rel}@matrix.vn`, 'specialist', AGENCY_OF[rel]);
    const applicant = (email: string, extra: object) => insertAccount(t.db, { kind: 'citizen', email, passwordHash: hash, fullName: email, emailVerifiedAt: at, ...extra }, at);
    const citizenId = await applicant('citizen@matrix.vn', { citizenId: '031090001234', dateOfBirth: '1990-01-01', gender: 'male' });
    const otherCitizenId = await applicant('other@matrix.vn', {});
    const business = await insertAccount(t.db, { kind: 'business', email: 'business@matrix.vn', passwordHash: hash, fullName: 'Công ty A', taxCode: '0100109106', emailVerifiedAt: at }, at);
    const otherBusiness = await insertAccount(t.db, { kind: 'business', email: 'other.business@matrix.vn', passwordHash: hash, fullName: 'Công ty B', emailVerifiedAt: at }, at);
    const ownDelegation = await insertDelegation(t.db, business, citizenId, at);
    const otherDelegation = await insertDelegation(t.db, otherBusiness, otherCitizenId, at);
    ctx = {
      officerAt,
      newGrantAt: async (rel) => insertGrant(t.db, { accountId: officerAt[rel], role: 'supervisor', agencyId: await agencyId(AGENCY_OF[rel]), validFrom: '2026-01-01', validTo: null, grantedBy: null }, at),
      citizenId,
      otherCitizenId,
      delegationOf: { own: ownDelegation, someone_else: otherDelegation },
      businessOf: { own: business, someone_else: otherBusiness },
      seq: () => ++counter,
    };
    for (const caller of CALLERS) {
      const c = new TestClient(app, `10.9.0.${CALLERS.indexOf(caller) + 1}`);
      if (caller !== 'anonymous') {
        const email = caller === 'citizen' ? 'citizen@matrix.vn' : caller === 'business' ? 'business@matrix.vn' : `${caller}@matrix.vn`;
        expect((await c.login(email, DEMO_PASSWORD)).statusCode).toBe(200);
      }
      clients.set(caller, c);
    }
  });
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  it('has an entry for every registered route', () => {
    const registered = [...new Set(app.routeTable.map((r) => `${r.method} ${r.url}`))].filter((k) => !k.startsWith('GET /assets') && k !== 'GET /' && !/^GET \/[^/]+\.[a-z]+$/.test(k));
    const missing = registered.filter((k) => !(k in MATRIX));
    expect(missing, `routes without an authorization rule: ${missing.join(', ')}`).toEqual([]);
    const stale = Object.keys(MATRIX).filter((k) => !registered.includes(k));
    expect(stale, 'rules for routes that do not exist').toEqual([]);
  });

  const denied = (status: number) => [401, 403, 404].includes(status);
  let checked = 0;

  async function send(caller: Caller, r: Req) {
    const c = clients.get(caller)!;
    const res = await c.request(r.method, r.url, r.body ?? (r.method === 'GET' ? undefined : {}));
    // logout and logout-all end the session: log back in for the next case
    if (r.url.startsWith('/api/auth/logout') && caller !== 'anonymous') {
      const email = caller === 'citizen' ? 'citizen@matrix.vn' : caller === 'business' ? 'business@matrix.vn' : `${caller}@matrix.vn`;
      await c.login(email, DEMO_PASSWORD);
    }
    checked++;
    return res;
  }

  for (const [route, rule] of Object.entries(MATRIX)) {
    it(route, async () => {
      for (const caller of CALLERS) {
        if (rule.kind === 'public') {
          const res = await send(caller, rule.req(ctx));
          // a public route never refuses for lack of a session or a role (a login may refuse the credentials)
          const refused = res.statusCode === 403 || (res.statusCode === 401 && (res.json() as { reason?: string }).reason !== 'invalid_credentials');
          expect(refused, `${caller} on public ${route}: ${res.statusCode} ${res.body.slice(0, 200)}`).toBe(false);
        } else if (rule.kind === 'self') {
          const res = await send(caller, rule.req(ctx));
          const allowed = caller !== 'anonymous' && (rule.callers === undefined || rule.callers.includes(caller));
          if (caller === 'anonymous') expect(res.statusCode, `${caller} ${route}`).toBe(401);
          else if (allowed) expect(res.statusCode < 300, `${caller} ${route}: ${res.statusCode} ${res.body.slice(0, 200)}`).toBe(true);
          else expect(denied(res.statusCode), `${caller} ${route}: ${res.statusCode}`).toBe(true);
        } else if (rule.kind === 'owned') {
          for (const rel of OWNER_RELATIONS) {
            const res = await send(caller, rule.req(ctx, rel));
            const allowed = rel === 'own' && rule.callers.includes(caller);
            if (allowed) expect(res.statusCode < 300, `${caller} ${route} ${rel}: ${res.statusCode} ${res.body.slice(0, 200)}`).toBe(true);
            else expect(denied(res.statusCode), `${caller} ${route} ${rel}: ${res.statusCode}`).toBe(true);
          }
        } else if (rule.kind === 'role') {
          const res = await send(caller, rule.req(ctx));
          const allowed = (rule.roles as Caller[]).includes(caller);
          if (allowed) expect(res.statusCode < 300, `${caller} ${route}: ${res.statusCode} ${res.body.slice(0, 200)}`).toBe(true);
          else expect(denied(res.statusCode), `${caller} ${route}: ${res.statusCode}`).toBe(true);
        } else {
          for (const rel of AGENCY_RELATIONS) {
            const res = await send(caller, await rule.req(ctx, rel));
            const allowed = (rule.roles as Caller[]).includes(caller) && IN_SUBTREE.includes(rel);
            if (allowed) expect(res.statusCode < 300, `${caller} ${route} ${rel}: ${res.statusCode} ${res.body.slice(0, 200)}`).toBe(true);
            else expect(denied(res.statusCode), `${caller} ${route} ${rel}: ${res.statusCode} ${res.body.slice(0, 200)}`).toBe(true);
          }
        }
      }
    });
  }

  it('listings are filtered by scope: an agency admin of a district sees its subtree only', async () => {
    const res = await clients.get('agency_admin')!.get('/api/admin/officers');
    const emails = (res.json() as { items: { email: string }[] }).items.map((o) => o.email);
    expect(emails).toEqual(expect.arrayContaining(['target.own@matrix.vn', 'target.descendant@matrix.vn']));
    for (const rel of ['ancestor', 'sibling', 'unrelated']) expect(emails).not.toContain(`target.${rel}@matrix.vn`);
    const other = await clients.get('agency_admin')!.get('/api/admin/officers?agency=000.00.22.H31');
    expect((other.json() as { items: unknown[] }).items).toEqual([]);
  });

  it('an agency admin cannot make anyone a system administrator', async () => {
    const res = await clients.get('agency_admin')!.post(`/api/admin/officers/${ctx.officerAt.own}/grants`, { role: 'system_admin', agencyCode: AGENCY_OF.own });
    expect(res.statusCode).toBe(403);
  });

  afterAll(() => {
    console.log(`authorization matrix: ${Object.keys(MATRIX).length} routes × ${CALLERS.length} callers, ${checked} requests checked`);
  });
});
