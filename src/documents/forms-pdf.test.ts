import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  renderReceipt,
  renderRefusal,
  renderSupplementRequest,
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

describe('PDF structure (no external tools)', () => {
  it('renders A5 PDFs with one QR image each', async () => {
    for (const pdf of [await renderReceipt(receipt()), await renderSupplementRequest(supplement), await renderRefusal(refusal)]) {
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.toString('latin1')).toContain('/MediaBox [0 0 420 595]');
      expect(rawImageCount(pdf)).toBe(1);
    }
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
});
