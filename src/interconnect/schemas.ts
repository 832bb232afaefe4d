// JSON Schemas (TypeBox) of the protocol: the directory, the envelope, receipts and one body
// schema per message type. Every object is closed (additionalProperties false): a field a
// receiver does not know is refused rather than silently dropped.
import Type, { type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { MEMBER_KINDS, MESSAGE_TYPES, RECEIPT_STATUSES, type MessageType } from './types.js';

const closed = { additionalProperties: false } as const;
const Text = (maxLength = 500) => Type.String({ maxLength });
const Name = (maxLength = 500) => Type.String({ minLength: 1, maxLength });
/** the largest attachment (and document) the protocol carries: 50 MiB */
export const MAX_ATTACHMENT_BYTES = 52_428_800;
/** true when the text is a time JavaScript can compute with (RFC 3339 admits a leap second :60 and RFC 9557 suffixes; Date.parse does not) */
export const isReadableTime = (v: string): boolean => Number.isFinite(Date.parse(v));
// format date-time alone would let `2026-06-30T23:59:60Z` through, whose Date is NaN: every
// comparison with it is false, so key validity and freshness checks would pass silently
const Iso = Type.Refine(Type.String({ format: 'date-time', maxLength: 40, description: 'ISO-8601 timestamp (UTC)' }), isReadableTime, () => 'must be a date-time with a finite value (no leap second, no suffix)');
const NullableIso = Type.Union([Iso, Type.Null()]);
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const AgencyCode = Type.String({ minLength: 1, maxLength: 60 });
const MemberId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,40}$' });
const Ref = Type.String({ minLength: 1, maxLength: 120 });

export const DirectoryKeySchema = Type.Object(
  {
    kid: Type.String({ minLength: 1, maxLength: 200 }),
    jwk: Type.Object({ kty: Type.Literal('OKP'), crv: Type.Literal('Ed25519'), x: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }) }, closed),
    validFrom: Iso,
    validTo: NullableIso,
  },
  closed,
);

export const DirectoryMemberSchema = Type.Object(
  {
    id: MemberId,
    name: Name(300),
    kind: Type.Enum(MEMBER_KINDS),
    baseUrl: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 500 }),
    hosts: Type.Array(AgencyCode, { maxItems: 1000 }),
    keys: Type.Array(DirectoryKeySchema, { maxItems: 20 }),
  },
  closed,
);

export const DirectorySchema = Type.Object(
  { v: Type.Literal(1), issuedAt: Iso, members: Type.Array(DirectoryMemberSchema, { maxItems: 1000 }) },
  closed,
);

export const AttachmentRefSchema = Type.Object(
  {
    sha256: Sha256,
    size: Type.Integer({ minimum: 0, maximum: MAX_ATTACHMENT_BYTES }),
    mediaType: Type.String({ minLength: 1, maxLength: 200 }),
    filename: Type.Optional(Text(300)),
  },
  closed,
);

export const EnvelopeSchema = Type.Object(
  {
    v: Type.Literal(1),
    // a uuid from our outbox; adapters may use deterministic ids derived from the foreign system's
    id: Type.String({ pattern: '^[A-Za-z0-9._:-]{8,120}$' }),
    from: MemberId,
    to: MemberId,
    type: Type.Enum(MESSAGE_TYPES),
    createdAt: Iso,
    sentAt: Iso,
    dossierRef: Type.Union([Type.String({ minLength: 1, maxLength: 60 }), Type.Null()]),
    body: Type.Object({}),
    attachments: Type.Array(AttachmentRefSchema, { maxItems: 200 }),
  },
  closed,
);

export const ReceiptSchema = Type.Object(
  {
    v: Type.Literal(1),
    messageId: Type.Union([Type.String({ maxLength: 120 }), Type.Null()]),
    requestHash: Sha256,
    status: Type.Enum(RECEIPT_STATUSES),
    from: MemberId,
    to: Type.Union([Type.String({ maxLength: 60 }), Type.Null()]),
    at: Iso,
    error: Type.Optional(Type.Object({ code: Type.String({ maxLength: 60 }), message: Text(2000) }, closed)),
  },
  closed,
);

// ---- bodies ----

const DocumentRef = Type.Object({ sha256: Sha256, filename: Text(300), mediaType: Text(200), size: Type.Integer({ minimum: 0, maximum: MAX_ATTACHMENT_BYTES }) }, closed);

export const DossierSnapshotSchema = Type.Object(
  {
    code: Name(60),
    procedure: Name(60),
    procedureName: Text(1000),
    receivingAgency: AgencyCode,
    channel: Text(40),
    submittedAt: Iso,
    receivedAt: NullableIso,
    dueAt: NullableIso,
    applicant: Type.Object(
      {
        name: Text(300),
        citizenId: Type.Optional(Text(40)),
        taxCode: Type.Optional(Text(40)),
        address: Type.Optional(Text(500)),
        phone: Type.Optional(Text(40)),
        email: Type.Optional(Text(200)),
      },
      closed,
    ),
    form: Type.Object({}),
    documents: Type.Array(Type.Object({ requirement: Text(200), sha256: Sha256, filename: Text(300), mediaType: Text(200), size: Type.Integer({ minimum: 0, maximum: MAX_ATTACHMENT_BYTES }) }, closed), { maxItems: 200 }),
  },
  closed,
);

const NullableText = (maxLength = 500) => Type.Union([Text(maxLength), Type.Null()]);

export const TransferBody = Type.Object(
  {
    task: Type.Object(
      {
        ref: Ref,
        kind: Type.Enum(['step', 'branch']),
        stepId: Name(100),
        agency: AgencyCode,
        role: Name(60),
        dueAt: NullableIso,
        priority: Type.Integer(),
        fromAgency: Type.Union([AgencyCode, Type.Null()]),
        reason: Type.Optional(Text(2000)),
        branchTask: Type.Optional(Text(120)),
      },
      closed,
    ),
    dossier: DossierSnapshotSchema,
  },
  closed,
);

export const ConsultationRequestBody = Type.Object(
  {
    task: Type.Object({ ref: Ref, stepId: Name(100), agency: AgencyCode, dueAt: NullableIso, fromAgency: Type.Union([AgencyCode, Type.Null()]) }, closed),
    question: Text(5000),
    dossier: DossierSnapshotSchema,
  },
  closed,
);

export const TransferAcceptedBody = Type.Object({ taskRef: Ref, peerTask: Ref }, closed);
export const TransferRejectedBody = Type.Object({ taskRef: Ref, code: Name(60), reason: Text(2000) }, closed);
export const TransferCancelledBody = Type.Object({ peerTask: Ref, reason: Text(2000) }, closed);

export const StatusChangeBody = Type.Object(
  {
    event: Type.Object(
      { type: Name(60), at: Iso, agency: Type.Union([AgencyCode, Type.Null()]), step: NullableText(100), actorRole: Text(60), label: Text(500) },
      closed,
    ),
    closed: Type.Array(Type.Object({ peerTask: Ref, outcome: Text(60), at: Iso }, closed), { maxItems: 100 }),
    opened: Type.Array(
      Type.Object({ peerTask: Ref, kind: Text(30), stepId: Name(100), agency: AgencyCode, role: Text(60), dueAt: NullableIso }, closed),
      { maxItems: 100 },
    ),
  },
  closed,
);

export const StepResultBody = Type.Object(
  {
    peerTask: Ref,
    outcome: Type.Enum(['handed_over', 'approved', 'result_recorded', 'refused']),
    at: Iso,
    agency: AgencyCode,
    to: NullableText(100),
    note: NullableText(5000),
    summary: NullableText(5000),
    reasons: Type.Array(Text(1000), { maxItems: 50 }),
    eResult: Type.Union([Type.Object({}), Type.Null()]),
    documents: Type.Array(DocumentRef, { maxItems: 100 }),
  },
  closed,
);

export const ConsultationAnswerBody = Type.Object({ peerTask: Ref, answer: Text(10000), at: Iso, agency: AgencyCode }, closed);

/** the origin's dossier closed for good: every member that holds or held work of it closes its mirror */
export const DossierClosedBody = Type.Object({ status: Type.Enum(['returned', 'refused', 'withdrawn']), at: Iso, reason: NullableText(2000) }, closed);

export const PingBody = Type.Object({ note: Type.Optional(Text(500)) }, closed);

export const MESSAGE_BODIES: Record<MessageType, TSchema> = {
  transfer: TransferBody,
  transfer_accepted: TransferAcceptedBody,
  transfer_rejected: TransferRejectedBody,
  transfer_cancelled: TransferCancelledBody,
  status_change: StatusChangeBody,
  step_result: StepResultBody,
  consultation_request: ConsultationRequestBody,
  consultation_answer: ConsultationAnswerBody,
  dossier_closed: DossierClosedBody,
  ping: PingBody,
};

/** The first few validation errors as one readable line (null when valid). */
export function schemaProblem(schema: TSchema, value: unknown): string | null {
  if (Value.Check(schema, value)) return null;
  const errors = [...Value.Errors(schema, value)].slice(0, 3);
  return errors.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ') || 'does not match the schema';
}
