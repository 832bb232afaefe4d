import type {
  AccessLog,
  Agency,
  AgencyList,
  Delegation,
  DelegationList,
  Grant,
  GrantCreate,
  Me,
  Officer,
  OfficerCreate,
  OfficerList,
  Profile,
  ProfileUpdate,
  RegisterRequest,
  RegisterResponse,
  FieldList,
  Group,
  GroupList,
  ProcedureDetail,
  ProcedureSearchResult,
  ProcedureVersionList,
  SearchParams,
  DeskDecision,
  DeskIntake,
  DossierDetail,
  DossierList,
  DraftBody,
  DraftResponse,
  PublicLookup,
  RegisterBook,
  SubmitBody,
  SubmitResult,
  UploadResult,
  ApplicantList,
  CalendarPut,
  CalendarYear,
} from './types.js';
import type { ControlSlip, WorkAction, WorkInbox, WorkInboxParams, WorkView } from './types.js';
import type { AdminWorkflow, PublicWorkflow, WorkflowDefinition, WorkflowSave, WorkflowValidation } from './workflow-types.js';
import { currentLanguage } from '../i18n/index.js';

/** An error answered by the API ({error, message, field?, reason?, details?}) or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly reason?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A query string ("?a=1&b=x") of the parameters that have a value; "" when none has. */
export function query(params: Record<string, string | number | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== '') sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

// The session is an HttpOnly cookie; state-changing requests must also carry the
// session's CSRF token (from GET /api/auth/me) in the x-csrf-token header.
// undefined: not known yet; null: not logged in.
let csrfToken: string | null | undefined;

function rememberSession(me: Me | null): Me | null {
  csrfToken = me ? me.csrfToken : null;
  return me;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function send(
  method: Method,
  path: string,
  body: unknown,
  signal: AbortSignal | undefined,
  extra?: Record<string, string>,
): Promise<Response> {
  // Server messages (e.g. form errors) come in the interface language.
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': currentLanguage(), ...extra };
  // FormData: the browser sets multipart/form-data with its boundary itself.
  const isForm = typeof FormData !== 'undefined' && body instanceof FormData;
  if (body !== undefined && !isForm) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
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

async function toError(res: Response): Promise<ApiError> {
  let body: { error?: string; message?: string; field?: string; reason?: string; details?: unknown } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, body.error ?? 'http_error', body.message ?? res.statusText, body.field, body.reason, body.details);
}

/**
 * A call of the API: JSON (or FormData) in, JSON out, messages in the interface language,
 * the session's CSRF token on state changes (learnt first when not yet known, refreshed once
 * when the server refuses it), failures as ApiError.
 */
export async function request<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal, headers?: Record<string, string>): Promise<T> {
  // A state change before the session is known (e.g. a page opened from an e-mail
  // link while logged in): learn the CSRF token first.
  if (method !== 'GET' && csrfToken === undefined) await loadMe().catch(() => undefined);
  let res = await send(method, path, body, signal, headers);
  if (res.status === 403 && method !== 'GET') {
    const err = await toError(res);
    if (err.reason !== 'csrf') throw err;
    // The session changed under us (new login in another tab): refresh the token once.
    await loadMe();
    res = await send(method, path, body, signal, headers);
  }
  if (!res.ok) throw await toError(res);
  if (res.status === 204 || res.status === 202) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  return request<T>('GET', path, undefined, signal);
}

/** The current session, or null when not logged in (401). */
async function loadMe(signal?: AbortSignal): Promise<Me | null> {
  try {
    return rememberSession(await get<Me>('/api/auth/me', signal));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return rememberSession(null);
    throw err;
  }
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
  searchAgencies: (q: string, signal?: AbortSignal) => get<AgencyList>(`/api/agencies${query({ q })}`, signal),

  // Accounts and sessions.
  me: loadMe,
  oidcStatus: (signal?: AbortSignal) => get<{ enabled: boolean }>('/api/auth/oidc/status', signal),
  register: (body: RegisterRequest) => request<RegisterResponse>('POST', '/api/auth/register', body),
  verifyEmail: (token: string) => request<{ ok: boolean }>('POST', '/api/auth/verify-email', { token }),
  login: async (email: string, password: string) =>
    rememberSession(await request<Me>('POST', '/api/auth/login', { email, password })) as Me,
  logout: async () => {
    await request<void>('POST', '/api/auth/logout');
    rememberSession(null);
  },
  logoutAll: async () => {
    await request<void>('POST', '/api/auth/logout-all');
    rememberSession(null);
  },
  requestPasswordReset: (email: string) => request<void>('POST', '/api/auth/password-reset', { email }),
  confirmPasswordReset: (token: string, password: string) =>
    request<{ ok: boolean }>('POST', '/api/auth/password-reset/confirm', { token, password }),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<{ ok: boolean }>('POST', '/api/auth/password', { currentPassword, newPassword }),

  // The logged-in person's own data.
  profile: (signal?: AbortSignal) => get<Profile>('/api/me/profile', signal),
  updateProfile: (body: ProfileUpdate) => request<Profile>('PUT', '/api/me/profile', body),
  accessLog: (signal?: AbortSignal) => get<AccessLog>('/api/me/access-log', signal),
  delegations: (signal?: AbortSignal) => get<DelegationList>('/api/me/delegations', signal),
  createDelegation: (email: string) => request<Delegation>('POST', '/api/me/delegations', { email }),
  deleteDelegation: (id: number) => request<void>('DELETE', `/api/me/delegations/${id}`),
  actFor: async (businessId: number | null) =>
    rememberSession(await request<Me>('POST', '/api/me/acting-for', { businessId })) as Me,

  // Administration of officers and their role grants.
  officers: (agency: string | undefined, signal?: AbortSignal) =>
    get<OfficerList>(`/api/admin/officers${query({ agency })}`, signal),
  officer: (id: number, signal?: AbortSignal) => get<Officer>(`/api/admin/officers/${id}`, signal),
  createOfficer: (body: OfficerCreate) => request<Officer>('POST', '/api/admin/officers', body),
  addGrant: (officerId: number, body: GrantCreate) => request<Grant>('POST', `/api/admin/officers/${officerId}/grants`, body),
  revokeGrant: (grantId: number) => request<void>('DELETE', `/api/admin/grants/${grantId}`),

  // The working calendar: holidays and make-up working days (official schedule or legal defaults).
  calendar: (year: number, signal?: AbortSignal) => get<CalendarYear>(`/api/calendar/${year}`, signal),
  putCalendar: (year: number, body: CalendarPut) => request<CalendarYear>('PUT', `/api/admin/calendar/${year}`, body),
  deleteCalendar: (year: number) => request<void>('DELETE', `/api/admin/calendar/${year}`),

  // Dossiers: uploads, drafts, online submission, tracking.
  agenciesByLevel: (level: string, signal?: AbortSignal) => get<AgencyList>(`/api/agencies${query({ level })}`, signal),
  upload: (file: File) => {
    const fd = new FormData();
    fd.append('file', file, file.name);
    return request<UploadResult>('POST', '/api/uploads', fd);
  },
  draft: (procedure: string, signal?: AbortSignal) => get<DraftResponse>(`/api/me/drafts/${enc(procedure)}`, signal),
  saveDraft: (procedure: string, body: DraftBody) => request<{ updatedAt: string }>('PUT', `/api/me/drafts/${enc(procedure)}`, body),
  /** The same idempotency key on a retry returns the dossier created by the first attempt. */
  submitDossier: (body: SubmitBody, idempotencyKey: string) =>
    request<SubmitResult>('POST', '/api/dossiers', body, undefined, { 'idempotency-key': idempotencyKey }),
  myDossiers: (signal?: AbortSignal) => get<DossierList>('/api/me/dossiers', signal),
  dossier: (code: string, signal?: AbortSignal) => get<DossierDetail>(`/api/dossiers/${enc(code)}`, signal),
  supplement: (code: string, documents: { requirement: string; upload: string }[]) =>
    request<{ status: string }>('POST', `/api/me/dossiers/${enc(code)}/supplement`, { documents }),
  withdraw: (code: string, reason: string) => request<{ status: string }>('POST', `/api/me/dossiers/${enc(code)}/withdraw`, { reason }),
  lookup: (code: string, check: string, signal?: AbortSignal) => get<PublicLookup>(`/api/lookup${query({ code, check })}`, signal),

  // The one-stop desk.
  deskDossiers: (status: string, signal?: AbortSignal) => get<DossierList>(`/api/desk/dossiers${query({ status })}`, signal),
  decide: (code: string, decision: DeskDecision) => request<{ status: string }>('POST', `/api/desk/dossiers/${enc(code)}/decision`, decision),
  deskSupplement: (code: string, requirements: string[]) =>
    request<{ status: string }>('POST', `/api/desk/dossiers/${enc(code)}/supplement`, { documents: requirements.map((requirement) => ({ requirement })) }),
  deskIntake: (body: DeskIntake) => request<{ code: string; status: string }>('POST', '/api/desk/intake', body),
  searchApplicants: (q: string, purpose: string, signal?: AbortSignal) =>
    get<ApplicantList>(`/api/admin/applicants${query({ q, purpose })}`, signal),
  registerBook: (agency: string, year: number, signal?: AbortSignal) => get<RegisterBook>(`/api/desk/register${query({ agency, year })}`, signal),

  // Processing after receipt (workflow): inboxes, the processing view, actions, the control slip.
  workInbox: (p: WorkInboxParams, signal?: AbortSignal) => get<WorkInbox>(`/api/work/inbox${query({ ...p })}`, signal),
  workDossier: (code: string, signal?: AbortSignal) => get<WorkView>(`/api/work/dossiers/${enc(code)}`, signal),
  workAct: (code: string, body: WorkAction) => request<{ status: string; seq: number }>('POST', `/api/work/dossiers/${enc(code)}/actions`, body),
  workOfficers: (agency: string, role: string, signal?: AbortSignal) => get<{ items: { id: number; name: string }[] }>(`/api/work/officers${query({ agency, role })}`, signal),
  controlSlip: (code: string, signal?: AbortSignal) => get<ControlSlip>(`/api/dossiers/${enc(code)}/control-slip`, signal),

  // Workflow templates: the public steps of a procedure; the editor (system administrators).
  procedureWorkflow: (nationalCode: string, signal?: AbortSignal) => get<PublicWorkflow>(`/api/procedures/${enc(nationalCode)}/workflow`, signal),
  adminWorkflow: (nationalCode: string, signal?: AbortSignal) => get<AdminWorkflow>(`/api/admin/workflows/${enc(nationalCode)}`, signal),
  validateWorkflow: (nationalCode: string, definition: WorkflowDefinition) =>
    request<WorkflowValidation>('POST', `/api/admin/workflows/${enc(nationalCode)}/validate`, { definition }),
  saveWorkflow: (nationalCode: string, body: WorkflowSave) => request<{ id: number; version: number }>('POST', `/api/admin/workflows/${enc(nationalCode)}`, body),
};

/** Links (not fetched by script): PDFs, files, images. */
export const links = {
  form: (code: string, form: 'receipt' | 'supplement' | 'refusal') => `/api/dossiers/${enc(code)}/forms/${form}`,
  document: (code: string, id: number) => `/api/dossiers/${enc(code)}/documents/${id}`,
  qr: (code: string, check: string) => `/api/lookup/qr${query({ code, check })}`,
  registerXlsx: (agency: string, year: number) => `/api/desk/register${query({ agency, year, format: 'xlsx' })}`,
  controlSlipPdf: (code: string) => `/api/dossiers/${enc(code)}/control-slip?format=pdf`,
  apologyPdf: (code: string) => `/api/dossiers/${enc(code)}/forms/apology`,
};
