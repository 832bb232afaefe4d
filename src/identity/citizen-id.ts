// Citizen identity number (CCCD, 12 digits), DOMAIN.md §4: province of birth registration (3),
// century + gender (1), last two digits of the birth year (2), 6 random digits. No check digit.

/** Province codes of the CCCD (Circular 07/2016/TT-BCA, 63 provinces before the 2025 merger). */
export const CCCD_PROVINCE_CODES: ReadonlySet<string> = new Set([
  '001', '002', '004', '006', '008', '010', '011', '012', '014', '015', '017', '019', '020', '022', '024', '025', '026',
  '027', '030', '031', '033', '034', '035', '036', '037', '038', '040', '042', '044', '045', '046', '048', '049', '051',
  '052', '054', '056', '058', '060', '062', '064', '066', '067', '068', '070', '072', '074', '075', '077', '079', '080',
  '082', '083', '084', '086', '087', '089', '091', '092', '093', '094', '095', '096',
]);

export type Gender = 'male' | 'female';

export type CitizenIdProblem = 'shape' | 'province' | 'century_gender' | 'birth_year';

/** Checks a CCCD against the holder's date of birth (yyyy-mm-dd) and gender; returns the first problem or null. */
export function checkCitizenId(id: string, dateOfBirth: string, gender: Gender): CitizenIdProblem | null {
  if (!/^[0-9]{12}$/.test(id)) return 'shape';
  if (!CCCD_PROVINCE_CODES.has(id.slice(0, 3))) return 'province';
  const year = Number(dateOfBirth.slice(0, 4));
  const century = Math.floor(year / 100);
  // 1900s: 0 male / 1 female; 2000s: 2/3; 2100s: 4/5; 2200s: 6/7; 2300s: 8/9
  const expected = (century - 19) * 2 + (gender === 'female' ? 1 : 0);
  if (century < 19 || century > 23 || Number(id[3]) !== expected) return 'century_gender';
  if (id.slice(4, 6) !== String(year % 100).padStart(2, '0')) return 'birth_year';
  return null;
}

export const CITIZEN_ID_MESSAGES: Record<CitizenIdProblem, string> = {
  shape: 'a citizen ID (CCCD) has exactly 12 digits',
  province: 'the first three digits of the CCCD are not a province code',
  century_gender: 'the fourth digit of the CCCD does not match the century of birth and gender',
  birth_year: 'digits 5–6 of the CCCD do not match the year of birth',
};
