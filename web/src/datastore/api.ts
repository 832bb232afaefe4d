// The applicant's data store and the reuse of evidence (src/datastore/routes.ts, the dossier
// documents' flags, the registry evidence of a dossier, the desk's digitisation): types of the
// API as the contract describes them, the calls, and refusals in words.
import type { TFunction } from 'i18next';
import { ApiError, request } from '../api/client.js';
import type { DossierDetail, DossierDocument, RequiredDocument } from '../api/types.js';

const enc = encodeURIComponent;

export type UnusableReason = 'expired' | 'revoked' | 'superseded' | 'cancelled';
export type RegistryName = 'citizens' | 'businesses';

export interface StoreItem {
  id: number;
  title: string;
  evidenceType: string | null;
  evidenceTypeName: string | null;
  issuerName: string | null;
  issuedOn: string | null;
  validUntil: string | null;
  source: string;
  eResult?: { serial: string; status: string } | null;
  usable: boolean;
  unusableReason?: UnusableReason | null;
  mediaType: string | null;
  size: number | null;
  createdAt: string;
}

export interface StoreOptionItem {
  id: number;
  title: string;
  issuerName: string | null;
  issuedOn: string | null;
  validUntil: string | null;
  usable: boolean;
  unusableReason?: UnusableReason | null;
}

export interface StoreOptionDocument {
  requirement: string;
  name: string;
  evidenceType?: string | null;
  evidenceTypeName?: string | null;
  storeItems: StoreOptionItem[];
  registry?: { name: RegistryName; available: boolean; subjectKeyMasked: string | null } | null;
}

export interface EvidenceTypeSummary {
  code: string;
  name: string;
  nameEn?: string | null;
  registry?: string | null;
}

export interface StoreAdd {
  upload: string;
  evidenceType?: string;
  title: string;
  issuerName?: string;
  issuedOn?: string;
  validUntil?: string;
}

/** A document of the submission: an upload, an item of my store, or evidence the agency fetches from a registry. */
export type ReuseDocumentInput =
  | { requirement: string; upload?: string }
  | { requirement: string; storeItem: number; consent?: true }
  | { requirement: string; fromRegistry: true; consent?: true };

/** What the dossier views add to each document (H3, point 6). */
export interface DocumentReuse {
  source?: string;
  evidenceType?: string | null;
  reused?: boolean | number;
  digitised?: boolean | number;
  consentAt?: string | null;
  eResult?: { serial: string; status: string } | null;
}
export type FlaggedDocument = DossierDocument & DocumentReuse;

export interface DossierFlags {
  digitised: boolean;
  reused: boolean;
  reusedCount: number;
  digitisedCount: number;
  componentCount: number;
}

/** The dossier's documents with their reuse fields (absent on an older server). */
export function flaggedDocuments(d: DossierDetail): FlaggedDocument[] {
  return d.documents as FlaggedDocument[];
}
export function dossierFlags(d: DossierDetail): DossierFlags | null {
  return (d as DossierDetail & { flags?: DossierFlags }).flags ?? null;
}
export function isReused(x: DocumentReuse): boolean {
  return x.reused === true || x.reused === 1;
}
export function isDigitised(x: DocumentReuse): boolean {
  return x.digitised === true || x.digitised === 1;
}
/** The evidence type a required document can be satisfied by (catalog, H3). */
export function evidenceTypeOf(doc: RequiredDocument): string | null {
  const e = (doc as RequiredDocument & { evidenceType?: string | null }).evidenceType;
  return typeof e === 'string' && e ? e : null;
}
/** Requirements of the dossier satisfied by a reused document: a supplement may not ask for them. */
export function reusedRequirements(d: DossierDetail | undefined): Set<string> {
  return new Set(d ? flaggedDocuments(d).filter(isReused).map((x) => x.requirement) : []);
}

/** A registry record as the officer's view shows it: its fields, whatever they are. */
export interface RegistryEvidence {
  registry?: string;
  found?: boolean;
  record?: Record<string, unknown> | null;
  [k: string]: unknown;
}

export const storeApi = {
  list: (signal?: AbortSignal) => request<{ items: StoreItem[] }>('GET', '/api/me/store', undefined, signal),
  add: (body: StoreAdd) => request<StoreItem>('POST', '/api/me/store', body),
  remove: (id: number) => request<void>('DELETE', `/api/me/store/${id}`),
  options: (nationalCode: string, signal?: AbortSignal) =>
    request<{ documents: StoreOptionDocument[] }>('GET', `/api/me/store/options/${enc(nationalCode)}`, undefined, signal),
  evidenceTypes: (signal?: AbortSignal) =>
    request<{ items: EvidenceTypeSummary[] } | EvidenceTypeSummary[]>('GET', '/api/evidence-types', undefined, signal).then((r) => (Array.isArray(r) ? r : r.items)),
  registryEvidence: (code: string, documentId: number, signal?: AbortSignal) =>
    request<RegistryEvidence>('GET', `/api/dossiers/${enc(code)}/registry-evidence/${documentId}`, undefined, signal),
  digitise: (code: string, documentId: number, upload: string) =>
    request<unknown>('POST', `/api/desk/dossiers/${enc(code)}/documents/${documentId}/digitise`, { upload }),
};

export const storeLinks = {
  file: (id: number) => `/api/me/store/${id}/file`,
};

const REASONS = new Set([
  'consent_required',
  'store_item_not_found',
  'evidence_mismatch',
  'evidence_unusable',
  'registry_not_available',
  'reused_document',
  'already_digitised',
  'purpose_required',
]);

/** The reuse refusals in words; null when the error is not one of them. */
export function reuseErrorText(t: TFunction, err: unknown): string | null {
  if (err instanceof ApiError && err.reason && REASONS.has(err.reason)) return t(`datastore.errors.${err.reason}`);
  return null;
}
