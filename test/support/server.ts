// Starts the real HTTP server (buildApp) on a random loopback port with a fresh,
// seeded database (reference catalog + demo accounts), the built SPA, and a mail worker
// sending to a local SMTP sink when smtpPort is given.
import net from 'node:net';
import pino from 'pino';
import { buildApp, type Clock } from '../../src/app.js';
import type { Db, Engine } from '../../src/db/connect.js';
import { MailWorker, createTransport } from '../../src/notify/mail-outbox.js';
import { seedIfEmpty } from '../../src/system.js';
import { testConfig } from './config.js';
import { freshDatabase } from './db.js';

export interface RunningServer {
  url: string;
  /** the server's database, for tests that run jobs (the deadline sweep) or read the mail outbox */
  db: Db;
  close(): Promise<void>;
}

export async function startServer(opts: { engine?: Engine; clock?: Clock; smtpPort?: number; port?: number; env?: Record<string, string> } = {}): Promise<RunningServer> {
  const t = await freshDatabase(opts.engine ?? 'sqlite');
  // on a simulated clock, the demo accounts' role grants must already be valid at its time
  await seedIfEmpty(t.db, opts.clock?.now() ?? new Date(), 'demo');
  const log = pino({ level: 'warn' });
  // PUBLIC_URL must name the port, which is known only after listen: reserve one first.
  const probe = opts.port ?? (await freePort());
  const config = testConfig({
    PUBLIC_URL: `http://127.0.0.1:${probe}`,
    LOG_LEVEL: 'warn',
    ...(opts.smtpPort ? { SMTP_URL: `smtp://127.0.0.1:${opts.smtpPort}` } : {}),
    ...opts.env,
  });
  const mail = new MailWorker(t.db, createTransport(config.smtpUrl, config.mailFrom, log), log, undefined, 200);
  const app = await buildApp({ db: t.db, config, mail, ...(opts.clock ? { clock: opts.clock } : {}) });
  const url = await app.listen({ port: probe, host: '127.0.0.1' });
  mail.start();
  return {
    url,
    db: t.db,
    close: async () => {
      await app.close();
      await mail.stop();
      await t.dispose();
    },
  };
}

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
