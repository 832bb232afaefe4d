// Shapes of the reports API, taken from the server's own schemas (src/reports/schemas.ts) as
// types only: a value import would pull server code into the bundle. Rates are fractions (0…1)
// or null when nothing was counted.
import type { Static } from 'typebox';
import type {
  DashboardResponse,
  DefinitionsResponse,
  DrillResponse,
  IndicatorsResponse,
  MeResponse,
  PublicStatsResponse,
} from '../../../src/reports/schemas.js';
// a unit's classification band by total score, exactly as the server defines it
import type { ClassificationBand } from '../../../src/reports/indicators.js';

export type { ClassificationBand };

export type Period = 'week' | 'month' | 'quarter' | 'year';
export type Framework = 'c01' | 'd766';

export type Dashboard = Static<typeof DashboardResponse>;
export type ReportScope = Dashboard['scope'];
export type ReportRange = Dashboard['range'];
export type ByProcedureRow = Dashboard['byProcedure'][number];
export type ByAgencyRow = Dashboard['byAgency'][number];
export type TrendPoint = Dashboard['trend'][number];
export type LateNowItem = Dashboard['lateNow'][number];

export type Indicators = Static<typeof IndicatorsResponse>;
export type IndicatorGroup = Indicators['groups'][number];
export type IndicatorRow = IndicatorGroup['indicators'][number];

export type DrillList = Static<typeof DrillResponse>;
export type DrillItem = DrillList['items'][number];

export type MyIndicators = Static<typeof MeResponse>;

export type PublicStats = Static<typeof PublicStatsResponse>;
export type PublicStatsRow = PublicStats['totals'];

export type DefinitionList = Static<typeof DefinitionsResponse>;

// The definition itself travels as loose JSON (the server checks it in shape and meaning);
// these are the parts the editor reads (src/reports/indicators.ts FrameworkDefinition).
export type Rule =
  | { kind: 'ratio'; numerator: string[]; denominator: string[]; fullAt: number }
  | { kind: 'one_minus_rates'; rates: { numerator: string[]; denominator: string[] }[]; fullAt: number }
  | { kind: 'average'; sum: string; count: string }
  | { kind: 'no_data'; reason: string };

export interface DefinitionIndicator {
  key: string;
  name_vi: string;
  name_en: string;
  formula_vi: string;
  points: number;
  rule: Rule;
  drill: string | null;
  source: string;
  verified: boolean;
}

export interface DefinitionGroup {
  key: string;
  name_vi: string;
  name_en: string;
  weight: number;
  indicators: DefinitionIndicator[];
}

export interface FrameworkDefinition {
  framework: Framework;
  name_vi: string;
  name_en: string;
  total: number;
  groups: DefinitionGroup[];
  classification?: ClassificationBand[];
  officerFullCompletion?: number;
}

export interface StoredDefinition {
  framework: Framework;
  version: number;
  updatedAt: string | null;
  updatedBy: number | null;
  isDefault: boolean;
  definition: FrameworkDefinition;
}

export interface SavedDefinition {
  framework: string;
  version: number;
}
