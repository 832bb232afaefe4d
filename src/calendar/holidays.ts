// Public holidays (Labour Code 2019, art. 112). The government decides the exact Tết
// window, the day next to 2/9 and any swapped days every year; until an official
// schedule for a year is loaded we compute the defaults below (DOMAIN.md §5).
import { lunarToSolar } from './lunar.js';

/** A calendar date in Vietnam local time, 'yyyy-mm-dd'. */
export type IsoDate = string;

export interface NamedDate {
  date: IsoDate;
  name: string;
}

/** One year's official (or default) schedule. An official schedule replaces the defaults for its year. */
export interface HolidaySchedule {
  year: number;
  /** Days off, including days given off in lieu of a holiday on a weekend. */
  holidays: NamedDate[];
  /** Make-up Saturdays (or Sundays): weekend days worked in exchange for a bridged day off. */
  workingDays: NamedDate[];
}

export const HOLIDAY_NAMES = {
  newYear: 'Tết Dương lịch',
  tet: 'Tết Nguyên đán',
  hungKings: 'Giỗ Tổ Hùng Vương',
  reunification: 'Ngày Chiến thắng',
  labour: 'Ngày Quốc tế Lao động',
  national: 'Quốc khánh',
} as const;

const DAY_MS = 86_400_000;

/** Date arithmetic on calendar dates; UTC is used only as a time-zone-free day counter. */
export function isoDate(y: number, m: number, d: number): IsoDate {
  return new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
}

export function addDaysToIsoDate(date: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: IsoDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function isWeekend(date: IsoDate): boolean {
  const dow = dayOfWeek(date);
  return dow === 0 || dow === 6;
}

/** Tết: the last day of the old lunar year (30 or 29 tháng Chạp) and days 1–4 of the new one. */
function defaultTet(year: number): NamedDate[] {
  const firstDay = lunarToSolar(1, 1, year, false);
  const newYearsDay = isoDate(firstDay.y, firstDay.m, firstDay.d);
  return [-1, 0, 1, 2, 3].map((offset) => ({ date: addDaysToIsoDate(newYearsDay, offset), name: HOLIDAY_NAMES.tet }));
}

function hungKingsDay(year: number): NamedDate {
  const day = lunarToSolar(10, 3, year, false);
  return { date: isoDate(day.y, day.m, day.d), name: HOLIDAY_NAMES.hungKings };
}

/**
 * For each holiday on a Saturday or Sunday, the next weekday that is neither a holiday
 * nor already given in lieu of an earlier one (so two weekend days of Tết give two days).
 */
function daysInLieu(holidays: NamedDate[]): NamedDate[] {
  const taken = new Set(holidays.map((h) => h.date));
  const inLieu: NamedDate[] = [];
  for (const holiday of [...holidays].sort((a, b) => a.date.localeCompare(b.date))) {
    if (!isWeekend(holiday.date)) continue;
    let candidate = addDaysToIsoDate(holiday.date, 1);
    while (isWeekend(candidate) || taken.has(candidate)) candidate = addDaysToIsoDate(candidate, 1);
    taken.add(candidate);
    inLieu.push({ date: candidate, name: `Nghỉ bù ${holiday.name}` });
  }
  return inLieu;
}

/** The computed schedule for a year when no official decision has been loaded. */
export function defaultHolidays(year: number): HolidaySchedule {
  const fixed: NamedDate[] = [
    { date: isoDate(year, 1, 1), name: HOLIDAY_NAMES.newYear },
    ...defaultTet(year),
    hungKingsDay(year),
    { date: isoDate(year, 4, 30), name: HOLIDAY_NAMES.reunification },
    { date: isoDate(year, 5, 1), name: HOLIDAY_NAMES.labour },
    { date: isoDate(year, 9, 2), name: HOLIDAY_NAMES.national },
    // The law gives 2/9 "plus one adjacent day"; 3/9 until the yearly decision says otherwise.
    { date: isoDate(year, 9, 3), name: HOLIDAY_NAMES.national },
  ];
  const holidays = [...fixed, ...daysInLieu(fixed)].sort((a, b) => a.date.localeCompare(b.date));
  return { year, holidays, workingDays: [] };
}
