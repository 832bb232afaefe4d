// Intake commands: online submission, the desk's three outcomes (receipt, supplement request,
// refusal) for online and paper dossiers, the applicant's supplement and withdrawal. Each is
// one transaction ending in appendEvent/createDossier; notifications go to the mail outbox
// in the same transaction.
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import { agencyHandles, findVersionInForce, getVersionById, type VersionForIntake } from '../catalog/store.js';
import type { WorkingCalendar } from '../calendar/working-time.js';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { vnDate } from '../lib/dates.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../lib/errors.js';
import { can, type Actor } from '../identity/permissions.js';
import { enqueueMail } from '../notify/mail-outbox.js';
import { newCheckValue, nextDossierCode, nextRegisterNumber } from './dossier-code.js';
import { appendEvent, createDossier } from './event-log.js';
import { type FieldError, type Language, validateForm } from './form-validation.js';
import { PUBLIC_STATUS, type DossierStatus } from './lifecycle.js';
import { supplementRestart, tasksAtReceipt } from '../workflow/engine.js';
import { checkGroupApplication, groupCapAtReceipt, type GroupMemberInput } from '../workflow/groups.js';
import { type DocumentInput, type PrepareContext, insertDocuments, isReuse, prepareDocuments, uploadOf } from '../datastore/reuse.js';
import { refreshDossierFacts } from '../reports/store.js';

type Tx = Transaction<Database>;

export interface IntakeDeps {
  db: Db;
  dueDates: WorkingCalendar;
  publicUrl: string;
}

export const CHANNELS = ['online', 'in_person', 'post'] as const;
export type Channel = (typeof CHANNELS)[number];
export const RETURN_METHODS = ['desk', 'post', 'online'] as const;

export interface ApplicantSnapshot {
  name: string;
  citizenId?: string | null;
  taxCode?: string | null;
  address?: string | null;
  phone?: string | null;
  email?: string | null;
}

/** A document of an application: an upload of the caller's (absent: a paper checked at the desk), an item of the applicant's data store, or evidence fetched from a registry (both with consent). */
export type { DocumentInput } from '../datastore/reuse.js';

async function agencyByCode(tx: Tx | Db, code: string) {
  const a = await tx.selectFrom('agencies').select(['id', 'code', 'level', 'path', 'name', 'has_one_stop_desk']).where('code', '=', code).executeTakeFirst();
  if (!a) throw new Invalid(`agency ${code} not found`, 'agency');
  return a;
}

async function versionInForce(tx: Tx | Db, nationalCode: string, now: Date): Promise<VersionForIntake> {
  const v = await findVersionInForce(tx, nationalCode, vnDate(now));
  if (!v) throw new Invalid(`procedure ${nationalCode} is not in force today: there is no version of it to apply under`, 'procedure', undefined, 'procedure_not_in_force');
  return v;
}

function checkForm(v: VersionForIntake, form: unknown, lang: Language): void {
  const errors: FieldError[] = validateForm(v.id, v.formSchema, form, lang);
  if (errors.length) throw new Invalid(lang === 'vi' ? 'Biểu mẫu có lỗi' : 'The form has errors', errors[0]!.field, errors, 'form_invalid');
}

/** Every document must answer a requirement of the procedure; mandatory ones must all be there. */
function checkDocuments(v: VersionForIntake, docs: DocumentInput[], requireUploads: boolean): void {
  const known = new Set(v.documents.map((d) => d.code));
  for (const d of docs) if (!known.has(d.requirement)) throw new Invalid(`document ${d.requirement} is not a requirement of this procedure`, 'documents');
  const present = new Set(docs.filter((d) => !requireUploads || uploadOf(d) || isReuse(d)).map((d) => d.requirement));
  const missing = v.documents.filter((d) => d.mandatory && !present.has(d.code));
  if (missing.length) throw new Invalid(`missing required documents: ${missing.map((d) => d.name).join('; ')}`, 'documents', missing.map((d) => ({ field: `documents.${d.code}`, message: d.name })), 'documents_missing');
}

/**
 * Attaches the prepared components after the event that brought them; the applicant's uploads
 * join their data store; the dossier's report facts are refreshed (its reuse/digitisation flags count).
 */
async function attachDocuments(tx: Tx, dossierId: number, seq: number, prepared: Awaited<ReturnType<typeof prepareDocuments>>, v: VersionForIntake, storeOwner: number | null, now: Date): Promise<void> {
  await insertDocuments(tx, dossierId, seq, prepared.rows, storeOwner !== null ? { ownerId: storeOwner, requirements: v.documents, now } : undefined);
  await refreshDossierFacts(tx, dossierId);
}

/** Requirements a reused document of the dossier satisfies: the agency may not ask for their paper. */
async function reusedRequirements(tx: Tx | Db, dossierId: number): Promise<Set<string>> {
  const rows = await tx.selectFrom('dossier_documents').select('requirement_code').where('dossier_id', '=', dossierId).where('reused', '=', 1).execute();
  return new Set(rows.map((r) => r.requirement_code));
}

function statusMail(to: string, code: string, procedure: string, status: DossierStatus, publicUrl: string, extra = '') {
  const s = PUBLIC_STATUS[status];
  return {
    to,
    subject: `Hồ sơ ${code}: ${s.vi}`,
    text: `Hồ sơ ${code} (${procedure}) đã chuyển sang trạng thái: ${s.vi}.${extra}\nTheo dõi hồ sơ: ${publicUrl}/ho-so/${code}\n\n— Dossier ${code}: ${s.en}.`,
  };
}

const hashRequest = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest('hex');

export interface OnlineSubmission {
  procedure: string;
  agency: string;
  form: Record<string, unknown>;
  documents: DocumentInput[];
  returnMethod: (typeof RETURN_METHODS)[number];
  /** one application for an inter-connected group (procedure = its first member) */
  group?: { code: string; members: GroupMemberInput[] } | undefined;
}

/**
 * An applicant's online submission. Idempotent by key: a retried or double-clicked request
 * returns the dossier the first one created (a different body with the same key is refused).
 */
export async function submitOnline(deps: IntakeDeps, actor: Actor, input: OnlineSubmission, idempotencyKey: string, now: Date, lang: Language): Promise<{ id: number; code: string; created: boolean }> {
  const { db } = deps;
  const applicantId = actor.actingFor ?? actor.accountId;
  const requestHash = hashRequest(input);
  const previous = await db.selectFrom('idempotency_keys as k').innerJoin('dossiers as d', 'd.id', 'k.dossier_id').select(['k.request_hash', 'd.id', 'd.code']).where('k.account_id', '=', applicantId).where('k.key', '=', idempotencyKey).executeTakeFirst();
  if (previous) {
    if (previous.request_hash !== requestHash) throw new Conflict('this Idempotency-Key was used for a different submission', { reason: 'idempotency_mismatch' });
    return { id: previous.id, code: previous.code, created: false };
  }
  const v = await versionInForce(db, input.procedure, now);
  const agency = await agencyByCode(db, input.agency);
  if (!agencyHandles(v, agency) || agency.has_one_stop_desk !== 1) throw new Invalid(`${agency.name} does not receive this procedure`, 'agency');
  checkForm(v, input.form, lang);
  checkDocuments(v, input.documents, true);
  const applicant = await db.selectFrom('accounts').selectAll().where('id', '=', applicantId).executeTakeFirstOrThrow();
  const snapshot: ApplicantSnapshot = { name: applicant.full_name, citizenId: applicant.citizen_id, taxCode: applicant.tax_code, address: applicant.address, phone: applicant.phone, email: applicant.email };
  const uploadOwner = applicantId === actor.accountId ? actor.accountId : null;
  const prepareCtx: PrepareContext = { uploadOwner, storeOwner: applicantId, subjectAccount: applicantId, applicant: snapshot, fileSource: 'upload', now, field: 'documents' };
  // checked before anything is written: refusals (consent, store item, evidence type, usability) are 400s
  const prepared = await prepareDocuments(db, v.documents, input.documents, prepareCtx);
  const reused = [...prepared.reused];
  if (input.group) {
    await checkGroupApplication(db, input.group.code, v.nationalCode, input.group.members, now);
    for (const [i, m] of input.group.members.entries()) {
      for (const d of m.documents) {
        const upload = uploadOf(d);
        if (!upload) continue;
        const u = await db.selectFrom('uploads').select('owner_account_id').where('id', '=', upload).executeTakeFirst();
        if (!u || u.owner_account_id !== actor.accountId) throw new Invalid(`upload ${upload} not found`, 'group.members');
      }
      const mv = await versionInForce(db, m.procedure, now);
      const checked = await prepareDocuments(db, mv.documents, m.documents, { ...prepareCtx, field: `group.members.${i}.documents` });
      reused.push(...checked.reused);
    }
  }
  try {
    return await db.transaction().execute(async (tx) => {
      const code = await nextDossierCode(tx, agency, now);
      const { id } = await createDossier(
        tx,
        {
          code, check_value: newCheckValue(), procedure_version_id: v.id, receiving_agency_id: agency.id, applicant_account_id: applicantId, applicant: JSON.stringify(snapshot),
          channel: 'online', form_data: JSON.stringify(input.form), return_method: input.returnMethod, submitted_at: now.toISOString(), received_at: null, due_at: null,
          paused_since: null, supplement_count: 0, register_year: null, register_no: null, closed_at: null, group_code: input.group?.code ?? null,
        },
        { type: 'submitted', at: now, actor: 'applicant', actorId: actor.accountId, agencyId: null, payload: { channel: 'online', procedure: v.nationalCode, version: v.version, documents: input.documents.map((d) => d.requirement), onBehalfOf: actor.actingFor, ...(reused.length ? { reused } : {}), ...(input.group ? { group: input.group.code, groupMembers: input.group.members } : {}) } },
      );
      await attachDocuments(tx, id, 1, prepared, v, applicantId, now);
      await tx.insertInto('idempotency_keys').values({ account_id: applicantId, key: idempotencyKey, request_hash: requestHash, dossier_id: id, created_at: now.toISOString() }).execute();
      await tx.deleteFrom('drafts').where('owner_account_id', '=', applicantId).where('procedure_code', '=', v.nationalCode).execute();
      await enqueueMail(tx, statusMail(applicant.email, code, v.name, 'submitted', deps.publicUrl), now);
      return { id, code, created: true };
    });
  } catch (err) {
    // the same key raced in from a second request: answer with the dossier it created
    const raced = await db.selectFrom('idempotency_keys as k').innerJoin('dossiers as d', 'd.id', 'k.dossier_id').select(['k.request_hash', 'd.id', 'd.code']).where('k.account_id', '=', applicantId).where('k.key', '=', idempotencyKey).executeTakeFirst();
    if (raced && raced.request_hash === requestHash) return { id: raced.id, code: raced.code, created: false };
    throw err;
  }
}

/** The dossier as the desk sees it, if the desk officer's scope covers its receiving agency. */
async function dossierForDesk(tx: Tx | Db, actor: Actor, code: string) {
  const d = await tx
    .selectFrom('dossiers as d')
    .innerJoin('agencies as a', 'a.id', 'd.receiving_agency_id')
    .select(['d.id', 'd.code', 'd.status', 'd.channel', 'd.group_code', 'd.procedure_version_id', 'd.applicant', 'd.receiving_agency_id', 'd.supplement_count', 'd.paused_since', 'a.path', 'a.code as agency_code', 'a.name as agency_name', 'a.level as agency_level'])
    .where('d.code', '=', code)
    .executeTakeFirst();
  if (!d || !can(actor, 'dossier.receive', { agencyPath: d.path })) throw new NotFound(`dossier ${code} not found`);
  return { ...d, receiving: { id: d.receiving_agency_id, code: d.agency_code, name: d.agency_name, path: d.path, level: d.agency_level } };
}

export interface SupplementItem {
  requirement: string;
  reason: string;
}

/** Items of a supplement request must be required documents of the procedure: no extra papers ("giấy phép con"). */
export function checkSupplementItems(v: VersionForIntake, items: SupplementItem[], reused: Set<string> = new Set()): void {
  const known = new Set(v.documents.map((d) => d.code));
  items.forEach((it, i) => {
    if (!known.has(it.requirement)) throw new Invalid(`item ${i + 1}: only documents the procedure requires may be requested (${it.requirement} is not one)`, `items.${i}.requirement`, undefined, 'not_a_requirement');
    // once-only: what the state already holds (the applicant's store, a registry) may not be asked for on paper
    if (reused.has(it.requirement))
      throw new Invalid(`item ${i + 1}: this document was provided from data the state already holds; the agency may not ask for the paper`, `items.${i}.requirement`, undefined, 'reused_document');
  });
}

export type DeskOutcome =
  | { outcome: 'receive' }
  | { outcome: 'supplement'; items: SupplementItem[] }
  | { outcome: 'refuse'; reasons: string[] };

interface OutcomeTarget {
  id: number;
  group_code?: string | null;
  code: string;
  channel: string;
  receiving: { id: number; code: string; name: string; path: string; level: string };
  supplement_count: number;
  paused_since: string | null;
  applicant: string;
}

async function applyOutcome(deps: IntakeDeps, tx: Tx, actor: Actor, d: OutcomeTarget, v: VersionForIntake, o: DeskOutcome, now: Date) {
  const applicant = JSON.parse(d.applicant) as ApplicantSnapshot;
  const base = { at: now, actor: 'desk_officer' as const, actorId: actor.accountId, agencyId: d.receiving.id };
  let status: DossierStatus;
  if (o.outcome === 'receive') {
    // the time limit runs from the receipt of the complete dossier (it restarts after a supplement)
    // a group application runs on the group's time limit; its own procedure gets the first share
    const group = d.group_code ? await groupCapAtReceipt(tx, d.group_code, now) : undefined;
    const due = deps.dueDates.dueDate(now, group?.dueLimit ?? v.timeLimit);
    const year = Number(vnDate(now).slice(0, 4));
    const registerNo = await nextRegisterNumber(tx, d.receiving.id, year);
    // the first processing step opens now, in the responsible unit's inbox (hand-over from the desk)
    const wf = await tasksAtReceipt(tx, deps.dueDates, { receiving: d.receiving, version: v, channel: d.channel, now, dueAt: due, capHours: group?.capHours });
    ({ status } = await appendEvent(tx, d.id, {
      ...base, type: 'received',
      payload: { dueAt: due.toISOString(), registerYear: year, registerNo, timeLimit: group?.dueLimit ?? v.timeLimit, workflowTemplate: wf.set.workflow_template_id, firstStep: wf.set.current_step, firstAgency: wf.tasks.open[0]!.agencyId, stepDueAt: wf.tasks.open[0]!.dueAt },
      set: { received_at: now.toISOString(), due_at: due.toISOString(), paused_since: null, register_year: year, register_no: registerNo, ...wf.set },
      tasks: wf.tasks,
    }));
  } else if (o.outcome === 'supplement') {
    checkSupplementItems(v, o.items, await reusedRequirements(tx, d.id));
    if (d.supplement_count >= 1) throw new Conflict('a supplement request must list everything missing in one go: this dossier already had one', { reason: 'second_supplement' });
    ({ status } = await appendEvent(tx, d.id, { ...base, type: 'supplement_requested', payload: { items: o.items }, set: { paused_since: now.toISOString(), supplement_count: d.supplement_count + 1 } }));
  } else {
    ({ status } = await appendEvent(tx, d.id, { ...base, type: 'refused', payload: { reasons: o.reasons }, set: { closed_at: now.toISOString() } }));
  }
  if (applicant.email) {
    const extra = o.outcome === 'supplement' ? `\nCần bổ sung: ${o.items.map((i) => `${v.documents.find((x) => x.code === i.requirement)?.name ?? i.requirement} (${i.reason})`).join('; ')}` : o.outcome === 'refuse' ? `\nLý do: ${o.reasons.join('; ')}` : '';
    await enqueueMail(tx, statusMail(applicant.email, d.code, v.name, status, deps.publicUrl, extra), now);
  }
  return status;
}

/** The desk decides on a submitted (online, or supplemented) dossier. */
export async function deskDecide(deps: IntakeDeps, actor: Actor, code: string, o: DeskOutcome, now: Date): Promise<DossierStatus> {
  return deps.db.transaction().execute(async (tx) => {
    const d = await dossierForDesk(tx, actor, code);
    // the desk's three outcomes are for a dossier awaiting its check; later refusals are decided at a processing step
    if (d.status !== 'submitted') throw new Conflict(`the desk decides on submitted dossiers; this one is ${d.status}`, { reason: 'transition_not_allowed' });
    const v = await getVersionById(tx, d.procedure_version_id);
    if (o.outcome === 'receive') {
      // a receipt is only for a complete dossier: valid form, every mandatory document (upload, scan or paper)
      const row = await tx.selectFrom('dossiers').select('form_data').where('id', '=', d.id).executeTakeFirstOrThrow();
      checkForm(v, JSON.parse(row.form_data) as Record<string, unknown>, 'vi');
      const docs = await tx.selectFrom('dossier_documents').select('requirement_code').where('dossier_id', '=', d.id).execute();
      checkDocuments(v, docs.map((x) => ({ requirement: x.requirement_code })), false);
    }
    return applyOutcome(deps, tx, actor, d, v, o, now);
  });
}

export interface DeskIntake {
  channel: 'in_person' | 'post';
  procedure: string;
  agency: string;
  applicant: { accountId: number } | ApplicantSnapshot;
  form: Record<string, unknown>;
  documents: DocumentInput[];
  returnMethod: (typeof RETURN_METHODS)[number];
  decision: DeskOutcome;
}

/** A paper dossier registered at the desk (in person or by post), with its outcome. */
export async function registerAtDesk(deps: IntakeDeps, actor: Actor, input: DeskIntake, now: Date, lang: Language): Promise<{ id: number; code: string; status: DossierStatus }> {
  const { db } = deps;
  const agency = await agencyByCode(db, input.agency);
  if (!can(actor, 'dossier.receive', { agencyPath: agency.path })) throw new Forbidden(`you do not receive dossiers for ${agency.name}`, { field: 'agency' });
  const v = await versionInForce(db, input.procedure, now);
  // "outside our competence" is a reason to refuse, so a refusal is recorded whatever the agency
  if (input.decision.outcome !== 'refuse' && !agencyHandles(v, agency)) throw new Invalid(`${agency.name} does not receive this procedure`, 'agency');
  // a refused or incomplete dossier is recorded as it is; a received one must be complete and valid
  if (input.decision.outcome === 'receive') {
    checkForm(v, input.form, lang);
    checkDocuments(v, input.documents, false);
  }
  let applicantId: number | null = null;
  let snapshot: ApplicantSnapshot;
  if ('accountId' in input.applicant) {
    const a = await db.selectFrom('accounts').selectAll().where('id', '=', input.applicant.accountId).where('kind', 'in', ['citizen', 'business']).executeTakeFirst();
    if (!a) throw new Invalid('applicant account not found', 'applicant');
    applicantId = a.id;
    snapshot = { name: a.full_name, citizenId: a.citizen_id, taxCode: a.tax_code, address: a.address, phone: a.phone, email: a.email };
  } else snapshot = input.applicant;
  // at the desk: uploads are the officer's scans; registry evidence with the consent the applicant gives at the desk
  const prepared = await prepareDocuments(db, v.documents, input.documents, { uploadOwner: null, storeOwner: null, applicant: snapshot, fileSource: 'scan', now, field: 'documents' });
  return db.transaction().execute(async (tx) => {
    const code = await nextDossierCode(tx, agency, now);
    const { id } = await createDossier(
      tx,
      {
        code, check_value: newCheckValue(), procedure_version_id: v.id, receiving_agency_id: agency.id, applicant_account_id: applicantId, applicant: JSON.stringify(snapshot),
        channel: input.channel, form_data: JSON.stringify(input.form), return_method: input.returnMethod, submitted_at: now.toISOString(), received_at: null, due_at: null,
        paused_since: null, supplement_count: 0, register_year: null, register_no: null, closed_at: null,
      },
      { type: 'submitted', at: now, actor: 'desk_officer', actorId: actor.accountId, agencyId: agency.id, payload: { channel: input.channel, procedure: v.nationalCode, version: v.version, documents: input.documents.map((d) => d.requirement), registeredBy: actor.accountId, ...(prepared.reused.length ? { reused: prepared.reused } : {}) } },
    );
    await attachDocuments(tx, id, 1, prepared, v, null, now);
    const status = await applyOutcome(deps, tx, actor, { id, code, channel: input.channel, receiving: agency, supplement_count: 0, paused_since: null, applicant: JSON.stringify(snapshot) }, v, input.decision, now);
    return { id, code, status };
  });
}

/** The applicant answers a supplement request with the missing documents; the desk checks it again. */
export async function provideSupplement(deps: IntakeDeps, actor: Actor, code: string, documents: DocumentInput[], now: Date): Promise<DossierStatus> {
  return deps.db.transaction().execute(async (tx) => {
    const d = await ownDossier(tx, actor, code);
    const v = await getVersionById(tx, d.procedure_version_id);
    checkDocuments({ ...v, documents: v.documents.map((x) => ({ ...x, mandatory: false })) }, documents, true);
    if (documents.length === 0) throw new Invalid('attach the documents that were asked for', 'documents');
    const owner = actor.actingFor ?? actor.accountId;
    const applicantIds = await tx.selectFrom('accounts').select(['citizen_id', 'tax_code']).where('id', '=', owner).executeTakeFirstOrThrow();
    const prepared = await prepareDocuments(tx, v.documents, documents, { uploadOwner: owner === actor.accountId ? actor.accountId : null, storeOwner: owner, subjectAccount: owner, applicant: { citizenId: applicantIds.citizen_id, taxCode: applicantIds.tax_code }, fileSource: 'upload', now, field: 'documents' });
    const restart = d.status === 'processing_supplement' ? await supplementRestart(tx, deps.dueDates, d.id, v.timeLimit, now) : undefined;
    const { seq, status } = await appendEvent(tx, d.id, { type: 'supplement_provided', at: now, actor: 'applicant', actorId: actor.accountId, agencyId: null, payload: { documents: documents.map((x) => x.requirement), pausedSince: d.paused_since, ...(prepared.reused.length ? { reused: prepared.reused } : {}), ...(restart ? { dueAt: restart.set.due_at } : {}) }, set: restart?.set ?? { paused_since: null }, ...(restart ? { tasks: restart.tasks } : {}) });
    await attachDocuments(tx, d.id, seq, prepared, v, owner, now);
    const applicant = JSON.parse(d.applicant) as ApplicantSnapshot;
    if (applicant.email) await enqueueMail(tx, statusMail(applicant.email, d.code, v.name, status, deps.publicUrl), now);
    return status;
  });
}

/** At the desk: the applicant brings the missing papers of a dossier (paper, or online without an account). */
export async function deskReceiveSupplement(deps: IntakeDeps, actor: Actor, code: string, documents: DocumentInput[], now: Date): Promise<DossierStatus> {
  return deps.db.transaction().execute(async (tx) => {
    const d = await dossierForDesk(tx, actor, code);
    const v = await getVersionById(tx, d.procedure_version_id);
    checkDocuments({ ...v, documents: v.documents.map((x) => ({ ...x, mandatory: false })) }, documents, false);
    const prepared = await prepareDocuments(tx, v.documents, documents, { uploadOwner: null, storeOwner: null, applicant: JSON.parse(d.applicant) as ApplicantSnapshot, fileSource: 'scan', now, field: 'documents' });
    const restart = d.status === 'processing_supplement' ? await supplementRestart(tx, deps.dueDates, d.id, v.timeLimit, now) : undefined;
    const { seq, status } = await appendEvent(tx, d.id, { type: 'supplement_provided', at: now, actor: 'desk_officer', actorId: actor.accountId, agencyId: d.receiving_agency_id, payload: { documents: documents.map((x) => x.requirement), pausedSince: d.paused_since, atDesk: true, ...(prepared.reused.length ? { reused: prepared.reused } : {}), ...(restart ? { dueAt: restart.set.due_at } : {}) }, set: restart?.set ?? { paused_since: null }, ...(restart ? { tasks: restart.tasks } : {}) });
    await attachDocuments(tx, d.id, seq, prepared, v, null, now);
    return status;
  });
}

/**
 * At the desk: a paper component (or a result issued on paper) is scanned into the dossier. The row
 * gets the scan and the digitised flag; the dossier's log records it; its status does not change.
 */
export async function digitiseDocument(deps: IntakeDeps, actor: Actor, code: string, documentId: number, upload: string, now: Date): Promise<{ status: DossierStatus; document: number }> {
  return deps.db.transaction().execute(async (tx) => {
    const d = await dossierForDesk(tx, actor, code);
    const doc = await tx.selectFrom('dossier_documents').selectAll().where('id', '=', documentId).where('dossier_id', '=', d.id).executeTakeFirst();
    if (!doc) throw new NotFound(`document ${documentId} not found`);
    if (doc.digitised === 1 || doc.sha256 !== null) throw new Conflict('this document is already electronic', { reason: 'already_digitised' });
    if (doc.source !== 'paper' && doc.source !== 'result') throw new Invalid('only paper components and paper results are digitised at the desk', 'document', undefined, 'not_paper');
    const u = await tx.selectFrom('uploads').selectAll().where('id', '=', upload).where('owner_account_id', '=', actor.accountId).executeTakeFirst();
    if (!u) throw new Invalid(`upload ${upload} not found`, 'upload', undefined, 'upload_not_found');
    // a result keeps its kind (it is the dossier's result); a paper component becomes a scan
    // conditional: of two desks scanning the same paper at once, one wins and the other gets 409
    const changed = await tx.updateTable('dossier_documents').set({ sha256: u.sha256, filename: u.filename, media_type: u.media_type, size: u.size, source: doc.source === 'result' ? 'result' : 'scan', digitised: 1 }).where('id', '=', doc.id).where('digitised', '=', 0).where('sha256', 'is', null).executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) throw new Conflict('this document is already electronic', { reason: 'already_digitised' });
    const { status } = await appendEvent(tx, d.id, { type: 'documents_digitised', at: now, actor: 'desk_officer', actorId: actor.accountId, agencyId: d.receiving_agency_id, payload: { documents: [doc.requirement_code], document: doc.id } });
    return { status, document: doc.id };
  });
}

export async function withdraw(deps: IntakeDeps, actor: Actor, code: string, reason: string, now: Date): Promise<DossierStatus> {
  return deps.db.transaction().execute(async (tx) => {
    const d = await ownDossier(tx, actor, code);
    // a withdrawn dossier leaves every inbox: its open tasks are cancelled with it
    const open = await tx.selectFrom('dossier_tasks').select('id').where('dossier_id', '=', d.id).where('status', '=', 'open').execute();
    const { status } = await appendEvent(tx, d.id, { type: 'withdrawn', at: now, actor: 'applicant', actorId: actor.accountId, agencyId: null, payload: { reason }, set: { closed_at: now.toISOString(), current_step: null }, tasks: { close: open.map((t) => ({ id: t.id, outcome: 'withdrawn', status: 'cancelled' as const })) } });
    const applicant = JSON.parse(d.applicant) as ApplicantSnapshot;
    const v = await getVersionById(tx, d.procedure_version_id);
    if (applicant.email) await enqueueMail(tx, statusMail(applicant.email, d.code, v.name, status, deps.publicUrl), now);
    return status;
  });
}

/** A dossier of the actor's (or of the business it acts for); anyone else's is "not found". */
export async function ownDossier(tx: Tx | Db, actor: Actor, code: string) {
  const d = await tx.selectFrom('dossiers').selectAll().where('code', '=', code).executeTakeFirst();
  const owner = actor.actingFor ?? actor.accountId;
  if (!d || d.applicant_account_id !== owner) throw new NotFound(`dossier ${code} not found`);
  return d;
}
