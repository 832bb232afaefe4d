// npm run bench:reports — the leader dashboard and the indicators at N dossiers (BENCH_DOSSIERS,
// default 1,000,000), for the whole city and for one district, for a quarter, on SQLite and on
// PostgreSQL. Dossiers come from bench/generate-dossiers.ts (rows below the app); the statistics
// are then built by the app's own recompute (rebuildAllStats: every dossier's facts folded from
// its events and tasks, summed into the buckets). Each call goes through the whole HTTP pipeline
// in-process (app.inject with a logged-in session): authentication, scope, queries, JSON.
// Writes the "Reports" section of docs/performance.md. A benchmark, not a test: it asserts nothing.
//
// BENCH_DOSSIERS  number of dossiers (default 1000000)
// BENCH_RUNS      measured runs per call after the warm-up (default 200)
// BENCH_ENGINES   sqlite,postgres (default both)
// BENCH_KEEP=1    keep the databases (SQLite under BENCH_DIR, PostgreSQL schema bench_reports)
// BENCH_DIR       where the SQLite file goes (default $TMPDIR/motcua-bench-reports)
// BENCH_NO_DOC=1  print only, do not touch docs/performance.md
// BENCH_REUSE=1   measure the calls again on the databases a BENCH_KEEP=1 run left (no generation)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { Engine } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { DEMO_PASSWORD, seedDemoAccounts } from '../src/identity/demo-accounts.js';
import { packageRoot } from '../src/lib/package-root.js';
import { rebuildAllStats } from '../src/reports/store.js';
import { importCatalogFile, seedCatalogPath } from '../src/system.js';
import { type BenchDb, fmtMs, freshBenchDb, gb, measure, type Stat, thousands } from './bench-db.js';
import { type GenerateReport, generateDossiers } from './generate-dossiers.js';

const N = Number(process.env.BENCH_DOSSIERS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const WARMUP = 20;
const MAX_SECONDS = 30;
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim() as Engine);
const KEEP = process.env.BENCH_KEEP === '1' || process.env.BENCH_REUSE === '1';
const REUSE = process.env.BENCH_REUSE === '1';
const SQLITE_DIR = process.env.BENCH_DIR ?? path.join(os.tmpdir(), 'motcua-bench-reports');
const TARGET_MS = 300;

const CITY = '000.00.00.H31';
const HONG_BANG = '000.00.21.H31';
const CITY_SUPERVISOR = 'giamsat.thanhpho@demo.motcua.vn';
const DISTRICT_LEADER = 'lanhdao.hongbang@demo.motcua.vn';

const log = (line: string) => console.log(`[bench:reports] ${line}`);

/** The last complete quarter before `now`, as the period parameter (e.g. 2026-Q3). */
function lastQuarter(now: Date): string {
  const vn = new Date(now.getTime() + 7 * 3600_000);
  const q = Math.floor(vn.getUTCMonth() / 3); // current quarter, 0-based
  return q === 0 ? `${vn.getUTCFullYear() - 1}-Q4` : `${vn.getUTCFullYear()}-Q${q}`;
}

interface Call {
  label: string;
  short: string;
  who: string;
  url: string;
  /** counts the target applies to */
  target: boolean;
}

function calls(quarter: string): Call[] {
  const q = `period=quarter&at=${quarter}`;
  return [
    { label: `leader dashboard, whole city (city supervisor), ${quarter}`, short: 'dashboard, city', who: CITY_SUPERVISOR, url: `/api/reports/dashboard?agency=${CITY}&${q}`, target: true },
    { label: `leader dashboard, quận Hồng Bàng and its wards (district leader), ${quarter}`, short: 'dashboard, district', who: DISTRICT_LEADER, url: `/api/reports/dashboard?agency=${HONG_BANG}&${q}`, target: true },
    { label: `Decision 766 indicators, whole city, ${quarter}`, short: 'D766, city', who: CITY_SUPERVISOR, url: `/api/reports/indicators?framework=d766&agency=${CITY}&${q}`, target: true },
    { label: `Circular 01 indicators, quận Hồng Bàng, ${quarter}`, short: 'C01, district', who: DISTRICT_LEADER, url: `/api/reports/indicators?framework=c01&agency=${HONG_BANG}&${q}`, target: true },
    { label: `public statistics (no login), whole city, ${quarter}`, short: 'public, city', who: '', url: `/api/public/stats?${q}`, target: false },
  ];
}

async function login(app: FastifyInstance, email: string): Promise<Record<string, string>> {
  if (!email) return {};
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: DEMO_PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`login ${email}: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'motcua_session');
  return { cookie: `motcua_session=${cookie!.value}` };
}

interface Row {
  call: Call;
  stat: Stat;
  bytes: number;
  summary: string;
}

interface EngineResult {
  engine: Engine;
  gen: GenerateReport;
  rebuildSeconds: number;
  buckets: number;
  size: number;
  rows: Row[];
  load: [number, number];
}

function summaryOf(body: string): string {
  const j = JSON.parse(body) as { totals?: { received?: number; resolved?: number; late?: number }; total?: number | null; max?: number };
  if (j.totals) return `${thousands(j.totals.received ?? 0)} received, ${thousands(j.totals.resolved ?? 0)} resolved, ${thousands(j.totals.late ?? 0)} late`;
  if (j.max !== undefined) return `score ${j.total === null || j.total === undefined ? '—' : Number(j.total).toFixed(1)} / ${j.max}`;
  return `${thousands(body.length)} bytes`;
}

async function runEngine(engine: Engine, generatedAt: Date, quarter: string): Promise<EngineResult> {
  let now = generatedAt;
  const meta = path.join(os.tmpdir(), `motcua-bench-reports-${engine}.json`);
  const b: BenchDb = await freshBenchDb(engine, { sqliteDir: SQLITE_DIR, pgSchema: 'bench_reports', keep: KEEP, reuse: REUSE });
  let built: { now: string; gen: GenerateReport; rebuildSeconds: number; buckets: number };
  if (REUSE) {
    built = JSON.parse(fs.readFileSync(meta, 'utf8')) as typeof built;
    now = new Date(built.now);
    log(`${engine}: reusing the ${thousands(built.gen.dossiers)} dossiers generated at ${built.now}`);
  } else {
    log(`${engine}: fresh database`);
    await migrateToLatest(b.db);
    await importCatalogFile(b.db, seedCatalogPath(), now);
    await seedDemoAccounts(b.db, now);
    log(`${engine}: generating ${N} dossiers`);
    const gen = await generateDossiers(b.db, b.target, { n: N, now, log: (l) => log(`${engine}: ${l}`) });
    await b.reopen();
    // PostgreSQL's autovacuum would analyze the new tables within a minute; do it now, before the
    // rebuild reads them (without statistics the planner scans the 8 million events for each batch)
    if (engine === 'postgres') await sql`analyze`.execute(b.db);
    log(`${engine}: building the statistics from the log (rebuildAllStats)`);
    const t0 = performance.now();
    let next = 100_000;
    await rebuildAllStats(b.db, {
      onProgress: (done) => {
        if (done >= next) {
          log(`${engine}: ${thousands(done)} dossiers folded (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
          next += 100_000;
        }
      },
    });
    const rebuildSeconds = (performance.now() - t0) / 1000;
    const buckets = Number((await b.db.selectFrom('quality_stats').select((s) => s.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    log(`${engine}: statistics built in ${rebuildSeconds.toFixed(0)} s (${thousands(buckets)} buckets)`);
    if (engine === 'postgres') await sql`analyze`.execute(b.db);
    built = { now: now.toISOString(), gen, rebuildSeconds, buckets };
    if (KEEP) fs.writeFileSync(meta, JSON.stringify(built));
  }
  const { gen, rebuildSeconds, buckets } = built;
  const db = b.db;
  const size = await b.size();

  const app = await buildApp({ db, config: loadConfig({ LOG_LEVEL: 'silent', WEB_DIR: path.join(packageRoot(), 'dist', 'web'), PUBLIC_URL: 'http://127.0.0.1:3000' }), clock: { now: () => now } });
  const sessions = new Map<string, Record<string, string>>();
  const loadBefore = os.loadavg()[0]!;
  const rows: Row[] = [];
  for (const call of calls(quarter)) {
    if (!sessions.has(call.who)) sessions.set(call.who, await login(app, call.who));
    const headers = sessions.get(call.who)!;
    const first = await app.inject({ method: 'GET', url: call.url, headers });
    if (first.statusCode !== 200) throw new Error(`${call.url}: ${first.statusCode} ${first.body.slice(0, 300)}`);
    const stat = await measure(
      async (i) => {
        // a client address per request: the public route's per-IP rate limit is not what is measured
        const r = await app.inject({ method: 'GET', url: call.url, headers, remoteAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
        if (r.statusCode !== 200) throw new Error(`${call.url}: ${r.statusCode}`);
      },
      { warmup: WARMUP, runs: RUNS, maxSeconds: MAX_SECONDS },
    );
    rows.push({ call, stat, bytes: first.body.length, summary: summaryOf(first.body) });
    log(`${engine}: ${call.label}: p50 ${fmtMs(stat.p50)} p95 ${fmtMs(stat.p95)} p99 ${fmtMs(stat.p99)} ms (${stat.runs} runs) — ${summaryOf(first.body)}`);
  }
  const loadAfter = os.loadavg()[0]!;
  await app.close();
  await b.dispose();
  return { engine, gen, rebuildSeconds, buckets, size, rows, load: [loadBefore, loadAfter] };
}

const now = new Date();
const quarter = lastQuarter(now);
const results: EngineResult[] = [];
for (const engine of ENGINES) results.push(await runEngine(engine, now, quarter));

const g = results[0]!.gen;
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const runsNote = (st: Stat) => (st.runs < RUNS ? ` (${st.runs} runs)` : '');
const missed = results.flatMap((r) => r.rows.filter((x) => x.call.target && x.stat.p99 > TARGET_MS).map((x) => `${r.engine} ${x.call.short} p99 ${fmtMs(x.stat.p99)} ms`));
const table = [
  '| engine | call | p50 ms | p95 ms | p99 ms | answer |',
  '|---|---|---|---|---|---|',
  ...results.flatMap((r) => r.rows.map((x) => `| ${r.engine} | ${x.call.label}${runsNote(x.stat)} | ${fmtMs(x.stat.p50)} | ${fmtMs(x.stat.p95)} | ${fmtMs(x.stat.p99)} | ${x.summary}; ${thousands(x.bytes)} bytes |`)),
].join('\n');
const buildTable = [
  '| engine | dossiers generated | statistics built from the log (rebuildAllStats) | buckets (day × agency × procedure) | database size |',
  '|---|---|---|---|---|',
  ...results.map((r) => `| ${r.engine} | ${r.gen.totalSeconds.toFixed(0)} s | ${r.rebuildSeconds.toFixed(0)} s (${thousands(Math.round(r.gen.dossiers / r.rebuildSeconds))} dossiers/s) | ${thousands(r.buckets)} | ${gb(r.size)} |`),
].join('\n');

const report = `## Reports (\`npm run bench:reports\`)

Measured ${now.toISOString().slice(0, 10)} on ${os.cpus().length} × ${cpu} (${Math.round(os.totalmem() / 2 ** 30)} GB RAM), Node ${process.version}, PostgreSQL on the same machine with stock settings. 1-minute load average ${results.map((r) => `${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)} during the ${r.engine} calls`).join(', ')}.
${thousands(g.dossiers)} dossiers${g.dossiers < 1_000_000 ? ' (**not** the 1,000,000 of the target)' : ''}, ${thousands(g.events)} events, ${thousands(g.tasks)} tasks, generated by \`bench/generate-dossiers.ts\` (the data of the Inbox section: two years of dossiers, 40 % online, 93 % closed, 20 % of the open ones late). The statistics are then built by the app's own recompute (\`rebuildAllStats\`, what \`motcua recompute-stats --fix\` runs): every dossier's facts folded from its events and tasks and summed into the day × agency × procedure buckets the dashboards read. Generated data has no ratings and no complaints.

${buildTable}

**Calls**: each is one HTTP request through the whole app in-process (\`app.inject\`: session, scope check, queries, JSON), for the last complete quarter (${quarter}), ${WARMUP} warm-up runs then ${RUNS} measured runs one at a time; "now" is fixed, so the "late now" and backlog parts read the open tasks as of the run.

${table}

Target: dashboard and indicators p99 ≤ ${TARGET_MS} ms at 1,000,000 dossiers. ${g.dossiers < 1_000_000 ? `Measured at ${thousands(g.dossiers)} dossiers only. ` : ''}${missed.length === 0 ? '**Met** by every call the target applies to.' : `**Not met**: ${missed.join('; ')}.`}
`;
console.log(`\n${report}`);
if (process.env.BENCH_NO_DOC !== '1') {
  const file = path.join(packageRoot(), 'docs', 'performance.md');
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Performance\n';
  const marker = /## Reports \(`npm run bench:reports`\)[\s\S]*?(?=\n## |$)/;
  fs.writeFileSync(file, marker.test(existing) ? existing.replace(marker, report) : `${existing.trimEnd()}\n\n${report}`);
}
process.exit(0);
