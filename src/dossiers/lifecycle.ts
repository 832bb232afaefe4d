// The dossier lifecycle as data (DOMAIN.md §2): which event may follow which status, taken by
// which role, and the status it leads to. Every change goes through appendEvent, which checks
// this table, so no route can bypass it. Which step, agency and officer may act is checked on
// top of this by the workflow (src/workflow/engine.ts).

export const STATUSES = [
  'submitted', // online, waiting for the desk to check it
  'received', // receipt issued, due date running, not yet taken up (Mới tiếp nhận)
  'supplement_requested', // the desk asked for missing papers before receipt (Yêu cầu bổ sung hồ sơ)
  'processing', // a processing step is under way (Đang xử lý)
  'processing_supplement', // examination asked for missing papers; time is paused (Yêu cầu bổ sung hồ sơ)
  'resolved', // result recorded, waiting to be returned (Đã xử lý xong)
  'returned', // terminal: result returned (Đã trả kết quả)
  'refused', // terminal (Từ chối)
  'withdrawn', // terminal (Công dân rút hồ sơ)
] as const;
export type DossierStatus = (typeof STATUSES)[number];

export const EVENT_TYPES = [
  'submitted', 'received', 'supplement_requested', 'supplement_provided', 'refused', 'withdrawn',
  'task_claimed', 'task_assigned', 'handed_over', 'returned_to_step', 'consultation_requested', 'consultation_answered',
  'transferred', 'processing_supplement_requested', 'approved', 'result_recorded', 'result_returned', 'apology_issued',
  'member_result_recorded', 'rated', 'documents_digitised', 'result_revoked',
  // interconnection (#6): applied from another member's message (actor 'peer')
  'received_from_peer', 'peer_status', 'peer_step_completed', 'peer_transfer_rejected', 'peer_transfer_cancelled',
  'peer_closed_returned', 'peer_closed_refused', 'peer_closed_withdrawn',
] as const;
export type DossierEventType = (typeof EVENT_TYPES)[number];

/** Who takes an event: the applicant (owner), an officer in one of these roles, the system, or another member of the interconnection (a peer's message). */
export const EVENT_ACTORS = ['applicant', 'desk_officer', 'specialist', 'unit_head', 'agency_leader', 'system', 'peer'] as const;
export type EventActor = (typeof EVENT_ACTORS)[number];

interface Transition {
  /** status before → status after; 'new' = the first event of a dossier */
  moves: Partial<Record<DossierStatus | 'new', DossierStatus>>;
  by: readonly EventActor[];
}

const PROCESSORS = ['specialist', 'unit_head', 'agency_leader'] as const;
const OFFICERS = ['desk_officer', ...PROCESSORS] as const;
const IN_PROGRESS = { received: 'processing', processing: 'processing' } as const;
/** a peer's news leaves the status as it is, while the dossier is still open */
const KEEP_OPEN = { received: 'received', processing: 'processing', processing_supplement: 'processing_supplement', resolved: 'resolved' } as const;

/** every open (non-terminal) status → the given terminal one */
function closingTo(to: 'returned' | 'refused' | 'withdrawn'): Transition['moves'] {
  return { submitted: to, received: to, supplement_requested: to, processing: to, processing_supplement: to, resolved: to };
}

export const TRANSITIONS: Record<DossierEventType, Transition> = {
  // online by the applicant, or a paper dossier registered by the desk on the applicant's behalf;
  // a member dossier of an inter-connected group is opened by the system
  submitted: { moves: { new: 'submitted' }, by: ['applicant', 'desk_officer', 'system'] },
  received: { moves: { submitted: 'received' }, by: ['desk_officer', 'system'] },
  supplement_requested: { moves: { submitted: 'supplement_requested' }, by: ['desk_officer'] },
  supplement_provided: { moves: { supplement_requested: 'submitted', processing_supplement: 'processing' }, by: ['applicant', 'desk_officer'] },
  // at the desk (outside competence, unlawful) or after examination, with reasons
  // (or by the member holding the step, through its message)
  refused: { moves: { submitted: 'refused', received: 'refused', processing: 'refused' }, by: ['desk_officer', 'unit_head', 'agency_leader', 'peer'] },
  withdrawn: { moves: { submitted: 'withdrawn', received: 'withdrawn', supplement_requested: 'withdrawn', processing: 'withdrawn', processing_supplement: 'withdrawn' }, by: ['applicant'] },
  task_claimed: { moves: IN_PROGRESS, by: OFFICERS },
  task_assigned: { moves: IN_PROGRESS, by: ['unit_head', 'agency_leader'] },
  // the system hands a group dossier over to the next members of an inter-connected group
  handed_over: { moves: IN_PROGRESS, by: [...OFFICERS, 'system'] },
  returned_to_step: { moves: { processing: 'processing' }, by: PROCESSORS },
  consultation_requested: { moves: IN_PROGRESS, by: PROCESSORS },
  // the consulted agency (or a parallel branch) answers; its answer may come during a pause too
  consultation_answered: { moves: { processing: 'processing', processing_supplement: 'processing_supplement' }, by: [...PROCESSORS, 'peer'] },
  transferred: { moves: IN_PROGRESS, by: ['unit_head', 'agency_leader'] },
  processing_supplement_requested: { moves: { received: 'processing_supplement', processing: 'processing_supplement' }, by: PROCESSORS },
  approved: { moves: { processing: 'processing' }, by: ['unit_head', 'agency_leader'] },
  // for a group dossier, the system records the result once every member has one
  result_recorded: { moves: { received: 'resolved', processing: 'resolved' }, by: [...OFFICERS, 'system', 'peer'] },
  // the group dossier's own procedure has its result; the group goes on with its other members
  member_result_recorded: { moves: IN_PROGRESS, by: OFFICERS },
  result_returned: { moves: { resolved: 'returned' }, by: ['desk_officer'] },
  apology_issued: { moves: { received: 'received', processing: 'processing', processing_supplement: 'processing_supplement' }, by: ['unit_head', 'agency_leader'] },
  // the applicant rates the service once the dossier is finished (online as the owner, or at the
  // desk's kiosk proven by the check value); the status does not change (src/feedback)
  rated: { moves: { returned: 'returned', refused: 'refused' }, by: ['applicant'] },
  // the desk scans paper components (or a paper result) into the dossier: the status does not change
  documents_digitised: {
    moves: { submitted: 'submitted', received: 'received', supplement_requested: 'supplement_requested', processing: 'processing', processing_supplement: 'processing_supplement', resolved: 'resolved', returned: 'returned' },
    by: ['desk_officer'],
  },
  // the issuing agency revokes an e-result of this dossier, with its reason (src/results)
  result_revoked: { moves: { resolved: 'resolved', returned: 'returned' }, by: ['unit_head', 'agency_leader'] },
  // interconnection (#6). A step or consultation sent to an agency another member hosts arrives
  // there as a mirror of the dossier (or adds work to the mirror it already has)…
  received_from_peer: { moves: { new: 'processing', received: 'processing', processing: 'processing', processing_supplement: 'processing_supplement', resolved: 'resolved' }, by: ['peer'] },
  // …the member holding it reports what happens there (claimed, moved between its own steps)…
  peer_status: { moves: KEEP_OPEN, by: ['peer'] },
  // …and when its step is done the dossier goes on at the next step here
  peer_step_completed: { moves: IN_PROGRESS, by: ['peer'] },
  // the member would not take the step (not its agency, a procedure or step it lacks): it reopens here
  peer_transfer_rejected: { moves: KEEP_OPEN, by: ['peer'] },
  // the origin withdrew the work it had sent (the dossier was withdrawn, refused, or moved on)
  peer_transfer_cancelled: { moves: KEEP_OPEN, by: ['peer'] },
  // the origin's dossier closed for good (its dossier_closed message): the mirror closes with it,
  // from whatever open status it is in, so it leaves this member's lists and in-progress counts
  peer_closed_returned: { moves: closingTo('returned'), by: ['peer'] },
  peer_closed_refused: { moves: closingTo('refused'), by: ['peer'] },
  peer_closed_withdrawn: { moves: closingTo('withdrawn'), by: ['peer'] },
};

export const TERMINAL: ReadonlySet<DossierStatus> = new Set(['refused', 'withdrawn', 'returned']);

/** Public statuses (national sync names, DOMAIN.md §2.11), shown to applicants and on look-up. */
export const PUBLIC_STATUS: Record<DossierStatus, { vi: string; en: string; national: string }> = {
  submitted: { vi: 'Đã nộp, chờ tiếp nhận', en: 'Submitted, awaiting the desk', national: 'Mới tiếp nhận' },
  received: { vi: 'Mới tiếp nhận', en: 'Received', national: 'Mới tiếp nhận' },
  supplement_requested: { vi: 'Yêu cầu bổ sung hồ sơ', en: 'Supplement requested', national: 'Yêu cầu bổ sung hồ sơ' },
  processing: { vi: 'Đang xử lý', en: 'In progress', national: 'Đang xử lý' },
  processing_supplement: { vi: 'Yêu cầu bổ sung hồ sơ', en: 'Supplement requested', national: 'Yêu cầu bổ sung hồ sơ' },
  resolved: { vi: 'Đã xử lý xong', en: 'Resolved, result ready', national: 'Đã xử lý xong' },
  returned: { vi: 'Đã trả kết quả', en: 'Result returned', national: 'Đã trả kết quả' },
  refused: { vi: 'Từ chối', en: 'Refused', national: 'Từ chối' },
  withdrawn: { vi: 'Công dân rút hồ sơ', en: 'Withdrawn by the applicant', national: 'Công dân rút hồ sơ' },
};

export function nextStatus(current: DossierStatus | 'new', type: DossierEventType, actor: EventActor): DossierStatus | null {
  const t = TRANSITIONS[type];
  return t.by.includes(actor) ? (t.moves[current] ?? null) : null;
}
