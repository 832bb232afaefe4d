// The feedback API as the pages see it (ratings, the kiosk, complaints and suggestions), typed
// after the shared contract of issue #8, called through the shared client's request (headers,
// the session's CSRF token on unsafe methods, errors as ApiError).
import { query, request } from '../api/client.js';

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

const enc = encodeURIComponent;

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
