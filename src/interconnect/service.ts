// The running interconnection of one member: its keys, the verified directory (re-read when the
// file changes, so a rotated key or a new member needs no restart), the host map the workflow
// consults, the delivery worker, and one poller per foreign system reached through an adapter.
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from '../app.js';
import type { InterconnectConfig } from '../config.js';
import type { Db } from '../db/connect.js';
import type { BlobStore } from '../documents/blob-store.js';
import { StartupError } from '../lib/startup-error.js';
import { markInterconnectActive } from './active.js';
import { ForeignPoller } from './adapters/foreign-xml.js';
import { serveAttachment } from './attachments.js';
import { DeliveryWorker } from './delivery.js';
import { hostMapOf, memberOf, readCityKey, readDirectory, writeHostMap } from './directory.js';
import { loadOrCreateMemberKeys, type MemberKeyring } from './keys.js';
import { applyInbound, receiveMessage, type InboundHandlers } from './receive.js';
import type { Directory, DirectoryMember } from './types.js';

export interface InterconnectOptions {
  db: Db;
  config: InterconnectConfig;
  blobs: BlobStore;
  clock: Clock;
  log: FastifyBaseLogger | Logger;
  fetch?: typeof fetch;
  /** extra or replacement inbound handlers (tests) */
  handlers?: InboundHandlers;
}

export class Interconnect {
  readonly memberId: string;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  private ring: MemberKeyring | undefined;
  private dir: Directory | undefined;
  private dirMtimeMs = 0;
  private worker: DeliveryWorker | undefined;
  private pollers = new Map<string, { member: DirectoryMember; poller: ForeignPoller }>();
  private started = false;
  /** pollers being stopped after a directory change; stop() waits for them too */
  private stopping = new Set<Promise<void>>();

  constructor(private readonly opts: InterconnectOptions) {
    this.memberId = opts.config.memberId;
    this.fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.timeoutMs = opts.config.timeoutMs;
  }

  async start(): Promise<void> {
    const { config, clock } = this.opts;
    this.ring = await loadOrCreateMemberKeys(config.keysDir, clock.now());
    await this.loadDirectory();
    const dir = this.directory();
    if (!memberOf(dir, this.memberId)) throw new StartupError(`this member (${this.memberId}) is not in the interconnection directory ${config.directoryFile}`);
    markInterconnectActive();
    this.worker = new DeliveryWorker({
      db: this.opts.db,
      self: this.memberId,
      directory: () => this.directory(),
      keyring: () => this.keyring(),
      blobs: this.opts.blobs,
      config,
      fetch: this.fetch,
      now: () => clock.now(),
      log: this.opts.log,
      beforeDrain: () => this.reloadIfChanged(),
    });
    this.syncPollers();
    this.worker.start();
    this.started = true;
    this.opts.log.info({ member: this.memberId, members: dir.members.length, kid: this.ring.keys.at(-1)?.kid }, 'interconnection started');
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([this.worker?.stop(), ...[...this.pollers.values()].map((p) => p.poller.stop()), ...this.stopping]);
    this.pollers.clear();
  }

  /** the injected clock (health answers and tests) */
  now(): Date {
    return this.opts.clock.now();
  }

  wake(): void {
    this.worker?.wake();
  }

  directory(): Directory {
    if (!this.dir) throw new Error('interconnection not started');
    return this.dir;
  }

  keyring(): MemberKeyring {
    if (!this.ring) throw new Error('interconnection not started');
    return this.ring;
  }

  /** Sends everything due now (tests and the CLI; the worker does this on its own). */
  async drain(): Promise<number> {
    await this.reloadIfChanged();
    return this.worker ? this.worker.drain() : 0;
  }

  async receive(rawJws: string): Promise<{ httpStatus: number; receipt: string }> {
    const r = await receiveMessage(
      {
        db: this.opts.db,
        self: this.memberId,
        directory: this.directory(),
        keyring: this.keyring(),
        blobs: this.opts.blobs,
        now: this.opts.clock.now(),
        skewSeconds: this.opts.config.clockSkewSeconds,
        fetch: this.fetch,
        timeoutMs: this.opts.config.timeoutMs,
        handlers: this.opts.handlers,
        log: this.opts.log,
      },
      rawJws,
    );
    // an accepted message may have enqueued answers (e.g. transfer_accepted): send them now
    if (r.status === 'accepted') this.wake();
    return { httpStatus: r.httpStatus, receipt: r.receipt };
  }

  async serveAttachment(authorization: string | undefined, sha256: string): Promise<{ status: number; stream?: Readable; mediaType?: string; size?: number }> {
    return serveAttachment(
      { db: this.opts.db, directory: this.directory(), self: this.memberId, blobs: this.opts.blobs, skewSeconds: this.opts.config.clockSkewSeconds, now: this.opts.clock.now() },
      authorization,
      sha256,
    );
  }

  private async loadDirectory(): Promise<void> {
    const { config } = this.opts;
    const cityKey = readCityKey(config.directoryKeyFile);
    const mtime = fs.statSync(config.directoryFile, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    const dir = await readDirectory(config.directoryFile, cityKey);
    await writeHostMap(this.opts.db, await hostMapOf(this.opts.db, dir, this.memberId));
    this.dir = dir;
    this.dirMtimeMs = mtime;
  }

  /** Re-reads the directory when its file changed; a bad new file is logged and the old one kept. */
  private async reloadIfChanged(): Promise<void> {
    const mtime = fs.statSync(this.opts.config.directoryFile, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (mtime === this.dirMtimeMs) return;
    try {
      // a key added by `motcua interconnect rotate-key` is announced by a new directory: pick it up too
      this.ring = await loadOrCreateMemberKeys(this.opts.config.keysDir, this.opts.clock.now());
      await this.loadDirectory();
      this.opts.log.info({ issuedAt: this.dir?.issuedAt }, 'interconnection directory reloaded');
      if (this.started) this.syncPollers();
    } catch (err) {
      this.dirMtimeMs = mtime; // do not retry the same bad file every tick
      this.opts.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'new interconnection directory refused; keeping the previous one');
    }
  }

  /** One poller per foreign-xml member; restarted when its directory entry changes. */
  private syncPollers(): void {
    const wanted = new Map(this.directory().members.filter((m) => m.kind === 'foreign-xml' && m.id !== this.memberId).map((m) => [m.id, m]));
    for (const [id, p] of this.pollers) {
      const next = wanted.get(id);
      if (!next || JSON.stringify(next) !== JSON.stringify(p.member)) {
        const done = p.poller.stop().finally(() => this.stopping.delete(done));
        this.stopping.add(done);
        this.pollers.delete(id);
      }
    }
    for (const [id, member] of wanted) {
      if (this.pollers.has(id)) continue;
      const poller = new ForeignPoller({
        db: this.opts.db,
        member,
        self: this.memberId,
        fetch: this.fetch,
        pollMs: this.opts.config.pollMs,
        timeoutMs: this.opts.config.timeoutMs,
        log: this.opts.log,
        now: () => this.opts.clock.now(),
        apply: async (envelope) => {
          await applyInbound(this.opts.db, envelope, this.opts.clock.now(), { blobs: this.opts.blobs, from: member, handlers: this.opts.handlers });
          this.wake();
        },
      });
      poller.start();
      this.pollers.set(id, { member, poller });
    }
  }
}
