// The national indicator frameworks as data (Circular 01/2018 art. 13 and Decision 766/QĐ-TTg),
// their validation, and their evaluation over summed bucket counters. Pure. A formula whose
// input motcua does not record yet (online payment, digitisation: issue #7) is `no_data` and
// evaluates to null — never to a fake zero or fake full marks.
import { Invalid } from '../lib/errors.js';
import { UNIT_COUNTERS, type UnitCounter } from './facts.js';

export const FRAMEWORKS = ['c01', 'd766'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export type Totals = Record<UnitCounter, number>;

export interface Fraction {
  numerator: UnitCounter[];
  denominator: UnitCounter[];
}

export type Rule =
  /** value = Σnumerator / Σdenominator; score = points × min(1, value / fullAt) */
  | ({ kind: 'ratio'; fullAt: number } & Fraction)
  /** value = 1 − Σ(rates); score = points × min(1, value / fullAt) (Decision 766 satisfaction) */
  | { kind: 'one_minus_rates'; rates: Fraction[]; fullAt: number }
  /** value = sum / count: the average 0–2 score of the dossiers (Circular 01); score = value × points / 2 */
  | { kind: 'average'; sum: UnitCounter; count: UnitCounter }
  /** motcua does not record the input yet: the indicator shows "no data" */
  | { kind: 'no_data'; reason: string };

export interface IndicatorDefinition {
  key: string;
  name_vi: string;
  name_en: string;
  formula_vi: string;
  points: number;
  rule: Rule;
  /** the measure whose dossiers make the number (GET /api/reports/drill?measure=) */
  drill: string | null;
  source: string;
  /** false when the weight or threshold is our reading, not a published figure */
  verified: boolean;
}

export interface IndicatorGroup {
  key: string;
  name_vi: string;
  name_en: string;
  weight: number;
  indicators: IndicatorDefinition[];
}

export interface ClassificationBand {
  key: string;
  min: number;
  name_vi: string;
  name_en: string;
}

export interface FrameworkDefinition {
  framework: Framework;
  name_vi: string;
  name_en: string;
  total: number;
  groups: IndicatorGroup[];
  /** unit classification by total score, highest band first (Circular 01) */
  classification?: ClassificationBand[];
  /** officer: full completion at or above this score (Circular 01) */
  officerFullCompletion?: number;
}

/** Measures a drill-down can list (each is a condition on dossier_facts). */
export const DRILL_MEASURES = [
  'received', 'received_online', 'online_offered', 'resolved', 'early', 'on_time', 'on_time_or_early', 'late', 'refused', 'withdrawn',
  'dissatisfied', 'complained', 'complained_or_disliked', 'published', 'scored', 'digitised', 'reused', 'e_result',
] as const;
export type DrillMeasure = (typeof DRILL_MEASURES)[number];

const C01_NAMES: [string, string, string, string][] = [
  ['total_time', 'Thời gian giải quyết so với quy định', 'Total time vs the time limit', 'Sớm hạn = 2; đúng hạn = 1; quá hạn (hoặc bổ sung hồ sơ quá một lần) = 0'],
  ['unit_time', 'Thời gian thực hiện của từng cơ quan, đơn vị', "Each unit's time vs its share", 'Mọi bước sớm hạn = 2; đúng hạn = 1; có bước quá hạn = 0'],
  ['contacts', 'Số lần liên hệ để hoàn thiện hồ sơ', 'Contacts the applicant needed', 'Không phải bổ sung = 2; bổ sung 1 lần = 1; từ 2 lần = 0'],
  ['agencies', 'Số cơ quan, tổ chức phải liên hệ', 'Agencies the applicant contacted', 'Chỉ liên hệ Bộ phận Một cửa = 2'],
  ['at_desk', 'Giải quyết tại Bộ phận Một cửa', 'Handled within the receiving agency', 'Chỉ cơ quan tiếp nhận xử lý = 2; có cơ quan khác tham gia = 1'],
  ['publication', 'Công khai thông tin thủ tục hành chính', 'Procedure information published', 'Thủ tục được công khai, đã kiểm chứng = 2; chưa kiểm chứng = 1'],
  ['attitude', 'Thái độ của cán bộ', 'Officer attitude', 'Sớm hạn, không phản ánh = 2; đúng hạn = 1; bị phản ánh (hoặc quá hạn) = 0'],
  ['complaint_handling', 'Giải quyết phản ánh, kiến nghị đúng hạn', 'Complaints handled on time', 'Không có phản ánh = 2; có, xử lý đúng hạn = 1; xử lý quá hạn = 0'],
  ['online', 'Cung cấp dịch vụ công trực tuyến', 'Online services', 'Nộp trực tuyến = 2; thủ tục có trực tuyến nhưng nộp trực tiếp = 1; không có = 0'],
];

export const DEFAULT_C01: FrameworkDefinition = {
  framework: 'c01',
  name_vi: 'Thông tư 01/2018/TT-VPCP, Điều 13',
  name_en: 'Circular 01/2018/TT-VPCP, art. 13',
  total: 18,
  groups: [
    {
      key: 'c01', name_vi: 'Chín chỉ số đánh giá', name_en: 'Nine indicators', weight: 18,
      indicators: C01_NAMES.map(([key, vi, en, formula], i) => ({
        key, name_vi: vi, name_en: en, formula_vi: `Trung bình điểm của các hồ sơ đã giải quyết (0–2). ${formula}`, points: 2,
        rule: { kind: 'average', sum: `c01_i${i + 1}` as UnitCounter, count: 'c01_count' }, drill: 'scored', source: 'Thông tư 01/2018/TT-VPCP, Điều 13',
        // indicators 1, 7 follow the circular's wording; the others are our reading of it for an electronic one-stop system
        verified: i === 0 || i === 6,
      })),
    },
  ],
  classification: [
    { key: 'excellent', min: 15, name_vi: 'Xuất sắc', name_en: 'Excellent' },
    { key: 'good', min: 12, name_vi: 'Tốt', name_en: 'Good' },
    { key: 'fair', min: 9, name_vi: 'Khá', name_en: 'Fair' },
    { key: 'average', min: 6, name_vi: 'Trung bình', name_en: 'Average' },
    { key: 'weak', min: 0, name_vi: 'Yếu', name_en: 'Weak' },
  ],
  officerFullCompletion: 5,
};

const D766 = 'Quyết định 766/QĐ-TTg (2022)';
/**
 * The digitisation group's three indicators, measured since #7 (signed e-results, the data store
 * and registries, digitisation at the desk). Migration 0007 puts the same rules into a stored
 * Decision 766 definition (a new version) where one was saved with the earlier no_data rules.
 */
export const D766_DIGITISATION: IndicatorDefinition[] = [
  { key: 'e_results', name_vi: 'Tỷ lệ hồ sơ có kết quả điện tử', name_en: 'Dossiers with an electronic result', formula_vi: 'Số hồ sơ trả kết quả điện tử (có chữ ký số) / số hồ sơ đã giải quyết; 100% = điểm tối đa', points: 8, rule: { kind: 'ratio', numerator: ['e_result'], denominator: ['resolved'], fullAt: 1 }, drill: 'e_result', source: D766, verified: false },
  { key: 'digitised', name_vi: 'Tỷ lệ hồ sơ được số hoá', name_en: 'Dossiers digitised', formula_vi: 'Số hồ sơ có mọi thành phần được số hoá / số hồ sơ tiếp nhận; 100% = điểm tối đa', points: 8, rule: { kind: 'ratio', numerator: ['digitised'], denominator: ['received'], fullAt: 1 }, drill: 'digitised', source: D766, verified: false },
  { key: 'reuse', name_vi: 'Tỷ lệ khai thác, sử dụng lại dữ liệu số hoá', name_en: 'Digitised data reused', formula_vi: 'Số hồ sơ sử dụng lại dữ liệu đã số hoá / số hồ sơ tiếp nhận; ≥ 80% = điểm tối đa', points: 6, rule: { kind: 'ratio', numerator: ['reused'], denominator: ['received'], fullAt: 0.8 }, drill: 'reused', source: D766, verified: false },
];
export const DEFAULT_D766: FrameworkDefinition = {
  framework: 'd766',
  name_vi: 'Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ (Quyết định 766/QĐ-TTg)',
  name_en: 'Decision 766/QĐ-TTg service-quality indicators',
  total: 100,
  groups: [
    {
      key: 'transparency', name_vi: 'Công khai, minh bạch', name_en: 'Transparency', weight: 18,
      indicators: [
        { key: 'published', name_vi: 'Hồ sơ thuộc thủ tục được công khai đầy đủ, chính xác', name_en: 'Dossiers of procedures published accurately', formula_vi: 'Số hồ sơ đã giải quyết thuộc thủ tục đã kiểm chứng / số hồ sơ đã giải quyết; 100% = điểm tối đa', points: 10, rule: { kind: 'ratio', numerator: ['published'], denominator: ['resolved'], fullAt: 1 }, drill: 'published', source: D766, verified: false },
        { key: 'national_sync', name_vi: 'Tiến độ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia', name_en: 'Dossier progress synchronised with the national portal', formula_vi: 'Số hồ sơ đồng bộ / tổng số hồ sơ', points: 8, rule: { kind: 'no_data', reason: 'national_sync_not_built' }, drill: null, source: D766, verified: false },
      ],
    },
    {
      key: 'progress', name_vi: 'Tiến độ giải quyết', name_en: 'Progress', weight: 20,
      indicators: [
        { key: 'on_time', name_vi: 'Tỷ lệ hồ sơ giải quyết đúng hạn', name_en: 'Dossiers resolved on time', formula_vi: '(Sớm hạn + đúng hạn) / số hồ sơ đã giải quyết; 100% = điểm tối đa', points: 20, rule: { kind: 'ratio', numerator: ['early', 'on_time'], denominator: ['resolved'], fullAt: 1 }, drill: 'on_time_or_early', source: D766, verified: true },
      ],
    },
    {
      key: 'digitisation', name_vi: 'Số hoá hồ sơ', name_en: 'Digitisation', weight: 22,
      indicators: [
        ...D766_DIGITISATION,
      ],
    },
    {
      key: 'online', name_vi: 'Cung cấp dịch vụ trực tuyến', name_en: 'Online services', weight: 22,
      indicators: [
        { key: 'online_offered', name_vi: 'Tỷ lệ hồ sơ thuộc thủ tục có dịch vụ công trực tuyến', name_en: 'Dossiers of procedures offered online', formula_vi: 'Số hồ sơ tiếp nhận thuộc thủ tục có DVCTT / số hồ sơ tiếp nhận; ≥ 80% = điểm tối đa, dưới đó tính tỷ lệ', points: 6, rule: { kind: 'ratio', numerator: ['online_offered'], denominator: ['received'], fullAt: 0.8 }, drill: 'online_offered', source: D766, verified: false },
        { key: 'online_submitted', name_vi: 'Tỷ lệ hồ sơ nộp trực tuyến', name_en: 'Dossiers submitted online', formula_vi: 'Số hồ sơ nộp trực tuyến / số hồ sơ thuộc thủ tục có DVCTT; ≥ 50% = điểm tối đa, dưới đó tính tỷ lệ', points: 6, rule: { kind: 'ratio', numerator: ['received_online'], denominator: ['online_offered'], fullAt: 0.5 }, drill: 'received_online', source: D766, verified: false },
        { key: 'payable_online', name_vi: 'Tỷ lệ thủ tục có phí thanh toán trực tuyến', name_en: 'Fee-bearing procedures payable online', formula_vi: 'Số thủ tục có phí cho phép thanh toán trực tuyến / số thủ tục có phí', points: 4, rule: { kind: 'no_data', reason: 'online_payment_not_built' }, drill: null, source: D766, verified: false },
        { key: 'paid_online', name_vi: 'Tỷ lệ hồ sơ thanh toán trực tuyến', name_en: 'Dossiers paid online', formula_vi: 'Số hồ sơ thanh toán trực tuyến / số hồ sơ có phí', points: 6, rule: { kind: 'no_data', reason: 'online_payment_not_built' }, drill: null, source: D766, verified: false },
      ],
    },
    {
      key: 'satisfaction', name_vi: 'Mức độ hài lòng', name_en: 'Satisfaction', weight: 18,
      indicators: [
        { key: 'satisfaction', name_vi: 'Mức độ hài lòng của người dân, doanh nghiệp', name_en: 'Satisfaction of citizens and businesses', formula_vi: '100% − (tỷ lệ hồ sơ quá hạn + tỷ lệ hồ sơ bị phản ánh hoặc không hài lòng); ≥ 90% = điểm tối đa, dưới đó tính tỷ lệ', points: 18, rule: { kind: 'one_minus_rates', rates: [{ numerator: ['late'], denominator: ['resolved'] }, { numerator: ['complained_or_disliked'], denominator: ['resolved', 'refused'] }], fullAt: 0.9 }, drill: 'complained_or_disliked', source: D766, verified: true },
      ],
    },
  ],
};

export const DEFAULT_DEFINITIONS: Record<Framework, FrameworkDefinition> = { c01: DEFAULT_C01, d766: DEFAULT_D766 };

// ——— validation ———

const COUNTERS = new Set<string>(UNIT_COUNTERS);

function checkCounters(list: unknown, field: string): void {
  if (!Array.isArray(list) || list.length === 0 || !list.every((c) => typeof c === 'string' && COUNTERS.has(c))) throw new Invalid(`${field}: name known counters (${UNIT_COUNTERS.join(', ')})`, field);
}

function checkFullAt(v: unknown, field: string): void {
  if (typeof v !== 'number' || !(v > 0 && v <= 1)) throw new Invalid(`${field}: a share in (0, 1]`, field);
}

/** Checks a framework definition: weights add up, thresholds are ordered, formulas name known counters. */
export function validateDefinition(framework: Framework, d: FrameworkDefinition): void {
  if (d.framework !== framework) throw new Invalid(`the definition is for ${d.framework}, not ${framework}`, 'framework');
  const expectedTotal = DEFAULT_DEFINITIONS[framework].total;
  if (d.total !== expectedTotal) throw new Invalid(`the ${framework} total is ${expectedTotal} points`, 'total');
  const groupKeys = new Set<string>();
  const keys = new Set<string>();
  let sum = 0;
  d.groups.forEach((g, gi) => {
    if (groupKeys.has(g.key)) throw new Invalid(`duplicate group key ${g.key}`, `groups.${gi}.key`);
    groupKeys.add(g.key);
    let gsum = 0;
    g.indicators.forEach((ind, ii) => {
      const f = `groups.${gi}.indicators.${ii}`;
      if (keys.has(ind.key)) throw new Invalid(`duplicate key ${ind.key}`, `${f}.key`);
      keys.add(ind.key);
      if (!(ind.points > 0)) throw new Invalid('points must be positive', `${f}.points`);
      const r = ind.rule;
      if (r.kind === 'ratio') {
        checkCounters(r.numerator, `${f}.rule.numerator`);
        checkCounters(r.denominator, `${f}.rule.denominator`);
        checkFullAt(r.fullAt, `${f}.rule.fullAt`);
      } else if (r.kind === 'one_minus_rates') {
        if (r.rates.length === 0) throw new Invalid('name at least one rate', `${f}.rule.rates`);
        r.rates.forEach((x, xi) => {
          checkCounters(x.numerator, `${f}.rule.rates.${xi}.numerator`);
          checkCounters(x.denominator, `${f}.rule.rates.${xi}.denominator`);
        });
        checkFullAt(r.fullAt, `${f}.rule.fullAt`);
      } else if (r.kind === 'average') {
        checkCounters([r.sum], `${f}.rule.sum`);
        checkCounters([r.count], `${f}.rule.count`);
      }
      if (ind.drill !== null && !(DRILL_MEASURES as readonly string[]).includes(ind.drill)) throw new Invalid(`unknown drill measure ${ind.drill}`, `${f}.drill`);
      gsum += ind.points;
    });
    if (Math.abs(gsum - g.weight) > 1e-9) throw new Invalid(`the indicators of ${g.key} add up to ${gsum}, not its weight ${g.weight}`, `groups.${gi}.weight`);
    sum += g.weight;
  });
  if (Math.abs(sum - d.total) > 1e-9) throw new Invalid(`the group weights add up to ${sum}, not ${d.total}`, 'groups');
  const bands = d.classification ?? [];
  for (let i = 1; i < bands.length; i++) if (!(bands[i]!.min < bands[i - 1]!.min)) throw new Invalid('classification thresholds must go down strictly, highest band first', `classification.${i}.min`);
  if (bands.some((b) => b.min < 0 || b.min > d.total)) throw new Invalid(`thresholds lie within 0–${d.total}`, 'classification');
}

// ——— evaluation ———

export interface IndicatorResult {
  key: string;
  name_vi: string;
  name_en: string;
  formula_vi: string;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  score: number | null;
  max: number;
  drill: string | null;
  verified: boolean;
  noDataReason?: string;
}

export interface FrameworkResult {
  framework: Framework;
  total: number | null;
  max: number;
  /** the points of the indicators that have data */
  maxWithData: number;
  classification?: { key: string; name_vi: string; name_en: string } | null;
  groups: { key: string; name_vi: string; name_en: string; weight: number; score: number | null; indicators: IndicatorResult[] }[];
}

const sumOf = (t: Totals, names: UnitCounter[]) => names.reduce((s, n) => s + (t[n] ?? 0), 0);
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export function evaluateIndicator(ind: IndicatorDefinition, t: Totals): IndicatorResult {
  const base = { key: ind.key, name_vi: ind.name_vi, name_en: ind.name_en, formula_vi: ind.formula_vi, max: ind.points, drill: ind.drill, verified: ind.verified };
  const r = ind.rule;
  switch (r.kind) {
    case 'no_data':
      return { ...base, numerator: null, denominator: null, value: null, score: null, noDataReason: r.reason };
    case 'ratio': {
      const num = sumOf(t, r.numerator);
      const den = sumOf(t, r.denominator);
      if (den === 0) return { ...base, numerator: num, denominator: den, value: null, score: null, noDataReason: 'no_dossiers' };
      const value = num / den;
      return { ...base, numerator: num, denominator: den, value: round(value, 4), score: round(ind.points * Math.min(1, value / r.fullAt)) };
    }
    case 'one_minus_rates': {
      let num = 0;
      let value = 1;
      let den = 0;
      for (const x of r.rates) {
        const d = sumOf(t, x.denominator);
        if (d === 0) return { ...base, numerator: null, denominator: d, value: null, score: null, noDataReason: 'no_dossiers' };
        const n = sumOf(t, x.numerator);
        num += n;
        den = Math.max(den, d);
        value -= n / d;
      }
      value = Math.max(0, value);
      return { ...base, numerator: num, denominator: den, value: round(value, 4), score: round(ind.points * Math.min(1, value / r.fullAt)) };
    }
    case 'average': {
      const sum = t[r.sum] ?? 0;
      const count = t[r.count] ?? 0;
      if (count === 0) return { ...base, numerator: sum, denominator: count, value: null, score: null, noDataReason: 'no_dossiers' };
      const value = sum / count;
      return { ...base, numerator: sum, denominator: count, value: round(value, 4), score: round((value * ind.points) / 2) };
    }
  }
}

export function classify(d: FrameworkDefinition, total: number | null): FrameworkResult['classification'] {
  if (!d.classification || total === null) return d.classification ? null : undefined;
  const band = d.classification.find((b) => total >= b.min) ?? d.classification[d.classification.length - 1]!;
  return { key: band.key, name_vi: band.name_vi, name_en: band.name_en };
}

/** Evaluates a framework over summed counters. A group (or the total) with no data at all is null. */
export function evaluateFramework(d: FrameworkDefinition, t: Totals): FrameworkResult {
  let total: number | null = null;
  let maxWithData = 0;
  const groups = d.groups.map((g) => {
    const indicators = g.indicators.map((i) => evaluateIndicator(i, t));
    const scored = indicators.filter((i) => i.score !== null);
    const score = scored.length ? round(scored.reduce((s, i) => s + i.score!, 0)) : null;
    maxWithData += scored.reduce((s, i) => s + i.max, 0);
    if (score !== null) total = round((total ?? 0) + score);
    return { key: g.key, name_vi: g.name_vi, name_en: g.name_en, weight: g.weight, score, indicators };
  });
  const result: FrameworkResult = { framework: d.framework, total, max: d.total, maxWithData, groups };
  if (d.classification) result.classification = classify(d, total);
  return result;
}

export function emptyTotals(): Totals {
  return Object.fromEntries(UNIT_COUNTERS.map((c) => [c, 0])) as Totals;
}

/** The officer's Circular 01 completion: steps on time share, mapped to the circular's 0–6 scale (our reading, see docs/indicators.md). */
export function officerCompletion(stepDone: number, stepEarly: number, stepLate: number, dissatisfied: number, fullAt = 5): { score: number | null; full: boolean | null } {
  if (stepDone === 0) return { score: null, full: null };
  // three indicators of the officer's own work, 0–2 each: timeliness of steps, early steps, no dissatisfaction
  const timely = stepLate === 0 ? 2 : stepLate / stepDone <= 0.1 ? 1 : 0;
  const early = stepEarly / stepDone >= 0.5 ? 2 : stepEarly > 0 ? 1 : 0;
  const attitude = dissatisfied === 0 ? 2 : dissatisfied / stepDone <= 0.1 ? 1 : 0;
  const score = timely + early + attitude;
  return { score, full: score >= fullAt };
}
