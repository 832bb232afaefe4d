// TypeBox schemas of the feedback module's requests and responses.
import Type, { type Static, type TSchema } from 'typebox';
import { DossierCode } from '../dossiers/schemas.js';
import { COMPLAINT_CODE_PATTERN } from './complaint-code.js';
import { COMPLAINT_CATEGORIES, COMPLAINT_KINDS, COMPLAINT_STATUSES, COMPLAINT_SUBJECTS } from './complaint-rules.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const ComplaintCode = Type.String({ pattern: COMPLAINT_CODE_PATTERN });
export const AccessKey = Type.String({ pattern: '^[2-9A-Za-z]{16}$' });
export const CheckValue = Type.String({ pattern: '^[2-9A-Za-z]{6}$' });
const AgencyCode = Type.String({ pattern: '^[A-Z0-9.]{3,40}$' });

export const Criterion = Type.Object({ code: Type.String(), vi: Type.String(), en: Type.String(), description_vi: Type.String(), description_en: Type.String() });
export const CriteriaResponse = Type.Object({ criteria: Type.Array(Criterion) });

export const AnswerInput = Type.Object({ criterion: Type.String({ pattern: '^[a-z_]{1,40}$' }), satisfied: Type.Boolean() }, { additionalProperties: false });
const Answers = Type.Array(AnswerInput, { minItems: 1, maxItems: 20 });
const Comment = Type.String({ maxLength: 1000 });

export const RatingInput = Type.Object({ answers: Answers, comment: Type.Optional(Comment) }, { additionalProperties: false });
export type RatingInput = Static<typeof RatingInput>;
export const KioskRatingInput = Type.Object({ code: DossierCode, check: CheckValue, answers: Answers, comment: Type.Optional(Comment) }, { additionalProperties: false });

export const Rating = Type.Object({
  channel: Type.Enum(['online', 'kiosk']),
  ratedAt: Type.String(),
  answers: Type.Array(Type.Object({ criterion: Type.String(), satisfied: Type.Boolean() })),
  comment: Nullable(Type.String()),
});
export type Rating = Static<typeof Rating>;

export const RatingState = Type.Object({ canRate: Type.Boolean(), reason: Type.Optional(Type.String()), criteria: Type.Array(Type.String()), rating: Nullable(Rating) });

export const KioskDossier = Type.Object({ code: Type.String(), procedureName: Type.String(), statusText: Type.String(), canRate: Type.Boolean(), reason: Type.Optional(Type.String()), criteria: Type.Array(Type.String()) });

export const ComplaintInput = Type.Object(
  {
    kind: Type.Enum(COMPLAINT_KINDS),
    subject: Type.Enum(COMPLAINT_SUBJECTS),
    category: Type.Enum(COMPLAINT_CATEGORIES),
    procedureCode: Type.Optional(Type.String({ pattern: '^[0-9A-Z.-]{3,40}$' })),
    dossierCode: Type.Optional(DossierCode),
    dossierCheck: Type.Optional(CheckValue),
    agencyCode: Type.Optional(AgencyCode),
    officerName: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    title: Type.String({ minLength: 3, maxLength: 200 }),
    body: Type.String({ minLength: 10, maxLength: 5000 }),
    complainant: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 120 }),
        email: Type.Optional(Type.String({ maxLength: 200, pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$' })),
        phone: Type.Optional(Type.String({ maxLength: 20, pattern: '^[0-9 +().-]{6,20}$' })),
      },
      { additionalProperties: false },
    ),
    publicAnswer: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ComplaintInput = Static<typeof ComplaintInput>;

const AgencyRef = Type.Object({ code: Type.String(), name: Type.String() });
const ProcedureRef = Nullable(Type.Object({ code: Type.String(), name: Type.String() }));

/** What every view of a complaint (the complainant's, the public's, the officers') opens with. */
const complaintHeading = { code: Type.String(), kind: Type.String(), subject: Type.String(), category: Type.String(), title: Type.String() };
/** When it was filed and the law's two deadlines: to accept it, to answer it. */
const complaintDeadlines = { filedAt: Type.String(), acceptDueAt: Type.String(), answerDueAt: Type.String() };

const pageOf = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });

export const FiledComplaint = Type.Object({ code: Type.String(), accessKey: Type.String(), agency: AgencyRef, acceptDueAt: Type.String(), answerDueAt: Type.String() });

const HistoryItem = Type.Object({ type: Type.String(), at: Type.String(), note: Type.Optional(Type.String()) });
const Answer = Type.Object({ text: Type.String(), at: Type.String(), public: Type.Boolean() });
const ComplaintRating = Type.Object({ satisfied: Type.Boolean(), comment: Nullable(Type.String()), at: Type.String() });
const AttachmentRef = Type.Object({ id: Type.Integer(), filename: Type.String(), mediaType: Type.String(), size: Type.Integer() });

export const ComplainantView = Type.Object({
  ...complaintHeading,
  body: Type.String(),
  status: Type.Enum(COMPLAINT_STATUSES),
  ...complaintDeadlines,
  agency: AgencyRef,
  history: Type.Array(HistoryItem),
  answer: Type.Optional(Answer),
  rating: Type.Optional(ComplaintRating),
  attachments: Type.Array(AttachmentRef),
  canRate: Type.Boolean(),
});

export const ComplaintRatingInput = Type.Object({ satisfied: Type.Boolean(), comment: Type.Optional(Comment) }, { additionalProperties: false });

export const PublicComplaint = Type.Object({
  ...complaintHeading,
  body: Type.String(),
  procedure: ProcedureRef,
  agency: AgencyRef,
  filedAt: Type.String(),
  answer: Answer,
});
export const PublicComplaintList = pageOf(PublicComplaint);

export const WorkComplaintItem = Type.Object({
  ...complaintHeading,
  status: Type.String(),
  ...complaintDeadlines,
  late: Type.Boolean(),
  agency: AgencyRef,
});
export const WorkComplaintList = pageOf(WorkComplaintItem);

export const WorkComplaintDetail = Type.Object({
  ...complaintHeading,
  body: Type.String(),
  status: Type.String(),
  ...complaintDeadlines,
  late: Type.Boolean(),
  agency: AgencyRef,
  procedure: ProcedureRef,
  dossierCode: Nullable(Type.String()),
  officerName: Nullable(Type.String()),
  complainant: Type.Object({ name: Type.String(), email: Nullable(Type.String()), phone: Nullable(Type.String()) }),
  publicRequested: Type.Boolean(),
  refusalReason: Nullable(Type.String()),
  answer: Nullable(Answer),
  rating: Nullable(ComplaintRating),
  attachments: Type.Array(AttachmentRef),
  history: Type.Array(Type.Object({ type: Type.String(), at: Type.String(), note: Nullable(Type.String()), actorName: Nullable(Type.String()), agency: Nullable(AgencyRef) })),
  actions: Type.Array(Type.String()),
});

export const ComplaintActionInput = Type.Object(
  {
    action: Type.Enum(['accept', 'refuse', 'answer', 'transfer']),
    reason: Type.Optional(Type.String({ minLength: 3, maxLength: 2000 })),
    answer: Type.Optional(Type.String({ minLength: 3, maxLength: 10000 })),
    public: Type.Optional(Type.Boolean()),
    agencyCode: Type.Optional(AgencyCode),
  },
  { additionalProperties: false },
);
export type ComplaintActionInput = Static<typeof ComplaintActionInput>;

export const ComplaintCodeParams = Type.Object({ code: ComplaintCode });
export const KeyQuery = Type.Object({ key: AccessKey });
