// All SQL of the feedback module: ratings (a row + the dossier's `rated` event, one
// transaction) and complaints (a row, its append-only history, the officers it is about,
// its attachments; every change one transaction that also refreshes the dossier's facts).
import { sql, type Transaction } from 'kysely';
import type { WorkingCalendar } from '../calendar/working-time.js';
import { findVersionInForce } from '../catalog/store.js';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { appendEvent } from '../dossiers/event-log.js';
import { PUBLIC_STATUS, type DossierStatus } from '../dossiers/lifecycle.js';
import { type Actor, can, ownsResource, scopePaths } from '../identity/permissions.js';
import { vnDate, vnDateTimeText } from '../lib/dates.js';
import { Conflict, DomainError, Forbidden, Invalid, NotFound } from '../lib/errors.js';
import { foldVietnamese } from '../lib/vn-text.js';
import { enqueueMail } from '../notify/mail-outbox.js';
import { refreshDossierFacts } from '../reports/store.js';
import { type Answer, criteriaFor, validateAnswers } from './criteria.js';
import { hashAccessKey, newAccessKey, nextComplaintCode } from './complaint-code.js';
import { type ComplaintAction, type ComplaintStatus, complaintActionsIn, complaintDeadlines, isComplaintLate, nextComplaintStatus, type RoutingAgency, routeComplaint } from './complaint-rules.js';
import { concernsOf } from './rating-concerns.js';
import type { ComplaintActionInput, ComplaintInput, Rating } from './schemas.js';

type Tx = Transaction<Database>;
type Conn = Db | Tx;

const notFound = (message: string, reason: string) => new DomainError('not_found', 404, message, { reason });

// ───────────────────────────── ratings ─────────────────────────────

export interface RatableDossier {
  id: number;
  code: string;
  checkValue: string;
  status: DossierStatus;
  channel: string;
  ownerId: number | null;
  receivingAgencyId: number;
  procedureName: string;
}

export async function findRatableDossier(db: Conn, code: string): Promise<RatableDossier | undefined> {
  const r = await db
    .selectFrom('dossiers as d')
    .innerJoin('procedure_versions as pv', 'pv.id', 'd.procedure_version_id')
    .select(['d.id', 'd.code', 'd.check_value', 'd.status', 'd.channel', 'd.applicant_account_id', 'd.receiving_agency_id', 'pv.name'])
    .where('d.code', '=', code)
    .executeTakeFirst();
  return r && { id: r.id, code: r.code, checkValue: r.check_value, status: r.status as DossierStatus, channel: r.channel, ownerId: r.applicant_account_id, receivingAgencyId: r.receiving_agency_id, procedureName: r.name };
}

/** The dossier at the kiosk: the check value printed on the receipt proves the person holds it; a wrong one is "not found". */
export async function kioskDossier(db: Conn, code: string, check: string): Promise<RatableDossier> {
  const d = await findRatableDossier(db, code);
  if (!d || d.checkValue !== check.toUpperCase()) throw notFound('no dossier with this code and check value', 'dossier_not_found');
  return d;
}

/** The owner's dossier (or the business they act for); anyone else gets "not found". */
export async function ownedDossier(db: Conn, actor: Actor, code: string): Promise<RatableDossier> {
  const d = await findRatableDossier(db, code);
  if (!d || d.ownerId === null || !ownsResource(actor, { ownerAccountId: d.ownerId })) throw new NotFound(`dossier ${code} not found`);
  return d;
}

export async function findRating(db: Conn, dossierId: number): Promise<Rating | null> {
  const r = await db.selectFrom('ratings').select(['channel', 'rated_at', 'answers', 'comment']).where('dossier_id', '=', dossierId).executeTakeFirst();
  return r ? { channel: r.channel as Rating['channel'], ratedAt: r.rated_at, answers: JSON.parse(r.answers) as Rating['answers'], comment: r.comment } : null;
}

/** Whether the dossier can be rated now, and why not. */
export function ratingState(d: RatableDossier, rating: Rating | null): { canRate: boolean; reason?: string; criteria: string[] } {
  const criteria = criteriaFor(d.channel);
  if (rating) return { canRate: false, reason: 'already_rated', criteria };
  if (d.status !== 'returned' && d.status !== 'refused') return { canRate: false, reason: 'not_finished', criteria };
  return { canRate: true, criteria };
}

/**
 * Records the rating: the ratings row (with the comment) and the dossier's `rated` event (no
 * free text, no personal data) in one transaction, with the officers and steps each
 * dissatisfied answer concerns.
 */
export async function recordRating(db: Db, d: RatableDossier, input: { channel: 'online' | 'kiosk'; answers: Answer[]; comment: string | undefined; accountId: number | null }, now: Date): Promise<Rating> {
  const answers = validateAnswers(input.answers, criteriaFor(d.channel));
  const comment = input.comment?.trim() ? input.comment : null;
  return db.transaction().execute(async (tx) => {
    if (await tx.selectFrom('ratings').select('id').where('dossier_id', '=', d.id).executeTakeFirst()) throw new Conflict('this dossier has already been rated', { reason: 'already_rated' });
    const status = (await tx.selectFrom('dossiers').select('status').where('id', '=', d.id).executeTakeFirstOrThrow()).status;
    if (status !== 'returned' && status !== 'refused') throw new Conflict('a dossier is rated once its result is returned or it is refused', { reason: 'not_finished' });
    const tasks = await tx.selectFrom('dossier_tasks').select(['id', 'kind', 'step_id', 'agency_id', 'assignee_id', 'closed_by', 'status', 'due_at', 'closed_at', 'closed_seq']).where('dossier_id', '=', d.id).orderBy('id').execute();
    const events = await tx.selectFrom('dossier_events').select(['seq', 'type', 'actor_id', 'agency_id']).where('dossier_id', '=', d.id).orderBy('seq').execute();
    const concerns = concernsOf(answers, {
      receivingAgencyId: d.receivingAgencyId,
      tasks: tasks.map((t) => ({ id: t.id, kind: t.kind, stepId: t.step_id, agencyId: t.agency_id, assigneeId: t.assignee_id, closedBy: t.closed_by, status: t.status, dueAt: t.due_at, closedAt: t.closed_at, closedSeq: t.closed_seq })),
      events: events.map((e) => ({ seq: e.seq, type: e.type, actorId: e.actor_id, agencyId: e.agency_id })),
    });
    const { seq } = await appendEvent(tx, d.id, { type: 'rated', at: now, actor: 'applicant', actorId: input.accountId, agencyId: null, payload: { channel: input.channel, answers, concerns } });
    const at = now.toISOString();
    const row = await tx
      .insertInto('ratings')
      .values({ dossier_id: d.id, channel: input.channel, answers: JSON.stringify(answers), comment, rated_at: at, account_id: input.accountId, concerns: JSON.stringify(concerns), dissatisfied_count: answers.filter((a) => !a.satisfied).length, event_seq: seq })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const c of concerns) {
      await tx.insertInto('rating_concerns').values({ rating_id: row.id, dossier_id: d.id, criterion: c.criterion, task_id: c.taskId, step_id: c.stepId, agency_id: c.agencyId, officer_id: c.officerId }).execute();
    }
    return { channel: input.channel, ratedAt: at, answers, comment };
  });
}

export function kioskView(d: RatableDossier, rating: Rating | null) {
  return { code: d.code, procedureName: d.procedureName, statusText: PUBLIC_STATUS[d.status].vi, ...ratingState(d, rating) };
}

// ───────────────────────────── complaints ─────────────────────────────

export interface StoredAttachment {
  sha256: string;
  filename: string;
  mediaType: string;
  size: number;
}

interface AgencyRow extends RoutingAgency {
  name: string;
}

async function agencyByCode(db: Conn, code: string): Promise<AgencyRow | undefined> {
  return db.selectFrom('agencies').select(['id', 'code', 'path', 'name']).where('code', '=', code).executeTakeFirst();
}

async function agencyById(db: Conn, id: number): Promise<AgencyRow> {
  return db.selectFrom('agencies').select(['id', 'code', 'path', 'name']).where('id', '=', id).executeTakeFirstOrThrow();
}

/** Officers who handled a dossier: who received, refused or returned it at the desk, and who held its steps. */
async function officersOfDossier(tx: Tx, dossierId: number): Promise<number[]> {
  const tasks = await tx.selectFrom('dossier_tasks').select(['assignee_id', 'closed_by']).where('dossier_id', '=', dossierId).execute();
  const events = await tx.selectFrom('dossier_events as e').innerJoin('accounts as a', 'a.id', 'e.actor_id').select('e.actor_id').where('e.dossier_id', '=', dossierId).where('a.kind', '=', 'officer').execute();
  const ids = [...tasks.flatMap((t) => [t.assignee_id, t.closed_by]), ...events.map((e) => e.actor_id)].filter((x): x is number => x !== null);
  return [...new Set(ids)];
}

/**
 * Officers whose name is the one the complainant typed (accents and case aside), among those
 * granted on the agency, inside it, or above it (a district leader serving at a ward's desk).
 */
async function officersNamed(tx: Tx, agencyPath: string, name: string): Promise<number[]> {
  const folded = foldVietnamese(name);
  if (!folded) return [];
  const rows = await tx
    .selectFrom('role_grants as g')
    .innerJoin('accounts as o', 'o.id', 'g.account_id')
    .innerJoin('agencies as a', 'a.id', 'g.agency_id')
    .select(['o.id', 'o.full_name'])
    .distinct()
    .where((w) => w.or([w('a.path', 'like', `${agencyPath}%`), w('a.id', 'in', agencyPath.split('/').filter(Boolean).map(Number))]))
    .where('g.revoked_at', 'is', null)
    .where('o.kind', '=', 'officer')
    .execute();
  return rows.filter((r) => foldVietnamese(r.full_name) === folded).map((r) => r.id);
}

export interface FileComplaintDeps {
  db: Db;
  calendar: WorkingCalendar;
}

/** Files a complaint or suggestion: routed, coded, with its deadlines, officers concerned and attachments, in one transaction. */
export async function fileComplaint(deps: FileComplaintDeps, actor: Actor | null, input: ComplaintInput, attachments: StoredAttachment[], now: Date, commitFiles: () => Promise<void> = async () => {}) {
  const { db } = deps;
  if (input.subject === 'dossier' && !input.dossierCode) throw new Invalid('name the dossier (its code and the check value on the receipt)', 'dossierCode', undefined, 'dossier_required');
  if (input.subject === 'procedure' && !input.procedureCode) throw new Invalid('name the procedure', 'procedureCode', undefined, 'procedure_required');
  if (input.subject === 'officer' && !input.dossierCode && !(input.agencyCode && input.officerName)) {
    throw new Invalid('name the agency and the officer, or the dossier they handled', input.agencyCode ? 'officerName' : 'agencyCode', undefined, 'officer_required');
  }
  const filedAt = now.toISOString();
  const { acceptDueAt, answerDueAt } = complaintDeadlines(deps.calendar, now);
  return db.transaction().execute(async (tx) => {
    let dossier: { id: number; receivingAgencyId: number; procedureId: number } | undefined;
    if (input.dossierCode) {
      const d = await tx
        .selectFrom('dossiers as d')
        .innerJoin('procedure_versions as pv', 'pv.id', 'd.procedure_version_id')
        .select(['d.id', 'd.check_value', 'd.applicant_account_id', 'd.receiving_agency_id', 'pv.procedure_id'])
        .where('d.code', '=', input.dossierCode)
        .executeTakeFirst();
      const owner = d?.applicant_account_id != null && actor !== null && ownsResource(actor, { ownerAccountId: d.applicant_account_id });
      // an unknown dossier and a wrong check value look the same: codes cannot be probed
      if (!d || (!owner && d.check_value !== (input.dossierCheck ?? '').toUpperCase())) throw notFound(`no dossier ${input.dossierCode} with this check value`, 'dossier_not_found');
      dossier = { id: d.id, receivingAgencyId: d.receiving_agency_id, procedureId: d.procedure_id };
    }
    const named = input.agencyCode ? await agencyByCode(tx, input.agencyCode) : undefined;
    if (input.agencyCode && !named) throw notFound(`agency ${input.agencyCode} not found`, 'agency_not_found');
    let procedureId: number | null = dossier?.procedureId ?? null;
    let agency: AgencyRow;
    if (dossier) {
      agency = await agencyById(tx, dossier.receivingAgencyId);
    } else if (input.subject === 'procedure') {
      const v = await findVersionInForce(tx, input.procedureCode!, vnDate(now));
      if (!v) throw notFound(`procedure ${input.procedureCode} is not in force`, 'procedure_not_found');
      procedureId = (await tx.selectFrom('procedure_versions').select('procedure_id').where('id', '=', v.id).executeTakeFirstOrThrow()).procedure_id;
      const listed: AgencyRow[] = [];
      for (const code of v.agencyCodes) {
        const a = await agencyByCode(tx, code);
        if (a) listed.push(a);
      }
      const routed = routeComplaint({ subject: 'procedure', procedureAgencies: listed, named: named ?? null });
      if ('missing' in routed) throw new Invalid('this procedure is resolved by many agencies: say which one', 'agencyCode', undefined, 'agency_required');
      agency = routed.agency as AgencyRow;
    } else {
      const routed = routeComplaint({ subject: input.subject === 'officer' ? 'officer' : 'general', named: named ?? null });
      if ('missing' in routed) throw new Invalid('say which agency this is about', 'agencyCode', undefined, 'agency_required');
      agency = routed.agency as AgencyRow;
    }

    const code = await nextComplaintCode(tx, agency, now);
    const accessKey = newAccessKey();
    const complainantAccount = actor && actor.kind !== 'officer' ? actor.accountId : null;
    const row = await tx
      .insertInto('complaints')
      .values({
        code, access_key_hash: hashAccessKey(accessKey), kind: input.kind, subject: input.subject, category: input.category, title: input.title, body: input.body,
        procedure_id: procedureId, dossier_id: dossier?.id ?? null, agency_id: agency.id, filed_agency_id: agency.id, officer_name: input.officerName ?? null,
        complainant_name: input.complainant.name, complainant_email: input.complainant.email ?? null, complainant_phone: input.complainant.phone ?? null, complainant_account_id: complainantAccount,
        public_requested: input.publicAnswer ? 1 : 0, status: 'received', filed_at: filedAt, accept_due_at: acceptDueAt.toISOString(), answer_due_at: answerDueAt.toISOString(),
        decided_at: null, refusal_reason: null, answer_text: null, answer_public: 0, answered_at: null, answered_by: null, rating_satisfied: null, rating_comment: null, rated_at: null, updated_at: filedAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendComplaintEvent(tx, row.id, { type: 'filed', at: filedAt, actorId: complainantAccount, agencyId: agency.id, note: null, detail: null });

    // who it is about never sees it: officers who handled the dossier when conduct is at issue, and the officer named
    const aboutConduct = input.subject === 'officer' || input.category === 'harassment' || input.category === 'attitude';
    const concerned = new Set<number>();
    if (dossier && aboutConduct) for (const id of await officersOfDossier(tx, dossier.id)) concerned.add(id);
    if (input.officerName) for (const id of await officersNamed(tx, agency.path, input.officerName)) concerned.add(id);
    for (const id of concerned) await tx.insertInto('complaint_officers').values({ complaint_id: row.id, account_id: id }).execute();

    // every check has passed: the files go into the store before the rows naming them are committed
    await commitFiles();
    for (const a of attachments) {
      await tx.insertInto('blobs').values({ sha256: a.sha256, size: a.size, media_type: a.mediaType, created_at: filedAt }).onConflict((oc) => oc.column('sha256').doNothing()).execute();
      await tx.insertInto('complaint_attachments').values({ complaint_id: row.id, sha256: a.sha256, filename: a.filename, media_type: a.mediaType, size: a.size }).execute();
    }
    if (dossier) await refreshDossierFacts(tx, dossier.id);
    return { code, accessKey, agency: { code: agency.code, name: agency.name }, acceptDueAt: acceptDueAt.toISOString(), answerDueAt: answerDueAt.toISOString() };
  });
}

async function appendComplaintEvent(tx: Tx, complaintId: number, e: { type: string; at: string; actorId: number | null; agencyId: number | null; note: string | null; detail: Record<string, unknown> | null }): Promise<void> {
  const last = await tx.selectFrom('complaint_events').select((eb) => eb.fn.max('seq').as('seq')).where('complaint_id', '=', complaintId).executeTakeFirst();
  await tx
    .insertInto('complaint_events')
    .values({ complaint_id: complaintId, seq: Number(last?.seq ?? 0) + 1, type: e.type, at: e.at, actor_id: e.actorId, agency_id: e.agencyId, note: e.note, detail: e.detail ? JSON.stringify(e.detail) : null })
    .execute();
}

function complaintQuery(db: Conn) {
  return db
    .selectFrom('complaints as c')
    .innerJoin('agencies as a', 'a.id', 'c.agency_id')
    .leftJoin('procedures as p', 'p.id', 'c.procedure_id')
    .leftJoin('dossiers as d', 'd.id', 'c.dossier_id')
    .selectAll('c')
    .select(['a.code as agency_code', 'a.name as agency_name', 'a.path as agency_path', 'p.national_code', 'd.code as dossier_code']);
}
type ComplaintRow = Awaited<ReturnType<ReturnType<typeof complaintQuery>['executeTakeFirstOrThrow']>>;

async function procedureRef(db: Conn, r: ComplaintRow, day: string): Promise<{ code: string; name: string } | null> {
  if (!r.national_code) return null;
  const v = await db
    .selectFrom('procedure_versions')
    .select('name')
    .where('procedure_id', '=', r.procedure_id!)
    .where('effective_from', '<=', day)
    .orderBy('effective_from', 'desc')
    .executeTakeFirst();
  return { code: r.national_code, name: v?.name ?? r.national_code };
}

const answerOf = (r: ComplaintRow) => (r.answer_text !== null && r.answered_at !== null ? { text: r.answer_text, at: r.answered_at, public: r.answer_public === 1 } : null);
const ratingOf = (r: ComplaintRow) => (r.rating_satisfied !== null && r.rated_at !== null ? { satisfied: r.rating_satisfied === 1, comment: r.rating_comment, at: r.rated_at } : null);
const timing = (r: ComplaintRow) => ({ status: r.status, acceptDueAt: r.accept_due_at, answerDueAt: r.answer_due_at, decidedAt: r.decided_at, answeredAt: r.answered_at });

async function attachmentsOf(db: Conn, complaintId: number) {
  const rows = await db.selectFrom('complaint_attachments').select(['id', 'filename', 'media_type', 'size']).where('complaint_id', '=', complaintId).orderBy('id').execute();
  return rows.map((a) => ({ id: a.id, filename: a.filename, mediaType: a.media_type, size: a.size }));
}

async function byKey(db: Conn, code: string, key: string): Promise<ComplaintRow> {
  const r = await complaintQuery(db).where('c.code', '=', code).executeTakeFirst();
  if (!r || r.access_key_hash !== hashAccessKey(key)) throw notFound('no complaint with this code and access key', 'complaint_not_found');
  return r;
}

/** What the complainant sees with the access key: the whole story told to them, never internal names. */
export async function complainantView(db: Db, code: string, key: string) {
  const r = await byKey(db, code, key);
  const events = await db.selectFrom('complaint_events').select(['type', 'at', 'note']).where('complaint_id', '=', r.id).orderBy('seq').execute();
  const answer = answerOf(r);
  const rating = ratingOf(r);
  return {
    code: r.code, kind: r.kind, subject: r.subject, category: r.category, title: r.title, body: r.body, status: r.status as ComplaintStatus,
    filedAt: r.filed_at, acceptDueAt: r.accept_due_at, answerDueAt: r.answer_due_at, agency: { code: r.agency_code, name: r.agency_name },
    history: events.map((e) => ({ type: e.type, at: e.at, ...(e.note !== null ? { note: e.note } : {}) })),
    ...(answer ? { answer } : {}),
    ...(rating ? { rating } : {}),
    attachments: await attachmentsOf(db, r.id),
    canRate: r.status === 'answered' && rating === null,
  };
}

/** The complainant rates the answer, once. */
export async function rateComplaintAnswer(db: Db, code: string, key: string, input: { satisfied: boolean; comment?: string | undefined }, now: Date) {
  return db.transaction().execute(async (tx) => {
    const r = await byKey(tx, code, key);
    if (r.status !== 'answered') throw new Conflict('the answer can be rated once it is given', { reason: 'not_answered' });
    const at = now.toISOString();
    const u = await tx
      .updateTable('complaints')
      .set({ rating_satisfied: input.satisfied ? 1 : 0, rating_comment: input.comment?.trim() ? input.comment : null, rated_at: at, updated_at: at })
      .where('id', '=', r.id)
      .where('rated_at', 'is', null)
      .executeTakeFirst();
    if (Number(u.numUpdatedRows) !== 1) throw new Conflict('the answer has already been rated', { reason: 'already_rated' });
    await appendComplaintEvent(tx, r.id, { type: 'rated', at, actorId: null, agencyId: null, note: null, detail: { satisfied: input.satisfied } });
    return { satisfied: input.satisfied, comment: input.comment?.trim() ? input.comment : null, at };
  });
}

// ── public ──

const PAGE_SIZE = 20;

function presentPublic(r: ComplaintRow, procedure: { code: string; name: string } | null) {
  return { code: r.code, kind: r.kind, subject: r.subject, category: r.category, title: r.title, body: r.body, procedure, agency: { code: r.agency_code, name: r.agency_name }, filedAt: r.filed_at, answer: answerOf(r)! };
}

/** Publicly answered complaints (the complainant agreed and the agency published the answer): no complainant data. */
export async function publicComplaints(db: Db, filter: { agencyCode?: string | undefined; procedureCode?: string | undefined; page: number }, now: Date) {
  let q = complaintQuery(db).where('c.status', '=', 'answered').where('c.answer_public', '=', 1);
  if (filter.agencyCode) {
    const a = await agencyByCode(db, filter.agencyCode);
    if (!a) throw notFound(`agency ${filter.agencyCode} not found`, 'agency_not_found');
    q = q.where('a.path', 'like', `${a.path}%`);
  }
  if (filter.procedureCode) q = q.where('p.national_code', '=', filter.procedureCode);
  const total = Number((await q.clearSelect().select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await q.orderBy('c.answered_at', 'desc').orderBy('c.id', 'desc').limit(PAGE_SIZE).offset((filter.page - 1) * PAGE_SIZE).execute();
  const day = vnDate(now);
  const items = [];
  for (const r of rows) items.push(presentPublic(r, await procedureRef(db, r, day)));
  return { items, total, page: filter.page, pageSize: PAGE_SIZE };
}

export async function publicComplaint(db: Db, code: string, now: Date) {
  const r = await complaintQuery(db).where('c.code', '=', code).where('c.status', '=', 'answered').where('c.answer_public', '=', 1).executeTakeFirst();
  if (!r) throw notFound(`no public answer for ${code}`, 'complaint_not_found');
  return presentPublic(r, await procedureRef(db, r, vnDate(now)));
}

// ── officers ──

/** Complaints the officer may read: in the agency subtree of a complaint.read grant, never one about themselves. */
function visibleTo(db: Conn, actor: Actor) {
  const scope = scopePaths(actor, 'complaint.read');
  return complaintQuery(db)
    .where((w) => (scope.length === 0 ? sql<boolean>`1 = 0` : w.or(scope.map((p) => w('a.path', 'like', `${p}%`)))))
    .where((w) => w.not(w.exists(w.selectFrom('complaint_officers as co').select('co.account_id').whereRef('co.complaint_id', '=', 'c.id').where('co.account_id', '=', actor.accountId))));
}

export async function workComplaints(db: Db, actor: Actor, filter: { status?: string | undefined; page: number }, now: Date) {
  let q = visibleTo(db, actor);
  if (filter.status) q = q.where('c.status', '=', filter.status);
  const total = Number((await q.clearSelect().select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  // open ones first, oldest first: the law's clock runs from filing
  const rows = await q.orderBy('c.filed_at', 'asc').orderBy('c.id', 'asc').limit(PAGE_SIZE).offset((filter.page - 1) * PAGE_SIZE).execute();
  return {
    items: rows.map((r) => ({ code: r.code, kind: r.kind, subject: r.subject, category: r.category, title: r.title, status: r.status, filedAt: r.filed_at, acceptDueAt: r.accept_due_at, answerDueAt: r.answer_due_at, late: isComplaintLate(timing(r), now), agency: { code: r.agency_code, name: r.agency_name } })),
    total,
    page: filter.page,
    pageSize: PAGE_SIZE,
  };
}

async function visibleComplaint(db: Conn, actor: Actor, code: string): Promise<ComplaintRow> {
  const r = await visibleTo(db, actor).where('c.code', '=', code).executeTakeFirst();
  if (!r) throw notFound(`complaint ${code} not found`, 'complaint_not_found');
  return r;
}

export async function workComplaint(db: Db, actor: Actor, code: string, now: Date) {
  const r = await visibleComplaint(db, actor, code);
  const events = await db
    .selectFrom('complaint_events as e')
    .leftJoin('accounts as o', 'o.id', 'e.actor_id')
    .leftJoin('agencies as a', 'a.id', 'e.agency_id')
    .select(['e.type', 'e.at', 'e.note', 'o.full_name', 'o.kind', 'a.code', 'a.name'])
    .where('e.complaint_id', '=', r.id)
    .orderBy('e.seq')
    .execute();
  const mayHandle = can(actor, 'complaint.handle', { agencyPath: r.agency_path });
  return {
    complaint: r,
    view: {
      code: r.code, kind: r.kind, subject: r.subject, category: r.category, title: r.title, body: r.body, status: r.status,
      filedAt: r.filed_at, acceptDueAt: r.accept_due_at, answerDueAt: r.answer_due_at, late: isComplaintLate(timing(r), now),
      agency: { code: r.agency_code, name: r.agency_name }, procedure: await procedureRef(db, r, vnDate(now)), dossierCode: r.dossier_code, officerName: r.officer_name,
      complainant: { name: r.complainant_name, email: r.complainant_email, phone: r.complainant_phone }, publicRequested: r.public_requested === 1,
      refusalReason: r.refusal_reason, answer: answerOf(r), rating: ratingOf(r), attachments: await attachmentsOf(db, r.id),
      // officers' names only for officers' acts: a complainant's name stays in the complainant block
      history: events.map((e) => ({ type: e.type, at: e.at, note: e.note, actorName: e.kind === 'officer' ? e.full_name : null, agency: e.code && e.name ? { code: e.code, name: e.name } : null })),
      actions: mayHandle ? complaintActionsIn(r.status as ComplaintStatus) : [],
    },
  };
}

export async function complaintAttachment(db: Db, actor: Actor, code: string, id: number) {
  const r = await visibleComplaint(db, actor, code);
  const a = await db.selectFrom('complaint_attachments').selectAll().where('id', '=', id).where('complaint_id', '=', r.id).executeTakeFirst();
  if (!a) throw notFound('attachment not found', 'attachment_not_found');
  return a;
}

const STATUS_VI: Record<ComplaintStatus, string> = { received: 'Đã tiếp nhận', accepted: 'Đã thụ lý', refused: 'Không thụ lý', answered: 'Đã trả lời' };

/** An officer with complaint.handle over the complaint's agency accepts, refuses, answers or transfers it. */
export async function actOnComplaint(db: Db, actor: Actor, code: string, input: ComplaintActionInput, now: Date, publicUrl: string): Promise<{ status: ComplaintStatus }> {
  return db.transaction().execute(async (tx) => {
    const r = await visibleComplaint(tx, actor, code);
    if (!can(actor, 'complaint.handle', { agencyPath: r.agency_path })) throw new Forbidden('only the heads of the responsible agency handle a complaint', { reason: 'not_handler' });
    const action = input.action as ComplaintAction;
    const to = nextComplaintStatus(r.status as ComplaintStatus, action);
    if (!to) throw new Conflict(`a complaint in status ${r.status} cannot be ${action === 'answer' ? 'answered' : `${action}ed`}`, { reason: r.status === 'received' && action === 'answer' ? 'not_accepted' : 'action_not_allowed' });
    const at = now.toISOString();
    const grant = actor.grants.find((g) => can({ ...actor, grants: [g] }, 'complaint.handle', { agencyPath: r.agency_path }));
    const actingAgency = grant?.agencyId ?? r.agency_id;
    let note: string | null = null;
    let detail: Record<string, unknown> | null = null;
    const set: Partial<{ status: string; decided_at: string; refusal_reason: string; answer_text: string; answer_public: number; answered_at: string; answered_by: number; agency_id: number; updated_at: string }> = { status: to, updated_at: at };
    switch (action) {
      case 'accept':
        set.decided_at = at;
        note = input.reason ?? null;
        break;
      case 'refuse':
        if (!input.reason) throw new Invalid('give the reason for not accepting it', 'reason', undefined, 'reason_required');
        set.decided_at = at;
        set.refusal_reason = input.reason;
        note = input.reason;
        break;
      case 'answer': {
        if (!input.answer) throw new Invalid('write the answer', 'answer', undefined, 'answer_required');
        // published only if the complainant agreed; the agency may still keep it private
        const published = r.public_requested === 1 && (input.public ?? true);
        set.answer_text = input.answer;
        set.answer_public = published ? 1 : 0;
        set.answered_at = at;
        set.answered_by = actor.accountId;
        detail = { public: published };
        break;
      }
      case 'transfer': {
        if (!input.agencyCode) throw new Invalid('name the agency to transfer it to', 'agencyCode', undefined, 'agency_required');
        const target = await agencyByCode(tx, input.agencyCode);
        if (!target) throw notFound(`agency ${input.agencyCode} not found`, 'agency_not_found');
        if (target.id === r.agency_id) throw new Conflict('the complaint is already with this agency', { reason: 'same_agency' });
        set.agency_id = target.id;
        note = `Chuyển đến ${target.name}`;
        detail = { from: r.agency_code, to: target.code, reason: input.reason ?? null };
        break;
      }
    }
    const u = await tx.updateTable('complaints').set(set).where('id', '=', r.id).where('status', '=', r.status).where('agency_id', '=', r.agency_id).executeTakeFirst();
    if (Number(u.numUpdatedRows) !== 1) throw new Conflict('the complaint changed at the same time; reload it', { reason: 'concurrent_change' });
    const eventType = { accept: 'accepted', refuse: 'refused', answer: 'answered', transfer: 'transferred' }[action];
    await appendComplaintEvent(tx, r.id, { type: eventType, at, actorId: actor.accountId, agencyId: action === 'transfer' ? (set.agency_id ?? null) : actingAgency, note, detail });
    if (r.complainant_email && action !== 'transfer') {
      const lines = [`Kính gửi Ông/Bà ${r.complainant_name},`, '', `Phản ánh, kiến nghị ${r.code} ("${r.title}") của Ông/Bà: ${STATUS_VI[to]}.`];
      if (action === 'refuse') lines.push(`Lý do: ${input.reason}`);
      if (action === 'accept') lines.push(`Hạn trả lời: ${vnDateTimeText(r.answer_due_at)}.`);
      if (action === 'answer') lines.push('', 'Nội dung trả lời:', input.answer!);
      lines.push('', `Theo dõi tại ${publicUrl}/phan-anh-kien-nghi/${r.code} bằng mã truy cập Ông/Bà nhận được khi gửi.`, r.agency_name);
      await enqueueMail(tx, { to: r.complainant_email, subject: `Phản ánh, kiến nghị ${r.code}: ${STATUS_VI[to]}`, text: lines.join('\n') }, now);
    }
    // the dossier's facts count its complaints and whether they were handled in time
    if (r.dossier_id !== null && (action === 'answer' || action === 'refuse')) await refreshDossierFacts(tx, r.dossier_id);
    return { status: to };
  });
}
