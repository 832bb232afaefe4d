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
