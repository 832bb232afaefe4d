// Calls of the reports API. The shared client keeps its request helper private, so this module
// does the same small thing: JSON in the interface language, errors as ApiError; the one unsafe
// call (saving definitions) learns the session's CSRF token from /api/auth/me first.
import { api, ApiError } from '../api/client.js';
import { currentLanguage } from '../i18n/index.js';
import type { Dashboard, DefinitionList, DrillList, Framework, FrameworkDefinition, Indicators, MyIndicators, Period, PublicStats, SavedDefinition } from './types.js';

export interface ReportFilter {
  agency?: string | undefined;
  period?: Period | undefined;
  at?: string | undefined;
}

export function query(params: Record<string, string | number | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') sp.set(k, String(v));
  const s = sp.toString();
  return s ? `?${s}` : '';
}

async function toError(res: Response): Promise<ApiError> {
  let body: { error?: string; message?: string; field?: string; reason?: string; details?: unknown } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, body.error ?? 'http_error', body.message ?? res.statusText, body.field, body.reason, body.details);
}

async function send<T>(method: 'GET' | 'PUT', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': currentLanguage() };
  if (method !== 'GET') {
    const me = await api.me();
    if (me) headers['x-csrf-token'] = me.csrfToken;
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? null : JSON.stringify(body), signal: signal ?? null });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'Network error');
  }
  if (!res.ok) throw await toError(res);
  return (await res.json()) as T;
}

const enc = encodeURIComponent;

export const reportsApi = {
  dashboard: (f: ReportFilter, signal?: AbortSignal) => send<Dashboard>('GET', `/api/reports/dashboard${query({ ...f })}`, undefined, signal),
  indicators: (framework: Framework, f: ReportFilter, signal?: AbortSignal) =>
    send<Indicators>('GET', `/api/reports/indicators${query({ framework, ...f })}`, undefined, signal),
  drill: (measure: string, f: ReportFilter, page: number, signal?: AbortSignal) =>
    send<DrillList>('GET', `/api/reports/drill${query({ measure, ...f, page })}`, undefined, signal),
  me: (f: ReportFilter, signal?: AbortSignal) => send<MyIndicators>('GET', `/api/reports/me${query({ period: f.period, at: f.at })}`, undefined, signal),
  publicStats: (f: ReportFilter & { procedure?: string | undefined }, signal?: AbortSignal) =>
    send<PublicStats>('GET', `/api/public/stats${query({ ...f })}`, undefined, signal),
  definitions: (signal?: AbortSignal) => send<DefinitionList>('GET', '/api/admin/indicators', undefined, signal),
  saveDefinition: (framework: Framework, definition: FrameworkDefinition, expectedVersion: number) =>
    send<SavedDefinition>('PUT', `/api/admin/indicators/${enc(framework)}`, { definition, expectedVersion }),
};

/** Links followed by the browser (downloads), not fetched by script. */
export const reportLinks = {
  dashboardXlsx: (f: ReportFilter) => `/api/reports/dashboard.xlsx${query({ ...f })}`,
  quarterlyPdf: (agency: string | undefined, at: string) => `/api/reports/quarterly.pdf${query({ agency, at })}`,
  publicJson: (f: ReportFilter) => `/api/public/stats${query({ ...f })}`,
  publicCsv: (f: ReportFilter) => `/api/public/stats.csv${query({ ...f })}`,
};
