// Shared by the benchmarks: a fresh database on either engine (a SQLite file in its own
// directory, or a PostgreSQL schema of its own), and p50/p95/p99 measurement of a call.
import fs from 'node:fs';
import { sql } from 'kysely';
import pg from 'pg';
import { type Db, type Engine, openDatabase } from '../src/db/connect.js';
import type { RawTarget } from './generate-dossiers.js';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDb {
  engine: Engine;
  db: Db;
  target: RawTarget;
  reopen(): Promise<Db>;
  size(): Promise<number>;
  dispose(): Promise<void>;
}

/**
 * An empty database: for SQLite `<sqliteDir>/motcua.sqlite`, for PostgreSQL the schema `pgSchema`;
 * kept after dispose when keep; with reuse, the one an earlier kept run left, as it is.
 */
export async function freshBenchDb(engine: Engine, opts: { sqliteDir: string; pgSchema: string; keep: boolean; reuse?: boolean }): Promise<BenchDb> {
  if (engine === 'sqlite') {
    if (!opts.reuse) fs.rmSync(opts.sqliteDir, { recursive: true, force: true });
    fs.mkdirSync(opts.sqliteDir, { recursive: true });
    const file = `${opts.sqliteDir}/motcua.sqlite`;
    const b: BenchDb = {
      engine,
      db: openDatabase({ sqliteFile: file }),
      target: { engine: 'sqlite', file },
      async reopen() {
        await b.db.destroy();
        b.db = openDatabase({ sqliteFile: file });
        return b.db;
      },
      size: async () => ['', '-wal'].reduce((s, x) => s + (fs.existsSync(file + x) ? fs.statSync(file + x).size : 0), 0),
      async dispose() {
        await b.db.destroy();
        if (!opts.keep) fs.rmSync(opts.sqliteDir, { recursive: true, force: true });
      },
    };
    return b;
  }
  const schema = opts.pgSchema;
  if (!opts.reuse) {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.query(`create schema ${schema}`);
    await admin.end();
  }
  const open = () => openDatabase({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 10 });
  const b: BenchDb = {
    engine,
    db: open(),
    target: { engine: 'postgres', url: PG_URL, schema },
    async reopen() {
      await b.db.destroy();
      b.db = open();
      return b.db;
    },
    size: async () =>
      Number(
        (await sql<{ n: string }>`select sum(pg_total_relation_size(c.oid)) as n from pg_class c join pg_namespace s on s.oid = c.relnamespace where s.nspname = ${schema} and c.relkind in ('r', 'm')`.execute(b.db)).rows[0]?.n ?? 0,
      ),
    async dispose() {
      await b.db.destroy();
      if (opts.keep) return;
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
  return b;
}

export interface Stat {
  p50: number;
  p95: number;
  p99: number;
  runs: number;
}

export function percentiles(ms: number[]): Stat {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99), runs: s.length };
}

/** `warmup` runs (at most 5 s of them), then `runs` measured runs one at a time; a call slower than maxSeconds in all gets fewer runs (at least 10). */
export async function measure(run: (i: number) => Promise<unknown>, opts: { warmup: number; runs: number; maxSeconds: number }): Promise<Stat> {
  const warmUntil = performance.now() + 5_000;
  for (let i = 0; i < opts.warmup && performance.now() < warmUntil; i++) await run(i);
  const until = performance.now() + opts.maxSeconds * 1000;
  const times: number[] = [];
  for (let i = 0; i < opts.runs && (i < 10 || performance.now() < until); i++) {
    const t = performance.now();
    await run(opts.warmup + i);
    times.push(performance.now() - t);
  }
  return percentiles(times);
}

export const fmtMs = (ms: number) => (ms < 10 ? ms.toFixed(1) : ms.toFixed(0));
export const gb = (bytes: number) => `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
export const thousands = (n: number) => n.toLocaleString('en-US');
