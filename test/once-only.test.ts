// Once-only (#7) through HTTP on both engines: the applicant's data store (add, list, preview,
// remove, reuse options), submission citing stored documents and registry evidence with consent
// (flags, event payload, refusals), supplement requests refusing reused documents (desk and
// processing), digitisation at the desk, results joining the holder's store, and the
// digitised/reused counters of the statistics (recompute finds no difference).
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { importCatalog } from '../src/catalog/import-catalog.js';
import type { CatalogFile } from '../src/catalog/schemas.js';
import { prepareDocuments } from '../src/datastore/reuse.js';
import { addResultsToStore } from '../src/datastore/store.js';
import { verifyChains } from '../src/dossiers/event-log.js';
import { DEMO_PASSWORD, seedDemoAccounts } from '../src/identity/demo-accounts.js';
import { checkStats } from '../src/reports/store.js';
import { seedDemoRegistry } from '../src/registries/demo-registry.js';
import { issueInto } from './results-fixtures.js';
import { TestClient } from './support/client.js';
import { testConfig } from './support/config.js';
import { ENGINES, freshDatabase, type TestDb } from './support/db.js';
import { multipartFile, tinyPdf } from './support/multipart.js';

const WARD = '000.02.21.H31'; // phường Hoàng Văn Thụ, quận Hồng Bàng
const GUARDIANSHIP = '1.004837'; // đăng ký giám hộ: needs the ward's birth certificate and an identity document
const NOW = Date.parse('2026-03-02T03:00:00Z'); // Monday 10:00 in Vietnam

interface Doc { id: number; requirement: string; source: string; evidenceType: string | null; reused: boolean; digitised: boolean; consentAt: string | null; eResult?: { serial: string; status: string } }
interface Detail { code: string; status: string; documents: Doc[]; flags: { digitised: boolean; reused: boolean; reusedCount: number; digitisedCount: number; componentCount: number }; events: { type: string; payload: Record<string, unknown> }[] }
interface Item { id: number; title: string; evidenceType: string | null; source: string; usable: boolean; unusableReason?: string; eResult?: { serial: string; status: string } }
interface Refusal { error: string; reason?: string; field?: string }

const form = { loaiGiamHo: 'Giám hộ cử', nguoiGiamHoHoTen: 'Nguyễn Văn An', nguoiGiamHoCccd: '031090001234', nguoiDuocGiamHoHoTen: 'Nguyễn Minh Khôi', nguoiDuocGiamHoNgaySinh: '2020-02-20' };

describe.each(ENGINES)('once-only on %s', (engine) => {
  let t: TestDb;
  let app: FastifyInstance;
  const clock = { t: NOW, now() { return new Date(this.t); } };
  const c: Record<string, TestClient> = {};
  const emails: Record<string, string> = { citizen: 'an.nguyen', other: 'binh.tran', desk: 'tiepnhan.hongbang', specialist: 'chuyenvien.hongbang', leader: 'lanhdao.hongbang' };
  let n = 0;
  let birthItem = 0;
  let ownCopyItem = 0;
  let reusedCode = '';

  async function call(who: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}) {
    return c[who]!.request(method, url, body, headers);
  }
  async function uploadId(who: string) {
    const m = multipartFile(tinyPdf(`once-only ${engine} ${n++}`), 'giay-to.pdf');
    const res = await call(who, 'POST', '/api/uploads', m.body, m.headers);
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  }
  async function submit(who: string, documents: unknown[]) {
    return call(who, 'POST', '/api/dossiers', { procedure: GUARDIANSHIP, agency: WARD, form, documents, returnMethod: 'online' }, { 'idempotency-key': `once-${engine}-${n++}` });
  }
  /** The two uploads every guardianship application carries (the form and the appointment). */
  async function ownPapers(who = 'citizen') {
    return [{ requirement: 'to-khai', upload: await uploadId(who) }, { requirement: 'van-ban-cu-giam-ho', upload: await uploadId(who) }];
  }
  const detail = async (who: string, code: string) => {
    const res = await call(who, 'GET', `/api/dossiers/${code}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Detail;
  };
  const accountId = async (who: string) => (await t.db.selectFrom('accounts').select('id').where('email', '=', `${emails[who]}@demo.motcua.vn`).executeTakeFirstOrThrow()).id;

  beforeAll(async () => {
    t = await freshDatabase(engine);
    await importCatalog(t.db, JSON.parse(fs.readFileSync('seed/catalog.json', 'utf8')) as CatalogFile, clock.now());
    await seedDemoAccounts(t.db, clock.now());
    // the population registry holds the demo applicants (their names and birth dates prove them the holders of their CCCD)
    await seedDemoRegistry(t.db, clock.now());
    app = await buildApp({ db: t.db, clock, config: testConfig({ DATA_DIR: t.env.DATA_DIR!, UPLOAD_LIMIT: '100000' }) });
    for (const [name, e] of Object.entries(emails)) {
      c[name] = new TestClient(app, `10.7.0.${Object.keys(emails).indexOf(name) + 1}`);
      expect((await c[name].login(`${e}@demo.motcua.vn`, DEMO_PASSWORD)).statusCode).toBe(200);
    }
  });
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  it('the catalog serves the seeded evidence types and maps the guardianship documents to them', async () => {
    const types = (await call('citizen', 'GET', '/api/evidence-types')).json() as { items: { code: string; registry?: string; procedures: string[] }[] };
    expect(types.items.map((x) => x.code)).toEqual(expect.arrayContaining(['giay-khai-sinh', 'giay-to-tuy-than', 'xac-nhan-cu-tru', 'gcn-dang-ky-doanh-nghiep']));
    expect(types.items.find((x) => x.code === 'giay-khai-sinh')).toMatchObject({ registry: 'citizens', procedures: expect.arrayContaining(['1.001193']) });
    const p = (await call('citizen', 'GET', `/api/procedures/${GUARDIANSHIP}`)).json() as { documents: { code: string; evidenceType?: string; fromDataStore: boolean }[] };
    expect(p.documents.find((d) => d.code === 'giay-khai-sinh')).toMatchObject({ evidenceType: 'giay-khai-sinh', fromDataStore: true });
  });

  it('the store: add an upload with its evidence type, list, preview, reuse options; nobody else sees it', async () => {
    const bad = await call('citizen', 'POST', '/api/me/store', { upload: await uploadId('citizen'), title: 'X', evidenceType: 'khong-co' });
    expect((bad.json() as Refusal).reason).toBe('unknown_evidence_type');
    const notMine = await call('citizen', 'POST', '/api/me/store', { upload: await uploadId('other'), title: 'Giấy của người khác' });
    expect(notMine.statusCode).toBe(400);
    expect((notMine.json() as Refusal).reason).toBe('upload_not_found');
    const added = await call('citizen', 'POST', '/api/me/store', { upload: await uploadId('citizen'), title: 'Giấy khai sinh của Khôi', evidenceType: 'giay-khai-sinh', issuerName: 'UBND phường Hoàng Văn Thụ', issuedOn: '2020-02-25' });
    expect(added.statusCode, added.body).toBe(201);
    const item = added.json() as Item & { evidenceTypeName: string; issuedOn: string };
    expect(item).toMatchObject({ title: 'Giấy khai sinh của Khôi', evidenceType: 'giay-khai-sinh', evidenceTypeName: 'Giấy khai sinh', issuedOn: '2020-02-25', source: 'upload', usable: true });
    birthItem = item.id;

    const list = (await call('citizen', 'GET', '/api/me/store')).json() as { items: Item[] };
    expect(list.items.map((i) => i.id)).toContain(birthItem);
    const file = await call('citizen', 'GET', `/api/me/store/${birthItem}/file`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.body.startsWith('%PDF')).toBe(true);
    // someone else's item does not exist for the caller; officers have no store
    expect((await call('other', 'GET', `/api/me/store/${birthItem}/file`)).statusCode).toBe(404);
    expect((await call('other', 'DELETE', `/api/me/store/${birthItem}`)).statusCode).toBe(404);
    expect(((await call('other', 'GET', '/api/me/store')).json() as { items: Item[] }).items.map((i) => i.id)).not.toContain(birthItem);
    expect((await call('desk', 'GET', '/api/me/store')).statusCode).toBe(403);

    const options = (await call('citizen', 'GET', `/api/me/store/options/${GUARDIANSHIP}`)).json() as { documents: { requirement: string; evidenceType?: string; storeItems: { id: number; usable: boolean }[]; registry?: { name: string; available: boolean; subjectKeyMasked: string | null } }[] };
    const birth = options.documents.find((d) => d.requirement === 'giay-khai-sinh')!;
    expect(birth.evidenceType).toBe('giay-khai-sinh');
    expect(birth.storeItems).toEqual([expect.objectContaining({ id: birthItem, usable: true })]);
    expect(birth.registry).toEqual({ name: 'citizens', available: true, subjectKeyMasked: '0310****1234' });
    const id = options.documents.find((d) => d.requirement === 'giay-to-tuy-than')!;
    expect(id.storeItems).toEqual([]);
    expect(id.registry?.available).toBe(true);
    expect(options.documents.find((d) => d.requirement === 'to-khai')!.registry).toBeUndefined();

    // what the state issued: the birth certificate as the store keeps a result received in an
    // earlier dossier (the later tests cite this one; the upload above is the applicant's own copy)
    ownCopyItem = birthItem;
    const blob = await t.db.selectFrom('data_store_items').select(['sha256', 'size']).where('id', '=', ownCopyItem).executeTakeFirstOrThrow();
    birthItem = (await t.db.insertInto('data_store_items').values({ owner_account_id: await accountId('citizen'), evidence_type: 'giay-khai-sinh', title: 'Giấy khai sinh', issuer_agency_id: null, issuer_name: 'UBND phường Hoàng Văn Thụ', issued_on: '2020-02-25', valid_until: null, sha256: blob.sha256, filename: 'giay-khai-sinh.pdf', media_type: 'application/pdf', size: blob.size, source: 'result', e_result_id: null, origin_dossier_id: null, created_at: clock.now().toISOString(), removed_at: null }).returning('id').executeTakeFirstOrThrow()).id;
  });

  it("the applicant's own earlier upload saves an upload but is not state data: not flagged reused, and its paper may be asked for", async () => {
    const res = await submit('citizen', [...(await ownPapers()), { requirement: 'giay-to-tuy-than', fromRegistry: true, consent: true }, { requirement: 'giay-khai-sinh', storeItem: ownCopyItem, consent: true }]);
    expect(res.statusCode, res.body).toBe(201);
    const code = (res.json() as { code: string }).code;
    const d = await detail('desk', code);
    expect(d.documents.find((x) => x.requirement === 'giay-khai-sinh')).toMatchObject({ source: 'store', reused: false, digitised: true, consentAt: clock.now().toISOString() });
    expect(d.flags).toMatchObject({ reused: true, reusedCount: 1 });
    const ask = await call('desk', 'POST', `/api/desk/dossiers/${code}/decision`, { outcome: 'supplement', items: [{ requirement: 'giay-khai-sinh', reason: 'Bản chụp không đọc được' }] });
    expect(ask.statusCode, ask.body).toBe(200);
    // someone typing another person's CCCD into their account is not that person: no registry fetch for them
    const impostor = await accountId('other');
    const saved = await t.db.selectFrom('accounts').select('citizen_id').where('id', '=', impostor).executeTakeFirstOrThrow();
    await t.db.updateTable('accounts').set({ citizen_id: '031185007788' }).where('id', '=', impostor).execute();
    try {
      const opts = (await call('other', 'GET', `/api/me/store/options/${GUARDIANSHIP}`)).json() as { documents: { requirement: string; registry?: { available: boolean } }[] };
      expect(opts.documents.find((x) => x.requirement === 'giay-to-tuy-than')!.registry?.available).toBe(false);
      const theirs = await submit('other', [...(await ownPapers('other')), { requirement: 'giay-to-tuy-than', fromRegistry: true, consent: true }, { requirement: 'giay-khai-sinh', upload: await uploadId('other') }]);
      expect(theirs.statusCode).toBe(400);
      expect(theirs.json()).toMatchObject({ reason: 'registry_not_available', field: 'documents.2' });
      // nor does the impostor see that person's registry record, or who looked it up
      const records = (await call('other', 'GET', '/api/me/registry-records')).json() as { items: { registry: string }[] };
      expect(records.items.filter((r) => r.registry === 'citizens')).toEqual([]);
      const exported = (await call('other', 'GET', '/api/me/export')).body;
      expect(exported).not.toContain('Lê Thị Hồng');
    } finally {
      await t.db.updateTable('accounts').set({ citizen_id: saved.citizen_id }).where('id', '=', impostor).execute();
    }
  });

  it('a submission citing a stored document and registry evidence with consent: flagged components, reuse in the log, uploads kept in the store', async () => {
    const before = ((await call('citizen', 'GET', '/api/me/store')).json() as { items: Item[] }).items.length;
    const res = await submit('citizen', [...(await ownPapers()), { requirement: 'giay-to-tuy-than', fromRegistry: true, consent: true }, { requirement: 'giay-khai-sinh', storeItem: birthItem, consent: true }]);
    expect(res.statusCode, res.body).toBe(201);
    reusedCode = (res.json() as { code: string }).code;
    const d = await detail('citizen', reusedCode);
    const byReq = (r: string) => d.documents.find((x) => x.requirement === r)!;
    expect(byReq('giay-khai-sinh')).toMatchObject({ source: 'store', evidenceType: 'giay-khai-sinh', reused: true, digitised: true, consentAt: clock.now().toISOString() });
    expect(byReq('giay-to-tuy-than')).toMatchObject({ source: 'registry', evidenceType: 'giay-to-tuy-than', reused: true, digitised: true });
    expect(byReq('to-khai')).toMatchObject({ source: 'upload', reused: false, digitised: true, consentAt: null });
    expect(d.flags).toEqual({ digitised: true, reused: true, reusedCount: 2, digitisedCount: 4, componentCount: 4 });
    // the registry key stays on the row for the officer's purpose-bound lookup
    const row = await t.db.selectFrom('dossier_documents').select(['registry_key', 'store_item_id']).where('id', '=', byReq('giay-to-tuy-than').id).executeTakeFirstOrThrow();
    expect(row.registry_key).toBe('031090001234');
    expect(d.events[0]!.payload.reused).toEqual([{ requirement: 'giay-to-tuy-than', source: 'registry' }, { requirement: 'giay-khai-sinh', source: 'store', item: birthItem }]);
    // the desk sees the same flags
    expect((await detail('desk', reusedCode)).flags.reusedCount).toBe(2);
    // the two uploads joined the applicant's store (once each, even when attached again)
    const after = ((await call('citizen', 'GET', '/api/me/store')).json() as { items: Item[] }).items;
    expect(after.length).toBe(before + 2);
    // the facts already count the reuse (the documents are attached after the submission event)
    const facts = await t.db.selectFrom('dossier_facts as f').innerJoin('dossiers as x', 'x.id', 'f.dossier_id').select(['f.reused', 'f.digitised']).where('x.code', '=', reusedCode).executeTakeFirstOrThrow();
    expect([Number(facts.reused), Number(facts.digitised)]).toEqual([1, 1]);
  });

  it('refuses reuse without consent, of items not mine or removed, of the wrong evidence type, unusable, or with no registry', async () => {
    const papers = await ownPapers();
    const refused = async (documents: unknown[]) => {
      const res = await submit('citizen', documents);
      expect(res.statusCode, res.body).toBe(400);
      return res.json() as Refusal;
    };
    const registry = { requirement: 'giay-to-tuy-than', fromRegistry: true, consent: true };
    expect(await refused([...papers, registry, { requirement: 'giay-khai-sinh', storeItem: birthItem }])).toMatchObject({ reason: 'consent_required', field: 'documents.3' });
    expect(await refused([...papers, registry, { requirement: 'giay-khai-sinh', storeItem: birthItem, consent: false }])).toMatchObject({ reason: 'consent_required' });
    // only the JSON value true is consent: a string or a number is not coerced into one
    expect(await refused([...papers, registry, { requirement: 'giay-khai-sinh', storeItem: birthItem, consent: 'true' }])).toMatchObject({ reason: 'consent_required' });
    expect(await refused([...papers, registry, { requirement: 'giay-khai-sinh', storeItem: birthItem, consent: 1 }])).toMatchObject({ reason: 'consent_required' });
    expect(await refused([...papers, { requirement: 'giay-to-tuy-than', fromRegistry: true }, { requirement: 'giay-khai-sinh', storeItem: birthItem, consent: true }])).toMatchObject({ reason: 'consent_required', field: 'documents.2' });
    // the birth certificate cannot stand for the identity document
    expect(await refused([...papers, { requirement: 'giay-to-tuy-than', storeItem: birthItem, consent: true }, { requirement: 'giay-khai-sinh', storeItem: birthItem, consent: true }])).toMatchObject({ reason: 'evidence_mismatch', field: 'documents.2' });
    // no registry holds an appointment letter
    expect(await refused([papers[0], { requirement: 'van-ban-cu-giam-ho', fromRegistry: true, consent: true }, registry, { requirement: 'giay-khai-sinh', storeItem: birthItem, consent: true }])).toMatchObject({ reason: 'registry_not_available', field: 'documents.1' });
    // another applicant cannot cite it
    const otherPapers = await ownPapers('other');
    const theirs = await submit('other', [...otherPapers, { requirement: 'giay-to-tuy-than', fromRegistry: true, consent: true }, { requirement: 'giay-khai-sinh', storeItem: birthItem, consent: true }]);
    expect((theirs.json() as Refusal).reason).toBe('store_item_not_found');

    // an item whose validity ended, and one whose e-result was revoked
    const me = await accountId('citizen');
    const blob = await t.db.selectFrom('data_store_items').select(['sha256', 'size']).where('id', '=', birthItem).executeTakeFirstOrThrow();
    const insertItem = async (extra: { valid_until?: string; e_result_id?: number }) =>
      (await t.db.insertInto('data_store_items').values({ owner_account_id: me, evidence_type: 'giay-khai-sinh', title: 'Bản cũ', issuer_agency_id: null, issuer_name: null, issued_on: '2019-01-01', valid_until: extra.valid_until ?? null, sha256: blob.sha256, filename: 'a.pdf', media_type: 'application/pdf', size: blob.size, source: 'upload', e_result_id: extra.e_result_id ?? null, origin_dossier_id: null, created_at: clock.now().toISOString(), removed_at: null }).returning('id').executeTakeFirstOrThrow()).id;
    const expired = await insertItem({ valid_until: '2026-03-01' });
    expect(await refused([...papers, registry, { requirement: 'giay-khai-sinh', storeItem: expired, consent: true }])).toMatchObject({ reason: 'evidence_unusable' });
    const { serial } = await issueInto(t.db, t.env.DATA_DIR!, reusedCode, clock.now());
    const result = await t.db.selectFrom('e_results').select('id').where('serial', '=', serial).executeTakeFirstOrThrow();
    await t.db.updateTable('e_results').set({ status: 'revoked', status_at: clock.now().toISOString(), status_reason: 'Cấp nhầm' }).where('id', '=', result.id).execute();
    const revoked = await insertItem({ e_result_id: result.id });
    const listed = ((await call('citizen', 'GET', '/api/me/store')).json() as { items: Item[] }).items;
    expect(listed.find((i) => i.id === revoked)).toMatchObject({ usable: false, unusableReason: 'revoked', eResult: { serial, status: 'revoked' } });
    expect(listed.find((i) => i.id === expired)).toMatchObject({ usable: false, unusableReason: 'expired' });
    expect(await refused([...papers, registry, { requirement: 'giay-khai-sinh', storeItem: revoked, consent: true }])).toMatchObject({ reason: 'evidence_unusable' });

    // a removed item is gone from the store and cannot be cited; the dossier that used it keeps its copy
    const removable = await insertItem({});
    expect((await call('citizen', 'DELETE', `/api/me/store/${removable}`)).statusCode).toBe(204);
    expect((await call('citizen', 'DELETE', `/api/me/store/${removable}`)).statusCode).toBe(404);
    expect((await call('citizen', 'GET', `/api/me/store/${removable}/file`)).statusCode).toBe(404);
    expect(await refused([...papers, registry, { requirement: 'giay-khai-sinh', storeItem: removable, consent: true }])).toMatchObject({ reason: 'store_item_not_found' });
  });

  it('the desk and the processing unit may not ask for the paper of a reused document', async () => {
    const deskAsk = await call('desk', 'POST', `/api/desk/dossiers/${reusedCode}/decision`, { outcome: 'supplement', items: [{ requirement: 'to-khai', reason: 'Chữ ký mờ' }, { requirement: 'giay-khai-sinh', reason: 'Nộp bản sao' }] });
    expect(deskAsk.statusCode).toBe(400);
    expect(deskAsk.json()).toMatchObject({ reason: 'reused_document', field: 'items.1.requirement' });
    expect((await detail('desk', reusedCode)).status).toBe('submitted');
    const received = await call('desk', 'POST', `/api/desk/dossiers/${reusedCode}/decision`, { outcome: 'receive' });
    expect(received.statusCode, received.body).toBe(200);
    const view = (await call('specialist', 'GET', `/api/work/dossiers/${reusedCode}`)).json() as { tasks: { id: number; kind: string; status: string; actions: string[] }[] };
    const task = view.tasks.find((x) => x.status === 'open' && x.kind === 'step')!;
    expect(task.actions).toContain('request_supplement');
    const ask = await call('specialist', 'POST', `/api/work/dossiers/${reusedCode}/actions`, { action: 'request_supplement', taskId: task.id, items: [{ requirement: 'giay-to-tuy-than', reason: 'Cần bản chụp CCCD' }] });
    expect(ask.statusCode).toBe(400);
    expect(ask.json()).toMatchObject({ reason: 'reused_document', field: 'items.0.requirement' });
    expect((await detail('desk', reusedCode)).status).toBe('received');
  });

  it('digitisation at the desk: a paper component gets the scan, the flags and the log follow', async () => {
    const citizenId = await accountId('citizen');
    // a paper dossier: the applicant brings papers; the identity document is fetched from the registry with the consent given at the desk
    const intake = await call('desk', 'POST', '/api/desk/intake', {
      channel: 'in_person', procedure: GUARDIANSHIP, agency: WARD, applicant: { accountId: citizenId }, form,
      documents: [{ requirement: 'to-khai' }, { requirement: 'van-ban-cu-giam-ho' }, { requirement: 'giay-to-tuy-than', fromRegistry: true, consent: true }, { requirement: 'giay-khai-sinh' }],
      returnMethod: 'desk', decision: { outcome: 'receive' },
    });
    expect(intake.statusCode, intake.body).toBe(201);
    const code = (intake.json() as { code: string }).code;
    let d = await detail('desk', code);
    expect(d.flags).toEqual({ digitised: false, reused: true, reusedCount: 1, digitisedCount: 1, componentCount: 4 });
    const paper = d.documents.find((x) => x.requirement === 'to-khai')!;
    expect(paper).toMatchObject({ source: 'paper', digitised: false });
    // the desk cannot digitise with someone else's upload
    const foreign = await call('desk', 'POST', `/api/desk/dossiers/${code}/documents/${paper.id}/digitise`, { upload: await uploadId('citizen') });
    expect((foreign.json() as Refusal).reason).toBe('upload_not_found');
    const ok = await call('desk', 'POST', `/api/desk/dossiers/${code}/documents/${paper.id}/digitise`, { upload: await uploadId('desk') });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ status: 'received', document: paper.id });
    d = await detail('desk', code);
    expect(d.documents.find((x) => x.id === paper.id)).toMatchObject({ source: 'scan', digitised: true });
    expect(d.flags.digitisedCount).toBe(2);
    expect(d.events.at(-1)).toMatchObject({ type: 'documents_digitised', payload: { documents: ['to-khai'], document: paper.id } });
    const again = await call('desk', 'POST', `/api/desk/dossiers/${code}/documents/${paper.id}/digitise`, { upload: await uploadId('desk') });
    expect(again.statusCode).toBe(409);
    expect((again.json() as Refusal).reason).toBe('already_digitised');
    const registryDoc = d.documents.find((x) => x.source === 'registry')!;
    expect((await call('desk', 'POST', `/api/desk/dossiers/${code}/documents/${registryDoc.id}/digitise`, { upload: await uploadId('desk') })).statusCode).toBe(409);
    // every paper scanned: the dossier is digitised
    for (const doc of d.documents.filter((x) => x.source === 'paper')) expect((await call('desk', 'POST', `/api/desk/dossiers/${code}/documents/${doc.id}/digitise`, { upload: await uploadId('desk') })).statusCode).toBe(200);
    expect((await detail('desk', code)).flags).toMatchObject({ digitised: true, digitisedCount: 4 });
    // the citizen's desk-scanned papers are not "theirs" in the store; the chain of the log holds
    expect((await verifyChains(t.db)).problems).toEqual([]);
  });

  it('a group member dossier opened later takes the consented items as submitted; what is gone becomes a paper', async () => {
    const me = await accountId('citizen');
    await t.db.updateTable('data_store_items').set({ removed_at: clock.now().toISOString() }).where('id', '=', birthItem).execute();
    const requirements = [{ code: 'giay-khai-sinh', name: 'Giấy khai sinh', form: 'copy' as const, count: 1, mandatory: true, fromDataStore: true, evidenceType: 'giay-khai-sinh' }, { code: 'giay-to-tuy-than', name: 'CCCD', form: 'presented' as const, count: 1, mandatory: true, fromDataStore: true, evidenceType: 'giay-to-tuy-than' }];
    const ctx = { uploadOwner: null, storeOwner: me, applicant: { citizenId: null }, fileSource: 'upload' as const, now: clock.now(), field: 'documents', mode: 'trusted' as const };
    const { rows, reused } = await prepareDocuments(t.db, requirements, [{ requirement: 'giay-khai-sinh', storeItem: birthItem, consent: true }, { requirement: 'giay-to-tuy-than', fromRegistry: true, consent: true }], ctx);
    expect(rows.map((r) => [r.source, r.reused, r.digitised, r.store_item_id])).toEqual([['store', 1, 1, birthItem], ['paper', 0, 0, null]]);
    expect(reused).toEqual([{ requirement: 'giay-khai-sinh', source: 'store', item: birthItem }]);
    // at submission (checked mode) the removed item is refused
    await expect(prepareDocuments(t.db, requirements, [{ requirement: 'giay-khai-sinh', storeItem: birthItem, consent: true }], { ...ctx, mode: 'check' })).rejects.toMatchObject({ reason: 'store_item_not_found' });
    await t.db.updateTable('data_store_items').set({ removed_at: null }).where('id', '=', birthItem).execute();
  });

  it('the returned result joins the applicant store (return_result)', async () => {
    const step = async (who: string) => {
      const v = (await call(who, 'GET', `/api/work/dossiers/${reusedCode}`)).json() as { tasks: { id: number; kind: string; status: string; step: string; actions: string[] }[] };
      return v.tasks.find((x) => x.status === 'open' && x.actions.length > 0)!;
    };
    const act = async (who: string, body: Record<string, unknown>) => {
      const res = await call(who, 'POST', `/api/work/dossiers/${reusedCode}/actions`, body);
      expect(res.statusCode, `${who} ${String(body.action)}: ${res.body}`).toBe(200);
    };
    await act('specialist', { action: 'hand_over', taskId: (await step('specialist')).id });
    await act('leader', { action: 'approve', taskId: (await step('leader')).id });
    await act('specialist', { action: 'record_result', taskId: (await step('specialist')).id, summary: 'Quyết định công nhận giám hộ', documents: [await uploadId('specialist')] });
    const before = ((await call('citizen', 'GET', '/api/me/store')).json() as { items: Item[] }).items.filter((i) => i.source === 'result');
    await act('desk', { action: 'return_result', taskId: (await step('desk')).id, method: 'online' });
    const results = ((await call('citizen', 'GET', '/api/me/store')).json() as { items: (Item & { issuerName: string | null; issuedOn: string | null })[] }).items.filter((i) => i.source === 'result');
    expect(results.length).toBe(before.length + 1);
    expect(results[0]).toMatchObject({ source: 'result', usable: true, issuerName: expect.stringContaining('Hoàng Văn Thụ'), issuedOn: '2026-03-02' });
  });

  it('results join the holder store with their e-result; the counters match a recompute', async () => {
    const { serial } = await issueInto(t.db, t.env.DATA_DIR!, reusedCode, clock.now());
    const id = (await t.db.selectFrom('dossiers').select('id').where('code', '=', reusedCode).executeTakeFirstOrThrow()).id;
    const r = await t.db.selectFrom('e_results').select(['id', 'pdf_sha256']).where('serial', '=', serial).executeTakeFirstOrThrow();
    await t.db.insertInto('dossier_documents').values({ dossier_id: id, requirement_code: 'result', sha256: r.pdf_sha256, filename: 'ket-qua.pdf', media_type: 'application/pdf', size: 100, source: 'result', event_seq: 1, e_result_id: r.id, evidence_type: 'test-khai-sinh', digitised: 1 }).execute();
    expect(await t.db.transaction().execute((tx) => addResultsToStore(tx, id, clock.now()))).toBe(1);
    // idempotent: returning again adds nothing
    expect(await t.db.transaction().execute((tx) => addResultsToStore(tx, id, clock.now()))).toBe(0);
    const items = ((await call('citizen', 'GET', '/api/me/store')).json() as { items: (Item & { issuerName: string | null })[] }).items;
    expect(items.find((i) => i.eResult?.serial === serial)).toMatchObject({ source: 'result', evidenceType: 'test-khai-sinh', usable: true, eResult: { status: 'valid' }, issuerName: expect.stringContaining('Hoàng Văn Thụ') });

    // the receipt days count the digitised and reused dossiers; a recompute from the logs agrees
    const sums = await t.db.selectFrom('quality_stats_agency_day').select((eb) => [eb.fn.sum<number | string>('received').as('received'), eb.fn.sum<number | string>('reused').as('reused'), eb.fn.sum<number | string>('digitised').as('digitised')]).executeTakeFirstOrThrow();
    expect([Number(sums.received), Number(sums.reused), Number(sums.digitised)]).toEqual([2, 2, 2]);
    expect((await checkStats(t.db)).differences).toEqual([]);
  });
});
