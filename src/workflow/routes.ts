// HTTP routes of the workflow: inboxes, the processing view of a dossier, actions, the control
// slip (form 5), the public view of a procedure's steps, and the template editor's API.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Clock } from '../app.js';
import type { CalendarService } from '../calendar/schedules-store.js';
import { findVersionInForce } from '../catalog/store.js';
import type { Db } from '../db/connect.js';
import { renderControlSlip } from '../documents/forms-pdf.js';
import { DossierCode } from '../dossiers/schemas.js';
import { requireActor, requirePermission } from '../identity/auth-plugin.js';
import { can } from '../identity/permissions.js';
import { isValidIsoDate, vnDate } from '../lib/dates.js';
import { Forbidden, Invalid, NotFound } from '../lib/errors.js';
import type { TimeLimit } from '../catalog/schemas.js';
import type { MailWorker } from '../notify/mail-outbox.js';
import { act, type ActionInput } from './engine.js';
import type { ResultDeps } from '../results/issue.js';
import { EResultBody } from '../results/schemas.js';
import { inbox, taskHistory, workView } from './queries.js';
import { limitHours, STEP_ACTIONS, STEP_KINDS, STEP_ROLES, validateTemplate } from './template.js';
import { assertNoProblems, listTemplateVersions, saveTemplateVersion, templateInForce } from './templates-store.js';

export interface WorkflowRouteDeps {
  db: Db;
  clock: Clock;
  calendar: CalendarService;
  publicUrl: string;
  mail?: MailWorker | undefined;
  /** signed e-results issued by record_result */
  results?: ResultDeps | undefined;
}

const err = { 400: Type.Ref('ErrorResponse'), 401: Type.Ref('ErrorResponse'), 403: Type.Ref('ErrorResponse'), 404: Type.Ref('ErrorResponse'), 409: Type.Ref('ErrorResponse') };
const AgencyCode = Type.String({ pattern: '^[A-Z0-9.]{3,40}$' });
const StepId = Type.String({ pattern: '^[a-z0-9_-]{1,40}$' });
const TaskId = Type.Integer({ minimum: 1 });
const Reason = Type.String({ minLength: 3, maxLength: 2000 });

const ActionBody = Type.Union([
  Type.Object({ action: Type.Literal('claim'), taskId: TaskId }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('assign'), taskId: TaskId, assigneeId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('hand_over'), taskId: TaskId, to: Type.Optional(StepId), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('return'), taskId: TaskId, to: StepId, reason: Reason }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('consult'), taskId: TaskId, agency: AgencyCode, question: Reason, days: Type.Integer({ minimum: 1, maximum: 15 }) }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('answer'), taskId: TaskId, answer: Reason }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('transfer'), taskId: TaskId, agency: AgencyCode, reason: Reason }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('request_supplement'), taskId: TaskId, items: Type.Array(Type.Object({ requirement: Type.String({ pattern: '^[a-z0-9-]{1,60}$' }), reason: Reason }, { additionalProperties: false }), { minItems: 1, maxItems: 30 }) }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('approve'), taskId: TaskId, note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('refuse'), taskId: TaskId, reasons: Type.Array(Reason, { minItems: 1, maxItems: 10 }) }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('record_result'), taskId: TaskId, summary: Reason, documents: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]{10,64}$' }), { minItems: 0, maxItems: 10 })), eResult: Type.Optional(EResultBody) }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('return_result'), taskId: TaskId, method: Type.Enum(['desk', 'post', 'online']) }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('apologise'), reason: Reason, newDueAt: Type.String({ format: 'date-time' }) }, { additionalProperties: false }),
]);

const InboxQuery = Type.Object({
  view: Type.Optional(Type.Enum(['mine', 'unit'])),
  agency: Type.Optional(AgencyCode),
  procedure: Type.Optional(Type.String({ pattern: '^[0-9A-Z.-]{3,40}$' })),
  step: Type.Optional(Type.String({ maxLength: 90 })),
  channel: Type.Optional(Type.Enum(['online', 'in_person', 'post'])),
  urgency: Type.Optional(Type.Enum(['late', 'due_soon', 'on_time'])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
});

const Loose = Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true });
const ProcedureParams = Type.Object({ nationalCode: Type.String({ pattern: '^[0-9A-Z.-]{3,40}$' }) });

/** Time limits of the procedure versions in force on `day` or later. */
async function timeLimitsFrom(db: Db, nationalCode: string, day: string): Promise<TimeLimit[]> {
  const rows = await db
    .selectFrom('procedure_versions as pv')
    .innerJoin('procedures as p', 'p.id', 'pv.procedure_id')
    .select(['pv.time_limit'])
    .where('p.national_code', '=', nationalCode)
    .where((w) => w.or([w('pv.effective_to', 'is', null), w('pv.effective_to', '>', day)]))
    .execute();
  return rows.map((r) => JSON.parse(r.time_limit) as TimeLimit);
}

export const workflowRoutes: FastifyPluginAsyncTypebox<WorkflowRouteDeps> = async (app, deps) => {
  const { db, clock } = deps;
  const tags = ['workflow'];
  const engineDeps = async () => ({ db, calendar: await deps.calendar.current(), publicUrl: deps.publicUrl, results: deps.results });

  app.get('/api/work/inbox', { schema: { tags, summary: 'My inbox (view=mine) or my units\' inbox (view=unit): open tasks sorted late → due within a working day → on time, online priority first, then by due time', querystring: InboxQuery, response: { 200: Loose, ...err } } }, async (req) => {
    const actor = requirePermission(req, 'dossier.process');
    const q = req.query;
    return inbox(db, await deps.calendar.current(), actor, { view: q.view ?? 'unit', agency: q.agency, procedure: q.procedure, step: q.step, channel: q.channel, urgency: q.urgency, limit: q.limit ?? 50, offset: q.offset ?? 0 }, clock.now());
  });

  app.get('/api/work/dossiers/:code', { schema: { tags, summary: 'The processing view of a dossier: steps, tasks with owners, due times, lateness, and the actions I may take', params: Type.Object({ code: DossierCode }), response: { 200: Loose, ...err } } }, async (req, reply) => {
    const actor = requirePermission(req, 'dossier.read');
    reply.header('cache-control', 'private, no-store');
    return workView(db, await deps.calendar.current(), actor, req.params.code, clock.now());
  });

  app.post('/api/work/dossiers/:code/actions', { schema: { tags, summary: 'Act on a dossier: claim, assign, hand over, return, consult, answer, transfer, request a supplement, approve, refuse, record the result, return it, apologise', params: Type.Object({ code: DossierCode }), body: ActionBody, response: { 200: Type.Object({ status: Type.String(), seq: Type.Integer() }), ...err } } }, async (req) => {
    const actor = requireActor(req);
    if (actor.kind !== 'officer') throw new Forbidden('only officers act on dossiers');
    try {
      const r = await act(await engineDeps(), actor, req.params.code, req.body as ActionInput, clock.now());
      deps.mail?.kick();
      return { status: r.status, seq: r.seq };
    } catch (e) {
      // refused attempts are kept in the log: who tried what on which dossier
      if (e instanceof Forbidden) req.log.warn({ actor: actor.accountId, dossier: req.params.code, action: req.body.action, reason: e.message }, 'workflow action refused');
      throw e;
    }
  });

  app.get('/api/work/officers', { schema: { tags, summary: 'Officers whose grant of a role covers an agency (for assigning a step)', querystring: Type.Object({ agency: AgencyCode, role: Type.Enum(STEP_ROLES) }), response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })) }), ...err } } }, async (req) => {
    const a = await db.selectFrom('agencies').select(['id', 'path']).where('code', '=', req.query.agency).executeTakeFirst();
    if (!a) throw new NotFound(`agency ${req.query.agency} not found`);
    requirePermission(req, 'task.assign', { agencyPath: a.path });
    const at = clock.now().toISOString();
    const rows = await db
      .selectFrom('role_grants as g')
      .innerJoin('accounts as o', 'o.id', 'g.account_id')
      .select(['o.id', 'o.full_name'])
      .distinct()
      // granted on the agency or above it: their grant covers it
      .where('g.agency_id', 'in', a.path.split('/').filter(Boolean).map(Number))
      .where('g.role', '=', req.query.role)
      .where('g.revoked_at', 'is', null)
      .where('g.valid_from', '<=', at)
      .where((w) => w.or([w('g.valid_to', 'is', null), w('g.valid_to', '>', at)]))
      .orderBy('o.full_name')
      .execute();
    return { items: rows.map((r) => ({ id: r.id, name: r.full_name })) };
  });

  app.get('/api/dossiers/:code/control-slip', { schema: { tags, summary: 'The process control slip (form 5): a row per hand-over with agencies, officers, times and early/on-time/late; JSON or PDF (format=pdf). For the applicant and officers concerned', params: Type.Object({ code: DossierCode }), querystring: Type.Object({ format: Type.Optional(Type.Enum(['json', 'pdf'])) }), response: { 200: Loose, ...err } } }, async (req, reply) => {
    const actor = requireActor(req);
    const d = await db
      .selectFrom('dossiers as d')
      .innerJoin('agencies as a', 'a.id', 'd.receiving_agency_id')
      .innerJoin('procedure_versions as pv', 'pv.id', 'd.procedure_version_id')
      .select(['d.id', 'd.code', 'd.check_value', 'd.applicant', 'd.applicant_account_id', 'd.workflow_template_id', 'd.procedure_version_id', 'd.received_at', 'd.due_at', 'd.submitted_at', 'd.channel', 'a.name as agency_name', 'a.path as agency_path', 'pv.name as procedure_name'])
      .where('d.code', '=', req.params.code)
      .executeTakeFirst();
    if (!d) throw new NotFound(`dossier ${req.params.code} not found`);
    const cal = await deps.calendar.current();
    const now = clock.now();
    const history = await taskHistory(db, cal, d, now);
    const owner = actor.actingFor ?? actor.accountId;
    const concerned = [d.agency_path, ...history.rows.map((r) => r.agencyPath)];
    const officerIn = concerned.some((p) => can(actor, 'dossier.read', { agencyPath: p }) || can(actor, 'dossier.receive', { agencyPath: p }));
    if (d.applicant_account_id !== owner && !officerIn) throw new NotFound(`dossier ${req.params.code} not found`);
    const receivedEvent = await db.selectFrom('dossier_events as e').leftJoin('accounts as a', 'a.id', 'e.actor_id').select(['e.at', 'a.full_name']).where('e.dossier_id', '=', d.id).where('e.type', '=', 'received').orderBy('e.seq', 'desc').executeTakeFirst();
    const applicant = JSON.parse(d.applicant) as { name: string };
    // steps held by another member (#6) are named by that member's name, as its events reported it
    const peerNames = new Map<string, string>();
    if (history.rows.some((r) => r.remoteMember)) {
      const peerEvents = await db.selectFrom('dossier_events').select('payload').where('dossier_id', '=', d.id).where('type', 'in', ['peer_status', 'peer_step_completed', 'peer_transfer_rejected']).execute();
      for (const e of peerEvents) {
        const p = JSON.parse(e.payload) as { member?: string; memberName?: string };
        if (p.member && p.memberName) peerNames.set(p.member, p.memberName);
      }
    }
    const stepRows = history.rows.filter((r) => r.kind !== 'supplement' && r.outcome !== 'cancelled');
    const lead = stepRows.find((r) => r.kind === 'step')?.agencyName ?? d.agency_name;
    const cooperating = [...new Set(stepRows.map((r) => r.agencyName))].filter((n) => n !== lead);
    const rows = [
      ...(receivedEvent ? [{ step: 'Tiếp nhận hồ sơ', fromAgency: d.channel === 'online' ? 'Trực tuyến' : applicant.name, toAgency: d.agency_name, handedOverAt: d.submitted_at, handedOverBy: applicant.name, receivedBy: receivedEvent.full_name ?? '', dueAt: null, doneAt: receivedEvent.at, result: 'on_time' as const, note: '' }] : []),
      ...stepRows.map((r) => ({ step: r.stepName, fromAgency: r.fromAgencyName ?? '', toAgency: r.agencyName, handedOverAt: r.handedOverAt, handedOverBy: r.handedOverBy ?? '', receivedBy: r.receivedBy ?? '', dueAt: r.dueAt, doneAt: r.doneAt, result: r.result, note: [r.outcome === 'transferred' ? 'Chuyển cơ quan khác' : r.outcome === 'returned' ? 'Trả lại bước trước' : '', r.remoteMember ? `Liên thông: xử lý trên ${peerNames.get(r.remoteMember) ?? `hệ thống ${r.remoteMember}`}` : '', `${r.spentHours} giờ làm việc`].filter(Boolean).join(' · ') })),
    ];
    const slip = { dossierCode: d.code, agencyName: d.agency_name, procedureName: d.procedure_name, applicantName: applicant.name, leadAgency: lead, cooperatingAgencies: cooperating, receivedAt: d.received_at, dueAt: d.due_at, rows };
    if (req.query.format !== 'pdf') return slip;
    const pdf = await renderControlSlip({
      ...slip,
      receivedAt: d.received_at ? new Date(d.received_at) : null,
      dueAt: d.due_at ? new Date(d.due_at) : null,
      rows: rows.map((r) => ({ ...r, handedOverAt: new Date(r.handedOverAt), dueAt: r.dueAt ? new Date(r.dueAt) : null, doneAt: r.doneAt ? new Date(r.doneAt) : null })),
      lookupUrl: `${deps.publicUrl}/tra-cuu?ma=${encodeURIComponent(d.code)}&kiem-tra=${d.check_value}`,
      checkValue: d.check_value,
    });
    reply.header('content-type', 'application/pdf');
    reply.header('content-disposition', `inline; filename="${d.code}-phieu-kiem-soat.pdf"`);
    reply.header('cache-control', 'private, no-store');
    return reply.send(pdf);
  });

  // ---------- templates ----------

  app.get('/api/procedures/:nationalCode/workflow', { schema: { tags, summary: 'The processing steps of a procedure in force today (public): who does what, in how long, and the online priority', params: ProcedureParams, response: { 200: Loose, ...err } } }, async (req) => {
    const day = vnDate(clock.now());
    const v = await findVersionInForce(db, req.params.nationalCode, day);
    if (!v) throw new NotFound(`procedure ${req.params.nationalCode} is not in force`);
    const t = await templateInForce(db, v, day);
    return { templateVersion: t.version, isDefault: t.id === null, onlinePriorityDays: t.definition.onlinePriorityDays ?? 0, steps: t.definition.steps.map((s) => ({ id: s.id, kind: s.kind, name: s.name, nameEn: s.nameEn ?? null, role: s.role, agency: s.agency, budget: s.budget, branches: (s.branches ?? []).map((b) => ({ task: b.task, agency: b.agency, budget: b.budget })) })) };
  });

  app.get('/api/admin/workflows/:nationalCode', { schema: { tags, summary: 'Template versions of a procedure, the one in force, and the vocabulary the editor offers', params: ProcedureParams, response: { 200: Loose, ...err } } }, async (req) => {
    requirePermission(req, 'workflow.edit');
    const day = vnDate(clock.now());
    const v = await findVersionInForce(db, req.params.nationalCode, day);
    if (!v) throw new NotFound(`procedure ${req.params.nationalCode} is not in force`);
    const { versions } = await listTemplateVersions(db, req.params.nationalCode);
    const inForce = await templateInForce(db, v, day);
    return { procedure: { code: v.nationalCode, name: v.name, timeLimit: v.timeLimit }, inForce: { version: inForce.version, definition: inForce.definition }, versions, vocabulary: { kinds: STEP_KINDS, actions: STEP_ACTIONS, roles: STEP_ROLES } };
  });

  const SaveBody = Type.Object({ definition: Loose, effectiveFrom: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), note: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false });
  const ValidateBody = Type.Object({ definition: Loose }, { additionalProperties: false });

  app.post('/api/admin/workflows/:nationalCode/validate', { schema: { tags, summary: 'Check a template without saving it: unreachable steps, steps without an owner, budgets over the legal limit…', params: ProcedureParams, body: ValidateBody, response: { 200: Type.Object({ ok: Type.Boolean(), problems: Type.Array(Type.Object({ field: Type.String(), message: Type.String() })) }), ...err } } }, async (req) => {
    requirePermission(req, 'workflow.edit');
    const limits = await timeLimitsFrom(db, req.params.nationalCode, vnDate(clock.now()));
    if (limits.length === 0) throw new NotFound(`procedure ${req.params.nationalCode} has no version in force today or later`);
    const strictest = limits.reduce((a, b) => (limitHours(b) < limitHours(a) ? b : a));
    const { problems } = validateTemplate(req.body.definition, strictest);
    return { ok: problems.length === 0, problems };
  });

  app.post('/api/admin/workflows/:nationalCode', { bodyLimit: 262_144, schema: { tags, summary: 'Save a new template version from its effective date (today or later); it must fit every procedure version in force from then on. Dossiers in flight keep theirs', params: ProcedureParams, body: SaveBody, response: { 201: Type.Object({ id: Type.Integer(), version: Type.Integer() }), ...err } } }, async (req, reply) => {
    const actor = requirePermission(req, 'workflow.edit');
    const today = vnDate(clock.now());
    // a template cannot be back-dated: dossiers already received were received under another one
    if (!isValidIsoDate(req.body.effectiveFrom) || req.body.effectiveFrom < today) throw new Invalid(`the effective date must be today (${today}) or later`, 'effectiveFrom', undefined, 'effective_date_past');
    const limits = await timeLimitsFrom(db, req.params.nationalCode, req.body.effectiveFrom);
    if (limits.length === 0) throw new NotFound(`procedure ${req.params.nationalCode} has no version in force on or after ${req.body.effectiveFrom}`);
    // the template must fit the strictest time limit among the versions it will serve
    const strictest = limits.reduce((a, b) => (limitHours(b) < limitHours(a) ? b : a));
    const saved = assertNoProblems(await saveTemplateVersion(db, { nationalCode: req.params.nationalCode, definition: req.body.definition, effectiveFrom: req.body.effectiveFrom, note: req.body.note, by: actor.accountId }, strictest, clock.now()));
    return reply.status(201).send(saved);
  });
};
