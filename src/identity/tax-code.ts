// Tax / enterprise code (mã số thuế), DOMAIN.md §4: 10 digits whose last is a check digit,
// optionally followed by -NNN for a branch (001–999).
const WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3] as const;

export function isValidTaxCode(code: string): boolean {
  const m = /^([0-9]{10})(?:-([0-9]{3}))?$/.exec(code);
  if (!m) return false;
  const digits = m[1]!.split('').map(Number);
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * digits[i]!, 0);
  const check = 10 - (sum % 11);
  // a remainder of 0 would need check digit 10: such codes are not issued
  if (check === 10 || check !== digits[9]) return false;
  return m[2] === undefined || m[2] !== '000';
}
