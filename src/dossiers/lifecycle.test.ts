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

/** From each status: the events it may take, by whom, and where they lead. Anything not listed is refused. */
const EXPECTED: Record<From, [DossierEventType, readonly EventActor[], DossierStatus][]> = {
  // a dossier starts by being submitted: online by the applicant, on paper by the desk, or opened by the system (group member)
  new: [['submitted', ['applicant', 'desk_officer', 'system'], 'submitted']],
  // waiting at the desk: received, sent back for papers, refused at the desk, or withdrawn
  submitted: [
    ['received', ['desk_officer', 'system'], 'received'],
    ['supplement_requested', DESK, 'supplement_requested'],
    ['refused', ['desk_officer', 'unit_head', 'agency_leader'], 'refused'],
    ['withdrawn', APPLICANT, 'withdrawn'],
    ['documents_digitised', DESK, 'submitted'],
  ],
  // the desk asked for papers before receipt: the applicant (or the desk, papers in hand) brings them, or the applicant withdraws
  supplement_requested: [
    ['supplement_provided', ['applicant', 'desk_officer'], 'submitted'],
    ['withdrawn', APPLICANT, 'withdrawn'],
    ['documents_digitised', DESK, 'supplement_requested'],
  ],
  // received, not yet taken up: the first processing action moves it to processing
  received: [
    ['refused', ['desk_officer', 'unit_head', 'agency_leader'], 'refused'],
    ['withdrawn', APPLICANT, 'withdrawn'],
    ['task_claimed', ANY_OFFICER, 'processing'],
    ['task_assigned', LEADS, 'processing'],
    ['handed_over', ANY_OFFICER_OR_SYSTEM, 'processing'],
    ['member_result_recorded', ANY_OFFICER, 'processing'],
    ['consultation_requested', PROCESSING, 'processing'],
    ['transferred', LEADS, 'processing'],
    ['processing_supplement_requested', PROCESSING, 'processing_supplement'],
    ['result_recorded', ANY_OFFICER_OR_SYSTEM, 'resolved'],
    ['apology_issued', LEADS, 'received'],
    ['documents_digitised', DESK, 'received'],
  ],
  processing: [
    ['refused', ['desk_officer', 'unit_head', 'agency_leader'], 'refused'],
    ['withdrawn', APPLICANT, 'withdrawn'],
    ['task_claimed', ANY_OFFICER, 'processing'],
    ['task_assigned', LEADS, 'processing'],
    ['handed_over', ANY_OFFICER_OR_SYSTEM, 'processing'],
    ['member_result_recorded', ANY_OFFICER, 'processing'],
    ['returned_to_step', PROCESSING, 'processing'],
    ['consultation_requested', PROCESSING, 'processing'],
    ['consultation_answered', PROCESSING, 'processing'],
    ['transferred', LEADS, 'processing'],
    ['processing_supplement_requested', PROCESSING, 'processing_supplement'],
    ['approved', LEADS, 'processing'],
    ['result_recorded', ANY_OFFICER_OR_SYSTEM, 'resolved'],
    ['apology_issued', LEADS, 'processing'],
    ['documents_digitised', DESK, 'processing'],
  ],
  // time paused for papers asked by examination: the papers come back (applicant or desk), a consulted
  // agency may still answer, the leader may apologise, the applicant may withdraw — nothing else moves
  processing_supplement: [
    ['supplement_provided', ['applicant', 'desk_officer'], 'processing'],
    ['withdrawn', APPLICANT, 'withdrawn'],
    ['consultation_answered', PROCESSING, 'processing_supplement'],
    ['apology_issued', LEADS, 'processing_supplement'],
    ['documents_digitised', DESK, 'processing_supplement'],
  ],
  // result ready: only the desk hands it back; the desk may scan paper parts, the issuer may revoke an e-result
  resolved: [
    ['result_returned', DESK, 'returned'],
    ['documents_digitised', DESK, 'resolved'],
    ['result_revoked', LEADS, 'resolved'],
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
    expect([FROMS.length, EVENT_ACTORS.length]).toEqual([10, 6]);
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

  it("a dossier starts only with 'submitted', and nothing else leads back to 'submitted' except a desk supplement", () => {
    for (const event of EVENT_TYPES) for (const actor of EVENT_ACTORS) expect(nextStatus('new', event, actor) !== null).toBe(event === 'submitted' && actor !== 'specialist' && actor !== 'unit_head' && actor !== 'agency_leader');
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
});
