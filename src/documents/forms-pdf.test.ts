import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  renderApology,
  renderControlSlip,
  renderReceipt,
  renderRefusal,
  renderSupplementRequest,
  type ApologyData,
  type ControlSlipData,
  type ControlSlipRow,
  type ReceiptData,
  type RefusalData,
  type SupplementRequestData,
} from './forms-pdf.js';

const dir = mkdtempSync(path.join(tmpdir(), 'motcua-forms-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
function save(pdf: Buffer): string {
  const file = path.join(dir, `form-${++fileNo}.pdf`);
  writeFileSync(file, pdf);
  return file;
}
function pdfinfo(file: string): string {
  return execFileSync('pdfinfo', [file], { encoding: 'utf8' });
}
function pdftext(file: string): string {
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).normalize('NFC');
}
function pdfpage(file: string, page: number): string {
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-f', String(page), '-l', String(page), file, '-'], {
    encoding: 'utf8',
  }).normalize('NFC');
}
function pageCount(file: string): number {
  const m = /^Pages:\s+(\d+)/m.exec(pdfinfo(file));
  return Number(m?.[1]);
}
function imageCount(file: string): number {
  const lines = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).trim().split('\n');
  return lines.slice(2).filter((l) => /\bimage\b/.test(l)).length;
}
/** Image XObjects, counted in the (uncompressed) object dictionaries. */
function rawImageCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Subtype \/Image/g)?.length ?? 0;
}

const AGENCY = 'Bộ phận Tiếp nhận và Trả kết quả UBND phường Hồng Bàng';
const CODE = 'H15.50.05.13-261008-0975';
const URL = `https://motcua.example.vn/tra-cuu/${CODE}`;

const documents = [
  { name: 'Tờ khai đăng ký khai sinh', form: 'Bản chính', count: 1 },
  { name: 'Giấy chứng sinh', form: 'Bản chính', count: 1 },
  {
    name: 'Giấy tờ tùy thân của người đi đăng ký khai sinh (Căn cước hoặc Hộ chiếu còn giá trị sử dụng)',
    form: 'Bản sao có chứng thực',
    count: 1,
  },
  { name: 'Giấy chứng nhận kết hôn của cha mẹ', form: 'Bản sao', count: 2 },
];

function receipt(over: Partial<ReceiptData> = {}): ReceiptData {
  return {
    agencyName: AGENCY,
    dossierCode: CODE,
    applicant: {
      name: 'Nguyễn Thị Thu Hằng',
      address: 'Số 12 ngõ 45 phố Lạch Tray, phường Lạch Tray, thành phố Hải Phòng',
      phone: '0912 345 678',
      email: 'hang.ntt@example.vn',
    },
    procedureName: 'Đăng ký khai sinh',
    documents,
    setCount: 1,
    timeLimitText: '03 ngày làm việc',
    receivedAt: new Date('2026-10-08T01:30:00Z'),
    dueAt: new Date('2026-10-13T10:00:00Z'),
    returnMethod: 'Tại Bộ phận Một cửa',
    registerBook: '02/2026',
    registerEntry: 975,
    officerName: 'Trần Văn Bình',
    lookupUrl: URL,
    checkValue: 'K7Q2-9XPA',
    ...over,
  };
}

const supplement: SupplementRequestData = {
  agencyName: AGENCY,
  dossierCode: CODE,
  addressee: 'Bà Nguyễn Thị Thu Hằng',
  procedureName: 'Đăng ký khai sinh',
  receivedAt: new Date('2026-10-08T01:30:00Z'),
  items: [
    { name: 'Giấy chứng sinh', reason: 'Bản chụp không rõ chữ' },
    { name: 'Tờ khai đăng ký khai sinh', reason: 'Thiếu chữ ký' },
  ],
  officerName: 'Trần Văn Bình',
  issuedAt: new Date('2026-10-09T02:00:00Z'),
  lookupUrl: URL,
  checkValue: 'K7Q2-9XPA',
};

const refusal: RefusalData = {
  agencyName: AGENCY,
  dossierCode: CODE,
  addressee: 'Ông Lê Văn Dũng',
  procedureName: 'Đăng ký khai sinh',
  reasons: ['Hồ sơ không thuộc thẩm quyền', 'Trẻ đã được đăng ký khai sinh tại nơi khác'],
  officerName: 'Trần Văn Bình',
  issuedAt: new Date('2026-10-09T02:00:00Z'),
  lookupUrl: URL,
  checkValue: 'K7Q2-9XPA',
};

const WARD = 'UBND P. Hoàng Văn Thụ';
const WARD_CODE = 'H15.50.05.13-260302-0012';
const WARD_URL = `https://motcua.example.vn/tra-cuu/${WARD_CODE}`;

const apology: ApologyData = {
  agencyName: WARD,
  dossierCode: WARD_CODE,
  procedureName: 'Cấp giấy phép xây dựng nhà ở riêng lẻ',
  addressee: 'Nguyễn Thị Thu Hằng',
  receivedAt: new Date('2026-03-02T02:30:00Z'),
  originalDueAt: new Date('2026-03-16T10:00:00Z'),
  newDueAt: new Date('2026-03-20T09:00:00Z'),
  reason: 'Cần lấy ý kiến của Sở Xây dựng về chỉ giới xây dựng; cơ quan được hỏi chưa trả lời đúng hạn',
  officerName: 'Phạm Quang Huy',
  issuedAt: new Date('2026-03-13T03:00:00Z'),
  lookupUrl: WARD_URL,
  checkValue: 'M3X8-2KQD',
};

const RESULTS = ['early', 'on_time', 'late'] as const;

/** `n` hand-overs; the last one still open (not yet received, not done). */
function slipRows(n: number): ControlSlipRow[] {
  return Array.from({ length: n }, (_, i) => {
    const open = i === n - 1;
    return {
      step: `Xử lý bước ${i + 1}`,
      fromAgency: i === 0 ? 'Bộ phận Một cửa' : WARD,
      toAgency: i % 3 ? WARD : 'Phòng Kinh tế, Hạ tầng và Đô thị',
      handedOverAt: new Date(Date.UTC(2026, 2, 2, 2, 30 + 7 * i)),
      handedOverBy: i === 0 ? '' : 'Trần Văn Bình',
      receivedBy: open ? '' : 'Lê Thị Mai',
      dueAt: new Date(Date.UTC(2026, 2, 5, 10)),
      doneAt: open ? null : new Date(Date.UTC(2026, 2, 3, 4, i)),
      result: open ? 'open' : RESULTS[i % 3]!,
      note: i % 2 ? 'Đã kiểm tra, đủ điều kiện chuyển bước tiếp theo' : '',
    };
  });
}

function slip(over: Partial<ControlSlipData> = {}): ControlSlipData {
  return {
    agencyName: WARD,
    dossierCode: WARD_CODE,
    procedureName: 'Cấp giấy phép xây dựng nhà ở riêng lẻ',
    applicantName: 'Nguyễn Thị Thu Hằng',
    leadAgency: WARD,
    cooperatingAgencies: ['Sở Xây dựng', 'Công an phường Hoàng Văn Thụ'],
    receivedAt: new Date('2026-03-02T02:30:00Z'),
    dueAt: new Date('2026-03-16T10:00:00Z'),
    rows: slipRows(4),
    lookupUrl: WARD_URL,
    checkValue: 'M3X8-2KQD',
    ...over,
  };
}

describe('PDF structure (no external tools)', () => {
  it('renders A5 PDFs with one QR image each', async () => {
    for (const pdf of [await renderReceipt(receipt()), await renderSupplementRequest(supplement), await renderRefusal(refusal)]) {
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.toString('latin1')).toContain('/MediaBox [0 0 420 595]');
      expect(rawImageCount(pdf)).toBe(1);
    }
  });

  it('renders Form 4 as A5 portrait and Form 5 as A5 landscape, each with one QR image', async () => {
    const a = await renderApology(apology);
    expect(a.toString('latin1')).toContain('/MediaBox [0 0 420 595]');
    expect(rawImageCount(a)).toBe(1);
    const s = await renderControlSlip(slip());
    expect(s.toString('latin1')).toContain('/MediaBox [0 0 595 420]');
    expect(rawImageCount(s)).toBe(1);
  });

  it('Forms 4 and 5 are deterministic', async () => {
    expect((await renderApology(apology)).equals(await renderApology(apology))).toBe(true);
    expect((await renderControlSlip(slip())).equals(await renderControlSlip(slip()))).toBe(true);
    // A slip with nothing dated yet still renders (and deterministically).
    const empty = slip({ receivedAt: null, dueAt: null, rows: [] });
    expect((await renderControlSlip(empty)).equals(await renderControlSlip(empty))).toBe(true);
  });

  it('Forms 4 and 5 reject invalid dates', async () => {
    await expect(renderApology({ ...apology, newDueAt: new Date('nope') })).rejects.toThrow(RangeError);
    const rows = slipRows(2);
    rows[1] = { ...rows[1]!, doneAt: new Date('nope') };
    await expect(renderControlSlip(slip({ rows }))).rejects.toThrow(/rows\[1\]\.doneAt/);
  });

  it('is deterministic: the same data renders byte-identical', async () => {
    const a = await renderReceipt(receipt());
    const b = await renderReceipt(receipt());
    expect(a.equals(b)).toBe(true);
    expect((await renderSupplementRequest(supplement)).equals(await renderSupplementRequest(supplement))).toBe(true);
    expect((await renderRefusal(refusal)).equals(await renderRefusal(refusal))).toBe(true);
    const c = await renderReceipt(receipt({ receivedAt: new Date('2026-10-08T01:31:00Z') }));
    expect(a.equals(c)).toBe(false);
  });

  it('refusal without lookup URL has no QR image', async () => {
    const pdf = await renderRefusal({ ...refusal, lookupUrl: undefined, checkValue: undefined, dossierCode: undefined });
    expect(rawImageCount(pdf)).toBe(0);
  });

  it('rejects invalid dates', async () => {
    await expect(renderReceipt(receipt({ dueAt: new Date('nope') }))).rejects.toThrow(RangeError);
  });
});

// poppler-utils is a test dependency (.ci/run installs it): without it these tests fail, never skip.
describe('PDF content (poppler)', () => {
  it('Form 1: receipt', async () => {
    const file = save(await renderReceipt(receipt()));
    expect(pdfinfo(file)).toMatch(/Page size:\s+420 x 595 pts/);
    expect(pageCount(file)).toBe(1);
    expect(imageCount(file)).toBe(1);
    const text = pdftext(file);
    for (const s of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
      `Mã hồ sơ: ${CODE}`,
      'Tiếp nhận hồ sơ của: Nguyễn Thị Thu Hằng',
      'Lạch Tray',
      '0912 345 678',
      'hang.ntt@example.vn',
      'Đăng ký khai sinh',
      'Số lượng hồ sơ: 01 (bộ)',
      '03 ngày làm việc',
      'Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 08/10/2026',
      '17 giờ 00 phút, ngày 13/10/2026',
      'Tại Bộ phận Một cửa',
      'Quyển số: 02/2026, Số thứ tự: 975',
      'NGƯỜI NỘP HỒ SƠ',
      'NGƯỜI TIẾP NHẬN',
      '(Ký và ghi rõ họ tên)',
      'Trần Văn Bình',
      'Mã tra cứu: K7Q2-9XPA',
      URL,
    ]) {
      expect(text).toContain(s);
    }
    // Each document row: name, form and count on one line (the long name wraps in its cell).
    expect(text).toMatch(/1\s+Tờ khai đăng ký khai sinh\s+Bản chính\s+01/);
    expect(text).toMatch(/2\s+Giấy chứng sinh\s+Bản chính\s+01/);
    expect(text).toMatch(/3\s+Giấy tờ tùy thân của người đi đăng ký\s.*Bản sao có chứng thực\s+01/);
    expect(text).toMatch(/4\s+Giấy chứng nhận kết hôn của cha mẹ\s+Bản sao\s+02/);
  });

  it('Form 1: 40 documents continue on a second page', async () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      name: `Giấy tờ kèm theo số ${i + 1}`,
      form: i % 2 ? 'Bản sao' : 'Bản chính',
      count: 1,
    }));
    const file = save(await renderReceipt(receipt({ documents: many })));
    expect(pageCount(file)).toBe(2);
    const text = pdftext(file);
    for (const d of many) expect(text).toContain(d.name);
    expect(text).toMatch(/40\s+Giấy tờ kèm theo số 40\s+Bản sao\s+01/);
    expect(text).toContain('Trang 2/2');
    // The table header is repeated on the second page.
    const page2 = execFileSync('pdftotext', ['-layout', '-f', '2', '-l', '2', file, '-'], { encoding: 'utf8' });
    expect(page2).toContain('Tên loại giấy tờ');
    expect(page2).toContain('NGƯỜI TIẾP NHẬN');
  });

  it('Form 2: supplement request', async () => {
    const file = save(await renderSupplementRequest(supplement));
    expect(pdfinfo(file)).toMatch(/Page size:\s+420 x 595 pts/);
    expect(imageCount(file)).toBe(1);
    const text = pdftext(file);
    for (const s of [
      'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ',
      `Mã hồ sơ: ${CODE}`,
      'Kính gửi: Bà Nguyễn Thị Thu Hằng',
      'Đăng ký khai sinh',
      '08 giờ 30 phút, ngày 08/10/2026',
      'Ngày 09/10/2026',
      'Trần Văn Bình',
      'Mã tra cứu: K7Q2-9XPA',
    ]) {
      expect(text).toContain(s);
    }
    expect(text).toMatch(/1\s+Giấy chứng sinh\s+Bản chụp không rõ chữ/);
    expect(text).toMatch(/2\s+Tờ khai đăng ký khai sinh\s+Thiếu chữ ký/);
  });

  it('Form 3: refusal', async () => {
    const file = save(await renderRefusal(refusal));
    expect(pdfinfo(file)).toMatch(/Page size:\s+420 x 595 pts/);
    expect(imageCount(file)).toBe(1);
    const text = pdftext(file);
    for (const s of [
      'PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ',
      'Kính gửi: Ông Lê Văn Dũng',
      'Đăng ký khai sinh',
      '1. Hồ sơ không thuộc thẩm quyền',
      '2. Trẻ đã được đăng ký khai sinh tại nơi khác',
      'NGƯỜI TIẾP NHẬN HỒ SƠ',
      'Ngày 09/10/2026',
      'Trần Văn Bình',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('wraps long text instead of cutting it off', async () => {
    const long =
      'Hồ sơ không thuộc thẩm quyền giải quyết của Ủy ban nhân dân phường Hồng Bàng theo quy định ' +
      'của Luật Hộ tịch năm 2014 và các văn bản hướng dẫn thi hành; đề nghị liên hệ cơ quan có thẩm quyền.';
    const file = save(await renderRefusal({ ...refusal, reasons: [long] }));
    const words = pdftext(file).replace(/\s+/g, ' ');
    expect(words).toContain(long);
  });

  it('Form 4: apology and new date', async () => {
    const file = save(await renderApology(apology));
    expect(pdfinfo(file)).toMatch(/Page size:\s+420 x 595 pts/);
    expect(pageCount(file)).toBe(1);
    expect(imageCount(file)).toBe(1);
    const text = pdftext(file);
    for (const s of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ',
      `Mã hồ sơ: ${WARD_CODE}`,
      'Ngày 13/03/2026',
      'Nội dung yêu cầu giải quyết: Cấp giấy phép xây dựng nhà ở riêng lẻ',
      // 2026-03-02T02:30:00Z is 09:30 in Vietnam; the original due date 17:00 16/03/2026.
      'Thời gian tiếp nhận hồ sơ: 09:30 02/03/2026',
      'Thời gian hẹn trả kết quả: 17:00 16/03/2026',
      'THỦ TRƯỞNG CƠ QUAN',
      'Phạm Quang Huy',
      'Mã tra cứu: M3X8-2KQD',
      WARD_URL,
    ]) {
      expect(text).toContain(s);
    }
    // Running text wraps: compare with whitespace collapsed.
    const words = text.replace(/\s+/g, ' ');
    for (const s of [
      `${WARD} tiếp nhận hồ sơ của Nguyễn Thị Thu Hằng.`,
      `Tuy nhiên đến nay, ${WARD} chưa trả kết quả giải quyết hồ sơ cho Ông/Bà đúng hẹn.`,
      `Lý do: ${apology.reason}`,
      `Sự chậm trễ này đã gây phiền hà cho Ông/Bà. ${WARD} xin lỗi Ông/Bà và hẹn lại ngày trả kết quả: 16:00 20/03/2026.`,
      'Xin trân trọng cảm ơn sự hợp tác của Ông/Bà.',
    ]) {
      expect(words).toContain(s);
    }
  });

  it('Form 5: process control slip', async () => {
    const file = save(await renderControlSlip(slip()));
    expect(pdfinfo(file)).toMatch(/Page size:\s+595 x 420 pts/);
    expect(imageCount(file)).toBe(1);
    const text = pdftext(file);
    for (const s of [
      'PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ',
      `Mã hồ sơ: ${WARD_CODE}`,
      'Người nộp hồ sơ: Nguyễn Thị Thu Hằng',
      'Thời gian tiếp nhận hồ sơ: 09:30 02/03/2026',
      'Thời gian hẹn trả kết quả: 17:00 16/03/2026',
      `Cơ quan chủ trì giải quyết: ${WARD}`,
      'Cơ quan phối hợp giải quyết: Sở Xây dựng; Công an phường Hoàng Văn Thụ',
      'TÊN CƠ QUAN',
      'THỜI GIAN GIAO, NHẬN HỒ SƠ',
      'KẾT QUẢ GIẢI QUYẾT',
      'GHI CHÚ',
      'Mã tra cứu: M3X8-2KQD',
      WARD_URL,
    ]) {
      expect(text).toContain(s);
    }
    // Row 1: handed over by the system from the desk; rows 2–4 by an officer.
    expect(text).toMatch(/Phòng Kinh tế, Hạ tầng\s+Giao: 09:30 02\/03\/2026 — Bộ phận Một\b.*\s+Trước hạn\s+Xử lý bước 1\b/);
    expect(text).toMatch(/Giao: 09:37 02\/03\/2026 — Trần Văn Bình\s+Đúng hạn\s+Xử lý bước 2\b/);
    expect(text).toMatch(/Giao: 09:44 02\/03\/2026 — Trần Văn Bình\s+Quá hạn\s+Xử lý bước 3\b/);
    expect(text).toMatch(/\(UBND P\. Hoàng Văn Thụ\)\s+Hạn: 17:00 05\/03\/2026/);
    expect(text).toMatch(/Nhận: Lê Thị Mai\s+Xong: 11:00 03\/03\/2026/);
    // Row 4 is still open: not received, no completion time.
    expect(text).toMatch(/Giao: 09:51 02\/03\/2026 — Trần Văn Bình\s+Đang xử lý\s+Xử lý bước 4\b/);
    expect(text).toContain('Nhận: (chưa nhận)');
    expect(text.match(/Xong: /g)).toHaveLength(3);
    expect(text).toContain('Đã kiểm tra, đủ điều');
  });

  it('Form 5: 40 rows break across pages under a repeated header row', async () => {
    const rows = slipRows(40);
    const file = save(await renderControlSlip(slip({ rows })));
    const pages = pageCount(file);
    expect(pages).toBeGreaterThan(1);
    const text = pdftext(file);
    for (let i = 1; i <= 40; i++) expect(text).toMatch(new RegExp(`Xử lý bước ${i}(?!\\d)`));
    for (const r of rows) expect(text).toContain(`Giao: ${vnTime(r.handedOverAt)}`);
    expect(text).toContain(`Trang ${pages}/${pages}`);
    for (let p = 2; p <= pages; p++) {
      const page = pdfpage(file, p);
      expect(page).toContain('TÊN CƠ QUAN');
      expect(page).toContain('THỜI GIAN GIAO, NHẬN HỒ SƠ');
      expect(page).toContain(`Mã hồ sơ: ${WARD_CODE} - Trang ${p}/${pages}`);
    }
    expect(pdfpage(file, pages)).toMatch(/Đang xử lý\s+Xử lý bước 40\b/);
  });
});

/** "hh:mm dd/mm/yyyy" in UTC+7, computed independently of the code under test. */
function vnTime(d: Date): string {
  const t = new Date(d.getTime() + 7 * 3600_000).toISOString();
  return `${t.slice(11, 16)} ${t.slice(8, 10)}/${t.slice(5, 7)}/${t.slice(0, 4)}`;
}
