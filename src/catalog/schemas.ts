// TypeBox schemas of the catalog: the import/export file format and the API's
// request/response shapes. Each schema's static type shares its name.
import Type, { type Static } from 'typebox';
import { WorkflowDefinition } from '../workflow/template.js';
import { EVIDENCE_FIELD_KINDS, REGISTRIES } from './evidence.js';

const Text = (maxLength = 500) => Type.String({ minLength: 1, maxLength });
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'yyyy-mm-dd (Vietnam local date)' });

/** Levels of the agency tree. "central" = a central agency located in the city (police, tax, social insurance). */
export const AGENCY_LEVELS = ['city', 'department', 'district', 'commune', 'central', 'unit'] as const;
export const AgencyLevel = Type.Enum(AGENCY_LEVELS);
export type AgencyLevel = Static<typeof AgencyLevel>;

/** Levels at which a procedure is resolved (DOMAIN.md §8). */
export const PROCEDURE_LEVELS = ['commune', 'district', 'city', 'central'] as const;
export const ProcedureLevel = Type.Enum(PROCEDURE_LEVELS);
export type ProcedureLevel = Static<typeof ProcedureLevel>;

export const APPLICANT_TYPES = ['citizen', 'business'] as const;
export const ApplicantType = Type.Enum(APPLICANT_TYPES);

/** Online service level since 2022: toàn trình (full) / một phần (partial) / none. */
export const ONLINE_LEVELS = ['full', 'partial', 'none'] as const;
export const OnlineLevel = Type.Enum(ONLINE_LEVELS);
export type OnlineLevel = Static<typeof OnlineLevel>;

export const TIME_UNITS = ['working_days', 'days', 'working_hours', 'hours', 'months'] as const;
export const TimeUnit = Type.Enum(TIME_UNITS);

export const DOCUMENT_FORMS = ['original', 'copy', 'certified_copy', 'original_or_copy', 'presented'] as const;
export const DocumentForm = Type.Enum(DOCUMENT_FORMS);

const Verification = {
  verified: Type.Boolean({ description: 'false when a fact could not be confirmed in an official text' }),
  note: Type.Optional(Text(2000)),
};

export const FieldRecord = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9-]{2,40}$' }),
    name: Text(200),
    nameEn: Type.Optional(Text(200)),
  },
  { additionalProperties: false },
);
export type FieldRecord = Static<typeof FieldRecord>;

export const AgencyRecord = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Z0-9.]{3,40}$', description: 'electronic identifier (mã định danh điện tử), Decision 20/2020' }),
    parentCode: Type.Union([Type.String({ pattern: '^[A-Z0-9.]{3,40}$' }), Type.Null()]),
    name: Text(300),
    nameEn: Type.Optional(Text(300)),
    shortName: Text(100),
    level: AgencyLevel,
    address: Text(500),
    phone: Type.Optional(Type.String({ pattern: '^[0-9 +().-]{6,30}$' })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
    website: Type.Optional(Type.String({ format: 'uri', maxLength: 300 })),
    hasOneStopDesk: Type.Boolean(),
    territoryCode: Type.Optional(
      Type.String({ pattern: '^[A-Z0-9.]{3,40}$', description: "for a vertical-sector agency (a ward's police): the local-government unit whose territory it serves; the tree parent stays its own sector" }),
    ),
    ...Verification,
  },
  { additionalProperties: false },
);
export type AgencyRecord = Static<typeof AgencyRecord>;

export const RequiredDocument = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9-]{1,60}$' }),
    name: Text(500),
    form: DocumentForm,
    count: Type.Integer({ minimum: 1, maximum: 20 }),
    mandatory: Type.Boolean(),
    templateFile: Type.Optional(Type.String({ maxLength: 300 })),
    fromDataStore: Type.Boolean({ description: "can be taken from the applicant's data store" }),
    /** the evidence type (evidenceTypes[].code) that satisfies this document: from the applicant's data store or a registry */
    evidenceType: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{2,60}$' })),
    note: Type.Optional(Text(1000)),
  },
  { additionalProperties: false },
);
export type RequiredDocument = Static<typeof RequiredDocument>;

export const Fee = Type.Object(
  {
    name: Text(300),
    amountVnd: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'null when the amount is set per case' }),
    conditions: Type.Optional(Text(1000)),
    onlineAmountVnd: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type Fee = Static<typeof Fee>;

export const TimeLimit = Type.Object(
  {
    value: Type.Number({ minimum: 0, maximum: 365, description: '0 working days = within the working day of receipt' }),
    unit: TimeUnit,
    note: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
);
export type TimeLimit = Static<typeof TimeLimit>;

export const LegalBasis = Type.Object(
  { title: Text(500), number: Type.Optional(Text(100)), issuedOn: Type.Optional(IsoDate) },
  { additionalProperties: false },
);

/** A JSON Schema (draft 2020-12) of an application form: an object schema, checked as a schema on import. */
export const FormSchema = Type.Unsafe<{ type: 'object'; [keyword: string]: unknown }>({
  type: 'object',
  required: ['type'],
  properties: { type: { const: 'object' } },
  additionalProperties: true,
  description: 'JSON Schema of the application form',
});

/** One procedure version as it appears in a catalog file. */
export const ProcedureRecord = Type.Object(
  {
    nationalCode: Type.String({ pattern: '^[0-9]\\.[0-9]{6}$|^[0-9A-Z.-]{3,40}$', description: 'national procedure code, e.g. 1.011442' }),
    effectiveFrom: IsoDate,
    effectiveTo: Type.Optional(IsoDate),
    name: Text(500),
    nameEn: Type.Optional(Text(500)),
    fieldCode: Type.String({ pattern: '^[a-z0-9-]{2,40}$' }),
    levels: Type.Array(ProcedureLevel, { minItems: 1, uniqueItems: true }),
    agencyCodes: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z0-9.]{3,40}$' }), { uniqueItems: true })),
    applicantTypes: Type.Array(ApplicantType, { minItems: 1, uniqueItems: true }),
    onlineLevel: OnlineLevel,
    timeLimit: TimeLimit,
    documents: Type.Array(RequiredDocument, { minItems: 1 }),
    fees: Type.Array(Fee),
    steps: Type.Array(Text(1000), { minItems: 1 }),
    resultType: Text(500),
    legalBasis: Type.Array(LegalBasis, { minItems: 1 }),
    formSchema: FormSchema,
    /** the processing steps (workflow template) in force from this version's effective date; without one, default steps apply */
    workflow: Type.Optional(WorkflowDefinition),
    ...Verification,
  },
  { additionalProperties: false },
);
export type ProcedureRecord = Static<typeof ProcedureRecord>;

export const GroupMember = Type.Object(
  {
    nationalCode: Type.String({ minLength: 3, maxLength: 40 }),
    order: Type.Integer({ minimum: 1 }),
    responsibleLevel: AgencyLevel,
    task: Text(500),
  },
  { additionalProperties: false },
);

/** An inter-connected group (một cửa liên thông): procedures handled behind one desk with one application. */
export const GroupRecord = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9-]{2,60}$' }),
    name: Text(500),
    nameEn: Type.Optional(Text(500)),
    description: Text(2000),
    receivingLevel: AgencyLevel,
    timeLimit: TimeLimit,
    legalBasis: Type.Array(LegalBasis),
    members: Type.Array(GroupMember, { minItems: 2 }),
    ...Verification,
  },
  { additionalProperties: false },
);
export type GroupRecord = Static<typeof GroupRecord>;

const NationalCodeRef = Type.String({ pattern: '^[0-9]\\.[0-9]{6}$|^[0-9A-Z.-]{3,40}$' });

/** A key field of a result of an evidence type (src/catalog/evidence.ts EvidenceField). */
export const EvidenceFieldRecord = Type.Object(
  {
    key: Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9]{0,40}$' }),
    label: Text(200),
    labelEn: Type.Optional(Text(200)),
    kind: Type.Enum(EVIDENCE_FIELD_KINDS),
    required: Type.Boolean(),
    from: Type.Optional(Type.String({ pattern: '^(form\\.[a-zA-Z0-9_]{1,60}|applicant\\.(name|citizenId|taxCode|address))$' })),
    registryColumn: Type.Optional(Type.String({ pattern: '^[a-z_]{2,40}$' })),
  },
  { additionalProperties: false },
);

/** An evidence type (giấy tờ, kết quả được tái sử dụng): who provides it (registry, procedures) and its key fields. */
export const EvidenceTypeRecord = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9-]{2,60}$' }),
    name: Text(300),
    nameEn: Type.Optional(Text(300)),
    registry: Type.Optional(Type.Enum(REGISTRIES)),
    procedures: Type.Array(NationalCodeRef, { uniqueItems: true }),
    fields: Type.Array(EvidenceFieldRecord),
    validityMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: 1200 })),
    amendedBy: Type.Array(NationalCodeRef, { uniqueItems: true }),
    renewedBy: Type.Array(NationalCodeRef, { uniqueItems: true }),
    cancelledBy: Type.Array(NationalCodeRef, { uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type EvidenceTypeRecord = Static<typeof EvidenceTypeRecord>;
export const EvidenceTypeList = Type.Object({ items: Type.Array(EvidenceTypeRecord) });

export const CatalogFile = Type.Object(
  {
    formatVersion: Type.Literal(1),
    fields: Type.Array(FieldRecord),
    agencies: Type.Array(AgencyRecord),
    procedures: Type.Array(ProcedureRecord),
    groups: Type.Array(GroupRecord),
    evidenceTypes: Type.Optional(Type.Array(EvidenceTypeRecord)),
  },
  { additionalProperties: false },
);
export type CatalogFile = Static<typeof CatalogFile>;

// ---------- API shapes ----------

export const Agency = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  nameEn: Type.Union([Type.String(), Type.Null()]),
  shortName: Type.String(),
  level: AgencyLevel,
  address: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  website: Type.Union([Type.String(), Type.Null()]),
  hasOneStopDesk: Type.Boolean(),
  verified: Type.Boolean(),
  note: Type.Union([Type.String(), Type.Null()]),
  childCount: Type.Integer(),
});
export type Agency = Static<typeof Agency>;

export const AgencyList = Type.Object({ items: Type.Array(Agency) });

export const Field = Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.Union([Type.String(), Type.Null()]), procedureCount: Type.Integer() });
export const FieldList = Type.Object({ items: Type.Array(Field) });

export const ProcedureSummary = Type.Object({
  nationalCode: Type.String(),
  version: Type.Integer(),
  name: Type.String(),
  nameEn: Type.Union([Type.String(), Type.Null()]),
  fieldCode: Type.String(),
  fieldName: Type.String(),
  levels: Type.Array(ProcedureLevel),
  onlineLevel: OnlineLevel,
  timeLimit: TimeLimit,
  hasFee: Type.Boolean(),
});
export type ProcedureSummary = Static<typeof ProcedureSummary>;

export const ProcedureSearchQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  field: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{2,40}$' })),
  level: Type.Optional(ProcedureLevel),
  onlineLevel: Type.Optional(OnlineLevel),
  agency: Type.Optional(Type.String({ pattern: '^[A-Z0-9.]{3,40}$' })),
  applicantType: Type.Optional(ApplicantType),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
});
export type ProcedureSearchQuery = Static<typeof ProcedureSearchQuery>;

export const ProcedureSearchResult = Type.Object({
  items: Type.Array(ProcedureSummary),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});
export type ProcedureSearchResult = Static<typeof ProcedureSearchResult>;

/** A procedure version in full, as served by the detail endpoint. */
export const ProcedureDetail = Type.Object({
  nationalCode: Type.String(),
  version: Type.Integer(),
  effectiveFrom: Type.String(),
  effectiveTo: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  nameEn: Type.Union([Type.String(), Type.Null()]),
  fieldCode: Type.String(),
  fieldName: Type.String(),
  levels: Type.Array(ProcedureLevel),
  agencies: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
  applicantTypes: Type.Array(ApplicantType),
  onlineLevel: OnlineLevel,
  timeLimit: TimeLimit,
  documents: Type.Array(RequiredDocument),
  fees: Type.Array(Fee),
  steps: Type.Array(Type.String()),
  resultType: Type.String(),
  legalBasis: Type.Array(LegalBasis),
  formSchema: Type.Record(Type.String(), Type.Unknown()),
  verified: Type.Boolean(),
  note: Type.Union([Type.String(), Type.Null()]),
  groups: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
});
export type ProcedureDetail = Static<typeof ProcedureDetail>;

export const ProcedureVersionList = Type.Object({
  items: Type.Array(Type.Object({ version: Type.Integer(), effectiveFrom: Type.String(), effectiveTo: Type.Union([Type.String(), Type.Null()]), name: Type.String(), inForce: Type.Boolean() })),
});

export const Group = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.Union([Type.String(), Type.Null()]),
  description: Type.String(),
  receivingLevel: AgencyLevel,
  timeLimit: TimeLimit,
  legalBasis: Type.Array(LegalBasis),
  verified: Type.Boolean(),
  note: Type.Union([Type.String(), Type.Null()]),
  members: Type.Array(Type.Object({ nationalCode: Type.String(), name: Type.String(), order: Type.Integer(), responsibleLevel: AgencyLevel, task: Type.String() })),
});
export type Group = Static<typeof Group>;
export const GroupList = Type.Object({ items: Type.Array(Group) });
