// Checks a stored message and its receipt against the member directory, for the operations page
// and the conformance kit: the JWS signature by the key the directory lists for the signer (valid
// when it was signed), and a receipt that is signed by the other side and names the exact bytes
// it answers (sha256 of the compact JWS). Independent of the delivery code on purpose: the page
// should show what an outside auditor would conclude from the log alone.
import { createHash } from 'node:crypto';
import { base64url, compactVerify, decodeProtectedHeader, importJWK, type CryptoKey } from 'jose';
import type { Directory } from './types.js';

export type Verified = 'valid' | 'invalid' | 'unsigned' | 'pending';

export interface SignatureCheck {
  ok: boolean;
  /** who signed it according to the directory, and with which key */
  signer: string | null;
  kid: string | null;
  detail: string;
}

export interface MessageVerification {
  verified: Verified;
  /** the message's own signature (null when the message was never signed) */
  signature: SignatureCheck | null;
  /** the receipt's signature and request hash (null when there is no receipt to check) */
  receipt: SignatureCheck | null;
  /** why the result is what it is, in one line */
  summary: string;
}

/** Hex sha256 of the exact compact serialisation (UTF-8): the request hash a receipt names. */
export const sha256Hex = (compact: string): string => createHash('sha256').update(compact, 'utf8').digest('hex');

/** The JSON payload of a compact JWS, without checking anything. */
export function decodePayload(compact: string): Record<string, unknown> | null {
  const part = compact.split('.')[1];
  if (part === undefined) return null;
  try {
    const v: unknown = JSON.parse(new TextDecoder().decode(base64url.decode(part)));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Verifies compact JWS against one directory, caching imported public keys. */
export class DirectoryVerifier {
  private readonly keys = new Map<string, Promise<CryptoKey>>();

  constructor(readonly directory: Directory) {}

  private key(member: string, kid: string, jwk: object): Promise<CryptoKey> {
    const k = `${member} ${kid}`;
    let p = this.keys.get(k);
    if (!p) {
      p = importJWK(jwk as Parameters<typeof importJWK>[0], 'EdDSA') as Promise<CryptoKey>;
      this.keys.set(k, p);
    }
    return p;
  }

  /**
   * Is `compact` signed by `member` with a key the directory lists, valid at `at` (when it was signed),
   * with the expected `typ`? The key validity window is [validFrom, validTo).
   */
  async verify(compact: string, member: string, typ: string, at: Date | null): Promise<SignatureCheck & { payload: Record<string, unknown> | null }> {
    let kid: string | null = null;
    const fail = (detail: string) => ({ ok: false, signer: member, kid, detail, payload: decodePayload(compact) });
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(compact);
    } catch {
      return fail('not a compact JWS');
    }
    kid = str(header.kid);
    if (header.alg !== 'EdDSA') return fail(`algorithm ${String(header.alg)} is not EdDSA`);
    if (header.typ !== typ) return fail(`header typ ${String(header.typ)} is not ${typ}`);
    if (!kid) return fail('no kid in the header');
    const m = this.directory.members.find((x) => x.id === member);
    if (!m) return fail(`member ${member} is not in the directory`);
    const dk = m.keys.find((k) => k.kid === kid);
    if (!dk) return fail(`key ${kid} is not listed for ${member} in the directory`);
    if (at) {
      const t = at.getTime();
      if (t < Date.parse(dk.validFrom)) return fail(`key ${kid} of ${member} is valid only from ${dk.validFrom} (signed at ${at.toISOString()})`);
      if (dk.validTo !== null && t >= Date.parse(dk.validTo)) return fail(`key ${kid} of ${member} expired at ${dk.validTo} (signed at ${at.toISOString()})`);
    }
    try {
      const { payload } = await compactVerify(compact, await this.key(member, kid, dk.jwk), { algorithms: ['EdDSA'] });
      const parsed: unknown = JSON.parse(new TextDecoder().decode(payload));
      const obj = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
      return { ok: true, signer: member, kid, detail: `signed by ${member} with key ${kid}`, payload: obj };
    } catch {
      return fail(`the signature does not verify with key ${kid} of ${member}`);
    }
  }

  /**
   * A receipt answering `jws`: signed by `from` (the receiver), status as given, naming sha256(jws)
   * and, when known, the message id.
   */
  async verifyReceipt(receipt: string, jws: string, from: string, messageId: string | null): Promise<SignatureCheck & { payload: Record<string, unknown> | null }> {
    const payload = decodePayload(receipt);
    const at = payload && typeof payload.at === 'string' && !Number.isNaN(Date.parse(payload.at)) ? new Date(payload.at) : null;
    const sig = await this.verify(receipt, from, 'motcua-receipt+jws', at);
    if (!sig.ok) return sig;
    const p = sig.payload ?? {};
    const hash = sha256Hex(jws);
    if (p.requestHash !== hash) return { ...sig, ok: false, detail: `the receipt names request hash ${String(p.requestHash)}, not ${hash}` };
    if (p.from !== from) return { ...sig, ok: false, detail: `the receipt says it is from ${String(p.from)}, not ${from}` };
    if (messageId !== null && p.messageId !== null && p.messageId !== messageId) return { ...sig, ok: false, detail: `the receipt answers message ${String(p.messageId)}, not ${messageId}` };
    return { ...sig, detail: `${String(p.status)} receipt signed by ${from} with key ${sig.kid}, naming the request hash` };
  }
}

export interface StoredMessage {
  direction: string;
  messageId: string;
  peer: string;
  status: string;
  jws: string | null;
  receipt: string | null;
}

/**
 * What the log proves about one message. Out: our signature and the peer's receipt; in: the
 * peer's signature and our receipt. A message exchanged with a foreign system through the adapter
 * carries no signature ('unsigned'); one not yet signed or acknowledged is 'pending'.
 */
export async function verifyStoredMessage(v: DirectoryVerifier | null, self: string | null, m: StoredMessage): Promise<MessageVerification> {
  const peer = v?.directory.members.find((x) => x.id === m.peer);
  if (peer?.kind === 'foreign-xml' || (m.direction === 'in' && m.jws === null)) {
    return { verified: 'unsigned', signature: null, receipt: null, summary: 'exchanged through the foreign-system adapter, without signatures' };
  }
  if (m.jws === null) return { verified: 'pending', signature: null, receipt: null, summary: 'not signed yet: no delivery attempt so far' };
  if (!v || !self) return { verified: 'pending', signature: null, receipt: null, summary: 'interconnection is off: no directory to check against' };
  const [signer, receiver] = m.direction === 'out' ? [self, m.peer] : [m.peer, self];
  const payload = decodePayload(m.jws);
  const sentAt = payload && typeof payload.sentAt === 'string' && !Number.isNaN(Date.parse(payload.sentAt)) ? new Date(payload.sentAt) : null;
  const sig0 = await v.verify(m.jws, signer, 'motcua-msg+jws', sentAt);
  let signature: SignatureCheck = { ok: sig0.ok, signer: sig0.signer, kid: sig0.kid, detail: sig0.detail };
  if (sig0.ok) {
    const p = sig0.payload ?? {};
    if (p.id !== m.messageId) signature = { ...signature, ok: false, detail: `the signed envelope has id ${String(p.id)}, not ${m.messageId}` };
    else if (p.from !== signer || p.to !== receiver) signature = { ...signature, ok: false, detail: `the signed envelope is from ${String(p.from)} to ${String(p.to)}, not ${signer} to ${receiver}` };
  }
  if (!signature.ok) return { verified: 'invalid', signature, receipt: null, summary: signature.detail };
  if (m.receipt === null) {
    return { verified: 'pending', signature, receipt: null, summary: m.direction === 'out' ? 'signed; not acknowledged by the peer yet' : 'signed; no receipt stored' };
  }
  const r = await v.verifyReceipt(m.receipt, m.jws, receiver, m.messageId);
  const receipt: SignatureCheck = { ok: r.ok, signer: r.signer, kid: r.kid, detail: r.detail };
  return r.ok
    ? { verified: 'valid', signature, receipt, summary: `signature and receipt verify (${receipt.detail})` }
    : { verified: 'invalid', signature, receipt, summary: receipt.detail };
}
