// Issuing an e-result: render the PDF, sign it with the issuing agency's certificate, store it in
// the blob store, sign the JWS twin, record the `e_results` row and its `issued` event. A result of
// a procedure that amends / renews / cancels an earlier one supersedes it (the result cited in
// the dossier, else the serial the officer gives, held by the same applicant): the old row becomes
// superseded / cancelled with events on both. A type with a registry fills it (H2's recordFromResult).
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Transaction } from 'kysely';
import { type EvidenceType, findEvidenceTypeOfProcedure, type ResultRelation } from '../catalog/evidence.js';
import { isValidIsoDate } from '../lib/dates.js';
import { checkResultFields, isoDate } from './fields.js';
import type { Database } from '../db/types.js';
import type { BlobStore } from '../documents/blob-store.js';
import { Conflict, Invalid } from '../lib/errors.js';
import { recordFromResult } from '../registries/store.js';
import { agencySigner, type SigningSettings } from './certificates.js';
import { renderResultPdf, vnDay } from './render-result-pdf.js';
import { newSerial } from './serial.js';
import { signPdf } from './sign-pdf.js';
import { signTwin, type TwinPayload } from './twin.js';

type Tx = Transaction<Database>;

export interface ResultDeps {
  blobs: BlobStore;
  signing: SigningSettings;
  publicUrl: string;
}

export interface IssueInput {
  dossierId: number;
  issuerAgencyId: number;
  actorId: number | null;
  evidenceType: EvidenceType;
  relation: ResultRelation;
  /** checked by checkResultFields */
  fields: Record<string, string>;
  validUntil?: string | undefined;
  /** the serial the officer gives for amend / renew / cancel when the dossier cites none */
  supersedes?: string | undefined;
  now: Date;
}

export interface Issued {
  id: number;
  serial: string;
  sha256: string;
  filename: string;
  size: number;
  evidenceType: string;
}

const RELATION_EVENT = { amend: 'amended', renew: 'renewed', cancel: 'cancelled' } as const;
const SUBJECT_NAME_KEYS = ['fullName', 'name', 'hoTen', 'enterpriseName', 'businessName'];

/** YYYY-MM-DD in Vietnam time. */
function vnToday(now: Date): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1 + months, d));
  return t.toISOString().slice(0, 10);
}

/** The earlier result this one supersedes: cited in the dossier (from the applicant's store), else the officer's serial. */
export async function findSuperseded(tx: Tx, dossier: { id: number; applicant_account_id: number | null }, type: EvidenceType, serial: string | undefined) {
  const cited = await tx
    .selectFrom('dossier_documents as dd')
    .innerJoin('e_results as r', 'r.id', 'dd.e_result_id')
    .select(['r.id', 'r.serial', 'r.status', 'r.title', 'r.issued_at', 'r.subject_id'])
    .where('dd.dossier_id', '=', dossier.id)
    .where('r.evidence_type', '=', type.code)
    .orderBy('r.issued_at', 'desc')
    .executeTakeFirst();
  if (cited) return cited;
  if (!serial) return undefined;
  const given = await tx.selectFrom('e_results').select(['id', 'serial', 'status', 'title', 'issued_at', 'subject_id', 'holder_account_id', 'evidence_type']).where('serial', '=', serial).executeTakeFirst();
  if (!given || given.evidence_type !== type.code || given.holder_account_id === null || given.holder_account_id !== dossier.applicant_account_id)
    throw new Invalid(`no ${type.name} with serial ${serial} is held by this applicant`, 'eResult.supersedes', undefined, 'supersedes_not_found');
  return given;
}

export async function issueResult(tx: Tx, deps: ResultDeps, input: IssueInput): Promise<Issued> {
  const { now, evidenceType: type } = input;
  const d = await tx.selectFrom('dossiers').select(['id', 'code', 'applicant', 'applicant_account_id']).where('id', '=', input.dossierId).executeTakeFirstOrThrow();
  const agency = await tx.selectFrom('agencies').select(['id', 'code', 'name', 'parent_id']).where('id', '=', input.issuerAgencyId).executeTakeFirstOrThrow();
  const parent = agency.parent_id !== null ? await tx.selectFrom('agencies').select('name').where('id', '=', agency.parent_id).executeTakeFirst() : undefined;
  const applicant = JSON.parse(d.applicant) as { name: string };

  let old: Awaited<ReturnType<typeof findSuperseded>>;
  if (input.relation !== 'issue') {
    old = await findSuperseded(tx, d, type, input.supersedes);
    if (!old) throw new Invalid(`this procedure ${input.relation === 'cancel' ? 'cancels' : input.relation === 'amend' ? 'amends' : 'renews'} a ${type.name}: the dossier cites none, give its serial`, 'eResult.supersedes', undefined, 'supersedes_required');
    if (old.status !== 'valid') throw new Conflict(`the ${type.name} ${old.serial} is ${old.status}: it cannot be ${RELATION_EVENT[input.relation]} again`, { reason: 'supersedes_not_valid' });
  }

  const serial = newSerial();
  const issuedDay = vnToday(now);
  const validUntil = input.validUntil ?? (type.validityMonths ? addMonths(issuedDay, type.validityMonths) : null);
  if (validUntil !== null && validUntil <= issuedDay) throw new Invalid('the validity must end after today', 'eResult.validUntil', undefined, 'valid_until_past');
  const subjectName = SUBJECT_NAME_KEYS.map((k) => input.fields[k]).find(Boolean) ?? applicant.name;
  const idField = type.fields.find((f) => (f.kind === 'citizen_id' || f.kind === 'tax_code') && input.fields[f.key]);
  const subjectId = idField ? input.fields[idField.key]! : null;
  const title = input.relation === 'cancel' ? `Quyết định hủy ${type.name.charAt(0).toLowerCase()}${type.name.slice(1)}` : type.name;
  const verifyUrl = `${deps.publicUrl}/xac-minh/${serial}`;
  const printed = type.fields
    .filter((f) => input.fields[f.key])
    .map((f) => {
      const v = input.fields[f.key]!;
      return { label: f.label, value: f.kind === 'date' ? vnDay(v) : f.kind === 'gender' ? (v === 'male' ? 'Nam' : 'Nữ') : v };
    });

  const signer = await agencySigner(tx, deps.signing, agency, now);
  const unsigned = await renderResultPdf({ serial, agencyName: agency.name, parentAgencyName: parent?.name, title, fields: printed, dossierCode: d.code, issuedAt: now, validUntil, verifyUrl, supersedes: old ? { serial: old.serial, relation: input.relation as 'amend' | 'renew' | 'cancel' } : undefined });
  const pdf = await signPdf(unsigned, signer, { reason: `Cấp ${title} - hồ sơ ${d.code}`, location: agency.name, contact: verifyUrl, signingTime: now });
  const staged = await deps.blobs.stage(Readable.from([pdf]), pdf.length + 1);
  await deps.blobs.commit(staged);
  const sha256 = staged.sha256;
  if (sha256 !== createHash('sha256').update(pdf).digest('hex')) throw new Error('blob store digest mismatch');
  const at = now.toISOString();
  await tx.insertInto('blobs').values({ sha256, size: pdf.length, media_type: 'application/pdf', created_at: at }).onConflict((oc) => oc.column('sha256').doNothing()).execute();

  const payload: TwinPayload = {
    serial, issuer: agency.code, issuerName: agency.name, evidenceType: type.code, title, subject: { name: subjectName, ...(subjectId ? { id: subjectId } : {}) },
    fields: input.fields, issuedAt: at, validUntil, pdfSha256: sha256, dossierCode: d.code,
  };
  const twin = await signTwin(payload, signer);
  const row = await tx
    .insertInto('e_results')
    .values({
      serial, dossier_id: d.id, issuer_agency_id: agency.id, holder_account_id: d.applicant_account_id, subject_name: subjectName, subject_id: subjectId, evidence_type: type.code, title,
      fields: JSON.stringify(input.fields), issued_at: at, valid_until: validUntil, pdf_sha256: sha256, twin, cert_fingerprint: signer.fingerprint, status: 'valid', status_at: null,
      status_reason: null, status_by: null, supersedes_id: old?.id ?? null, superseded_by_id: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx.insertInto('e_result_events').values({ e_result_id: row.id, type: 'issued', at, actor_id: input.actorId, reason: null, related_result_id: old?.id ?? null, dossier_id: d.id }).execute();

  if (old && input.relation !== 'issue') {
    const event = RELATION_EVENT[input.relation];
    const changed = await tx
      .updateTable('e_results')
      .set({ status: input.relation === 'cancel' ? 'cancelled' : 'superseded', status_at: at, status_reason: `${event} by ${serial}`, status_by: input.actorId, superseded_by_id: row.id })
      .where('id', '=', old.id)
      .where('status', '=', 'valid')
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) throw new Conflict(`the ${type.name} ${old.serial} changed meanwhile`, { reason: 'supersedes_not_valid' });
    await tx.insertInto('e_result_events').values({ e_result_id: old.id, type: event, at, actor_id: input.actorId, reason: null, related_result_id: row.id, dossier_id: d.id }).execute();
    await tx.insertInto('e_result_events').values({ e_result_id: row.id, type: event, at, actor_id: input.actorId, reason: null, related_result_id: old.id, dossier_id: d.id }).execute();
  }

  if (type.registry) {
    const values: Record<string, string> = {};
    for (const f of type.fields) if (f.registryColumn && input.fields[f.key]) values[f.registryColumn] = input.fields[f.key]!;
    if (input.relation === 'cancel') {
      // a cancelled enterprise registration dissolves the business; a citizen's record is not ended by a cancelled paper
      if (type.registry === 'businesses' && values.enterprise_code) await recordFromResult(tx, 'businesses', { enterprise_code: values.enterprise_code, status: 'dissolved' }, { serial, actorId: input.actorId, now });
    } else await recordFromResult(tx, type.registry, values, { serial, actorId: input.actorId, now });
  }
  return { id: row.id, serial, sha256, filename: `${type.code}-${serial}.pdf`, size: pdf.length, evidenceType: type.code };
}

export interface EResultInput {
  fields: Record<string, string>;
  validUntil?: string | undefined;
  supersedes?: string | undefined;
}

/**
 * The e-result of the `record_result` action: the procedure's evidence type, the fields checked
 * (400 `result_fields` with every problem in `details.problems`), then issued.
 */
export async function issueForDossier(tx: Tx, deps: ResultDeps | undefined, input: { dossierId: number; nationalCode: string; agencyId: number; actorId: number; eResult: EResultInput; now: Date }): Promise<Issued> {
  if (!deps) throw new Error('e-results are not configured (ResultDeps missing)');
  const found = await findEvidenceTypeOfProcedure(tx, input.nationalCode);
  if (!found) throw new Invalid(`procedure ${input.nationalCode} has no electronic result type; attach the result document`, 'eResult', undefined, 'no_evidence_type');
  const { values, problems } = checkResultFields(found.type, input.eResult.fields);
  const vu = input.eResult.validUntil ? isoDate(input.eResult.validUntil) : undefined;
  if (vu !== undefined && !isValidIsoDate(vu)) problems.push({ field: 'validUntil', reason: 'date', message: 'Ngày hết hiệu lực không hợp lệ' });
  if (problems.length) throw new Invalid(problems.map((p) => p.message).join('; '), `eResult.fields.${problems[0]!.field}`, { problems }, 'result_fields');
  return issueResult(tx, deps, { dossierId: input.dossierId, issuerAgencyId: input.agencyId, actorId: input.actorId, evidenceType: found.type, relation: found.relation, fields: values, validUntil: vu, supersedes: input.eResult.supersedes, now: input.now });
}

/** The issued PDF as the dossier's result document (digitised). */
export async function attachResultDocument(tx: Tx, dossierId: number, issued: Issued, eventSeq: number): Promise<void> {
  await tx
    .insertInto('dossier_documents')
    .values({ dossier_id: dossierId, requirement_code: 'result', sha256: issued.sha256, filename: issued.filename, media_type: 'application/pdf', size: issued.size, source: 'result', event_seq: eventSeq, e_result_id: issued.id, evidence_type: issued.evidenceType, digitised: 1 })
    .execute();
}
