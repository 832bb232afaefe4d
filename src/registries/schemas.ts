// TypeBox schemas of the registries API: parameters, records with their history, import reports,
// lookups seen by the data subject.
import Type, { type Static } from 'typebox';

export const RegistryParam = Type.Union([Type.Literal('citizens'), Type.Literal('businesses')]);
export const CitizenIdParam = Type.String({ pattern: '^[0-9]{12}$' });
export const EnterpriseCodeParam = Type.String({ pattern: '^[0-9]{10}(-[0-9]{3})?$' });
export const RegistryKeyParam = Type.String({ pattern: '^[0-9]{10}(-[0-9]{3})?$|^[0-9]{12}$' });
export const DossierCodeQuery = Type.Optional(Type.String({ minLength: 1, maxLength: 60 }));
export const Page = Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 }));

const N = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const CitizenRecordView = Type.Object({
  citizenId: Type.String(),
  fullName: Type.String(),
  birthDate: Type.String(),
  gender: Type.String(),
  permanentAddress: N(Type.String()),
  householdCode: N(Type.String()),
  status: Type.String(),
  source: Type.String(),
  sourceRef: N(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const BusinessRecordView = Type.Object({
  enterpriseCode: Type.String(),
  name: Type.String(),
  address: Type.String(),
  legalRepresentative: Type.String(),
  legalRepresentativeId: N(Type.String()),
  status: Type.String(),
  registeredOn: N(Type.String()),
  source: Type.String(),
  sourceRef: N(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const RecordView = Type.Union([CitizenRecordView, BusinessRecordView]);

export const HistoryView = Type.Object({
  change: Type.String(),
  before: N(Type.Record(Type.String(), Type.Unknown())),
  after: Type.Record(Type.String(), Type.Unknown()),
  source: Type.String(),
  sourceRef: N(Type.String()),
  byName: N(Type.String()),
  at: Type.String(),
});

export const RecordList = Type.Object({ items: Type.Array(RecordView), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });
export const RecordDetail = Type.Object({ registry: RegistryParam, record: RecordView, history: Type.Array(HistoryView) });

export const LookupResult = Type.Object({
  registry: RegistryParam,
  found: Type.Boolean(),
  record: N(RecordView),
  dossierCode: N(Type.String()),
  purpose: Type.String(),
  logged: Type.Literal(true),
});

export const RegistryEvidence = Type.Object({
  document: Type.Object({ id: Type.Integer(), requirement: Type.String(), evidenceType: N(Type.String()), evidenceTypeName: N(Type.String()), consentAt: N(Type.String()) }),
  registry: RegistryParam,
  found: Type.Boolean(),
  record: N(RecordView),
  dossierCode: Type.String(),
  purpose: Type.String(),
  logged: Type.Literal(true),
});

const Problem = Type.Object({ field: Type.String(), reason: Type.String(), message: Type.String() });
export const ImportView = Type.Object({
  id: Type.Integer(),
  registry: RegistryParam,
  filename: Type.String(),
  format: Type.String(),
  total: Type.Integer(),
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  status: Type.Union([Type.Literal('applied'), Type.Literal('rejected')]),
  byName: N(Type.String()),
  at: Type.String(),
});
export const ImportDetail = Type.Intersect([
  ImportView,
  Type.Object({
    report: Type.Object({
      rejected: Type.Array(Type.Object({ row: Type.Integer(), key: Type.Optional(Type.String()), errors: Type.Array(Problem) })),
      fileError: Type.Optional(Type.Object({ reason: Type.String(), message: Type.String() })),
    }),
  }),
]);
export type ImportDetail = Static<typeof ImportDetail>;
export const ImportList = Type.Object({ items: Type.Array(ImportView), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });

export const LookupView = Type.Object({
  id: Type.Integer(),
  registry: RegistryParam,
  subjectKeyMasked: Type.String(),
  at: Type.String(),
  officerName: Type.String(),
  agencyName: N(Type.String()),
  dossierCode: N(Type.String()),
  purpose: Type.String(),
  found: Type.Boolean(),
});
export const LookupList = Type.Object({ items: Type.Array(LookupView) });
export const MyRecords = Type.Object({ items: Type.Array(Type.Object({ registry: RegistryParam, record: RecordView, history: Type.Array(HistoryView) })) });
