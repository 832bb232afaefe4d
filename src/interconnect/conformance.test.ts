// The conformance kit against our own receive side (a real member over HTTP), a peer that answers
// wrongly, and the operations page's store and verification on the log the run leaves behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDb } from '../../test/support/db.js';
import { BlobStore } from '../documents/blob-store.js';
import { formatConformance, runConformance, type ConformanceResult } from './conformance.js';
import { signDirectory } from './directory.js';
import { generateDirectoryKey, loadOrCreateMemberKeys, type MemberKeyring, rotateMemberKey } from './keys.js';
import { listDeadLetters, listRecentMessages, listRefusals, outboxStats, retryDeadLetter } from './ops-store.js';
import { DirectoryVerifier, verifyStoredMessage } from './ops-verify.js';
import { interconnectProtocolRoutes } from './routes.js';
import { Interconnect } from './service.js';
import type { Directory } from './types.js';

const HOUR = 3_600_000;

describe('conformance kit against a motcua member', () => {
  let tmp: string;
  let tdb: TestDb;
  let app: FastifyInstance;
  let beta: Interconnect;
  let alpha: MemberKeyring;
  let directory: Directory;
  let result: ConformanceResult;
  let peerUrl: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-conf-'));
    tdb = await freshDatabase('sqlite');
    const now = new Date();
    // alpha (the kit) has an old key, retired an hour ago, and a current one
    const alphaDir = path.join(tmp, 'alpha-keys');
    await loadOrCreateMemberKeys(alphaDir, new Date(now.getTime() - 3 * HOUR));
    await rotateMemberKey(alphaDir, new Date(now.getTime() - 2 * HOUR));
    alpha = await loadOrCreateMemberKeys(alphaDir, now);
    const [oldKey, newKey] = alpha.keys;
    const betaDir = path.join(tmp, 'beta-keys');
    const betaKey = (await loadOrCreateMemberKeys(betaDir, now)).keys[0]!;
    const city = await generateDirectoryKey();
    const config = {
      memberId: 'beta', directoryFile: path.join(tmp, 'directory.jws'), directoryKeyFile: path.join(tmp, 'city.jwk'), keysDir: betaDir,
      clockSkewSeconds: 300, maxAttempts: 3, retryBaseMs: 1000, retryMaxMs: 10_000, timeoutMs: 2000, pollMs: 50,
    };
    beta = new Interconnect({ db: tdb.db, config, blobs: new BlobStore(path.join(tmp, 'blobs')), clock: { now: () => new Date() }, log: pino({ level: 'silent' }) });
    app = Fastify();
    await app.register(interconnectProtocolRoutes, { interconnect: beta });
    peerUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    const from = new Date(now.getTime() - 3 * HOUR).toISOString();
    const key = (k: { kid: string; publicJwk: object }, validTo: string | null) => ({ kid: k.kid, jwk: k.publicJwk as Directory['members'][number]['keys'][number]['jwk'], validFrom: from, validTo });
    directory = {
      v: 1,
      issuedAt: now.toISOString(),
      members: [
        { id: 'alpha', name: 'Alpha', kind: 'motcua', baseUrl: 'http://127.0.0.1:9', hosts: [], keys: [key(oldKey!, new Date(now.getTime() - HOUR).toISOString()), key(newKey!, null)] },
        { id: 'beta', name: 'Beta', kind: 'motcua', baseUrl: `${peerUrl}/`, hosts: [], keys: [key(betaKey, null)] },
      ],
    };
    fs.writeFileSync(config.directoryFile, await signDirectory(directory, city.privateJwk));
    fs.writeFileSync(config.directoryKeyFile, JSON.stringify(city.publicJwk));
    await beta.start();
    result = await runConformance({ peerUrl, self: { memberId: 'alpha', keyring: alpha }, directory });
  });

  afterAll(async () => {
    await beta?.stop();
    await app?.close();
    await tdb?.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('passes every check, the expired-key one included', () => {
    const report = formatConformance(result);
    expect(result.passed, report).toBe(true);
    expect(result.peer).toBe('beta');
    expect(result.checks.map((c) => c.name)).toEqual([
      'health answers with the member id and its clock', 'accepted', 'duplicate', 'bad_signature', 'wrong_recipient', 'unknown_sender', 'clock_skew',
      'invalid_message', 'unsupported_version', 'key_expired', 'refusal receipts',
    ]);
    expect(result.checks.filter((c) => !c.ok || c.skipped)).toEqual([]);
    expect(report.split('\n').at(-1)).toMatch(/^CONFORMS: beta — 11 passed, 0 failed, 0 skipped$/);
  });

  it("leaves a log the operations page reads and verifies: the ping applied with a valid signature, the refusals recorded", async () => {
    const recent = await listRecentMessages(tdb.db);
    expect(recent.map((m) => [m.direction, m.peer, m.type, m.status])).toEqual([['in', 'alpha', 'ping', 'applied']]);
    const v = await verifyStoredMessage(new DirectoryVerifier(directory), 'beta', recent[0]!);
    expect(v.verified, v.summary).toBe('valid');
    // tampering with the stored message breaks it
    const forged = { ...recent[0]!, jws: recent[0]!.jws!.replace(/\.[^.]+$/, '.AAAA') };
    expect((await verifyStoredMessage(new DirectoryVerifier(directory), 'beta', forged)).verified).toBe('invalid');
    const refusals = await listRefusals(tdb.db);
    // distinct codes: fetch (undici) repeats a request answered 421 by itself, so wrong_recipient may be recorded twice
    expect([...new Set(refusals.map((r) => r.code))].sort()).toEqual(['bad_signature', 'clock_skew', 'invalid_message', 'key_expired', 'unknown_sender', 'unsupported_version', 'wrong_recipient']);
  });

  it('puts a dead letter back in the outbox once, keeping its last error as a note', async () => {
    const now = new Date();
    const { id } = await tdb.db
      .insertInto('interconnect_messages')
      .values({ direction: 'out', message_id: crypto.randomUUID(), peer: 'gamma', type: 'ping', dossier_ref: null, created_at: now.toISOString(), body: '{}', attachments: '[]', jws: null, receipt: null, status: 'dead', attempts: 3, next_attempt_at: null, last_error: 'connection refused', done_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await outboxStats(tdb.db, now)).dead).toBe(1);
    expect((await listDeadLetters(tdb.db)).map((d) => d.id)).toEqual([id]);
    expect(await retryDeadLetter(tdb.db, id, now)).toBe('retried');
    expect(await retryDeadLetter(tdb.db, id, now)).toBe('not_dead');
    expect(await retryDeadLetter(tdb.db, id + 1000, now)).toBe('not_found');
    const row = await tdb.db.selectFrom('interconnect_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 0, next_attempt_at: now.toISOString() });
    expect(row.last_error).toContain('after 3 attempts; last error: connection refused');
    await tdb.db.deleteFrom('interconnect_messages').where('id', '=', id).execute();
  });
});

describe('conformance kit against a peer that answers wrongly', () => {
  it('fails the checks whose answers are not signed receipts, and says why', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-conf-'));
    try {
      const ring = await loadOrCreateMemberKeys(path.join(tmp, 'k'), new Date());
      const k = ring.keys[0]!;
      const directory: Directory = {
        v: 1, issuedAt: new Date().toISOString(),
        members: [
          { id: 'alpha', name: 'A', kind: 'motcua', baseUrl: 'http://a.test', hosts: [], keys: [{ kid: k.kid, jwk: k.publicJwk as Directory['members'][number]['keys'][number]['jwk'], validFrom: new Date(Date.now() - HOUR).toISOString(), validTo: null }] },
          { id: 'liar', name: 'L', kind: 'motcua', baseUrl: 'http://liar.test', hosts: [], keys: [] },
        ],
      };
      // answers health correctly, then 200 "ok" to every message
      const fake: typeof fetch = async (input) => {
        const url = String(input);
        if (url.endsWith('/health')) return new Response(JSON.stringify({ member: 'liar', time: new Date().toISOString(), version: 'v1' }), { headers: { 'content-type': 'application/json' } });
        return new Response('ok', { status: 200 });
      };
      const r = await runConformance({ peerUrl: 'http://liar.test', self: { memberId: 'alpha', keyring: ring }, directory, fetch: fake });
      expect(r.passed).toBe(false);
      expect(r.peer).toBe('liar');
      const byName = new Map(r.checks.map((c) => [c.name, c]));
      expect(byName.get('health answers with the member id and its clock')?.ok).toBe(true);
      expect(byName.get('accepted')).toMatchObject({ ok: false, detail: 'the answer is not a compact JWS receipt' });
      expect(byName.get('bad_signature')?.ok).toBe(false);
      expect(byName.get('key_expired')?.skipped).toBe(true);
      expect(formatConformance(r)).toMatch(/DOES NOT CONFORM: liar/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
