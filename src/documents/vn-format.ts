// Date/time formatting for printed documents. Vietnam has used a fixed UTC+7 offset with no
// daylight saving since 1975, so we shift by a constant and never consult the machine TZ.
const VN_OFFSET_MS = 7 * 3600 * 1000;

interface VnParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
}

function vnParts(instant: Date): VnParts {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new RangeError('Invalid date');
  const iso = new Date(t + VN_OFFSET_MS).toISOString(); // yyyy-mm-ddThh:mm:ss.sssZ
  return {
    year: iso.slice(0, 4),
    month: iso.slice(5, 7),
    day: iso.slice(8, 10),
    hour: iso.slice(11, 13),
    minute: iso.slice(14, 16),
  };
}

/** "dd/mm/yyyy" in Vietnam local time, e.g. 2026-10-08T01:30:00Z → "08/10/2026". */
export function formatVnDate(instant: Date): string {
  const p = vnParts(instant);
  return `${p.day}/${p.month}/${p.year}`;
}

/** "hh giờ mm phút, ngày dd/mm/yyyy" in Vietnam local time, e.g. "08 giờ 30 phút, ngày 08/10/2026". */
export function formatVnDateTime(instant: Date): string {
  const p = vnParts(instant);
  return `${p.hour} giờ ${p.minute} phút, ngày ${p.day}/${p.month}/${p.year}`;
}
