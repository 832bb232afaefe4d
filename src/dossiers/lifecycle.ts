// The dossier lifecycle as data (DOMAIN.md §2): which event may follow which status, taken
// by whom, and the status it leads to. Every change goes through appendEvent, which checks
// this table, so no route can bypass it.

export const STATUSES = [
  'submitted', // online, waiting for the desk to check it
  'received', // receipt issued, due date running (Mới tiếp nhận)
  'supplement_requested', // waiting for the applicant (Yêu cầu bổ sung hồ sơ)
  'refused', // terminal (Từ chối)
  'withdrawn', // terminal (Công dân rút hồ sơ)
] as const;
export type DossierStatus = (typeof STATUSES)[number];

export const EVENT_TYPES = ['submitted', 'received', 'supplement_requested', 'supplement_provided', 'refused', 'withdrawn'] as const;
export type DossierEventType = (typeof EVENT_TYPES)[number];

/** Who takes an event: the applicant (owner), a desk officer of the receiving agency's subtree. */
export type EventActor = 'applicant' | 'desk';

interface Transition {
  /** statuses it may follow; 'new' = the first event of a dossier */
  from: readonly (DossierStatus | 'new')[];
  to: DossierStatus;
  by: readonly EventActor[];
}

export const TRANSITIONS: Record<DossierEventType, Transition> = {
  // online by the applicant, or a paper dossier registered by the desk on the applicant's behalf
  submitted: { from: ['new'], to: 'submitted', by: ['applicant', 'desk'] },
  received: { from: ['submitted'], to: 'received', by: ['desk'] },
  supplement_requested: { from: ['submitted'], to: 'supplement_requested', by: ['desk'] },
  supplement_provided: { from: ['supplement_requested'], to: 'submitted', by: ['applicant', 'desk'] },
  refused: { from: ['submitted'], to: 'refused', by: ['desk'] },
  withdrawn: { from: ['submitted', 'received', 'supplement_requested'], to: 'withdrawn', by: ['applicant'] },
};

export const TERMINAL: ReadonlySet<DossierStatus> = new Set(['refused', 'withdrawn']);

/** Public statuses (national sync names, DOMAIN.md §2.11), shown to applicants and on look-up. */
export const PUBLIC_STATUS: Record<DossierStatus, { vi: string; en: string; national: string }> = {
  submitted: { vi: 'Đã nộp, chờ tiếp nhận', en: 'Submitted, awaiting the desk', national: 'Mới tiếp nhận' },
  received: { vi: 'Mới tiếp nhận', en: 'Received', national: 'Mới tiếp nhận' },
  supplement_requested: { vi: 'Yêu cầu bổ sung hồ sơ', en: 'Supplement requested', national: 'Yêu cầu bổ sung hồ sơ' },
  refused: { vi: 'Từ chối', en: 'Refused', national: 'Từ chối' },
  withdrawn: { vi: 'Công dân rút hồ sơ', en: 'Withdrawn by the applicant', national: 'Công dân rút hồ sơ' },
};

export function nextStatus(current: DossierStatus | 'new', type: DossierEventType, actor: EventActor): DossierStatus | null {
  const t = TRANSITIONS[type];
  return t.from.includes(current) && t.by.includes(actor) ? t.to : null;
}
