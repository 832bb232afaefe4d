// Validation of a catalog file: JSON Schema shape first (every error names the
// record and field), then the cross-record rules a schema cannot express.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { CatalogFile } from './schemas.js';
import { validateTemplate } from '../workflow/template.js';

export interface CatalogProblem {
  /** JSON pointer into the file, e.g. /procedures/3/fees/0/amountVnd */
  path: string;
  /** human label of the record, e.g. procedure 1.000893 */
  record: string;
  message: string;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const checkShape = ajv.compile(CatalogFile);
const checkJsonSchema = new Ajv2020({ strict: false, validateSchema: true });

function recordLabel(file: unknown, pointer: string): string {
  const m = /^\/(fields|agencies|procedures|groups|evidenceTypes)\/(\d+)/.exec(pointer);
  if (!m) return 'file';
  const [, kind, index] = m;
  const item = (file as Record<string, unknown[]>)[kind!]?.[Number(index)] as Record<string, unknown> | undefined;
  const key = item?.nationalCode ?? item?.code ?? `#${index}`;
  const singular = { fields: 'field', agencies: 'agency', procedures: 'procedure', groups: 'group', evidenceTypes: 'evidence type' }[kind!];
  return `${singular} ${String(key)}`;
}

/** Codes already in the database, which a partial file may refer to. */
export interface KnownCodes {
  fields: Set<string>;
  agencies: Set<string>;
  procedures: Set<string>;
  /** evidence type codes already in the database */
  evidenceTypes?: Set<string>;
}

/** Returns every problem found; an empty list means the file can be imported. */
export function validateCatalog(file: unknown, known?: KnownCodes): CatalogProblem[] {
  if (!checkShape(file)) {
    return (checkShape.errors ?? []).map((e) => {
      const extra = e.keyword === 'additionalProperties' ? ` '${String((e.params as { additionalProperty: string }).additionalProperty)}'` : '';
      const path = e.instancePath || '/';
      return { path, record: recordLabel(file, path), message: `${e.message ?? 'invalid'}${extra}` };
    });
  }
  const catalog = file as CatalogFile;
  const problems: CatalogProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, record: recordLabel(file, path), message });

  const fieldCodes = new Set<string>();
  const knownField = (c: string) => fieldCodes.has(c) || (known?.fields.has(c) ?? false);
  const knownAgency = (c: string) => agencyCodes.has(c) || (known?.agencies.has(c) ?? false);
  catalog.fields.forEach((f, i) => {
    if (fieldCodes.has(f.code)) add(`/fields/${i}/code`, `duplicate field code ${f.code}`);
    fieldCodes.add(f.code);
  });

  const agencyCodes = new Set<string>();
  catalog.agencies.forEach((a, i) => {
    if (agencyCodes.has(a.code)) add(`/agencies/${i}/code`, `duplicate agency code ${a.code}`);
    agencyCodes.add(a.code);
  });
  const roots = catalog.agencies.filter((a) => a.parentCode === null);
  catalog.agencies.forEach((a, i) => {
    if (a.parentCode !== null && !knownAgency(a.parentCode)) add(`/agencies/${i}/parentCode`, `unknown parent agency ${a.parentCode}`);
    if (a.territoryCode !== undefined && !knownAgency(a.territoryCode)) add(`/agencies/${i}/territoryCode`, `unknown territory agency ${a.territoryCode}`);
  });
  if (catalog.agencies.length > 0 && roots.length === 0 && !known?.agencies.size) add('/agencies', 'the agency tree has no root (an agency with parentCode null)');
  // Cycles: walk up from each agency; more steps than agencies means a loop.
  const parentOf = new Map(catalog.agencies.map((a) => [a.code, a.parentCode]));
  catalog.agencies.forEach((a, i) => {
    let steps = 0;
    let cur: string | null | undefined = a.parentCode;
    while (cur && steps <= catalog.agencies.length) {
      cur = parentOf.get(cur);
      steps++;
    }
    if (steps > catalog.agencies.length) add(`/agencies/${i}/parentCode`, 'the agency tree has a cycle');
  });

  // Several versions of one procedure may share an effective date (two edits on one day):
  // they are applied in file order and the later one is in force.
  catalog.procedures.forEach((p, i) => {
    const at = `/procedures/${i}`;
    if (p.effectiveTo && p.effectiveTo <= p.effectiveFrom) add(`${at}/effectiveTo`, 'effectiveTo must be after effectiveFrom');
    if (!knownField(p.fieldCode)) add(`${at}/fieldCode`, `unknown field ${p.fieldCode}`);
    p.agencyCodes?.forEach((c, j) => {
      if (!knownAgency(c)) add(`${at}/agencyCodes/${j}`, `unknown agency ${c}`);
    });
    const docCodes = new Set<string>();
    p.documents.forEach((d, j) => {
      if (docCodes.has(d.code)) add(`${at}/documents/${j}/code`, `duplicate document code ${d.code}`);
      docCodes.add(d.code);
    });
    p.fees.forEach((f, j) => {
      if (f.onlineAmountVnd !== undefined && f.amountVnd !== null && f.onlineAmountVnd > f.amountVnd)
        add(`${at}/fees/${j}/onlineAmountVnd`, 'the online amount cannot exceed the amount');
    });
    if (p.workflow) {
      for (const problem of validateTemplate(p.workflow, p.timeLimit).problems) add(`${at}/workflow/${problem.field.replace(/\./g, '/')}`, problem.message);
      p.workflow.steps.forEach((st, j) => {
        for (const rule of [st.agency, ...(st.branches ?? []).map((b) => b.agency)]) if (rule.kind === 'fixed' && !knownAgency(rule.code)) add(`${at}/workflow/steps/${j}/agency`, `unknown agency ${rule.code}`);
      });
    }
    if (!checkJsonSchema.validateSchema(p.formSchema)) add(`${at}/formSchema`, `not a valid JSON Schema: ${checkJsonSchema.errorsText(checkJsonSchema.errors)}`);
  });

  const procedureCodes = new Set(catalog.procedures.map((p) => p.nationalCode));
  const knownProcedure = (c: string) => procedureCodes.has(c) || (known?.procedures.has(c) ?? false);

  // evidence types: unique codes and field keys, providers known; documents refer to known types
  const evidenceCodes = new Set<string>();
  (catalog.evidenceTypes ?? []).forEach((t, i) => {
    const at = `/evidenceTypes/${i}`;
    if (evidenceCodes.has(t.code)) add(`${at}/code`, `duplicate evidence type code ${t.code}`);
    evidenceCodes.add(t.code);
    const keys = new Set<string>();
    t.fields.forEach((f, j) => {
      if (keys.has(f.key)) add(`${at}/fields/${j}/key`, `duplicate field key ${f.key}`);
      keys.add(f.key);
      if (f.registryColumn !== undefined && t.registry === undefined) add(`${at}/fields/${j}/registryColumn`, 'a registry column needs the evidence type to have a registry');
    });
    for (const list of ['procedures', 'amendedBy', 'renewedBy', 'cancelledBy'] as const)
      t[list].forEach((c, j) => {
        if (!knownProcedure(c)) add(`${at}/${list}/${j}`, `unknown procedure ${c}`);
      });
  });
  const knownEvidence = (c: string) => evidenceCodes.has(c) || (known?.evidenceTypes?.has(c) ?? false);
  catalog.procedures.forEach((p, i) => {
    p.documents.forEach((d, j) => {
      if (d.evidenceType === undefined) return;
      if (!knownEvidence(d.evidenceType)) add(`/procedures/${i}/documents/${j}/evidenceType`, `unknown evidence type ${d.evidenceType}`);
      if (!d.fromDataStore) add(`/procedures/${i}/documents/${j}/fromDataStore`, 'a document with an evidence type must have fromDataStore true');
    });
  });

  const groupCodes = new Set<string>();
  catalog.groups.forEach((g, i) => {
    if (groupCodes.has(g.code)) add(`/groups/${i}/code`, `duplicate group code ${g.code}`);
    groupCodes.add(g.code);
    g.members.forEach((m, j) => {
      if (!procedureCodes.has(m.nationalCode) && !known?.procedures.has(m.nationalCode)) add(`/groups/${i}/members/${j}/nationalCode`, `unknown procedure ${m.nationalCode}`);
    });
  });
  return problems;
}

export function formatProblems(problems: CatalogProblem[]): string {
  return problems.map((p) => `${p.record}: ${p.path}: ${p.message}`).join('\n');
}
