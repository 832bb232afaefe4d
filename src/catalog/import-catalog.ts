// Imports a catalog file in one transaction: all of it, or nothing with every problem listed.
import type { Db } from '../db/connect.js';
import { Invalid } from '../lib/errors.js';
import type { CatalogFile } from './schemas.js';
import { addProcedureVersion, exportAgencyRecords, exportFieldRecords, exportGroupRecords, exportProcedureRecords, upsertAgencies, upsertField, upsertGroup } from './store.js';
import { formatProblems, validateCatalog } from './validate-catalog.js';
import { listEvidenceTypes, saveEvidenceTypes } from './evidence.js';

export interface ImportReport {
  fields: number;
  agencies: number;
  versionsCreated: number;
  versionsUnchanged: number;
  groups: number;
  evidenceTypes: number;
}

export async function importCatalog(db: Db, file: unknown, now: Date): Promise<ImportReport> {
  const known = {
    fields: new Set((await db.selectFrom('fields').select('code').execute()).map((r) => r.code)),
    agencies: new Set((await db.selectFrom('agencies').select('code').execute()).map((r) => r.code)),
    procedures: new Set((await db.selectFrom('procedures').select('national_code').execute()).map((r) => r.national_code)),
    evidenceTypes: new Set((await db.selectFrom('evidence_types').select('code').execute()).map((r) => r.code)),
  };
  const problems = validateCatalog(file, known);
  if (problems.length) throw new Invalid(`the catalog file has ${problems.length} problem(s):\n${formatProblems(problems)}`, problems[0]?.path, problems);
  const catalog = file as CatalogFile;
  const at = now.toISOString();
  return db.transaction().execute(async (tx) => {
    for (const f of catalog.fields) await upsertField(tx, f);
    await upsertAgencies(tx, catalog.agencies, at);
    const fieldNames = new Map(catalog.fields.map((f) => [f.code, f.name]));
    const existingFields = await tx.selectFrom('fields').select(['code', 'name']).execute();
    for (const f of existingFields) if (!fieldNames.has(f.code)) fieldNames.set(f.code, f.name);
    let created = 0;
    let unchanged = 0;
    for (const p of catalog.procedures) {
      const outcome = await addProcedureVersion(tx, p, fieldNames.get(p.fieldCode) ?? '', at);
      if (outcome === 'created') created++;
      else unchanged++;
    }
    for (const g of catalog.groups) await upsertGroup(tx, g);
    if (catalog.evidenceTypes?.length) await saveEvidenceTypes(tx, catalog.evidenceTypes, now);
    return { fields: catalog.fields.length, agencies: catalog.agencies.length, versionsCreated: created, versionsUnchanged: unchanged, groups: catalog.groups.length, evidenceTypes: catalog.evidenceTypes?.length ?? 0 };
  });
}

export async function exportCatalog(db: Db, today: string): Promise<CatalogFile> {
  return {
    formatVersion: 1,
    fields: await exportFieldRecords(db),
    agencies: await exportAgencyRecords(db),
    procedures: await exportProcedureRecords(db),
    groups: await exportGroupRecords(db, today),
    evidenceTypes: await listEvidenceTypes(db),
  };
}
