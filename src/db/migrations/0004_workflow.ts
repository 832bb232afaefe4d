// Workflow: template versions per procedure, open and closed tasks (the step each dossier is
// at, who holds it, until when), reminders sent by the sweep, and the dossier columns the
// processing steps project (template pinned, current step, apology, group links).
import { type Kysely, sql } from 'kysely';
import { engineOf } from '../connect.js';
import { idColumn } from './helpers.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const engine = engineOf(db);

  await idColumn(db.schema.createTable('workflow_templates'), engine)
    .addColumn('procedure_id', 'integer', (c) => c.notNull().references('procedures.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('effective_from', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('accounts.id'))
    .addUniqueConstraint('workflow_templates_version', ['procedure_id', 'version'])
    .execute();

  // a vertical-sector agency (a ward's police) sits in its own sector's tree and serves a territory
  await db.schema.alterTable('agencies').addColumn('territory_code', 'text').execute();

  for (const [name, type] of [
    ['workflow_template_id', 'integer'],
    ['current_step', 'text'],
    ['original_due_at', 'text'],
    ['parent_dossier_id', 'integer'],
    ['group_code', 'text'],
    ['result_at', 'text'],
    // a member dossier of an inter-connected group: its steps' budgets are scaled to fit this share of the group's limit
    ['budget_cap_hours', 'integer'],
  ] as const) {
    await db.schema.alterTable('dossiers').addColumn(name, type).execute();
  }
  await db.schema.alterTable('dossiers').addColumn('apology_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('dossiers').addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('dossiers_parent').on('dossiers').column('parent_dossier_id').execute();
  await db.schema.createIndex('dossiers_agency_due').on('dossiers').columns(['receiving_agency_id', 'due_at']).execute();

  // A task is one unit's (and, once claimed, one officer's) piece of work on a dossier:
  // a workflow step, a parallel branch, a consultation, the desk's part of a supplement.
  await idColumn(db.schema.createTable('dossier_tasks'), engine)
    .addColumn('dossier_id', 'integer', (c) => c.notNull().references('dossiers.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('step_id', 'text', (c) => c.notNull())
    .addColumn('agency_id', 'integer', (c) => c.notNull().references('agencies.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('assignee_id', 'integer', (c) => c.references('accounts.id'))
    .addColumn('parent_task_id', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('opened_seq', 'integer', (c) => c.notNull())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('opened_by', 'integer', (c) => c.references('accounts.id'))
    .addColumn('from_agency_id', 'integer', (c) => c.references('agencies.id'))
    .addColumn('due_at', 'text')
    .addColumn('closed_seq', 'integer')
    .addColumn('closed_at', 'text')
    .addColumn('closed_by', 'integer', (c) => c.references('accounts.id'))
    .addColumn('outcome', 'text')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('dossier_tasks_dossier').on('dossier_tasks').column('dossier_id').execute();
  // inboxes: a unit's open tasks (a partial index: open tasks are a few percent of the table, and
  // it holds everything the inbox's id query and count read), and an officer's open tasks
  await sql`create index dossier_tasks_open_inbox on dossier_tasks (agency_id, role, due_at, priority, id) where status = 'open'`.execute(db);
  await db.schema.createIndex('dossier_tasks_assignee_inbox').on('dossier_tasks').columns(['assignee_id', 'status', 'due_at']).execute();

  await db.schema
    .createTable('workflow_reminders')
    .addColumn('task_id', 'integer', (c) => c.notNull().references('dossier_tasks.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('workflow_reminders_pk', ['task_id', 'kind'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
