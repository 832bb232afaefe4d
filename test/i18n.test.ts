// Every string of the web app goes through the translations: Vietnamese and English have the
// same keys, no empty text, and every key the code asks for with t('…') exists.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/lib/package-root.js';

const web = path.join(packageRoot(), 'web', 'src');
const load = (lang: string) => JSON.parse(fs.readFileSync(path.join(web, 'i18n', `${lang}.json`), 'utf8')) as Record<string, unknown>;

function flatten(obj: Record<string, unknown>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object') for (const [kk, vv] of flatten(v as Record<string, unknown>, key)) out.set(kk, vv);
    else out.set(key, String(v));
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : []));
}

describe('translations', () => {
  const vi = flatten(load('vi'));
  const en = flatten(load('en'));
  // plural forms (key_one, key_other) count as their base key
  const base = (k: string) => k.replace(/_(zero|one|two|few|many|other)$/, '');

  it('Vietnamese and English have the same keys', () => {
    const viKeys = new Set([...vi.keys()].map(base));
    const enKeys = new Set([...en.keys()].map(base));
    expect([...viKeys].filter((k) => !enKeys.has(k)), 'missing in en.json').toEqual([]);
    expect([...enKeys].filter((k) => !viKeys.has(k)), 'missing in vi.json').toEqual([]);
  });

  it('has no empty texts, and Vietnamese texts are NFC', () => {
    for (const [k, v] of [...vi, ...en]) expect(v.trim(), k).not.toBe('');
    for (const [k, v] of vi) expect(v, k).toBe(v.normalize('NFC'));
  });

  it('every literal key used with t() exists', () => {
    const keys = new Set([...vi.keys()].map(base));
    const missing: string[] = [];
    for (const file of sourceFiles(web)) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) {
        const key = m[1]!;
        // keys ending in a dot are prefixes completed at run time, e.g. t('status.' + s)
        if (!key.endsWith('.') && !keys.has(key)) missing.push(`${path.relative(web, file)}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
