// bench:results — signed e-results: the cost of issuing one (render the PDF with its QR code, sign it
// with the agency's certificate, sign the JWS twin, store the file, insert the rows, fill the
// registry — `issueResult`, what the record_result action runs) and of verifying one through the
// public API (an uploaded PDF: signature, chain, digest, status; a serial; a JWS), on both engines.
// Writes the "E-results" section of docs/performance.md. A benchmark, not a test: it asserts nothing.
//
// BENCH_RESULTS=200   results issued (and as many verifications of each kind)
// BENCH_ENGINES=sqlite,postgres
// BENCH_NO_DOC=1      print only, do not touch docs/performance.md
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.js';
import { findEvidenceType } from '../src/catalog/evidence.js';
import { loadConfig } from '../src/config.js';
import type { Engine } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { BlobStore } from '../src/documents/blob-store.js';
import { newCheckValue, nextDossierCode } from '../src/dossiers/dossier-code.js';
import { createDossier } from '../src/dossiers/event-log.js';
import { packageRoot } from '../src/lib/package-root.js';
import { issueResult } from '../src/results/issue.js';
import { importCatalogFile, seedCatalogPath } from '../src/system.js';
import { fmtMs, freshBenchDb, measure, type Stat } from './bench-db.js';

const N = Number(process.env.BENCH_RESULTS ?? 200);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim() as Engine);
const WARD = '000.01.21.H31';
const BIRTH = '1.001193';
const now = new Date('2026-11-27T02:00:00Z');

interface Row {
  engine: Engine;
  issue: Stat;
  verifyPdf: Stat;
  verifySerial: Stat;
  verifyJws: Stat;
  pdfBytes: number;
}

function boundary(pdf: Buffer): { body: Buffer; headers: Record<string, string> } {
  const b = `----motcua${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="ket-qua.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
  return { body: Buffer.concat([head, pdf, Buffer.from(`\r\n--${b}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${b}` } };
}

async function runEngine(engine: Engine): Promise<Row> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-bench-results-'));
  const b = await freshBenchDb(engine, { sqliteDir: path.join(dataDir, 'db'), pgSchema: 'bench_results', keep: false });
  const db = b.db;
  await migrateToLatest(db);
  await importCatalogFile(db, seedCatalogPath(), now);
  const type = (await findEvidenceType(db, 'giay-khai-sinh'))!;
  const agency = await db.selectFrom('agencies').select(['id', 'code', 'level', 'path', 'name', 'has_one_stop_desk']).where('code', '=', WARD).executeTakeFirstOrThrow();
  const version = await db.selectFrom('procedure_versions as v').innerJoin('procedures as p', 'p.id', 'v.procedure_id').select('v.id').where('p.national_code', '=', BIRTH).executeTakeFirstOrThrow();
  const deps = { blobs: new BlobStore(path.join(dataDir, 'blobs')), signing: { dir: path.join(dataDir, 'signing'), p12Passphrase: '' }, publicUrl: 'http://127.0.0.1:3000' };

  // one returned birth dossier per result (created directly: the bench measures issuing, not intake)
  const dossierIds: number[] = [];
  for (let i = 0; i < N + 5; i++)
    dossierIds.push(
      await db.transaction().execute(async (tx) => {
        const code = await nextDossierCode(tx, agency, now);
        const { id } = await createDossier(
          tx,
          { code, check_value: newCheckValue(), procedure_version_id: version.id, receiving_agency_id: agency.id, applicant_account_id: null, applicant: JSON.stringify({ name: 'Nguyễn Văn An' }), channel: 'online', form_data: '{}', return_method: 'online', submitted_at: now.toISOString(), received_at: null, due_at: null, paused_since: null, supplement_count: 0, register_year: null, register_no: null, closed_at: null },
          { type: 'submitted', at: now, actor: 'applicant', actorId: null, agencyId: null, payload: {} },
        );
        return id;
      }),
    );
  const issued: { serial: string; sha256: string }[] = [];
  const fieldsOf = (i: number) => ({ citizenId: `0313${'26'}${String(100000 + i).slice(-6)}`, fullName: `Nguyễn Thị Bé ${i}`, birthDate: '2026-02-01', gender: 'female', placeOfBirth: 'Bệnh viện Phụ sản Hải Phòng', motherName: 'Trần Thị Bình' });
  let k = 0;
  // the first issue creates the city CA and the ward's certificate: part of the warm-up
  const issue = await measure(
    async () => {
      const i = k++;
      const r = await db.transaction().execute((tx) => issueResult(tx, deps, { dossierId: dossierIds[i]!, issuerAgencyId: agency.id, actorId: null, evidenceType: type, relation: 'issue', fields: fieldsOf(i), now }));
      issued.push(r);
    },
    { warmup: 5, runs: N, maxSeconds: 600 },
  );
  const pdfs = issued.map((r) => fs.readFileSync(deps.blobs.pathOf(r.sha256)));
  const twins = new Map((await db.selectFrom('e_results').select(['serial', 'twin']).execute()).map((r) => [r.serial, r.twin]));

  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SEED: 'none', WEB_DIR: path.join(dataDir, 'no-web') });
  const app = await buildApp({ db, clock: { now: () => now }, config });
  let ip = 0;
  const remoteAddress = () => `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip++ & 255}`;
  const ok = (status: number, body: string) => {
    if (status !== 200 || !body.includes('"verdict":"valid"')) throw new Error(`verification answered ${status}: ${body.slice(0, 200)}`);
  };
  const verifyPdf = await measure(
    async (i) => {
      const m = boundary(pdfs[i % pdfs.length]!);
      const res = await app.inject({ method: 'POST', url: '/api/verify', payload: m.body, headers: m.headers, remoteAddress: remoteAddress() });
      ok(res.statusCode, res.body);
    },
    { warmup: 5, runs: N, maxSeconds: 600 },
  );
  const verifySerial = await measure(
    async (i) => {
      const res = await app.inject({ method: 'GET', url: `/api/verify/${issued[i % issued.length]!.serial}`, remoteAddress: remoteAddress() });
      ok(res.statusCode, res.body);
    },
    { warmup: 5, runs: N, maxSeconds: 600 },
  );
  const verifyJws = await measure(
    async (i) => {
      const res = await app.inject({ method: 'POST', url: '/api/verify', payload: { jws: twins.get(issued[i % issued.length]!.serial) }, remoteAddress: remoteAddress() });
      ok(res.statusCode, res.body);
    },
    { warmup: 5, runs: N, maxSeconds: 600 },
  );
  await app.close();
  await b.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { engine, issue, verifyPdf, verifySerial, verifyJws, pdfBytes: Math.round(pdfs.reduce((s, p) => s + p.length, 0) / pdfs.length) };
}

const rows: Row[] = [];
for (const engine of ENGINES) {
  console.log(`${engine}: issuing and verifying ${N} e-results…`);
  rows.push(await runEngine(engine));
}
const cell = (s: Stat) => `${fmtMs(s.p50)} / ${fmtMs(s.p99)}`;
const report = `## E-results (\`npm run bench:results\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}. ${N} birth certificates issued one at a time with the seeded evidence type \`giay-khai-sinh\` by a ward of the seed catalog, then each verified. p50 / p99 in ms.

| engine | issue: render + sign PDF + JWS twin + store + registry | verify an uploaded PDF (\`POST /api/verify\`) | verify by serial (\`GET /api/verify/:serial\`) | verify the JWS twin | PDF size |
|---|---|---|---|---|---|
${rows.map((r) => `| ${r.engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | ${cell(r.issue)} | ${cell(r.verifyPdf)} | ${cell(r.verifySerial)} | ${cell(r.verifyJws)} | ${(r.pdfBytes / 1024).toFixed(0)} KB |`).join('\n')}

Issuing is CPU work (pdfkit with an embedded DejaVu subset, the QR code, an RSA-2048 signature for the PDF and one for the twin) plus an fsynced file and one transaction; it runs inside the officer's record-result request. Verifying a PDF parses the PKCS#7 signature with node-forge and hashes the signed ranges. Each verification is one HTTP request through the whole app in-process (\`app.inject\`); client addresses are spread past the public rate limits.
`;
console.log(`\n${report}`);
if (process.env.BENCH_NO_DOC !== '1') {
  const file = path.join(packageRoot(), 'docs', 'performance.md');
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Performance\n';
  const marker = /## E-results \(`npm run bench:results`\)[\s\S]*?(?=\n## |$)/;
  fs.writeFileSync(file, marker.test(existing) ? existing.replace(marker, report) : `${existing.trimEnd()}\n\n${report}`);
}
process.exit(0);
