// Builds the Fastify app from its modules. No side effects at import: main.ts and
// tests call buildApp with a database, a clock and a configuration.
import fs from 'node:fs';
import path from 'node:path';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import Type from 'typebox';
import { catalogRoutes } from './catalog/routes.js';
import type { Config } from './config.js';
import { type Db, engineOf, pingDatabase } from './db/connect.js';
import { registerErrorHandling } from './http/errors.js';
import { registerMetrics } from './http/metrics.js';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import { calendarRoutes } from './calendar/routes.js';
import { CalendarService } from './calendar/schedules-store.js';
import { BlobStore } from './documents/blob-store.js';
import { dossierRoutes } from './dossiers/routes.js';
import { workflowRoutes } from './workflow/routes.js';
import { resultRoutes } from './results/routes.js';
import { feedbackRoutes } from './feedback/routes.js';
import { registryRoutes } from './registries/routes.js';
import { datastoreRoutes } from './datastore/routes.js';
import { safeRequestSerializer } from './registries/log-safe.js';
import { reportRoutes } from './reports/routes.js';
import { adminRoutes } from './identity/admin-routes.js';
import { authPlugin } from './identity/auth-plugin.js';
import { oidcRoutes } from './identity/oidc.js';
import { identityRoutes } from './identity/routes.js';
import type { MailWorker } from './notify/mail-outbox.js';
import { interconnectOpsRoutes } from './interconnect/ops-routes.js';
import { interconnectProtocolRoutes } from './interconnect/routes.js';
import type { Interconnect } from './interconnect/service.js';

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: { method: string; url: string }[];
  }
}

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export interface AppDeps {
  db: Db;
  config: Pick<Config, 'logLevel' | 'bodyLimit' | 'uploadLimit' | 'dataDir' | 'webDir' | 'publicUrl' | 'sessionIdleMinutes' | 'sessionMaxHours' | 'trustProxy' | 'oidc'> & Partial<Pick<Config, 'signingDir' | 'signingP12Passphrase'>>;
  /** the durable mail worker, woken after a request enqueues mail */
  mail?: MailWorker;
  /** interconnection with other members (#6), when configured */
  interconnect?: Interconnect | undefined;
  clock?: Clock;
  /** pino destination for tests; defaults to stdout */
  logStream?: NodeJS.WritableStream;
}

export const ErrorResponse = Type.Object(
  {
    error: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String({ description: 'stable code for the UI to translate, e.g. invalid_credentials, csrf' })),
    details: Type.Optional(Type.Unknown()),
  },
  { $id: 'ErrorResponse' },
);

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const clock = deps.clock ?? systemClock;
  const app = Fastify({
    logger: {
      level: deps.config.logLevel,
      ...(deps.logStream ? { stream: deps.logStream } : {}),
      redact: ['req.headers.cookie', 'req.headers.authorization'],
      // request URLs without CCCD / tax codes / registry search terms (personal data never in logs)
      serializers: { req: safeRequestSerializer },
    },
    bodyLimit: deps.config.bodyLimit,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    return503OnClosing: true,
    trustProxy: deps.config.trustProxy,
    // on close: finish in-flight requests, drop idle keep-alive connections
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Every route, as registered: the authorization matrix test checks each one has an entry.
  const routeTable: { method: string; url: string }[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routeTable.push({ method, url: r.url });
  });

  // Refuse an oversized body from its declared length, on every route (matched or not),
  // before reading it; Fastify's own bodyLimit still guards chunked bodies while parsing.
  app.addHook('onRequest', async (req, reply) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    const limit = req.routeOptions.bodyLimit ?? deps.config.bodyLimit;
    if (declared > limit) {
      reply.header('connection', 'close');
      return reply.status(413).send({ error: 'too_large', message: `request body over ${limit} bytes` });
    }
  });

  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    // While shutting down, ask clients to drop keep-alive connections so close() can finish.
    if (!app.server.listening) reply.header('connection', 'close');
  });

  registerErrorHandling(app);
  const ic = deps.interconnect;
  if (ic) {
    // a request that changed something may have written outbox rows (#6): deliver them now, not at the next tick
    app.addHook('onResponse', async (req) => {
      if (req.method !== 'GET' && req.url.startsWith('/api/')) ic.wake();
    });
  }
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        // our own pages may show a dossier's PDF in a frame; other sites may not frame us
        frameAncestors: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
  });
  registerMetrics(app);
  // only routes that opt in (config.rateLimit) are limited, e.g. the public dossier look-up
  await app.register(rateLimit, { global: false });
  app.addSchema(ErrorResponse);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'motcua API', version: '1', description: 'Một cửa — public catalog of administrative procedures and the platform API.' },
      tags: [
        { name: 'catalog', description: 'Agencies, fields, procedures, inter-connected groups' },
        { name: 'identity', description: 'Accounts, sessions, single sign-on, my data' },
        { name: 'administration', description: 'Officers, role grants on the agency tree, applicant look-up, access log' },
        { name: 'dossiers', description: 'Submission, the desk, tracking, forms, the register' },
        { name: 'calendar', description: 'Working days and holidays' },
        { name: 'feedback', description: 'Ratings of dossiers (online and at the kiosk), complaints and suggestions (PAKN)' },
        { name: 'reports', description: 'Service quality: dashboards, Circular 01 and Decision 766 indicators, public statistics' },
        { name: 'registries', description: 'Shared registries (citizens, businesses): purpose-bound lookups, imports, my data' },
        { name: 'results', description: 'Signed e-results: public verification (QR, PDF upload, JWS), revocation, the issuing officer\'s draft' },
        { name: 'datastore', description: "The applicant's data store (kho dữ liệu): stored documents and results, reuse options" },
        { name: 'interconnect', description: 'Interconnection between members (/interconnect/v1: signed messages, attachments by digest, health; docs/interconnection.md) and its operations page' },
        { name: 'ops', description: 'Health and readiness' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { schema: { tags: ['ops'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({ status: 'ok' as const }));
  app.get(
    '/readyz',
    { schema: { tags: ['ops'], response: { 200: Type.Object({ status: Type.Literal('ready'), engine: Type.String() }), 503: Type.Ref('ErrorResponse') } } },
    async (req, reply) => {
      try {
        await pingDatabase(deps.db);
        return { status: 'ready' as const, engine: engineOf(deps.db) };
      } catch (err) {
        req.log.warn({ err }, 'database not reachable');
        return reply.status(503).send({ error: 'not_ready', message: 'database not reachable' });
      }
    },
  );

  const policy = { idleMinutes: deps.config.sessionIdleMinutes, maxHours: deps.config.sessionMaxHours };
  const publicUrl = deps.config.publicUrl;
  await app.register(authPlugin, { db: deps.db, clock, policy, publicUrl });
  await app.register(catalogRoutes, { db: deps.db, clock });
  await app.register(identityRoutes, { db: deps.db, clock, policy, publicUrl, mail: deps.mail });
  await app.register(oidcRoutes, { db: deps.db, clock, policy, publicUrl, settings: deps.config.oidc });
  await app.register(adminRoutes, { db: deps.db, clock, publicUrl, mail: deps.mail });
  await app.register(multipart);
  const calendar = new CalendarService(deps.db);
  await app.register(calendarRoutes, { calendar, clock });
  await app.register(dossierRoutes, {
    db: deps.db, clock, calendar, blobs: new BlobStore(path.join(deps.config.dataDir, 'blobs')), publicUrl, uploadLimit: deps.config.uploadLimit, mail: deps.mail,
  });
  // signed e-results (#7): issued by record_result, verified publicly
  const resultDeps = { blobs: new BlobStore(path.join(deps.config.dataDir, 'blobs')), signing: { dir: deps.config.signingDir ?? path.join(deps.config.dataDir, 'signing'), p12Passphrase: deps.config.signingP12Passphrase ?? '' }, publicUrl };
  await app.register(workflowRoutes, { db: deps.db, clock, calendar, publicUrl, mail: deps.mail, results: resultDeps });
  await app.register(resultRoutes, { db: deps.db, clock, blobs: resultDeps.blobs, publicUrl, mail: deps.mail });
  await app.register(reportRoutes, { db: deps.db, clock, calendar });
  // the same content-addressed store as dossier uploads (complaint attachments)
  await app.register(feedbackRoutes, { db: deps.db, clock, calendar, blobs: new BlobStore(path.join(deps.config.dataDir, 'blobs')), publicUrl, mail: deps.mail });
  await app.register(registryRoutes, { db: deps.db, clock });
  // the applicant's data store (kho dữ liệu, #7): same blob store as uploads
  await app.register(datastoreRoutes, { db: deps.db, clock, blobs: new BlobStore(path.join(deps.config.dataDir, 'blobs')) });

  // interconnection (#6): the protocol for other members' systems, and the operations API
  if (ic) await app.register(interconnectProtocolRoutes, { interconnect: ic });
  await app.register(interconnectOpsRoutes, { db: deps.db, clock, interconnect: deps.interconnect });

  // The SPA: static assets, and index.html for any other GET that a browser navigates to.
  const webDir = deps.config.webDir;
  const indexHtml = path.join(webDir, 'index.html');
  const hasWeb = fs.existsSync(indexHtml);
  if (hasWeb) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: false, maxAge: '1h', immutable: false });
  }
  app.setNotFoundHandler((req, reply) => {
    const isApi = /^\/(api|interconnect|metrics|healthz|readyz)(\/|$)/.test(req.url);
    // A browser navigating to a page (deep link or reload) asks for HTML; asset URLs are
    // registered one by one by @fastify/static, so a missing asset stays a 404.
    const wantsPage = req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
    if (!isApi && hasWeb && wantsPage) {
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(fs.createReadStream(indexHtml));
    }
    return reply.status(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` });
  });

  return app;
}
