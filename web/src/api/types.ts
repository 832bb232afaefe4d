// API response types, derived from the server's TypeBox schemas so that the
// client and the server cannot drift apart silently. Type-only imports: no
// server code ends up in the bundle.
import type { Static } from 'typebox';
import type {
  Agency as AgencySchema,
  AgencyList as AgencyListSchema,
  Field as FieldSchema,
  FieldList as FieldListSchema,
  Group as GroupSchema,
  GroupList as GroupListSchema,
  ProcedureDetail as ProcedureDetailSchema,
  ProcedureSearchResult as ProcedureSearchResultSchema,
  ProcedureSummary as ProcedureSummarySchema,
  ProcedureVersionList as ProcedureVersionListSchema,
  TimeLimit as TimeLimitSchema,
  Fee as FeeSchema,
  RequiredDocument as RequiredDocumentSchema,
} from '../../../src/catalog/schemas.js';

export type Agency = Static<typeof AgencySchema>;
export type AgencyList = Static<typeof AgencyListSchema>;
export type Field = Static<typeof FieldSchema>;
export type FieldList = Static<typeof FieldListSchema>;
export type Group = Static<typeof GroupSchema>;
export type GroupList = Static<typeof GroupListSchema>;
export type ProcedureDetail = Static<typeof ProcedureDetailSchema>;
export type ProcedureSearchResult = Static<typeof ProcedureSearchResultSchema>;
export type ProcedureSummary = Static<typeof ProcedureSummarySchema>;
export type ProcedureVersionList = Static<typeof ProcedureVersionListSchema>;
export type TimeLimit = Static<typeof TimeLimitSchema>;
export type Fee = Static<typeof FeeSchema>;
export type RequiredDocument = Static<typeof RequiredDocumentSchema>;
export type ProcedureLevel = ProcedureSummary['levels'][number];
export type OnlineLevel = ProcedureSummary['onlineLevel'];
export type AgencyLevel = Agency['level'];

export const PROCEDURE_LEVELS: readonly ProcedureLevel[] = ['commune', 'district', 'city', 'central'];
export const ONLINE_LEVELS: readonly OnlineLevel[] = ['full', 'partial', 'none'];

export interface SearchParams {
  q?: string | undefined;
  field?: string | undefined;
  level?: string | undefined;
  onlineLevel?: string | undefined;
  agency?: string | undefined;
  applicantType?: string | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

// Identity: accounts, sessions, roles, access log.
import type {
  AccessLog as AccessLogSchema,
  AccessLogEntry as AccessLogEntrySchema,
  Delegation as DelegationSchema,
  DelegationList as DelegationListSchema,
  Grant as GrantSchema,
  GrantCreate as GrantCreateSchema,
  Me as MeSchema,
  Officer as OfficerSchema,
  OfficerCreate as OfficerCreateSchema,
  OfficerList as OfficerListSchema,
  Profile as ProfileSchema,
  ProfileUpdate as ProfileUpdateSchema,
  RegisterRequest as RegisterRequestSchema,
  RegisterResponse as RegisterResponseSchema,
} from '../../../src/identity/schemas.js';

export type Me = Static<typeof MeSchema>;
export type Profile = Static<typeof ProfileSchema>;
export type ProfileUpdate = Static<typeof ProfileUpdateSchema>;
export type Grant = Static<typeof GrantSchema>;
export type GrantCreate = Static<typeof GrantCreateSchema>;
export type Role = Grant['role'];
export type RegisterRequest = Static<typeof RegisterRequestSchema>;
export type RegisterResponse = Static<typeof RegisterResponseSchema>;
export type AccessLog = Static<typeof AccessLogSchema>;
export type AccessLogEntry = Static<typeof AccessLogEntrySchema>;
export type Delegation = Static<typeof DelegationSchema>;
export type DelegationList = Static<typeof DelegationListSchema>;
export type Officer = Static<typeof OfficerSchema>;
export type OfficerCreate = Static<typeof OfficerCreateSchema>;
export type OfficerList = Static<typeof OfficerListSchema>;

/** Kept in the order of src/identity/schemas.ts ROLES (a value import would pull server code into the bundle). */
export const ROLES: readonly Role[] = ['desk_officer', 'specialist', 'unit_head', 'agency_leader', 'supervisor', 'agency_admin', 'system_admin'];
export const ADMIN_ROLES: readonly Role[] = ['agency_admin', 'system_admin'];

// The working calendar: holidays and make-up working days of a year (src/calendar/routes.ts).
export interface NamedDate {
  /** yyyy-mm-dd */
  date: string;
  name: string;
}
export interface CalendarYear {
  year: number;
  /** True when a system administrator loaded the official schedule; false for the legal defaults. */
  official: boolean;
  holidays: NamedDate[];
  workingDays: NamedDate[];
}
export interface CalendarPut {
  holidays: NamedDate[];
  workingDays: NamedDate[];
}

// Dossiers: submission, tracking, the desk.
import type {
  DossierDetail as DossierDetailSchema,
  DossierList as DossierListSchema,
  DossierSummary as DossierSummarySchema,
  DossierEvent as DossierEventSchema,
  DossierDocument as DossierDocumentSchema,
  PublicLookup as PublicLookupSchema,
  Register as RegisterSchema,
  RegisterRow as RegisterRowSchema,
  SubmitRequest as SubmitRequestSchema,
  SubmitResponse as SubmitResponseSchema,
  UploadResponse as UploadResponseSchema,
  DeskDecision as DeskDecisionSchema,
  DeskIntakeRequest as DeskIntakeRequestSchema,
  DocumentInput as DocumentInputSchema,
} from '../../../src/dossiers/schemas.js';
import type { ApplicantList as ApplicantListSchema } from '../../../src/identity/schemas.js';

export type DossierDetail = Static<typeof DossierDetailSchema>;
export type DossierList = Static<typeof DossierListSchema>;
export type DossierSummary = Static<typeof DossierSummarySchema>;
export type DossierEvent = Static<typeof DossierEventSchema>;
export type DossierDocument = Static<typeof DossierDocumentSchema>;
export type PublicLookup = Static<typeof PublicLookupSchema>;
export type RegisterBook = Static<typeof RegisterSchema>;
export type RegisterRow = Static<typeof RegisterRowSchema>;
export type SubmitBody = Static<typeof SubmitRequestSchema>;
export type SubmitResult = Static<typeof SubmitResponseSchema>;
export type UploadResult = Static<typeof UploadResponseSchema>;
export type DeskDecision = Static<typeof DeskDecisionSchema>;
export type DeskIntake = Static<typeof DeskIntakeRequestSchema>;
export type DocumentInput = Static<typeof DocumentInputSchema>;
export type ApplicantList = Static<typeof ApplicantListSchema>;
export type ReturnMethod = SubmitBody['returnMethod'];
export const RETURN_METHODS: readonly ReturnMethod[] = ['online', 'desk', 'post'];
export const OPEN_STATUSES: readonly string[] = ['submitted', 'received', 'supplement_requested', 'processing', 'processing_supplement'];

/** A saved draft of an online submission (PUT/GET /api/me/drafts/:procedure). */
export interface DraftBody {
  agency?: string;
  form: Record<string, unknown>;
  documents: DocumentInput[];
  returnMethod?: string;
}
export interface DraftResponse {
  draft: DraftBody | null;
  updatedAt: string | null;
}

// Processing (src/workflow/routes.ts, queries.ts): inboxes, the processing view, actions, the control slip.
export type WorkUrgency = 'late' | 'due_soon' | 'on_time' | 'none';
export type WorkActionName =
  | 'claim' | 'assign' | 'hand_over' | 'return' | 'consult' | 'answer' | 'transfer'
  | 'request_supplement' | 'approve' | 'refuse' | 'record_result' | 'return_result';
export interface WorkInboxParams {
  view?: 'mine' | 'unit' | undefined;
  agency?: string | undefined;
  procedure?: string | undefined;
  step?: string | undefined;
  channel?: string | undefined;
  urgency?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}
export interface WorkInboxItem {
  taskId: number;
  kind: 'step' | 'branch' | 'consult' | 'supplement';
  step: string;
  role: string;
  dueAt: string | null;
  openedAt: string;
  urgency: WorkUrgency;
  onlinePriority: boolean;
  assigneeId: number | null;
  assigneeName: string | null;
  code: string;
  status: string;
  publicStatus: string;
  channel: string;
  dossierDueAt: string | null;
  applicantName: string;
  procedureName: string;
  procedureCode: string;
  agencyCode: string;
  agencyName: string;
}
export interface WorkInbox {
  total: number;
  items: WorkInboxItem[];
}
export interface WorkStep {
  id: string;
  kind: string;
  name: string;
  role: string;
  budget: { value: number; unit: 'working_hours' | 'working_days' };
  next: string[];
  actions: string[];
}
export interface WorkTask {
  id: number;
  kind: 'step' | 'branch' | 'consult' | 'supplement';
  step: string;
  stepName: string;
  role: string;
  status: 'open' | 'done' | 'cancelled';
  outcome: string | null;
  parentTaskId: number | null;
  agencyId: number;
  agencyCode: string;
  agencyName: string;
  fromAgencyName: string | null;
  /** the member whose system holds this task (interconnection); null: ours */
  remoteMember?: string | null;
  handedOverAt: string;
  handedOverBy: string | null;
  assigneeId: number | null;
  receivedBy: string | null;
  dueAt: string | null;
  doneAt: string | null;
  spentHours: number;
  result: 'early' | 'on_time' | 'late' | 'open';
  detail: Record<string, unknown> | null;
  urgency: WorkUrgency;
  actions: WorkActionName[];
}
export interface WorkView {
  code: string;
  status: string;
  currentStep: string | null;
  dueAt: string | null;
  originalDueAt: string | null;
  apologyIssued: boolean;
  canApologise: boolean;
  onlinePriority: boolean;
  urgency: WorkUrgency;
  steps: WorkStep[];
  tasks: WorkTask[];
  lateness: { step: string; agencyName: string; officer: string | null; dueAt: string | null; doneAt: string | null }[];
}
export type WorkAction =
  | { action: 'claim'; taskId: number }
  | { action: 'assign'; taskId: number; assigneeId: number }
  | { action: 'hand_over'; taskId: number; to?: string; note?: string }
  | { action: 'return'; taskId: number; to: string; reason: string }
  | { action: 'consult'; taskId: number; agency: string; question: string; days: number }
  | { action: 'answer'; taskId: number; answer: string }
  | { action: 'transfer'; taskId: number; agency: string; reason: string }
  | { action: 'request_supplement'; taskId: number; items: { requirement: string; reason: string }[] }
  | { action: 'approve'; taskId: number; note?: string }
  | { action: 'refuse'; taskId: number; reasons: string[] }
  | { action: 'record_result'; taskId: number; summary: string; documents?: string[]; eResult?: { fields: Record<string, string>; validUntil?: string; supersedes?: string } }
  | { action: 'return_result'; taskId: number; method: 'desk' | 'post' | 'online' }
  | { action: 'apologise'; reason: string; newDueAt: string };
export interface ControlSlipRow {
  step: string;
  fromAgency: string;
  toAgency: string;
  handedOverAt: string;
  handedOverBy: string;
  receivedBy: string;
  dueAt: string | null;
  doneAt: string | null;
  result: 'early' | 'on_time' | 'late' | 'open';
  note: string;
}
export interface ControlSlip {
  dossierCode: string;
  agencyName: string;
  procedureName: string;
  applicantName: string;
  leadAgency: string;
  cooperatingAgencies: string[];
  receivedAt: string | null;
  dueAt: string | null;
  rows: ControlSlipRow[];
}
