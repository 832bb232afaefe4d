// Re-verifies the stored message log: every message we sent or received is checked against its
// sender's directory key valid when it was signed, and every receipt against the receiver's key,
// answering that exact JWS. A row whose columns differ from what was signed is reported too, so a
// tampered database shows up even where the signatures still hold.
import type { Db } from '../db/connect.js';
import { keyFor } from './directory.js';
import { MESSAGE_TYP, decodeJws, requestHash, verifyJws } from './envelope.js';
import { verifyReceipt } from './receipts.js';
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

export async function verifyMessages(db: Db, directory: Directory): Promise<VerifyReport> {
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
      let env: Envelope;
      let kid: string;
      try {
        const d = decodeJws(row.jws);
        if (d.header.typ !== MESSAGE_TYP) throw new Error(`typ ${String(d.header.typ)}`);
        env = d.payload as Envelope;
        kid = String(d.header.kid ?? '');
      } catch (err) {
        fail(`stored message is not a readable JWS: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      const key = keyFor(directory, env.from, kid, new Date(env.sentAt));
      if ('error' in key) {
        fail(`message signing key ${kid} of ${env.from}: ${key.error}`);
        continue;
      }
      if (!(await verifyJws(row.jws, key.jwk))) {
        fail(`message signature does not verify with key ${kid} of ${env.from}`);
        continue;
      }
      const mismatch: string[] = [];
      if (env.id !== row.message_id) mismatch.push('message id');
      if ((direction === 'in' ? env.from : env.to) !== row.peer) mismatch.push('peer');
      if (env.type !== row.type) mismatch.push('type');
      if (env.dossierRef !== row.dossier_ref) mismatch.push('dossier');
      try {
        if (canonical(env.body) !== canonical(JSON.parse(row.body))) mismatch.push('body');
        if (canonical(env.attachments) !== canonical(JSON.parse(row.attachments))) mismatch.push('attachments');
      } catch {
        mismatch.push('stored JSON');
      }
      if (mismatch.length) {
        fail(`stored ${mismatch.join(', ')} differ${mismatch.length === 1 ? 's' : ''} from the signed message`);
        continue;
      }
      if (row.receipt === null) {
        fail('no receipt stored');
        continue;
      }
      try {
        const receipt = await verifyReceipt(row.receipt, directory, { from: env.to, requestHash: requestHash(row.jws), messageId: row.message_id });
        if (receipt.status === 'refused') fail('the stored receipt is a refusal');
      } catch (err) {
        fail(`receipt: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
