// Fault test: the server is killed with SIGKILL in the middle of a burst of online submissions.
// After a restart, every submission that got a 2xx answer is there, codes are unique and
// gap-free for the day, and every event chain verifies.
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { importCatalog } from '../src/catalog/import-catalog.js';
import { verifyChains } from '../src/dossiers/event-log.js';
import { DEMO_PASSWORD, seedDemoAccounts } from '../src/identity/demo-accounts.js';
import { ENGINES, freshDatabase, type TestDb } from './support/db.js';
import { smallCatalog } from './support/fixtures.js';
import { tinyPdf } from './support/multipart.js';
import { serve } from './support/process.js';

const disposers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const d of disposers) await d();
});

/** A logged-in HTTP session against a running server (cookie + CSRF token). */
async function session(url: string, email: string) {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: DEMO_PASSWORD }) });
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
  return { cookie, csrf };
}

describe.each(ENGINES)('SIGKILL during submissions on %s', (engine) => {
  it('loses no acknowledged dossier and leaves codes unique, gap-free and chains valid', { timeout: 120_000 }, async () => {
    const t: TestDb = await freshDatabase(engine);
    disposers.push(() => t.dispose());
    await importCatalog(t.db, smallCatalog(), new Date());
    await seedDemoAccounts(t.db, new Date());
    const env = { ...t.env, SEED: 'none', LOG_LEVEL: 'info' }; // serve() waits for the 'listening' info line

    const first = await serve(env);
    const s = await session(first.url, 'an.nguyen@demo.motcua.vn');
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(tinyPdf())], { type: 'application/pdf' }), 'to-khai.pdf');
    const up = await fetch(`${first.url}/api/uploads`, { method: 'POST', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, body: form });
    expect(up.status).toBe(201);
    const uploadId = ((await up.json()) as { id: string }).id;

    const acknowledged: string[] = [];
    let sent = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const key = `crash-${engine}-${sent++}`;
        try {
          const res = await fetch(`${first.url}/api/dossiers`, {
            method: 'POST',
            headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json', 'idempotency-key': key },
            body: JSON.stringify({ procedure: '1.001193', agency: '000.01.21.H31', form: { hoTen: `Bé ${key}` }, documents: [{ requirement: 'to-khai', upload: uploadId }], returnMethod: 'online' }),
          });
          if (res.status >= 200 && res.status < 300) acknowledged.push(((await res.json()) as { code: string }).code);
        } catch {
          // connection reset by the kill: not acknowledged
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    // kill once a good number are through, while requests are in flight
    while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 10));
    first.child.kill('SIGKILL');
    await first.exited;
    stop = true;
    await Promise.all(workers);
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);

    const second = await serve(env);
    disposers.push(async () => {
      second.child.kill('SIGTERM');
      await second.exited;
    });
    const rows = await t.db.selectFrom('dossiers').select(['code']).execute();
    const stored = new Set(rows.map((r) => r.code));
    expect(acknowledged.filter((c) => !stored.has(c))).toEqual([]);
    expect(stored.size).toBe(rows.length);
    const seq = rows.map((r) => Number(r.code.split('-').pop())).sort((a, b) => a - b);
    expect(seq).toEqual(Array.from({ length: seq.length }, (_, i) => i + 1));
    const counter = await sql<{ last: number }>`select last from dossier_code_counters`.execute(t.db);
    expect(Number(counter.rows[0]!.last)).toBe(seq.length);
    const chains = await verifyChains(t.db);
    expect(chains.problems).toEqual([]);
    // the restarted server serves them
    const again = await session(second.url, 'an.nguyen@demo.motcua.vn');
    const mine = (await (await fetch(`${second.url}/api/me/dossiers`, { headers: { cookie: again.cookie } })).json()) as { items: unknown[] };
    expect(mine.items).toHaveLength(rows.length);
    console.log(`${engine}: ${sent} submissions sent, ${acknowledged.length} acknowledged before SIGKILL, ${rows.length} stored`);
  });
});
