// Signed e-results through HTTP on both engines: the issuing officer's draft pre-filled from the
// dossier; record_result with an e-result (fields checked → 400 with the problems; issued →
// result document, event payload, registry filled); public verification by serial, by uploaded
// PDF (valid; one byte flipped → tampered) and by JWS; the PDF for its holder only; the officers'
// list; revocation by the issuer's head (with the dossier's log and a mail) → verification says
// revoked with the reason; an amending procedure supersedes the earlier result.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { importCatalog } from '../src/catalog/import-catalog.js';
import { verifyChains } from '../src/dossiers/event-log.js';
import { DEMO_PASSWORD, seedDemoAccounts } from '../src/identity/demo-accounts.js';
import { TestClient, type WorkTask } from './support/client.js';
import { testConfig } from './support/config.js';
import { ENGINES, freshDatabase, type TestDb } from './support/db.js';
import { smallCatalog } from './support/fixtures.js';
import { multipartFile, tinyPdf } from './support/multipart.js';
import { AMEND_PROC, CANCEL_PROC, childCitizenId, ISSUE_PROC, RENEW_PROC, resultProcedures, saveTestEvidenceTypes } from './results-fixtures.js';

const WARD = '000.01.21.H31';
const MONDAY_9H_VN = Date.parse('2026-03-02T02:00:00Z');
const ACCOUNTS = { citizen: 'an.nguyen', other: 'binh.tran', desk: 'tiepnhan.hongbang', specialist: 'chuyenvien.hongbang', head: 'truongphong.hongbang', leader: 'lanhdao.hongbang' } as const;
type Who = keyof typeof ACCOUNTS;

describe.each(ENGINES)('signed e-results on %s', (engine) => {
  let t: TestDb;
  let app: FastifyInstance;
  const clock = { t: MONDAY_9H_VN, now() { return new Date(this.t); } };
  const c = {} as Record<Who, TestClient>;
  let seq = 0;
  let ipSeq = 0;
  const anon = () => new TestClient(app, `10.7.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`);

  async function uploadId(client: TestClient) {
    const m = multipartFile(tinyPdf(`doc ${engine} ${seq++}`), 'giay-to.pdf');
    const res = await client.request('POST', '/api/uploads', m.body, m.headers);
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  }
  const openTask = async (who: Who, code: string) => {
    const v = (await c[who].get(`/api/work/dossiers/${code}`)).json() as { tasks: WorkTask[] };
    return v.tasks.find((x) => x.status === 'open' && x.kind === 'step')!;
  };
  const act = async (who: Who, code: string, body: Record<string, unknown>) => {
    const res = await c[who].post(`/api/work/dossiers/${code}/actions`, body);
    expect(res.statusCode, res.body).toBe(200);
  };
  /** A dossier of `who` at the ward, received, examined and approved: waiting for its result. */
  async function atResultStep(procedure: string, who: Who = 'citizen', form: Record<string, string> = { hoTen: 'Nguyễn Thị Bé', ngaySinh: '01/02/2026', gioiTinh: 'Nữ' }): Promise<string> {
    const body = { procedure, agency: WARD, form, documents: [{ requirement: 'to-khai', upload: await uploadId(c[who]) }], returnMethod: 'online' };
    const sub = await c[who].request('POST', '/api/dossiers', body, { 'idempotency-key': `res-${engine}-${seq++}` });
    expect(sub.statusCode, sub.body).toBe(201);
    const code = (sub.json() as { code: string }).code;
    expect((await c.desk.post(`/api/desk/dossiers/${code}/decision`, { outcome: 'receive' })).statusCode).toBe(200);
    const examine = await openTask('specialist', code);
    await act('specialist', code, { action: 'claim', taskId: examine.id });
    await act('specialist', code, { action: 'hand_over', taskId: examine.id });
    await act('leader', code, { action: 'approve', taskId: (await openTask('leader', code)).id, note: 'Đồng ý' });
    return code;
  }
  const goodFields = (over: Record<string, string> = {}) => ({ citizenId: childCitizenId('female'), fullName: 'Nguyễn Thị Bé', birthDate: '2026-02-01', gender: 'female', placeOfBirth: 'Bệnh viện Phụ sản Hải Phòng', ...over });
  async function issue(code: string, eResult: Record<string, unknown>) {
    const task = await openTask('specialist', code);
    return c.specialist.post(`/api/work/dossiers/${code}/actions`, { action: 'record_result', taskId: task.id, summary: 'Giấy khai sinh bản điện tử', eResult });
  }
  async function issued(code: string, fields = goodFields()): Promise<string> {
    const res = await issue(code, { fields });
    expect(res.statusCode, res.body).toBe(200);
    const row = await t.db.selectFrom('e_results as r').innerJoin('dossiers as d', 'd.id', 'r.dossier_id').select('r.serial').where('d.code', '=', code).orderBy('r.id', 'desc').executeTakeFirstOrThrow();
    return row.serial;
  }
  async function pdfOf(serial: string, who: Who = 'citizen'): Promise<Buffer> {
    const res = await c[who].get(`/api/results/${serial}/pdf`);
    expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    return res.rawPayload;
  }
  async function verifyFile(pdf: Buffer) {
    const m = multipartFile(pdf, 'ket-qua.pdf', 'application/pdf');
    const res = await anon().request('POST', '/api/verify', m.body, m.headers);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { verdict: string; detail?: string; serial?: string; result: null | { status: string; statusReason: string | null; supersededBy: string | null; issuer: { name: string }; fields: { key: string; value: string }[] } };
  }

  beforeAll(async () => {
    t = await freshDatabase(engine);
    const catalog = smallCatalog();
    catalog.procedures.push(...resultProcedures());
    await importCatalog(t.db, catalog, clock.now());
    await saveTestEvidenceTypes(t.db, clock.now());
    await seedDemoAccounts(t.db, clock.now());
    app = await buildApp({ db: t.db, clock, config: testConfig({ DATA_DIR: t.env.DATA_DIR!, UPLOAD_LIMIT: '100000' }) });
    for (const who of Object.keys(ACCOUNTS) as Who[]) {
      c[who] = new TestClient(app, `10.6.0.${Object.keys(ACCOUNTS).indexOf(who) + 1}`);
      expect((await c[who].login(`${ACCOUNTS[who]}@demo.motcua.vn`, DEMO_PASSWORD)).statusCode).toBe(200);
    }
  });
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  it('gives the issuing officer a draft pre-filled from the dossier, and nobody else', async () => {
    const code = await atResultStep(ISSUE_PROC);
    const res = await c.specialist.get(`/api/work/dossiers/${code}/e-result-draft`);
    expect(res.statusCode, res.body).toBe(200);
    const draft = res.json() as { evidenceType: { code: string }; relation: string; fields: { key: string; value: string; required: boolean }[]; supersedes: unknown };
    expect(draft.evidenceType.code).toBe('test-khai-sinh');
    expect(draft.relation).toBe('issue');
    expect(Object.fromEntries(draft.fields.map((f) => [f.key, f.value]))).toEqual({ citizenId: '', fullName: 'Nguyễn Thị Bé', birthDate: '2026-02-01', gender: 'female', placeOfBirth: '' });
    expect((await c.desk.get(`/api/work/dossiers/${code}/e-result-draft`)).statusCode).toBe(404);
    expect((await c.citizen.get(`/api/work/dossiers/${code}/e-result-draft`)).statusCode).toBe(403);
  });

  it('checks the fields against the evidence type: every problem, nothing issued', async () => {
    const code = await atResultStep(ISSUE_PROC);
    const before = Number((await t.db.selectFrom('e_results').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    // a CCCD of 11 digits, a date that does not exist, no name
    const res = await issue(code, { fields: goodFields({ citizenId: '03109000123', birthDate: '2026-02-30', fullName: '' }) });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { reason: string; field: string; details: { problems: { field: string; reason: string }[] } };
    expect(body.reason).toBe('result_fields');
    expect(body.details.problems.map((p) => `${p.field}:${p.reason}`).sort()).toEqual(['birthDate:date', 'citizenId:citizen_id_shape', 'fullName:required']);
    expect(body.field).toMatch(/^eResult\.fields\./);
    // a CCCD of a man born in 1990 for a girl born in 2026
    const adult = await issue(code, { fields: goodFields({ citizenId: '031090001234' }) });
    expect((adult.json() as { details: { problems: { reason: string }[] } }).details.problems.map((p) => p.reason)).toEqual(['citizen_id_century_gender']);
    const gender = await issue(code, { fields: goodFields({ gender: 'female', citizenId: childCitizenId('male') }) });
    expect((gender.json() as { details: { problems: { reason: string }[] } }).details.problems.map((p) => p.reason)).toEqual(['citizen_id_century_gender']);
    const neither = await c.specialist.post(`/api/work/dossiers/${code}/actions`, { action: 'record_result', taskId: (await openTask('specialist', code)).id, summary: 'Kết quả' });
    expect(neither.json()).toMatchObject({ reason: 'result_document_required' });
    expect(Number((await t.db.selectFrom('e_results').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(before);
  });

  it('issues through record_result: the signed PDF is the result document, the event names the serial, the registry is filled', async () => {
    const code = await atResultStep(ISSUE_PROC);
    const serial = await issued(code);
    expect(serial).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/);
    const doc = await t.db.selectFrom('dossier_documents as dd').innerJoin('dossiers as d', 'd.id', 'dd.dossier_id').select(['dd.source', 'dd.requirement_code', 'dd.e_result_id', 'dd.digitised', 'dd.media_type', 'dd.evidence_type']).where('d.code', '=', code).where('dd.requirement_code', '=', 'result').executeTakeFirstOrThrow();
    expect(doc).toMatchObject({ source: 'result', requirement_code: 'result', digitised: 1, media_type: 'application/pdf', evidence_type: 'test-khai-sinh' });
    expect(doc.e_result_id).not.toBeNull();
    const ev = await t.db.selectFrom('dossier_events as e').innerJoin('dossiers as d', 'd.id', 'e.dossier_id').select('e.payload').where('d.code', '=', code).where('e.type', '=', 'result_recorded').executeTakeFirstOrThrow();
    expect(JSON.parse(ev.payload)).toMatchObject({ eResult: serial });
    const citizen = await t.db.selectFrom('registry_citizens').selectAll().where('citizen_id', '=', childCitizenId('female')).executeTakeFirstOrThrow();
    expect(citizen).toMatchObject({ full_name: 'Nguyễn Thị Bé', birth_date: '2026-02-01', gender: 'female', source: 'result' });
    const row = await t.db.selectFrom('e_results').selectAll().where('serial', '=', serial).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'valid', subject_name: 'Nguyễn Thị Bé', subject_id: childCitizenId('female'), evidence_type: 'test-khai-sinh' });
    const events = await t.db.selectFrom('e_result_events').select('type').where('e_result_id', '=', row.id).execute();
    expect(events.map((e) => e.type)).toEqual(['issued']);
    expect((await verifyChains(t.db)).problems).toEqual([]);
  });

  it('verifies publicly by serial, by the uploaded PDF and by its JWS; a flipped byte is tampered; the PDF is for its holder', async () => {
    const code = await atResultStep(ISSUE_PROC);
    const serial = await issued(code);
    const pub = await anon().get(`/api/verify/${serial}`);
    expect(pub.statusCode).toBe(200);
    const view = pub.json() as { verdict: string; issuer: { code: string; name: string }; fields: { key: string; label: string; value: string }[]; twin: string; validUntil: string | null };
    expect(view).toMatchObject({ verdict: 'valid', issuer: { code: WARD } });
    expect(view.fields.find((f) => f.key === 'fullName')).toMatchObject({ label: 'Họ, chữ đệm, tên', value: 'Nguyễn Thị Bé' });
    expect((await anon().get('/api/verify/0000000000000000')).statusCode).toBe(404);
    expect((await anon().get('/api/verify/not-a-serial')).statusCode).toBe(400);

    expect((await anon().get(`/api/results/${serial}/pdf`)).statusCode).toBe(401);
    expect((await c.other.get(`/api/results/${serial}/pdf`)).statusCode).toBe(404);
    const pdf = await pdfOf(serial);
    await pdfOf(serial, 'head');
    // the unit head's read is in the holder's access log
    const log = (await c.citizen.get('/api/me/access-log')).json() as { items: { action: string; resourceType: string; resourceId: string; actorName: string }[] };
    expect(log.items.filter((e) => e.resourceType === 'e_result' && e.resourceId === serial)).toEqual([expect.objectContaining({ action: 'result.read' })]);
    const ok = await verifyFile(pdf);
    expect(ok).toMatchObject({ verdict: 'valid', serial, result: { status: 'valid' } });
    const flipped = Buffer.from(pdf);
    const at = flipped.indexOf('/Keywords', 0, 'latin1') - 40;
    flipped[at] = flipped[at]! ^ 0x20;
    expect((await verifyFile(flipped)).verdict).toBe('tampered');
    expect((await verifyFile(tinyPdf('unsigned'))).verdict).toBe('not_signed');
    expect((await verifyFile(Buffer.from('hello, not a pdf at all'))).verdict).toBe('not_a_pdf');
    const jws = await anon().post('/api/verify', { jws: view.twin });
    expect(jws.json()).toMatchObject({ verdict: 'valid', serial });
    expect((await anon().post('/api/verify', { jws: 'abc.def.ghi' })).json()).toMatchObject({ verdict: 'malformed' });

    const list = await c.specialist.get(`/api/results?q=${serial}`);
    expect((list.json() as { items: { serial: string; canRevoke: boolean }[] }).items).toEqual([expect.objectContaining({ serial, canRevoke: false })]);
    expect((await c.head.get(`/api/results?q=${serial}`)).json()).toMatchObject({ items: [{ serial, canRevoke: true }] });
    expect((await c.citizen.get('/api/results')).statusCode).toBe(403);
  });

  it('revokes by the issuer\'s head with a reason: verification says revoked, the dossier log and the holder are told', async () => {
    const code = await atResultStep(ISSUE_PROC);
    const serial = await issued(code);
    const pdf = await pdfOf(serial);
    expect((await c.specialist.post(`/api/results/${serial}/revoke`, { reason: 'Cấp nhầm' })).statusCode).toBe(403);
    const mailsBefore = Number((await t.db.selectFrom('mail_outbox').select((e) => e.fn.countAll().as('n')).where('subject', 'like', `%${serial}%`).executeTakeFirstOrThrow()).n);
    const res = await c.head.post(`/api/results/${serial}/revoke`, { reason: 'Cấp nhầm ngày sinh' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'revoked', statusReason: 'Cấp nhầm ngày sinh' });
    const again = await c.head.post(`/api/results/${serial}/revoke`, { reason: 'Cấp nhầm' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ reason: 'already_revoked' });
    const v = await verifyFile(pdf);
    expect(v).toMatchObject({ verdict: 'revoked', result: { status: 'revoked', statusReason: 'Cấp nhầm ngày sinh' } });
    expect((await anon().get(`/api/verify/${serial}`)).json()).toMatchObject({ verdict: 'revoked', statusReason: 'Cấp nhầm ngày sinh' });
    const ev = await t.db.selectFrom('dossier_events as e').innerJoin('dossiers as d', 'd.id', 'e.dossier_id').select(['e.payload', 'd.status']).where('d.code', '=', code).where('e.type', '=', 'result_revoked').executeTakeFirstOrThrow();
    expect(JSON.parse(ev.payload)).toEqual({ serial, reason: 'Cấp nhầm ngày sinh' });
    expect(ev.status).toBe('resolved');
    const mails = await t.db.selectFrom('mail_outbox').select(['to_address', 'text_body']).where('subject', 'like', `%${serial}%`).execute();
    expect(mails.length).toBe(mailsBefore + 1);
    expect(mails.at(-1)!.to_address).toBe('an.nguyen@demo.motcua.vn');
    expect(mails.at(-1)!.text_body).toContain('Cấp nhầm ngày sinh');
    expect((await verifyChains(t.db)).problems).toEqual([]);
  });

  it('an amending procedure supersedes the earlier result of the same holder; the registry keeps the history', async () => {
    const first = await issued(await atResultStep(ISSUE_PROC), goodFields({ citizenId: childCitizenId('female', '654321') }));
    const firstPdf = await pdfOf(first);
    const amend = await atResultStep(AMEND_PROC, 'citizen', { hoTen: 'Nguyễn Thị Bé Na' });
    const draft = (await c.specialist.get(`/api/work/dossiers/${amend}/e-result-draft`)).json() as { relation: string };
    expect(draft.relation).toBe('amend');
    // the dossier cites no earlier result: the officer must name it, and it must be the applicant's
    expect((await issue(amend, { fields: goodFields({ citizenId: childCitizenId('female', '654321'), fullName: 'Nguyễn Thị Bé Na' }) })).json()).toMatchObject({ reason: 'supersedes_required' });
    const someoneElses = await issued(await atResultStep(ISSUE_PROC, 'other'), goodFields({ citizenId: childCitizenId('female', '111111') }));
    expect((await issue(amend, { fields: goodFields({ fullName: 'Nguyễn Thị Bé Na' }), supersedes: someoneElses })).json()).toMatchObject({ reason: 'supersedes_not_found' });
    const res = await issue(amend, { fields: goodFields({ citizenId: childCitizenId('female', '654321'), fullName: 'Nguyễn Thị Bé Na' }), supersedes: first });
    expect(res.statusCode, res.body).toBe(200);
    const second = await t.db.selectFrom('e_results as r').innerJoin('dossiers as d', 'd.id', 'r.dossier_id').select(['r.serial', 'r.id', 'r.supersedes_id']).where('d.code', '=', amend).executeTakeFirstOrThrow();
    const old = await t.db.selectFrom('e_results').select(['id', 'status', 'superseded_by_id']).where('serial', '=', first).executeTakeFirstOrThrow();
    expect(old).toMatchObject({ status: 'superseded', superseded_by_id: second.id });
    expect(second.supersedes_id).toBe(old.id);
    expect((await t.db.selectFrom('e_result_events').select('type').where('e_result_id', '=', old.id).orderBy('id').execute()).map((e) => e.type)).toEqual(['issued', 'amended']);
    expect(await verifyFile(firstPdf)).toMatchObject({ verdict: 'superseded', result: { supersededBy: second.serial } });
    expect((await verifyFile(await pdfOf(second.serial))).verdict).toBe('valid');
    const history = await t.db.selectFrom('registry_history').select(['change', 'source_ref']).where('subject_key', '=', childCitizenId('female', '654321')).orderBy('id').execute();
    expect(history).toEqual([{ change: 'created', source_ref: first }, { change: 'updated', source_ref: second.serial }]);
    // a superseded result is not amended twice
    const amendAgain = await atResultStep(AMEND_PROC);
    expect((await issue(amendAgain, { fields: goodFields({ citizenId: childCitizenId('female', '654321') }), supersedes: first })).json()).toMatchObject({ reason: 'supersedes_not_valid' });
  });

  it('a renewing procedure supersedes, a cancelling one cancels: each with its event, and verification says which', async () => {
    const cid = childCitizenId('male', '777001');
    const fields = goodFields({ citizenId: cid, fullName: 'Nguyễn Văn Tí', gender: 'male' });
    const first = await issued(await atResultStep(ISSUE_PROC, 'citizen', { hoTen: 'Nguyễn Văn Tí', ngaySinh: '01/02/2026', gioiTinh: 'Nam' }), fields);
    const renewal = await atResultStep(RENEW_PROC, 'citizen', { hoTen: 'Nguyễn Văn Tí' });
    expect(((await c.specialist.get(`/api/work/dossiers/${renewal}/e-result-draft`)).json() as { relation: string }).relation).toBe('renew');
    expect((await issue(renewal, { fields, supersedes: first })).statusCode).toBe(200);
    const renewed = await t.db.selectFrom('e_results as r').innerJoin('dossiers as d', 'd.id', 'r.dossier_id').select(['r.serial', 'r.id']).where('d.code', '=', renewal).executeTakeFirstOrThrow();
    const firstRow = await t.db.selectFrom('e_results').select(['id', 'status']).where('serial', '=', first).executeTakeFirstOrThrow();
    expect(firstRow.status).toBe('superseded');
    expect((await t.db.selectFrom('e_result_events').select('type').where('e_result_id', '=', firstRow.id).orderBy('id').execute()).map((e) => e.type)).toEqual(['issued', 'renewed']);
    expect((await anon().get(`/api/verify/${first}`)).json()).toMatchObject({ verdict: 'superseded' });

    const cancellation = await atResultStep(CANCEL_PROC, 'citizen', { hoTen: 'Nguyễn Văn Tí' });
    expect(((await c.specialist.get(`/api/work/dossiers/${cancellation}/e-result-draft`)).json() as { relation: string }).relation).toBe('cancel');
    expect((await issue(cancellation, { fields, supersedes: renewed.serial })).statusCode).toBe(200);
    const renewedRow = await t.db.selectFrom('e_results').select(['status', 'superseded_by_id']).where('id', '=', renewed.id).executeTakeFirstOrThrow();
    expect(renewedRow.status).toBe('cancelled');
    expect(renewedRow.superseded_by_id).not.toBeNull();
    // the renewal's own history: issued, renewing the first, then cancelled
    expect((await t.db.selectFrom('e_result_events').select('type').where('e_result_id', '=', renewed.id).orderBy('id').execute()).map((e) => e.type)).toEqual(['issued', 'renewed', 'cancelled']);
    expect(await verifyFile(await pdfOf(renewed.serial))).toMatchObject({ verdict: 'cancelled' });
    // the cancelling decision is itself a valid, signed document
    const decision = await t.db.selectFrom('e_results as r').innerJoin('dossiers as d', 'd.id', 'r.dossier_id').select(['r.serial', 'r.title']).where('d.code', '=', cancellation).executeTakeFirstOrThrow();
    expect(decision.title).toMatch(/^Quyết định hủy/);
    expect((await verifyFile(await pdfOf(decision.serial))).verdict).toBe('valid');
  });
});
