// Once-only (#7): evidence types, the city's shared registries (citizens, businesses) with their
// history, imports and purpose-bound lookups, the applicant's data store, signed e-results with
// their history, the agencies' signing certificates, and the reuse/digitisation flags of dossier
// documents.
import { type Kysely, sql } from 'kysely';
import { engineOf } from '../connect.js';
import { idColumn } from './helpers.js';

/** Counters added to the statistics buckets of 0006 (dossiers with every component digitised, with a reused component, with a signed e-result). */
export const ONCE_ONLY_COUNTERS = ['digitised', 'reused', 'e_result'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const engine = engineOf(db);

  // what a required document can be satisfied by, and who provides it (catalog data)
  await db.schema
    .createTable('evidence_types')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addColumn('registry', 'text')
    .addColumn('procedures', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('validity_months', 'integer')
    .addColumn('amended_by', 'text', (c) => c.notNull())
    .addColumn('renewed_by', 'text', (c) => c.notNull())
    .addColumn('cancelled_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('registry_citizens')
    .addColumn('citizen_id', 'text', (c) => c.primaryKey())
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('name_folded', 'text', (c) => c.notNull())
    .addColumn('birth_date', 'text', (c) => c.notNull())
    .addColumn('gender', 'text', (c) => c.notNull())
    .addColumn('permanent_address', 'text')
    .addColumn('household_code', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_ref', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('registry_citizens_name').on('registry_citizens').column('name_folded').execute();
  await db.schema.createIndex('registry_citizens_household').on('registry_citizens').column('household_code').execute();

  await db.schema
    .createTable('registry_businesses')
    .addColumn('enterprise_code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_folded', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('legal_representative', 'text', (c) => c.notNull())
    .addColumn('legal_representative_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('registered_on', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_ref', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('registry_businesses_name').on('registry_businesses').column('name_folded').execute();

  await idColumn(db.schema.createTable('registry_history'), engine)
    .addColumn('registry', 'text', (c) => c.notNull())
    .addColumn('subject_key', 'text', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('before', 'text')
    .addColumn('after', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_ref', 'text')
    .addColumn('by_account_id', 'integer', (c) => c.references('accounts.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('registry_history_subject').on('registry_history').columns(['registry', 'subject_key']).execute();

  await idColumn(db.schema.createTable('registry_imports'), engine)
    .addColumn('registry', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('total_rows', 'integer', (c) => c.notNull())
    .addColumn('accepted_rows', 'integer', (c) => c.notNull())
    .addColumn('rejected_rows', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull())
    .addColumn('by_account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();

  await idColumn(db.schema.createTable('registry_lookups'), engine)
    .addColumn('registry', 'text', (c) => c.notNull())
    .addColumn('subject_key', 'text', (c) => c.notNull())
    .addColumn('subject_account_id', 'integer', (c) => c.references('accounts.id'))
    .addColumn('actor_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('actor_agency_id', 'integer', (c) => c.references('agencies.id'))
    .addColumn('dossier_id', 'integer', (c) => c.references('dossiers.id'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('found', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('registry_lookups_subject').on('registry_lookups').columns(['registry', 'subject_key']).execute();
  await db.schema.createIndex('registry_lookups_account').on('registry_lookups').column('subject_account_id').execute();

  // the agencies' signing certificates (public part; private keys stay in files under the data directory)
  await db.schema
    .createTable('signing_certificates')
    .addColumn('fingerprint', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'integer', (c) => c.references('agencies.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('cert_pem', 'text', (c) => c.notNull())
    .addColumn('not_before', 'text', (c) => c.notNull())
    .addColumn('not_after', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('signing_certificates_agency').on('signing_certificates').columns(['agency_id', 'kind']).execute();

  await idColumn(db.schema.createTable('e_results'), engine)
    .addColumn('serial', 'text', (c) => c.notNull().unique())
    .addColumn('dossier_id', 'integer', (c) => c.notNull().references('dossiers.id'))
    .addColumn('issuer_agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('holder_account_id', 'integer', (c) => c.references('accounts.id'))
    .addColumn('subject_name', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text')
    .addColumn('evidence_type', 'text', (c) => c.references('evidence_types.code'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text')
    .addColumn('pdf_sha256', 'text', (c) => c.notNull().references('blobs.sha256'))
    .addColumn('twin', 'text', (c) => c.notNull())
    .addColumn('cert_fingerprint', 'text', (c) => c.notNull().references('signing_certificates.fingerprint'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_at', 'text')
    .addColumn('status_reason', 'text')
    .addColumn('status_by', 'integer', (c) => c.references('accounts.id'))
    .addColumn('supersedes_id', 'integer')
    .addColumn('superseded_by_id', 'integer')
    .execute();
  await db.schema.createIndex('e_results_dossier').on('e_results').column('dossier_id').execute();
  await db.schema.createIndex('e_results_holder').on('e_results').column('holder_account_id').execute();
  await db.schema.createIndex('e_results_pdf').on('e_results').column('pdf_sha256').execute();

  await idColumn(db.schema.createTable('e_result_events'), engine)
    .addColumn('e_result_id', 'integer', (c) => c.notNull().references('e_results.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer', (c) => c.references('accounts.id'))
    .addColumn('reason', 'text')
    .addColumn('related_result_id', 'integer')
    .addColumn('dossier_id', 'integer', (c) => c.references('dossiers.id'))
    .execute();
  await db.schema.createIndex('e_result_events_result').on('e_result_events').column('e_result_id').execute();

  // the applicant's data store (kho dữ liệu): uploads and results, reusable in later dossiers
  await idColumn(db.schema.createTable('data_store_items'), engine)
    .addColumn('owner_account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('evidence_type', 'text', (c) => c.references('evidence_types.code'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('issuer_agency_id', 'integer', (c) => c.references('agencies.id'))
    .addColumn('issuer_name', 'text')
    .addColumn('issued_on', 'text')
    .addColumn('valid_until', 'text')
    .addColumn('sha256', 'text', (c) => c.notNull().references('blobs.sha256'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('e_result_id', 'integer', (c) => c.references('e_results.id'))
    .addColumn('origin_dossier_id', 'integer', (c) => c.references('dossiers.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'text')
    .execute();
  await db.schema.createIndex('data_store_items_owner').on('data_store_items').columns(['owner_account_id', 'evidence_type']).execute();

  // reuse and digitisation of each dossier component (national sync: DuocLayTuKhoDMQG, DuocSoHoa)
  await db.schema.alterTable('dossier_documents').addColumn('evidence_type', 'text').execute();
  await db.schema.alterTable('dossier_documents').addColumn('store_item_id', 'integer').execute();
  await db.schema.alterTable('dossier_documents').addColumn('e_result_id', 'integer').execute();
  await db.schema.alterTable('dossier_documents').addColumn('registry_key', 'text').execute();
  await db.schema.alterTable('dossier_documents').addColumn('consent_at', 'text').execute();
  await db.schema.alterTable('dossier_documents').addColumn('reused', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('dossier_documents').addColumn('digitised', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  for (const table of ['quality_stats', 'quality_stats_agency_day', 'quality_stats_month'])
    for (const name of ONCE_ONLY_COUNTERS) await db.schema.alterTable(table).addColumn(name, 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  // ── indicator definitions: a new Decision 766 version with the digitisation rules (owned by src/reports) ──
  // the per-dossier facts carry the three flags too (drill-down of the digitisation indicators)
  for (const name of ONCE_ONLY_COUNTERS) await db.schema.alterTable('dossier_facts').addColumn(name, 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // A Decision 766 definition saved before #7 has the digitisation indicators as no_data: a new
  // version gets the ratio rules (the defaults in src/reports/indicators.ts apply where none was saved).
  const digitisationRules: Record<string, { rule: unknown; drill: string }> = {
    e_results: { rule: { kind: 'ratio', numerator: ['e_result'], denominator: ['resolved'], fullAt: 1 }, drill: 'e_result' },
    digitised: { rule: { kind: 'ratio', numerator: ['digitised'], denominator: ['received'], fullAt: 1 }, drill: 'digitised' },
    reuse: { rule: { kind: 'ratio', numerator: ['reused'], denominator: ['received'], fullAt: 0.8 }, drill: 'reused' },
  };
  const stored = await sql<{ version: number; definition: string }>`select version, definition from indicator_definitions where framework = 'd766'`.execute(db);
  for (const row of stored.rows) {
    const def = JSON.parse(row.definition) as { groups: { indicators: { key: string; rule: { kind: string }; drill: string | null }[] }[] };
    let changed = false;
    for (const ind of def.groups.flatMap((g) => g.indicators)) {
      const next = digitisationRules[ind.key];
      if (next && ind.rule.kind === 'no_data') {
        ind.rule = next.rule as { kind: string };
        ind.drill = next.drill;
        changed = true;
      }
    }
    if (changed) await sql`update indicator_definitions set version = ${row.version + 1}, definition = ${JSON.stringify(def)}, updated_at = ${new Date().toISOString()}, updated_by = ${null} where framework = 'd766' and version = ${row.version}`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
