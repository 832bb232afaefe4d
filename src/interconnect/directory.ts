// The member directory: who is in the city's interconnection, where to reach them, which agency
// subtrees they host and which keys they sign with. It is one file, a JWS signed by the city's
// directory key, so a member trusts exactly one key (configured) and learns every other from here.
import fs from 'node:fs';
import { CompactSign, compactVerify, decodeProtectedHeader, type JWK } from 'jose';
import type { Db } from '../db/connect.js';
import { StartupError } from '../lib/startup-error.js';
import { importPrivateKey, importPublicKey, publicOf, type MemberKey, type MemberKeyring } from './keys.js';
import { DirectorySchema, schemaProblem } from './schemas.js';
import type { Directory, DirectoryKey, DirectoryMember } from './types.js';
import { calculateJwkThumbprint } from 'jose';

export type { Directory, DirectoryKey, DirectoryMember } from './types.js';

export const DIRECTORY_TYP = 'motcua-directory+jws';

export async function signDirectory(payload: Directory, cityPrivateJwk: JWK): Promise<string> {
  const problem = schemaProblem(DirectorySchema, payload);
  if (problem) throw new Error(`the directory is not valid: ${problem}`);
  const key = await importPrivateKey(cityPrivateJwk);
  const kid = await calculateJwkThumbprint(publicOf(cityPrivateJwk));
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: DIRECTORY_TYP })
    .sign(key);
}

/** Verifies a directory JWS against the city's key and validates its content; throws one line. */
export async function verifyDirectory(jws: string, cityPublicJwk: JWK): Promise<Directory> {
  let header;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    throw new Error('not a compact JWS');
  }
  if (header.alg !== 'EdDSA' || header.typ !== DIRECTORY_TYP) throw new Error(`unexpected header (alg ${String(header.alg)}, typ ${String(header.typ)})`);
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jws, await importPublicKey(cityPublicJwk), { algorithms: ['EdDSA'] }));
  } catch {
    throw new Error('the signature does not verify with the configured city directory key');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    throw new Error('the payload is not JSON');
  }
  const problem = schemaProblem(DirectorySchema, parsed);
  if (problem) throw new Error(`the payload is not a valid directory: ${problem}`);
  const dir = parsed as Directory;
  const ids = new Set<string>();
  for (const m of dir.members) {
    if (ids.has(m.id)) throw new Error(`member ${m.id} is listed twice`);
    ids.add(m.id);
    for (const k of m.keys) {
      if ((await calculateJwkThumbprint(k.jwk)) !== k.kid) throw new Error(`member ${m.id}: key ${k.kid} does not match its thumbprint`);
    }
  }
  return dir;
}

/** Reads and verifies the directory file; a StartupError with a one-line reason when it cannot. */
export async function readDirectory(file: string, cityPublicJwk: JWK): Promise<Directory> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new StartupError(`cannot read the interconnection directory ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return await verifyDirectory(text, cityPublicJwk);
  } catch (err) {
    throw new StartupError(`the interconnection directory ${file} is refused: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Reads the city's public key file (a JWK JSON). */
export function readCityKey(file: string): JWK {
  try {
    const jwk = JSON.parse(fs.readFileSync(file, 'utf8')) as JWK;
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 public JWK');
    return publicOf(jwk);
  } catch (err) {
    throw new StartupError(`cannot read the city directory key ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function memberOf(dir: Directory, id: string): DirectoryMember | undefined {
  return dir.members.find((m) => m.id === id);
}

function validAt(k: DirectoryKey, at: Date): 'valid' | 'not_yet' | 'expired' | 'invalid' {
  const t = at.getTime();
  // an unreadable time (NaN) compares false with everything: never let it pass as valid
  if (!Number.isFinite(t) || !Number.isFinite(Date.parse(k.validFrom)) || (k.validTo !== null && !Number.isFinite(Date.parse(k.validTo)))) return 'invalid';
  if (t < Date.parse(k.validFrom)) return 'not_yet';
  if (k.validTo !== null && t >= Date.parse(k.validTo)) return 'expired';
  return 'valid';
}

/** The key a member signed with (by kid), if the directory lists it as valid at `at`. */
export function keyFor(
  dir: Directory,
  memberId: string,
  kid: string,
  at: Date,
): { jwk: DirectoryKey['jwk'] } | { error: 'unknown_sender' | 'unknown_key' | 'key_expired' } {
  const member = memberOf(dir, memberId);
  if (!member) return { error: 'unknown_sender' };
  const key = member.keys.find((k) => k.kid === kid);
  if (!key) return { error: 'unknown_key' };
  const state = validAt(key, at);
  // a key used before its validFrom (or at a time we cannot read) is as unknown to us as one never listed
  if (state === 'not_yet' || state === 'invalid') return { error: 'unknown_key' };
  if (state === 'expired') return { error: 'key_expired' };
  return { jwk: key.jwk };
}

/**
 * The newest of our keys that the directory lists as valid at `at`: a key peers do not know yet
 * (rotated locally, directory not yet republished) is never used. Null = none (the outbox waits).
 */
export function signingKeyFor(dir: Directory, memberId: string, ring: MemberKeyring, at: Date): MemberKey | null {
  const member = memberOf(dir, memberId);
  if (!member) return null;
  for (let i = ring.keys.length - 1; i >= 0; i--) {
    const k = ring.keys[i];
    if (!k) continue;
    const listed = member.keys.find((d) => d.kid === k.kid);
    if (listed && validAt(listed, at) === 'valid') return k;
  }
  return null;
}

/** kid of a compact JWS's protected header (unverified; only to pick the key). */
export function kidOf(jws: string): string | undefined {
  try {
    const kid = decodeProtectedHeader(jws).kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Agency id → member for the agencies hosted by OTHER members. A member hosts the subtree of each
 * agency code it lists; the deepest listed root above an agency decides (including our own roots:
 * an agency under one of ours inside another member's subtree is ours). Unlisted agencies are ours.
 */
export async function hostMapOf(db: Db, dir: Directory, self: string): Promise<Map<number, string>> {
  const codes = [...new Set(dir.members.flatMap((m) => m.hosts))];
  const map = new Map<number, string>();
  if (codes.length === 0) return map;
  const rootRows = await db.selectFrom('agencies').select(['id', 'code', 'path']).where('code', 'in', codes).execute();
  const roots: { path: string; member: string; depth: number }[] = [];
  for (const m of dir.members) {
    for (const code of m.hosts) {
      const row = rootRows.find((r) => r.code === code);
      if (row) roots.push({ path: row.path, member: m.id, depth: row.path.split('/').length });
    }
  }
  const depthOf = new Map<number, number>();
  const owner = new Map<number, string>();
  for (const root of roots) {
    const under = await db.selectFrom('agencies').select('id').where('path', 'like', `${root.path}%`).execute();
    for (const a of under) {
      if ((depthOf.get(a.id) ?? -1) < root.depth) {
        depthOf.set(a.id, root.depth);
        owner.set(a.id, root.member);
      }
    }
  }
  for (const [id, member] of owner) if (member !== self) map.set(id, member);
  return map;
}

/** Replaces interconnect_agency_hosts with the map (one transaction). */
export async function writeHostMap(db: Db, map: Map<number, string>): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('interconnect_agency_hosts').execute();
    const rows = [...map].map(([agency_id, member_id]) => ({ agency_id, member_id }));
    for (let i = 0; i < rows.length; i += 500) await tx.insertInto('interconnect_agency_hosts').values(rows.slice(i, i + 500)).execute();
  });
}
