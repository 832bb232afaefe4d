// The vocabulary of the interconnection protocol (#6), shared by its modules. The wire format
// is specified in docs/interconnection.md; the JSON Schemas are in schemas.ts.

export const PROTOCOL_VERSION = 1 as const;

export const MESSAGE_TYPES = [
  'transfer', 'transfer_accepted', 'transfer_rejected', 'transfer_cancelled', 'status_change',
  'step_result', 'consultation_request', 'consultation_answer', 'dossier_closed', 'ping',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export interface AttachmentRef {
  sha256: string;
  size: number;
  mediaType: string;
  filename?: string | undefined;
}

export interface Envelope {
  v: typeof PROTOCOL_VERSION;
  /** uuid v4: the idempotency key */
  id: string;
  from: string;
  to: string;
  type: MessageType;
  /** when the event that caused the message happened (the same on every attempt) */
  createdAt: string;
  /** when this copy was signed; the receiver checks the clock skew on it */
  sentAt: string;
  /** the dossier code (a mirror keeps the origin's code) */
  dossierRef: string | null;
  body: Record<string, unknown>;
  attachments: AttachmentRef[];
}

export const MEMBER_KINDS = ['motcua', 'foreign-xml'] as const;
export type MemberKind = (typeof MEMBER_KINDS)[number];

export interface DirectoryKey {
  kid: string;
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string };
  validFrom: string;
  validTo: string | null;
}

export interface DirectoryMember {
  id: string;
  name: string;
  kind: MemberKind;
  baseUrl: string;
  /** agency identifiers whose subtrees this member hosts */
  hosts: string[];
  keys: DirectoryKey[];
}

export interface Directory {
  v: typeof PROTOCOL_VERSION;
  issuedAt: string;
  members: DirectoryMember[];
}

export const RECEIPT_STATUSES = ['accepted', 'duplicate', 'refused'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

export interface Receipt {
  v: typeof PROTOCOL_VERSION;
  messageId: string | null;
  /** hex sha256 of the exact compact JWS received */
  requestHash: string;
  status: ReceiptStatus;
  /** the receiver */
  from: string;
  /** the sender it answers (null when the sender could not be read) */
  to: string | null;
  at: string;
  error?: { code: RefusalCode; message: string } | undefined;
}

/** Refusal codes with their HTTP status and whether the sender should try again. */
export const REFUSALS = {
  invalid_jws: { http: 400, retry: false },
  invalid_message: { http: 400, retry: false },
  unsupported_version: { http: 400, retry: false },
  unknown_sender: { http: 403, retry: true },
  unknown_key: { http: 403, retry: true },
  key_expired: { http: 403, retry: true },
  bad_signature: { http: 403, retry: true },
  wrong_recipient: { http: 421, retry: false },
  clock_skew: { http: 403, retry: true },
  attachment_unavailable: { http: 502, retry: true },
  attachment_mismatch: { http: 422, retry: true },
  unknown_dossier: { http: 409, retry: true },
  internal: { http: 500, retry: true },
} as const;
export type RefusalCode = keyof typeof REFUSALS;

/** A delivery attempt that failed; retryable failures are tried again with backoff. */
export class DeliveryError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
    this.name = 'DeliveryError';
  }
}
