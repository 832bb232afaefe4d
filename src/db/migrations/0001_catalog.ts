// Catalog: fields, the agency tree, versioned procedures, inter-connected groups, search index.
import { type Kysely, sql } from 'kysely';
import { engineOf } from '../connect.js';
import { idColumn } from './helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const engine = engineOf(db);

  await db.schema
    .createTable('fields')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .execute();

  await idColumn(db.schema.createTable('agencies'), engine)
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('parent_id', 'integer', (c) => c.references('agencies.id'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addColumn('name_folded', 'text', (c) => c.notNull())
    .addColumn('short_name', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('website', 'text')
    .addColumn('has_one_stop_desk', 'integer', (c) => c.notNull())
    .addColumn('verified', 'integer', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('agencies_parent').on('agencies').column('parent_id').execute();
  await db.schema.createIndex('agencies_path').on('agencies').column('path').execute();

  await idColumn(db.schema.createTable('procedures'), engine)
    .addColumn('national_code', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await idColumn(db.schema.createTable('procedure_versions'), engine)
    .addColumn('procedure_id', 'integer', (c) => c.notNull().references('procedures.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('effective_from', 'text', (c) => c.notNull())
    .addColumn('effective_to', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addColumn('name_folded', 'text', (c) => c.notNull())
    .addColumn('search_body', 'text', (c) => c.notNull())
    .addColumn('field_code', 'text', (c) => c.notNull().references('fields.code'))
    .addColumn('online_level', 'text', (c) => c.notNull())
    .addColumn('applicant_types', 'text', (c) => c.notNull())
    .addColumn('time_limit', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('has_fee', 'integer', (c) => c.notNull())
    .addColumn('verified', 'integer', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('procedure_versions_number', ['procedure_id', 'version'])
    .execute();
  await db.schema.createIndex('procedure_versions_effective').on('procedure_versions').columns(['procedure_id', 'effective_from']).execute();
  await db.schema.createIndex('procedure_versions_field').on('procedure_versions').column('field_code').execute();

  await db.schema
    .createTable('procedure_version_levels')
    .addColumn('version_id', 'integer', (c) => c.notNull().references('procedure_versions.id'))
    .addColumn('level', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('procedure_version_levels_pk', ['version_id', 'level'])
    .execute();
  await db.schema.createIndex('procedure_version_levels_level').on('procedure_version_levels').column('level').execute();

  await db.schema
    .createTable('procedure_version_agencies')
    .addColumn('version_id', 'integer', (c) => c.notNull().references('procedure_versions.id'))
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addPrimaryKeyConstraint('procedure_version_agencies_pk', ['version_id', 'agency_id'])
    .execute();
  await db.schema.createIndex('procedure_version_agencies_agency').on('procedure_version_agencies').column('agency_id').execute();

  await idColumn(db.schema.createTable('procedure_groups'), engine)
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('receiving_level', 'text', (c) => c.notNull())
    .addColumn('time_limit', 'text', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('verified', 'integer', (c) => c.notNull())
    .addColumn('note', 'text')
    .execute();

  await db.schema
    .createTable('procedure_group_members')
    .addColumn('group_id', 'integer', (c) => c.notNull().references('procedure_groups.id'))
    .addColumn('procedure_id', 'integer', (c) => c.notNull().references('procedures.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('responsible_level', 'text', (c) => c.notNull())
    .addColumn('task', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('procedure_group_members_pk', ['group_id', 'procedure_id'])
    .execute();

  // Full-text search over folded (accent-free) text; each engine's own index.
  if (engine === 'sqlite') {
    // rowid = procedure_versions.id; the app writes it in the same transaction as the version.
    await sql`create virtual table procedure_search using fts5(name, body, tokenize = 'unicode61')`.execute(db);
  } else {
    await sql`alter table procedure_versions add column search_vector tsvector
      generated always as (setweight(to_tsvector('simple', name_folded), 'A') || setweight(to_tsvector('simple', search_body), 'B')) stored`.execute(db);
    await sql`create index procedure_versions_search on procedure_versions using gin (search_vector)`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
