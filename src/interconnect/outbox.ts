// The outbox: the ONLY way to send a protocol message. A row is written in the transaction of
// the event that causes it, so a message exists exactly when its cause was committed; the
// delivery worker sends it later, retrying until the peer acknowledges it.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import type { Envelope, MessageType } from './types.js';

export interface OutboundDraft {
  to: string;
  type: MessageType;
  dossierRef: string | null;
  body: object;
  attachments?: Envelope['attachments'];
  createdAt: Date;
}

export async function enqueueMessage(tx: Transaction<Database> | Kysely<Database>, draft: OutboundDraft): Promise<string> {
  const id = randomUUID();
  const at = draft.createdAt.toISOString();
  const attachments = draft.attachments ?? [];
  await tx
    .insertInto('interconnect_messages')
    .values({
      direction: 'out',
      message_id: id,
      peer: draft.to,
      type: draft.type,
      dossier_ref: draft.dossierRef,
      created_at: at,
      body: JSON.stringify(draft.body),
      attachments: JSON.stringify(attachments),
      jws: null,
      receipt: null,
      status: 'pending',
      attempts: 0,
      next_attempt_at: at,
      last_error: null,
      done_at: null,
    })
    .execute();
  // the peer may fetch these blobs (and only these) from us
  const blobs = [...new Set(attachments.map((a) => a.sha256))];
  if (blobs.length) {
    await tx
      .insertInto('interconnect_shared_blobs')
      .values(blobs.map((sha256) => ({ peer: draft.to, sha256 })))
      .onConflict((oc) => oc.columns(['peer', 'sha256']).doNothing())
      .execute();
  }
  return id;
}
