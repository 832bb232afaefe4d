// Reads of dossiers: the applicant's own, the desk's (filtered by scope in SQL), the public
// look-up (no personal data) and the register (form 6).
import type { Db } from '../db/connect.js';
import { dossierFlags } from '../datastore/flags.js';
import type { RequiredDocument, TimeLimit } from '../catalog/schemas.js';
import { NotFound } from '../lib/errors.js';
import { PUBLIC_STATUS, type DossierStatus } from './lifecycle.js';
import type { DossierDetail, DossierSummary } from './schemas.js';

function summaryQuery(db: Db) {
  return db
    .selectFrom('dossiers as d')
    .innerJoin('procedure_versions as pv', 'pv.id', 'd.procedure_version_id')
    .innerJoin('procedures as p', 'p.id', 'pv.procedure_id')
    .innerJoin('agencies as a', 'a.id', 'd.receiving_agency_id')
    .select([
      'd.id', 'd.code', 'd.check_value', 'd.status', 'd.channel', 'd.submitted_at', 'd.received_at', 'd.due_at', 'd.applicant', 'd.applicant_account_id', 'd.form_data',
      'd.return_method', 'd.register_no', 'd.register_year', 'd.supplement_count', 'd.closed_at', 'd.group_code', 'd.parent_dossier_id', 'd.original_due_at', 'p.national_code', 'pv.name as procedure_name', 'pv.version', 'pv.time_limit', 'pv.content',
      'a.code as agency_code', 'a.name as agency_name', 'a.path as agency_path', 'a.id as agency_id',
    ]);
}
type Row = Awaited<ReturnType<ReturnType<typeof summaryQuery>['executeTakeFirstOrThrow']>>;

function presentSummary(r: Row): DossierSummary {
  return {
    code: r.code,
    procedureCode: r.national_code,
    procedureName: r.procedure_name,
    agencyCode: r.agency_code,
    agencyName: r.agency_name,
    applicantName: (JSON.parse(r.applicant) as { name: string }).name,
    channel: r.channel,
    status: r.status,
    publicStatus: PUBLIC_STATUS[r.status as DossierStatus].vi,
    submittedAt: r.submitted_at,
    receivedAt: r.received_at,
    dueAt: r.due_at,
  };
}

export async function listOwnDossiers(db: Db, ownerId: number): Promise<DossierSummary[]> {
  // members of an inter-connected group are shown inside their group dossier, not as separate dossiers
  const rows = await summaryQuery(db).where('d.applicant_account_id', '=', ownerId).where('d.parent_dossier_id', 'is', null).orderBy('d.id', 'desc').limit(200).execute();
  return rows.map(presentSummary);
}

export async function listDeskDossiers(db: Db, scope: string[], filter: { status?: string; agencyPath?: string }): Promise<DossierSummary[]> {
  if (scope.length === 0) return [];
  let q = summaryQuery(db).where((w) => w.or(scope.map((p) => w('a.path', 'like', `${p}%`))));
  if (filter.status) q = q.where('d.status', '=', filter.status);
  if (filter.agencyPath) q = q.where('a.path', 'like', `${filter.agencyPath}%`);
  const rows = await q.orderBy('d.id', 'desc').limit(500).execute();
  return rows.map(presentSummary);
}

export async function findDossierRow(db: Db, code: string) {
  return summaryQuery(db).where('d.code', '=', code).executeTakeFirst();
}

export async function dossierDetail(db: Db, r: Row): Promise<DossierDetail> {
  const documents = (JSON.parse(r.content) as { documents: RequiredDocument[] }).documents;
  const nameOf = (code: string) => documents.find((d) => d.code === code)?.name ?? code;
  const docs = await db
    .selectFrom('dossier_documents as dd')
    .leftJoin('e_results as er', 'er.id', 'dd.e_result_id')
    .selectAll('dd')
    .select(['er.serial as e_result_serial', 'er.status as e_result_status'])
    .where('dd.dossier_id', '=', r.id)
    .orderBy('dd.id')
    .execute();
  const events = await db
    .selectFrom('dossier_events as e')
    .leftJoin('accounts as ac', 'ac.id', 'e.actor_id')
    .leftJoin('agencies as ag', 'ag.id', 'e.agency_id')
    .select(['e.seq', 'e.type', 'e.at', 'e.payload', 'ac.full_name as actor_name', 'ac.kind as actor_kind', 'ag.name as agency_name'])
    .where('e.dossier_id', '=', r.id)
    .orderBy('e.seq')
    .execute();
  const lastSupplement = [...events].reverse().find((e) => e.type === 'supplement_requested' || e.type === 'processing_supplement_requested');
  const openSupplement =
    (r.status === 'supplement_requested' || r.status === 'processing_supplement') && lastSupplement
      ? (JSON.parse(lastSupplement.payload) as { items: { requirement: string; reason: string }[] }).items.map((i) => ({ ...i, name: nameOf(i.requirement) }))
      : null;
  return {
    ...presentSummary(r),
    checkValue: r.check_value,
    procedureVersion: r.version,
    timeLimit: JSON.parse(r.time_limit) as TimeLimit,
    applicant: JSON.parse(r.applicant) as Record<string, unknown>,
    form: JSON.parse(r.form_data) as Record<string, unknown>,
    returnMethod: r.return_method,
    registerNo: r.register_no,
    supplementCount: r.supplement_count,
    documents: docs.map((d) => ({
      id: d.id, requirement: d.requirement_code, name: nameOf(d.requirement_code), filename: d.filename, mediaType: d.media_type, size: d.size, source: d.source,
      // once-only (#7): where the component came from, with the applicant's consent
      evidenceType: d.evidence_type, reused: d.reused === 1, digitised: d.digitised === 1, consentAt: d.consent_at,
      ...(d.e_result_serial && d.e_result_status ? { eResult: { serial: d.e_result_serial, status: d.e_result_status } } : {}),
    })),
    flags: dossierFlags(docs.map((d) => ({ source: d.source, requirement: d.requirement_code, reused: d.reused, digitised: d.digitised }))),
    // officers' names are shown to the applicant (they act in public office); applicants' are not repeated
    events: events.map((e) => ({ seq: e.seq, type: e.type, at: e.at, actorName: e.actor_kind === 'officer' ? e.actor_name : null, agencyName: e.agency_name, payload: JSON.parse(e.payload) as unknown })),
    openSupplement,
    originalDueAt: r.original_due_at,
    group: r.group_code ? await groupPart(db, r) : null,
  };
}

/** For a group dossier: its members, each at its responsible agency, with status and result; for a member: its group dossier. */
async function groupPart(db: Db, r: Row) {
  const g = await db.selectFrom('procedure_groups').select(['name']).where('code', '=', r.group_code!).executeTakeFirst();
  const parentId = r.parent_dossier_id ?? r.id;
  const parent = await db.selectFrom('dossiers').select('code').where('id', '=', parentId).executeTakeFirstOrThrow();
  const members = await db
    .selectFrom('dossiers as d')
    .innerJoin('procedure_versions as pv', 'pv.id', 'd.procedure_version_id')
    .innerJoin('procedures as p', 'p.id', 'pv.procedure_id')
    .select(['d.id', 'd.code', 'd.status', 'd.due_at', 'd.result_at', 'p.national_code', 'pv.name'])
    .where((w) => w.or([w('d.id', '=', parentId), w('d.parent_dossier_id', '=', parentId)]))
    .orderBy('d.id')
    .execute();
  const holders = await db
    .selectFrom('dossier_tasks as t')
    .innerJoin('agencies as a', 'a.id', 't.agency_id')
    .select(['t.dossier_id', 'a.name'])
    .where('t.dossier_id', 'in', members.map((m) => m.id))
    .where('t.kind', '=', 'step')
    .orderBy('t.id')
    .execute();
  return {
    code: r.group_code!,
    name: g?.name ?? r.group_code!,
    parentCode: parent.code,
    members: members.map((m) => ({
      code: m.code,
      procedureCode: m.national_code,
      procedureName: m.name,
      // the agency that took the member's first step: its responsible agency
      agencyName: holders.find((h) => h.dossier_id === m.id)?.name ?? null,
      status: m.status,
      publicStatus: PUBLIC_STATUS[m.status as DossierStatus].vi,
      resultAt: m.result_at,
    })),
  };
}

/** Public look-up: needs the check value printed on the receipt; shows no personal data. */
export async function publicLookup(db: Db, code: string, check: string) {
  const r = await findDossierRow(db, code);
  if (!r || r.check_value !== check.toUpperCase()) throw new NotFound('no dossier with this code and check value');
  const s = PUBLIC_STATUS[r.status as DossierStatus];
  return { code: r.code, procedureName: r.procedure_name, agencyName: r.agency_name, publicStatus: s.vi, publicStatusEn: s.en, receivedAt: r.received_at, dueAt: r.due_at };
}

/** The desk register (form 6) of an agency for a calendar year: every received dossier, in register order. */
export async function registerRows(db: Db, agencyId: number, year: number) {
  const rows = await summaryQuery(db).where('d.receiving_agency_id', '=', agencyId).where('d.register_year', '=', year).orderBy('d.register_no').execute();
  return rows.map((r) => {
    const a = JSON.parse(r.applicant) as { name: string; phone?: string | null; email?: string | null; address?: string | null };
    return {
      registerNo: r.register_no!,
      code: r.code,
      procedureName: r.procedure_name,
      applicantName: a.name,
      applicantContact: [a.address, a.phone, a.email].filter(Boolean).join(' · '),
      agencyName: r.agency_name,
      receivedAt: r.received_at!,
      dueAt: r.due_at,
      status: PUBLIC_STATUS[r.status as DossierStatus].vi,
      note: r.channel === 'online' ? 'Trực tuyến' : r.channel === 'post' ? 'Qua bưu chính' : 'Trực tiếp',
    };
  });
}
