#!/usr/bin/env node
// motcua command line: serve | migrate | seed | import-catalog FILE | export-catalog [FILE]
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { buildApp, systemClock } from './app.js';
import { MailWorker, createTransport } from './notify/mail-outbox.js';
import { CalendarService } from './calendar/schedules-store.js';
import { DeadlineSweeper } from './workflow/sweep.js';
import { exportCatalog } from './catalog/import-catalog.js';
import { countCatalog } from './catalog/store.js';
import { loadConfig } from './config.js';
import { verifyChains } from './dossiers/event-log.js';
import { vnDate } from './lib/dates.js';
import { StartupError } from './lib/startup-error.js';
import { importCatalogFile, openConfiguredDatabase, seedIfEmpty } from './system.js';
import { importRegistryFile } from './registries/cli.js';
import { BlobStore } from './documents/blob-store.js';
import { INTERCONNECT_USAGE, runInterconnectCli } from './interconnect/cli.js';
import { formatConformance, runConformance } from './interconnect/conformance.js';
import { readCityKey, readDirectory } from './interconnect/directory.js';
import { loadOrCreateMemberKeys } from './interconnect/keys.js';
import { Interconnect } from './interconnect/service.js';

const USAGE = `usage: motcua <command>
  serve                     serve the API, the web app and background jobs (default)
  migrate                   apply new database migrations and exit
  seed                      load the reference city (and, unless SEED=catalog, demo accounts) into an empty database
  import-catalog FILE       import a catalog JSON file (validated; all or nothing)
  import-registry <citizens|businesses> FILE   import registry rows from CSV/JSON (validated; all or nothing)
  export-catalog [FILE]     write the whole catalog as JSON (stdout by default)
  verify-log                recompute every dossier's event hash chain; exit 1 on the first broken link of any
  recompute-stats [--fix]   recompute service-quality statistics from the event log; list differences (exit 1), or rebuild with --fix
${INTERCONNECT_USAGE}
  conformance --peer URL           run the protocol's conformance checks against a member, as this member`;

async function serve(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const db = await openConfiguredDatabase(config);
  await seedIfEmpty(db, systemClock.now(), config.seed);
  const log = pino({ level: config.logLevel });
  const mail = new MailWorker(db, createTransport(config.smtpUrl, config.mailFrom, log), log);
  // interconnection with other members (#6): keys, the signed directory, delivery, foreign pollers
  const interconnect = config.interconnect
    ? new Interconnect({ db, config: config.interconnect, blobs: new BlobStore(path.join(config.dataDir, 'blobs')), clock: systemClock, log })
    : undefined;
  try {
    if (interconnect) await interconnect.start();
    // interconnection switched off: no agency is hosted elsewhere any more (steps stay here)
    else await db.deleteFrom('interconnect_agency_hosts').execute();
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const app = await buildApp({ db, config, mail, interconnect });
  if (Number((await db.selectFrom('accounts').select((s) => s.fn.countAll<number>().as('n')).where('demo', '=', 1).executeTakeFirstOrThrow()).n) > 0) {
    app.log.warn('demo accounts with a published password exist in this database: do not use it in production');
  }
  const sweeper = new DeadlineSweeper(db, new CalendarService(db), config.publicUrl, log);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    // close() stops accepting connections and waits for in-flight requests to finish;
    // a client that keeps an idle connection open past the grace period is cut off.
    setTimeout(() => app.server.closeAllConnections(), 10_000).unref();
    app
      .close()
      .then(() => sweeper.stop())
      .then(() => interconnect?.stop())
      .then(() => mail.stop())
      .then(() => db.destroy())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await db.destroy();
    const reason = err instanceof Error ? err.message : String(err);
    throw new StartupError(`cannot listen on ${config.host}:${config.port} (${reason}): choose another PORT or stop the process using it`);
  }
  mail.start();
  sweeper.start();
  app.log.info({ startupMs: Math.round(performance.now() - started), engine: config.databaseUrl ? 'postgres' : 'sqlite' }, 'motcua ready');
}

async function run(argv: string[]): Promise<void> {
  const [command = 'serve', ...args] = argv;
  if (command === 'serve') return serve();
  if (command === '--help' || command === 'help') {
    console.log(USAGE);
    return;
  }
  const config = loadConfig();
  if (command === 'migrate') {
    const db = await openConfiguredDatabase(config);
    await db.destroy();
    console.log('database is at the latest version');
    return;
  }
  if (command === 'seed') {
    const db = await openConfiguredDatabase(config);
    const seeded = await seedIfEmpty(db, new Date(), config.seed === 'none' ? 'catalog' : config.seed);
    console.log(seeded ? `seeded: ${JSON.stringify(await countCatalog(db))}` : 'the database already holds a catalog; nothing seeded');
    await db.destroy();
    return;
  }
  if (command === 'import-catalog') {
    const file = args[0];
    if (!file) throw new StartupError('import-catalog needs a file: motcua import-catalog catalog.json');
    const db = await openConfiguredDatabase(config);
    try {
      const report = await importCatalogFile(db, file, new Date());
      console.log(`imported ${file}: ${report.fields} fields, ${report.agencies} agencies, ${report.versionsCreated} new procedure versions (${report.versionsUnchanged} unchanged), ${report.groups} groups`);
    } finally {
      await db.destroy();
    }
    return;
  }
  if (command === 'import-registry') {
    const db = await openConfiguredDatabase(config);
    try {
      const r = await importRegistryFile(db, args[0], args[1], new Date());
      console.log(r.text);
      if (!r.ok) process.exitCode = 1;
    } finally {
      await db.destroy();
    }
    return;
  }
  if (command === 'export-catalog') {
    const db = await openConfiguredDatabase(config);
    const json = JSON.stringify(await exportCatalog(db, vnDate(new Date())), null, 2) + '\n';
    await db.destroy();
    if (args[0]) fs.writeFileSync(args[0], json);
    else process.stdout.write(json);
    return;
  }
  if (command === 'verify-log') {
    const db = await openConfiguredDatabase(config);
    const report = await verifyChains(db);
    await db.destroy();
    for (const p of report.problems) console.error(`broken: dossier ${p.code} at event ${p.seq}: ${p.problem}`);
    console.log(`${report.dossiers} dossiers, ${report.events} events checked; ${report.problems.length} broken chain(s)`);
    if (report.problems.length) process.exitCode = 1;
    return;
  }
  if (command === 'recompute-stats') {
    const fix = args.includes('--fix');
    const db = await openConfiguredDatabase(config);
    const { recomputeStats, describeDifference } = await import('./reports/recompute.js');
    const report = await recomputeStats(db, { fix });
    await db.destroy();
    for (const d of report.differences.slice(0, 1000)) console.error(`differs: ${describeDifference(d)}`);
    console.log(`${report.dossiers} dossiers recomputed; ${report.differences.length} bucket counter(s) differ${report.fixed ? ': rebuilt from the log' : ''}`);
    if (report.differences.length && !report.fixed) process.exitCode = 1;
    return;
  }
  if (command === 'interconnect' || command === 'directory' || command === 'verify-messages') {
    process.exitCode = await runInterconnectCli(command, args, config);
    return;
  }
  if (command === 'conformance') {
    const i = args.indexOf('--peer');
    const peerUrl = i >= 0 ? args[i + 1] : undefined;
    if (!peerUrl || !/^https?:\/\//.test(peerUrl)) throw new StartupError('conformance needs the peer: motcua conformance --peer http://host:port');
    if (!config.interconnect) throw new StartupError('conformance runs as this member: set the INTERCONNECT_* variables');
    const ic = config.interconnect;
    const keyring = await loadOrCreateMemberKeys(ic.keysDir, new Date());
    const directory = await readDirectory(ic.directoryFile, readCityKey(ic.directoryKeyFile));
    const result = await runConformance({ peerUrl: peerUrl.replace(/\/$/, ''), self: { memberId: ic.memberId, keyring }, directory });
    console.log(formatConformance(result));
    if (!result.passed) process.exitCode = 1;
    return;
  }
  throw new StartupError(`unknown command "${command}"\n${USAGE}`);
}

run(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof StartupError) {
    console.error(`motcua: ${err.message}`);
  } else {
    console.error(`motcua: unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.exit(1);
});
