// Interconnection throughput and latency (#6): two members on loopback, each its own process
// and SQLite database (Hồng Bàng's ward → the city's Department of Justice). Measures sustained
// transfers per second, the time from the sender's event (the outbox row, committed with it)
// to the receiver's signed acknowledgement, and from a status change on the receiver (the
// department's officer claims the step) to it being applied at the origin.
// Run with `npm run bench:interconnect` (builds first; BENCH_N dossiers, default 60).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../src/lib/package-root.js';
import { handOver, LATE_BIRTH, crossTemplate, receivedAtWard, saveTemplate, TU_PHAP, wardPeople, workView } from '../test/support/interconnect-journeys.js';
import { eventually, HttpSession, startCity } from '../test/support/members.js';
import { fmtMs, percentiles, type Stat } from './bench-db.js';

const N = Number(process.env.BENCH_N ?? 60);
const CONCURRENCY = 8;
const SINGLES = Number(process.env.BENCH_SINGLES ?? 20);

async function inBatches<T>(items: T[], run: (x: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (let x = queue.shift(); x !== undefined; x = queue.shift()) await run(x);
  }));
}

const city = await startCity(
  [
    { id: 'hongbang', name: 'Hồng Bàng', engine: 'sqlite', hosts: ['000.00.21.H31'] },
    { id: 'city', name: 'Thành phố', engine: 'sqlite', hosts: ['000.00.00.H31'] },
  ],
  { env: { LOG_LEVEL: 'info', INTERCONNECT_POLL_MS: '200' } },
);
try {
  const hb = city.members.hongbang!;
  const ct = city.members.city!;
  for (const m of [hb, ct]) await saveTemplate(m.url, LATE_BIRTH, crossTemplate(TU_PHAP));
  const ward = await wardPeople(hb.url);
  console.log(`preparing ${N} dossiers received and examined at the ward…`);
  const prepared: Awaited<ReturnType<typeof receivedAtWard>>[] = [];
  for (let i = 0; i < N; i++) prepared.push(await receivedAtWard(ward, `bench-${i}`));
  const codes = prepared.map((p) => p.code);

  // 1. transfers: hand over every dossier (8 officers' requests at a time)
  const started = Date.now();
  await inBatches(prepared, (p) => handOver(ward, p.code, p.examine));
  const sent = await eventually('all transfers acknowledged', async () => {
    const rows = await hb.t.db.selectFrom('interconnect_messages').select(['created_at', 'done_at', 'status']).where('direction', '=', 'out').where('type', '=', 'transfer').where('dossier_ref', 'in', codes).execute();
    return rows.length === N && rows.every((r) => r.status === 'delivered') ? rows : undefined;
  }, 300_000);
  const lastAck = Math.max(...sent.map((r) => Date.parse(r.done_at!)));
  const transferRate = N / ((lastAck - started) / 1000);
  const eventToAck = percentiles(sent.map((r) => Date.parse(r.done_at!) - Date.parse(r.created_at)));

  // 1b. one at a time: the latency of a single transfer when nothing else is queued
  const single: number[] = [];
  for (let i = 0; i < SINGLES; i++) {
    const p = await receivedAtWard(ward, `bench-single-${i}`);
    await handOver(ward, p.code, p.examine);
    const row = await eventually('the single transfer acknowledged', async () => {
      const r = await hb.t.db.selectFrom('interconnect_messages').select(['created_at', 'done_at', 'status']).where('direction', '=', 'out').where('type', '=', 'transfer').where('dossier_ref', '=', p.code).executeTakeFirst();
      return r?.status === 'delivered' ? r : undefined;
    }, 60_000);
    single.push(Date.parse(row.done_at!) - Date.parse(row.created_at));
  }
  const singleAck = percentiles(single);

  // 2. status changes: the department's officer claims each step; the origin applies the change
  const tuphap = await HttpSession.login(ct.url, 'chuyenvien.tuphap');
  await inBatches(codes, async (code) => {
    const task = await eventually(`the step of ${code} at the city`, async () => (await workView(tuphap, code)).tasks.find((t) => t.step === 'verify' && t.status === 'open'));
    const r = await tuphap.post(`/api/work/dossiers/${code}/actions`, { action: 'claim', taskId: task.id });
    if (r.status !== 200) throw new Error(`claim: ${r.status} ${r.text}`);
  });
  const changes = await ct.t.db.selectFrom('interconnect_messages').select(['message_id', 'created_at']).where('direction', '=', 'out').where('type', '=', 'status_change').where('dossier_ref', 'in', codes).execute();
  const applied = await eventually('all status changes applied at the origin', async () => {
    const rows = await hb.t.db.selectFrom('interconnect_messages').select(['message_id', 'done_at']).where('direction', '=', 'in').where('message_id', 'in', changes.map((c) => c.message_id)).execute();
    return rows.length === changes.length ? rows : undefined;
  }, 300_000);
  const appliedAt = new Map(applied.map((r) => [r.message_id, Date.parse(r.done_at!)]));
  const statusVisible = percentiles(changes.map((c) => appliedAt.get(c.message_id)! - Date.parse(c.created_at)));

  const cell = (s: Stat) => `${fmtMs(s.p50)} / ${fmtMs(s.p99)}`;
  const report = `## Interconnection (\`npm run bench:interconnect\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}. Two members on loopback, each its own process and SQLite database: Hồng Bàng (a ward desk) and the city (the Department of Justice). ${N} dossiers are received and examined at the ward, then handed over ${CONCURRENCY} at a time to the verification step held by the city; then the department's officer claims each step. Every message is an Ed25519 JWS with a signed receipt; delivery polls every 200 ms and is also woken by the request that wrote the message.

| measure | value |
|---|---|
| sustained transfers (hand-over request → signed receipt of the last one) | ${transferRate.toFixed(1)} /s |
| sender's event → receiver's acknowledgement during the burst, p50 / p99 | ${cell(eventToAck)} ms |
| the same for one transfer at a time (${SINGLES} dossiers), p50 / p99 | ${cell(singleAck)} ms |
| receiver's status change → applied at the origin, p50 / p99 | ${cell(statusVisible)} ms (target: ≤ 1000 ms p99) |

A transfer carries the dossier's snapshot; the receiver pulls each attachment by digest from the sender (proof of possession) before it opens the step in one transaction, and answers with \`transfer_accepted\`, so one transfer is about four signed HTTP exchanges and two transactions on each side. Alone, a transfer is acknowledged in tens of milliseconds; in the burst the latency is queueing behind the transfers ahead of it (the receiver's SQLite has one writer). Both members and the load generator share the same 2-core machine.
`;
  console.log(`\n${report}`);
  if (process.env.BENCH_NO_DOC !== '1') {
    const file = path.join(packageRoot(), 'docs', 'performance.md');
    const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Performance\n';
    const marker = /## Interconnection \(`npm run bench:interconnect`\)[\s\S]*?(?=\n## |$)/;
    fs.writeFileSync(file, marker.test(existing) ? existing.replace(marker, report) : `${existing.trimEnd()}\n\n${report}`);
  }
} finally {
  await city.dispose();
}
process.exit(0);
