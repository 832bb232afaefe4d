import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCitizenId } from './citizen-id.js';
import { isValidTaxCode } from './tax-code.js';

describe('checkCitizenId (CCCD)', () => {
  it('accepts a Hải Phòng male born 1995 and a Hà Nội female born 2003', () => {
    expect(checkCitizenId('031095001234', '1995-05-20', 'male')).toBeNull();
    expect(checkCitizenId('001303123456', '2003-01-01', 'female')).toBeNull();
    expect(checkCitizenId('079100000001', '2000-12-31', 'female')).toBe('century_gender');
  });
  it('names what is wrong', () => {
    expect(checkCitizenId('03109500123', '1995-05-20', 'male')).toBe('shape');
    expect(checkCitizenId('03109500123a', '1995-05-20', 'male')).toBe('shape');
    expect(checkCitizenId('003095001234', '1995-05-20', 'male')).toBe('province');
    expect(checkCitizenId('031195001234', '1995-05-20', 'male')).toBe('century_gender');
    expect(checkCitizenId('031295001234', '1995-05-20', 'male')).toBe('century_gender');
    expect(checkCitizenId('031096001234', '1995-05-20', 'male')).toBe('birth_year');
  });
  it('a number built from any valid date and gender is accepted, and changing the gender digit is refused', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2099 }),
        fc.constantFrom('male' as const, 'female' as const),
        fc.constantFrom('001', '031', '079'),
        fc.integer({ min: 0, max: 999999 }),
        (year, gender, province, serial) => {
          const digit = (Math.floor(year / 100) - 19) * 2 + (gender === 'female' ? 1 : 0);
          const id = `${province}${digit}${String(year % 100).padStart(2, '0')}${String(serial).padStart(6, '0')}`;
          expect(checkCitizenId(id, `${year}-06-15`, gender)).toBeNull();
          expect(checkCitizenId(id, `${year}-06-15`, gender === 'male' ? 'female' : 'male')).toBe('century_gender');
        },
      ),
    );
  });
});

describe('isValidTaxCode (MST)', () => {
  it('checks the check digit (DOMAIN.md §4 examples)', () => {
    expect(isValidTaxCode('0100109106')).toBe(true);
    expect(isValidTaxCode('0100109107')).toBe(false);
  });
  it('accepts branch codes of a valid code only', () => {
    expect(isValidTaxCode('0100109106-001')).toBe(true);
    expect(isValidTaxCode('0100109106-000')).toBe(false);
    expect(isValidTaxCode('0100109107-001')).toBe(false);
    expect(isValidTaxCode('0100109106-01')).toBe(false);
    expect(isValidTaxCode('010010910')).toBe(false);
  });
  it('exactly one last digit is valid for any nine digits, unless the remainder is 0', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }), (nine) => {
        const valid = [...Array(10).keys()].filter((d) => isValidTaxCode(nine.join('') + d));
        expect(valid.length).toBeLessThanOrEqual(1);
      }),
    );
  });
});
