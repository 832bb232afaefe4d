// Several motcua members on loopback, each its own process with its own database, joined by a
// member directory signed with a city key made for the test: the interconnection tests' world.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JWK } from 'jose';
import type { Engine } from '../../src/db/connect.js';
import { signDirectory } from '../../src/interconnect/directory.js';
import { generateDirectoryKey, loadOrCreateMemberKeys } from '../../src/interconnect/keys.js';
import type { Directory, DirectoryMember } from '../../src/interconnect/types.js';
import { freshDatabase, type TestDb } from './db.js';
import { DEMO_PASSWORD, demoEmail, PDF } from './journeys.js';
import { runCli, type Finished, serve, type Served } from './process.js';
import { freePort } from './server.js';

export interface MemberSpec {
  id: string;
  name: string;
  engine: Engine;
  /** agency identifiers whose subtrees it hosts */
  hosts: string[];
}

export interface ForeignSpec {
  id: string;
  name: string;
  hosts: string[];
  url: string;
}

export interface Member {
  spec: MemberSpec;
  url: string;
  env: Record<string, string>;
  t: TestDb;
  proc: Served | undefined;
  start(): Promise<void>;
  /** SIGKILL (no goodbye) or SIGTERM (graceful) */
  stop(signal?: NodeJS.Signals): Promise<void>;
  cli(args: string[]): Promise<Finished>;
}

export interface City {
  members: Record<string, Member>;
  directory: Directory;
  /** signs and writes a new directory (members re-read it when it changes) */
  publish(change: (d: Directory) => void): Promise<void>;
  dispose(): Promise<void>;
}

/** Fast retries so that "down for a while" takes seconds in a test, not minutes. */
export const FAST_DELIVERY = { INTERCONNECT_RETRY_BASE_MS: '200', INTERCONNECT_RETRY_MAX_MS: '1500', INTERCONNECT_TIMEOUT_MS: '3000', INTERCONNECT_POLL_MS: '100' };

export async function startCity(specs: MemberSpec[], opts: { foreign?: ForeignSpec[]; env?: Record<string, string>; start?: boolean } = {}): Promise<City> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-city-'));
  const cityKey = await generateDirectoryKey();
  const keyFile = path.join(root, 'city-directory-key.jwk');
  fs.writeFileSync(keyFile, JSON.stringify(cityKey.publicJwk));
  const dirFile = path.join(root, 'directory.jws');
  const now = new Date();
  const members: Record<string, Member> = {};
  const entries: DirectoryMember[] = [];
  for (const spec of specs) {
    const t = await freshDatabase(spec.engine);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const keysDir = path.join(t.env.DATA_DIR!, 'interconnect', 'keys');
    const ring = await loadOrCreateMemberKeys(keysDir, now);
    entries.push({
      id: spec.id, name: spec.name, kind: 'motcua', baseUrl: url, hosts: spec.hosts,
      keys: ring.keys.map((k) => ({ kid: k.kid, jwk: k.publicJwk as DirectoryMember['keys'][number]['jwk'], validFrom: new Date(now.getTime() - 86_400_000).toISOString(), validTo: null })),
    });
    const env = {
      ...t.env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, SEED: 'demo', LOG_LEVEL: 'info',
      INTERCONNECT_MEMBER: spec.id, INTERCONNECT_DIRECTORY: dirFile, INTERCONNECT_DIRECTORY_KEY: keyFile, ...FAST_DELIVERY, ...opts.env,
    };
    const m: Member = {
      spec, url, env, t, proc: undefined,
      async start() {
        m.proc = await serve(env);
      },
      async stop(signal: NodeJS.Signals = 'SIGKILL') {
        const p = m.proc;
        if (!p) return;
        m.proc = undefined;
        p.child.kill(signal);
        await p.exited.catch(() => undefined);
      },
      cli: (args) => runCli(args, env),
    };
    members[spec.id] = m;
  }
  for (const f of opts.foreign ?? []) entries.push({ id: f.id, name: f.name, kind: 'foreign-xml', baseUrl: f.url, hosts: f.hosts, keys: [] });
  const directory: Directory = { v: 1, issuedAt: now.toISOString(), members: entries };
  const write = async () => {
    const tmp = `${dirFile}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, await signDirectory(directory, cityKey.privateJwk as JWK));
    fs.renameSync(tmp, dirFile);
  };
  await write();
  if (opts.start !== false) await Promise.all(Object.values(members).map((m) => m.start()));
  return {
    members,
    directory,
    async publish(change) {
      change(directory);
      directory.issuedAt = new Date().toISOString();
      await write();
    },
    async dispose() {
      for (const m of Object.values(members)) await m.stop('SIGKILL');
      for (const m of Object.values(members)) await m.t.dispose();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A logged-in browser-like session over real HTTP (cookie + CSRF token). */
export class HttpSession {
  private cookie = '';
  private csrf = '';
  constructor(readonly base: string) {}

  static async login(base: string, who: string): Promise<HttpSession> {
    const s = new HttpSession(base);
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: demoEmail(who), password: DEMO_PASSWORD }) });
    if (res.status !== 200) throw new Error(`login ${who} at ${base}: ${res.status} ${await res.text()}`);
    s.cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    s.csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
    return s;
  }

  async request<T = Record<string, unknown>>(method: string, p: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T; text: string }> {
    const res = await fetch(`${this.base}${p}`, {
      method,
      headers: { cookie: this.cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': this.csrf }), ...(body === undefined || body instanceof FormData ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: body instanceof FormData ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed as T, text };
  }
  get = <T = Record<string, unknown>>(p: string) => this.request<T>('GET', p);
  post = <T = Record<string, unknown>>(p: string, body: unknown = {}, headers?: Record<string, string>) => this.request<T>('POST', p, body, headers);

  /** Uploads a small PDF, returns the upload id. */
  async upload(label: string): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(Buffer.concat([PDF, Buffer.from(`% ${label}\n`)]))], { type: 'application/pdf' }), `${label}.pdf`);
    const res = await this.request<{ id: string }>('POST', '/api/uploads', form);
    if (res.status !== 201) throw new Error(`upload: ${res.status} ${res.text}`);
    return res.body.id;
  }
}

/** Polls until `check` returns a value (not undefined/false), or fails after `ms` with the last observation. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
