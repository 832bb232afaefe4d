// Vietnamese text folding for accent-insensitive search: "Đăng ký" → "dang ky".
// NFD splits letters from their combining marks; đ/Đ has no decomposition, so map it explicitly.
export function foldVietnamese(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Search terms of a user query: folded words, at most 10, each at most 40 characters. */
export function searchTerms(query: string): string[] {
  return foldVietnamese(query)
    .split(' ')
    .filter((w) => w.length > 0)
    .slice(0, 10)
    .map((w) => w.slice(0, 40));
}
