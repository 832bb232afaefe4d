// The applicant's data store (kho dữ liệu, #7): every document an applicant uploaded with a
// dossier (or added by hand) and every result returned to them, with its evidence type, issuer,
// date and validity — reusable in a later dossier with the applicant's consent.
import type { Transaction } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { findEvidenceType, findEvidenceTypeOfProcedure, type RegistryName } from '../catalog/evidence.js';
import { findVersionInForce } from '../catalog/store.js';
import { vnDate } from '../lib/dates.js';
import { Invalid, NotFound } from '../lib/errors.js';
import { isSubjectOf } from '../registries/store.js';

type Tx = Transaction<Database>;
type Reader = Db | Tx;

export const UNUSABLE_REASONS = ['expired', 'revoked', 'superseded', 'cancelled'] as const;
export type UnusableReason = (typeof UNUSABLE_REASONS)[number];

/** Whether a stored item may be cited in a new dossier: not past its validity, its e-result (if any) still valid. */
export function usability(item: { validUntil: string | null; eResultStatus: string | null; eResultValidUntil?: string | null }, today: string): { usable: boolean; unusableReason?: UnusableReason } {
  const status = item.eResultStatus;
  if (status === 'revoked' || status === 'superseded' || status === 'cancelled') return { usable: false, unusableReason: status };
  for (const until of [item.validUntil, item.eResultValidUntil ?? null]) if (until && until.slice(0, 10) < today) return { usable: false, unusableReason: 'expired' };
  return { usable: true };
}

/** A registry key shown to its owner without spelling it out: 0790****1234. */
export function maskKey(key: string): string {
  if (key.length <= 6) return '*'.repeat(key.length);
  return `${key.slice(0, 4)}${'*'.repeat(Math.max(2, key.length - 8))}${key.slice(-4)}`;
}

function itemQuery(db: Reader) {
  return db
    .selectFrom('data_store_items as i')
    .leftJoin('evidence_types as t', 't.code', 'i.evidence_type')
    .leftJoin('e_results as r', 'r.id', 'i.e_result_id')
    .leftJoin('agencies as a', 'a.id', 'i.issuer_agency_id')
    .select([
      'i.id', 'i.owner_account_id', 'i.title', 'i.evidence_type', 't.name as evidence_type_name', 'i.issuer_name', 'a.name as issuer_agency_name', 'i.issued_on', 'i.valid_until',
      'i.source', 'i.sha256', 'i.filename', 'i.media_type', 'i.size', 'i.created_at', 'i.removed_at', 'i.e_result_id', 'r.serial as e_result_serial', 'r.status as e_result_status', 'r.valid_until as e_result_valid_until',
    ]);
}
type ItemRow = Awaited<ReturnType<ReturnType<typeof itemQuery>['executeTakeFirstOrThrow']>>;

export interface StoreItem {
  id: number;
  title: string;
  evidenceType: string | null;
  evidenceTypeName: string | null;
  issuerName: string | null;
  issuedOn: string | null;
  validUntil: string | null;
  source: string;
  eResult?: { serial: string; status: string };
  usable: boolean;
  unusableReason?: UnusableReason;
  mediaType: string;
  size: number;
  createdAt: string;
}

function present(r: ItemRow, today: string): StoreItem {
  const u = usability({ validUntil: r.valid_until, eResultStatus: r.e_result_status, eResultValidUntil: r.e_result_valid_until }, today);
  return {
    id: r.id,
    title: r.title,
    evidenceType: r.evidence_type,
    evidenceTypeName: r.evidence_type_name,
    issuerName: r.issuer_name ?? r.issuer_agency_name,
    issuedOn: r.issued_on,
    validUntil: r.valid_until ?? (r.e_result_valid_until ? r.e_result_valid_until.slice(0, 10) : null),
    source: r.source,
    ...(r.e_result_serial && r.e_result_status ? { eResult: { serial: r.e_result_serial, status: r.e_result_status } } : {}),
    usable: u.usable,
    ...(u.unusableReason ? { unusableReason: u.unusableReason } : {}),
    mediaType: r.media_type,
    size: r.size,
    createdAt: r.created_at,
  };
}

/** The owner's items (not removed), newest first. */
export async function listStoreItems(db: Reader, ownerId: number, now: Date): Promise<StoreItem[]> {
  const rows = await itemQuery(db).where('i.owner_account_id', '=', ownerId).where('i.removed_at', 'is', null).orderBy('i.created_at', 'desc').orderBy('i.id', 'desc').limit(1000).execute();
  return rows.map((r) => present(r, vnDate(now)));
}

/** One of the owner's items (not removed), or undefined: another owner's item does not exist for the caller. */
export async function findStoreItem(db: Reader, ownerId: number, id: number) {
  return itemQuery(db).where('i.id', '=', id).where('i.owner_account_id', '=', ownerId).where('i.removed_at', 'is', null).executeTakeFirst();
}

export async function getStoreItem(db: Reader, ownerId: number, id: number, now: Date): Promise<StoreItem> {
  const r = await findStoreItem(db, ownerId, id);
  if (!r) throw new NotFound(`store item ${id} not found`);
  return present(r, vnDate(now));
}

export interface NewStoreItem {
  upload: string;
  evidenceType?: string | undefined;
  title: string;
  issuerName?: string | undefined;
  issuedOn?: string | undefined;
  validUntil?: string | undefined;
}

/** Adds an upload of the uploader's to the owner's store (the owner is the business the uploader acts for, or the uploader). */
export async function addStoreItem(db: Db, uploaderId: number, ownerId: number, input: NewStoreItem, now: Date): Promise<StoreItem> {
  const u = await db.selectFrom('uploads').selectAll().where('id', '=', input.upload).where('owner_account_id', '=', uploaderId).executeTakeFirst();
  if (!u) throw new Invalid(`upload ${input.upload} not found`, 'upload', undefined, 'upload_not_found');
  if (input.evidenceType !== undefined && !(await findEvidenceType(db, input.evidenceType))) throw new Invalid(`unknown evidence type ${input.evidenceType}`, 'evidenceType', undefined, 'unknown_evidence_type');
  if (input.issuedOn && input.validUntil && input.validUntil < input.issuedOn) throw new Invalid('the validity ends before the issue date', 'validUntil', undefined, 'validity_before_issue');
  if (input.issuedOn && input.issuedOn > vnDate(now)) throw new Invalid('the issue date is in the future', 'issuedOn', undefined, 'issued_in_future');
  const row = await db
    .insertInto('data_store_items')
    .values({
      owner_account_id: ownerId, evidence_type: input.evidenceType ?? null, title: input.title.trim(), issuer_agency_id: null, issuer_name: input.issuerName?.trim() || null,
      issued_on: input.issuedOn ?? null, valid_until: input.validUntil ?? null, sha256: u.sha256, filename: u.filename, media_type: u.media_type, size: u.size,
      source: 'upload', e_result_id: null, origin_dossier_id: null, created_at: now.toISOString(), removed_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return getStoreItem(db, ownerId, row.id, now);
}

/** Removes an item from the store; dossiers that already cite it keep their copy. */
export async function removeStoreItem(db: Db, ownerId: number, id: number, now: Date): Promise<void> {
  const r = await db.updateTable('data_store_items').set({ removed_at: now.toISOString() }).where('id', '=', id).where('owner_account_id', '=', ownerId).where('removed_at', 'is', null).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new NotFound(`store item ${id} not found`);
}

export interface StoreOption {
  requirement: string;
  name: string;
  evidenceType?: string;
  evidenceTypeName?: string;
  storeItems: { id: number; title: string; issuerName: string | null; issuedOn: string | null; validUntil: string | null; usable: boolean; unusableReason?: UnusableReason }[];
  registry?: { name: RegistryName; available: boolean; subjectKeyMasked: string | null };
}

/** For each document of the procedure in force: the owner's items that can satisfy it, and whether a registry can. */
export async function storeOptions(db: Db, ownerId: number, nationalCode: string, now: Date): Promise<{ documents: StoreOption[] }> {
  const v = await findVersionInForce(db, nationalCode, vnDate(now));
  if (!v) throw new NotFound(`procedure ${nationalCode} is not in force`);
  const account = await db.selectFrom('accounts').select(['citizen_id', 'tax_code', 'full_name', 'date_of_birth', 'oidc_subject']).where('id', '=', ownerId).executeTakeFirst();
  const items = await listStoreItems(db, ownerId, now);
  const documents: StoreOption[] = [];
  for (const d of v.documents) {
    const type = d.evidenceType ? await findEvidenceType(db, d.evidenceType) : undefined;
    const matching = d.evidenceType ? items.filter((i) => i.evidenceType === d.evidenceType) : d.fromDataStore ? items.filter((i) => i.evidenceType === null) : [];
    const option: StoreOption = {
      requirement: d.code,
      name: d.name,
      storeItems: matching.map((i) => ({ id: i.id, title: i.title, issuerName: i.issuerName, issuedOn: i.issuedOn, validUntil: i.validUntil, usable: i.usable, ...(i.unusableReason ? { unusableReason: i.unusableReason } : {}) })),
    };
    if (type) {
      option.evidenceType = type.code;
      option.evidenceTypeName = type.name;
      if (type.registry) {
        const key = registryKeyOf(type.registry, account ?? { citizen_id: null, tax_code: null });
        // only the proven holder of the number may have the agency fetch it (see isSubjectOf)
        const proven = key !== null && account !== undefined && (await isSubjectOf(db, account, type.registry, key));
        option.registry = { name: type.registry, available: proven, subjectKeyMasked: key ? maskKey(key) : null };
      }
    }
    documents.push(option);
  }
  return { documents };
}

/** The key under which a registry holds the applicant: the CCCD for citizens, the tax code (MST) for businesses. */
export function registryKeyOf(registry: RegistryName, a: { citizen_id?: string | null; tax_code?: string | null; citizenId?: string | null; taxCode?: string | null }): string | null {
  return registry === 'citizens' ? (a.citizen_id ?? a.citizenId ?? null) : (a.tax_code ?? a.taxCode ?? null);
}

/** Files the applicant attached to a dossier join their store (de-duplicated by content). */
export async function addUploadsToStore(tx: Tx, ownerId: number, files: { sha256: string; filename: string; mediaType: string; size: number; evidenceType: string | null; title: string }[], originDossierId: number, now: Date): Promise<void> {
  for (const f of files) {
    const exists = await tx.selectFrom('data_store_items').select('id').where('owner_account_id', '=', ownerId).where('sha256', '=', f.sha256).where('removed_at', 'is', null).executeTakeFirst();
    if (exists) continue;
    await tx
      .insertInto('data_store_items')
      .values({
        owner_account_id: ownerId, evidence_type: f.evidenceType, title: f.title.slice(0, 300), issuer_agency_id: null, issuer_name: null, issued_on: null, valid_until: null,
        sha256: f.sha256, filename: f.filename, media_type: f.mediaType, size: f.size, source: 'upload', e_result_id: null, origin_dossier_id: originDossierId, created_at: now.toISOString(), removed_at: null,
      })
      .execute();
  }
}

/**
 * The dossier's results join the holder's store when they are returned, with their e-result's
 * metadata (evidence type, issuing agency, issue date, validity). Idempotent.
 */
export async function addResultsToStore(tx: Tx, dossierId: number, now: Date): Promise<number> {
  const d = await tx
    .selectFrom('dossiers as d')
    .innerJoin('procedure_versions as pv', 'pv.id', 'd.procedure_version_id')
    .innerJoin('procedures as p', 'p.id', 'pv.procedure_id')
    .select(['d.id', 'd.applicant_account_id', 'd.receiving_agency_id', 'pv.name', 'pv.content', 'p.national_code'])
    .where('d.id', '=', dossierId)
    .executeTakeFirst();
  if (!d || d.applicant_account_id === null) return 0;
  const docs = await tx
    .selectFrom('dossier_documents as dd')
    .leftJoin('e_results as r', 'r.id', 'dd.e_result_id')
    .leftJoin('dossier_events as e', (j) => j.onRef('e.dossier_id', '=', 'dd.dossier_id').onRef('e.seq', '=', 'dd.event_seq'))
    .select(['dd.id', 'dd.sha256', 'dd.filename', 'dd.media_type', 'dd.size', 'dd.e_result_id', 'r.evidence_type', 'r.title', 'r.issuer_agency_id', 'r.issued_at', 'r.valid_until', 'e.agency_id as event_agency_id', 'e.at as event_at'])
    .where('dd.dossier_id', '=', dossierId)
    .where('dd.source', '=', 'result')
    .execute();
  if (docs.length === 0) return 0;
  const procedureType = await findEvidenceTypeOfProcedure(tx, d.national_code);
  const resultType = (JSON.parse(d.content) as { resultType?: string }).resultType;
  let added = 0;
  for (const doc of docs) {
    if (!doc.sha256) continue;
    const already = await tx.selectFrom('data_store_items').select('id').where('owner_account_id', '=', d.applicant_account_id).where('sha256', '=', doc.sha256).where('source', '=', 'result').executeTakeFirst();
    if (already) continue;
    const issuerId = doc.issuer_agency_id ?? doc.event_agency_id ?? d.receiving_agency_id;
    const issuer = await tx.selectFrom('agencies').select('name').where('id', '=', issuerId).executeTakeFirst();
    const evidenceType = doc.e_result_id !== null ? doc.evidence_type : procedureType?.relation === 'issue' ? procedureType.type.code : null;
    await tx
      .insertInto('data_store_items')
      .values({
        owner_account_id: d.applicant_account_id, evidence_type: evidenceType, title: (doc.title ?? resultType ?? `Kết quả: ${d.name}`).slice(0, 300), issuer_agency_id: issuerId, issuer_name: issuer?.name ?? null,
        issued_on: doc.issued_at ? vnDate(new Date(doc.issued_at)) : doc.event_at ? vnDate(new Date(doc.event_at)) : null, valid_until: doc.valid_until ? doc.valid_until.slice(0, 10) : null,
        sha256: doc.sha256, filename: doc.filename ?? `ket-qua-${doc.id}.pdf`, media_type: doc.media_type ?? 'application/pdf', size: doc.size ?? 0, source: 'result', e_result_id: doc.e_result_id, origin_dossier_id: d.id,
        created_at: now.toISOString(), removed_at: null,
      })
      .execute();
    added++;
  }
  return added;
}
