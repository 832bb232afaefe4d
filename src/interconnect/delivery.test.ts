// Delivery between two in-process members over real HTTP: retries while the receiver is down,
// order per dossier, attachments pulled by digest, dead letters, and re-verification of the log.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import http from 'node:http';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDb } from '../../test/support/db.js';
import type { Engine } from '../db/connect.js';
import { FETCH_TYP } from './attachments.js';
import { signJson } from './envelope.js';
import type { InterconnectConfig } from '../config.js';
import { BlobStore } from '../documents/blob-store.js';
import { interconnectActive } from './active.js';
import { retryDeadLetter } from './delivery.js';
import { signDirectory } from './directory.js';
import { generateDirectoryKey, loadOrCreateMemberKeys } from './keys.js';
import { enqueueMessage } from './outbox.js';
import { interconnectProtocolRoutes } from './routes.js';
import { Interconnect } from './service.js';
import type { Directory, DirectoryMember } from './types.js';
import { verifyMessages } from './verify-messages.js';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), `motcua-icd-${p}-`));
const log = pino({ level: 'silent' });

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

async function until(what: string, check: () => Promise<boolean>, deadlineMs = 20_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

interface Member {
  id: string;
  port: number;
  tdb: TestDb;
  blobs: BlobStore;
  ic: Interconnect;
  app?: FastifyInstance | undefined;
  handled: string[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Two members `hongbang` (sender) and `city` (receiver) with one signed directory. */
async function pair(over: Partial<InterconnectConfig> = {}, senderEngine: Engine = 'sqlite') {
  const city = await generateDirectoryKey();
  const shared = tmp('shared');
  const directoryFile = path.join(shared, 'directory.jws');
  const directoryKeyFile = path.join(shared, 'city.jwk');
  fs.writeFileSync(directoryKeyFile, JSON.stringify(city.publicJwk));
  const ids = ['hongbang', 'city'];
  const ports = [await freePort(), await freePort()];
  const keysDirs = ids.map((id) => path.join(tmp(id), 'keys'));
  const rings = await Promise.all(keysDirs.map((d) => loadOrCreateMemberKeys(d, new Date())));
  const members: DirectoryMember[] = ids.map((id, i) => ({
    id,
    name: id,
    kind: 'motcua',
    baseUrl: `http://127.0.0.1:${ports[i]}`,
    hosts: [],
    keys: (rings[i]?.keys ?? []).map((k) => ({ kid: k.kid, jwk: { kty: 'OKP', crv: 'Ed25519', x: String(k.publicJwk.x) }, validFrom: '2020-01-01T00:00:00.000Z', validTo: null })),
  }));
  const directory: Directory = { v: 1, issuedAt: new Date().toISOString(), members };
  fs.writeFileSync(directoryFile, await signDirectory(directory, city.privateJwk));

  const out: Member[] = [];
  for (const [i, id] of ids.entries()) {
    const tdb = await freshDatabase(i === 0 ? senderEngine : 'sqlite');
    const blobs = new BlobStore(tmp(`${id}-blobs`));
    const handled: string[] = [];
    const config: InterconnectConfig = {
      memberId: id,
      directoryFile,
      directoryKeyFile,
      keysDir: keysDirs[i] ?? '',
      clockSkewSeconds: 300,
      maxAttempts: 12,
      retryBaseMs: 30,
      retryMaxMs: 200,
      timeoutMs: 3000,
      pollMs: 20,
      ...over,
    };
    const ic = new Interconnect({
      db: tdb.db,
      config,
      blobs,
      clock: { now: () => new Date() },
      log,
      handlers: {
        ping: async ({ envelope }) => {
          handled.push(envelope.id);
        },
      },
    });
    await ic.start();
    const m: Member = { id, port: ports[i] ?? 0, tdb, blobs, ic, handled };
    cleanups.push(async () => {
      await ic.stop();
      await m.app?.close();
      await tdb.dispose();
    });
    out.push(m);
  }
  const [a, b] = out;
  if (!a || !b) throw new Error('no members');
  return { a, b, directoryFile, directory, cityPrivate: city.privateJwk };
}

async function listen(m: Member): Promise<void> {
  const app = Fastify({ logger: false });
  await app.register(interconnectProtocolRoutes, { interconnect: m.ic });
  await app.listen({ host: '127.0.0.1', port: m.port });
  m.app = app;
}

async function enqueuePings(m: Member, to: string, dossierRef: string | null, n: number): Promise<string[]> {
  const ids: string[] = [];
  await m.tdb.db.transaction().execute(async (tx) => {
    for (let i = 0; i < n; i++) ids.push(await enqueueMessage(tx, { to, type: 'ping', dossierRef, body: { note: `ping ${i}` }, createdAt: new Date() }));
  });
  m.ic.wake();
  return ids;
}

const outRows = (m: Member) => m.tdb.db.selectFrom('interconnect_messages').selectAll().where('direction', '=', 'out').orderBy('id').execute();

describe('delivery over HTTP', () => {
  it('retries while the receiver is down, then delivers each message once, in order per dossier', async () => {
    const { a, b } = await pair();
    await listen(a);
    const d1 = await enqueuePings(a, 'city', 'HB-2025-000001', 3);
    const d2 = await enqueuePings(a, 'city', 'HB-2025-000002', 2);

    await until('failed attempts recorded', async () => {
      const rows = await outRows(a);
      return rows.filter((r) => r.attempts >= 2).length >= 2;
    });
    const failing = (await outRows(a)).filter((r) => r.attempts > 0);
    for (const r of failing) {
      expect(r.status).toBe('pending');
      expect(r.last_error).toBe(`connection refused (http://127.0.0.1:${b.port})`);
      expect(Date.parse(r.next_attempt_at ?? '')).toBeGreaterThan(Date.parse(r.created_at));
    }
    // order per dossier: only the first message of each dossier is being attempted
    expect(new Set(failing.map((r) => r.message_id))).toEqual(new Set([d1[0], d2[0]]));
    expect(b.handled).toEqual([]);

    await listen(b);
    await until('all delivered', async () => (await outRows(a)).every((r) => r.status === 'delivered'));
    expect(b.handled.filter((id) => d1.includes(id))).toEqual(d1);
    expect(b.handled.filter((id) => d2.includes(id))).toEqual(d2);
    expect(b.handled).toHaveLength(5);
    const inRows = await b.tdb.db.selectFrom('interconnect_messages').selectAll().where('direction', '=', 'in').execute();
    expect(inRows).toHaveLength(5);

    // both logs verify; a tampered stored row is found
    const dir = a.ic.directory();
    expect(await verifyMessages(a.tdb.db, dir, a.ic.memberId)).toMatchObject({ checked: 5, failures: [] });
    expect(await verifyMessages(b.tdb.db, dir, b.ic.memberId)).toMatchObject({ checked: 5, failures: [] });
    const victim = inRows[1];
    if (!victim) throw new Error('no row');
    await b.tdb.db.updateTable('interconnect_messages').set({ body: JSON.stringify({ note: 'đã sửa' }) }).where('id', '=', victim.id).execute();
    const outVictim = (await outRows(a))[0];
    if (!outVictim?.receipt) throw new Error('no receipt');
    const [h, p, s] = outVictim.receipt.split('.');
    const forgedReceipt = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p ?? '', 'base64url').toString()), status: 'duplicate' })).toString('base64url')}.${s}`;
    await a.tdb.db.updateTable('interconnect_messages').set({ receipt: forgedReceipt }).where('id', '=', outVictim.id).execute();
    const rb = await verifyMessages(b.tdb.db, dir, b.ic.memberId);
    expect(rb.failures).toEqual([{ id: victim.id, direction: 'in', messageId: victim.message_id, problem: expect.stringMatching(/body differs/) }]);
    const ra = await verifyMessages(a.tdb.db, dir, a.ic.memberId);
    expect(ra.failures).toEqual([{ id: outVictim.id, direction: 'out', messageId: outVictim.message_id, problem: expect.stringMatching(/receipt signature/) }]);
  });

  it('re-reads the directory when its file changes', async () => {
    const { a, directoryFile, directory, cityPrivate } = await pair();
    const issuedAt = new Date(Date.parse(directory.issuedAt) + 60_000).toISOString();
    fs.writeFileSync(directoryFile, await signDirectory({ ...directory, issuedAt }, cityPrivate));
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(directoryFile, later, later);
    await until('directory reloaded', async () => a.ic.directory().issuedAt === issuedAt);
    // a file that does not verify is refused and the previous directory kept
    fs.writeFileSync(directoryFile, 'garbage');
    const later2 = new Date(Date.now() + 10_000);
    fs.utimesSync(directoryFile, later2, later2);
    await a.ic.drain();
    expect(a.ic.directory().issuedAt).toBe(issuedAt);
  });

  it('the receiver pulls attachments by digest; only shared blobs are served', async () => {
    const { a, b } = await pair();
    await listen(a);
    await listen(b);
    const content = Buffer.from('Giấy chứng nhận quyền sử dụng đất — bản sao', 'utf8');
    const staged = await a.blobs.stage(Readable.from([content]), 1 << 20);
    await a.blobs.commit(staged);
    const sha256 = createHash('sha256').update(content).digest('hex');
    await a.tdb.db.transaction().execute(async (tx) => {
      await enqueueMessage(tx, { to: 'city', type: 'ping', dossierRef: null, body: {}, attachments: [{ sha256, size: content.length, mediaType: 'application/pdf', filename: 'gcn.pdf' }], createdAt: new Date() });
    });
    a.ic.wake();
    await until('delivered', async () => (await outRows(a)).every((r) => r.status === 'delivered'));
    expect(fs.readFileSync(b.blobs.pathOf(sha256))).toEqual(content);

    // a blob not shared with the requester: 404; no or a bad authorization: 403
    const other = await a.blobs.stage(Readable.from([Buffer.from('not shared')]), 1 << 20);
    await a.blobs.commit(other);
    const base = `http://127.0.0.1:${a.port}/interconnect/v1/attachments`;
    expect((await fetch(`${base}/${other.sha256}`)).status).toBe(403);
    expect((await fetch(`${base}/${other.sha256}`, { headers: { authorization: 'Motcua a.b.c' } })).status).toBe(403);
    // signed by city, addressed to hongbang: the shared blob is served, the other one is 404
    const bKey = b.ic.keyring().keys[0];
    if (!bKey) throw new Error('no key');
    const token = async (digest: string) =>
      `Motcua ${await signJson({ v: 1, from: 'city', to: 'hongbang', sha256: digest, sentAt: new Date().toISOString() }, bKey, FETCH_TYP)}`;
    expect((await fetch(`${base}/${other.sha256}`, { headers: { authorization: await token(other.sha256) } })).status).toBe(404);
    const ok = await fetch(`${base}/${sha256}`, { headers: { authorization: await token(sha256) } });
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(content);
    expect((await fetch(`${base}/${sha256}`, { headers: { authorization: await token(other.sha256) } })).status).toBe(403);
    const health = (await (await fetch(`http://127.0.0.1:${a.port}/interconnect/v1/health`)).json()) as { member: string; version: string };
    expect(health).toMatchObject({ member: 'hongbang', version: 'v1' });
    // a garbage message is refused with a signed receipt
    const res = await fetch(`http://127.0.0.1:${b.port}/interconnect/v1/messages`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/jose/);
    expect((await res.text()).split('.')).toHaveLength(3);
  });

  it.each(ENGINES)('becomes a dead letter after maxAttempts and blocks its dossier; retryDeadLetter delivers it (sender on %s)', async (engine) => {
    const { a, b } = await pair({ maxAttempts: 2 }, engine);
    await listen(a);
    const [first, second] = await enqueuePings(a, 'city', 'HB-2025-000009', 2);
    await until('dead letter', async () => (await outRows(a)).some((r) => r.status === 'dead'));
    let rows = await outRows(a);
    expect(rows.map((r) => [r.message_id, r.status, r.attempts])).toEqual([
      [first, 'dead', 2],
      [second, 'pending', 0],
    ]);
    await listen(b);
    // the dead letter keeps the later message of its dossier waiting
    await a.ic.drain();
    rows = await outRows(a);
    expect(rows.map((r) => r.status)).toEqual(['dead', 'pending']);
    expect(await retryDeadLetter(a.tdb.db, rows[0]?.id ?? 0, new Date())).toBe(true);
    a.ic.wake();
    await until('both delivered', async () => (await outRows(a)).every((r) => r.status === 'delivered'));
    expect(b.handled).toEqual([first, second]);
  });
});

describe('delivery limits', () => {
  it('marks interconnection active once started (the event log skips its work otherwise)', async () => {
    await pair();
    expect(interconnectActive()).toBe(true);
  });

  it('a signed message over the 64 KiB protocol limit is a dead letter at once, with a readable reason', async () => {
    const { a, b } = await pair();
    await listen(a);
    await listen(b);
    await a.tdb.db.transaction().execute(async (tx) => {
      await enqueueMessage(tx, { to: 'city', type: 'ping', dossierRef: null, body: { note: 'x'.repeat(70_000) }, createdAt: new Date() });
    });
    a.ic.wake();
    await until('dead letter', async () => (await outRows(a)).some((r) => r.status === 'dead'));
    const [row] = await outRows(a);
    expect(row).toMatchObject({ status: 'dead', attempts: 1 });
    expect(row?.last_error).toMatch(/^message too large: the signed ping message is \d+ bytes, over the protocol limit of 65536 bytes/);
  });

  it('a 413 answer from a peer is not retried', async () => {
    const { a, b } = await pair();
    await listen(a);
    const tooLarge = http.createServer((req, res) => {
      req.resume();
      res.writeHead(413, { 'content-type': 'application/json' }).end('{"error":"too_large"}');
    });
    await new Promise<void>((resolve) => tooLarge.listen(b.port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => tooLarge.close(() => resolve())));
    await enqueuePings(a, 'city', null, 1);
    await until('dead letter', async () => (await outRows(a)).some((r) => r.status === 'dead'));
    const [row] = await outRows(a);
    expect(row).toMatchObject({ status: 'dead', attempts: 1 });
    expect(row?.last_error).toMatch(/^city answered HTTP 413/);
  });

  it('POST /interconnect/v1/messages is rate limited per client address', async () => {
    const { b } = await pair();
    const app = Fastify({ logger: false });
    await app.register(rateLimit, { global: false });
    await app.register(interconnectProtocolRoutes, { interconnect: b.ic, messageRateLimit: { max: 3, timeWindow: '1 minute' } });
    cleanups.push(() => app.close());
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await app.inject({ method: 'POST', url: '/interconnect/v1/messages', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([400, 400, 400, 429]);
    // only the answered ones left a refusal behind
    expect(await b.tdb.db.selectFrom('interconnect_refusals').select('id').execute()).toHaveLength(3);
  });
});
