// Turning the documents of an application into dossier components (#7): an upload or scan, a
// paper checked at the desk, an item of the applicant's data store, or evidence the agency fetches
// from a shared registry. Reuse needs the applicant's explicit consent, an item of theirs of the
// required evidence type, still usable. Every component records whether it was reused and
// whether it exists electronically (the national "digitised" and "reused" flags).
import type { Transaction } from 'kysely';
import type { RequiredDocument } from '../catalog/schemas.js';
import { findEvidenceType } from '../catalog/evidence.js';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { vnDate } from '../lib/dates.js';
import { Invalid } from '../lib/errors.js';
import { isSubjectOf } from '../registries/store.js';
import { addUploadsToStore, findStoreItem, registryKeyOf, usability } from './store.js';

type Tx = Transaction<Database>;

/** One document of an application, as the API accepts it. */
export type DocumentInput =
  | { requirement: string; upload?: string | undefined }
  | { requirement: string; storeItem: number; consent?: boolean | undefined }
  | { requirement: string; fromRegistry: true; consent?: boolean | undefined };

export const uploadOf = (d: DocumentInput): string | undefined => ('upload' in d ? d.upload : undefined);
export const isReuse = (d: DocumentInput): boolean => 'storeItem' in d || 'fromRegistry' in d;

export interface PreparedDocument {
  requirement_code: string;
  sha256: string | null;
  filename: string | null;
  media_type: string | null;
  size: number | null;
  source: string;
  evidence_type: string | null;
  store_item_id: number | null;
  e_result_id: number | null;
  registry_key: string | null;
  consent_at: string | null;
  reused: number;
  digitised: number;
}

/** What the submission's event records about reuse and consent. */
export interface ReuseRecord {
  requirement: string;
  source: 'store' | 'registry';
  item?: number;
  eResult?: string;
}

export interface PrepareContext {
  /** whose uploads may be attached (null: any, the desk's own scans are checked by the route) */
  uploadOwner: number | null;
  /** whose data store items may be cited (null: none, e.g. at the desk) */
  storeOwner: number | null;
  /** the applicant's identifiers: the registry key */
  applicant: { citizenId?: string | null | undefined; taxCode?: string | null | undefined };
  /**
   * The applicant's account when applying online: registry evidence is only fetched for the
   * proven holder of the key (isSubjectOf). Absent at the desk, where identity is checked in person.
   */
  subjectAccount?: number | undefined;
  /** 'upload' online, 'scan' at the desk */
  fileSource: 'upload' | 'scan';
  now: Date;
  /** field path of the documents array in the request, for refusals */
  field: string;
  /**
   * 'check' at submission; 'trusted' when a group member dossier is opened later from a checked
   * submission (consent and usability were checked when the applicant submitted)
   */
  mode?: 'check' | 'trusted';
}

function refuse(message: string, field: string, reason: string): never {
  throw new Invalid(message, field, undefined, reason);
}

export async function prepareDocuments(tx: Tx | Db, requirements: RequiredDocument[], docs: DocumentInput[], ctx: PrepareContext): Promise<{ rows: PreparedDocument[]; reused: ReuseRecord[] }> {
  const rows: PreparedDocument[] = [];
  const reused: ReuseRecord[] = [];
  const trusted = ctx.mode === 'trusted';
  for (const [i, d] of docs.entries()) {
    try {
      await prepareOne(tx, requirements, d, `${ctx.field}.${i}`, ctx, rows, reused);
    } catch (err) {
      // trusted (checked at submission): what can no longer be found is recorded as a paper to check
      if (!trusted || !(err instanceof Invalid)) throw err;
      rows.push({ requirement_code: d.requirement, sha256: null, filename: null, media_type: null, size: null, source: 'paper', evidence_type: requirements.find((r) => r.code === d.requirement)?.evidenceType ?? null, store_item_id: null, e_result_id: null, registry_key: null, consent_at: null, reused: 0, digitised: 0 });
    }
  }
  return { rows, reused };
}

async function prepareOne(tx: Tx | Db, requirements: RequiredDocument[], d: DocumentInput, field: string, ctx: PrepareContext, rows: PreparedDocument[], reused: ReuseRecord[]): Promise<void> {
  const at = ctx.now.toISOString();
  const trusted = ctx.mode === 'trusted';
  {
    const req = requirements.find((r) => r.code === d.requirement);
    const evidenceType = req?.evidenceType ?? null;
    const base = { requirement_code: d.requirement, store_item_id: null, e_result_id: null, registry_key: null, consent_at: null };
    if ('storeItem' in d) {
      if (!trusted && d.consent !== true) refuse('the applicant must consent to the use of a stored document for this dossier', field, 'consent_required');
      const item = ctx.storeOwner === null ? undefined : trusted ? await findAnyItem(tx, ctx.storeOwner, d.storeItem) : await findStoreItem(tx, ctx.storeOwner, d.storeItem);
      if (!item) refuse(`store item ${d.storeItem} not found`, field, 'store_item_not_found');
      if (!trusted && (item.evidence_type ?? null) !== evidenceType) refuse(`the stored document is ${item.evidence_type ?? 'of no evidence type'}; this document requires ${evidenceType ?? 'a document of no evidence type'}`, field, 'evidence_mismatch');
      const u = usability({ validUntil: item.valid_until, eResultStatus: item.e_result_status, eResultValidUntil: item.e_result_valid_until }, vnDate(ctx.now));
      if (!trusted && !u.usable) refuse(`the stored document can no longer be used (${u.unusableReason})`, field, 'evidence_unusable');
      // "reused" (no paper may be asked for; the national DuocLayTuKhoDMQG) only for what the state
      // issued — a result received in an earlier dossier (signed or not); a file the applicant
      // uploaded is their own copy, not state data: it saves an upload, not the agency's check
      rows.push({ ...base, sha256: item.sha256, filename: item.filename, media_type: item.media_type, size: item.size, source: 'store', evidence_type: item.evidence_type, store_item_id: item.id, e_result_id: item.e_result_id, consent_at: at, reused: item.e_result_id !== null || item.source === 'result' ? 1 : 0, digitised: 1 });
      reused.push({ requirement: d.requirement, source: 'store', item: item.id, ...(item.e_result_serial ? { eResult: item.e_result_serial } : {}) });
    } else if ('fromRegistry' in d) {
      if (!trusted && d.consent !== true) refuse('the applicant must consent to the agency fetching this document from the registry', field, 'consent_required');
      const type = evidenceType ? await findEvidenceType(tx, evidenceType) : undefined;
      const key = type?.registry ? registryKeyOf(type.registry, ctx.applicant) : null;
      if (!type?.registry || !key) refuse('no registry can provide this document for this applicant', field, 'registry_not_available');
      if (!trusted && ctx.subjectAccount !== undefined && !(await provenSubject(tx, ctx.subjectAccount, type.registry, key)))
        refuse('the registry does not hold this number under your name and date of birth (or log in with the e-ID): attach the document instead', field, 'registry_not_available');
      rows.push({ ...base, sha256: null, filename: null, media_type: null, size: null, source: 'registry', evidence_type: type.code, registry_key: key, consent_at: at, reused: 1, digitised: 1 });
      reused.push({ requirement: d.requirement, source: 'registry' });
    } else if (d.upload) {
      const u = await tx.selectFrom('uploads').selectAll().where('id', '=', d.upload).executeTakeFirst();
      if (!u || (ctx.uploadOwner !== null && u.owner_account_id !== ctx.uploadOwner)) refuse(`upload ${d.upload} not found`, ctx.field, 'upload_not_found');
      rows.push({ ...base, sha256: u.sha256, filename: u.filename, media_type: u.media_type, size: u.size, source: ctx.fileSource, evidence_type: evidenceType, reused: 0, digitised: 1 });
    } else {
      rows.push({ ...base, sha256: null, filename: null, media_type: null, size: null, source: 'paper', evidence_type: evidenceType, reused: 0, digitised: 0 });
    }
  }
}

async function provenSubject(tx: Tx | Db, accountId: number, registry: 'citizens' | 'businesses', key: string): Promise<boolean> {
  const a = await tx.selectFrom('accounts').select(['full_name', 'date_of_birth', 'oidc_subject']).where('id', '=', accountId).executeTakeFirst();
  return !!a && isSubjectOf(tx, a, registry, key);
}

/** A stored item of the owner's, removed or not (a group member dossier opened after the applicant removed it keeps the consented copy). */
async function findAnyItem(tx: Tx | Db, ownerId: number, id: number) {
  return tx
    .selectFrom('data_store_items as i')
    .leftJoin('e_results as r', 'r.id', 'i.e_result_id')
    .select(['i.id', 'i.source', 'i.evidence_type', 'i.sha256', 'i.filename', 'i.media_type', 'i.size', 'i.valid_until', 'i.e_result_id', 'r.serial as e_result_serial', 'r.status as e_result_status', 'r.valid_until as e_result_valid_until'])
    .where('i.id', '=', id)
    .where('i.owner_account_id', '=', ownerId)
    .executeTakeFirst();
}

/**
 * Inserts the prepared components of an event; the applicant's uploads join their store.
 * (The caller refreshes the dossier's report facts: the flags count in the statistics.)
 */
export async function insertDocuments(tx: Tx, dossierId: number, seq: number, rows: PreparedDocument[], store?: { ownerId: number; requirements: RequiredDocument[]; now: Date }): Promise<void> {
  for (const r of rows) await tx.insertInto('dossier_documents').values({ dossier_id: dossierId, event_seq: seq, ...r }).execute();
  if (!store) return;
  const files = rows.filter((r) => r.source === 'upload' && r.sha256);
  if (files.length === 0) return;
  const names = new Map<string, string>();
  for (const code of new Set(files.map((f) => f.evidence_type).filter((c): c is string => c !== null))) {
    const t = await findEvidenceType(tx, code);
    if (t) names.set(code, t.name);
  }
  await addUploadsToStore(
    tx,
    store.ownerId,
    files.map((f) => ({
      sha256: f.sha256!, filename: f.filename ?? 'tep', mediaType: f.media_type ?? 'application/octet-stream', size: f.size ?? 0, evidenceType: f.evidence_type,
      title: (f.evidence_type ? names.get(f.evidence_type) : undefined) ?? store.requirements.find((q) => q.code === f.requirement_code)?.name ?? f.requirement_code,
    })),
    dossierId,
    store.now,
  );
}
