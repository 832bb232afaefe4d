// Fills a migrated, seeded database (seed catalog + demo accounts) with N dossiers and their
// step histories, for benchmarks. Deterministic (seeded PRNG): the same N gives the same data
// on SQLite and PostgreSQL. Rows are written below the app (raw better-sqlite3 prepared
// multi-row inserts / one PostgreSQL statement per batch), one transaction per batch, with the
// secondary indexes of the three big tables dropped during the load and rebuilt after it.
//
// What the data looks like (see docs/performance.md, "Inbox"):
// - receiving agencies: the seed's agencies with a desk that handle at least one procedure,
//   the wards and districts of Hồng Bàng and Ngô Quyền weighted heavily, departments next;
// - procedures: those the agency handles (agencyHandles), in the version in force on the day of receipt;
// - received over the last 2 years on working days, 40 % online (submitted before receipt);
// - 93 % closed (returned 88 %, refused after examination 4 %, withdrawn 1 %), 7 % open at
//   received / processing (examine, approve, issue) / processing_supplement / resolved, 20 % of them late;
// - the default template's steps (examine → approve → issue → return), tasks with due times from
//   the working calendar, claimed or assigned to officers (the demo officers among them);
// - events: submitted, received, task_claimed/task_assigned, handed_over, approved, result_recorded,
//   result_returned (+ supplement requests), 2 to 10 per dossier, ~7 on average.
// The event hash chain is a cheap placeholder (not sha256 over the event): verify-log would
// report every chain as broken; it is not what this data is for.
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { WorkingCalendar } from '../src/calendar/working-time.js';
import type { TimeLimit } from '../src/catalog/schemas.js';
import { agencyHandles, getVersionById, type VersionForIntake } from '../src/catalog/store.js';
import type { Db } from '../src/db/connect.js';
import { formatDossierCode } from '../src/dossiers/dossier-code.js';
import { demoOfficers } from '../src/identity/demo-accounts.js';
import { vnDate } from '../src/lib/dates.js';
import { type AgencyRef, resolveAgency } from '../src/workflow/agency-rules.js';
import { type Budget, defaultTemplate, effectiveBudgetHours, type StepTemplate, type WorkflowDefinition } from '../src/workflow/template.js';

export type RawTarget = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string; schema: string };

export interface GenerateOptions {
  n: number;
  now: Date;
  seed?: number;
  /** dossiers per transaction (~12 rows each: the dossier, ~7 events, ~4 tasks) */
  batch?: number;
  log?: (line: string) => void;
}

export interface GenerateReport {
  dossiers: number;
  events: number;
  tasks: number;
  openDossiers: number;
  openTasks: number;
  lateOpenTasks: number;
  /** seconds: reference rows (officers, applicants), bulk load, index rebuild, total */
  setupSeconds: number;
  loadSeconds: number;
  indexSeconds: number;
  totalSeconds: number;
}

// ---------- deterministic randomness ----------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const between = (r: Rng, lo: number, hi: number) => lo + r() * (hi - lo);

function weighted<T>(items: { item: T; weight: number }[]): (r: Rng) => T {
  const total = items.reduce((s, x) => s + x.weight, 0);
  const cum: number[] = [];
  let acc = 0;
  for (const x of items) cum.push((acc += x.weight / total));
  return (r) => {
    const u = r();
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return items[lo]!.item;
  };
}

// ---------- people ----------

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Đức', 'Minh', 'Thu', 'Quang', 'Ngọc', 'Thanh', 'Xuân', 'Hồng', 'Công'];
const GIVEN = ['An', 'Bình', 'Chi', 'Dũng', 'Giang', 'Hà', 'Hải', 'Hạnh', 'Hiếu', 'Hoa', 'Hùng', 'Hương', 'Khánh', 'Lan', 'Linh', 'Long', 'Mai', 'Minh', 'Nam', 'Nga', 'Phong', 'Phương', 'Quân', 'Sơn', 'Tâm', 'Thảo', 'Trang', 'Tuấn', 'Việt', 'Yến'];
const STREETS = ['Lê Lợi', 'Hoàng Văn Thụ', 'Điện Biên Phủ', 'Lạch Tray', 'Cầu Đất', 'Lê Thánh Tông', 'Trần Phú', 'Minh Khai', 'Hạ Lý', 'Tô Hiệu', 'Văn Cao', 'Đà Nẵng'];
const personName = (r: Rng) => `${pick(r, FAMILY)} ${pick(r, MIDDLE)} ${pick(r, GIVEN)}`;
const digits = (r: Rng, n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
const CHECK_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

// ---------- reference data read from the database ----------

type StepRole = (typeof ROLES)[number];
const ROLES = ['desk_officer', 'specialist', 'unit_head', 'agency_leader'] as const;
const SYNTHETIC_PER_ROLE = { desk_officer: 2, specialist: 3, unit_head: 1, agency_leader: 1 } as const;

interface Officers {
  id: number;
  code: string;
  /** account ids by role (the demo officers among them where the demo seed put them) */
  officers: Record<StepRole, number[]>;
}

/** One step of a dossier's route: its agency resolved for the receiving agency, budgets offline/online. */
interface RouteStep {
  id: string;
  kind: string;
  role: StepRole;
  agency: Officers;
  hours: [number, number];
  branches: { id: string; task: string; role: StepRole; agency: Officers; hours: [number, number] }[];
}

/** The steps a dossier goes through under a template (first step, then the first of `next`, up to the return step). */
interface Route {
  templateId: number | null;
  steps: RouteStep[];
  onlinePriority: boolean;
  /** index of the decision step (where a refusal happens) */
  decision: number;
}

interface VersionInfo extends VersionForIntake {
  from: string;
  to: string | null;
  /** templates in force from a day on, latest first */
  routes: { from: string; route: Route }[];
}

interface AgencyInfo extends Officers {
  level: string;
  path: string;
  procedures: { code: string; versions: VersionInfo[]; weight: number }[];
  weight: number;
}

/** Share of dossiers received by each desk agency (normalised over the agencies that handle something). */
function agencyWeight(a: { code: string; level: string; parentCode: string | null }): number {
  // Hồng Bàng (…21.H31) and Ngô Quyền (…22.H31): 27.5 % each (district 9, wards 16, ward police 2.5)
  if (a.code === '000.00.21.H31' || a.code === '000.00.22.H31') return 9;
  if (a.level === 'commune' && a.parentCode === '000.00.21.H31') return 16 / 11;
  if (a.level === 'commune' && a.parentCode === '000.00.22.H31') return 16 / 13;
  if (a.code.startsWith('001.') && /\.2[12]\.H31$/.test(a.code)) return 1.25;
  // departments 20 %, the other districts 1 % each, city-level police, tax, social insurance 4 % each
  if (a.level === 'department') return ({ '000.00.02.H31': 5, '000.00.03.H31': 6, '000.00.07.H31': 4, '000.00.09.H31': 2, '000.00.11.H31': 2, '000.00.18.H31': 1 } as Record<string, number>)[a.code] ?? 1;
  if (a.level === 'district') return 1;
  if (a.level === 'central') return 4;
  return 1;
}

/** Common procedures (same-day certifications, birth registration…) weigh more. */
function procedureWeight(code: string, limit: TimeLimit): number {
  if (code === '2.000815' || code === '2.000884') return 6; // chứng thực
  if (limit.unit === 'working_days' && limit.value === 0) return 3;
  return 1;
}

/** The route of a template for a receiving agency, agencies resolved by the app's own rules. */
async function routeOf(db: Db, def: WorkflowDefinition, templateId: number | null, receiving: AgencyRef, version: VersionForIntake, day: string, officers: Map<number, Officers>): Promise<Route> {
  const byId = new Map(def.steps.map((x) => [x.id, x]));
  const steps: RouteStep[] = [];
  const hours = (b: { budget: Budget }): [number, number] => [effectiveBudgetHours(def, b, false, version.timeLimit), effectiveBudgetHours(def, b, true, version.timeLimit)];
  for (let st: StepTemplate | undefined = def.steps[0]; st && steps.length < 30; st = st.next[0] === undefined ? undefined : byId.get(st.next[0])) {
    const agency = await resolveAgency(db, st.agency, receiving, version, day);
    const branches = [];
    for (const br of st.branches ?? []) {
      const ba = await resolveAgency(db, br.agency, receiving, version, day);
      branches.push({ id: br.id, task: br.task, role: br.role, agency: officers.get(ba.id)!, hours: hours(br) });
    }
    steps.push({ id: st.id, kind: st.kind, role: st.role, agency: officers.get(agency.id)!, hours: hours(st), branches });
  }
  const decision = steps.findIndex((x) => x.kind === 'approve');
  return { templateId, steps, onlinePriority: (def.onlinePriorityDays ?? 0) > 0, decision: decision >= 0 ? decision : Math.max(0, steps.length - 2) };
}

async function loadAgencies(db: Db, now: Date, officers: Map<number, Officers>): Promise<AgencyInfo[]> {
  const rows = await db
    .selectFrom('agencies as a')
    .leftJoin('agencies as p', 'p.id', 'a.parent_id')
    .select(['a.id', 'a.code', 'a.name', 'a.level', 'a.path', 'a.has_one_stop_desk', 'p.code as parent_code'])
    .orderBy('a.id')
    .execute();
  const versions = await db.selectFrom('procedure_versions').select(['id', 'procedure_id', 'effective_from', 'effective_to']).orderBy('id').execute();
  const templates = await db.selectFrom('workflow_templates').select(['id', 'procedure_id', 'version', 'effective_from', 'definition']).orderBy('effective_from', 'desc').orderBy('version', 'desc').execute();
  const full = await Promise.all(versions.map(async (v) => ({ ...(await getVersionById(db, v.id)), from: v.effective_from, to: v.effective_to, procedureId: v.procedure_id })));
  const windowStart = vnDate(new Date(now.getTime() - 731 * 86_400_000));
  const today = vnDate(now);
  const out: AgencyInfo[] = [];
  for (const a of rows) {
    if (a.has_one_stop_desk !== 1) continue;
    const byCode = new Map<string, AgencyInfo['procedures'][number]>();
    for (const v of full) {
      if (!agencyHandles(v, a)) continue;
      if (v.to !== null && v.to <= windowStart) continue;
      // the templates that can be in force while this version is (the latest one from before the window too)
      const own = templates.filter((t) => t.procedure_id === v.procedureId);
      const cut = own.findIndex((t) => t.effective_from <= windowStart);
      const relevant = cut >= 0 ? own.slice(0, cut + 1) : own;
      const routes: VersionInfo['routes'] = [];
      for (const t of relevant) routes.push({ from: t.effective_from, route: await routeOf(db, JSON.parse(t.definition) as WorkflowDefinition, t.id, a, v, today, officers) });
      if (!relevant.some((t) => t.effective_from <= windowStart)) routes.push({ from: '0000-00-00', route: await routeOf(db, defaultTemplate(v.timeLimit), null, a, v, today, officers) });
      const entry = byCode.get(v.nationalCode) ?? { code: v.nationalCode, versions: [], weight: procedureWeight(v.nationalCode, v.timeLimit) };
      entry.versions.push({ ...v, routes });
      byCode.set(v.nationalCode, entry);
    }
    if (byCode.size === 0) continue;
    out.push({ ...officers.get(a.id)!, level: a.level, path: a.path, procedures: [...byCode.values()], weight: agencyWeight({ code: a.code, level: a.level, parentCode: a.parent_code }) });
  }
  return out;
}

/** Officers (a few per role in every agency, plus the demo officers) and a pool of citizen accounts. */
async function createPeople(db: Db, now: Date, r: Rng): Promise<{ officers: Map<number, Officers>; citizens: number[] }> {
  const at = now.toISOString();
  const today = vnDate(now);
  const agencies = await db.selectFrom('agencies').select(['id', 'code']).orderBy('id').execute();
  const officers = new Map<number, Officers>();
  for (const a of agencies) officers.set(a.id, { id: a.id, code: a.code, officers: { desk_officer: [], specialist: [], unit_head: [], agency_leader: [] } });
  // the demo officers take their share of their unit's work
  const byEmail = new Map((await db.selectFrom('accounts').select(['id', 'email']).execute()).map((x) => [x.email, x.id]));
  const agencyId = new Map(agencies.map((a) => [a.code, a.id]));
  for (const o of demoOfficers()) {
    const id = byEmail.get(o.email);
    const ag = agencyId.get(o.agencyCode);
    if (id === undefined || ag === undefined || !(ROLES as readonly string[]).includes(o.role)) continue;
    officers.get(ag)!.officers[o.role as StepRole].push(id);
  }
  const accountRows: { email: string; full_name: string; kind: string }[] = [];
  const grantRows: { email: string; role: string; agency_id: number }[] = [];
  for (const a of agencies)
    for (const role of ROLES)
      for (let k = 0; k < SYNTHETIC_PER_ROLE[role]; k++) {
        const email = `bench.${role}.${k}.${a.code}@bench.motcua.vn`;
        accountRows.push({ email, full_name: personName(r), kind: 'officer' });
        grantRows.push({ email, role, agency_id: a.id });
      }
  const citizenEmails: string[] = [];
  for (let k = 0; k < 2000; k++) {
    const email = `bench.citizen.${k}@bench.motcua.vn`;
    citizenEmails.push(email);
    accountRows.push({ email, full_name: personName(r), kind: 'citizen' });
  }
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < accountRows.length; i += 500) {
      await tx
        .insertInto('accounts')
        .values(accountRows.slice(i, i + 500).map((x) => ({ kind: x.kind, email: x.email, email_verified_at: at, password_hash: null, full_name: x.full_name, date_of_birth: null, gender: null, citizen_id: null, tax_code: null, phone: null, address: null, oidc_subject: null, status: 'active', created_at: at, updated_at: at })))
        .execute();
    }
    const ids = new Map((await tx.selectFrom('accounts').select(['id', 'email']).where('email', 'like', 'bench.%').execute()).map((x) => [x.email, x.id]));
    for (let i = 0; i < grantRows.length; i += 500) {
      await tx
        .insertInto('role_grants')
        .values(grantRows.slice(i, i + 500).map((g) => ({ account_id: ids.get(g.email)!, role: g.role, agency_id: g.agency_id, valid_from: today, valid_to: null, granted_by: null, created_at: at, revoked_at: null, revoked_by: null })))
        .execute();
    }
    for (const g of grantRows) officers.get(g.agency_id)!.officers[g.role as StepRole].push(ids.get(g.email)!);
    citizenEmails.forEach((e) => byEmail.set(e, ids.get(e)!));
  });
  return { officers, citizens: citizenEmails.map((e) => byEmail.get(e)!) };
}

// ---------- rows ----------

const DOSSIER_COLS = [
  ['id', 'int'], ['code', 'text'], ['check_value', 'text'], ['procedure_version_id', 'int'], ['receiving_agency_id', 'int'], ['applicant_account_id', 'int'],
  ['applicant', 'text'], ['channel', 'text'], ['status', 'text'], ['form_data', 'text'], ['return_method', 'text'], ['submitted_at', 'text'], ['received_at', 'text'],
  ['due_at', 'text'], ['paused_since', 'text'], ['supplement_count', 'int'], ['register_year', 'int'], ['register_no', 'int'], ['closed_at', 'text'], ['last_seq', 'int'],
  ['last_hash', 'text'], ['updated_at', 'text'], ['workflow_template_id', 'int'], ['current_step', 'text'], ['original_due_at', 'text'], ['parent_dossier_id', 'int'],
  ['group_code', 'text'], ['result_at', 'text'], ['apology_count', 'int'], ['priority', 'int'],
] as const;
const EVENT_COLS = [['dossier_id', 'int'], ['seq', 'int'], ['type', 'text'], ['at', 'text'], ['actor_id', 'int'], ['agency_id', 'int'], ['payload', 'text'], ['prev_hash', 'text'], ['hash', 'text']] as const;
const TASK_COLS = [
  ['id', 'int'], ['dossier_id', 'int'], ['kind', 'text'], ['step_id', 'text'], ['agency_id', 'int'], ['role', 'text'], ['assignee_id', 'int'], ['parent_task_id', 'int'], ['status', 'text'],
  ['priority', 'int'], ['opened_seq', 'int'], ['opened_at', 'text'], ['opened_by', 'int'], ['from_agency_id', 'int'], ['due_at', 'text'], ['closed_seq', 'int'], ['closed_at', 'text'],
  ['closed_by', 'int'], ['outcome', 'text'], ['detail', 'text'],
] as const;
type Cols = readonly (readonly [string, 'int' | 'text'])[];
type Value = string | number | null;

interface Batch {
  dossiers: Value[][];
  events: Value[][];
  tasks: Value[][];
}

interface Writer {
  write(b: Batch): Promise<void>;
  /** waits for the writes in flight */
  drain(): Promise<void>;
  exec(statement: string): Promise<void>;
  query<T>(statement: string): Promise<T[]>;
  close(): Promise<void>;
  /** time spent waiting for the database (PostgreSQL runs a batch while the next is generated) */
  waitedMs?: () => number;
}

const placeholders = (cols: Cols, rows: number) => Array.from({ length: rows }, () => `(${cols.map(() => '?').join(',')})`).join(',');

async function sqliteWriter(file: string): Promise<Writer> {
  const db = new SQLite(file);
  // generation only: no fsync per commit, a large page cache, no foreign-key look-ups (rows are consistent by construction)
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -524288');
  const CHUNK = 100;
  const stmts = new Map<string, { many: SQLite.Statement; one: SQLite.Statement }>();
  const prepared = (table: string, cols: Cols) => {
    let s = stmts.get(table);
    if (!s) {
      const head = `insert into ${table} (${cols.map((c) => c[0]).join(',')}) values `;
      s = { many: db.prepare(head + placeholders(cols, CHUNK)), one: db.prepare(head + placeholders(cols, 1)) };
      stmts.set(table, s);
    }
    return s;
  };
  const insert = (table: string, cols: Cols, rows: Value[][]) => {
    const s = prepared(table, cols);
    let i = 0;
    for (; i + CHUNK <= rows.length; i += CHUNK) s.many.run(rows.slice(i, i + CHUNK).flat());
    for (; i < rows.length; i++) s.one.run(rows[i]!);
  };
  const tx = db.transaction((b: Batch) => {
    insert('dossiers', DOSSIER_COLS, b.dossiers);
    insert('dossier_events', EVENT_COLS, b.events);
    insert('dossier_tasks', TASK_COLS, b.tasks);
  });
  return {
    write: async (b) => void tx(b),
    drain: async () => undefined,
    exec: async (s) => void db.exec(s),
    query: async <T>(s: string) => db.prepare(s).all() as T[],
    close: async () => {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}

async function postgresWriter(url: string, schema: string): Promise<Writer> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  // generation only: commits do not wait for the WAL flush, no foreign-key triggers (rows are
  // consistent by construction; needs a superuser, as in the test setup), index builds get more memory
  await client.query('set synchronous_commit = off');
  await client.query('set session_replication_role = replica');
  await client.query(`set maintenance_work_mem = '512MB'`);
  // one statement per batch (one transaction): data-modifying CTEs, one JSON parameter per table
  // (an array of row arrays: JSON.stringify is much cheaper here than pg's array-literal escaping)
  const fromJson = (table: string, cols: Cols, param: number) =>
    `insert into ${table} (${cols.map((c) => c[0]).join(',')}) select ${cols.map((c, i) => (c[1] === 'int' ? `(x->>${i})::int4` : `x->>${i}`)).join(',')} from jsonb_array_elements($${param}::jsonb) as x`;
  const text = `with d as (${fromJson('dossiers', DOSSIER_COLS, 1)}), e as (${fromJson('dossier_events', EVENT_COLS, 2)}) ${fromJson('dossier_tasks', TASK_COLS, 3)}`;
  let inFlight: Promise<unknown> = Promise.resolve();
  let waited = 0;
  return {
    // the statement runs in PostgreSQL while the next batch is generated here
    write: async (b) => {
      const t = performance.now();
      await inFlight;
      waited += performance.now() - t;
      inFlight = client.query({ name: 'bench-batch', text, values: [JSON.stringify(b.dossiers), JSON.stringify(b.events), JSON.stringify(b.tasks)] });
    },
    drain: async () => void (await inFlight),
    exec: async (s) => void (await client.query(s)),
    query: async <T>(s: string) => (await client.query(s)).rows as T[],
    close: async () => client.end(),
    waitedMs: () => waited,
  };
}

// ---------- one dossier ----------

type OpenState = 'received' | 'examine' | 'supplement' | 'middle' | 'resolved';
type Fate = { closed: 'returned' | 'refused' | 'withdrawn' } | { open: OpenState; late: boolean };

const fateOf = weighted<Fate>([
  { item: { closed: 'returned' }, weight: 88 },
  { item: { closed: 'refused' }, weight: 4 },
  { item: { closed: 'withdrawn' }, weight: 1 },
  // open: not yet claimed 15 %, in examination 35 %, waiting for a supplement 8 %, at a later step 27 %, resolved 15 %; a fifth of each late
  ...(
    [
      ['received', 15], ['examine', 35], ['supplement', 8], ['middle', 27], ['resolved', 15],
    ] as const
  ).flatMap(([st, w]) => [
    { item: { open: st, late: false } as Fate, weight: (7 * w * 0.8) / 100 },
    { item: { open: st, late: true } as Fate, weight: (7 * w * 0.2) / 100 },
  ]),
]);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MINUTE = 60_000;
/** Wall-clock time for some working hours: 40 working hours in a 168-hour week. */
const wall = (workingHours: number) => workingHours * 4.2 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

/** A working-day instant (Vietnam 07:30–16:30) on the day `ms` falls in, moved off weekends. */
function workingInstant(r: Rng, ms: number): number {
  const vn = new Date(ms + 7 * HOUR);
  const dow = vn.getUTCDay();
  const shift = dow === 6 ? -1 : dow === 0 ? 1 : 0;
  const day = Date.UTC(vn.getUTCFullYear(), vn.getUTCMonth(), vn.getUTCDate() + shift);
  return day - 7 * HOUR + Math.round(between(r, 7.5, 16.5) * HOUR);
}

interface Plan {
  r: Rng;
  agency: AgencyInfo;
  version: VersionInfo;
  route: Route;
  fate: Fate;
  online: boolean;
  submitted: number;
  received: number;
  /** start of each step reached, in route order; the last one is open unless the dossier is closed */
  starts: number[];
  /** when a closed dossier closed */
  end: number | null;
  supplement: { requested: number; provided: number | null } | null;
}

interface Ctx {
  now: number;
  cal: WorkingCalendar;
  pickAgency: (r: Rng) => AgencyInfo;
  pickOpenAgency: (r: Rng) => AgencyInfo;
  pickProc: Map<number, (r: Rng) => AgencyInfo['procedures'][number]>;
  citizens: number[];
  seed: number;
}

const versionAt = (p: AgencyInfo['procedures'][number], day: string) => p.versions.find((v) => v.from <= day && (v.to === null || day < v.to));
const routeAt = (v: VersionInfo, day: string) => (v.routes.find((x) => x.from <= day) ?? v.routes[v.routes.length - 1]!).route;

/** Everything about dossier i that decides its times; computed twice (to sort by submission, then to emit rows). */
function plan(ctx: Ctx, i: number): Plan {
  const r = mulberry32((Math.imul(i + 1, 0x9e3779b1) ^ ctx.seed) >>> 0);
  const fate = fateOf(r);
  // an agency whose procedures were all repealed or moved still has closed dossiers, not open ones
  const agency = 'open' in fate ? ctx.pickOpenAgency(r) : ctx.pickAgency(r);
  const online = r() < 0.4;
  const o = online ? 1 : 0;
  let proc = ctx.pickProc.get(agency.id)!(r);
  let version: VersionInfo | undefined;
  const starts: number[] = [];
  let end: number | null = null;
  let supplement: Plan['supplement'] = null;
  let received: number;
  let route: Route;
  const stepWall = (hours: number, late: boolean) => wall(hours * (late ? between(r, 1.05, 2.5) : between(r, 0.1, 0.9))) + 10 * MINUTE;
  if ('closed' in fate) {
    // uniform over the last two years, on working days; steps follow at their own pace, all before now
    for (let tries = 0; ; tries++) {
      received = workingInstant(r, ctx.now - between(r, 2, 730) * DAY);
      version = versionAt(proc, vnDate(new Date(received)));
      if (version) break;
      proc = ctx.pickProc.get(agency.id)!(r);
      if (tries > 50) throw new Error(`no procedure in force for ${agency.code}`);
    }
    route = routeAt(version, vnDate(new Date(received)));
    const L = route.steps.length;
    const last = fate.closed === 'returned' ? L - 1 : fate.closed === 'refused' ? route.decision : 0;
    const durations: number[] = [];
    for (let k = 0; k <= last; k++) durations.push(k === L - 1 ? between(r, 0.1, 3) * DAY : stepWall(route.steps[k]!.hours[o], r() < 0.12));
    if (fate.closed === 'withdrawn') durations[0] = between(r, 1, 10) * DAY;
    // 5 % of returned dossiers waited for a supplement asked during examination
    const hadSupplement = fate.closed === 'returned' && r() < 0.05;
    if (hadSupplement) durations[0]! += between(r, 1, 10) * DAY;
    const total = durations.reduce((x, y) => x + y, 0);
    const room = ctx.now - 10 * MINUTE - received;
    const scale = total > room ? room / total : 1;
    let t = received;
    for (let k = 0; k <= last; k++) {
      starts.push(t);
      t += durations[k]! * scale;
    }
    end = t;
    if (fate.closed === 'withdrawn') supplement = { requested: starts[0]! + (end - starts[0]!) * 0.2, provided: null };
    else if (hadSupplement) supplement = { requested: starts[0]! + (starts[1]! - starts[0]!) * 0.1, provided: starts[0]! + (starts[1]! - starts[0]!) * 0.7 };
  } else {
    const today = vnDate(new Date(ctx.now));
    version = versionAt(proc, today);
    for (let tries = 0; !version; tries++) {
      proc = ctx.pickProc.get(agency.id)!(r);
      version = versionAt(proc, today);
      if (tries > 50) throw new Error(`no procedure in force for ${agency.code}`);
    }
    route = routeAt(version, today);
    const L = route.steps.length;
    const k = fate.open === 'resolved' ? L - 1 : fate.open === 'middle' && L > 2 ? 1 + Math.floor(r() * (L - 2)) : 0;
    // the current step started so that its due time is past (late) or not yet (on time)
    let s: number;
    if (k === L - 1) s = ctx.now - (fate.late ? between(r, 0.5, 10) * DAY : between(r, 0.02, 2) * DAY);
    else {
      const h = route.steps[k]!.hours[o];
      s = fate.late ? ctx.now - wall(h) - between(r, 0.5, 20) * DAY : ctx.now - between(r, 0, 0.7) * wall(h);
      for (let n = 0; n < 5; n++) {
        const due = ctx.cal.addWorkingHours(new Date(s), h).getTime();
        if (fate.late ? due < ctx.now : due > ctx.now) break;
        s = fate.late ? s - 3 * DAY : ctx.now - (ctx.now - s) / 3;
      }
    }
    const rev: number[] = [s];
    for (let j = k - 1; j >= 0; j--) rev.push(rev[rev.length - 1]! - stepWall(route.steps[j]!.hours[o], r() < 0.12));
    starts.push(...rev.reverse());
    if (fate.open === 'supplement') supplement = { requested: s + (ctx.now - s) * between(r, 0.05, 0.5), provided: null };
    received = starts[0]!;
  }
  const submitted = online ? received - between(r, 0.2, 48) * HOUR : received;
  return { r, agency, version: version!, route, fate, online, submitted, received, starts, end, supplement };
}

interface Counters {
  taskId: number;
  codes: Map<string, number>;
  registers: Map<string, number>;
}

const placeholderHash = (dossierId: number, seq: number) => (dossierId * 64 + seq).toString(16).padStart(16, '0').repeat(4);

const ANSWERS = ['Đã xác minh, thông tin phù hợp', 'Không có thông tin trái quy định', 'Đã xác định nghĩa vụ tài chính'];

function emit(ctx: Ctx, p: Plan, id: number, c: Counters, b: Batch): { openTasks: number; lateOpenTasks: number } {
  const { r, agency, version, route, fate } = p;
  const cal = ctx.cal;
  const o = p.online ? 1 : 0;
  const priority = p.online && route.onlinePriority ? 1 : 0;
  const L = route.steps.length;
  const officer = (a: Officers, role: StepRole) => pick(r, a.officers[role]);
  const desk = officer(agency, 'desk_officer');
  const applicantId = p.online ? pick(r, ctx.citizens) : null;
  const name = personName(r);
  const applicant = { name, citizenId: `031${digits(r, 9)}`, taxCode: null, address: `Số ${1 + Math.floor(r() * 200)} ${pick(r, STREETS)}, Hải Phòng`, phone: `09${digits(r, 8)}`, email: p.online ? `nguoidan${Math.floor(r() * 1e6)}@example.vn` : null };
  const form = { hoTen: name, ngaySinh: `19${50 + Math.floor(r() * 50)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}`, soDinhDanh: applicant.citizenId, noiCuTru: applicant.address, soDienThoai: applicant.phone, noiDung: `Đề nghị giải quyết thủ tục ${version.name}` };
  const documents = version.documents.filter((d) => d.mandatory).map((d) => d.code);
  const submittedDay = vnDate(new Date(p.submitted));
  const codeKey = `${agency.id}|${submittedDay}`;
  const codeNo = (c.codes.get(codeKey) ?? 0) + 1;
  c.codes.set(codeKey, codeNo);
  const code = formatDossierCode(agency.code, submittedDay, codeNo);
  const checkValue = Array.from({ length: 6 }, () => CHECK_ALPHABET[Math.floor(r() * CHECK_ALPHABET.length)]).join('');
  const year = Number(vnDate(new Date(p.received)).slice(0, 4));
  const regKey = `${agency.id}|${year}`;
  const registerNo = (c.registers.get(regKey) ?? 0) + 1;
  c.registers.set(regKey, registerNo);
  let due = cal.dueDate(new Date(p.received), version.timeLimit).getTime();

  // events are numbered at the end, in time order (a branch's answer and a supplement run side by side);
  // until then tasks refer to them by their index here
  const events: { at: number; row: Value[] }[] = [];
  const ev = (type: string, at: number, actorId: number | null, agencyId: number | null, payload: Record<string, unknown>) => {
    events.push({ at, row: [id, 0, type, iso(at), actorId, agencyId, JSON.stringify(payload), null, null] });
    return events.length - 1;
  };
  interface T { row: Value[]; id: number; agency: Officers }
  const tasks: T[] = [];
  const open = (kind: string, stepId: string, role: string, a: Officers, from: number, at: number, openedSeq: number, openedBy: number | null, dueAt: number | null, parent: number | null = null, detail: unknown = null): T => {
    const tid = ++c.taskId;
    const t: T = { id: tid, agency: a, row: [tid, id, kind, stepId, a.id, role, null, parent, 'open', priority, openedSeq, iso(at), openedBy, from, dueAt === null ? null : iso(dueAt), null, null, null, null, detail === null ? null : JSON.stringify(detail)] };
    tasks.push(t);
    return t;
  };
  const assign = (t: T, who: number) => void (t.row[6] = who);
  const close = (t: T, at: number, closedSeq: number, by: number | null, outcome: string, status: 'done' | 'cancelled' = 'done') => {
    t.row[8] = status;
    t.row[15] = closedSeq;
    t.row[16] = iso(at);
    t.row[17] = by;
    t.row[18] = outcome;
  };
  /** the tasks a step opens: its own, and its parallel branches */
  const openStep = (k: number, at: number, openedSeq: number, openedBy: number | null, from: number) => {
    const st = route.steps[k]!;
    const stepDue = k === L - 1 ? due : cal.addWorkingHours(new Date(at), st.hours[o]).getTime();
    const main = open('step', st.id, st.role, st.agency, from, at, openedSeq, openedBy, stepDue);
    const branches = st.branches.map((br) => ({ br, t: open('branch', `${st.id}/${br.id}`, br.role, br.agency, st.agency.id, at, openedSeq, openedBy, cal.addWorkingHours(new Date(at), br.hours[o]).getTime(), main.id, { task: br.task }) }));
    return { main, branches, due: stepDue };
  };
  /** claimed by an officer of the step (or assigned by the head), a little after it opened */
  const take = (t: T, stepId: string, role: StepRole, start: number, limit: number) => {
    const who = officer(t.agency, role);
    const at = start + Math.min(between(r, 0.02, 0.3) * Math.max(0, limit - start), 4 * HOUR);
    if (r() < 0.2 && t.agency.officers.unit_head.length) ev('task_assigned', at, officer(t.agency, 'unit_head'), t.agency.id, { task: t.id, step: stepId, assignee: who });
    else ev('task_claimed', at, who, t.agency.id, { task: t.id, step: stepId });
    assign(t, who);
    return { who, at };
  };
  const answer = (x: { br: RouteStep['branches'][number]; t: T }, stepId: string, at: number) => {
    const by = officer(x.br.agency, x.br.role);
    const late = at > Date.parse(x.t.row[14] as string);
    const text = pick(r, ANSWERS);
    const s = ev('consultation_answered', at, by, x.br.agency.id, { task: x.t.id, step: `${stepId}/${x.br.id}`, answer: text, late, kind: 'branch' });
    x.t.row[19] = JSON.stringify({ task: x.br.task, answer: text, late });
    close(x.t, at, s, by, late ? 'answered_late' : 'answered');
  };

  // submission and receipt
  if (p.online) ev('submitted', p.submitted, applicantId, null, { channel: 'online', procedure: version.nationalCode, version: version.version, documents, onBehalfOf: null });
  else ev('submitted', p.submitted, desk, agency.id, { channel: 'in_person', procedure: version.nationalCode, version: version.version, documents, registeredBy: desk });
  const first = route.steps[0]!;
  const firstDue = cal.addWorkingHours(new Date(p.received), first.hours[o]).getTime();
  const recSeq = ev('received', p.received, desk, agency.id, { dueAt: iso(due), registerYear: year, registerNo, timeLimit: version.timeLimit, workflowTemplate: route.templateId, firstStep: first.id, firstAgency: first.agency.id, stepDueAt: iso(firstDue) });
  let cur = openStep(0, p.received, recSeq, desk, agency.id);

  let status = 'received';
  let currentStep: string | null = first.id;
  let closedAt: number | null = null;
  let resultAt: number | null = null;
  let pausedSince: number | null = null;
  let supplementCount = 0;
  const openFate = 'open' in fate ? fate.open : null;
  const reached = p.starts.length;

  for (let k = 0; k < reached; k++) {
    const st = route.steps[k]!;
    const start = p.starts[k]!;
    const isCurrent = k === reached - 1;
    const endOfStep = k + 1 < reached ? p.starts[k + 1]! : (p.end ?? ctx.now);
    const stillOpen = isCurrent && openFate !== null;
    // who holds the step: claimed (specialists always once work starts; leaders half the time; the desk does not claim)
    let holder: number;
    let claimedAt = start;
    const claims = st.role === 'desk_officer' ? false : stillOpen ? (openFate === 'received' ? false : openFate === 'middle' ? r() < 0.5 : true) : st.role === 'agency_leader' ? r() < 0.5 : true;
    if (claims) ({ who: holder, at: claimedAt } = take(cur.main, st.id, st.role, start, endOfStep));
    else holder = officer(st.agency, st.role);
    if (claims || k > 0) status = status === 'received' ? 'processing' : status;
    // the parallel branches answer before the step moves on; an open step may still wait for them
    for (const x of cur.branches) {
      const at = Math.min(Math.max(start + wall(x.br.hours[o] * between(r, 0.2, 1.3)), claimedAt + MINUTE), endOfStep - MINUTE);
      // (an answer needs the dossier in processing: a step nobody has claimed yet waits)
      if (!stillOpen || (openFate !== 'received' && at < ctx.now && r() < 0.5)) answer(x, st.id, at);
    }
    if (k === 0 && p.supplement) {
      const items = [{ requirement: documents[0] ?? 'to-khai', reason: 'Bản sao chưa được chứng thực, đề nghị nộp bổ sung' }];
      const requested = Math.max(p.supplement.requested, claimedAt + MINUTE);
      const reqSeq = ev('processing_supplement_requested', requested, holder, st.agency.id, { task: cur.main.id, step: st.id, items });
      const supp = open('supplement', `${st.id}/supplement`, 'desk_officer', agency, st.agency.id, requested, reqSeq, holder, null, cur.main.id, { items });
      supplementCount = 1;
      if (p.supplement.provided !== null) {
        due = cal.dueDate(new Date(p.supplement.provided), version.timeLimit).getTime();
        const provSeq = ev('supplement_provided', p.supplement.provided, p.online ? applicantId : desk, p.online ? null : agency.id, { documents: [documents[0] ?? 'to-khai'], pausedSince: iso(requested), dueAt: iso(due) });
        close(supp, p.supplement.provided, provSeq, p.online ? applicantId : desk, 'supplemented');
        cur.main.row[14] = iso(cal.addWorkingHours(new Date(p.supplement.provided), st.hours[o]).getTime());
      } else if (openFate !== null) {
        status = 'processing_supplement';
        pausedSince = requested;
      } else {
        // withdrawn while waiting for the supplement: its tasks are cancelled
        const wSeq = ev('withdrawn', p.end!, applicantId, null, { reason: 'Không bổ sung được giấy tờ' });
        for (const t of tasks) if (t.row[8] === 'open') close(t, p.end!, wSeq, null, 'withdrawn', 'cancelled');
        status = 'withdrawn';
        currentStep = null;
        closedAt = p.end;
        break;
      }
    }
    if (stillOpen) break;
    // the step ends: refusal at the decision, the result returned at the last step, or on to the next step
    const at = endOfStep;
    if ('closed' in fate && fate.closed === 'refused' && k === route.decision) {
      const s = ev('refused', at, holder, st.agency.id, { task: cur.main.id, step: st.id, reasons: ['Hồ sơ không đủ điều kiện theo quy định'], afterExamination: true });
      for (const t of tasks) if (t.row[8] === 'open') close(t, at, s, holder, t === cur.main ? 'refused' : 'cancelled', t === cur.main ? 'done' : 'cancelled');
      status = 'refused';
      currentStep = null;
      closedAt = at;
      break;
    }
    if (k === L - 1) {
      const method = p.online ? pick(r, ['online', 'desk', 'post'] as const) : 'desk';
      const s = ev('result_returned', at, holder, st.agency.id, { task: cur.main.id, step: st.id, method, early: at <= due });
      close(cur.main, at, s, holder, 'returned');
      status = 'returned';
      currentStep = null;
      closedAt = at;
      break;
    }
    const next = route.steps[k + 1]!;
    const nextDue = k + 1 === L - 1 ? due : cal.addWorkingHours(new Date(at), next.hours[o]).getTime();
    let s: number;
    if (st.kind === 'issue_result') {
      s = ev('result_recorded', at, holder, st.agency.id, { task: cur.main.id, step: st.id, summary: `Đã ban hành: ${version.name}`, documents: [placeholderHash(id, 99)] });
      resultAt = at;
      status = 'resolved';
    } else s = ev(st.kind === 'approve' ? 'approved' : 'handed_over', at, holder, st.agency.id, { task: cur.main.id, step: st.id, to: next.id, note: null, toAgency: next.agency.id, dueAt: iso(nextDue) });
    close(cur.main, at, s, holder, st.kind === 'issue_result' ? 'result_recorded' : 'handed_over');
    cur = openStep(k + 1, at, s, holder, st.agency.id);
    currentStep = next.id;
  }

  const order = events.map((_, i) => i).sort((x, y) => events[x]!.at - events[y]!.at || x - y);
  const seqOf = new Map(order.map((e, i) => [e, i + 1]));
  let prev = '0'.repeat(64);
  for (const [i, e] of order.entries()) {
    const row = events[e]!.row;
    const hash = placeholderHash(id, i + 1);
    row[1] = i + 1;
    row[7] = prev;
    row[8] = hash;
    prev = hash;
    b.events.push(row);
  }
  const seq = events.length;
  const lastAt = events[order[order.length - 1]!]!.at;
  for (const t of tasks) {
    t.row[10] = seqOf.get(t.row[10] as number)!;
    if (t.row[15] !== null) t.row[15] = seqOf.get(t.row[15] as number)!;
  }

  let openTasks = 0;
  let lateOpenTasks = 0;
  const nowIso = iso(ctx.now);
  for (const t of tasks) {
    if (t.row[8] === 'open') {
      openTasks++;
      if (t.row[14] !== null && (t.row[14] as string) < nowIso) lateOpenTasks++;
    }
    b.tasks.push(t.row);
  }
  b.dossiers.push([
    id, code, checkValue, version.id, agency.id, applicantId, JSON.stringify(applicant), p.online ? 'online' : 'in_person', status, JSON.stringify(form), p.online ? 'online' : 'desk',
    iso(p.submitted), iso(p.received), iso(due), pausedSince === null ? null : iso(pausedSince), supplementCount, year, registerNo, closedAt === null ? null : iso(closedAt), seq,
    prev, iso(lastAt), route.templateId, currentStep, null, null, null, resultAt === null ? null : iso(resultAt), 0, priority,
  ]);
  return { openTasks, lateOpenTasks };
}

// ---------- indexes ----------

const BIG_TABLES = ['dossiers', 'dossier_events', 'dossier_tasks'];

/** The secondary (non-unique) indexes of the big tables, as their CREATE statements. */
async function secondaryIndexes(w: Writer, engine: 'sqlite' | 'postgres'): Promise<{ name: string; create: string }[]> {
  const list = BIG_TABLES.map((t) => `'${t}'`).join(',');
  if (engine === 'sqlite') {
    const rows = await w.query<{ name: string; sql: string }>(`select name, sql from sqlite_master where type = 'index' and tbl_name in (${list}) and sql is not null and sql not like 'CREATE UNIQUE%'`);
    return rows.map((x) => ({ name: x.name, create: x.sql }));
  }
  const rows = await w.query<{ indexname: string; indexdef: string }>(`select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename in (${list}) and indexdef not like 'CREATE UNIQUE%'`);
  return rows.map((x) => ({ name: x.indexname, create: x.indexdef }));
}

// ---------- main ----------

export async function generateDossiers(db: Db, target: RawTarget, opts: GenerateOptions): Promise<GenerateReport> {
  const log = opts.log ?? (() => undefined);
  const t0 = performance.now();
  const seed = opts.seed ?? 20261127;
  const now = opts.now.getTime();
  const cal = new WorkingCalendar({ schedules: [] });
  const people = await createPeople(db, opts.now, mulberry32(seed));
  const agencies = await loadAgencies(db, opts.now, people.officers);
  const ctx: Ctx = {
    now,
    cal,
    pickAgency: weighted(agencies.map((a) => ({ item: a, weight: a.weight }))),
    pickOpenAgency: weighted(agencies.filter((a) => a.procedures.some((p) => versionAt(p, vnDate(opts.now)))).map((a) => ({ item: a, weight: a.weight }))),
    pickProc: new Map(agencies.map((a) => [a.id, weighted(a.procedures.map((p) => ({ item: p, weight: p.weight })))])),
    citizens: people.citizens,
    seed,
  };
  // dossier ids follow the submission time, as they would in a running system
  const n = opts.n;
  const submitted = new Float64Array(n);
  for (let i = 0; i < n; i++) submitted[i] = plan(ctx, i).submitted;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => submitted[a]! - submitted[b]!);
  const tSetup = performance.now();
  log(`planned ${n} dossiers in ${((tSetup - t0) / 1000).toFixed(1)} s`);

  const w = target.engine === 'sqlite' ? await sqliteWriter(target.file) : await postgresWriter(target.url, target.schema);
  const indexes = await secondaryIndexes(w, target.engine);
  for (const ix of indexes) await w.exec(`drop index ${ix.name}`);
  const batchSize = opts.batch ?? 500;
  const counters: Counters = { taskId: 0, codes: new Map(), registers: new Map() };
  let events = 0;
  let tasks = 0;
  let openDossiers = 0;
  let openTasks = 0;
  let lateOpenTasks = 0;
  for (let start = 0; start < n; start += batchSize) {
    const b: Batch = { dossiers: [], events: [], tasks: [] };
    for (let j = start; j < Math.min(n, start + batchSize); j++) {
      const p = plan(ctx, order[j]!);
      const o = emit(ctx, p, j + 1, counters, b);
      if ('open' in p.fate) openDossiers++;
      openTasks += o.openTasks;
      lateOpenTasks += o.lateOpenTasks;
    }
    events += b.events.length;
    tasks += b.tasks.length;
    await w.write(b);
    if ((start / batchSize) % 200 === 0) log(`  ${start + b.dossiers.length} / ${n} dossiers (${((performance.now() - tSetup) / 1000).toFixed(0)} s)`);
  }
  await w.drain();
  // the app's counters continue after the generated codes and register numbers
  const counterRows = (m: Map<string, number>) => [...m].map(([k, last]) => `(${k.split('|')[0]}, '${k.split('|')[1]}', ${last})`);
  for (const [table, m, col] of [['dossier_code_counters', counters.codes, 'day'], ['register_counters', counters.registers, 'year']] as const) {
    const rows = counterRows(m);
    for (let i = 0; i < rows.length; i += 2000) await w.exec(`insert into ${table} (agency_id, ${col}, last) values ${rows.slice(i, i + 2000).join(',')}`);
  }
  if (target.engine === 'postgres') {
    for (const t of ['dossiers', 'dossier_tasks']) await w.exec(`select setval(pg_get_serial_sequence('${t}', 'id'), (select max(id) from ${t}))`);
  }
  const tLoad = performance.now();
  log(`loaded in ${((tLoad - tSetup) / 1000).toFixed(1)} s${w.waitedMs ? ` (${(w.waitedMs() / 1000).toFixed(1)} s of it waiting for the database)` : ''}; rebuilding ${indexes.length} indexes`);
  for (const ix of indexes) await w.exec(ix.create);
  await w.close();
  const tEnd = performance.now();
  return {
    dossiers: n,
    events,
    tasks,
    openDossiers,
    openTasks,
    lateOpenTasks,
    setupSeconds: (tSetup - t0) / 1000,
    loadSeconds: (tLoad - tSetup) / 1000,
    indexSeconds: (tEnd - tLoad) / 1000,
    totalSeconds: (tEnd - t0) / 1000,
  };
}
