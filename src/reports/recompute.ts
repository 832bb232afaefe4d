// `motcua recompute-stats [--fix]`: folds every dossier's log again, compares the result with
// the stored statistics buckets and lists every difference; --fix rebuilds facts and buckets
// from the log. Meant for maintenance windows: a rebuild racing live events may need a re-run.
import type { Db } from '../db/connect.js';
import { type BucketDifference, checkStats, rebuildAllStats } from './store.js';

export interface RecomputeReport {
  dossiers: number;
  differences: BucketDifference[];
  fixed: boolean;
}

export async function recomputeStats(db: Db, opts: { fix: boolean; batchSize?: number }): Promise<RecomputeReport> {
  const check = await checkStats(db, opts.batchSize ?? 500);
  if (opts.fix && check.differences.length > 0) {
    await rebuildAllStats(db, { batchSize: opts.batchSize ?? 1000 });
    return { ...check, fixed: true };
  }
  return { ...check, fixed: false };
}

/** One line per difference, for people. */
export function describeDifference(d: BucketDifference): string {
  const [a, b, c] = d.key.split('|');
  const where =
    d.table === 'officer_stats' ? `officer ${a}, day ${b}` : d.table === 'quality_stats_agency_day' ? `agency ${a}, day ${b}` : d.table === 'quality_stats_month' ? `agency ${a}, month ${b}, procedure ${c}` : `agency ${a}, day ${b}, procedure ${c}`;
  return `${d.table} (${where}) ${d.counter}: stored ${d.stored}, from the log ${d.expected}`;
}
