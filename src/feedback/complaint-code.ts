// Complaint codes PAKN-<agency identifier>-YYMMDD-NNNN: a sequence per agency first routed to,
// per Vietnam-local day, incremented in the filing transaction (as dossier codes are, so a
// rolled-back filing leaves no gap). The access key lets the complainant follow it without an
// account; only its hash is stored.
import { createHash, randomInt } from 'node:crypto';
import type { Transaction } from 'kysely';
import { nextDailyNumber } from '../db/daily-counters.js';
import type { Database } from '../db/types.js';
import { vnDate } from '../lib/dates.js';

export const COMPLAINT_CODE_PATTERN = '^PAKN-[A-Z0-9.]{3,40}-[0-9]{6}-[0-9]{4,6}$';

export function formatComplaintCode(agencyCode: string, day: string, n: number): string {
  return `PAKN-${agencyCode}-${day.slice(2, 4)}${day.slice(5, 7)}${day.slice(8, 10)}-${String(n).padStart(4, '0')}`;
}

export async function nextComplaintCode(tx: Transaction<Database>, agency: { id: number; code: string }, at: Date): Promise<string> {
  const day = vnDate(at);
  return formatComplaintCode(agency.code, day, await nextDailyNumber(tx, 'complaint_code_counters', agency.id, day));
}

// No 0/O, 1/I/L: the key may be copied by hand from the confirmation.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** 16 characters of 31: about 79 bits, not guessable even without the rate limit. */
export function newAccessKey(): string {
  return Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

export function hashAccessKey(key: string): string {
  return createHash('sha256').update(key.toUpperCase()).digest('hex');
}
