// The built program as an operator runs it: start-up, seeding, migrations, bad
// configuration, a corrupt database, graceful shutdown, catalog import from the CLI.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase } from './support/db.js';
import { smallCatalog } from './support/fixtures.js';
import { runCli, serve } from './support/process.js';

const tmpDirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-start-'));
  tmpDirs.push(d);
  return d;
};
afterAll(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A start-up failure is one line on stderr, names what to do, and carries no stack trace. */
function expectOneLineError(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^motcua: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe.each(ENGINES)('serve on %s', (engine) => {
  it('migrates and seeds an empty database, serves, and stops on SIGTERM after finishing requests', async () => {
    const t = await freshDatabase(engine, { migrate: false });
    try {
      const s = await serve(t.env);
      const ready = await fetch(`${s.url}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', engine });
      const found = (await (await fetch(`${s.url}/api/procedures?q=dang%20ky%20khai%20sinh`)).json()) as { items: { name: string }[] };
      expect(found.items[0]?.name).toBe('Đăng ký khai sinh');
      // a burst of requests in flight when SIGTERM arrives: each one answered completely
      const burst = Array.from({ length: 40 }, () =>
        fetch(`${s.url}/api/procedures?pageSize=50`).then(
          async (r) => ({ status: r.status, ok: (await r.text()).length > 0 }),
          () => ({ status: 0, ok: true }), // refused after close: never half an answer
        ),
      );
      await new Promise((r) => setTimeout(r, 5));
      s.child.kill('SIGTERM');
      const results = await Promise.all(burst);
      expect(results.every((r) => r.ok && [0, 200, 503].includes(r.status))).toBe(true);
      expect(results.some((r) => r.status === 200)).toBe(true);
      expect(await s.exited).toBe(0);
      expect(s.lines.some((l) => l.includes('shutting down'))).toBe(true);
      const readyLine = s.lines.find((l) => l.includes('motcua ready'));
      expect(JSON.parse(readyLine!)).toMatchObject({ engine, startupMs: expect.any(Number) });
    } finally {
      await t.dispose();
    }
  });

  it('a second start on an existing database applies no migration and does not re-seed', async () => {
    const t = await freshDatabase(engine, { migrate: false });
    try {
      expect((await runCli(['seed'], t.env)).stdout).toMatch(/^seeded/);
      const before = await t.db.selectFrom('procedure_versions').select((s) => s.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const again = await runCli(['seed'], t.env);
      expect(again.stdout).toContain('nothing seeded');
      const after = await t.db.selectFrom('procedure_versions').select((s) => s.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
      expect((await runCli(['migrate'], t.env)).code).toBe(0);
    } finally {
      await t.dispose();
    }
  });

  it('import-catalog validates, names the record and field, and changes nothing on error', async () => {
    const t = await freshDatabase(engine);
    const dir = tmp();
    try {
      const good = path.join(dir, 'good.json');
      fs.writeFileSync(good, JSON.stringify(smallCatalog()));
      const ok = await runCli(['import-catalog', good], { ...t.env, SEED: 'none' });
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toContain('5 new procedure versions');
      const bad = smallCatalog();
      (bad.procedures[1] as { timeLimit: unknown }).timeLimit = { value: -1, unit: 'weeks' };
      const badFile = path.join(dir, 'bad.json');
      fs.writeFileSync(badFile, JSON.stringify(bad));
      const refused = await runCli(['import-catalog', badFile], t.env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('procedure 1.000656: /procedures/1/timeLimit/value');
      expect(refused.stderr).toContain('procedure 1.000656: /procedures/1/timeLimit/unit');
      fs.writeFileSync(badFile, '{ not json');
      const notJson = await runCli(['import-catalog', badFile], t.env);
      expectOneLineError(notJson.stderr, /cannot read .* as JSON/);
      const exported = await runCli(['export-catalog'], t.env);
      expect((JSON.parse(exported.stdout) as { procedures: unknown[] }).procedures).toHaveLength(5);
    } finally {
      await t.dispose();
    }
  });
});

describe('start-up errors', () => {
  it('a corrupt database file: one line saying what to do, exit code 1', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'motcua.sqlite'), 'this is not a database '.repeat(500));
    const r = await runCli(['serve'], { DATA_DIR: dir, PORT: '0' });
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /motcua\.sqlite.*(restore|move it away)/);
  });

  it('an unwritable data directory', async () => {
    const file = path.join(tmp(), 'a-file');
    fs.writeFileSync(file, '');
    const r = await runCli(['serve'], { DATA_DIR: path.join(file, 'data'), PORT: '0' });
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /data directory/);
  });

  it('bad configuration values', async () => {
    for (const [env, pattern] of [
      [{ PORT: 'abc' }, /PORT must be an integer/],
      [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
      [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres/],
      [{ SEED: 'maybe' }, /SEED must be demo, catalog or none/],
    ] as const) {
      const r = await runCli(['serve'], { DATA_DIR: tmp(), ...env });
      expect(r.code).toBe(1);
      expectOneLineError(r.stderr, pattern);
    }
  });

  it('an unreachable PostgreSQL', async () => {
    const r = await runCli(['migrate'], { DATA_DIR: tmp(), DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /PostgreSQL at DATABASE_URL/);
  });

  it('an unknown command prints usage', async () => {
    const r = await runCli(['frobnicate'], { DATA_DIR: tmp() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('usage: motcua');
  });
});
