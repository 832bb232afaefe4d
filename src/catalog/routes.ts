// HTTP routes of the public catalog: schema, call, present. All reads; public data.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Clock } from '../app.js';
import type { Db } from '../db/connect.js';
import { vnDate } from '../lib/dates.js';
import { Invalid } from '../lib/errors.js';
import { isValidIsoDate } from '../lib/dates.js';
import { exportCatalog } from './import-catalog.js';
import {
  Agency,
  AgencyLevel,
  AgencyList,
  CatalogFile,
  EvidenceTypeList,
  FieldList,
  Group,
  GroupList,
  ProcedureDetail,
  ProcedureSearchQuery,
  ProcedureSearchResult,
  ProcedureVersionList,
} from './schemas.js';
import { listEvidenceTypes } from './evidence.js';
import { getAgency, getGroup, getProcedure, listAgencies, listFields, listGroups, listProcedureVersions, searchProcedures } from './store.js';

const AgencyCode = Type.String({ pattern: '^[A-Z0-9.]{3,40}$' });
const NationalCode = Type.String({ pattern: '^[0-9A-Z.-]{3,40}$' });
const errors = { 400: Type.Ref('ErrorResponse'), 404: Type.Ref('ErrorResponse') };
const publicCache = 'public, max-age=60';

export const catalogRoutes: FastifyPluginAsyncTypebox<{ db: Db; clock: Clock }> = async (app, { db, clock }) => {
  const today = () => vnDate(clock.now());
  const tags = ['catalog'];

  app.get('/api/fields', { schema: { tags, summary: 'Fields (lĩnh vực) with the number of procedures in force', response: { 200: FieldList } } }, async (_req, reply) => {
    reply.header('cache-control', publicCache);
    return { items: await listFields(db, today()) };
  });

  app.get(
    '/api/agencies',
    {
      schema: {
        tags,
        summary: 'Agencies: the root (parent=root), the children of an agency (parent=CODE), or all, filtered by level and name',
        querystring: Type.Object({
          parent: Type.Optional(Type.Union([Type.Literal('root'), AgencyCode])),
          level: Type.Optional(AgencyLevel),
          q: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 200: AgencyList, ...errors },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', publicCache);
      return { items: await listAgencies(db, req.query) };
    },
  );

  app.get(
    '/api/agencies/:code',
    { schema: { tags, summary: 'One agency', params: Type.Object({ code: AgencyCode }), response: { 200: Agency, ...errors } } },
    async (req) => getAgency(db, req.params.code),
  );

  app.get(
    '/api/procedures',
    {
      schema: {
        tags,
        summary: 'Search procedures in force (accent-insensitive; name matches rank first)',
        querystring: ProcedureSearchQuery,
        response: { 200: ProcedureSearchResult, ...errors },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', publicCache);
      return searchProcedures(db, req.query, today());
    },
  );

  app.get(
    '/api/procedures/:nationalCode',
    {
      schema: {
        tags,
        summary: 'A procedure: the version in force today, on a given date (at), or a given version number',
        params: Type.Object({ nationalCode: NationalCode }),
        querystring: Type.Object({
          at: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
          version: Type.Optional(Type.Integer({ minimum: 1 })),
        }),
        response: { 200: ProcedureDetail, ...errors },
      },
    },
    async (req) => {
      const { at, version } = req.query;
      if (at !== undefined && !isValidIsoDate(at)) throw new Invalid(`at: ${at} is not a calendar date`, 'at');
      return getProcedure(db, req.params.nationalCode, at ?? today(), version);
    },
  );

  app.get(
    '/api/procedures/:nationalCode/versions',
    { schema: { tags, summary: 'All versions of a procedure with their effective dates', params: Type.Object({ nationalCode: NationalCode }), response: { 200: ProcedureVersionList, ...errors } } },
    async (req) => ({ items: await listProcedureVersions(db, req.params.nationalCode, today()) }),
  );

  app.get('/api/groups', { schema: { tags, summary: 'Inter-connected procedure groups', response: { 200: GroupList } } }, async (_req, reply) => {
    reply.header('cache-control', publicCache);
    return { items: await listGroups(db, today()) };
  });

  app.get(
    '/api/groups/:code',
    { schema: { tags, summary: 'One inter-connected group', params: Type.Object({ code: Type.String({ pattern: '^[a-z0-9-]{2,60}$' }) }), response: { 200: Group, ...errors } } },
    async (req) => getGroup(db, req.params.code, today()),
  );

  app.get(
    '/api/evidence-types',
    { schema: { tags, summary: 'Evidence types: what a required document can be satisfied by, the registry and the procedures that provide it, its key fields', response: { 200: EvidenceTypeList } } },
    async (_req, reply) => {
      reply.header('cache-control', publicCache);
      return { items: await listEvidenceTypes(db) };
    },
  );

  app.get('/api/catalog/export', { schema: { tags, summary: 'The whole catalog as an import file (every version)', response: { 200: CatalogFile } } }, async (_req, reply) => {
    reply.header('content-disposition', 'attachment; filename="motcua-catalog.json"');
    return exportCatalog(db, today());
  });
};
