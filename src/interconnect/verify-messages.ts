// Re-verifies the stored message log: every message we sent or received is checked against its
// sender's directory key valid when it was signed, and every receipt against the receiver's key,
// answering that exact JWS — the same check the operations page shows (ops-verify.ts). A row whose columns differ from what was signed is reported too, so a
// tampered database shows up even where the signatures still hold.
import type { Db } from '../db/connect.js';
import { decodePayload, DirectoryVerifier, verifyStoredMessage } from './ops-verify.js';
import type { Directory, Envelope } from './types.js';

export interface VerifyFailure {
  id: number;
  direction: 'out' | 'in';
  messageId: string;
  problem: string;
}

export interface VerifyReport {
  checked: number;
  /** messages that came through an adapter from a foreign system (no signature to check) */
  unsigned: number;
  failures: VerifyFailure[];
}

/** Same JSON value regardless of key order (a JSON column may come back re-serialised). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export async function verifyMessages(db: Db, directory: Directory, self: string): Promise<VerifyReport> {
  const verifier = new DirectoryVerifier(directory);
  const report: VerifyReport = { checked: 0, unsigned: 0, failures: [] };
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('interconnect_messages')
      .select(['id', 'direction', 'message_id', 'peer', 'type', 'dossier_ref', 'body', 'attachments', 'jws', 'receipt', 'status'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(500)
      .execute();
    if (rows.length === 0) return report;
    after = rows[rows.length - 1]?.id ?? after;
    for (const row of rows) {
      const direction = row.direction === 'in' ? 'in' : 'out';
      // outbox rows not yet delivered prove nothing yet
      if (direction === 'out' && row.status !== 'delivered') continue;
      report.checked++;
      const fail = (problem: string) => report.failures.push({ id: row.id, direction, messageId: row.message_id, problem });
      if (row.jws === null) {
        // unsigned (via adapter): a foreign system's message or an answer it gave, nothing to verify
        report.unsigned++;
        continue;
      }
      // signature and receipt: the same check as the operations page (ops-verify.ts)
      const check = await verifyStoredMessage(verifier, self, { direction, messageId: row.message_id, peer: row.peer, status: row.status, jws: row.jws, receipt: row.receipt });
      if (check.verified !== 'valid') {
        const what = check.signature && !check.signature.ok ? 'message signature' : check.receipt ? 'receipt signature' : 'receipt';
        fail(`${what}: ${check.summary}`);
        continue;
      }
      if (decodePayload(row.receipt ?? '')?.status === 'refused') {
        fail('the stored receipt is a refusal');
        continue;
      }
      // the stored columns must be what was signed, so a tampered database shows up too
      const env = decodePayload(row.jws) as unknown as Envelope;
      const mismatch: string[] = [];
      if (env.type !== row.type) mismatch.push('type');
      if (env.dossierRef !== row.dossier_ref) mismatch.push('dossier');
      try {
        if (canonical(env.body) !== canonical(JSON.parse(row.body))) mismatch.push('body');
        if (canonical(env.attachments) !== canonical(JSON.parse(row.attachments))) mismatch.push('attachments');
      } catch {
        mismatch.push('stored JSON');
      }
      if (mismatch.length) fail(`stored ${mismatch.join(', ')} differ${mismatch.length === 1 ? 's' : ''} from the signed message`);
    }
  }
}
