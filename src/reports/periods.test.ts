import { describe, expect, it } from 'vitest';
import { splitRange } from './store.js';
import { isoWeekOf, labelOf, rangeOf, resolveRange, trendBuckets, trendUnit } from './periods.js';

describe('periods (Vietnam local days)', () => {
  it('ISO weeks: 2026-W01 starts on Monday 29/12/2025', () => {
    expect(rangeOf('week', '2026-W01')).toMatchObject({ from: '2025-12-29', to: '2026-01-04' });
    expect(isoWeekOf('2026-01-01')).toEqual([2026, 1]);
    expect(isoWeekOf('2027-01-01')).toEqual([2026, 53]);
    expect(rangeOf('week', '2026-W53')).toMatchObject({ from: '2026-12-28', to: '2027-01-03' });
    expect(() => rangeOf('week', '2025-W53')).toThrow();
  });
  it('months, quarters, years', () => {
    expect(rangeOf('month', '2028-02')).toMatchObject({ from: '2028-02-01', to: '2028-02-29' });
    expect(rangeOf('quarter', '2026-Q4')).toMatchObject({ from: '2026-10-01', to: '2026-12-31' });
    expect(rangeOf('year', '2026')).toMatchObject({ from: '2026-01-01', to: '2026-12-31' });
    expect(() => rangeOf('month', '2026-13')).toThrow();
    expect(() => rangeOf('quarter', '2026-11')).toThrow();
  });
  it('defaults to the current quarter in Vietnam time', () => {
    // 31/03/2026 18:00 UTC is 01/04/2026 01:00 in Hà Nội: the second quarter
    expect(resolveRange({}, new Date('2026-03-31T18:00:00Z'))).toMatchObject({ from: '2026-04-01', to: '2026-06-30', label: '2026-Q2' });
    expect(resolveRange({ period: 'month' }, new Date('2026-03-31T16:59:00Z')).label).toBe('2026-03');
    expect(labelOf('week', '2026-11-05')).toBe('2026-W45');
  });
  it('custom ranges are checked', () => {
    expect(resolveRange({ from: '2026-01-05', to: '2026-01-20' }, new Date())).toMatchObject({ from: '2026-01-05', to: '2026-01-20', period: 'custom' });
    expect(() => resolveRange({ from: '2026-01-20', to: '2026-01-05' }, new Date())).toThrow();
    expect(() => resolveRange({ from: '2026-02-30', to: '2026-03-05' }, new Date())).toThrow();
  });
  it('trends: days for a month, weeks for a quarter, months for a year; every bucket present', () => {
    expect(trendUnit(rangeOf('month', '2026-03'))).toBe('day');
    expect(trendBuckets(rangeOf('month', '2026-02'))).toHaveLength(28);
    const q = trendBuckets(rangeOf('quarter', '2026-Q1'));
    expect(q[0]).toEqual({ label: '2026-W01', from: '2025-12-29' });
    expect(q).toHaveLength(14);
    expect(trendBuckets(rangeOf('year', '2026')).map((b) => b.label)).toHaveLength(12);
  });
  it('a range is read as whole months from the month roll-up plus the days at either end', () => {
    expect(splitRange('2026-01-01', '2026-03-31')).toEqual({ months: ['2026-01', '2026-03'], days: [] });
    expect(splitRange('2026-02-20', '2026-04-10')).toEqual({ months: ['2026-03', '2026-03'], days: [['2026-02-20', '2026-02-28'], ['2026-04-01', '2026-04-10']] });
    expect(splitRange('2026-02-20', '2026-03-02')).toEqual({ months: null, days: [['2026-02-20', '2026-03-02']] });
    expect(splitRange('2026-03-02', '2026-03-08')).toEqual({ months: null, days: [['2026-03-02', '2026-03-08']] });
    expect(splitRange('2025-12-29', '2026-01-31')).toEqual({ months: ['2026-01', '2026-01'], days: [['2025-12-29', '2025-12-31']] });
  });
});
