// Signing and reading protocol messages: a compact JWS (EdDSA) whose payload is the envelope.
// A receipt answers the exact bytes received, named by requestHash = sha256 of the compact string.
import { createHash } from 'node:crypto';
import { CompactSign, compactVerify, decodeProtectedHeader, type JWK, type ProtectedHeaderParameters } from 'jose';
import { importPublicKey, type MemberKey } from './keys.js';
import type { Envelope } from './types.js';

export const MESSAGE_TYP = 'motcua-msg+jws';
/** The largest compact JWS a member accepts (POST /interconnect/v1/messages body limit): 64 KiB. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** Ids the foreign-system adapter gives the changes it translates; a signed message may not use them. */
export const ADAPTER_ID_PREFIX = 'foreign-xml:';

export async function signJson(payload: unknown, key: MemberKey, typ: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ })
    .sign(key.privateKey);
}

export async function signEnvelope(env: Envelope, key: MemberKey): Promise<string> {
  return signJson(env, key, MESSAGE_TYP);
}

/** Hex sha256 of the exact compact JWS (UTF-8). */
export function requestHash(jws: string): string {
  return createHash('sha256').update(jws, 'utf8').digest('hex');
}

export interface DecodedJws {
  header: ProtectedHeaderParameters;
  payload: unknown;
}

/** Reads header and payload WITHOUT verifying (to find who claims to have signed it); throws a reason. */
export function decodeJws(jws: string): DecodedJws {
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(jws)) throw new Error('not a compact JWS (three base64url parts)');
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    throw new Error('the protected header is not readable');
  }
  const part = jws.split('.')[1] ?? '';
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new Error('the payload is not JSON');
  }
  return { header, payload };
}

/** True when the JWS verifies with the public key. */
export async function verifyJws(jws: string, jwk: JWK): Promise<boolean> {
  try {
    await compactVerify(jws, await importPublicKey(jwk), { algorithms: ['EdDSA'] });
    return true;
  } catch {
    return false;
  }
}
