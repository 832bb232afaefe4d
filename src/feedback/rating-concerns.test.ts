// Whom dissatisfaction concerns, on a small hand-made dossier: received by desk officer 10,
// examined late by specialist 20 (task 1), consulted at agency 9 (task 2, answered by 30),
// approved by leader 40 (task 3), result issued by 20 (task 4), returned by desk officer 11 (task 5).
import { describe, expect, it } from 'vitest';
import { criteriaFor, validateAnswers } from './criteria.js';
import { type ConcernFacts, concernsOf } from './rating-concerns.js';

const task = (id: number, stepId: string, closedBy: number, closedSeq: number, dueAt: string, closedAt: string, extra: Partial<ConcernFacts['tasks'][number]> = {}) => ({
  id, kind: 'step', stepId, agencyId: 5, assigneeId: closedBy, closedBy, status: 'done', dueAt, closedAt, closedSeq, ...extra,
});

const facts: ConcernFacts = {
  receivingAgencyId: 5,
  tasks: [
    task(1, 'examine', 20, 4, '2026-03-04T10:00:00.000Z', '2026-03-05T10:00:00.000Z'),
    task(2, 'examine', 30, 5, '2026-03-06T10:00:00.000Z', '2026-03-05T09:00:00.000Z', { kind: 'consult', agencyId: 9 }),
    task(3, 'approve', 40, 6, '2026-03-09T10:00:00.000Z', '2026-03-06T10:00:00.000Z'),
    task(4, 'issue', 20, 7, '2026-03-10T10:00:00.000Z', '2026-03-09T10:00:00.000Z'),
    task(5, 'return', 11, 8, '2026-03-10T10:00:00.000Z', '2026-03-10T09:00:00.000Z'),
    // cancelled by a transfer: nobody's work, never concerned
    { id: 6, kind: 'step', stepId: 'examine', agencyId: 5, assigneeId: 50, closedBy: 50, status: 'cancelled', dueAt: '2026-03-01T00:00:00.000Z', closedAt: '2026-03-09T00:00:00.000Z', closedSeq: 9 },
  ],
  events: [
    { seq: 1, type: 'submitted', actorId: 99, agencyId: null },
    { seq: 2, type: 'received', actorId: 10, agencyId: 5 },
    { seq: 3, type: 'task_claimed', actorId: 20, agencyId: 5 },
    { seq: 4, type: 'handed_over', actorId: 20, agencyId: 5 },
    { seq: 5, type: 'consultation_answered', actorId: 30, agencyId: 9 },
    { seq: 6, type: 'approved', actorId: 40, agencyId: 5 },
    { seq: 7, type: 'result_recorded', actorId: 20, agencyId: 5 },
    { seq: 8, type: 'result_returned', actorId: 11, agencyId: 5 },
  ],
};
const no = (criterion: string) => ({ criterion, satisfied: false });

describe('rating concerns', () => {
  it('ties nothing to anyone when every answer is satisfied', () => {
    expect(concernsOf(criteriaFor('online').map((criterion) => ({ criterion, satisfied: true })), facts)).toEqual([]);
  });

  it('time vs rule: the step closed after its due time, and who held it', () => {
    expect(concernsOf([no('time_vs_rule')], facts)).toEqual([{ criterion: 'time_vs_rule', taskId: 1, stepId: 'examine', agencyId: 5, officerId: 20 }]);
  });

  it('time vs rule with every step on time: the receiving agency as a whole', () => {
    const onTime = { ...facts, tasks: facts.tasks.filter((t) => t.id !== 1) };
    expect(concernsOf([no('time_vs_rule')], onTime)).toEqual([{ criterion: 'time_vs_rule', taskId: null, stepId: null, agencyId: 5, officerId: null }]);
  });

  it('officer attitude: the desk officers met and every officer who held a step, once each per step', () => {
    const c = concernsOf([no('officer_attitude')], facts);
    expect(c).toEqual([
      { criterion: 'officer_attitude', taskId: null, stepId: null, agencyId: 5, officerId: 10 },
      { criterion: 'officer_attitude', taskId: 1, stepId: 'examine', agencyId: 5, officerId: 20 },
      { criterion: 'officer_attitude', taskId: 2, stepId: 'examine', agencyId: 9, officerId: 30 },
      { criterion: 'officer_attitude', taskId: 3, stepId: 'approve', agencyId: 5, officerId: 40 },
      { criterion: 'officer_attitude', taskId: 4, stepId: 'issue', agencyId: 5, officerId: 20 },
      { criterion: 'officer_attitude', taskId: 5, stepId: 'return', agencyId: 5, officerId: 11 },
    ]);
  });

  it('lawful result and cost: who decided and who issued the result, with their steps', () => {
    expect(concernsOf([no('lawful_result_cost')], facts).map((c) => [c.taskId, c.officerId])).toEqual([[3, 40], [4, 20]]);
  });

  it('contacts: whoever asked for papers; none asked: the agency', () => {
    const asked = { ...facts, events: [...facts.events, { seq: 3, type: 'supplement_requested', actorId: 10, agencyId: 5 }] };
    expect(concernsOf([no('contacts')], asked)).toEqual([{ criterion: 'contacts', taskId: null, stepId: null, agencyId: 5, officerId: 10 }]);
    expect(concernsOf([no('contacts')], facts)).toEqual([{ criterion: 'contacts', taskId: null, stepId: null, agencyId: 5, officerId: null }]);
  });

  it('agencies, information accuracy, online service: the receiving agency, no officer', () => {
    expect(concernsOf([no('agencies'), no('information_accuracy'), no('online_service')], facts).map((c) => [c.criterion, c.agencyId, c.officerId])).toEqual([
      ['agencies', 5, null], ['information_accuracy', 5, null], ['online_service', 5, null],
    ]);
  });

  it('a refusal at the desk concerns the desk officer who refused', () => {
    const refused: ConcernFacts = { receivingAgencyId: 5, tasks: [], events: [{ seq: 1, type: 'submitted', actorId: 99, agencyId: null }, { seq: 2, type: 'refused', actorId: 10, agencyId: 5 }] };
    expect(concernsOf([no('officer_attitude'), no('lawful_result_cost')], refused)).toEqual([
      { criterion: 'officer_attitude', taskId: null, stepId: null, agencyId: 5, officerId: 10 },
      { criterion: 'lawful_result_cost', taskId: null, stepId: null, agencyId: 5, officerId: 10 },
    ]);
  });
});

describe('rating answers', () => {
  it('asks about the online service only for online dossiers', () => {
    expect(criteriaFor('online')).toContain('online_service');
    expect(criteriaFor('in_person')).not.toContain('online_service');
    expect(criteriaFor('in_person')).toHaveLength(6);
  });

  it('wants every criterion once, and no unknown one; returns them in the criteria order', () => {
    const all = criteriaFor('post').map((criterion) => ({ criterion, satisfied: true }));
    expect(validateAnswers([...all].reverse(), criteriaFor('post')).map((a) => a.criterion)).toEqual(criteriaFor('post'));
    expect(() => validateAnswers(all.slice(1), criteriaFor('post'))).toThrow(/missing: time_vs_rule/);
    expect(() => validateAnswers([...all, { criterion: 'online_service', satisfied: true }], criteriaFor('post'))).toThrow(/not a criterion/);
    expect(() => validateAnswers([...all, all[0]!], criteriaFor('post'))).toThrow(/twice/);
  });
});
