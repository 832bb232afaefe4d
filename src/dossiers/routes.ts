// HTTP routes of dossiers: uploads, drafts, online submission and tracking for applicants;
// intake, decisions, forms and the register for the desk; the public look-up.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import QRCode from 'qrcode';
import Type from 'typebox';
import type { Clock } from '../app.js';
import type { CalendarService } from '../calendar/schedules-store.js';
import type { Db } from '../db/connect.js';
import type { BlobStore } from '../documents/blob-store.js';
import { renderApology, renderReceipt, renderRefusal, renderSupplementRequest } from '../documents/forms-pdf.js';
import { acceptUpload } from '../documents/uploads.js';
import { recordAccess } from '../identity/access-log.js';
import { requireActor, requirePermission } from '../identity/auth-plugin.js';
import { can, scopePaths } from '../identity/permissions.js';
import { Forbidden, Invalid, NotFound } from '../lib/errors.js';
import type { MailWorker } from '../notify/mail-outbox.js';
import { type IntakeDeps, deskDecide, deskReceiveSupplement, digitiseDocument, provideSupplement, registerAtDesk, submitOnline, withdraw } from './intake.js';
import { languageOf } from './form-validation.js';
import { dossierDetail, findDossierRow, listDeskDossiers, listOwnDossiers, publicLookup, registerRows } from './queries.js';
import { DeskDecision, DeskIntakeRequest, DocumentInput, DossierCode, DossierDetail, DossierList, PublicLookup, Register, SubmitRequest, SubmitResponse, UploadResponse } from './schemas.js';
import { STATUSES } from './lifecycle.js';

export interface DossierDeps {
  db: Db;
  clock: Clock;
  calendar: CalendarService;
  blobs: BlobStore;
  publicUrl: string;
  uploadLimit: number;
  mail?: MailWorker | undefined;
}

const err = { 400: Type.Ref('ErrorResponse'), 401: Type.Ref('ErrorResponse'), 403: Type.Ref('ErrorResponse'), 404: Type.Ref('ErrorResponse'), 409: Type.Ref('ErrorResponse') };
const CodeParams = Type.Object({ code: DossierCode });
const FORM_NAMES = ['receipt', 'supplement', 'refusal', 'apology'] as const;
const METHOD_VI: Record<string, string> = { desk: 'Tại Bộ phận Một cửa', post: 'Qua dịch vụ bưu chính công ích', online: 'Trực tuyến' };
const FORM_VI: Record<string, string> = { original: 'Bản chính', copy: 'Bản sao', certified_copy: 'Bản sao có chứng thực', original_or_copy: 'Bản chính hoặc bản sao', presented: 'Xuất trình bản chính' };

function timeLimitVi(t: { value: number; unit: string }): string {
  if (t.value === 0) return 'Trong ngày làm việc';
  const unit = { working_days: 'ngày làm việc', days: 'ngày', working_hours: 'giờ làm việc', hours: 'giờ', months: 'tháng' }[t.unit] ?? t.unit;
  return `${String(t.value).padStart(2, '0')} ${unit}`;
}

export const dossierRoutes: FastifyPluginAsyncTypebox<DossierDeps> = async (app, deps) => {
  const { db, clock } = deps;
  const tags = ['dossiers'];
  const intake = async (): Promise<IntakeDeps> => ({ db, publicUrl: deps.publicUrl, dueDates: await deps.calendar.current() });
  const lookupUrl = (code: string, check: string) => `${deps.publicUrl}/tra-cuu?ma=${encodeURIComponent(code)}&kiem-tra=${check}`;

  /** A dossier the caller may read: its applicant (or acting business), or an officer whose scope covers its agency (logged). */
  async function readable(req: Parameters<typeof requireActor>[0], code: string) {
    const actor = requireActor(req);
    const r = await findDossierRow(db, code);
    if (!r) throw new NotFound(`dossier ${code} not found`);
    const owner = actor.actingFor ?? actor.accountId;
    if (r.applicant_account_id !== null && r.applicant_account_id === owner) return { actor, r, asOfficer: false };
    // officers of the receiving agency's scope, and of every agency that holds or held a step of it (consulted, transferred, group members)
    const involved = async () => {
      const rows = await db.selectFrom('dossier_tasks as t').innerJoin('agencies as a', 'a.id', 't.agency_id').select('a.path').distinct().where('t.dossier_id', '=', r.id).execute();
      return rows.some((x) => can(actor, 'dossier.read', { agencyPath: x.path }));
    };
    if (can(actor, 'dossier.read', { agencyPath: r.agency_path }) || can(actor, 'dossier.receive', { agencyPath: r.agency_path }) || (actor.kind === 'officer' && (await involved()))) {
      await recordAccess(db, req, actor, { action: 'dossier.read', subjectAccountId: r.applicant_account_id, resourceType: 'dossier', resourceId: r.code, purpose: 'xử lý hồ sơ' }, clock.now());
      return { actor, r, asOfficer: true };
    }
    throw new NotFound(`dossier ${code} not found`);
  }

  // ---------- files ----------

  app.post('/api/uploads', { schema: { tags, summary: 'Upload one file (multipart field "file"): PDF, JPEG or PNG by content, within the size limit', consumes: ['multipart/form-data'], response: { 201: UploadResponse, ...err, 413: Type.Ref('ErrorResponse') } }, bodyLimit: deps.uploadLimit + 65_536 }, async (req, reply) => {
    const actor = requireActor(req);
    // applicants upload their papers; the desk scans paper ones; processing officers upload results
    if (actor.kind === 'officer' && !actor.grants.some((g) => ['desk_officer', 'specialist', 'unit_head', 'agency_leader'].includes(g.role))) throw new Forbidden('only applicants and officers who process dossiers upload files');
    const file = await req.file({ limits: { fileSize: deps.uploadLimit + 1, files: 1, fields: 5 } }).catch(() => undefined);
    if (!file) throw new Invalid('send one file in the multipart field "file"', 'file');
    const upload = await acceptUpload(db, deps.blobs, actor.accountId, file.filename, file.file, deps.uploadLimit, clock.now());
    return reply.status(201).send(upload);
  });

  app.get('/api/dossiers/:code/documents/:id', { schema: { tags, summary: 'Download a document of a dossier (applicant, or officer in scope: logged)', params: Type.Object({ code: DossierCode, id: Type.Integer({ minimum: 1 }) }), response: { 404: Type.Ref('ErrorResponse'), 401: Type.Ref('ErrorResponse') } } }, async (req, reply) => {
    const { r, asOfficer } = await readable(req, req.params.code);
    const doc = await db.selectFrom('dossier_documents').selectAll().where('id', '=', req.params.id).where('dossier_id', '=', r.id).executeTakeFirst();
    if (!doc?.sha256) throw new NotFound('document not found');
    // the applicant gets the result when it is returned (online, at the desk or by post), not before
    if (!asOfficer && doc.source === 'result' && r.status !== 'returned') throw new Forbidden('the result is available once it is returned', { reason: 'result_not_returned' });
    reply.header('content-type', doc.media_type ?? 'application/octet-stream');
    reply.header('content-disposition', `inline; filename="document-${doc.id}${doc.media_type === 'application/pdf' ? '.pdf' : doc.media_type === 'image/png' ? '.png' : '.jpg'}"`);
    reply.header('cache-control', 'private, no-store');
    return reply.send(deps.blobs.read(doc.sha256));
  });

  // ---------- drafts ----------

  const DraftParams = Type.Object({ procedure: Type.String({ pattern: '^[0-9A-Z.-]{3,40}$' }) });
  const Draft = Type.Object({ agency: Type.Optional(Type.String({ maxLength: 40 })), form: Type.Record(Type.String(), Type.Unknown()), documents: Type.Array(DocumentInput, { maxItems: 50 }), returnMethod: Type.Optional(Type.String({ maxLength: 20 })) }, { additionalProperties: false });
  app.get('/api/me/drafts/:procedure', { schema: { tags, summary: 'My saved draft for a procedure', params: DraftParams, response: { 200: Type.Object({ draft: Type.Union([Draft, Type.Null()]), updatedAt: Type.Union([Type.String(), Type.Null()]) }), ...err } } }, async (req) => {
    const actor = requireActor(req);
    const row = await db.selectFrom('drafts').selectAll().where('owner_account_id', '=', actor.actingFor ?? actor.accountId).where('procedure_code', '=', req.params.procedure).executeTakeFirst();
    return row ? { draft: JSON.parse(row.content) as never, updatedAt: row.updated_at } : { draft: null, updatedAt: null };
  });
  app.put('/api/me/drafts/:procedure', { bodyLimit: 262_144, schema: { tags, summary: 'Save (replace) my draft for a procedure', params: DraftParams, body: Draft, response: { 200: Type.Object({ updatedAt: Type.String() }), ...err } } }, async (req) => {
    const actor = requireActor(req);
    const at = clock.now().toISOString();
    const values = { owner_account_id: actor.actingFor ?? actor.accountId, procedure_code: req.params.procedure, content: JSON.stringify(req.body), updated_at: at };
    await db.insertInto('drafts').values(values).onConflict((oc) => oc.columns(['owner_account_id', 'procedure_code']).doUpdateSet({ content: values.content, updated_at: at })).execute();
    return { updatedAt: at };
  });

  // ---------- applicant ----------

  app.post('/api/dossiers', { bodyLimit: 262_144, schema: { tags, summary: 'Submit a dossier online. Requires an Idempotency-Key header: a retried request returns the same dossier', body: SubmitRequest, headers: Type.Object({ 'idempotency-key': Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' }) }), response: { 201: SubmitResponse, 200: SubmitResponse, ...err } } }, async (req, reply) => {
    const actor = requireActor(req);
    if (actor.kind === 'officer') throw new Forbidden('officers register paper dossiers at the desk (POST /api/desk/intake)');
    const result = await submitOnline(await intake(), actor, req.body, req.headers['idempotency-key'], clock.now(), languageOf(req.headers['accept-language']));
    deps.mail?.kick();
    return reply.status(result.created ? 201 : 200).send({ code: result.code, created: result.created });
  });

  app.get('/api/me/dossiers', { schema: { tags, summary: 'My dossiers (or those of the business I act for)', response: { 200: DossierList, ...err } } }, async (req) => {
    const actor = requireActor(req);
    return { items: await listOwnDossiers(db, actor.actingFor ?? actor.accountId) };
  });

  app.get('/api/me/results', { schema: { tags, summary: 'My results (e-results of my returned dossiers, and of the business I act for)', response: { 200: Type.Object({ items: Type.Array(Type.Object({ dossierCode: Type.String(), procedureName: Type.String(), documentId: Type.Integer(), filename: Type.Union([Type.String(), Type.Null()]), mediaType: Type.Union([Type.String(), Type.Null()]), returnedAt: Type.Union([Type.String(), Type.Null()]) })) }), ...err } } }, async (req) => {
    const actor = requireActor(req);
    const rows = await db
      .selectFrom('dossier_documents as dd')
      .innerJoin('dossiers as d', 'd.id', 'dd.dossier_id')
      .innerJoin('procedure_versions as pv', 'pv.id', 'd.procedure_version_id')
      .select(['d.code', 'pv.name', 'dd.id', 'dd.filename', 'dd.media_type', 'd.closed_at'])
      .where('d.applicant_account_id', '=', actor.actingFor ?? actor.accountId)
      .where('d.status', '=', 'returned')
      .where('dd.source', '=', 'result')
      .orderBy('d.closed_at', 'desc')
      .limit(500)
      .execute();
    return { items: rows.map((x) => ({ dossierCode: x.code, procedureName: x.name, documentId: x.id, filename: x.filename, mediaType: x.media_type, returnedAt: x.closed_at })) };
  });

  app.get('/api/dossiers/:code', { schema: { tags, summary: 'A dossier with its documents and timeline (its applicant, or an officer in scope: logged)', params: CodeParams, response: { 200: DossierDetail, ...err } } }, async (req, reply) => {
    const { r } = await readable(req, req.params.code);
    reply.header('cache-control', 'private, no-store');
    return dossierDetail(db, r);
  });

  app.post('/api/me/dossiers/:code/supplement', { schema: { tags, summary: 'Answer a supplement request with the missing documents', params: CodeParams, body: Type.Object({ documents: Type.Array(DocumentInput, { minItems: 1, maxItems: 50 }) }, { additionalProperties: false }), response: { 200: Type.Object({ status: Type.String() }), ...err } } }, async (req) => {
    const actor = requireActor(req);
    const status = await provideSupplement(await intake(), actor, req.params.code, req.body.documents, clock.now());
    return { status };
  });

  app.post('/api/me/dossiers/:code/withdraw', { schema: { tags, summary: 'Withdraw my dossier before a decision', params: CodeParams, body: Type.Object({ reason: Type.String({ minLength: 3, maxLength: 1000 }) }, { additionalProperties: false }), response: { 200: Type.Object({ status: Type.String() }), ...err } } }, async (req) => {
    const actor = requireActor(req);
    return { status: await withdraw(await intake(), actor, req.params.code, req.body.reason, clock.now()) };
  });

  // ---------- forms (PDF) ----------

  app.get('/api/dossiers/:code/forms/:form', { schema: { tags, summary: 'Form 1 (receipt), 2 (supplement request), 3 (refusal) or 4 (apology and new date) as an A5 PDF', params: Type.Object({ code: DossierCode, form: Type.Enum(FORM_NAMES) }), response: { 404: Type.Ref('ErrorResponse'), 401: Type.Ref('ErrorResponse') } } }, async (req, reply) => {
    const { r } = await readable(req, req.params.code);
    const events = await db.selectFrom('dossier_events as e').leftJoin('accounts as a', 'a.id', 'e.actor_id').select(['e.type', 'e.at', 'e.payload', 'a.full_name']).where('e.dossier_id', '=', r.id).orderBy('e.seq', 'desc').execute();
    const applicant = JSON.parse(r.applicant) as { name: string; address?: string; phone?: string; email?: string };
    const common = { agencyName: r.agency_name, dossierCode: r.code, procedureName: r.procedure_name, lookupUrl: lookupUrl(r.code, r.check_value), checkValue: r.check_value };
    const content = JSON.parse(r.content) as { documents: { code: string; name: string; form: string; count: number }[] };
    let pdf: Buffer;
    if (req.params.form === 'receipt') {
      const ev = events.find((e) => e.type === 'received');
      if (!ev) throw new NotFound('this dossier has no receipt');
      const docs = await db.selectFrom('dossier_documents').select('requirement_code').where('dossier_id', '=', r.id).execute();
      const codes = new Set(docs.map((d) => d.requirement_code));
      pdf = await renderReceipt({
        ...common,
        applicant: { name: applicant.name, ...(applicant.address ? { address: applicant.address } : {}), ...(applicant.phone ? { phone: applicant.phone } : {}), ...(applicant.email ? { email: applicant.email } : {}) },
        documents: content.documents.filter((d) => codes.has(d.code)).map((d) => ({ name: d.name, form: FORM_VI[d.form] ?? d.form, count: d.count })),
        setCount: 1,
        timeLimitText: timeLimitVi(JSON.parse(r.time_limit) as { value: number; unit: string }),
        receivedAt: new Date(ev.at),
        dueAt: new Date(r.due_at!),
        returnMethod: METHOD_VI[r.return_method] ?? r.return_method,
        registerBook: String(r.register_year),
        registerEntry: r.register_no!,
        officerName: ev.full_name ?? '',
      });
    } else if (req.params.form === 'apology') {
      const ev = events.find((e) => e.type === 'apology_issued');
      if (!ev) throw new NotFound('this dossier has no apology');
      const p = JSON.parse(ev.payload) as { reason: string; oldDueAt: string; newDueAt: string; agency: number };
      const by = await db.selectFrom('agencies').select('name').where('id', '=', p.agency).executeTakeFirst();
      pdf = await renderApology({ ...common, agencyName: by?.name ?? r.agency_name, addressee: applicant.name, receivedAt: new Date(r.received_at!), originalDueAt: new Date(p.oldDueAt), newDueAt: new Date(p.newDueAt), reason: p.reason, officerName: ev.full_name ?? '', issuedAt: new Date(ev.at) });
    } else if (req.params.form === 'supplement') {
      const ev = events.find((e) => e.type === 'supplement_requested' || e.type === 'processing_supplement_requested');
      if (!ev) throw new NotFound('this dossier has no supplement request');
      const items = (JSON.parse(ev.payload) as { items: { requirement: string; reason: string }[] }).items;
      pdf = await renderSupplementRequest({ ...common, addressee: applicant.name, receivedAt: new Date(r.submitted_at), items: items.map((i) => ({ name: content.documents.find((d) => d.code === i.requirement)?.name ?? i.requirement, reason: i.reason })), officerName: ev.full_name ?? '', issuedAt: new Date(ev.at) });
    } else {
      const ev = events.find((e) => e.type === 'refused');
      if (!ev) throw new NotFound('this dossier was not refused');
      pdf = await renderRefusal({ ...common, addressee: applicant.name, reasons: (JSON.parse(ev.payload) as { reasons: string[] }).reasons, officerName: ev.full_name ?? '', issuedAt: new Date(ev.at) });
    }
    reply.header('content-type', 'application/pdf');
    reply.header('content-disposition', `inline; filename="${r.code}-${req.params.form}.pdf"`);
    reply.header('cache-control', 'private, no-store');
    return reply.send(pdf);
  });

  // ---------- public look-up ----------

  const LookupQuery = Type.Object({ code: DossierCode, check: Type.String({ pattern: '^[2-9A-Za-z]{6}$' }) });
  // the check value makes codes unguessable; the limit makes guessing it slow too (per process, per IP)
  const lookupLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };
  app.get('/api/lookup', { config: lookupLimit, schema: { tags, summary: 'Public look-up by dossier code and the check value printed on the receipt (no personal data)', querystring: LookupQuery, response: { 200: PublicLookup, ...err } } }, async (req) => publicLookup(db, req.query.code, req.query.check));

  app.get('/api/lookup/qr', { config: lookupLimit, schema: { tags, summary: 'QR code (PNG) of the public look-up link of a dossier', querystring: LookupQuery, response: { 404: Type.Ref('ErrorResponse') } } }, async (req, reply) => {
    await publicLookup(db, req.query.code, req.query.check);
    reply.header('content-type', 'image/png');
    return reply.send(await QRCode.toBuffer(lookupUrl(req.query.code, req.query.check.toUpperCase()), { margin: 1, width: 240 }));
  });

  // ---------- desk ----------

  app.get('/api/desk/dossiers', { schema: { tags, summary: 'Dossiers of the agencies in my desk scope (filter by status, agency)', querystring: Type.Object({ status: Type.Optional(Type.Enum(STATUSES)), agency: Type.Optional(Type.String({ pattern: '^[A-Z0-9.]{3,40}$' })) }), response: { 200: DossierList, ...err } } }, async (req) => {
    const actor = requirePermission(req, 'dossier.receive');
    let agencyPath: string | undefined;
    if (req.query.agency) {
      const a = await db.selectFrom('agencies').select('path').where('code', '=', req.query.agency).executeTakeFirst();
      if (!a) throw new NotFound(`agency ${req.query.agency} not found`);
      agencyPath = a.path;
    }
    return { items: await listDeskDossiers(db, scopePaths(actor, 'dossier.receive'), { ...(req.query.status ? { status: req.query.status } : {}), ...(agencyPath ? { agencyPath } : {}) }) };
  });

  app.post('/api/desk/dossiers/:code/decision', { schema: { tags, summary: 'Receive (receipt, due date), request a supplement (once, required documents only) or refuse a submitted dossier', params: CodeParams, body: DeskDecision, response: { 200: Type.Object({ status: Type.String() }), ...err } } }, async (req) => {
    const actor = requirePermission(req, 'dossier.receive');
    const status = await deskDecide(await intake(), actor, req.params.code, req.body, clock.now());
    deps.mail?.kick();
    return { status };
  });

  app.post('/api/desk/dossiers/:code/supplement', { schema: { tags, summary: 'Record at the desk the missing documents an applicant brought (scans optional); the dossier is then checked again', params: CodeParams, body: Type.Object({ documents: Type.Array(DocumentInput, { minItems: 1, maxItems: 50 }) }, { additionalProperties: false }), response: { 200: Type.Object({ status: Type.String() }), ...err } } }, async (req) => {
    const actor = requirePermission(req, 'dossier.receive');
    return { status: await deskReceiveSupplement(await intake(), actor, req.params.code, req.body.documents, clock.now()) };
  });

  app.post('/api/desk/dossiers/:code/documents/:id/digitise', { schema: { tags, summary: 'Digitise a paper component (or a paper result) of a dossier at the desk with a scan uploaded by the officer', params: Type.Object({ code: DossierCode, id: Type.Integer({ minimum: 1 }) }), body: Type.Object({ upload: Type.String({ pattern: '^[0-9a-f-]{36}$' }) }, { additionalProperties: false }), response: { 200: Type.Object({ status: Type.String(), document: Type.Integer() }), ...err } } }, async (req) => {
    const actor = requirePermission(req, 'dossier.receive');
    return digitiseDocument(await intake(), actor, req.params.code, req.params.id, req.body.upload, clock.now());
  });

  app.post('/api/desk/intake', { bodyLimit: 262_144, schema: { tags, summary: 'Register a paper dossier (in person or by post) with its outcome', body: DeskIntakeRequest, response: { 201: Type.Object({ code: Type.String(), status: Type.String() }), ...err } } }, async (req, reply) => {
    const actor = requirePermission(req, 'dossier.receive');
    const body = req.body as Parameters<typeof registerAtDesk>[2];
    const result = await registerAtDesk(await intake(), actor, body, clock.now(), languageOf(req.headers['accept-language']));
    deps.mail?.kick();
    return reply.status(201).send({ code: result.code, status: result.status });
  });

  app.get('/api/desk/register', { schema: { tags, summary: 'The dossier register (form 6) of an agency for a year, as JSON or Excel (format=xlsx)', querystring: Type.Object({ agency: Type.String({ pattern: '^[A-Z0-9.]{3,40}$' }), year: Type.Integer({ minimum: 2000, maximum: 2100 }), format: Type.Optional(Type.Enum(['json', 'xlsx'])) }), response: { 200: Register, ...err } } }, async (req, reply) => {
    const actor = requirePermission(req, 'dossier.receive');
    const agency = await db.selectFrom('agencies').select(['id', 'path', 'name']).where('code', '=', req.query.agency).executeTakeFirst();
    if (!agency || !can(actor, 'dossier.receive', { agencyPath: agency.path })) throw new NotFound(`agency ${req.query.agency} not found`);
    const items = await registerRows(db, agency.id, req.query.year);
    if (req.query.format !== 'xlsx') return { agency: agency.name, year: req.query.year, items };
    // loaded on first use: a large library only the register export needs
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet(`Sổ ${req.query.year}`, { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true } });
    sheet.addRow([`SỔ THEO DÕI HỒ SƠ — ${agency.name} — năm ${req.query.year}`]);
    sheet.addRow(['STT', 'Mã hồ sơ', 'Tên TTHC', 'Tên cá nhân, tổ chức', 'Địa chỉ, số điện thoại', 'Cơ quan chủ trì', 'Ngày, giờ nhận', 'Ngày, giờ hẹn trả', 'Trạng thái', 'Ghi chú']).font = { bold: true };
    const dt = (s: string | null) => (s ? new Date(Date.parse(s) + 7 * 3600_000).toISOString().replace(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}).*$/, '$4:$5 $3/$2/$1') : '');
    for (const i of items) sheet.addRow([i.registerNo, i.code, i.procedureName, i.applicantName, i.applicantContact, i.agencyName, dt(i.receivedAt), dt(i.dueAt), i.status, i.note]);
    sheet.columns.forEach((c, n) => (c.width = [6, 28, 40, 24, 36, 28, 18, 18, 18, 14][n] ?? 14));
    reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    reply.header('content-disposition', `attachment; filename="so-theo-doi-${req.query.agency}-${req.query.year}.xlsx"`);
    return reply.send(Buffer.from(await book.xlsx.writeBuffer()));
  });

};

