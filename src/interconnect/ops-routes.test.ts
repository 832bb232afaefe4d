// The operations API over HTTP: who may see it, the peers probed (motcua health, foreign status,
// one refusing connections), outbox counters, and each message's verification computed from the
// log (a delivered message signed and acknowledged verifies; a tampered one does not; the
// adapter's are unsigned), and the dead-letter retry waking the worker.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDb } from '../../test/support/db.js';
import { ErrorResponse } from '../app.js';
import { registerErrorHandling } from '../http/errors.js';
import type { Actor } from '../identity/permissions.js';
import type { LoadedSession } from '../identity/sessions.js';
import { requestHash, signEnvelope } from './envelope.js';
import { loadOrCreateMemberKeys, type MemberKey } from './keys.js';
import { interconnectOpsRoutes, type OpsView } from './ops-routes.js';
import { signReceipt } from './receipts.js';
import type { Directory, DirectoryKey, Envelope } from './types.js';

const NOW = new Date('2026-11-27T03:00:00.000Z');
const dirKey = (k: MemberKey): DirectoryKey => ({ kid: k.kid, jwk: k.publicJwk as DirectoryKey['jwk'], validFrom: '2026-01-01T00:00:00.000Z', validTo: null });

interface Overview {
  enabled: boolean;
  member: string | null;
  directoryIssuedAt: string | null;
  peers: { id: string; reachable: boolean; latencyMs: number | null; clockOffsetMs: number | null; error?: string }[];
  outbox: { pending: number; oldestPendingAt: string | null; failing: number; delivered24h: number; dead: number };
  failures: { id: number; lastError: string | null }[];
  deadLetters: { id: number }[];
  refusals: { code: string }[];
  recent: { id: number; messageId: string; verified: string }[];
}

describe('interconnection operations API', () => {
  let tmp: string;
  let tdb: TestDb;
  let on: FastifyInstance;
  let off: FastifyInstance;
  let woken = 0;
  const ids: Record<string, number> = {};

  async function build(interconnect: OpsView | undefined): Promise<FastifyInstance> {
    const app = Fastify();
    app.addSchema(ErrorResponse);
    registerErrorHandling(app);
    app.decorateRequest('session', null);
    app.decorateRequest('sessionProblem', 'none');
    // the session as the auth plugin would load it, from a test header
    app.addHook('onRequest', async (req) => {
      const role = req.headers['x-test-role'];
      if (typeof role !== 'string') return;
      const actor: Actor = { accountId: 1, kind: 'officer', grants: [{ id: 1, role: role as Actor['grants'][number]['role'], agencyId: 1, agencyPath: '/1/' }], actingFor: null };
      req.session = { idHash: 'x', csrfToken: 'x', actor, grants: [] } as LoadedSession;
    });
    await app.register(interconnectOpsRoutes, { db: tdb.db, clock: { now: () => NOW }, interconnect });
    return app;
  }

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-ops-'));
    tdb = await freshDatabase('sqlite');
    const alpha = (await loadOrCreateMemberKeys(path.join(tmp, 'a'), NOW)).keys[0]!;
    const beta = (await loadOrCreateMemberKeys(path.join(tmp, 'b'), NOW)).keys[0]!;
    const directory: Directory = {
      v: 1,
      issuedAt: '2026-11-20T00:00:00.000Z',
      members: [
        { id: 'alpha', name: 'Alpha', kind: 'motcua', baseUrl: 'http://alpha.test', hosts: [], keys: [dirKey(alpha)] },
        { id: 'beta', name: 'Beta', kind: 'motcua', baseUrl: 'http://beta.test/', hosts: ['000.00.22.H31'], keys: [dirKey(beta)] },
        { id: 'vendor', name: 'Vendor', kind: 'foreign-xml', baseUrl: 'http://vendor.test', hosts: ['000.00.40.H31'], keys: [] },
        { id: 'gone', name: 'Gone', kind: 'motcua', baseUrl: 'http://gone.test', hosts: [], keys: [] },
      ],
    };
    const fakeFetch: typeof fetch = async (input) => {
      const url = String(input);
      if (url === 'http://beta.test/interconnect/v1/health') return Response.json({ member: 'beta', time: new Date(Date.now() + 60_000).toISOString(), version: 'v1' });
      if (url === 'http://vendor.test/api/trangthai') return new Response('<TrangThaiHeThong><HoatDong>1</HoatDong></TrangThaiHeThong>', { headers: { 'content-type': 'application/xml' } });
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    };

    // a delivered ping, signed by alpha and acknowledged by beta, as the delivery worker stores it
    const env: Envelope = { v: 1, id: crypto.randomUUID(), from: 'alpha', to: 'beta', type: 'ping', createdAt: NOW.toISOString(), sentAt: NOW.toISOString(), dossierRef: null, body: {}, attachments: [] };
    const jws = await signEnvelope(env, alpha);
    const receipt = await signReceipt({ v: 1, messageId: env.id, requestHash: requestHash(jws), status: 'accepted', from: 'beta', to: 'alpha', at: NOW.toISOString() }, beta);
    type Row = { direction: string; peer: string; type: string; dossier_ref: string | null; created_at: string; body: string; attachments: string; jws: string | null; receipt: string | null; attempts: number; next_attempt_at: string | null; last_error: string | null; done_at: string | null };
    const row: Row = { direction: 'out', peer: 'beta', type: 'ping', dossier_ref: null, created_at: NOW.toISOString(), body: '{}', attachments: '[]', jws: null, receipt: null, attempts: 0, next_attempt_at: null, last_error: null, done_at: null };
    const insert = async (name: string, values: Partial<Row> & { message_id?: string; status: string }) => {
      const r = await tdb.db.insertInto('interconnect_messages').values({ ...row, message_id: crypto.randomUUID(), ...values }).returning('id').executeTakeFirstOrThrow();
      ids[name] = r.id;
    };
    await insert('delivered', { message_id: env.id, status: 'delivered', jws, receipt, attempts: 1, done_at: NOW.toISOString() });
    // the same, its stored receipt naming another request
    const other = await signReceipt({ v: 1, messageId: env.id, requestHash: 'f'.repeat(64), status: 'accepted', from: 'beta', to: 'alpha', at: NOW.toISOString() }, beta);
    await insert('tampered', { status: 'delivered', message_id: `${env.id.startsWith('0') ? '1' : '0'}${env.id.slice(1)}`, jws, receipt: other, done_at: NOW.toISOString() });
    await insert('failing', { status: 'pending', dossier_ref: 'H31-261127-0001', attempts: 2, last_error: 'connection refused', next_attempt_at: '2026-11-27T03:01:00.000Z', created_at: '2026-11-27T02:00:00.000Z' });
    await insert('dead', { status: 'dead', attempts: 12, last_error: 'refused by beta: wrong_recipient — this is beta' });
    await insert('fromVendor', { direction: 'in', peer: 'vendor', type: 'step_result', status: 'applied', done_at: NOW.toISOString() });
    await tdb.db.insertInto('interconnect_refusals').values({ at: NOW.toISOString(), peer: 'gamma', message_id: null, code: 'unknown_sender', detail: 'gamma is not in the directory', request_hash: 'a'.repeat(64), receipt: 'x.y.z' }).execute();

    on = await build({ memberId: 'alpha', directory: () => directory, fetch: fakeFetch, wake: () => void woken++, timeoutMs: 10_000 });
    off = await build(undefined);
  });

  afterAll(async () => {
    await on?.close();
    await off?.close();
    await tdb?.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('is for system administrators: 401 logged out, 403 for other officers', async () => {
    expect((await on.inject({ method: 'GET', url: '/api/interconnect/ops' })).statusCode).toBe(401);
    expect((await on.inject({ method: 'GET', url: '/api/interconnect/ops', headers: { 'x-test-role': 'desk_officer' } })).statusCode).toBe(403);
    expect((await on.inject({ method: 'POST', url: `/api/interconnect/dead-letters/${ids.dead}/retry`, headers: { 'x-test-role': 'unit_head' } })).statusCode).toBe(403);
    expect((await on.inject({ method: 'GET', url: `/api/interconnect/messages/${ids.delivered}`, headers: { 'x-test-role': 'specialist' } })).statusCode).toBe(403);
  });

  it('shows peers probed now, the outbox, failures, dead letters, refusals and verified messages', async () => {
    const res = await on.inject({ method: 'GET', url: '/api/interconnect/ops', headers: { 'x-test-role': 'system_admin' } });
    expect(res.statusCode, res.body).toBe(200);
    const o = res.json() as Overview;
    expect(o).toMatchObject({ enabled: true, member: 'alpha', directoryIssuedAt: '2026-11-20T00:00:00.000Z' });
    const peers = new Map(o.peers.map((p) => [p.id, p]));
    expect([...peers.keys()]).toEqual(['beta', 'vendor', 'gone']);
    expect(peers.get('beta')).toMatchObject({ reachable: true });
    expect(peers.get('beta')!.clockOffsetMs).toBeGreaterThan(0);
    expect(peers.get('vendor')).toMatchObject({ reachable: true, clockOffsetMs: null });
    expect(peers.get('gone')).toMatchObject({ reachable: false, latencyMs: null, error: 'connection refused' });
    expect(o.outbox).toEqual({ pending: 1, oldestPendingAt: '2026-11-27T02:00:00.000Z', failing: 1, delivered24h: 2, dead: 1 });
    expect(o.failures).toEqual([expect.objectContaining({ id: ids.failing, lastError: 'connection refused' })]);
    expect(o.deadLetters.map((d) => d.id)).toEqual([ids.dead]);
    expect(o.refusals.map((r) => r.code)).toEqual(['unknown_sender']);
    const verified = Object.fromEntries(o.recent.map((m) => [m.id, m.verified]));
    expect(verified).toEqual({ [ids.delivered!]: 'valid', [ids.tampered!]: 'invalid', [ids.failing!]: 'pending', [ids.dead!]: 'pending', [ids.fromVendor!]: 'unsigned' });
  });

  it('gives one message in full with why it verifies or not', async () => {
    const good = (await on.inject({ method: 'GET', url: `/api/interconnect/messages/${ids.delivered}`, headers: { 'x-test-role': 'system_admin' } })).json() as { jws: string; verification: { verified: string; signature: { ok: boolean }; receipt: { ok: boolean } } };
    expect(good.verification).toMatchObject({ verified: 'valid', signature: { ok: true }, receipt: { ok: true } });
    expect(good.jws.split('.')).toHaveLength(3);
    const bad = (await on.inject({ method: 'GET', url: `/api/interconnect/messages/${ids.tampered}`, headers: { 'x-test-role': 'system_admin' } })).json() as { verification: { verified: string; summary: string } };
    expect(bad.verification.verified).toBe('invalid');
    expect(bad.verification.summary).toMatch(/envelope has id|request hash/);
    expect((await on.inject({ method: 'GET', url: '/api/interconnect/messages/999999', headers: { 'x-test-role': 'system_admin' } })).statusCode).toBe(404);
  });

  it('puts a dead letter back in the outbox and wakes the worker; a second retry is a conflict', async () => {
    const before = woken;
    const res = await on.inject({ method: 'POST', url: `/api/interconnect/dead-letters/${ids.dead}/retry`, headers: { 'x-test-role': 'system_admin' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ id: ids.dead, status: 'pending' });
    expect(woken).toBe(before + 1);
    const again = await on.inject({ method: 'POST', url: `/api/interconnect/dead-letters/${ids.dead}/retry`, headers: { 'x-test-role': 'system_admin' } });
    expect(again.statusCode).toBe(409);
    expect((await on.inject({ method: 'POST', url: `/api/interconnect/dead-letters/${ids.fromVendor}/retry`, headers: { 'x-test-role': 'system_admin' } })).statusCode).toBe(404);
  });

  it('abandons a dead letter once, keeping why it died, and wakes the worker for the messages behind it', async () => {
    const r = await tdb.db.insertInto('interconnect_messages').values({ direction: 'out', message_id: crypto.randomUUID(), peer: 'beta', type: 'ping', dossier_ref: null, created_at: NOW.toISOString(), body: '{}', attachments: '[]', jws: null, receipt: null, status: 'dead', attempts: 12, next_attempt_at: null, last_error: 'refused by beta: wrong_recipient', done_at: null }).returning('id').executeTakeFirstOrThrow();
    const url = `/api/interconnect/dead-letters/${r.id}/abandon`;
    expect((await on.inject({ method: 'POST', url })).statusCode).toBe(401);
    expect((await on.inject({ method: 'POST', url, headers: { 'x-test-role': 'unit_head' } })).statusCode).toBe(403);
    const before = woken;
    const res = await on.inject({ method: 'POST', url, headers: { 'x-test-role': 'system_admin' } });
    expect(res.statusCode, res.body).toBe(200);
    // a ping carries no work: only the row changes
    expect(res.json()).toEqual({ id: r.id, status: 'abandoned', reopened: false });
    expect(woken).toBe(before + 1);
    const row = await tdb.db.selectFrom('interconnect_messages').select(['status', 'last_error', 'next_attempt_at']).where('id', '=', r.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'abandoned', next_attempt_at: null, last_error: `abandoned by account 1 at ${NOW.toISOString()}; last error: refused by beta: wrong_recipient` });
    const overview = (await on.inject({ method: 'GET', url: '/api/interconnect/ops', headers: { 'x-test-role': 'system_admin' } })).json() as Overview;
    expect(overview.deadLetters.map((d) => d.id)).not.toContain(r.id);
    const again = await on.inject({ method: 'POST', url, headers: { 'x-test-role': 'system_admin' } });
    expect(again.statusCode).toBe(409);
    expect((await on.inject({ method: 'POST', url: `/api/interconnect/dead-letters/${ids.fromVendor}/abandon`, headers: { 'x-test-role': 'system_admin' } })).statusCode).toBe(404);
  });

  it('answers when interconnection is off, so the page can say how to turn it on', async () => {
    const res = await off.inject({ method: 'GET', url: '/api/interconnect/ops', headers: { 'x-test-role': 'system_admin' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ enabled: false, member: null, directoryIssuedAt: null, peers: [] });
  });
});
