// Whom a dissatisfied answer concerns (issue #8: "dissatisfaction is tied to the step and officer
// concerned"), decided from the dossier's own record — its tasks and events — so the same
// rating always points at the same people:
// - time_vs_rule: the steps closed after their due time, and who held them (none late: the receiving agency);
// - contacts: whoever asked the applicant for papers (none asked: the receiving agency);
// - officer_attitude: everyone the applicant met or whose hands the dossier went through — the
//   desk officer who received, refused or returned it and the holder of every step;
// - lawful_result_cost: who decided (approved, refused) and who issued the result;
// - agencies, information_accuracy, online_service: the receiving agency as a whole (the
//   one-stop desk, its published information and its online service), no officer.
import type { CriterionCode } from './criteria.js';

export interface Concern {
  criterion: string;
  taskId: number | null;
  stepId: string | null;
  agencyId: number | null;
  officerId: number | null;
}

export interface ConcernTask {
  id: number;
  kind: string;
  stepId: string;
  agencyId: number;
  assigneeId: number | null;
  closedBy: number | null;
  /** open | done | cancelled */
  status: string;
  dueAt: string | null;
  closedAt: string | null;
  closedSeq: number | null;
}

export interface ConcernEvent {
  seq: number;
  type: string;
  actorId: number | null;
  agencyId: number | null;
}

export interface ConcernFacts {
  receivingAgencyId: number;
  tasks: ConcernTask[];
  events: ConcernEvent[];
}

const holder = (t: ConcernTask) => t.closedBy ?? t.assigneeId;

export function concernsOf(answers: readonly { criterion: string; satisfied: boolean }[], facts: ConcernFacts): Concern[] {
  const out: Concern[] = [];
  const seen = new Set<string>();
  const add = (c: Concern) => {
    const key = `${c.criterion}|${c.taskId}|${c.agencyId}|${c.officerId}`;
    if (!seen.has(key)) (seen.add(key), out.push(c));
  };
  const agencyOnly = (criterion: string) => add({ criterion, taskId: null, stepId: null, agencyId: facts.receivingAgencyId, officerId: null });
  const worked = facts.tasks.filter((t) => t.status === 'done' && t.kind !== 'supplement');
  const fromTask = (criterion: string, t: ConcernTask) => add({ criterion, taskId: t.id, stepId: t.stepId, agencyId: t.agencyId, officerId: holder(t) });
  /** an event's actor, with the task it closed when it closed one */
  const fromEvent = (criterion: string, e: ConcernEvent) => {
    const t = facts.tasks.find((x) => x.closedSeq === e.seq && x.status === 'done' && (e.actorId === null || holder(x) === e.actorId));
    if (t) fromTask(criterion, t);
    else add({ criterion, taskId: null, stepId: null, agencyId: e.agencyId ?? facts.receivingAgencyId, officerId: e.actorId });
  };
  const events = (...types: string[]) => facts.events.filter((e) => types.includes(e.type) && e.actorId !== null);

  for (const a of answers) {
    if (a.satisfied) continue;
    const criterion = a.criterion as CriterionCode;
    const before = out.length;
    switch (criterion) {
      case 'time_vs_rule':
        for (const t of worked) if (t.dueAt && t.closedAt && t.closedAt > t.dueAt) fromTask(criterion, t);
        break;
      case 'contacts':
        for (const e of events('supplement_requested', 'processing_supplement_requested')) fromEvent(criterion, e);
        break;
      case 'officer_attitude':
        for (const e of events('received', 'supplement_requested', 'refused')) fromEvent(criterion, e);
        for (const t of worked) if (holder(t) !== null) fromTask(criterion, t);
        for (const e of events('result_returned')) fromEvent(criterion, e);
        break;
      case 'lawful_result_cost':
        for (const e of events('approved', 'refused', 'result_recorded')) fromEvent(criterion, e);
        break;
      default:
        break;
    }
    if (out.length === before) agencyOnly(criterion);
  }
  return out;
}
