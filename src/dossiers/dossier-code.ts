// Dossier codes (Circular 01/2018 art. 19, DOMAIN.md §4): <receiving agency identifier>-YYMMDD-XXXX,
// a sequence per receiving unit per Vietnam-local day. The counter is incremented in the
// transaction that creates the dossier, so a rolled-back submission leaves no gap.
import { randomInt } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { nextDailyNumber } from '../db/daily-counters.js';
import type { Database } from '../db/types.js';
import { vnDate } from '../lib/dates.js';

export function formatDossierCode(agencyCode: string, day: string, n: number): string {
  return `${agencyCode}-${day.slice(2, 4)}${day.slice(5, 7)}${day.slice(8, 10)}-${String(n).padStart(4, '0')}`;
}

export async function nextDossierCode(tx: Transaction<Database>, agency: { id: number; code: string }, at: Date): Promise<string> {
  const day = vnDate(at);
  return formatDossierCode(agency.code, day, await nextDailyNumber(tx, 'dossier_code_counters', agency.id, day));
}

export async function nextRegisterNumber(tx: Transaction<Database>, agencyId: number, year: number): Promise<number> {
  const row = await sql<{ last: number }>`
    insert into register_counters (agency_id, year, last) values (${agencyId}, ${year}, 1)
    on conflict (agency_id, year) do update set last = register_counters.last + 1
    returning last`.execute(tx);
  return Number(row.rows[0]!.last);
}

// No 0/O, 1/I/L: the check value is read from paper and typed back.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A short random value printed on the receipt; look-up needs it, so codes cannot be enumerated. */
export function newCheckValue(): string {
  return Array.from({ length: 6 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}
