// HTTP routes of feedback: the rating criteria; rating a finished dossier online (its owner)
// or at the desk's kiosk (no login: the check value on the receipt is the proof); complaints
// and suggestions (PAKN) filed by anyone, followed with an access key, answered publicly or
// privately and rated; the officers' complaint inbox and handling.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { Value } from 'typebox/value';
import type { Clock } from '../app.js';
import type { CalendarService } from '../calendar/schedules-store.js';
import type { Db } from '../db/connect.js';
import type { BlobStore } from '../documents/blob-store.js';
import { DossierCode } from '../dossiers/schemas.js';
import { recordAccess } from '../identity/access-log.js';
import { requireActor, requirePermission } from '../identity/auth-plugin.js';
import { DomainError, Invalid } from '../lib/errors.js';
import type { MailWorker } from '../notify/mail-outbox.js';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, type StagedAttachment, stageAttachment } from './attachments.js';
import { COMPLAINT_STATUSES } from './complaint-rules.js';
import { CRITERIA } from './criteria.js';
import {
  CheckValue, ComplainantView, ComplaintActionInput, ComplaintCodeParams, ComplaintInput, ComplaintRatingInput, CriteriaResponse, FiledComplaint, KeyQuery, KioskDossier, KioskRatingInput,
  PublicComplaint, PublicComplaintList, Rating, RatingInput, RatingState, WorkComplaintDetail, WorkComplaintList,
} from './schemas.js';
import {
  actOnComplaint, complainantView, complaintAttachment, fileComplaint, findRating, kioskDossier, kioskView, ownedDossier, publicComplaint, publicComplaints, rateComplaintAnswer,
  ratingState, recordRating, workComplaint, workComplaints,
} from './store.js';

export interface FeedbackDeps {
  db: Db;
  clock: Clock;
  calendar: CalendarService;
  blobs: BlobStore;
  publicUrl: string;
  mail?: MailWorker | undefined;
}

const err = { 400: Type.Ref('ErrorResponse'), 401: Type.Ref('ErrorResponse'), 403: Type.Ref('ErrorResponse'), 404: Type.Ref('ErrorResponse'), 409: Type.Ref('ErrorResponse') };
const limited = { ...err, 413: Type.Ref('ErrorResponse'), 429: Type.Ref('ErrorResponse') };
const CodeParams = Type.Object({ code: DossierCode });
const Page = Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 }));

// Anonymous routes are limited per client IP (per process): enough for a busy desk's kiosk,
// too slow to guess check values or flood the complaint inboxes.
const KIOSK_LOOKUP_LIMIT = { rateLimit: { max: 30, timeWindow: '1 minute' } };
const KIOSK_RATING_LIMIT = { rateLimit: { max: 20, timeWindow: '10 minutes' } };
const COMPLAINT_FILING_LIMIT = { rateLimit: { max: 5, timeWindow: '1 hour' } };
const ACCESS_KEY_LIMIT = { rateLimit: { max: 30, timeWindow: '1 minute' } };
const KIOSK_BODY_LIMIT = 8_192;
const COMPLAINT_JSON_LIMIT = 32_768;
const COMPLAINT_MULTIPART_LIMIT = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 65_536;

/** The complaint of a multipart request, checked against the same schema as a JSON one. */
function parseComplaintField(value: string): ComplaintInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Invalid('the "complaint" part must be JSON', 'complaint');
  }
  return checkComplaint(parsed);
}

/** Checked here too for a JSON body: a body of another media type (text/plain…) has no schema in Fastify. */
function checkComplaint(parsed: unknown): ComplaintInput {
  if (!Value.Check(ComplaintInput, parsed)) {
    const first = [...Value.Errors(ComplaintInput, parsed)][0];
    const field = first?.instancePath.replace(/^\//, '').replace(/\//g, '.') || 'complaint';
    throw new Invalid(`invalid complaint: ${field} ${first?.message ?? ''}`.trim(), field);
  }
  return parsed;
}

export const feedbackRoutes: FastifyPluginAsyncTypebox<FeedbackDeps> = async (app, deps) => {
  const { db, clock } = deps;
  const tags = ['feedback'];

  app.get('/api/feedback/criteria', { schema: { tags, summary: 'The criteria a dossier is rated on (satisfied / dissatisfied each); online_service only for online dossiers', response: { 200: CriteriaResponse } } }, async () => ({
    criteria: CRITERIA.map((c) => ({ ...c })),
  }));

  // ---------- ratings ----------

  app.get('/api/dossiers/:code/rating', { schema: { tags, summary: 'My dossier\'s rating, or whether I can rate it now (returned or refused, not yet rated)', params: CodeParams, response: { 200: RatingState, ...err } } }, async (req) => {
    const d = await ownedDossier(db, requireActor(req), req.params.code);
    const rating = await findRating(db, d.id);
    return { ...ratingState(d, rating), rating };
  });

  app.post('/api/dossiers/:code/rating', { bodyLimit: KIOSK_BODY_LIMIT, schema: { tags, summary: 'Rate my finished dossier once: satisfied or not on every criterion, with an optional comment', params: CodeParams, body: RatingInput, response: { 201: Rating, ...err, 413: Type.Ref('ErrorResponse') } } }, async (req, reply) => {
    const actor = requireActor(req);
    const d = await ownedDossier(db, actor, req.params.code);
    const rating = await recordRating(db, d, { channel: 'online', answers: req.body.answers, comment: req.body.comment, accountId: actor.accountId }, clock.now());
    return reply.status(201).send(rating);
  });

  app.get('/api/kiosk/dossiers/:code', { config: KIOSK_LOOKUP_LIMIT, schema: { tags, summary: 'The kiosk at the desk: a dossier by its code and the check value on the receipt (no personal data), and whether it can be rated', params: CodeParams, querystring: Type.Object({ check: CheckValue }), response: { 200: KioskDossier, ...limited } } }, async (req, reply) => {
    const d = await kioskDossier(db, req.params.code, req.query.check);
    reply.header('cache-control', 'no-store');
    return kioskView(d, await findRating(db, d.id));
  });

  app.post('/api/kiosk/ratings', { config: KIOSK_RATING_LIMIT, bodyLimit: KIOSK_BODY_LIMIT, schema: { tags, summary: 'Rate a finished dossier at the kiosk, without logging in: the check value proves the person holds the receipt', body: KioskRatingInput, response: { 201: Rating, ...limited } } }, async (req, reply) => {
    const d = await kioskDossier(db, req.body.code, req.body.check);
    const rating = await recordRating(db, d, { channel: 'kiosk', answers: req.body.answers, comment: req.body.comment, accountId: null }, clock.now());
    return reply.status(201).send(rating);
  });

  // ---------- complaints: the public side ----------

  app.post(
    '/api/complaints',
    {
      config: COMPLAINT_FILING_LIMIT,
      bodyLimit: COMPLAINT_MULTIPART_LIMIT,
      // a JSON complaint is small: refuse a large one from its declared length before reading it
      onRequest: async (req, reply) => {
        const declared = Number(req.headers['content-length'] ?? 0);
        if ((req.headers['content-type'] ?? '').startsWith('application/json') && declared > COMPLAINT_JSON_LIMIT) {
          reply.header('connection', 'close');
          return reply.status(413).send({ error: 'too_large', message: `a complaint without attachments is at most ${COMPLAINT_JSON_LIMIT} bytes` });
        }
      },
      schema: {
        tags,
        summary: 'File a complaint or suggestion (PAKN): JSON, or multipart with the JSON in the part "complaint" and up to 3 PDF/JPEG/PNG files of 5 MB in "attachments". Returns its code and the access key to follow it',
        consumes: ['application/json', 'multipart/form-data'],
        body: { content: { 'application/json': { schema: ComplaintInput } } },
        response: { 201: FiledComplaint, ...limited },
      },
    },
    async (req, reply) => {
      const actor = req.session?.actor ?? null;
      const staged: StagedAttachment[] = [];
      try {
        let input: ComplaintInput | undefined;
        if (req.isMultipart()) {
          const parts = req.parts({ limits: { fileSize: MAX_ATTACHMENT_BYTES + 1, files: MAX_ATTACHMENTS, fields: 1, parts: MAX_ATTACHMENTS + 1, fieldSize: COMPLAINT_JSON_LIMIT }, throwFileSizeLimit: false } as Parameters<typeof req.parts>[0]);
          for await (const part of parts) {
            if (part.type === 'field') {
              if (part.fieldname !== 'complaint' || typeof part.value !== 'string') throw new Invalid('send the complaint as JSON in the part "complaint"', part.fieldname);
              input = parseComplaintField(part.value);
            } else {
              if (part.fieldname !== 'attachments') {
                part.file.resume();
                throw new Invalid('files go in the part "attachments"', part.fieldname);
              }
              staged.push(await stageAttachment(deps.blobs, part.file, part.filename));
            }
          }
          if (!input) throw new Invalid('send the complaint as JSON in the part "complaint"', 'complaint');
        } else {
          input = checkComplaint(req.body);
        }
        // the files enter the store inside the filing transaction, once every check has passed and before
        // the commit: a refused complaint leaves no file, an acknowledged one never misses one
        const commitFiles = async () => {
          for (const s of staged) await deps.blobs.commit(s.staged);
        };
        const filed = await fileComplaint({ db, calendar: await deps.calendar.current() }, actor, input, staged.map((s) => s.attachment), clock.now(), commitFiles);
        return reply.status(201).send(filed);
      } catch (e) {
        for (const s of staged) deps.blobs.discard(s.staged);
        throw e;
      }
    },
  );

  app.get('/api/complaints/public', { schema: { tags, summary: 'Publicly answered complaints and suggestions (no complainant data), newest answer first, by agency subtree and procedure', querystring: Type.Object({ agency: Type.Optional(Type.String({ pattern: '^[A-Z0-9.]{3,40}$' })), procedure: Type.Optional(Type.String({ pattern: '^[0-9A-Z.-]{3,40}$' })), page: Page }), response: { 200: PublicComplaintList, ...err } } }, async (req) =>
    publicComplaints(db, { agencyCode: req.query.agency, procedureCode: req.query.procedure, page: req.query.page ?? 1 }, clock.now()),
  );

  app.get('/api/complaints/public/:code', { schema: { tags, summary: 'One publicly answered complaint or suggestion', params: ComplaintCodeParams, response: { 200: PublicComplaint, ...err } } }, async (req) => publicComplaint(db, req.params.code, clock.now()));

  app.get('/api/complaints/:code', { config: ACCESS_KEY_LIMIT, schema: { tags, summary: 'The complainant\'s view of a complaint, with the access key given at filing: status, deadlines, history, answer, rating', params: ComplaintCodeParams, querystring: KeyQuery, response: { 200: ComplainantView, ...limited } } }, async (req, reply) => {
    reply.header('cache-control', 'private, no-store');
    return complainantView(db, req.params.code, req.query.key);
  });

  app.post('/api/complaints/:code/rating', { config: ACCESS_KEY_LIMIT, bodyLimit: KIOSK_BODY_LIMIT, schema: { tags, summary: 'The complainant rates the answer, once', params: ComplaintCodeParams, querystring: KeyQuery, body: ComplaintRatingInput, response: { 200: Type.Object({ satisfied: Type.Boolean(), comment: Type.Union([Type.String(), Type.Null()]), at: Type.String() }), ...limited } } }, async (req) =>
    rateComplaintAnswer(db, req.params.code, req.query.key, req.body, clock.now()),
  );

  // ---------- complaints: officers ----------

  app.get('/api/work/complaints', { schema: { tags, summary: 'Complaints of the agencies in my complaint scope, oldest first, never those about me', querystring: Type.Object({ status: Type.Optional(Type.Enum(COMPLAINT_STATUSES)), page: Page }), response: { 200: WorkComplaintList, ...err } } }, async (req) => {
    const actor = requirePermission(req, 'complaint.read');
    return workComplaints(db, actor, { status: req.query.status, page: req.query.page ?? 1 }, clock.now());
  });

  app.get('/api/work/complaints/:code', { schema: { tags, summary: 'A complaint in full, with the complainant\'s contact (the read is logged) and the actions I may take', params: ComplaintCodeParams, response: { 200: WorkComplaintDetail, ...err } } }, async (req, reply) => {
    const actor = requirePermission(req, 'complaint.read');
    const { complaint, view } = await workComplaint(db, actor, req.params.code, clock.now());
    await recordAccess(db, req, actor, { action: 'complaint.read', subjectAccountId: complaint.complainant_account_id, resourceType: 'complaint', resourceId: complaint.code, purpose: 'giải quyết phản ánh, kiến nghị' }, clock.now());
    reply.header('cache-control', 'private, no-store');
    return view;
  });

  app.get('/api/work/complaints/:code/attachments/:id', { schema: { tags, summary: 'Download an attachment of a complaint in my scope', params: Type.Object({ code: ComplaintCodeParams.properties.code, id: Type.Integer({ minimum: 1 }) }), response: { 401: Type.Ref('ErrorResponse'), 403: Type.Ref('ErrorResponse'), 404: Type.Ref('ErrorResponse') } } }, async (req, reply) => {
    const actor = requirePermission(req, 'complaint.read');
    const a = await complaintAttachment(db, actor, req.params.code, req.params.id);
    reply.header('content-type', a.media_type);
    reply.header('content-disposition', `attachment; filename="phan-anh-${a.id}${a.media_type === 'application/pdf' ? '.pdf' : a.media_type === 'image/png' ? '.png' : '.jpg'}"`);
    reply.header('cache-control', 'private, no-store');
    return reply.send(deps.blobs.read(a.sha256));
  });

  app.post('/api/work/complaints/:code/actions', { schema: { tags, summary: 'Accept, refuse (with a reason), answer (public or private) or transfer a complaint to another agency', params: ComplaintCodeParams, body: ComplaintActionInput, response: { 200: Type.Object({ status: Type.String() }), ...err } } }, async (req) => {
    const actor = requirePermission(req, 'complaint.handle');
    try {
      const r = await actOnComplaint(db, actor, req.params.code, req.body, clock.now(), deps.publicUrl);
      deps.mail?.kick();
      return r;
    } catch (e) {
      if (e instanceof DomainError && e.status === 403) req.log.warn({ actor: actor.accountId, complaint: req.params.code, action: req.body.action }, 'complaint action refused');
      throw e;
    }
  });
};
