// Receipts: the receiver's signed answer to one request (accepted, duplicate or refused), kept by
// both sides, so either can later prove what was delivered and when.
import { keyFor } from './directory.js';
import { decodeJws, signJson, verifyJws } from './envelope.js';
import type { MemberKey } from './keys.js';
import { ReceiptSchema, schemaProblem } from './schemas.js';
import type { Directory, Receipt } from './types.js';

export const RECEIPT_TYP = 'motcua-receipt+jws';

export async function signReceipt(r: Receipt, key: MemberKey): Promise<string> {
  return signJson(r, key, RECEIPT_TYP);
}

/**
 * Verifies a receipt: signed by `expect.from` with a key the directory lists as valid at the
 * receipt's time, answering this exact request (requestHash) and, if given, this message id.
 * Throws an Error whose message says what is wrong.
 */
export async function verifyReceipt(
  jws: string,
  dir: Directory,
  expect: { from: string; requestHash: string; messageId?: string | null },
): Promise<Receipt> {
  const { header, payload } = decodeJws(jws);
  if (header.alg !== 'EdDSA' || header.typ !== RECEIPT_TYP) throw new Error(`not a receipt (typ ${String(header.typ)})`);
  const problem = schemaProblem(ReceiptSchema, payload);
  if (problem) throw new Error(`receipt content invalid: ${problem}`);
  const r = payload as Receipt;
  if (!Number.isFinite(Date.parse(r.at))) throw new Error(`receipt time ${JSON.stringify(r.at)} is not a readable time`);
  if (r.from !== expect.from) throw new Error(`receipt from ${r.from}, expected ${expect.from}`);
  const key = keyFor(dir, expect.from, String(header.kid ?? ''), new Date(r.at));
  if ('error' in key) throw new Error(`receipt signing key: ${key.error}`);
  if (!(await verifyJws(jws, key.jwk))) throw new Error('receipt signature does not verify');
  if (r.requestHash !== expect.requestHash) throw new Error('receipt answers another request (requestHash differs)');
  // a refusal of an unreadable message may not know its id; any other receipt must name ours
  if (expect.messageId !== undefined && (r.status !== 'refused' || r.messageId !== null) && r.messageId !== expect.messageId) throw new Error('receipt names another message id');
  return r;
}
