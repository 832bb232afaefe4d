// Receiving a protocol message. The checks run in a fixed order (docs/interconnection.md) so a
// sender always learns the first thing wrong; every answer is a signed receipt, and every refusal
// is also kept in interconnect_refusals. Receiving is idempotent by message id: the in-row and
// the handler's effects commit in one transaction, and a second copy is answered `duplicate`.
import os from 'node:os';
import path from 'node:path';
import type { Transaction } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { BlobStore } from '../documents/blob-store.js';
import { DomainError, Invalid } from '../lib/errors.js';
import { AttachmentError, fetchAttachment } from './attachments.js';
import { keyFor, memberOf, signingKeyFor } from './directory.js';
import { DOSSIER_HANDLERS } from './dossier-sync.js';
import { ADAPTER_ID_PREFIX, MESSAGE_TYP, decodeJws, requestHash, verifyJws } from './envelope.js';
import type { MemberKey, MemberKeyring } from './keys.js';
import { signReceipt } from './receipts.js';
import { EnvelopeSchema, MESSAGE_BODIES, isReadableTime, schemaProblem } from './schemas.js';
import { REFUSALS, type Directory, type DirectoryMember, type Envelope, type MessageType, type Receipt, type ReceiptStatus, type RefusalCode } from './types.js';

export interface InboundContext {
  tx: Transaction<Database>;
  envelope: Envelope;
  from: DirectoryMember;
  self: string;
  now: Date;
  blobs: BlobStore;
}
export type InboundHandler = (ctx: InboundContext) => Promise<void>;
export type InboundHandlers = Partial<Record<MessageType, InboundHandler>>;

/** 'ping' has no effect: it exists so a member (or the conformance kit) can test the path end to end. */
const CORE_HANDLERS: InboundHandlers = { ping: async () => undefined };

export function inboundHandlers(extra: InboundHandlers = {}): InboundHandlers {
  return { ...CORE_HANDLERS, ...DOSSIER_HANDLERS, ...extra };
}

export interface ReceiveDeps {
  db: Db;
  self: string;
  directory: Directory;
  keyring: MemberKeyring;
  blobs: BlobStore;
  now: Date;
  skewSeconds: number;
  fetch: typeof fetch;
  timeoutMs: number;
  handlers?: InboundHandlers | undefined;
  log?: { warn(o: object, m: string): void } | undefined;
}

export interface ReceiveResult {
  httpStatus: number;
  /** compact JWS */
  receipt: string;
  status: ReceiptStatus;
  code?: RefusalCode | undefined;
  messageId: string | null;
}

class Refusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}

export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Our key for receipts: the directory-listed one if any, else our newest (better than no answer). */
function receiptKey(deps: ReceiveDeps): MemberKey {
  const key = signingKeyFor(deps.directory, deps.self, deps.keyring, deps.now) ?? deps.keyring.keys[deps.keyring.keys.length - 1];
  if (!key) throw new Error('no signing key');
  return key;
}

/** a claimed field for the refusal record and the receipt, null when it is not a plausible one (the receipt schema caps them too) */
function str(v: unknown, maxLength: number): string | null {
  return typeof v === 'string' && v.length <= maxLength ? v : null;
}

/** what a refusal keeps of a reason: one line, bounded (it may quote what the sender wrote) */
function bounded(message: string, max = 1000): string {
  const line = message.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** Marks a refusal stored before the sender's signature verified: the peer named is only a claim. */
export const UNAUTHENTICATED_CLAIM = 'unauthenticated claim';

/** Every blob digest a body refers to (its documents); each must travel as an attachment. */
export function referencedDigests(body: Record<string, unknown>): string[] {
  const out: string[] = [];
  const collect = (docs: unknown) => {
    if (!Array.isArray(docs)) return;
    for (const d of docs) {
      const sha = (d as { sha256?: unknown } | null)?.sha256;
      if (typeof sha === 'string') out.push(sha);
    }
  };
  collect(body.documents); // step_result
  const dossier = body.dossier;
  if (dossier && typeof dossier === 'object') collect((dossier as { documents?: unknown }).documents); // transfer, consultation_request
  return out;
}

export async function receiveMessage(deps: ReceiveDeps, rawJws: string): Promise<ReceiveResult> {
  const jws = rawJws.trim();
  const hash = requestHash(jws);
  // what the sender claims, known as soon as the payload is readable (for the refusal record)
  let claimed: { from: string | null; id: string | null } = { from: null, id: null };
  // true once the signature verified with the claimed sender's key: until then `from` is a claim anyone can make
  let authenticated = false;

  const answer = async (status: ReceiptStatus, refusal?: { code: RefusalCode; message: string }): Promise<ReceiveResult> => {
    const error = refusal ? { code: refusal.code, message: bounded(refusal.message) } : undefined;
    const r: Receipt = { v: 1, messageId: claimed.id, requestHash: hash, status, from: deps.self, to: claimed.from, at: deps.now.toISOString(), ...(error ? { error } : {}) };
    const receipt = await signReceipt(r, receiptKey(deps));
    if (error) {
      // refusals are kept even before anyone is authenticated (an unknown sender or a bad signature must
      // be visible to the operators); the route's per-address rate limit bounds how many a stranger can add
      const detail = authenticated ? error.message : `${UNAUTHENTICATED_CLAIM}: ${error.message}`;
      try {
        await deps.db
          .insertInto('interconnect_refusals')
          .values({ at: r.at, peer: claimed.from, message_id: claimed.id, code: error.code, detail: bounded(detail), request_hash: hash, receipt })
          .execute();
      } catch (err) {
        deps.log?.warn({ err, code: error.code }, 'interconnect refusal not recorded');
      }
    }
    return { httpStatus: error ? REFUSALS[error.code].http : 200, receipt, status, code: error?.code, messageId: claimed.id };
  };

  try {
    // 1. the JWS and its header
    let decoded;
    try {
      decoded = decodeJws(jws);
    } catch (err) {
      throw new Refusal('invalid_jws', err instanceof Error ? err.message : 'unreadable');
    }
    const { header, payload } = decoded;
    if (header.alg !== 'EdDSA') throw new Refusal('invalid_jws', `alg ${String(header.alg)} is not accepted (EdDSA only)`);
    if (header.typ !== MESSAGE_TYP) throw new Refusal('invalid_jws', `typ ${String(header.typ)} is not ${MESSAGE_TYP}`);
    if (typeof header.kid !== 'string') throw new Refusal('invalid_jws', 'the header has no kid');
    if (!payload || typeof payload !== 'object') throw new Refusal('invalid_message', 'the payload is not an object');
    const p = payload as Record<string, unknown>;
    claimed = { from: str(p.from, 60), id: str(p.id, 120) };
    // 2. version, envelope, addressee
    if (p.v !== 1) throw new Refusal('unsupported_version', `protocol version ${JSON.stringify(p.v)} is not supported (v1)`);
    const envProblem = schemaProblem(EnvelopeSchema, payload);
    if (envProblem) throw new Refusal('invalid_message', `envelope: ${envProblem}`);
    const env = payload as Envelope;
    // the schema checks the format; a time JavaScript cannot compute with (a leap second) would make
    // every validity and freshness comparison below false, i.e. let the message through
    if (!isReadableTime(env.sentAt) || !isReadableTime(env.createdAt)) throw new Refusal('invalid_message', 'envelope: sentAt and createdAt must be readable times');
    // those ids are the adapter's, for changes it reads from a foreign system: a member may not take them
    if (env.id.startsWith(ADAPTER_ID_PREFIX)) throw new Refusal('invalid_message', `message ids starting with ${ADAPTER_ID_PREFIX} are reserved for the foreign-system adapter`);
    if (env.to !== deps.self) throw new Refusal('wrong_recipient', `this is ${deps.self}, the message is addressed to ${env.to}`);
    // 3. the sender, its key at sentAt, the signature
    const from = memberOf(deps.directory, env.from);
    if (!from) throw new Refusal('unknown_sender', `${env.from} is not in the directory`);
    const sentAt = new Date(env.sentAt);
    const key = keyFor(deps.directory, env.from, header.kid, sentAt);
    if ('error' in key) {
      throw new Refusal(key.error, key.error === 'key_expired' ? `key ${header.kid} of ${env.from} is not valid at ${env.sentAt}` : `the directory lists no key ${header.kid} of ${env.from} valid at ${env.sentAt}`);
    }
    if (!(await verifyJws(jws, key.jwk))) throw new Refusal('bad_signature', `the signature does not verify with key ${header.kid} of ${env.from}`);
    authenticated = true;
    // 4. freshness (a replayed old copy is refused; the sender re-signs each attempt)
    const skew = Math.round((sentAt.getTime() - deps.now.getTime()) / 1000);
    if (Math.abs(skew) > deps.skewSeconds) {
      throw new Refusal('clock_skew', `message signed ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} the receiver's clock (allowed ${deps.skewSeconds} s)`);
    }
    // 5. the body for its type
    const bodyProblem = schemaProblem(MESSAGE_BODIES[env.type], env.body);
    if (bodyProblem) throw new Refusal('invalid_message', `${env.type} body: ${bodyProblem}`);
    // every document the body names must travel as an attachment, so that it is pulled from the
    // sender below (proof that the sender holds it), never taken from our store by digest alone
    const attached = new Set(env.attachments.map((a) => a.sha256));
    const unattached = referencedDigests(env.body).filter((sha) => !attached.has(sha));
    if (unattached.length) throw new Refusal('invalid_message', `${env.type} body names document ${unattached[0]?.slice(0, 12)}… that is not among the attachments`);
    // 6. seen before?
    const seen = await deps.db.selectFrom('interconnect_messages').select(['peer']).where('direction', '=', 'in').where('message_id', '=', env.id).executeTakeFirst();
    if (seen) {
      if (seen.peer !== env.from) throw new Refusal('invalid_message', `message id ${env.id} was already used by another member`);
      return await answer('duplicate');
    }
    // 7. every attachment, from the sender: even a blob we hold already is pulled and checked (and
    // then not stored again), or a member knowing a digest could attach someone else's file
    const handler = inboundHandlers(deps.handlers)[env.type];
    if (!handler) throw new Refusal('internal', `${deps.self} cannot process ${env.type} messages yet`);
    for (const ref of env.attachments) {
      try {
        await fetchAttachment({ from, self: deps.self, key: receiptKey(deps), ref, blobs: deps.blobs, fetch: deps.fetch, timeoutMs: deps.timeoutMs, now: deps.now });
      } catch (err) {
        if (err instanceof AttachmentError) throw new Refusal(err.code, err.message);
        throw err;
      }
    }
    // 8. one transaction: the in-row (with the receipt signed before commit) and the handler
    const receipt = await answer('accepted');
    const inserted = await insertAndApply(deps.db, env, {
      jws,
      receipt: receipt.receipt,
      now: deps.now,
      ctx: { envelope: env, from, self: deps.self, now: deps.now, blobs: deps.blobs },
      handler,
    });
    return inserted === 'duplicate' ? await answer('duplicate') : receipt;
  } catch (err) {
    if (err instanceof Refusal) return answer('refused', { code: err.code, message: err.message });
    const mapped = refusalOfHandlerError(err);
    if (mapped.code === 'internal') deps.log?.warn({ err, messageId: claimed.id, from: claimed.from }, 'interconnect message could not be applied');
    return answer('refused', mapped);
  }
}

/** A handler's DomainError names its refusal in `reason` (e.g. unknown_dossier); anything else is internal. */
function refusalOfHandlerError(err: unknown): { code: RefusalCode; message: string } {
  if (err instanceof DomainError) {
    if (err.reason && err.reason in REFUSALS) return { code: err.reason as RefusalCode, message: err.message };
    if (err.code === 'not_found') return { code: 'unknown_dossier', message: err.message };
    return { code: 'internal', message: err.message };
  }
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}

async function insertAndApply(
  db: Db,
  env: Envelope,
  opts: { jws: string | null; receipt: string | null; now: Date; ctx: Omit<InboundContext, 'tx'>; handler: InboundHandler },
): Promise<'applied' | 'duplicate'> {
  try {
    await db.transaction().execute(async (tx) => {
      try {
        await tx
          .insertInto('interconnect_messages')
          .values({
            direction: 'in',
            message_id: env.id,
            peer: env.from,
            type: env.type,
            dossier_ref: env.dossierRef,
            created_at: env.createdAt,
            body: JSON.stringify(env.body),
            attachments: JSON.stringify(env.attachments),
            jws: opts.jws,
            receipt: opts.receipt,
            status: 'applied',
            attempts: 1,
            next_attempt_at: null,
            last_error: opts.jws === null ? 'via adapter' : null,
            done_at: opts.now.toISOString(),
          })
          .execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateInsert();
        throw err;
      }
      await opts.handler({ ...opts.ctx, tx });
    });
    return 'applied';
  } catch (err) {
    // a concurrent copy committed first
    if (err instanceof DuplicateInsert) return 'duplicate';
    throw err;
  }
}

class DuplicateInsert extends Error {}

let adapterBlobs: BlobStore | undefined;

/**
 * Applies a message translated by an adapter from a foreign system: the same idempotent insert and
 * handler as receiveMessage, without a signature (jws and receipt null; last_error notes "via
 * adapter"). Returns 'duplicate' when the message id was applied before. A DomainError from the
 * handler propagates (nothing committed) so the adapter can retry or report it.
 */
export async function applyInbound(
  db: Db,
  envelope: Envelope,
  now: Date,
  opts: { blobs?: BlobStore; from?: DirectoryMember; handlers?: InboundHandlers } = {},
): Promise<'applied' | 'duplicate'> {
  // ids are unique per direction; a copy is a duplicate only when the same member sent it
  const seen = await db.selectFrom('interconnect_messages').select('peer').where('direction', '=', 'in').where('message_id', '=', envelope.id).executeTakeFirst();
  if (seen?.peer === envelope.from) return 'duplicate';
  if (seen) throw new Invalid(`message id ${envelope.id} was already used by ${seen.peer}; the message from ${envelope.from} cannot be recorded`);
  const handler = inboundHandlers(opts.handlers)[envelope.type];
  if (!handler) throw new Error(`no handler for ${envelope.type} messages`);
  const from: DirectoryMember = opts.from ?? { id: envelope.from, name: envelope.from, kind: 'foreign-xml', baseUrl: 'http://invalid', hosts: [], keys: [] };
  // the service passes its blob store; a caller without one (a test) gets a scratch store
  const blobs = opts.blobs ?? (adapterBlobs ??= new BlobStore(path.join(os.tmpdir(), 'motcua-adapter-blobs')));
  return insertAndApply(db, envelope, { jws: null, receipt: null, now, ctx: { envelope, from, self: envelope.to, now, blobs }, handler });
}
