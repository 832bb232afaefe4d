// Evidence types (once-only, #7): what a required document can be satisfied by, which registry
// or which procedures' results provide it, and the key fields a result of that type carries.
// Catalog data (seed/catalog.json → `evidenceTypes`); this file reads it back.
import type { Db } from '../db/connect.js';
import type { Transaction } from 'kysely';
import type { Database } from '../db/types.js';

export const REGISTRIES = ['citizens', 'businesses'] as const;
export type RegistryName = (typeof REGISTRIES)[number];

export const EVIDENCE_FIELD_KINDS = ['text', 'date', 'citizen_id', 'tax_code', 'gender'] as const;
export type EvidenceFieldKind = (typeof EVIDENCE_FIELD_KINDS)[number];

/** One key field of a result of this type: printed on the PDF, signed in the twin, shown on verification. */
export interface EvidenceField {
  key: string;
  label: string;
  labelEn?: string;
  kind: EvidenceFieldKind;
  required: boolean;
  /** where the issuing officer's form is pre-filled from: `form.<property>` of the dossier, or `applicant.name|citizenId|taxCode|address` */
  from?: string;
  /** the registry column this field fills when a result of this type is issued (registry record keyed by the citizen_id / enterprise_code field) */
  registryColumn?: string;
}

export interface EvidenceType {
  code: string;
  name: string;
  nameEn?: string;
  /** the shared registry that can provide this evidence about a person / business */
  registry?: RegistryName;
  /** national codes of procedures whose result is this evidence */
  procedures: string[];
  fields: EvidenceField[];
  validityMonths?: number;
  /** procedures whose result amends / renews / cancels a result of this type (the new result supersedes the old) */
  amendedBy: string[];
  renewedBy: string[];
  cancelledBy: string[];
}

type Reader = Db | Transaction<Database>;
type Row = Database['evidence_types'];

function fromRow(r: { [K in keyof Row]: Row[K] }): EvidenceType {
  return {
    code: r.code,
    name: r.name,
    ...(r.name_en ? { nameEn: r.name_en } : {}),
    ...(r.registry ? { registry: r.registry as RegistryName } : {}),
    procedures: JSON.parse(r.procedures) as string[],
    fields: JSON.parse(r.fields) as EvidenceField[],
    ...(r.validity_months !== null ? { validityMonths: r.validity_months } : {}),
    amendedBy: JSON.parse(r.amended_by) as string[],
    renewedBy: JSON.parse(r.renewed_by) as string[],
    cancelledBy: JSON.parse(r.cancelled_by) as string[],
  };
}

export async function listEvidenceTypes(db: Reader): Promise<EvidenceType[]> {
  return (await db.selectFrom('evidence_types').selectAll().orderBy('code').execute()).map(fromRow);
}

export async function findEvidenceType(db: Reader, code: string): Promise<EvidenceType | undefined> {
  const r = await db.selectFrom('evidence_types').selectAll().where('code', '=', code).executeTakeFirst();
  return r ? fromRow(r) : undefined;
}

/** How a procedure's result relates to an evidence type: it issues one, or amends / renews / cancels an earlier one. */
export type ResultRelation = 'issue' | 'amend' | 'renew' | 'cancel';

/** The evidence type a procedure's result is (or acts upon), if any. */
export async function findEvidenceTypeOfProcedure(db: Reader, nationalCode: string): Promise<{ type: EvidenceType; relation: ResultRelation } | undefined> {
  for (const t of await listEvidenceTypes(db)) {
    if (t.procedures.includes(nationalCode)) return { type: t, relation: 'issue' };
    if (t.amendedBy.includes(nationalCode)) return { type: t, relation: 'amend' };
    if (t.renewedBy.includes(nationalCode)) return { type: t, relation: 'renew' };
    if (t.cancelledBy.includes(nationalCode)) return { type: t, relation: 'cancel' };
  }
  return undefined;
}

/** Upserts evidence types (catalog import). */
export async function saveEvidenceTypes(db: Reader, types: EvidenceType[], now: Date): Promise<void> {
  for (const t of types) {
    const row = {
      name: t.name, name_en: t.nameEn ?? null, registry: t.registry ?? null, procedures: JSON.stringify(t.procedures), fields: JSON.stringify(t.fields),
      validity_months: t.validityMonths ?? null, amended_by: JSON.stringify(t.amendedBy), renewed_by: JSON.stringify(t.renewedBy), cancelled_by: JSON.stringify(t.cancelledBy), updated_at: now.toISOString(),
    };
    await db.insertInto('evidence_types').values({ code: t.code, ...row }).onConflict((oc) => oc.column('code').doUpdateSet(row)).execute();
  }
}
