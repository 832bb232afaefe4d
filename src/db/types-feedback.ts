// Table types of the feedback module (ratings, complaints and suggestions): migration 0005.
// Booleans are 0/1 integers, JSON is text, times are UTC ISO strings (see types.ts).
import type { Generated } from 'kysely';

/** One rating per dossier; its `rated` event in the dossier's log carries the same answers (never the comment). */
export interface RatingTable {
  id: Generated<number>;
  dossier_id: number;
  /** online | kiosk */
  channel: string;
  /** JSON [{criterion, satisfied}] */
  answers: string;
  /** free text: kept here only, never in the event log (it may hold personal data) */
  comment: string | null;
  rated_at: string;
  /** the owner's account for an online rating; null at the kiosk */
  account_id: number | null;
  /** JSON [{criterion, taskId, stepId, agencyId, officerId}]: whom each dissatisfied answer concerns */
  concerns: string;
  /** how many criteria were answered "dissatisfied" */
  dissatisfied_count: number;
  /** seq of the `rated` event */
  event_seq: number;
}

/** The concerns of a rating, one row each, so "dissatisfaction tied to me / my unit" is an indexed query. */
export interface RatingConcernTable {
  rating_id: number;
  dossier_id: number;
  criterion: string;
  task_id: number | null;
  step_id: string | null;
  agency_id: number | null;
  officer_id: number | null;
}

export interface ComplaintTable {
  id: Generated<number>;
  /** PAKN-<agency code>-YYMMDD-NNNN, the agency first routed to */
  code: string;
  /** sha256 of the complainant's access key (the key itself is shown once, at filing) */
  access_key_hash: string;
  /** complaint | suggestion */
  kind: string;
  /** procedure | dossier | officer | general */
  subject: string;
  /** harassment | extra_papers | delay | attitude | other */
  category: string;
  title: string;
  body: string;
  procedure_id: number | null;
  dossier_id: number | null;
  /** the agency responsible now (a transfer changes it) */
  agency_id: number;
  /** the agency it was first routed to */
  filed_agency_id: number;
  /** the officer named by the complainant (free text, as typed) */
  officer_name: string | null;
  complainant_name: string;
  complainant_email: string | null;
  complainant_phone: string | null;
  complainant_account_id: number | null;
  /** the complainant agrees to the answer being published */
  public_requested: number;
  /** received | accepted | refused | answered */
  status: string;
  filed_at: string;
  accept_due_at: string;
  answer_due_at: string;
  /** when it was accepted or refused */
  decided_at: string | null;
  refusal_reason: string | null;
  answer_text: string | null;
  answer_public: number;
  answered_at: string | null;
  answered_by: number | null;
  rating_satisfied: number | null;
  rating_comment: string | null;
  rated_at: string | null;
  updated_at: string;
}

/** Append-only history of a complaint: rows are inserted, never updated or deleted. */
export interface ComplaintEventTable {
  id: Generated<number>;
  complaint_id: number;
  seq: number;
  /** filed | accepted | refused | answered | transferred | rated */
  type: string;
  at: string;
  actor_id: number | null;
  /** the agency acting (or routed to, for filed/transferred) */
  agency_id: number | null;
  /** text shown to the complainant (refusal reason, transfer target…) */
  note: string | null;
  /** JSON detail for officers */
  detail: string | null;
}

/** Officers a complaint is about: they never see it (complaint.read is filtered by this table). */
export interface ComplaintOfficerTable {
  complaint_id: number;
  account_id: number;
}

export interface ComplaintAttachmentTable {
  id: Generated<number>;
  complaint_id: number;
  sha256: string;
  filename: string;
  media_type: string;
  size: number;
}

export interface ComplaintCounterTable {
  agency_id: number;
  day: string;
  last: number;
}

export interface FeedbackTables {
  ratings: RatingTable;
  rating_concerns: RatingConcernTable;
  complaints: ComplaintTable;
  complaint_events: ComplaintEventTable;
  complaint_officers: ComplaintOfficerTable;
  complaint_attachments: ComplaintAttachmentTable;
  complaint_code_counters: ComplaintCounterTable;
}
