// Vietnamese lunar calendar (âm lịch), a port of Hồ Ngọc Đức's published algorithm
// ("Thuật toán tính âm lịch", https://www.informatik.uni-leipzig.de/~duc/amlich/).
//
// Why our own port: Tết and Hùng Kings' day are public holidays, and Chinese lunar
// libraries compute for UTC+8, which puts some new moons (and so some months, e.g.
// Tết 1985 and 2007) on a different day than in Vietnam. The rules are those of the
// Vietnamese calendar:
//   - a lunar month starts on the local (UTC+7) day of the astronomical new moon;
//   - month 11 is the month containing the winter solstice;
//   - a year with 13 months between two months 11 has a leap month: the first month
//     after month 11 that contains no major solar term (sun longitude multiple of 30°);
//     it takes the number of the month before it.
// Astronomical formulas are the simplified ones of Meeus' "Astronomical Algorithms"
// as used by Hồ Ngọc Đức; they are accurate to minutes for 1800–2199.
import { Invalid } from '../lib/errors.js';

export interface LunarDate {
  day: number;
  month: number;
  year: number;
  /** true inside a leap month (tháng nhuận), which repeats the number of the month before it. */
  leap: boolean;
}

export interface SolarDate {
  y: number;
  m: number;
  d: number;
}

/** Vietnam's legal time, UTC+7, in hours. */
const VN_TIME_ZONE = 7;
/** Mean length of a synodic month, in days. */
const SYNODIC_MONTH = 29.530588853;
/** Julian day of the new moon of 1900-01-01 (k = 0 in the new-moon series). */
const NEW_MOON_EPOCH_JD = 2415021.076998695;
const DEG = Math.PI / 180;

/** Julian day number of a (proleptic Gregorian / Julian before 1582) calendar date. */
export function julianDayFromDate(d: number, m: number, y: number): number {
  const a = Math.floor((14 - m) / 12);
  const yy = y + 4800 - a;
  const mm = m + 12 * a - 3;
  const gregorian =
    d + Math.floor((153 * mm + 2) / 5) + 365 * yy + Math.floor(yy / 4) - Math.floor(yy / 100) + Math.floor(yy / 400) - 32045;
  // Dates before the Gregorian reform (15 Oct 1582) are Julian-calendar dates.
  if (gregorian < 2299161) return d + Math.floor((153 * mm + 2) / 5) + 365 * yy + Math.floor(yy / 4) - 32083;
  return gregorian;
}

export function dateFromJulianDay(jd: number): SolarDate {
  let b: number;
  let c: number;
  if (jd > 2299160) {
    const a = jd + 32044;
    b = Math.floor((4 * a + 3) / 146097);
    c = a - Math.floor((b * 146097) / 4);
  } else {
    b = 0;
    c = jd + 32082;
  }
  const d = Math.floor((4 * c + 3) / 1461);
  const e = c - Math.floor((1461 * d) / 4);
  const m = Math.floor((5 * e + 2) / 153);
  return {
    d: e - Math.floor((153 * m + 2) / 5) + 1,
    m: m + 3 - 12 * Math.floor(m / 10),
    y: b * 100 + d - 4800 + Math.floor(m / 10),
  };
}

/** Julian day (fractional, UT) of the k-th new moon after 1900-01-01. Meeus ch. 49, abridged. */
function newMoonJulianDay(k: number): number {
  const T = k / 1236.85; // Julian centuries since 1900-01-01 12:00
  const T2 = T * T;
  const T3 = T2 * T;
  const meanNewMoon =
    2415020.75933 + 29.53058868 * k + 0.0001178 * T2 - 0.000000155 * T3 + 0.00033 * Math.sin((166.56 + 132.87 * T - 0.009173 * T2) * DEG);
  const sunAnomaly = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3;
  const moonAnomaly = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3;
  const moonLatitude = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3;
  const M = sunAnomaly * DEG;
  const Mpr = moonAnomaly * DEG;
  const F = moonLatitude * DEG;
  // Periodic corrections from the mean to the true new moon.
  const correction =
    (0.1734 - 0.000393 * T) * Math.sin(M) +
    0.0021 * Math.sin(2 * M) -
    0.4068 * Math.sin(Mpr) +
    0.0161 * Math.sin(2 * Mpr) -
    0.0004 * Math.sin(3 * Mpr) +
    0.0104 * Math.sin(2 * F) -
    0.0051 * Math.sin(M + Mpr) -
    0.0074 * Math.sin(M - Mpr) +
    0.0004 * Math.sin(2 * F + M) -
    0.0004 * Math.sin(2 * F - M) -
    0.0006 * Math.sin(2 * F + Mpr) +
    0.001 * Math.sin(2 * F - Mpr) +
    0.0005 * Math.sin(2 * Mpr + M);
  // ΔT (terrestrial minus universal time), in days.
  const deltaT =
    T < -11
      ? 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3
      : -0.000278 + 0.000265 * T + 0.000262 * T2;
  return meanNewMoon + correction - deltaT;
}

/** Apparent sun longitude in radians, [0, 2π), at a fractional Julian day (UT). */
function sunLongitude(jd: number): number {
  const T = (jd - 2451545.0) / 36525; // Julian centuries since J2000.0
  const T2 = T * T;
  const meanAnomaly = (357.5291 + 35999.0503 * T - 0.0001559 * T2 - 0.00000048 * T * T2) * DEG;
  const meanLongitude = 280.46645 + 36000.76983 * T + 0.0003032 * T2;
  const equationOfCentre =
    (1.9146 - 0.004817 * T - 0.000014 * T2) * Math.sin(meanAnomaly) +
    (0.019993 - 0.000101 * T) * Math.sin(2 * meanAnomaly) +
    0.00029 * Math.sin(3 * meanAnomaly);
  const longitude = (meanLongitude + equationOfCentre) * DEG;
  return longitude - 2 * Math.PI * Math.floor(longitude / (2 * Math.PI));
}

/** Local day number (Julian day number in UTC+7) on which the k-th new moon falls. */
function newMoonDay(k: number): number {
  return Math.floor(newMoonJulianDay(k) + 0.5 + VN_TIME_ZONE / 24);
}

/**
 * Which of the 12 major solar terms (0..11, one per 30° of sun longitude) the sun is in
 * at the start (local midnight) of a day. A lunar month whose first day and the next
 * month's first day share the same term contains no major term.
 */
function solarTermAtDayStart(dayNumber: number): number {
  return Math.floor((sunLongitude(dayNumber - 0.5 - VN_TIME_ZONE / 24) / Math.PI) * 6);
}

/** Day number of the first day of lunar month 11 — the month holding the winter solstice — of solar year y. */
function lunarMonth11Start(y: number): number {
  const daysSince1900 = julianDayFromDate(31, 12, y) - 2415021;
  const k = Math.floor(daysSince1900 / SYNODIC_MONTH);
  const start = newMoonDay(k);
  // If the sun has already passed 270° (the solstice, term 9) when that month starts,
  // the solstice fell in the month before, so that one is month 11.
  return solarTermAtDayStart(start) >= 9 ? newMoonDay(k - 1) : start;
}

/**
 * In a 13-month lunar year starting at month 11 (day number a11), the offset (from
 * month 11) of the leap month: the first month that contains no major solar term.
 */
function leapMonthOffset(a11: number): number {
  const k = Math.floor((a11 - NEW_MOON_EPOCH_JD) / SYNODIC_MONTH + 0.5);
  let i = 1; // start with the month after month 11
  let term = solarTermAtDayStart(newMoonDay(k + i));
  let previousTerm: number;
  do {
    previousTerm = term;
    i++;
    term = solarTermAtDayStart(newMoonDay(k + i));
  } while (term !== previousTerm && i < 14);
  return i - 1;
}

/** The lunar date (Vietnam, UTC+7) of a solar (Gregorian) date. */
export function solarToLunar(y: number, m: number, d: number): LunarDate {
  const dayNumber = julianDayFromDate(d, m, y);
  let k = Math.floor((dayNumber - NEW_MOON_EPOCH_JD) / SYNODIC_MONTH) + 1;
  let monthStart = newMoonDay(k);
  // the mean month is only an estimate of the true new moon: step back until the month has begun
  // (9/4/2062 needs two steps: its estimated month starts the next day)
  while (monthStart > dayNumber) monthStart = newMoonDay(--k);

  // Locate the month between the two months 11 that enclose it.
  let a11 = lunarMonth11Start(y);
  let b11 = a11;
  let lunarYear: number;
  if (a11 >= monthStart) {
    lunarYear = y;
    a11 = lunarMonth11Start(y - 1);
  } else {
    lunarYear = y + 1;
    b11 = lunarMonth11Start(y + 1);
  }

  const day = dayNumber - monthStart + 1;
  const monthsAfter11 = Math.floor((monthStart - a11) / 29);
  let month = monthsAfter11 + 11;
  let leap = false;
  // More than 365 days between two months 11 means 13 months: one is a leap month,
  // and the months from it on carry the number of the month before.
  if (b11 - a11 > 365) {
    const leapOffset = leapMonthOffset(a11);
    if (monthsAfter11 >= leapOffset) {
      month = monthsAfter11 + 10;
      leap = monthsAfter11 === leapOffset;
    }
  }
  if (month > 12) month -= 12;
  // Months 11 and 12 belong to the lunar year that started before this solar year.
  if (month >= 11 && monthsAfter11 < 4) lunarYear -= 1;
  return { day, month, year: lunarYear, leap };
}

/**
 * The solar date of a lunar date (Vietnam, UTC+7). Throws Invalid when `leap` is set
 * but that month is not the leap month of that year, or the day is not in the month.
 */
export function lunarToSolar(lunarDay: number, lunarMonth: number, lunarYear: number, leap: boolean): SolarDate {
  if (!Number.isInteger(lunarMonth) || lunarMonth < 1 || lunarMonth > 12) throw new Invalid('Lunar month must be 1–12', 'lunarMonth');
  if (!Number.isInteger(lunarDay) || lunarDay < 1 || lunarDay > 30) throw new Invalid('Lunar day must be 1–30', 'lunarDay');
  // Months 11 and 12 of lunar year Y lie between month 11 of solar year Y and that of Y+1.
  const a11 = lunarMonth < 11 ? lunarMonth11Start(lunarYear - 1) : lunarMonth11Start(lunarYear);
  const b11 = lunarMonth < 11 ? lunarMonth11Start(lunarYear) : lunarMonth11Start(lunarYear + 1);
  const k = Math.floor(0.5 + (a11 - NEW_MOON_EPOCH_JD) / SYNODIC_MONTH);

  let offset = (lunarMonth - 11 + 12) % 12;
  let isLeapYear = false;
  if (b11 - a11 > 365) {
    isLeapYear = true;
    const leapOffset = leapMonthOffset(a11);
    if (leap && lunarMonth !== leapMonthNumber(leapOffset)) throw new Invalid(`Lunar year ${lunarYear} has no leap month ${lunarMonth}`, 'leap');
    if (leap || offset >= leapOffset) offset += 1;
  }
  if (leap && !isLeapYear) throw new Invalid(`Lunar year ${lunarYear} has no leap month`, 'leap');

  const monthStart = newMoonDay(k + offset);
  const monthLength = newMoonDay(k + offset + 1) - monthStart;
  if (lunarDay > monthLength) throw new Invalid(`That lunar month has ${monthLength} days`, 'lunarDay');
  return dateFromJulianDay(monthStart + lunarDay - 1);
}

/**
 * The number a leap month takes: that of the month before it. Offset 1 after month 11 is
 * leap 11, offset 2 is leap 12, offset 3 is leap 1 … (Hồ Ngọc Đức's code computes
 * `offset - 2`, which yields 0 instead of 12 for a leap month 12; we wrap to 1–12.)
 */
function leapMonthNumber(leapOffset: number): number {
  return ((leapOffset + 9) % 12) + 1;
}

/** The leap month number of a lunar year, or undefined when the year has none. */
export function findLeapMonth(lunarYear: number): number | undefined {
  // Months 1–10 of lunar year Y follow month 11 of solar year Y-1; months 11–12 follow
  // month 11 of solar year Y. A leap month counts for the year whose month it repeats.
  const beforeMonth11 = leapMonthBetween(lunarMonth11Start(lunarYear - 1), lunarMonth11Start(lunarYear));
  if (beforeMonth11 !== undefined && beforeMonth11 <= 10) return beforeMonth11;
  const fromMonth11 = leapMonthBetween(lunarMonth11Start(lunarYear), lunarMonth11Start(lunarYear + 1));
  if (fromMonth11 !== undefined && fromMonth11 >= 11) return fromMonth11;
  return undefined;
}

function leapMonthBetween(a11: number, b11: number): number | undefined {
  return b11 - a11 > 365 ? leapMonthNumber(leapMonthOffset(a11)) : undefined;
}
