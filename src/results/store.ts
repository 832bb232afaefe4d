// Reading and changing e-results: the public view by serial, the verification lookup, the
// officers' list within scope, revocation (with the dossier's log and a mail to the holder),
// and the issuing officer's draft pre-filled from the dossier.
import type { Transaction } from 'kysely';
import { findEvidenceTypeOfProcedure } from '../catalog/evidence.js';
import { getVersionById } from '../catalog/store.js';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { appendEvent } from '../dossiers/event-log.js';
import { type Actor, can, scopePaths } from '../identity/permissions.js';
import { Conflict, Forbidden, NotFound } from '../lib/errors.js';
import { enqueueMail } from '../notify/mail-outbox.js';
import { allowedActions } from '../workflow/engine.js';
import { pinnedTemplate } from '../workflow/templates-store.js';
import { prefill, type DraftSource } from './fields.js';
import { findSuperseded } from './issue.js';
import { statusVerdict, type VerifyLookup, type VerifyOutcome } from './verify.js';

type Reader = Db | Transaction<Database>;

export function vnToday(now: Date): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

export function verifyLookup(db: Reader): VerifyLookup {
  return {
    certificate: async (fp) => {
      const r = await db.selectFrom('signing_certificates').select(['fingerprint', 'kind', 'cert_pem']).where('fingerprint', '=', fp).executeTakeFirst();
      return r ? { fingerprint: r.fingerprint, kind: r.kind, certPem: r.cert_pem } : undefined;
    },
    authorities: async () => (await db.selectFrom('signing_certificates').select(['fingerprint', 'kind', 'cert_pem']).where('kind', '=', 'ca').execute()).map((r) => ({ fingerprint: r.fingerprint, kind: r.kind, certPem: r.cert_pem })),
    result: async (serial) => {
      const r = await db
        .selectFrom('e_results as r')
        .leftJoin('e_results as n', 'n.id', 'r.superseded_by_id')
        .select(['r.serial', 'r.status', 'r.status_at', 'r.status_reason', 'n.serial as next_serial', 'r.valid_until', 'r.pdf_sha256', 'r.twin', 'r.cert_fingerprint'])
        .where('r.serial', '=', serial)
        .executeTakeFirst();
      return r ? { serial: r.serial, status: r.status, statusAt: r.status_at, statusReason: r.status_reason, supersededBy: r.next_serial, validUntil: r.valid_until, pdfSha256: r.pdf_sha256, twin: r.twin, certFingerprint: r.cert_fingerprint } : undefined;
    },
  };
}

function selectResult(db: Reader) {
  return db
    .selectFrom('e_results as r')
    .innerJoin('agencies as a', 'a.id', 'r.issuer_agency_id')
    .innerJoin('dossiers as d', 'd.id', 'r.dossier_id')
    .leftJoin('evidence_types as t', 't.code', 'r.evidence_type')
    .leftJoin('e_results as n', 'n.id', 'r.superseded_by_id')
    .leftJoin('e_results as p', 'p.id', 'r.supersedes_id')
    .select([
      'r.id', 'r.serial', 'r.dossier_id', 'r.holder_account_id', 'r.subject_name', 'r.subject_id', 'r.evidence_type', 'r.title', 'r.fields', 'r.issued_at', 'r.valid_until', 'r.pdf_sha256', 'r.twin',
      'r.status', 'r.status_at', 'r.status_reason', 'a.code as issuer_code', 'a.name as issuer_name', 'a.path as issuer_path', 'd.code as dossier_code', 't.fields as type_fields', 't.name as type_name',
      'n.serial as superseded_by', 'p.serial as supersedes',
    ]);
}
type ResultRow = NonNullable<Awaited<ReturnType<ReturnType<typeof selectResult>['executeTakeFirst']>>>;

/** What anyone holding the serial sees: status, issuer, dates, key fields with their labels, the twin. */
export function publicView(r: ResultRow, today: string) {
  const fields = JSON.parse(r.fields) as Record<string, string>;
  const defs = r.type_fields ? (JSON.parse(r.type_fields) as { key: string; label: string; labelEn?: string; kind: string }[]) : [];
  return {
    serial: r.serial,
    status: r.status,
    verdict: statusVerdict({ serial: r.serial, status: r.status, statusAt: r.status_at, statusReason: r.status_reason, supersededBy: r.superseded_by, validUntil: r.valid_until, pdfSha256: r.pdf_sha256, twin: r.twin, certFingerprint: '' }, today),
    title: r.title,
    evidenceType: r.evidence_type,
    issuer: { code: r.issuer_code, name: r.issuer_name },
    issuedAt: r.issued_at,
    validUntil: r.valid_until,
    subjectName: r.subject_name,
    fields: Object.entries(fields).map(([key, value]) => {
      const d = defs.find((x) => x.key === key);
      return { key, label: d?.label ?? key, labelEn: d?.labelEn ?? null, kind: d?.kind ?? 'text', value };
    }),
    statusAt: r.status_at,
    statusReason: r.status === 'revoked' ? r.status_reason : null,
    supersededBy: r.superseded_by,
    supersedes: r.supersedes,
    pdfSha256: r.pdf_sha256,
    twin: r.twin,
  };
}

export async function findBySerial(db: Reader, serial: string) {
  return selectResult(db).where('r.serial', '=', serial).executeTakeFirst();
}

/** The verification outcome with the result's public details when one was found. */
export async function withDetails(db: Reader, out: VerifyOutcome, today: string) {
  const r = out.serial ? await findBySerial(db, out.serial) : undefined;
  const view = r ? publicView(r, today) : null;
  // a tampered copy shows what the genuine result says, never the copy's claims
  return { ...out, result: view };
}

/** Results issued by agencies in the officer's scope (result.read), newest first. */
export async function listResults(db: Db, actor: Actor, q: { status?: string | undefined; q?: string | undefined; limit: number; offset: number }, today: string) {
  const paths = scopePaths(actor, 'result.read');
  if (paths.length === 0) throw new Forbidden();
  let query = selectResult(db).where((w) => w.or(paths.map((p) => w('a.path', 'like', `${p}%`))));
  if (q.status) query = query.where('r.status', '=', q.status);
  const term = q.q?.trim();
  if (term) query = query.where((w) => w.or([w('r.serial', '=', term.toUpperCase()), w('d.code', '=', term), w('r.subject_id', '=', term)]));
  const rows = await query.orderBy('r.issued_at', 'desc').orderBy('r.id', 'desc').limit(q.limit + 1).offset(q.offset).execute();
  return {
    items: rows.slice(0, q.limit).map((r) => ({
      serial: r.serial, title: r.title, status: r.status, verdict: publicView(r, today).verdict, issuer: { code: r.issuer_code, name: r.issuer_name }, dossierCode: r.dossier_code,
      subjectName: r.subject_name, issuedAt: r.issued_at, validUntil: r.valid_until, statusReason: r.status_reason, statusAt: r.status_at, supersededBy: r.superseded_by,
      canRevoke: r.status === 'valid' && can(actor, 'result.revoke', { agencyPath: r.issuer_path }),
    })),
    hasMore: rows.length > q.limit,
  };
}

/** May this actor read the result's PDF: its holder, or an officer with result.read over the issuer. */
export function mayRead(actor: Actor, r: ResultRow): boolean {
  const owner = actor.actingFor ?? actor.accountId;
  return r.holder_account_id === owner || can(actor, 'result.read', { agencyPath: r.issuer_path });
}

/**
 * Revokes a valid result (result.revoke over the issuer): status, event, `result_revoked` in the
 * dossier's log (its status stays), and a mail to the holder, in one transaction.
 */
export async function revokeResult(db: Db, actor: Actor, serial: string, reason: string, publicUrl: string, now: Date) {
  return db.transaction().execute(async (tx) => {
    const r = await findBySerial(tx, serial);
    if (!r || !can(actor, 'result.read', { agencyPath: r.issuer_path })) throw new NotFound(`result ${serial} not found`);
    const role = (['agency_leader', 'unit_head'] as const).find((x) => actor.grants.some((g) => g.role === x && r.issuer_path.startsWith(g.agencyPath)));
    if (!role || !can(actor, 'result.revoke', { agencyPath: r.issuer_path })) throw new Forbidden('only the head or leader of the issuing agency revokes its results', { reason: 'not_issuer' });
    if (r.status === 'revoked') throw new Conflict(`result ${serial} is already revoked`, { reason: 'already_revoked' });
    if (r.status !== 'valid') throw new Conflict(`result ${serial} is ${r.status}: only a valid result is revoked`, { reason: 'not_valid' });
    const at = now.toISOString();
    const changed = await tx.updateTable('e_results').set({ status: 'revoked', status_at: at, status_reason: reason, status_by: actor.accountId }).where('id', '=', r.id).where('status', '=', 'valid').executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) throw new Conflict(`result ${serial} changed meanwhile`, { reason: 'not_valid' });
    await tx.insertInto('e_result_events').values({ e_result_id: r.id, type: 'revoked', at, actor_id: actor.accountId, reason, related_result_id: null, dossier_id: r.dossier_id }).execute();
    const issuer = await tx.selectFrom('agencies').select('id').where('code', '=', r.issuer_code).executeTakeFirstOrThrow();
    await appendEvent(tx, r.dossier_id, { at: now, actor: role, actorId: actor.accountId, agencyId: issuer.id, type: 'result_revoked', payload: { serial, reason } });
    const d = await tx.selectFrom('dossiers').select(['applicant']).where('id', '=', r.dossier_id).executeTakeFirstOrThrow();
    const holder = r.holder_account_id !== null ? await tx.selectFrom('accounts').select('email').where('id', '=', r.holder_account_id).executeTakeFirst() : undefined;
    const to = holder?.email ?? (JSON.parse(d.applicant) as { email?: string | null }).email ?? null;
    if (to)
      await enqueueMail(tx, {
        to,
        subject: `Kết quả ${r.serial} đã bị thu hồi`,
        text: `${r.issuer_name} thu hồi ${r.title} số ${r.serial} (hồ sơ ${r.dossier_code}).\nLý do: ${reason}\nXác minh: ${publicUrl}/xac-minh/${r.serial}\n\n— The result ${r.serial} was revoked by the issuing agency.`,
      }, now);
    return { serial, status: 'revoked' as const, statusAt: at, statusReason: reason };
  });
}

/**
 * The issuing officer's e-result form for a dossier: the procedure's evidence type and relation,
 * the fields pre-filled from the dossier, and the earlier result it would supersede. For an
 * officer who may record the result on an open step now; others: 404.
 */
export async function resultDraft(db: Db, actor: Actor, code: string) {
  const d = await db
    .selectFrom('dossiers')
    .select(['id', 'code', 'status', 'applicant', 'applicant_account_id', 'form_data', 'procedure_version_id', 'workflow_template_id'])
    .where('code', '=', code)
    .executeTakeFirst();
  if (!d) throw new NotFound(`dossier ${code} not found`);
  const tasks = await db
    .selectFrom('dossier_tasks as t')
    .innerJoin('agencies as a', 'a.id', 't.agency_id')
    .select(['t.kind', 't.step_id', 't.role', 't.assignee_id', 'a.path as agency_path'])
    .where('t.dossier_id', '=', d.id)
    .where('t.status', '=', 'open')
    .execute();
  const version = await getVersionById(db, d.procedure_version_id);
  const definition = await pinnedTemplate(db as unknown as Transaction<Database>, d, version);
  if (!tasks.some((t) => allowedActions(actor, t, definition, d.status).includes('record_result'))) throw new NotFound(`dossier ${code} not found`);
  const found = await findEvidenceTypeOfProcedure(db, version.nationalCode);
  if (!found) return { evidenceType: null, relation: null, fields: [], supersedes: null };
  const applicant = JSON.parse(d.applicant) as DraftSource['applicant'];
  const src: DraftSource = { form: JSON.parse(d.form_data) as Record<string, unknown>, applicant };
  let supersedes: { serial: string; title: string; issuedAt: string } | null = null;
  if (found.relation !== 'issue') {
    const old = await findSuperseded(db as unknown as Transaction<Database>, d, found.type, undefined);
    if (old) supersedes = { serial: old.serial, title: old.title, issuedAt: old.issued_at };
  }
  return {
    evidenceType: { code: found.type.code, name: found.type.name, nameEn: found.type.nameEn ?? null, validityMonths: found.type.validityMonths ?? null },
    relation: found.relation,
    fields: found.type.fields.map((f) => ({ key: f.key, label: f.label, labelEn: f.labelEn ?? null, kind: f.kind, required: f.required, value: prefill(f, src) })),
    supersedes,
  };
}
