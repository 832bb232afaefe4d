// All SQL of the identity module.
import { createHash } from 'node:crypto';
import { type Kysely, type Transaction, sql } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/types.js';
import type { ActiveGrant } from './permissions.js';
import type { Grant, Profile, Role } from './schemas.js';

type Conn = Kysely<Database> | Transaction<Database>;

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

// ---------- accounts ----------

export type AccountRow = Awaited<ReturnType<typeof findAccountById>> & object;

export async function findAccountById(db: Conn, id: number) {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAccountByEmail(db: Conn, email: string) {
  return db.selectFrom('accounts').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
}

export async function findAccountBy(db: Conn, column: 'citizen_id' | 'tax_code' | 'oidc_subject', value: string) {
  return db.selectFrom('accounts').selectAll().where(column, '=', value).executeTakeFirst();
}

export function presentProfile(a: NonNullable<Awaited<ReturnType<typeof findAccountById>>>): Profile {
  return {
    id: a.id,
    kind: a.kind as Profile['kind'],
    email: a.email,
    emailVerified: a.email_verified_at !== null,
    fullName: a.full_name,
    dateOfBirth: a.date_of_birth,
    gender: a.gender as Profile['gender'],
    citizenId: a.citizen_id,
    taxCode: a.tax_code,
    phone: a.phone,
    address: a.address,
  };
}

export interface NewAccount {
  kind: 'citizen' | 'business' | 'officer';
  email: string;
  passwordHash: string | null;
  fullName: string;
  dateOfBirth?: string | null;
  gender?: string | null;
  citizenId?: string | null;
  taxCode?: string | null;
  phone?: string | null;
  address?: string | null;
  oidcSubject?: string | null;
  emailVerifiedAt?: string | null;
  demo?: boolean;
}

export async function insertAccount(db: Conn, a: NewAccount, now: string): Promise<number> {
  const row = await db
    .insertInto('accounts')
    .values({
      kind: a.kind,
      email: a.email.trim().toLowerCase(),
      email_verified_at: a.emailVerifiedAt ?? null,
      password_hash: a.passwordHash,
      full_name: a.fullName.trim(),
      date_of_birth: a.dateOfBirth ?? null,
      gender: a.gender ?? null,
      citizen_id: a.citizenId ?? null,
      tax_code: a.taxCode ?? null,
      phone: a.phone ?? null,
      address: a.address ?? null,
      oidc_subject: a.oidcSubject ?? null,
      status: 'active',
      demo: a.demo ? 1 : 0,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateAccount(
  db: Conn,
  id: number,
  set: Partial<{ full_name: string; phone: string | null; address: string | null; password_hash: string; email_verified_at: string; oidc_subject: string }>,
  now: string,
) {
  await db.updateTable('accounts').set({ ...set, updated_at: now }).where('id', '=', id).execute();
}

// ---------- one-time tokens ----------

export async function insertToken(db: Conn, tokenHash: string, purpose: string, accountId: number, now: Date, ttlMs: number) {
  await db
    .insertInto('one_time_tokens')
    .values({ token_hash: tokenHash, purpose, account_id: accountId, created_at: now.toISOString(), expires_at: new Date(now.getTime() + ttlMs).toISOString(), used_at: null })
    .execute();
}

/** Marks a token used if it is valid now; returns its account, or undefined (unknown, used, expired, other purpose). */
export async function consumeToken(db: Conn, tokenHash: string, purpose: string, now: Date): Promise<number | undefined> {
  const row = await db.selectFrom('one_time_tokens').selectAll().where('token_hash', '=', tokenHash).where('purpose', '=', purpose).executeTakeFirst();
  if (!row || row.used_at !== null || row.expires_at <= now.toISOString()) return undefined;
  // conditional update: two concurrent uses cannot both succeed
  const r = await db.updateTable('one_time_tokens').set({ used_at: now.toISOString() }).where('token_hash', '=', tokenHash).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? row.account_id : undefined;
}

// ---------- login throttling ----------

export async function getThrottle(db: Conn, key: string) {
  return db.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
}

export async function putThrottle(db: Conn, key: string, failures: number, windowStartedAt: string, lockedUntil: string | null) {
  await db
    .insertInto('login_throttle')
    .values({ key, failures, window_started_at: windowStartedAt, locked_until: lockedUntil })
    .onConflict((oc) => oc.column('key').doUpdateSet({ failures, window_started_at: windowStartedAt, locked_until: lockedUntil }))
    .execute();
}

export async function clearThrottle(db: Conn, key: string) {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

// ---------- sessions ----------

export async function insertSession(db: Conn, s: Database['sessions']) {
  await db.insertInto('sessions').values(s).execute();
}

export async function findSession(db: Conn, idHash: string) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select(['s.id_hash', 's.account_id', 's.csrf_token', 's.acting_for', 's.created_at', 's.last_seen_at', 's.expires_at', 's.revoked_at', 'a.kind', 'a.status'])
    .where('s.id_hash', '=', idHash)
    .executeTakeFirst();
}

export async function touchSession(db: Conn, idHash: string, now: string) {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
}

export async function setSessionActingFor(db: Conn, idHash: string, businessId: number | null) {
  await db.updateTable('sessions').set({ acting_for: businessId }).where('id_hash', '=', idHash).execute();
}

export async function revokeSession(db: Conn, idHash: string, now: string) {
  await db.updateTable('sessions').set({ revoked_at: now }).where('id_hash', '=', idHash).where('revoked_at', 'is', null).execute();
}

export async function revokeAllSessions(db: Conn, accountId: number, now: string) {
  await db.updateTable('sessions').set({ revoked_at: now }).where('account_id', '=', accountId).where('revoked_at', 'is', null).execute();
}

// ---------- grants ----------

function grantQuery(db: Conn) {
  return db
    .selectFrom('role_grants as g')
    .innerJoin('agencies as ag', 'ag.id', 'g.agency_id')
    .select(['g.id', 'g.account_id', 'g.role', 'g.agency_id', 'g.valid_from', 'g.valid_to', 'g.revoked_at', 'ag.code as agency_code', 'ag.name as agency_name', 'ag.short_name as agency_short_name', 'ag.level as agency_level', 'ag.path as agency_path']);
}

type GrantRow = Awaited<ReturnType<ReturnType<typeof grantQuery>['executeTakeFirstOrThrow']>>;

const isActive = (g: GrantRow, today: string) => g.revoked_at === null && g.valid_from <= today && (g.valid_to === null || g.valid_to >= today);

export function presentGrant(g: GrantRow, today: string): Grant {
  return {
    id: g.id,
    role: g.role as Role,
    agencyCode: g.agency_code,
    agencyName: g.agency_name,
    agencyLevel: g.agency_level as Grant['agencyLevel'],
    validFrom: g.valid_from,
    validTo: g.valid_to,
    revokedAt: g.revoked_at,
    active: isActive(g, today),
  };
}

/** Grants in force on `today` (yyyy-mm-dd, Vietnam): not revoked, inside their validity period. */
export async function activeGrants(db: Conn, accountId: number, today: string): Promise<{ grant: Grant; active: ActiveGrant }[]> {
  const rows = await grantQuery(db)
    .where('g.account_id', '=', accountId)
    .where('g.revoked_at', 'is', null)
    .where('g.valid_from', '<=', today)
    .where((w) => w.or([w('g.valid_to', 'is', null), w('g.valid_to', '>=', today)]))
    .orderBy('g.id')
    .execute();
  return rows.map((g) => ({ grant: presentGrant(g, today), active: { id: g.id, role: g.role as Role, agencyId: g.agency_id, agencyPath: g.agency_path } }));
}

export async function grantsOf(db: Conn, accountIds: number[], today: string): Promise<Map<number, Grant[]>> {
  const map = new Map<number, Grant[]>();
  if (accountIds.length === 0) return map;
  const rows = await grantQuery(db).where('g.account_id', 'in', accountIds).orderBy('g.id').execute();
  for (const g of rows) map.set(g.account_id, [...(map.get(g.account_id) ?? []), presentGrant(g, today)]);
  return map;
}

export async function findGrant(db: Conn, id: number) {
  return grantQuery(db).where('g.id', '=', id).executeTakeFirst();
}

export async function insertGrant(db: Conn, g: { accountId: number; role: Role; agencyId: number; validFrom: string; validTo: string | null; grantedBy: number | null }, now: string) {
  const row = await db
    .insertInto('role_grants')
    .values({ account_id: g.accountId, role: g.role, agency_id: g.agencyId, valid_from: g.validFrom, valid_to: g.validTo, granted_by: g.grantedBy, created_at: now, revoked_at: null, revoked_by: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function revokeGrant(db: Conn, id: number, by: number, now: string) {
  await db.updateTable('role_grants').set({ revoked_at: now, revoked_by: by }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

/** An officer is in a scope if any of their grants (active or not) sits under one of the paths. */
export async function listOfficersInScope(db: Db, scope: string[], agencyPath: string | undefined) {
  if (scope.length === 0) return [];
  return db
    .selectFrom('accounts as a')
    .select(['a.id', 'a.email', 'a.full_name', 'a.phone', 'a.status'])
    .where('a.kind', '=', 'officer')
    .where((w) =>
      w.exists(
        w
          .selectFrom('role_grants as g')
          .innerJoin('agencies as ag', 'ag.id', 'g.agency_id')
          .whereRef('g.account_id', '=', 'a.id')
          .where((x) => x.or(scope.map((p) => x('ag.path', 'like', `${p}%`))))
          .$if(agencyPath !== undefined, (q) => q.where('ag.path', 'like', `${agencyPath}%`))
          .select('g.id'),
      ),
    )
    .orderBy('a.full_name')
    .limit(500)
    .execute();
}

/** Paths of the agencies of an officer's grants (to decide whether the caller's scope covers the officer). */
export async function officerAgencyPaths(db: Conn, accountId: number): Promise<string[]> {
  const rows = await db.selectFrom('role_grants as g').innerJoin('agencies as ag', 'ag.id', 'g.agency_id').select('ag.path').where('g.account_id', '=', accountId).execute();
  return rows.map((r) => r.path);
}

export async function findAgencyByCode(db: Conn, code: string) {
  return db.selectFrom('agencies').select(['id', 'code', 'path', 'name', 'short_name']).where('code', '=', code).executeTakeFirst();
}

// ---------- access log ----------

export async function insertAccess(
  db: Conn,
  e: { at: string; actorId: number; actorAgencyId: number | null; subjectAccountId: number | null; action: string; resourceType: string; resourceId: string; purpose: string; ip: string | null },
) {
  await db
    .insertInto('access_log')
    .values({ at: e.at, actor_id: e.actorId, actor_agency_id: e.actorAgencyId, subject_account_id: e.subjectAccountId, action: e.action, resource_type: e.resourceType, resource_id: e.resourceId, purpose: e.purpose, ip: e.ip })
    .execute();
}

export async function listAccess(db: Db, filter: { subjectAccountId?: number; actorScope?: string[] }, limit = 200) {
  let q = db
    .selectFrom('access_log as l')
    .innerJoin('accounts as a', 'a.id', 'l.actor_id')
    .leftJoin('agencies as ag', 'ag.id', 'l.actor_agency_id')
    .select(['l.id', 'l.at', 'a.full_name as actor_name', 'ag.name as actor_agency', 'l.action', 'l.resource_type', 'l.resource_id', 'l.purpose']);
  if (filter.subjectAccountId !== undefined) q = q.where('l.subject_account_id', '=', filter.subjectAccountId);
  if (filter.actorScope) {
    const scope = filter.actorScope;
    if (scope.length === 0) return [];
    q = q.where((w) => w.or(scope.map((p) => w('ag.path', 'like', `${p}%`))));
  }
  const rows = await q.orderBy('l.id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, at: r.at, actorName: r.actor_name, actorAgency: r.actor_agency, action: r.action, resourceType: r.resource_type, resourceId: r.resource_id, purpose: r.purpose }));
}

// ---------- delegations ----------

function delegationQuery(db: Conn) {
  return db
    .selectFrom('delegations as d')
    .innerJoin('accounts as b', 'b.id', 'd.business_id')
    .innerJoin('accounts as p', 'p.id', 'd.person_id')
    .select(['d.id', 'd.granted_at', 'd.business_id', 'b.full_name as business_name', 'b.tax_code as business_tax_code', 'd.person_id', 'p.full_name as person_name', 'p.email as person_email'])
    .where('d.revoked_at', 'is', null);
}

type DelegationRow = Awaited<ReturnType<ReturnType<typeof delegationQuery>['executeTakeFirstOrThrow']>>;

export function presentDelegation(d: DelegationRow) {
  return {
    id: d.id,
    business: { id: d.business_id, fullName: d.business_name, taxCode: d.business_tax_code },
    person: { id: d.person_id, fullName: d.person_name, email: d.person_email },
    grantedAt: d.granted_at,
  };
}

export async function listDelegations(db: Conn, accountId: number) {
  const rows = await delegationQuery(db)
    .where((w) => w.or([w('d.business_id', '=', accountId), w('d.person_id', '=', accountId)]))
    .orderBy('d.id')
    .execute();
  return rows.map(presentDelegation);
}

export async function findDelegation(db: Conn, id: number) {
  return delegationQuery(db).where('d.id', '=', id).executeTakeFirst();
}

export async function findActiveDelegation(db: Conn, businessId: number, personId: number) {
  return delegationQuery(db).where('d.business_id', '=', businessId).where('d.person_id', '=', personId).executeTakeFirst();
}

export async function insertDelegation(db: Conn, businessId: number, personId: number, now: string) {
  const row = await db.insertInto('delegations').values({ business_id: businessId, person_id: personId, granted_at: now, revoked_at: null }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function revokeDelegation(db: Conn, id: number, now: string) {
  await db.updateTable('delegations').set({ revoked_at: now }).where('id', '=', id).execute();
  // sessions acting for the business through this delegation fall back to the person
  const d = await db.selectFrom('delegations').select(['business_id', 'person_id']).where('id', '=', id).executeTakeFirst();
  if (d) await db.updateTable('sessions').set({ acting_for: null }).where('account_id', '=', d.person_id).where('acting_for', '=', d.business_id).execute();
}

export async function searchApplicants(db: Db, q: string) {
  const term = q.trim().toLowerCase();
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('kind', 'in', ['citizen', 'business'])
    .where((w) => w.or([w('citizen_id', '=', term), w('tax_code', '=', term), w('email', '=', term), w(sql`lower(full_name)`, 'like', `%${term}%`)]))
    .orderBy('full_name')
    .limit(20)
    .execute();
}
