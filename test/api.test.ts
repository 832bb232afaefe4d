// The HTTP API through the real Fastify app (inject), on both engines.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { importCatalog } from '../src/catalog/import-catalog.js';
import { ENGINES, freshDatabase, type TestDb } from './support/db.js';
import { testConfig } from './support/config.js';
import { smallCatalog } from './support/fixtures.js';

const clock = { now: () => new Date('2026-03-02T03:00:00Z') };

describe.each(ENGINES)('HTTP API on %s', (engine) => {
  let t: TestDb;
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await freshDatabase(engine);
    await importCatalog(t.db, smallCatalog(), clock.now());
    app = await buildApp({ db: t.db, clock, config: testConfig({ BODY_LIMIT: '10000', WEB_DIR: '/nonexistent' }) });
  });
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  it('answers health and readiness', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await app.inject('/readyz')).json()).toEqual({ status: 'ready', engine });
  });

  it('publishes OpenAPI 3 with every catalog route, and a docs page', async () => {
    const spec = (await app.inject('/api/openapi.json')).json() as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/procedures', '/api/procedures/{nationalCode}', '/api/agencies', '/api/agencies/{code}', '/api/fields', '/api/groups', '/healthz', '/readyz']),
    );
    const docs = await app.inject('/api/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('searches procedures without diacritics', async () => {
    const res = await app.inject('/api/procedures?q=dang%20ky%20khai%20sinh');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: { name: string }[]; total: number };
    expect(body.items[0]?.name).toBe('Đăng ký khai sinh');
  });

  it('serves a procedure in force today and on a given date', async () => {
    const today = (await app.inject('/api/procedures/2.000488')).json() as { version: number; agencies: { code: string }[] };
    expect(today.version).toBe(1);
    const later = (await app.inject('/api/procedures/2.000488?at=2026-07-01')).json() as { version: number; agencies: { code: string }[] };
    expect(later.agencies[0]?.code).toBe('000.00.40.H31');
    const versions = (await app.inject('/api/procedures/2.000488/versions')).json() as { items: unknown[] };
    expect(versions.items).toHaveLength(2);
  });

  it('serves agencies, fields and groups', async () => {
    const root = (await app.inject('/api/agencies?parent=root')).json() as { items: { code: string }[] };
    expect(root.items.map((a) => a.code)).toEqual(['000.00.00.H31']);
    expect((await app.inject('/api/agencies/000.00.21.H31')).json()).toMatchObject({ name: 'Ủy ban nhân dân quận Hồng Bàng', level: 'district', childCount: 1 });
    expect(((await app.inject('/api/fields')).json() as { items: unknown[] }).items).toHaveLength(3);
    expect((await app.inject('/api/groups/khai-sinh-khai-tu')).json()).toMatchObject({ members: [{ order: 1 }, { order: 2 }] });
  });

  it('exports the catalog as an importable file', async () => {
    const res = await app.inject('/api/catalog/export');
    expect(res.headers['content-disposition']).toContain('attachment');
    const file = res.json() as { formatVersion: number; procedures: unknown[] };
    expect(file.formatVersion).toBe(1);
    expect(file.procedures).toHaveLength(5);
  });

  it('unknown routes and records answer 404 JSON', async () => {
    const route = await app.inject('/api/nothing-here');
    expect(route.statusCode).toBe(404);
    expect(route.json()).toMatchObject({ error: 'not_found' });
    expect((await app.inject('/api/procedures/9.999999')).json()).toMatchObject({ error: 'not_found' });
    expect((await app.inject('/api/agencies/999.99.99.H31')).statusCode).toBe(404);
    // without a built web app, a page URL is a 404 too, not a crash
    expect((await app.inject('/thu-tuc')).statusCode).toBe(404);
  });

  it('invalid parameters answer 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['/api/procedures?pageSize=1000', 'pageSize'],
      ['/api/procedures?page=0', 'page'],
      ['/api/procedures?level=province', 'level'],
      ['/api/procedures?agency=%3Cscript%3E', 'agency'],
      ['/api/procedures/2.000488?at=2026-02-30', 'at'],
      ['/api/procedures/1.001193?version=abc', 'version'],
      ['/api/agencies/lower.case', 'code'],
      [`/api/procedures?q=${'a'.repeat(201)}`, 'q'],
    ];
    for (const [url, field] of cases) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ error: 'invalid', field });
    }
  });

  it('refuses an oversized body with 413 before reading it', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/procedures', payload: 'x'.repeat(20_000), headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'too_large' });
  });

  it('counts requests per route in Prometheus metrics', async () => {
    await app.inject('/api/procedures/1.001193');
    const text = (await app.inject('/metrics')).body;
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/api\/procedures\/:nationalCode",status="200"\} \d+/);
    expect(text).toContain('http_request_duration_seconds_bucket');
  });

  it('echoes a request id and sets security headers', async () => {
    const res = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
