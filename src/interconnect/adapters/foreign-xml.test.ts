// The foreign-vendor adapter against the vendor emulator (test/fixtures/foreign-vendor) over real HTTP,
// with a real SQLite database for the task lookup and the cursor. `apply` is recorded at the edge: it
// stores the in-row as applyInbound does (idempotent by message id) and keeps the envelopes in order.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importCatalog } from '../../catalog/import-catalog.js';
import { BlobStore } from '../../documents/blob-store.js';
import { freshDatabase, type TestDb } from '../../../test/support/db.js';
import { smallCatalog } from '../../../test/support/fixtures.js';
import { type ForeignVendor, type SendOut, startForeignVendor } from '../../../test/fixtures/foreign-vendor/server.js';
import { Invalid } from '../../lib/errors.js';
import { assertNoProblems, saveTemplateVersion } from '../../workflow/templates-store.js';
import { DeliveryError, type DirectoryMember, type Envelope } from '../types.js';
import { applyInbound } from '../receive.js';
import { ForeignPoller, deliverForeign } from './foreign-xml.js';

const HOST_AGENCY = '000.00.40.H31'; // Công an thành phố, hosted by the foreign member
const DESK_AGENCY = '000.01.21.H31';

let t: TestDb;
let blobs: BlobStore;
let blobDir: string;
let vendor: ForeignVendor;
/** the vendor's clock, moved by the tests */
let vendorNow = Date.parse('2026-03-02T01:00:00Z');
let dossierSeq = 0;

beforeAll(async () => {
  t = await freshDatabase('sqlite');
  await importCatalog(t.db, smallCatalog(), new Date('2026-03-01T00:00:00Z'));
  blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'foreign-blobs-'));
  blobs = new BlobStore(blobDir);
});
afterAll(async () => {
  await t.dispose();
  fs.rmSync(blobDir, { recursive: true, force: true });
});
beforeEach(async () => {
  vendor = await startForeignVendor({ port: 0, now: () => new Date(vendorNow) });
});
afterEach(async () => {
  await vendor.close();
});

const member = (id: string, baseUrl = vendor.url): DirectoryMember => ({ id, name: 'Công an thành phố (hệ thống khác)', kind: 'foreign-xml', baseUrl, hosts: [HOST_AGENCY], keys: [] });
const ctx = (timeoutMs = 5000) => ({ db: t.db, blobs, timeoutMs, fetch, now: new Date() });
const tick = () => {
  vendorNow += 60_000;
};

/** A dossier of ours with an open task held by the member, as dossier-sync leaves it after a transfer. */
async function seedDossier(memberId: string): Promise<{ code: string; taskId: number }> {
  dossierSeq += 1;
  const code = `${DESK_AGENCY}-260302-${String(dossierSeq).padStart(4, '0')}`;
  const version = await t.db
    .selectFrom('procedure_versions as v')
    .innerJoin('procedures as p', 'p.id', 'v.procedure_id')
    .select('v.id')
    .where('p.national_code', '=', '1.001193')
    .executeTakeFirstOrThrow();
  const agencyId = async (c: string) => (await t.db.selectFrom('agencies').select('id').where('code', '=', c).executeTakeFirstOrThrow()).id;
  const at = '2026-03-02T01:00:00.000Z';
  const d = await t.db
    .insertInto('dossiers')
    .values({
      code, check_value: 'x', procedure_version_id: version.id, receiving_agency_id: await agencyId(DESK_AGENCY), applicant_account_id: null,
      applicant: JSON.stringify({ name: 'Nguyễn Thị Hoa' }), channel: 'online', status: 'processing', form_data: '{}', return_method: 'desk',
      submitted_at: at, received_at: at, due_at: null, paused_since: null, supplement_count: 0, register_year: null, register_no: null,
      closed_at: null, last_seq: 1, last_hash: 'h', updated_at: at, workflow_template_id: null, current_step: 'xac-minh', original_due_at: null,
      parent_dossier_id: null, group_code: null, result_at: null, budget_cap_hours: null, origin_member: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const task = await t.db
    .insertInto('dossier_tasks')
    .values({
      dossier_id: d.id, kind: 'step', step_id: 'xac-minh', agency_id: await agencyId(HOST_AGENCY), role: 'specialist', assignee_id: null,
      parent_task_id: null, status: 'open', priority: 0, opened_seq: 1, opened_at: at, opened_by: null, from_agency_id: await agencyId(DESK_AGENCY),
      due_at: null, closed_seq: null, closed_at: null, closed_by: null, outcome: null, detail: null, remote_member: memberId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { code, taskId: task.id };
}

function transfer(to: string, code: string, taskId: number, dueAt: string | null = '2026-03-16T10:00:00.000Z'): Envelope {
  return {
    v: 1,
    id: `00000000-0000-4000-8000-${String(taskId).padStart(12, '0')}`,
    from: 'hongbang',
    to,
    type: 'transfer',
    createdAt: '2026-03-02T02:30:00.000Z',
    sentAt: '2026-03-02T02:30:01.000Z',
    dossierRef: code,
    body: {
      task: { ref: String(taskId), kind: 'step', stepId: 'xac-minh', agency: HOST_AGENCY, role: 'specialist', dueAt, priority: 0, fromAgency: DESK_AGENCY, reason: 'Xác minh nhân thân người yêu cầu' },
      dossier: {
        code, procedure: '2.000488', procedureName: 'Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam', receivingAgency: DESK_AGENCY, channel: 'online',
        submittedAt: '2026-03-02T00:15:00.000Z', receivedAt: '2026-03-02T01:20:00.000Z', dueAt,
        applicant: { name: 'Nguyễn Thị Hoa', citizenId: '031190001234' }, form: {},
        documents: [
          { requirement: 'to-khai', sha256: 'a'.repeat(64), filename: 'to-khai.pdf', mediaType: 'application/pdf', size: 12345 },
          { requirement: 'cccd', sha256: 'b'.repeat(64), filename: 'cccd.jpg', mediaType: 'image/jpeg', size: 678 },
        ],
      },
    },
    attachments: [],
  };
}

/** yyyyMMddHHmmss read as Vietnam local time (written independently of the adapter's own conversion). */
const vnInstant = (s: string) => new Date(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}+07:00`).toISOString();

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('deliverForeign', () => {
  it('creates the vendor dossier with the mapped fields; the dates are the same instants', async () => {
    const m = member('vendor-a');
    const { code, taskId } = await seedDossier(m.id);
    const { receipt } = await deliverForeign(m, transfer(m.id, code, taskId), ctx());

    const [stored, ...others] = vendor.dossiers();
    expect(others).toEqual([]);
    expect(stored).toMatchObject({
      MaHoSo: code,
      MaTTHC: '2.000488',
      TenTTHC: 'Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam',
      DonViXuLy: HOST_AGENCY,
      ChuHoSo: { HoTen: 'Nguyễn Thị Hoa', SoCCCD: '031190001234' },
      TaiLieuNop: [
        { TenTaiLieu: 'to-khai.pdf', MaHash: 'a'.repeat(64), KichThuoc: 12345 },
        { TenTaiLieu: 'cccd.jpg', MaHash: 'b'.repeat(64), KichThuoc: 678 },
      ],
      LyDoChuyen: 'Xác minh nhân thân người yêu cầu',
      TrangThai: 1,
    });
    expect(stored?.NgayHenTra).toMatch(/^\d{14}$/);
    expect(vnInstant(stored?.NgayHenTra ?? '')).toBe('2026-03-16T10:00:00.000Z');
    expect(vnInstant(stored?.NgayTiepNhan ?? '')).toBe('2026-03-02T01:20:00.000Z');

    const r = JSON.parse(receipt) as { vendor: string; status: string; answer: { KetQua: { MaLoi: string; MaHoSoNoiBo: string } }; answerSha256: string };
    expect(r.vendor).toBe('vendor-a');
    expect(r.status).toBe('accepted');
    expect(r.answer.KetQua.MaLoi).toBe('0');
    expect(r.answer.KetQua.MaHoSoNoiBo).toBe(stored?.MaHoSoNoiBo);
    expect(r.answerSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('delivering the same transfer twice leaves one vendor dossier, named the same both times', async () => {
    const m = member('vendor-b');
    const { code, taskId } = await seedDossier(m.id);
    const first = JSON.parse((await deliverForeign(m, transfer(m.id, code, taskId), ctx())).receipt) as { answer: { KetQua: { MaHoSoNoiBo: string } } };
    const second = JSON.parse((await deliverForeign(m, transfer(m.id, code, taskId), ctx())).receipt) as { answer: { KetQua: { MaHoSoNoiBo: string } } };
    expect(vendor.dossiers().map((d) => d.MaHoSo)).toEqual([code]);
    expect(second.answer.KetQua.MaHoSoNoiBo).toBe(first.answer.KetQua.MaHoSoNoiBo);
    expect(vendor.changes()).toHaveLength(1);
  });

  it('a vendor slower than timeoutMs is a retryable failure; the retry meets the late intake, still one dossier', async () => {
    const m = member('vendor-c');
    const { code, taskId } = await seedDossier(m.id);
    vendor.setMode({ mode: 'slow', delayMs: 600 });
    const err = await failure(deliverForeign(m, transfer(m.id, code, taskId), ctx(100)));
    expect(err.message).toBe('foreign system did not answer within 100 ms');
    expect(err.retryable).toBe(true);

    await until('the slow vendor to carry out the request', () => vendor.dossiers().length === 1);
    vendor.setMode({ mode: 'ok' });
    await deliverForeign(m, transfer(m.id, code, taskId), ctx());
    expect(vendor.dossiers().map((d) => d.MaHoSo)).toEqual([code]);
  });

  it('junk instead of XML is a retryable, readable "unreadable XML" failure', async () => {
    const m = member('vendor-d');
    const { code, taskId } = await seedDossier(m.id);
    vendor.setMode({ mode: 'garbage' });
    const err = await failure(deliverForeign(m, transfer(m.id, code, taskId), ctx()));
    expect(err.message).toMatch(/^foreign system answered with unreadable XML: %PDF-1\.4 /);
    expect(err.message).not.toMatch(/[\u0000-\u001f]/);
    expect(err.message.length).toBeLessThanOrEqual('foreign system answered with unreadable XML: '.length + 80);
    expect(err.retryable).toBe(true);
    expect(vendor.dossiers()).toEqual([]);
  });

  it('a dropped connection, a busy vendor and a closed port are retryable failures', async () => {
    const m = member('vendor-e');
    const { code, taskId } = await seedDossier(m.id);
    vendor.setMode({ mode: 'down' });
    const dropped = await failure(deliverForeign(m, transfer(m.id, code, taskId), ctx()));
    expect(dropped.retryable).toBe(true);
    expect(dropped.message).toBe('foreign system dropped the connection');

    vendor.setMode({ mode: 'busy' });
    const busy = await failure(deliverForeign(m, transfer(m.id, code, taskId), ctx()));
    expect(busy.message).toBe('foreign system refused: MaLoi=9 MoTa=Hệ thống đang bận, vui lòng thử lại sau');
    expect(busy.retryable).toBe(true);

    const closed = await startForeignVendor({ port: 0 });
    const closedUrl = closed.url;
    await closed.close();
    const refused = await failure(deliverForeign(member('vendor-e', closedUrl), transfer(m.id, code, taskId), ctx()));
    expect(refused.message).toBe('connection refused');
    expect(refused.retryable).toBe(true);
  });

  it('a transfer we cannot map is refused at once, not retried', async () => {
    const m = member('vendor-f');
    const { code, taskId } = await seedDossier(m.id);
    const env = transfer(m.id, code, taskId);
    const err = await failure(deliverForeign(m, { ...env, body: { ...env.body, dossier: { ...(env.body.dossier as object), procedure: '' } } }, ctx()));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('lacks the procedure code');
    expect(vendor.dossiers()).toEqual([]);
  });

  it('a cancellation withdraws the vendor dossier; a ping is not applicable; a consultation is refused', async () => {
    const m = member('vendor-g');
    const { code, taskId } = await seedDossier(m.id);
    const accepted = JSON.parse((await deliverForeign(m, transfer(m.id, code, taskId), ctx())).receipt) as { answer: { KetQua: { MaHoSoNoiBo: string } } };
    const cancel: Envelope = { ...transfer(m.id, code, taskId), id: '00000000-0000-4000-8000-00000000c001', type: 'transfer_cancelled', body: { peerTask: accepted.answer.KetQua.MaHoSoNoiBo, reason: 'Công dân rút hồ sơ' } };
    await deliverForeign(m, cancel, ctx());
    expect(vendor.dossiers()[0]).toMatchObject({ MaHoSo: code, TrangThai: 6, LyDo: 'Công dân rút hồ sơ' });
    // again (a retry after a lost answer): nothing left to withdraw, still delivered
    await deliverForeign(m, cancel, ctx());

    const ping = JSON.parse((await deliverForeign(m, { ...cancel, id: '00000000-0000-4000-8000-00000000c002', type: 'ping', dossierRef: null, body: {} }, ctx())).receipt) as { status: string; note: string };
    expect(ping.status).toBe('accepted');
    expect(ping.note).toContain('not applicable for this vendor');
    // the dossier closed here for good: the vendor holds no mirror of ours, so it is told nothing new
    const before = vendor.dossiers();
    const closed = JSON.parse((await deliverForeign(m, { ...cancel, id: '00000000-0000-4000-8000-00000000c004', type: 'dossier_closed', body: { status: 'withdrawn', at: new Date().toISOString(), reason: 'Công dân rút hồ sơ' } }, ctx())).receipt) as { status: string; note: string };
    expect(closed.status).toBe('accepted');
    expect(closed.note).toContain('dossier_closed: not applicable for this vendor');
    expect(vendor.dossiers()).toEqual(before);

    const consult = await failure(deliverForeign(m, { ...cancel, id: '00000000-0000-4000-8000-00000000c003', type: 'consultation_request' }, ctx()));
    expect(consult.retryable).toBe(false);
  });
});

describe('ForeignPoller', () => {
  const logs: { level: 'warn' | 'info'; o: object; m: string }[] = [];
  const log = { warn: (o: object, m: string) => logs.push({ level: 'warn', o, m }), info: (o: object, m: string) => logs.push({ level: 'info', o, m }) };
  beforeEach(() => {
    logs.length = 0;
  });

  /** records every successful call and stores the in-row as applyInbound does (a duplicate id is a no-op); `fail` makes the next call for that id throw once */
  function recorder(fail = new Set<string>()) {
    const seen: Envelope[] = [];
    const apply = async (e: Envelope) => {
      if (fail.delete(e.id)) throw new Error('unknown_dossier: not yet');
      seen.push(e); // every call, so a poller that repeats itself shows here
      const dup = await t.db.selectFrom('interconnect_messages').select('id').where('direction', '=', 'in').where('message_id', '=', e.id).executeTakeFirst();
      if (dup) return;
      await t.db
        .insertInto('interconnect_messages')
        .values({ direction: 'in', message_id: e.id, peer: e.from, type: e.type, dossier_ref: e.dossierRef, created_at: e.createdAt, body: JSON.stringify(e.body), attachments: '[]', jws: null, receipt: null, status: 'applied', attempts: 0, next_attempt_at: null, last_error: null, done_at: e.createdAt })
        .execute();
    };
    return { seen, apply };
  }

  const poller = (m: DirectoryMember, apply: (e: Envelope) => Promise<void>) =>
    new ForeignPoller({ db: t.db, member: m, self: 'hongbang', fetch, pollMs: 20, timeoutMs: 1000, log, now: () => new Date(), apply });

  /** A: transfer, 2, 4 · B: transfer, 5 — interleaved, Ma 1…5 */
  async function story(m: DirectoryMember) {
    const a = await seedDossier(m.id);
    const b = await seedDossier(m.id);
    tick();
    await deliverForeign(m, transfer(m.id, a.code, a.taskId), ctx());
    tick();
    vendor.act(a.code, { TrangThai: 2 });
    tick();
    await deliverForeign(m, transfer(m.id, b.code, b.taskId), ctx());
    tick();
    vendor.act(a.code, { TrangThai: 4, GhiChu: 'Đã xác minh, không có tiền án' });
    tick();
    vendor.act(b.code, { TrangThai: 5, LyDo: 'Không thuộc thẩm quyền' });
    return { a, b };
  }

  it('translates the vendor changes into our messages, in order, with deterministic ids', async () => {
    const m = member('vendor-p1');
    const { a, b } = await story(m);
    const changes = vendor.changes();
    const nv = (code: string) => vendor.dossiers().find((d) => d.MaHoSo === code)?.MaHoSoNoiBo;
    const at = (ma: number) => vnInstant(changes[ma - 1]?.ThoiGian ?? '');

    const r = recorder();
    const p = poller(m, r.apply);
    p.start();
    await until('five changes applied', () => r.seen.length === 5);
    await p.stop();

    expect(r.seen.map((e) => [e.id, e.type, e.dossierRef])).toEqual([
      ['foreign-xml:vendor-p1:1', 'transfer_accepted', a.code],
      ['foreign-xml:vendor-p1:2', 'status_change', a.code],
      ['foreign-xml:vendor-p1:3', 'transfer_accepted', b.code],
      ['foreign-xml:vendor-p1:4', 'step_result', a.code],
      ['foreign-xml:vendor-p1:5', 'step_result', b.code],
    ]);
    const [accepted, status, , finished, refused] = r.seen;
    expect(accepted).toMatchObject({ v: 1, from: 'vendor-p1', to: 'hongbang', createdAt: at(1), sentAt: at(1), attachments: [], body: { taskRef: String(a.taskId), peerTask: nv(a.code) } });
    expect(status?.body).toEqual({ event: { type: 'foreign_status', at: at(2), agency: HOST_AGENCY, step: 'xac-minh', actorRole: 'specialist', label: 'Đang xử lý' }, closed: [], opened: [] });
    expect(finished?.body).toEqual({ peerTask: nv(a.code), outcome: 'handed_over', at: at(4), agency: HOST_AGENCY, to: null, note: 'Đã xác minh, không có tiền án', summary: 'Đã xác minh, không có tiền án', reasons: [], eResult: null, documents: [] });
    expect(refused?.body).toMatchObject({ peerTask: nv(b.code), outcome: 'refused', reasons: ['Không thuộc thẩm quyền'], at: at(5) });
    // the vendor's local times became UTC instants a minute apart, as its clock moved
    expect(Date.parse(at(2)) - Date.parse(at(1))).toBe(60_000);
  });

  it('resumes after the highest change recorded in interconnect_messages, repeating nothing', async () => {
    const m = member('vendor-p2');
    const { a } = await story(m);
    // changes 1…3 were applied before a restart
    const before = recorder();
    for (const ma of [1, 2, 3]) {
      await before.apply({ v: 1, id: `foreign-xml:${m.id}:${ma}`, from: m.id, to: 'hongbang', type: 'status_change', createdAt: '2026-03-02T01:00:00.000Z', sentAt: '2026-03-02T01:00:00.000Z', dossierRef: a.code, body: {}, attachments: [] });
    }
    const r = recorder();
    const p = poller(m, r.apply);
    p.start();
    await until('changes 4 and 5', () => r.seen.length === 2);
    tick();
    const c = await seedDossier(m.id);
    await deliverForeign(m, transfer(m.id, c.code, c.taskId), ctx());
    await until('change 6', () => r.seen.length === 3);
    await p.stop();

    // and once more from scratch: nothing new, nothing repeated
    const again = recorder();
    const q = poller(m, again.apply);
    const changesBefore = vendor.changes().length;
    q.start();
    tick();
    vendor.act(c.code, { TrangThai: 2 });
    await until('change 7', () => again.seen.length === 1);
    await q.stop();

    expect(r.seen.map((e) => e.id)).toEqual([`foreign-xml:${m.id}:4`, `foreign-xml:${m.id}:5`, `foreign-xml:${m.id}:6`]);
    expect(changesBefore).toBe(6);
    expect(again.seen.map((e) => [e.id, e.type])).toEqual([[`foreign-xml:${m.id}:7`, 'status_change']]);
  });

  it('a change whose apply fails is tried again next poll, and the later ones wait for it', async () => {
    const m = member('vendor-p3');
    await story(m);
    const r = recorder(new Set([`foreign-xml:${m.id}:2`]));
    const p = poller(m, r.apply);
    p.start();
    await until('five changes applied', () => r.seen.length === 5);
    await p.stop();
    expect(r.seen.map((e) => e.id)).toEqual([1, 2, 3, 4, 5].map((ma) => `foreign-xml:${m.id}:${ma}`));
    expect(logs.filter((l) => l.level === 'warn').map((l) => ({ ...l.o }))).toEqual([
      expect.objectContaining({ change: 2, message: `foreign-xml:${m.id}:2`, error: 'unknown_dossier: not yet' }),
    ]);
  });

  it('a change that can never be applied is refused and recorded; the feed goes on past it', async () => {
    const m = member('vendor-p5');
    await story(m);
    const bad = `foreign-xml:${m.id}:2`;
    const r = recorder();
    const p = poller(m, async (e) => {
      if (e.id === bad) throw new Invalid('the step xac-minh of dossier X has no next step to go on to', 'to');
      await r.apply(e);
    });
    p.start();
    await until('the four others applied', () => r.seen.length === 4);
    await p.stop();
    expect(r.seen.map((e) => e.id)).toEqual([1, 3, 4, 5].map((ma) => `foreign-xml:${m.id}:${ma}`));
    const refusal = await t.db.selectFrom('interconnect_refusals').selectAll().where('message_id', '=', bad).executeTakeFirstOrThrow();
    expect(refusal).toMatchObject({ peer: m.id, code: 'invalid_message', detail: expect.stringContaining('has no next step') });
    const inRow = await t.db.selectFrom('interconnect_messages').selectAll().where('direction', '=', 'in').where('message_id', '=', bad).executeTakeFirstOrThrow();
    expect(inRow).toMatchObject({ peer: m.id, status: 'refused', jws: null });

    // after a restart the refused change is not tried again
    const again = recorder();
    const q = poller(m, again.apply);
    q.start();
    tick();
    const c = await seedDossier(m.id);
    await deliverForeign(m, transfer(m.id, c.code, c.taskId), ctx());
    await until('change 6', () => again.seen.length === 1);
    await q.stop();
    expect(again.seen.map((e) => e.id)).toEqual([`foreign-xml:${m.id}:6`]);
  });

  it('a change that keeps failing for a transient reason is retried every poll but logged once', async () => {
    const m = member('vendor-p6');
    await story(m);
    let attempts = 0;
    const r = recorder();
    const p = poller(m, async (e) => {
      if (e.id === `foreign-xml:${m.id}:3`) {
        attempts += 1;
        throw new Error('database is locked');
      }
      await r.apply(e);
    });
    p.start();
    await until('several attempts', () => attempts >= 5);
    await p.stop();
    expect(r.seen.map((e) => e.id)).toEqual([1, 2].map((ma) => `foreign-xml:${m.id}:${ma}`));
    expect(logs.filter((l) => l.level === 'warn').map((l) => [l.m, l.o])).toHaveLength(1);
  });

  it('junk or silence from the feed is logged once and polled again, without losing changes', async () => {
    const m = member('vendor-p4');
    const { a } = await story(m);
    vendor.setMode({ mode: 'garbage' });
    const r = recorder();
    const p = poller(m, r.apply);
    p.start();
    await until('the junk to be noticed', () => logs.some((l) => l.level === 'warn'));
    vendor.setMode({ mode: 'slow', delayMs: 1500 });
    await until('the silence to be noticed', () => logs.filter((l) => l.level === 'warn').length === 2);
    expect(r.seen).toEqual([]);
    vendor.setMode({ mode: 'ok' });
    await until('five changes applied', () => r.seen.length === 5);
    await p.stop();

    const warnings = logs.filter((l) => l.level === 'warn').map((l) => String((l.o as { error?: unknown }).error));
    expect(warnings[0]).toMatch(/^foreign system answered with unreadable XML: %PDF-1\.4/);
    expect(warnings[1]).toBe('foreign system did not answer within 1000 ms');
    expect(warnings).toHaveLength(2);
    expect(logs.some((l) => l.level === 'info' && l.m.includes('readable again'))).toBe(true);
    expect(r.seen[0]?.dossierRef).toBe(a.code);
  });
});

describe('the vendor\'s own dossiers sent to an agency of ours', () => {
  const VERIFY_PROCEDURE = '2.000488';
  let templateSaved = false;
  /** our template for the procedure: a verification step fixed at the ward (DESK_AGENCY) */
  async function ensureTemplate(): Promise<void> {
    if (templateSaved) return;
    const definition = {
      steps: [
        { id: 'examine', kind: 'examine', name: 'Thẩm định', agency: { kind: 'receiving' }, role: 'specialist', budget: { value: 1, unit: 'working_days' }, next: ['xac-minh'], actions: ['hand_over'] },
        { id: 'xac-minh', kind: 'verify', name: 'Xác minh tại phường', agency: { kind: 'fixed', code: DESK_AGENCY }, role: 'specialist', budget: { value: 2, unit: 'working_days' }, next: ['issue'], actions: ['hand_over'] },
        { id: 'issue', kind: 'issue_result', name: 'Ban hành kết quả', agency: { kind: 'receiving' }, role: 'specialist', budget: { value: 1, unit: 'working_days' }, next: ['return'], actions: ['record_result'] },
        { id: 'return', kind: 'return', name: 'Trả kết quả', agency: { kind: 'receiving' }, role: 'desk_officer', budget: { value: 0, unit: 'working_hours' }, next: [], actions: ['return_result'] },
      ],
    };
    assertNoProblems(await saveTemplateVersion(t.db, { nationalCode: VERIFY_PROCEDURE, definition, effectiveFrom: '2026-01-01', by: null }, { value: 10, unit: 'working_days' }, new Date()));
    templateSaved = true;
  }

  let seq = 0;
  const sendOut = (over: Partial<SendOut> = {}) => {
    seq += 1;
    return vendor.sendOut({
      MaHoSo: `${HOST_AGENCY}-260302-${String(seq).padStart(4, '0')}`, MaTTHC: VERIFY_PROCEDURE, TenTTHC: 'Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam', DonViGui: HOST_AGENCY, DonViNhan: DESK_AGENCY,
      NgayTiepNhan: new Date('2026-03-02T01:30:00Z'), NgayHenTra: new Date('2026-03-16T10:00:00Z'), ChuHoSo: { HoTen: 'Trần Văn Nam', SoCCCD: '031190009876' }, NoiDung: 'Đề nghị xác minh nơi cư trú', ...over,
    });
  };

  const recorder = () => {
    const seen: Envelope[] = [];
    const apply = async (e: Envelope) => {
      seen.push(e);
      if (await t.db.selectFrom('interconnect_messages').select('id').where('direction', '=', 'in').where('message_id', '=', e.id).executeTakeFirst()) return;
      await t.db
        .insertInto('interconnect_messages')
        .values({ direction: 'in', message_id: e.id, peer: e.from, type: e.type, dossier_ref: e.dossierRef, created_at: e.createdAt, body: JSON.stringify(e.body), attachments: '[]', jws: null, receipt: null, status: 'applied', attempts: 0, next_attempt_at: null, last_error: null, done_at: e.createdAt })
        .execute();
    };
    return { seen, apply };
  };
  const quiet = { warn: () => undefined, info: () => undefined };
  const poller = (m: DirectoryMember, apply: (e: Envelope) => Promise<void>) => new ForeignPoller({ db: t.db, member: m, self: 'hongbang', fetch, pollMs: 20, timeoutMs: 1000, log: quiet, now: () => new Date(vendorNow), apply });

  it('the poller turns an outgoing dossier into a transfer to the step fixed at the agency named, and resumes from its own cursor', async () => {
    await ensureTemplate();
    const m = member('vendor-o1');
    tick();
    const first = sendOut();
    const sentAt = vnInstant(first.ThoiGian);
    // a change of our own dossier too: the two feeds keep their own cursors
    const ours = await seedDossier(m.id);
    await deliverForeign(m, transfer(m.id, ours.code, ours.taskId), ctx());

    const r = recorder();
    const p = poller(m, r.apply);
    p.start();
    await until('both feeds read', () => r.seen.length === 2);
    await p.stop();
    expect(r.seen.map((e) => [e.id, e.type, e.dossierRef])).toEqual([
      [`foreign-xml:${m.id}:1`, 'transfer_accepted', ours.code],
      [`foreign-xml:${m.id}:out:1`, 'transfer', first.MaHoSo],
    ]);
    expect(r.seen[1]).toEqual({
      v: 1, id: `foreign-xml:${m.id}:out:1`, from: m.id, to: 'hongbang', type: 'transfer', createdAt: sentAt, sentAt, dossierRef: first.MaHoSo, attachments: [],
      body: {
        task: { ref: first.MaHoSo, kind: 'step', stepId: 'xac-minh', agency: DESK_AGENCY, role: 'specialist', dueAt: '2026-03-16T10:00:00.000Z', priority: 0, fromAgency: HOST_AGENCY, reason: 'Đề nghị xác minh nơi cư trú' },
        dossier: {
          code: first.MaHoSo, procedure: VERIFY_PROCEDURE, procedureName: 'Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam', receivingAgency: HOST_AGENCY, channel: 'in_person',
          submittedAt: '2026-03-02T01:30:00.000Z', receivedAt: '2026-03-02T01:30:00.000Z', dueAt: '2026-03-16T10:00:00.000Z', applicant: { name: 'Trần Văn Nam', citizenId: '031190009876' }, form: {}, documents: [],
        },
      },
    });

    // after a restart: only what is new, on each feed; an agency no step of ours is fixed at gets no step (the handler rejects it)
    tick();
    const second = sendOut({ DonViNhan: '000.00.02.H31', ChuHoSo: { HoTen: 'Lê Thị Mai' } });
    vendor.act(ours.code, { TrangThai: 2 });
    const again = recorder();
    const q = poller(m, again.apply);
    q.start();
    await until('the new items', () => again.seen.length === 2);
    await q.stop();
    expect(again.seen.map((e) => e.id)).toEqual([`foreign-xml:${m.id}:2`, `foreign-xml:${m.id}:out:2`]);
    expect(again.seen[1]?.body).toMatchObject({ task: { ref: second.MaHoSo, stepId: '', agency: '000.00.02.H31' }, dossier: { applicant: { name: 'Lê Thị Mai' } } });
    expect((again.seen[1]?.body as { dossier: { applicant: object } }).dossier.applicant).toEqual({ name: 'Lê Thị Mai' });
  });

  it('through the real transfer handler: the step found opens a mirror and is accepted; no step found is rejected back to the vendor', async () => {
    await ensureTemplate();
    const m = member('vendor-o3');
    const good = sendOut();
    const stray = sendOut({ DonViNhan: '000.00.02.H31' });
    const p = poller(m, async (e) => {
      await applyInbound(t.db, e, new Date(vendorNow), { from: m, blobs });
    });
    p.start();
    await until('both transfers applied', async () => (await t.db.selectFrom('interconnect_messages').select('id').where('direction', '=', 'out').where('peer', '=', m.id).execute()).length === 2);
    await p.stop();
    const out = await t.db.selectFrom('interconnect_messages').select(['type', 'dossier_ref', 'body']).where('direction', '=', 'out').where('peer', '=', m.id).orderBy('id').execute();
    expect(out.map((x) => [x.type, x.dossier_ref])).toEqual([['transfer_accepted', good.MaHoSo], ['transfer_rejected', stray.MaHoSo]]);
    expect(JSON.parse(out[1]!.body)).toMatchObject({ taskRef: stray.MaHoSo, code: 'catalog_mismatch' });
    const mirror = await t.db.selectFrom('dossiers').select(['origin_member', 'current_step']).where('code', '=', good.MaHoSo).executeTakeFirstOrThrow();
    expect(mirror).toEqual({ origin_member: m.id, current_step: 'xac-minh' });
  });

  it('deliverForeign reports our answers on the vendor\'s dossier: accepted 1, processing 2, done 4, refused 5; a repeat is harmless', async () => {
    const m = member('vendor-o2');
    const out = sendOut();
    const base = { v: 1 as const, from: 'hongbang', to: m.id, dossierRef: out.MaHoSo, attachments: [], createdAt: '2026-03-02T03:00:00.000Z', sentAt: '2026-03-02T03:00:01.000Z' };
    const accepted: Envelope = { ...base, id: '00000000-0000-4000-8000-0000000a0001', type: 'transfer_accepted', body: { taskRef: out.MaHoSo, peerTask: '17' } };
    const claimed: Envelope = {
      ...base, id: '00000000-0000-4000-8000-0000000a0002', type: 'status_change',
      body: { event: { type: 'task_claimed', at: '2026-03-02T03:10:00.000Z', agency: DESK_AGENCY, step: 'xac-minh', actorRole: 'officer', label: 'Ủy ban nhân dân phường Hoàng Văn Thụ đã nhận xử lý' }, closed: [], opened: [] },
    };
    const result = { peerTask: '17', at: '2026-03-02T04:00:00.000Z', agency: DESK_AGENCY, to: 'return', note: 'Đã xác minh: đúng nơi cư trú', summary: null, reasons: [], eResult: null, documents: [] };
    const done: Envelope = { ...base, id: '00000000-0000-4000-8000-0000000a0003', type: 'step_result', body: { ...result, outcome: 'handed_over' } };
    const refused: Envelope = { ...base, id: '00000000-0000-4000-8000-0000000a0004', type: 'step_result', body: { ...result, outcome: 'refused', note: null, reasons: ['Không cư trú tại địa phương'] } };
    const rejected: Envelope = { ...base, id: '00000000-0000-4000-8000-0000000a0005', type: 'transfer_rejected', body: { taskRef: out.MaHoSo, code: 'catalog_mismatch', reason: 'step  is not in our workflow' } };
    for (const e of [accepted, claimed, claimed, done, refused, rejected]) {
      const r = JSON.parse((await deliverForeign(m, e, ctx())).receipt) as { status: string; answer: { KetQua: { MaLoi: string } } };
      expect(r.status).toBe('accepted');
      expect(r.answer.KetQua.MaLoi).toBe('0');
    }
    const reports = vendor.outgoing().find((o) => o.MaHoSo === out.MaHoSo)!.PhanHoi;
    expect(reports.map((x) => [x.TrangThai, x.GhiChu, x.LyDo])).toEqual([
      [1, '', ''],
      [2, 'Ủy ban nhân dân phường Hoàng Văn Thụ đã nhận xử lý', ''],
      [4, 'Đã xác minh: đúng nơi cư trú', ''],
      [5, '', 'Không cư trú tại địa phương'],
      [5, '', 'step  is not in our workflow'],
    ]);
    expect(vnInstant(reports[1]!.ThoiGian)).toBe('2026-03-02T03:10:00.000Z');
    expect(vnInstant(reports[2]!.ThoiGian)).toBe('2026-03-02T04:00:00.000Z');
    expect(vnInstant(reports[0]!.ThoiGian)).toBe('2026-03-02T03:00:00.000Z');

    // a report on a dossier the vendor never sent out: refused at once
    const stray = await failure(deliverForeign(m, { ...accepted, dossierRef: `${HOST_AGENCY}-260302-9999` }, ctx()));
    expect(stray.retryable).toBe(false);
    expect(stray.message).toMatch(/MaLoi=2/);
  });
});
