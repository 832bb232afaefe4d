// Table types of the once-only module set (#7): evidence types, registries, the applicant's data
// store, signed e-results and signing certificates: migration 0007.
import type { Generated } from 'kysely';

export interface EvidenceTypeTable {
  code: string;
  name: string;
  name_en: string | null;
  /** the shared registry that can provide it: citizens | businesses | null */
  registry: string | null;
  /** JSON string[]: national codes of the procedures whose result is this evidence */
  procedures: string;
  /** JSON EvidenceField[]: the key fields of a result of this type (src/catalog/evidence.ts) */
  fields: string;
  validity_months: number | null;
  /** JSON string[]: procedures whose result amends / renews / cancels a result of this type */
  amended_by: string;
  renewed_by: string;
  cancelled_by: string;
  updated_at: string;
}

export interface RegistryCitizenTable {
  citizen_id: string;
  full_name: string;
  name_folded: string;
  /** YYYY-MM-DD */
  birth_date: string;
  /** male | female */
  gender: string;
  permanent_address: string | null;
  household_code: string | null;
  /** active | deceased */
  status: string;
  /** import | result */
  source: string;
  /** import id, or e-result serial */
  source_ref: string | null;
  created_at: string;
  updated_at: string;
}

export interface RegistryBusinessTable {
  enterprise_code: string;
  name: string;
  name_folded: string;
  address: string;
  legal_representative: string;
  legal_representative_id: string | null;
  /** active | suspended | dissolved */
  status: string;
  registered_on: string | null;
  source: string;
  source_ref: string | null;
  created_at: string;
  updated_at: string;
}

export interface RegistryHistoryTable {
  id: Generated<number>;
  /** citizens | businesses */
  registry: string;
  subject_key: string;
  /** created | updated | status */
  change: string;
  before: string | null;
  after: string;
  source: string;
  source_ref: string | null;
  by_account_id: number | null;
  at: string;
}

export interface RegistryImportTable {
  id: Generated<number>;
  registry: string;
  filename: string;
  /** csv | json */
  format: string;
  total_rows: number;
  accepted_rows: number;
  rejected_rows: number;
  /** applied | rejected (nothing applied) */
  status: string;
  /** JSON: { rejected: { row, key?, errors: { field, reason, message }[] }[] } */
  report: string;
  by_account_id: number;
  at: string;
}

export interface RegistryLookupTable {
  id: Generated<number>;
  registry: string;
  subject_key: string;
  /** the account whose CCCD / tax code is the subject key, when there is one */
  subject_account_id: number | null;
  actor_id: number;
  actor_agency_id: number | null;
  dossier_id: number | null;
  purpose: string;
  found: number;
  at: string;
}

export interface SigningCertificateTable {
  /** sha256 of the DER certificate, hex */
  fingerprint: string;
  /** null for the city CA */
  agency_id: number | null;
  /** ca | agency */
  kind: string;
  subject: string;
  cert_pem: string;
  not_before: string;
  not_after: string;
  created_at: string;
}

export interface EResultTable {
  id: Generated<number>;
  /** public identifier printed with the QR code */
  serial: string;
  dossier_id: number;
  issuer_agency_id: number;
  holder_account_id: number | null;
  subject_name: string;
  /** CCCD / personal identifier or enterprise code of the person or business the result is about */
  subject_id: string | null;
  evidence_type: string | null;
  title: string;
  /** JSON Record<string,string>: the key fields, as in the signed twin */
  fields: string;
  issued_at: string;
  valid_until: string | null;
  pdf_sha256: string;
  /** JWS compact serialisation of the key fields */
  twin: string;
  cert_fingerprint: string;
  /** valid | revoked | superseded | cancelled */
  status: string;
  status_at: string | null;
  status_reason: string | null;
  status_by: number | null;
  supersedes_id: number | null;
  superseded_by_id: number | null;
}

export interface EResultEventTable {
  id: Generated<number>;
  e_result_id: number;
  /** issued | revoked | amended | renewed | cancelled */
  type: string;
  at: string;
  actor_id: number | null;
  reason: string | null;
  related_result_id: number | null;
  dossier_id: number | null;
}

export interface DataStoreItemTable {
  id: Generated<number>;
  owner_account_id: number;
  evidence_type: string | null;
  title: string;
  issuer_agency_id: number | null;
  issuer_name: string | null;
  issued_on: string | null;
  valid_until: string | null;
  sha256: string;
  filename: string;
  media_type: string;
  size: number;
  /** upload | result */
  source: string;
  e_result_id: number | null;
  origin_dossier_id: number | null;
  created_at: string;
  removed_at: string | null;
}

export interface OnceOnlyTables {
  evidence_types: EvidenceTypeTable;
  registry_citizens: RegistryCitizenTable;
  registry_businesses: RegistryBusinessTable;
  registry_history: RegistryHistoryTable;
  registry_imports: RegistryImportTable;
  registry_lookups: RegistryLookupTable;
  signing_certificates: SigningCertificateTable;
  e_results: EResultTable;
  e_result_events: EResultEventTable;
  data_store_items: DataStoreItemTable;
}
