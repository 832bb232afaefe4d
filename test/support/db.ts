// Fresh databases for tests: a temp SQLite file, or a fresh schema in the PostgreSQL
// at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
// PostgreSQL is never skipped: if it is unreachable the suite fails.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Db, type Engine, openDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Engines under test; MOTCUA_TEST_ENGINES=sqlite narrows it for a quick local run. */
export const ENGINES: Engine[] = (process.env.MOTCUA_TEST_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim() as Engine);

export interface TestDb {
  engine: Engine;
  db: Db;
  /** what to pass as DATABASE_URL / DATA_DIR to a child process using the same database */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export async function freshDatabase(engine: Engine, opts: { migrate?: boolean } = {}): Promise<TestDb> {
  if (engine === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-test-'));
    const db = openDatabase({ sqliteFile: path.join(dir, 'motcua.sqlite') });
    if (opts.migrate !== false) await migrateToLatest(db);
    return {
      engine,
      db,
      env: { DATA_DIR: dir },
      dispose: async () => {
        await db.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = openDatabase({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 5 });
  if (opts.migrate !== false) await migrateToLatest(db);
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-test-'));
  return {
    engine,
    db,
    env: { DATABASE_URL: url.toString(), DATA_DIR: dataDir },
    dispose: async () => {
      await db.destroy();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
