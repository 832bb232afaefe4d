// The conformance kit (`motcua conformance --peer URL`): probes another member's protocol
// endpoints the way a misbehaving or honest sender would, and checks each answer is the one the
// protocol (docs/interconnection.md) requires: a signed receipt naming the exact request, the
// right status and refusal code. Written against the wire format only — its own signing and
// receipt checks — so it tests another vendor's implementation as fairly as ours.
import { randomBytes, randomUUID } from 'node:crypto';
import { base64url, calculateJwkThumbprint, CompactSign, exportJWK, generateKeyPair, type KeyInput } from 'jose';
import { networkReason } from './network-errors.js';
import { decodePayload, DirectoryVerifier } from './ops-verify.js';
import { type Directory, type DirectoryMember, type Envelope, REFUSALS, type RefusalCode } from './types.js';

export interface ConformanceKey {
  kid: string;
  privateKey: import('node:crypto').webcrypto.CryptoKey | Uint8Array | object;
  publicJwk: object;
  createdAt: string;
}

export interface ConformanceOptions {
  /** the peer's base URL, e.g. http://127.0.0.1:4002 */
  peerUrl: string;
  /** who we are: our member id and our keys (as loaded from the keys directory) */
  self: { memberId: string; keyring: { keys: ConformanceKey[] } };
  /** the directory in force (the peer must find us in its copy) */
  directory: Directory;
  fetch?: typeof fetch;
  now?: () => Date;
}

export interface ConformanceCheck {
  name: string;
  ok: boolean;
  /** not run, e.g. no expired key to test with; does not fail the run */
  skipped?: boolean;
  detail: string;
}

export interface ConformanceResult {
  /** the peer's member id (from the directory, or its health answer); null when unknown */
  peer: string | null;
  checks: ConformanceCheck[];
  passed: boolean;
}

const SKEW_LIMIT_MS = 300_000;
const REQUEST_TIMEOUT_MS = 10_000;
const trim = (url: string) => url.replace(/\/+$/, '');
const enc = (v: unknown) => base64url.encode(new TextEncoder().encode(JSON.stringify(v)));

interface Answer {
  status: number;
  receipt: string | null;
  error?: string;
}

export async function runConformance(opts: ConformanceOptions): Promise<ConformanceResult> {
  const doFetch = opts.fetch ?? fetch;
  const now = opts.now ?? (() => new Date());
  const base = trim(opts.peerUrl);
  const dir = opts.directory;
  const self = opts.self.memberId;
  const checks: ConformanceCheck[] = [];
  const pass = (name: string, detail: string) => checks.push({ name, ok: true, detail });
  const fail = (name: string, detail: string) => checks.push({ name, ok: false, detail });
  const skip = (name: string, detail: string) => checks.push({ name, ok: false, skipped: true, detail });
  const result = (peer: string | null): ConformanceResult => ({ peer, checks, passed: checks.every((c) => c.ok || c.skipped === true) });

  // ---------- health ----------
  let healthMember: string | null = null;
  {
    const name = 'health answers with the member id and its clock';
    try {
      const t0 = now().getTime();
      const res = await doFetch(`${base}/interconnect/v1/health`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const body = (await res.json().catch(() => null)) as { member?: unknown; time?: unknown; version?: unknown } | null;
      const theirs = typeof body?.time === 'string' ? Date.parse(body.time) : NaN;
      if (!res.ok) fail(name, `HTTP ${res.status}`);
      else if (typeof body?.member !== 'string') fail(name, 'no member id in the answer');
      else if (Number.isNaN(theirs)) fail(name, `member ${body.member}: no readable time`);
      else {
        healthMember = body.member;
        const offset = theirs - t0;
        if (Math.abs(offset) > SKEW_LIMIT_MS) fail(name, `member ${body.member}: its clock is ${Math.round(offset / 1000)} s from ours (limit 300 s)`);
        else pass(name, `member ${body.member}, version ${String(body.version)}, clock offset ${Math.round(offset / 1000)} s`);
      }
    } catch (err) {
      fail(name, networkReason(err, REQUEST_TIMEOUT_MS));
    }
  }

  // ---------- prerequisites: the peer and our key in the directory ----------
  const peer: DirectoryMember | undefined = dir.members.find((m) => trim(m.baseUrl) === base) ?? (healthMember ? dir.members.find((m) => m.id === healthMember) : undefined);
  const REST = ['accepted', 'duplicate', 'bad_signature', 'wrong_recipient', 'unknown_sender', 'clock_skew', 'invalid_message', 'unsupported_version', 'key_expired', 'refusal receipts'];
  const skipRest = (why: string) => {
    for (const n of REST) skip(n, why);
    return result(peer?.id ?? healthMember);
  };
  if (!peer) {
    fail('the peer is in the directory', `no member with base URL ${base}${healthMember ? ` or id ${healthMember}` : ''} in the directory issued ${dir.issuedAt}`);
    return skipRest('the peer is not in the directory');
  }
  if (healthMember !== null && healthMember !== peer.id) fail('the peer is in the directory', `the directory lists ${base} as ${peer.id} but it answers as ${healthMember}`);
  if (peer.kind !== 'motcua') {
    fail('the peer speaks the protocol', `${peer.id} is a ${peer.kind} system, reached through an adapter; the kit tests members that serve /interconnect/v1`);
    return skipRest(`${peer.id} does not serve /interconnect/v1`);
  }
  const me = dir.members.find((m) => m.id === self);
  const validAt = (k: { validFrom: string; validTo: string | null }, t: number) => Date.parse(k.validFrom) <= t && (k.validTo === null || t < Date.parse(k.validTo));
  const listed = (kid: string) => me?.keys.find((k) => k.kid === kid);
  const start = now().getTime();
  const signing = opts.self.keyring.keys
    .filter((k) => { const d = listed(k.kid); return d !== undefined && validAt(d, start); })
    .sort((a, b) => Date.parse(listed(b.kid)!.validFrom) - Date.parse(listed(a.kid)!.validFrom))[0];
  if (!signing) {
    fail('our key is in the directory', me ? `none of our keys (${opts.self.keyring.keys.map((k) => k.kid).join(', ') || 'none'}) is listed as valid now for ${self}` : `${self} is not in the directory`);
    return skipRest('we have no key the peer can know');
  }
  const signingEntry = listed(signing.kid)!;

  // ---------- sending ----------
  const verifier = new DirectoryVerifier(dir);
  const iso = (ms: number) => new Date(ms).toISOString();
  const envelope = (over: Partial<Record<keyof Envelope, unknown>> = {}): Record<string, unknown> => {
    const t = now().toISOString();
    return { v: 1, id: randomUUID(), from: self, to: peer.id, type: 'ping', createdAt: t, sentAt: t, dossierRef: null, body: { note: 'motcua conformance kit' }, attachments: [], ...over };
  };
  const sign = (payload: Record<string, unknown>, key: KeyInput, kid: string) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'motcua-msg+jws' }).sign(key);
  const ourKey = signing.privateKey as KeyInput;
  const post = async (jws: string): Promise<Answer> => {
    try {
      const res = await doFetch(`${base}/interconnect/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/jose', accept: 'application/jose' }, body: jws, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const text = (await res.text()).trim();
      return { status: res.status, receipt: text.split('.').length === 3 ? text : null };
    } catch (err) {
      return { status: 0, receipt: null, error: networkReason(err, REQUEST_TIMEOUT_MS) };
    }
  };
  const receiptProblems: string[] = [];
  let refusalsChecked = 0;

  /** A receipt with the given status: HTTP status, receipt status, signature, request hash, message id. */
  const expectReceipt = async (name: string, jws: string, messageId: string, status: 'accepted' | 'duplicate') => {
    const a = await post(jws);
    if (a.error) return fail(name, a.error);
    if (a.status !== 200) return fail(name, `HTTP ${a.status}${a.receipt ? ` (${describe(a.receipt)})` : ''}, expected 200`);
    if (!a.receipt) return fail(name, 'the answer is not a compact JWS receipt');
    const r = await verifier.verifyReceipt(a.receipt, jws, peer.id, messageId);
    if (!r.ok) return fail(name, r.detail);
    if (r.payload?.status !== status) return fail(name, `receipt status ${String(r.payload?.status)}, expected ${status}`);
    if (r.payload.messageId !== messageId) return fail(name, `the receipt names message ${String(r.payload.messageId)}, expected ${messageId}`);
    pass(name, `200 ${status}, receipt signed with ${r.kid}, naming the request hash and message id`);
  };

  /** A refusal: the HTTP status and code of REFUSALS, and a receipt signed by the peer naming the request hash. */
  const expectRefusal = async (code: RefusalCode, jws: string, messageId: string | null) => {
    const want = REFUSALS[code].http;
    const a = await post(jws);
    if (a.error) return fail(code, a.error);
    if (!a.receipt) return fail(code, `HTTP ${a.status} without a receipt, expected ${want} with a refused receipt`);
    const p = decodePayload(a.receipt);
    const err = p?.error as { code?: unknown } | undefined;
    refusalsChecked++;
    const r = await verifier.verifyReceipt(a.receipt, jws, peer.id, messageId);
    if (!r.ok) receiptProblems.push(`${code}: ${r.detail}`);
    else if (p?.status !== 'refused') receiptProblems.push(`${code}: receipt status ${String(p?.status)}`);
    if (p?.status !== 'refused' || err?.code !== code) return fail(code, `HTTP ${a.status}, ${describe(a.receipt)}; expected ${want} refused ${code}`);
    if (a.status !== want) return fail(code, `refused ${code} but with HTTP ${a.status}, expected ${want}`);
    pass(code, `${want} refused ${code}`);
  };

  // a valid ping, then the same bytes again
  const ping = envelope();
  const pingJws = await sign(ping, ourKey, signing.kid);
  await expectReceipt('accepted', pingJws, String(ping.id), 'accepted');
  await expectReceipt('duplicate', pingJws, String(ping.id), 'duplicate');

  // a new message under the first one's signature
  {
    const [h, , s] = pingJws.split('.');
    const forged = envelope({ body: { note: 'changed after signing' } });
    await expectRefusal('bad_signature', `${h}.${enc(forged)}.${s}`, String(forged.id));
  }

  // addressed to a member that is not the peer
  {
    const e = envelope({ to: peer.id === 'conformance-nobody' ? 'conformance-nobody-2' : 'conformance-nobody' });
    await expectRefusal('wrong_recipient', await sign(e, ourKey, signing.kid), String(e.id));
  }

  // signed by a key nobody knows, claiming a member id nobody has
  {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
    const e = envelope({ from: `conformance-${randomBytes(4).toString('hex')}` });
    await expectRefusal('unknown_sender', await sign(e, privateKey, kid), String(e.id));
  }

  // signed an hour ago (or, when our key is younger than that, an hour ahead): outside any sane skew
  {
    const hour = 3_600_000;
    const t = now().getTime();
    const sentAt = validAt(signingEntry, t - hour) ? t - hour : validAt(signingEntry, t + hour) ? t + hour : null;
    if (sentAt === null) skip('clock_skew', `our key ${signing.kid} is not valid an hour before or after now, so a skewed message would be refused for its key`);
    else {
      const e = envelope({ sentAt: iso(sentAt), createdAt: iso(sentAt) });
      await expectRefusal('clock_skew', await sign(e, ourKey, signing.kid), String(e.id));
    }
  }

  // a ping whose body breaks its schema
  {
    const e = envelope({ body: { note: 5 } });
    await expectRefusal('invalid_message', await sign(e, ourKey, signing.kid), String(e.id));
  }

  // a protocol version the peer does not speak
  {
    const e = envelope({ v: 2 });
    await expectRefusal('unsupported_version', await sign(e, ourKey, signing.kid), String(e.id));
  }

  // a key of ours the directory says has expired
  {
    const t = now().getTime();
    const expired = opts.self.keyring.keys.find((k) => { const d = listed(k.kid); return d !== undefined && d.validTo !== null && Date.parse(d.validTo) <= t; });
    if (!expired) skip('key_expired', 'none of our keys is listed in the directory with a validTo in the past (rotate a key and give the old one a validTo to run this check)');
    else {
      const e = envelope();
      await expectRefusal('key_expired', await sign(e, expired.privateKey as KeyInput, expired.kid), String(e.id));
    }
  }

  if (refusalsChecked === 0) skip('refusal receipts', 'no refusal was answered with a receipt');
  else if (receiptProblems.length > 0) fail('refusal receipts', receiptProblems.join('; '));
  else pass('refusal receipts', `all ${refusalsChecked} refusals are receipts signed by ${peer.id} naming the request hash`);

  return result(peer.id);
}

/** A receipt in a few words, for failure details: its status and error code. */
function describe(receipt: string): string {
  const p = decodePayload(receipt);
  if (!p) return 'unreadable receipt';
  const e = p.error as { code?: unknown; message?: unknown } | undefined;
  return e ? `receipt ${String(p.status)} ${String(e.code)}: ${String(e.message)}` : `receipt ${String(p.status)}`;
}

/** One line per check (✓ passed, ✗ failed, – skipped) and a summary line. */
export function formatConformance(result: ConformanceResult): string {
  const lines = result.checks.map((c) => `${c.skipped ? '–' : c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
  const passed = result.checks.filter((c) => c.ok).length;
  const skipped = result.checks.filter((c) => c.skipped).length;
  const failed = result.checks.length - passed - skipped;
  lines.push(`${result.passed ? 'CONFORMS' : 'DOES NOT CONFORM'}: ${result.peer ?? 'unknown peer'} — ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return lines.join('\n');
}
