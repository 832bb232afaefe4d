// Per-dossier quality facts, folded from the dossier's event log (plus its tasks, its rating and
// the complaints about it), and the contributions those facts make to the daily statistics
// buckets. Pure: the store loads the inputs and applies the deltas; working time is a function
// passed in (the calendar), so the fold can be tested with hand-computed cases.
import { vnDate } from '../lib/dates.js';
import { dossierFlags } from '../datastore/flags.js';

/** Counters of a unit bucket (day × agency × procedure). Same list as migration 0006. */
export const UNIT_COUNTERS = [
  'received', 'received_online', 'online_offered', 'resolved', 'early', 'on_time', 'late', 'refused', 'withdrawn', 'returned',
  'working_minutes', 'supplemented', 'ratings', 'dissatisfied', 'complained', 'complained_or_disliked', 'published',
  'step_done', 'step_late', 'c01_count', 'c01_sum', 'c01_i1', 'c01_i2', 'c01_i3', 'c01_i4', 'c01_i5', 'c01_i6', 'c01_i7', 'c01_i8', 'c01_i9',
  // once-only (#7, migration 0007): received with every component digitised / with a reused component; resolved with a signed e-result
  'digitised', 'reused', 'e_result',
] as const;
export type UnitCounter = (typeof UNIT_COUNTERS)[number];
/** Counters of an officer bucket (day × officer). */
export const OFFICER_COUNTERS = ['step_done', 'step_early', 'step_late', 'dissatisfied'] as const;
export type OfficerCounter = (typeof OFFICER_COUNTERS)[number];

export interface FactEvent {
  seq: number;
  type: string;
  at: string;
  agencyId: number | null;
  actorId: number | null;
  payload: Record<string, unknown>;
}

export interface FactTask {
  id: number;
  kind: string;
  stepId: string;
  agencyId: number;
  assigneeId: number | null;
  status: string;
  openedAt: string;
  dueAt: string | null;
  closedAt: string | null;
  closedBy: number | null;
}

export interface FactsInput {
  dossier: {
    id: number;
    receivingAgencyId: number;
    procedureId: number;
    channel: string;
    /** the projection's due dates, used only when the events carry none (data imported without payloads) */
    dueAt: string | null;
    originalDueAt: string | null;
  };
  /** the procedure version the dossier was received under */
  procedure: { onlineLevel: string; verified: boolean };
  events: FactEvent[];
  tasks: FactTask[];
  complaints: { count: number; late: number };
  /** the dossier's documents (source and requirement tell components from results), with their reuse/digitisation flags */
  documents: { source: string; requirement: string; reused: boolean; digitised: boolean }[];
  /** a signed e-result was issued in this dossier */
  eResult: boolean;
  /** working milliseconds in [a, b) minus paused spans: the calendar's workingTimeBetween */
  workingMs: (a: Date, b: Date, pauses: { from: Date; to: Date | null }[]) => number;
}

export type Closing = 'resolved' | 'refused' | 'withdrawn';
export type Outcome = 'early' | 'on_time' | 'late';

export interface StepFact {
  agencyId: number;
  officerId: number | null;
  day: string;
  early: boolean;
  late: boolean;
}

export interface DossierFacts {
  agencyId: number;
  procedureId: number;
  online: boolean;
  onlineOffered: boolean;
  published: boolean;
  receivedAt: string | null;
  receivedDay: string | null;
  closing: Closing | null;
  closedAt: string | null;
  closedDay: string | null;
  returnedDay: string | null;
  /** the due date on the receipt (after any supplement restart), before any apology moved it */
  dueAt: string | null;
  apologised: boolean;
  outcome: Outcome | null;
  /** working minutes from receipt to the result, supplement pauses excluded */
  workingMinutes: number | null;
  supplementRequests: number;
  agenciesInvolved: number;
  steps: StepFact[];
  rating: { channel: string; dissatisfied: string[]; satisfied: string[]; officers: number[] } | null;
  complaints: number;
  complaintsLate: number;
  /** Circular 01/2018 art. 13 indicators 1..9 (0/1/2) for a resolved dossier, else null */
  c01: number[] | null;
  /** every component of the dossier is electronic (Decision 766 "digitised") */
  digitised: boolean;
  /** at least one component was taken from data the state holds (Decision 766 "reuse") */
  reused: boolean;
  /** a signed e-result was issued */
  eResult: boolean;
}

export interface UnitDelta {
  day: string;
  agencyId: number;
  procedureId: number;
  counters: Partial<Record<UnitCounter, number>>;
}
export interface OfficerDelta {
  day: string;
  officerId: number;
  counters: Partial<Record<OfficerCounter, number>>;
}
export interface Contributions {
  unit: UnitDelta[];
  officer: OfficerDelta[];
}

const WORK_TASKS = new Set(['step', 'branch', 'consult']);

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** Folds a dossier's log into its quality facts. */
export function computeDossierFacts(input: FactsInput): DossierFacts {
  const { dossier } = input;
  const events = [...input.events].sort((a, b) => a.seq - b.seq);
  let receivedAt: string | null = null;
  let dueAt: string | null = null;
  let apologised = false;
  let closing: Closing | null = null;
  let closedAt: string | null = null;
  let resultAt: string | null = null;
  let returnedAt: string | null = null;
  let supplementRequests = 0;
  let rating: DossierFacts['rating'] = null;
  const pauses: { from: Date; to: Date | null }[] = [];
  for (const e of events) {
    switch (e.type) {
      case 'received':
        receivedAt ??= e.at;
        if (!apologised) dueAt = str(e.payload.dueAt) ?? dueAt;
        break;
      case 'supplement_requested':
      case 'processing_supplement_requested':
        supplementRequests++;
        // only a supplement asked after receipt pauses the dossier's clock (before receipt it has not started)
        if (e.type === 'processing_supplement_requested') pauses.push({ from: new Date(e.at), to: null });
        break;
      case 'supplement_provided': {
        const open = pauses.find((p) => p.to === null);
        if (open) open.to = new Date(e.at);
        // the legal time limit restarts from the complete dossier (DOMAIN.md §2.4)
        if (!apologised) dueAt = str(e.payload.dueAt) ?? dueAt;
        break;
      }
      case 'apology_issued':
        // the outcome is judged against the due date before any apology (Circular 01: an apology does not make a dossier on time)
        if (!apologised) dueAt = str(e.payload.oldDueAt) ?? dueAt;
        apologised = true;
        break;
      case 'result_recorded':
        resultAt ??= e.at;
        if (!closing) {
          closing = 'resolved';
          closedAt = e.at;
        }
        break;
      case 'refused':
        if (!closing) {
          closing = 'refused';
          closedAt = e.at;
        }
        break;
      case 'withdrawn':
        if (!closing) {
          closing = 'withdrawn';
          closedAt = e.at;
        }
        break;
      case 'result_returned':
        returnedAt ??= e.at;
        break;
      case 'rated': {
        const answers = Array.isArray(e.payload.answers) ? (e.payload.answers as { criterion?: unknown; satisfied?: unknown }[]) : [];
        const concerns = Array.isArray(e.payload.concerns) ? (e.payload.concerns as { officerId?: unknown }[]) : [];
        rating = {
          channel: str(e.payload.channel) ?? 'online',
          satisfied: answers.filter((a) => a.satisfied === true).map((a) => String(a.criterion)),
          dissatisfied: answers.filter((a) => a.satisfied !== true).map((a) => String(a.criterion)),
          officers: [...new Set(concerns.map((c) => c.officerId).filter((x): x is number => typeof x === 'number'))],
        };
        break;
      }
      default:
        break;
    }
  }
  if (dueAt === null && receivedAt !== null) dueAt = dossier.originalDueAt ?? dossier.dueAt;

  let outcome: Outcome | null = null;
  let workingMinutes: number | null = null;
  if (closing === 'resolved' && resultAt) {
    if (supplementRequests > 1) outcome = 'late';
    else if (dueAt === null || resultAt <= dueAt) outcome = dueAt !== null && vnDate(new Date(resultAt)) < vnDate(new Date(dueAt)) ? 'early' : 'on_time';
    else outcome = 'late';
    if (receivedAt) workingMinutes = Math.round(input.workingMs(new Date(receivedAt), new Date(resultAt), pauses) / 60_000);
  }

  const work = input.tasks.filter((t) => WORK_TASKS.has(t.kind));
  const steps: StepFact[] = work
    .filter((t) => t.status === 'done' && t.closedAt !== null)
    .sort((a, b) => a.id - b.id)
    .map((t) => ({
      agencyId: t.agencyId,
      officerId: t.closedBy ?? t.assigneeId,
      day: vnDate(new Date(t.closedAt!)),
      late: t.dueAt !== null && t.closedAt! > t.dueAt,
      early: t.dueAt !== null && vnDate(new Date(t.closedAt!)) < vnDate(new Date(t.dueAt)),
    }));
  const agenciesInvolved = new Set([dossier.receivingAgencyId, ...work.map((t) => t.agencyId)]).size;

  const facts: DossierFacts = {
    agencyId: dossier.receivingAgencyId,
    procedureId: dossier.procedureId,
    online: dossier.channel === 'online',
    onlineOffered: input.procedure.onlineLevel !== 'none',
    published: input.procedure.verified,
    receivedAt,
    receivedDay: receivedAt ? vnDate(new Date(receivedAt)) : null,
    closing,
    closedAt,
    closedDay: closedAt ? vnDate(new Date(closedAt)) : null,
    returnedDay: returnedAt ? vnDate(new Date(returnedAt)) : null,
    dueAt,
    apologised,
    outcome,
    workingMinutes,
    supplementRequests,
    agenciesInvolved,
    steps,
    rating,
    complaints: input.complaints.count,
    complaintsLate: input.complaints.late,
    c01: null,
    ...onceOnlyFlags(input),
  };
  facts.c01 = closing === 'resolved' ? circular01Scores(facts) : null;
  return facts;
}

/** The once-only facts (#7): over the dossier's components (not its results or step documents). */
function onceOnlyFlags(input: FactsInput): { digitised: boolean; reused: boolean; eResult: boolean } {
  const f = dossierFlags(input.documents);
  return { digitised: f.digitised, reused: f.reused, eResult: input.eResult };
}

/**
 * Circular 01/2018 art. 13: nine indicators scored 0/1/2 for a resolved dossier. Where the
 * circular's wording leaves the point to our reading it is marked in docs/indicators.md.
 */
export function circular01Scores(f: DossierFacts): number[] {
  const anyStepLate = f.steps.some((s) => s.late);
  const i1 = f.outcome === 'early' ? 2 : f.outcome === 'on_time' ? 1 : 0;
  const i2 = anyStepLate ? 0 : f.steps.length > 0 && f.steps.every((s) => s.early) ? 2 : 1;
  // contacts: every supplement request is one more trip for the applicant
  const i3 = f.supplementRequests === 0 ? 2 : f.supplementRequests === 1 ? 1 : 0;
  // one-stop desk: the applicant deals with the receiving desk only, however many agencies work behind it
  const i4 = 2;
  // handled within the receiving agency alone (2) or with others behind the desk (1)
  const i5 = f.agenciesInvolved <= 1 ? 2 : 1;
  const i6 = f.published ? 2 : 1;
  const i7 = f.complaints > 0 ? 0 : f.outcome === 'early' ? 2 : f.outcome === 'on_time' ? 1 : 0;
  const i8 = f.complaints === 0 ? 2 : f.complaintsLate === 0 ? 1 : 0;
  const i9 = f.online ? 2 : f.onlineOffered ? 1 : 0;
  return [i1, i2, i3, i4, i5, i6, i7, i8, i9];
}

function addUnit(list: UnitDelta[], day: string, agencyId: number, procedureId: number, counters: Partial<Record<UnitCounter, number>>): void {
  let d = list.find((x) => x.day === day && x.agencyId === agencyId && x.procedureId === procedureId);
  if (!d) {
    d = { day, agencyId, procedureId, counters: {} };
    list.push(d);
  }
  for (const [k, v] of Object.entries(counters) as [UnitCounter, number][]) if (v) d.counters[k] = (d.counters[k] ?? 0) + v;
}

function addOfficer(list: OfficerDelta[], day: string, officerId: number, counters: Partial<Record<OfficerCounter, number>>): void {
  let d = list.find((x) => x.day === day && x.officerId === officerId);
  if (!d) {
    d = { day, officerId, counters: {} };
    list.push(d);
  }
  for (const [k, v] of Object.entries(counters) as [OfficerCounter, number][]) if (v) d.counters[k] = (d.counters[k] ?? 0) + v;
}

/** 1 when the dossier had a complaint or a "dissatisfied" answer (Decision 766 satisfaction). */
export function complainedOrDisliked(f: DossierFacts): boolean {
  return f.complaints > 0 || (f.rating !== null && f.rating.dissatisfied.length > 0);
}

/**
 * The counters a dossier adds to the buckets. Receipt counts on the receipt day at the
 * receiving agency; the outcome, time spent, rating, complaints and Circular 01 score count on
 * the closing day (so every rate has the dossiers closed in the period as its denominator);
 * each step counts on the day it closed, at the agency that held it.
 */
export function contributions(f: DossierFacts): Contributions {
  const unit: UnitDelta[] = [];
  const officer: OfficerDelta[] = [];
  const a = f.agencyId;
  const p = f.procedureId;
  if (f.receivedDay)
    addUnit(unit, f.receivedDay, a, p, { received: 1, received_online: f.online ? 1 : 0, online_offered: f.onlineOffered ? 1 : 0, supplemented: f.supplementRequests > 0 ? 1 : 0, digitised: f.digitised ? 1 : 0, reused: f.reused ? 1 : 0 });
  if (f.closedDay && f.closing) {
    const disliked = f.rating !== null && f.rating.dissatisfied.length > 0;
    const common = { ratings: f.rating ? 1 : 0, dissatisfied: disliked ? 1 : 0, complained: f.complaints > 0 ? 1 : 0, complained_or_disliked: complainedOrDisliked(f) ? 1 : 0 };
    if (f.closing === 'resolved') {
      const c01: Partial<Record<UnitCounter, number>> = {};
      if (f.c01) {
        c01.c01_count = 1;
        c01.c01_sum = f.c01.reduce((s, x) => s + x, 0);
        f.c01.forEach((x, i) => (c01[`c01_i${i + 1}` as UnitCounter] = x));
      }
      addUnit(unit, f.closedDay, a, p, {
        resolved: 1, early: f.outcome === 'early' ? 1 : 0, on_time: f.outcome === 'on_time' ? 1 : 0, late: f.outcome === 'late' ? 1 : 0,
        working_minutes: f.workingMinutes ?? 0, published: f.published ? 1 : 0, e_result: f.eResult ? 1 : 0, ...common, ...c01,
      });
    } else if (f.closing === 'refused') addUnit(unit, f.closedDay, a, p, { refused: 1, ...common });
    else addUnit(unit, f.closedDay, a, p, { withdrawn: 1 });
    if (f.rating) for (const o of f.rating.officers) addOfficer(officer, f.closedDay, o, { dissatisfied: 1 });
  }
  if (f.returnedDay) addUnit(unit, f.returnedDay, a, p, { returned: 1 });
  for (const s of f.steps) {
    addUnit(unit, s.day, s.agencyId, p, { step_done: 1, step_late: s.late ? 1 : 0 });
    if (s.officerId !== null) addOfficer(officer, s.day, s.officerId, { step_done: 1, step_early: s.early ? 1 : 0, step_late: s.late ? 1 : 0 });
  }
  // a delta with no counter (e.g. a withdrawn dossier's zero) still marks the key; drop empty ones
  return { unit: unit.filter((d) => Object.keys(d.counters).length > 0), officer: officer.filter((d) => Object.keys(d.counters).length > 0) };
}

/** new − old, per bucket key: what to add to the buckets when a dossier's facts change. */
export function diffContributions(next: Contributions, prev: Contributions): Contributions {
  const unit: UnitDelta[] = [];
  const officer: OfficerDelta[] = [];
  for (const d of next.unit) addUnit(unit, d.day, d.agencyId, d.procedureId, d.counters);
  for (const d of prev.unit) addUnit(unit, d.day, d.agencyId, d.procedureId, negate(d.counters));
  for (const d of next.officer) addOfficer(officer, d.day, d.officerId, d.counters);
  for (const d of prev.officer) addOfficer(officer, d.day, d.officerId, negate(d.counters));
  const nonZero = <T extends { counters: Record<string, number | undefined> }>(x: T) => Object.values(x.counters).some((v) => v !== 0 && v !== undefined);
  for (const d of unit) for (const k of Object.keys(d.counters) as UnitCounter[]) if (d.counters[k] === 0) delete d.counters[k];
  for (const d of officer) for (const k of Object.keys(d.counters) as OfficerCounter[]) if (d.counters[k] === 0) delete d.counters[k];
  return { unit: unit.filter(nonZero), officer: officer.filter(nonZero) };
}

function negate<K extends string>(c: Partial<Record<K, number>>): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const [k, v] of Object.entries(c) as [K, number][]) out[k] = -v;
  return out;
}

export const EMPTY_CONTRIBUTIONS: Contributions = { unit: [], officer: [] };
