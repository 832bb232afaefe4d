// The e-results API as the pages see it: public verification (by serial, uploaded PDF, pasted
// JWS), the officers' list and revocation, the issuing officer's draft.
import { query, request } from '../api/client.js';

export const VERDICTS = ['valid', 'revoked', 'superseded', 'cancelled', 'expired', 'tampered', 'unknown_signer', 'not_signed', 'unknown_result', 'not_a_pdf', 'unknown_key', 'bad_signature', 'malformed'] as const;
export type Verdict = (typeof VERDICTS)[number];
export const RESULT_STATUSES = ['valid', 'revoked', 'superseded', 'cancelled'] as const;

export interface ResultField {
  key: string;
  label: string;
  labelEn: string | null;
  kind: string;
  value: string;
}

export interface PublicResult {
  serial: string;
  status: string;
  verdict: Verdict;
  title: string;
  evidenceType: string | null;
  issuer: { code: string; name: string };
  issuedAt: string;
  validUntil: string | null;
  subjectName: string;
  fields: ResultField[];
  statusAt: string | null;
  statusReason: string | null;
  supersededBy: string | null;
  supersedes: string | null;
  pdfSha256: string;
  twin: string;
}

export interface VerifyResponse {
  verdict: Verdict;
  detail?: string;
  serial?: string;
  signer?: { name: string; fingerprint: string };
  signedAt?: string;
  result: PublicResult | null;
}

export interface ResultItem {
  serial: string;
  title: string;
  status: string;
  verdict: Verdict;
  issuer: { code: string; name: string };
  dossierCode: string;
  subjectName: string;
  issuedAt: string;
  validUntil: string | null;
  statusReason: string | null;
  statusAt: string | null;
  supersededBy: string | null;
  canRevoke: boolean;
}

export interface DraftField {
  key: string;
  label: string;
  labelEn: string | null;
  kind: 'text' | 'date' | 'citizen_id' | 'tax_code' | 'gender';
  required: boolean;
  value: string;
}

export interface EResultDraft {
  evidenceType: { code: string; name: string; nameEn: string | null; validityMonths: number | null } | null;
  relation: 'issue' | 'amend' | 'renew' | 'cancel' | null;
  fields: DraftField[];
  supersedes: { serial: string; title: string; issuedAt: string } | null;
}

export const resultsApi = {
  bySerial: (serial: string, signal?: AbortSignal) => request<PublicResult>('GET', `/api/verify/${encodeURIComponent(serial)}`, undefined, signal),
  verifyPdf: (file: File) => {
    const fd = new FormData();
    fd.append('file', file);
    return request<VerifyResponse>('POST', '/api/verify', fd);
  },
  verifyJws: (jws: string) => request<VerifyResponse>('POST', '/api/verify', { jws }),
  list: (p: { status?: string | undefined; q?: string | undefined; offset?: number | undefined }, signal?: AbortSignal) =>
    request<{ items: ResultItem[]; hasMore: boolean }>('GET', `/api/results${query({ status: p.status, q: p.q, offset: p.offset, limit: 20 })}`, undefined, signal),
  revoke: (serial: string, reason: string) => request<{ serial: string; status: string }>('POST', `/api/results/${encodeURIComponent(serial)}/revoke`, { reason }),
  draft: (code: string, signal?: AbortSignal) => request<EResultDraft>('GET', `/api/work/dossiers/${encodeURIComponent(code)}/e-result-draft`, undefined, signal),
  pdfUrl: (serial: string) => `/api/results/${encodeURIComponent(serial)}/pdf`,
};
