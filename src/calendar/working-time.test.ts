import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HolidaySchedule } from './holidays.js';
import { WorkingCalendar, type Pause, type TimeLimit, TIME_LIMIT_UNITS } from './working-time.js';

const HOUR = 3_600_000;

/** An instant given in Vietnam local time, 'yyyy-mm-dd HH:MM'. */
function vn(local: string): Date {
  return new Date(`${local.replace(' ', 'T')}:00+07:00`);
}

/** The Vietnam local time of an instant, 'yyyy-mm-dd HH:MM', for readable failures. */
function local(instant: Date): string {
  return new Date(instant.getTime() + 7 * HOUR).toISOString().slice(0, 16).replace('T', ' ');
}

// A made-up official schedule (not the real 2026 decision): Tết widened to Sat 14 – Sun 22 Feb,
// Fri 2 Jan bridged and worked back on Sat 10 Jan, and no day in lieu of Hùng Kings' day.
const OFFICIAL_2026: HolidaySchedule = {
  year: 2026,
  holidays: [
    { date: '2026-01-01', name: 'Tết Dương lịch' },
    { date: '2026-01-02', name: 'Nghỉ bù (làm bù thứ Bảy 10/01)' },
    ...['14', '15', '16', '17', '18', '19', '20', '21', '22'].map((d) => ({ date: `2026-02-${d}`, name: 'Tết Nguyên đán' })),
    { date: '2026-04-26', name: 'Giỗ Tổ Hùng Vương' },
    { date: '2026-04-30', name: 'Ngày Chiến thắng' },
    { date: '2026-05-01', name: 'Ngày Quốc tế Lao động' },
    { date: '2026-09-01', name: 'Quốc khánh' },
    { date: '2026-09-02', name: 'Quốc khánh' },
  ],
  workingDays: [{ date: '2026-01-10', name: 'Làm bù ngày 02/01' }],
};

const defaults = new WorkingCalendar({ schedules: [] });
const official = new WorkingCalendar({ schedules: [OFFICIAL_2026] });

describe('working days', () => {
  it('counts Monday–Friday minus holidays', () => {
    expect(defaults.isWorkingDay('2026-03-09')).toBe(true); // Monday
    expect(defaults.isWorkingDay('2026-03-14')).toBe(false); // Saturday
    expect(defaults.isWorkingDay('2026-02-17')).toBe(false); // Tết
    expect(defaults.holidayName('2026-02-17')).toBe('Tết Nguyên đán');
    expect(defaults.holidayName('2026-04-27')).toBe('Nghỉ bù Giỗ Tổ Hùng Vương');
    expect(defaults.holidayName('2026-03-09')).toBeUndefined();
  });

  it('works a make-up Saturday from an official schedule', () => {
    expect(official.isWorkingDay('2026-01-10')).toBe(true);
    expect(official.isWorkingDay('2026-01-02')).toBe(false);
    expect(defaults.isWorkingDay('2026-01-10')).toBe(false);
  });

  it('lets an official schedule replace the defaults for its year only', () => {
    expect(official.isWorkingDay('2026-02-13')).toBe(true);
    expect(official.isWorkingDay('2026-02-16')).toBe(false);
    expect(official.isWorkingDay('2026-04-27')).toBe(true); // the default day in lieu is gone
    expect(official.isWorkingDay('2026-09-03')).toBe(true); // the adjacent day is 1/9 this year
    expect(official.isWorkingDay('2026-09-01')).toBe(false);
    expect(official.isWorkingDay('2027-02-10')).toBe(false); // 2027 still uses the defaults
  });

  it('rejects malformed dates and two schedules for one year', () => {
    expect(() => defaults.isWorkingDay('9/3/2026')).toThrow(/yyyy-mm-dd/);
    expect(() => new WorkingCalendar({ schedules: [OFFICIAL_2026, OFFICIAL_2026] })).toThrow(/Two schedules/);
    expect(() => new WorkingCalendar({ schedules: [], windows: [{ start: '13:00', end: '11:00' }] })).toThrow();
  });
});

describe('addWorkingHours / addWorkingDays', () => {
  it('received Friday 14:00 with 3 working days is due Wednesday 14:00', () => {
    expect(local(defaults.addWorkingDays(vn('2026-03-06 14:00'), 3))).toBe('2026-03-11 14:00');
    expect(local(defaults.dueDate(vn('2026-03-06 14:00'), { value: 3, unit: 'working_days' }))).toBe('2026-03-11 14:00');
  });

  it('skips the default Tết 2026 (Mon 16 – Fri 20 Feb)', () => {
    // Fri 13 Feb: 10:00–11:30 and 13:00–17:00 = 5.5 h; then Mon 23, Tue 24 and 2.5 h of Wed 25.
    expect(local(defaults.addWorkingDays(vn('2026-02-13 10:00'), 3))).toBe('2026-02-25 10:00');
  });

  it('skips 30/4 – 1/5 2026', () => {
    expect(local(defaults.addWorkingDays(vn('2026-04-29 14:00'), 2))).toBe('2026-05-05 14:00');
  });

  it('works the make-up Saturday of an official schedule', () => {
    expect(local(official.addWorkingDays(vn('2026-01-09 16:00'), 1))).toBe('2026-01-10 16:00');
    expect(local(defaults.addWorkingDays(vn('2026-01-09 16:00'), 1))).toBe('2026-01-12 16:00');
  });

  it('starts a receipt outside working time at the next window and ends on a window end, not past it', () => {
    expect(local(defaults.addWorkingHours(vn('2026-03-09 12:10'), 1))).toBe('2026-03-09 14:00');
    expect(local(defaults.addWorkingHours(vn('2026-03-07 09:00'), 0))).toBe('2026-03-09 07:30');
    expect(local(defaults.addWorkingDays(vn('2026-03-09 07:30'), 1))).toBe('2026-03-09 17:00');
    expect(local(defaults.addWorkingHours(vn('2026-03-09 07:30'), 4))).toBe('2026-03-09 11:30');
  });

  it('uses configured windows: a day is their total', () => {
    const shortDays = new WorkingCalendar({ schedules: [], windows: [{ start: '08:00', end: '12:00' }] });
    expect(shortDays.hoursPerDay).toBe(4);
    expect(local(shortDays.addWorkingDays(vn('2026-03-09 10:00'), 1))).toBe('2026-03-10 10:00');
  });

  it('does not depend on the machine time zone', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      const calendar = new WorkingCalendar({ schedules: [] });
      expect(local(calendar.addWorkingDays(vn('2026-02-13 10:00'), 3))).toBe('2026-02-25 10:00');
      expect(local(calendar.dueDate(vn('2026-03-31 09:00'), { value: 1, unit: 'months' }))).toBe('2026-05-04 17:00');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('the 15:00 rule', () => {
  it('hands over the same day before 15:00 and the next working morning from 15:00 on', () => {
    expect(local(defaults.handOverDeadline(vn('2026-03-09 14:59')))).toBe('2026-03-09 17:00');
    expect(local(defaults.handOverDeadline(vn('2026-03-09 15:00')))).toBe('2026-03-10 11:30');
    expect(local(defaults.handOverDeadline(vn('2026-03-06 16:30')))).toBe('2026-03-09 11:30'); // Friday → Monday
    expect(local(defaults.handOverDeadline(vn('2026-02-13 15:30')))).toBe('2026-02-23 11:30'); // across Tết
  });

  it('treats a receipt outside office hours as received at the next window start', () => {
    expect(local(defaults.handOverDeadline(vn('2026-03-09 18:00')))).toBe('2026-03-10 11:30');
    expect(local(defaults.handOverDeadline(vn('2026-03-07 10:00')))).toBe('2026-03-09 11:30'); // Saturday
    expect(local(defaults.handOverDeadline(vn('2026-03-09 06:45')))).toBe('2026-03-09 17:00'); // before opening
    expect(local(defaults.handOverDeadline(vn('2026-03-09 12:00')))).toBe('2026-03-09 17:00'); // lunch break
  });

  it('applies to a limit of 0 working days ("within the day")', () => {
    expect(local(defaults.dueDate(vn('2026-03-09 10:00'), { value: 0, unit: 'working_days' }))).toBe('2026-03-09 17:00');
    expect(local(defaults.dueDate(vn('2026-03-09 15:10'), { value: 0, unit: 'working_days' }))).toBe('2026-03-10 11:30');
  });
});

describe('dueDate for other units', () => {
  it('counts working hours through windows', () => {
    expect(local(defaults.dueDate(vn('2026-03-09 16:00'), { value: 4, unit: 'working_hours' }))).toBe('2026-03-10 10:30');
  });

  it('counts calendar days to the end of the last day, moving off a day off', () => {
    expect(local(defaults.dueDate(vn('2026-03-09 10:00'), { value: 10, unit: 'days' }))).toBe('2026-03-19 17:00');
    expect(local(defaults.dueDate(vn('2026-03-09 10:00'), { value: 5, unit: 'days' }))).toBe('2026-03-16 17:00'); // Sat 14 → Mon 16
    expect(local(defaults.dueDate(vn('2026-02-06 10:00'), { value: 10, unit: 'days' }))).toBe('2026-02-23 17:00'); // Tết
  });

  it('counts months to the same day of month, clamped', () => {
    expect(local(defaults.dueDate(vn('2026-01-31 09:00'), { value: 1, unit: 'months' }))).toBe('2026-03-02 17:00'); // 28 Feb is a Saturday
    expect(local(defaults.dueDate(vn('2026-03-31 09:00'), { value: 1, unit: 'months' }))).toBe('2026-05-04 17:00'); // 30/4, 1/5, weekend
    expect(local(defaults.dueDate(vn('2026-03-10 09:00'), { value: 2, unit: 'months' }))).toBe('2026-05-11 17:00'); // 10 May is Sunday
    expect(local(defaults.dueDate(vn('2026-03-12 09:00'), { value: 12, unit: 'months' }))).toBe('2027-03-12 17:00');
  });

  it('counts clock hours, moving a result on a day off to the end of the next working day', () => {
    expect(local(defaults.dueDate(vn('2026-03-09 10:00'), { value: 24, unit: 'hours' }))).toBe('2026-03-10 10:00');
    expect(local(defaults.dueDate(vn('2026-03-06 10:00'), { value: 24, unit: 'hours' }))).toBe('2026-03-09 17:00');
  });

  it('never falls before the receipt: 0 calendar days after office hours is the next working day', () => {
    expect(local(defaults.dueDate(vn('2026-03-09 10:00'), { value: 0, unit: 'days' }))).toBe('2026-03-09 17:00');
    expect(local(defaults.dueDate(vn('2026-03-09 18:00'), { value: 0, unit: 'days' }))).toBe('2026-03-10 17:00');
  });

  it('rejects negative and fractional calendar limits', () => {
    expect(() => defaults.dueDate(vn('2026-03-09 10:00'), { value: -1, unit: 'working_days' })).toThrow();
    expect(() => defaults.dueDate(vn('2026-03-09 10:00'), { value: 1.5, unit: 'days' })).toThrow(/whole/);
  });
});

describe('pauses (supplement requests)', () => {
  const received = vn('2026-03-09 08:00');
  const due = defaults.addWorkingDays(received, 2); // Wed 11 Mar 08:00
  const pause: Pause = { from: vn('2026-03-09 13:00'), to: vn('2026-03-10 13:00') }; // 8 working hours

  it('excludes paused working time from elapsed time and extends the due date by it', () => {
    expect(defaults.workingTimeBetween(received, due)).toBe(16 * HOUR);
    const extended = defaults.extendForPauses(due, [pause]);
    expect(local(extended)).toBe('2026-03-12 08:00');
    expect(defaults.workingTimeBetween(received, extended, [pause])).toBe(16 * HOUR);
  });

  it('counts overlapping pauses once and runs an open pause to the end', () => {
    const overlapping = { from: vn('2026-03-10 07:00'), to: vn('2026-03-10 12:00') };
    expect(local(defaults.extendForPauses(due, [pause, overlapping]))).toBe('2026-03-12 08:00');
    const open: Pause = { from: vn('2026-03-10 13:00'), to: null };
    expect(defaults.workingTimeBetween(received, vn('2026-03-10 17:00'), [open])).toBe(11.5 * HOUR);
    expect(() => defaults.extendForPauses(due, [open])).toThrow(/asOf/);
    expect(local(defaults.extendForPauses(due, [open], vn('2026-03-11 09:00')))).toBe('2026-03-11 15:00'); // 5.5 h so far
  });

  it('leaves the due date alone when the pauses hold no working time', () => {
    const weekend = { from: vn('2026-03-07 08:00'), to: vn('2026-03-08 20:00') };
    const atWindowEnd = vn('2026-03-09 17:00');
    expect(defaults.extendForPauses(atWindowEnd, [weekend])).toEqual(atWindowEnd);
  });
});

// ——— properties ———

const FROM = vn('2024-01-01 00:00').getTime();
const TO = vn('2027-12-31 23:59').getTime();
const calendars = [defaults, official];
// Chosen by index: fast-check would print a whole calendar in a counterexample.
const anyCalendar = fc.integer({ min: 0, max: calendars.length - 1 }).map((i) => calendars[i]!);
const anyInstant = fc.integer({ min: FROM, max: TO }).map((ms) => new Date(ms));
const wholeMinutes = (max: number) => fc.integer({ min: 0, max }).map((m) => m * 60_000);

function limitOf(unit: (typeof TIME_LIMIT_UNITS)[number]): fc.Arbitrary<TimeLimit> {
  const value = unit === 'months' ? fc.integer({ min: 0, max: 24 }) : unit === 'days' ? fc.integer({ min: 0, max: 90 }) : fc.integer({ min: 0, max: 60 });
  return value.map((v) => ({ value: v, unit }));
}
const anyLimit = fc.oneof(...TIME_LIMIT_UNITS.map(limitOf));

/** On a working day, within a window, window ends included (a due instant may be 17:00). */
function isInClosedWindow(calendar: WorkingCalendar, instant: Date): boolean {
  const [date, clock] = local(instant).split(' ') as [string, string];
  const within = (clock >= '07:30' && clock <= '11:30') || (clock >= '13:00' && clock <= '17:00');
  return calendar.isWorkingDay(date) && within;
}

/** An instant inside working time: a random instant moved to the next window start, plus a bit. */
const workingInstant = fc.tuple(anyCalendar, anyInstant, wholeMinutes(239)).map(([calendar, t, offset]) => {
  const instant = calendar.addWorkingHours(calendar.addWorkingHours(t, 0), offset / HOUR);
  return { calendar, instant };
});

const anyPauses = fc.array(
  fc.tuple(anyInstant, fc.option(wholeMinutes(30 * 24 * 60), { nil: null })).map(
    ([from, length]): Pause => ({ from, to: length === null ? null : new Date(from.getTime() + length) }),
  ),
  { maxLength: 4 },
);

describe('working-time properties', () => {
  it('a due date never lands on a non-working day, and working units land inside a window', () => {
    fc.assert(
      fc.property(anyCalendar, anyInstant, anyLimit, (calendar, receivedAt, limit) => {
        const due = calendar.dueDate(receivedAt, limit);
        expect(calendar.isWorkingDay(local(due).slice(0, 10))).toBe(true);
        if (limit.unit === 'working_days' || limit.unit === 'working_hours') expect(isInClosedWindow(calendar, due)).toBe(true);
        expect(due.getTime()).toBeGreaterThanOrEqual(receivedAt.getTime());
      }),
      { numRuns: 500 },
    );
  });

  it('the working time between t and t + h working hours is h hours', () => {
    fc.assert(
      fc.property(workingInstant, wholeMinutes(80 * 60), ({ calendar, instant }, ms) => {
        expect(calendar.workingTimeBetween(instant, calendar.addWorkingHours(instant, ms / HOUR))).toBe(ms);
      }),
      { numRuns: 500 },
    );
  });

  it('pauses never shorten a deadline and never add working time', () => {
    fc.assert(
      fc.property(anyCalendar, anyInstant, anyInstant, anyPauses, (calendar, due, asOf, pauses) => {
        expect(calendar.extendForPauses(due, pauses, asOf).getTime()).toBeGreaterThanOrEqual(due.getTime());
        const [a, b] = due <= asOf ? [due, asOf] : [asOf, due];
        const paused = calendar.workingTimeBetween(a, b, pauses);
        expect(paused).toBeGreaterThanOrEqual(0);
        expect(paused).toBeLessThanOrEqual(calendar.workingTimeBetween(a, b));
      }),
      { numRuns: 300 },
    );
  });

  it('a later receipt is never due earlier (every unit but clock hours, see carryOffNonWorkingDay)', () => {
    const monotonicUnits = TIME_LIMIT_UNITS.filter((u) => u !== 'hours');
    fc.assert(
      fc.property(anyCalendar, anyInstant, wholeMinutes(10 * 24 * 60), fc.oneof(...monotonicUnits.map(limitOf)), (calendar, t1, gap, limit) => {
        const t2 = new Date(t1.getTime() + gap);
        expect(calendar.dueDate(t2, limit).getTime()).toBeGreaterThanOrEqual(calendar.dueDate(t1, limit).getTime());
      }),
      { numRuns: 500 },
    );
  });

  it('the hand-over deadline is monotonic and falls inside a window', () => {
    fc.assert(
      fc.property(anyCalendar, anyInstant, wholeMinutes(3 * 24 * 60), (calendar, t1, gap) => {
        const t2 = new Date(t1.getTime() + gap);
        const h1 = calendar.handOverDeadline(t1);
        expect(isInClosedWindow(calendar, h1)).toBe(true);
        expect(calendar.handOverDeadline(t2).getTime()).toBeGreaterThanOrEqual(h1.getTime());
      }),
      { numRuns: 500 },
    );
  });
});
