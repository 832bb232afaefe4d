// The calendar: lunar dates, public holidays and working time (DOMAIN.md §5, DESIGN.md §4).
export { solarToLunar, lunarToSolar, findLeapMonth, type LunarDate, type SolarDate } from './lunar.js';
export {
  defaultHolidays,
  HOLIDAY_NAMES,
  type HolidaySchedule,
  type IsoDate,
  type NamedDate,
} from './holidays.js';
export {
  WorkingCalendar,
  createWorkingCalendar,
  DEFAULT_WINDOWS,
  DEFAULT_HAND_OVER_CUTOFF,
  TIME_LIMIT_UNITS,
  type Pause,
  type TimeLimit,
  type TimeLimitUnit,
  type WorkingCalendarOptions,
  type WorkingWindow,
} from './working-time.js';
