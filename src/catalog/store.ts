// All SQL of the catalog module.
import { createHash } from 'node:crypto';
import { type Kysely, type Transaction, sql } from 'kysely';
import { type Db, engineOf } from '../db/connect.js';
import type { Database } from '../db/types.js';
import { NotFound } from '../lib/errors.js';
import { foldVietnamese, searchTerms } from '../lib/vn-text.js';
import type {
  Agency,
  AgencyRecord,
  FieldRecord,
  Group,
  GroupRecord,
  ProcedureDetail,
  ProcedureRecord,
  ProcedureSearchQuery,
  ProcedureSearchResult,
  ProcedureSummary,
  TimeLimit,
} from './schemas.js';

type Conn = Kysely<Database> | Transaction<Database>;

/** The part of a procedure version kept as one JSON document. */
interface VersionContent {
  documents: ProcedureRecord['documents'];
  fees: ProcedureRecord['fees'];
  steps: string[];
  resultType: string;
  legalBasis: ProcedureRecord['legalBasis'];
  formSchema: ProcedureRecord['formSchema'];
  agencyCodes: string[];
  levels: string[];
}

const flag = (b: boolean) => (b ? 1 : 0);

// ---------- fields ----------

export async function upsertField(db: Conn, f: FieldRecord): Promise<void> {
  await db
    .insertInto('fields')
    .values({ code: f.code, name: f.name, name_en: f.nameEn ?? null })
    .onConflict((oc) => oc.column('code').doUpdateSet({ name: f.name, name_en: f.nameEn ?? null }))
    .execute();
}

export async function listFields(db: Db, today: string) {
  const rows = await db
    .selectFrom('fields as f')
    .select(['f.code', 'f.name', 'f.name_en'])
    .select((eb) =>
      eb
        .selectFrom('procedure_versions as pv')
        .whereRef('pv.field_code', '=', 'f.code')
        .where((w) => inForce(w.ref('pv.id'), today))
        .select((s) => s.fn.countAll<number>().as('n'))
        .as('procedure_count'),
    )
    .execute();
  // Vietnamese alphabetical order (Đ after D), which neither engine's default collation gives.
  const collator = new Intl.Collator('vi');
  return rows
    .map((r) => ({ code: r.code, name: r.name, nameEn: r.name_en, procedureCount: Number(r.procedure_count ?? 0) }))
    .sort((a, b) => collator.compare(a.name, b.name));
}

// ---------- agencies ----------

/** Inserts or updates agencies by code, then recomputes the materialised paths of the whole tree. */
export async function upsertAgencies(db: Conn, records: AgencyRecord[], now: string): Promise<void> {
  for (const a of records) {
    const values = {
      code: a.code,
      name: a.name,
      name_en: a.nameEn ?? null,
      name_folded: foldVietnamese(`${a.name} ${a.shortName}`),
      short_name: a.shortName,
      level: a.level,
      address: a.address,
      phone: a.phone ?? null,
      email: a.email ?? null,
      website: a.website ?? null,
      has_one_stop_desk: flag(a.hasOneStopDesk),
      verified: flag(a.verified),
      note: a.note ?? null,
      territory_code: a.territoryCode ?? null,
      updated_at: now,
    };
    await db
      .insertInto('agencies')
      .values({ ...values, parent_id: null, path: '/' })
      .onConflict((oc) => oc.column('code').doUpdateSet(values))
      .execute();
  }
  const ids = new Map((await db.selectFrom('agencies').select(['id', 'code']).execute()).map((r) => [r.code, r.id]));
  for (const a of records) {
    await db
      .updateTable('agencies')
      .set({ parent_id: a.parentCode === null ? null : (ids.get(a.parentCode) ?? null) })
      .where('code', '=', a.code)
      .execute();
  }
  await recomputeAgencyPaths(db);
}

async function recomputeAgencyPaths(db: Conn): Promise<void> {
  const rows = await db.selectFrom('agencies').select(['id', 'parent_id', 'path']).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const memo = new Map<number, string>();
  const pathOf = (id: number, depth = 0): string => {
    const known = memo.get(id);
    if (known) return known;
    const row = byId.get(id);
    if (!row || depth > rows.length) throw new Error(`agency tree is broken at id ${id}`);
    const p = (row.parent_id === null ? '/' : pathOf(row.parent_id, depth + 1)) + `${id}/`;
    memo.set(id, p);
    return p;
  };
  for (const r of rows) {
    const p = pathOf(r.id);
    if (p !== r.path) await db.updateTable('agencies').set({ path: p }).where('id', '=', r.id).execute();
  }
}

const agencyColumns = [
  'a.id', 'a.code', 'a.name', 'a.name_en', 'a.short_name', 'a.level', 'a.address', 'a.phone',
  'a.email', 'a.website', 'a.has_one_stop_desk', 'a.verified', 'a.note', 'a.path', 'a.territory_code',
] as const;

function agencyQuery(db: Db) {
  return db
    .selectFrom('agencies as a')
    .leftJoin('agencies as p', 'p.id', 'a.parent_id')
    .select(agencyColumns)
    .select('p.code as parent_code')
    .select((eb) => eb.selectFrom('agencies as c').whereRef('c.parent_id', '=', 'a.id').select((s) => s.fn.countAll<number>().as('n')).as('child_count'));
}

type AgencyRow = Awaited<ReturnType<ReturnType<typeof agencyQuery>['executeTakeFirstOrThrow']>>;

function presentAgency(r: AgencyRow): Agency {
  return {
    id: r.id,
    code: r.code,
    parentCode: r.parent_code ?? null,
    name: r.name,
    nameEn: r.name_en,
    shortName: r.short_name,
    level: r.level as Agency['level'],
    address: r.address,
    phone: r.phone,
    email: r.email,
    website: r.website,
    hasOneStopDesk: r.has_one_stop_desk === 1,
    verified: r.verified === 1,
    note: r.note,
    childCount: Number(r.child_count ?? 0),
  };
}

export async function listAgencies(db: Db, filter: { parent?: string; level?: string; q?: string }): Promise<Agency[]> {
  let q = agencyQuery(db);
  if (filter.parent === 'root') q = q.where('a.parent_id', 'is', null);
  else if (filter.parent) {
    const parent = await db.selectFrom('agencies').select('id').where('code', '=', filter.parent).executeTakeFirst();
    if (!parent) throw new NotFound(`agency ${filter.parent} not found`);
    q = q.where('a.parent_id', '=', parent.id);
  }
  if (filter.level) q = q.where('a.level', '=', filter.level);
  for (const term of searchTerms(filter.q ?? '')) q = q.where('a.name_folded', 'like', `%${term}%`);
  const rows = await q.orderBy('a.code').limit(1000).execute();
  return rows.map(presentAgency);
}

export async function getAgency(db: Db, code: string): Promise<Agency> {
  const row = await agencyQuery(db).where('a.code', '=', code).executeTakeFirst();
  if (!row) throw new NotFound(`agency ${code} not found`);
  return presentAgency(row);
}

// ---------- procedures ----------

/**
 * The version of a procedure in force on `day`: started on or before it, not repealed,
 * and not superseded by a later-starting (or same-day, higher-numbered) version.
 */
function inForce(versionId: unknown, day: string) {
  return sql<boolean>`exists (
    select 1 from procedure_versions cur
    where cur.id = ${versionId}
      and cur.effective_from <= ${day}
      and (cur.effective_to is null or cur.effective_to > ${day})
      and not exists (
        select 1 from procedure_versions newer
        where newer.procedure_id = cur.procedure_id
          and newer.effective_from <= ${day}
          and (newer.effective_from > cur.effective_from
               or (newer.effective_from = cur.effective_from and newer.version > cur.version))))`;
}

function contentHash(p: ProcedureRecord): string {
  // the workflow is versioned on its own (workflow_templates): changing it does not make a new procedure version
  const { effectiveFrom: _from, workflow: _workflow, ...rest } = p;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

export type VersionOutcome = 'created' | 'unchanged';

/** A template from a catalog file becomes a new template version unless the latest one is the same. */
async function addTemplateFromCatalog(db: Conn, procedureId: number, effectiveFrom: string, definition: NonNullable<ProcedureRecord['workflow']>, now: string): Promise<void> {
  const text = JSON.stringify(definition);
  const last = await db.selectFrom('workflow_templates').select(['version', 'effective_from', 'definition']).where('procedure_id', '=', procedureId).orderBy('version', 'desc').executeTakeFirst();
  if (last && last.definition === text && last.effective_from === effectiveFrom) return;
  await db
    .insertInto('workflow_templates')
    .values({ procedure_id: procedureId, version: (last?.version ?? 0) + 1, effective_from: effectiveFrom, definition: text, note: 'từ danh mục thủ tục (import)', created_at: now, created_by: null })
    .execute();
}

/**
 * Editing a procedure creates a new version; versions are never rewritten, because
 * a dossier pins the version it was received under. An identical re-import is a no-op.
 */
export async function addProcedureVersion(db: Conn, p: ProcedureRecord, fieldName: string, now: string): Promise<VersionOutcome> {
  const hash = contentHash(p);
  let procedure = await db.selectFrom('procedures').select('id').where('national_code', '=', p.nationalCode).executeTakeFirst();
  if (!procedure) {
    procedure = await db.insertInto('procedures').values({ national_code: p.nationalCode, created_at: now }).returning('id').executeTakeFirstOrThrow();
  }
  if (p.workflow) await addTemplateFromCatalog(db, procedure.id, p.effectiveFrom, p.workflow, now);
  const same = await db
    .selectFrom('procedure_versions')
    .select('id')
    .where('procedure_id', '=', procedure.id)
    .where('effective_from', '=', p.effectiveFrom)
    .where('content_hash', '=', hash)
    .executeTakeFirst();
  if (same) return 'unchanged';
  const last = await db
    .selectFrom('procedure_versions')
    .select((s) => s.fn.max('version').as('v'))
    .where('procedure_id', '=', procedure.id)
    .executeTakeFirst();
  const version = Number(last?.v ?? 0) + 1;
  const content: VersionContent = {
    documents: p.documents,
    fees: p.fees,
    steps: p.steps,
    resultType: p.resultType,
    legalBasis: p.legalBasis,
    formSchema: p.formSchema,
    agencyCodes: p.agencyCodes ?? [],
    levels: p.levels,
  };
  const searchBody = foldVietnamese(
    [p.nationalCode, p.nameEn ?? '', fieldName, p.resultType, ...p.documents.map((d) => d.name), ...p.steps].join(' '),
  );
  const row = await db
    .insertInto('procedure_versions')
    .values({
      procedure_id: procedure.id,
      version,
      effective_from: p.effectiveFrom,
      effective_to: p.effectiveTo ?? null,
      name: p.name,
      name_en: p.nameEn ?? null,
      name_folded: foldVietnamese(p.name),
      search_body: searchBody,
      field_code: p.fieldCode,
      online_level: p.onlineLevel,
      applicant_types: JSON.stringify(p.applicantTypes),
      time_limit: JSON.stringify(p.timeLimit),
      content: JSON.stringify(content),
      content_hash: hash,
      has_fee: flag(p.fees.some((f) => f.amountVnd === null || f.amountVnd > 0)),
      verified: flag(p.verified),
      note: p.note ?? null,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (p.levels.length) await db.insertInto('procedure_version_levels').values(p.levels.map((level) => ({ version_id: row.id, level }))).execute();
  if (p.agencyCodes?.length) {
    const agencies = await db.selectFrom('agencies').select('id').where('code', 'in', p.agencyCodes).execute();
    await db.insertInto('procedure_version_agencies').values(agencies.map((a) => ({ version_id: row.id, agency_id: a.id }))).execute();
  }
  if (engineOf(db) === 'sqlite') {
    await sql`insert into procedure_search(rowid, name, body) values (${row.id}, ${foldVietnamese(p.name)}, ${searchBody})`.execute(db);
  }
  return 'created';
}

function summaryQuery(db: Db, today: string) {
  return db
    .selectFrom('procedure_versions as pv')
    .innerJoin('procedures as p', 'p.id', 'pv.procedure_id')
    .innerJoin('fields as f', 'f.code', 'pv.field_code')
    .where((w) => inForce(w.ref('pv.id'), today))
    .select([
      'pv.id', 'p.national_code', 'pv.version', 'pv.name', 'pv.name_en', 'pv.name_folded', 'pv.field_code',
      'f.name as field_name', 'pv.online_level', 'pv.time_limit', 'pv.has_fee', 'pv.content',
    ]);
}

/** Name matches first: the exact name, then names starting with the query, then containing it. */
function nameMatchRank(phrase: string) {
  return sql`case when pv.name_folded = ${phrase} then 0 when pv.name_folded like ${`${phrase}%`} then 1
    when pv.name_folded like ${`%${phrase}%`} then 2 else 3 end`;
}

export async function searchProcedures(db: Db, query: ProcedureSearchQuery, today: string): Promise<ProcedureSearchResult> {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const terms = searchTerms(query.q ?? '');
  const engine = engineOf(db);
  let q = summaryQuery(db, today);
  if (query.field) q = q.where('pv.field_code', '=', query.field);
  if (query.onlineLevel) q = q.where('pv.online_level', '=', query.onlineLevel);
  if (query.applicantType) q = q.where('pv.applicant_types', 'like', `%"${query.applicantType}"%`);
  if (query.level) {
    const level = query.level;
    q = q.where((w) => w.exists(w.selectFrom('procedure_version_levels as l').whereRef('l.version_id', '=', 'pv.id').where('l.level', '=', level).select('l.version_id')));
  }
  if (query.agency) {
    // Procedures an agency handles: named for it explicitly, or (naming no agency) resolved at its level.
    const agency = await db.selectFrom('agencies').select(['id', 'level']).where('code', '=', query.agency).executeTakeFirst();
    if (!agency) throw new NotFound(`agency ${query.agency} not found`);
    q = q.where((w) =>
      w.or([
        w.exists(w.selectFrom('procedure_version_agencies as va').whereRef('va.version_id', '=', 'pv.id').where('va.agency_id', '=', agency.id).select('va.version_id')),
        w.and([
          w.not(w.exists(w.selectFrom('procedure_version_agencies as vb').whereRef('vb.version_id', '=', 'pv.id').select('vb.version_id'))),
          w.exists(w.selectFrom('procedure_version_levels as lv').whereRef('lv.version_id', '=', 'pv.id').where('lv.level', '=', agency.level).select('lv.version_id')),
        ]),
      ]),
    );
  }
  const phrase = terms.join(' ');
  let ranked;
  if (terms.length === 0) {
    ranked = q.orderBy('pv.name_folded');
  } else if (engine === 'sqlite') {
    const match = terms.map((t) => `"${t}"*`).join(' ');
    ranked = q
      .innerJoin(sql<{ rowid: number; rank: number }>`(select rowid, bm25(procedure_search, 10.0, 1.0) as rank from procedure_search where procedure_search match ${match})`.as('s'), (j) => j.onRef('s.rowid', '=', 'pv.id'))
      .orderBy(nameMatchRank(phrase))
      .orderBy(sql`s.rank`)
      .orderBy('pv.name_folded');
  } else {
    const tsquery = terms.map((t) => `${t}:*`).join(' & ');
    ranked = q
      .where(sql<boolean>`pv.search_vector @@ to_tsquery('simple', ${tsquery})`)
      .orderBy(nameMatchRank(phrase))
      .orderBy(sql`ts_rank(pv.search_vector, to_tsquery('simple', ${tsquery})) desc`)
      .orderBy('pv.name_folded');
  }
  const [rows, count] = await Promise.all([
    ranked.limit(pageSize).offset((page - 1) * pageSize).execute(),
    db.selectFrom(ranked.as('r')).select((s) => s.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const items: ProcedureSummary[] = rows.map((r) => ({
    nationalCode: r.national_code,
    version: r.version,
    name: r.name,
    nameEn: r.name_en,
    fieldCode: r.field_code,
    fieldName: r.field_name,
    levels: (JSON.parse(r.content) as VersionContent).levels as ProcedureSummary['levels'],
    onlineLevel: r.online_level as ProcedureSummary['onlineLevel'],
    timeLimit: JSON.parse(r.time_limit) as TimeLimit,
    hasFee: r.has_fee === 1,
  }));
  return { items, total: Number(count.n), page, pageSize };
}

function detailQuery(db: Db) {
  return db
    .selectFrom('procedure_versions as pv')
    .innerJoin('procedures as p', 'p.id', 'pv.procedure_id')
    .innerJoin('fields as f', 'f.code', 'pv.field_code')
    .selectAll('pv')
    .select(['p.national_code', 'f.name as field_name']);
}

/** The procedure version in force on `day` (or a given version number). */
export async function getProcedure(db: Db, nationalCode: string, day: string, versionNumber?: number): Promise<ProcedureDetail> {
  let q = detailQuery(db).where('p.national_code', '=', nationalCode);
  q = versionNumber === undefined ? q.where((w) => inForce(w.ref('pv.id'), day)) : q.where('pv.version', '=', versionNumber);
  const r = await q.executeTakeFirst();
  if (!r) throw new NotFound(`procedure ${nationalCode} is not in force on ${day}`);
  const content = JSON.parse(r.content) as VersionContent;
  const agencies = await db
    .selectFrom('procedure_version_agencies as va')
    .innerJoin('agencies as a', 'a.id', 'va.agency_id')
    .select(['a.code', 'a.name'])
    .where('va.version_id', '=', r.id)
    .orderBy('a.code')
    .execute();
  const groups = await db
    .selectFrom('procedure_group_members as m')
    .innerJoin('procedure_groups as g', 'g.id', 'm.group_id')
    .select(['g.code', 'g.name'])
    .where('m.procedure_id', '=', r.procedure_id)
    .orderBy('g.code')
    .execute();
  return {
    nationalCode: r.national_code,
    version: r.version,
    effectiveFrom: r.effective_from,
    effectiveTo: r.effective_to,
    name: r.name,
    nameEn: r.name_en,
    fieldCode: r.field_code,
    fieldName: r.field_name,
    levels: content.levels as ProcedureDetail['levels'],
    agencies,
    applicantTypes: JSON.parse(r.applicant_types) as ProcedureDetail['applicantTypes'],
    onlineLevel: r.online_level as ProcedureDetail['onlineLevel'],
    timeLimit: JSON.parse(r.time_limit) as TimeLimit,
    documents: content.documents,
    fees: content.fees,
    steps: content.steps,
    resultType: content.resultType,
    legalBasis: content.legalBasis,
    formSchema: content.formSchema,
    verified: r.verified === 1,
    note: r.note,
    groups,
  };
}

export async function listProcedureVersions(db: Db, nationalCode: string, today: string) {
  const rows = await db
    .selectFrom('procedure_versions as pv')
    .innerJoin('procedures as p', 'p.id', 'pv.procedure_id')
    .select(['pv.id', 'pv.version', 'pv.effective_from', 'pv.effective_to', 'pv.name'])
    .select((eb) => inForce(eb.ref('pv.id'), today).as('in_force'))
    .where('p.national_code', '=', nationalCode)
    .orderBy('pv.version')
    .execute();
  if (rows.length === 0) throw new NotFound(`procedure ${nationalCode} not found`);
  return rows.map((r) => ({ version: r.version, effectiveFrom: r.effective_from, effectiveTo: r.effective_to, name: r.name, inForce: Boolean(r.in_force) }));
}

/** Every version of every procedure as catalog records (for export). */
export async function exportProcedureRecords(db: Db): Promise<ProcedureRecord[]> {
  const rows = await detailQuery(db).orderBy('p.national_code').orderBy('pv.version').execute();
  // a template that starts with a version travels with it; the latest such template wins
  const templates = await db.selectFrom('workflow_templates').select(['procedure_id', 'effective_from', 'definition']).orderBy('version', 'desc').execute();
  return rows.map((r) => {
    const c = JSON.parse(r.content) as VersionContent;
    const rec: ProcedureRecord = {
      nationalCode: r.national_code,
      effectiveFrom: r.effective_from,
      name: r.name,
      fieldCode: r.field_code,
      levels: c.levels as ProcedureRecord['levels'],
      applicantTypes: JSON.parse(r.applicant_types) as ProcedureRecord['applicantTypes'],
      onlineLevel: r.online_level as ProcedureRecord['onlineLevel'],
      timeLimit: JSON.parse(r.time_limit) as TimeLimit,
      documents: c.documents,
      fees: c.fees,
      steps: c.steps,
      resultType: c.resultType,
      legalBasis: c.legalBasis,
      formSchema: c.formSchema,
      verified: r.verified === 1,
    };
    if (r.effective_to) rec.effectiveTo = r.effective_to;
    if (r.name_en) rec.nameEn = r.name_en;
    if (c.agencyCodes.length) rec.agencyCodes = c.agencyCodes;
    if (r.note) rec.note = r.note;
    const wf = templates.find((t) => t.procedure_id === r.procedure_id && t.effective_from === r.effective_from);
    if (wf) rec.workflow = JSON.parse(wf.definition) as NonNullable<ProcedureRecord['workflow']>;
    return rec;
  });
}

export async function exportAgencyRecords(db: Db): Promise<AgencyRecord[]> {
  const rows = await agencyQuery(db).orderBy('a.path').execute();
  return rows.map((r) => {
    const a = presentAgency(r);
    const rec: AgencyRecord = {
      code: a.code, parentCode: a.parentCode, name: a.name, shortName: a.shortName, level: a.level,
      address: a.address, hasOneStopDesk: a.hasOneStopDesk, verified: a.verified,
    };
    if (a.nameEn) rec.nameEn = a.nameEn;
    if (a.phone) rec.phone = a.phone;
    if (a.email) rec.email = a.email;
    if (a.website) rec.website = a.website;
    if (a.note) rec.note = a.note;
    if (r.territory_code) rec.territoryCode = r.territory_code;
    return rec;
  });
}

export async function exportFieldRecords(db: Db): Promise<FieldRecord[]> {
  const rows = await db.selectFrom('fields').selectAll().orderBy('code').execute();
  return rows.map((r) => (r.name_en ? { code: r.code, name: r.name, nameEn: r.name_en } : { code: r.code, name: r.name }));
}

// ---------- groups ----------

export async function upsertGroup(db: Conn, g: GroupRecord): Promise<void> {
  const values = {
    code: g.code,
    name: g.name,
    name_en: g.nameEn ?? null,
    description: g.description,
    receiving_level: g.receivingLevel,
    time_limit: JSON.stringify(g.timeLimit),
    legal_basis: JSON.stringify(g.legalBasis),
    verified: flag(g.verified),
    note: g.note ?? null,
  };
  const row = await db
    .insertInto('procedure_groups')
    .values(values)
    .onConflict((oc) => oc.column('code').doUpdateSet(values))
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.deleteFrom('procedure_group_members').where('group_id', '=', row.id).execute();
  for (const m of g.members) {
    const p = await db.selectFrom('procedures').select('id').where('national_code', '=', m.nationalCode).executeTakeFirstOrThrow();
    await db
      .insertInto('procedure_group_members')
      .values({ group_id: row.id, procedure_id: p.id, position: m.order, responsible_level: m.responsibleLevel, task: m.task })
      .execute();
  }
}

export async function listGroups(db: Db, today: string, code?: string): Promise<Group[]> {
  let q = db.selectFrom('procedure_groups').selectAll().orderBy('code');
  if (code) q = q.where('code', '=', code);
  const groups = await q.execute();
  const result: Group[] = [];
  for (const g of groups) {
    const members = await db
      .selectFrom('procedure_group_members as m')
      .innerJoin('procedures as p', 'p.id', 'm.procedure_id')
      .leftJoin('procedure_versions as pv', (j) => j.onRef('pv.procedure_id', '=', 'p.id').on((w) => inForce(w.ref('pv.id'), today)))
      .select(['p.national_code', 'pv.name', 'm.position', 'm.responsible_level', 'm.task'])
      .where('m.group_id', '=', g.id)
      .orderBy('m.position')
      .execute();
    result.push({
      code: g.code,
      name: g.name,
      nameEn: g.name_en,
      description: g.description,
      receivingLevel: g.receiving_level as Group['receivingLevel'],
      timeLimit: JSON.parse(g.time_limit) as TimeLimit,
      legalBasis: JSON.parse(g.legal_basis) as Group['legalBasis'],
      verified: g.verified === 1,
      note: g.note,
      members: members.map((m) => ({
        nationalCode: m.national_code,
        name: m.name ?? m.national_code,
        order: m.position,
        responsibleLevel: m.responsible_level as Group['receivingLevel'],
        task: m.task,
      })),
    });
  }
  return result;
}

export async function getGroup(db: Db, code: string, today: string): Promise<Group> {
  const [g] = await listGroups(db, today, code);
  if (!g) throw new NotFound(`group ${code} not found`);
  return g;
}

export async function exportGroupRecords(db: Db, today: string): Promise<GroupRecord[]> {
  return (await listGroups(db, today)).map((g) => {
    const rec: GroupRecord = {
      code: g.code, name: g.name, description: g.description, receivingLevel: g.receivingLevel, timeLimit: g.timeLimit,
      legalBasis: g.legalBasis, verified: g.verified,
      members: g.members.map((m) => ({ nationalCode: m.nationalCode, order: m.order, responsibleLevel: m.responsibleLevel, task: m.task })),
    };
    if (g.nameEn) rec.nameEn = g.nameEn;
    if (g.note) rec.note = g.note;
    return rec;
  });
}

export async function countCatalog(db: Db) {
  const count = async (t: 'agencies' | 'procedures' | 'procedure_versions' | 'procedure_groups') =>
    Number((await db.selectFrom(t).select((s) => s.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { agencies: await count('agencies'), procedures: await count('procedures'), versions: await count('procedure_versions'), groups: await count('procedure_groups') };
}

// ---------- used by intake ----------

export interface VersionForIntake {
  id: number;
  nationalCode: string;
  version: number;
  name: string;
  timeLimit: TimeLimit;
  documents: ProcedureRecord['documents'];
  formSchema: ProcedureRecord['formSchema'];
  levels: string[];
  agencyCodes: string[];
}

function presentVersionForIntake(r: { id: number; national_code: string; version: number; name: string; time_limit: string; content: string }): VersionForIntake {
  const c = JSON.parse(r.content) as VersionContent;
  return { id: r.id, nationalCode: r.national_code, version: r.version, name: r.name, timeLimit: JSON.parse(r.time_limit) as TimeLimit, documents: c.documents, formSchema: c.formSchema, levels: c.levels, agencyCodes: c.agencyCodes };
}

/** The version in force on `day`, or undefined when the procedure has none (repealed, not yet in force). */
export async function findVersionInForce(db: Kysely<Database> | Transaction<Database>, nationalCode: string, day: string): Promise<VersionForIntake | undefined> {
  const r = await db
    .selectFrom('procedure_versions as pv')
    .innerJoin('procedures as p', 'p.id', 'pv.procedure_id')
    .select(['pv.id', 'p.national_code', 'pv.version', 'pv.name', 'pv.time_limit', 'pv.content'])
    .where('p.national_code', '=', nationalCode)
    .where((w) => inForce(w.ref('pv.id'), day))
    .executeTakeFirst();
  return r ? presentVersionForIntake(r) : undefined;
}

export async function getVersionById(db: Kysely<Database> | Transaction<Database>, id: number): Promise<VersionForIntake> {
  const r = await db
    .selectFrom('procedure_versions as pv')
    .innerJoin('procedures as p', 'p.id', 'pv.procedure_id')
    .select(['pv.id', 'p.national_code', 'pv.version', 'pv.name', 'pv.time_limit', 'pv.content'])
    .where('pv.id', '=', id)
    .executeTakeFirstOrThrow();
  return presentVersionForIntake(r);
}

/** Whether an agency receives a procedure version: named explicitly, or (none named) at its level. */
export function agencyHandles(v: VersionForIntake, agency: { code: string; level: string }): boolean {
  return v.agencyCodes.length > 0 ? v.agencyCodes.includes(agency.code) : v.levels.includes(agency.level);
}
