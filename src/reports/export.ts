// Exports of the leader dashboard: an Excel workbook (exceljs, loaded on first use) and the
// printable quarterly report (pdfkit, DejaVu Sans for full Vietnamese coverage), laid out as
// the official report on the results of handling administrative procedures.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import type { DashboardResult } from './dashboard.js';
import type { FrameworkResult } from './indicators.js';
import { vnDay } from './periods.js';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1).replace('.', ',')}%`);
const num = (x: number | null) => (x === null ? '—' : String(x).replace('.', ','));
const vnDateTime = (iso: string) => {
  const d = new Date(Date.parse(iso) + 7 * 3_600_000).toISOString();
  return `${d.slice(11, 16)} ${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
};

export async function dashboardWorkbook(d: DashboardResult, indicators: { c01: FrameworkResult; d766: FrameworkResult }): Promise<Buffer> {
  // loaded on first use: a large library only exports need
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  book.creator = 'motcua';
  const title = `${d.scope.name} — ${vnDay(d.range.from)} đến ${vnDay(d.range.to)}`;
  const bold = (row: { font: unknown }) => ((row as { font: object }).font = { bold: true });

  const summary = book.addWorksheet('Tổng hợp');
  summary.addRow([`THỐNG KÊ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH — ${title}`]);
  bold(summary.addRow(['Chỉ tiêu', 'Giá trị']));
  const t = d.totals;
  const lines: [string, number | string | null][] = [
    ['Hồ sơ tiếp nhận', t.received], ['Trong đó trực tuyến', t.receivedOnline], ['Tỷ lệ trực tuyến', t.onlineShare], ['Đã giải quyết', t.resolved],
    ['Trước hạn', t.early], ['Đúng hạn', t.onTime], ['Quá hạn', t.late], ['Tỷ lệ đúng hạn', t.onTimeRate], ['Từ chối', t.refused], ['Rút hồ sơ', t.withdrawn],
    ['Thời gian giải quyết trung bình (ngày làm việc)', t.avgWorkingDays], ['Lượt đánh giá', t.ratings], ['Không hài lòng', t.dissatisfied], ['Tỷ lệ hài lòng', t.satisfactionRate],
    ['Phản ánh, kiến nghị', t.complaints], ['Đang giải quyết', t.inProgress], ['Đang giải quyết, đã quá hạn', t.inProgressLate],
  ];
  for (const [k, v] of lines) summary.addRow([k, v]);
  for (const r of [4, 9, 15]) summary.getCell(`B${r + 2}`).numFmt = '0.0%';
  summary.getColumn(1).width = 48;
  summary.getColumn(2).width = 16;

  const procs = book.addWorksheet('Theo thủ tục');
  bold(procs.addRow(['Mã thủ tục', 'Tên thủ tục', 'Tiếp nhận', 'Đã giải quyết', 'Quá hạn', 'Tỷ lệ đúng hạn', 'Ngày làm việc TB', 'Tỷ lệ trực tuyến']));
  for (const p of d.byProcedure) procs.addRow([p.code, p.name, p.received, p.resolved, p.late, p.onTimeRate, p.avgWorkingDays, p.onlineShare]);
  procs.columns.forEach((c, i) => (c.width = [16, 60, 12, 14, 10, 14, 16, 16][i] ?? 12));
  procs.getColumn(6).numFmt = '0.0%';
  procs.getColumn(8).numFmt = '0.0%';

  const agencies = book.addWorksheet('Theo đơn vị');
  bold(agencies.addRow(['Mã đơn vị', 'Tên đơn vị', 'Tiếp nhận', 'Đã giải quyết', 'Quá hạn', 'Tỷ lệ đúng hạn', 'Tồn đọng', 'Tồn đọng quá hạn']));
  for (const a of d.byAgency) agencies.addRow([a.code, a.name, a.received, a.resolved, a.late, a.onTimeRate, a.backlog, a.backlogLate]);
  agencies.columns.forEach((c, i) => (c.width = [18, 48, 12, 14, 10, 14, 12, 16][i] ?? 12));
  agencies.getColumn(6).numFmt = '0.0%';

  const trend = book.addWorksheet('Xu hướng');
  bold(trend.addRow(['Kỳ', 'Từ ngày', 'Tiếp nhận', 'Đã giải quyết', 'Quá hạn', 'Tỷ lệ đúng hạn']));
  for (const r of d.trend) trend.addRow([r.label, vnDay(r.from), r.received, r.resolved, r.late, r.onTimeRate]);
  trend.getColumn(6).numFmt = '0.0%';

  const late = book.addWorksheet('Hồ sơ quá hạn');
  bold(late.addRow(['Mã hồ sơ', 'Thủ tục', 'Bước', 'Đơn vị đang giữ', 'Cán bộ', 'Hạn', 'Số giờ làm việc quá hạn']));
  for (const r of d.lateNow) late.addRow([r.code, r.procedure, r.step, r.agency, r.officer ?? '', vnDateTime(r.dueAt), r.lateWorkingHours]);
  late.columns.forEach((c, i) => (c.width = [28, 48, 28, 36, 24, 18, 14][i] ?? 12));

  const ind = book.addWorksheet('Chỉ số');
  bold(ind.addRow(['Bộ chỉ số', 'Nhóm', 'Chỉ số', 'Tử số', 'Mẫu số', 'Giá trị', 'Điểm', 'Tối đa']));
  for (const [name, f] of [['Thông tư 01/2018', indicators.c01], ['Quyết định 766', indicators.d766]] as const) {
    for (const g of f.groups) for (const i of g.indicators) ind.addRow([name, g.name_vi, i.name_vi, i.numerator, i.denominator, i.value, i.score ?? 'Chưa có dữ liệu', i.max]);
    ind.addRow([name, 'Tổng điểm', '', '', '', '', f.total ?? 'Chưa có dữ liệu', f.max]);
  }
  ind.columns.forEach((c, i) => (c.width = [18, 28, 56, 10, 10, 10, 16, 8][i] ?? 12));

  return Buffer.from(await book.xlsx.writeBuffer());
}

// ——— the quarterly report (PDF) ———

let fonts: { regular: Buffer; bold: Buffer; italic: Buffer } | undefined;
function loadFonts() {
  if (!fonts) {
    const require = createRequire(import.meta.url);
    const dir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    fonts = { regular: readFileSync(path.join(dir, 'DejaVuSans.ttf')), bold: readFileSync(path.join(dir, 'DejaVuSans-Bold.ttf')), italic: readFileSync(path.join(dir, 'DejaVuSans-Oblique.ttf')) };
  }
  return fonts;
}

export interface QuarterlyInput {
  dashboard: DashboardResult;
  c01: FrameworkResult;
  d766: FrameworkResult;
  /** when the report was produced (its date line and the PDF's creation date) */
  at: Date;
}

/** The quarterly report in the official layout: A4 landscape, national heading, a table per procedure, the indicators. */
export function renderQuarterlyReport(input: QuarterlyInput): Promise<Buffer> {
  const f = loadFonts();
  const { dashboard: d } = input;
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36, info: { Title: `Báo cáo ${d.range.label} — ${d.scope.name}`, Author: 'motcua', CreationDate: input.at } });
  doc.registerFont('r', f.regular);
  doc.registerFont('b', f.bold);
  doc.registerFont('i', f.italic);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  const W = doc.page.width - 72;
  const left = 36;
  doc.font('b').fontSize(10).text(d.scope.name.toUpperCase(), left, 36, { width: W / 2 - 10, align: 'center' });
  doc.font('b').fontSize(10).text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', left + W / 2, 36, { width: W / 2, align: 'center' });
  doc.font('b').fontSize(10).text('Độc lập - Tự do - Hạnh phúc', left + W / 2, doc.y, { width: W / 2, align: 'center' });
  const local = new Date(input.at.getTime() + 7 * 3_600_000);
  doc.font('i').fontSize(9).text(`ngày ${local.getUTCDate()} tháng ${local.getUTCMonth() + 1} năm ${local.getUTCFullYear()}`, left + W / 2, doc.y + 4, { width: W / 2, align: 'center' });
  doc.moveDown(1.2);
  doc.font('b').fontSize(13).text('BÁO CÁO', left, doc.y, { width: W, align: 'center' });
  doc.font('b').fontSize(11).text('TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH', { width: W, align: 'center' });
  doc.font('r').fontSize(10).text(`Kỳ báo cáo: ${d.range.label} (từ ngày ${vnDay(d.range.from)} đến ngày ${vnDay(d.range.to)})`, { width: W, align: 'center' });
  doc.moveDown(0.8);

  const t = d.totals;
  doc.font('b').fontSize(10).text('I. SỐ LIỆU TỔNG HỢP', left);
  doc.font('r').fontSize(9.5);
  const summary = [
    `Tổng số hồ sơ tiếp nhận: ${t.received} (trực tuyến: ${t.receivedOnline}, tỷ lệ ${pct(t.onlineShare)}).`,
    `Đã giải quyết: ${t.resolved} (trước hạn: ${t.early}; đúng hạn: ${t.onTime}; quá hạn: ${t.late}); tỷ lệ đúng hạn: ${pct(t.onTimeRate)}. Từ chối: ${t.refused}; rút hồ sơ: ${t.withdrawn}.`,
    `Đang giải quyết: ${t.inProgress} (đã quá hạn: ${t.inProgressLate}). Thời gian giải quyết trung bình: ${num(t.avgWorkingDays)} ngày làm việc.`,
    `Đánh giá của người dân, doanh nghiệp: ${t.ratings} lượt, không hài lòng: ${t.dissatisfied} (tỷ lệ hài lòng ${pct(t.satisfactionRate)}). Phản ánh, kiến nghị: ${t.complaints}.`,
  ];
  for (const s of summary) doc.text(`- ${s}`, left + 10, doc.y, { width: W - 10 });
  doc.moveDown(0.6);

  doc.font('b').fontSize(10).text('II. KẾT QUẢ GIẢI QUYẾT THEO THỦ TỤC', left);
  doc.moveDown(0.3);
  const cols = [{ h: 'STT', w: 30 }, { h: 'Thủ tục hành chính', w: W - 30 - 8 * 58 }, { h: 'Tiếp nhận', w: 58 }, { h: 'Trực tuyến', w: 58 }, { h: 'Đã giải quyết', w: 58 }, { h: 'Trước hạn', w: 58 }, { h: 'Đúng hạn', w: 58 }, { h: 'Quá hạn', w: 58 }, { h: 'Tỷ lệ đúng hạn', w: 58 }, { h: 'Ngày làm việc TB', w: 58 }];
  const row = (cells: string[], font: 'r' | 'b') => {
    doc.font(font).fontSize(8);
    const heights = cells.map((c, i) => doc.heightOfString(c, { width: cols[i]!.w - 6 }));
    const h = Math.max(...heights) + 6;
    if (doc.y + h > doc.page.height - 48) doc.addPage();
    const y = doc.y;
    let x = left;
    cells.forEach((c, i) => {
      doc.rect(x, y, cols[i]!.w, h).stroke();
      doc.text(c, x + 3, y + 3, { width: cols[i]!.w - 6, align: i === 1 ? 'left' : 'center' });
      x += cols[i]!.w;
    });
    doc.x = left;
    doc.y = y + h;
  };
  row(cols.map((c) => c.h), 'b');
  d.byProcedure.forEach((p, i) => {
    row([String(i + 1), `${p.name} (${p.code})`, String(p.received), String(p.receivedOnline), String(p.resolved), String(p.early), String(p.onTime), String(p.late), pct(p.onTimeRate), num(p.avgWorkingDays)], 'r');
  });
  row(['', 'Tổng cộng', String(t.received), String(t.receivedOnline), String(t.resolved), String(t.early), String(t.onTime), String(t.late), pct(t.onTimeRate), num(t.avgWorkingDays)], 'b');
  doc.moveDown(0.8);

  const framework = (title: string, r: FrameworkResult) => {
    if (doc.y > doc.page.height - 140) doc.addPage();
    doc.font('b').fontSize(10).text(title, left);
    doc.font('r').fontSize(9);
    for (const g of r.groups) {
      doc.font('b').text(`${g.name_vi}: ${g.score === null ? 'chưa có dữ liệu' : `${num(g.score)}/${g.weight} điểm`}`, left + 10, doc.y, { width: W - 10 });
      doc.font('r');
      for (const i of r.groups.length > 1 || g.indicators.length <= 9 ? g.indicators : []) doc.text(`- ${i.name_vi}: ${i.score === null ? 'chưa có dữ liệu' : `${num(i.score)}/${i.max}`}${i.value !== null ? ` (giá trị ${num(i.value)})` : ''}`, left + 20, doc.y, { width: W - 20 });
    }
    const cls = r.classification ? ` — xếp loại: ${r.classification.name_vi}` : '';
    doc.font('b').text(`Tổng điểm: ${r.total === null ? 'chưa có dữ liệu' : `${num(r.total)}/${r.max}`} (các chỉ số có dữ liệu: tối đa ${r.maxWithData} điểm)${cls}`, left + 10, doc.y, { width: W - 10 });
    doc.moveDown(0.6);
  };
  framework('III. ĐÁNH GIÁ THEO THÔNG TƯ 01/2018/TT-VPCP (ĐIỀU 13)', input.c01);
  framework('IV. BỘ CHỈ SỐ THEO QUYẾT ĐỊNH 766/QĐ-TTg', input.d766);

  if (doc.y > doc.page.height - 110) doc.addPage();
  const y = doc.y + 10;
  doc.font('b').fontSize(10).text('NGƯỜI LẬP BÁO CÁO', left, y, { width: W / 2, align: 'center' });
  doc.font('b').fontSize(10).text('THỦ TRƯỞNG CƠ QUAN', left + W / 2, y, { width: W / 2, align: 'center' });
  doc.font('i').fontSize(9).text('(Ký, ghi rõ họ tên)', left, doc.y, { width: W / 2, align: 'center' });
  doc.font('i').fontSize(9).text('(Ký, đóng dấu)', left + W / 2, y + 14, { width: W / 2, align: 'center' });
  doc.end();
  return done;
}
