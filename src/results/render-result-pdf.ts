// The e-result as a PDF (A4): national heading, issuing agency, title (the evidence type), the
// key fields, dossier code, serial, issue date, validity, a QR code of the public verification
// URL with that URL printed, and the statement that the document carries the agency's digital
// signature. The serial is also in the metadata (Keywords `motcua:serial=<serial>`), so
// verification of an uploaded file can find its row. DejaVu Sans (full Vietnamese coverage).
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { loadFonts } from '../documents/forms-pdf.js';
import { formatVnDate } from '../documents/vn-format.js';
import { SERIAL_MARK } from './serial.js';

export interface ResultPdfData {
  serial: string;
  agencyName: string;
  /** superior agency printed above the agency (optional) */
  parentAgencyName?: string | undefined;
  title: string;
  /** label → value, in order; dates already dd/mm/yyyy */
  fields: { label: string; value: string }[];
  dossierCode: string;
  issuedAt: Date;
  validUntil: string | null;
  verifyUrl: string;
  /** the earlier result this one amends / renews / cancels */
  supersedes?: { serial: string; relation: 'amend' | 'renew' | 'cancel' } | undefined;
}

const A4: [number, number] = [595.28, 841.89];
const M = 56;

/** dd/mm/yyyy of a YYYY-MM-DD date. */
export function vnDay(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

export async function renderResultPdf(d: ResultPdfData): Promise<Buffer> {
  const fonts = loadFonts();
  const qr = await QRCode.toBuffer(d.verifyUrl, { type: 'png', errorCorrectionLevel: 'M', margin: 1, scale: 4 });
  const doc = new PDFDocument({
    size: A4,
    margins: { top: M, bottom: M, left: M, right: M },
    lang: 'vi-VN',
    displayTitle: true,
    info: { Title: d.title, Author: d.agencyName, Subject: `${d.title} - ${d.serial}`, Keywords: `${SERIAL_MARK}${d.serial}`, Creator: 'motcua', Producer: 'motcua (PDFKit)', CreationDate: d.issuedAt, ModDate: d.issuedAt },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('r', fonts.regular);
  doc.registerFont('b', fonts.bold);
  doc.registerFont('i', fonts.italic);
  const W = A4[0] - 2 * M;
  const left = W * 0.42;

  // heading: agency on the left, national motto on the right
  const top = doc.y;
  doc.font('r').fontSize(10);
  if (d.parentAgencyName) doc.text(d.parentAgencyName.toUpperCase(), M, top, { width: left, align: 'center' });
  doc.font('b').fontSize(10).text(d.agencyName.toUpperCase(), M, d.parentAgencyName ? doc.y : top, { width: left, align: 'center' });
  const leftBottom = doc.y;
  doc.font('b').fontSize(10).text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', M + left, top, { width: W - left, align: 'center' });
  doc.font('b').fontSize(11).text('Độc lập - Tự do - Hạnh phúc', M + left, doc.y, { width: W - left, align: 'center', underline: true });
  doc.y = Math.max(leftBottom, doc.y) + 6;
  doc.font('r').fontSize(10).text(`Số: ${d.serial}`, M, doc.y, { width: left, align: 'center' });
  doc.font('i').fontSize(10).text(`Ngày ${formatVnDate(d.issuedAt)}`, M + left, doc.y - doc.currentLineHeight(true), { width: W - left, align: 'center' });
  doc.moveDown(2);

  doc.font('b').fontSize(16).text(d.title.toUpperCase(), M, doc.y, { width: W, align: 'center' });
  if (d.supersedes) {
    const what = d.supersedes.relation === 'amend' ? 'Điều chỉnh' : d.supersedes.relation === 'renew' ? 'Gia hạn / cấp lại' : 'Hủy bỏ';
    doc.font('i').fontSize(10).text(`${what} văn bản số ${d.supersedes.serial}`, { width: W, align: 'center' });
  }
  doc.moveDown(1.5);

  for (const f of d.fields) {
    doc.font('r').fontSize(11).text(`${f.label}: `, M, doc.y, { continued: true, width: W }).font('b').text(f.value || '—');
    doc.moveDown(0.3);
  }
  doc.moveDown(0.8);
  doc.font('r').fontSize(10);
  doc.text(`Mã hồ sơ: ${d.dossierCode}`, M, doc.y, { width: W });
  doc.text(`Số hiệu văn bản điện tử: ${d.serial}`, { width: W });
  doc.text(`Ngày cấp: ${formatVnDate(d.issuedAt)}`, { width: W });
  doc.text(`Có giá trị đến: ${d.validUntil ? vnDay(d.validUntil) : 'Không thời hạn'}`, { width: W });
  doc.moveDown(1.5);

  // QR + verification text
  const qrY = doc.y;
  doc.image(qr, M, qrY, { width: 96, height: 96 });
  doc.font('r').fontSize(9).text('Quét mã QR hoặc truy cập địa chỉ sau để xác minh văn bản:', M + 110, qrY + 8, { width: W - 110 });
  doc.font('b').fontSize(9).text(d.verifyUrl, { width: W - 110, link: d.verifyUrl });
  doc.moveDown(0.5);
  doc.font('i').fontSize(9).text(`Văn bản điện tử có chữ ký số của ${d.agencyName}.`, { width: W - 110 });
  doc.text('Electronic document digitally signed by the issuing agency.', { width: W - 110 });

  doc.end();
  return done;
}
