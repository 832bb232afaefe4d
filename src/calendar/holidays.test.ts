import { describe, expect, it } from 'vitest';
import { defaultHolidays, HOLIDAY_NAMES } from './holidays.js';

function datesNamed(year: number, name: string): string[] {
  return defaultHolidays(year)
    .holidays.filter((h) => h.name === name)
    .map((h) => h.date);
}

describe('defaultHolidays', () => {
  it('gives Tết as the last day of the lunar year plus days 1–4 (2026: Mon 16 – Fri 20 Feb)', () => {
    expect(datesNamed(2026, HOLIDAY_NAMES.tet)).toEqual(['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20']);
  });

  it('gives a weekday off for each Tết day on a weekend (2024: Sat 10 and Sun 11 → Wed 14, Thu 15)', () => {
    expect(datesNamed(2024, HOLIDAY_NAMES.tet)).toEqual(['2024-02-09', '2024-02-10', '2024-02-11', '2024-02-12', '2024-02-13']);
    expect(datesNamed(2024, `Nghỉ bù ${HOLIDAY_NAMES.tet}`)).toEqual(['2024-02-14', '2024-02-15']);
  });

  it("moves Hùng Kings' day on Sunday 26 Apr 2026 to Monday 27 Apr", () => {
    expect(datesNamed(2026, HOLIDAY_NAMES.hungKings)).toEqual(['2026-04-26']);
    expect(datesNamed(2026, `Nghỉ bù ${HOLIDAY_NAMES.hungKings}`)).toEqual(['2026-04-27']);
  });

  it('carries 30/4 on a Sunday past 1/5 (2028: → Tue 2 May)', () => {
    expect(datesNamed(2028, `Nghỉ bù ${HOLIDAY_NAMES.reunification}`)).toEqual(['2028-05-02']);
  });

  it('gives 2/9 and 3/9, and two weekdays when both fall on a weekend (2028: → Mon 4, Tue 5 Sep)', () => {
    expect(datesNamed(2026, HOLIDAY_NAMES.national)).toEqual(['2026-09-02', '2026-09-03']);
    expect(datesNamed(2028, `Nghỉ bù ${HOLIDAY_NAMES.national}`)).toEqual(['2028-09-04', '2028-09-05']);
  });

  it('lists every holiday of 2027 in date order with Vietnamese names, and no make-up days', () => {
    const schedule = defaultHolidays(2027);
    expect(schedule.year).toBe(2027);
    expect(schedule.workingDays).toEqual([]);
    expect(schedule.holidays).toEqual([
      { date: '2027-01-01', name: 'Tết Dương lịch' },
      { date: '2027-02-05', name: 'Tết Nguyên đán' },
      { date: '2027-02-06', name: 'Tết Nguyên đán' },
      { date: '2027-02-07', name: 'Tết Nguyên đán' },
      { date: '2027-02-08', name: 'Tết Nguyên đán' },
      { date: '2027-02-09', name: 'Tết Nguyên đán' },
      { date: '2027-02-10', name: 'Nghỉ bù Tết Nguyên đán' },
      { date: '2027-02-11', name: 'Nghỉ bù Tết Nguyên đán' },
      { date: '2027-04-16', name: 'Giỗ Tổ Hùng Vương' },
      { date: '2027-04-30', name: 'Ngày Chiến thắng' },
      { date: '2027-05-01', name: 'Ngày Quốc tế Lao động' },
      { date: '2027-05-03', name: 'Nghỉ bù Ngày Quốc tế Lao động' },
      { date: '2027-09-02', name: 'Quốc khánh' },
      { date: '2027-09-03', name: 'Quốc khánh' },
    ]);
  });
});
