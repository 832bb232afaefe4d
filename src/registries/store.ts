// All SQL of the shared registries (citizens, businesses): records and their history, imports
// (all or nothing), records written from e-results, and purpose-bound lookups logged for the
// data subject. Personal data never goes to the application log from here.
import type { Transaction } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { foldVietnamese, searchTerms } from '../lib/vn-text.js';
import { type BusinessRecord, type CitizenRecord, parseGender, parseRegistryDate, type RegistryKind, type RowProblem } from './rows.js';

type Tx = Transaction<Database>;
type Conn = Db | Tx;

export type { RegistryKind } from './rows.js';

export interface CitizenRow extends CitizenRecord {
  status: string;
  source: string;
  sourceRef: string | null;
  createdAt: string;
  updatedAt: string;
}
export interface BusinessRow extends BusinessRecord {
  source: string;
  sourceRef: string | null;
  createdAt: string;
  updatedAt: string;
}
export type RegistryRow = CitizenRow | BusinessRow;

export interface HistoryEntry {
  change: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
  source: string;
  sourceRef: string | null;
  byName: string | null;
  at: string;
}

const CHUNK = 500;
const iso = (d: Date) => d.toISOString();

// ───────────────────────────── row mapping ─────────────────────────────

type CitizenDb = Database['registry_citizens'];
type BusinessDb = Database['registry_businesses'];

function citizenFromDb(r: CitizenDb): CitizenRow {
  return {
    citizenId: r.citizen_id, fullName: r.full_name, birthDate: r.birth_date, gender: r.gender as CitizenRecord['gender'],
    permanentAddress: r.permanent_address, householdCode: r.household_code, status: r.status,
    source: r.source, sourceRef: r.source_ref, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}
function businessFromDb(r: BusinessDb): BusinessRow {
  return {
    enterpriseCode: r.enterprise_code, name: r.name, address: r.address, legalRepresentative: r.legal_representative,
    legalRepresentativeId: r.legal_representative_id, status: r.status as BusinessRecord['status'], registeredOn: r.registered_on,
    source: r.source, sourceRef: r.source_ref, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/** The columns of a record that history compares (DB names). */
const CITIZEN_DATA = ['full_name', 'birth_date', 'gender', 'permanent_address', 'household_code', 'status'] as const;
const BUSINESS_DATA = ['name', 'address', 'legal_representative', 'legal_representative_id', 'status', 'registered_on'] as const;

// ───────────────────────────── reads ─────────────────────────────

export interface ListOptions {
  q?: string | undefined;
  page: number;
  pageSize: number;
}

export async function listRecords(db: Conn, registry: RegistryKind, opts: ListOptions): Promise<{ items: RegistryRow[]; total: number; page: number; pageSize: number }> {
  const terms = searchTerms(opts.q ?? '');
  const offset = (opts.page - 1) * opts.pageSize;
  const keyLike = (opts.q ?? '').replace(/\s+/g, '');
  if (registry === 'citizens') {
    let q = db.selectFrom('registry_citizens');
    if (terms.length > 0)
      q = q.where((eb) => eb.or([eb.and(terms.map((t) => eb('name_folded', 'like', `%${t}%`))), ...(/^[0-9-]+$/.test(keyLike) ? [eb('citizen_id', 'like', `${keyLike}%`)] : [])]));
    const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await q.selectAll().orderBy('name_folded').orderBy('citizen_id').limit(opts.pageSize).offset(offset).execute();
    return { items: rows.map(citizenFromDb), total, page: opts.page, pageSize: opts.pageSize };
  }
  let q = db.selectFrom('registry_businesses');
  if (terms.length > 0)
    q = q.where((eb) => eb.or([eb.and(terms.map((t) => eb('name_folded', 'like', `%${t}%`))), ...(/^[0-9-]+$/.test(keyLike) ? [eb('enterprise_code', 'like', `${keyLike}%`)] : [])]));
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await q.selectAll().orderBy('name_folded').orderBy('enterprise_code').limit(opts.pageSize).offset(offset).execute();
  return { items: rows.map(businessFromDb), total, page: opts.page, pageSize: opts.pageSize };
}

export async function findRecord(db: Conn, registry: RegistryKind, key: string): Promise<RegistryRow | undefined> {
  if (registry === 'citizens') {
    const r = await db.selectFrom('registry_citizens').selectAll().where('citizen_id', '=', key).executeTakeFirst();
    return r && citizenFromDb(r);
  }
  const r = await db.selectFrom('registry_businesses').selectAll().where('enterprise_code', '=', key).executeTakeFirst();
  return r && businessFromDb(r);
}

export async function recordHistory(db: Conn, registry: RegistryKind, key: string): Promise<HistoryEntry[]> {
  const rows = await db
    .selectFrom('registry_history as h')
    .leftJoin('accounts as a', 'a.id', 'h.by_account_id')
    .select(['h.change', 'h.before', 'h.after', 'h.source', 'h.source_ref', 'h.at', 'a.full_name'])
    .where('h.registry', '=', registry)
    .where('h.subject_key', '=', key)
    .orderBy('h.id')
    .execute();
  return rows.map((r) => ({
    change: r.change,
    before: r.before ? (JSON.parse(r.before) as Record<string, unknown>) : null,
    after: JSON.parse(r.after) as Record<string, unknown>,
    source: r.source,
    sourceRef: r.source_ref,
    byName: r.full_name,
    at: r.at,
  }));
}

/** Which of these keys are already in the registry. */
export async function existingKeys(db: Conn, registry: RegistryKind, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const part = unique.slice(i, i + CHUNK);
    if (registry === 'citizens') {
      for (const r of await db.selectFrom('registry_citizens').select('citizen_id as k').where('citizen_id', 'in', part).execute()) found.add(r.k);
    } else {
      for (const r of await db.selectFrom('registry_businesses').select('enterprise_code as k').where('enterprise_code', 'in', part).execute()) found.add(r.k);
    }
  }
  return found;
}

export async function countRecords(db: Conn, registry: RegistryKind): Promise<number> {
  const table = registry === 'citizens' ? 'registry_citizens' : 'registry_businesses';
  return Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
}

// ───────────────────────────── writes ─────────────────────────────

function citizenValues(r: CitizenRecord) {
  return {
    full_name: r.fullName, name_folded: foldVietnamese(r.fullName), birth_date: r.birthDate, gender: r.gender,
    permanent_address: r.permanentAddress, household_code: r.householdCode,
  };
}
function businessValues(r: BusinessRecord) {
  return {
    name: r.name, name_folded: foldVietnamese(r.name), address: r.address, legal_representative: r.legalRepresentative,
    legal_representative_id: r.legalRepresentativeId, status: r.status, registered_on: r.registeredOn,
  };
}

function pick(row: Record<string, unknown>, cols: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(cols.map((c) => [c, row[c] ?? null]));
}

/** Inserts validated import rows (keys known to be new) with their 'created' history, in the caller's transaction. */
export async function insertImportedRows(tx: Tx, registry: RegistryKind, records: (CitizenRecord | BusinessRecord)[], importId: number, actorId: number, now: Date): Promise<void> {
  const at = iso(now);
  const ref = String(importId);
  for (let i = 0; i < records.length; i += 200) {
    const part = records.slice(i, i + 200);
    if (registry === 'citizens') {
      const rows = (part as CitizenRecord[]).map((r) => ({ citizen_id: r.citizenId, ...citizenValues(r), status: 'active', source: 'import', source_ref: ref, created_at: at, updated_at: at }));
      await tx.insertInto('registry_citizens').values(rows).execute();
      await tx.insertInto('registry_history').values(rows.map((r) => ({ registry, subject_key: r.citizen_id, change: 'created', before: null, after: JSON.stringify(pick(r, CITIZEN_DATA)), source: 'import', source_ref: ref, by_account_id: actorId, at }))).execute();
    } else {
      const rows = (part as BusinessRecord[]).map((r) => ({ enterprise_code: r.enterpriseCode, ...businessValues(r), source: 'import', source_ref: ref, created_at: at, updated_at: at }));
      await tx.insertInto('registry_businesses').values(rows).execute();
      await tx.insertInto('registry_history').values(rows.map((r) => ({ registry, subject_key: r.enterprise_code, change: 'created', before: null, after: JSON.stringify(pick(r, BUSINESS_DATA)), source: 'import', source_ref: ref, by_account_id: actorId, at }))).execute();
    }
  }
}

const nonEmpty = (v: string | undefined): string | undefined => {
  const t = v?.normalize('NFC').trim();
  return t ? t : undefined;
};

/**
 * Writes what an issued e-result says into the registry (H1 calls it in the issuing transaction).
 * `values` are keyed by registry column (`registryColumn` of the evidence type's fields): citizens
 * `citizen_id, full_name, birth_date, gender, permanent_address, household_code, status`; businesses
 * `enterprise_code, name, address, legal_representative, legal_representative_id, status, registered_on`.
 * Upsert by key: a new record → history 'created'; changed columns → 'updated' (or 'status' when only
 * the status changed) with before/after; nothing changed → nothing written. Without a key, or a new
 * record without its required columns (citizens: name, birth date, gender; businesses: name), nothing
 * is written (a cancellation of an unknown record has nothing to cancel).
 */
export async function recordFromResult(tx: Tx, registry: 'citizens' | 'businesses', values: Record<string, string>, ref: { serial: string; actorId: number | null; now: Date }): Promise<void> {
  const at = iso(ref.now);
  const v = (k: string) => nonEmpty(values[k]);
  if (registry === 'citizens') {
    const key = v('citizen_id')?.replace(/\s+/g, '');
    if (!key) return;
    const birth = v('birth_date');
    const gender = v('gender');
    const fullName = v('full_name');
    const patch: Partial<Record<(typeof CITIZEN_DATA)[number] | 'name_folded', string>> = {};
    if (fullName) Object.assign(patch, { full_name: fullName, name_folded: foldVietnamese(fullName) });
    if (birth && parseRegistryDate(birth)) patch.birth_date = parseRegistryDate(birth)!;
    if (gender && parseGender(gender)) patch.gender = parseGender(gender)!;
    for (const c of ['permanent_address', 'household_code'] as const) if (v(c)) patch[c] = v(c)!;
    const status = v('status');
    if (status === 'active' || status === 'deceased') patch.status = status;
    const existing = await tx.selectFrom('registry_citizens').selectAll().where('citizen_id', '=', key).executeTakeFirst();
    if (!existing) {
      if (!patch.full_name || !patch.birth_date || !patch.gender) return;
      const row = {
        citizen_id: key, full_name: patch.full_name, name_folded: patch.name_folded!, birth_date: patch.birth_date, gender: patch.gender,
        permanent_address: patch.permanent_address ?? null, household_code: patch.household_code ?? null, status: patch.status ?? 'active',
        source: 'result', source_ref: ref.serial, created_at: at, updated_at: at,
      };
      const inserted = await tx.insertInto('registry_citizens').values(row).onConflict((oc) => oc.column('citizen_id').doNothing()).executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) {
        await tx.insertInto('registry_history').values({ registry, subject_key: key, change: 'created', before: null, after: JSON.stringify(pick(row, CITIZEN_DATA)), source: 'result', source_ref: ref.serial, by_account_id: ref.actorId, at }).execute();
        return;
      }
      // another transaction created it meanwhile: fall through to an update of that record
      return recordFromResult(tx, registry, values, ref);
    }
    await applyChanges(tx, registry, key, existing as unknown as Record<string, unknown>, patch, CITIZEN_DATA, ref, at);
    return;
  }
  const key = v('enterprise_code')?.replace(/\s+/g, '');
  if (!key) return;
  const patch: Partial<Record<(typeof BUSINESS_DATA)[number] | 'name_folded', string>> = {};
  const name = v('name');
  if (name) Object.assign(patch, { name, name_folded: foldVietnamese(name) });
  for (const c of ['address', 'legal_representative', 'legal_representative_id'] as const) if (v(c)) patch[c] = v(c)!;
  const reg = v('registered_on');
  if (reg && parseRegistryDate(reg)) patch.registered_on = parseRegistryDate(reg)!;
  const status = v('status');
  if (status === 'active' || status === 'suspended' || status === 'dissolved') patch.status = status;
  const existing = await tx.selectFrom('registry_businesses').selectAll().where('enterprise_code', '=', key).executeTakeFirst();
  if (!existing) {
    if (!patch.name) return;
    const row = {
      enterprise_code: key, name: patch.name, name_folded: patch.name_folded!, address: patch.address ?? '', legal_representative: patch.legal_representative ?? '',
      legal_representative_id: patch.legal_representative_id ?? null, status: patch.status ?? 'active', registered_on: patch.registered_on ?? at.slice(0, 10),
      source: 'result', source_ref: ref.serial, created_at: at, updated_at: at,
    };
    const inserted = await tx.insertInto('registry_businesses').values(row).onConflict((oc) => oc.column('enterprise_code').doNothing()).executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) {
      await tx.insertInto('registry_history').values({ registry, subject_key: key, change: 'created', before: null, after: JSON.stringify(pick(row, BUSINESS_DATA)), source: 'result', source_ref: ref.serial, by_account_id: ref.actorId, at }).execute();
      return;
    }
    return recordFromResult(tx, registry, values, ref);
  }
  await applyChanges(tx, registry, key, existing as unknown as Record<string, unknown>, patch, BUSINESS_DATA, ref, at);
}

async function applyChanges(tx: Tx, registry: RegistryKind, key: string, existing: Record<string, unknown>, patch: Record<string, string | undefined>, cols: readonly string[], ref: { serial: string; actorId: number | null }, at: string): Promise<void> {
  const changed = cols.filter((c) => patch[c] !== undefined && patch[c] !== existing[c]);
  if (changed.length === 0) return;
  const before = Object.fromEntries(changed.map((c) => [c, existing[c] ?? null]));
  const after = Object.fromEntries(changed.map((c) => [c, patch[c]]));
  const set: Record<string, string | null> = { ...after as Record<string, string>, source: 'result', source_ref: ref.serial, updated_at: at };
  if (changed.includes('full_name') || changed.includes('name')) set.name_folded = patch.name_folded ?? null;
  if (registry === 'citizens') await tx.updateTable('registry_citizens').set(set).where('citizen_id', '=', key).execute();
  else await tx.updateTable('registry_businesses').set(set).where('enterprise_code', '=', key).execute();
  const change = changed.length === 1 && changed[0] === 'status' ? 'status' : 'updated';
  await tx.insertInto('registry_history').values({ registry, subject_key: key, change, before: JSON.stringify(before), after: JSON.stringify(after), source: 'result', source_ref: ref.serial, by_account_id: ref.actorId, at }).execute();
}

/** Upserts demo records (seed): inserts the missing ones with 'created' history, leaves existing ones alone. */
export async function seedRecords(tx: Tx, registry: RegistryKind, records: (CitizenRecord | BusinessRecord)[], now: Date): Promise<number> {
  const keys = records.map((r) => ('citizenId' in r ? r.citizenId : r.enterpriseCode));
  const have = await existingKeys(tx, registry, keys);
  const fresh = records.filter((_, i) => !have.has(keys[i]!));
  if (fresh.length === 0) return 0;
  const at = iso(now);
  for (const r of fresh) {
    if (registry === 'citizens') {
      const c = r as CitizenRecord;
      const row = { citizen_id: c.citizenId, ...citizenValues(c), status: 'active', source: 'import', source_ref: 'demo', created_at: at, updated_at: at };
      await tx.insertInto('registry_citizens').values(row).execute();
      await tx.insertInto('registry_history').values({ registry, subject_key: c.citizenId, change: 'created', before: null, after: JSON.stringify(pick(row, CITIZEN_DATA)), source: 'import', source_ref: 'demo', by_account_id: null, at }).execute();
    } else {
      const b = r as BusinessRecord;
      const row = { enterprise_code: b.enterpriseCode, ...businessValues(b), source: 'import', source_ref: 'demo', created_at: at, updated_at: at };
      await tx.insertInto('registry_businesses').values(row).execute();
      await tx.insertInto('registry_history').values({ registry, subject_key: b.enterpriseCode, change: 'created', before: null, after: JSON.stringify(pick(row, BUSINESS_DATA)), source: 'import', source_ref: 'demo', by_account_id: null, at }).execute();
    }
  }
  return fresh.length;
}

// ───────────────────────────── imports ─────────────────────────────

export interface RejectedRow {
  row: number;
  key?: string;
  errors: RowProblem[];
}
export interface ImportReport {
  rejected: RejectedRow[];
  /** why the whole file was refused (malformed), when it was */
  fileError?: { reason: string; message: string };
}
export interface ImportSummary {
  id: number;
  registry: RegistryKind;
  filename: string;
  format: string;
  total: number;
  accepted: number;
  rejected: number;
  status: 'applied' | 'rejected';
  byName: string | null;
  at: string;
}

export async function insertImport(tx: Conn, v: { registry: RegistryKind; filename: string; format: string; total: number; accepted: number; rejected: number; status: 'applied' | 'rejected'; report: ImportReport; actorId: number; now: Date }): Promise<number> {
  const r = await tx
    .insertInto('registry_imports')
    .values({ registry: v.registry, filename: v.filename.slice(0, 200), format: v.format, total_rows: v.total, accepted_rows: v.accepted, rejected_rows: v.rejected, status: v.status, report: JSON.stringify(v.report), by_account_id: v.actorId, at: iso(v.now) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function setImportCounts(tx: Tx, id: number, accepted: number): Promise<void> {
  await tx.updateTable('registry_imports').set({ accepted_rows: accepted }).where('id', '=', id).execute();
}

export async function listImports(db: Conn, opts: { registry?: RegistryKind | undefined; page: number; pageSize: number }): Promise<{ items: ImportSummary[]; total: number; page: number; pageSize: number }> {
  let q = db.selectFrom('registry_imports as i');
  if (opts.registry) q = q.where('i.registry', '=', opts.registry);
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await q
    .leftJoin('accounts as a', 'a.id', 'i.by_account_id')
    .select(['i.id', 'i.registry', 'i.filename', 'i.format', 'i.total_rows', 'i.accepted_rows', 'i.rejected_rows', 'i.status', 'i.at', 'a.full_name'])
    .orderBy('i.id', 'desc')
    .limit(opts.pageSize)
    .offset((opts.page - 1) * opts.pageSize)
    .execute();
  return { items: rows.map(importFromDb), total, page: opts.page, pageSize: opts.pageSize };
}

function importFromDb(r: { id: number; registry: string; filename: string; format: string; total_rows: number; accepted_rows: number; rejected_rows: number; status: string; at: string; full_name: string | null }): ImportSummary {
  return { id: r.id, registry: r.registry as RegistryKind, filename: r.filename, format: r.format, total: r.total_rows, accepted: r.accepted_rows, rejected: r.rejected_rows, status: r.status as ImportSummary['status'], byName: r.full_name, at: r.at };
}

export async function findImport(db: Conn, id: number): Promise<(ImportSummary & { report: ImportReport }) | undefined> {
  const r = await db
    .selectFrom('registry_imports as i')
    .leftJoin('accounts as a', 'a.id', 'i.by_account_id')
    .select(['i.id', 'i.registry', 'i.filename', 'i.format', 'i.total_rows', 'i.accepted_rows', 'i.rejected_rows', 'i.status', 'i.at', 'i.report', 'a.full_name'])
    .where('i.id', '=', id)
    .executeTakeFirst();
  return r && { ...importFromDb(r), report: JSON.parse(r.report) as ImportReport };
}

// ───────────────────────────── lookups ─────────────────────────────

/** The account whose CCCD (citizens) / tax code (businesses) is this key, if any. */
export async function subjectAccountOf(db: Conn, registry: RegistryKind, key: string): Promise<number | null> {
  const q = db.selectFrom('accounts').select('id');
  const r = await (registry === 'citizens' ? q.where('citizen_id', '=', key) : q.where('tax_code', '=', key)).orderBy('id').executeTakeFirst();
  return r?.id ?? null;
}

export async function recordLookup(db: Conn, v: { registry: RegistryKind; key: string; actorId: number; actorAgencyId: number | null; dossierId: number | null; purpose: string; found: boolean; now: Date }): Promise<void> {
  await db
    .insertInto('registry_lookups')
    .values({
      registry: v.registry, subject_key: v.key, subject_account_id: await subjectAccountOf(db, v.registry, v.key), actor_id: v.actorId,
      actor_agency_id: v.actorAgencyId, dossier_id: v.dossierId, purpose: v.purpose.slice(0, 300), found: v.found ? 1 : 0, at: iso(v.now),
    })
    .execute();
}

export interface LookupView {
  id: number;
  registry: RegistryKind;
  subjectKey: string;
  at: string;
  officerName: string;
  agencyName: string | null;
  dossierCode: string | null;
  purpose: string;
  found: boolean;
}

/** The keys whose lookups an account sees: its own CCCD / tax code, and those of the business it acts for. */
/**
 * The registry keys these accounts are the data subject of. Registering an account only checks a
 * CCCD's shape, not that it is the person's own, so a key counts only when the identity is proven:
 * the account came through the e-ID provider (OIDC), or the registry's record under that key
 * names the same person (folded full name and date of birth; a business: its folded name).
 * Otherwise anyone could read someone else's record by typing their CCCD into a new account.
 */
export async function subjectKeysOf(db: Conn, accountIds: number[]): Promise<{ registry: RegistryKind; key: string }[]> {
  if (accountIds.length === 0) return [];
  const rows = await db.selectFrom('accounts').select(['citizen_id', 'tax_code', 'full_name', 'date_of_birth', 'oidc_subject']).where('id', 'in', accountIds).execute();
  const out: { registry: RegistryKind; key: string }[] = [];
  for (const r of rows) {
    if (r.citizen_id && (await isSubjectOf(db, r, 'citizens', r.citizen_id))) out.push({ registry: 'citizens', key: r.citizen_id });
    if (r.tax_code && (await isSubjectOf(db, r, 'businesses', r.tax_code))) out.push({ registry: 'businesses', key: r.tax_code });
  }
  return out;
}

/** Whether an account is proven to be the person or business a registry holds under this key. */
export async function isSubjectOf(db: Conn, account: { full_name: string; date_of_birth: string | null; oidc_subject: string | null }, registry: RegistryKind, key: string): Promise<boolean> {
  if (account.oidc_subject && registry === 'citizens') return true;
  const norm = (folded: string) => folded.toLowerCase().replace(/\s+/g, ' ').trim();
  const name = norm(foldVietnamese(account.full_name));
  if (registry === 'citizens') {
    const r = await db.selectFrom('registry_citizens').select(['name_folded', 'birth_date']).where('citizen_id', '=', key).executeTakeFirst();
    return !!r && r.birth_date === account.date_of_birth && norm(r.name_folded) === name;
  }
  const r = await db.selectFrom('registry_businesses').select('name_folded').where('enterprise_code', '=', key).executeTakeFirst();
  return !!r && norm(r.name_folded) === name;
}

/** Every lookup of these subject keys (or recorded against these accounts), newest first. */
export async function lookupsOf(db: Conn, accountIds: number[], limit = 500): Promise<LookupView[]> {
  // only lookups of keys the accounts are proven to be the subject of (see subjectKeysOf)
  const keys = await subjectKeysOf(db, accountIds);
  if (keys.length === 0) return [];
  const rows = await db
    .selectFrom('registry_lookups as l')
    .innerJoin('accounts as o', 'o.id', 'l.actor_id')
    .leftJoin('agencies as g', 'g.id', 'l.actor_agency_id')
    .leftJoin('dossiers as d', 'd.id', 'l.dossier_id')
    .select(['l.id', 'l.registry', 'l.subject_key', 'l.at', 'l.purpose', 'l.found', 'o.full_name as officer', 'g.name as agency', 'd.code'])
    .where((eb) =>
      eb.or([
        ...keys.map((k) => eb.and([eb('l.registry', '=', k.registry), eb('l.subject_key', '=', k.key)])),
      ]),
    )
    .orderBy('l.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, registry: r.registry as RegistryKind, subjectKey: r.subject_key, at: r.at, officerName: r.officer, agencyName: r.agency, dossierCode: r.code, purpose: r.purpose, found: r.found === 1 }));
}

/** The registry records about these accounts (the citizen row of their CCCD, the business row of their tax code). */
export async function recordsOf(db: Conn, accountIds: number[]): Promise<{ registry: RegistryKind; record: RegistryRow; history: HistoryEntry[] }[]> {
  const out: { registry: RegistryKind; record: RegistryRow; history: HistoryEntry[] }[] = [];
  for (const k of await subjectKeysOf(db, accountIds)) {
    const record = await findRecord(db, k.registry, k.key);
    if (record) out.push({ registry: k.registry, record, history: await recordHistory(db, k.registry, k.key) });
  }
  return out;
}
