import { afterEach, describe, expect, it } from 'vitest';
import { formatVnDate, formatVnDateTime } from './vn-format.js';

describe('vn-format', () => {
  const savedTz = process.env.TZ;
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('formats in UTC+7 whatever the machine time zone', () => {
    for (const tz of ['UTC', 'America/New_York', 'Asia/Tokyo', 'Asia/Ho_Chi_Minh']) {
      process.env.TZ = tz;
      expect(formatVnDateTime(new Date('2026-10-08T01:30:00Z'))).toBe('08 giờ 30 phút, ngày 08/10/2026');
      expect(formatVnDate(new Date('2026-10-08T01:30:00Z'))).toBe('08/10/2026');
    }
  });

  it('rolls over the date at 17:00 UTC', () => {
    expect(formatVnDateTime(new Date('2026-12-31T16:59:00Z'))).toBe('23 giờ 59 phút, ngày 31/12/2026');
    expect(formatVnDateTime(new Date('2026-12-31T17:00:00Z'))).toBe('00 giờ 00 phút, ngày 01/01/2027');
    expect(formatVnDate(new Date('2026-12-31T17:00:00Z'))).toBe('01/01/2027');
  });

  it('rejects invalid dates', () => {
    expect(() => formatVnDate(new Date('x'))).toThrow(RangeError);
  });
});
