// The workflow across two members, on real databases of both engines: member A (quận Hồng Bàng's
// system) receives a dossier whose second step is at Sở Tư pháp, hosted by member B (the city's
// system). The step crosses to B, is processed there on a mirror with its own task and deadline,
// and its news and result flow back to A, where the dossier goes on and the applicant follows it.
// Delivery is simulated: each pending outbox row of one side is handed to the other side's
// handler inside a transaction of its database, with the attachments' blobs copied across.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkingCalendar } from '../calendar/working-time.js';
import { importCatalog } from '../catalog/import-catalog.js';
import type { Db } from '../db/connect.js';
import { BlobStore } from '../documents/blob-store.js';
import { acceptUpload } from '../documents/uploads.js';
import { verifyChains } from '../dossiers/event-log.js';
import { deskDecide, submitOnline, withdraw } from '../dossiers/intake.js';
import { dossierDetail, findDossierRow } from '../dossiers/queries.js';
import { seedDemoAccounts } from '../identity/demo-accounts.js';
import type { Actor } from '../identity/permissions.js';
import { activeGrants } from '../identity/store.js';
import { vnDate } from '../lib/dates.js';
import { DomainError } from '../lib/errors.js';
import { calendarFrom } from '../reports/store.js';
import { act, type ActionInput } from '../workflow/engine.js';
import { inbox, taskHistory, workView } from '../workflow/queries.js';
import { assertNoProblems, saveTemplateVersion } from '../workflow/templates-store.js';
import { sweepDeadlines } from '../workflow/sweep.js';
import { ENGINES, freshDatabase, type TestDb } from '../../test/support/db.js';
import { procedure, smallCatalog } from '../../test/support/fixtures.js';
import { tinyPdf } from '../../test/support/multipart.js';
import { DOSSIER_HANDLERS } from './dossier-sync.js';
import { abandonDeadLetter } from './ops-store.js';
import { MESSAGE_BODIES, schemaProblem } from './schemas.js';
import type { AttachmentRef, DirectoryMember, Envelope, MessageType } from './types.js';
import { markInterconnectActive } from './active.js';

// these tests play the service's part: it marks interconnection active when it starts
markInterconnectActive();

const WARD = '000.01.21.H31'; // phường Hoàng Văn Thụ, quận Hồng Bàng: member A
const DISTRICT = '000.00.21.H31';
const TU_PHAP = '000.00.02.H31'; // Sở Tư pháp: member B
const PROC = '9.000001';
const PROC_A_ONLY = '9.000002'; // its workflow (with a step at Sở Tư pháp) exists on A only
const MONDAY_9H_VN = Date.parse('2026-03-02T02:00:00Z');
const TEN_DAYS = { value: 10, unit: 'working_days' } as const;

const DEFINITION = {
  steps: [
    { id: 'examine', kind: 'examine', name: 'Thẩm định hồ sơ', agency: { kind: 'receiving' }, role: 'specialist', budget: { value: 2, unit: 'working_days' }, next: ['verify'], actions: ['hand_over', 'consult', 'transfer', 'request_supplement'] },
    { id: 'verify', kind: 'verify', name: 'Xác minh tại Sở Tư pháp', agency: { kind: 'fixed', code: TU_PHAP }, role: 'specialist', budget: { value: 3, unit: 'working_days' }, next: ['return', 'issue'], actions: ['hand_over', 'consult', 'record_result'] },
    { id: 'issue', kind: 'issue_result', name: 'Ban hành kết quả', agency: { kind: 'receiving' }, role: 'specialist', budget: { value: 2, unit: 'working_days' }, next: ['return'], actions: ['record_result'] },
    { id: 'return', kind: 'return', name: 'Trả kết quả', agency: { kind: 'receiving' }, role: 'desk_officer', budget: { value: 0, unit: 'working_hours' }, next: [], actions: ['return_result'] },
  ],
};

interface Side {
  name: 'a' | 'b';
  t: TestDb;
  db: Db;
  blobs: BlobStore;
  member: DirectoryMember;
}

const member = (id: string, name: string, hosts: string[]): DirectoryMember => ({ id, name, kind: 'motcua', baseUrl: `http://127.0.0.1:9/${id}`, hosts, keys: [] });

describe.each(ENGINES)('dossier sync between two members on %s', (engine) => {
  let A: Side;
  let B: Side;
  let now = new Date(MONDAY_9H_VN);
  let cal: WorkingCalendar;
  let n = 0;
  const advanceHours = (h: number) => (now = new Date(now.getTime() + h * 3_600_000));

  async function actorOf(s: Side, email: string): Promise<Actor> {
    const a = await s.db.selectFrom('accounts').select(['id', 'kind']).where('email', '=', `${email}@demo.motcua.vn`).executeTakeFirstOrThrow();
    const grants = (await activeGrants(s.db, a.id, vnDate(now))).map((g) => g.active);
    return { accountId: a.id, kind: a.kind as Actor['kind'], grants, actingFor: null };
  }
  const deps = (s: Side) => ({ db: s.db, calendar: cal, dueDates: cal, publicUrl: 'http://motcua.test' });
  const run = (s: Side, who: string, code: string, input: ActionInput) => actorOf(s, who).then((actor) => act(deps(s), actor, code, input, now));
  async function upload(s: Side, who: string): Promise<string> {
    const actor = await actorOf(s, who);
    const u = await acceptUpload(s.db, s.blobs, actor.accountId, 'giay-to.pdf', Readable.from([tinyPdf(`sync ${engine} ${n++}`)]), 1_000_000, now);
    return u.id;
  }

  /** An online dossier of the ward's, received at the ward's desk on A. */
  async function receivedOnA(procedureCode = PROC): Promise<string> {
    const citizen = await actorOf(A, 'an.nguyen');
    const { code } = await submitOnline(deps(A), citizen, { procedure: procedureCode, agency: WARD, form: { hoTen: 'Nguyễn Văn Bé' }, documents: [{ requirement: 'to-khai', upload: await upload(A, 'an.nguyen') }], returnMethod: 'online' }, `sync-${engine}-${n++}`, now, 'vi');
    await deskDecide(deps(A), await actorOf(A, 'tiepnhan.hongbang'), code, { outcome: 'receive' }, now);
    return code;
  }

  const outbox = (s: Side) => s.db.selectFrom('interconnect_messages').selectAll().where('direction', '=', 'out').where('status', '=', 'pending').orderBy('id').execute();

  /** Hands every pending message of `src` for `dst` to dst's handler, in order; returns their types. */
  async function deliverAll(src: Side, dst: Side): Promise<MessageType[]> {
    const rows = (await outbox(src)).filter((r) => r.peer === dst.member.id);
    for (const r of rows) {
      const type = r.type as MessageType;
      const attachments = JSON.parse(r.attachments) as AttachmentRef[];
      const body = JSON.parse(r.body) as Record<string, unknown>;
      // what we send is what the protocol's schema accepts
      expect(schemaProblem(MESSAGE_BODIES[type], body), `${type}: ${r.body}`).toBeNull();
      // the receiver pulls every attachment before the handler runs
      for (const a of attachments) {
        const target = dst.blobs.pathOf(a.sha256);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.copyFileSync(src.blobs.pathOf(a.sha256), target);
      }
      const envelope: Envelope = { v: 1, id: r.message_id, from: src.member.id, to: dst.member.id, type, createdAt: r.created_at, sentAt: now.toISOString(), dossierRef: r.dossier_ref, body, attachments };
      await dst.db.transaction().execute(async (tx) => {
        await DOSSIER_HANDLERS[type]!({ tx, envelope, from: src.member, self: dst.member.id, now, blobs: dst.blobs });
      });
      await src.db.updateTable('interconnect_messages').set({ status: 'delivered', done_at: now.toISOString() }).where('id', '=', r.id).execute();
    }
    return rows.map((r) => r.type as MessageType);
  }
  /** The same outbound row handed to dst's handler once more (a redelivery of the same envelope). */
  async function deliverAgain(src: Side, dst: Side, r: { message_id: string; type: string; created_at: string; dossier_ref: string | null; body: string }): Promise<void> {
    const envelope: Envelope = { v: 1, id: r.message_id, from: src.member.id, to: dst.member.id, type: r.type as MessageType, createdAt: r.created_at, sentAt: now.toISOString(), dossierRef: r.dossier_ref, body: JSON.parse(r.body) as Record<string, unknown>, attachments: [] };
    await dst.db.transaction().execute((tx) => DOSSIER_HANDLERS[envelope.type]!({ tx, envelope, from: src.member, self: dst.member.id, now, blobs: dst.blobs }));
  }
  const sent = async (s: Side) => (await outbox(s)).map((r) => ({ type: r.type, peer: r.peer, body: JSON.parse(r.body) as Record<string, unknown>, attachments: JSON.parse(r.attachments) as AttachmentRef[] }));

  const dossierOf = (s: Side, code: string) => s.db.selectFrom('dossiers').selectAll().where('code', '=', code).executeTakeFirst();
  async function tasksOf(s: Side, code: string) {
    const d = (await dossierOf(s, code))!;
    return s.db.selectFrom('dossier_tasks as t').innerJoin('agencies as a', 'a.id', 't.agency_id').selectAll('t').select('a.code as agency_code').where('t.dossier_id', '=', d.id).orderBy('t.id').execute();
  }
  async function eventsOf(s: Side, code: string) {
    const d = (await dossierOf(s, code))!;
    const rows = await s.db.selectFrom('dossier_events').selectAll().where('dossier_id', '=', d.id).orderBy('seq').execute();
    return rows.map((e) => ({ ...e, payload: JSON.parse(e.payload) as Record<string, unknown> }));
  }
  const openStep = async (s: Side, code: string) => (await tasksOf(s, code)).find((t) => t.status === 'open' && t.kind === 'step')!;

  async function side(name: 'a' | 'b', m: DirectoryMember): Promise<Side> {
    const t = await freshDatabase(engine);
    const catalog = smallCatalog();
    catalog.procedures.push(procedure({ nationalCode: PROC, name: 'Thủ tục liên thông thử nghiệm', timeLimit: TEN_DAYS }), procedure({ nationalCode: PROC_A_ONLY, name: 'Thủ tục chỉ có quy trình ở A', timeLimit: TEN_DAYS }));
    await importCatalog(t.db, catalog, now);
    await seedDemoAccounts(t.db, now);
    return { name, t, db: t.db, blobs: new BlobStore(path.join(t.env.DATA_DIR!, 'blobs')), member: m };
  }

  beforeAll(async () => {
    A = await side('a', member('a', 'Hệ thống quận Hồng Bàng', [DISTRICT]));
    B = await side('b', member('b', 'Hệ thống thành phố', [TU_PHAP]));
    cal = await calendarFrom(A.db);
    const idOf = async (s: Side, code: string) => (await s.db.selectFrom('agencies').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
    // the host maps as the service writes them: only OTHER members' agencies, every agency of their subtrees
    await A.db.insertInto('interconnect_agency_hosts').values({ agency_id: await idOf(A, TU_PHAP), member_id: 'b' }).execute();
    await B.db.insertInto('interconnect_agency_hosts').values([{ agency_id: await idOf(B, DISTRICT), member_id: 'a' }, { agency_id: await idOf(B, WARD), member_id: 'a' }]).execute();
    for (const s of [A, B]) assertNoProblems(await saveTemplateVersion(s.db, { nationalCode: PROC, definition: DEFINITION, effectiveFrom: '2019-01-01', by: null }, TEN_DAYS, now));
    assertNoProblems(await saveTemplateVersion(A.db, { nationalCode: PROC_A_ONLY, definition: DEFINITION, effectiveFrom: '2019-01-01', by: null }, TEN_DAYS, now));
  });
  afterAll(async () => {
    await A?.t.dispose();
    await B?.t.dispose();
  });

  it('sends a step to the member hosting its agency, follows it there, and goes on at the next step when the peer hands it back', async () => {
    const code = await receivedOnA();
    const examine = await openStep(A, code);
    await run(A, 'chuyenvien.hongbang', code, { action: 'claim', taskId: examine.id });
    advanceHours(1);
    await run(A, 'chuyenvien.hongbang', code, { action: 'hand_over', taskId: examine.id });

    // A: the verify step is held by B, and a transfer with the dossier and its documents is in the outbox
    const verifyA = await openStep(A, code);
    expect(verifyA).toMatchObject({ step_id: 'verify', agency_code: TU_PHAP, remote_member: 'b', remote_ref: null });
    const [transfer] = await sent(A);
    expect(transfer).toMatchObject({ type: 'transfer', peer: 'b', body: { task: { ref: String(verifyA.id), kind: 'step', stepId: 'verify', agency: TU_PHAP, fromAgency: WARD, dueAt: verifyA.due_at }, dossier: { code, procedure: PROC, receivingAgency: WARD } } });
    const toKhai = (await A.db.selectFrom('dossier_documents').select('sha256').where('dossier_id', '=', (await dossierOf(A, code))!.id).where('requirement_code', '=', 'to-khai').executeTakeFirstOrThrow()).sha256!;
    expect(transfer!.attachments.map((x) => x.sha256)).toEqual([toKhai]);
    expect(await A.db.selectFrom('interconnect_shared_blobs').selectAll().where('peer', '=', 'b').execute()).toEqual([{ peer: 'b', sha256: toKhai }]);

    // nobody at A acts on it (not even Sở Tư pháp's officers there); it is in no inbox of A's
    const err = await run(A, 'chuyenvien.tuphap', code, { action: 'claim', taskId: verifyA.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ status: 409, reason: 'held_by_peer', message: expect.stringContaining('held by b') });
    const view = await workView(A.db, cal, await actorOf(A, 'chuyenvien.tuphap'), code, now);
    expect(view.tasks.find((x) => x.id === verifyA.id)).toMatchObject({ remoteMember: 'b', actions: [] });
    expect((await inbox(A.db, cal, await actorOf(A, 'chuyenvien.tuphap'), { view: 'unit', limit: 50, offset: 0 }, now)).items.map((i) => i.code)).not.toContain(code);

    // B: the mirror, with one open task at Sở Tư pháp due when A said, and the documents
    advanceHours(0.5);
    expect(await deliverAll(A, B)).toEqual(['transfer']);
    const mirror = (await dossierOf(B, code))!;
    expect(mirror).toMatchObject({ origin_member: 'a', status: 'processing', current_step: 'verify' });
    const mirrorTasks = await tasksOf(B, code);
    expect(mirrorTasks).toHaveLength(1);
    expect(mirrorTasks[0]).toMatchObject({ kind: 'step', step_id: 'verify', agency_code: TU_PHAP, status: 'open', due_at: verifyA.due_at, remote_member: null, remote_ref: String(verifyA.id) });
    expect(await B.db.selectFrom('dossier_documents').select(['requirement_code', 'sha256']).where('dossier_id', '=', mirror.id).execute()).toEqual([{ requirement_code: 'to-khai', sha256: toKhai }]);
    expect(fs.existsSync(B.blobs.pathOf(toKhai))).toBe(true);
    expect((await eventsOf(B, code)).map((e) => [e.type, e.actor_id, e.payload.member])).toEqual([['received_from_peer', null, 'a']]);
    expect((await inbox(B.db, cal, await actorOf(B, 'chuyenvien.tuphap'), { view: 'unit', limit: 50, offset: 0 }, now)).items.map((i) => i.code)).toContain(code);
    expect(await sent(B)).toEqual([expect.objectContaining({ type: 'transfer_accepted', peer: 'a', body: { taskRef: String(verifyA.id), peerTask: String(mirrorTasks[0]!.id) } })]);

    // back at A: the peer's task id is kept, and the applicant sees where the dossier went
    expect(await deliverAll(B, A)).toEqual(['transfer_accepted']);
    expect((await openStep(A, code)).remote_ref).toBe(String(mirrorTasks[0]!.id));

    // B's officer takes it up: A shows it
    advanceHours(1);
    await run(B, 'chuyenvien.tuphap', code, { action: 'claim', taskId: mirrorTasks[0]!.id });
    expect(await deliverAll(B, A)).toEqual(['status_change']);
    // the applicant's desk and due date are A's: B may neither apologise with a new date nor ask for papers
    const apology = await run(B, 'truongphong.tuphap', code, { action: 'apologise', reason: 'Cần thêm thời gian xác minh', newDueAt: new Date(now.getTime() + 30 * 86_400_000).toISOString() }).catch((e: unknown) => e);
    expect(apology).toMatchObject({ status: 409, reason: 'at_origin' });
    const mirrorView = await workView(B.db, cal, await actorOf(B, 'truongphong.tuphap'), code, now);
    expect(mirrorView.canApologise).toBe(false);
    expect(mirrorView.tasks.flatMap((x) => x.actions)).not.toContain('request_supplement');
    expect(await sent(B)).toEqual([]);

    // B hands it over to the ward's issuing step: the ward is A's, so the step's result goes back
    advanceHours(2);
    const handedAt = now.toISOString();
    await run(B, 'chuyenvien.tuphap', code, { action: 'hand_over', taskId: mirrorTasks[0]!.id, to: 'issue', note: 'Đã xác minh, thông tin phù hợp.' });
    const issueOnB = (await tasksOf(B, code)).find((t) => t.step_id === 'issue')!;
    expect(issueOnB).toMatchObject({ status: 'open', agency_code: WARD, remote_member: 'a', due_at: null });
    const [result] = await sent(B);
    expect(result).toMatchObject({ type: 'step_result', body: { peerTask: String(mirrorTasks[0]!.id), outcome: 'handed_over', to: 'issue', agency: TU_PHAP, at: handedAt, note: 'Đã xác minh, thông tin phù hợp.' } });
    advanceHours(0.25);
    expect(await deliverAll(B, A)).toEqual(['step_result']);

    // A: the remote task closed at B's time (not at delivery), the next step opened here, locally
    const tasksA = await tasksOf(A, code);
    expect(tasksA.find((t) => t.id === verifyA.id)).toMatchObject({ status: 'done', outcome: 'handed_over', closed_at: handedAt, remote_member: 'b' });
    const issueA = await openStep(A, code);
    expect(issueA).toMatchObject({ step_id: 'issue', agency_code: WARD, remote_member: null, opened_at: handedAt });
    expect((await dossierOf(A, code))!).toMatchObject({ status: 'processing', current_step: 'issue' });
    expect(await sent(A)).toEqual([]);
    const history = await taskHistory(A.db, cal, (await dossierOf(A, code))!, now);
    expect(history.rows.find((r) => r.id === verifyA.id)).toMatchObject({ agencyCode: TU_PHAP, remoteMember: 'b', result: 'early' });

    // A finishes: the result recorded at the ward, the dossier resolved
    advanceHours(1);
    await run(A, 'chuyenvien.hongbang', code, { action: 'record_result', taskId: issueA.id, summary: 'Đã cấp', documents: [await upload(A, 'chuyenvien.hongbang')] });
    expect((await dossierOf(A, code))!.status).toBe('resolved');
    expect(await sent(A)).toEqual([]);

    // the applicant's timeline on A includes what happened at B, with its member's name
    const detail = await dossierDetail(A.db, (await findDossierRow(A.db, code))!);
    expect(detail.events.map((e) => e.type)).toEqual(['submitted', 'received', 'task_claimed', 'handed_over', 'peer_status', 'peer_status', 'peer_step_completed', 'result_recorded']);
    const labels = detail.events.filter((e) => e.type.startsWith('peer_')).map((e) => (e.payload as { label: string }).label);
    expect(labels).toEqual(['Đã chuyển liên thông đến Sở Tư pháp (Hệ thống thành phố)', 'Sở Tư pháp (Hệ thống thành phố) đã nhận xử lý', 'Sở Tư pháp (Hệ thống thành phố) đã xử lý xong bước "Xác minh tại Sở Tư pháp"']);
    expect(detail.events.filter((e) => e.type.startsWith('peer_')).every((e) => e.agencyName === 'Sở Tư pháp' && e.actorName === null)).toBe(true);

    // the desk returns the result: A's dossier closes for good, and B, which held a step of it, is told — once
    advanceHours(1);
    const closedAt = now.toISOString();
    await run(A, 'tiepnhan.hongbang', code, { action: 'return_result', taskId: (await openStep(A, code)).id, method: 'online' });
    expect((await dossierOf(A, code))!.status).toBe('returned');
    expect(await sent(A)).toEqual([{ type: 'dossier_closed', peer: 'b', body: { status: 'returned', at: closedAt, reason: null }, attachments: [] }]);
    const closing = (await outbox(A))[0]!;
    // B's mirror was still `processing`, with the ward's step (A's) open on it: it closes as returned
    expect((await dossierOf(B, code))!.status).toBe('processing');
    advanceHours(0.5);
    expect(await deliverAll(A, B)).toEqual(['dossier_closed']);
    expect((await dossierOf(B, code))!).toMatchObject({ status: 'returned', closed_at: closedAt, current_step: null });
    const closedTasks = await tasksOf(B, code);
    expect(closedTasks.filter((t) => t.status === 'open')).toEqual([]);
    expect(closedTasks.find((t) => t.id === issueOnB.id)).toMatchObject({ status: 'cancelled', outcome: 'closed_at_origin', closed_at: closedAt });
    expect((await eventsOf(B, code)).at(-1)).toMatchObject({ type: 'peer_closed_returned', actor_id: null, at: closedAt, payload: { member: 'a', message: closing.message_id, status: 'returned', reason: null } });
    expect(await sent(B)).toEqual([]);
    // the same envelope again: no effect
    const closedState = await stateOf(B, code);
    await deliverAgain(A, B, closing);
    expect(await stateOf(B, code)).toEqual(closedState);
    expect(await sent(B)).toEqual([]);
    for (const s of [A, B]) expect((await verifyChains(s.db)).problems).toEqual([]);
  });

  it('attributes a late peer step to the peer, and brings its result and documents back to the origin', async () => {
    const code = await receivedOnA();
    const examine = await openStep(A, code);
    await run(A, 'chuyenvien.hongbang', code, { action: 'hand_over', taskId: examine.id });
    const verifyA = await openStep(A, code);
    await deliverAll(A, B);
    await deliverAll(B, A);
    const task = await openStep(B, code);
    // B takes a week for a three-day step
    advanceHours(7 * 24);
    const doneAt = now.toISOString();
    expect(doneAt > verifyA.due_at!).toBe(true);
    await run(B, 'chuyenvien.tuphap', code, { action: 'record_result', taskId: task.id, summary: 'Đã cấp phiếu', documents: [await upload(B, 'chuyenvien.tuphap')] });
    const [result] = await sent(B);
    const resultSha = (await B.db.selectFrom('uploads').select('sha256').orderBy('created_at', 'desc').executeTakeFirstOrThrow()).sha256;
    expect(result).toMatchObject({ type: 'step_result', body: { outcome: 'result_recorded', to: 'return', summary: 'Đã cấp phiếu', documents: [expect.objectContaining({ sha256: resultSha, filename: 'giay-to.pdf' })] } });
    expect(result!.attachments.map((x) => x.sha256)).toEqual([resultSha]);
    advanceHours(1);
    expect(await deliverAll(B, A)).toEqual(['step_result']);

    const d = (await dossierOf(A, code))!;
    expect(d).toMatchObject({ status: 'resolved', current_step: 'return', result_at: doneAt });
    expect(await A.db.selectFrom('dossier_documents').select(['requirement_code', 'source', 'sha256']).where('dossier_id', '=', d.id).where('source', '=', 'result').execute()).toEqual([{ requirement_code: 'result', source: 'result', sha256: resultSha }]);
    expect(fs.existsSync(A.blobs.pathOf(resultSha))).toBe(true);
    const last = (await eventsOf(A, code)).at(-1)!;
    expect(last).toMatchObject({ type: 'result_recorded', actor_id: null, at: doneAt, payload: { member: 'b', summary: 'Đã cấp phiếu', documents: [resultSha] } });
    // the control slip: the step was late, at Sở Tư pháp, in member B's system
    const history = await taskHistory(A.db, cal, d, now);
    expect(history.rows.find((r) => r.id === verifyA.id)).toMatchObject({ agencyCode: TU_PHAP, remoteMember: 'b', result: 'late', doneAt });
    expect(await openStep(A, code)).toMatchObject({ step_id: 'return', agency_code: WARD, role: 'desk_officer', remote_member: null });
  });

  it('consults an agency on the other member, and takes its answer; the next step then goes to the same mirror', async () => {
    const code = await receivedOnA();
    const examine = await openStep(A, code);
    await run(A, 'chuyenvien.hongbang', code, { action: 'consult', taskId: examine.id, agency: TU_PHAP, question: 'Đề nghị cho ý kiến về lý lịch tư pháp.', days: 2 });
    const consultA = (await tasksOf(A, code)).find((t) => t.kind === 'consult')!;
    expect(consultA).toMatchObject({ remote_member: 'b', status: 'open' });
    expect(await sent(A)).toEqual([expect.objectContaining({ type: 'consultation_request', body: expect.objectContaining({ question: 'Đề nghị cho ý kiến về lý lịch tư pháp.', task: expect.objectContaining({ ref: String(consultA.id), stepId: 'examine/consult' }) }) })]);
    await deliverAll(A, B);
    const consultB = (await tasksOf(B, code)).find((t) => t.kind === 'consult')!;
    expect(consultB).toMatchObject({ status: 'open', agency_code: TU_PHAP, role: 'specialist', due_at: consultA.due_at, remote_ref: String(consultA.id) });
    expect((await dossierOf(B, code))!.origin_member).toBe('a');
    await deliverAll(B, A);

    // the hand-over waits for the answer, as for a local consultation
    await expect(run(A, 'chuyenvien.hongbang', code, { action: 'hand_over', taskId: examine.id })).rejects.toMatchObject({ reason: 'waiting_for_answers' });
    advanceHours(3);
    const answeredAt = now.toISOString();
    await run(B, 'chuyenvien.tuphap', code, { action: 'answer', taskId: consultB.id, answer: 'Không có án tích.' });
    expect(await sent(B)).toEqual([expect.objectContaining({ type: 'consultation_answer', body: { peerTask: String(consultB.id), answer: 'Không có án tích.', at: answeredAt, agency: TU_PHAP } })]);
    advanceHours(1);
    await deliverAll(B, A);
    expect((await tasksOf(A, code)).find((t) => t.id === consultA.id)).toMatchObject({ status: 'done', outcome: 'answered', closed_at: answeredAt });
    expect((await eventsOf(A, code)).at(-1)).toMatchObject({ type: 'consultation_answered', actor_id: null, payload: { member: 'b', answer: 'Không có án tích.', late: false } });

    // on to the verify step at Sở Tư pháp: the same mirror gets a second task
    await run(A, 'chuyenvien.hongbang', code, { action: 'hand_over', taskId: examine.id });
    expect(await deliverAll(A, B)).toEqual(['transfer']);
    expect((await tasksOf(B, code)).map((t) => [t.kind, t.step_id, t.status])).toEqual([['consult', 'examine/consult', 'done'], ['step', 'verify', 'open']]);
    expect(await B.db.selectFrom('dossiers').select('id').where('code', '=', code).execute()).toHaveLength(1);
    expect(await deliverAll(B, A)).toEqual(['transfer_accepted']);
  });

  it('reopens the step at the sending agency when the peer rejects a transfer it cannot take', async () => {
    const code = await receivedOnA(PROC_A_ONLY);
    const examine = await openStep(A, code);
    await run(A, 'chuyenvien.hongbang', code, { action: 'hand_over', taskId: examine.id });
    const verifyA = await openStep(A, code);
    expect(await deliverAll(A, B)).toEqual(['transfer']);
    // B's workflow for this procedure (the default one) has no "verify" step: no mirror, a rejection
    expect(await dossierOf(B, code)).toBeUndefined();
    expect(await sent(B)).toEqual([expect.objectContaining({ type: 'transfer_rejected', body: expect.objectContaining({ taskRef: String(verifyA.id), code: 'catalog_mismatch' }) })]);
    await deliverAll(B, A);
    const tasks = await tasksOf(A, code);
    expect(tasks.find((t) => t.id === verifyA.id)).toMatchObject({ status: 'cancelled', outcome: 'rejected_by_peer' });
    const reopened = await openStep(A, code);
    expect(reopened).toMatchObject({ step_id: 'verify', agency_code: WARD, role: 'unit_head', remote_member: null, due_at: verifyA.due_at });
    expect((await eventsOf(A, code)).at(-1)).toMatchObject({ type: 'peer_transfer_rejected', payload: { code: 'catalog_mismatch', label: 'Sở Tư pháp (Hệ thống thành phố) từ chối tiếp nhận liên thông' } });
    // the ward's head can act on it again
    const view = await workView(A.db, cal, await actorOf(A, 'truongphong.hongbang'), code, now);
    expect(view.tasks.find((t) => t.id === reopened.id)!.actions).toEqual(expect.arrayContaining(['claim', 'hand_over']));
  });

  it('takes the work back from the peer when the applicant withdraws', async () => {
    const code = await receivedOnA();
    const examine = await openStep(A, code);
    await run(A, 'chuyenvien.hongbang', code, { action: 'hand_over', taskId: examine.id });
    await deliverAll(A, B);
    await deliverAll(B, A);
    const onB = await openStep(B, code);
    await withdraw(deps(A), await actorOf(A, 'an.nguyen'), code, 'Không còn nhu cầu', now);
    // the step is taken back, then the mirror is closed
    expect(await sent(A)).toEqual([
      expect.objectContaining({ type: 'transfer_cancelled', peer: 'b', body: { peerTask: String(onB.id), reason: 'Không còn nhu cầu' } }),
      expect.objectContaining({ type: 'dossier_closed', peer: 'b', body: { status: 'withdrawn', at: now.toISOString(), reason: 'Không còn nhu cầu' } }),
    ]);
    expect(await deliverAll(A, B)).toEqual(['transfer_cancelled', 'dossier_closed']);
    expect((await tasksOf(B, code)).find((t) => t.id === onB.id)).toMatchObject({ status: 'cancelled', outcome: 'cancelled_by_peer' });
    expect((await tasksOf(B, code)).filter((t) => t.status === 'open')).toEqual([]);
    expect((await eventsOf(B, code)).slice(-2)).toMatchObject([
      { type: 'peer_transfer_cancelled', payload: { member: 'a', reason: 'Không còn nhu cầu' } },
      { type: 'peer_closed_withdrawn', payload: { member: 'a', status: 'withdrawn', reason: 'Không còn nhu cầu' } },
    ]);
    expect((await dossierOf(B, code))!).toMatchObject({ status: 'withdrawn', closed_at: now.toISOString() });
    expect(await sent(B)).toEqual([]);
    for (const s of [A, B]) expect((await verifyChains(s.db)).problems).toEqual([]);
  });

  /** One message from `from` applied by dst's handler (what receive.ts does after its checks). */
  async function handle(dst: Side, from: DirectoryMember, type: MessageType, code: string, body: Record<string, unknown>): Promise<void> {
    const envelope: Envelope = { v: 1, id: crypto.randomUUID(), from: from.id, to: dst.member.id, type, createdAt: now.toISOString(), sentAt: now.toISOString(), dossierRef: code, body, attachments: [] };
    await dst.db.transaction().execute((tx) => DOSSIER_HANDLERS[type]!({ tx, envelope, from, self: dst.member.id, now, blobs: dst.blobs }));
  }
  /** What a dossier is on a side: its row, events, tasks and documents. */
  async function stateOf(s: Side, code: string) {
    const d = (await dossierOf(s, code))!;
    const docs = await s.db.selectFrom('dossier_documents').select(['requirement_code', 'sha256']).where('dossier_id', '=', d.id).orderBy('id').execute();
    return { d, events: (await eventsOf(s, code)).length, tasks: await tasksOf(s, code), docs };
  }
  /** Outbox rows of a dossier left pending by a test's hand-made messages: out of the way of the next tests. */
  const settle = (s: Side, code: string) => s.db.updateTable('interconnect_messages').set({ status: 'delivered', done_at: now.toISOString() }).where('dossier_ref', '=', code).where('status', '=', 'pending').execute();

  it('refuses, as an unknown dossier, every message from a member with no part in the dossier, and brings no documents into our own', async () => {
    const code = await receivedOnA();
    const examine = await openStep(A, code);
    await run(A, 'chuyenvien.hongbang', code, { action: 'hand_over', taskId: examine.id });
    const verifyA = await openStep(A, code);
    const snapshot = (await sent(A))[0]!.body.dossier as Record<string, unknown>;
    await deliverAll(A, B);
    await deliverAll(B, A);
    const onB = await openStep(B, code);
    const before = await stateOf(A, code);
    const C = member('c', 'Hệ thống lạ', []);
    const at = now.toISOString();
    const foreignDoc = { requirement: 'to-khai', sha256: 'c'.repeat(64), filename: 'gia-mao.pdf', mediaType: 'application/pdf', size: 10 };
    const attempts: [MessageType, Record<string, unknown>][] = [
      ['consultation_request', { task: { ref: '1', stepId: 'examine/consult', agency: WARD, dueAt: null, fromAgency: null }, question: 'Cho xem hồ sơ?', dossier: { ...snapshot, documents: [foreignDoc] } }],
      ['status_change', { event: { type: 'task_claimed', at, agency: TU_PHAP, step: 'verify', actorRole: 'specialist', label: 'x' }, closed: [{ peerTask: String(onB.id), outcome: 'done', at }], opened: [{ peerTask: '99', kind: 'step', stepId: 'issue', agency: WARD, role: 'specialist', dueAt: null }] }],
      ['step_result', { peerTask: String(onB.id), outcome: 'refused', at, agency: TU_PHAP, to: null, note: null, summary: null, reasons: ['giả mạo'], eResult: null, documents: [] }],
      ['consultation_answer', { peerTask: String(onB.id), answer: 'x', at, agency: TU_PHAP }],
      ['transfer_accepted', { taskRef: String(verifyA.id), peerTask: '5' }],
      ['transfer_rejected', { taskRef: String(verifyA.id), code: 'catalog_mismatch', reason: 'x' }],
      ['transfer_cancelled', { peerTask: `origin:${verifyA.id}`, reason: 'x' }],
      ['dossier_closed', { status: 'withdrawn', at, reason: 'x' }],
    ];
    for (const [type, body] of attempts) {
      expect(schemaProblem(MESSAGE_BODIES[type], body), type).toBeNull();
      await expect(handle(A, C, type, code, body), type).rejects.toMatchObject({ code: 'not_found', message: `dossier ${code} is not known here` });
    }
    // B holds this dossier's step, not another one's: the same for B on a dossier it never had
    const other = await receivedOnA();
    await expect(handle(A, B.member, 'status_change', other, attempts[1]![1])).rejects.toMatchObject({ code: 'not_found' });
    expect(await stateOf(A, code)).toEqual(before);
    // only the origin closes a mirror: neither a stranger (on B's mirror) nor the holder (on A's own dossier)
    const mirrorBefore = await stateOf(B, code);
    await expect(handle(B, C, 'dossier_closed', code, { status: 'refused', at, reason: 'giả mạo' })).rejects.toMatchObject({ code: 'not_found', message: `dossier ${code} is not known here` });
    await expect(handle(A, B.member, 'dossier_closed', code, { status: 'refused', at, reason: 'giả mạo' })).rejects.toMatchObject({ code: 'not_found' });
    expect(await stateOf(B, code)).toEqual(mirrorBefore);
    expect(await stateOf(A, code)).toEqual(before);

    // B, holding the step, may consult the ward on A's own dossier — but brings no documents into it
    await handle(A, B.member, 'consultation_request', code, { task: { ref: '77', stepId: 'verify/consult', agency: WARD, dueAt: null, fromAgency: TU_PHAP }, question: 'Xin ý kiến phường.', dossier: { ...snapshot, documents: [foreignDoc] } });
    const after = await stateOf(A, code);
    expect(after.docs).toEqual(before.docs);
    expect(after.tasks.find((t) => t.kind === 'consult')).toMatchObject({ agency_code: WARD, status: 'open', remote_ref: '77', remote_member: null });
    await settle(A, code);
  });

  it('records a peer time within [its task opened here, now], whatever the peer says, and judges lateness as instants', async () => {
    const code = await receivedOnA();
    await run(A, 'chuyenvien.hongbang', code, { action: 'hand_over', taskId: (await openStep(A, code)).id });
    const verifyA = await openStep(A, code);
    await deliverAll(A, B);
    await deliverAll(B, A);
    const onB = await openStep(B, code);
    advanceHours(2);
    // from the future: recorded now
    await handle(A, B.member, 'status_change', code, { event: { type: 'task_claimed', at: '2099-01-01T00:00:00+07:00', agency: TU_PHAP, step: 'verify', actorRole: 'specialist', label: 'Sở Tư pháp đã nhận xử lý' }, closed: [], opened: [] });
    expect((await eventsOf(A, code)).at(-1)).toMatchObject({ type: 'peer_status', at: now.toISOString() });
    // backdated to before the step reached it: recorded as the moment it did
    advanceHours(24 * 7);
    await handle(A, B.member, 'step_result', code, { peerTask: String(onB.id), outcome: 'handed_over', at: '2020-01-01T00:00:00Z', agency: TU_PHAP, to: 'issue', note: null, summary: null, reasons: [], eResult: null, documents: [] });
    expect((await tasksOf(A, code)).find((t) => t.id === verifyA.id)).toMatchObject({ status: 'done', closed_at: verifyA.opened_at });
    expect((await eventsOf(A, code)).at(-1)).toMatchObject({ type: 'peer_step_completed', at: verifyA.opened_at });

    // a consultation answered an hour before its due time, written with the peer's offset (+07:00):
    // on time, although the text sorts after the due time's
    const code2 = await receivedOnA();
    const examine = await openStep(A, code2);
    await run(A, 'chuyenvien.hongbang', code2, { action: 'consult', taskId: examine.id, agency: TU_PHAP, question: 'Ý kiến?', days: 2 });
    const consultA = (await tasksOf(A, code2)).find((t) => t.kind === 'consult')!;
    await deliverAll(A, B);
    await deliverAll(B, A);
    const consultB = (await tasksOf(B, code2)).find((t) => t.kind === 'consult')!;
    const answered = new Date(Date.parse(consultA.due_at!) - 3_600_000);
    const local = new Date(answered.getTime() + 7 * 3_600_000).toISOString().replace('.000Z', '+07:00');
    expect(local > consultA.due_at!).toBe(true);
    advanceHours(24 * 7);
    await handle(A, B.member, 'consultation_answer', code2, { peerTask: String(consultB.id), answer: 'Đồng ý.', at: local, agency: TU_PHAP });
    expect((await tasksOf(A, code2)).find((t) => t.id === consultA.id)).toMatchObject({ status: 'done', outcome: 'answered', closed_at: answered.toISOString() });
    expect((await eventsOf(A, code2)).at(-1)).toMatchObject({ type: 'consultation_answered', at: answered.toISOString(), payload: { late: false } });
  });

  it('refuses a step result, retryably, while the dossier is paused for a supplement; acknowledges and ignores it once the dossier is closed', async () => {
    const code = await receivedOnA();
    await run(A, 'chuyenvien.hongbang', code, { action: 'hand_over', taskId: (await openStep(A, code)).id });
    await deliverAll(A, B);
    await deliverAll(B, A);
    const onB = await openStep(B, code);
    // (the origin pausing while a peer holds the step: set here directly, as a parallel branch's request would)
    const id = (await dossierOf(A, code))!.id;
    await A.db.updateTable('dossiers').set({ status: 'processing_supplement' }).where('id', '=', id).execute();
    const before = await stateOf(A, code);
    const body = { peerTask: String(onB.id), outcome: 'handed_over', at: now.toISOString(), agency: TU_PHAP, to: 'issue', note: null, summary: null, reasons: [], eResult: null, documents: [] };
    await expect(handle(A, B.member, 'step_result', code, body)).rejects.toMatchObject({ code: 'conflict', reason: 'unknown_dossier', message: expect.stringContaining('paused') });
    expect(await stateOf(A, code)).toEqual(before);
    // resumed: the same result applies
    await A.db.updateTable('dossiers').set({ status: 'processing' }).where('id', '=', id).execute();
    await handle(A, B.member, 'step_result', code, body);
    expect((await dossierOf(A, code))!.current_step).toBe('issue');

    // closed for good (withdrawn): acknowledged, nothing changes
    const code2 = await receivedOnA();
    await run(A, 'chuyenvien.hongbang', code2, { action: 'hand_over', taskId: (await openStep(A, code2)).id });
    await deliverAll(A, B);
    await deliverAll(B, A);
    const onB2 = await openStep(B, code2);
    await withdraw(deps(A), await actorOf(A, 'an.nguyen'), code2, 'Thôi', now);
    await settle(A, code2);
    const closed = await stateOf(A, code2);
    await handle(A, B.member, 'step_result', code2, { ...body, peerTask: String(onB2.id) });
    expect(await stateOf(A, code2)).toEqual(closed);
  });

  it('lets an operator abandon a dead transfer: the step reopens at the sending agency, in the same transaction as the row', async () => {
    const code = await receivedOnA();
    await run(A, 'chuyenvien.hongbang', code, { action: 'hand_over', taskId: (await openStep(A, code)).id });
    const verifyA = await openStep(A, code);
    const row = (await outbox(A)).find((r) => r.dossier_ref === code && r.type === 'transfer')!;
    await A.db.updateTable('interconnect_messages').set({ status: 'dead', attempts: 12, next_attempt_at: null, last_error: 'connection refused' }).where('id', '=', row.id).execute();
    advanceHours(1);
    expect(await abandonDeadLetter(A.db, row.id, 'quantri@demo.motcua.vn', now, () => 'Hệ thống thành phố')).toEqual({ outcome: 'abandoned', reopened: true });
    const after = await A.db.selectFrom('interconnect_messages').select(['status', 'last_error']).where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(after.status).toBe('abandoned');
    expect(after.last_error).toBe(`abandoned by quantri@demo.motcua.vn at ${now.toISOString()}; last error: connection refused`);
    expect((await tasksOf(A, code)).find((t) => t.id === verifyA.id)).toMatchObject({ status: 'cancelled', outcome: 'rejected_by_peer' });
    expect(await openStep(A, code)).toMatchObject({ step_id: 'verify', agency_code: WARD, role: 'unit_head', remote_member: null, due_at: verifyA.due_at });
    expect((await eventsOf(A, code)).at(-1)).toMatchObject({ type: 'peer_transfer_rejected', at: now.toISOString(), payload: { member: 'b', code: 'undeliverable', abandonedBy: 'quantri@demo.motcua.vn' } });
    expect(await sent(A)).toEqual([]);
    // once only
    expect(await abandonDeadLetter(A.db, row.id, 'quantri@demo.motcua.vn', now, () => 'x')).toEqual({ outcome: 'not_dead' });

    // a dead consultation request: the consultation ends unanswered, the step stays where it is
    const code2 = await receivedOnA();
    const examine = await openStep(A, code2);
    await run(A, 'chuyenvien.hongbang', code2, { action: 'consult', taskId: examine.id, agency: TU_PHAP, question: 'Ý kiến?', days: 2 });
    const req = (await outbox(A)).find((r) => r.dossier_ref === code2)!;
    await A.db.updateTable('interconnect_messages').set({ status: 'dead' }).where('id', '=', req.id).execute();
    expect(await abandonDeadLetter(A.db, req.id, 'quantri@demo.motcua.vn', now, () => 'Hệ thống thành phố')).toEqual({ outcome: 'abandoned', reopened: true });
    const tasks = await tasksOf(A, code2);
    expect(tasks.find((t) => t.kind === 'consult')).toMatchObject({ status: 'cancelled', outcome: 'rejected_by_peer' });
    expect(tasks.filter((t) => t.status === 'open').map((t) => t.id)).toEqual([examine.id]);
  });

  it('keeps mirrors out of reporting and of the deadline sweep, and both chains intact', async () => {
    const mirrors = await B.db.selectFrom('dossiers').select('id').where('origin_member', '=', 'a').execute();
    expect(mirrors.length).toBeGreaterThan(0);
    expect(await B.db.selectFrom('dossier_facts').selectAll().execute()).toEqual([]);
    expect(await B.db.selectFrom('quality_stats').selectAll().execute()).toEqual([]);
    expect((await A.db.selectFrom('dossier_facts').select('dossier_id').execute()).length).toBe((await A.db.selectFrom('dossiers').select('id').execute()).length);
    // A's remote tasks are past due by now: B reminds its own officers, A does not remind anyone for them
    advanceHours(30 * 24);
    const before = await A.db.selectFrom('workflow_reminders').select('task_id').execute();
    await sweepDeadlines(A.db, cal, now, 'http://motcua.test');
    const remote = new Set((await A.db.selectFrom('dossier_tasks').select('id').where('remote_member', 'is not', null).execute()).map((t) => t.id));
    const reminded = (await A.db.selectFrom('workflow_reminders').select('task_id').execute()).filter((r) => !before.some((b) => b.task_id === r.task_id));
    expect(reminded.some((r) => remote.has(r.task_id))).toBe(false);
    for (const s of [A, B]) expect((await verifyChains(s.db)).problems).toEqual([]);
  });
});
