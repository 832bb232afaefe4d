// Calls of the reports API, through the shared client's request (JSON in the interface language,
// errors as ApiError, the session's CSRF token on the one unsafe call: saving definitions).
import { query, request } from '../api/client.js';
import type { Dashboard, DefinitionList, DrillList, Framework, FrameworkDefinition, Indicators, MyIndicators, Period, PublicStats, SavedDefinition } from './types.js';

export interface ReportFilter {
  agency?: string | undefined;
  period?: Period | undefined;
  at?: string | undefined;
}

const enc = encodeURIComponent;

export const reportsApi = {
  dashboard: (f: ReportFilter, signal?: AbortSignal) => request<Dashboard>('GET', `/api/reports/dashboard${query({ ...f })}`, undefined, signal),
  indicators: (framework: Framework, f: ReportFilter, signal?: AbortSignal) =>
    request<Indicators>('GET', `/api/reports/indicators${query({ framework, ...f })}`, undefined, signal),
  drill: (measure: string, f: ReportFilter, page: number, signal?: AbortSignal) =>
    request<DrillList>('GET', `/api/reports/drill${query({ measure, ...f, page })}`, undefined, signal),
  me: (f: ReportFilter, signal?: AbortSignal) => request<MyIndicators>('GET', `/api/reports/me${query({ period: f.period, at: f.at })}`, undefined, signal),
  publicStats: (f: ReportFilter & { procedure?: string | undefined }, signal?: AbortSignal) =>
    request<PublicStats>('GET', `/api/public/stats${query({ ...f })}`, undefined, signal),
  definitions: (signal?: AbortSignal) => request<DefinitionList>('GET', '/api/admin/indicators', undefined, signal),
  saveDefinition: (framework: Framework, definition: FrameworkDefinition, expectedVersion: number) =>
    request<SavedDefinition>('PUT', `/api/admin/indicators/${enc(framework)}`, { definition, expectedVersion }),
};

/** Links followed by the browser (downloads), not fetched by script. */
export const reportLinks = {
  dashboardXlsx: (f: ReportFilter) => `/api/reports/dashboard.xlsx${query({ ...f })}`,
  quarterlyPdf: (agency: string | undefined, at: string) => `/api/reports/quarterly.pdf${query({ agency, at })}`,
  publicJson: (f: ReportFilter) => `/api/public/stats${query({ ...f })}`,
  publicCsv: (f: ReportFilter) => `/api/public/stats.csv${query({ ...f })}`,
};
