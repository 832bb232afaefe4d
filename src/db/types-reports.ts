// Table types of the reports module (per-dossier quality facts, statistics buckets, indicator definitions): migration 0006.
export interface ReportTables {}
