// HTTP routes of accounts and sessions (/api/auth/*) and of the applicant's own data (/api/me/*).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Clock } from '../app.js';
import type { Db } from '../db/connect.js';
import { vnDate } from '../lib/dates.js';
import { Forbidden, Invalid, NotFound } from '../lib/errors.js';
import type { MailWorker } from '../notify/mail-outbox.js';
import { authenticate, changePassword, registerApplicant, requestPasswordReset, resetPassword, verifyEmail } from './accounts.js';
import { requireActor, requireSession } from './auth-plugin.js';
import {
  AccessLog, ActingForRequest, Delegation, DelegationCreate, DelegationList, LoginRequest, Me, PasswordChange, PasswordResetConfirm,
  PasswordResetRequest, Profile, ProfileUpdate, RegisterRequest, RegisterResponse, TokenRequest,
} from './schemas.js';
import { type SessionPolicy, clearSessionCookie, startSession } from './sessions.js';
import {
  activeGrants, findAccountByEmail, findAccountById, findActiveDelegation, findDelegation, insertDelegation, listAccess, listDelegations, presentDelegation,
  presentProfile, revokeAllSessions, revokeDelegation, revokeSession, setSessionActingFor, updateAccount,
} from './store.js';

export interface IdentityDeps {
  db: Db;
  clock: Clock;
  policy: SessionPolicy;
  publicUrl: string;
  mail?: MailWorker | undefined;
}

const err = { 400: Type.Ref('ErrorResponse'), 401: Type.Ref('ErrorResponse'), 403: Type.Ref('ErrorResponse'), 404: Type.Ref('ErrorResponse'), 429: Type.Ref('ErrorResponse') };
const Ok = Type.Object({ ok: Type.Literal(true) });

export const identityRoutes: FastifyPluginAsyncTypebox<IdentityDeps> = async (app, { db, clock, policy, publicUrl, mail }) => {
  const tags = ['identity'];
  const links = { publicUrl };

  async function me(accountId: number, actingFor: number | null, csrfToken: string, grants: Me['grants']): Promise<Me> {
    const account = await findAccountById(db, accountId);
    if (!account) throw new NotFound('account not found');
    const business = actingFor ? await findAccountById(db, actingFor) : undefined;
    return {
      account: presentProfile(account),
      grants,
      actingFor: business ? { id: business.id, fullName: business.full_name, taxCode: business.tax_code } : null,
      csrfToken,
    };
  }

  app.post('/api/auth/register', { schema: { tags, summary: 'Register a citizen or business account; a verification link is e-mailed', body: RegisterRequest, response: { 201: RegisterResponse, ...err } } }, async (req, reply) => {
    await registerApplicant(db, req.body, clock.now(), links);
    mail?.kick();
    return reply.status(201).send({ id: 0, email: req.body.email.toLowerCase(), verificationSent: true });
  });

  app.post('/api/auth/verify-email', { schema: { tags, summary: 'Confirm an e-mail address with the one-time token from the link', body: TokenRequest, response: { 200: Ok, ...err } } }, async (req) => {
    await verifyEmail(db, req.body.token, clock.now());
    return { ok: true as const };
  });

  app.post('/api/auth/login', { schema: { tags, summary: 'Log in with e-mail and password (throttled per account and per IP)', body: LoginRequest, response: { 200: Me, ...err } } }, async (req, reply) => {
    const now = clock.now();
    const accountId = await authenticate(db, req.body.email, req.body.password, req.ip, now);
    const session = await startSession(db, req, reply, accountId, now, policy);
    const grants = await activeGrants(db, accountId, vnDate(now));
    return me(accountId, null, session.csrfToken, grants.map((g) => g.grant));
  });

  app.post('/api/auth/logout', { schema: { tags, summary: 'End this session', response: { 204: Type.Null(), ...err } } }, async (req, reply) => {
    const s = requireSession(req);
    await revokeSession(db, s.idHash, clock.now().toISOString());
    clearSessionCookie(req, reply);
    return reply.status(204).send(null);
  });

  app.post('/api/auth/logout-all', { schema: { tags, summary: 'End every session of this account, on every device', response: { 204: Type.Null(), ...err } } }, async (req, reply) => {
    const actor = requireActor(req);
    await revokeAllSessions(db, actor.accountId, clock.now().toISOString());
    clearSessionCookie(req, reply);
    return reply.status(204).send(null);
  });

  app.get('/api/auth/me', { schema: { tags, summary: 'The logged-in account, its active role grants and the CSRF token', response: { 200: Me, ...err } } }, async (req, reply) => {
    const s = requireSession(req);
    reply.header('cache-control', 'no-store');
    return me(s.actor.accountId, s.actor.actingFor, s.csrfToken, s.grants);
  });

  app.post('/api/auth/password-reset', { schema: { tags, summary: 'E-mail a single-use password reset link (same answer whether or not the account exists)', body: PasswordResetRequest, response: { 202: Ok, ...err } } }, async (req, reply) => {
    await requestPasswordReset(db, req.body.email, clock.now(), links);
    mail?.kick();
    return reply.status(202).send({ ok: true as const });
  });

  app.post('/api/auth/password-reset/confirm', { schema: { tags, summary: 'Set a new password with the token from the reset link; ends all sessions', body: PasswordResetConfirm, response: { 200: Ok, ...err } } }, async (req) => {
    await resetPassword(db, req.body.token, req.body.password, clock.now());
    return { ok: true as const };
  });

  app.post('/api/auth/password', { schema: { tags, summary: 'Change the password; other sessions end', body: PasswordChange, response: { 200: Ok, ...err } } }, async (req) => {
    const s = requireSession(req);
    await changePassword(db, s.actor.accountId, req.body.currentPassword, req.body.newPassword, s.idHash, clock.now());
    return { ok: true as const };
  });

  // ---------- the applicant's own data ----------

  app.get('/api/me/profile', { schema: { tags, summary: 'My profile', response: { 200: Profile, ...err } } }, async (req) => {
    const actor = requireActor(req);
    return presentProfile((await findAccountById(db, actor.accountId))!);
  });

  app.put('/api/me/profile', { schema: { tags, summary: 'Update my name, phone or address', body: ProfileUpdate, response: { 200: Profile, ...err } } }, async (req) => {
    const actor = requireActor(req);
    const set: Parameters<typeof updateAccount>[2] = {};
    if (req.body.fullName !== undefined) set.full_name = req.body.fullName.trim();
    if (req.body.phone !== undefined) set.phone = req.body.phone;
    if (req.body.address !== undefined) set.address = req.body.address;
    await updateAccount(db, actor.accountId, set, clock.now().toISOString());
    return presentProfile((await findAccountById(db, actor.accountId))!);
  });

  app.get('/api/me/access-log', { schema: { tags, summary: 'Who accessed my personal data, when and why', response: { 200: AccessLog, ...err } } }, async (req) => {
    const actor = requireActor(req);
    return { items: await listAccess(db, { subjectAccountId: actor.accountId }) };
  });

  app.get('/api/me/delegations', { schema: { tags, summary: 'Businesses I may act for, or persons my business authorised', response: { 200: DelegationList, ...err } } }, async (req) => {
    const actor = requireActor(req);
    return { items: await listDelegations(db, actor.accountId) };
  });

  app.post('/api/me/delegations', { schema: { tags, summary: 'A business authorises a person (by e-mail) to act on its behalf', body: DelegationCreate, response: { 201: Delegation, ...err } } }, async (req, reply) => {
    const actor = requireActor(req);
    if (actor.kind !== 'business') throw new Forbidden('only a business account can authorise persons');
    const person = await findAccountByEmail(db, req.body.email);
    if (!person || person.kind !== 'citizen') throw new Invalid('no citizen account with this e-mail address', 'email');
    if (await findActiveDelegation(db, actor.accountId, person.id)) throw new Invalid('this person is already authorised', 'email');
    const id = await insertDelegation(db, actor.accountId, person.id, clock.now().toISOString());
    return reply.status(201).send(presentDelegation((await findDelegation(db, id))!));
  });

  app.delete('/api/me/delegations/:id', { schema: { tags, summary: 'Withdraw an authorisation (by the business, or renounced by the person)', params: Type.Object({ id: Type.Integer({ minimum: 1 }) }), response: { 204: Type.Null(), ...err } } }, async (req, reply) => {
    const actor = requireActor(req);
    const d = await findDelegation(db, req.params.id);
    if (!d || (d.business_id !== actor.accountId && d.person_id !== actor.accountId)) throw new NotFound('authorisation not found');
    await revokeDelegation(db, d.id, clock.now().toISOString());
    return reply.status(204).send(null);
  });

  app.post('/api/me/acting-for', { schema: { tags, summary: 'Act on behalf of a business that authorised me (or stop: null)', body: ActingForRequest, response: { 200: Me, ...err } } }, async (req) => {
    const s = requireSession(req);
    const businessId = req.body.businessId;
    if (businessId !== null && !(await findActiveDelegation(db, businessId, s.actor.accountId))) throw new NotFound('no authorisation from this business');
    await setSessionActingFor(db, s.idHash, businessId);
    return me(s.actor.accountId, businessId, s.csrfToken, s.grants);
  });

};
