// Working time: deadlines in Vietnamese administrative procedures run in working days
// (Mon–Fri minus holidays, plus make-up days), inside office hours, paused while the
// applicant supplements the dossier. Instants are JS Dates (UTC); every day-level
// decision is made in Vietnam local time, UTC+7 with no DST, so the answer never
// depends on the server's time zone.
import { Invalid } from '../lib/errors.js';
import { defaultHolidays, isWeekend, type HolidaySchedule, type IsoDate } from './holidays.js';

export interface WorkingWindow {
  /** 'HH:MM', Vietnam local time. */
  start: string;
  end: string;
}

export interface WorkingCalendarOptions {
  /** Official yearly schedules; each replaces the computed defaults for its year. */
  schedules: HolidaySchedule[];
  /** Office hours of a working day, in order; one working day is their total. */
  windows?: WorkingWindow[];
  /** Receipts from this local time on are handed over the next working morning. */
  handOverCutoff?: string;
}

export const TIME_LIMIT_UNITS = ['working_days', 'days', 'working_hours', 'hours', 'months'] as const;
export type TimeLimitUnit = (typeof TIME_LIMIT_UNITS)[number];

export interface TimeLimit {
  value: number;
  unit: TimeLimitUnit;
}

/** A supplement request: the clock stops from `from` until the dossier is complete (`to`), or still runs (`null`). */
export interface Pause {
  from: Date;
  to: Date | null;
}

export const DEFAULT_WINDOWS: readonly WorkingWindow[] = [
  { start: '07:30', end: '11:30' },
  { start: '13:00', end: '17:00' },
];
/** Decree 61/2018 art. 19: dossiers received after 15:00 go to the processing unit the next working morning. */
export const DEFAULT_HAND_OVER_CUTOFF = '15:00';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const VN_OFFSET_MS = 7 * HOUR_MS;
/** Guards loops against a calendar without working days (e.g. a mistyped schedule). */
const MAX_DAYS_SCANNED = 366 * 200;

/** A window on one day, in ms since local midnight. */
interface DayWindow {
  start: number;
  end: number;
}

/** An interval of absolute instants, ms since the epoch. */
interface Span {
  start: number;
  end: number;
}

/** Local day number: days since 1970-01-01 in UTC+7. */
function localDayOf(instantMs: number): number {
  return Math.floor((instantMs + VN_OFFSET_MS) / DAY_MS);
}

function localMsOfDay(instantMs: number): number {
  return instantMs + VN_OFFSET_MS - localDayOf(instantMs) * DAY_MS;
}

function isoDateOfLocalDay(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function instantAt(day: number, msOfDay: number): number {
  return day * DAY_MS + msOfDay - VN_OFFSET_MS;
}

function parseClock(text: string, field: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || hours > 24 || minutes > 59 || (hours === 24 && minutes > 0)) throw new Invalid(`Expected HH:MM, got '${text}'`, field);
  return (hours * 60 + minutes) * MINUTE_MS;
}

function parseWindows(windows: readonly WorkingWindow[]): DayWindow[] {
  if (windows.length === 0) throw new Invalid('A working day needs at least one window', 'windows');
  const parsed = windows.map((w) => ({ start: parseClock(w.start, 'windows'), end: parseClock(w.end, 'windows') }));
  parsed.forEach((w, i) => {
    const previous = parsed[i - 1];
    if (w.end <= w.start || (previous && w.start < previous.end)) {
      throw new Invalid('Working windows must be non-empty, in order and not overlapping', 'windows');
    }
  });
  return parsed;
}

function assertValidInstant(instant: Date, field: string): number {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new Invalid('Invalid date', field);
  return ms;
}

function assertIsoDate(date: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new Invalid(`Expected yyyy-mm-dd, got '${date}'`, 'date');
  }
}

/** Joins overlapping spans so time paused twice is only discounted once. */
function mergeSpans(spans: Span[]): Span[] {
  const merged: Span[] = [];
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/** Same day of month `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb). */
function addMonthsToLocalDay(day: number, months: number): number {
  const date = new Date(day * DAY_MS);
  const targetMonth = date.getUTCMonth() + months;
  const lastDayOfTarget = new Date(Date.UTC(date.getUTCFullYear(), targetMonth + 1, 0)).getUTCDate();
  return Date.UTC(date.getUTCFullYear(), targetMonth, Math.min(date.getUTCDate(), lastDayOfTarget)) / DAY_MS;
}

export class WorkingCalendar {
  private readonly officialSchedules = new Map<number, HolidaySchedule>();
  private readonly defaultSchedules = new Map<number, HolidaySchedule>();
  private readonly dayIndexes = new Map<number, { holidays: Map<IsoDate, string>; workingDays: Set<IsoDate> }>();
  private readonly windows: DayWindow[];
  private readonly handOverCutoffMs: number;
  /** Working milliseconds in one working day (8 h with the default windows). */
  readonly workingDayMs: number;

  constructor(options: WorkingCalendarOptions) {
    for (const schedule of options.schedules) {
      if (this.officialSchedules.has(schedule.year)) throw new Invalid(`Two schedules for ${schedule.year}`, 'schedules');
      this.officialSchedules.set(schedule.year, schedule);
    }
    this.windows = parseWindows(options.windows ?? DEFAULT_WINDOWS);
    this.handOverCutoffMs = parseClock(options.handOverCutoff ?? DEFAULT_HAND_OVER_CUTOFF, 'handOverCutoff');
    this.workingDayMs = this.windows.reduce((sum, w) => sum + (w.end - w.start), 0);
  }

  get hoursPerDay(): number {
    return this.workingDayMs / HOUR_MS;
  }

  /** The schedule in force for a year: the official one if loaded, else the computed defaults. */
  scheduleFor(year: number): HolidaySchedule {
    const official = this.officialSchedules.get(year);
    if (official) return official;
    let computed = this.defaultSchedules.get(year);
    if (!computed) {
      computed = defaultHolidays(year);
      this.defaultSchedules.set(year, computed);
    }
    return computed;
  }

  isWorkingDay(date: IsoDate): boolean {
    assertIsoDate(date);
    const index = this.dayIndexFor(date);
    if (index.workingDays.has(date)) return true;
    return !isWeekend(date) && !index.holidays.has(date);
  }

  /** The holiday's name (Vietnamese), or undefined on an ordinary day. */
  holidayName(date: IsoDate): string | undefined {
    assertIsoDate(date);
    return this.dayIndexFor(date).holidays.get(date);
  }

  /** True when the instant lies inside a working window of a working day (window ends excluded). */
  isWorkingTime(instant: Date): boolean {
    const ms = assertValidInstant(instant, 'instant');
    return this.windowsOn(localDayOf(ms)).some((w) => w.start <= ms && ms < w.end);
  }

  /** The instant `hours` of working time after `start`; time outside working windows does not count. */
  addWorkingHours(start: Date, hours: number): Date {
    if (!Number.isFinite(hours) || hours < 0) throw new Invalid('Hours must be a non-negative number', 'hours');
    return new Date(this.addWorkingMs(assertValidInstant(start, 'start'), Math.round(hours * HOUR_MS)));
  }

  /** A working day is the total of the windows, so half a day is half of it. */
  addWorkingDays(start: Date, days: number): Date {
    if (!Number.isFinite(days) || days < 0) throw new Invalid('Days must be a non-negative number', 'days');
    return new Date(this.addWorkingMs(assertValidInstant(start, 'start'), Math.round(days * this.workingDayMs)));
  }

  /** The legal due instant of a time limit counted from the receipt. A due date never lands on a non-working day. */
  dueDate(receivedAt: Date, limit: TimeLimit): Date {
    const received = assertValidInstant(receivedAt, 'receivedAt');
    const { value, unit } = limit;
    if (!Number.isFinite(value) || value < 0) throw new Invalid('A time limit must be a non-negative number', 'value');
    switch (unit) {
      case 'working_days':
        // "Within the day" (0 days) follows the hand-over rule rather than adding nothing.
        if (value === 0) return new Date(this.sameDayOrNextMorning(received));
        return new Date(this.addWorkingMs(received, Math.round(value * this.workingDayMs)));
      case 'working_hours':
        return new Date(this.addWorkingMs(received, Math.round(value * HOUR_MS)));
      case 'hours':
        return new Date(this.carryOffNonWorkingDay(received + Math.round(value * HOUR_MS)));
      case 'days':
        assertWhole(value);
        return new Date(this.endOfWorkingDayAfter(received, localDayOf(received) + value));
      case 'months':
        assertWhole(value);
        return new Date(this.endOfWorkingDayAfter(received, addMonthsToLocalDay(localDayOf(received), value)));
      default:
        throw new Invalid(`Unknown time-limit unit '${String(unit)}'`, 'unit');
    }
  }

  /** When a received dossier must reach the processing unit (DOMAIN.md §2.3). */
  handOverDeadline(receivedAt: Date): Date {
    return new Date(this.sameDayOrNextMorning(assertValidInstant(receivedAt, 'receivedAt')));
  }

  /** Working milliseconds in [a, b), minus paused spans (an open pause runs to b). */
  workingTimeBetween(a: Date, b: Date, pauses: Pause[] = []): number {
    const from = assertValidInstant(a, 'a');
    const to = assertValidInstant(b, 'b');
    if (to <= from) return 0;
    const paused = this.pauseSpans(pauses, to)
      .map((p) => ({ start: Math.max(p.start, from), end: Math.min(p.end, to) }))
      .filter((p) => p.start < p.end);
    const pausedMs = paused.reduce((sum, p) => sum + this.workingMsBetween(p.start, p.end), 0);
    return this.workingMsBetween(from, to) - pausedMs;
  }

  /**
   * The due instant pushed later by the working time spent paused, so supplement time is
   * not charged to the agency. An open pause runs until `asOf` (required when one is open:
   * its length is not known otherwise).
   */
  extendForPauses(due: Date, pauses: Pause[], asOf?: Date): Date {
    const dueMs = assertValidInstant(due, 'due');
    if (pauses.some((p) => p.to === null) && asOf === undefined) throw new Invalid('An open pause needs asOf', 'asOf');
    const openEnd = asOf === undefined ? dueMs : assertValidInstant(asOf, 'asOf');
    const pausedMs = this.pauseSpans(pauses, openEnd).reduce((sum, p) => sum + this.workingMsBetween(p.start, p.end), 0);
    // Adding zero would move a due at a window's end to the next window's start.
    return pausedMs === 0 ? new Date(dueMs) : new Date(this.addWorkingMs(dueMs, pausedMs));
  }

  // ——— internals ———

  private dayIndexFor(date: IsoDate) {
    const year = Number(date.slice(0, 4));
    let index = this.dayIndexes.get(year);
    if (!index) {
      const schedule = this.scheduleFor(year);
      index = {
        holidays: new Map(schedule.holidays.map((h) => [h.date, h.name] as const).reverse()),
        workingDays: new Set(schedule.workingDays.map((w) => w.date)),
      };
      this.dayIndexes.set(year, index);
    }
    return index;
  }

  private isWorkingLocalDay(day: number): boolean {
    return this.isWorkingDay(isoDateOfLocalDay(day));
  }

  /** The working windows of a local day as absolute spans; none on a day off. */
  private windowsOn(day: number): Span[] {
    if (!this.isWorkingLocalDay(day)) return [];
    return this.windows.map((w) => ({ start: instantAt(day, w.start), end: instantAt(day, w.end) }));
  }

  private firstWorkingDayFrom(day: number): number {
    for (let d = day; d < day + MAX_DAYS_SCANNED; d++) if (this.isWorkingLocalDay(d)) return d;
    throw new Invalid('No working day found in the calendar', 'schedules');
  }

  private endOfDay(day: number): number {
    return instantAt(day, this.windows[this.windows.length - 1]!.end);
  }

  private endOfMorning(day: number): number {
    return instantAt(day, this.windows[0]!.end);
  }

  /** The end of the last window of `day`, or of the next working day if `day` is off. */
  private endOfWorkingDayFrom(day: number): number {
    return this.endOfDay(this.firstWorkingDayFrom(day));
  }

  /**
   * Calendar days and months end with the last day's office hours (moved off a day off).
   * A limit of 0 days received after office hours would end before the receipt, so it
   * ends with the next working day instead.
   */
  private endOfWorkingDayAfter(receivedMs: number, day: number): number {
    const end = this.endOfWorkingDayFrom(day);
    return end >= receivedMs ? end : this.endOfWorkingDayFrom(localDayOf(receivedMs) + 1);
  }

  /**
   * A clock-time result on a day off moves to the end of the next working day.
   * (This carry-over is why 'hours' limits are not monotonic across days off: a receipt
   * landing on Saturday is due Monday 17:00, a later one landing Monday 08:00 is due then.)
   */
  private carryOffNonWorkingDay(instantMs: number): number {
    const day = localDayOf(instantMs);
    return this.isWorkingLocalDay(day) ? instantMs : this.endOfWorkingDayFrom(day);
  }

  /** `instantMs` if it is working time, else the start of the next working window. */
  private nextWorkingInstant(instantMs: number): number {
    return this.addWorkingMs(instantMs, 0);
  }

  /**
   * The 15:00 rule: received (or, outside office hours, first workable) before the cutoff on
   * the day of receipt → the end of that working day; otherwise → the end of the morning
   * window of the next working day. A receipt at 06:00 or at lunch on a working day is
   * thus handled that day, which keeps the rule monotonic (a later receipt is never due earlier).
   */
  private sameDayOrNextMorning(receivedMs: number): number {
    const receiptDay = localDayOf(receivedMs);
    const workable = this.nextWorkingInstant(receivedMs);
    const workableDay = localDayOf(workable);
    if (workableDay !== receiptDay) return this.endOfMorning(workableDay);
    if (localMsOfDay(workable) < this.handOverCutoffMs) return this.endOfDay(receiptDay);
    return this.endOfMorning(this.firstWorkingDayFrom(receiptDay + 1));
  }

  /**
   * Walks forward through working windows spending `budgetMs`. With a zero budget the
   * answer is the first working instant at or after `startMs`; a budget that ends exactly
   * at a window's end returns that end (17:00, not the next morning).
   */
  private addWorkingMs(startMs: number, budgetMs: number): number {
    let remaining = budgetMs;
    const firstDay = localDayOf(startMs);
    for (let day = firstDay; day < firstDay + MAX_DAYS_SCANNED; day++) {
      for (const window of this.windowsOn(day)) {
        if (startMs >= window.end) continue;
        const begin = Math.max(startMs, window.start);
        const available = window.end - begin;
        if (remaining <= available) return begin + remaining;
        remaining -= available;
      }
    }
    throw new Invalid('No working day found in the calendar', 'schedules');
  }

  private workingMsBetween(fromMs: number, toMs: number): number {
    let total = 0;
    for (let day = localDayOf(fromMs); day <= localDayOf(toMs); day++) {
      for (const window of this.windowsOn(day)) {
        total += Math.max(0, Math.min(window.end, toMs) - Math.max(window.start, fromMs));
      }
    }
    return total;
  }

  private pauseSpans(pauses: Pause[], openEndMs: number): Span[] {
    const spans = pauses.map((p, i) => {
      const start = assertValidInstant(p.from, `pauses[${i}].from`);
      const end = p.to === null ? Math.max(start, openEndMs) : assertValidInstant(p.to, `pauses[${i}].to`);
      if (end < start) throw new Invalid('A pause cannot end before it starts', `pauses[${i}].to`);
      return { start, end };
    });
    return mergeSpans(spans);
  }
}

function assertWhole(value: number): void {
  if (!Number.isInteger(value)) throw new Invalid('Calendar days and months must be whole numbers', 'value');
}

/** Convenience for callers holding only the official schedules. */
export function createWorkingCalendar(options: WorkingCalendarOptions): WorkingCalendar {
  return new WorkingCalendar(options);
}
