// Dates shown to people and rules' effective dates are Vietnam local dates (UTC+7, no DST).
const VN_OFFSET_MS = 7 * 3600 * 1000;

/** yyyy-mm-dd of the instant in Asia/Ho_Chi_Minh. */
export function vnDate(instant: Date): string {
  return new Date(instant.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

export function isValidIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** "hh:mm dd/mm/yyyy" in Vietnam time, for messages to people. */
export function vnDateTimeText(instant: Date | string): string {
  const d = new Date((typeof instant === 'string' ? Date.parse(instant) : instant.getTime()) + 7 * 3_600_000).toISOString();
  return `${d.slice(11, 16)} ${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
}
