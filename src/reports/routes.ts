// HTTP routes of the reports: the leader dashboard (JSON, Excel, quarterly PDF), the national
// indicators with drill-down, a dossier's Circular 01 score, an officer's own figures, the
// indicator definitions editor's API, and the public statistics (JSON, CSV).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { Clock } from '../app.js';
import type { CalendarService } from '../calendar/schedules-store.js';
import type { Db } from '../db/connect.js';
import { DossierCode } from '../dossiers/schemas.js';
import { requireActor, requirePermission } from '../identity/auth-plugin.js';
import { can } from '../identity/permissions.js';
import { Conflict, Forbidden, NotFound } from '../lib/errors.js';
import { actorScope, dashboard, definitionOf, dossierScore, indicators, MINUTES_PER_WORKING_DAY, officerView, publicScope, publicStats, type PublicRow } from './dashboard.js';
import { dashboardWorkbook, renderQuarterlyReport } from './export.js';
import { UNIT_COUNTERS } from './facts.js';
import { DRILL_MEASURES, FRAMEWORKS, type Framework, type FrameworkDefinition, validateDefinition } from './indicators.js';
import { labelOf, rangeOf, resolveRange } from './periods.js';
import {
  DashboardResponse, DefinitionsResponse, DrillQuery, DrillResponse, IndicatorsQuery, IndicatorsResponse, MeResponse, PublicQuery, PublicStatsResponse, PutDefinitionBody, QuarterlyQuery,
  RangeQuery, ScoreResponse,
} from './schemas.js';
import { drillDossiers, factsOfDossier, procedureIdByCode, saveDefinition, storedDefinition } from './store.js';
import { vnDate } from '../lib/dates.js';

export interface ReportRouteDeps {
  db: Db;
  clock: Clock;
  calendar: CalendarService;
}

const err = { 400: Type.Ref('ErrorResponse'), 401: Type.Ref('ErrorResponse'), 403: Type.Ref('ErrorResponse'), 404: Type.Ref('ErrorResponse'), 409: Type.Ref('ErrorResponse') };
const PAGE_SIZE = 50;
/** public figures change with every event: a short shared cache keeps a busy page cheap */
const PUBLIC_CACHE = 'public, max-age=60';
const PUBLIC_LIMIT = { rateLimit: { max: 120, timeWindow: '1 minute' } };

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  // a leading = + - @ would make a spreadsheet run it as a formula
  const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function publicCsv(rows: { kind: string; row: PublicRow }[]): string {
  const header = ['loai', 'ma', 'ten', 'tiep_nhan', 'da_giai_quyet', 'dung_han', 'qua_han', 'ty_le_dung_han', 'ty_le_truc_tuyen', 'ty_le_hai_long', 'diem_qd766', 'diem_toi_da_co_du_lieu'];
  const lines = rows.map(({ kind, row: r }) => [kind, r.code, r.name, r.received, r.resolved, r.onTime, r.late, r.onTimeRate, r.onlineShare, r.satisfactionRate, r.d766, r.d766MaxWithData].map(csvCell).join(','));
  return `\uFEFF${[header.join(','), ...lines].join('\r\n')}\r\n`;
}

export const reportRoutes: FastifyPluginAsyncTypebox<ReportRouteDeps> = async (app, deps) => {
  const { db, clock } = deps;
  const tags = ['reports'];

  const dashboardFor = async (req: { query: RangeQuery }) => {
    const actor = requirePermission(req as Parameters<typeof requirePermission>[0], 'report.read');
    const now = clock.now();
    const range = resolveRange(req.query, now);
    const scope = await actorScope(db, actor, req.query.agency);
    return { scope, range, now, data: await dashboard(db, await deps.calendar.current(), scope, range, now) };
  };

  /** What the indicators and their drill-down are computed over: the agency subtree, the period and, when asked for, one procedure. */
  const indicatorScope = async (req: { query: RangeQuery & { procedure?: string | undefined } }) => {
    const actor = requirePermission(req as Parameters<typeof requirePermission>[0], 'report.read');
    const range = resolveRange(req.query, clock.now());
    const scope = await actorScope(db, actor, req.query.agency);
    let procedureIds: number[] | undefined;
    if (req.query.procedure) {
      const id = await procedureIdByCode(db, req.query.procedure);
      if (id === undefined) throw new NotFound(`procedure ${req.query.procedure} not found`);
      procedureIds = [id];
    }
    return { scope, range, procedureIds };
  };

  app.get('/api/reports/dashboard', { schema: { tags, summary: 'The leader dashboard for the agency subtree in scope: received, in progress, resolved, late, on-time rate, online share, time per procedure, backlog per unit, trend, late dossiers with the step and officer holding them', querystring: RangeQuery, response: { 200: DashboardResponse, ...err } } }, async (req, reply) => {
    reply.header('cache-control', 'private, no-store');
    return (await dashboardFor(req)).data;
  });

  app.get('/api/reports/dashboard.xlsx', { schema: { tags, summary: 'The dashboard as an Excel workbook (summary, by procedure, by unit, trend, late dossiers, indicators)', querystring: RangeQuery, response: { 200: Type.Unknown(), ...err } } }, async (req, reply) => {
    const { scope, range, data } = await dashboardFor(req);
    const [c01, d766] = await Promise.all([indicators(db, 'c01', scope, range), indicators(db, 'd766', scope, range)]);
    const book = await dashboardWorkbook(data, { c01, d766 });
    reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    reply.header('content-disposition', `attachment; filename="thong-ke-${scope.code || 'toan-thanh-pho'}-${range.label.replace(/[^0-9A-Za-z-]/g, '_')}.xlsx"`);
    reply.header('cache-control', 'private, no-store');
    return reply.send(book);
  });

  app.get('/api/reports/quarterly.pdf', { schema: { tags, summary: 'The printable quarterly report (PDF) in the official layout: results per procedure and the Circular 01 / Decision 766 scores', querystring: QuarterlyQuery, response: { 200: Type.Unknown(), ...err } } }, async (req, reply) => {
    const actor = requirePermission(req, 'report.read');
    const now = clock.now();
    const range = rangeOf('quarter', req.query.at ?? labelOf('quarter', vnDate(now)));
    const scope = await actorScope(db, actor, req.query.agency);
    const data = await dashboard(db, await deps.calendar.current(), scope, range, now);
    const [c01, d766] = await Promise.all([indicators(db, 'c01', scope, range), indicators(db, 'd766', scope, range)]);
    const pdf = await renderQuarterlyReport({ dashboard: data, c01, d766, at: now });
    reply.header('content-type', 'application/pdf');
    reply.header('content-disposition', `inline; filename="bao-cao-${scope.code || 'toan-thanh-pho'}-${range.label}.pdf"`);
    reply.header('cache-control', 'private, no-store');
    return reply.send(pdf);
  });

  app.get('/api/reports/indicators', { schema: { tags, summary: 'Circular 01/2018 (c01) or Decision 766 (d766) indicators for the scope and period, each with its formula, numerator, denominator, score and the measure to drill into; inputs motcua does not record yet are null ("no data")', querystring: IndicatorsQuery, response: { 200: IndicatorsResponse, ...err } } }, async (req, reply) => {
    const { scope, range, procedureIds } = await indicatorScope(req);
    reply.header('cache-control', 'private, no-store');
    return indicators(db, (req.query.framework ?? 'd766') as Framework, scope, range, procedureIds);
  });

  app.get('/api/reports/drill', { schema: { tags, summary: 'The dossiers that make a number (a measure of the dashboard or an indicator), 50 a page', querystring: DrillQuery, response: { 200: DrillResponse, ...err } } }, async (req, reply) => {
    const { scope, range, procedureIds } = await indicatorScope(req);
    const page = req.query.page ?? 1;
    const r = await drillDossiers(db, scope.set, range.from, range.to, req.query.measure, page, PAGE_SIZE, procedureIds);
    reply.header('cache-control', 'private, no-store');
    return {
      measure: req.query.measure, page, pageSize: PAGE_SIZE, total: r.total,
      items: r.items.map((i) => ({ code: i.code, procedure: i.procedure, agency: i.agency, receivedAt: i.receivedAt, resolvedAt: i.resolvedAt, outcome: i.outcome, workingDays: i.workingMinutes === null ? null : Math.round((i.workingMinutes / MINUTES_PER_WORKING_DAY) * 100) / 100, closing: i.closing, c01Score: i.c01Score })),
    };
  });

  app.get('/api/reports/dossiers/:code/score', { schema: { tags, summary: "A dossier's nine Circular 01/2018 indicators (0/1/2 each), once it is resolved", params: Type.Object({ code: DossierCode }), response: { 200: ScoreResponse, ...err } } }, async (req) => {
    const actor = requirePermission(req, 'dossier.read');
    const d = await db.selectFrom('dossiers as d').innerJoin('agencies as a', 'a.id', 'd.receiving_agency_id').select(['d.id', 'd.code', 'a.path']).where('d.code', '=', req.params.code).executeTakeFirst();
    // the receiving agency's subtree, or any agency that held one of its steps
    const held = d ? await db.selectFrom('dossier_tasks as t').innerJoin('agencies as a', 'a.id', 't.agency_id').select('a.path').distinct().where('t.dossier_id', '=', d.id).execute() : [];
    if (!d || ![d.path, ...held.map((h) => h.path)].some((p) => can(actor, 'dossier.read', { agencyPath: p }))) throw new NotFound(`dossier ${req.params.code} not found`);
    const { definition } = await definitionOf(db, 'c01');
    return { code: d.code, ...dossierScore(await factsOfDossier(db, d.id), definition) };
  });

  app.get('/api/reports/me', { schema: { tags, summary: 'My own indicators: steps done early / on time / late, open and late items, dissatisfied ratings tied to me, my Circular 01 completion', querystring: Type.Object({ period: RangeQuery.properties.period, at: RangeQuery.properties.at, from: RangeQuery.properties.from, to: RangeQuery.properties.to }), response: { 200: MeResponse, ...err } } }, async (req, reply) => {
    const actor = requirePermission(req, 'workspace.enter');
    const now = clock.now();
    reply.header('cache-control', 'private, no-store');
    return officerView(db, await deps.calendar.current(), actor.accountId, resolveRange(req.query, now), now);
  });

  // ---------- indicator definitions ----------

  app.get('/api/admin/indicators', { schema: { tags, summary: 'The indicator definitions (formulas, weights, thresholds as data) with their version, and the counters and drill measures a formula may name', response: { 200: DefinitionsResponse, ...err } } }, async (req) => {
    requirePermission(req, 'indicator.edit');
    const frameworks = [];
    for (const f of FRAMEWORKS) {
      const d = await definitionOf(db, f);
      frameworks.push({ framework: f, version: d.version, updatedAt: d.updatedAt, updatedBy: d.updatedBy, isDefault: d.version === 0, definition: d.definition as unknown as Record<string, unknown> });
    }
    return { frameworks, counters: [...UNIT_COUNTERS], drillMeasures: [...DRILL_MEASURES] };
  });

  app.put('/api/admin/indicators/:framework', { schema: { tags, summary: 'Replace a framework definition: weights must add up to the framework total, thresholds go down, formulas name known counters; versioned', params: Type.Object({ framework: Type.Enum(FRAMEWORKS) }), body: PutDefinitionBody, response: { 200: Type.Object({ framework: Type.String(), version: Type.Integer() }), ...err } } }, async (req) => {
    const actor = requireActor(req);
    if (!can(actor, 'indicator.edit')) throw new Forbidden('only a system administrator edits the indicators');
    const framework = req.params.framework as Framework;
    const definition = req.body.definition as FrameworkDefinition;
    validateDefinition(framework, definition);
    const current = await storedDefinition(db, framework);
    if (req.body.expectedVersion !== undefined && req.body.expectedVersion !== (current?.version ?? 0)) throw new Conflict('the definitions changed since you opened them; reload', { reason: 'version_changed' });
    const version = await saveDefinition(db, framework, JSON.stringify(definition), actor.accountId, clock.now().toISOString());
    req.log.info({ actor: actor.accountId, framework, version }, 'indicator definitions changed');
    return { framework, version };
  });

  // ---------- public ----------

  app.get('/api/public/stats', { config: PUBLIC_LIMIT, schema: { tags, summary: 'Open data (no login): per agency and procedure, dossiers received, on time, late, online share, satisfaction and the Decision 766 score', querystring: PublicQuery, response: { 200: PublicStatsResponse, ...err } } }, async (req, reply) => {
    const range = resolveRange(req.query, clock.now());
    const scope = await publicScope(db, req.query.agency);
    reply.header('cache-control', PUBLIC_CACHE);
    return publicStats(db, scope, range, req.query.procedure);
  });

  app.get('/api/public/stats.csv', { config: PUBLIC_LIMIT, schema: { tags, summary: 'The public statistics as CSV (UTF-8 with BOM, one row per agency and per procedure, then the total)', querystring: PublicQuery, response: { 200: Type.String(), ...err } } }, async (req, reply) => {
    const range = resolveRange(req.query, clock.now());
    const scope = await publicScope(db, req.query.agency);
    const s = await publicStats(db, scope, range, req.query.procedure);
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="thong-ke-cong-khai-${range.label.replace(/[^0-9A-Za-z-]/g, '_')}.csv"`);
    reply.header('cache-control', PUBLIC_CACHE);
    return reply.send(publicCsv([...s.agencies.map((row) => ({ kind: 'co_quan', row })), ...s.procedures.map((row) => ({ kind: 'thu_tuc', row })), { kind: 'tong', row: s.totals }]));
  });
};
