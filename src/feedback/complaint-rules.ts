// The rules of complaints and suggestions (PAKN) as data and small pure functions: the legal
// handling times (DOMAIN.md §6: accept or refuse within 2 working days, answer within 15,
// both counted from filing on the working-day calendar), which action an officer may take in
// which status, when a complaint is late, and which agency is responsible for it.
import type { WorkingCalendar } from '../calendar/working-time.js';

export const COMPLAINT_KINDS = ['complaint', 'suggestion'] as const;
export const COMPLAINT_SUBJECTS = ['procedure', 'dossier', 'officer', 'general'] as const;
export const COMPLAINT_CATEGORIES = ['harassment', 'extra_papers', 'delay', 'attitude', 'other'] as const;
export const COMPLAINT_STATUSES = ['received', 'accepted', 'refused', 'answered'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];
export const COMPLAINT_ACTIONS = ['accept', 'refuse', 'answer', 'transfer'] as const;
export type ComplaintAction = (typeof COMPLAINT_ACTIONS)[number];

/** Working days from filing (kept as data: the law may change them). */
export const COMPLAINT_TIME_LIMITS = { acceptWorkingDays: 2, answerWorkingDays: 15 } as const;

export function complaintDeadlines(cal: WorkingCalendar, filedAt: Date, limits: { acceptWorkingDays: number; answerWorkingDays: number } = COMPLAINT_TIME_LIMITS): { acceptDueAt: Date; answerDueAt: Date } {
  return { acceptDueAt: cal.addWorkingDays(filedAt, limits.acceptWorkingDays), answerDueAt: cal.addWorkingDays(filedAt, limits.answerWorkingDays) };
}

/** status → action → status after; a transfer keeps the status (and the law's deadlines from filing). */
export const COMPLAINT_TRANSITIONS: Record<ComplaintStatus, Partial<Record<ComplaintAction, ComplaintStatus>>> = {
  received: { accept: 'accepted', refuse: 'refused', transfer: 'received' },
  accepted: { answer: 'answered', transfer: 'accepted' },
  refused: {},
  answered: {},
};

export function nextComplaintStatus(status: ComplaintStatus, action: ComplaintAction): ComplaintStatus | null {
  return COMPLAINT_TRANSITIONS[status][action] ?? null;
}

export function complaintActionsIn(status: ComplaintStatus): ComplaintAction[] {
  return COMPLAINT_ACTIONS.filter((a) => COMPLAINT_TRANSITIONS[status][a] !== undefined);
}

export interface ComplaintTiming {
  status: string;
  acceptDueAt: string;
  answerDueAt: string;
  decidedAt: string | null;
  answeredAt: string | null;
}

/**
 * Late = past the due time of the stage it is in: waiting for acceptance after 2 working days,
 * accepted and unanswered after 15; a closed complaint is late if it was closed after its due time.
 */
export function isComplaintLate(c: ComplaintTiming, now: Date): boolean {
  const at = now.toISOString();
  switch (c.status) {
    case 'received':
      return at > c.acceptDueAt;
    case 'accepted':
      return at > c.answerDueAt || (c.decidedAt !== null && c.decidedAt > c.acceptDueAt);
    case 'refused':
      return c.decidedAt !== null && c.decidedAt > c.acceptDueAt;
    case 'answered':
      return (c.answeredAt !== null && c.answeredAt > c.answerDueAt) || (c.decidedAt !== null && c.decidedAt > c.acceptDueAt);
    default:
      return false;
  }
}

export interface RoutingAgency {
  id: number;
  code: string;
  path: string;
}

export type RoutingInput =
  | { subject: 'dossier'; receivingAgency: RoutingAgency }
  /** the agencies the procedure version names (in its order); the agency the complainant named, if any */
  | { subject: 'procedure'; procedureAgencies: RoutingAgency[]; named: RoutingAgency | null }
  | { subject: 'officer' | 'general'; named: RoutingAgency | null };

export type RoutingResult = { agency: RoutingAgency } | { missing: 'agencyCode' };

/**
 * The responsible agency: a dossier's receiving agency; for a procedure, the first agency its
 * version names inside the named agency's subtree (or the named agency itself when the version
 * names none there, e.g. a procedure resolved at every ward); otherwise the named agency.
 */
export function routeComplaint(input: RoutingInput): RoutingResult {
  switch (input.subject) {
    case 'dossier':
      return { agency: input.receivingAgency };
    case 'procedure': {
      const inScope = input.named ? input.procedureAgencies.filter((a) => a.path.startsWith(input.named!.path)) : input.procedureAgencies;
      const first = inScope[0];
      if (first) return { agency: first };
      return input.named ? { agency: input.named } : { missing: 'agencyCode' };
    }
    default:
      return input.named ? { agency: input.named } : { missing: 'agencyCode' };
  }
}
