// Resolves a step's responsible agency from its rule and the dossier's receiving agency.
import type { Transaction } from 'kysely';
import { findVersionInForce, type VersionForIntake } from '../catalog/store.js';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { Invalid } from '../lib/errors.js';
import type { AgencyRule } from './template.js';

type Tx = Transaction<Database> | Db;

export interface AgencyRef {
  id: number;
  code: string;
  name: string;
  path: string;
  level: string;
}

const COLUMNS = ['id', 'code', 'name', 'path', 'level'] as const;

/** Length of the common ancestry of two materialised paths ('/1/5/23/'). */
function sharedDepth(a: string, b: string): number {
  const x = a.split('/').filter(Boolean);
  const y = b.split('/').filter(Boolean);
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i;
}

export async function resolveAgency(tx: Tx, rule: AgencyRule, receiving: AgencyRef, version: VersionForIntake, day: string): Promise<AgencyRef> {
  switch (rule.kind) {
    case 'receiving':
      return receiving;
    case 'fixed': {
      const a = await tx.selectFrom('agencies').select(COLUMNS).where('code', '=', rule.code).executeTakeFirst();
      if (!a) throw new Invalid(`the workflow names agency ${rule.code}, which does not exist`, 'workflow');
      return a;
    }
    case 'ancestor': {
      const ids = receiving.path.split('/').filter(Boolean).map(Number);
      const rows = await tx.selectFrom('agencies').select(COLUMNS).where('id', 'in', ids).where('level', '=', rule.level).execute();
      const nearest = rows.sort((a, b) => b.path.length - a.path.length)[0];
      if (!nearest) throw new Invalid(`${receiving.name} has no ${rule.level}-level agency above it for this step`, 'workflow');
      return nearest;
    }
    case 'handling': {
      const v = rule.procedure ? await findVersionInForce(tx, rule.procedure, day) : version;
      if (!v) throw new Invalid(`procedure ${rule.procedure} named by the workflow is not in force`, 'workflow');
      // proximity counts where an agency serves: a ward's police serves its ward although its tree parent is the city police
      let q = tx.selectFrom('agencies as a').leftJoin('agencies as t', 't.code', 'a.territory_code').select(['a.id', 'a.code', 'a.name', 'a.path', 'a.level', 't.path as territory_path']);
      q = v.agencyCodes.length > 0 ? q.where('a.code', 'in', v.agencyCodes) : q.where('a.level', 'in', v.levels);
      if (rule.level) q = q.where('a.level', '=', rule.level);
      const rows = await q.orderBy('a.code').execute();
      // an agency that serves a territory is competent only inside it, and then before any other
      const near = (r: (typeof rows)[number]) => (r.territory_path ? (receiving.path.startsWith(r.territory_path) ? 1000 + r.territory_path.length : -1) : sharedDepth(r.path, receiving.path));
      const found = rows.filter((r) => near(r) >= 0).sort((a, b) => near(b) - near(a))[0];
      const best = found ? { id: found.id, code: found.code, name: found.name, path: found.path, level: found.level } : undefined;
      if (!best) throw new Invalid(`no agency handles procedure ${v.nationalCode} for this step`, 'workflow');
      return best;
    }
  }
}
