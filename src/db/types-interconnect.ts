// Interconnection (#6): migration 0008.
import type { Generated } from 'kysely';

export interface InterconnectMessageTable {
  id: Generated<number>;
  /** out | in */
  direction: string;
  message_id: string;
  /** the other member */
  peer: string;
  type: string;
  dossier_ref: string | null;
  /** envelope.createdAt: when the event that caused the message happened */
  created_at: string;
  /** JSON of envelope.body */
  body: string;
  /** JSON of envelope.attachments */
  attachments: string;
  /** out: the compact JWS of the last attempt (the accepted one once delivered); in: as received */
  jws: string | null;
  /** the signed receipt: out: the peer's; in: ours */
  receipt: string | null;
  /** out: pending | delivered | dead; in: applied */
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  /** out: when acknowledged; in: when applied */
  done_at: string | null;
}

export interface InterconnectRefusalTable {
  id: Generated<number>;
  at: string;
  /** the sender it claimed to be (may be unknown) */
  peer: string | null;
  message_id: string | null;
  code: string;
  detail: string;
  request_hash: string;
  receipt: string;
}

export interface InterconnectAgencyHostTable {
  agency_id: number;
  member_id: string;
}

export interface InterconnectSharedBlobTable {
  peer: string;
  sha256: string;
}

export interface InterconnectTables {
  interconnect_messages: InterconnectMessageTable;
  interconnect_refusals: InterconnectRefusalTable;
  interconnect_agency_hosts: InterconnectAgencyHostTable;
  interconnect_shared_blobs: InterconnectSharedBlobTable;
}
