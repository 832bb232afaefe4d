// Signing certificates of signed e-results (#7). A demo **city CA** (self-signed) and one
// **agency certificate** per issuing agency signed by it, created on first need: RSA 2048 keys
// from node:crypto, certificates built with node-forge. Private keys stay in files under the
// signing directory (mode 0600, never logged); the public certificates go to
// `signing_certificates` (fingerprint = sha256 of the DER, hex). A real CA: when
// `<signingDir>/agencies/<agency code>.p12` exists it is used instead (passphrase from config).
//
// Two processes creating the same key at once: each writes a complete file (key + certificate)
// under a temporary name and links it into place; link fails when the name exists, so one wins
// and the other reads the winner's file. Database rows are insert-if-absent by fingerprint.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import type { Transaction } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/types.js';

type Reader = Db | Transaction<Database>;

export interface SigningSettings {
  /** directory of the key files: ca.pem, agencies/<code>.pem or agencies/<code>.p12 */
  dir: string;
  /** passphrase of <dir>/agencies/<code>.p12 files */
  p12Passphrase: string;
}

/** What signs for an agency: its key, its certificate and the chain up to the CA. */
export interface AgencySigner {
  agencyId: number;
  agencyCode: string;
  /** the certificate's common name (the agency's name) */
  name: string;
  keyPem: string;
  certPem: string;
  /** issuer certificates, nearest first */
  chainPem: string[];
  fingerprint: string;
  /** a PKCS#12 bundle of key + certificate + chain for @signpdf/signer-p12 (passphrase `p12Passphrase`) */
  p12: Buffer;
  p12Passphrase: string;
}

const CA_NAME = 'motcua City Demo CA';
const DAY = 86_400_000;

/** sha256 of a certificate's DER, hex. */
export function certFingerprint(cert: forge.pki.Certificate): string {
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  return createHash('sha256').update(Buffer.from(der, 'binary')).digest('hex');
}

/** An RSA 2048 key pair (node:crypto: much faster than forge), as forge keys + PEM. */
function newKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.rsa.setPublicKey(key.n, key.e), keyPem: privateKey };
}

/** ASCII-only text for certificate names (printable strings). */
function asciiName(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^\x20-\x7e]/g, '').slice(0, 64);
}

/** Builds a certificate: self-signed when `issuer` is absent. Exported for tests (a foreign signer). */
export function buildCertificate(opts: {
  commonName: string;
  organization?: string;
  publicKey: forge.pki.rsa.PublicKey;
  signingKey: forge.pki.rsa.PrivateKey;
  issuer?: forge.pki.Certificate;
  now: Date;
  years: number;
  ca: boolean;
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = opts.publicKey;
  // positive serial: first hex digit < 8
  cert.serialNumber = `0${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(opts.now.getTime() - DAY);
  cert.validity.notAfter = new Date(opts.now.getTime() + opts.years * 365 * DAY);
  const attrs = [{ name: 'commonName', value: asciiName(opts.commonName) }, { name: 'countryName', value: 'VN' }, ...(opts.organization ? [{ name: 'organizationName', value: asciiName(opts.organization) }] : [])];
  cert.setSubject(attrs);
  cert.setIssuer(opts.issuer ? opts.issuer.subject.attributes : attrs);
  cert.setExtensions(
    opts.ca
      ? [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }, { name: 'subjectKeyIdentifier' }]
      : [{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true }, { name: 'subjectKeyIdentifier' }],
  );
  cert.sign(opts.signingKey, forge.md.sha256.create());
  return cert;
}

/** A self-signed key + certificate (tests: a signer motcua does not know). */
export function selfSigned(commonName: string, now: Date): { keyPem: string; certPem: string } {
  const k = newKeyPair();
  const cert = buildCertificate({ commonName, publicKey: k.publicKey, signingKey: k.privateKey, now, years: 1, ca: false });
  return { keyPem: k.keyPem, certPem: forge.pki.certificateToPem(cert) };
}

/** Writes `content` to `file` unless it exists (atomic: temp file + link). Returns what is in the file afterwards. */
function writeOnce(file: string, content: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return fs.readFileSync(file, 'utf8');
}

function splitPem(text: string): { keyPem: string; certPem: string } {
  const key = /-----BEGIN RSA PRIVATE KEY-----[\s\S]+?-----END RSA PRIVATE KEY-----/.exec(text);
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text);
  if (!key || !cert) throw new Error('signing key file is not a key + certificate PEM');
  return { keyPem: `${key[0]}\n`, certPem: `${cert[0]}\n` };
}

async function registerCertificate(db: Reader, cert: forge.pki.Certificate, kind: 'ca' | 'agency', agencyId: number | null, now: Date): Promise<string> {
  const fingerprint = certFingerprint(cert);
  const subject = cert.subject.getField('CN')?.value as string | undefined;
  await db
    .insertInto('signing_certificates')
    .values({ fingerprint, agency_id: agencyId, kind, subject: subject ?? '', cert_pem: forge.pki.certificateToPem(cert), not_before: cert.validity.notBefore.toISOString(), not_after: cert.validity.notAfter.toISOString(), created_at: now.toISOString() })
    .onConflict((oc) => oc.column('fingerprint').doNothing())
    .execute();
  return fingerprint;
}

/** The demo city CA: key + certificate from `<dir>/ca.pem`, created on first need. */
function cityCa(dir: string, now: Date): { key: forge.pki.rsa.PrivateKey; cert: forge.pki.Certificate } {
  const file = path.join(dir, 'ca.pem');
  let text: string;
  if (fs.existsSync(file)) text = fs.readFileSync(file, 'utf8');
  else {
    const k = newKeyPair();
    const cert = buildCertificate({ commonName: CA_NAME, organization: 'motcua', publicKey: k.publicKey, signingKey: k.privateKey, now, years: 20, ca: true });
    text = writeOnce(file, `${k.keyPem}${forge.pki.certificateToPem(cert)}`);
  }
  const { keyPem, certPem } = splitPem(text);
  return { key: forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey, cert: forge.pki.certificateFromPem(certPem) };
}

function toP12(key: forge.pki.rsa.PrivateKey, chain: forge.pki.Certificate[], passphrase: string): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, chain, passphrase, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

const cache = new Map<string, AgencySigner>();

/** The signer of an agency: its .p12 when configured, else the demo certificate (created on first need). */
export async function agencySigner(db: Reader, settings: SigningSettings, agency: { id: number; code: string; name: string }, now: Date): Promise<AgencySigner> {
  const cacheKey = `${settings.dir}\n${agency.code}`;
  const cached = cache.get(cacheKey);
  if (cached && cached.agencyId === agency.id) {
    // a fresh database with the same key directory (tests) still needs the rows
    const known = await db.selectFrom('signing_certificates').select('fingerprint').where('fingerprint', '=', cached.fingerprint).executeTakeFirst();
    if (known) return cached;
  }
  const p12File = path.join(settings.dir, 'agencies', `${agency.code}.p12`);
  let signer: AgencySigner;
  if (fs.existsSync(p12File)) {
    const p12 = fs.readFileSync(p12File);
    const parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(p12.toString('binary')), settings.p12Passphrase);
    const keyBag = [...(parsed.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []), ...(parsed.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? [])][0];
    const certs = (parsed.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? []).map((b) => b.cert).filter((c): c is forge.pki.Certificate => !!c);
    const key = keyBag?.key as forge.pki.rsa.PrivateKey | undefined;
    if (!key) throw new Error(`${p12File}: no private key`);
    const own = certs.find((c) => (c.publicKey as forge.pki.rsa.PublicKey).n.equals(key.n));
    if (!own) throw new Error(`${p12File}: no certificate for the key`);
    const chain = certs.filter((c) => c !== own);
    for (const c of chain) await registerCertificate(db, c, 'ca', null, now);
    const fingerprint = await registerCertificate(db, own, 'agency', agency.id, now);
    signer = { agencyId: agency.id, agencyCode: agency.code, name: (own.subject.getField('CN')?.value as string) ?? agency.name, keyPem: forge.pki.privateKeyToPem(key), certPem: forge.pki.certificateToPem(own), chainPem: chain.map((c) => forge.pki.certificateToPem(c)), fingerprint, p12, p12Passphrase: settings.p12Passphrase };
  } else {
    const ca = cityCa(settings.dir, now);
    await registerCertificate(db, ca.cert, 'ca', null, now);
    const file = path.join(settings.dir, 'agencies', `${agency.code}.pem`);
    let text: string;
    if (fs.existsSync(file)) text = fs.readFileSync(file, 'utf8');
    else {
      const k = newKeyPair();
      const cert = buildCertificate({ commonName: agency.name, organization: 'motcua', publicKey: k.publicKey, signingKey: ca.key, issuer: ca.cert, now, years: 5, ca: false });
      text = writeOnce(file, `${k.keyPem}${forge.pki.certificateToPem(cert)}`);
    }
    const { keyPem, certPem } = splitPem(text);
    const cert = forge.pki.certificateFromPem(certPem);
    const fingerprint = await registerCertificate(db, cert, 'agency', agency.id, now);
    const passphrase = randomBytes(12).toString('hex');
    const p12 = toP12(forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey, [cert, ca.cert], passphrase);
    signer = { agencyId: agency.id, agencyCode: agency.code, name: (cert.subject.getField('CN')?.value as string) ?? agency.name, keyPem, certPem, chainPem: [forge.pki.certificateToPem(ca.cert)], fingerprint, p12, p12Passphrase: passphrase };
  }
  cache.set(cacheKey, signer);
  return signer;
}

/** A signer from a bare key + certificate (tests: a foreign signer). */
export function signerFromPem(keyPem: string, certPem: string, name: string): AgencySigner {
  const cert = forge.pki.certificateFromPem(certPem);
  const passphrase = 'test';
  return { agencyId: 0, agencyCode: 'FOREIGN', name, keyPem, certPem, chainPem: [], fingerprint: certFingerprint(cert), p12: toP12(forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey, [cert], passphrase), p12Passphrase: passphrase };
}

export { asciiName };
