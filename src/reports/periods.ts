// Reporting periods in Vietnam local dates: ISO weeks, months, quarters, years, or a custom
// range. A range is [from, to] inclusive of whole local days (the buckets are keyed by VN day).
import { isValidIsoDate, vnDate } from '../lib/dates.js';
import { Invalid } from '../lib/errors.js';

export const PERIODS = ['week', 'month', 'quarter', 'year'] as const;
export type Period = (typeof PERIODS)[number];

export interface DayRange {
  from: string;
  to: string;
  label: string;
  period: Period | 'custom';
}

const DAY_MS = 86_400_000;

function dayNumber(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
}
function isoOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
export function addDays(iso: string, n: number): string {
  return isoOf(dayNumber(iso) + n);
}
function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** ISO-8601 week (Monday first) of a date: [year, week]. */
export function isoWeekOf(iso: string): [number, number] {
  const d = dayNumber(iso);
  const weekday = (new Date(d * DAY_MS).getUTCDay() + 6) % 7; // Monday = 0
  const thursday = d - weekday + 3;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const jan1 = dayNumber(`${year}-01-01`);
  return [year, Math.floor((thursday - jan1) / 7) + 1];
}

function mondayOfIsoWeek(year: number, week: number): string {
  const jan4 = dayNumber(`${year}-01-04`);
  const weekday = (new Date(jan4 * DAY_MS).getUTCDay() + 6) % 7;
  return isoOf(jan4 - weekday + (week - 1) * 7);
}

function lastDayOfMonth(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/** The period's label for the local date `iso`: 2026-W45, 2026-11, 2026-Q4, 2026. */
export function labelOf(period: Period, iso: string): string {
  const [y, m] = [Number(iso.slice(0, 4)), Number(iso.slice(5, 7))];
  switch (period) {
    case 'week': {
      const [wy, w] = isoWeekOf(iso);
      return `${wy}-W${pad(w)}`;
    }
    case 'month':
      return `${y}-${pad(m)}`;
    case 'quarter':
      return `${y}-Q${Math.ceil(m / 3)}`;
    case 'year':
      return String(y);
  }
}

/** The range of a labelled period; throws Invalid on a malformed label. */
export function rangeOf(period: Period, at: string): DayRange {
  const bad = () => new Invalid(`"${at}" is not a ${period} (examples: 2026-W45, 2026-11, 2026-Q4, 2026)`, 'at');
  switch (period) {
    case 'week': {
      const m = /^(\d{4})-W(\d{2})$/.exec(at);
      if (!m) throw bad();
      const [y, w] = [Number(m[1]), Number(m[2])];
      const from = mondayOfIsoWeek(y, w);
      if (w < 1 || isoWeekOf(from)[1] !== w) throw bad();
      return { from, to: addDays(from, 6), label: at, period };
    }
    case 'month': {
      const m = /^(\d{4})-(\d{2})$/.exec(at);
      if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw bad();
      return { from: `${m[1]}-${m[2]}-01`, to: lastDayOfMonth(Number(m[1]), Number(m[2])), label: at, period };
    }
    case 'quarter': {
      const m = /^(\d{4})-Q([1-4])$/.exec(at);
      if (!m) throw bad();
      const [y, q] = [Number(m[1]), Number(m[2])];
      return { from: `${y}-${pad(q * 3 - 2)}-01`, to: lastDayOfMonth(y, q * 3), label: at, period };
    }
    case 'year': {
      if (!/^\d{4}$/.test(at)) throw bad();
      return { from: `${at}-01-01`, to: `${at}-12-31`, label: at, period };
    }
  }
}

export interface RangeQuery {
  period?: string | undefined;
  at?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** Resolves the query's range: from/to, or period+at, defaulting to the current quarter (VN time). */
export function resolveRange(q: RangeQuery, now: Date): DayRange {
  if (q.from !== undefined || q.to !== undefined) {
    if (!q.from || !isValidIsoDate(q.from)) throw new Invalid('from must be a date YYYY-MM-DD', 'from');
    if (!q.to || !isValidIsoDate(q.to)) throw new Invalid('to must be a date YYYY-MM-DD', 'to');
    if (q.to < q.from) throw new Invalid('to must not be before from', 'to');
    if (dayNumber(q.to) - dayNumber(q.from) > 3 * 366) throw new Invalid('a range spans at most three years', 'to');
    return { from: q.from, to: q.to, label: `${q.from}…${q.to}`, period: 'custom' };
  }
  const period = (q.period ?? 'quarter') as Period;
  if (!PERIODS.includes(period)) throw new Invalid(`period must be one of ${PERIODS.join(', ')}`, 'period');
  return rangeOf(period, q.at ?? labelOf(period, vnDate(now)));
}

/** The trend's granularity for a range: days for a week or month, weeks for a quarter, months beyond. */
export function trendUnit(range: DayRange): 'day' | 'week' | 'month' {
  const days = dayNumber(range.to) - dayNumber(range.from) + 1;
  return days <= 31 ? 'day' : days <= 120 ? 'week' : 'month';
}

/** The trend bucket (label, first day) a local date falls in. */
export function trendBucket(unit: 'day' | 'week' | 'month', iso: string): { label: string; from: string } {
  if (unit === 'day') return { label: iso, from: iso };
  if (unit === 'month') return { label: iso.slice(0, 7), from: `${iso.slice(0, 7)}-01` };
  const [y, w] = isoWeekOf(iso);
  return { label: `${y}-W${pad(w)}`, from: mondayOfIsoWeek(y, w) };
}

/** Every trend bucket of a range, in order (so empty periods show as zeros, not gaps). */
export function trendBuckets(range: DayRange): { label: string; from: string }[] {
  const unit = trendUnit(range);
  const out: { label: string; from: string }[] = [];
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) {
    const b = trendBucket(unit, d);
    if (out[out.length - 1]?.label !== b.label) out.push(b);
  }
  return out;
}

/** dd/mm/yyyy for people. */
export function vnDay(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}
