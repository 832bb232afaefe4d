// The workflow side of the interconnection (#6): a step or a consultation of a dossier crosses to
// an agency another member hosts, is processed there on a mirror of the dossier (its own
// workspace, inboxes and deadlines), and what happens there flows back to the origin, where the
// applicant follows it.
//
// Outbound: syncAfterEvent runs inside every appendEvent/createDossier, after the event's task
// effects, and puts the messages the event causes in the outbox (same transaction: a message
// exists exactly when its cause committed). Inbound: DOSSIER_HANDLERS apply a peer's message as
// events by actor 'peer' (actorId null, agencyId the agency named, payload with the sender and
// message id), through the same appendEvent, so the lifecycle table and the hash chain hold.
//
// Task references: on the side that sent work, the task has remote_member = the peer and
// remote_ref = the peer's own task id (from transfer_accepted / status_change); on the side that
// holds the work, the local task has remote_ref = the sender's task id and detail.peer = { member, ref }.
import type { Transaction } from 'kysely';
import type { WorkingCalendar } from '../calendar/working-time.js';
import { findVersionInForce, getVersionById, type VersionForIntake } from '../catalog/store.js';
import type { Database } from '../db/types.js';
import { newCheckValue } from '../dossiers/dossier-code.js';
import { appendEvent, createDossier, type NewEvent, type NewTask, type TaskEffects } from '../dossiers/event-log.js';
import { type DossierEventType, type DossierStatus, nextStatus, PUBLIC_STATUS } from '../dossiers/lifecycle.js';
import { vnDate } from '../lib/dates.js';
import { Conflict, Invalid, NotFound } from '../lib/errors.js';
import { enqueueMail } from '../notify/mail-outbox.js';
import { calendarFrom } from '../reports/store.js';
import type { AgencyRef } from '../workflow/agency-rules.js';
import { openStepTasks, type StepContext } from '../workflow/engine.js';
import { stepById, type WorkflowDefinition } from '../workflow/template.js';
import { pinnedTemplate, templateInForce } from '../workflow/templates-store.js';
import { enqueueMessage } from './outbox.js';
import type { InboundContext, InboundHandler } from './receive.js';
import type { AttachmentRef, MessageType } from './types.js';
import { interconnectActive } from './active.js';

export type { InboundContext, InboundHandler } from './receive.js';

type Tx = Transaction<Database>;

// ---------- message bodies (as in schemas.ts) ----------

interface SnapshotDocument {
  requirement: string;
  sha256: string;
  filename: string;
  mediaType: string;
  size: number;
}

export interface DossierSnapshot {
  code: string;
  procedure: string;
  procedureName: string;
  receivingAgency: string;
  channel: string;
  submittedAt: string;
  receivedAt: string | null;
  dueAt: string | null;
  applicant: { name: string; citizenId?: string; taxCode?: string; address?: string; phone?: string; email?: string };
  form: Record<string, unknown>;
  documents: SnapshotDocument[];
}

interface TransferTask {
  ref: string;
  kind: 'step' | 'branch';
  stepId: string;
  agency: string;
  role: string;
  dueAt: string | null;
  priority: number;
  fromAgency: string | null;
  reason?: string;
  branchTask?: string;
}
interface TransferBody {
  task: TransferTask;
  dossier: DossierSnapshot;
}
interface ConsultationRequestBody {
  task: { ref: string; stepId: string; agency: string; dueAt: string | null; fromAgency: string | null };
  question: string;
  dossier: DossierSnapshot;
}
interface TransferAcceptedBody {
  taskRef: string;
  peerTask: string;
}
interface TransferRejectedBody {
  taskRef: string;
  code: string;
  reason: string;
}
interface TransferCancelledBody {
  peerTask: string;
  reason: string;
}
interface StatusChangeBody {
  event: { type: string; at: string; agency: string | null; step: string | null; actorRole: string; label: string };
  closed: { peerTask: string; outcome: string; at: string }[];
  opened: { peerTask: string; kind: string; stepId: string; agency: string; role: string; dueAt: string | null }[];
}
type StepOutcome = 'handed_over' | 'approved' | 'result_recorded' | 'refused';
interface StepResultBody {
  peerTask: string;
  outcome: StepOutcome;
  at: string;
  agency: string;
  to: string | null;
  note: string | null;
  summary: string | null;
  reasons: string[];
  eResult: Record<string, unknown> | null;
  documents: { sha256: string; filename: string; mediaType: string; size: number }[];
}
interface ConsultationAnswerBody {
  peerTask: string;
  answer: string;
  at: string;
  agency: string;
}
type ClosedStatus = 'returned' | 'refused' | 'withdrawn';
interface DossierClosedBody {
  status: ClosedStatus;
  at: string;
  reason: string | null;
}

/** A cancel sent before the peer told us its task id names our own task: the peer finds it by remote_ref. */
const ORIGIN_REF = 'origin:';

/** On the side holding work for a peer: who sent it, and their reference. */
interface PeerRequest {
  member: string;
  ref: string;
}

// ---------- small reads ----------

interface TaskRow {
  id: number;
  kind: string;
  step_id: string;
  agency_id: number;
  role: string;
  status: string;
  priority: number;
  due_at: string | null;
  opened_at: string;
  detail: string | null;
  from_agency_id: number | null;
  parent_task_id: number | null;
  remote_member: string | null;
  remote_ref: string | null;
  agency_code: string;
  agency_name: string;
  from_code: string | null;
}

function taskQuery(tx: Tx) {
  return tx
    .selectFrom('dossier_tasks as t')
    .innerJoin('agencies as a', 'a.id', 't.agency_id')
    .leftJoin('agencies as f', 'f.id', 't.from_agency_id')
    .select(['t.id', 't.kind', 't.step_id', 't.agency_id', 't.role', 't.status', 't.priority', 't.due_at', 't.opened_at', 't.detail', 't.from_agency_id', 't.parent_task_id', 't.remote_member', 't.remote_ref', 'a.code as agency_code', 'a.name as agency_name', 'f.code as from_code']);
}

const detailOf = (t: { detail: string | null }): Record<string, unknown> => (t.detail ? (JSON.parse(t.detail) as Record<string, unknown>) : {});
const peerOf = (t: { detail: string | null }): PeerRequest | undefined => {
  const p = detailOf(t).peer as PeerRequest | undefined;
  return p && typeof p.member === 'string' ? p : undefined;
};
const mainStep = (stepId: string) => stepId.split('/')[0]!;

async function agencyByCode(tx: Tx, code: string | null | undefined) {
  if (!code) return undefined;
  return tx.selectFrom('agencies').select(['id', 'code', 'name', 'path', 'level']).where('code', '=', code).executeTakeFirst();
}

/** The member hosting an agency, if it is not us (the host map holds other members' agencies only). */
async function hostOf(tx: Tx, agencyId: number): Promise<string | undefined> {
  const r = await tx.selectFrom('interconnect_agency_hosts').select('member_id').where('agency_id', '=', agencyId).executeTakeFirst();
  return r?.member_id;
}

function withoutNulls(o: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v === 'string' && v !== '')) as Record<string, string>;
}

/** What a peer needs to process the dossier: its data and its documents (their blobs travel as attachments). */
async function snapshotOf(tx: Tx, dossierId: number): Promise<{ snapshot: DossierSnapshot; attachments: AttachmentRef[] }> {
  const d = await tx
    .selectFrom('dossiers as d')
    .innerJoin('agencies as a', 'a.id', 'd.receiving_agency_id')
    .innerJoin('procedure_versions as pv', 'pv.id', 'd.procedure_version_id')
    .innerJoin('procedures as p', 'p.id', 'pv.procedure_id')
    .select(['d.code', 'd.channel', 'd.submitted_at', 'd.received_at', 'd.due_at', 'd.applicant', 'd.form_data', 'a.code as agency_code', 'pv.name as procedure_name', 'p.national_code'])
    .where('d.id', '=', dossierId)
    .executeTakeFirstOrThrow();
  const docs = await tx.selectFrom('dossier_documents').select(['requirement_code', 'sha256', 'filename', 'media_type', 'size']).where('dossier_id', '=', dossierId).where('sha256', 'is not', null).orderBy('id').execute();
  const documents: SnapshotDocument[] = docs.map((x) => ({ requirement: x.requirement_code, sha256: x.sha256!, filename: x.filename ?? `${x.requirement_code}`, mediaType: x.media_type ?? 'application/octet-stream', size: x.size ?? 0 }));
  const applicant = withoutNulls(JSON.parse(d.applicant) as Record<string, unknown>);
  return {
    snapshot: {
      code: d.code, procedure: d.national_code, procedureName: d.procedure_name, receivingAgency: d.agency_code, channel: d.channel, submittedAt: d.submitted_at, receivedAt: d.received_at,
      dueAt: d.due_at, applicant: { ...applicant, name: applicant.name ?? '' }, form: JSON.parse(d.form_data) as Record<string, unknown>, documents,
    },
    attachments: attachmentsOf(documents),
  };
}

function attachmentsOf(docs: { sha256: string; filename: string; mediaType: string; size: number }[]): AttachmentRef[] {
  const seen = new Map<string, AttachmentRef>();
  for (const x of docs) if (!seen.has(x.sha256)) seen.set(x.sha256, { sha256: x.sha256, size: x.size, mediaType: x.mediaType, filename: x.filename });
  return [...seen.values()];
}

// ---------- outbound ----------

/** What an event of ours reads as on the origin's timeline (the origin adds the member's name). */
function statusLabel(type: DossierEventType, agencyName: string): string {
  const what: Partial<Record<DossierEventType, string>> = {
    task_claimed: 'đã nhận xử lý',
    task_assigned: 'đã phân công cán bộ xử lý',
    handed_over: 'đã chuyển bước xử lý',
    approved: 'đã phê duyệt',
    returned_to_step: 'đã trả lại bước trước để xử lý lại',
    consultation_requested: 'đang xin ý kiến cơ quan khác',
    consultation_answered: 'đã nhận được ý kiến',
    transferred: 'đã chuyển cơ quan khác xử lý',
    processing_supplement_requested: 'yêu cầu bổ sung hồ sơ',
    apology_issued: 'đã gửi thư xin lỗi',
    documents_digitised: 'đã số hóa giấy tờ',
  };
  return `${agencyName} ${what[type] ?? 'đã cập nhật hồ sơ'}`;
}

const OUTCOME_OF: Partial<Record<DossierEventType, StepOutcome>> = { handed_over: 'handed_over', approved: 'approved', result_recorded: 'result_recorded', refused: 'refused' };

/** The events that close one of our own dossiers for good, and the status they close it in (dossier_closed). */
const CLOSES: Partial<Record<DossierEventType, ClosedStatus>> = { result_returned: 'returned', refused: 'refused', withdrawn: 'withdrawn' };

/**
 * Puts in the outbox the messages an event causes. Our own dossier: a task opened at an agency
 * another member hosts is sent there (transfer / consultation_request) and marked as held by it;
 * a task held by a peer closed by us is taken back (transfer_cancelled). A mirror: our officers'
 * work is reported to the origin (status_change), and when our part ends or the dossier moves to
 * an agency we do not host, the step's result goes back (step_result). A consultation a peer asked
 * us for, once answered, goes back as consultation_answer. Our own dossier closing for good
 * (returned, refused, withdrawn) is told to every member holding a mirror of it (dossier_closed).
 */
export async function syncAfterEvent(tx: Tx, dossierId: number, _seq: number, e: NewEvent, openedTaskIds: number[], originMember?: string | null): Promise<void> {
  // no interconnection started in this process: nothing is hosted elsewhere (and no query on the hot path)
  if (!interconnectActive()) return;
  const opens = e.tasks?.open ?? [];
  const closeIds = (e.tasks?.close ?? []).map((c) => c.id);
  const origin = originMember !== undefined ? originMember : (await tx.selectFrom('dossiers').select('origin_member').where('id', '=', dossierId).executeTakeFirstOrThrow()).origin_member;
  // fast exit, the usual case (no interconnection, or nothing that crosses): at most two indexed reads
  const candidates = [...new Set(opens.filter((t) => !t.remote?.member && t.kind !== 'supplement').map((t) => t.agencyId))];
  const hosts = candidates.length
    ? new Map((await tx.selectFrom('interconnect_agency_hosts').select(['agency_id', 'member_id']).where('agency_id', 'in', candidates).execute()).map((r) => [r.agency_id, r.member_id]))
    : new Map<number, string>();
  const crossing = closeIds.length
    ? await tx.selectFrom('dossier_tasks').select('id').where('id', 'in', closeIds).where((w) => w.or([w('remote_member', 'is not', null), w('remote_ref', 'is not', null)])).execute()
    : [];
  // our own dossier closing for good: every member that holds or held work of it (its mirrors) is told.
  // A dossier closes once (the terminal statuses take no closing event), so each is told once.
  const closes = origin === null ? CLOSES[e.type] : undefined;
  const holders = closes
    ? (await tx.selectFrom('dossier_tasks').select('remote_member').distinct().where('dossier_id', '=', dossierId).where('remote_member', 'is not', null).orderBy('remote_member').execute()).map((r) => r.remote_member!)
    : [];
  if (hosts.size === 0 && origin === null && crossing.length === 0 && holders.length === 0) return;

  const code = (await tx.selectFrom('dossiers').select('code').where('id', '=', dossierId).executeTakeFirstOrThrow()).code;
  const at = e.at;
  const byPeer = e.actor === 'peer';
  const sender = byPeer ? String(e.payload.member ?? '') : null;
  const opened = openedTaskIds.length ? await taskQuery(tx).where('t.id', 'in', openedTaskIds).execute() : [];
  const closed = closeIds.length ? await taskQuery(tx).where('t.id', 'in', closeIds).execute() : [];

  // 1. tasks opened at agencies other members host
  const handedToPeer: TaskRow[] = [];
  let snapshot: Awaited<ReturnType<typeof snapshotOf>> | undefined;
  for (const t of opened) {
    const host = hosts.get(t.agency_id);
    if (!host || t.remote_member) continue;
    await tx.updateTable('dossier_tasks').set({ remote_member: host }).where('id', '=', t.id).execute();
    t.remote_member = host;
    if (origin !== null && t.kind !== 'consult') {
      // a mirror's dossier moves on to an agency we do not host: the origin takes it from here, on
      // its own clock — our copy of that task has no due time, so it is in no backlog or lateness here
      await tx.updateTable('dossier_tasks').set({ due_at: null }).where('id', '=', t.id).execute();
      t.due_at = null;
      handedToPeer.push(t);
      continue;
    }
    snapshot ??= await snapshotOf(tx, dossierId);
    if (t.kind === 'consult') {
      const body: ConsultationRequestBody = {
        task: { ref: String(t.id), stepId: t.step_id, agency: t.agency_code, dueAt: t.due_at, fromAgency: t.from_code },
        question: String(detailOf(t).question ?? ''),
        dossier: snapshot.snapshot,
      };
      await enqueueMessage(tx, { to: host, type: 'consultation_request', dossierRef: code, body, attachments: snapshot.attachments, createdAt: at });
    } else {
      const d = detailOf(t);
      const body: TransferBody = {
        task: {
          ref: String(t.id), kind: t.kind === 'branch' ? 'branch' : 'step', stepId: t.step_id, agency: t.agency_code, role: t.role, dueAt: t.due_at, priority: t.priority, fromAgency: t.from_code,
          ...(typeof d.transferReason === 'string' ? { reason: d.transferReason } : {}), ...(typeof d.task === 'string' ? { branchTask: d.task } : {}),
        },
        dossier: snapshot.snapshot,
      };
      await enqueueMessage(tx, { to: host, type: 'transfer', dossierRef: code, body, attachments: snapshot.attachments, createdAt: at });
    }
  }

  // 2. work a peer holds, closed here (withdrawn, refused, moved on): take it back — but not from the
  // member whose message closed it, nor from the origin of a mirror (the mirror's remote tasks only mark where the dossier went)
  for (const t of closed) {
    if (!t.remote_member || t.remote_member === sender || t.remote_member === origin) continue;
    const body: TransferCancelledBody = { peerTask: t.remote_ref ?? `${ORIGIN_REF}${t.id}`, reason: reasonOf(e) };
    await enqueueMessage(tx, { to: t.remote_member, type: 'transfer_cancelled', dossierRef: code, body, createdAt: at });
  }
  // 2b. our dossier closed for good: each member holding a mirror of it closes it too (after the
  // cancels above, so a task still open there is first taken back, then the mirror closes). The
  // member whose refusal closed it is told as well: its mirror is refused already and ignores it.
  if (closes) {
    const body: DossierClosedBody = { status: closes, at: at.toISOString(), reason: closes === 'returned' ? null : closeReason(e) };
    for (const m of holders) await enqueueMessage(tx, { to: m, type: 'dossier_closed', dossierRef: code, body, createdAt: at });
  }
  if (byPeer) return;

  // 3. a consultation a peer asked us for, answered by our officer
  const answered = closed.filter((t) => t.kind === 'consult' && !t.remote_member && peerOf(t));
  for (const t of answered) {
    const body: ConsultationAnswerBody = { peerTask: String(t.id), answer: String(e.payload.answer ?? ''), at: at.toISOString(), agency: t.agency_code };
    await enqueueMessage(tx, { to: peerOf(t)!.member, type: 'consultation_answer', dossierRef: code, body, createdAt: at });
  }
  if (origin === null) return;

  // 4. a mirror: report our officers' work to the origin
  const localOpened = opened.filter((t) => !t.remote_member);
  const localClosed = closed.filter((t) => !t.remote_member && !answered.includes(t));
  if (answered.length && localOpened.length === 0 && localClosed.length === 0) return;
  const agency = e.agencyId !== null ? await tx.selectFrom('agencies').select(['code', 'name']).where('id', '=', e.agencyId).executeTakeFirst() : undefined;
  const outcome = OUTCOME_OF[e.type];
  const ends = e.type === 'refused' || (e.type === 'result_recorded' && !localOpened.some((t) => t.kind === 'step'));
  if (handedToPeer.length > 0 || ends) {
    const done = localClosed.find((t) => t.kind === 'step') ?? localClosed[0] ?? closed[0];
    const { documents, eResult } = e.type === 'result_recorded' ? await resultDocuments(tx, e) : { documents: [], eResult: null };
    const body: StepResultBody = {
      peerTask: String(done?.id ?? ''),
      outcome: outcome ?? 'handed_over',
      at: at.toISOString(),
      agency: agency?.code ?? done?.agency_code ?? '',
      to: handedToPeer.length ? mainStep(handedToPeer[0]!.step_id) : null,
      note: typeof e.payload.note === 'string' ? e.payload.note : typeof e.payload.reason === 'string' ? e.payload.reason : null,
      summary: typeof e.payload.summary === 'string' ? e.payload.summary : null,
      reasons: Array.isArray(e.payload.reasons) ? e.payload.reasons.map(String) : [],
      eResult,
      documents,
    };
    await enqueueMessage(tx, { to: origin, type: 'step_result', dossierRef: code, body, attachments: attachmentsOf(documents), createdAt: at });
    return;
  }
  const body: StatusChangeBody = {
    event: { type: e.type, at: at.toISOString(), agency: agency?.code ?? null, step: typeof e.payload.step === 'string' ? e.payload.step : null, actorRole: e.actor, label: statusLabel(e.type, agency?.name ?? '') },
    closed: localClosed.map((t) => ({ peerTask: String(t.id), outcome: (e.tasks?.close ?? []).find((c) => c.id === t.id)?.outcome ?? 'done', at: at.toISOString() })),
    opened: localOpened.map((t) => ({ peerTask: String(t.id), kind: t.kind, stepId: t.step_id, agency: t.agency_code, role: t.role, dueAt: t.due_at })),
  };
  await enqueueMessage(tx, { to: origin, type: 'status_change', dossierRef: code, body, createdAt: at });
}

/** Why a dossier closed (the withdrawal's reason, the refusal's reasons), or null when the event gives none. */
function closeReason(e: NewEvent): string | null {
  const r = typeof e.payload.reason === 'string' ? e.payload.reason : Array.isArray(e.payload.reasons) ? e.payload.reasons.map(String).join('; ') : '';
  return r ? r.slice(0, 2000) : null;
}

function reasonOf(e: NewEvent): string {
  if (typeof e.payload.reason === 'string') return e.payload.reason;
  if (Array.isArray(e.payload.reasons)) return e.payload.reasons.map(String).join('; ');
  return e.type;
}

/** The result documents of a result_recorded event (its uploads, its signed e-result), from the event's payload. */
async function resultDocuments(tx: Tx, e: NewEvent): Promise<{ documents: StepResultBody['documents']; eResult: Record<string, unknown> | null }> {
  const shas = Array.isArray(e.payload.documents) ? e.payload.documents.filter((x): x is string => typeof x === 'string') : [];
  const documents: StepResultBody['documents'] = [];
  for (const sha256 of shas) {
    const u = await tx.selectFrom('uploads').select(['filename', 'media_type', 'size']).where('sha256', '=', sha256).executeTakeFirst();
    const b = u ?? (await tx.selectFrom('blobs').select(['media_type', 'size']).where('sha256', '=', sha256).executeTakeFirst());
    if (b) documents.push({ sha256, filename: u?.filename ?? 'ket-qua', mediaType: b.media_type, size: b.size });
  }
  let eResult: Record<string, unknown> | null = null;
  if (typeof e.payload.eResult === 'string') {
    const r = await tx.selectFrom('e_results').select(['serial', 'evidence_type', 'title', 'pdf_sha256']).where('serial', '=', e.payload.eResult).executeTakeFirst();
    if (r) {
      eResult = { serial: r.serial, evidenceType: r.evidence_type, title: r.title };
      const b = await tx.selectFrom('blobs').select(['media_type', 'size']).where('sha256', '=', r.pdf_sha256).executeTakeFirst();
      if (b) documents.push({ sha256: r.pdf_sha256, filename: `${r.serial}.pdf`, mediaType: b.media_type, size: b.size });
    }
  }
  return { documents, eResult };
}

// ---------- inbound ----------

async function dossierByCode(tx: Tx, code: string | null) {
  const d = code
    ? await tx.selectFrom('dossiers').select(['id', 'code', 'status', 'origin_member', 'priority', 'applicant', 'procedure_version_id', 'workflow_template_id', 'current_step']).where('code', '=', code).executeTakeFirst()
    : undefined;
  if (!d) throw new Conflict(`dossier ${code ?? '(none)'} is not known here`, { reason: 'unknown_dossier' });
  return d;
}

/** Whether the dossier's status still takes a peer's event (a dossier closed meanwhile ignores late news). */
const takes = (status: string, type: DossierEventType) => nextStatus(status as DossierStatus, type, 'peer') !== null;

/**
 * A peer's time (when its officer acted), as we record it: parsed (any offset), never before the
 * task it concerns was opened here and never after our own clock — a peer can neither backdate
 * its work to escape lateness nor date it in the future. An unreadable time is now.
 */
export function peerTime(raw: string, floor: string | null | undefined, now: Date): Date {
  const t = Date.parse(raw);
  let ms = Number.isNaN(t) ? now.getTime() : Math.min(t, now.getTime());
  const f = floor ? Date.parse(floor) : Number.NaN;
  if (!Number.isNaN(f)) ms = Math.max(ms, Math.min(f, now.getTime()));
  return new Date(ms);
}

/**
 * A message about a dossier the sender has no part in is refused as if the dossier were unknown
 * here (receive.ts maps NotFound to unknown_dossier): a stranger learns nothing, not even that it exists.
 */
const notEntitled = (code: string | null) => new NotFound(`dossier ${code ?? '(none)'} is not known here`);

/**
 * The dossier is paused for a supplement and cannot take the peer's step result now: a retryable
 * refusal (unknown_dossier is the protocol's retryable "not now" for a dossier), so the sender
 * tries again later instead of our acknowledging news we dropped.
 */
const pausedHere = (code: string) =>
  new Conflict(`dossier ${code} is paused here for a supplement from the applicant; the step result cannot be applied until it resumes — send it again later`, { reason: 'unknown_dossier' });

function peerEvent(ctx: InboundContext, type: DossierEventType, at: Date, agencyId: number | null, payload: Record<string, unknown>, more: Pick<NewEvent, 'set' | 'tasks'> = {}): NewEvent {
  return { type, at, actor: 'peer', actorId: null, agencyId, payload: { member: ctx.from.id, memberName: ctx.from.name, message: ctx.envelope.id, ...payload }, ...more };
}

/** The peer's blobs are in our store already (the receiver pulled every attachment); their rows let documents reference them. */
async function ensureBlobs(tx: Tx, docs: { sha256: string; size: number; mediaType: string }[], now: Date): Promise<void> {
  for (const d of docs) await tx.insertInto('blobs').values({ sha256: d.sha256, size: d.size, media_type: d.mediaType, created_at: now.toISOString() }).onConflict((oc) => oc.column('sha256').doNothing()).execute();
}

async function reject(ctx: InboundContext, taskRef: string, code: string, reason: string): Promise<void> {
  const body: TransferRejectedBody = { taskRef, code, reason };
  await enqueueMessage(ctx.tx, { to: ctx.from.id, type: 'transfer_rejected', dossierRef: ctx.envelope.dossierRef, body, createdAt: ctx.now });
}

/**
 * Work sent to us (a step, a branch, a consultation): checked against our catalog and host map,
 * then opened on the mirror of the dossier (created on the first one) or, for a consultation asked
 * by a member holding a mirror of our own dossier, on the dossier itself. Answered with our task id.
 */
async function acceptWork(ctx: InboundContext, kind: 'step' | 'branch' | 'consult', task: { ref: string; stepId: string; agency: string; dueAt: string | null; fromAgency: string | null; role?: string; priority?: number }, snap: DossierSnapshot, extra: { reason?: string | undefined; question?: string | undefined; branchTask?: string | undefined }): Promise<void> {
  const { tx, from, now } = ctx;
  const existing = await tx.selectFrom('dossiers').select(['id', 'code', 'status', 'origin_member', 'workflow_template_id', 'procedure_version_id']).where('code', '=', snap.code).executeTakeFirst();
  // a mirror of the sender's dossier takes its work; our own dossier takes only a consultation from a
  // member holding open work of it for us (its officer consults an agency we host); anything else is
  // refused as unknown, so a member cannot write into a dossier it has no part in by knowing its code
  const mirrorOfSender = existing !== undefined && existing.origin_member === from.id;
  if (existing && !mirrorOfSender) {
    const entitled = kind === 'consult' && existing.origin_member === null && (await heldQuery(tx, existing, from.id).where('t.status', '=', 'open').executeTakeFirst()) !== undefined;
    if (!entitled) throw notEntitled(snap.code);
  }
  const receivedDay = vnDate(new Date(snap.receivedAt ?? snap.submittedAt));
  const version: VersionForIntake | undefined = existing ? await getVersionById(tx, existing.procedure_version_id) : ((await findVersionInForce(tx, snap.procedure, receivedDay)) ?? (await findVersionInForce(tx, snap.procedure, vnDate(now))));
  if (!version || version.nationalCode !== snap.procedure) return reject(ctx, task.ref, 'catalog_mismatch', `procedure ${snap.procedure} is not in our catalog`);
  const pinned = existing ? { id: existing.workflow_template_id, definition: await pinnedTemplate(tx, existing, version) } : await templateInForce(tx, version, receivedDay);
  const [main, sub] = task.stepId.split('/');
  const step = stepById(pinned.definition, main!);
  const known = step && (kind === 'consult' ? true : kind === 'branch' ? (step.branches ?? []).some((b) => b.id === sub) : sub === undefined);
  if (!known) return reject(ctx, task.ref, 'catalog_mismatch', `step ${task.stepId} is not in our workflow for procedure ${snap.procedure}`);
  const agency = await agencyByCode(tx, task.agency);
  if (!agency) return reject(ctx, task.ref, 'catalog_mismatch', `agency ${task.agency} is not in our catalog`);
  const host = await hostOf(tx, agency.id);
  if (host) return reject(ctx, task.ref, 'not_hosted_here', `${agency.name} is hosted by ${host}, not by us`);
  const receiving = await agencyByCode(tx, snap.receivingAgency);
  if (!receiving) return reject(ctx, task.ref, 'catalog_mismatch', `agency ${snap.receivingAgency} is not in our catalog`);
  const fromAgency = await agencyByCode(tx, task.fromAgency);

  const peer: PeerRequest = { member: from.id, ref: task.ref };
  const open: NewTask = {
    kind, stepId: task.stepId, agencyId: agency.id, role: kind === 'consult' ? 'specialist' : (task.role ?? step.role), priority: task.priority ?? 0, dueAt: task.dueAt, fromAgencyId: fromAgency?.id ?? null,
    detail: { peer, ...(extra.reason ? { transferReason: extra.reason } : {}), ...(extra.question !== undefined ? { question: extra.question } : {}), ...(extra.branchTask ? { task: extra.branchTask } : {}) },
    remote: { member: null, ref: task.ref },
  };
  const payload = { kind, step: task.stepId, agency: agency.code, fromAgency: task.fromAgency, dueAt: task.dueAt, ...(extra.reason ? { reason: extra.reason } : {}), ...(extra.question !== undefined ? { question: extra.question } : {}) };
  let dossierId: number;
  let seq: number;
  let taskId: number;
  if (!existing) {
    const first = peerEvent(ctx, 'received_from_peer', now, agency.id, payload, { tasks: { open: [open] } });
    const created = await createDossier(
      tx,
      {
        code: snap.code, check_value: newCheckValue(), procedure_version_id: version.id, receiving_agency_id: receiving.id, applicant_account_id: null, applicant: JSON.stringify(snap.applicant),
        channel: snap.channel, form_data: JSON.stringify(snap.form), return_method: 'desk', submitted_at: snap.submittedAt, received_at: snap.receivedAt, due_at: snap.dueAt,
        paused_since: null, supplement_count: 0, register_year: null, register_no: null, closed_at: null, workflow_template_id: pinned.id, current_step: kind === 'step' ? main! : null, origin_member: from.id,
      },
      first,
    );
    dossierId = created.id;
    seq = 1;
    taskId = (await tx.selectFrom('dossier_tasks').select('id').where('dossier_id', '=', dossierId).orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
  } else {
    if (!takes(existing.status, 'received_from_peer')) return reject(ctx, task.ref, 'dossier_closed', `dossier ${snap.code} is ${existing.status} here`);
    // the origin sends the dossier back to us: where the mirror had it go (the origin's agencies) is over
    const left = kind === 'consult' ? [] : await tx.selectFrom('dossier_tasks').select('id').where('dossier_id', '=', existing.id).where('status', '=', 'open').where('remote_member', '=', from.id).execute();
    const r = await appendEvent(tx, existing.id, peerEvent(ctx, 'received_from_peer', now, agency.id, payload, { ...(kind === 'step' ? { set: { current_step: main! } } : {}), tasks: { close: left.map((t) => ({ id: t.id, outcome: 'moved_on' })), open: [open] } }));
    dossierId = existing.id;
    seq = r.seq;
    taskId = r.openedTaskIds[0]!;
  }
  // documents we do not have yet, by their content — only into a mirror of the sender's (our own
  // dossier's documents are ours: a consultation on it brings none in)
  if (!existing || mirrorOfSender) {
    const have = new Set((await tx.selectFrom('dossier_documents').select(['requirement_code', 'sha256']).where('dossier_id', '=', dossierId).execute()).map((x) => `${x.requirement_code}|${x.sha256}`));
    const fresh = snap.documents.filter((x) => !have.has(`${x.requirement}|${x.sha256}`));
    await ensureBlobs(tx, fresh, now);
    for (const x of fresh)
      await tx.insertInto('dossier_documents').values({ dossier_id: dossierId, requirement_code: x.requirement, sha256: x.sha256, filename: x.filename, media_type: x.mediaType, size: x.size, source: 'peer', event_seq: seq, digitised: 1 }).execute();
  }
  const body: TransferAcceptedBody = { taskRef: task.ref, peerTask: String(taskId) };
  await enqueueMessage(tx, { to: from.id, type: 'transfer_accepted', dossierRef: snap.code, body, createdAt: now });
}

async function onTransfer(ctx: InboundContext): Promise<void> {
  const b = ctx.envelope.body as unknown as TransferBody;
  await acceptWork(ctx, b.task.kind, b.task, b.dossier, { reason: b.task.reason, branchTask: b.task.branchTask });
}

async function onConsultationRequest(ctx: InboundContext): Promise<void> {
  const b = ctx.envelope.body as unknown as ConsultationRequestBody;
  await acceptWork(ctx, 'consult', b.task, b.dossier, { question: b.question });
}

/**
 * The tasks of a dossier the member holds for us. On a mirror, the tasks marked as held by its
 * origin only record where the dossier went back to: of those, only a consultation we asked the
 * origin for is really work it holds for us.
 */
function heldQuery(tx: Tx, d: { id: number; origin_member: string | null }, member: string) {
  let q = taskQuery(tx).where('t.dossier_id', '=', d.id).where('t.remote_member', '=', member);
  if (d.origin_member === member) q = q.where('t.kind', '=', 'consult');
  return q;
}

/** Our task the sender holds, by our id (taskRef) or by the sender's id (peerTask, once it told us). */
async function heldBy(tx: Tx, d: { id: number; origin_member: string | null }, member: string, ref: { ours?: string; theirs?: string }): Promise<TaskRow | undefined> {
  let q = heldQuery(tx, d, member);
  if (ref.ours !== undefined) q = q.where('t.id', '=', Number(ref.ours) || 0);
  else q = q.where('t.remote_ref', '=', ref.theirs ?? '');
  return q.executeTakeFirst();
}

/** Whether the member holds (or held) any work of the dossier for us: a party to it, whose late news is ignored rather than refused. */
async function holdsAny(tx: Tx, d: { id: number; origin_member: string | null }, member: string): Promise<boolean> {
  return (await heldQuery(tx, d, member).select('t.id as any_id').limit(1).executeTakeFirst()) !== undefined;
}

async function onTransferAccepted(ctx: InboundContext): Promise<void> {
  const { tx, from } = ctx;
  const b = ctx.envelope.body as unknown as TransferAcceptedBody;
  const d = await dossierByCode(tx, ctx.envelope.dossierRef);
  const t = await heldBy(tx, d, from.id, { ours: b.taskRef });
  if (!t) throw notEntitled(d.code);
  await tx.updateTable('dossier_tasks').set({ remote_ref: b.peerTask }).where('id', '=', t.id).execute();
  // the applicant sees where the dossier went (a dossier closed meanwhile ignores it: the cancel is on its way)
  if (t.status !== 'open' || !takes(d.status, 'peer_status')) return;
  const label = t.kind === 'consult' ? `Đã gửi xin ý kiến liên thông đến ${t.agency_name} (${from.name})` : `Đã chuyển liên thông đến ${t.agency_name} (${from.name})`;
  await appendEvent(tx, d.id, peerEvent(ctx, 'peer_status', ctx.now, t.agency_id, { type: 'transfer_accepted', step: t.step_id, task: t.id, label }));
}

async function onTransferRejected(ctx: InboundContext): Promise<void> {
  const { tx, from, now } = ctx;
  const b = ctx.envelope.body as unknown as TransferRejectedBody;
  const d = await dossierByCode(tx, ctx.envelope.dossierRef);
  const t = await heldBy(tx, d, from.id, { ours: b.taskRef });
  if (!t) throw notEntitled(d.code);
  await reopenRefusedWork(tx, d, t, { member: from.id, memberName: from.name, message: ctx.envelope.id }, { code: b.code, reason: b.reason, label: `${t.agency_name} (${from.name}) từ chối tiếp nhận liên thông` }, now);
}

/**
 * The local effect of work a peer will not take (its transfer_rejected), or that could never be
 * delivered and an operator abandoned: the remote task closes, and a step or branch reopens at the
 * agency that sent it, for its head to decide (another agency, the desk's own processing…); a
 * consultation just ends unanswered. Nothing happens when the task or the dossier has moved on
 * meanwhile. Returns whether it applied.
 */
export async function reopenRefusedWork(
  tx: Tx,
  d: { id: number; status: string },
  t: TaskRow,
  by: { member: string; memberName: string; message: string | null },
  why: { code: string; reason: string; label: string; extra?: Record<string, unknown> },
  at: Date,
): Promise<boolean> {
  if (t.status !== 'open' || !takes(d.status, 'peer_transfer_rejected')) return false;
  const tasks: TaskEffects = { close: [{ id: t.id, outcome: 'rejected_by_peer', status: 'cancelled' }] };
  let set: NewEvent['set'];
  if (t.kind === 'step' || t.kind === 'branch') {
    const back = t.from_agency_id ?? (await tx.selectFrom('dossiers').select('receiving_agency_id').where('id', '=', d.id).executeTakeFirstOrThrow()).receiving_agency_id;
    tasks.open = [{ kind: t.kind, stepId: t.step_id, agencyId: back, role: 'unit_head', priority: t.priority, dueAt: t.due_at, fromAgencyId: t.agency_id, ...(t.parent_task_id !== null ? { parent: { taskId: t.parent_task_id } } : {}), detail: { ...detailOf(t), transferRejected: { member: by.member, code: why.code, reason: why.reason } } }];
    if (t.kind === 'step') set = { current_step: t.step_id };
  }
  await appendEvent(tx, d.id, {
    type: 'peer_transfer_rejected', at, actor: 'peer', actorId: null, agencyId: t.agency_id,
    payload: { member: by.member, memberName: by.memberName, message: by.message, step: t.step_id, task: t.id, code: why.code, reason: why.reason, label: why.label, ...why.extra },
    ...(set ? { set } : {}), tasks,
  });
  return true;
}

/**
 * An operator gives up on a dead `transfer` or `consultation_request` (ops-store.ts): the same
 * local effect as the peer's rejection, with code 'undeliverable', so the step is ours to act on
 * again. Runs in the transaction that marks the message abandoned. Returns whether anything reopened.
 */
export async function abandonUndeliverable(tx: Tx, m: { message_id: string; peer: string; type: string; dossier_ref: string | null; body: string }, peerName: string, by: string, now: Date): Promise<boolean> {
  if ((m.type !== 'transfer' && m.type !== 'consultation_request') || !m.dossier_ref) return false;
  const d = await tx.selectFrom('dossiers').select(['id', 'code', 'status', 'origin_member']).where('code', '=', m.dossier_ref).executeTakeFirst();
  if (!d) return false;
  const ref = (JSON.parse(m.body) as { task?: { ref?: unknown } }).task?.ref;
  if (typeof ref !== 'string') return false;
  const t = await heldBy(tx, d, m.peer, { ours: ref });
  if (!t) return false;
  const what = t.kind === 'consult' ? 'xin ý kiến' : 'hồ sơ';
  return reopenRefusedWork(tx, d, t, { member: m.peer, memberName: peerName, message: m.message_id }, {
    code: 'undeliverable',
    reason: `the ${m.type} could not be delivered to ${m.peer}; abandoned by ${by}`,
    label: `Không gửi được ${what} liên thông đến ${t.agency_name} (${peerName}); việc được trả lại để xử lý tiếp`,
    extra: { abandonedBy: by },
  }, now);
}

async function onTransferCancelled(ctx: InboundContext): Promise<void> {
  const { tx, from, now } = ctx;
  const b = ctx.envelope.body as unknown as TransferCancelledBody;
  const d = await dossierByCode(tx, ctx.envelope.dossierRef);
  let q = taskQuery(tx).where('t.dossier_id', '=', d.id).where('t.remote_member', 'is', null);
  q = b.peerTask.startsWith(ORIGIN_REF) ? q.where('t.remote_ref', '=', b.peerTask.slice(ORIGIN_REF.length)) : q.where('t.id', '=', Number(b.peerTask) || 0);
  const t = (await q.execute()).find((x) => peerOf(x)?.member === from.id);
  // only the member that sent the work takes it back; a party to the dossier whose cancel finds
  // nothing open (we had rejected it, or it was done meanwhile) is acknowledged, anyone else refused
  if (!t && d.origin_member !== from.id && !(await holdsAny(tx, d, from.id))) throw notEntitled(d.code);
  if (!t || t.status !== 'open' || !takes(d.status, 'peer_transfer_cancelled')) return;
  const children = await tx.selectFrom('dossier_tasks').select('id').where('dossier_id', '=', d.id).where('parent_task_id', '=', t.id).where('status', '=', 'open').execute();
  const close = [t, ...children].map((x) => ({ id: x.id, outcome: 'cancelled_by_peer', status: 'cancelled' as const }));
  await appendEvent(tx, d.id, peerEvent(ctx, 'peer_transfer_cancelled', now, t.agency_id, { step: t.step_id, task: t.id, reason: b.reason, label: `${from.name} đã rút lại việc gửi đến ${t.agency_name}` }, { tasks: { close } }));
}

async function onStatusChange(ctx: InboundContext): Promise<void> {
  const { tx, from } = ctx;
  const b = ctx.envelope.body as unknown as StatusChangeBody;
  const d = await dossierByCode(tx, ctx.envelope.dossierRef);
  // only the member holding work of the dossier for us reports on it; news from one whose work here
  // is over (a cancel crossed it) is acknowledged and ignored; anyone else is refused
  const held = await heldQuery(tx, d, from.id).where('t.status', '=', 'open').execute();
  if (held.length === 0) {
    if (await holdsAny(tx, d, from.id)) return;
    throw notEntitled(d.code);
  }
  if (!takes(d.status, 'peer_status')) return;
  // the peer's tasks move here as remote tasks, so the control slip shows each of its steps with its own times
  const close: NonNullable<TaskEffects['close']> = [];
  for (const c of b.closed) {
    const t = held.find((x) => x.remote_ref === c.peerTask);
    if (t && !close.some((x) => x.id === t.id)) close.push({ id: t.id, outcome: c.outcome });
  }
  const open: NewTask[] = [];
  for (const o of b.opened) {
    const a = await agencyByCode(tx, o.agency);
    // the peer's own tasks are at agencies it hosts; it opens nothing at ours or a third member's
    if (!a || (await hostOf(tx, a.id)) !== from.id) continue;
    const kind = (['step', 'branch', 'consult', 'supplement'] as const).find((k) => k === o.kind) ?? 'step';
    open.push({ kind, stepId: o.stepId, agencyId: a.id, role: o.role, priority: d.priority, dueAt: o.dueAt, fromAgencyId: null, remote: { member: from.id, ref: o.peerTask } });
  }
  // the peer's time, within [the latest of its tasks here opened, now]
  const floor = held.map((t) => t.opened_at).reduce<string | null>((m, x) => (m === null || Date.parse(x) > Date.parse(m) ? x : m), null);
  const at = peerTime(b.event.at, floor, ctx.now);
  const agency = await agencyByCode(tx, b.event.agency);
  const step = open.find((t) => t.kind === 'step');
  const label = agency && b.event.label.startsWith(agency.name) ? `${agency.name} (${from.name})${b.event.label.slice(agency.name.length)}` : `${b.event.label} (${from.name})`;
  await appendEvent(tx, d.id, peerEvent(ctx, 'peer_status', at, agency?.id ?? null, { type: b.event.type, step: b.event.step, actorRole: b.event.actorRole, label }, { ...(step ? { set: { current_step: mainStep(step.stepId) } } : {}), tasks: { close, open } }));
}

async function stepContext(tx: Tx, dossierId: number, now: Date): Promise<{ cal: WorkingCalendar; ctx: StepContext; definition: WorkflowDefinition }> {
  const d = await tx
    .selectFrom('dossiers as d')
    .innerJoin('agencies as a', 'a.id', 'd.receiving_agency_id')
    .select(['d.id', 'd.channel', 'd.due_at', 'd.budget_cap_hours', 'd.workflow_template_id', 'd.procedure_version_id', 'a.id as agency_id', 'a.code', 'a.name', 'a.path', 'a.level'])
    .where('d.id', '=', dossierId)
    .executeTakeFirstOrThrow();
  const version = await getVersionById(tx, d.procedure_version_id);
  const definition = await pinnedTemplate(tx, d, version);
  const receiving: AgencyRef = { id: d.agency_id, code: d.code, name: d.name, path: d.path, level: d.level };
  const ctx: StepContext = { dossierId, receiving, version, definition, online: d.channel === 'online', day: vnDate(now), dossierDueAt: d.due_at ? new Date(d.due_at) : null, capHours: d.budget_cap_hours };
  return { cal: await calendarFrom(tx), ctx, definition };
}

async function mailApplicant(tx: Tx, d: { code: string; applicant: string }, status: DossierStatus, extra: string, now: Date): Promise<void> {
  const to = (JSON.parse(d.applicant) as { email?: string | null }).email;
  if (!to) return;
  const s = PUBLIC_STATUS[status];
  await enqueueMail(tx, { to, subject: `Hồ sơ ${d.code}: ${s.vi}`, text: `Hồ sơ ${d.code}: ${s.vi}.${extra}\n\n— Dossier ${d.code}: ${s.en}.` }, now);
}

/**
 * The peer's step is done: our remote task closes at the time the peer reports (so the step's
 * lateness is the peer agency's), and the dossier goes on here — the next step through our
 * template, the result with its documents, or the refusal.
 */
async function onStepResult(ctx: InboundContext): Promise<void> {
  const { tx, from } = ctx;
  const b = ctx.envelope.body as unknown as StepResultBody;
  const d = await dossierByCode(tx, ctx.envelope.dossierRef);
  const t = (await heldBy(tx, d, from.id, { theirs: b.peerTask })) ?? (await heldQuery(tx, d, from.id).where('t.status', '=', 'open').where('t.kind', '=', 'step').orderBy('t.id', 'desc').executeTakeFirst());
  if (!t) {
    // a party to the dossier whose step is over here (a cancel crossed it): late news, acknowledged
    if (await holdsAny(tx, d, from.id)) return;
    throw notEntitled(d.code);
  }
  if (t.status !== 'open') return;
  // paused for a supplement: the result cannot be applied now, but must not be lost — refuse, retryably
  if (d.status === 'processing_supplement') throw pausedHere(d.code);
  // the peer's time, never before its step was opened here nor after now (so lateness is measured honestly)
  const at = peerTime(b.at, t.opened_at, ctx.now);
  const agencyId = (await agencyByCode(tx, b.agency))?.id ?? t.agency_id;
  const { cal, ctx: sctx, definition } = await stepContext(tx, d.id, at);
  const step = stepById(definition, mainStep(t.step_id));
  const base = { step: t.step_id, task: t.id, outcome: b.outcome };
  if (b.outcome === 'refused') {
    // closed for good here (withdrawn, refused, returned…): nothing left to apply it to, and asking
    // again would change nothing — acknowledged and ignored (the cancel of the step is on its way)
    if (!takes(d.status, 'refused')) return;
    const open = await tx.selectFrom('dossier_tasks').select('id').where('dossier_id', '=', d.id).where('status', '=', 'open').execute();
    await appendEvent(tx, d.id, peerEvent(ctx, 'refused', at, agencyId, { ...base, reasons: b.reasons, afterExamination: true, label: `${t.agency_name} (${from.name}) từ chối giải quyết hồ sơ` }, {
      set: { closed_at: at.toISOString(), current_step: null },
      tasks: { close: open.map((x) => ({ id: x.id, outcome: x.id === t.id ? 'refused' : 'cancelled', status: x.id === t.id ? ('done' as const) : ('cancelled' as const) })) },
    }));
    await mailApplicant(tx, d, 'refused', b.reasons.length ? `\nLý do: ${b.reasons.join('; ')}` : '', ctx.now);
    return;
  }
  // handed over / approved with `to: null`: the step's only next step; a result: the step after it
  const target = b.to ?? step?.next[0];
  const next = target ? stepById(definition, target) : undefined;
  if (b.to && !next) throw new Invalid(`step ${b.to} is not in the workflow of dossier ${d.code}`, 'to');
  const open = next ? await openStepTasks(tx, cal, sctx, next, at, t.agency_id, d.priority) : [];
  const close = [{ id: t.id, outcome: b.outcome }];
  if (b.outcome === 'result_recorded') {
    // closed for good (or resolved already): acknowledged and ignored, as above
    if (!takes(d.status, 'result_recorded')) return;
    const r = await appendEvent(tx, d.id, peerEvent(ctx, 'result_recorded', at, agencyId, { ...base, summary: b.summary ?? '', documents: b.documents.map((x) => x.sha256), ...(b.eResult ? { eResult: b.eResult } : {}), label: `${t.agency_name} (${from.name}) đã có kết quả giải quyết` }, {
      set: { result_at: at.toISOString(), current_step: next?.id ?? null },
      tasks: { close, open },
    }));
    await ensureBlobs(tx, b.documents, ctx.now);
    for (const x of b.documents) await tx.insertInto('dossier_documents').values({ dossier_id: d.id, requirement_code: 'result', sha256: x.sha256, filename: x.filename, media_type: x.mediaType, size: x.size, source: 'result', event_seq: r.seq, digitised: 1 }).execute();
    await mailApplicant(tx, d, 'resolved', b.summary ? `\nKết quả: ${b.summary}` : '', ctx.now);
    return;
  }
  if (!next) throw new Invalid(`the step ${t.step_id} of dossier ${d.code} has no next step to go on to`, 'to');
  // closed for good: acknowledged and ignored, as above
  if (!takes(d.status, 'peer_step_completed')) return;
  const stepName = step?.name ?? t.step_id;
  await appendEvent(tx, d.id, peerEvent(ctx, 'peer_step_completed', at, agencyId, { ...base, to: next.id, note: b.note, toAgency: open[0]?.agencyId ?? null, dueAt: open[0]?.dueAt ?? null, label: `${t.agency_name} (${from.name}) đã xử lý xong bước "${stepName}"` }, {
    set: { current_step: next.id },
    tasks: { close, open },
  }));
}

async function onConsultationAnswer(ctx: InboundContext): Promise<void> {
  const { tx, from } = ctx;
  const b = ctx.envelope.body as unknown as ConsultationAnswerBody;
  const d = await dossierByCode(tx, ctx.envelope.dossierRef);
  const t = await heldBy(tx, d, from.id, { theirs: b.peerTask });
  if (!t && !(await holdsAny(tx, d, from.id))) throw notEntitled(d.code);
  if (!t || t.status !== 'open' || t.kind !== 'consult' || !takes(d.status, 'consultation_answered')) return;
  // the peer's time, within [our request, now]; late against OUR due time for the answer, as instants
  const at = peerTime(b.at, t.opened_at, ctx.now);
  const late = t.due_at !== null && at.getTime() > Date.parse(t.due_at);
  const detail = { ...detailOf(t), answer: b.answer, late };
  await appendEvent(tx, d.id, peerEvent(ctx, 'consultation_answered', at, t.agency_id, { task: t.id, step: t.step_id, answer: b.answer, late, kind: t.kind, label: `${t.agency_name} (${from.name}) đã trả lời xin ý kiến` }, {
    tasks: { update: [{ id: t.id, detail }], close: [{ id: t.id, outcome: late ? 'answered_late' : 'answered' }] },
  }));
}

const CLOSED_EVENT: Record<ClosedStatus, DossierEventType> = { returned: 'peer_closed_returned', refused: 'peer_closed_refused', withdrawn: 'peer_closed_withdrawn' };
const CLOSED_LABEL: Record<ClosedStatus, string> = { returned: 'đã trả kết quả, hồ sơ kết thúc', refused: 'đã từ chối giải quyết, hồ sơ kết thúc', withdrawn: 'công dân đã rút hồ sơ, hồ sơ kết thúc' };

/**
 * The origin's dossier closed for good (returned, refused, withdrawn): our mirror of it closes in
 * the same status, every task still open on it ends (outcome closed_at_origin), and it leaves our
 * lists and in-progress counts. Only the mirror's origin may say so.
 */
async function onDossierClosed(ctx: InboundContext): Promise<void> {
  const { tx, from } = ctx;
  const b = ctx.envelope.body as unknown as DossierClosedBody;
  const d = await dossierByCode(tx, ctx.envelope.dossierRef);
  // a mirror of the sender's only: our own dossier, or another member's mirror, is refused as unknown
  if (d.origin_member !== from.id) throw notEntitled(d.code);
  const type = CLOSED_EVENT[b.status];
  // closed for good here already — a redelivery, or our own refusal, which is what closed the
  // origin's dossier: nothing left to close, and refusing would only make the origin retry; acknowledged and ignored
  if (!takes(d.status, type)) return;
  const open = await tx.selectFrom('dossier_tasks').select('id').where('dossier_id', '=', d.id).where('status', '=', 'open').execute();
  // the origin's time, never before our mirror's last event (the chain stays in order) nor after now
  const last = await tx.selectFrom('dossier_events').select('at').where('dossier_id', '=', d.id).orderBy('seq', 'desc').executeTakeFirst();
  const at = peerTime(b.at, last?.at, ctx.now);
  await appendEvent(tx, d.id, peerEvent(ctx, type, at, null, { status: b.status, reason: b.reason, label: `${from.name} ${CLOSED_LABEL[b.status]}` }, {
    set: { closed_at: at.toISOString(), current_step: null },
    tasks: { close: open.map((x) => ({ id: x.id, outcome: 'closed_at_origin', status: 'cancelled' as const })) },
  }));
}

/** Inbound handlers for the dossier messages; receive.ts adds them to its own. */
export const DOSSIER_HANDLERS: Partial<Record<MessageType, InboundHandler>> = {
  transfer: onTransfer,
  consultation_request: onConsultationRequest,
  transfer_accepted: onTransferAccepted,
  transfer_rejected: onTransferRejected,
  transfer_cancelled: onTransferCancelled,
  status_change: onStatusChange,
  step_result: onStepResult,
  consultation_answer: onConsultationAnswer,
  dossier_closed: onDossierClosed,
};
