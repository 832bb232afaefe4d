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
