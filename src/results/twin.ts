// The machine-readable twin of an e-result: a compact JWS (RS256, the agency's key; header `kid`
// = certificate fingerprint, `x5c` = certificate chain) of the key fields and the PDF's digest.
import { createPrivateKey } from 'node:crypto';
import { CompactSign } from 'jose';
import forge from 'node-forge';
import type { AgencySigner } from './certificates.js';

export interface TwinPayload {
  serial: string;
  issuer: string;
  issuerName: string;
  evidenceType: string | null;
  title: string;
  subject: { name: string; id?: string };
  fields: Record<string, string>;
  issuedAt: string;
  validUntil: string | null;
  pdfSha256: string;
  dossierCode: string;
}

function derBase64(pem: string): string {
  return forge.util.encode64(forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(pem))).getBytes());
}

export async function signTwin(payload: TwinPayload, signer: AgencySigner): Promise<string> {
  const key = createPrivateKey(signer.keyPem);
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'RS256', typ: 'motcua-result+jws', kid: signer.fingerprint, x5c: [signer.certPem, ...signer.chainPem].map(derBase64) })
    .sign(key);
}
