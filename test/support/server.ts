// Starts the real HTTP server (buildApp) on a random loopback port with a fresh,
// seeded database and the built SPA from dist/web.
import path from 'node:path';
import { buildApp, type Clock } from '../../src/app.js';
import type { Engine } from '../../src/db/connect.js';
import { packageRoot } from '../../src/lib/package-root.js';
import { seedIfEmpty } from '../../src/system.js';
import { freshDatabase } from './db.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(opts: { engine?: Engine; clock?: Clock } = {}): Promise<RunningServer> {
  const t = await freshDatabase(opts.engine ?? 'sqlite');
  await seedIfEmpty(t.db, new Date());
  const app = await buildApp({
    db: t.db,
    config: { logLevel: 'warn', bodyLimit: 1_048_576, webDir: path.join(packageRoot(), 'dist', 'web') },
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    close: async () => {
      await app.close();
      await t.dispose();
    },
  };
}
