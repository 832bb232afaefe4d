// Opens the database chosen by configuration: PostgreSQL when DATABASE_URL is set,
// otherwise the embedded SQLite file under DATA_DIR.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { StartupError } from '../lib/startup-error.js';
import type { Database } from './types.js';

export type Engine = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;

export interface DbOptions {
  databaseUrl?: string | undefined;
  /** SQLite file path (ignored for PostgreSQL) */
  sqliteFile?: string;
  /** PostgreSQL schema to use (tests use a fresh schema per run) */
  pgSchema?: string;
  poolSize?: number;
}

export function engineOf(db: { getExecutor(): { adapter: unknown } }): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

// PostgreSQL returns int8 (count(*)) as strings; our counts fit in a JS number.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export function openDatabase(opts: DbOptions): Db {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}),
    });
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  const file = opts.sqliteFile;
  if (!file) throw new StartupError('no database configured');
  if (file !== ':memory:') {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.accessSync(path.dirname(file), fs.constants.W_OK);
    } catch {
      throw new StartupError(`cannot write to the data directory ${path.dirname(file)}: check DATA_DIR and its permissions`);
    }
  }
  let sqlite: SQLite.Database;
  try {
    sqlite = new SQLite(file);
    // WAL lets readers run beside the writer; a busy timeout makes concurrent writers wait, not fail.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // FULL: a commit is on disk before it is acknowledged, so a power cut cannot lose an acknowledged dossier
    sqlite.pragma('synchronous = FULL');
    sqlite.prepare('select count(*) from sqlite_master').get();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new StartupError(`cannot open the database file ${file} (${reason}): restore it from a backup or move it away to start with a new one`);
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

/** Cheap round trip used by /readyz. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
