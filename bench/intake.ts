// npm run bench:intake — sustained online submissions (upload of a 200 KB PDF + the JSON
// submission that cites it) per second and latency at 50 concurrent clients, on SQLite and on
// PostgreSQL, each beside a bare Fastify route returning {} in the same run.
// Writes docs/performance.md. A benchmark, not a test: it prints figures and asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { importCatalog } from '../src/catalog/import-catalog.js';
import { DEMO_PASSWORD, seedDemoAccounts } from '../src/identity/demo-accounts.js';
import { packageRoot } from '../src/lib/package-root.js';
import { freshDatabase } from '../test/support/db.js';
import { smallCatalog } from '../test/support/fixtures.js';
import { multipartFile, tinyPdf } from '../test/support/multipart.js';
import { freePort } from '../test/support/server.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;

interface Row {
  label: string;
  unitsPerSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

/** Starts a server process and waits until it answers; the load generator stays in this process. */
async function startProcess(args: string[], env: Record<string, string>, port: number, probe: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}${probe}`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server ${args.join(' ')} did not start`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}

const BARE_SERVER = `import Fastify from 'fastify'; const app = Fastify(); app.get('/', async () => ({})); await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });`;

async function bareRoute(): Promise<Row> {
  const port = await freePort();
  const child = await startProcess(['--input-type=module', '-e', BARE_SERVER], {}, port, '/');
  const r = await autocannon({ url: `http://127.0.0.1:${port}/`, connections: CONNECTIONS, duration: DURATION });
  await stopProcess(child);
  return { label: 'bare Fastify route returning {}', unitsPerSecond: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, failures: r.errors + r.non2xx };
}

async function intake(engine: 'sqlite' | 'postgres'): Promise<Row & { stored: number }> {
  const t = await freshDatabase(engine);
  await importCatalog(t.db, smallCatalog(), new Date());
  await seedDemoAccounts(t.db, new Date());
  const port = await freePort();
  // the real program (dist/src/main.js serve) in its own process, as deployed; e-mails go to the log
  const child = await startProcess([path.join(packageRoot(), 'dist', 'src', 'main.js'), 'serve'], { ...t.env, SEED: 'none', LOG_LEVEL: 'warn' }, port, '/readyz');
  const url = `http://127.0.0.1:${port}`;
  const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'an.nguyen@demo.motcua.vn', password: DEMO_PASSWORD }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  const small = tinyPdf();
  let n = 0;
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      {
        method: 'POST',
        path: '/api/uploads',
        setupRequest: (req) => {
          // a distinct 200 KB PDF each time (a valid header, then padding), so no upload is deduplicated
          const pdf = Buffer.concat([small, Buffer.from(`%${n++}\n`), Buffer.alloc(200 * 1024 - small.length - 12, 0x20)]);
          const m = multipartFile(pdf, 'to-khai.pdf', 'application/pdf');
          return { ...req, headers: { ...req.headers, ...m.headers, cookie, 'x-csrf-token': csrf }, body: m.body };
        },
        onResponse: (status, body, context) => {
          if (status === 201) (context as { upload?: string }).upload = (JSON.parse(body) as { id: string }).id;
        },
      },
      {
        method: 'POST',
        path: '/api/dossiers',
        setupRequest: (req, context) => ({
          ...req,
          headers: { ...req.headers, cookie, 'x-csrf-token': csrf, 'content-type': 'application/json', 'idempotency-key': `bench-${engine}-${n++}` },
          body: JSON.stringify({ procedure: '1.001193', agency: '000.01.21.H31', form: { hoTen: 'Nguyễn Văn Bé' }, documents: [{ requirement: 'to-khai', upload: (context as { upload?: string }).upload }], returnMethod: 'online' }),
        }),
      },
    ],
  });
  await stopProcess(child);
  const stored = Number((await t.db.selectFrom('dossiers').select((s) => s.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  await t.dispose();
  return { label: `${engine}: upload a 200 KB PDF + submit`, unitsPerSecond: stored / DURATION, p50: r.latency.p50, p99: r.latency.p99, failures: r.errors + r.non2xx, stored };
}

const rows: Row[] = [];
const bare1 = await bareRoute();
rows.push(bare1);
const sqlite = await intake('sqlite');
rows.push(sqlite);
const bare2 = await bareRoute();
rows.push({ ...bare2, label: 'bare Fastify route returning {} (again)' });
const postgres = await intake('postgres');
rows.push(postgres);

const bareAvg = (bare1.unitsPerSecond + bare2.unitsPerSecond) / 2;
const table = [
  '| run | per second | p50 ms | p99 ms | failed requests |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.label} | ${r.unitsPerSecond.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.failures} |`),
].join('\n');
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const report = `## Intake (\`npm run bench:intake\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${cpu}, Node ${process.version}, ${CONNECTIONS} concurrent clients for ${DURATION} s each; the server (\`dist/src/main.js serve\`, built first) runs in its own process, the load generator (autocannon) in another, on the same machine.
One submission = two requests on one connection: \`POST /api/uploads\` (a distinct 200 KB PDF, type checked by content, hashed, fsynced into the blob store) then \`POST /api/dossiers\` (form validated against the procedure's JSON Schema, idempotency key, dossier code, hash-chained event, projection, mail outbox row — one transaction). "Per second" for intake counts dossiers stored; latency is over both requests.

${table}

Submissions per second as a share of the bare route's requests per second: SQLite ${((sqlite.unitsPerSecond / bareAvg) * 100).toFixed(1)} %, PostgreSQL ${((postgres.unitsPerSecond / bareAvg) * 100).toFixed(1)} %.
Target (issue #4): ≥ 500 submissions/s on SQLite and p99 ≤ 50 ms at 50 concurrent clients.
`;
console.log(report);
const file = path.join(packageRoot(), 'docs', 'performance.md');
const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Performance\n\nFigures from `npm run bench*`, written by the benchmarks themselves. Benchmarks are not tests: they assert nothing.\n';
const marker = /## Intake \(`npm run bench:intake`\)[\s\S]*?(?=\n## |$)/;
fs.writeFileSync(file, marker.test(existing) ? existing.replace(marker, report) : `${existing.trimEnd()}\n\n${report}`);
process.exit(0);
