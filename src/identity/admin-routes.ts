// Administration of officers and their role grants, applicant look-up by officers, and the
// access log — every route behind can(), every listing filtered by the caller's scope in SQL.
// Records outside the caller's scope answer 404, exactly like records that do not exist.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../app.js';
import type { Db } from '../db/connect.js';
import { vnDate } from '../lib/dates.js';
import { Forbidden, Invalid, NotFound } from '../lib/errors.js';
import type { MailWorker } from '../notify/mail-outbox.js';
import { enqueueMail } from '../notify/mail-outbox.js';
import { recordAccess } from './access-log.js';
import { requirePermission } from './auth-plugin.js';
import { hashPassword } from './passwords.js';
import { type Actor, can, scopePaths } from './permissions.js';
import { AccessLog, ApplicantList, ApplicantSearch, Grant, GrantCreate, Officer, OfficerCreate, OfficerList, Profile } from './schemas.js';
import {
  findAccountByEmail, findAccountById, findAgencyByCode, findGrant, grantsOf, insertAccount, insertGrant, insertToken, listAccess,
  listOfficersInScope, officerAgencyPaths, presentGrant, presentProfile, revokeGrant, searchApplicants, sha256,
} from './store.js';

async function hasDossierInScope(db: Db, applicantId: number, scope: string[]): Promise<boolean> {
  if (scope.length === 0) return false;
  const row = await db
    .selectFrom('dossiers as d')
    .innerJoin('agencies as ag', 'ag.id', 'd.receiving_agency_id')
    .select('d.id')
    .where('d.applicant_account_id', '=', applicantId)
    .where((w) => w.or(scope.map((p) => w('ag.path', 'like', `${p}%`))))
    .executeTakeFirst();
  return row !== undefined;
}

const err = { 400: Type.Ref('ErrorResponse'), 401: Type.Ref('ErrorResponse'), 403: Type.Ref('ErrorResponse'), 404: Type.Ref('ErrorResponse') };
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const Purpose = Type.Object({ purpose: Type.String({ minLength: 3, maxLength: 300 }) });

export const adminRoutes: FastifyPluginAsyncTypebox<{ db: Db; clock: Clock; publicUrl: string; mail?: MailWorker | undefined }> = async (app, { db, clock, publicUrl, mail }) => {
  const tags = ['administration'];
  const today = () => vnDate(clock.now());

  /** The officer if the caller's scope for `action` covers one of the officer's grants; else 404. */
  async function officerInScope(actor: Actor, action: 'officer.read' | 'grant.create', id: number) {
    const officer = await findAccountById(db, id);
    if (!officer || officer.kind !== 'officer') throw new NotFound('officer not found');
    const paths = await officerAgencyPaths(db, id);
    if (!paths.some((p) => can(actor, action, { agencyPath: p }))) throw new NotFound('officer not found');
    return officer;
  }

  /** The agency for a new grant: must exist and lie inside the caller's scope; system_admin only from a system_admin. */
  async function grantableAgency(actor: Actor, g: GrantCreate) {
    const agency = await findAgencyByCode(db, g.agencyCode);
    if (!agency || !can(actor, 'grant.create', { agencyPath: agency.path })) throw new Forbidden(`you may not grant roles on agency ${g.agencyCode}`, { field: 'agencyCode' });
    if (g.role === 'system_admin' && !actor.grants.some((x) => x.role === 'system_admin')) throw new Forbidden('only a system administrator can grant system_admin', { field: 'role' });
    if (g.validTo !== undefined && g.validTo < (g.validFrom ?? today())) throw new Invalid('validTo is before validFrom', 'validTo');
    return agency;
  }

  async function presentOfficer(id: number): Promise<Officer> {
    const a = (await findAccountById(db, id))!;
    return { id: a.id, email: a.email, fullName: a.full_name, phone: a.phone, status: a.status, grants: (await grantsOf(db, [id], today())).get(id) ?? [] };
  }

  app.get(
    '/api/admin/officers',
    { schema: { tags, summary: 'Officers with a grant inside my scope (optionally under one agency)', querystring: Type.Object({ agency: Type.Optional(Type.String({ pattern: '^[A-Z0-9.]{3,40}$' })) }), response: { 200: OfficerList, ...err } } },
    async (req) => {
      const actor = requirePermission(req, 'officer.list');
      let under: string | undefined;
      if (req.query.agency) {
        const agency = await findAgencyByCode(db, req.query.agency);
        if (!agency) throw new NotFound(`agency ${req.query.agency} not found`);
        under = agency.path;
      }
      const rows = await listOfficersInScope(db, scopePaths(actor, 'officer.list'), under);
      const grants = await grantsOf(db, rows.map((r) => r.id), today());
      // names and contacts of officers are personal data: the listing leaves one trace
      await recordAccess(db, req, actor, { action: 'officer.list', subjectAccountId: null, resourceType: 'officer_list', resourceId: req.query.agency ?? '*', purpose: 'administration of officers' }, clock.now());
      return { items: rows.map((r) => ({ id: r.id, email: r.email, fullName: r.full_name, phone: r.phone, status: r.status, grants: grants.get(r.id) ?? [] })) };
    },
  );

  app.post('/api/admin/officers', { schema: { tags, summary: 'Create an officer account with role grants inside my scope', body: OfficerCreate, response: { 201: Officer, ...err } } }, async (req, reply) => {
    const actor = requirePermission(req, 'officer.create');
    const now = clock.now();
    const agencies: { id: number }[] = [];
    for (const g of req.body.grants) agencies.push(await grantableAgency(actor, g));
    if (await findAccountByEmail(db, req.body.email)) throw new Invalid('an account with this e-mail already exists', 'email', undefined, 'email_taken');
    const passwordHash = req.body.password ? await hashPassword(req.body.password) : null;
    const id = await db.transaction().execute(async (tx) => {
      const id = await insertAccount(tx, { kind: 'officer', email: req.body.email, passwordHash, fullName: req.body.fullName, phone: req.body.phone ?? null, emailVerifiedAt: null }, now.toISOString());
      for (const [i, g] of req.body.grants.entries()) {
        await insertGrant(tx, { accountId: id, role: g.role, agencyId: agencies[i]!.id, validFrom: g.validFrom ?? today(), validTo: g.validTo ?? null, grantedBy: actor.accountId }, now.toISOString());
      }
      if (!passwordHash) {
        const token = randomBytes(32).toString('base64url');
        await insertToken(tx, sha256(token), 'reset_password', id, now, 7 * 24 * 3600_000);
        await enqueueMail(tx, {
          to: req.body.email.toLowerCase(),
          subject: 'Tài khoản cán bộ motcua',
          text: `Kính gửi ${req.body.fullName},\n\nTài khoản cán bộ của bạn đã được tạo. Đặt mật khẩu tại (hiệu lực 7 ngày):\n${publicUrl}/dat-lai-mat-khau?token=${token}\n\n— Your officer account was created; set your password with the link above.`,
        }, now);
      }
      return id;
    });
    mail?.kick();
    return reply.status(201).send(await presentOfficer(id));
  });

  app.get('/api/admin/officers/:id', { schema: { tags, summary: 'One officer with all grants (access is logged)', params: IdParams, response: { 200: Officer, ...err } } }, async (req) => {
    const actor = requirePermission(req, 'officer.read');
    const officer = await officerInScope(actor, 'officer.read', req.params.id);
    await recordAccess(db, req, actor, { action: 'officer.read', subjectAccountId: officer.id, resourceType: 'account', resourceId: String(officer.id), purpose: 'administration of officers' }, clock.now());
    return presentOfficer(officer.id);
  });

  app.post('/api/admin/officers/:id/grants', { schema: { tags, summary: 'Grant a role on an agency to an officer in my scope', params: IdParams, body: GrantCreate, response: { 201: Grant, ...err } } }, async (req, reply) => {
    const actor = requirePermission(req, 'grant.create');
    const officer = await officerInScope(actor, 'grant.create', req.params.id);
    const agency = await grantableAgency(actor, req.body);
    const id = await insertGrant(db, { accountId: officer.id, role: req.body.role, agencyId: agency.id, validFrom: req.body.validFrom ?? today(), validTo: req.body.validTo ?? null, grantedBy: actor.accountId }, clock.now().toISOString());
    return reply.status(201).send(presentGrant((await findGrant(db, id))!, today()));
  });

  app.delete('/api/admin/grants/:id', { schema: { tags, summary: 'Revoke a role grant inside my scope', params: IdParams, response: { 204: Type.Null(), ...err } } }, async (req, reply) => {
    const actor = requirePermission(req, 'grant.revoke');
    const grant = await findGrant(db, req.params.id);
    if (!grant || !can(actor, 'grant.revoke', { agencyPath: grant.agency_path })) throw new NotFound('grant not found');
    if (grant.role === 'system_admin' && !actor.grants.some((g) => g.role === 'system_admin')) throw new Forbidden('only a system administrator can revoke system_admin');
    await revokeGrant(db, grant.id, actor.accountId, clock.now().toISOString());
    return reply.status(204).send(null);
  });

  app.get('/api/admin/applicants', { schema: { tags, summary: 'Find an applicant by CCCD, tax code, e-mail or name (each result is logged with the purpose)', querystring: ApplicantSearch, response: { 200: ApplicantList, ...err } } }, async (req) => {
    const actor = requirePermission(req, 'applicant.search');
    const rows = await searchApplicants(db, req.query.q);
    const now = clock.now();
    for (const r of rows) await recordAccess(db, req, actor, { action: 'applicant.search', subjectAccountId: r.id, resourceType: 'account', resourceId: String(r.id), purpose: req.query.purpose }, now);
    return { items: rows.map(presentProfile) };
  });

  app.get('/api/admin/applicants/:id', { schema: { tags, summary: "An applicant's profile (logged with the purpose; visible to the applicant)", params: IdParams, querystring: Purpose, response: { 200: Profile, ...err } } }, async (req) => {
    const actor = requirePermission(req, 'applicant.read');
    const a = await findAccountById(db, req.params.id);
    if (!a || a.kind === 'officer') throw new NotFound('applicant not found');
    // the desk finds applicants to register their paper dossiers; other officers see the
    // applicants of dossiers inside their scope only
    const atDesk = actor.grants.some((g) => g.role === 'desk_officer' || g.role === 'system_admin');
    if (!atDesk && !(await hasDossierInScope(db, a.id, scopePaths(actor, 'dossier.read')))) throw new NotFound('applicant not found');
    await recordAccess(db, req, actor, { action: 'applicant.read', subjectAccountId: a.id, resourceType: 'account', resourceId: String(a.id), purpose: req.query.purpose }, clock.now());
    return presentProfile(a);
  });

  app.get('/api/admin/access-log', { schema: { tags, summary: 'Accesses to personal data by officers of agencies in my scope', response: { 200: AccessLog, ...err } } }, async (req) => {
    const actor = requirePermission(req, 'access_log.read');
    return { items: await listAccess(db, { actorScope: scopePaths(actor, 'access_log.read') }) };
  });
};
