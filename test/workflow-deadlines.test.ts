// Deadlines as a property: random receipts (office hours, after the 15:00 cutoff, nights,
// Fridays, the run-up to Tết 2027 on 06/02/2027) of a 10-working-day procedure, then random
// processing (claim, a supplement asked during examination and brought back days later, an
// apology, hand-overs after random working hours, some of them late), checking after every
// step that:
// - every due time is a working instant or the end of a working window, on a working day;
// - a step is due no later than the dossier unless an earlier step went late; the return step is due with the dossier;
// - the receipt and a completed supplement set the dossier due date to calendar.dueDate(t, limit) (restart from zero);
// - the supplement window (3 working days after receipt) is enforced, and the clock is paused meanwhile;
// - the apology moves the due date exactly to the requested date, and only once;
// - the control slip (over HTTP) flags a row late exactly when doneAt (or now) > dueAt.
// Commands are called as the routes call them (act, registerAtDesk, deskReceiveSupplement) with
// Actors loaded from the database; the slip is read through the API by the unit head.
import fc from 'fast-check';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { CalendarService } from '../src/calendar/schedules-store.js';
import type { WorkingCalendar } from '../src/calendar/working-time.js';
import { importCatalog } from '../src/catalog/import-catalog.js';
import { BlobStore } from '../src/documents/blob-store.js';
import { acceptUpload } from '../src/documents/uploads.js';
import { verifyChains } from '../src/dossiers/event-log.js';
import { deskReceiveSupplement, type IntakeDeps, registerAtDesk } from '../src/dossiers/intake.js';
import { DEMO_PASSWORD, seedDemoAccounts } from '../src/identity/demo-accounts.js';
import type { Actor } from '../src/identity/permissions.js';
import { activeGrants } from '../src/identity/store.js';
import { vnDate } from '../src/lib/dates.js';
import { DomainError } from '../src/lib/errors.js';
import { act, type ActionInput, type WorkflowDeps } from '../src/workflow/engine.js';
import { TestClient } from './support/client.js';
import { testConfig } from './support/config.js';
import { freshDatabase, type TestDb } from './support/db.js';
import { procedure, smallCatalog } from './support/fixtures.js';
import { tinyPdf } from './support/multipart.js';

const WARD = '000.01.21.H31'; // a ward of quận Hồng Bàng: the demo officers of Hồng Bàng cover it
const TEN_DAY = '9.000002';
const LIMIT = { value: 10, unit: 'working_days' } as const;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** the default template's shares of 80 working hours: examine 60 %, approve 20 %, issue 20 % */
const BUDGET = { examine: 48, approve: 16, issue: 16 };
const RUNS = 150;

const EMAIL = {
  citizen: 'an.nguyen@demo.motcua.vn',
  desk: 'tiepnhan.hongbang@demo.motcua.vn',
  specialist: 'chuyenvien.hongbang@demo.motcua.vn',
  head: 'truongphong.hongbang@demo.motcua.vn',
  leader: 'lanhdao.hongbang@demo.motcua.vn',
} as const;
type Who = keyof typeof EMAIL;

class MovableClock {
  constructor(public t: number) {}
  now = () => new Date(this.t);
}

const addDays = (isoDay: string, n: number) => new Date(Date.parse(`${isoDay}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
/** The instant of a Vietnam local day and minute of the day. */
const vnInstant = (isoDay: string, minute: number) => new Date(Date.parse(`${isoDay}T00:00:00Z`) + minute * MINUTE - 7 * HOUR);
const later = (a: Date, b: Date) => (a > b ? a : b);

// ---------- scenarios ----------

const receiptDay = fc.oneof(
  fc.integer({ min: 0, max: 390 }).map((d) => addDays('2026-03-02', d)), // any day from March 2026 to March 2027
  fc.integer({ min: 0, max: 50 }).map((w) => addDays('2026-03-06', 7 * w)), // a Friday
  fc.integer({ min: 0, max: 16 }).map((d) => addDays('2027-01-25', d)), // the run-up to Tết 2027 (05–11/02 off), and Tết itself
);
const receiptMinute = fc.oneof(
  fc.integer({ min: 7 * 60 + 30, max: 17 * 60 - 1 }), // office hours
  fc.integer({ min: 15 * 60, max: 17 * 60 + 30 }), // after the 15:00 hand-over cutoff
  fc.integer({ min: 0, max: 24 * 60 - 1 }), // any time: night, lunch
);
const halfHours = (min: number, max: number) => fc.integer({ min: min * 2, max: max * 2 }).map((h) => h / 2);

const scenarioArb = fc.record({
  day: receiptDay,
  minute: receiptMinute,
  claim: fc.boolean(),
  /** a supplement asked during examination after `afterHours` working hours, brought back `days` later at `minute` */
  supplement: fc.option(fc.record({ afterHours: halfHours(0, 36), days: fc.integer({ min: 0, max: 30 }), minute: fc.integer({ min: 0, max: 24 * 60 - 1 }) }), { nil: null, freq: 2 }),
  /** when the unit head apologises, and how many days after the current due date the new one is */
  apology: fc.option(fc.record({ when: fc.constantFrom('at_receipt', 'while_paused', 'after_supplement', 'before_approval', 'near_due'), days: fc.integer({ min: 1, max: 20 }), hoursBeforeDue: fc.integer({ min: 1, max: 47 }) }), { nil: null, freq: 2 }),
  /** working hours spent at examine, approve and issue (the budgets are 48, 16 and 16: some go late) */
  spent: fc.tuple(halfHours(0.5, 60), halfHours(0.5, 24), halfHours(0.5, 24)),
  /** how many of examine, approve, issue, return are completed */
  steps: fc.integer({ min: 0, max: 4 }),
  returnAfter: halfHours(0, 16),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

interface TaskRow {
  id: number;
  kind: string;
  step_id: string;
  status: string;
  due_at: string | null;
  opened_at: string;
  closed_at: string | null;
}

describe('deadlines under random receipts and processing (SQLite, property)', () => {
  let t: TestDb;
  let app: FastifyInstance;
  let cal: WorkingCalendar;
  let wf: WorkflowDeps;
  let intake: IntakeDeps;
  let blobs: BlobStore;
  let head: TestClient;
  const clock = new MovableClock(Date.parse('2026-01-05T02:00:00Z'));
  const ids = {} as Record<Who, number>;
  const stats = { runs: 0, receiptsAfter15h: 0, receiptsOffHours: 0, fridays: 0, beforeTet: 0, supplementsAccepted: 0, supplementsRefusedLate: 0, apologies: 0, apologiesTooLate: 0, lateSteps: 0, returned: 0, slipRows: 0 };

  beforeAll(async () => {
    t = await freshDatabase('sqlite');
    const catalog = smallCatalog();
    catalog.procedures.push(procedure({ nationalCode: TEN_DAY, name: 'Thủ tục mười ngày làm việc', timeLimit: LIMIT }));
    await importCatalog(t.db, catalog, clock.now());
    await seedDemoAccounts(t.db, clock.now());
    for (const [who, email] of Object.entries(EMAIL) as [Who, string][]) ids[who] = (await t.db.selectFrom('accounts').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
    cal = await new CalendarService(t.db).current();
    wf = { db: t.db, calendar: cal, publicUrl: 'http://127.0.0.1' };
    intake = { db: t.db, dueDates: cal, publicUrl: 'http://127.0.0.1' };
    blobs = new BlobStore(path.join(t.env.DATA_DIR!, 'blobs'));
    app = await buildApp({ db: t.db, clock, config: testConfig({ DATA_DIR: t.env.DATA_DIR! }) });
    // One session for every run: logged in after the last instant any run reaches, it stays valid
    // while the clock is moved back to each run's end (neither its idle nor its absolute limit has passed).
    clock.t = Date.parse('2028-06-01T02:00:00Z');
    head = new TestClient(app, '10.3.0.1');
    expect((await head.login(EMAIL.head, DEMO_PASSWORD)).statusCode).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  async function actor(who: Who, now: Date): Promise<Actor> {
    const grants = await activeGrants(t.db, ids[who], vnDate(now));
    return { accountId: ids[who], kind: who === 'citizen' ? 'citizen' : 'officer', grants: grants.map((g) => g.active), actingFor: null };
  }
  const dossier = (code: string) => t.db.selectFrom('dossiers').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
  const tasks = async (code: string): Promise<TaskRow[]> => {
    const d = await dossier(code);
    return t.db.selectFrom('dossier_tasks').select(['id', 'kind', 'step_id', 'status', 'due_at', 'opened_at', 'closed_at']).where('dossier_id', '=', d.id).orderBy('id').execute();
  };
  const openStep = async (code: string) => (await tasks(code)).find((x) => x.status === 'open' && x.kind === 'step');
  /** The domain error a command throws (null when it succeeds). */
  async function attempt(fn: () => Promise<unknown>): Promise<DomainError | null> {
    try {
      await fn();
      return null;
    } catch (e) {
      if (e instanceof DomainError) return e;
      throw e;
    }
  }
  const doAct = async (who: Who, code: string, input: ActionInput, now: Date) => act(wf, await actor(who, now), code, input, now);

  /** A working instant, or the end of a working window (a budget that runs out exactly at 17:00 or 11:30). */
  function expectWorkingOrWindowEnd(iso: string, what: string) {
    const d = new Date(iso);
    expect(cal.isWorkingDay(vnDate(d)), `${what} ${iso} is on a working day`).toBe(true);
    expect(cal.isWorkingTime(d) || cal.isWorkingTime(new Date(d.getTime() - 1)), `${what} ${iso} is working time or a window's end`).toBe(true);
  }

  async function checkInvariants(code: string, where: string) {
    const d = await dossier(code);
    const all = await tasks(code);
    expect(d.due_at, where).not.toBeNull();
    expectWorkingOrWindowEnd(d.due_at!, `${where}: dossier due`);
    const steps = all.filter((x) => x.kind === 'step');
    for (const task of all) if (task.due_at) expectWorkingOrWindowEnd(task.due_at, `${where}: ${task.kind} ${task.step_id} due`);
    for (const task of steps) {
      if (task.status === 'open' && task.step_id === 'return') {
        expect(task.due_at, `${where}: the return step is due with the dossier`).toBe(d.due_at);
        continue;
      }
      // an earlier step handed over after its due time may push this one past the dossier's
      const excused = steps.some((p) => p.id < task.id && p.closed_at !== null && p.due_at !== null && p.closed_at > p.due_at);
      if (!excused) expect(task.due_at! <= d.due_at!, `${where}: step ${task.step_id} due ${task.due_at} ≤ dossier due ${d.due_at}`).toBe(true);
    }
    expect(all.filter((x) => x.status === 'open' && x.kind === 'step').length, `${where}: one open step at most`).toBeLessThanOrEqual(1);
  }

  async function apologise(code: string, now: Date, days: number) {
    const d = await dossier(code);
    if (!['received', 'processing', 'processing_supplement'].includes(d.status)) return;
    let day = addDays(vnDate(new Date(d.due_at!)), days);
    // a new date on a day off is refused, and changes nothing
    let off = day;
    while (cal.isWorkingDay(off)) off = addDays(off, 1);
    const refused = await attempt(() => doAct('head', code, { action: 'apologise', reason: 'Hẹn vào ngày nghỉ', newDueAt: vnInstant(off, 10 * 60).toISOString() }, now));
    expect(refused, `an apology to ${off} (a day off) is refused`).not.toBeNull();
    expect((await dossier(code)).due_at).toBe(d.due_at);
    while (!cal.isWorkingDay(day)) day = addDays(day, 1);
    const requested = vnInstant(day, 17 * 60);
    const err = await attempt(() => doAct('head', code, { action: 'apologise', reason: 'Cần xác minh thêm với cơ quan liên quan', newDueAt: requested.toISOString() }, now));
    const after = await dossier(code);
    if (d.apology_count > 0) {
      expect(err?.reason).toBe('apology_already_issued');
      expect(after.due_at).toBe(d.due_at);
      return;
    }
    if (Date.parse(d.due_at!) - now.getTime() < DAY) {
      expect(err?.reason, 'an apology less than a day before the due date is refused').toBe('apology_too_late');
      expect(after.due_at).toBe(d.due_at);
      stats.apologiesTooLate++;
      return;
    }
    expect(err, err?.message).toBeNull();
    stats.apologies++;
    expect(after.due_at).toBe(requested.toISOString());
    expect(after.original_due_at).toBe(d.due_at);
    expect(after.apology_count).toBe(1);
    // only once: a second apology changes nothing
    const again = await attempt(() => doAct('head', code, { action: 'apologise', reason: 'Xin lỗi lần thứ hai', newDueAt: vnInstant(addDays(day, 7), 17 * 60).toISOString() }, now));
    expect(again?.reason).toBe('apology_already_issued');
    expect((await dossier(code)).due_at).toBe(requested.toISOString());
    await checkInvariants(code, 'after the apology');
  }

  async function run(s: Scenario) {
    stats.runs++;
    const received = vnInstant(s.day, s.minute);
    if (s.minute >= 15 * 60) stats.receiptsAfter15h++;
    if (!cal.isWorkingTime(received)) stats.receiptsOffHours++;
    if (new Date(Date.parse(`${s.day}T00:00:00Z`)).getUTCDay() === 5) stats.fridays++;
    if (s.day >= '2027-01-25' && s.day <= '2027-02-11') stats.beforeTet++;

    // receipt at the desk (a paper dossier): due date from the receipt, first step open in the unit
    let now = received;
    const { code, status } = await registerAtDesk(intake, await actor('desk', now), { channel: 'in_person', procedure: TEN_DAY, agency: WARD, applicant: { accountId: ids.citizen }, form: { hoTen: 'Nguyễn Văn Bé' }, documents: [{ requirement: 'to-khai' }], returnMethod: 'desk', decision: { outcome: 'receive' } }, now, 'vi');
    expect(status).toBe('received');
    let d = await dossier(code);
    expect(d.due_at).toBe(cal.dueDate(received, LIMIT).toISOString());
    expect((await openStep(code))!.due_at).toBe(cal.addWorkingHours(received, BUDGET.examine).toISOString());
    await checkInvariants(code, 'at receipt');

    if (s.claim) {
      now = new Date(now.getTime() + 10 * MINUTE);
      const task = (await openStep(code))!;
      await doAct('specialist', code, { action: 'claim', taskId: task.id }, now);
    }
    if (s.apology?.when === 'at_receipt') await apologise(code, now, s.apology.days);

    let stepStart = received;
    if (s.supplement) {
      now = cal.addWorkingHours(now, s.supplement.afterHours);
      const task = (await openStep(code))!;
      const err = await attempt(() => doAct('specialist', code, { action: 'request_supplement', taskId: task.id, items: [{ requirement: 'to-khai', reason: 'Chữ ký trên tờ khai bị mờ' }] }, now));
      const withinWindow = cal.workingTimeBetween(received, now) <= 24 * HOUR;
      if (!withinWindow) {
        expect(err?.reason, 'a supplement after 3 working days is refused').toBe('supplement_window_closed');
        stats.supplementsRefusedLate++;
      } else {
        expect(err, err?.message).toBeNull();
        const paused = await dossier(code);
        expect(paused.status).toBe('processing_supplement');
        // paused: the examination cannot move on
        const blocked = await attempt(() => doAct('specialist', code, { action: 'hand_over', taskId: task.id }, now));
        expect(blocked?.reason).toBe('paused_for_supplement');
        await checkInvariants(code, 'paused');
        if (s.apology?.when === 'while_paused') {
          now = new Date(now.getTime() + 30 * MINUTE);
          await apologise(code, now, s.apology.days);
        }
        const back = later(new Date(now.getTime() + MINUTE), vnInstant(addDays(vnDate(now), s.supplement.days), s.supplement.minute));
        now = back;
        expect(await deskReceiveSupplement(intake, await actor('desk', now), code, [{ requirement: 'to-khai' }], now)).toBe('processing');
        d = await dossier(code);
        // the time limit starts again from zero at the complete dossier, and so does the waiting step's budget
        expect(d.due_at, 'due date restarts from the supplement').toBe(cal.dueDate(back, LIMIT).toISOString());
        expect(d.paused_since).toBeNull();
        expect((await openStep(code))!.due_at).toBe(cal.addWorkingHours(back, BUDGET.examine).toISOString());
        expect((await tasks(code)).filter((x) => x.kind === 'supplement').map((x) => x.status)).toEqual(['done']);
        await checkInvariants(code, 'after the supplement');
        stats.supplementsAccepted++;
        stepStart = back;
        if (s.apology?.when === 'after_supplement') await apologise(code, now, s.apology.days);
      }
    }

    // the steps, each after some working hours; late ones are fine, and counted
    const plan: { who: Who; input: (taskId: number) => Promise<ActionInput>; spent: number; budget: number }[] = [
      { who: 'specialist', input: async (taskId) => ({ action: 'hand_over', taskId }), spent: s.spent[0], budget: BUDGET.examine },
      { who: 'leader', input: async (taskId) => ({ action: 'approve', taskId, note: 'Đồng ý' }), spent: s.spent[1], budget: BUDGET.approve },
      {
        who: 'specialist',
        input: async (taskId) => {
          const upload = await acceptUpload(t.db, blobs, ids.specialist, 'ket-qua.pdf', Readable.from([tinyPdf(`kết quả ${code}`)]), 1_048_576, now);
          return { action: 'record_result', taskId, summary: 'Giấy chứng nhận', documents: [upload.id] };
        },
        spent: s.spent[2],
        budget: BUDGET.issue,
      },
      { who: 'desk', input: async (taskId) => ({ action: 'return_result', taskId, method: 'desk' }), spent: s.returnAfter, budget: 0 },
    ];
    let opened = stepStart;
    if (s.apology?.when === 'near_due') {
      // some hours before the due date: a day or more ahead is accepted, less is refused
      now = later(now, new Date(Date.parse((await dossier(code)).due_at!) - s.apology.hoursBeforeDue * HOUR));
      await apologise(code, now, s.apology.days);
    }
    for (const [i, p] of plan.slice(0, s.steps).entries()) {
      if (i === 1 && s.apology?.when === 'before_approval') await apologise(code, later(now, new Date(opened.getTime() + MINUTE)), s.apology.days);
      const task = (await openStep(code))!;
      // a step's budget runs from its opening; the examination's from the completed supplement if there was one
      const from = i === 0 ? stepStart : new Date(task.opened_at);
      if (p.budget > 0) {
        // its own budget, but never past the dossier's due date while that is still ahead at the step's opening
        const own = cal.addWorkingHours(from, p.budget);
        const dossierDue = new Date((await dossier(code)).due_at!);
        const expected = dossierDue > new Date(task.opened_at) && own > dossierDue ? dossierDue : own;
        expect(task.due_at, `${task.step_id} has its budget from ${from.toISOString()}`).toBe(expected.toISOString());
      }
      now = later(now, cal.addWorkingHours(later(opened, now), p.spent));
      if (p.budget > 0 && now.toISOString() > task.due_at!) stats.lateSteps++;
      await doAct(p.who, code, await p.input(task.id), now);
      opened = now;
      await checkInvariants(code, `after ${task.step_id}`);
    }
    d = await dossier(code);
    if (s.steps === 4) {
      expect(d.status).toBe('returned');
      stats.returned++;
    }

    // the control slip, through the API, read by the unit head
    clock.t = now.getTime() + HOUR;
    const res = await head.get(`/api/dossiers/${code}/control-slip`);
    expect(res.statusCode, res.body).toBe(200);
    const slip = res.json() as { dueAt: string; rows: { step: string; dueAt: string | null; doneAt: string | null; result: string }[] };
    expect(slip.dueAt).toBe(d.due_at);
    const asOf = clock.now().toISOString();
    for (const row of slip.rows) {
      stats.slipRows++;
      const late = row.dueAt !== null && (row.doneAt ?? asOf) > row.dueAt;
      expect(row.result === 'late', `slip row ${row.step}: due ${row.dueAt}, done ${row.doneAt ?? `open at ${asOf}`}, result ${row.result}`).toBe(late);
    }
    // one row for the receipt and one per step reached (supplement pauses are not rows)
    expect(slip.rows.length).toBe(1 + Math.min(s.steps + 1, 4));
  }

  it(`keeps every deadline invariant over ${RUNS} seeded random dossiers`, async () => {
    await fc.assert(fc.asyncProperty(scenarioArb, run), { seed: 6_022_027, numRuns: RUNS });
    console.log(`deadline property: ${JSON.stringify(stats)}`);
    // the generators reach the interesting cases
    expect(stats.runs).toBeGreaterThanOrEqual(RUNS);
    for (const k of ['receiptsAfter15h', 'receiptsOffHours', 'fridays', 'beforeTet', 'supplementsAccepted', 'supplementsRefusedLate', 'apologies', 'apologiesTooLate', 'lateSteps', 'returned'] as const) expect(stats[k], k).toBeGreaterThan(0);
    expect((await verifyChains(t.db)).problems).toEqual([]);
  }, 120_000);
});
