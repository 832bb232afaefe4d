// HTTP routes of signed e-results (tag `results`): public verification by serial (what the QR
// opens) and of an uploaded PDF or a pasted JWS; the PDF for its holder and the issuer's
// officers; the officers' list; revocation by the issuer's head; the issuing officer's draft.
import { recordAccess } from '../identity/access-log.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Clock } from '../app.js';
import type { Db } from '../db/connect.js';
import type { BlobStore } from '../documents/blob-store.js';
import { DossierCode } from '../dossiers/schemas.js';
import { requireActor, requirePermission } from '../identity/auth-plugin.js';
import { Forbidden, Invalid, NotFound } from '../lib/errors.js';
import type { MailWorker } from '../notify/mail-outbox.js';
import { Loose, ResultsQuery, RevokeBody, SerialParams, VerifyJsonBody } from './schemas.js';
import { findBySerial, listResults, mayRead, publicView, resultDraft, revokeResult, verifyLookup, vnToday, withDetails } from './store.js';
import { verifyJws, verifyPdf } from './verify.js';

export interface ResultRouteDeps {
  db: Db;
  clock: Clock;
  blobs: BlobStore;
  publicUrl: string;
  mail?: MailWorker | undefined;
}

const err = { 400: Type.Ref('ErrorResponse'), 401: Type.Ref('ErrorResponse'), 403: Type.Ref('ErrorResponse'), 404: Type.Ref('ErrorResponse'), 409: Type.Ref('ErrorResponse'), 413: Type.Ref('ErrorResponse'), 429: Type.Ref('ErrorResponse') };
const MAX_PDF = 10 * 1_048_576;
const VERIFY_SERIAL_LIMIT = { rateLimit: { max: 60, timeWindow: '1 minute' } };
const VERIFY_UPLOAD_LIMIT = { rateLimit: { max: 30, timeWindow: '1 minute' } };

export const resultRoutes: FastifyPluginAsyncTypebox<ResultRouteDeps> = async (app, deps) => {
  const { db, clock } = deps;
  const tags = ['results'];

  app.get('/api/verify/:serial', { config: VERIFY_SERIAL_LIMIT, schema: { tags, summary: 'Public verification by serial (what the QR code opens): status, issuer, dates, key fields, the signed twin (JWS)', params: SerialParams, response: { 200: Loose, ...err } } }, async (req, reply) => {
    const r = await findBySerial(db, req.params.serial);
    if (!r) throw new NotFound(`no result with serial ${req.params.serial}`);
    reply.header('cache-control', 'no-store');
    return publicView(r, vnToday(clock.now()));
  });

  app.post(
    '/api/verify',
    {
      config: VERIFY_UPLOAD_LIMIT,
      bodyLimit: MAX_PDF + 65_536,
      schema: {
        tags,
        summary: 'Public verification of an uploaded PDF (multipart, field "file", ≤ 10 MB) or a pasted JWS (JSON {jws}): verdict valid | revoked | superseded | cancelled | expired | tampered | unknown_signer | not_signed | unknown_result | not_a_pdf | unknown_key | bad_signature | malformed, with the result\'s details',
        consumes: ['application/json', 'multipart/form-data'],
        body: { content: { 'application/json': { schema: VerifyJsonBody } } },
        response: { 200: Loose, ...err },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      const today = vnToday(clock.now());
      const lookup = verifyLookup(db);
      if (req.isMultipart()) {
        const file = await req.file({ limits: { fileSize: MAX_PDF, files: 1, fields: 0 } });
        if (!file || file.fieldname !== 'file') throw new Invalid('send the PDF in the part "file"', 'file');
        const bytes = await file.toBuffer().catch((e: unknown) => {
          if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new Invalid('the file is larger than 10 MB', 'file', undefined, 'file_too_large');
          throw e;
        });
        if (bytes.length === 0) throw new Invalid('the file is empty', 'file', undefined, 'file_empty');
        return withDetails(db, await verifyPdf(bytes, lookup, today), today);
      }
      const body = req.body as { jws?: unknown };
      if (typeof body?.jws !== 'string') throw new Invalid('send a PDF file or {jws}', 'jws');
      return withDetails(db, await verifyJws(body.jws, lookup, today), today);
    },
  );

  app.get('/api/results/:serial/pdf', { schema: { tags, summary: 'The signed PDF of a result: for its holder, or an officer with result.read over the issuing agency', params: SerialParams, response: { 200: Type.Unknown(), ...err } } }, async (req, reply) => {
    const actor = requireActor(req);
    const r = await findBySerial(db, req.params.serial);
    if (!r || !mayRead(actor, r)) throw new NotFound(`result ${req.params.serial} not found`);
    // an officer reading someone's result reads personal data: the holder sees it in their access log
    if (actor.kind === 'officer' && r.holder_account_id !== actor.accountId)
      await recordAccess(db, req, actor, { action: 'result.read', subjectAccountId: r.holder_account_id, resourceType: 'e_result', resourceId: r.serial, purpose: 'xem kết quả điện tử' }, clock.now());
    reply.header('content-type', 'application/pdf');
    reply.header('content-disposition', `inline; filename="${r.evidence_type ?? 'ket-qua'}-${r.serial}.pdf"`);
    reply.header('cache-control', 'private, no-store');
    return reply.send(deps.blobs.read(r.pdf_sha256));
  });

  app.get('/api/results', { schema: { tags, summary: 'Results issued by agencies in my scope (result.read), newest first; filter by status, or q = serial / dossier code / subject id', querystring: ResultsQuery, response: { 200: Loose, ...err } } }, async (req, reply) => {
    const actor = requireActor(req);
    if (actor.kind !== 'officer') throw new Forbidden();
    reply.header('cache-control', 'private, no-store');
    const found = await listResults(db, actor, { status: req.query.status, q: req.query.q, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }, vnToday(clock.now()));
    // a search by a person's number is a read of their data: logged for each holder found
    if (req.query.q && /^[0-9-]{10,14}$/.test(req.query.q.trim()) && found.items.length > 0) {
      const holders = await db.selectFrom('e_results').select(['serial', 'holder_account_id']).where('serial', 'in', found.items.map((x) => x.serial)).execute();
      for (const h of holders) await recordAccess(db, req, actor, { action: 'result.read', subjectAccountId: h.holder_account_id, resourceType: 'e_result', resourceId: h.serial, purpose: 'tra cứu kết quả điện tử theo số định danh' }, clock.now());
    }
    return found;
  });

  app.post('/api/results/:serial/revoke', { schema: { tags, summary: 'Revoke a valid result with a reason (head or leader of the issuing agency): verification then says revoked; the dossier\'s log records it and the holder is told by e-mail', params: SerialParams, body: RevokeBody, response: { 200: Loose, ...err } } }, async (req) => {
    const actor = requirePermission(req, 'result.revoke');
    const out = await revokeResult(db, actor, req.params.serial, req.body.reason.trim(), deps.publicUrl, clock.now());
    deps.mail?.kick();
    return out;
  });

  app.get('/api/work/dossiers/:code/e-result-draft', { schema: { tags, summary: 'The e-result form for an officer who may record the result: evidence type, relation (issue / amend / renew / cancel), fields pre-filled from the dossier, the earlier result it supersedes', params: Type.Object({ code: DossierCode }), response: { 200: Loose, ...err } } }, async (req, reply) => {
    const actor = requirePermission(req, 'dossier.process');
    reply.header('cache-control', 'private, no-store');
    return resultDraft(db, actor, req.params.code);
  });
};
