// The interconnection operations API as the web uses it (src/interconnect/ops-routes.ts): the
// overview (peers probed now, outbox, failures, dead letters, refusals, recent messages), one
// message in full, and putting a dead letter back in the outbox.
import { request } from '../api/client.js';

export type Verified = 'valid' | 'invalid' | 'unsigned' | 'pending';

export interface Peer {
  id: string;
  name: string;
  kind: string;
  baseUrl: string;
  hosts: string[];
  reachable: boolean;
  latencyMs: number | null;
  clockOffsetMs: number | null;
  checkedAt: string;
  error?: string;
}

export interface Outbox {
  pending: number;
  oldestPendingAt: string | null;
  failing: number;
  delivered24h: number;
  dead: number;
}

interface MessageRef {
  id: number;
  messageId: string;
  peer: string;
  type: string;
  dossierRef: string | null;
}
export interface Failure extends MessageRef {
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
}
export interface DeadLetter extends MessageRef {
  attempts: number;
  lastError: string | null;
  createdAt: string;
}
export interface Refusal {
  id: number;
  at: string;
  peer: string | null;
  messageId: string | null;
  code: string;
  detail: string;
  requestHash: string;
}
export interface RecentMessage extends MessageRef {
  direction: 'out' | 'in';
  status: string;
  createdAt: string;
  doneAt: string | null;
  verified: Verified;
}

export interface OpsOverview {
  enabled: boolean;
  member: string | null;
  directoryIssuedAt: string | null;
  peers: Peer[];
  outbox: Outbox;
  failures: Failure[];
  deadLetters: DeadLetter[];
  refusals: Refusal[];
  recent: RecentMessage[];
}

export interface SignatureCheck {
  ok: boolean;
  signer: string | null;
  kid: string | null;
  detail: string;
}
export interface MessageDetail extends RecentMessage {
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  body: unknown;
  attachments: unknown;
  jws: string | null;
  receipt: string | null;
  verification: { verified: Verified; signature: SignatureCheck | null; receipt: SignatureCheck | null; summary: string };
}

export const interconnectApi = {
  overview: (signal?: AbortSignal) => request<OpsOverview>('GET', '/api/interconnect/ops', undefined, signal),
  message: (id: number, signal?: AbortSignal) => request<MessageDetail>('GET', `/api/interconnect/messages/${id}`, undefined, signal),
  retry: (id: number) => request<{ id: number; status: 'pending' }>('POST', `/api/interconnect/dead-letters/${id}/retry`),
  abandon: (id: number) => request<{ id: number; status: 'abandoned'; reopened: boolean }>('POST', `/api/interconnect/dead-letters/${id}/abandon`),
};
