// Checks a stored message and its receipt against the member directory, for the operations page
// and the conformance kit: the JWS signature by the key the directory lists for the signer (valid
// when it was signed), and a receipt that is signed by the other side and names the exact bytes
// it answers (sha256 of the compact JWS). Built on the protocol's own rules (keyFor, verifyJws,
// requestHash), so the page, `motcua verify-messages` and the conformance kit judge alike.
import { keyFor } from './directory.js';
import { decodeJws, requestHash, verifyJws } from './envelope.js';
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

/** The JSON payload of a compact JWS, without checking anything. */
export function decodePayload(compact: string): Record<string, unknown> | null {
  try {
    const { payload } = decodeJws(compact);
    return payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const KEY_PROBLEM = { unknown_sender: 'is not in the directory', unknown_key: 'has no key listed as valid then with this kid', key_expired: 'used an expired key' } as const;

/** Verifies compact JWS against one directory, with the protocol's own key rules (directory.ts keyFor). */
export class DirectoryVerifier {
  constructor(readonly directory: Directory) {}

  /**
   * Is `compact` signed by `member` with a key the directory lists, valid at `at` (when it was signed),
   * with the expected `typ`? An unknown signing time counts as outside every key's window.
   */
  async verify(compact: string, member: string, typ: string, at: Date | null): Promise<SignatureCheck & { payload: Record<string, unknown> | null }> {
    let kid: string | null = null;
    const payload = decodePayload(compact);
    const fail = (detail: string) => ({ ok: false, signer: member, kid, detail, payload });
    let header: ReturnType<typeof decodeJws>['header'];
    try {
      header = decodeJws(compact).header;
    } catch {
      return fail('not a compact JWS');
    }
    kid = str(header.kid);
    if (header.alg !== 'EdDSA') return fail(`algorithm ${String(header.alg)} is not EdDSA`);
    if (header.typ !== typ) return fail(`header typ ${String(header.typ)} is not ${typ}`);
    if (!kid) return fail('no kid in the header');
    const key = keyFor(this.directory, member, kid, at ?? new Date(Number.NaN));
    if ('error' in key) return fail(`${member} ${KEY_PROBLEM[key.error]} (key ${kid}, signed at ${at?.toISOString() ?? 'an unknown time'})`);
    if (!(await verifyJws(compact, key.jwk))) return fail(`the signature does not verify with key ${kid} of ${member}`);
    return { ok: true, signer: member, kid, detail: `signed by ${member} with key ${kid}`, payload };
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
    const hash = requestHash(jws);
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
