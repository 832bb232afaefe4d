// Verification of e-results, pure over the bytes and a lookup of our certificates and results.
// A PDF: its ByteRange must cover the whole file but the /Contents hole (nothing appended), the
// PKCS#7 messageDigest must equal sha256 of the signed ranges, the signature over the
// authenticated attributes must verify with the signer's certificate, that certificate must be
// one of ours, chain to our CA and be valid at signing time; then the serial in the metadata
// finds the result, whose recorded digest must equal the file's. A JWS: its kid must be one of
// our certificates, the signature must verify, and the payload must match the stored result.
import { createHash, createPublicKey } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import forge from 'node-forge';
import { serialInPdf } from './serial.js';
import type { TwinPayload } from './twin.js';

export const VERDICTS = ['valid', 'revoked', 'superseded', 'cancelled', 'expired', 'tampered', 'unknown_signer', 'not_signed', 'unknown_result', 'not_a_pdf', 'unknown_key', 'bad_signature', 'malformed'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface KnownCertificate {
  fingerprint: string;
  kind: 'ca' | 'agency' | string;
  certPem: string;
}

export interface KnownResult {
  serial: string;
  status: string;
  statusAt: string | null;
  statusReason: string | null;
  supersededBy: string | null;
  validUntil: string | null;
  pdfSha256: string;
  twin: string;
  certFingerprint: string;
}

export interface VerifyLookup {
  certificate(fingerprint: string): Promise<KnownCertificate | undefined>;
  authorities(): Promise<KnownCertificate[]>;
  result(serial: string): Promise<KnownResult | undefined>;
}

export interface VerifyOutcome {
  verdict: Verdict;
  /** why, for tampered / unknown_signer / malformed: a stable code */
  detail?: string;
  serial?: string;
  signer?: { name: string; fingerprint: string };
  signedAt?: string;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** The status verdict of a stored result on `today` (YYYY-MM-DD, Vietnam). */
export function statusVerdict(r: KnownResult, today: string): Verdict {
  if (r.status === 'revoked') return 'revoked';
  if (r.status === 'superseded') return 'superseded';
  if (r.status === 'cancelled') return 'cancelled';
  if (r.validUntil && r.validUntil < today) return 'expired';
  return 'valid';
}

function parseByteRange(pdf: Buffer): number[] | undefined {
  const at = pdf.lastIndexOf('/ByteRange', undefined, 'latin1');
  if (at < 0) return undefined;
  const m = /^\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(pdf.subarray(at, at + 120).toString('latin1'));
  return m ? m.slice(1, 5).map(Number) : [];
}

function attr(attrs: forge.asn1.Asn1[], oid: string): forge.asn1.Asn1 | undefined {
  for (const a of attrs) {
    const seq = a.value as forge.asn1.Asn1[];
    if (forge.asn1.derToOid((seq[0]!.value as string)) === oid) return (seq[1]!.value as forge.asn1.Asn1[])[0];
  }
  return undefined;
}

export async function verifyPdf(pdf: Buffer, lookup: VerifyLookup, today: string): Promise<VerifyOutcome> {
  if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') return { verdict: 'not_a_pdf' };
  const br = parseByteRange(pdf);
  if (br === undefined) return { verdict: 'not_signed' };
  if (br.length !== 4) return { verdict: 'tampered', detail: 'byte_range' };
  const [a, b, c, d] = br as [number, number, number, number];
  if (a !== 0 || c <= b || c + d !== pdf.length) return { verdict: 'tampered', detail: 'byte_range' };
  const hole = pdf.subarray(b, c).toString('latin1');
  if (!/^<[0-9a-fA-F]+>$/.test(hole)) return { verdict: 'tampered', detail: 'contents' };
  const signed = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);

  let p7: forge.pkcs7.PkcsSignedData & { rawCapture: Record<string, unknown> };
  try {
    const der = Buffer.from(hole.slice(1, -1), 'hex').toString('binary');
    const asn1 = forge.asn1.fromDer(der, { strict: false, parseAllBytes: false } as unknown as boolean);
    p7 = forge.pkcs7.messageFromAsn1(asn1) as typeof p7;
  } catch {
    return { verdict: 'tampered', detail: 'signature_unreadable' };
  }
  // everything below reads attacker-controlled ASN.1: any shape we cannot read is a tampered signature, never a 500
  let signer: forge.pki.Certificate | undefined;
  let signedAt: Date | undefined;
  try {
    const raw = p7.rawCapture as { authenticatedAttributes?: forge.asn1.Asn1[]; signature?: string };
    const attrs = raw.authenticatedAttributes;
    if (!attrs || !raw.signature) return { verdict: 'tampered', detail: 'signature_unreadable' };
    const digestAttr = attr(attrs, forge.pki.oids.messageDigest!);
    if (!digestAttr || Buffer.from(digestAttr.value as string, 'binary').toString('hex') !== sha256(signed)) return { verdict: 'tampered', detail: 'digest' };
    const timeAttr = attr(attrs, forge.pki.oids.signingTime!);
    signedAt = timeAttr ? (timeAttr.type === forge.asn1.Type.UTCTIME ? forge.asn1.utcTimeToDate(timeAttr.value as string) : forge.asn1.generalizedTimeToDate(timeAttr.value as string)) : undefined;

    // the authenticated attributes are signed as a SET OF (not the [0] IMPLICIT tag they carry)
    const set = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, attrs);
    const md = forge.md.sha256.create();
    md.update(forge.asn1.toDer(set).getBytes());
    signer = p7.certificates.find((cert) => {
      try {
        return (cert.publicKey as forge.pki.rsa.PublicKey).verify(md.digest().bytes(), raw.signature!);
      } catch {
        return false;
      }
    });
    if (!signer) return { verdict: 'tampered', detail: 'signature' };
    if (signedAt && Number.isNaN(signedAt.getTime())) return { verdict: 'tampered', detail: 'signature_unreadable' };
  } catch {
    return { verdict: 'tampered', detail: 'signature_unreadable' };
  }
  if (!signer) return { verdict: 'tampered', detail: 'signature' };
  const fingerprint = createHash('sha256').update(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(signer)).getBytes(), 'binary')).digest('hex');
  const name = (signer.subject.getField('CN')?.value as string | undefined) ?? '';
  const who = { name, fingerprint };
  const at = signedAt?.toISOString();
  const known = await lookup.certificate(fingerprint);
  if (!known || known.kind !== 'agency') return { verdict: 'unknown_signer', detail: 'certificate_unknown', signer: who, ...(at ? { signedAt: at } : {}) };
  const chained = (await lookup.authorities()).some((ca) => {
    try {
      return forge.pki.certificateFromPem(ca.certPem).verify(signer);
    } catch {
      return false;
    }
  });
  if (!chained) return { verdict: 'unknown_signer', detail: 'not_chained', signer: who };
  if (signedAt && (signedAt < signer.validity.notBefore || signedAt > signer.validity.notAfter)) return { verdict: 'unknown_signer', detail: 'certificate_not_valid_at_signing', signer: who };

  const serial = serialInPdf(signed);
  if (!serial) return { verdict: 'unknown_result', signer: who, ...(at ? { signedAt: at } : {}) };
  const row = await lookup.result(serial);
  if (!row) return { verdict: 'unknown_result', serial, signer: who };
  if (row.pdfSha256 !== sha256(pdf)) return { verdict: 'tampered', detail: 'not_the_issued_file', serial, signer: who };
  return { verdict: statusVerdict(row, today), serial, signer: who, ...(at ? { signedAt: at } : {}) };
}

export async function verifyJws(jws: string, lookup: VerifyLookup, today: string): Promise<VerifyOutcome> {
  let kid: string | undefined;
  try {
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(jws.trim())) throw new Error('not compact');
    const h = decodeProtectedHeader(jws.trim());
    if (h.alg !== 'RS256') return { verdict: 'malformed', detail: 'algorithm' };
    kid = typeof h.kid === 'string' ? h.kid : undefined;
  } catch {
    return { verdict: 'malformed', detail: 'not_a_jws' };
  }
  const cert = kid ? await lookup.certificate(kid) : undefined;
  if (!cert || cert.kind !== 'agency') return { verdict: 'unknown_key' };
  let payload: TwinPayload;
  try {
    const { payload: bytes } = await compactVerify(jws.trim(), createPublicKey(cert.certPem), { algorithms: ['RS256'] });
    payload = JSON.parse(new TextDecoder().decode(bytes)) as TwinPayload;
  } catch (e) {
    if (e instanceof SyntaxError) return { verdict: 'malformed', detail: 'payload' };
    return { verdict: 'bad_signature' };
  }
  const name = (forge.pki.certificateFromPem(cert.certPem).subject.getField('CN')?.value as string | undefined) ?? '';
  const who = { name, fingerprint: cert.fingerprint };
  if (typeof payload?.serial !== 'string') return { verdict: 'malformed', detail: 'payload' };
  const row = await lookup.result(payload.serial);
  if (!row) return { verdict: 'unknown_result', serial: payload.serial, signer: who };
  if (row.twin !== jws.trim() || row.certFingerprint !== cert.fingerprint) return { verdict: 'tampered', detail: 'not_the_issued_twin', serial: payload.serial, signer: who };
  return { verdict: statusVerdict(row, today), serial: payload.serial, signer: who, signedAt: payload.issuedAt };
}
