// PDF signature of an e-result: a placeholder added as an incremental update
// (@signpdf/placeholder-plain), then a detached PKCS#7 (CMS) signature with SHA-256 by the
// agency's key (@signpdf/signer-p12). Reason, location and name are folded to ASCII: the plain
// placeholder writes them as literal strings and garbles anything else.
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { P12Signer } from '@signpdf/signer-p12';
import { SignPdf } from '@signpdf/signpdf';
import type { AgencySigner } from './certificates.js';

/** Vietnamese → ASCII keeping case and punctuation ("Ủy ban nhân dân" → "Uy ban nhan dan"). */
export function asciiFold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/[()\\]/g, ' ');
}

export interface SignOptions {
  reason: string;
  location: string;
  contact?: string;
  signingTime: Date;
}

export const SIGNATURE_LENGTH = 16_384;

export async function signPdf(pdf: Buffer, signer: AgencySigner, opts: SignOptions): Promise<Buffer> {
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: pdf,
    reason: asciiFold(opts.reason),
    location: asciiFold(opts.location),
    name: asciiFold(signer.name),
    contactInfo: asciiFold(opts.contact ?? ''),
    signingTime: opts.signingTime,
    signatureLength: SIGNATURE_LENGTH,
    appName: 'motcua',
  });
  const p12 = new P12Signer(signer.p12, { passphrase: signer.p12Passphrase });
  return new SignPdf().sign(withPlaceholder, p12, opts.signingTime);
}
