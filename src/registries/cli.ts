// `motcua import-registry <citizens|businesses> FILE`: the same all-or-nothing import as the admin
// page, attributed to the first system administrator. Prints the summary and the rejected rows
// (row number, field, reason — not the rows' content: no personal data on the console log).
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connect.js';
import { StartupError } from '../lib/startup-error.js';
import { ImportFileError, runImport } from './import.js';
import type { RegistryKind } from './rows.js';

export async function importRegistryFile(db: Db, registry: string | undefined, file: string | undefined, now: Date): Promise<{ ok: boolean; text: string }> {
  if ((registry !== 'citizens' && registry !== 'businesses') || !file) throw new StartupError('usage: motcua import-registry <citizens|businesses> FILE');
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new StartupError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const admin = await db
    .selectFrom('role_grants')
    .select('account_id')
    .where('role', '=', 'system_admin')
    .where('revoked_at', 'is', null)
    .orderBy('id')
    .executeTakeFirst();
  if (!admin) throw new StartupError('no system administrator account to attribute the import to: create one first');
  try {
    const r = await runImport(db, { registry: registry as RegistryKind, filename: path.basename(file), bytes, actorId: admin.account_id, now });
    if (r.status === 'applied') return { ok: true, text: `imported ${r.accepted} ${registry} from ${file} (import ${r.id})` };
    const lines = r.report.rejected.map((x) => `  row ${x.row}: ${x.errors.map((e) => `${e.field} ${e.reason}`).join(', ')}`);
    return { ok: false, text: [`rejected ${file}: ${r.rejected} of ${r.total} rows are wrong; nothing was imported (import ${r.id})`, ...lines].join('\n') };
  } catch (err) {
    if (err instanceof ImportFileError) return { ok: false, text: `rejected ${file}: ${err.reason}: ${err.message}` };
    throw err;
  }
}
