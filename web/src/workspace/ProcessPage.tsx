// The processing page of one dossier for an officer: where it stands (status, due dates, the
// current step with its agency, officer and due time), the steps of its workflow, the open
// tasks with the actions this officer may take, the apology with a new date, the process
// control slip (form 5), and the dossier itself (applicant, form, documents, timeline).
import { useId, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, links } from '../api/client.js';
import type { DossierDetail, RequiredDocument, WorkStep, WorkTask, WorkView } from '../api/types.js';
import { NotFoundPage } from '../portal/NotFoundPage.js';
import { useDossier, useProcedureOf } from '../dossiers/DossierPage.js';
import { DossierSections, StatusBadge } from '../dossiers/parts.js';
import { FormAlert } from '../ui/form.js';
import { formatDate, formatVnDateTime } from '../ui/format.js';
import { RequiredMark } from '../ui/SchemaForm.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading, isNotFound } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { TaskActions } from './workActions.js';
import { PriorityMarker, UrgencyBadge, budgetText, stepLabel, workErrorText } from './workParts.js';
import { reusedRequirements } from '../datastore/api.js';
import { DossierReuseSection, ReusedNotOffered } from '../datastore/DossierReuse.js';

export default function ProcessPage() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  usePageTitle(t('work.processTitle', { code }));
  return <RequireAuth>{() => <Loader code={code} />}</RequireAuth>;
}

function useWorkView(code: string) {
  return useQuery({ queryKey: ['work', 'dossier', code], queryFn: ({ signal }) => api.workDossier(code, signal), staleTime: 0 });
}

function Loader({ code }: { code: string }) {
  const q = useWorkView(code);
  if (q.isPending) return <Loading />;
  if (q.isError) {
    if (isNotFound(q.error)) return <NotFoundPage />;
    return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  }
  return <Process code={code} view={q.data} />;
}

function Process({ code, view }: { code: string; view: WorkView }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const detail = useDossier(code);
  const procedure = useProcedureOf(detail.data);
  const [message, setMessage] = useState<string | null>(null);
  const tasksHeading = useRef<HTMLHeadingElement>(null);
  const d = detail.data;
  const open = view.tasks.filter((x) => x.status === 'open');

  async function done(msg: string) {
    setMessage(msg);
    tasksHeading.current?.focus();
    await Promise.all([qc.invalidateQueries({ queryKey: ['work'] }), qc.invalidateQueries({ queryKey: ['dossier', code] })]);
  }

  return (
    <>
      <p>
        <Link to="/can-bo/xu-ly">{t('work.back')}</Link>
      </p>
      <h1 className="break">{t('work.processTitle', { code })}</h1>
      <Header view={view} d={d} />

      <section aria-labelledby="sec-steps" className="card section">
        <h2 id="sec-steps">{t('work.steps')}</h2>
        <StepList view={view} />
      </section>

      <section aria-labelledby="sec-tasks" className="card section">
        <h2 id="sec-tasks" ref={tasksHeading} tabIndex={-1}>
          {t('work.openTasks')}
        </h2>
        <div role="status">{message && <p className="success">{message}</p>}</div>
        {open.length === 0 ? (
          <p>{t('work.noOpenTasks')}</p>
        ) : (
          open.map((task) => <TaskCard key={task.id} code={code} view={view} task={task} d={d} documents={procedure.data?.documents} onDone={(m) => void done(m)} />)
        )}
      </section>

      <Consultations view={view} />

      {(view.canApologise || view.apologyIssued) && <Apology code={code} view={view} onDone={(m) => void done(m)} />}

      <ControlSlip code={code} />

      {detail.isError ? (
        <section aria-labelledby="sec-dossier" className="card section">
          <h2 id="sec-dossier">{t('work.dossierData')}</h2>
          <p className="alert alert-info">{isNotFound(detail.error) ? t('work.dossierHidden') : t('status.error')}</p>
        </section>
      ) : !d ? (
        <Loading />
      ) : (
        <>
          <DossierReuseSection d={d} officer />
          <DossierSections d={d} formSchema={procedure.data?.formSchema} internal />
        </>
      )}
    </>
  );
}

function Header({ view, d }: { view: WorkView; d: DossierDetail | undefined }) {
  const { t } = useTranslation();
  const main = view.tasks.find((x) => x.status === 'open' && x.kind === 'step');
  const current = view.steps.find((s) => s.id === view.currentStep);
  return (
    <dl className="summary">
      <div>
        <dt>{t('dossier.status')}</dt>
        <dd>
          <StatusBadge status={view.status} text={d?.publicStatus ?? view.status} />
        </dd>
      </div>
      <div>
        <dt>{t('work.state')}</dt>
        <dd>
          {view.urgency === 'none' && !view.onlinePriority ? (
            '—'
          ) : (
            <span className="badges">
              <UrgencyBadge urgency={view.urgency} />
              {view.onlinePriority && <PriorityMarker />}
            </span>
          )}
        </dd>
      </div>
      {d && (
        <>
          <div>
            <dt>{t('dossier.procedure')}</dt>
            <dd>{d.procedureName}</dd>
          </div>
          <div>
            <dt>{t('dossier.applicant')}</dt>
            <dd>{d.applicantName}</dd>
          </div>
          <div>
            <dt>{t('dossier.agency')}</dt>
            <dd>{d.agencyName}</dd>
          </div>
          <div>
            <dt>{t('dossier.channel')}</dt>
            <dd>{t(`channel.${d.channel}`, { defaultValue: d.channel })}</dd>
          </div>
        </>
      )}
      <div>
        <dt>{t('dossier.dueAt')}</dt>
        <dd>{view.dueAt ? formatVnDateTime(view.dueAt) : '—'}</dd>
      </div>
      {view.originalDueAt && (
        <div>
          <dt>{t('work.originalDueAt')}</dt>
          <dd>
            {formatVnDateTime(view.originalDueAt)} <span className="cell-note">{t('work.movedByApology')}</span>
          </dd>
        </div>
      )}
      <div>
        <dt>{t('work.currentStep')}</dt>
        <dd>{current ? current.name : '—'}</dd>
      </div>
      {main && (
        <>
          <div>
            <dt>{t('work.currentOwner')}</dt>
            <dd>
              {main.agencyName} — {main.receivedBy ?? <span className="muted">{t('work.unassigned')}</span>}
            </dd>
          </div>
          <div>
            <dt>{t('work.stepDueAt')}</dt>
            <dd>
              {main.dueAt ? formatVnDateTime(main.dueAt) : '—'} <UrgencyBadge urgency={main.urgency} />
            </dd>
          </div>
        </>
      )}
    </dl>
  );
}

type StepState = 'done' | 'current' | 'pending';

function stepState(view: WorkView, s: WorkStep): StepState {
  if (view.tasks.some((x) => x.kind === 'step' && x.step === s.id && x.status === 'open')) return 'current';
  if (view.tasks.some((x) => x.kind === 'step' && x.step === s.id && x.status === 'done')) return 'done';
  return 'pending';
}

function StepList({ view }: { view: WorkView }) {
  const { t, i18n } = useTranslation();
  return (
    <ol className="work-steps">
      {view.steps.map((s, i) => {
        const state = stepState(view, s);
        return (
          <li key={s.id} className={`work-step work-step-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
            <span className="work-step-n" aria-hidden="true">
              {i + 1}
            </span>
            <div>
              <strong>{s.name}</strong> <span className={`badge badge-step badge-step-${state}`}>{t(`work.stepState.${state}`)}</span>
              <span className="cell-note">
                {t(`role.${s.role}`, { defaultValue: s.role })} · {s.kind === 'return' ? t('work.byDueDate') : budgetText(t, i18n.language, s.budget)}
              </span>
            </div>
          </li>
        );
      })}
    </ol>
  );
}

/** A member's name as its own messages gave it (the interconnection events carry it), else its directory id. */
function memberName(d: DossierDetail | undefined, member: string): string {
  for (const e of d?.events ?? []) {
    const p = e.payload as { member?: unknown; memberName?: unknown } | null;
    if (p && typeof p === 'object' && p.member === member && typeof p.memberName === 'string' && p.memberName) return p.memberName;
  }
  return member;
}

function TaskCard({ code, view, task, d, documents, onDone }: { code: string; view: WorkView; task: WorkTask; d: DossierDetail | undefined; documents: RequiredDocument[] | undefined; onDone: (m: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const items = Array.isArray(task.detail?.items) ? (task.detail.items as { requirement?: unknown; reason?: unknown }[]) : [];
  const docName = (c: string) => documents?.find((x) => x.code === c)?.name ?? c;
  return (
    <article className="task" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{task.stepName || stepLabel(t, task.step, task.kind)}</h3>
      <dl className="meta">
        <div>
          <dt>{t('work.kindLabel')}</dt>
          <dd>{t(`work.kind.${task.kind}`)}</dd>
        </div>
        <div>
          <dt>{t('work.agency')}</dt>
          <dd>{task.agencyName}</dd>
        </div>
        {task.fromAgencyName && task.fromAgencyName !== task.agencyName && (
          <div>
            <dt>{t('work.fromAgency')}</dt>
            <dd>{task.fromAgencyName}</dd>
          </div>
        )}
        {task.remoteMember && (
          <div>
            <dt>{t('work.heldByPeer')}</dt>
            <dd>{memberName(d, task.remoteMember)}</dd>
          </div>
        )}
        <div>
          <dt>{t('work.roleLabel')}</dt>
          <dd>{t(`role.${task.role}`, { defaultValue: task.role })}</dd>
        </div>
        <div>
          <dt>{t('work.assignee')}</dt>
          <dd>{task.receivedBy ?? t('work.unassigned')}</dd>
        </div>
        <div>
          <dt>{t('work.dueAt')}</dt>
          <dd>
            {task.dueAt ? formatVnDateTime(task.dueAt) : '—'} <UrgencyBadge urgency={task.urgency} />
          </dd>
        </div>
      </dl>
      {typeof task.detail?.question === 'string' && (
        <p>
          <strong>{t('work.questionAsked')}</strong> {task.detail.question}
        </p>
      )}
      {typeof task.detail?.task === 'string' && (
        <p>
          <strong>{t('work.branchTask')}</strong> {task.detail.task}
        </p>
      )}
      {items.length > 0 && (
        <ul>
          {items.map((i, n) => (
            <li key={n}>
              <strong>{docName(String(i.requirement))}</strong>: {String(i.reason)}
            </li>
          ))}
        </ul>
      )}
      {task.kind === 'supplement' && (
        <p>
          {t('work.supplementWaiting')} <Link to={`/can-bo/ho-so/${encodeURIComponent(code)}`}>{t('work.supplementAtDesk')}</Link>
        </p>
      )}
      {/* a supplement request may not name documents provided from data the state already holds */}
      {task.actions.includes('request_supplement') && <ReusedNotOffered names={(documents ?? []).filter((x) => reusedRequirements(d).has(x.code)).map((x) => x.name)} />}
      <TaskActions ctx={{ code, view, task, detail: d, documents: documents?.filter((x) => !reusedRequirements(d).has(x.code)) }} onDone={onDone} />
    </article>
  );
}

/** Questions asked of other agencies (and parallel branches), with their answers. */
function Consultations({ view }: { view: WorkView }) {
  const { t } = useTranslation();
  const asked = view.tasks.filter((x) => (x.kind === 'consult' || x.kind === 'branch') && x.status !== 'cancelled');
  if (asked.length === 0) return null;
  return (
    <section aria-labelledby="sec-consult" className="card section">
      <h2 id="sec-consult">{t('work.consultations')}</h2>
      <ul className="item-list">
        {asked.map((x) => (
          <li key={x.id}>
            <span>
              <strong>{x.agencyName}</strong>
              <span className="cell-note">
                {t('work.askedAt', { date: formatVnDateTime(x.handedOverAt) })} · {t('work.answerDue', { date: x.dueAt ? formatVnDateTime(x.dueAt) : '—' })}
              </span>
              {typeof x.detail?.question === 'string' && (
                <span className="block">
                  {t('work.questionAsked')} {x.detail.question}
                </span>
              )}
              {typeof x.detail?.task === 'string' && (
                <span className="block">
                  {t('work.branchTask')} {x.detail.task}
                </span>
              )}
              <span className="block">
                {typeof x.detail?.answer === 'string' ? (
                  <>
                    <strong>{t('work.answerGiven')}</strong> {x.detail.answer} {x.receivedBy && <span className="muted">— {x.receivedBy}</span>}
                  </>
                ) : (
                  <span className="muted">{t('work.notAnswered')}</span>
                )}
              </span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Tomorrow of an instant, as yyyy-mm-dd in Vietnam time (UTC+7, no daylight saving). */
function vnDayAfter(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 7 * 3_600_000 + 24 * 3_600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The apology with a new date (form 4): by the head or leader, once, at least a day before the due date. */
function Apology({ code, view, onDone }: { code: string; view: WorkView; onDone: (m: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [reason, setReason] = useState('');
  const [date, setDate] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const min = view.dueAt ? vnDayAfter(view.dueAt) : undefined;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (reason.trim().length < 3) errs.reason = t('desk.reasonTooShort');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) errs.date = t('form.invalidDate');
    else if (min && date < min) errs.date = t('work.fieldErrors.newDueAt');
    setErrors(errs);
    if (Object.keys(errs).length) {
      setFormError(t('form.checkFields'));
      window.setTimeout(() => document.querySelector<HTMLElement>(`#${CSS.escape(id)}-form [aria-invalid="true"]`)?.focus(), 0);
      return;
    }
    setFormError(null);
    setBusy(true);
    try {
      // 16:30 Vietnam time of the chosen day
      const newDueAt = new Date(`${date}T16:30:00+07:00`).toISOString();
      await api.workAct(code, { action: 'apologise', reason: reason.trim(), newDueAt });
      onDone(t('work.done.apologise'));
    } catch (err) {
      setFormError(workErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="sec-apology" className="card section">
      <h2 id="sec-apology">{t('work.apologyTitle')}</h2>
      {view.apologyIssued ? (
        <>
          <p>{t('work.apologyIssued', { date: view.dueAt ? formatVnDateTime(view.dueAt) : '—' })}</p>
          <p>
            <a href={links.apologyPdf(code)} target="_blank" rel="noopener noreferrer">
              {t('work.apologyPdf')}
              <span className="sr-only"> {t('app.newTab')}</span>
            </a>
          </p>
        </>
      ) : (
        <form id={`${id}-form`} className="form-stack" onSubmit={(e) => void submit(e)} noValidate>
          <p>{t('work.apologyIntro')}</p>
          <FormAlert message={formError} />
          <div className="form-group">
            <label htmlFor={`${id}-reason`} className="label">
              {t('work.apologyReason')}
              <RequiredMark />
            </label>
            {errors.reason && (
              <p id={`${id}-reason-err`} className="field-error">
                {errors.reason}
              </p>
            )}
            <textarea
              id={`${id}-reason`}
              rows={3}
              required
              maxLength={2000}
              aria-invalid={errors.reason ? true : undefined}
              aria-describedby={errors.reason ? `${id}-reason-err` : undefined}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
          <div className="form-group">
            <label htmlFor={`${id}-date`} className="label">
              {t('work.apologyDate')}
              <RequiredMark />
            </label>
            <p id={`${id}-date-hint`} className="hint">
              {t('work.apologyDateHint', { date: min ? formatDate(min) : '—' })}
            </p>
            {errors.date && (
              <p id={`${id}-date-err`} className="field-error">
                {errors.date}
              </p>
            )}
            <input
              id={`${id}-date`}
              type="date"
              required
              min={min}
              className="input-short"
              aria-invalid={errors.date ? true : undefined}
              aria-describedby={[errors.date ? `${id}-date-err` : '', `${id}-date-hint`].filter(Boolean).join(' ')}
              value={date}
              onChange={(e) => setDate(e.target.value)}
            />
          </div>
          <div className="form-actions">
            <button type="submit" className="button" disabled={busy}>
              {busy ? t('form.sending') : t('work.apologySubmit')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** The process control slip (form 5): a row per hand-over with its result. */
function ControlSlip({ code }: { code: string }) {
  const { t } = useTranslation();
  const slip = useQuery({ queryKey: ['work', 'slip', code], queryFn: ({ signal }) => api.controlSlip(code, signal), staleTime: 0 });
  return (
    <section aria-labelledby="sec-slip" className="card section">
      <h2 id="sec-slip">{t('work.controlSlip')}</h2>
      <p>
        <a href={links.controlSlipPdf(code)} target="_blank" rel="noopener noreferrer">
          {t('work.controlSlipPdf')}
          <span className="sr-only"> {t('app.newTab')}</span>
        </a>
      </p>
      {slip.isPending ? (
        <Loading />
      ) : slip.isError ? (
        <ErrorMessage error={slip.error} onRetry={() => void slip.refetch()} />
      ) : (
        <ControlSlipTable rows={slip.data.rows} />
      )}
    </section>
  );
}

export function ControlSlipTable({ rows }: { rows: { step: string; fromAgency: string; toAgency: string; handedOverAt: string; handedOverBy: string; receivedBy: string; dueAt: string | null; doneAt: string | null; result: string; note: string }[] }) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table className="table-stack">
        <caption className="sr-only">{t('work.controlSlip')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('work.step')}</th>
            <th scope="col">{t('work.slipFrom')}</th>
            <th scope="col">{t('work.slipTo')}</th>
            <th scope="col">{t('work.slipHandedOver')}</th>
            <th scope="col">{t('work.slipReceivedBy')}</th>
            <th scope="col">{t('work.dueAt')}</th>
            <th scope="col">{t('work.slipDone')}</th>
            <th scope="col">{t('work.slipResult')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, n) => (
            <tr key={n}>
              <td data-label={t('work.step')}>
                {r.step}
                {r.note && <span className="cell-note">{r.note}</span>}
              </td>
              <td data-label={t('work.slipFrom')}>{r.fromAgency || '—'}</td>
              <td data-label={t('work.slipTo')}>{r.toAgency}</td>
              <td data-label={t('work.slipHandedOver')}>
                {formatVnDateTime(r.handedOverAt)}
                {r.handedOverBy && <span className="cell-note">{r.handedOverBy}</span>}
              </td>
              <td data-label={t('work.slipReceivedBy')}>{r.receivedBy || '—'}</td>
              <td data-label={t('work.dueAt')}>{r.dueAt ? formatVnDateTime(r.dueAt) : '—'}</td>
              <td data-label={t('work.slipDone')}>{r.doneAt ? formatVnDateTime(r.doneAt) : '—'}</td>
              <td data-label={t('work.slipResult')}>
                <span className={`badge badge-result badge-result-${r.result}`}>{t(`work.result.${r.result}`, { defaultValue: r.result })}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
