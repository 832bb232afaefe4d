// The seed's workflow templates: valid against their procedures, imported as template
// versions (not as new procedure versions), exported back, shown publicly with the online
// priority, and their agency rules resolve to the right agencies of Hải Phòng.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCatalog, importCatalog } from '../src/catalog/import-catalog.js';
import type { CatalogFile } from '../src/catalog/schemas.js';
import { findVersionInForce } from '../src/catalog/store.js';
import { vnDate } from '../src/lib/dates.js';
import { resolveAgency } from '../src/workflow/agency-rules.js';
import { templateInForce } from '../src/workflow/templates-store.js';
import { freshDatabase, type TestDb } from './support/db.js';

const NOW = new Date('2026-03-02T02:00:00Z');
const seed = () => JSON.parse(fs.readFileSync('seed/catalog.json', 'utf8')) as CatalogFile;

describe('seed workflow templates', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDatabase('sqlite');
    await importCatalog(t.db, seed(), NOW);
  });
  afterAll(async () => t?.dispose());

  it('imports each template once, as a template version, and re-importing changes nothing', async () => {
    const withWorkflow = seed().procedures.filter((p) => p.workflow).length;
    expect(withWorkflow).toBeGreaterThanOrEqual(5);
    expect(await t.db.selectFrom('workflow_templates').select('id').execute()).toHaveLength(withWorkflow);
    const again = await importCatalog(t.db, seed(), NOW);
    expect(again.versionsCreated).toBe(0);
    expect(await t.db.selectFrom('workflow_templates').select('id').execute()).toHaveLength(withWorkflow);
    const exported = await exportCatalog(t.db, vnDate(NOW));
    expect(exported.procedures.filter((p) => p.workflow).length).toBe(withWorkflow);
  });

  it('refuses a catalog whose template breaks the rules, naming the procedure and field', async () => {
    const bad = seed();
    const p = bad.procedures.find((x) => x.nationalCode === '1.001612')!;
    p.workflow!.steps[0]!.budget = { value: 30, unit: 'working_days' };
    p.workflow!.steps[1]!.next = ['nowhere'];
    await expect(importCatalog(t.db, bad, NOW)).rejects.toThrow(/procedure 1\.001612[\s\S]*workflow[\s\S]*(nowhere|legal time limit)/);
  });

  it('places the social allowance verification at the district of the receiving ward, and the ward police near its ward', async () => {
    const day = vnDate(NOW);
    const v = (await findVersionInForce(t.db, '1.001776', day))!;
    const pinned = await templateInForce(t.db, v, day);
    expect(pinned.definition.onlinePriorityDays).toBe(2);
    const agency = (code: string) => t.db.selectFrom('agencies').select(['id', 'code', 'name', 'path', 'level']).where('code', '=', code).executeTakeFirstOrThrow();
    const ward = await agency('000.05.22.H31'); // phường Đổng Quốc Bình, quận Ngô Quyền
    const verify = pinned.definition.steps.find((s) => s.id === 'verify')!;
    expect((await resolveAgency(t.db, verify.agency, ward, v, day)).code).toBe('000.00.22.H31');
    const residence = (await findVersionInForce(t.db, '1.004222', day))!;
    expect((await resolveAgency(t.db, { kind: 'handling' }, await agency('000.11.22.H31'), residence, day)).code).toBe('001.11.22.H31');
    expect((await resolveAgency(t.db, { kind: 'handling' }, await agency('000.02.21.H31'), residence, day)).code).toBe('001.02.21.H31');
    // a ward without its own police unit in the catalog falls back to the city police
    expect((await resolveAgency(t.db, { kind: 'handling' }, await agency('000.01.21.H31'), residence, day)).code).toBe('000.00.41.H31');
  });
});
