// Protocol core: keys, the signed directory, envelopes and receipts, and the receiving checks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, ENGINES, type TestDb } from '../../test/support/db.js';
import { BlobStore } from '../documents/blob-store.js';
import { NotFound } from '../lib/errors.js';
import { StartupError } from '../lib/startup-error.js';
import { hostMapOf, keyFor, readDirectory, signDirectory, signingKeyFor, writeHostMap } from './directory.js';
import { importCatalog } from '../catalog/import-catalog.js';
import { smallCatalog } from '../../test/support/fixtures.js';
import { MESSAGE_TYP, requestHash, signEnvelope, signJson } from './envelope.js';
import { generateDirectoryKey, loadOrCreateMemberKeys, rotateMemberKey, type MemberKeyring } from './keys.js';
import { signReceipt, verifyReceipt } from './receipts.js';
import { applyInbound, receiveMessage, referencedDigests, type InboundHandlers, type ReceiveDeps } from './receive.js';
import type { Directory, DirectoryKey, Envelope } from './types.js';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), `motcua-ic-${p}-`));
const T0 = new Date('2025-03-10T02:00:00.000Z');

function listed(ring: MemberKeyring, validFrom = '2020-01-01T00:00:00.000Z', validTo: string | null = null): DirectoryKey[] {
  return ring.keys.map((k) => ({ kid: k.kid, jwk: { kty: 'OKP', crv: 'Ed25519', x: String(k.publicJwk.x) }, validFrom, validTo }));
}

function directoryOf(members: { id: string; keys: DirectoryKey[] }[]): Directory {
  return {
    v: 1,
    issuedAt: T0.toISOString(),
    members: members.map((m, i) => ({ id: m.id, name: m.id, kind: 'motcua', baseUrl: `http://127.0.0.1:${4001 + i}`, hosts: [], keys: m.keys })),
  };
}

describe('member keys', () => {
  it('creates one key with mode 0600 in a 0700 directory and reuses it', async () => {
    const dir = path.join(tmp('keys'), 'keys');
    const ring = await loadOrCreateMemberKeys(dir, T0);
    expect(ring.keys).toHaveLength(1);
    const files = fs.readdirSync(dir);
    expect(files).toEqual([`${ring.keys[0]?.kid}.private.jwk`]);
    expect(fs.statSync(path.join(dir, files[0] ?? '')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const again = await loadOrCreateMemberKeys(dir, new Date(T0.getTime() + 1000));
    expect(again.keys.map((k) => k.kid)).toEqual(ring.keys.map((k) => k.kid));
  });

  it('rotation adds a newer key and keeps the old one', async () => {
    const dir = tmp('rotate');
    const ring = await loadOrCreateMemberKeys(dir, T0);
    const added = await rotateMemberKey(dir, new Date(T0.getTime() + 60_000));
    const after = await loadOrCreateMemberKeys(dir, T0);
    expect(after.keys.map((k) => k.kid)).toEqual([ring.keys[0]?.kid, added.kid]);
  });
});

describe('directory', () => {
  it('signs and verifies; refuses another key and a tampered file', async () => {
    const city = await generateDirectoryKey();
    const other = await generateDirectoryKey();
    const ring = await loadOrCreateMemberKeys(tmp('dk'), T0);
    const dir = directoryOf([{ id: 'hongbang', keys: listed(ring) }]);
    const d = tmp('dir');
    const file = path.join(d, 'directory.jws');
    fs.writeFileSync(file, await signDirectory(dir, city.privateJwk));
    expect(await readDirectory(file, city.publicJwk)).toEqual(dir);
    await expect(readDirectory(file, other.publicJwk)).rejects.toThrow(StartupError);
    await expect(readDirectory(file, other.publicJwk)).rejects.toThrow(/signature/);

    const [h, , s] = fs.readFileSync(file, 'utf8').split('.');
    const forged = { ...dir, members: [{ ...dir.members[0], id: 'intruder' }] };
    const tampered = path.join(d, 'tampered.jws');
    fs.writeFileSync(tampered, `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`);
    await expect(readDirectory(tampered, city.publicJwk)).rejects.toThrow(/refused/);
    await expect(readDirectory(path.join(d, 'absent.jws'), city.publicJwk)).rejects.toThrow(/cannot read/);
  });

  it('keyFor honours validity windows; signingKeyFor picks the newest listed key', async () => {
    const kd = tmp('kf');
    const ring = await loadOrCreateMemberKeys(kd, T0);
    const k1 = ring.keys[0];
    if (!k1) throw new Error('no key');
    const jwk = { kty: 'OKP' as const, crv: 'Ed25519' as const, x: String(k1.publicJwk.x) };
    const dir = directoryOf([{ id: 'hongbang', keys: [{ kid: k1.kid, jwk, validFrom: '2025-01-01T00:00:00.000Z', validTo: '2025-06-01T00:00:00.000Z' }] }]);
    expect(keyFor(dir, 'hongbang', k1.kid, T0)).toEqual({ jwk });
    expect(keyFor(dir, 'hongbang', k1.kid, new Date('2025-06-01T00:00:00.000Z'))).toEqual({ error: 'key_expired' });
    expect(keyFor(dir, 'hongbang', k1.kid, new Date('2024-12-31T23:59:59.000Z'))).toEqual({ error: 'unknown_key' });
    expect(keyFor(dir, 'hongbang', 'no-such-kid', T0)).toEqual({ error: 'unknown_key' });
    expect(keyFor(dir, 'nobody', k1.kid, T0)).toEqual({ error: 'unknown_sender' });

    // a newer local key the directory does not list yet is not used
    await rotateMemberKey(kd, new Date(T0.getTime() + 1000));
    const ring2 = await loadOrCreateMemberKeys(kd, T0);
    expect(signingKeyFor(dir, 'hongbang', ring2, T0)?.kid).toBe(k1.kid);
    const both = directoryOf([{ id: 'hongbang', keys: listed(ring2) }]);
    expect(signingKeyFor(both, 'hongbang', ring2, T0)?.kid).toBe(ring2.keys[1]?.kid);
    expect(signingKeyFor(dir, 'hongbang', ring2, new Date('2025-07-01T00:00:00.000Z'))).toBeNull();
  });
});

describe('host map', () => {
  it('maps agencies hosted by other members; the deepest hosted root wins; our own stay local', async () => {
    const tdb = await freshDatabase('sqlite');
    try {
      await importCatalog(tdb.db, smallCatalog(), T0);
      const dir = directoryOf([
        { id: 'city', keys: [] },
        { id: 'hongbang', keys: [] },
        { id: 'ngoquyen', keys: [] },
      ]);
      const [c, h, n] = dir.members;
      if (!c || !h || !n) throw new Error('members');
      c.hosts = ['000.00.00.H31'];
      h.hosts = ['000.00.21.H31'];
      n.hosts = ['000.01.21.H31'];
      const ids = new Map((await tdb.db.selectFrom('agencies').select(['id', 'code']).execute()).map((a) => [a.code, a.id]));
      const byCode = (m: Map<number, string>) => Object.fromEntries([...m].map(([id, member]) => [[...ids].find(([, v]) => v === id)?.[0], member]));

      expect(byCode(await hostMapOf(tdb.db, dir, 'city'))).toEqual({ '000.00.21.H31': 'hongbang', '000.01.21.H31': 'ngoquyen' });
      const fromHongBang = await hostMapOf(tdb.db, dir, 'hongbang');
      expect(byCode(fromHongBang)).toEqual({ '000.00.00.H31': 'city', '000.00.02.H31': 'city', '000.00.40.H31': 'city', '000.01.21.H31': 'ngoquyen' });
      await writeHostMap(tdb.db, fromHongBang);
      await writeHostMap(tdb.db, fromHongBang);
      expect(await tdb.db.selectFrom('interconnect_agency_hosts').selectAll().execute()).toHaveLength(4);
    } finally {
      await tdb.dispose();
    }
  });
});

interface Fixture {
  tdb: TestDb;
  deps: ReceiveDeps;
  sender: MemberKeyring;
  calls: string[];
  envelope(over?: Partial<Envelope>): Envelope;
}

async function fixture(engine: 'sqlite' | 'postgres', opts: { senderKeys?: (ring: MemberKeyring) => DirectoryKey[]; handlers?: InboundHandlers } = {}): Promise<Fixture> {
  const tdb = await freshDatabase(engine);
  const sender = await loadOrCreateMemberKeys(tmp('snd'), T0);
  const receiver = await loadOrCreateMemberKeys(tmp('rcv'), T0);
  const directory = directoryOf([
    { id: 'hongbang', keys: opts.senderKeys ? opts.senderKeys(sender) : listed(sender) },
    { id: 'city', keys: listed(receiver) },
  ]);
  const calls: string[] = [];
  const handlers: InboundHandlers = {
    ping: async ({ envelope }) => {
      calls.push(envelope.id);
    },
    ...opts.handlers,
  };
  const deps: ReceiveDeps = {
    db: tdb.db,
    self: 'city',
    directory,
    keyring: receiver,
    blobs: new BlobStore(tmp('blobs')),
    now: T0,
    skewSeconds: 300,
    fetch: globalThis.fetch,
    timeoutMs: 2000,
    handlers,
  };
  let n = 0;
  const envelope = (over: Partial<Envelope> = {}): Envelope => ({
    v: 1,
    id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    from: 'hongbang',
    to: 'city',
    type: 'ping',
    createdAt: T0.toISOString(),
    sentAt: T0.toISOString(),
    dossierRef: 'HB-2025-000001',
    body: { note: 'xin chào' },
    attachments: [],
    ...over,
  });
  return { tdb, deps, sender, calls, envelope };
}

const signed = async (f: Fixture, env: Envelope) => {
  const key = f.sender.keys[0];
  if (!key) throw new Error('no key');
  return signEnvelope(env, key);
};

for (const engine of ENGINES) {
  describe(`receive (${engine})`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await fixture(engine);
    });
    afterAll(async () => {
      await f.tdb.dispose();
    });

    it('accepts once with a verifiable receipt; a second copy is a duplicate and the handler ran once', async () => {
      const env = f.envelope();
      const jws = await signed(f, env);
      const first = await receiveMessage(f.deps, jws);
      expect(first.httpStatus).toBe(200);
      const r = await verifyReceipt(first.receipt, f.deps.directory, { from: 'city', requestHash: requestHash(jws), messageId: env.id });
      expect(r).toMatchObject({ status: 'accepted', messageId: env.id, to: 'hongbang', requestHash: requestHash(jws) });

      // the same bytes again, then a re-signed retry (a later sentAt)
      const again = await receiveMessage(f.deps, jws);
      expect(again.status).toBe('duplicate');
      const retryJws = await signed(f, { ...env, sentAt: new Date(T0.getTime() + 5000).toISOString() });
      const retry = await receiveMessage(f.deps, retryJws);
      expect(retry.httpStatus).toBe(200);
      const rr = await verifyReceipt(retry.receipt, f.deps.directory, { from: 'city', requestHash: requestHash(retryJws), messageId: env.id });
      expect(rr.status).toBe('duplicate');
      expect(f.calls.filter((c) => c === env.id)).toHaveLength(1);

      const rows = await f.tdb.db.selectFrom('interconnect_messages').selectAll().where('message_id', '=', env.id).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ direction: 'in', peer: 'hongbang', status: 'applied', jws, receipt: first.receipt });
    });

    it('concurrent copies apply once', async () => {
      const env = f.envelope();
      const copies = await Promise.all([0, 1, 2].map((i) => signed(f, { ...env, sentAt: new Date(T0.getTime() + i * 1000).toISOString() })));
      const results = await Promise.all(copies.map((c) => receiveMessage(f.deps, c)));
      expect(results.map((r) => r.status).sort()).toEqual(['accepted', 'duplicate', 'duplicate']);
      expect(f.calls.filter((c) => c === env.id)).toHaveLength(1);
    });

    it('applyInbound (adapters) is idempotent by message id', async () => {
      const env = f.envelope({ from: 'cong-an-foreign', id: 'foreign-xml:cong-an-foreign:17' });
      expect(await applyInbound(f.tdb.db, env, T0, { handlers: f.deps.handlers })).toBe('applied');
      expect(await applyInbound(f.tdb.db, env, T0, { handlers: f.deps.handlers })).toBe('duplicate');
      expect(f.calls.filter((c) => c === env.id)).toHaveLength(1);
      const row = await f.tdb.db.selectFrom('interconnect_messages').selectAll().where('message_id', '=', env.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ jws: null, receipt: null, status: 'applied', peer: 'cong-an-foreign' });
    });
  });
}

describe('receive refusals', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture('sqlite', {
      handlers: {
        transfer_cancelled: async () => {
          throw new NotFound('no dossier HB-404');
        },
      },
    });
  });
  afterAll(async () => {
    await f.tdb.dispose();
  });

  async function refused(jws: string, code: string, http: number) {
    const r = await receiveMessage(f.deps, jws);
    expect(r.httpStatus).toBe(http);
    expect(r.code).toBe(code);
    const receipt = await verifyReceipt(r.receipt, f.deps.directory, { from: 'city', requestHash: requestHash(jws) });
    expect(receipt.status).toBe('refused');
    expect(receipt.error?.code).toBe(code);
    const stored = await f.tdb.db.selectFrom('interconnect_refusals').selectAll().where('request_hash', '=', requestHash(jws)).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ code, receipt: r.receipt });
    return receipt;
  }

  it('tampered payload → bad_signature', async () => {
    const env = f.envelope();
    const [h, , s] = (await signed(f, env)).split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...env, body: { note: 'đã sửa' } })).toString('base64url')}.${s}`;
    await refused(forged, 'bad_signature', 403);
  });

  it('wrong recipient, unknown sender, not a JWS, unsupported version, invalid body', async () => {
    await refused(await signed(f, f.envelope({ to: 'ngoquyen' })), 'wrong_recipient', 421);
    await refused(await signed(f, f.envelope({ from: 'nobody' })), 'unknown_sender', 403);
    await refused('not-a-jws', 'invalid_jws', 400);
    await refused(await signed(f, { ...f.envelope(), v: 2 as 1 }), 'unsupported_version', 400);
    await refused(await signed(f, f.envelope({ body: { note: 'x', extra: true } })), 'invalid_message', 400);
    await refused(await signed(f, f.envelope({ type: 'transfer_accepted', body: { taskRef: '1' } })), 'invalid_message', 400);
    const bad = await refused(await signed(f, f.envelope({ id: 'bad id with spaces' })), 'invalid_message', 400);
    expect(bad.messageId).toBe('bad id with spaces');
  });

  it('clock skew both ways', async () => {
    const r = await refused(await signed(f, f.envelope({ sentAt: new Date(T0.getTime() - 3600_000).toISOString() })), 'clock_skew', 403);
    expect(r.error?.message).toMatch(/3600 s behind/);
    await refused(await signed(f, f.envelope({ sentAt: new Date(T0.getTime() + 301_000).toISOString() })), 'clock_skew', 403);
  });

  it('a handler refusal commits nothing', async () => {
    const env = f.envelope({ type: 'transfer_cancelled', body: { peerTask: '9', reason: 'rút hồ sơ' } });
    await refused(await signed(f, env), 'unknown_dossier', 409);
    expect(await f.tdb.db.selectFrom('interconnect_messages').select('id').where('message_id', '=', env.id).executeTakeFirst()).toBeUndefined();
  });

  it('expired and unknown keys', async () => {
    const g = await fixture('sqlite', { senderKeys: (ring) => listed(ring, '2020-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z') });
    try {
      const jws = await signed(g, g.envelope());
      const r = await receiveMessage(g.deps, jws);
      expect([r.httpStatus, r.code]).toEqual([403, 'key_expired']);
    } finally {
      await g.tdb.dispose();
    }
    const h = await fixture('sqlite', { senderKeys: () => [] });
    try {
      const r = await receiveMessage(h.deps, await signed(h, h.envelope()));
      expect([r.httpStatus, r.code]).toEqual([403, 'unknown_key']);
    } finally {
      await h.tdb.dispose();
    }
  });
});

describe('receive hardening', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture('sqlite');
  });
  afterAll(async () => {
    await f.tdb.dispose();
  });

  /** a fetch that answers every request with `respond` and remembers the URLs asked for */
  function fakeFetch(respond: () => Response) {
    const calls: string[] = [];
    const fn = (async (input: string | URL | Request) => {
      calls.push(String(input));
      return respond();
    }) as typeof fetch;
    return { fn, calls };
  }

  async function held(content: Buffer): Promise<string> {
    const staged = await f.deps.blobs.stage(Readable.from([content]), 1 << 20);
    await f.deps.blobs.commit(staged);
    return staged.sha256;
  }

  const stored = (jws: string) => f.tdb.db.selectFrom('interconnect_refusals').selectAll().where('request_hash', '=', requestHash(jws)).executeTakeFirstOrThrow();

  it('a leap second (or any time Date cannot read) in sentAt or createdAt is refused, not waved through the key and skew checks', async () => {
    for (const over of [{ sentAt: '2026-06-30T23:59:60Z' }, { createdAt: '2026-06-30T23:59:60Z' }, { sentAt: '2025-03-10T02:00:00Z[Asia/Ho_Chi_Minh]' }]) {
      const r = await receiveMessage(f.deps, await signed(f, f.envelope(over)));
      expect([r.httpStatus, r.code]).toEqual([400, 'invalid_message']);
    }
    const key = f.deps.directory.members[0]?.keys[0];
    if (!key) throw new Error('no key');
    expect(keyFor(f.deps.directory, 'hongbang', key.kid, new Date('2026-06-30T23:59:60Z'))).toEqual({ error: 'unknown_key' });
    // a receipt stamped with such a time does not verify either
    const rk = f.deps.keyring.keys[0];
    if (!rk) throw new Error('no key');
    const receipt = await signReceipt({ v: 1, messageId: null, requestHash: 'a'.repeat(64), status: 'accepted', from: 'city', to: 'hongbang', at: '2026-06-30T23:59:60Z' }, rk);
    await expect(verifyReceipt(receipt, f.deps.directory, { from: 'city', requestHash: 'a'.repeat(64) })).rejects.toThrow(/receipt/);
  });

  it('a document the body names must be among the attachments', async () => {
    const sha = await held(Buffer.from('hồ sơ của người khác'));
    const body = { peerTask: '1', outcome: 'handed_over', at: T0.toISOString(), agency: '000.00.21.H31', to: null, note: null, summary: null, reasons: [], eResult: null, documents: [{ sha256: sha, filename: 'x.pdf', mediaType: 'application/pdf', size: 3 }] };
    const r = await receiveMessage(f.deps, await signed(f, f.envelope({ type: 'step_result', body })));
    expect([r.httpStatus, r.code]).toEqual([400, 'invalid_message']);
    const snap = { documents: [{ requirement: 'cccd', sha256: 'c'.repeat(64) }] };
    expect(referencedDigests({ task: {}, dossier: snap })).toEqual(['c'.repeat(64)]);
    expect(referencedDigests({ documents: [{ sha256: 'd'.repeat(64) }] })).toEqual(['d'.repeat(64)]);
  });

  it('an attachment we hold already is still pulled from the sender and verified (proof of possession)', async () => {
    const content = Buffer.from('bản sao giấy khai sinh');
    const sha = await held(content);
    const ref = { sha256: sha, size: content.length, mediaType: 'application/pdf' };
    const absent = fakeFetch(() => new Response(null, { status: 404 }));
    const r = await receiveMessage({ ...f.deps, fetch: absent.fn }, await signed(f, f.envelope({ attachments: [ref] })));
    expect([r.httpStatus, r.code]).toEqual([502, 'attachment_unavailable']);
    expect(absent.calls).toEqual([`http://127.0.0.1:4001/interconnect/v1/attachments/${sha}`]);

    const served = fakeFetch(() => new Response(content, { status: 200 }));
    const ok = await receiveMessage({ ...f.deps, fetch: served.fn }, await signed(f, f.envelope({ attachments: [ref] })));
    expect(ok.status).toBe('accepted');
    expect(served.calls).toHaveLength(1);
    expect(fs.readFileSync(f.deps.blobs.pathOf(sha))).toEqual(content);
  });

  it('attachments are capped at 50 MiB; a download longer than declared is cut off', async () => {
    const big = { sha256: 'e'.repeat(64), size: 52_428_801, mediaType: 'application/pdf' };
    const r = await receiveMessage(f.deps, await signed(f, f.envelope({ attachments: [big] })));
    expect([r.httpStatus, r.code]).toEqual([400, 'invalid_message']);

    const ref = { sha256: 'f'.repeat(64), size: 5, mediaType: 'application/pdf' };
    const announced = fakeFetch(() => new Response('0123456789', { status: 200, headers: { 'content-length': '10' } }));
    const ja = await signed(f, f.envelope({ attachments: [ref] }));
    const a = await receiveMessage({ ...f.deps, fetch: announced.fn }, ja);
    expect(a.code).toBe('attachment_mismatch');
    expect((await stored(ja)).detail).toMatch(/Content-Length 10/);

    // no Content-Length, an endless body: reading stops soon after the declared size
    let pulled = 0;
    const endless = fakeFetch(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(c) {
              pulled += 65_536;
              c.enqueue(new Uint8Array(65_536));
            },
          }),
          { status: 200 },
        ),
    );
    const e = await receiveMessage({ ...f.deps, fetch: endless.fn }, await signed(f, f.envelope({ attachments: [ref] })));
    expect(e.code).toBe('attachment_mismatch');
    expect(pulled).toBeLessThan(1 << 20);
  });

  it('refusals before the signature verified are marked as unauthenticated claims and bounded', async () => {
    const unknown = await signed(f, f.envelope({ from: 'nobody' }));
    await receiveMessage(f.deps, unknown);
    expect(await stored(unknown)).toMatchObject({ peer: 'nobody', code: 'unknown_sender', detail: expect.stringMatching(/^unauthenticated claim: /) });

    const env = f.envelope();
    const [h, , s] = (await signed(f, env)).split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...env, body: { note: 'giả mạo' } })).toString('base64url')}.${s}`;
    await receiveMessage(f.deps, forged);
    expect(await stored(forged)).toMatchObject({ peer: 'hongbang', code: 'bad_signature', detail: expect.stringMatching(/^unauthenticated claim: /) });

    // after the signature verified, the refusal is the member's own
    const late = await signed(f, f.envelope({ sentAt: new Date(T0.getTime() - 3600_000).toISOString() }));
    await receiveMessage(f.deps, late);
    expect((await stored(late)).detail).toMatch(/^message signed 3600 s behind/);

    // a huge kid: the refusal still answers with a receipt the sender can read, and the stored detail is bounded
    const key = f.sender.keys[0];
    if (!key) throw new Error('no key');
    const hugeKid = await signJson(f.envelope(), { ...key, kid: 'k'.repeat(20_000) }, MESSAGE_TYP);
    const r = await receiveMessage(f.deps, hugeKid);
    expect(r.code).toBe('unknown_key');
    const receipt = await verifyReceipt(r.receipt, f.deps.directory, { from: 'city', requestHash: requestHash(hugeKid) });
    expect(receipt.error?.message.length).toBeLessThanOrEqual(1000);
    expect((await stored(hugeKid)).detail.length).toBeLessThanOrEqual(1000);
  });

  it('ids of the foreign-system adapter are refused in signed messages; applyInbound tells another member\'s id from a duplicate', async () => {
    const squat = await signed(f, f.envelope({ id: 'foreign-xml:cong-an-foreign:41' }));
    const r = await receiveMessage(f.deps, squat);
    expect([r.httpStatus, r.code]).toEqual([400, 'invalid_message']);
    expect(await f.tdb.db.selectFrom('interconnect_messages').select('id').where('message_id', '=', 'foreign-xml:cong-an-foreign:41').executeTakeFirst()).toBeUndefined();

    // an id already taken by another member is not "a duplicate" of the vendor's change
    const taken = f.envelope({ id: 'foreign-xml:cong-an-foreign:42' });
    expect(await applyInbound(f.tdb.db, taken, T0, { handlers: f.deps.handlers })).toBe('applied'); // from hongbang
    const vendorChange = { ...taken, from: 'cong-an-foreign' };
    await expect(applyInbound(f.tdb.db, vendorChange, T0, { handlers: f.deps.handlers })).rejects.toThrow(/already used by hongbang/);
    expect(await applyInbound(f.tdb.db, taken, T0, { handlers: f.deps.handlers })).toBe('duplicate');
  });
});
