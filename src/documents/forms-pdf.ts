// Printable A5 PDFs of the one-stop forms of Circular 01/2018/TT-VPCP:
//   Form 1  Giấy tiếp nhận hồ sơ và hẹn trả kết quả
//   Form 2  Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
//   Form 3  Phiếu từ chối tiếp nhận giải quyết hồ sơ
//   Form 4  Phiếu xin lỗi và hẹn lại ngày trả kết quả
//   Form 5  Phiếu kiểm soát quá trình giải quyết hồ sơ (A5 landscape: its four-column table
//           needs the width)
// Text is set in DejaVu Sans (full Vietnamese coverage, embedded as a subset). Output is
// deterministic: the PDF CreationDate (and therefore the file ID) is taken from the data,
// so rendering the same data twice yields byte-identical files.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { formatVnDate, formatVnDateTime } from './vn-format.js';

// ---------------------------------------------------------------------------------------------
// Data

export type DocumentForm =
  | 'Bản chính'
  | 'Bản sao'
  | 'Bản sao có chứng thực'
  | 'Bản chụp'
  | 'Bản điện tử'
  | (string & {});

export type ReturnMethod =
  | 'Tại Bộ phận Một cửa'
  | 'Qua dịch vụ bưu chính'
  | 'Trực tuyến'
  | (string & {});

export interface ReceiptApplicant {
  name: string;
  address?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
}

export interface ReceiptDocument {
  /** Name of the paper, e.g. "Tờ khai đăng ký khai sinh". */
  name: string;
  /** Already in Vietnamese: "Bản chính", "Bản sao", … */
  form: DocumentForm;
  count: number;
}

/** Form 1: Giấy tiếp nhận hồ sơ và hẹn trả kết quả. */
export interface ReceiptData {
  agencyName: string;
  /** Optional superior agency printed above agencyName (e.g. "UBND PHƯỜNG …"). */
  parentAgencyName?: string | undefined;
  dossierCode: string;
  applicant: ReceiptApplicant;
  procedureName: string;
  documents: ReceiptDocument[];
  setCount: number;
  /** e.g. "03 ngày làm việc". */
  timeLimitText: string;
  receivedAt: Date;
  dueAt: Date;
  returnMethod: ReturnMethod;
  registerBook: string;
  registerEntry: number;
  officerName: string;
  /** Encoded in the QR code. */
  lookupUrl: string;
  /** Short code printed under the QR code: "Mã tra cứu: …". */
  checkValue: string;
}

export interface SupplementItem {
  name: string;
  reason: string;
}

/** Form 2: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ. */
export interface SupplementRequestData {
  agencyName: string;
  parentAgencyName?: string | undefined;
  dossierCode: string;
  addressee: string;
  procedureName: string;
  receivedAt: Date;
  items: SupplementItem[];
  officerName: string;
  issuedAt: Date;
  lookupUrl: string;
  checkValue: string;
}

/** Form 3: Phiếu từ chối tiếp nhận giải quyết hồ sơ. */
export interface RefusalData {
  agencyName: string;
  parentAgencyName?: string | undefined;
  dossierCode?: string | undefined;
  addressee: string;
  procedureName: string;
  reasons: string[];
  officerName: string;
  issuedAt: Date;
  lookupUrl?: string | undefined;
  checkValue?: string | undefined;
}

/** Form 4: Phiếu xin lỗi và hẹn lại ngày trả kết quả. */
export interface ApologyData {
  /** The agency apologising (responsible for the delay). */
  agencyName: string;
  dossierCode: string;
  procedureName: string;
  /** Applicant name. */
  addressee: string;
  receivedAt: Date;
  /** The due date on the receipt. */
  originalDueAt: Date;
  newDueAt: Date;
  /** Reason for the delay. */
  reason: string;
  /** Who signs (the agency's leader). */
  officerName: string;
  issuedAt: Date;
  lookupUrl: string;
  checkValue: string;
}

export type ControlStepResult = 'early' | 'on_time' | 'late' | 'open';

/** One hand-over on the process control slip. */
export interface ControlSlipRow {
  /** Step name, e.g. "Thẩm định hồ sơ". */
  step: string;
  /** Agency handing over. */
  fromAgency: string;
  /** Agency receiving (responsible for the step). */
  toAgency: string;
  handedOverAt: Date;
  /** Officer name ('' if the system handed over). */
  handedOverBy: string;
  /** Officer who took the step ('' if not yet). */
  receivedBy: string;
  /** The step's due time. */
  dueAt: Date | null;
  /** null = still open. */
  doneAt: Date | null;
  result: ControlStepResult;
  note: string;
}

/** Form 5: Phiếu kiểm soát quá trình giải quyết hồ sơ. */
export interface ControlSlipData {
  /** Receiving agency (header). */
  agencyName: string;
  dossierCode: string;
  procedureName: string;
  applicantName: string;
  leadAgency: string;
  cooperatingAgencies: string[];
  receivedAt: Date | null;
  dueAt: Date | null;
  rows: ControlSlipRow[];
  lookupUrl: string;
  checkValue: string;
}

// ---------------------------------------------------------------------------------------------
// Fonts

const FONT = { regular: 'vn-regular', bold: 'vn-bold', italic: 'vn-italic' } as const;
type FontName = (typeof FONT)[keyof typeof FONT];

export interface FontFiles {
  regular: Buffer;
  bold: Buffer;
  italic: Buffer;
}

let fontFiles: FontFiles | undefined;

/** DejaVu Sans regular/bold/oblique (also used by src/results/render-result-pdf.ts). */
export function loadFonts(): FontFiles {
  if (!fontFiles) {
    const require = createRequire(import.meta.url);
    const dir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    fontFiles = {
      regular: readFileSync(path.join(dir, 'DejaVuSans.ttf')),
      bold: readFileSync(path.join(dir, 'DejaVuSans-Bold.ttf')),
      italic: readFileSync(path.join(dir, 'DejaVuSans-Oblique.ttf')),
    };
  }
  return fontFiles;
}

// ---------------------------------------------------------------------------------------------
// Page geometry (points). A5, portrait unless a form asks for landscape.

const A5_SHORT = 420;
const A5_LONG = 595;
const MARGIN_X = 28;
const MARGIN_TOP = 28;
const MARGIN_BOTTOM = 36;
const BODY_SIZE = 9.5;
const SMALL_SIZE = 8;
const LINE_GAP = 1.5;
const QR_SIZE = 54;

interface Column {
  header: string;
  width: number;
  align: 'left' | 'center' | 'right';
}

interface QrMark {
  png: Buffer;
  checkValue?: string | undefined;
}

interface SignatureColumn {
  title: string;
  name: string;
  /** Italic line under the title; "(Ký và ghi rõ họ tên)" unless given. */
  note?: string | undefined;
}

/** A piece of a paragraph set in its own font (e.g. a bold date inside a sentence). */
interface TextRun {
  text: string;
  font?: FontName | undefined;
}

type Orientation = 'portrait' | 'landscape';

/** Thin layout layer over PDFKit: header, fields, paragraphs, tables, signatures, QR. */
class FormWriter {
  readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;
  private readonly pageW: number;
  private readonly pageH: number;
  private readonly contentW: number;

  constructor(title: string, author: string, createdAt: Date, orientation: Orientation = 'portrait') {
    const fonts = loadFonts();
    this.pageW = orientation === 'portrait' ? A5_SHORT : A5_LONG;
    this.pageH = orientation === 'portrait' ? A5_LONG : A5_SHORT;
    this.contentW = this.pageW - 2 * MARGIN_X;
    this.doc = new PDFDocument({
      size: [this.pageW, this.pageH],
      margins: { top: MARGIN_TOP, bottom: MARGIN_BOTTOM, left: MARGIN_X, right: MARGIN_X },
      bufferPages: true,
      lang: 'vi-VN',
      displayTitle: true,
      info: {
        Title: title,
        Author: author,
        Subject: title,
        Creator: 'motcua',
        Producer: 'motcua (PDFKit)',
        CreationDate: createdAt,
        ModDate: createdAt,
      },
    });
    this.done = new Promise<Buffer>((resolve, reject) => {
      this.doc.on('data', (c: Buffer) => this.chunks.push(c));
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
    this.doc.registerFont(FONT.regular, fonts.regular);
    this.doc.registerFont(FONT.bold, fonts.bold);
    this.doc.registerFont(FONT.italic, fonts.italic);
    this.doc.font(FONT.regular).fontSize(BODY_SIZE);
    this.doc.lineWidth(0.6).strokeColor('black').fillColor('black');
  }

  private get maxY(): number {
    return this.pageH - MARGIN_BOTTOM;
  }

  /** Start a new page unless `height` more points fit on this one. */
  ensure(height: number): void {
    if (this.doc.y + height > this.maxY) {
      this.doc.addPage();
      this.doc.x = MARGIN_X;
    }
  }

  gap(points: number): void {
    this.doc.y += points;
  }

  private use(font: FontName, size: number): PDFKit.PDFDocument {
    return this.doc.font(font).fontSize(size);
  }

  /** Largest font size ≤ max at which `text` fits `width` on one line. */
  private fitSize(text: string, font: FontName, max: number, width: number): number {
    this.use(font, max);
    const w = this.doc.widthOfString(text);
    return w <= width ? max : Math.floor(((max * width) / w) * 10) / 10;
  }

  /**
   * Agency top-left (with the QR code of the lookup URL at its left and "Mã tra cứu: …"
   * under it), national name and motto top-right, date (if any) under the motto.
   */
  header(agencyName: string, parentAgencyName: string | undefined, date: Date | undefined, qr?: QrMark): void {
    const doc = this.doc;
    const top = MARGIN_TOP;
    const leftW = 168;
    const rightX = MARGIN_X + leftW + 4;
    const rightW = this.pageW - MARGIN_X - rightX;

    // Left: QR code, then (superior agency) + agency, bold, centred, short rule below.
    let textX = MARGIN_X;
    let textW = leftW;
    let qrBottom = top;
    if (qr) {
      doc.image(qr.png, MARGIN_X - 2, top - 2, { width: QR_SIZE, height: QR_SIZE });
      qrBottom = top - 2 + QR_SIZE;
      if (qr.checkValue) {
        this.use(FONT.bold, 6.5);
        doc.text(`Mã tra cứu: ${qr.checkValue}`, MARGIN_X, qrBottom + 1, { lineBreak: false });
        qrBottom += 1 + doc.currentLineHeight(true);
      }
      textX = MARGIN_X + QR_SIZE + 2;
      textW = leftW - QR_SIZE - 2;
    }
    let y = top;
    if (parentAgencyName) {
      this.use(FONT.regular, 8.5);
      doc.text(parentAgencyName, textX, y, { width: textW, align: 'center', lineGap: 0.5 });
      y = doc.y;
    }
    this.use(FONT.bold, 8.5);
    doc.text(agencyName, textX, y, { width: textW, align: 'center', lineGap: 0.5 });
    y = doc.y + 2;
    const ruleW = Math.min(50, textW - 20);
    doc
      .moveTo(textX + (textW - ruleW) / 2, y)
      .lineTo(textX + (textW + ruleW) / 2, y)
      .stroke();
    const leftBottom = Math.max(y, qrBottom);

    // Right: national name and motto.
    const nation = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
    const motto = 'Độc lập - Tự do - Hạnh phúc';
    const nationSize = this.fitSize(nation, FONT.bold, 8.5, rightW);
    this.use(FONT.bold, nationSize);
    doc.text(nation, rightX, top, { width: rightW, align: 'center', lineBreak: false });
    y = top + doc.currentLineHeight(true) + 1;
    this.use(FONT.bold, 9);
    doc.text(motto, rightX, y, { width: rightW, align: 'center', lineBreak: false });
    y += doc.currentLineHeight(true) + 2;
    const mottoW = doc.widthOfString(motto);
    doc
      .moveTo(rightX + (rightW - mottoW) / 2, y)
      .lineTo(rightX + (rightW + mottoW) / 2, y)
      .stroke();
    let rightBottom = y;
    if (date) {
      y += 5;
      this.use(FONT.italic, 8.5);
      doc.text(`Ngày ${formatVnDate(date)}`, rightX, y, { width: rightW, align: 'center', lineBreak: false });
      rightBottom = y + doc.currentLineHeight(true);
    }

    doc.x = MARGIN_X;
    doc.y = Math.max(leftBottom, rightBottom) + 12;
  }

  /** Centred bold title, optional dossier code line below. */
  title(text: string, dossierCode: string | undefined): void {
    const doc = this.doc;
    this.use(FONT.bold, 11.5);
    doc.text(text, MARGIN_X, doc.y, { width: this.contentW, align: 'center', lineGap: 1 });
    if (dossierCode) {
      doc.y += 2;
      this.use(FONT.regular, BODY_SIZE);
      const label = 'Mã hồ sơ: ';
      const lw = doc.widthOfString(label);
      this.use(FONT.bold, BODY_SIZE);
      const cw = doc.widthOfString(dossierCode);
      const x = MARGIN_X + (this.contentW - lw - cw) / 2;
      const y = doc.y;
      this.use(FONT.regular, BODY_SIZE);
      doc.text(label, x, y, { lineBreak: false });
      this.use(FONT.bold, BODY_SIZE);
      doc.text(dossierCode, x + lw, y, { lineBreak: false });
      doc.y = y + doc.currentLineHeight(true);
    }
    doc.x = MARGIN_X;
    doc.y += 10;
  }

  /**
   * "Label: value" with the value in bold. If label and value do not fit on one line but the
   * value fits on a line of its own, the value goes to the next line (so dates never split).
   */
  field(label: string, value: string, indent = 0): void {
    const doc = this.doc;
    const x = MARGIN_X + indent;
    const width = this.contentW - indent;
    this.use(FONT.regular, BODY_SIZE);
    const lw = doc.widthOfString(`${label} `);
    this.use(FONT.bold, BODY_SIZE);
    const vw = doc.widthOfString(value);
    const oneLine = lw + vw <= width;
    const valueAlone = vw <= width - 12;
    const lineH = doc.currentLineHeight(true) + LINE_GAP;
    if (oneLine || !valueAlone) {
      const h = oneLine ? lineH : doc.heightOfString(value, { width: width - lw, lineGap: LINE_GAP });
      this.ensure(Math.min(h, 3 * lineH));
      const y = doc.y;
      this.use(FONT.regular, BODY_SIZE);
      doc.text(`${label} `, x, y, { lineBreak: false });
      this.use(FONT.bold, BODY_SIZE);
      if (oneLine) {
        doc.text(value, x + lw, y, { lineBreak: false });
        doc.y = y + lineH;
      } else {
        // Long value (e.g. a long procedure name): wrap within the column right of the label.
        doc.text(value, x + lw, y, { width: width - lw, lineGap: LINE_GAP });
      }
    } else {
      this.ensure(2 * lineH);
      const y = doc.y;
      this.use(FONT.regular, BODY_SIZE);
      doc.text(label, x, y, { lineBreak: false });
      this.use(FONT.bold, BODY_SIZE);
      doc.text(value, x + 12, y + lineH, { lineBreak: false });
      doc.y = y + 2 * lineH;
    }
    doc.x = MARGIN_X;
  }

  /**
   * Several "Label: value" fields on one line: each at its equal share of the width if they fit
   * so, else each just after the one before; one field per line if they do not fit at all.
   */
  fieldRow(fields: Array<[label: string, value: string]>): void {
    const doc = this.doc;
    const gap = 16;
    const sizes = fields.map(([label, value]) => {
      this.use(FONT.regular, BODY_SIZE);
      const lw = doc.widthOfString(`${label} `);
      this.use(FONT.bold, BODY_SIZE);
      return { label, value, lw, w: lw + doc.widthOfString(value) };
    });
    const layout = (aligned: boolean): number[] | undefined => {
      const xs: number[] = [];
      let end = -gap;
      sizes.forEach((f, i) => {
        const x = Math.max(aligned ? (i * this.contentW) / sizes.length : 0, end + gap);
        xs.push(x);
        end = x + f.w;
      });
      return end <= this.contentW ? xs : undefined;
    };
    const xs = layout(true) ?? layout(false);
    if (!xs) {
      for (const [label, value] of fields) this.field(label, value);
      return;
    }
    const lineH = doc.currentLineHeight(true) + LINE_GAP;
    this.ensure(lineH);
    const y = doc.y;
    sizes.forEach((f, i) => {
      const x = MARGIN_X + (xs[i] ?? 0);
      this.use(FONT.regular, BODY_SIZE);
      doc.text(`${f.label} `, x, y, { lineBreak: false });
      this.use(FONT.bold, BODY_SIZE);
      doc.text(f.value, x + f.lw, y, { lineBreak: false });
    });
    doc.x = MARGIN_X;
    doc.y = y + lineH;
  }

  /** Wrapped paragraph; runs of text may switch font (in `opts.font` unless a run says otherwise). */
  paragraph(
    text: string | TextRun[],
    opts: { font?: FontName; indent?: number; align?: 'left' | 'justify' } = {},
  ): void {
    const doc = this.doc;
    const indent = opts.indent ?? 0;
    const font = opts.font ?? FONT.regular;
    const runs = typeof text === 'string' ? [{ text }] : text;
    this.use(font, BODY_SIZE);
    const lineH = doc.currentLineHeight(true) + LINE_GAP;
    this.ensure(lineH);
    const y = doc.y;
    runs.forEach((run, i) => {
      this.use(run.font ?? font, BODY_SIZE);
      const continued = i < runs.length - 1;
      if (i === 0) {
        doc.text(run.text, MARGIN_X + indent, y, {
          width: this.contentW - indent,
          lineGap: LINE_GAP,
          align: opts.align ?? 'left',
          continued,
        });
      } else {
        doc.text(run.text, { continued });
      }
    });
    doc.x = MARGIN_X;
  }

  /** Numbered list with hanging indent. */
  numbered(items: string[]): void {
    const doc = this.doc;
    const hang = 18;
    items.forEach((item, i) => {
      this.use(FONT.regular, BODY_SIZE);
      const h = doc.heightOfString(item, { width: this.contentW - hang, lineGap: LINE_GAP });
      this.ensure(Math.min(h, 60));
      const y = doc.y;
      doc.text(`${i + 1}.`, MARGIN_X + 4, y, { lineBreak: false });
      doc.text(item, MARGIN_X + hang, y, { width: this.contentW - hang, lineGap: LINE_GAP });
      doc.y += 1;
    });
    doc.x = MARGIN_X;
  }

  /** Bordered table; rows that do not fit continue on the next page under a repeated header. */
  table(columns: Column[], rows: string[][]): void {
    const doc = this.doc;
    const padX = 3;
    const padY = 2;
    const size = 8.5;
    const tableW = columns.reduce((s, c) => s + c.width, 0);
    const x0 = MARGIN_X + (this.contentW - tableW) / 2;

    const rowHeight = (cells: string[], font: FontName): number => {
      this.use(font, size);
      let h = 0;
      columns.forEach((c, i) => {
        const t = cells[i] ?? '';
        h = Math.max(h, doc.heightOfString(t === '' ? ' ' : t, { width: c.width - 2 * padX, lineGap: 0.5 }));
      });
      return h + 2 * padY;
    };

    const drawRow = (cells: string[], font: FontName, fill: boolean): void => {
      const h = rowHeight(cells, font);
      const y = doc.y;
      if (fill) doc.rect(x0, y, tableW, h).fillColor('#e6e6e6').fill().fillColor('black');
      let x = x0;
      this.use(font, size);
      columns.forEach((c, i) => {
        doc.rect(x, y, c.width, h).stroke();
        const t = cells[i] ?? '';
        const align = fill ? 'center' : c.align;
        doc.text(t, x + padX, y + padY, { width: c.width - 2 * padX, align, lineGap: 0.5 });
        x += c.width;
      });
      doc.x = MARGIN_X;
      doc.y = y + h;
    };

    const headerCells = columns.map((c) => c.header);
    const headerH = rowHeight(headerCells, FONT.bold);
    const firstH = rows[0] ? rowHeight(rows[0], FONT.regular) : 0;
    this.ensure(headerH + firstH);
    drawRow(headerCells, FONT.bold, true);
    for (const row of rows) {
      const h = rowHeight(row, FONT.regular);
      if (doc.y + h > this.maxY) {
        doc.addPage();
        drawRow(headerCells, FONT.bold, true);
      }
      drawRow(row, FONT.regular, false);
    }
    doc.y += 6;
  }

  /** Signature block: one column sits in the right half of the page, two fill both halves. */
  signatures(cols: SignatureColumn[]): void {
    const doc = this.doc;
    const half = this.contentW / 2;
    const sigSpace = 40;
    this.use(FONT.bold, BODY_SIZE);
    const titleH = doc.currentLineHeight(true);
    const height = 2 * titleH + 6 + sigSpace + titleH;
    this.ensure(height + 8);
    doc.y += 8;
    const y = doc.y;
    const first = 2 - cols.length;
    let bottom = y + height;
    cols.forEach((col, i) => {
      const x = MARGIN_X + (first + i) * half;
      this.use(FONT.bold, BODY_SIZE);
      doc.text(col.title, x, y, { width: half, align: 'center', lineBreak: false });
      this.use(FONT.italic, SMALL_SIZE);
      const note = col.note ?? '(Ký và ghi rõ họ tên)';
      doc.text(note, x, y + titleH + 1, { width: half, align: 'center', lineBreak: false });
      this.use(FONT.bold, BODY_SIZE);
      doc.text(col.name, x, y + 2 * titleH + 6 + sigSpace, { width: half, align: 'center' });
      bottom = Math.max(bottom, doc.y);
    });
    doc.x = MARGIN_X;
    doc.y = bottom + 4;
  }

  /**
   * Bottom margin: on the last page, where to look the dossier up; on every page, when there
   * are several, the dossier code and page number.
   */
  private footers(dossierCode: string | undefined, lookupUrl: string | undefined): void {
    const doc = this.doc;
    const range = doc.bufferedPageRange();
    for (let i = 0; i < range.count; i++) {
      const last = i === range.count - 1;
      if (range.count < 2 && !lookupUrl) continue;
      doc.switchToPage(range.start + i);
      const savedBottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0; // writing below the bottom margin must not add a page
      if (last && lookupUrl) {
        const text = `Tra cứu tình trạng hồ sơ: quét mã QR hoặc truy cập ${lookupUrl}`;
        this.use(FONT.italic, this.fitSize(text, FONT.italic, 7, this.contentW));
        doc.text(text, MARGIN_X, this.pageH - MARGIN_BOTTOM + 8, {
          width: this.contentW,
          align: 'center',
          lineBreak: false,
        });
      }
      if (range.count > 1) {
        this.use(FONT.regular, 7);
        const text = `${dossierCode ? `Mã hồ sơ: ${dossierCode} - ` : ''}Trang ${i + 1}/${range.count}`;
        doc.text(text, MARGIN_X, this.pageH - MARGIN_BOTTOM + 18, {
          width: this.contentW,
          align: 'center',
          lineBreak: false,
        });
      }
      doc.page.margins.bottom = savedBottom;
    }
  }

  finish(dossierCode: string | undefined, lookupUrl: string | undefined): Promise<Buffer> {
    this.footers(dossierCode, lookupUrl);
    this.doc.end();
    return this.done;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

async function qrPng(url: string): Promise<Buffer> {
  // Grayscale PNG (colour type 0): no alpha channel, so the PDF gets a single image XObject
  // (an RGBA PNG would add an SMask image). colorType is a pngjs option that @types/qrcode
  // does not list, hence the untyped options object.
  const options = {
    type: 'png' as const,
    errorCorrectionLevel: 'M' as const,
    margin: 1,
    scale: 4,
    rendererOpts: { deflateLevel: 9, colorType: 0 },
  };
  return QRCode.toBuffer(url, options);
}

function twoDigits(n: number): string {
  return n >= 0 && n < 10 ? `0${n}` : String(n);
}

function assertDate(d: Date, what: string): void {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new RangeError(`${what}: invalid date`);
}

/**
 * "hh:mm dd/mm/yyyy" in Vietnam time, e.g. 2026-03-02T02:30:00Z → "09:30 02/03/2026". Built from
 * formatVnDateTime so the UTC+7 logic stays in vn-format.
 */
function formatVnTimeDate(instant: Date): string {
  const long = formatVnDateTime(instant);
  const m = /^(\d{2}) giờ (\d{2}) phút, ngày (\d{2}\/\d{2}\/\d{4})$/.exec(long);
  if (!m) throw new Error(`unexpected date format: ${long}`);
  return `${m[1]}:${m[2]} ${m[3]}`;
}

/** Join the words with no-break spaces, so a date inside running text never splits. */
function noBreak(text: string): string {
  return text.replace(/ /g, '\u00a0');
}

// ---------------------------------------------------------------------------------------------
// Form 1

export async function renderReceipt(d: ReceiptData): Promise<Buffer> {
  assertDate(d.receivedAt, 'receivedAt');
  assertDate(d.dueAt, 'dueAt');
  const qr = await qrPng(d.lookupUrl);
  const title = 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ';
  const w = new FormWriter(`${title} - ${d.dossierCode}`, d.agencyName, d.receivedAt);

  w.header(d.agencyName, d.parentAgencyName, d.receivedAt, { png: qr, checkValue: d.checkValue });
  w.title(title, d.dossierCode);

  w.field('Tiếp nhận hồ sơ của:', d.applicant.name);
  if (d.applicant.address) w.field('Địa chỉ:', d.applicant.address);
  if (d.applicant.phone) w.field('Số điện thoại:', d.applicant.phone);
  if (d.applicant.email) w.field('Thư điện tử:', d.applicant.email);
  w.field('Nội dung yêu cầu giải quyết:', d.procedureName);
  w.gap(3);

  w.paragraph('1. Thành phần hồ sơ nộp gồm:');
  w.gap(2);
  w.table(
    [
      { header: 'TT', width: 22, align: 'center' },
      { header: 'Tên loại giấy tờ', width: 190, align: 'left' },
      { header: 'Hình thức', width: 104, align: 'center' },
      { header: 'Số lượng', width: 48, align: 'center' },
    ],
    d.documents.map((doc, i) => [String(i + 1), doc.name, doc.form, twoDigits(doc.count)]),
  );

  w.field('2. Số lượng hồ sơ:', `${twoDigits(d.setCount)} (bộ)`);
  w.field('3. Thời gian giải quyết hồ sơ theo quy định:', d.timeLimitText);
  w.field('4. Thời gian nhận hồ sơ:', formatVnDateTime(d.receivedAt));
  w.field('5. Thời gian trả kết quả giải quyết hồ sơ:', formatVnDateTime(d.dueAt));
  w.field('6. Hình thức nhận kết quả:', d.returnMethod);
  w.field('Vào Sổ theo dõi hồ sơ, Quyển số:', `${d.registerBook}, Số thứ tự: ${d.registerEntry}`);

  w.signatures([
    { title: 'NGƯỜI NỘP HỒ SƠ', name: d.applicant.name },
    { title: 'NGƯỜI TIẾP NHẬN HỒ SƠ', name: d.officerName },
  ]);
  return w.finish(d.dossierCode, d.lookupUrl);
}

// ---------------------------------------------------------------------------------------------
// Form 2

export async function renderSupplementRequest(d: SupplementRequestData): Promise<Buffer> {
  assertDate(d.receivedAt, 'receivedAt');
  assertDate(d.issuedAt, 'issuedAt');
  const qr = await qrPng(d.lookupUrl);
  const title = 'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ';
  const w = new FormWriter(`${title} - ${d.dossierCode}`, d.agencyName, d.issuedAt);

  w.header(d.agencyName, d.parentAgencyName, d.issuedAt, { png: qr, checkValue: d.checkValue });
  w.title(title, d.dossierCode);

  w.field('Kính gửi:', d.addressee);
  w.field('Nội dung yêu cầu giải quyết:', d.procedureName);
  w.field('Thời gian tiếp nhận hồ sơ:', formatVnDateTime(d.receivedAt));
  w.gap(3);
  w.paragraph(
    `Sau khi xem xét, ${d.agencyName} thấy hồ sơ chưa đầy đủ, hợp lệ. ` +
      'Đề nghị bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:',
  );
  w.gap(3);
  w.table(
    [
      { header: 'TT', width: 24, align: 'center' },
      { header: 'Nội dung cần bổ sung, hoàn thiện', width: 170, align: 'left' },
      { header: 'Lý do', width: 170, align: 'left' },
    ],
    d.items.map((item, i) => [String(i + 1), item.name, item.reason]),
  );
  w.paragraph(
    `Trong quá trình bổ sung, hoàn thiện hồ sơ, nếu có vướng mắc, đề nghị liên hệ ${d.agencyName} ` +
      'để được hướng dẫn.',
  );

  w.signatures([{ title: 'NGƯỜI HƯỚNG DẪN', name: d.officerName }]);
  return w.finish(d.dossierCode, d.lookupUrl);
}

// ---------------------------------------------------------------------------------------------
// Form 3

export async function renderRefusal(d: RefusalData): Promise<Buffer> {
  assertDate(d.issuedAt, 'issuedAt');
  const qr = d.lookupUrl ? await qrPng(d.lookupUrl) : undefined;
  const title = 'PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ';
  const w = new FormWriter(d.dossierCode ? `${title} - ${d.dossierCode}` : title, d.agencyName, d.issuedAt);

  w.header(d.agencyName, d.parentAgencyName, d.issuedAt, qr ? { png: qr, checkValue: d.checkValue } : undefined);
  w.title(title, d.dossierCode);

  w.field('Kính gửi:', d.addressee);
  w.field('Nội dung yêu cầu giải quyết:', d.procedureName);
  w.gap(3);
  w.paragraph(
    `Qua xem xét hồ sơ, ${d.agencyName} thông báo không tiếp nhận, giải quyết hồ sơ này ` +
      'với lý do cụ thể như sau:',
  );
  w.gap(3);
  w.numbered(d.reasons);
  w.gap(2);
  w.paragraph('Xin thông báo để được biết và thực hiện./.');

  w.signatures([{ title: 'NGƯỜI TIẾP NHẬN HỒ SƠ', name: d.officerName }]);
  return w.finish(d.dossierCode, d.lookupUrl);
}

// ---------------------------------------------------------------------------------------------
// Form 4

export async function renderApology(d: ApologyData): Promise<Buffer> {
  assertDate(d.receivedAt, 'receivedAt');
  assertDate(d.originalDueAt, 'originalDueAt');
  assertDate(d.newDueAt, 'newDueAt');
  assertDate(d.issuedAt, 'issuedAt');
  const qr = await qrPng(d.lookupUrl);
  const title = 'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ';
  const w = new FormWriter(`${title} - ${d.dossierCode}`, d.agencyName, d.issuedAt);

  w.header(d.agencyName, undefined, d.issuedAt, { png: qr, checkValue: d.checkValue });
  w.title(title, d.dossierCode);

  w.paragraph([
    { text: `${d.agencyName} tiếp nhận hồ sơ của ` },
    { text: d.addressee, font: FONT.bold },
    { text: '.' },
  ]);
  w.field('Nội dung yêu cầu giải quyết:', d.procedureName);
  w.field('Thời gian tiếp nhận hồ sơ:', formatVnTimeDate(d.receivedAt));
  w.field('Thời gian hẹn trả kết quả:', formatVnTimeDate(d.originalDueAt));
  w.gap(3);
  w.paragraph(`Tuy nhiên đến nay, ${d.agencyName} chưa trả kết quả giải quyết hồ sơ cho Ông/Bà đúng hẹn.`);
  w.gap(2);
  w.paragraph(`Lý do: ${d.reason}`);
  w.gap(2);
  w.paragraph([
    {
      text:
        `Sự chậm trễ này đã gây phiền hà cho Ông/Bà. ${d.agencyName} xin lỗi Ông/Bà ` +
        'và hẹn lại ngày trả kết quả: ',
    },
    { text: noBreak(formatVnTimeDate(d.newDueAt)), font: FONT.bold },
    { text: '.' },
  ]);
  w.gap(2);
  w.paragraph('Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./.');

  w.signatures([{ title: 'THỦ TRƯỞNG CƠ QUAN', note: '(Ký, ghi rõ họ tên và đóng dấu)', name: d.officerName }]);
  return w.finish(d.dossierCode, d.lookupUrl);
}

// ---------------------------------------------------------------------------------------------
// Form 5

const STEP_RESULT: Record<ControlStepResult, string> = {
  early: 'Trước hạn',
  on_time: 'Đúng hạn',
  late: 'Quá hạn',
  open: 'Đang xử lý',
};

export async function renderControlSlip(d: ControlSlipData): Promise<Buffer> {
  if (d.receivedAt) assertDate(d.receivedAt, 'receivedAt');
  if (d.dueAt) assertDate(d.dueAt, 'dueAt');
  d.rows.forEach((r, i) => {
    assertDate(r.handedOverAt, `rows[${i}].handedOverAt`);
    if (r.dueAt) assertDate(r.dueAt, `rows[${i}].dueAt`);
    if (r.doneAt) assertDate(r.doneAt, `rows[${i}].doneAt`);
  });
  const qr = await qrPng(d.lookupUrl);
  const title = 'PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ';
  // The slip is the dossier's state as of its latest event: that is its date (and keeps the
  // output deterministic).
  const events = [d.receivedAt, ...d.rows.flatMap((r) => [r.handedOverAt, r.doneAt])]
    .filter((t): t is Date => t !== null)
    .map((t) => t.getTime());
  const asOf = new Date(events.length ? Math.max(...events) : 0);
  const w = new FormWriter(`${title} - ${d.dossierCode}`, d.agencyName, asOf, 'landscape');

  w.header(d.agencyName, undefined, undefined, { png: qr, checkValue: d.checkValue });
  w.title(title, d.dossierCode);

  w.fieldRow([
    ['Người nộp hồ sơ:', d.applicantName],
    ['Nội dung yêu cầu giải quyết:', d.procedureName],
  ]);
  const times: Array<[string, string]> = [];
  if (d.receivedAt) times.push(['Thời gian tiếp nhận hồ sơ:', formatVnTimeDate(d.receivedAt)]);
  if (d.dueAt) times.push(['Thời gian hẹn trả kết quả:', formatVnTimeDate(d.dueAt)]);
  if (times.length) w.fieldRow(times);
  w.field('Cơ quan chủ trì giải quyết:', d.leadAgency);
  w.field(
    'Cơ quan phối hợp giải quyết:',
    d.cooperatingAgencies.length ? d.cooperatingAgencies.join('; ') : 'Không',
  );
  w.gap(4);
  w.table(
    [
      { header: 'TÊN CƠ QUAN', width: 115, align: 'left' },
      { header: 'THỜI GIAN GIAO, NHẬN HỒ SƠ', width: 194, align: 'left' },
      { header: 'KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/đúng hạn/quá hạn)', width: 120, align: 'left' },
      { header: 'GHI CHÚ', width: 110, align: 'left' },
    ],
    d.rows.map((r) => {
      const giver = r.handedOverBy ? `${r.handedOverBy} (${r.fromAgency})` : r.fromAgency;
      const handover =
        `Giao: ${formatVnTimeDate(r.handedOverAt)} — ${giver}\n` + `Nhận: ${r.receivedBy || '(chưa nhận)'}`;
      const result = [
        STEP_RESULT[r.result],
        ...(r.dueAt ? [`Hạn: ${formatVnTimeDate(r.dueAt)}`] : []),
        ...(r.doneAt ? [`Xong: ${formatVnTimeDate(r.doneAt)}`] : []),
      ].join('\n');
      const note = r.note ? `${r.step}\n${r.note}` : r.step;
      return [r.toAgency, handover, result, note];
    }),
  );

  return w.finish(d.dossierCode, d.lookupUrl);
}
