import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldVietnamese, searchTerms } from './vn-text.js';

describe('foldVietnamese', () => {
  it('removes tone and vowel marks and folds đ to d', () => {
    expect(foldVietnamese('Đăng ký khai sinh')).toBe('dang ky khai sinh');
    expect(foldVietnamese('Chứng thực bản sao từ bản chính')).toBe('chung thuc ban sao tu ban chinh');
    expect(foldVietnamese('ĐỒ SƠN, Thủy Nguyên')).toBe('do son thuy nguyen');
    expect(foldVietnamese('Phiếu lý lịch tư pháp số 1')).toBe('phieu ly lich tu phap so 1');
  });

  it('treats precomposed (NFC) and decomposed (NFD) input alike', () => {
    const nfc = 'Hồng Bàng'.normalize('NFC');
    const nfd = 'Hồng Bàng'.normalize('NFD');
    expect(nfc).not.toBe(nfd);
    expect(foldVietnamese(nfc)).toBe(foldVietnamese(nfd));
  });

  it('always yields lowercase ascii words and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const folded = foldVietnamese(s);
        expect(folded).toMatch(/^[a-z0-9]*( [a-z0-9]+)*$/);
        expect(foldVietnamese(folded)).toBe(folded);
      }),
    );
  });
});

describe('searchTerms', () => {
  it('splits a query into folded words and ignores punctuation, which keeps FTS syntax out', () => {
    expect(searchTerms('  "Đăng"  ký* OR khai-sinh ')).toEqual(['dang', 'ky', 'or', 'khai', 'sinh']);
    expect(searchTerms('')).toEqual([]);
  });
  it('bounds the number and length of terms', () => {
    expect(searchTerms('a '.repeat(50))).toHaveLength(10);
    expect(searchTerms('x'.repeat(100))[0]).toHaveLength(40);
  });
});
