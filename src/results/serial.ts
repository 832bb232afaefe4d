// Serial numbers of e-results: 16 characters of Crockford base32 (80 random bits), printed with
// the QR code and put in the PDF metadata (`motcua:serial=<serial>`). Unguessable: the public
// verification page shows the key fields of the result to whoever holds the serial.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const SERIAL_PATTERN = '^[0-9A-HJKMNP-TV-Z]{16}$';
const SERIAL_RE = new RegExp(SERIAL_PATTERN);

export function newSerial(bytes: Buffer = randomBytes(10)): string {
  if (bytes.length !== 10) throw new RangeError('a serial takes 10 random bytes');
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 15; i >= 0; i--) out += ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return out;
}

export function isSerial(s: string): boolean {
  return SERIAL_RE.test(s);
}

/** Reads a serial typed by a person: case-insensitive, I/L → 1, O → 0, spaces and dashes ignored. */
export function normaliseSerial(s: string): string {
  return s.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

/** The metadata mark in the PDF (Keywords) that lets verification of an uploaded file find its row. */
export const SERIAL_MARK = 'motcua:serial=';

export function serialInPdf(pdf: Buffer): string | undefined {
  const i = pdf.indexOf(SERIAL_MARK, 0, 'latin1');
  if (i < 0) return undefined;
  const s = pdf.subarray(i + SERIAL_MARK.length, i + SERIAL_MARK.length + 16).toString('latin1');
  return isSerial(s) ? s : undefined;
}
