// Table types of the reports module (per-dossier quality facts, statistics buckets, indicator definitions): migration 0006.
import type { ColumnType } from 'kysely';

/** A counter: bigint on PostgreSQL (read back as a string by pg), integer on SQLite. */
type Counter = ColumnType<number | string, number | undefined, number>;

export interface DossierFactsTable {
  dossier_id: number;
  agency_id: number;
  procedure_id: number;
  received_day: string | null;
  closed_day: string | null;
  /** resolved | refused | withdrawn */
  closing: string | null;
  /** early | on_time | late (resolved dossiers) */
  outcome: string | null;
  online: number;
  /** the procedure was offered online when received */
  online_offered: number;
  /** the procedure's published information was verified */
  published: number;
  working_minutes: number | null;
  dissatisfied: number;
  complained: number;
  c01_score: number | null;
  /** once-only (#7, migration 0007): every component digitised / a reused component / a signed e-result */
  digitised: number;
  reused: number;
  e_result: number;
  /** JSON: the DossierFacts */
  facts: string;
  /** JSON: the bucket deltas last applied for this dossier */
  contributions: string;
  updated_at: string;
}

export interface QualityStatsTable {
  agency_id: number;
  day: string;
  procedure_id: number;
  received: Counter;
  received_online: Counter;
  online_offered: Counter;
  resolved: Counter;
  early: Counter;
  on_time: Counter;
  late: Counter;
  refused: Counter;
  withdrawn: Counter;
  returned: Counter;
  working_minutes: Counter;
  supplemented: Counter;
  ratings: Counter;
  dissatisfied: Counter;
  complained: Counter;
  complained_or_disliked: Counter;
  published: Counter;
  step_done: Counter;
  step_late: Counter;
  c01_count: Counter;
  c01_sum: Counter;
  c01_i1: Counter;
  c01_i2: Counter;
  c01_i3: Counter;
  c01_i4: Counter;
  c01_i5: Counter;
  c01_i6: Counter;
  c01_i7: Counter;
  c01_i8: Counter;
  c01_i9: Counter;
  /** once-only (#7, migration 0007) */
  digitised: Counter;
  reused: Counter;
  e_result: Counter;
}

/** The same counters summed over procedures: one row per agency and day. */
export type QualityStatsAgencyDayTable = Omit<QualityStatsTable, 'procedure_id'>;
/** The same counters per agency, month (YYYY-MM) and procedure. */
export type QualityStatsMonthTable = Omit<QualityStatsTable, 'day'> & { month: string };

export interface OfficerStatsTable {
  officer_id: number;
  day: string;
  step_done: Counter;
  step_early: Counter;
  step_late: Counter;
  dissatisfied: Counter;
}

export interface IndicatorDefinitionTable {
  framework: string;
  version: number;
  definition: string;
  updated_at: string;
  updated_by: number | null;
}

export interface ReportTables {
  dossier_facts: DossierFactsTable;
  quality_stats: QualityStatsTable;
  quality_stats_agency_day: QualityStatsAgencyDayTable;
  quality_stats_month: QualityStatsMonthTable;
  officer_stats: OfficerStatsTable;
  indicator_definitions: IndicatorDefinitionTable;
}
