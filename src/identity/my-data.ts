// "All my data" (privacy, #7): everything the platform holds about the logged-in account, as one
// JSON document the person downloads — profile, dossiers (with form data and document metadata),
// data store items, e-results held, registry records about them, every registry lookup of their
// identifiers, the access log of officers' reads, and delegations. Files themselves are not
// included (their metadata and sha256 are); each is downloadable from its own page.
import type { Db } from '../db/connect.js';
import { lookupsOf, recordsOf } from '../registries/store.js';
import { findAccountById, listAccess, listDelegations, presentProfile } from './store.js';

export interface MyDataExport {
  exportedAt: string;
  format: 'motcua.my-data/1';
  profile: ReturnType<typeof presentProfile>;
  dossiers: unknown[];
  dataStore: unknown[];
  eResults: unknown[];
  registryRecords: Awaited<ReturnType<typeof recordsOf>>;
  registryLookups: Awaited<ReturnType<typeof lookupsOf>>;
  accessLog: Awaited<ReturnType<typeof listAccess>>;
  delegations: Awaited<ReturnType<typeof listDelegations>>;
}

const parse = (s: string | null): unknown => {
  if (s === null) return null;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
};

export async function buildMyDataExport(db: Db, accountId: number, now: Date): Promise<MyDataExport> {
  const account = await findAccountById(db, accountId);
  if (!account) throw new Error('account not found');
  const dossiers = await db
    .selectFrom('dossiers as d')
    .innerJoin('procedure_versions as pv', 'pv.id', 'd.procedure_version_id')
    .innerJoin('procedures as p', 'p.id', 'pv.procedure_id')
    .innerJoin('agencies as a', 'a.id', 'd.receiving_agency_id')
    .select(['d.id', 'd.code', 'p.national_code', 'pv.name as procedure', 'a.name as agency', 'd.channel', 'd.status', 'd.applicant', 'd.form_data', 'd.return_method', 'd.submitted_at', 'd.received_at', 'd.due_at', 'd.closed_at'])
    .where('d.applicant_account_id', '=', accountId)
    .orderBy('d.id')
    .execute();
  const ids = dossiers.map((d) => d.id);
  const documents = ids.length === 0 ? [] : await db
    .selectFrom('dossier_documents')
    .select(['id', 'dossier_id', 'requirement_code', 'filename', 'media_type', 'size', 'sha256', 'source', 'evidence_type', 'consent_at', 'reused', 'digitised'])
    .where('dossier_id', 'in', ids)
    .orderBy('id')
    .execute();
  const store = await db
    .selectFrom('data_store_items')
    .select(['id', 'title', 'evidence_type', 'issuer_name', 'issued_on', 'valid_until', 'filename', 'media_type', 'size', 'sha256', 'source', 'created_at', 'removed_at'])
    .where('owner_account_id', '=', accountId)
    .orderBy('id')
    .execute();
  const results = await db
    .selectFrom('e_results as r')
    .innerJoin('agencies as a', 'a.id', 'r.issuer_agency_id')
    .innerJoin('dossiers as d', 'd.id', 'r.dossier_id')
    .select(['r.serial', 'r.title', 'r.evidence_type', 'a.name as issuer', 'd.code as dossier_code', 'r.fields', 'r.issued_at', 'r.valid_until', 'r.status', 'r.status_at', 'r.status_reason'])
    .where('r.holder_account_id', '=', accountId)
    .orderBy('r.id')
    .execute();
  return {
    exportedAt: now.toISOString(),
    format: 'motcua.my-data/1',
    profile: presentProfile(account),
    dossiers: dossiers.map((d) => ({
      code: d.code, procedureCode: d.national_code, procedure: d.procedure, receivingAgency: d.agency, channel: d.channel, status: d.status,
      applicant: parse(d.applicant), form: parse(d.form_data), returnMethod: d.return_method,
      submittedAt: d.submitted_at, receivedAt: d.received_at, dueAt: d.due_at, closedAt: d.closed_at,
      documents: documents.filter((x) => x.dossier_id === d.id).map((x) => ({
        id: x.id, requirement: x.requirement_code, filename: x.filename, mediaType: x.media_type, size: x.size, sha256: x.sha256, source: x.source,
        evidenceType: x.evidence_type, consentAt: x.consent_at, reused: x.reused === 1, digitised: x.digitised === 1,
      })),
    })),
    dataStore: store.map((s) => ({
      id: s.id, title: s.title, evidenceType: s.evidence_type, issuerName: s.issuer_name, issuedOn: s.issued_on, validUntil: s.valid_until,
      filename: s.filename, mediaType: s.media_type, size: s.size, sha256: s.sha256, source: s.source, createdAt: s.created_at, removedAt: s.removed_at,
    })),
    eResults: results.map((r) => ({
      serial: r.serial, title: r.title, evidenceType: r.evidence_type, issuer: r.issuer, dossierCode: r.dossier_code, fields: parse(r.fields),
      issuedAt: r.issued_at, validUntil: r.valid_until, status: r.status, statusAt: r.status_at, statusReason: r.status_reason,
    })),
    registryRecords: await recordsOf(db, [accountId]),
    registryLookups: await lookupsOf(db, [accountId], 5000),
    accessLog: await listAccess(db, { subjectAccountId: accountId }, 5000),
    delegations: await listDelegations(db, accountId),
  };
}
