import { describe, expect, it } from 'vitest';
import { DEFAULT_C01, DEFAULT_D766, emptyTotals, evaluateFramework, evaluateIndicator, type FrameworkDefinition, type IndicatorDefinition, officerCompletion, type Totals, validateDefinition } from './indicators.js';

const totals = (over: Partial<Totals>): Totals => ({ ...emptyTotals(), ...over });
const find = (d: FrameworkDefinition, key: string): IndicatorDefinition => d.groups.flatMap((g) => g.indicators).find((i) => i.key === key)!;

describe('Decision 766 formulas (hand-computed)', () => {
  it('on time: (early + on time) / resolved × 20', () => {
    const r = evaluateIndicator(find(DEFAULT_D766, 'on_time'), totals({ resolved: 8, early: 3, on_time: 3, late: 2 }));
    expect(r).toMatchObject({ numerator: 6, denominator: 8, value: 0.75, score: 15, max: 20 });
  });
  it('dossiers submitted online: full marks at 50%, pro rata below', () => {
    const ind = find(DEFAULT_D766, 'online_submitted');
    expect(evaluateIndicator(ind, totals({ online_offered: 10, received_online: 4 })).score).toBe(4.8); // 6 × 0.4/0.5
    expect(evaluateIndicator(ind, totals({ online_offered: 10, received_online: 7 })).score).toBe(6);
  });
  it('procedures offered online: full marks at 80%', () => {
    const ind = find(DEFAULT_D766, 'online_offered');
    expect(evaluateIndicator(ind, totals({ received: 10, online_offered: 4 })).score).toBe(3); // 6 × 0.4/0.8
  });
  it('satisfaction = 100% − (late rate + complaint-or-dislike rate), full at 90%', () => {
    const ind = find(DEFAULT_D766, 'satisfaction');
    // late 1/10 resolved, complained or disliked 1/10 (of resolved + refused): 80% → 18 × 0.8/0.9 = 16
    expect(evaluateIndicator(ind, totals({ resolved: 10, late: 1, complained_or_disliked: 1 })).score).toBe(16);
    // late 1/8 of resolved, 1/10 of resolved + refused: 77.5% → 18 × 0.775/0.9 = 15.5
    expect(evaluateIndicator(ind, totals({ resolved: 8, refused: 2, late: 1, complained_or_disliked: 1 })).score).toBe(15.5);
    const r = evaluateIndicator(ind, totals({ resolved: 10, late: 0, complained_or_disliked: 0 }));
    expect(r.value).toBe(1);
    expect(r.score).toBe(18);
  });
  it('inputs motcua does not record are "no data" (null), never zero or full marks', () => {
    for (const key of ['national_sync', 'payable_online', 'paid_online']) {
      const r = evaluateIndicator(find(DEFAULT_D766, key), totals({ resolved: 10, received: 10 }));
      expect(r.score, key).toBeNull();
      expect(r.value, key).toBeNull();
      expect(r.noDataReason, key).toMatch(/not_built/);
    }
  });
  it('digitisation (#7): e-results over resolved, digitised and reused over received; reuse full at 80%', () => {
    expect(evaluateIndicator(find(DEFAULT_D766, 'e_results'), totals({ resolved: 10, e_result: 5 }))).toMatchObject({ numerator: 5, denominator: 10, value: 0.5, score: 4, max: 8 });
    expect(evaluateIndicator(find(DEFAULT_D766, 'digitised'), totals({ received: 8, digitised: 6 }))).toMatchObject({ value: 0.75, score: 6, max: 8 });
    expect(evaluateIndicator(find(DEFAULT_D766, 'reuse'), totals({ received: 10, reused: 4 })).score).toBe(3); // 6 × 0.4/0.8
    expect(evaluateIndicator(find(DEFAULT_D766, 'reuse'), totals({ received: 10, reused: 9 })).score).toBe(6);
    // no dossier received: no data, not zero
    expect(evaluateIndicator(find(DEFAULT_D766, 'reuse'), emptyTotals()).score).toBeNull();
  });
  it('no dossiers: null, not zero', () => {
    expect(evaluateIndicator(find(DEFAULT_D766, 'on_time'), emptyTotals()).score).toBeNull();
  });
  it('the framework total sums the scores with data; maxWithData tells how many points had data', () => {
    const r = evaluateFramework(DEFAULT_D766, totals({ received: 10, online_offered: 10, received_online: 5, resolved: 10, early: 5, on_time: 5, published: 10 }));
    // digitisation has data (received and resolved dossiers) but nothing digitised, reused or issued electronically: 0 of 22
    expect(r.groups.find((g) => g.key === 'digitisation')!.score).toBe(0);
    // published 10 + on time 20 + offered 6 + submitted 6 + satisfaction 18 = 60 of the 82 points with data
    expect(r.total).toBe(60);
    expect(r.maxWithData).toBe(82);
    expect(r.max).toBe(100);
  });
});

describe('Circular 01 (hand-computed)', () => {
  it('each indicator is the average 0–2 score of the scored dossiers; the unit is classified by the total', () => {
    // two dossiers: [2,2,2,2,2,2,2,2,2] and [0,1,1,2,1,2,0,2,1] → averages
    const scores = [[2, 2, 2, 2, 2, 2, 2, 2, 2], [0, 1, 1, 2, 1, 2, 0, 2, 1]];
    const t = totals({ c01_count: 2, c01_sum: 18 + 10 });
    scores[0]!.forEach((_, i) => (t[`c01_i${i + 1}` as keyof Totals] = scores[0]![i]! + scores[1]![i]!));
    const r = evaluateFramework(DEFAULT_C01, t);
    expect(r.groups[0]!.indicators.map((i) => i.score)).toEqual([1, 1.5, 1.5, 2, 1.5, 2, 1, 2, 1.5]);
    expect(r.total).toBe(14);
    expect(r.classification).toMatchObject({ key: 'good' }); // 12 ≤ 14 < 15
    expect(evaluateFramework(DEFAULT_C01, totals({ c01_count: 1, c01_sum: 18, c01_i1: 2, c01_i2: 2, c01_i3: 2, c01_i4: 2, c01_i5: 2, c01_i6: 2, c01_i7: 2, c01_i8: 2, c01_i9: 2 })).classification).toMatchObject({ key: 'excellent' });
    expect(evaluateFramework(DEFAULT_C01, emptyTotals()).classification).toBeNull();
  });
  it('officer: full completion at 5 of 6', () => {
    expect(officerCompletion(10, 6, 0, 0)).toEqual({ score: 6, full: true });
    expect(officerCompletion(10, 2, 1, 0)).toEqual({ score: 4, full: false }); // timely 1, early 1, attitude 2
    expect(officerCompletion(0, 0, 0, 0)).toEqual({ score: null, full: null });
  });
});

describe('validateDefinition', () => {
  const clone = (d: FrameworkDefinition) => JSON.parse(JSON.stringify(d)) as FrameworkDefinition;
  it('accepts the defaults', () => {
    expect(() => validateDefinition('c01', DEFAULT_C01)).not.toThrow();
    expect(() => validateDefinition('d766', DEFAULT_D766)).not.toThrow();
  });
  it('refuses weights that do not add up, unordered thresholds, unknown counters, a fullAt outside (0, 1]', () => {
    const a = clone(DEFAULT_D766);
    a.groups[1]!.indicators[0]!.points = 19;
    expect(() => validateDefinition('d766', a)).toThrow(/add up/);
    const b = clone(DEFAULT_D766);
    b.groups[1]!.weight = 21;
    b.groups[1]!.indicators[0]!.points = 21;
    expect(() => validateDefinition('d766', b)).toThrow(/group weights add up to 101/);
    const c = clone(DEFAULT_C01);
    c.classification![1]!.min = 16;
    expect(() => validateDefinition('c01', c)).toThrow(/go down/);
    const d = clone(DEFAULT_D766);
    (d.groups[1]!.indicators[0]!.rule as { numerator: string[] }).numerator = ['bogus'];
    expect(() => validateDefinition('d766', d)).toThrow(/known counters/);
    const e = clone(DEFAULT_D766);
    (e.groups[1]!.indicators[0]!.rule as { fullAt: number }).fullAt = 1.5;
    expect(() => validateDefinition('d766', e)).toThrow(/\(0, 1\]/);
    expect(() => validateDefinition('c01', DEFAULT_D766)).toThrow(/for d766/);
  });
});
