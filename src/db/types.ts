// Table types for Kysely. Booleans are stored as 0/1 integers on both engines;
// structured values are JSON text, so one migration set serves SQLite and PostgreSQL.
import type { ColumnType, Generated } from 'kysely';
import type { FeedbackTables } from './types-feedback.js';
import type { ReportTables } from './types-reports.js';
import type { OnceOnlyTables } from './types-once-only.js';
import type { InterconnectTables } from './types-interconnect.js';

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
  /** the local-government unit a vertical-sector agency serves (its tree parent is its own sector) */
  territory_code: string | null;
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

export interface AccountTable {
  id: Generated<number>;
  kind: string;
  email: string;
  email_verified_at: string | null;
  password_hash: string | null;
  full_name: string;
  date_of_birth: string | null;
  gender: string | null;
  citizen_id: string | null;
  tax_code: string | null;
  phone: string | null;
  address: string | null;
  oidc_subject: string | null;
  status: string;
  demo: Generated<Flag>;
  created_at: string;
  updated_at: string;
}

export interface DelegationTable {
  id: Generated<number>;
  business_id: number;
  person_id: number;
  granted_at: string;
  revoked_at: string | null;
}

export interface RoleGrantTable {
  id: Generated<number>;
  account_id: number;
  role: string;
  agency_id: number;
  valid_from: string;
  valid_to: string | null;
  granted_by: number | null;
  created_at: string;
  revoked_at: string | null;
  revoked_by: number | null;
}

export interface SessionTable {
  /** sha256 of the cookie value: a stolen database does not yield usable cookies */
  id_hash: string;
  account_id: number;
  csrf_token: string;
  acting_for: number | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
  ip: string | null;
  user_agent: string | null;
}

export interface OneTimeTokenTable {
  token_hash: string;
  purpose: string;
  account_id: number;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  window_started_at: string;
  locked_until: string | null;
}

export interface OidcLoginTable {
  state: string;
  code_verifier: string;
  nonce: string;
  return_to: string;
  created_at: string;
}

export interface AccessLogTable {
  id: Generated<number>;
  at: string;
  actor_id: number;
  actor_agency_id: number | null;
  subject_account_id: number | null;
  action: string;
  resource_type: string;
  resource_id: string;
  purpose: string;
  ip: string | null;
}

export interface MailOutboxTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  created_at: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  locked_until: string | null;
  sent_at: string | null;
  last_error: string | null;
}

export interface BlobTable {
  sha256: string;
  size: number;
  media_type: string;
  created_at: string;
}

export interface UploadTable {
  id: string;
  owner_account_id: number;
  sha256: string;
  filename: string;
  media_type: string;
  size: number;
  created_at: string;
}

/** The projection of a dossier's event log: written only by appendEvent, in the event's transaction. */
export interface DossierTable {
  id: Generated<number>;
  code: string;
  check_value: string;
  procedure_version_id: number;
  receiving_agency_id: number;
  applicant_account_id: number | null;
  /** JSON snapshot {name, citizenId?, taxCode?, address?, phone?, email?} at submission */
  applicant: string;
  channel: string;
  status: string;
  form_data: string;
  return_method: string;
  submitted_at: string;
  received_at: string | null;
  due_at: string | null;
  paused_since: string | null;
  supplement_count: number;
  register_year: number | null;
  register_no: number | null;
  closed_at: string | null;
  last_seq: number;
  last_hash: string;
  updated_at: string;
  /** the workflow template version the dossier was received under (null: the procedure's default steps) */
  workflow_template_id: number | null;
  /** step id of the dossier's current main task */
  current_step: string | null;
  /** the due date on the receipt, kept when an apology moves due_at */
  original_due_at: string | null;
  /** the group dossier this one is a member of (inter-connected group) */
  parent_dossier_id: number | null;
  group_code: string | null;
  /** when the result was recorded */
  result_at: string | null;
  /** a group member's share of the group's time limit, in working hours */
  budget_cap_hours: number | null;
  apology_count: ColumnType<number, number | undefined, number>;
  /** 1 for an online dossier of a procedure that gives online dossiers priority */
  priority: ColumnType<number, number | undefined, number>;
  /** a mirror of another member's dossier (#6): that member's id; null for our own dossiers */
  origin_member: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface DossierTaskTable {
  id: Generated<number>;
  dossier_id: number;
  /** step | branch | consult | supplement */
  kind: string;
  step_id: string;
  agency_id: number;
  role: string;
  assignee_id: number | null;
  parent_task_id: number | null;
  /** open | done | cancelled */
  status: string;
  priority: number;
  opened_seq: number;
  opened_at: string;
  opened_by: number | null;
  from_agency_id: number | null;
  due_at: string | null;
  closed_seq: number | null;
  closed_at: string | null;
  closed_by: number | null;
  outcome: string | null;
  /** JSON: the consultation question and answer, the branch's task… */
  detail: string | null;
  /** the member that holds this task when it is not us (#6) */
  remote_member: ColumnType<string | null, string | null | undefined, string | null>;
  /** the other side's reference to this task (its task id) */
  remote_ref: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface WorkflowTemplateTable {
  id: Generated<number>;
  procedure_id: number;
  version: number;
  effective_from: string;
  definition: string;
  note: string | null;
  created_at: string;
  created_by: number | null;
}

export interface WorkflowReminderTable {
  task_id: number;
  kind: string;
  sent_at: string;
}

export interface DossierEventTable {
  dossier_id: number;
  seq: number;
  type: string;
  at: string;
  actor_id: number | null;
  agency_id: number | null;
  payload: string;
  prev_hash: string;
  hash: string;
}

export interface DossierDocumentTable {
  id: Generated<number>;
  dossier_id: number;
  requirement_code: string;
  sha256: string | null;
  filename: string | null;
  media_type: string | null;
  size: number | null;
  /** upload (online) · scan (desk) · paper (checked at the desk, no scan) · store (from the applicant's data store) · registry (fetched by the agency from a shared registry) · result · reused (an earlier member's result) */
  source: string;
  event_seq: number;
  evidence_type: string | null;
  store_item_id: number | null;
  e_result_id: number | null;
  /** registry subject key (CCCD / enterprise code) for a document fetched from a registry */
  registry_key: string | null;
  /** when the applicant consented to this reuse (store / registry) */
  consent_at: string | null;
  /** 1: taken from data the state already holds (store, registry, earlier result): no paper may be asked for */
  reused: Generated<number>;
  /** 1: the component exists as an electronic file (uploaded, scanned, reused) */
  digitised: Generated<number>;
}

export interface CounterTable {
  agency_id: number;
  day: string;
  last: number;
}

export interface RegisterCounterTable {
  agency_id: number;
  year: number;
  last: number;
}

export interface IdempotencyKeyTable {
  account_id: number;
  key: string;
  request_hash: string;
  dossier_id: number;
  created_at: string;
}

export interface DraftTable {
  owner_account_id: number;
  procedure_code: string;
  content: string;
  updated_at: string;
}

export interface HolidayScheduleTable {
  year: number;
  schedule: string;
  updated_at: string;
  updated_by: number | null;
}

export interface Database extends FeedbackTables, ReportTables, OnceOnlyTables, InterconnectTables {
  blobs: BlobTable;
  uploads: UploadTable;
  dossiers: DossierTable;
  dossier_events: DossierEventTable;
  dossier_documents: DossierDocumentTable;
  dossier_code_counters: CounterTable;
  register_counters: RegisterCounterTable;
  idempotency_keys: IdempotencyKeyTable;
  drafts: DraftTable;
  holiday_schedules: HolidayScheduleTable;
  dossier_tasks: DossierTaskTable;
  workflow_templates: WorkflowTemplateTable;
  workflow_reminders: WorkflowReminderTable;
  accounts: AccountTable;
  delegations: DelegationTable;
  role_grants: RoleGrantTable;
  sessions: SessionTable;
  one_time_tokens: OneTimeTokenTable;
  login_throttle: LoginThrottleTable;
  oidc_logins: OidcLoginTable;
  access_log: AccessLogTable;
  mail_outbox: MailOutboxTable;
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
