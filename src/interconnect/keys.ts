// Our Ed25519 signing keys. Each key is one file `${kid}.private.jwk` (mode 0600, in a 0700
// directory) holding `{ jwk, createdAt }`; the kid is the RFC 7638 thumbprint of the public key,
// so it names the key everywhere (directory, JWS headers) without a separate registry.
// Rotation adds a key and keeps the old one: peers accept both while the directory lists both.
import fs from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { StartupError } from '../lib/startup-error.js';
import { webcrypto } from 'node:crypto';

/** WebCrypto's key type from Node (the server build has no DOM lib). */
type CryptoKey = webcrypto.CryptoKey;
// Node 20 has the class as a global, not on `webcrypto`
const CryptoKey = (globalThis as unknown as { CryptoKey: abstract new () => webcrypto.CryptoKey }).CryptoKey;

export interface MemberKey {
  kid: string;
  privateKey: CryptoKey;
  /** `{ kty: 'OKP', crv: 'Ed25519', x }` */
  publicJwk: JWK;
  createdAt: string;
}

export interface MemberKeyring {
  /** oldest first */
  keys: MemberKey[];
}

const SUFFIX = '.private.jwk';

/** The public half of an Ed25519 JWK: only the members RFC 7638 hashes, so the kid is stable. */
export function publicOf(jwk: JWK): JWK {
  return { kty: 'OKP', crv: 'Ed25519', x: String(jwk.x) };
}

async function newPair(): Promise<{ privateJwk: JWK; publicJwk: JWK; kid: string }> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const full = await exportJWK(privateKey);
  const publicJwk = publicOf(full);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { privateJwk: { kty: 'OKP', crv: 'Ed25519', x: String(full.x), d: String(full.d) }, publicJwk, kid };
}

function ensureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/** Writes a secret file readable by its owner only (created with the mode, never widened). */
export function writeSecretFile(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
  fs.chmodSync(file, 0o600);
}

async function createKey(keysDir: string, now: Date): Promise<{ kid: string; publicJwk: JWK }> {
  ensureDir(keysDir);
  const { privateJwk, publicJwk, kid } = await newPair();
  writeSecretFile(path.join(keysDir, `${kid}${SUFFIX}`), `${JSON.stringify({ jwk: privateJwk, createdAt: now.toISOString() }, null, 2)}\n`);
  return { kid, publicJwk };
}

async function readKeys(keysDir: string): Promise<MemberKey[]> {
  if (!fs.existsSync(keysDir)) return [];
  const keys: MemberKey[] = [];
  for (const name of fs.readdirSync(keysDir).filter((n) => n.endsWith(SUFFIX)).sort()) {
    const file = path.join(keysDir, name);
    try {
      const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { jwk: JWK; createdAt: string };
      const publicJwk = publicOf(stored.jwk);
      const kid = await calculateJwkThumbprint(publicJwk);
      const privateKey = await importJWK({ ...stored.jwk, alg: 'EdDSA' }, 'EdDSA');
      if (!(privateKey instanceof CryptoKey)) throw new Error('not an Ed25519 private key');
      keys.push({ kid, privateKey, publicJwk, createdAt: stored.createdAt });
    } catch (err) {
      // the reason only: the key material itself is never printed
      throw new StartupError(`cannot read the signing key ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return keys.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.kid.localeCompare(b.kid));
}

/** Loads our keys, creating the first one when the directory has none. */
export async function loadOrCreateMemberKeys(keysDir: string, now: Date): Promise<MemberKeyring> {
  let keys = await readKeys(keysDir);
  if (keys.length === 0) {
    await createKey(keysDir, now);
    keys = await readKeys(keysDir);
  } else {
    ensureDir(keysDir);
  }
  return { keys };
}

/** Adds a new key; the old ones are kept (peers verify with them until the directory retires them). */
export async function rotateMemberKey(keysDir: string, now: Date): Promise<{ kid: string; publicJwk: JWK }> {
  return createKey(keysDir, now);
}

/** The city's directory key pair (the trust anchor every member is configured with). */
export async function generateDirectoryKey(): Promise<{ privateJwk: JWK; publicJwk: JWK; kid: string }> {
  return newPair();
}

/** Imports a public Ed25519 JWK for verification. */
export async function importPublicKey(jwk: JWK): Promise<CryptoKey> {
  const key = await importJWK({ ...publicOf(jwk), alg: 'EdDSA' }, 'EdDSA');
  if (!(key instanceof CryptoKey)) throw new Error('not an Ed25519 public key');
  return key;
}

/** Imports a private Ed25519 JWK for signing. */
export async function importPrivateKey(jwk: JWK): Promise<CryptoKey> {
  if (typeof jwk.d !== 'string') throw new Error('not a private key (no "d")');
  const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: String(jwk.x), d: jwk.d, alg: 'EdDSA' }, 'EdDSA');
  if (!(key instanceof CryptoKey)) throw new Error('not an Ed25519 private key');
  return key;
}
