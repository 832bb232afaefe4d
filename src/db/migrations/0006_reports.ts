// Reports: per-dossier quality facts (with the bucket contributions last applied, so a change
// is applied as an exact delta), daily statistics buckets per unit and procedure, per officer,
// and the indicator definitions (formulas and weights as data).
import { type Kysely, sql } from 'kysely';

/** Integer counters of a unit bucket; src/reports/facts.ts names the same list. */
export const UNIT_COUNTERS = [
  'received', 'received_online', 'online_offered', 'resolved', 'early', 'on_time', 'late', 'refused', 'withdrawn', 'returned',
  'working_minutes', 'supplemented', 'ratings', 'dissatisfied', 'complained', 'complained_or_disliked', 'published',
  'step_done', 'step_late', 'c01_count', 'c01_sum', 'c01_i1', 'c01_i2', 'c01_i3', 'c01_i4', 'c01_i5', 'c01_i6', 'c01_i7', 'c01_i8', 'c01_i9',
] as const;
export const OFFICER_COUNTERS = ['step_done', 'step_early', 'step_late', 'dissatisfied'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dossier_facts')
    .addColumn('dossier_id', 'integer', (c) => c.primaryKey().references('dossiers.id'))
    .addColumn('agency_id', 'integer', (c) => c.notNull())
    .addColumn('procedure_id', 'integer', (c) => c.notNull())
    .addColumn('received_day', 'text')
    .addColumn('closed_day', 'text')
    .addColumn('closing', 'text')
    .addColumn('outcome', 'text')
    .addColumn('online', 'integer', (c) => c.notNull())
    .addColumn('online_offered', 'integer', (c) => c.notNull())
    .addColumn('published', 'integer', (c) => c.notNull())
    .addColumn('working_minutes', 'integer')
    .addColumn('dissatisfied', 'integer', (c) => c.notNull())
    .addColumn('complained', 'integer', (c) => c.notNull())
    .addColumn('c01_score', 'integer')
    .addColumn('facts', 'text', (c) => c.notNull())
    .addColumn('contributions', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // drill-down lists: the dossiers received / closed in a period by the agencies in scope
  await db.schema.createIndex('dossier_facts_received').on('dossier_facts').columns(['agency_id', 'received_day']).execute();
  await db.schema.createIndex('dossier_facts_closed').on('dossier_facts').columns(['agency_id', 'closed_day']).execute();

  let unit = db.schema
    .createTable('quality_stats')
    .addColumn('agency_id', 'integer', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('procedure_id', 'integer', (c) => c.notNull());
  for (const name of UNIT_COUNTERS) unit = unit.addColumn(name, 'bigint', (c) => c.notNull().defaultTo(0));
  // agency first: a district's dashboard reads its agencies' ranges of days
  await unit.addPrimaryKeyConstraint('quality_stats_pk', ['agency_id', 'day', 'procedure_id']).execute();
  // the whole city over a period: by day first
  await db.schema.createIndex('quality_stats_day').on('quality_stats').columns(['day', 'agency_id']).execute();

  // Roll-ups of the same counters, maintained by the same deltas, so a dashboard reads a few
  // thousand rows whatever the number of dossiers: per agency and day (totals, units, trends over
  // any range) and per agency, month and procedure (procedures over whole months).
  let agencyDay = db.schema.createTable('quality_stats_agency_day').addColumn('agency_id', 'integer', (c) => c.notNull()).addColumn('day', 'text', (c) => c.notNull());
  for (const name of UNIT_COUNTERS) agencyDay = agencyDay.addColumn(name, 'bigint', (c) => c.notNull().defaultTo(0));
  await agencyDay.addPrimaryKeyConstraint('quality_stats_agency_day_pk', ['agency_id', 'day']).execute();
  await db.schema.createIndex('quality_stats_agency_day_day').on('quality_stats_agency_day').columns(['day', 'agency_id']).execute();
  let month = db.schema
    .createTable('quality_stats_month')
    .addColumn('agency_id', 'integer', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('procedure_id', 'integer', (c) => c.notNull());
  for (const name of UNIT_COUNTERS) month = month.addColumn(name, 'bigint', (c) => c.notNull().defaultTo(0));
  await month.addPrimaryKeyConstraint('quality_stats_month_pk', ['agency_id', 'month', 'procedure_id']).execute();
  await db.schema.createIndex('quality_stats_month_month').on('quality_stats_month').columns(['month', 'agency_id']).execute();

  let officer = db.schema
    .createTable('officer_stats')
    .addColumn('officer_id', 'integer', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull());
  for (const name of OFFICER_COUNTERS) officer = officer.addColumn(name, 'bigint', (c) => c.notNull().defaultTo(0));
  await officer.addPrimaryKeyConstraint('officer_stats_pk', ['officer_id', 'day']).execute();

  await db.schema
    .createTable('indicator_definitions')
    .addColumn('framework', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'integer')
    .execute();

  // the dashboard's "in progress / late now" counts: open dossiers of the agencies in scope by due date
  await db.schema.createIndex('dossiers_agency_status_due').on('dossiers').columns(['receiving_agency_id', 'status', 'due_at']).execute();
  // an officer's own indicators and late items
  await db.schema.createIndex('dossier_tasks_closed_by').on('dossier_tasks').columns(['closed_by', 'closed_at']).execute();
  // the dashboard's "late now" list: open tasks oldest due first, read in index order until 50 are
  // found in scope, instead of sorting every late task of the city (tens of thousands at 1M dossiers)
  await sql`create index dossier_tasks_open_due on dossier_tasks (due_at, id) where status = 'open'`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
