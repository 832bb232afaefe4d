// TypeBox schemas of the reports API: query parameters, the indicator definitions (validated
// in shape here, in meaning by validateDefinition), and the response shapes the web relies on.
import Type, { type Static } from 'typebox';
import { UNIT_COUNTERS } from './facts.js';
import { DRILL_MEASURES, FRAMEWORKS } from './indicators.js';
import { PERIODS } from './periods.js';

export const AgencyCode = Type.String({ pattern: '^[A-Z0-9.]{3,40}$' });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export const RangeQuery = Type.Object({
  agency: Type.Optional(AgencyCode),
  period: Type.Optional(Type.Enum(PERIODS)),
  at: Type.Optional(Type.String({ pattern: '^\\d{4}(-W\\d{2}|-\\d{2}|-Q[1-4])?$' })),
  from: Type.Optional(Day),
  to: Type.Optional(Day),
});
export type RangeQuery = Static<typeof RangeQuery>;

export const IndicatorsQuery = Type.Intersect([RangeQuery, Type.Object({ framework: Type.Optional(Type.Enum(FRAMEWORKS)), procedure: Type.Optional(Type.String({ pattern: '^[0-9A-Z.-]{3,40}$' })) })]);
export const DrillQuery = Type.Intersect([
  RangeQuery,
  Type.Object({ measure: Type.Enum(DRILL_MEASURES), procedure: Type.Optional(Type.String({ pattern: '^[0-9A-Z.-]{3,40}$' })), page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) }),
]);
export const QuarterlyQuery = Type.Object({ agency: Type.Optional(AgencyCode), at: Type.Optional(Type.String({ pattern: '^\\d{4}-Q[1-4]$' })) });
export const PublicQuery = Type.Intersect([RangeQuery, Type.Object({ procedure: Type.Optional(Type.String({ pattern: '^[0-9A-Z.-]{3,40}$' })) })]);

const Counter = Type.Enum(UNIT_COUNTERS);
const Counters = Type.Array(Counter, { minItems: 1, maxItems: 10 });
const Fraction = Type.Object({ numerator: Counters, denominator: Counters }, { additionalProperties: false });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Key = Type.String({ pattern: '^[a-z0-9_]{1,40}$' });

export const RuleSchema = Type.Union([
  Type.Object({ kind: Type.Literal('ratio'), numerator: Counters, denominator: Counters, fullAt: Type.Number({ exclusiveMinimum: 0, maximum: 1 }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('one_minus_rates'), rates: Type.Array(Fraction, { minItems: 1, maxItems: 5 }), fullAt: Type.Number({ exclusiveMinimum: 0, maximum: 1 }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('average'), sum: Counter, count: Counter }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('no_data'), reason: Type.String({ pattern: '^[a-z0-9_]{1,60}$' }) }, { additionalProperties: false }),
]);

export const IndicatorDefinitionSchema = Type.Object(
  {
    key: Key, name_vi: Text(200), name_en: Text(200), formula_vi: Text(1000), points: Type.Number({ exclusiveMinimum: 0, maximum: 100 }), rule: RuleSchema,
    drill: Type.Union([Type.Enum(DRILL_MEASURES), Type.Null()]), source: Text(300), verified: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const FrameworkDefinitionSchema = Type.Object(
  {
    framework: Type.Enum(FRAMEWORKS),
    name_vi: Text(300),
    name_en: Text(300),
    total: Type.Number({ minimum: 1, maximum: 100 }),
    groups: Type.Array(Type.Object({ key: Key, name_vi: Text(200), name_en: Text(200), weight: Type.Number({ exclusiveMinimum: 0, maximum: 100 }), indicators: Type.Array(IndicatorDefinitionSchema, { minItems: 1, maxItems: 30 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 10 }),
    classification: Type.Optional(Type.Array(Type.Object({ key: Key, min: Type.Number({ minimum: 0, maximum: 100 }), name_vi: Text(100), name_en: Text(100) }, { additionalProperties: false }), { maxItems: 10 })),
    officerFullCompletion: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
);

export const PutDefinitionBody = Type.Object({ definition: FrameworkDefinitionSchema, expectedVersion: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false });

// ——— responses ———

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Rate = Nullable(Type.Number());
const ScopeRef = Type.Object({ code: Type.String(), name: Type.String() });
const RangeRef = Type.Object({ from: Type.String(), to: Type.String(), label: Type.String() });
const LateRow = Type.Object({ code: Type.String(), procedure: Type.String(), step: Type.String(), agency: Type.String(), officer: Nullable(Type.String()), dueAt: Type.String(), lateWorkingHours: Type.Number() });

export const DashboardResponse = Type.Object({
  scope: ScopeRef,
  range: RangeRef,
  totals: Type.Object({
    received: Type.Integer(), receivedOnline: Type.Integer(), onlineShare: Rate, resolved: Type.Integer(), early: Type.Integer(), onTime: Type.Integer(), late: Type.Integer(), onTimeRate: Rate,
    refused: Type.Integer(), withdrawn: Type.Integer(), avgWorkingDays: Rate, ratings: Type.Integer(), dissatisfied: Type.Integer(), satisfactionRate: Rate, complaints: Type.Integer(),
    inProgress: Type.Integer(), inProgressLate: Type.Integer(),
  }),
  byProcedure: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), received: Type.Integer(), receivedOnline: Type.Integer(), resolved: Type.Integer(), early: Type.Integer(), onTime: Type.Integer(), late: Type.Integer(), onTimeRate: Rate, avgWorkingDays: Rate, onlineShare: Rate })),
  byAgency: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), received: Type.Integer(), resolved: Type.Integer(), late: Type.Integer(), onTimeRate: Rate, backlog: Type.Integer(), backlogLate: Type.Integer() })),
  trend: Type.Array(Type.Object({ label: Type.String(), from: Type.String(), received: Type.Integer(), resolved: Type.Integer(), late: Type.Integer(), onTimeRate: Rate })),
  lateNow: Type.Array(LateRow),
});

const IndicatorResult = Type.Object({
  key: Type.String(), name_vi: Type.String(), name_en: Type.String(), formula_vi: Type.String(), numerator: Rate, denominator: Rate, value: Rate, score: Rate, max: Type.Number(),
  drill: Nullable(Type.String()), verified: Type.Boolean(), noDataReason: Type.Optional(Type.String()),
});
export const IndicatorsResponse = Type.Object({
  framework: Type.String(),
  scope: ScopeRef,
  range: RangeRef,
  total: Rate,
  max: Type.Number(),
  maxWithData: Type.Number(),
  classification: Type.Optional(Nullable(Type.Object({ key: Type.String(), name_vi: Type.String(), name_en: Type.String() }))),
  groups: Type.Array(Type.Object({ key: Type.String(), name_vi: Type.String(), name_en: Type.String(), weight: Type.Number(), score: Rate, indicators: Type.Array(IndicatorResult) })),
});

export const DrillResponse = Type.Object({
  measure: Type.String(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  total: Type.Integer(),
  items: Type.Array(Type.Object({
    code: Type.String(), procedure: Type.String(), agency: Type.String(), receivedAt: Nullable(Type.String()), resolvedAt: Nullable(Type.String()), outcome: Nullable(Type.String()),
    workingDays: Rate, closing: Nullable(Type.String()), c01Score: Rate,
  })),
});

export const ScoreResponse = Type.Object({
  code: Type.String(),
  scored: Type.Boolean(),
  outcome: Nullable(Type.String()),
  total: Rate,
  max: Type.Number(),
  indicators: Type.Array(Type.Object({ key: Type.String(), name_vi: Type.String(), name_en: Type.String(), formula_vi: Type.String(), score: Rate, max: Type.Number() })),
});

export const MeResponse = Type.Object({
  range: RangeRef,
  steps: Type.Object({ done: Type.Integer(), early: Type.Integer(), onTime: Type.Integer(), late: Type.Integer(), onTimeRate: Rate }),
  dissatisfied: Type.Integer(),
  open: Type.Integer(),
  openLate: Type.Integer(),
  lateItems: Type.Array(LateRow),
  c01: Type.Object({ score: Rate, max: Type.Number(), fullCompletion: Nullable(Type.Boolean()), threshold: Type.Number() }),
});

const PublicRow = Type.Object({
  code: Type.String(), name: Type.String(), received: Type.Integer(), resolved: Type.Integer(), onTime: Type.Integer(), late: Type.Integer(), onTimeRate: Rate, onlineShare: Rate,
  satisfactionRate: Rate, d766: Rate, d766MaxWithData: Type.Number(),
});
export const PublicStatsResponse = Type.Object({ scope: ScopeRef, range: RangeRef, totals: PublicRow, agencies: Type.Array(PublicRow), procedures: Type.Array(PublicRow) });

const Loose = Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true });
export const DefinitionsResponse = Type.Object({
  frameworks: Type.Array(Type.Object({ framework: Type.String(), version: Type.Integer(), updatedAt: Nullable(Type.String()), updatedBy: Nullable(Type.Integer()), isDefault: Type.Boolean(), definition: Loose })),
  counters: Type.Array(Type.String()),
  drillMeasures: Type.Array(Type.String()),
});
