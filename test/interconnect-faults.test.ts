// Faults an interconnection must survive (#6), on loopback with real processes and databases:
// the receiver down for a while then back, the receiver killed with SIGKILL in the middle of a
// burst, the sender killed after its commit but before the message left, the same message
// delivered twice, and messages refused for a tampered body, a wrong recipient, an unknown
// sender, an expired key or a clock beyond the allowed skew (the conformance kit, checked
// against a running member: the refusals change nothing). Key rotation without a restart.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChains } from '../src/dossiers/event-log.js';
import type { Db } from '../src/db/connect.js';
import { handOver, LATE_BIRTH, crossTemplate, receivedAtWard, saveTemplate, TU_PHAP, wardPeople, type WardPeople } from './support/interconnect-journeys.js';
import { type City, eventually, startCity } from './support/members.js';

async function outbox(db: Db) {
  return db.selectFrom('interconnect_messages').select(['message_id', 'type', 'dossier_ref', 'status', 'attempts', 'last_error']).where('direction', '=', 'out').orderBy('id').execute();
}
async function inbox(db: Db) {
  return db.selectFrom('interconnect_messages').select(['message_id', 'type', 'dossier_ref']).where('direction', '=', 'in').orderBy('id').execute();
}
/** How many times each dossier was opened on the receiving side (must be exactly once). */
async function mirrorsOf(db: Db, codes: string[]) {
  const rows = await db
    .selectFrom('dossier_events as e')
    .innerJoin('dossiers as d', 'd.id', 'e.dossier_id')
    .select(['d.code', sql<number>`count(*)`.as('n')])
    .where('e.type', '=', 'received_from_peer')
    .where('d.code', 'in', codes)
    .groupBy('d.code')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.code, Number(r.n)]));
}
const once = (codes: string[]) => Object.fromEntries(codes.map((c) => [c, 1]));

describe('interconnection faults (Hồng Bàng → city, two processes)', () => {
  let city: City;
  let ward: WardPeople;
  const hb = () => city.members.hongbang!;
  const ct = () => city.members.city!;

  beforeAll(async () => {
    city = await startCity([
      { id: 'hongbang', name: 'Hồng Bàng', engine: 'sqlite', hosts: ['000.00.21.H31'] },
      { id: 'city', name: 'Thành phố', engine: 'sqlite', hosts: ['000.00.00.H31'] },
    ]);
    for (const m of Object.values(city.members)) await saveTemplate(m.url, LATE_BIRTH, crossTemplate(TU_PHAP));
    ward = await wardPeople(hb().url);
  }, 120_000);
  afterAll(async () => {
    await city?.dispose();
  });

  it('receiver down for a while, then back: each message delivered once, in order per dossier', { timeout: 120_000 }, async () => {
    await ct().stop('SIGKILL');
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const d = await receivedAtWard(ward, `down-${i}`);
      await handOver(ward, d.code, d.examine);
      codes.push(d.code);
    }
    // the first dossier also gets a cancellation (and its closing) after its transfer: order matters for it
    expect((await ward.citizen.post(`/api/me/dossiers/${codes[0]}/withdraw`, { reason: 'Không còn nhu cầu' })).status).toBe(200);
    await eventually('several failed attempts while the city is down', async () => {
      const rows = (await outbox(hb().t.db)).filter((r) => codes.includes(r.dossier_ref ?? ''));
      return rows.length >= 4 && rows.every((r) => r.status === 'pending') && rows.some((r) => r.attempts >= 3) ? rows : undefined;
    });
    const failing = (await outbox(hb().t.db)).find((r) => codes.includes(r.dossier_ref ?? '') && r.attempts > 0)!;
    expect(failing.last_error).toMatch(/connect|refused|ECONNREFUSED|fetch failed/i);

    await ct().start();
    await eventually('all delivered after the city is back', async () => (await outbox(hb().t.db)).filter((r) => codes.includes(r.dossier_ref ?? '')).every((r) => r.status === 'delivered'));
    expect(await mirrorsOf(ct().t.db, codes)).toEqual(once(codes));
    const received = (await inbox(ct().t.db)).filter((r) => r.dossier_ref === codes[0]).map((r) => r.type);
    // the withdrawal takes the step back, then closes the mirror (dossier_closed), in that order
    expect(received).toEqual(['transfer', 'transfer_cancelled', 'dossier_closed']);
    const sent = (await outbox(hb().t.db)).filter((r) => codes.includes(r.dossier_ref ?? '')).map((r) => r.message_id);
    const got = (await inbox(ct().t.db)).map((r) => r.message_id);
    for (const id of sent) expect(got.filter((g) => g === id)).toHaveLength(1);
  });

  it('receiver killed with SIGKILL during a burst: every message applied exactly once after restart', { timeout: 120_000 }, async () => {
    const prepared: { code: string; examine: Parameters<typeof handOver>[2] }[] = [];
    for (let i = 0; i < 8; i++) prepared.push(await receivedAtWard(ward, `burst-${i}`));
    const codes = prepared.map((p) => p.code);
    const sending = Promise.all(prepared.map((p) => handOver(ward, p.code, p.examine)));
    // kill the receiver as soon as the first of the burst has arrived
    await eventually('the first transfer of the burst applied', async () => Object.keys(await mirrorsOf(ct().t.db, codes)).length > 0, 30_000);
    await ct().stop('SIGKILL');
    await sending;
    await ct().start();
    await eventually('the burst delivered', async () => (await outbox(hb().t.db)).filter((r) => codes.includes(r.dossier_ref ?? '')).every((r) => r.status === 'delivered'));
    expect(await mirrorsOf(ct().t.db, codes)).toEqual(once(codes));
    const ids = (await inbox(ct().t.db)).map((r) => r.message_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await verifyChains(ct().t.db)).problems).toEqual([]);
  });

  it('sender killed after its commit but before the message left: sent after restart', { timeout: 120_000 }, async () => {
    await ct().stop('SIGKILL');
    const d = await receivedAtWard(ward, 'sender-killed');
    await handOver(ward, d.code, d.examine); // committed with its outbox row; the city cannot take it now
    const pending = (await outbox(hb().t.db)).filter((r) => r.dossier_ref === d.code);
    expect(pending.map((r) => r.status)).toEqual(['pending']);
    await hb().stop('SIGKILL');
    await ct().start();
    await hb().start();
    ward = await wardPeople(hb().url);
    await eventually('delivered by the restarted sender', async () => (await outbox(hb().t.db)).filter((r) => r.dossier_ref === d.code).every((r) => r.status === 'delivered'));
    expect(await mirrorsOf(ct().t.db, [d.code])).toEqual(once([d.code]));
  });

  it('refuses tampered, misaddressed, unknown-sender, expired-key, skewed and replayed messages with signed receipts, changing nothing', { timeout: 120_000 }, async () => {
    // rotate Hồng Bàng's key without a restart: both keys valid, then the old one expired
    const rotated = await hb().cli(['interconnect', 'rotate-key']);
    expect(rotated.code, rotated.stderr).toBe(0);
    const fresh = JSON.parse(rotated.stdout) as { kid: string; jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string } };
    const now = Date.now();
    await city.publish((dir) => {
      const me = dir.members.find((m) => m.id === 'hongbang')!;
      me.keys.push({ kid: fresh.kid, jwk: fresh.jwk, validFrom: new Date(now - 60_000).toISOString(), validTo: null });
    });
    // a transfer after the rotation is signed with the new key and accepted
    const d = await receivedAtWard(ward, 'after-rotation');
    await handOver(ward, d.code, d.examine);
    await eventually('delivered with the new key', async () => (await outbox(hb().t.db)).filter((r) => r.dossier_ref === d.code).every((r) => r.status === 'delivered'));
    const signedWith = await hb().t.db.selectFrom('interconnect_messages').select('jws').where('dossier_ref', '=', d.code).where('direction', '=', 'out').executeTakeFirstOrThrow();
    expect(JSON.parse(Buffer.from(signedWith.jws!.split('.')[0]!, 'base64url').toString()).kid).toBe(fresh.kid);
    await city.publish((dir) => {
      const me = dir.members.find((m) => m.id === 'hongbang')!;
      for (const k of me.keys) if (k.kid !== fresh.kid) k.validTo = new Date(now - 1_000).toISOString();
    });
    await new Promise((r) => setTimeout(r, 1_500)); // members notice the new directory on their next tick

    const count = async () => ({
      dossiers: Number((await ct().t.db.selectFrom('dossiers').select((s) => s.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
      events: Number((await ct().t.db.selectFrom('dossier_events').select((s) => s.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
      refusals: Number((await ct().t.db.selectFrom('interconnect_refusals').select((s) => s.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
    });
    const before = await count();
    const run = await hb().cli(['conformance', '--peer', ct().url]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    for (const check of ['duplicate', 'bad_signature', 'wrong_recipient', 'unknown_sender', 'key_expired', 'clock_skew', 'invalid_message']) expect(run.stdout).toContain(check);
    expect(run.stdout).not.toMatch(/✗/);
    const after = await count();
    expect(after.dossiers).toBe(before.dossiers);
    expect(after.events).toBe(before.events);
    expect(after.refusals).toBeGreaterThanOrEqual(before.refusals + 6);
    const codes = (await ct().t.db.selectFrom('interconnect_refusals').select('code').execute()).map((r) => r.code);
    expect(codes).toEqual(expect.arrayContaining(['bad_signature', 'wrong_recipient', 'unknown_sender', 'key_expired', 'clock_skew']));
  });
});
