// TypeBox schemas of dossier requests and responses.
import Type, { type Static } from 'typebox';
import { TimeLimit } from '../catalog/schemas.js';

const Requirement = Type.String({ pattern: '^[a-z0-9-]{1,60}$' });
const UploadId = Type.String({ pattern: '^[0-9a-f-]{36}$' });
export const DossierCode = Type.String({ pattern: '^[A-Z0-9.]{3,40}-[0-9]{6}-[0-9]{4,6}$' });
const ReturnMethod = Type.Enum(['desk', 'post', 'online']);

/**
 * A document of an application: an upload (absent: a paper checked at the desk), an item of the
 * applicant's data store, or evidence the agency fetches from a shared registry. Reuse needs
 * `consent: true` (anything else is refused with reason consent_required).
 */
/**
 * The applicant's consent: only the JSON value `true` is consent. Declared without a type so that
 * the request validator's type coercion cannot turn the string "true" (or 1) into a tick.
 */
const Consent = Type.Unsafe<boolean>({ description: 'true (the JSON boolean) when the applicant consents; anything else is refused with consent_required' });

export const DocumentInput = Type.Union([
  Type.Object({ requirement: Requirement, upload: Type.Optional(UploadId) }, { additionalProperties: false }),
  Type.Object({ requirement: Requirement, storeItem: Type.Integer({ minimum: 1 }), consent: Type.Optional(Consent) }, { additionalProperties: false }),
  Type.Object({ requirement: Requirement, fromRegistry: Type.Literal(true), consent: Type.Optional(Consent) }, { additionalProperties: false }),
]);

export const SubmitRequest = Type.Object(
  {
    procedure: Type.String({ pattern: '^[0-9A-Z.-]{3,40}$' }),
    agency: Type.String({ pattern: '^[A-Z0-9.]{3,40}$' }),
    form: Type.Record(Type.String(), Type.Unknown()),
    documents: Type.Array(DocumentInput, { maxItems: 50 }),
    returnMethod: ReturnMethod,
    /** one application for an inter-connected group: `procedure` is its first member; the other members' forms and papers */
    group: Type.Optional(
      Type.Object(
        {
          code: Type.String({ pattern: '^[a-z0-9-]{2,60}$' }),
          members: Type.Array(
            Type.Object({ procedure: Type.String({ pattern: '^[0-9A-Z.-]{3,40}$' }), form: Type.Record(Type.String(), Type.Unknown()), documents: Type.Array(DocumentInput, { maxItems: 50 }) }, { additionalProperties: false }),
            { maxItems: 10 },
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SubmitRequest = Static<typeof SubmitRequest>;

export const SubmitResponse = Type.Object({ code: Type.String(), created: Type.Boolean() });

export const UploadResponse = Type.Object({ id: Type.String(), filename: Type.String(), mediaType: Type.String(), size: Type.Integer(), sha256: Type.String() });

const SupplementItem = Type.Object({ requirement: Requirement, reason: Type.String({ minLength: 3, maxLength: 1000 }) }, { additionalProperties: false });
export const DeskDecision = Type.Union([
  Type.Object({ outcome: Type.Literal('receive') }, { additionalProperties: false }),
  Type.Object({ outcome: Type.Literal('supplement'), items: Type.Array(SupplementItem, { minItems: 1, maxItems: 50 }) }, { additionalProperties: false }),
  Type.Object({ outcome: Type.Literal('refuse'), reasons: Type.Array(Type.String({ minLength: 3, maxLength: 1000 }), { minItems: 1, maxItems: 20 }) }, { additionalProperties: false }),
]);

const ApplicantSnapshot = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    citizenId: Type.Optional(Type.String({ pattern: '^[0-9]{12}$' })),
    taxCode: Type.Optional(Type.String({ pattern: '^[0-9]{10}(-[0-9]{3})?$' })),
    address: Type.Optional(Type.String({ maxLength: 500 })),
    phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9 .-]{8,20}$' })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const DeskIntakeRequest = Type.Object(
  {
    channel: Type.Enum(['in_person', 'post']),
    procedure: Type.String({ pattern: '^[0-9A-Z.-]{3,40}$' }),
    agency: Type.String({ pattern: '^[A-Z0-9.]{3,40}$' }),
    applicant: Type.Union([Type.Object({ accountId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }), ApplicantSnapshot]),
    form: Type.Record(Type.String(), Type.Unknown()),
    documents: Type.Array(DocumentInput, { maxItems: 50 }),
    returnMethod: ReturnMethod,
    decision: DeskDecision,
  },
  { additionalProperties: false },
);

export const DossierEvent = Type.Object({ seq: Type.Integer(), type: Type.String(), at: Type.String(), actorName: Type.Union([Type.String(), Type.Null()]), agencyName: Type.Union([Type.String(), Type.Null()]), payload: Type.Unknown() });

export const DossierDocument = Type.Object({
  id: Type.Integer(),
  requirement: Type.String(),
  name: Type.String(),
  filename: Type.Union([Type.String(), Type.Null()]),
  mediaType: Type.Union([Type.String(), Type.Null()]),
  size: Type.Union([Type.Integer(), Type.Null()]),
  /** upload · scan · paper · store · registry · result · reused */
  source: Type.String(),
  evidenceType: Type.Union([Type.String(), Type.Null()]),
  /** taken from data the state already holds (store, registry, earlier result): no paper may be asked for */
  reused: Type.Boolean(),
  /** exists as an electronic file (or registry record) */
  digitised: Type.Boolean(),
  /** when the applicant consented to the reuse */
  consentAt: Type.Union([Type.String(), Type.Null()]),
  eResult: Type.Optional(Type.Object({ serial: Type.String(), status: Type.String() })),
});

/** The dossier's reuse/digitisation flags (over its components: not results, not step documents). */
export const DossierFlags = Type.Object({ digitised: Type.Boolean(), reused: Type.Boolean(), reusedCount: Type.Integer(), digitisedCount: Type.Integer(), componentCount: Type.Integer() });

export const DossierSummary = Type.Object({
  code: Type.String(),
  procedureCode: Type.String(),
  procedureName: Type.String(),
  agencyCode: Type.String(),
  agencyName: Type.String(),
  applicantName: Type.String(),
  channel: Type.String(),
  status: Type.String(),
  publicStatus: Type.String(),
  submittedAt: Type.String(),
  receivedAt: Type.Union([Type.String(), Type.Null()]),
  dueAt: Type.Union([Type.String(), Type.Null()]),
});
export type DossierSummary = Static<typeof DossierSummary>;
export const DossierList = Type.Object({ items: Type.Array(DossierSummary) });

export const DossierDetail = Type.Object({
  ...DossierSummary.properties,
  checkValue: Type.String(),
  procedureVersion: Type.Integer(),
  timeLimit: TimeLimit,
  applicant: Type.Record(Type.String(), Type.Unknown()),
  form: Type.Record(Type.String(), Type.Unknown()),
  returnMethod: Type.String(),
  registerNo: Type.Union([Type.Integer(), Type.Null()]),
  supplementCount: Type.Integer(),
  documents: Type.Array(DossierDocument),
  flags: DossierFlags,
  events: Type.Array(DossierEvent),
  /** what the applicant is asked to add, while a supplement request is open */
  openSupplement: Type.Union([Type.Array(Type.Object({ requirement: Type.String(), name: Type.String(), reason: Type.String() })), Type.Null()]),
  originalDueAt: Type.Union([Type.String(), Type.Null()]),
  group: Type.Union([
    Type.Null(),
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      parentCode: Type.String(),
      members: Type.Array(Type.Object({ code: Type.String(), procedureCode: Type.String(), procedureName: Type.String(), agencyName: Type.Union([Type.String(), Type.Null()]), status: Type.String(), publicStatus: Type.String(), resultAt: Type.Union([Type.String(), Type.Null()]) })),
    }),
  ]),
});
export type DossierDetail = Static<typeof DossierDetail>;

export const PublicLookup = Type.Object({
  code: Type.String(),
  procedureName: Type.String(),
  agencyName: Type.String(),
  publicStatus: Type.String(),
  publicStatusEn: Type.String(),
  receivedAt: Type.Union([Type.String(), Type.Null()]),
  dueAt: Type.Union([Type.String(), Type.Null()]),
});

export const RegisterRow = Type.Object({
  registerNo: Type.Integer(),
  code: Type.String(),
  procedureName: Type.String(),
  applicantName: Type.String(),
  applicantContact: Type.String(),
  agencyName: Type.String(),
  receivedAt: Type.String(),
  dueAt: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  note: Type.String(),
});
export const Register = Type.Object({ agency: Type.String(), year: Type.Integer(), items: Type.Array(RegisterRow) });
