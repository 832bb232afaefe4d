import type {
  Agency,
  AgencyList,
  FieldList,
  Group,
  GroupList,
  ProcedureDetail,
  ProcedureSearchResult,
  ProcedureVersionList,
  SearchParams,
} from './types.js';

/** An error answered by the API ({error, message, field?}) or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function query(params: Record<string, string | number | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== '') sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { accept: 'application/json' }, signal: signal ?? null });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'Network error');
  }
  if (!res.ok) {
    let body: { error?: string; message?: string; field?: string } = {};
    try {
      body = (await res.json()) as typeof body;
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, body.error ?? 'http_error', body.message ?? res.statusText, body.field);
  }
  return (await res.json()) as T;
}

const enc = encodeURIComponent;

export const api = {
  fields: (signal?: AbortSignal) => get<FieldList>('/api/fields', signal),
  agencies: (parent: string, signal?: AbortSignal) => get<AgencyList>(`/api/agencies${query({ parent })}`, signal),
  agency: (code: string, signal?: AbortSignal) => get<Agency>(`/api/agencies/${enc(code)}`, signal),
  searchProcedures: (p: SearchParams, signal?: AbortSignal) =>
    get<ProcedureSearchResult>(`/api/procedures${query({ ...p })}`, signal),
  procedure: (nationalCode: string, at?: string, signal?: AbortSignal) =>
    get<ProcedureDetail>(`/api/procedures/${enc(nationalCode)}${query({ at })}`, signal),
  procedureVersions: (nationalCode: string, signal?: AbortSignal) =>
    get<ProcedureVersionList>(`/api/procedures/${enc(nationalCode)}/versions`, signal),
  groups: (signal?: AbortSignal) => get<GroupList>('/api/groups', signal),
  group: (code: string, signal?: AbortSignal) => get<Group>(`/api/groups/${enc(code)}`, signal),
};
