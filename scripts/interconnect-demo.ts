// Three motcua members and another vendor's system on this machine, set up with exactly the
// commands of docs/interconnection.md §15 (run `npm run build` first):
//   npx tsx scripts/interconnect-demo.ts [WORKDIR]      (npm run demo:interconnect)
// hongbang :4001 (SQLite) · ngoquyen :4002 (SQLite) · city :4003 (SQLite, or DATABASE_URL for the
// city member via CITY_DATABASE_URL) · the foreign vendor emulator :4999. Ctrl-C stops them all.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/lib/package-root.js';
import { crossTemplate, LATE_BIRTH, saveTemplate, TU_PHAP } from '../test/support/interconnect-journeys.js';

const root = packageRoot();
const work = path.resolve(process.argv[2] ?? path.join(root, 'interconnect-demo'));
fs.mkdirSync(work, { recursive: true });
const main = path.join(root, 'dist', 'src', 'main.js');
if (!fs.existsSync(main)) throw new Error('run `npm run build` first');

const MEMBERS = [
  { id: 'hongbang', name: 'Hệ thống một cửa quận Hồng Bàng', port: 4001, hosts: ['000.00.21.H31'] },
  { id: 'ngoquyen', name: 'Hệ thống một cửa quận Ngô Quyền', port: 4002, hosts: ['000.00.22.H31'] },
  { id: 'city', name: 'Hệ thống một cửa thành phố', port: 4003, hosts: ['000.00.00.H31'] },
];
const FOREIGN = { id: 'cong-an', name: 'Hệ thống của Công an thành phố (nhà cung cấp khác)', port: 4999, hosts: ['000.00.41.H31'] };

const envOf = (m: (typeof MEMBERS)[number]) => ({
  ...process.env,
  DATA_DIR: path.join(work, m.id),
  PORT: String(m.port),
  PUBLIC_URL: `http://127.0.0.1:${m.port}`,
  INTERCONNECT_MEMBER: m.id,
  INTERCONNECT_DIRECTORY: path.join(work, 'directory.jws'),
  INTERCONNECT_DIRECTORY_KEY: path.join(work, 'city.public.jwk'),
  ...(m.id === 'city' && process.env.CITY_DATABASE_URL ? { DATABASE_URL: process.env.CITY_DATABASE_URL } : {}),
});
const motcua = (args: string[], env: NodeJS.ProcessEnv = process.env) => execFileSync(process.execPath, [main, ...args], { env, cwd: work, encoding: 'utf8' });

// 1. the city's directory key (§15 step 2)
if (!fs.existsSync(path.join(work, 'city.private.jwk'))) fs.writeFileSync(path.join(work, 'city.public.jwk'), motcua(['directory', 'keygen', '--out', 'city.private.jwk']));
// 2. each member's signing key (step 3)
const members = MEMBERS.map((m) => {
  const key = JSON.parse(motcua(['interconnect', 'key'], envOf(m))) as { kid: string; jwk: object };
  return { id: m.id, name: m.name, kind: 'motcua', baseUrl: `http://127.0.0.1:${m.port}`, hosts: m.hosts, keys: [{ kid: key.kid, jwk: key.jwk, validFrom: new Date(Date.now() - 60_000).toISOString(), validTo: null }] };
});
members.push({ id: FOREIGN.id, name: FOREIGN.name, kind: 'foreign-xml', baseUrl: `http://127.0.0.1:${FOREIGN.port}`, hosts: FOREIGN.hosts, keys: [] });
// 3. members.json and the signed directory (steps 4–5)
fs.writeFileSync(path.join(work, 'members.json'), `${JSON.stringify(members, null, 2)}\n`);
console.log(motcua(['directory', 'sign', '--key', 'city.private.jwk', '--in', 'members.json', '--out', 'directory.jws']).trim());

// 4. the foreign emulator and the members (steps 6–7)
const children: ChildProcess[] = [];
const start = (label: string, args: string[], env: NodeJS.ProcessEnv) => {
  const log = fs.openSync(path.join(work, `${label}.log`), 'a');
  const child = spawn(args[0]!, args.slice(1), { env, cwd: work, stdio: ['ignore', log, log] });
  children.push(child);
};
start('foreign', [process.execPath, path.join(root, 'node_modules', '.bin', 'tsx'), path.join(root, 'test', 'fixtures', 'foreign-vendor', 'main.ts')], { ...process.env, PORT: String(FOREIGN.port), FOREIGN_DATA_FILE: path.join(work, 'vendor.json') });
for (const m of MEMBERS) start(m.id, [process.execPath, main, 'serve'], envOf(m));
const stopAll = () => {
  for (const c of children) c.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

async function ready(url: string) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up: see the logs in ${work}`);
}
for (const m of MEMBERS) await ready(`http://127.0.0.1:${m.port}/interconnect/v1/health`);
await ready(`http://127.0.0.1:${FOREIGN.port}/api/trangthai`);

// 5. a procedure whose verification step is the city's Department of Justice (step 9's workflow), on every member
for (const m of MEMBERS) await saveTemplate(`http://127.0.0.1:${m.port}`, LATE_BIRTH, crossTemplate(TU_PHAP)).catch((err: unknown) => console.warn(`${m.id}: ${err instanceof Error ? err.message : String(err)} (already saved?)`));

console.log(`
Ready (logs and data in ${work}):
  Hồng Bàng  http://127.0.0.1:4001   applicant an.nguyen@demo.motcua.vn, desk tiepnhan.hongbang@…, officer chuyenvien.hongbang@…
  Ngô Quyền  http://127.0.0.1:4002   officer chuyenvien.ngoquyen@demo.motcua.vn
  Thành phố  http://127.0.0.1:4003   Sở Tư pháp officer chuyenvien.tuphap@demo.motcua.vn
  Operations /quan-tri/lien-thong as quantri.hethong@demo.motcua.vn on any member (password MotCua@2026demo)
  Procedure  ${LATE_BIRTH} (Đăng ký lại khai sinh) at phường Hạ Lý: examination at the ward, verification at the Department of Justice (city), result at the ward.
Ctrl-C stops everything.`);
