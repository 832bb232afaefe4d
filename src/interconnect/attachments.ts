// Attachments travel beside messages, not inside them: the envelope names each blob by sha256 and
// size, and the receiver pulls what it lacks from the sender with a signed request. The sender
// serves a blob only to a peer it was shared with (interconnect_shared_blobs), so a member
// cannot read another's files by guessing digests.
import fs from 'node:fs';
import { Readable, Transform, pipeline } from 'node:stream';
import type { Db } from '../db/connect.js';
import type { BlobStore } from '../documents/blob-store.js';
import { keyFor } from './directory.js';
import { decodeJws, signJson, verifyJws } from './envelope.js';
import type { MemberKey } from './keys.js';
import type { AttachmentRef, Directory, DirectoryMember } from './types.js';
import { networkReason } from './network-errors.js';

export const FETCH_TYP = 'motcua-fetch+jws';

export interface FetchClaim {
  v: 1;
  from: string;
  to: string;
  sha256: string;
  sentAt: string;
}

export class AttachmentError extends Error {
  constructor(
    readonly code: 'attachment_unavailable' | 'attachment_mismatch',
    message: string,
  ) {
    super(message);
    this.name = 'AttachmentError';
  }
}

export function hasBlob(blobs: BlobStore, sha256: string): boolean {
  return fs.existsSync(blobs.pathOf(sha256));
}

/**
 * Pulls one blob from the member that shared it; verifies size and digest before keeping it. A blob
 * we hold already is pulled and verified all the same (the sender proves it has the file) and then
 * not stored twice. A transfer longer than the declared size is cut off, not read to its end.
 */
export async function fetchAttachment(opts: {
  from: DirectoryMember;
  self: string;
  key: MemberKey;
  ref: AttachmentRef;
  blobs: BlobStore;
  fetch: typeof fetch;
  timeoutMs: number;
  now: Date;
}): Promise<void> {
  const { ref } = opts;
  const claim: FetchClaim = { v: 1, from: opts.self, to: opts.from.id, sha256: ref.sha256, sentAt: opts.now.toISOString() };
  const token = await signJson(claim, opts.key, FETCH_TYP);
  const url = `${opts.from.baseUrl.replace(/\/$/, '')}/interconnect/v1/attachments/${ref.sha256}`;
  let res: Response;
  try {
    res = await opts.fetch(url, { headers: { authorization: `Motcua ${token}` }, signal: AbortSignal.timeout(opts.timeoutMs) });
  } catch (err) {
    throw new AttachmentError('attachment_unavailable', `attachment ${ref.sha256.slice(0, 12)}…: ${networkReason(err, opts.timeoutMs, opts.from.baseUrl)}`);
  }
  if (res.status !== 200 || !res.body) {
    await res.body?.cancel();
    throw new AttachmentError('attachment_unavailable', `attachment ${ref.sha256.slice(0, 12)}…: ${opts.from.id} answered HTTP ${res.status}`);
  }
  const announced = res.headers.get('content-length');
  if (announced !== null && /^\d+$/.test(announced.trim()) && Number(announced) > ref.size) {
    await res.body.cancel();
    throw new AttachmentError('attachment_mismatch', `attachment ${ref.sha256.slice(0, 12)}…: ${opts.from.id} announced Content-Length ${announced.trim()}, more than the declared ${ref.size} bytes`);
  }
  // stop reading at the first byte past the declared size (BlobStore.stage alone would drain the rest)
  let received = 0;
  let over = false;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      received += chunk.length;
      if (received > ref.size) {
        over = true;
        cb(new Error('more bytes than declared'));
        return;
      }
      cb(null, chunk);
    },
  });
  let staged;
  try {
    const source = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
    // pipeline destroys the source (cancelling the download) when the limit cuts it; the error reaches stage()
    staged = await opts.blobs.stage(pipeline(source, limit, () => undefined), ref.size);
  } catch (err) {
    if (over) throw new AttachmentError('attachment_mismatch', `attachment ${ref.sha256.slice(0, 12)}…: received more than the declared ${ref.size} bytes`);
    throw new AttachmentError('attachment_unavailable', `attachment ${ref.sha256.slice(0, 12)}…: transfer failed (${networkReason(err, opts.timeoutMs, opts.from.baseUrl)})`);
  }
  if (staged.truncated || staged.size !== ref.size || staged.sha256 !== ref.sha256) {
    opts.blobs.discard(staged);
    throw new AttachmentError(
      'attachment_mismatch',
      `attachment ${ref.sha256.slice(0, 12)}…: received ${staged.truncated ? `more than ${ref.size}` : staged.size} bytes with digest ${staged.truncated ? '?' : staged.sha256.slice(0, 12)}…, expected ${ref.size} bytes`,
    );
  }
  if (hasBlob(opts.blobs, ref.sha256)) opts.blobs.discard(staged);
  else await opts.blobs.commit(staged);
}


export interface ServedAttachment {
  status: number;
  stream?: Readable;
  mediaType?: string;
  size?: number;
}

/**
 * Serves one of our blobs to a peer: `authorization: Motcua <JWS of FetchClaim>` signed by the
 * requester, addressed to us, for this digest, within the clock skew. 403 on a bad token; 404 when
 * the blob was not shared with that peer or is absent (the same answer, so nothing leaks).
 */
export async function serveAttachment(
  opts: { db: Db; directory: Directory; self: string; blobs: BlobStore; skewSeconds: number; now: Date },
  authorization: string | undefined,
  sha256: string,
): Promise<ServedAttachment> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) return { status: 404 };
  const m = /^Motcua\s+(\S+)$/.exec(authorization ?? '');
  if (!m?.[1]) return { status: 403 };
  let claim: FetchClaim;
  let kid: string;
  try {
    const decoded = decodeJws(m[1]);
    if (decoded.header.alg !== 'EdDSA' || decoded.header.typ !== FETCH_TYP) return { status: 403 };
    claim = decoded.payload as FetchClaim;
    kid = String(decoded.header.kid ?? '');
  } catch {
    return { status: 403 };
  }
  if (!claim || typeof claim !== 'object' || claim.v !== 1 || typeof claim.from !== 'string' || typeof claim.sentAt !== 'string') return { status: 403 };
  const sentAt = new Date(claim.sentAt);
  if (Number.isNaN(sentAt.getTime()) || Math.abs(opts.now.getTime() - sentAt.getTime()) > opts.skewSeconds * 1000) return { status: 403 };
  if (claim.to !== opts.self || claim.sha256 !== sha256) return { status: 403 };
  const key = keyFor(opts.directory, claim.from, kid, sentAt);
  if ('error' in key || !(await verifyJws(m[1], key.jwk))) return { status: 403 };
  const shared = await opts.db
    .selectFrom('interconnect_shared_blobs')
    .select('sha256')
    .where('peer', '=', claim.from)
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  if (!shared) return { status: 404 };
  let size: number;
  try {
    size = (await fs.promises.stat(opts.blobs.pathOf(sha256))).size;
  } catch {
    return { status: 404 };
  }
  return { status: 200, stream: opts.blobs.read(sha256), mediaType: 'application/octet-stream', size };
}
