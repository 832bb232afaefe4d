// Workflow templates: the default template fits every legal time limit it is derived from, the
// validator refuses each kind of broken template with a problem naming the field, and online
// priority shrinks budgets proportionally so the online path fits in the limit minus the priority.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimeLimit } from '../catalog/schemas.js';
import { budgetHours, defaultTemplate, effectiveBudgetHours, limitHours, type StepTemplate, validateTemplate, type WorkflowDefinition } from './template.js';

const TEN_DAYS: TimeLimit = { value: 10, unit: 'working_days' };
const base = (limit: TimeLimit = TEN_DAYS): WorkflowDefinition => structuredClone(defaultTemplate(limit));
const here = { kind: 'receiving' as const };

/** Longest chain of budgets from the first step (the validator's rule, recomputed here on small DAGs). */
function longest(def: WorkflowDefinition, hours: (s: StepTemplate) => number): number {
  const byId = new Map(def.steps.map((s) => [s.id, s]));
  const go = (id: string): number => {
    const s = byId.get(id)!;
    return (s.kind === 'return' ? 0 : hours(s)) + Math.max(0, ...s.next.map(go));
  };
  return go(def.steps[0]!.id);
}

describe('defaultTemplate', () => {
  const limits: TimeLimit[] = [
    { value: 0, unit: 'working_days' },
    { value: 1, unit: 'working_days' },
    { value: 3, unit: 'working_days' },
    { value: 10, unit: 'working_days' },
    { value: 30, unit: 'working_days' },
    { value: 4, unit: 'working_hours' },
    { value: 8, unit: 'working_hours' },
    { value: 40, unit: 'working_hours' },
    { value: 4, unit: 'hours' },
    { value: 24, unit: 'hours' },
    { value: 72, unit: 'hours' },
    { value: 1, unit: 'days' },
    { value: 15, unit: 'days' },
    { value: 90, unit: 'days' },
    { value: 1, unit: 'months' },
    { value: 3, unit: 'months' },
  ];
  it.each(limits)('is valid and fits a limit of $value $unit', (limit) => {
    const def = defaultTemplate(limit);
    const r = validateTemplate(def, limit);
    expect(r.problems).toEqual([]);
    expect(r.definition).toEqual(def);
    const total = longest(def, (s) => budgetHours(s.budget));
    expect(total).toBeLessThanOrEqual(limitHours(limit));
    // and uses most of it (shares of 60/20/20 % rounded down to half hours, at least 1 h each)
    expect(total).toBeGreaterThanOrEqual(Math.min(limitHours(limit) - 1.5, limitHours(limit) * 0.9));
    expect(def.steps.map((s) => s.kind)).toEqual(['examine', 'approve', 'issue_result', 'return']);
  });

  it('is valid for every whole limit from 4 hours, 0 working days, 1 day and 1 month up (to 20 months)', () => {
    const all: TimeLimit[] = [
      ...Array.from({ length: 300 }, (_, i) => ({ value: i + 4, unit: 'working_hours' as const })),
      ...Array.from({ length: 300 }, (_, i) => ({ value: i + 4, unit: 'hours' as const })),
      ...Array.from({ length: 61 }, (_, i) => ({ value: i, unit: 'working_days' as const })),
      ...Array.from({ length: 365 }, (_, i) => ({ value: i + 1, unit: 'days' as const })),
      ...Array.from({ length: 20 }, (_, i) => ({ value: i + 1, unit: 'months' as const })),
    ];
    const bad = all.filter((l) => validateTemplate(defaultTemplate(l), l).problems.length > 0);
    expect(bad).toEqual([]);
  });

  // Long limits (21 months, 417 working days) give the examination more than 2 000 hours: the schema allows it.
  it('fits limits of 21 months and more', () => {
    for (const limit of [{ value: 21, unit: 'months' }, { value: 417, unit: 'working_days' }] as const) expect(validateTemplate(defaultTemplate(limit), limit).problems, `${limit.value} ${limit.unit}`).toEqual([]);
  });

  // Short limits: the three working steps get quarter hours, at least one each, so they fit from 1 hour up.
  it('fits limits shorter than 4 hours', () => {
    for (const value of [1, 2, 3]) for (const unit of ['hours', 'working_hours'] as const) expect(validateTemplate(defaultTemplate({ value, unit }), { value, unit }).problems, `${value} ${unit}`).toEqual([]);
  });
});

describe('validateTemplate refuses', () => {
  const problems = (def: unknown, limit: TimeLimit = TEN_DAYS) => {
    const r = validateTemplate(def, limit);
    expect(r.definition).toBeUndefined();
    expect(r.problems.length).toBeGreaterThan(0);
    return r.problems;
  };
  const problem = (field: string, message: RegExp) => expect.objectContaining({ field, message: expect.stringMatching(message) });

  it('a hand-over to a step that does not exist', () => {
    const def = base();
    def.steps[0]!.next = ['approve', 'nowhere'];
    expect(problems(def)).toEqual([problem('steps.0.next', /hands over to "nowhere", which does not exist/)]);
  });

  it('a hand-over backwards (returns are a separate action)', () => {
    const def = base();
    def.steps[2]!.next = ['return', 'examine'];
    expect(problems(def)).toEqual([problem('steps.2.next', /hands over to "examine", an earlier step/)]);
  });

  it('a step that cannot be reached from the first', () => {
    const def = base();
    def.steps.splice(1, 0, { id: 'verify', kind: 'verify', name: 'Xác minh', agency: here, role: 'specialist', budget: { value: 4, unit: 'working_hours' }, next: ['approve'], actions: ['hand_over'] });
    expect(problems(def)).toEqual([problem('steps.1', /"verify" cannot be reached from the first step/)]);
  });

  it('a dead end (a step other than the return step with nowhere to go)', () => {
    const def = base();
    def.steps[1]!.next = [];
    const p = problems(def);
    expect(p).toContainEqual(problem('steps.1.next', /"approve" is a dead end/));
    // what follows the dead end is unreachable too
    expect(p).toContainEqual(problem('steps.2', /"issue" cannot be reached/));
  });

  it('a step with next steps but no action that moves the dossier on', () => {
    const def = base();
    def.steps[0]!.actions = ['consult', 'request_supplement'];
    expect(problems(def)).toEqual([problem('steps.0.actions', /no action that moves the dossier on/)]);
  });

  it('a workflow without a return step', () => {
    const def = base();
    def.steps.pop();
    def.steps[2]!.next = [];
    const p = problems(def);
    expect(p).toContainEqual(problem('steps', /no step returns the result to the applicant/));
    expect(p).toContainEqual(problem('steps.2.next', /dead end/));
  });

  it('a return step that does not allow return_result, and return_result elsewhere', () => {
    const def = base();
    def.steps[3]!.actions = ['hand_over'];
    def.steps[2]!.actions = ['record_result', 'return_result'];
    const p = problems(def);
    expect(p).toContainEqual(problem('steps.3.actions', /the return step must allow return_result/));
    expect(p).toContainEqual(problem('steps.2.actions', /only the return step returns the result/));
  });

  it('a workflow where no step records the result', () => {
    const def = base();
    def.steps[2]!.actions = ['hand_over', 'return'];
    expect(problems(def)).toEqual([problem('steps', /no step records the result/)]);
  });

  it('approve or refuse at a step taken by a specialist or the desk', () => {
    const def = base();
    def.steps[0]!.actions = ['hand_over', 'approve'];
    def.steps[1]!.role = 'specialist';
    const p = problems(def);
    expect(p).toContainEqual(problem('steps.0.role', /"examine" decides \(approve\/refuse\): it must be taken by a unit head or an agency leader/));
    expect(p).toContainEqual(problem('steps.1.role', /"approve" decides/));
    const refuseAtDesk = base();
    refuseAtDesk.steps[2]!.actions = ['record_result', 'refuse'];
    refuseAtDesk.steps[2]!.role = 'desk_officer';
    expect(problems(refuseAtDesk)).toEqual([problem('steps.2.role', /"issue" decides/)]);
  });

  it('a return step taken by anyone but the desk', () => {
    for (const role of ['specialist', 'unit_head', 'agency_leader'] as const) {
      const def = base();
      def.steps[3]!.role = role;
      expect(problems(def)).toEqual([problem('steps.3.role', /returned by the one-stop desk \(desk_officer\)/)]);
    }
  });

  it('budgets over the legal limit, naming the hours of the longest path and of the limit', () => {
    const def = base();
    def.steps[0]!.budget = { value: 7, unit: 'working_days' };
    expect(problems(def)).toEqual([problem('steps', /add up to 88 working hours on the longest path; the legal time limit allows 80\b/)]);
    // the same template against 15 calendar days (10 working days, conservatively) and 2 months (320 h)
    expect(problems(def, { value: 15, unit: 'days' })).toEqual([problem('steps', /88 working hours.*allows 80\b/)]);
    expect(validateTemplate(def, { value: 2, unit: 'months' }).problems).toEqual([]);
    // two paths: the longest counts (10 + 60 + 16 = 86), not the sum of all steps (91) nor the shorter path (31)
    const fork: WorkflowDefinition = {
      steps: [
        { id: 'a', kind: 'examine', name: 'Kiểm tra', agency: here, role: 'specialist', budget: { value: 10, unit: 'working_hours' }, next: ['slow', 'fast'], actions: ['hand_over'] },
        { id: 'slow', kind: 'verify', name: 'Xác minh thực địa', agency: here, role: 'specialist', budget: { value: 60, unit: 'working_hours' }, next: ['issue'], actions: ['hand_over'] },
        { id: 'fast', kind: 'approve', name: 'Duyệt nhanh', agency: here, role: 'unit_head', budget: { value: 5, unit: 'working_hours' }, next: ['issue'], actions: ['approve'] },
        { id: 'issue', kind: 'issue_result', name: 'Ban hành', agency: here, role: 'specialist', budget: { value: 2, unit: 'working_days' }, next: ['return'], actions: ['record_result'] },
        { id: 'return', kind: 'return', name: 'Trả kết quả', agency: here, role: 'desk_officer', budget: { value: 0, unit: 'working_hours' }, next: [], actions: ['return_result'] },
      ],
    };
    expect(problems(fork)).toEqual([problem('steps', /add up to 86 working hours on the longest path; the legal time limit allows 80\b/)]);
    fork.steps[1]!.budget.value = 54;
    expect(validateTemplate(fork, TEN_DAYS).problems).toEqual([]);
  });

  it('online priority that leaves no time to process', () => {
    const def = { ...base(), onlinePriorityDays: 10 };
    expect(problems(def)).toEqual([problem('onlinePriorityDays', /must leave some time/)]);
    expect(validateTemplate({ ...base(), onlinePriorityDays: 9 }, TEN_DAYS).problems).toEqual([]);
  });

  it('a working step without a time budget', () => {
    const def = base();
    def.steps[1]!.budget = { value: 0, unit: 'working_days' };
    expect(problems(def)).toEqual([problem('steps.1.budget', /"approve" needs a time budget/)]);
  });

  it('a step id used twice', () => {
    const def = base();
    def.steps[2]!.id = 'approve';
    expect(problems(def)).toContainEqual(problem('steps.2.id', /step id "approve" is used twice/));
  });

  it('a parallel branch with more time than its step', () => {
    const def = base();
    def.steps[0]!.branches = [
      { id: 'police', task: 'Xác minh nhân thân', agency: { kind: 'fixed', code: '000.00.40.H31' }, role: 'specialist', budget: { value: 48, unit: 'working_hours' } },
      { id: 'tax', task: 'Xác định nghĩa vụ tài chính', agency: { kind: 'handling', procedure: '1.000001', level: 'department' }, role: 'specialist', budget: { value: 7, unit: 'working_days' } },
    ];
    expect(problems(def)).toEqual([problem('steps.0.branches.1.budget', /branch "tax" has more time than its step/)]);
  });

  it('malformed input, with the fields at fault', () => {
    expect(problems(null)).toEqual([problem('steps', /object/)]);
    expect(problems({ steps: 'x' })).toEqual([problem('steps', /array/)]);
    expect(problems({ steps: [] })).toEqual([expect.objectContaining({ field: 'steps' })]);
    const wrong = base() as unknown as { steps: Record<string, unknown>[] };
    wrong.steps[0]!.id = 5;
    wrong.steps[0]!.budget = { value: 'two', unit: 'weeks' };
    const p = problems(wrong);
    expect(p).toContainEqual(problem('steps.0.id', /string/));
    expect(p).toContainEqual(expect.objectContaining({ field: 'steps.0.budget.value' }));
    expect(p).toContainEqual(expect.objectContaining({ field: 'steps.0.budget.unit' }));
    const badRole = base() as unknown as { steps: Record<string, unknown>[] };
    badRole.steps[1]!.role = 'mayor';
    expect(problems(badRole)).toContainEqual(expect.objectContaining({ field: 'steps.1.role' }));
    const badAgency = base() as unknown as { steps: Record<string, unknown>[] };
    badAgency.steps[0]!.agency = { kind: 'fixed', code: 'lower-case' };
    expect(problems(badAgency)).toContainEqual(expect.objectContaining({ field: expect.stringMatching(/^steps\.0\.agency/) }));
    expect(problems({ ...base(), colour: 'red' })).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/additional properties/) }));
    const negative = base();
    negative.steps[0]!.budget = { value: -1, unit: 'working_hours' };
    expect(problems(negative)).toContainEqual(expect.objectContaining({ field: 'steps.0.budget.value' }));
    for (const p2 of problems({ steps: [{}] })) expect(p2.field).toMatch(/^steps/);
  });
});

describe('effectiveBudgetHours', () => {
  it('leaves budgets alone offline, or without online priority', () => {
    const def = base();
    for (const s of def.steps) {
      expect(effectiveBudgetHours(def, s, false, TEN_DAYS)).toBe(budgetHours(s.budget));
      expect(effectiveBudgetHours(def, s, true, TEN_DAYS)).toBe(budgetHours(s.budget));
      expect(effectiveBudgetHours({ ...def, onlinePriorityDays: 3 }, s, false, TEN_DAYS)).toBe(budgetHours(s.budget));
    }
  });

  it('shrinks online budgets by (limit − priority) / limit, rounded down to whole minutes', () => {
    const def = { ...base(), onlinePriorityDays: 2 }; // 80 h → 64 h: × 0.8
    expect(def.steps.map((s) => Math.round(effectiveBudgetHours(def, s, true, TEN_DAYS) * 60))).toEqual(def.steps.map((s) => Math.max(1, Math.floor(budgetHours(s.budget) * 0.8 * 60 + 1e-9))));
    const online = longest(def, (s) => effectiveBudgetHours(def, s, true, TEN_DAYS));
    expect(online).toBeLessThanOrEqual(80 - 2 * 8);
  });

  it('property: for default and random templates, online budgets are proportional and the online path fits in limit − priority days', () => {
    const stepArb = fc.record({ hours: fc.integer({ min: 1, max: 160 }).map((h) => h / 2), days: fc.boolean() });
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }), fc.array(stepArb, { minLength: 1, maxLength: 12 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.boolean(), (limitDays, shape, priorityShare, useDefault) => {
        const limit: TimeLimit = { value: limitDays, unit: 'working_days' };
        const max = limitHours(limit);
        const priority = Math.max(1, Math.min(limitDays - 1, Math.floor(limitDays * priorityShare)));
        let def: WorkflowDefinition;
        if (useDefault) def = { ...defaultTemplate(limit), onlinePriorityDays: priority };
        else {
          // a chain of steps scaled to fit the limit, then the return step
          const raw = shape.map((s) => (s.days ? Math.max(1, Math.round(s.hours / 8)) * 8 : s.hours));
          const scale = Math.min(1, max / raw.reduce((a, b) => a + b, 0));
          const hours = raw.map((h) => Math.max(1, Math.floor(h * scale * 2) / 2));
          fc.pre(hours.reduce((a, b) => a + b, 0) <= max);
          const steps: StepTemplate[] = hours.map((h, i) => ({ id: `s${i}`, kind: i === hours.length - 1 ? 'issue_result' : 'examine', name: `Bước ${i}`, agency: here, role: 'specialist', budget: { value: h, unit: 'working_hours' }, next: [i === hours.length - 1 ? 'return' : `s${i + 1}`], actions: i === hours.length - 1 ? ['record_result'] : ['hand_over'] }));
          steps.push({ id: 'return', kind: 'return', name: 'Trả kết quả', agency: here, role: 'desk_officer', budget: { value: 0, unit: 'working_hours' }, next: [], actions: ['return_result'] });
          def = { steps, onlinePriorityDays: priority };
        }
        expect(validateTemplate(def, limit).problems).toEqual([]);
        const factor = (max - priority * 8) / max;
        fc.pre(def.steps.every((s) => s.kind === 'return' || budgetHours(s.budget) * factor >= 1 / 60));
        for (const s of def.steps) {
          if (s.kind === 'return') continue;
          const b = budgetHours(s.budget);
          const e = effectiveBudgetHours(def, s, true, limit);
          expect(e).toBeLessThanOrEqual(b * factor + 1e-9);
          expect(e).toBeGreaterThan(b * factor - 1 / 60 - 1e-9);
          expect(Math.abs(e * 60 - Math.round(e * 60))).toBeLessThan(1e-9);
        }
        expect(longest(def, (s) => effectiveBudgetHours(def, s, true, limit))).toBeLessThanOrEqual(max - priority * 8);
      }),
      { seed: 61_2018, numRuns: 300 },
    );
  });

  // Many short steps must not overrun the online total (limit − priority days): 5 working days with
  // 4 days of online priority leaves 8 h; ten 1-hour steps and one of 30 h come to 10 × 12 min + 6 h.
  it('short steps still fit the online total', () => {
    const limit: TimeLimit = { value: 5, unit: 'working_days' };
    const steps: StepTemplate[] = Array.from({ length: 10 }, (_, i) => ({ id: `s${i}`, kind: 'verify', name: `Bước ${i}`, agency: here, role: 'specialist', budget: { value: 1, unit: 'working_hours' }, next: [i === 9 ? 'issue' : `s${i + 1}`], actions: ['hand_over'] }));
    steps.push({ id: 'issue', kind: 'issue_result', name: 'Ban hành', agency: here, role: 'specialist', budget: { value: 30, unit: 'working_hours' }, next: ['return'], actions: ['record_result'] });
    steps.push({ id: 'return', kind: 'return', name: 'Trả kết quả', agency: here, role: 'desk_officer', budget: { value: 0, unit: 'working_hours' }, next: [], actions: ['return_result'] });
    const def: WorkflowDefinition = { steps, onlinePriorityDays: 4 };
    expect(validateTemplate(def, limit).problems).toEqual([]);
    expect(longest(def, (s) => effectiveBudgetHours(def, s, true, limit))).toBeLessThanOrEqual(40 - 32 + 1e-9);
  });
});
