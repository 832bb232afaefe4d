// Opens the configured database, migrates it, and seeds the reference city when empty.
import fs from 'node:fs';
import path from 'node:path';
import { importCatalog } from './catalog/import-catalog.js';
import { countCatalog } from './catalog/store.js';
import { seedDemoAccounts } from './identity/demo-accounts.js';
import { seedDemoRegistry } from './registries/demo-registry.js';
import type { Config } from './config.js';
import { type Db, openDatabase } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { DomainError } from './lib/errors.js';
import { packageRoot } from './lib/package-root.js';
import { StartupError } from './lib/startup-error.js';

export function seedCatalogPath(): string {
  return path.join(packageRoot(), 'seed', 'catalog.json');
}

export async function openConfiguredDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Db> {
  const db = openDatabase({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'motcua.sqlite') });
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    if (err instanceof StartupError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    const where = config.databaseUrl ? 'PostgreSQL at DATABASE_URL' : `the database file in ${config.dataDir}`;
    throw new StartupError(`cannot use ${where} (${reason}): check that it is reachable, writable and not corrupt`);
  }
  return db;
}

/**
 * Seeds an empty database: the reference catalog, and with `demo` the demo accounts.
 * Returns whether it did anything. A database that already holds a catalog is left alone.
 */
export async function seedIfEmpty(db: Db, now: Date, what: 'demo' | 'catalog' | 'none' = 'catalog'): Promise<boolean> {
  if (what === 'none') return false;
  const counts = await countCatalog(db);
  if (counts.agencies > 0 || counts.procedures > 0) return false;
  await importCatalogFile(db, seedCatalogPath(), now);
  if (what === 'demo') {
    await seedDemoAccounts(db, now);
    await seedDemoRegistry(db, now);
  }
  return true;
}

export async function importCatalogFile(db: Db, file: string, now: Date) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new StartupError(`cannot read ${file} as JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return await importCatalog(db, parsed, now);
  } catch (err) {
    if (err instanceof DomainError) throw new StartupError(`${file}: ${err.message}`);
    throw err;
  }
}
