// The transition table against an expectation written by hand, status by status, from the
// domain (the comments of lifecycle.ts): who may do what to a dossier in each status. Every
// (event × status-or-new × actor) combination is checked, so a row added to or dropped from
// TRANSITIONS without updating this file fails here.
import { describe, expect, it } from 'vitest';
import { type DossierEventType, type DossierStatus, EVENT_ACTORS, EVENT_TYPES, type EventActor, nextStatus, STATUSES, TERMINAL } from './lifecycle.js';

type From = DossierStatus | 'new';

const APPLICANT = ['applicant'] as const;
const DESK = ['desk_officer'] as const;
const LEADS = ['unit_head', 'agency_leader'] as const;
const PROCESSING = ['specialist', 'unit_head', 'agency_leader'] as const;
const ANY_OFFICER = ['desk_officer', 'specialist', 'unit_head', 'agency_leader'] as const;
/** an inter-connected group: the system moves the group dossier on between members and records its result */
const ANY_OFFICER_OR_SYSTEM = [...ANY_OFFICER, 'system'] as const;
/** interconnection (#6): another member's message, applied here */
const PEER = ['peer'] as const;
/** the member holding the step decides on the dossier too (its result, its refusal) */
const ANY_OFFICER_SYSTEM_OR_PEER = [...ANY_OFFICER_OR_SYSTEM, 'peer'] as const;
const REFUSERS = ['desk_officer', 'unit_head', 'agency_leader', 'peer'] as const;
/** a mirror closes with its origin's dossier (its dossier_closed), from any open status */
const CLOSED_AT_ORIGIN: [DossierEventType, readonly EventActor[], DossierStatus][] = [
  ['peer_closed_returned', PEER, 'returned'],
  ['peer_closed_refused', PEER, 'refused'],
  ['peer_closed_withdrawn', PEER, 'withdrawn'],
];

/** From each status: the events it may take, by whom, and where they lead. Anything not listed is refused. */
const EXPECTED: Record<From, [DossierEventType, readonly EventActor[], DossierStatus][]> = {
  // a dossier starts by being submitted: online by the applicant, on paper by the desk, or opened by the system (group member);
  // a mirror of another member's dossier starts when a step of it arrives here, already in processing
  new: [
    ['submitted', ['applicant', 'desk_officer', 'system'], 'submitted'],
    ['received_from_peer', PEER, 'processing'],
  ],
  // waiting at the desk: received, sent back for papers, refused at the desk, or withdrawn
  submitted: [
    ['received', ['desk_officer', 'system'], 'received'],
    ['supplement_requested', DESK, 'supplement_requested'],
    ['refused', REFUSERS, 'refused'],
    ['withdrawn', APPLICANT, 'withdrawn'],
    ['documents_digitised', DESK, 'submitted'],
    ...CLOSED_AT_ORIGIN,
  ],
  // the desk asked for papers before receipt: the applicant (or the desk, papers in hand) brings them, or the applicant withdraws
  supplement_requested: [
    ['supplement_provided', ['applicant', 'desk_officer'], 'submitted'],
    ['withdrawn', APPLICANT, 'withdrawn'],
    ['documents_digitised', DESK, 'supplement_requested'],
    ...CLOSED_AT_ORIGIN,
  ],
  // received, not yet taken up: the first processing action moves it to processing
  received: [
    ['refused', REFUSERS, 'refused'],
    ['withdrawn', APPLICANT, 'withdrawn'],
    ['task_claimed', ANY_OFFICER, 'processing'],
    ['task_assigned', LEADS, 'processing'],
    ['handed_over', ANY_OFFICER_OR_SYSTEM, 'processing'],
    ['member_result_recorded', ANY_OFFICER, 'processing'],
    ['consultation_requested', PROCESSING, 'processing'],
    ['transferred', LEADS, 'processing'],
    ['processing_supplement_requested', PROCESSING, 'processing_supplement'],
    ['result_recorded', ANY_OFFICER_SYSTEM_OR_PEER, 'resolved'],
    ['apology_issued', LEADS, 'received'],
    ['documents_digitised', DESK, 'received'],
    // a first step held by another member: its news, its completion, its refusal to take it
    ['received_from_peer', PEER, 'processing'],
    ['peer_status', PEER, 'received'],
    ['peer_step_completed', PEER, 'processing'],
    ['peer_transfer_rejected', PEER, 'received'],
    ['peer_transfer_cancelled', PEER, 'received'],
    ...CLOSED_AT_ORIGIN,
  ],
  processing: [
    ['refused', REFUSERS, 'refused'],
    ['withdrawn', APPLICANT, 'withdrawn'],
    ['task_claimed', ANY_OFFICER, 'processing'],
    ['task_assigned', LEADS, 'processing'],
    ['handed_over', ANY_OFFICER_OR_SYSTEM, 'processing'],
    ['member_result_recorded', ANY_OFFICER, 'processing'],
    ['returned_to_step', PROCESSING, 'processing'],
    ['consultation_requested', PROCESSING, 'processing'],
    ['consultation_answered', [...PROCESSING, 'peer'], 'processing'],
    ['transferred', LEADS, 'processing'],
    ['processing_supplement_requested', PROCESSING, 'processing_supplement'],
    ['approved', LEADS, 'processing'],
    ['result_recorded', ANY_OFFICER_SYSTEM_OR_PEER, 'resolved'],
    ['apology_issued', LEADS, 'processing'],
    ['documents_digitised', DESK, 'processing'],
    ['received_from_peer', PEER, 'processing'],
    ['peer_status', PEER, 'processing'],
    ['peer_step_completed', PEER, 'processing'],
    ['peer_transfer_rejected', PEER, 'processing'],
    ['peer_transfer_cancelled', PEER, 'processing'],
    ...CLOSED_AT_ORIGIN,
  ],
  // time paused for papers asked by examination: the papers come back (applicant or desk), a consulted
  // agency may still answer, the leader may apologise, the applicant may withdraw — nothing else moves
  processing_supplement: [
    ['supplement_provided', ['applicant', 'desk_officer'], 'processing'],
    ['withdrawn', APPLICANT, 'withdrawn'],
    ['consultation_answered', [...PROCESSING, 'peer'], 'processing_supplement'],
    ['apology_issued', LEADS, 'processing_supplement'],
    ['documents_digitised', DESK, 'processing_supplement'],
    // a peer's work goes on during the pause, but no step completes while the applicant is asked for papers
    ['received_from_peer', PEER, 'processing_supplement'],
    ['peer_status', PEER, 'processing_supplement'],
    ['peer_transfer_rejected', PEER, 'processing_supplement'],
    ['peer_transfer_cancelled', PEER, 'processing_supplement'],
    ...CLOSED_AT_ORIGIN,
  ],
  // result ready: only the desk hands it back; the desk may scan paper parts, the issuer may revoke an e-result
  resolved: [
    ['result_returned', DESK, 'returned'],
    ['documents_digitised', DESK, 'resolved'],
    ['result_revoked', LEADS, 'resolved'],
    // a peer may still hold a step after the result (a later step, a consultation) and report on it
    ['received_from_peer', PEER, 'resolved'],
    ['peer_status', PEER, 'resolved'],
    ['peer_transfer_rejected', PEER, 'resolved'],
    ['peer_transfer_cancelled', PEER, 'resolved'],
    ...CLOSED_AT_ORIGIN,
  ],
  // finished: the applicant's rating (src/feedback), the desk's scan of a paper result, the issuer's revocation of an
  // e-result — each leaves the status as it is; a withdrawn dossier is not rated
  returned: [
    ['rated', APPLICANT, 'returned'],
    ['documents_digitised', DESK, 'returned'],
    ['result_revoked', LEADS, 'returned'],
  ],
  refused: [['rated', APPLICANT, 'refused']],
  withdrawn: [],
};

const FROMS: From[] = ['new', ...STATUSES];

function expected(from: From, event: DossierEventType, actor: EventActor): DossierStatus | null {
  const row = EXPECTED[from].find(([e, by]) => e === event && by.includes(actor));
  return row ? row[2] : null;
}

describe('dossier lifecycle transition table', () => {
  const total = EVENT_TYPES.length * FROMS.length * EVENT_ACTORS.length;

  it('the expectation covers exactly the declared statuses, events and actors', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...FROMS].sort());
    for (const rows of Object.values(EXPECTED))
      for (const [event, by] of rows) {
        expect(EVENT_TYPES).toContain(event);
        for (const a of by) expect(EVENT_ACTORS).toContain(a);
      }
    // every event type has at least one expected move: a new event needs its rows here
    const covered = new Set(Object.values(EXPECTED).flatMap((rows) => rows.map(([e]) => e)));
    expect(EVENT_TYPES.filter((e) => !covered.has(e))).toEqual([]);
    expect([FROMS.length, EVENT_ACTORS.length]).toEqual([10, 7]);
  });

  it(`checks all ${EVENT_TYPES.length}×${FROMS.length}×${EVENT_ACTORS.length} = ${total} combinations of event × status (and 'new') × actor`, () => {
    const mismatches: string[] = [];
    let checked = 0;
    let allowed = 0;
    for (const event of EVENT_TYPES)
      for (const from of FROMS)
        for (const actor of EVENT_ACTORS) {
          checked++;
          const want = expected(from, event, actor);
          const got = nextStatus(from, event, actor);
          if (want) allowed++;
          if (got !== want) mismatches.push(`${event} from ${from} by ${actor}: expected ${want ?? 'refused'}, got ${got ?? 'refused'}`);
        }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(total);
    // a sanity check on the expectation itself: most combinations are refused
    expect(allowed).toBeGreaterThan(50);
    expect(allowed).toBeLessThan(checked / 5);
  });

  it("terminal statuses accept no event but the applicant's rating, the desk's scan and the issuer's revocation, which leave them as they are", () => {
    expect([...TERMINAL].sort()).toEqual(['refused', 'returned', 'withdrawn']);
    for (const s of TERMINAL)
      for (const event of EVENT_TYPES)
        for (const actor of EVENT_ACTORS) {
          const to = nextStatus(s, event, actor);
          const keeps = s !== 'withdrawn' && ((event === 'rated' && actor === 'applicant') || (s === 'returned' && ((event === 'documents_digitised' && actor === 'desk_officer') || (event === 'result_revoked' && (actor === 'unit_head' || actor === 'agency_leader')))));
          if (keeps) expect(to, `${event} on ${s} by ${actor}`).toBe(s);
          else expect(to, `${event} on ${s} by ${actor}`).toBeNull();
        }
  });

  it("a dossier starts only with 'submitted' (or, for a mirror, with a peer's step), and nothing else leads back to 'submitted' except a desk supplement", () => {
    for (const event of EVENT_TYPES)
      for (const actor of EVENT_ACTORS)
        expect(nextStatus('new', event, actor) !== null, `${event} by ${actor}`).toBe((event === 'submitted' && ['applicant', 'desk_officer', 'system'].includes(actor)) || (event === 'received_from_peer' && actor === 'peer'));
    for (const from of STATUSES) for (const event of EVENT_TYPES) for (const actor of EVENT_ACTORS) if (nextStatus(from, event, actor) === 'submitted' && event !== 'documents_digitised') expect([from, event]).toEqual(['supplement_requested', 'supplement_provided']);
  });

  it("every status is reachable from 'new', and every non-terminal status can still end", () => {
    const step = (from: From) => EVENT_TYPES.flatMap((e) => EVENT_ACTORS.map((a) => nextStatus(from, e, a))).filter((s): s is DossierStatus => s !== null);
    const reached = new Set<From>(['new']);
    const queue: From[] = ['new'];
    while (queue.length) for (const s of step(queue.shift()!)) if (!reached.has(s)) (reached.add(s), queue.push(s));
    expect([...reached].filter((s) => s !== 'new').sort()).toEqual([...STATUSES].sort());
    for (const s of STATUSES) {
      if (TERMINAL.has(s)) continue;
      const seen = new Set<From>([s]);
      const q: From[] = [s];
      while (q.length) for (const n of step(q.shift()!)) if (!seen.has(n)) (seen.add(n), q.push(n));
      expect([...seen].some((x) => TERMINAL.has(x as DossierStatus)), `${s} can reach a terminal status`).toBe(true);
    }
  });

  it('the applicant only submits, supplements, withdraws and rates; the system only opens, receives, hands over and records group results', () => {
    const by = (actor: EventActor) => new Set(EVENT_TYPES.filter((e) => FROMS.some((f) => nextStatus(f, e, actor) !== null)));
    expect([...by('applicant')].sort()).toEqual(['rated', 'submitted', 'supplement_provided', 'withdrawn']);
    expect([...by('system')].sort()).toEqual(['handed_over', 'received', 'result_recorded', 'submitted']);
  });

  it("a peer's message only brings work, reports on it, completes, refuses, answers, takes it back or closes a mirror with its origin — never the desk's or the applicant's acts", () => {
    const by = new Set(EVENT_TYPES.filter((e) => (['new', ...STATUSES] as From[]).some((f) => nextStatus(f, e, 'peer') !== null)));
    expect([...by].sort()).toEqual(['consultation_answered', 'peer_closed_refused', 'peer_closed_returned', 'peer_closed_withdrawn', 'peer_status', 'peer_step_completed', 'peer_transfer_cancelled', 'peer_transfer_rejected', 'received_from_peer', 'refused', 'result_recorded']);
    // the peer-only events are taken by nobody else
    for (const e of ['received_from_peer', 'peer_status', 'peer_step_completed', 'peer_transfer_rejected', 'peer_transfer_cancelled', 'peer_closed_returned', 'peer_closed_refused', 'peer_closed_withdrawn'] as const)
      for (const a of EVENT_ACTORS) if (a !== 'peer') for (const f of FROMS) expect(nextStatus(f, e, a), `${e} by ${a}`).toBeNull();
  });
});
