// The feedback API as the pages see it (ratings, the kiosk, complaints and suggestions), typed
// after the shared contract of issue #8. The shared client keeps its request helper private, so
// this module has a small one of its own: same headers, the session's CSRF token (from
// GET /api/auth/me) on unsafe methods, errors as ApiError.
import { ApiError, api } from '../api/client.js';
import { currentLanguage } from '../i18n/index.js';

// Responses typed from the server's TypeBox schemas (type-only: no server code in the bundle),
// so that the pages and the API cannot drift apart silently.
import type { Static } from 'typebox';
import type {
  ComplainantView as ComplainantViewSchema,
  ComplaintInput as ComplaintInputSchema,
  Criterion as CriterionSchema,
  FiledComplaint as FiledComplaintSchema,
  KioskDossier as KioskDossierSchema,
  PublicComplaint as PublicComplaintSchema,
  PublicComplaintList as PublicComplaintListSchema,
  Rating as RatingSchema,
  RatingState as RatingStateSchema,
  WorkComplaintDetail as WorkComplaintDetailSchema,
  WorkComplaintItem as WorkComplaintItemSchema,
  WorkComplaintList as WorkComplaintListSchema,
} from '../../../src/feedback/schemas.js';

export type Criterion = Static<typeof CriterionSchema>;
export type Rating = Static<typeof RatingSchema>;
export type RatingState = Static<typeof RatingStateSchema>;
export type KioskDossier = Static<typeof KioskDossierSchema>;
export type ComplaintFiling = Static<typeof ComplaintInputSchema>;
export type ComplaintFiled = Static<typeof FiledComplaintSchema>;
export type ComplaintView = Static<typeof ComplainantViewSchema>;
export type PublicComplaint = Static<typeof PublicComplaintSchema>;
export type PublicComplaintList = Static<typeof PublicComplaintListSchema>;
export type WorkComplaintItem = Static<typeof WorkComplaintItemSchema>;
export type WorkComplaintList = Static<typeof WorkComplaintListSchema>;
export type WorkComplaint = Static<typeof WorkComplaintDetailSchema>;

export interface Answer {
  criterion: string;
  satisfied: boolean;
}

/** Kept in the order of src/feedback/complaint-rules.ts (a value import would pull server code into the bundle). */
export const COMPLAINT_KINDS = ['complaint', 'suggestion'] as const;
export const COMPLAINT_SUBJECTS = ['procedure', 'dossier', 'officer', 'general'] as const;
export const COMPLAINT_CATEGORIES = ['harassment', 'extra_papers', 'delay', 'attitude', 'other'] as const;
export const COMPLAINT_STATUSES = ['received', 'accepted', 'refused', 'answered'] as const;
export type ComplaintKind = (typeof COMPLAINT_KINDS)[number];
export type ComplaintSubject = (typeof COMPLAINT_SUBJECTS)[number];
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];
export type HistoryEntry = ComplaintView['history'][number];

export type ComplaintActionName = 'accept' | 'refuse' | 'answer' | 'transfer';

export interface ComplaintAction {
  action: ComplaintActionName;
  reason?: string;
  answer?: string;
  public?: boolean;
  agencyCode?: string;
}

type Method = 'GET' | 'POST';

async function csrf(): Promise<string | null> {
  const me = await api.me().catch(() => null);
  return me ? me.csrfToken : null;
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

async function send(method: Method, path: string, body: unknown, signal: AbortSignal | undefined, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': currentLanguage() };
  const isForm = typeof FormData !== 'undefined' && body instanceof FormData;
  if (body !== undefined && !isForm) headers['content-type'] = 'application/json';
  if (method !== 'GET' && token) headers['x-csrf-token'] = token;
  try {
    return await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? null : isForm ? (body as FormData) : JSON.stringify(body),
      signal: signal ?? null,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'Network error');
  }
}

async function request<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  // Anonymous pages (kiosk, complaint form) have no session and need no token; with a
  // session, the server wants it on every POST.
  let token = method === 'GET' ? null : await csrf();
  let res = await send(method, path, body, signal, token);
  if (res.status === 403 && method !== 'GET') {
    const err = await toError(res);
    if (err.reason !== 'csrf') throw err;
    token = await csrf();
    res = await send(method, path, body, signal, token);
  }
  if (!res.ok) throw await toError(res);
  if (res.status === 204 || res.status === 202) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

const enc = encodeURIComponent;

function query(params: Record<string, string | number | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') sp.set(k, String(v));
  const s = sp.toString();
  return s ? `?${s}` : '';
}

export const feedbackApi = {
  criteria: (signal?: AbortSignal) => request<{ criteria: Criterion[] }>('GET', '/api/feedback/criteria', undefined, signal),
  rating: (code: string, signal?: AbortSignal) => request<RatingState>('GET', `/api/dossiers/${enc(code)}/rating`, undefined, signal),
  rate: (code: string, body: { answers: Answer[]; comment?: string }) => request<Rating>('POST', `/api/dossiers/${enc(code)}/rating`, body),
  kioskDossier: (code: string, check: string, signal?: AbortSignal) => request<KioskDossier>('GET', `/api/kiosk/dossiers/${enc(code)}${query({ check })}`, undefined, signal),
  kioskRate: (body: { code: string; check: string; answers: Answer[]; comment?: string }) => request<unknown>('POST', '/api/kiosk/ratings', body),
  /** JSON without attachments; multipart (a `complaint` JSON part and `attachments` files) with them. */
  fileComplaint: (body: ComplaintFiling, files: File[]) => {
    if (files.length === 0) return request<ComplaintFiled>('POST', '/api/complaints', body);
    const fd = new FormData();
    fd.append('complaint', JSON.stringify(body));
    for (const f of files) fd.append('attachments', f, f.name);
    return request<ComplaintFiled>('POST', '/api/complaints', fd);
  },
  complaint: (code: string, key: string, signal?: AbortSignal) => request<ComplaintView>('GET', `/api/complaints/${enc(code)}${query({ key })}`, undefined, signal),
  rateAnswer: (code: string, key: string, body: { satisfied: boolean; comment?: string }) => request<unknown>('POST', `/api/complaints/${enc(code)}/rating${query({ key })}`, body),
  publicComplaints: (p: { agency?: string | undefined; procedure?: string | undefined; page?: number | undefined }, signal?: AbortSignal) =>
    request<PublicComplaintList>('GET', `/api/complaints/public${query({ ...p })}`, undefined, signal),
  publicComplaint: (code: string, signal?: AbortSignal) => request<PublicComplaint>('GET', `/api/complaints/public/${enc(code)}`, undefined, signal),
  workComplaints: (p: { status?: string | undefined; page?: number | undefined }, signal?: AbortSignal) =>
    request<WorkComplaintList>('GET', `/api/work/complaints${query({ ...p })}`, undefined, signal),
  workComplaint: (code: string, signal?: AbortSignal) => request<WorkComplaint>('GET', `/api/work/complaints/${enc(code)}`, undefined, signal),
  workComplaintAct: (code: string, body: ComplaintAction) => request<unknown>('POST', `/api/work/complaints/${enc(code)}/actions`, body),
};

/** Links (not fetched by script): an attachment of a complaint, for its handlers. */
export const feedbackLinks = {
  attachment: (code: string, id: number) => `/api/work/complaints/${enc(code)}/attachments/${id}`,
};
