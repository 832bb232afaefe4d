import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../calendar/working-time.js';
import { UNIT_COUNTERS as MIGRATION_COUNTERS, OFFICER_COUNTERS as MIGRATION_OFFICER } from '../db/migrations/0006_reports.js';
import { ONCE_ONLY_COUNTERS } from '../db/migrations/0007_once_only.js';
import { circular01Scores, computeDossierFacts, contributions, diffContributions, type FactEvent, type FactsInput, type FactTask, OFFICER_COUNTERS, UNIT_COUNTERS } from './facts.js';

// Monday 2 March 2026 (no holiday that week). Times are Vietnam local (UTC+7).
const vn = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+07:00`).toISOString();
const cal = new WorkingCalendar({ schedules: [] });

let seq = 0;
const ev = (type: string, at: string, payload: Record<string, unknown> = {}, agencyId: number | null = 10): FactEvent => ({ seq: ++seq, type, at, agencyId, actorId: 7, payload });
const task = (over: Partial<FactTask> & Pick<FactTask, 'id'>): FactTask => ({ kind: 'step', stepId: 'examine', agencyId: 10, assigneeId: 7, status: 'done', openedAt: vn('2026-03-02', '08:00'), dueAt: vn('2026-03-04', '17:00'), closedAt: vn('2026-03-03', '09:00'), closedBy: 7, ...over });

function input(events: FactEvent[], over: Partial<FactsInput> = {}): FactsInput {
  return {
    dossier: { id: 1, receivingAgencyId: 10, procedureId: 3, channel: 'online', dueAt: null, originalDueAt: null },
    procedure: { onlineLevel: 'full', verified: true },
    events,
    tasks: [],
    complaints: { count: 0, late: 0 },
    documents: [],
    eResult: false,
    workingMs: (a, b, p) => cal.workingTimeBetween(a, b, p),
    ...over,
  };
}

const received = (due = vn('2026-03-06', '17:00')) => ev('received', vn('2026-03-02', '08:00'), { dueAt: due });

describe('computeDossierFacts', () => {
  it('the migration and the fold name the same counters', () => {
    expect([...MIGRATION_COUNTERS, ...ONCE_ONLY_COUNTERS]).toEqual([...UNIT_COUNTERS]);
    expect([...MIGRATION_OFFICER]).toEqual([...OFFICER_COUNTERS]);
  });

  it('early = resolved on a day before the due day; on time = by the due instant; late = after it', () => {
    const early = computeDossierFacts(input([ev('submitted', vn('2026-03-02', '07:40')), received(), ev('result_recorded', vn('2026-03-05', '16:00'))]));
    expect(early.outcome).toBe('early');
    expect(early.receivedDay).toBe('2026-03-02');
    expect(early.closedDay).toBe('2026-03-05');
    const onTime = computeDossierFacts(input([received(), ev('result_recorded', vn('2026-03-06', '16:59'))]));
    expect(onTime.outcome).toBe('on_time');
    const late = computeDossierFacts(input([received(), ev('result_recorded', vn('2026-03-09', '08:00'))]));
    expect(late.outcome).toBe('late');
  });

  it('judges the outcome against the due date before the apology', () => {
    const f = computeDossierFacts(
      input([received(), ev('apology_issued', vn('2026-03-04', '10:00'), { oldDueAt: vn('2026-03-06', '17:00'), newDueAt: vn('2026-03-13', '17:00') }), ev('result_recorded', vn('2026-03-10', '09:00'))], {
        dossier: { id: 1, receivingAgencyId: 10, procedureId: 3, channel: 'online', dueAt: vn('2026-03-13', '17:00'), originalDueAt: vn('2026-03-06', '17:00') },
      }),
    );
    expect(f.apologised).toBe(true);
    expect(f.dueAt).toBe(vn('2026-03-06', '17:00'));
    expect(f.outcome).toBe('late');
  });

  it('a dossier whose applicant was asked for supplements more than once is late, even when resolved early', () => {
    const f = computeDossierFacts(
      input([
        ev('submitted', vn('2026-03-02', '07:30')),
        ev('supplement_requested', vn('2026-03-02', '07:45'), { items: [] }),
        ev('supplement_provided', vn('2026-03-02', '07:50'), {}),
        received(),
        ev('processing_supplement_requested', vn('2026-03-02', '09:00'), { items: [] }),
        ev('supplement_provided', vn('2026-03-02', '10:00'), { dueAt: vn('2026-03-09', '10:00') }),
        ev('result_recorded', vn('2026-03-03', '10:00')),
      ]),
    );
    expect(f.supplementRequests).toBe(2);
    expect(f.outcome).toBe('late');
    expect(f.c01![2]).toBe(0); // contacts: two supplement requests
  });

  it('one supplement restarts the time limit from the complete dossier (payload dueAt)', () => {
    const f = computeDossierFacts(
      input([
        received(vn('2026-03-04', '08:00')),
        ev('processing_supplement_requested', vn('2026-03-03', '08:00'), { items: [] }),
        ev('supplement_provided', vn('2026-03-05', '08:00'), { dueAt: vn('2026-03-09', '08:00') }),
        ev('result_recorded', vn('2026-03-06', '08:00')),
      ]),
    );
    expect(f.dueAt).toBe(vn('2026-03-09', '08:00'));
    expect(f.outcome).toBe('early');
  });

  it('excludes the supplement pause from the working time spent', () => {
    // Mon 08:00 → Fri 08:00 is 4 working days (32 h); paused Tue 08:00 → Thu 08:00 (16 h): 16 h spent
    const f = computeDossierFacts(
      input([
        received(),
        ev('processing_supplement_requested', vn('2026-03-03', '08:00'), { items: [] }),
        ev('supplement_provided', vn('2026-03-05', '08:00'), { dueAt: vn('2026-03-12', '08:00') }),
        ev('result_recorded', vn('2026-03-06', '08:00')),
      ]),
    );
    expect(f.workingMinutes).toBe(16 * 60);
    // without the pause it would be 32 h
    const g = computeDossierFacts(input([received(), ev('result_recorded', vn('2026-03-06', '08:00'))]));
    expect(g.workingMinutes).toBe(32 * 60);
  });

  it('steps: late when closed after their due time; early when closed on a day before it; cancelled ones do not count', () => {
    const f = computeDossierFacts(
      input([received(), ev('result_recorded', vn('2026-03-05', '10:00'))], {
        tasks: [
          task({ id: 1, closedAt: vn('2026-03-03', '09:00') }),
          task({ id: 2, stepId: 'approve', agencyId: 11, assigneeId: 8, closedBy: 8, dueAt: vn('2026-03-04', '10:00'), closedAt: vn('2026-03-04', '15:00') }),
          task({ id: 3, stepId: 'x', status: 'cancelled', closedAt: vn('2026-03-04', '15:00') }),
          task({ id: 4, kind: 'supplement', stepId: 'examine/supplement', dueAt: null }),
        ],
      }),
    );
    expect(f.steps).toEqual([
      { agencyId: 10, officerId: 7, day: '2026-03-03', early: true, late: false },
      { agencyId: 11, officerId: 8, day: '2026-03-04', early: false, late: true },
    ]);
    expect(f.agenciesInvolved).toBe(2);
  });

  it('reads the rating: dissatisfied criteria and the officers concerned', () => {
    const f = computeDossierFacts(
      input([
        received(),
        ev('result_recorded', vn('2026-03-05', '10:00')),
        ev('result_returned', vn('2026-03-06', '10:00')),
        ev('rated', vn('2026-03-20', '10:00'), { channel: 'kiosk', answers: [{ criterion: 'officer_attitude', satisfied: false }, { criterion: 'time_vs_rule', satisfied: true }], concerns: [{ criterion: 'officer_attitude', taskId: 1, stepId: 'examine', agencyId: 10, officerId: 7 }] }, null),
      ]),
    );
    expect(f.rating).toEqual({ channel: 'kiosk', dissatisfied: ['officer_attitude'], satisfied: ['time_vs_rule'], officers: [7] });
    expect(f.returnedDay).toBe('2026-03-06');
  });
});

describe('circular01Scores (hand-computed)', () => {
  const base = computeDossierFacts(input([received(), ev('result_recorded', vn('2026-03-05', '10:00'))], { tasks: [task({ id: 1 })] }));
  it('an early online dossier, one agency, no supplement, no complaint: 18 of 18', () => {
    expect(circular01Scores(base)).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2]);
  });
  it('on time, at the desk, one supplement, a late step at another agency, a complaint handled late', () => {
    const f = {
      ...base, online: false, outcome: 'on_time' as const, supplementRequests: 1, agenciesInvolved: 2, published: false, complaints: 1, complaintsLate: 1,
      steps: [{ agencyId: 11, officerId: 8, day: '2026-03-04', early: false, late: true }],
    };
    // total 1, unit 0, contacts 1, agencies 2, at desk 1, publication 1, attitude 0 (complaint), complaint handling 0, online 1 (offered)
    expect(circular01Scores(f)).toEqual([1, 0, 1, 2, 1, 1, 0, 0, 1]);
  });
  it('late with no complaint: attitude 0; a procedure not offered online and submitted at the desk: 0', () => {
    const f = { ...base, outcome: 'late' as const, online: false, onlineOffered: false };
    const s = circular01Scores(f);
    expect(s[0]).toBe(0);
    expect(s[6]).toBe(0);
    expect(s[8]).toBe(0);
  });
});

describe('contributions', () => {
  it('receipt on the receipt day, outcome on the closing day, steps at the agency that held them', () => {
    const f = computeDossierFacts(input([received(), ev('result_recorded', vn('2026-03-05', '10:00'))], { tasks: [task({ id: 1 }), task({ id: 2, agencyId: 11, assigneeId: 8, closedBy: 8, dueAt: vn('2026-03-04', '10:00'), closedAt: vn('2026-03-04', '15:00') })] }));
    const c = contributions(f);
    expect(c.unit).toContainEqual({ day: '2026-03-02', agencyId: 10, procedureId: 3, counters: { received: 1, received_online: 1, online_offered: 1 } });
    const closing = c.unit.find((d) => d.day === '2026-03-05')!;
    expect(closing.counters).toMatchObject({ resolved: 1, early: 1, published: 1, c01_count: 1, working_minutes: f.workingMinutes });
    expect(closing.counters.c01_sum).toBe(f.c01!.reduce((s, x) => s + x, 0));
    expect(c.unit).toContainEqual({ day: '2026-03-04', agencyId: 11, procedureId: 3, counters: { step_done: 1, step_late: 1 } });
    expect(c.officer).toContainEqual({ day: '2026-03-04', officerId: 8, counters: { step_done: 1, step_late: 1 } });
    expect(c.officer).toContainEqual({ day: '2026-03-03', officerId: 7, counters: { step_done: 1, step_early: 1 } });
  });

  it('a rating long after resolution changes only the closing day bucket by the exact delta', () => {
    const events = [received(), ev('result_recorded', vn('2026-03-05', '10:00'))];
    const before = contributions(computeDossierFacts(input(events)));
    const rated = [...events, ev('rated', vn('2026-04-20', '10:00'), { channel: 'online', answers: [{ criterion: 'time_vs_rule', satisfied: false }], concerns: [{ criterion: 'time_vs_rule', taskId: null, stepId: null, agencyId: 10, officerId: 9 }] })];
    const after = contributions(computeDossierFacts(input(rated)));
    const delta = diffContributions(after, before);
    expect(delta.unit).toEqual([{ day: '2026-03-05', agencyId: 10, procedureId: 3, counters: { ratings: 1, dissatisfied: 1, complained_or_disliked: 1 } }]);
    expect(delta.officer).toEqual([{ day: '2026-03-05', officerId: 9, counters: { dissatisfied: 1 } }]);
    // and nothing to apply when nothing changed
    expect(diffContributions(after, after)).toEqual({ unit: [], officer: [] });
  });

  it('a complaint arriving later lowers the C01 score through an exact delta', () => {
    const events = [received(), ev('result_recorded', vn('2026-03-05', '10:00'))];
    const before = contributions(computeDossierFacts(input(events)));
    const after = contributions(computeDossierFacts(input(events, { complaints: { count: 1, late: 0 } })));
    const delta = diffContributions(after, before);
    expect(delta.unit).toEqual([{ day: '2026-03-05', agencyId: 10, procedureId: 3, counters: { complained: 1, complained_or_disliked: 1, c01_sum: -3, c01_i7: -2, c01_i8: -1 } }]);
  });

  it('refused and withdrawn dossiers', () => {
    const refused = contributions(computeDossierFacts(input([ev('submitted', vn('2026-03-02', '07:30')), ev('refused', vn('2026-03-02', '09:00'), { reasons: ['x'] })])));
    expect(refused.unit).toEqual([{ day: '2026-03-02', agencyId: 10, procedureId: 3, counters: { refused: 1 } }]);
    const withdrawn = contributions(computeDossierFacts(input([received(), ev('withdrawn', vn('2026-03-03', '09:00'), { reason: 'x' }, null)])));
    expect(withdrawn.unit).toContainEqual({ day: '2026-03-03', agencyId: 10, procedureId: 3, counters: { withdrawn: 1 } });
  });

  it('once-only: digitised and reused count on the receipt day, a signed e-result on the closing day', () => {
    const doc = (source: string, reused: boolean, digitised: boolean, requirement = 'x') => ({ source, requirement, reused, digitised });
    const events = [received(), ev('result_recorded', vn('2026-03-05', '10:00'))];
    const all = contributions(computeDossierFacts(input(events, { documents: [doc('store', true, true), doc('upload', false, true, 'y'), doc('result', false, false, 'result')], eResult: true })));
    expect(all.unit.find((d) => d.day === '2026-03-02')!.counters).toMatchObject({ received: 1, digitised: 1, reused: 1 });
    expect(all.unit.find((d) => d.day === '2026-03-05')!.counters).toMatchObject({ resolved: 1, e_result: 1 });
    // one paper component: not digitised; no reuse; no e-result
    const paper = contributions(computeDossierFacts(input(events, { documents: [doc('upload', false, true), doc('paper', false, false, 'y')] })));
    const receipt = paper.unit.find((d) => d.day === '2026-03-02')!.counters;
    expect(receipt.digitised).toBeUndefined();
    expect(receipt.reused).toBeUndefined();
    expect(paper.unit.find((d) => d.day === '2026-03-05')!.counters.e_result).toBeUndefined();
    // a dossier never received counts nothing for digitisation
    expect(contributions(computeDossierFacts(input([ev('submitted', vn('2026-03-02', '07:30'))], { documents: [doc('store', true, true)] }))).unit).toEqual([]);
  });
});
