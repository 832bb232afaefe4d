// Inter-connected groups (một cửa liên thông, DOMAIN.md §7): one application at one desk;
// each member procedure becomes a linked member dossier at its responsible agency, started in
// the group's order (equal orders run in parallel), each with its own steps scaled to fit its
// share of the group's time limit. Results flow back to the group dossier at the receiving
// desk, which returns everything at once; the applicant follows one dossier and one due date.
import type { Transaction } from 'kysely';
import { findVersionInForce, getGroup } from '../catalog/store.js';
import type { WorkingCalendar } from '../calendar/working-time.js';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { newCheckValue, nextDossierCode } from '../dossiers/dossier-code.js';
import { appendEvent, createDossier } from '../dossiers/event-log.js';
import { vnDate, vnDateTimeText } from '../lib/dates.js';
import { Invalid } from '../lib/errors.js';
import { enqueueMail } from '../notify/mail-outbox.js';
import { type AgencyRef, resolveAgency } from './agency-rules.js';
import { tasksAtReceipt } from './engine.js';
import { limitHours } from './template.js';
import { pinnedTemplate } from './templates-store.js';
import { type DocumentInput, insertDocuments, prepareDocuments } from '../datastore/reuse.js';
import { addResultsToStore } from '../datastore/store.js';

type Tx = Transaction<Database>;

export interface GroupMemberInput {
  procedure: string;
  form: Record<string, unknown>;
  documents: { requirement: string; upload?: string | undefined }[];
}

/** Checks a group application: the group exists, `first` is its first member, the other members' papers answer their requirements. */
export async function checkGroupApplication(db: Db | Tx, groupCode: string, first: string, members: GroupMemberInput[], now: Date) {
  const group = await getGroup(db as Db, groupCode, vnDate(now));
  const ordered = [...group.members].sort((a, b) => a.order - b.order);
  if (ordered[0]?.nationalCode !== first) throw new Invalid(`an application for ${group.name} starts with procedure ${ordered[0]?.nationalCode}`, 'procedure');
  for (const [i, m] of members.entries()) {
    if (!ordered.slice(1).some((x) => x.nationalCode === m.procedure)) throw new Invalid(`${m.procedure} is not a later member of ${group.name}`, `group.members.${i}.procedure`);
    const v = await findVersionInForce(db, m.procedure, vnDate(now));
    if (!v) throw new Invalid(`procedure ${m.procedure} is not in force`, `group.members.${i}.procedure`);
    const known = new Set(v.documents.map((d) => d.code));
    for (const d of m.documents) if (!known.has(d.requirement)) throw new Invalid(`document ${d.requirement} is not a requirement of ${m.procedure}`, `group.members.${i}.documents`);
  }
  return group;
}

interface GroupParent {
  id: number;
  code: string;
  group_code: string;
  channel: string;
  applicant: string;
  applicant_account_id: number | null;
  return_method: string;
  receiving_agency_id: number;
  due_at: string;
  submitted_at: string;
}

async function parentRow(tx: Tx, id: number): Promise<GroupParent> {
  const d = await tx.selectFrom('dossiers').select(['id', 'code', 'group_code', 'channel', 'applicant', 'applicant_account_id', 'return_method', 'receiving_agency_id', 'due_at', 'submitted_at']).where('id', '=', id).executeTakeFirstOrThrow();
  return { ...d, group_code: d.group_code!, due_at: d.due_at! };
}

async function agencyRef(tx: Tx, id: number): Promise<AgencyRef> {
  return tx.selectFrom('agencies').select(['id', 'code', 'name', 'path', 'level']).where('id', '=', id).executeTakeFirstOrThrow();
}

/** Members and the order levels of a group; each level gets an equal share of the group's limit. */
async function plan(tx: Tx, groupCode: string, now: Date) {
  const group = await getGroup(tx as unknown as Db, groupCode, vnDate(now));
  const levels = [...new Set(group.members.map((m) => m.order))].sort((a, b) => a - b);
  const shareHours = Math.max(1, Math.floor(limitHours(group.timeLimit) / levels.length));
  return { group, levels, shareHours };
}

/** The first member is the group dossier's own procedure; its steps get the first level's share. */
export async function groupCapAtReceipt(tx: Tx, groupCode: string, now: Date): Promise<{ capHours: number; dueLimit: import('../catalog/schemas.js').TimeLimit }> {
  const p = await plan(tx, groupCode, now);
  return { capHours: p.shareHours, dueLimit: p.group.timeLimit };
}

/** Opens the member dossiers of one order level, received at once by the system at their responsible agencies. */
async function startLevel(tx: Tx, cal: WorkingCalendar, parent: GroupParent, order: number, now: Date): Promise<string[]> {
  const { group, shareHours } = await plan(tx, parent.group_code, now);
  const receiving = await agencyRef(tx, parent.receiving_agency_id);
  const submitted = await tx.selectFrom('dossier_events').select('payload').where('dossier_id', '=', parent.id).where('seq', '=', 1).executeTakeFirstOrThrow();
  const inputs = ((JSON.parse(submitted.payload) as { groupMembers?: GroupMemberInput[] }).groupMembers ?? []);
  const codes: string[] = [];
  for (const m of group.members.filter((x) => x.order === order)) {
    const v = await findVersionInForce(tx, m.nationalCode, vnDate(now));
    if (!v) throw new Invalid(`member procedure ${m.nationalCode} of ${group.name} is not in force`, 'group');
    // the member's responsible agency: of those handling it, the one nearest the receiving desk (the ward's police…)
    const responsible = await resolveAgency(tx, { kind: 'handling' }, receiving, v, vnDate(now));
    const input = inputs.find((x) => x.procedure === m.nationalCode);
    const code = await nextDossierCode(tx, receiving, now);
    const { id } = await createDossier(
      tx,
      {
        code, check_value: newCheckValue(), procedure_version_id: v.id, receiving_agency_id: receiving.id, applicant_account_id: parent.applicant_account_id, applicant: parent.applicant,
        channel: parent.channel, form_data: JSON.stringify(input?.form ?? {}), return_method: parent.return_method, submitted_at: now.toISOString(), received_at: null, due_at: null,
        paused_since: null, supplement_count: 0, register_year: null, register_no: null, closed_at: null, parent_dossier_id: parent.id, group_code: parent.group_code, budget_cap_hours: shareHours,
      },
      { type: 'submitted', at: now, actor: 'system', actorId: null, agencyId: receiving.id, payload: { channel: parent.channel, procedure: v.nationalCode, version: v.version, group: parent.group_code, parent: parent.code, documents: (input?.documents ?? []).map((d) => d.requirement) } },
    );
    // the member's papers as submitted (uploads, store items and registry evidence consented to at submission: #7)
    const applicantIds = JSON.parse(parent.applicant) as { citizenId?: string | null; taxCode?: string | null };
    const prepared = await prepareDocuments(tx, v.documents, (input?.documents ?? []) as DocumentInput[], { uploadOwner: null, storeOwner: parent.applicant_account_id, applicant: applicantIds, fileSource: 'upload', now: new Date(parent.submitted_at), field: 'documents', mode: 'trusted' });
    await insertDocuments(tx, id, 1, prepared.rows);
    // results of earlier members (e.g. the birth certificate) travel with the dossier: once-only
    const earlier = await tx.selectFrom('dossier_documents as dd').innerJoin('dossiers as d', 'd.id', 'dd.dossier_id').select(['dd.sha256', 'dd.filename', 'dd.media_type', 'dd.size', 'dd.e_result_id', 'dd.evidence_type']).where('dd.source', '=', 'result').where((w) => w.or([w('d.id', '=', parent.id), w('d.parent_dossier_id', '=', parent.id)])).execute();
    for (const r of earlier) await tx.insertInto('dossier_documents').values({ dossier_id: id, requirement_code: 'earlier-result', sha256: r.sha256, filename: r.filename, media_type: r.media_type, size: r.size, source: 'reused', event_seq: 1, e_result_id: r.e_result_id, evidence_type: r.evidence_type, reused: 1, digitised: r.sha256 ? 1 : 0 }).execute();
    const due = new Date(parent.due_at);
    const wf = await tasksAtReceipt(tx, cal, { receiving: responsible, version: v, channel: parent.channel, now, dueAt: due, capHours: shareHours });
    await appendEvent(tx, id, {
      type: 'received', at: now, actor: 'system', actorId: null, agencyId: receiving.id,
      payload: { dueAt: due.toISOString(), group: parent.group_code, parent: parent.code, responsibleAgency: responsible.code, firstStep: wf.set.current_step, stepDueAt: wf.tasks.open[0]!.dueAt },
      set: { received_at: now.toISOString(), due_at: due.toISOString(), ...wf.set },
      tasks: wf.tasks,
    });
    for (const o of await tx.selectFrom('role_grants as g').innerJoin('accounts as a', 'a.id', 'g.account_id').select('a.email').where('g.agency_id', '=', responsible.id).where('g.role', 'in', ['specialist', 'unit_head']).where('g.revoked_at', 'is', null).execute())
      await enqueueMail(tx, { to: o.email, subject: `Hồ sơ liên thông ${code}`, text: `Hồ sơ ${code} (${v.name}) thuộc nhóm liên thông "${group.name}" (hồ sơ ${parent.code}) đã được chuyển đến ${responsible.name}. Hạn: ${vnDateTimeText(due)}.` }, now);
    codes.push(code);
  }
  return codes;
}

/**
 * A member's result is recorded (the group dossier's own, or a member dossier's): when every
 * member of the current level has one, the next level starts; after the last, the group
 * dossier's return step opens at the desk.
 */
export async function memberResolved(tx: Tx, cal: WorkingCalendar, parentId: number, now: Date): Promise<void> {
  const parent = await parentRow(tx, parentId);
  const { group, levels } = await plan(tx, parent.group_code, now);
  const members = await tx.selectFrom('dossiers as d').innerJoin('procedure_versions as pv', 'pv.id', 'd.procedure_version_id').innerJoin('procedures as p', 'p.id', 'pv.procedure_id').select(['d.id', 'd.status', 'p.national_code']).where('d.parent_dossier_id', '=', parent.id).execute();
  const parentState = await tx.selectFrom('dossiers').select(['result_at', 'status']).where('id', '=', parent.id).executeTakeFirstOrThrow();
  const done = (code: string) => (code === group.members.find((m) => m.order === levels[0])?.nationalCode ? parentState.result_at !== null : members.some((m) => m.national_code === code && (m.status === 'resolved' || m.status === 'returned' || m.status === 'refused')));
  const started = (code: string) => code === group.members.find((m) => m.order === levels[0])?.nationalCode || members.some((m) => m.national_code === code);
  for (const level of levels) {
    const atLevel = group.members.filter((m) => m.order === level);
    if (atLevel.every((m) => done(m.nationalCode))) continue;
    if (atLevel.some((m) => started(m.nationalCode))) return; // this level is still running
    const codes = await startLevel(tx, cal, parent, level, now);
    await appendEvent(tx, parent.id, { type: 'handed_over', at: now, actor: 'system', actorId: null, agencyId: parent.receiving_agency_id, payload: { group: parent.group_code, level, members: codes } });
    return;
  }
  // every member has its result: the group dossier is ready to return at the desk
  const def = await pinnedTemplate(tx, await tx.selectFrom('dossiers').select(['workflow_template_id', 'procedure_version_id']).where('id', '=', parent.id).executeTakeFirstOrThrow());
  const returnStep = def.steps.find((s) => s.kind === 'return')?.id ?? 'return';
  await appendEvent(tx, parent.id, {
    type: 'result_recorded', at: now, actor: 'system', actorId: null, agencyId: parent.receiving_agency_id,
    payload: {
      group: parent.group_code,
      members: members.map((m) => m.national_code),
      refused: members.filter((m) => m.status === 'refused').map((m) => m.national_code),
      summary: `Đã có kết quả của ${group.members.length} thủ tục liên thông`,
    },
    set: { current_step: returnStep },
    tasks: { open: [{ kind: 'step', stepId: returnStep, agencyId: parent.receiving_agency_id, role: 'desk_officer', priority: 0, dueAt: parent.due_at, fromAgencyId: parent.receiving_agency_id }] },
  });
}

/** The desk returns the group's result: every member dossier is returned with it. */
export async function returnMembers(tx: Tx, parentId: number, actorId: number, method: string, now: Date): Promise<void> {
  const members = await tx.selectFrom('dossiers').select(['id', 'receiving_agency_id']).where('parent_dossier_id', '=', parentId).where('status', '=', 'resolved').execute();
  for (const m of members) {
    const open = await tx.selectFrom('dossier_tasks').select('id').where('dossier_id', '=', m.id).where('status', '=', 'open').execute();
    await appendEvent(tx, m.id, { type: 'result_returned', at: now, actor: 'desk_officer', actorId, agencyId: m.receiving_agency_id, payload: { method, withGroup: true }, set: { closed_at: now.toISOString(), current_step: null }, tasks: { close: open.map((t) => ({ id: t.id, outcome: 'cancelled', status: 'cancelled' as const })) } });
    // the members' results join the applicant's data store too (#7)
    await addResultsToStore(tx, m.id, now);
  }
}
