// Forward-only, numbered migrations shared by both engines. The list is static
// (imported, not read from disk) so it works the same from src/ and dist/.
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { engineOf } from './connect.js';
import { StartupError } from '../lib/startup-error.js';
import * as m0001 from './migrations/0001_catalog.js';
import * as m0002 from './migrations/0002_identity.js';
import * as m0003 from './migrations/0003_dossiers.js';
import * as m0004 from './migrations/0004_workflow.js';
import * as m0005 from './migrations/0005_feedback.js';
import * as m0006 from './migrations/0006_reports.js';
import * as m0007 from './migrations/0007_once_only.js';
import * as m0008 from './migrations/0008_interconnect.js';

export const MIGRATIONS: Record<string, Migration> = {
  '0001_catalog': m0001,
  '0002_identity': m0002,
  '0003_dossiers': m0003,
  '0004_workflow': m0004,
  '0005_feedback': m0005,
  '0006_reports': m0006,
  '0007_once_only': m0007,
  '0008_interconnect': m0008,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Applies every migration not yet applied; returns the names applied now. */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
  const plain = db as unknown as Kysely<unknown>;
  // On PostgreSQL keep the migration tables in the schema we run in (search_path),
  // otherwise Kysely looks for them in every schema and finds another tenant's.
  const schema =
    engineOf(plain) === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(plain)).rows[0]?.s : undefined;
  const migrator = new Migrator({ db: plain, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartupError(`database migration ${failed} failed (${reason}): the database was left at the previous version`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
