// Reads of dossiers: the applicant's own, the desk's (filtered by scope in SQL), the public
// look-up (no personal data) and the register (form 6).
import type { Db } from '../db/connect.js';
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
      'd.return_method', 'd.register_no', 'd.register_year', 'd.supplement_count', 'd.closed_at', 'p.national_code', 'pv.name as procedure_name', 'pv.version', 'pv.time_limit', 'pv.content',
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
  const rows = await summaryQuery(db).where('d.applicant_account_id', '=', ownerId).orderBy('d.id', 'desc').limit(200).execute();
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
  const docs = await db.selectFrom('dossier_documents').selectAll().where('dossier_id', '=', r.id).orderBy('id').execute();
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
    documents: docs.map((d) => ({ id: d.id, requirement: d.requirement_code, name: nameOf(d.requirement_code), filename: d.filename, mediaType: d.media_type, size: d.size, source: d.source })),
    // officers' names are shown to the applicant (they act in public office); applicants' are not repeated
    events: events.map((e) => ({ seq: e.seq, type: e.type, at: e.at, actorName: e.actor_kind === 'officer' ? e.actor_name : null, agencyName: e.agency_name, payload: JSON.parse(e.payload) as unknown })),
    openSupplement,
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
