// A dataset driven through the real actions (HTTP) on both engines: dossiers resolved early,
// late, after a supplement, refused at the desk and after examination, withdrawn, rated, and
// left in progress. The leader dashboard's numbers must equal a direct count from the event
// log; `recompute-stats` must find no difference, then find the one we plant, then fix it.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { importCatalog } from '../src/catalog/import-catalog.js';
import { DEMO_PASSWORD, seedDemoAccounts } from '../src/identity/demo-accounts.js';
import { recomputeStats } from '../src/reports/recompute.js';
import { TestClient } from './support/client.js';
import { testConfig } from './support/config.js';
import { ENGINES, freshDatabase, type TestDb } from './support/db.js';
import { procedure, smallCatalog } from './support/fixtures.js';
import { multipartFile, tinyPdf } from './support/multipart.js';

class MovableClock {
  constructor(public t: number) {}
  now = () => new Date(this.t);
  advanceDays = (d: number) => (this.t += d * 86_400_000);
}

const WARD = '000.01.21.H31';
const DISTRICT = '000.00.21.H31';
const TEN_DAY = '9.000001';
const MONDAY_9H_VN = Date.parse('2026-03-02T02:00:00Z');
const Q1 = 'period=quarter&at=2026-Q1';

interface Task {
  id: number;
  kind: string;
  step: string;
  status: string;
}
interface Dashboard {
  totals: Record<string, number | null>;
  byProcedure: { code: string; received: number; resolved: number; late: number }[];
  byAgency: { code: string; received: number; resolved: number; late: number; backlog: number; backlogLate: number }[];
  trend: { received: number; resolved: number; late: number }[];
  lateNow: { code: string; step: string; agency: string; officer: string | null }[];
}

describe.each(ENGINES)('reports dataset on %s', (engine) => {
  let t: TestDb;
  let app: FastifyInstance;
  const clock = new MovableClock(MONDAY_9H_VN);
  const c: Record<string, TestClient> = {};
  const EMAILS: Record<string, string> = { citizen: 'an.nguyen', desk: 'tiepnhan.hongbang', specialist: 'chuyenvien.hongbang', leader: 'lanhdao.hongbang', head: 'truongphong.hongbang' };
  let seq = 0;
  let resultUpload = '';
  const groups: Record<string, string[]> = { early: [], refusedAtDesk: [], withdrawn: [], supplemented: [], refusedAfter: [], late: [], open: [] };

  async function loginAll() {
    for (const [name, email] of Object.entries(EMAILS)) {
      c[name] ??= new TestClient(app, `10.7.${ENGINES.indexOf(engine)}.${Object.keys(EMAILS).indexOf(name) + 1}`);
      expect((await c[name]!.login(`${email}@demo.motcua.vn`, DEMO_PASSWORD)).statusCode).toBe(200);
    }
  }
  async function upload(who: string) {
    const m = multipartFile(tinyPdf(`ds ${engine} ${seq++}`), 'giay-to.pdf');
    const res = await c[who]!.request('POST', '/api/uploads', m.body, m.headers);
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  }
  async function submit(): Promise<string> {
    const body = { procedure: TEN_DAY, agency: WARD, form: { hoTen: 'Nguyễn Văn Bé' }, documents: [{ requirement: 'to-khai', upload: await upload('citizen') }], returnMethod: 'online' };
    const res = await c.citizen!.request('POST', '/api/dossiers', body, { 'idempotency-key': `ds-${engine}-${seq++}` });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { code: string }).code;
  }
  async function decide(code: string, body: Record<string, unknown>) {
    const res = await c.desk!.post(`/api/desk/dossiers/${code}/decision`, body);
    expect(res.statusCode, res.body).toBe(200);
  }
  async function openTask(code: string): Promise<Task> {
    const res = await c.leader!.get(`/api/work/dossiers/${code}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { tasks: Task[] }).tasks.find((x) => x.status === 'open' && x.kind === 'step')!;
  }
  async function act(who: string, code: string, body: Record<string, unknown>) {
    const res = await c[who]!.post(`/api/work/dossiers/${code}/actions`, body);
    expect(res.statusCode, `${who} ${JSON.stringify(body)}: ${res.body}`).toBe(200);
  }
  /** examine → approve → issue the result → return it */
  async function resolveAndReturn(code: string) {
    await act('specialist', code, { action: 'hand_over', taskId: (await openTask(code)).id });
    await act('leader', code, { action: 'approve', taskId: (await openTask(code)).id });
    await act('specialist', code, { action: 'record_result', taskId: (await openTask(code)).id, summary: 'Kết quả giải quyết', documents: [resultUpload] });
    await act('desk', code, { action: 'return_result', taskId: (await openTask(code)).id, method: 'online' });
  }
  async function rate(code: string, dissatisfiedOn: string | null) {
    const state = (await c.citizen!.get(`/api/dossiers/${code}/rating`)).json() as { canRate: boolean; criteria: string[] };
    expect(state.canRate).toBe(true);
    const res = await c.citizen!.post(`/api/dossiers/${code}/rating`, { answers: state.criteria.map((criterion) => ({ criterion, satisfied: criterion !== dissatisfiedOn })), comment: '<script>alert(1)</script> cảm ơn' });
    expect(res.statusCode, res.body).toBe(201);
  }

  beforeAll(async () => {
    t = await freshDatabase(engine);
    const catalog = smallCatalog();
    catalog.procedures.push(procedure({ nationalCode: TEN_DAY, name: 'Thủ tục mười ngày', timeLimit: { value: 10, unit: 'working_days' } }));
    await importCatalog(t.db, catalog, clock.now());
    await seedDemoAccounts(t.db, clock.now());
    app = await buildApp({ db: t.db, clock, config: testConfig({ DATA_DIR: t.env.DATA_DIR!, UPLOAD_LIMIT: '100000' }) });
    await loginAll();
    resultUpload = await upload('specialist');

    // day 1 (Monday 02/03/2026): everything is submitted; most is received
    for (let i = 0; i < 6; i++) groups.early!.push(await submit());
    for (let i = 0; i < 3; i++) groups.refusedAtDesk!.push(await submit());
    for (let i = 0; i < 2; i++) groups.withdrawn!.push(await submit());
    for (let i = 0; i < 2; i++) groups.supplemented!.push(await submit());
    for (let i = 0; i < 2; i++) groups.refusedAfter!.push(await submit());
    for (let i = 0; i < 3; i++) groups.late!.push(await submit());
    for (let i = 0; i < 3; i++) groups.open!.push(await submit());
    for (const code of groups.refusedAtDesk!) await decide(code, { outcome: 'refuse', reasons: ['Không thuộc thẩm quyền giải quyết'] });
    for (const [g, list] of Object.entries(groups)) if (g !== 'refusedAtDesk') for (const code of list) await decide(code, { outcome: 'receive' });

    // early: resolved and returned the same day; two are rated, one of them dissatisfied with the officer
    for (const code of groups.early!) await resolveAndReturn(code);
    await rate(groups.early![0]!, 'officer_attitude');
    await rate(groups.early![1]!, null);
    for (const code of groups.withdrawn!) expect((await c.citizen!.post(`/api/me/dossiers/${code}/withdraw`, { reason: 'Không còn nhu cầu' })).statusCode).toBe(200);
    for (const code of groups.refusedAfter!) {
      await act('specialist', code, { action: 'hand_over', taskId: (await openTask(code)).id });
      await act('leader', code, { action: 'refuse', taskId: (await openTask(code)).id, reasons: ['Hồ sơ không đủ điều kiện'] });
    }
    for (const code of groups.supplemented!) await act('specialist', code, { action: 'request_supplement', taskId: (await openTask(code)).id, items: [{ requirement: 'to-khai', reason: 'Chữ ký mờ' }] });

    // two days later the papers come back; the supplemented dossiers are then resolved (the limit restarted)
    clock.advanceDays(2);
    await loginAll();
    for (const code of groups.supplemented!) {
      const res = await c.citizen!.post(`/api/me/dossiers/${code}/supplement`, { documents: [{ requirement: 'to-khai', upload: await upload('citizen') }] });
      expect(res.statusCode, res.body).toBe(200);
      await resolveAndReturn(code);
    }
    // three weeks on (past the 10 working days): the late ones are resolved, the open ones stay late
    clock.advanceDays(19);
    await loginAll();
    for (const code of groups.late!) await resolveAndReturn(code);
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  /** Counts straight from the log (events and the dossiers they belong to), not from the buckets. */
  async function countFromLog() {
    const events = await t.db.selectFrom('dossier_events as e').innerJoin('dossiers as d', 'd.id', 'e.dossier_id').select(['e.dossier_id', 'e.type', 'e.at', 'e.payload', 'd.channel', 'd.code']).orderBy('e.dossier_id').orderBy('e.seq').execute();
    const by = new Map<number, typeof events>();
    for (const e of events) by.set(e.dossier_id, [...(by.get(e.dossier_id) ?? []), e]);
    const n = { received: 0, receivedOnline: 0, resolved: 0, late: 0, early: 0, onTime: 0, refused: 0, withdrawn: 0, ratings: 0, dissatisfied: 0 };
    const lateCodes: string[] = [];
    const vnDay = (iso: string) => new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(0, 10);
    for (const list of by.values()) {
      let due: string | null = null;
      let supplements = 0;
      for (const e of list) {
        const p = JSON.parse(e.payload) as { dueAt?: string; answers?: { satisfied: boolean }[] };
        if (e.type === 'received') {
          n.received++;
          if (e.channel === 'online') n.receivedOnline++;
        }
        if ((e.type === 'received' || e.type === 'supplement_provided') && p.dueAt) due = p.dueAt;
        if (e.type === 'supplement_requested' || e.type === 'processing_supplement_requested') supplements++;
        if (e.type === 'refused') n.refused++;
        if (e.type === 'withdrawn') n.withdrawn++;
        if (e.type === 'rated') {
          n.ratings++;
          if (p.answers!.some((a) => !a.satisfied)) n.dissatisfied++;
        }
        if (e.type === 'result_recorded') {
          n.resolved++;
          if (supplements > 1 || e.at > due!) {
            n.late++;
            lateCodes.push(e.code);
          } else if (vnDay(e.at) < vnDay(due!)) n.early++;
          else n.onTime++;
        }
      }
    }
    const open = await t.db.selectFrom('dossiers').select((eb) => eb.fn.countAll<number>().as('n')).where('status', 'in', ['received', 'processing', 'processing_supplement']).executeTakeFirstOrThrow();
    const lateOpen = await t.db.selectFrom('dossier_tasks').select('id').where('status', '=', 'open').where('kind', '=', 'step').where('due_at', '<', clock.now().toISOString()).execute();
    return { ...n, inProgress: Number(open.n), lateNow: lateOpen.length, lateCodes };
  }

  it('the dashboard equals a direct count from the log', async () => {
    const log = await countFromLog();
    // the scenario itself, so a silent no-op cannot pass
    expect(log).toMatchObject({ received: 18, resolved: 11, late: 3, early: 8, refused: 5, withdrawn: 2, ratings: 2, dissatisfied: 1, inProgress: 3, lateNow: 3 });
    const res = await c.leader!.get(`/api/reports/dashboard?agency=${DISTRICT}&${Q1}`);
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json() as Dashboard;
    expect(d.totals).toMatchObject({
      received: log.received, receivedOnline: log.receivedOnline, onlineShare: 1, resolved: log.resolved, early: log.early, onTime: log.onTime, late: log.late,
      refused: log.refused, withdrawn: log.withdrawn, ratings: log.ratings, dissatisfied: log.dissatisfied, inProgress: log.inProgress, inProgressLate: 3,
    });
    expect(d.totals.onTimeRate).toBeCloseTo((log.early + log.onTime) / log.resolved, 4);
    expect(d.totals.satisfactionRate).toBe(0.5);
    expect(d.lateNow.map((r) => r.code).sort()).toEqual([...groups.open!].sort());
    expect(d.lateNow[0]).toMatchObject({ step: 'Thẩm định hồ sơ', agency: expect.stringContaining('') });
    // the ward is the district's child that received everything; its backlog is the open dossiers' steps
    expect(d.byAgency.find((a) => a.code === WARD)).toMatchObject({ received: log.received, resolved: log.resolved, late: log.late, backlog: 3, backlogLate: 3 });
    expect(d.byProcedure).toEqual([expect.objectContaining({ code: TEN_DAY, received: log.received, resolved: log.resolved, late: log.late })]);
    expect(d.trend.reduce((s, r) => s + r.received, 0)).toBe(log.received);
    expect(d.trend.reduce((s, r) => s + r.late, 0)).toBe(log.late);

    // drill-down: the late number is made of exactly the late dossiers
    const drill = (await c.leader!.get(`/api/reports/drill?measure=late&agency=${DISTRICT}&${Q1}`)).json() as { total: number; items: { code: string; outcome: string }[] };
    expect(drill.total).toBe(log.late);
    expect(drill.items.map((i) => i.code).sort()).toEqual([...log.lateCodes].sort());
    // and Decision 766's progress indicator is the same count
    const ind = (await c.leader!.get(`/api/reports/indicators?framework=d766&agency=${DISTRICT}&${Q1}`)).json() as { groups: { key: string; indicators: { key: string; numerator: number; denominator: number; score: number | null }[] }[] };
    const onTime = ind.groups.find((g) => g.key === 'progress')!.indicators[0]!;
    expect(onTime).toMatchObject({ numerator: log.early + log.onTime, denominator: log.resolved });
    // Decision 766 digitisation (#7): every dossier received here came online with uploads, none reused data, no e-result was signed
    const receivedIds = (await t.db.selectFrom('dossier_events').select('dossier_id').distinct().where('type', '=', 'received').execute()).map((r) => r.dossier_id);
    const docs = await t.db.selectFrom('dossier_documents').select(['dossier_id', 'sha256', 'source', 'requirement_code']).where('dossier_id', 'in', receivedIds).execute();
    const allElectronic = receivedIds.filter((id) => {
      const components = docs.filter((x) => x.dossier_id === id && x.source !== 'result' && !x.requirement_code.startsWith('step:'));
      return components.length > 0 && components.every((x) => x.sha256 !== null);
    }).length;
    const digitisation = ind.groups.find((g) => g.key === 'digitisation')!.indicators;
    expect(digitisation.find((i) => i.key === 'digitised')).toMatchObject({ numerator: allElectronic, denominator: log.received });
    expect(allElectronic).toBeGreaterThan(0);
    expect(digitisation.find((i) => i.key === 'reuse')).toMatchObject({ numerator: 0, denominator: log.received, score: 0 });
    expect(digitisation.find((i) => i.key === 'e_results')).toMatchObject({ numerator: 0, denominator: log.resolved, score: 0 });
  });

  it("an officer's own indicators count the steps they closed and the dissatisfaction tied to them", async () => {
    const me = (await c.specialist!.get(`/api/reports/me?${Q1}`)).json() as { steps: { done: number; late: number }; dissatisfied: number; open: number };
    const closed = await t.db
      .selectFrom('dossier_tasks as t')
      .innerJoin('accounts as a', 'a.id', 't.closed_by')
      .select('t.due_at')
      .select('t.closed_at')
      .where('a.email', '=', 'chuyenvien.hongbang@demo.motcua.vn')
      .where('t.status', '=', 'done')
      .where('t.kind', 'in', ['step', 'branch', 'consult'])
      .execute();
    expect(me.steps.done).toBe(closed.length);
    expect(me.steps.late).toBe(closed.filter((x) => x.due_at !== null && x.closed_at! > x.due_at).length);
    expect(me.steps.done).toBeGreaterThan(0);
  });

  it('recompute-stats finds no difference, reports a tampered bucket, and --fix rebuilds it from the log', async () => {
    expect((await recomputeStats(t.db, { fix: false })).differences).toEqual([]);
    const ward = await t.db.selectFrom('agencies').select('id').where('code', '=', WARD).executeTakeFirstOrThrow();
    // the roll-up the dashboard reads, and the detail it is the sum of
    await t.db.updateTable('quality_stats_agency_day').set({ received: sql<number>`received + 5` }).where('agency_id', '=', ward.id).where('day', '=', '2026-03-02').execute();
    await t.db.updateTable('quality_stats').set({ late: sql<number>`late + 1` }).where('agency_id', '=', ward.id).where('day', '=', '2026-03-23').execute();
    const tampered = await recomputeStats(t.db, { fix: false });
    expect(tampered.differences).toEqual([
      expect.objectContaining({ table: 'quality_stats', counter: 'late', stored: 4, expected: 3 }),
      expect.objectContaining({ table: 'quality_stats_agency_day', key: `${ward.id}|2026-03-02`, counter: 'received', stored: 23, expected: 18 }),
    ]);
    const dash = (await c.leader!.get(`/api/reports/dashboard?agency=${DISTRICT}&${Q1}`)).json() as Dashboard;
    expect(dash.totals.received).toBe(23);
    const fixed = await recomputeStats(t.db, { fix: true });
    expect(fixed.fixed).toBe(true);
    expect((await recomputeStats(t.db, { fix: false })).differences).toEqual([]);
    const after = (await c.leader!.get(`/api/reports/dashboard?agency=${DISTRICT}&${Q1}`)).json() as Dashboard;
    expect(after.totals.received).toBe(18);
    // the facts rebuilt from the log keep absorbing new events exactly
    const code = await submit();
    await decide(code, { outcome: 'receive' });
    expect((await recomputeStats(t.db, { fix: false })).differences).toEqual([]);
  });
});
