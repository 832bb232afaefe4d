// The deadline sweep: finds open tasks due within a working day or already late and reminds
// the officer holding them and the unit's heads, once per task and kind. Safe in every app
// process at once and after a crash: a reminder is a row with a primary key (task, kind)
// inserted in the same transaction as its mails, so a second sweep (or a re-run after a crash
// half-way) skips what was already sent and finishes the rest.
import type { Logger } from 'pino';
import type { CalendarService } from '../calendar/schedules-store.js';
import type { WorkingCalendar } from '../calendar/working-time.js';
import type { Db } from '../db/connect.js';
import { vnDateTimeText } from '../lib/dates.js';
import { enqueueMail } from '../notify/mail-outbox.js';
import { officersOf } from './engine.js';
import { stepName } from './queries.js';
import type { WorkflowDefinition } from './template.js';
import { pinnedTemplate } from './templates-store.js';

const fmt = vnDateTimeText;

export interface SweepResult {
  dueSoon: number;
  late: number;
  /** dossiers near their due date, whose heads were reminded of the apology rule */
  apologyDue?: number;
}

/** One pass. `batch` bounds the work per pass; the next pass continues. */
export async function sweepDeadlines(db: Db, cal: WorkingCalendar, now: Date, publicUrl: string, batch = 200): Promise<SweepResult> {
  const soon = cal.addWorkingHours(now, 8).toISOString();
  const nowIso = now.toISOString();
  const result: SweepResult = { dueSoon: 0, late: 0, apologyDue: 0 };
  const templates = new Map<string, WorkflowDefinition>();
  for (const kind of ['late', 'due_soon'] as const) {
    const limitIso = kind === 'late' ? nowIso : soon;
    const candidates = await db
      .selectFrom('dossier_tasks as t')
      .innerJoin('dossiers as d', 'd.id', 't.dossier_id')
      .leftJoin('workflow_reminders as r', (j) => j.onRef('r.task_id', '=', 't.id').on('r.kind', '=', kind))
      .select(['t.id', 't.dossier_id', 't.step_id', 't.agency_id', 't.assignee_id', 't.due_at', 't.kind', 'd.code', 'd.status', 'd.workflow_template_id', 'd.procedure_version_id'])
      .where('t.status', '=', 'open')
      .where('t.kind', '!=', 'supplement')
      // a task another member holds (#6) is reminded there, to its own officers
      .where('t.remote_member', 'is', null)
      .where('t.due_at', 'is not', null)
      .where('t.due_at', '<', limitIso)
      .where('r.task_id', 'is', null)
      .orderBy('t.due_at')
      .limit(batch)
      .execute();
    for (const c of candidates) {
      // a paused dossier is waiting for the applicant, not for the unit
      if (c.status === 'processing_supplement' && c.kind === 'step') continue;
      // one read per template per pass, not per task
      const key = `${c.workflow_template_id ?? 'v'}:${c.workflow_template_id === null ? c.procedure_version_id : ''}`;
      const def = templates.get(key) ?? (await pinnedTemplate(db, c));
      templates.set(key, def);
      const sent = await db.transaction().execute(async (tx) => {
        const ins = await tx
          .insertInto('workflow_reminders')
          .values({ task_id: c.id, kind, sent_at: nowIso })
          .onConflict((oc) => oc.columns(['task_id', 'kind']).doNothing())
          .executeTakeFirst();
        if (Number(ins.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
        const heads = await officersOf(tx, c.agency_id, ['unit_head', 'agency_leader'], now);
        const holder = c.assignee_id ? await tx.selectFrom('accounts').select(['id', 'email']).where('id', '=', c.assignee_id).executeTakeFirst() : undefined;
        const to = [...new Set([holder?.email, ...heads.map((h) => h.email)].filter((x): x is string => !!x))];
        const what = kind === 'late' ? 'đã quá hạn' : 'sắp đến hạn (trong 1 ngày làm việc)';
        for (const address of to)
          await enqueueMail(tx, { to: address, subject: `Hồ sơ ${c.code} ${what}`, text: `Bước "${stepName(def, c.step_id)}" của hồ sơ ${c.code} ${what}: hạn ${fmt(c.due_at!)}.\n${publicUrl}/can-bo/xu-ly/${c.code}` }, now);
        return true;
      });
      if (sent) result[kind === 'late' ? 'late' : 'dueSoon']++;
    }
  }
  result.apologyDue = await remindApologies(db, cal, now, publicUrl, batch);
  return result;
}

/**
 * A dossier whose due date is near (within a day and a working day) while it is still being
 * processed: its current step's heads are told that, if it cannot be resolved in time, the
 * apology with a new date must go out at least one day before the due date (DOMAIN.md §2.8).
 */
async function remindApologies(db: Db, cal: WorkingCalendar, now: Date, publicUrl: string, batch: number): Promise<number> {
  const horizon = cal.addWorkingHours(new Date(now.getTime() + 24 * 3_600_000), 8).toISOString();
  const candidates = await db
    .selectFrom('dossiers as d')
    .innerJoin('dossier_tasks as t', (j) => j.onRef('t.dossier_id', '=', 'd.id').on('t.status', '=', 'open').on('t.kind', '=', 'step').on('t.remote_member', 'is', null))
    .leftJoin('workflow_reminders as r', (j) => j.onRef('r.task_id', '=', 't.id').on('r.kind', '=', 'apology_window'))
    .select(['d.id', 'd.code', 'd.due_at', 't.id as task_id', 't.agency_id'])
    .where('d.status', 'in', ['received', 'processing', 'processing_supplement'])
    .where('d.apology_count', '=', 0)
    // the due date of a mirror (#6) is the origin member's to keep or move
    .where('d.origin_member', 'is', null)
    .where('d.due_at', '>', now.toISOString())
    .where('d.due_at', '<', horizon)
    .where('r.task_id', 'is', null)
    .limit(batch)
    .execute();
  let sent = 0;
  for (const c of candidates) {
    const ok = await db.transaction().execute(async (tx) => {
      const ins = await tx.insertInto('workflow_reminders').values({ task_id: c.task_id, kind: 'apology_window', sent_at: now.toISOString() }).onConflict((oc) => oc.columns(['task_id', 'kind']).doNothing()).executeTakeFirst();
      if (Number(ins.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
      for (const h of await officersOf(tx, c.agency_id, ['unit_head', 'agency_leader'], now))
        await enqueueMail(tx, { to: h.email, subject: `Hồ sơ ${c.code} sắp đến hạn trả kết quả`, text: `Hồ sơ ${c.code} phải trả kết quả lúc ${fmt(c.due_at!)}. Nếu không kịp, cơ quan phải gửi Phiếu xin lỗi và hẹn lại ngày trả kết quả chậm nhất 01 ngày trước hạn.\n${publicUrl}/can-bo/xu-ly/${c.code}` }, now);
      return true;
    });
    if (ok) sent++;
  }
  return sent;
}

/** Runs the sweep on an interval; every process may run one (see above). */
export class DeadlineSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  constructor(
    private readonly db: Db,
    private readonly calendar: CalendarService,
    private readonly publicUrl: string,
    private readonly log: Pick<Logger, 'info' | 'error'>,
    private readonly intervalMs = 60_000,
  ) {}

  start(): void {
    if (this.timer || this.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.running = this.runOnce().catch((err: unknown) => this.log.error({ err }, 'deadline sweep failed'));
    }, this.intervalMs);
    this.timer.unref();
  }

  async runOnce(now = new Date()): Promise<SweepResult> {
    const r = await sweepDeadlines(this.db, await this.calendar.current(), now, this.publicUrl);
    if (r.late || r.dueSoon) this.log.info(r, 'deadline reminders sent');
    return r;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
