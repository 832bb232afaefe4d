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
import path from 'node:path';
import { BlobStore } from '../src/documents/blob-store.js';
import { acceptUpload } from '../src/documents/uploads.js';
import { newCheckValue, nextDossierCode } from '../src/dossiers/dossier-code.js';
import { appendEvent, createDossier } from '../src/dossiers/event-log.js';
import { WorkingCalendar } from '../src/calendar/working-time.js';
import { criteriaFor } from '../src/feedback/criteria.js';
import { fileComplaint } from '../src/feedback/store.js';
import { TestClient } from './support/client.js';
import { multipartFile, tinyPdf } from './support/multipart.js';
import { testConfig } from './support/config.js';
import { freshDatabase, type TestDb } from './support/db.js';
import { smallCatalog } from './support/fixtures.js';
import { DEFAULT_C01 } from '../src/reports/indicators.js';

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
  officialSchedule(year: number): Promise<void>;
  /** an upload owned by the caller being tested (applicants only own their uploads) */
  uploadFor(): Promise<string>;
  caller: Caller;
  /** a fresh submitted dossier at the relation's agency, owned by the matrix citizen or someone else */
  dossier(t: DossierTarget): Promise<{ code: string; check: string; docId: number; uploadId: string }>;
  /** a fresh complaint routed to the relation's agency (answered publicly when asked), with one attachment */
  complaint(rel: AgencyRelation, opts?: { answered?: boolean }): Promise<{ code: string; key: string; attachmentId: number }>;
  /** a signed e-result issued by the relation's agency in a fresh dossier of the matrix citizen (or someone else's) */
  eResult(rel: AgencyRelation, owner?: OwnerRelation): Promise<{ serial: string }>;
  /** the test database (registries: seed a record, mark a dossier document as fetched from a registry) */
  db: TestDb['db'];
}
interface Req {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

type Rule =
  | { kind: 'public'; req: (c: Ctx) => Req | Promise<Req> }
  | { kind: 'self'; req: (c: Ctx) => Req | Promise<Req>; callers?: Caller[] }
  | { kind: 'owned'; req: (c: Ctx, r: OwnerRelation) => Req; callers: Caller[] }
  | { kind: 'role'; roles: Role[]; req: (c: Ctx) => Req | Promise<Req> }
  | { kind: 'scoped'; roles: Role[]; req: (c: Ctx, r: AgencyRelation) => Promise<Req> | Req }
  /** a dossier: its applicant (the matrix citizen owns one at each relation) or an officer whose scope covers its agency */
  | { kind: 'dossier'; roles: Role[]; applicant: boolean; req: (c: Ctx, d: DossierTarget) => Promise<Req> | Req };

type DossierTarget = { relation: AgencyRelation; owner: 'own' | 'someone_else' };
const DOSSIER_TARGETS: DossierTarget[] = [...AGENCY_RELATIONS.map((relation) => ({ relation, owner: 'own' as const })), { relation: 'own', owner: 'someone_else' }];

const get = (url: string): Req => ({ method: 'GET', url });
/** roles that read the service-quality reports of their subtree */
const REPORT_ROLES: Role[] = ['unit_head', 'agency_leader', 'supervisor', 'system_admin'];
/** every criterion of the matrix's (online) dossiers, for a valid rating */
const FEEDBACK_CRITERIA = criteriaFor('online');

/** a data store item of the caller being tested (the business's for the business caller; the citizen's otherwise) */
async function storeItemOfCaller(c: Ctx): Promise<number> {
  const upload = await c.db.selectFrom('uploads').selectAll().where('id', '=', await c.uploadFor()).executeTakeFirstOrThrow();
  const owner = c.caller === 'business' ? c.businessOf.own : c.citizenId;
  const row = await c.db
    .insertInto('data_store_items')
    .values({ owner_account_id: owner, evidence_type: null, title: 'Tệp', issuer_agency_id: null, issuer_name: null, issued_on: null, valid_until: null, sha256: upload.sha256, filename: 'a.pdf', media_type: upload.media_type, size: upload.size, source: 'upload', e_result_id: null, origin_dossier_id: null, created_at: upload.created_at, removed_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** an outgoing interconnect message: pending and due now, or a dead letter after 12 failed attempts */
async function insertOutMessage(c: Ctx, status: 'pending' | 'dead'): Promise<number> {
  const at = '2026-03-02T03:00:00.000Z';
  const state = status === 'pending' ? { attempts: 0, next_attempt_at: at, last_error: null } : { attempts: 12, next_attempt_at: null, last_error: 'connection refused' };
  const r = await c.db
    .insertInto('interconnect_messages')
    .values({ direction: 'out', message_id: `matrix-${Math.random().toString(36).slice(2)}`, peer: 'city', type: 'ping', dossier_ref: null, created_at: at, body: '{}', attachments: '[]', jws: null, receipt: null, status, ...state, done_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

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
    // the citizen has a dossier at the callers' own agency, so processing roles may look them up
    req: async (c) => {
      await c.dossier({ relation: 'own', owner: 'own' });
      return get(`/api/admin/applicants/${c.citizenId}?purpose=xu%20ly%20ho%20so`);
    },
  },
  'GET /api/admin/access-log': { kind: 'role', roles: ['supervisor', 'system_admin'], req: () => get('/api/admin/access-log') },

  'GET /api/calendar/:year': { kind: 'public', req: () => get('/api/calendar/2026') },
  'PUT /api/admin/calendar/:year': { kind: 'role', roles: ['system_admin'], req: () => ({ method: 'PUT', url: '/api/admin/calendar/2031', body: { holidays: [{ date: '2031-01-01', name: 'Tết Dương lịch' }], workingDays: [] } }) },
  'DELETE /api/admin/calendar/:year': {
    kind: 'role',
    roles: ['system_admin'],
    req: async (c): Promise<Req> => {
      await c.officialSchedule(2032);
      return { method: 'DELETE', url: '/api/admin/calendar/2032' };
    },
  },
  'POST /api/uploads': {
    kind: 'self',
    callers: ['citizen', 'business', 'desk_officer', 'specialist', 'unit_head', 'agency_leader'],
    req: () => {
      const m = multipartFile(tinyPdf(), 'to-khai.pdf', 'application/pdf');
      return { method: 'POST', url: '/api/uploads', body: m.body, headers: m.headers };
    },
  },
  'GET /api/me/drafts/:procedure': { kind: 'self', req: () => get('/api/me/drafts/1.001193') },
  'PUT /api/me/drafts/:procedure': { kind: 'self', req: () => ({ method: 'PUT', url: '/api/me/drafts/1.001193', body: { form: { hoTen: 'A' }, documents: [] } }) },
  'POST /api/dossiers': {
    kind: 'self',
    callers: ['citizen', 'business'],
    req: async (c): Promise<Req> => ({ method: 'POST', url: '/api/dossiers', headers: { 'idempotency-key': `matrix-${c.seq()}` }, body: { procedure: '1.001193', agency: '000.01.21.H31', form: { hoTen: 'Bé A' }, documents: [{ requirement: 'to-khai', upload: await c.uploadFor() }], returnMethod: 'online' } }),
  },
  'GET /api/me/dossiers': { kind: 'self', req: () => get('/api/me/dossiers') },
  'GET /api/me/results': { kind: 'self', req: () => get('/api/me/results') },
  'GET /api/dossiers/:code': { kind: 'dossier', roles: ['desk_officer', 'specialist', 'unit_head', 'agency_leader', 'supervisor', 'system_admin'], applicant: true, req: async (c, d) => get(`/api/dossiers/${(await c.dossier(d)).code}`) },
  'GET /api/dossiers/:code/documents/:id': {
    kind: 'dossier',
    roles: ['desk_officer', 'specialist', 'unit_head', 'agency_leader', 'supervisor', 'system_admin'],
    applicant: true,
    req: async (c, d) => {
      const x = await c.dossier(d);
      return get(`/api/dossiers/${x.code}/documents/${x.docId}`);
    },
  },
  'GET /api/dossiers/:code/forms/:form': {
    kind: 'dossier',
    roles: ['desk_officer', 'specialist', 'unit_head', 'agency_leader', 'supervisor', 'system_admin'],
    applicant: true,
    req: async (c, d) => get(`/api/dossiers/${(await c.dossier({ ...d, refused: true } as DossierTarget)).code}/forms/refusal`),
  },
  'POST /api/me/dossiers/:code/supplement': {
    kind: 'dossier',
    roles: [],
    applicant: true,
    req: async (c, d) => {
      const x = await c.dossier({ ...d, supplement: true } as DossierTarget);
      return { method: 'POST', url: `/api/me/dossiers/${x.code}/supplement`, body: { documents: [{ requirement: 'to-khai', upload: await c.uploadFor() }] } };
    },
  },
  'POST /api/me/dossiers/:code/withdraw': { kind: 'dossier', roles: [], applicant: true, req: async (c, d) => ({ method: 'POST', url: `/api/me/dossiers/${(await c.dossier(d)).code}/withdraw`, body: { reason: 'không cần nữa' } }) },
  'GET /api/lookup': { kind: 'public', req: async (c) => { const x = await c.dossier({ relation: 'own', owner: 'own' }); return get(`/api/lookup?code=${x.code}&check=${x.check}`); } },
  'GET /api/lookup/qr': { kind: 'public', req: async (c) => { const x = await c.dossier({ relation: 'own', owner: 'own' }); return get(`/api/lookup/qr?code=${x.code}&check=${x.check}`); } },
  'GET /api/desk/dossiers': { kind: 'role', roles: ['desk_officer'], req: () => get('/api/desk/dossiers') },
  'POST /api/desk/dossiers/:code/decision': { kind: 'dossier', roles: ['desk_officer'], applicant: false, req: async (c, d) => ({ method: 'POST', url: `/api/desk/dossiers/${(await c.dossier(d)).code}/decision`, body: { outcome: 'refuse', reasons: ['Không thuộc thẩm quyền'] } }) },
  'POST /api/desk/dossiers/:code/supplement': {
    kind: 'dossier',
    roles: ['desk_officer'],
    applicant: false,
    req: async (c, d) => ({ method: 'POST', url: `/api/desk/dossiers/${(await c.dossier({ ...d, supplement: true } as DossierTarget)).code}/supplement`, body: { documents: [{ requirement: 'to-khai' }] } }),
  },
  'POST /api/desk/intake': {
    kind: 'scoped',
    roles: ['desk_officer'],
    req: (_c, r) => ({ method: 'POST', url: '/api/desk/intake', body: { channel: 'in_person', procedure: '2.000815', agency: AGENCY_OF[r], applicant: { name: 'Người nộp' }, form: { hoTen: 'A' }, documents: [], returnMethod: 'desk', decision: { outcome: 'refuse', reasons: ['Thiếu giấy tờ'] } } }),
  },
  'GET /api/desk/register': { kind: 'scoped', roles: ['desk_officer'], req: (_c, r) => get(`/api/desk/register?agency=${AGENCY_OF[r]}&year=2026`) },

  // ---------- workflow ----------
  'GET /api/work/inbox': { kind: 'role', roles: ['desk_officer', 'specialist', 'unit_head', 'agency_leader'], req: () => get('/api/work/inbox?view=unit') },
  'GET /api/work/dossiers/:code': { kind: 'dossier', roles: ['desk_officer', 'specialist', 'unit_head', 'agency_leader', 'supervisor', 'system_admin'], applicant: false, req: async (c, d) => get(`/api/work/dossiers/${(await c.dossier(d)).code}`) },
  // Not fully expressible here: the matrix's dossiers are only submitted (no due date, no open task),
  // so a head or leader in scope gets past authorization and is refused by the state (409), which
  // this table cannot tell from a pass. The closest honest check: an apology (no task needed) is
  // refused to every caller — to the leads on a dossier outside their scope (404), to everyone else
  // on a dossier in their own agency (403: only a head or leader apologises; applicants never act).
  // The allowed side (the head apologises, a specialist hands over…) is covered in test/workflow.test.ts.
  'POST /api/work/dossiers/:code/actions': {
    kind: 'role',
    roles: [],
    req: async (c) => {
      const lead = c.caller === 'unit_head' || c.caller === 'agency_leader';
      const x = await c.dossier({ relation: lead ? 'sibling' : 'own', owner: 'own' });
      return { method: 'POST', url: `/api/work/dossiers/${x.code}/actions`, body: { action: 'apologise', reason: 'Cần xác minh thêm thông tin', newDueAt: '2026-03-20T10:00:00.000Z' } };
    },
  },
  'GET /api/work/officers': { kind: 'scoped', roles: ['unit_head', 'agency_leader'], req: (_c, r) => get(`/api/work/officers?agency=${AGENCY_OF[r]}&role=specialist`) },
  // fails today for agency_admin (200 on its own agency's dossiers): the route accepts any grant
  // covering the dossier's agencies instead of dossier.read (src/workflow/routes.ts, officerIn) — a server bug, reported
  'GET /api/dossiers/:code/control-slip': { kind: 'dossier', roles: ['desk_officer', 'specialist', 'unit_head', 'agency_leader', 'supervisor', 'system_admin'], applicant: true, req: async (c, d) => get(`/api/dossiers/${(await c.dossier(d)).code}/control-slip`) },
  'GET /api/procedures/:nationalCode/workflow': { kind: 'public', req: () => get('/api/procedures/1.001193/workflow') },
  'GET /api/admin/workflows/:nationalCode': { kind: 'role', roles: ['system_admin'], req: () => get('/api/admin/workflows/1.001193') },
  'POST /api/admin/workflows/:nationalCode/validate': {
    kind: 'role',
    roles: ['system_admin'],
    req: async () => {
      const { defaultTemplate } = await import('../src/workflow/template.js');
      return { method: 'POST', url: '/api/admin/workflows/1.001193/validate', body: { definition: defaultTemplate({ value: 0, unit: 'working_days' }) } };
    },
  },
  'POST /api/admin/workflows/:nationalCode': {
    kind: 'role',
    roles: ['system_admin'],
    // effective far ahead, so the template saved does not change the dossiers of other entries
    req: async () => {
      const { defaultTemplate } = await import('../src/workflow/template.js');
      return { method: 'POST', url: '/api/admin/workflows/1.001193', body: { definition: defaultTemplate({ value: 0, unit: 'working_days' }), effectiveFrom: '2030-01-01', note: 'ma trận phân quyền' } };
    },
  },
  // ── feedback routes (ratings, kiosk, complaints) ──
  'GET /api/feedback/criteria': { kind: 'public', req: () => get('/api/feedback/criteria') },
  // only the dossier's owner rates it online; officers rate nothing (their scope does not matter)
  'GET /api/dossiers/:code/rating': { kind: 'dossier', roles: [], applicant: true, req: async (c, d) => get(`/api/dossiers/${(await c.dossier(d)).code}/rating`) },
  'POST /api/dossiers/:code/rating': {
    kind: 'dossier',
    roles: [],
    applicant: true,
    req: async (c, d) => ({ method: 'POST', url: `/api/dossiers/${(await c.dossier({ ...d, refused: true } as DossierTarget)).code}/rating`, body: { answers: FEEDBACK_CRITERIA.map((criterion) => ({ criterion, satisfied: true })) } }),
  },
  // the kiosk needs no login: the check value is the proof
  'GET /api/kiosk/dossiers/:code': { kind: 'public', req: async (c) => { const x = await c.dossier({ relation: 'own', owner: 'own' }); return get(`/api/kiosk/dossiers/${x.code}?check=${x.check}`); } },
  'POST /api/kiosk/ratings': {
    kind: 'public',
    req: async (c) => {
      const x = await c.dossier({ relation: 'own', owner: 'someone_else', refused: true } as DossierTarget);
      return { method: 'POST', url: '/api/kiosk/ratings', body: { code: x.code, check: x.check, answers: FEEDBACK_CRITERIA.map((criterion) => ({ criterion, satisfied: true })) } };
    },
  },
  'POST /api/complaints': {
    kind: 'public',
    req: (c) => ({ method: 'POST', url: '/api/complaints', body: { kind: 'suggestion', subject: 'general', category: 'other', agencyCode: AGENCY_OF.own, title: `Góp ý ${c.seq()}`, body: 'Đề nghị bố trí thêm ghế chờ.', complainant: { name: 'Người góp ý' }, publicAnswer: true } }),
  },
  // the complainant's view and rating need the access key, not a session
  'GET /api/complaints/:code': { kind: 'public', req: async (c) => { const x = await c.complaint('own'); return get(`/api/complaints/${x.code}?key=${x.key}`); } },
  'POST /api/complaints/:code/rating': { kind: 'public', req: async (c) => { const x = await c.complaint('own', { answered: true }); return { method: 'POST', url: `/api/complaints/${x.code}/rating?key=${x.key}`, body: { satisfied: true } }; } },
  'GET /api/complaints/public': { kind: 'public', req: () => get('/api/complaints/public') },
  'GET /api/complaints/public/:code': { kind: 'public', req: async (c) => get(`/api/complaints/public/${(await c.complaint('sibling', { answered: true })).code}`) },
  'GET /api/work/complaints': { kind: 'role', roles: ['unit_head', 'agency_leader', 'supervisor', 'system_admin'], req: () => get('/api/work/complaints') },
  'GET /api/work/complaints/:code': { kind: 'scoped', roles: ['unit_head', 'agency_leader', 'supervisor', 'system_admin'], req: async (c, r) => get(`/api/work/complaints/${(await c.complaint(r)).code}`) },
  'GET /api/work/complaints/:code/attachments/:id': {
    kind: 'scoped',
    roles: ['unit_head', 'agency_leader', 'supervisor', 'system_admin'],
    req: async (c, r) => {
      const x = await c.complaint(r);
      return get(`/api/work/complaints/${x.code}/attachments/${x.attachmentId}`);
    },
  },
  'POST /api/work/complaints/:code/actions': { kind: 'scoped', roles: ['unit_head', 'agency_leader'], req: async (c, r) => ({ method: 'POST', url: `/api/work/complaints/${(await c.complaint(r)).code}/actions`, body: { action: 'accept' } }) },
  // ── end of feedback routes ──
  // ── reports routes (dashboards, indicators, public statistics) ──
  'GET /api/reports/dashboard': { kind: 'scoped', roles: REPORT_ROLES, req: (_c, r) => get(`/api/reports/dashboard?agency=${AGENCY_OF[r]}&period=month&at=2026-03`) },
  'GET /api/reports/dashboard.xlsx': { kind: 'scoped', roles: REPORT_ROLES, req: (_c, r) => get(`/api/reports/dashboard.xlsx?agency=${AGENCY_OF[r]}&period=month&at=2026-03`) },
  'GET /api/reports/quarterly.pdf': { kind: 'scoped', roles: REPORT_ROLES, req: (_c, r) => get(`/api/reports/quarterly.pdf?agency=${AGENCY_OF[r]}&at=2026-Q1`) },
  'GET /api/reports/indicators': { kind: 'scoped', roles: REPORT_ROLES, req: (_c, r) => get(`/api/reports/indicators?framework=c01&agency=${AGENCY_OF[r]}`) },
  'GET /api/reports/drill': { kind: 'scoped', roles: REPORT_ROLES, req: (_c, r) => get(`/api/reports/drill?measure=received&agency=${AGENCY_OF[r]}`) },
  'GET /api/reports/dossiers/:code/score': { kind: 'dossier', roles: ['desk_officer', 'specialist', 'unit_head', 'agency_leader', 'supervisor', 'system_admin'], applicant: false, req: async (c, d) => get(`/api/reports/dossiers/${(await c.dossier(d)).code}/score`) },
  'GET /api/reports/me': { kind: 'self', callers: [...ROLES], req: () => get('/api/reports/me?period=month&at=2026-03') },
  'GET /api/admin/indicators': { kind: 'role', roles: ['system_admin'], req: () => get('/api/admin/indicators') },
  'PUT /api/admin/indicators/:framework': { kind: 'role', roles: ['system_admin'], req: () => ({ method: 'PUT', url: '/api/admin/indicators/c01', body: { definition: DEFAULT_C01 } }) },
  'GET /api/public/stats': { kind: 'public', req: () => get('/api/public/stats?period=year&at=2026') },
  'GET /api/public/stats.csv': { kind: 'public', req: () => get('/api/public/stats.csv?period=year&at=2026') },
  // ── end of reports routes ──
  // ── results routes ──
  'GET /api/verify/:serial': { kind: 'public', req: async (c) => get(`/api/verify/${(await c.eResult('own')).serial}`) },
  'POST /api/verify': { kind: 'public', req: () => ({ method: 'POST', url: '/api/verify', body: { jws: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' } }) },
  // the holder (the matrix citizen's own dossier) or an officer reading results of its subtree
  'GET /api/results/:serial/pdf': {
    kind: 'dossier',
    roles: ['desk_officer', 'specialist', 'unit_head', 'agency_leader', 'supervisor', 'system_admin'],
    applicant: true,
    req: async (c, d) => get(`/api/results/${(await c.eResult(d.relation, d.owner)).serial}/pdf`),
  },
  'GET /api/results': { kind: 'role', roles: ['desk_officer', 'specialist', 'unit_head', 'agency_leader', 'supervisor', 'system_admin'], req: () => get('/api/results') },
  'POST /api/results/:serial/revoke': { kind: 'scoped', roles: ['unit_head', 'agency_leader'], req: async (c, r) => ({ method: 'POST', url: `/api/results/${(await c.eResult(r)).serial}/revoke`, body: { reason: 'Cấp nhầm' } }) },
  // The matrix's dossiers have no open step, so nobody may record their result: every caller is
  // refused (403 without dossier.process, 404 with it). The allowed side (the officer at the result
  // step gets the draft) is covered in test/results.test.ts.
  'GET /api/work/dossiers/:code/e-result-draft': { kind: 'role', roles: [], req: async (c) => get(`/api/work/dossiers/${(await c.dossier({ relation: 'own', owner: 'own' })).code}/e-result-draft`) },
  // ── end of results routes ──
  // ── registries routes ──
  // a lookup is for a dossier the officer handles (its receiving agency in scope); found or not, 200 and logged
  'GET /api/registries/citizens/:citizenId': { kind: 'dossier', roles: ['desk_officer', 'specialist', 'unit_head', 'agency_leader'], applicant: false, req: async (c, d) => get(`/api/registries/citizens/031090001234?dossier=${(await c.dossier(d)).code}`) },
  'GET /api/registries/businesses/:code': { kind: 'dossier', roles: ['desk_officer', 'specialist', 'unit_head', 'agency_leader'], applicant: false, req: async (c, d) => get(`/api/registries/businesses/0100109106?dossier=${(await c.dossier(d)).code}`) },
  'GET /api/dossiers/:code/registry-evidence/:documentId': {
    kind: 'dossier',
    roles: ['desk_officer', 'specialist', 'unit_head', 'agency_leader'],
    applicant: false,
    req: async (c, d) => {
      const x = await c.dossier(d);
      await c.db.updateTable('dossier_documents').set({ source: 'registry', sha256: null, filename: null, media_type: null, size: null, registry_key: '031090001234', reused: 1, digitised: 1, consent_at: '2026-03-02T03:00:00.000Z' }).where('id', '=', x.docId).execute();
      return get(`/api/dossiers/${x.code}/registry-evidence/${x.docId}`);
    },
  },
  'GET /api/me/lookups': { kind: 'self', req: () => get('/api/me/lookups') },
  'GET /api/me/registry-records': { kind: 'self', req: () => get('/api/me/registry-records') },
  'GET /api/me/export': { kind: 'self', req: () => get('/api/me/export') },
  'GET /api/admin/registries/imports': { kind: 'role', roles: ['system_admin'], req: () => get('/api/admin/registries/imports') },
  'GET /api/admin/registries/imports/:id': {
    kind: 'role',
    roles: ['system_admin'],
    req: async (c) => {
      const admin = await c.db.selectFrom('accounts').select('id').where('email', '=', 'system_admin@matrix.vn').executeTakeFirstOrThrow();
      const r = await c.db.insertInto('registry_imports').values({ registry: 'citizens', filename: 'a.csv', format: 'csv', total_rows: 0, accepted_rows: 0, rejected_rows: 0, status: 'rejected', report: '{"rejected":[]}', by_account_id: admin.id, at: '2026-03-02T03:00:00.000Z' }).returning('id').executeTakeFirstOrThrow();
      return get(`/api/admin/registries/imports/${r.id}`);
    },
  },
  // ── interconnection operations (#6) ──
  'GET /api/interconnect/ops': { kind: 'role', roles: ['system_admin'], req: () => get('/api/interconnect/ops') },
  'GET /api/interconnect/messages/:id': {
    kind: 'role',
    roles: ['system_admin'],
    req: async (c) => get(`/api/interconnect/messages/${await insertOutMessage(c, 'pending')}`),
  },
  'POST /api/interconnect/dead-letters/:id/retry': {
    kind: 'role',
    roles: ['system_admin'],
    req: async (c) => ({ method: 'POST', url: `/api/interconnect/dead-letters/${await insertOutMessage(c, 'dead')}/retry`, body: {} }),
  },
  'POST /api/interconnect/dead-letters/:id/abandon': {
    kind: 'role',
    roles: ['system_admin'],
    req: async (c) => ({ method: 'POST', url: `/api/interconnect/dead-letters/${await insertOutMessage(c, 'dead')}/abandon`, body: {} }),
  },
  'GET /api/admin/registries/:registry': { kind: 'role', roles: ['system_admin'], req: () => get('/api/admin/registries/citizens?q=nguyen') },
  'GET /api/admin/registries/:registry/:key': {
    kind: 'role',
    roles: ['system_admin'],
    req: async (c) => {
      const { seedRecords } = await import('../src/registries/store.js');
      await c.db.transaction().execute((tx) => seedRecords(tx, 'businesses', [{ enterpriseCode: '0100109106', name: 'Công ty A', address: 'Hải Phòng', legalRepresentative: 'Nguyễn Văn A', legalRepresentativeId: null, status: 'active', registeredOn: null }], new Date('2026-03-02T03:00:00Z')));
      return get('/api/admin/registries/businesses/0100109106');
    },
  },
  'POST /api/admin/registries/:registry/imports': {
    kind: 'role',
    roles: ['system_admin'],
    req: (c) => {
      const m = multipartFile(Buffer.from(`citizenId,fullName,birthDate,gender\n031090${String(c.seq()).padStart(6, '0')},Nguyễn Văn Ma Trận,1990-01-01,male\n`), 'dan-cu.csv', 'text/csv');
      return { method: 'POST', url: '/api/admin/registries/citizens/imports', body: m.body, headers: m.headers };
    },
  },
  // ── end of registries routes ──
  // ── datastore routes ──
  'GET /api/evidence-types': { kind: 'public', req: () => get('/api/evidence-types') },
  // the applicant's own store (the business's when acting for it); officers have none (403). Someone else's item → 404: test/datastore.test.ts
  'GET /api/me/store': { kind: 'self', callers: ['citizen', 'business'], req: () => get('/api/me/store') },
  'GET /api/me/store/:id/file': { kind: 'self', callers: ['citizen', 'business'], req: async (c) => get(`/api/me/store/${await storeItemOfCaller(c)}/file`) },
  'POST /api/me/store': { kind: 'self', callers: ['citizen', 'business'], req: async (c) => ({ method: 'POST', url: '/api/me/store', body: { upload: await c.uploadFor(), title: 'Giấy khai sinh (bản sao)', issuedOn: '2020-05-04' } }) },
  'DELETE /api/me/store/:id': { kind: 'self', callers: ['citizen', 'business'], req: async (c) => ({ method: 'DELETE', url: `/api/me/store/${await storeItemOfCaller(c)}` }) },
  'GET /api/me/store/options/:nationalCode': { kind: 'self', callers: ['citizen', 'business'], req: () => get('/api/me/store/options/1.001193') },
  // the desk of the receiving agency scans a paper component with its own upload
  'POST /api/desk/dossiers/:code/documents/:id/digitise': {
    kind: 'dossier',
    roles: ['desk_officer'],
    applicant: false,
    req: async (c, d) => {
      const x = await c.dossier(d);
      await c.db.updateTable('dossier_documents').set({ source: 'paper', sha256: null, filename: null, media_type: null, size: null, digitised: 0 }).where('id', '=', x.docId).execute();
      const upload = await c.db.selectFrom('uploads').selectAll().where('id', '=', x.uploadId).executeTakeFirstOrThrow();
      const me = await c.db.selectFrom('accounts').select('id').where('email', '=', `${c.caller}@matrix.vn`).executeTakeFirst();
      const id = `00000000-0000-4000-8000-${String(c.seq()).padStart(12, '0')}`;
      await c.db.insertInto('uploads').values({ id, owner_account_id: me?.id ?? c.citizenId, sha256: upload.sha256, filename: 'scan.pdf', media_type: upload.media_type, size: upload.size, created_at: upload.created_at }).execute();
      return { method: 'POST', url: `/api/desk/dossiers/${x.code}/documents/${x.docId}/digitise`, body: { upload: id } };
    },
  },
  // ── end of datastore routes ──
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
    app = await buildApp({ db: t.db, clock: { now: () => now }, config: testConfig({ DATA_DIR: t.env.DATA_DIR! }) });
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
    const blobs = new BlobStore(path.join(t.env.DATA_DIR!, 'blobs'));
    const makeUpload = async (owner: number) => {
      const { Readable } = await import('node:stream');
      return (await acceptUpload(t.db, blobs, owner, 'a.pdf', Readable.from([tinyPdf(String(counter++))]), 1_048_576, now)).id;
    };
    const otherDelegation = await insertDelegation(t.db, otherBusiness, otherCitizenId, at);
    ctx = {
      officerAt,
      db: t.db,
      newGrantAt: async (rel) => insertGrant(t.db, { accountId: officerAt[rel], role: 'supervisor', agencyId: await agencyId(AGENCY_OF[rel]), validFrom: '2026-01-01', validTo: null, grantedBy: null }, at),
      citizenId,
      otherCitizenId,
      delegationOf: { own: ownDelegation, someone_else: otherDelegation },
      businessOf: { own: business, someone_else: otherBusiness },
      seq: () => ++counter,
      officialSchedule: async (year) => {
        await t.db.insertInto('holiday_schedules').values({ year, schedule: JSON.stringify({ year, holidays: [], workingDays: [] }), updated_at: at, updated_by: null }).onConflict((oc) => oc.column('year').doNothing()).execute();
      },
      uploadFor: async () => makeUpload(ctx.caller === 'business' ? business : citizenId),
      caller: 'anonymous',
      dossier: async (target) => {
        const flags = target as DossierTarget & { refused?: boolean; supplement?: boolean };
        const owner = target.owner === 'own' ? citizenId : otherCitizenId;
        const agency = (await findAgencyByCode(t.db, AGENCY_OF[target.relation]))!;
        const version = (await t.db.selectFrom('procedure_versions').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
        const uploadId = await makeUpload(owner);
        const upload = await t.db.selectFrom('uploads').selectAll().where('id', '=', uploadId).executeTakeFirstOrThrow();
        return t.db.transaction().execute(async (tx) => {
          const code = await nextDossierCode(tx, agency, now);
          const check = newCheckValue();
          const { id } = await createDossier(
            tx,
            { code, check_value: check, procedure_version_id: version, receiving_agency_id: agency.id, applicant_account_id: owner, applicant: JSON.stringify({ name: 'X' }), channel: 'online', form_data: '{}', return_method: 'online', submitted_at: at, received_at: null, due_at: null, paused_since: null, supplement_count: 0, register_year: null, register_no: null, closed_at: null },
            { type: 'submitted', at: now, actor: 'applicant', actorId: owner, agencyId: null, payload: {} },
          );
          const doc = await tx.insertInto('dossier_documents').values({ dossier_id: id, requirement_code: 'to-khai', sha256: upload.sha256, filename: 'a.pdf', media_type: 'application/pdf', size: upload.size, source: 'upload', event_seq: 1 }).returning('id').executeTakeFirstOrThrow();
          if (flags.refused) await appendEvent(tx, id, { type: 'refused', at: now, actor: 'desk_officer', actorId: null, agencyId: agency.id, payload: { reasons: ['Không hợp lệ'] } });
          if (flags.supplement) await appendEvent(tx, id, { type: 'supplement_requested', at: now, actor: 'desk_officer', actorId: null, agencyId: agency.id, payload: { items: [{ requirement: 'to-khai', reason: 'mờ' }] }, set: { supplement_count: 1, paused_since: at } });
          return { code, check, docId: doc.id, uploadId };
        });
      },
      eResult: async (rel, owner = 'own') => {
        const { issueInto } = await import('./results-fixtures.js');
        const { code } = await ctx.dossier({ relation: rel, owner });
        // a result exists once the dossier is resolved (revocation is logged on a resolved or returned dossier)
        await t.db.updateTable('dossiers').set({ status: 'resolved' }).where('code', '=', code).execute();
        return issueInto(t.db, t.env.DATA_DIR!, code, now);
      },
      complaint: async (rel, opts = {}) => {
        const upload = await t.db.selectFrom('uploads').selectAll().where('id', '=', await makeUpload(otherCitizenId)).executeTakeFirstOrThrow();
        const filed = await fileComplaint(
          { db: t.db, calendar: new WorkingCalendar({ schedules: [] }) },
          null,
          { kind: 'complaint', subject: 'general', category: 'other', agencyCode: AGENCY_OF[rel], title: 'Phản ánh', body: 'Nội dung phản ánh của ma trận.', complainant: { name: 'Người phản ánh', email: 'pakn@matrix.vn' }, publicAnswer: true },
          [{ sha256: upload.sha256, filename: 'a.pdf', mediaType: upload.media_type, size: upload.size }],
          now,
        );
        if (opts.answered) await t.db.updateTable('complaints').set({ status: 'answered', decided_at: at, answer_text: 'Trả lời', answer_public: 1, answered_at: at }).where('code', '=', filed.code).execute();
        const row = await t.db.selectFrom('complaint_attachments as ca').innerJoin('complaints as c', 'c.id', 'ca.complaint_id').select('ca.id').where('c.code', '=', filed.code).executeTakeFirstOrThrow();
        return { code: filed.code, key: filed.accessKey, attachmentId: row.id };
      },
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
    const res = await c.request(r.method, r.url, r.body ?? (r.method === 'GET' ? undefined : {}), r.headers ?? {});
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
        ctx.caller = caller;
        if (rule.kind === 'public') {
          const res = await send(caller, await rule.req(ctx));
          // a public route never refuses for lack of a session or a role (a login may refuse the credentials)
          const refused = res.statusCode === 403 || (res.statusCode === 401 && (res.json() as { reason?: string }).reason !== 'invalid_credentials');
          expect(refused, `${caller} on public ${route}: ${res.statusCode} ${res.body.slice(0, 200)}`).toBe(false);
        } else if (rule.kind === 'self') {
          const res = await send(caller, await rule.req(ctx));
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
          const res = await send(caller, await rule.req(ctx));
          const allowed = (rule.roles as Caller[]).includes(caller);
          if (allowed) expect(res.statusCode < 300, `${caller} ${route}: ${res.statusCode} ${res.body.slice(0, 200)}`).toBe(true);
          else expect(denied(res.statusCode), `${caller} ${route}: ${res.statusCode}`).toBe(true);
        } else if (rule.kind === 'dossier') {
          for (const target of DOSSIER_TARGETS) {
            const res = await send(caller, await rule.req(ctx, target));
            const asApplicant = rule.applicant && caller === 'citizen' && target.owner === 'own';
            const asOfficer = (rule.roles as Caller[]).includes(caller) && IN_SUBTREE.includes(target.relation);
            const label = `${caller} ${route} ${target.relation}/${target.owner}: ${res.statusCode} ${res.body.slice(0, 200)}`;
            if (asApplicant || asOfficer) expect(res.statusCode < 300, label).toBe(true);
            else expect(denied(res.statusCode), label).toBe(true);
          }
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

  it('processing roles see only applicants with a dossier in their scope', async () => {
    const at = new Date().toISOString();
    const lonely = await insertAccount(t.db, { kind: 'citizen', email: 'lonely@matrix.vn', passwordHash: null, fullName: 'Không có hồ sơ' }, at);
    expect((await clients.get('specialist')!.get(`/api/admin/applicants/${lonely}?purpose=xu%20ly`)).statusCode).toBe(404);
    expect((await clients.get('desk_officer')!.get(`/api/admin/applicants/${lonely}?purpose=tiep%20nhan`)).statusCode).toBe(200);
  });

  it('an agency admin cannot make anyone a system administrator', async () => {
    const res = await clients.get('agency_admin')!.post(`/api/admin/officers/${ctx.officerAt.own}/grants`, { role: 'system_admin', agencyCode: AGENCY_OF.own });
    expect(res.statusCode).toBe(403);
  });

  afterAll(() => {
    console.log(`authorization matrix: ${Object.keys(MATRIX).length} routes × ${CALLERS.length} callers, ${checked} requests checked`);
  });
});
