// Workflow template versions: stored per procedure with an effective date; the version in
// force on the day of receipt is pinned on the dossier. A procedure without one uses the
// default steps derived from its (immutable) procedure version.
import type { Transaction } from 'kysely';
import { getVersionById, type VersionForIntake } from '../catalog/store.js';
import type { TimeLimit } from '../catalog/schemas.js';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { Invalid, NotFound } from '../lib/errors.js';
import { defaultTemplate, type TemplateProblem, validateTemplate, type WorkflowDefinition } from './template.js';

type Tx = Transaction<Database> | Db;

export interface PinnedTemplate {
  id: number | null;
  version: number | null;
  definition: WorkflowDefinition;
}

async function procedureIdOfVersion(tx: Tx, versionId: number): Promise<number> {
  const r = await tx.selectFrom('procedure_versions').select('procedure_id').where('id', '=', versionId).executeTakeFirstOrThrow();
  return r.procedure_id;
}

/** The template version in force on `day` for the procedure of a version, or the default steps. */
export async function templateInForce(tx: Tx, version: VersionForIntake, day: string): Promise<PinnedTemplate> {
  const procedureId = await procedureIdOfVersion(tx, version.id);
  const row = await tx
    .selectFrom('workflow_templates')
    .select(['id', 'version', 'definition'])
    .where('procedure_id', '=', procedureId)
    .where('effective_from', '<=', day)
    .orderBy('effective_from', 'desc')
    .orderBy('version', 'desc')
    .executeTakeFirst();
  return row ? { id: row.id, version: row.version, definition: JSON.parse(row.definition) as WorkflowDefinition } : { id: null, version: null, definition: defaultTemplate(version.timeLimit) };
}

/** The template a dossier was received under. */
export async function pinnedTemplate(tx: Tx, dossier: { workflow_template_id: number | null; procedure_version_id: number }, version?: VersionForIntake): Promise<WorkflowDefinition> {
  if (dossier.workflow_template_id !== null) {
    const row = await tx.selectFrom('workflow_templates').select('definition').where('id', '=', dossier.workflow_template_id).executeTakeFirstOrThrow();
    return JSON.parse(row.definition) as WorkflowDefinition;
  }
  // the caller may already hold the procedure version: no second read
  const v = version ?? (await getVersionById(tx, dossier.procedure_version_id));
  return defaultTemplate(v.timeLimit);
}

export interface TemplateVersionInfo {
  id: number;
  version: number;
  effectiveFrom: string;
  note: string | null;
  createdAt: string;
  definition: WorkflowDefinition;
}

export async function listTemplateVersions(db: Db, nationalCode: string): Promise<{ procedureId: number; versions: TemplateVersionInfo[] }> {
  const p = await db.selectFrom('procedures').select('id').where('national_code', '=', nationalCode).executeTakeFirst();
  if (!p) throw new NotFound(`procedure ${nationalCode} not found`);
  const rows = await db.selectFrom('workflow_templates').selectAll().where('procedure_id', '=', p.id).orderBy('version', 'desc').execute();
  return { procedureId: p.id, versions: rows.map((r) => ({ id: r.id, version: r.version, effectiveFrom: r.effective_from, note: r.note, createdAt: r.created_at, definition: JSON.parse(r.definition) as WorkflowDefinition })) };
}

/**
 * Saves a new template version after validating it against the time limit of every procedure
 * version in force on or after its effective date. Existing versions are never changed, so
 * dossiers in flight keep theirs.
 */
export async function saveTemplateVersion(
  db: Db,
  input: { nationalCode: string; definition: unknown; effectiveFrom: string; note?: string | undefined; by: number | null },
  limit: TimeLimit,
  now: Date,
): Promise<{ id: number; version: number } | { problems: TemplateProblem[] }> {
  const { definition, problems } = validateTemplate(input.definition, limit);
  if (!definition) return { problems };
  const p = await db.selectFrom('procedures').select('id').where('national_code', '=', input.nationalCode).executeTakeFirst();
  if (!p) throw new NotFound(`procedure ${input.nationalCode} not found`);
  return db.transaction().execute(async (tx) => {
    const last = await tx.selectFrom('workflow_templates').select((e) => e.fn.max('version').as('v')).where('procedure_id', '=', p.id).executeTakeFirst();
    const version = Number(last?.v ?? 0) + 1;
    const row = await tx
      .insertInto('workflow_templates')
      .values({ procedure_id: p.id, version, effective_from: input.effectiveFrom, definition: JSON.stringify(definition), note: input.note ?? null, created_at: now.toISOString(), created_by: input.by })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, version };
  });
}

export function assertNoProblems(r: { problems: TemplateProblem[] } | { id: number; version: number }): { id: number; version: number } {
  if ('problems' in r) throw new Invalid(`the workflow template has problems: ${r.problems.map((p) => p.message).join('; ')}`, r.problems[0]?.field ?? 'definition', r.problems, 'template_invalid');
  return r;
}
