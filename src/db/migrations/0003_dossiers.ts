// Dossiers: the event log (append-only, hash-chained) and its projection, dossier codes,
// uploaded files (content-addressed), drafts, idempotency keys, official holiday schedules.
import type { Kysely } from 'kysely';
import { engineOf } from '../connect.js';
import { idColumn } from './helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const engine = engineOf(db);

  await db.schema
    .createTable('blobs')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('sha256', 'text', (c) => c.notNull().references('blobs.sha256'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('uploads_owner').on('uploads').column('owner_account_id').execute();

  await idColumn(db.schema.createTable('dossiers'), engine)
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('check_value', 'text', (c) => c.notNull())
    .addColumn('procedure_version_id', 'integer', (c) => c.notNull().references('procedure_versions.id'))
    .addColumn('receiving_agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('applicant_account_id', 'integer', (c) => c.references('accounts.id'))
    .addColumn('applicant', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('form_data', 'text', (c) => c.notNull())
    .addColumn('return_method', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text')
    .addColumn('due_at', 'text')
    .addColumn('paused_since', 'text')
    .addColumn('supplement_count', 'integer', (c) => c.notNull())
    .addColumn('register_year', 'integer')
    .addColumn('register_no', 'integer')
    .addColumn('closed_at', 'text')
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .addColumn('last_hash', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dossiers_agency_status').on('dossiers').columns(['receiving_agency_id', 'status']).execute();
  await db.schema.createIndex('dossiers_applicant').on('dossiers').column('applicant_account_id').execute();

  await db.schema
    .createTable('dossier_events')
    .addColumn('dossier_id', 'integer', (c) => c.notNull().references('dossiers.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer', (c) => c.references('accounts.id'))
    .addColumn('agency_id', 'integer', (c) => c.references('agencies.id'))
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('dossier_events_pk', ['dossier_id', 'seq'])
    .execute();

  await idColumn(db.schema.createTable('dossier_documents'), engine)
    .addColumn('dossier_id', 'integer', (c) => c.notNull().references('dossiers.id'))
    .addColumn('requirement_code', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.references('blobs.sha256'))
    .addColumn('filename', 'text')
    .addColumn('media_type', 'text')
    .addColumn('size', 'integer')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('event_seq', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dossier_documents_dossier').on('dossier_documents').column('dossier_id').execute();

  await db.schema
    .createTable('dossier_code_counters')
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('last', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('dossier_code_counters_pk', ['agency_id', 'day'])
    .execute();

  await db.schema
    .createTable('register_counters')
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('last', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('register_counters_pk', ['agency_id', 'year'])
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('dossier_id', 'integer', (c) => c.notNull().references('dossiers.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_id', 'key'])
    .execute();

  await db.schema
    .createTable('drafts')
    .addColumn('owner_account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('procedure_code', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('drafts_pk', ['owner_account_id', 'procedure_code'])
    .execute();

  await db.schema
    .createTable('holiday_schedules')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('schedule', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) => c.references('accounts.id'))
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
