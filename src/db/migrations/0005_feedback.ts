// Feedback: one rating per dossier (its answers are also a `rated` event in the dossier's log),
// complaints and suggestions (PAKN) with their own append-only history, the officers a
// complaint is about (who must never see it), attachments, and the daily complaint counters.
import type { Kysely } from 'kysely';
import { engineOf } from '../connect.js';
import { idColumn } from './helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const engine = engineOf(db);

  await idColumn(db.schema.createTable('ratings'), engine)
    .addColumn('dossier_id', 'integer', (c) => c.notNull().unique().references('dossiers.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('rated_at', 'text', (c) => c.notNull())
    .addColumn('account_id', 'integer', (c) => c.references('accounts.id'))
    .addColumn('concerns', 'text', (c) => c.notNull())
    .addColumn('dissatisfied_count', 'integer', (c) => c.notNull())
    .addColumn('event_seq', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ratings_rated_at').on('ratings').column('rated_at').execute();

  await db.schema
    .createTable('rating_concerns')
    .addColumn('rating_id', 'integer', (c) => c.notNull().references('ratings.id'))
    .addColumn('dossier_id', 'integer', (c) => c.notNull().references('dossiers.id'))
    .addColumn('criterion', 'text', (c) => c.notNull())
    .addColumn('task_id', 'integer', (c) => c.references('dossier_tasks.id'))
    .addColumn('step_id', 'text')
    .addColumn('agency_id', 'integer', (c) => c.references('agencies.id'))
    .addColumn('officer_id', 'integer', (c) => c.references('accounts.id'))
    .execute();
  await db.schema.createIndex('rating_concerns_officer').on('rating_concerns').columns(['officer_id', 'criterion']).execute();
  await db.schema.createIndex('rating_concerns_agency').on('rating_concerns').columns(['agency_id', 'criterion']).execute();
  await db.schema.createIndex('rating_concerns_rating').on('rating_concerns').column('rating_id').execute();

  await idColumn(db.schema.createTable('complaints'), engine)
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('access_key_hash', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('procedure_id', 'integer', (c) => c.references('procedures.id'))
    .addColumn('dossier_id', 'integer', (c) => c.references('dossiers.id'))
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('filed_agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('officer_name', 'text')
    .addColumn('complainant_name', 'text', (c) => c.notNull())
    .addColumn('complainant_email', 'text')
    .addColumn('complainant_phone', 'text')
    .addColumn('complainant_account_id', 'integer', (c) => c.references('accounts.id'))
    .addColumn('public_requested', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('filed_at', 'text', (c) => c.notNull())
    .addColumn('accept_due_at', 'text', (c) => c.notNull())
    .addColumn('answer_due_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('refusal_reason', 'text')
    .addColumn('answer_text', 'text')
    .addColumn('answer_public', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('answered_at', 'text')
    .addColumn('answered_by', 'integer', (c) => c.references('accounts.id'))
    .addColumn('rating_satisfied', 'integer')
    .addColumn('rating_comment', 'text')
    .addColumn('rated_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // the officers' inbox (agency subtree, status, oldest first), the dossier's complaints, the public list
  await db.schema.createIndex('complaints_agency_status').on('complaints').columns(['agency_id', 'status', 'filed_at']).execute();
  await db.schema.createIndex('complaints_dossier').on('complaints').column('dossier_id').execute();
  await db.schema.createIndex('complaints_public').on('complaints').columns(['answer_public', 'answered_at']).execute();

  await idColumn(db.schema.createTable('complaint_events'), engine)
    .addColumn('complaint_id', 'integer', (c) => c.notNull().references('complaints.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer', (c) => c.references('accounts.id'))
    .addColumn('agency_id', 'integer', (c) => c.references('agencies.id'))
    .addColumn('note', 'text')
    .addColumn('detail', 'text')
    .addUniqueConstraint('complaint_events_seq', ['complaint_id', 'seq'])
    .execute();

  await db.schema
    .createTable('complaint_officers')
    .addColumn('complaint_id', 'integer', (c) => c.notNull().references('complaints.id'))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addPrimaryKeyConstraint('complaint_officers_pk', ['complaint_id', 'account_id'])
    .execute();
  await db.schema.createIndex('complaint_officers_account').on('complaint_officers').column('account_id').execute();

  await idColumn(db.schema.createTable('complaint_attachments'), engine)
    .addColumn('complaint_id', 'integer', (c) => c.notNull().references('complaints.id'))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('complaint_attachments_complaint').on('complaint_attachments').column('complaint_id').execute();

  await db.schema
    .createTable('complaint_code_counters')
    .addColumn('agency_id', 'integer', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('last', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('complaint_code_counters_pk', ['agency_id', 'day'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
