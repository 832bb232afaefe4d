import { describe, expect, it } from 'vitest';
import { dossierFlags } from './flags.js';
import { maskKey, usability } from './store.js';

const doc = (source: string, reused: number, digitised: number, requirement = 'x') => ({ source, requirement, reused, digitised });

describe('dossier flags', () => {
  it('a dossier is digitised when every component is electronic; results and step documents do not count', () => {
    expect(dossierFlags([doc('upload', 0, 1), doc('store', 1, 1), doc('result', 0, 0, 'result'), doc('scan', 0, 1, 'step:tham-dinh')])).toEqual({ digitised: true, reused: true, reusedCount: 1, digitisedCount: 2, componentCount: 2 });
  });
  it('one paper component makes it not digitised', () => {
    expect(dossierFlags([doc('upload', 0, 1), doc('paper', 0, 0)])).toMatchObject({ digitised: false, reused: false, digitisedCount: 1, componentCount: 2 });
  });
  it('no component: neither digitised nor reused', () => {
    expect(dossierFlags([])).toEqual({ digitised: false, reused: false, reusedCount: 0, digitisedCount: 0, componentCount: 0 });
  });
});

describe('usability of a stored item', () => {
  const today = '2026-11-27';
  it('valid until today is still usable; yesterday is expired', () => {
    expect(usability({ validUntil: '2026-11-27', eResultStatus: null }, today)).toEqual({ usable: true });
    expect(usability({ validUntil: '2026-11-26', eResultStatus: null }, today)).toEqual({ usable: false, unusableReason: 'expired' });
  });
  it('the e-result status wins: revoked, superseded, cancelled', () => {
    for (const s of ['revoked', 'superseded', 'cancelled'] as const) expect(usability({ validUntil: null, eResultStatus: s }, today)).toEqual({ usable: false, unusableReason: s });
    expect(usability({ validUntil: null, eResultStatus: 'valid', eResultValidUntil: '2026-01-01T00:00:00.000Z' }, today)).toEqual({ usable: false, unusableReason: 'expired' });
    expect(usability({ validUntil: null, eResultStatus: 'valid' }, today)).toEqual({ usable: true });
  });
  it('masks a registry key', () => {
    expect(maskKey('079012345678')).toBe('0790****5678');
    expect(maskKey('0312345678')).toBe('0312**5678');
  });
});
