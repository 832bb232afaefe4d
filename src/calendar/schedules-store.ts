// Official holiday schedules (one per year) stored in the database; the working calendar is
// rebuilt from them when one changes. Defaults apply to any year without an official schedule.
import type { Db } from '../db/connect.js';
import type { HolidaySchedule } from './holidays.js';
import { WorkingCalendar } from './working-time.js';

export class CalendarService {
  private calendar: WorkingCalendar | undefined;
  private loadedAt = 0;
  constructor(private readonly db: Db) {}

  /** Cached for a minute, so a schedule saved through another app process is seen soon. */
  async current(): Promise<WorkingCalendar> {
    if (!this.calendar || Date.now() - this.loadedAt > 60_000) {
      this.loadedAt = Date.now();
      const rows = await this.db.selectFrom('holiday_schedules').select('schedule').execute();
      this.calendar = new WorkingCalendar({ schedules: rows.map((r) => JSON.parse(r.schedule) as HolidaySchedule) });
    }
    return this.calendar;
  }

  async listOfficial(): Promise<HolidaySchedule[]> {
    const rows = await this.db.selectFrom('holiday_schedules').select('schedule').orderBy('year').execute();
    return rows.map((r) => JSON.parse(r.schedule) as HolidaySchedule);
  }

  async putOfficial(schedule: HolidaySchedule, by: number, now: Date): Promise<void> {
    const values = { year: schedule.year, schedule: JSON.stringify(schedule), updated_at: now.toISOString(), updated_by: by };
    await this.db.insertInto('holiday_schedules').values(values).onConflict((oc) => oc.column('year').doUpdateSet(values)).execute();
    this.calendar = undefined;
  }

  async removeOfficial(year: number): Promise<boolean> {
    const r = await this.db.deleteFrom('holiday_schedules').where('year', '=', year).executeTakeFirst();
    this.calendar = undefined;
    return Number(r.numDeletedRows) > 0;
  }
}
