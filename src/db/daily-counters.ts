// Sequences per agency and per Vietnam-local day (dossier codes, complaint codes), each kept in
// its own table. A single upsert creates the day's row or increments it, atomically on SQLite and
// PostgreSQL alike, in the caller's transaction: a rolled-back creation leaves no gap.
import { sql, type Transaction } from 'kysely';
import type { Database } from './types.js';

export type DailyCounterTable = 'dossier_code_counters' | 'complaint_code_counters';

/** The next number of `day` (YYYY-MM-DD) for the agency: 1 for the day's first. */
export async function nextDailyNumber(tx: Transaction<Database>, table: DailyCounterTable, agencyId: number, day: string): Promise<number> {
  const row = await sql<{ last: number }>`
    insert into ${sql.table(table)} (agency_id, day, last) values (${agencyId}, ${day}, 1)
    on conflict (agency_id, day) do update set last = ${sql.ref(`${table}.last`)} + 1
    returning last`.execute(tx);
  return Number(row.rows[0]!.last);
}
