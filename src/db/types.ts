// Table types for Kysely. Booleans are stored as 0/1 integers on both engines;
// structured values are JSON text, so one migration set serves SQLite and PostgreSQL.
import type { ColumnType, Generated } from 'kysely';

type Flag = number;

export interface FieldTable {
  code: string;
  name: string;
  name_en: string | null;
}

export interface AgencyTable {
  id: Generated<number>;
  code: string;
  parent_id: number | null;
  /** materialised path of ids, '/1/5/23/', so a subtree is one indexed prefix match */
  path: string;
  name: string;
  name_en: string | null;
  name_folded: string;
  short_name: string;
  level: string;
  address: string;
  phone: string | null;
  email: string | null;
  website: string | null;
  has_one_stop_desk: Flag;
  verified: Flag;
  note: string | null;
  updated_at: string;
}

export interface ProcedureTable {
  id: Generated<number>;
  national_code: string;
  created_at: string;
}

export interface ProcedureVersionTable {
  id: Generated<number>;
  procedure_id: number;
  version: number;
  effective_from: string;
  effective_to: string | null;
  name: string;
  name_en: string | null;
  name_folded: string;
  /** folded text of everything else searchable: field, documents, result, steps */
  search_body: string;
  field_code: string;
  online_level: string;
  applicant_types: string;
  time_limit: string;
  /** JSON of documents, fees, steps, resultType, legalBasis, formSchema */
  content: string;
  content_hash: string;
  has_fee: Flag;
  verified: Flag;
  note: string | null;
  created_at: string;
}

export interface ProcedureVersionLevelTable {
  version_id: number;
  level: string;
}

export interface ProcedureVersionAgencyTable {
  version_id: number;
  agency_id: number;
}

export interface ProcedureGroupTable {
  id: Generated<number>;
  code: string;
  name: string;
  name_en: string | null;
  description: string;
  receiving_level: string;
  time_limit: string;
  legal_basis: string;
  verified: Flag;
  note: string | null;
}

export interface ProcedureGroupMemberTable {
  group_id: number;
  procedure_id: number;
  position: number;
  responsible_level: string;
  task: string;
}

export interface Database {
  fields: FieldTable;
  agencies: AgencyTable;
  procedures: ProcedureTable;
  procedure_versions: ProcedureVersionTable;
  procedure_version_levels: ProcedureVersionLevelTable;
  procedure_version_agencies: ProcedureVersionAgencyTable;
  procedure_groups: ProcedureGroupTable;
  procedure_group_members: ProcedureGroupMemberTable;
}

export type Timestamp = ColumnType<string, string, string>;
