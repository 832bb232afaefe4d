// HTTP routes of the applicant's data store (kho dữ liệu): list, preview, add, remove, and the
// reuse options of a procedure's documents. Owner = the business acted for, or the caller; an
// item of anyone else's is "not found".
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Clock } from '../app.js';
import type { Db } from '../db/connect.js';
import type { BlobStore } from '../documents/blob-store.js';
import { requireActor } from '../identity/auth-plugin.js';
import type { Actor } from '../identity/permissions.js';
import { isValidIsoDate } from '../lib/dates.js';
import { Forbidden, Invalid, NotFound } from '../lib/errors.js';
import { NewStoreItem, StoreItem, StoreItemList, StoreOptions } from './schemas.js';
import { addStoreItem, findStoreItem, listStoreItems, removeStoreItem, storeOptions } from './store.js';

export interface DatastoreDeps {
  db: Db;
  clock: Clock;
  blobs: BlobStore;
}

const err = { 400: Type.Ref('ErrorResponse'), 401: Type.Ref('ErrorResponse'), 403: Type.Ref('ErrorResponse'), 404: Type.Ref('ErrorResponse'), 429: Type.Ref('ErrorResponse') };
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const WRITE_LIMIT = { rateLimit: { max: 60, timeWindow: '1 minute' } };

/** The store is the applicant's: officers have none. */
function applicant(req: Parameters<typeof requireActor>[0]): { actor: Actor; owner: number } {
  const actor = requireActor(req);
  if (actor.kind === 'officer') throw new Forbidden("the data store belongs to applicants (citizens and businesses)");
  return { actor, owner: actor.actingFor ?? actor.accountId };
}

export const datastoreRoutes: FastifyPluginAsyncTypebox<DatastoreDeps> = async (app, { db, clock, blobs }) => {
  const tags = ['datastore'];

  app.get('/api/me/store', { schema: { tags, summary: 'My data store: documents I uploaded and results I received, with their evidence type, issuer, validity and whether they can be reused', response: { 200: StoreItemList, ...err } } }, async (req, reply) => {
    const { owner } = applicant(req);
    reply.header('cache-control', 'private, no-store');
    return { items: await listStoreItems(db, owner, clock.now()) };
  });

  app.get('/api/me/store/:id/file', { schema: { tags, summary: 'The file of one of my stored documents (inline, for preview)', params: IdParams, response: { 401: Type.Ref('ErrorResponse'), 403: Type.Ref('ErrorResponse'), 404: Type.Ref('ErrorResponse') } } }, async (req, reply) => {
    const { owner } = applicant(req);
    const item = await findStoreItem(db, owner, req.params.id);
    if (!item) throw new NotFound(`store item ${req.params.id} not found`);
    const ext = item.media_type === 'application/pdf' ? '.pdf' : item.media_type === 'image/png' ? '.png' : '.jpg';
    reply.header('content-type', item.media_type);
    reply.header('content-disposition', `inline; filename="kho-du-lieu-${item.id}${ext}"`);
    reply.header('cache-control', 'private, no-store');
    reply.header('x-content-type-options', 'nosniff');
    return reply.send(blobs.read(item.sha256));
  });

  app.post('/api/me/store', { config: WRITE_LIMIT, bodyLimit: 16_384, schema: { tags, summary: 'Add one of my uploads to my data store, with its evidence type, title, issuer and dates', body: NewStoreItem, response: { 201: StoreItem, ...err } } }, async (req, reply) => {
    const { actor, owner } = applicant(req);
    for (const f of ['issuedOn', 'validUntil'] as const) {
      const v = req.body[f];
      if (v !== undefined && !isValidIsoDate(v)) throw new Invalid(`${f}: ${v} is not a calendar date`, f, undefined, 'invalid_date');
    }
    const item = await addStoreItem(db, actor.accountId, owner, req.body, clock.now());
    return reply.status(201).send(item);
  });

  app.delete('/api/me/store/:id', { config: WRITE_LIMIT, schema: { tags, summary: 'Remove a document from my data store (dossiers that already use it keep it)', params: IdParams, response: { 204: Type.Null(), ...err } } }, async (req, reply) => {
    const { owner } = applicant(req);
    await removeStoreItem(db, owner, req.params.id, clock.now());
    return reply.status(204).send(null);
  });

  app.get(
    '/api/me/store/options/:nationalCode',
    { schema: { tags, summary: "For each document of a procedure in force: my stored documents that can satisfy it, and whether the agency can fetch it from a registry", params: Type.Object({ nationalCode: Type.String({ pattern: '^[0-9A-Z.-]{3,40}$' }) }), response: { 200: StoreOptions, ...err } } },
    async (req, reply) => {
      const { owner } = applicant(req);
      reply.header('cache-control', 'private, no-store');
      return storeOptions(db, owner, req.params.nationalCode, clock.now());
    },
  );
};
