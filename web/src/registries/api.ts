// The shared registries' API as the web uses it (src/registries/routes.ts): the admin pages
// (browse, a record with history, imports with their report) and the data subject's own view
// (records, lookups, the JSON export of all my data).
import { ApiError, query, request } from '../api/client.js';

const enc = encodeURIComponent;

export type RegistryName = 'citizens' | 'businesses';
export const REGISTRY_NAMES: readonly RegistryName[] = ['citizens', 'businesses'];

export interface CitizenRecord {
  citizenId: string;
  fullName: string;
  birthDate: string;
  gender: string;
  permanentAddress: string | null;
  householdCode: string | null;
  status: string;
  source: string;
  sourceRef: string | null;
  createdAt: string;
  updatedAt: string;
}
export interface BusinessRecord {
  enterpriseCode: string;
  name: string;
  address: string;
  legalRepresentative: string;
  legalRepresentativeId: string | null;
  status: string;
  registeredOn: string | null;
  source: string;
  sourceRef: string | null;
  createdAt: string;
  updatedAt: string;
}
export type RegistryRecord = CitizenRecord | BusinessRecord;

export const isCitizen = (r: RegistryRecord): r is CitizenRecord => 'citizenId' in r;
export const recordKey = (r: RegistryRecord): string => (isCitizen(r) ? r.citizenId : r.enterpriseCode);
export const recordName = (r: RegistryRecord): string => (isCitizen(r) ? r.fullName : r.name);

export interface HistoryEntry {
  change: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
  source: string;
  sourceRef: string | null;
  byName: string | null;
  at: string;
}

export interface RecordList {
  items: RegistryRecord[];
  total: number;
  page: number;
  pageSize: number;
}

export interface RowProblem {
  field: string;
  reason: string;
  message: string;
}
export interface ImportSummary {
  id: number;
  registry: RegistryName;
  filename: string;
  format: string;
  total: number;
  accepted: number;
  rejected: number;
  status: 'applied' | 'rejected';
  byName: string | null;
  at: string;
}
export interface ImportDetail extends ImportSummary {
  report: { rejected: { row: number; key?: string; errors: RowProblem[] }[]; fileError?: { reason: string; message: string } };
}

export interface Lookup {
  id: number;
  registry: RegistryName;
  subjectKeyMasked: string;
  at: string;
  officerName: string;
  agencyName: string | null;
  dossierCode: string | null;
  purpose: string;
  found: boolean;
}

export const registryApi = {
  list: (registry: RegistryName, q: string, page: number, signal?: AbortSignal) =>
    request<RecordList>('GET', `/api/admin/registries/${registry}${query({ q, page: page > 1 ? page : undefined })}`, undefined, signal),
  record: (registry: RegistryName, key: string, signal?: AbortSignal) =>
    request<{ registry: RegistryName; record: RegistryRecord; history: HistoryEntry[] }>('GET', `/api/admin/registries/${registry}/${enc(key)}`, undefined, signal),
  imports: (registry: RegistryName, signal?: AbortSignal) =>
    request<{ items: ImportSummary[]; total: number }>('GET', `/api/admin/registries/imports${query({ registry })}`, undefined, signal),
  importDetail: (id: number, signal?: AbortSignal) => request<ImportDetail>('GET', `/api/admin/registries/imports/${id}`, undefined, signal),
  /** 201 applied → the import; 422 rejected rows → the import too (nothing applied); other failures throw. */
  importFile: async (registry: RegistryName, file: File): Promise<ImportDetail> => {
    const fd = new FormData();
    fd.append('file', file);
    try {
      return await request<ImportDetail>('POST', `/api/admin/registries/${registry}/imports`, fd);
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && err.details) return err.details as ImportDetail;
      throw err;
    }
  },
  myLookups: (signal?: AbortSignal) => request<{ items: Lookup[] }>('GET', '/api/me/lookups', undefined, signal),
  myRecords: (signal?: AbortSignal) =>
    request<{ items: { registry: RegistryName; record: RegistryRecord; history: HistoryEntry[] }[] }>('GET', '/api/me/registry-records', undefined, signal),
};

/** Where the browser downloads "all my data" (an attachment; the session cookie authenticates it). */
export const EXPORT_URL = '/api/me/export';
