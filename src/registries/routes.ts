// HTTP routes of the shared registries: purpose-bound lookups by officers handling a dossier
// (logged, visible to the data subject), the registry evidence of a dossier document, the data
// subject's own records / lookups / "all my data" export, and the admin pages' API (browse,
// record with history, imports all-or-nothing with a report).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Clock } from '../app.js';
import { findEvidenceType } from '../catalog/evidence.js';
import type { Db } from '../db/connect.js';
import { requireActor } from '../identity/auth-plugin.js';
import { buildMyDataExport } from '../identity/my-data.js';
import { type Actor, can, ROLE_ACTIONS } from '../identity/permissions.js';
import { DomainError, Forbidden, Invalid, NotFound } from '../lib/errors.js';
import { ImportFileError, MAX_IMPORT_BYTES, runImport } from './import.js';
import { maskKey } from './log-safe.js';
import type { RegistryKind } from './rows.js';
import {
  CitizenIdParam, DossierCodeQuery, EnterpriseCodeParam, ImportDetail, ImportList, LookupList, LookupResult, MyRecords, Page, RecordDetail, RecordList, RegistryEvidence, RegistryKeyParam,
  RegistryParam,
} from './schemas.js';
import { findImport, findRecord, listImports, listRecords, lookupsOf, recordHistory, recordLookup, recordsOf } from './store.js';

export interface RegistryDeps {
  db: Db;
  clock: Clock;
}

const err = { 400: Type.Ref('ErrorResponse'), 401: Type.Ref('ErrorResponse'), 403: Type.Ref('ErrorResponse'), 404: Type.Ref('ErrorResponse') };
const PAGE_SIZE = 20;
// officers look up data for the dossiers in front of them: a few per minute; bulk reads are refused
const LOOKUP_LIMIT = { rateLimit: { max: 60, timeWindow: '1 minute' } };
const ADMIN_PURPOSE = 'Quản trị sổ đăng ký';

interface HandledDossier {
  id: number;
  code: string;
  /** the agency of the grant that allows the lookup (attributed in the log) */
  actorAgencyId: number | null;
}

/**
 * The dossier a lookup is for: the officer must hold `registry.lookup` over its receiving agency or an
 * agency with a task on it. No dossier → 403 purpose_required; not found / not in scope → 404.
 */
async function handledDossier(db: Db, actor: Actor, code: string | undefined): Promise<HandledDossier> {
  if (!ROLE_ACTIONS['registry.lookup'].some((r) => actor.grants.some((g) => g.role === r))) throw new Forbidden('only officers who handle dossiers look up registries');
  if (!code) throw new Forbidden('a registry lookup needs a purpose: the dossier it is for (?dossier=CODE)', { reason: 'purpose_required' });
  const d = await db.selectFrom('dossiers as d').innerJoin('agencies as a', 'a.id', 'd.receiving_agency_id').select(['d.id', 'd.code', 'a.path', 'a.id as agency_id']).where('d.code', '=', code).executeTakeFirst();
  if (!d) throw new NotFound('dossier not found');
  const tasks = await db.selectFrom('dossier_tasks as t').innerJoin('agencies as a', 'a.id', 't.agency_id').select(['a.path', 'a.id']).distinct().where('t.dossier_id', '=', d.id).execute();
  for (const p of [{ path: d.path }, ...tasks]) {
    if (can(actor, 'registry.lookup', { agencyPath: p.path })) {
      const grant = actor.grants.find((g) => ROLE_ACTIONS['registry.lookup'].includes(g.role) && p.path.startsWith(g.agencyPath));
      return { id: d.id, code: d.code, actorAgencyId: grant?.agencyId ?? null };
    }
  }
  throw new NotFound('dossier not found');
}

function requireAdmin(req: FastifyRequest): Actor {
  const actor = requireActor(req);
  if (!can(actor, 'registry.admin')) throw new Forbidden();
  return actor;
}

const adminAgency = (actor: Actor): number | null => actor.grants.find((g) => ROLE_ACTIONS['registry.admin'].includes(g.role))?.agencyId ?? null;

/** The registry a key belongs to by its shape (12 digits: citizens; 10 or 10-3: businesses). */
const registryOfKey = (key: string): RegistryKind => (/^[0-9]{12}$/.test(key) ? 'citizens' : 'businesses');

export const registryRoutes: FastifyPluginAsyncTypebox<RegistryDeps> = async (app, deps) => {
  const { db, clock } = deps;
  const tags = ['registries'];

  // ---------- lookups for a declared purpose ----------

  const lookup = async (req: FastifyRequest, registry: RegistryKind, key: string, dossierCode: string | undefined) => {
    const actor = requireActor(req);
    const d = await handledDossier(db, actor, dossierCode);
    const record = (await findRecord(db, registry, key)) ?? null;
    const purpose = `Xử lý hồ sơ ${d.code}`;
    await recordLookup(db, { registry, key, actorId: actor.accountId, actorAgencyId: d.actorAgencyId, dossierId: d.id, purpose, found: record !== null, now: clock.now() });
    return { registry, found: record !== null, record, dossierCode: d.code, purpose, logged: true as const };
  };

  app.get('/api/registries/citizens/:citizenId', {
    config: LOOKUP_LIMIT,
    schema: { tags, summary: 'Look up a citizen in the population registry for a dossier you handle (?dossier=CODE); logged for the data subject', params: Type.Object({ citizenId: CitizenIdParam }), querystring: Type.Object({ dossier: DossierCodeQuery }), response: { 200: LookupResult, ...err, 429: Type.Ref('ErrorResponse') } },
  }, async (req) => lookup(req, 'citizens', req.params.citizenId, req.query.dossier));

  app.get('/api/registries/businesses/:code', {
    config: LOOKUP_LIMIT,
    schema: { tags, summary: 'Look up a business in the business registry for a dossier you handle (?dossier=CODE); logged for the data subject', params: Type.Object({ code: EnterpriseCodeParam }), querystring: Type.Object({ dossier: DossierCodeQuery }), response: { 200: LookupResult, ...err, 429: Type.Ref('ErrorResponse') } },
  }, async (req) => lookup(req, 'businesses', req.params.code, req.query.dossier));

  app.get('/api/dossiers/:code/registry-evidence/:documentId', {
    config: LOOKUP_LIMIT,
    schema: { tags, summary: 'What the registry holds for a dossier document the applicant let the agency fetch from a registry (officer handling the dossier; logged)', params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 60 }), documentId: Type.Integer({ minimum: 1 }) }), response: { 200: RegistryEvidence, ...err, 429: Type.Ref('ErrorResponse') } },
  }, async (req) => {
    const actor = requireActor(req);
    const d = await handledDossier(db, actor, req.params.code);
    const doc = await db.selectFrom('dossier_documents').select(['id', 'requirement_code', 'source', 'registry_key', 'evidence_type', 'consent_at']).where('id', '=', req.params.documentId).where('dossier_id', '=', d.id).executeTakeFirst();
    if (!doc || doc.source !== 'registry' || !doc.registry_key) throw new NotFound('no registry document with this id in the dossier');
    const type = doc.evidence_type ? await findEvidenceType(db, doc.evidence_type) : undefined;
    const registry: RegistryKind = type?.registry ?? registryOfKey(doc.registry_key);
    const record = (await findRecord(db, registry, doc.registry_key)) ?? null;
    const purpose = `Hồ sơ ${d.code}: ${doc.requirement_code}`;
    await recordLookup(db, { registry, key: doc.registry_key, actorId: actor.accountId, actorAgencyId: d.actorAgencyId, dossierId: d.id, purpose, found: record !== null, now: clock.now() });
    return {
      document: { id: doc.id, requirement: doc.requirement_code, evidenceType: doc.evidence_type, evidenceTypeName: type?.name ?? null, consentAt: doc.consent_at },
      registry, found: record !== null, record, dossierCode: d.code, purpose, logged: true as const,
    };
  });

  // ---------- the data subject ----------

  const subjects = (actor: Actor) => [actor.accountId, ...(actor.actingFor ? [actor.actingFor] : [])];

  app.get('/api/me/lookups', { schema: { tags, summary: 'Every registry lookup of my CCCD / tax code (or the business I act for): who, when, which dossier, which purpose', response: { 200: LookupList, ...err } } }, async (req) => {
    const actor = requireActor(req);
    const items = await lookupsOf(db, subjects(actor));
    return { items: items.map(({ subjectKey, ...l }) => ({ ...l, subjectKeyMasked: maskKey(subjectKey) })) };
  });

  app.get('/api/me/registry-records', { schema: { tags, summary: 'What the shared registries hold about me (and the business I act for), with history', response: { 200: MyRecords, ...err } } }, async (req) => {
    const actor = requireActor(req);
    return { items: await recordsOf(db, subjects(actor)) };
  });

  app.get('/api/me/export', {
    config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: { tags, summary: 'Download all my data as one JSON file (profile, dossiers, data store, e-results, registry records, lookups, access log, delegations)', response: { 401: Type.Ref('ErrorResponse'), 429: Type.Ref('ErrorResponse') } },
  }, async (req, reply) => {
    const actor = requireActor(req);
    const now = clock.now();
    const data = await buildMyDataExport(db, actor.accountId, now);
    reply.header('content-type', 'application/json; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="du-lieu-cua-toi-${now.toISOString().slice(0, 10)}.json"`);
    reply.header('cache-control', 'private, no-store');
    return reply.send(JSON.stringify(data, null, 2));
  });

  // ---------- administration ----------

  app.get('/api/admin/registries/imports', {
    schema: { tags, summary: 'Registry imports, newest first (system admin)', querystring: Type.Object({ registry: Type.Optional(RegistryParam), page: Page }), response: { 200: ImportList, ...err } },
  }, async (req) => {
    requireAdmin(req);
    return listImports(db, { registry: req.query.registry, page: req.query.page ?? 1, pageSize: PAGE_SIZE });
  });

  app.get('/api/admin/registries/imports/:id', {
    schema: { tags, summary: 'One import with its report of rejected rows (system admin)', params: Type.Object({ id: Type.Integer({ minimum: 1 }) }), response: { 200: ImportDetail, ...err } },
  }, async (req) => {
    requireAdmin(req);
    const imp = await findImport(db, req.params.id);
    if (!imp) throw new NotFound('import not found');
    return imp;
  });

  app.get('/api/admin/registries/:registry', {
    schema: { tags, summary: 'Browse a registry: search by name (accent-insensitive) or key prefix (system admin)', params: Type.Object({ registry: RegistryParam }), querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })), page: Page }), response: { 200: RecordList, ...err } },
  }, async (req) => {
    requireAdmin(req);
    return listRecords(db, req.params.registry, { q: req.query.q, page: req.query.page ?? 1, pageSize: PAGE_SIZE });
  });

  app.get('/api/admin/registries/:registry/:key', {
    schema: { tags, summary: 'One record with its history (system admin; logged as a lookup with purpose "Quản trị sổ đăng ký")', params: Type.Object({ registry: RegistryParam, key: RegistryKeyParam }), response: { 200: RecordDetail, ...err } },
  }, async (req) => {
    const actor = requireAdmin(req);
    const { registry, key } = req.params;
    const record = await findRecord(db, registry, key);
    await recordLookup(db, { registry, key, actorId: actor.accountId, actorAgencyId: adminAgency(actor), dossierId: null, purpose: ADMIN_PURPOSE, found: record !== undefined, now: clock.now() });
    if (!record) throw new NotFound('no such record');
    return { registry, record, history: await recordHistory(db, registry, key) };
  });

  app.post('/api/admin/registries/:registry/imports', {
    bodyLimit: MAX_IMPORT_BYTES + 65_536,
    schema: {
      tags,
      summary: 'Import a CSV or JSON file (multipart field "file"); all or nothing: 201 applied, 422 rejected rows (details = the report, nothing applied), 400 malformed file',
      consumes: ['multipart/form-data'],
      params: Type.Object({ registry: RegistryParam }),
      response: { 201: ImportDetail, ...err, 413: Type.Ref('ErrorResponse'), 422: Type.Ref('ErrorResponse') },
    },
  }, async (req, reply) => {
    const actor = requireAdmin(req);
    const file = await req.file({ limits: { fileSize: MAX_IMPORT_BYTES + 1, files: 1, fields: 5 } }).catch(() => undefined);
    if (!file) throw new Invalid('send one file in the multipart field "file"', 'file', undefined, 'file_missing');
    const bytes = await file.toBuffer().catch(() => null);
    if (!bytes || bytes.length > MAX_IMPORT_BYTES || file.file.truncated) throw new DomainError('invalid', 413, 'the file is larger than 10 MB', { field: 'file', reason: 'file_too_large' });
    try {
      const outcome = await runImport(db, { registry: req.params.registry, filename: file.filename || 'import', bytes, actorId: actor.accountId, now: clock.now() });
      if (outcome.status === 'rejected') {
        return reply.status(422).send({ error: 'invalid', reason: 'rows_rejected', message: `${outcome.rejected} of ${outcome.total} rows were rejected; nothing was imported`, details: outcome });
      }
      return reply.status(201).send(outcome);
    } catch (e) {
      if (e instanceof ImportFileError) throw new Invalid(e.message, 'file', undefined, e.reason);
      throw e;
    }
  });
};
