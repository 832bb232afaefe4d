// The actions an officer may take on an open task, each a small form: buttons only for the
// actions the server lists for this officer on this task; the form opens below its button
// with focus on its first field, labels every field, shows errors next to the fields and in
// an alert (reason codes in words), and gives focus back to its button when cancelled.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client.js';
import type { DossierDetail, RequiredDocument, WorkAction, WorkActionName, WorkTask, WorkView } from '../api/types.js';
import { AgencyPicker, type PickedAgency } from '../admin/AgencyPicker.js';
import { SupplementChecklist, UploadControl, checklistItems, reasonLines, type Checklist, type UploadedFile } from '../dossiers/parts.js';
import { ActionButtons } from '../ui/ActionButtons.js';
import { FormAlert, LabelledField, TextAreaField } from '../ui/form.js';
import { RequiredMark } from '../ui/SchemaForm.js';
import { workErrorText } from './workParts.js';
import { resultsApi } from '../results/api.js';
import { checkEResult, eResultBody, eResultFieldErrors, EResultPart, initialEResult, resultErrorText, type EResultValue } from '../results/parts.js';

const ORDER: WorkActionName[] = ['claim', 'assign', 'hand_over', 'consult', 'answer', 'request_supplement', 'approve', 'refuse', 'return', 'transfer', 'record_result', 'return_result'];
const MIN_REASON = 3;

export interface ActionContext {
  code: string;
  view: WorkView;
  task: WorkTask;
  detail: DossierDetail | undefined;
  documents: RequiredDocument[] | undefined;
}

/** The buttons of a task's actions and the form of the one opened. */
export function TaskActions({ ctx, onDone }: { ctx: ActionContext; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const actions = ORDER.filter((a) => ctx.task.actions.includes(a));
  if (actions.length === 0) return <p className="muted">{t('work.noActions')}</p>;
  return (
    <ActionButtons actions={actions} label={t('work.actionsFor', { step: ctx.task.stepName })} actionLabel={(a) => t(`work.action.${a}`)}>
      {({ action, id, cancel, finish }) => (
        <ActionForm
          id={id}
          action={action}
          ctx={ctx}
          onCancel={cancel}
          onDone={(m) => {
            finish();
            onDone(m);
          }}
        />
      )}
    </ActionButtons>
  );
}

type Errors = Record<string, string>;

/** the longest note, reason, question or answer of an action */
const MAX_TEXT = 2000;

function isAction(b: WorkAction | Errors): b is WorkAction {
  return typeof (b as { taskId?: unknown }).taskId === 'number';
}

function SelectField({ id, label, value, onChange, error, children }: { id: string; label: string; value: string; onChange: (v: string) => void; error?: string | undefined; children: ReactNode }) {
  return (
    <LabelledField id={id} label={label} error={error} markRequired>
      {(control) => (
        <select {...control} required value={value} onChange={(e) => onChange(e.target.value)}>
          {children}
        </select>
      )}
    </LabelledField>
  );
}

/** Officers of the task's agency holding its role; when none are granted on that agency itself, those of its parents (grants cover the agencies below). */
async function officersFor(agency: string, role: string, signal: AbortSignal): Promise<{ id: number; name: string }[]> {
  let code: string | null = agency;
  for (let depth = 0; code && depth < 4; depth++) {
    try {
      const r = await api.workOfficers(code, role, signal);
      if (r.items.length) return r.items;
      code = (await api.agency(code, signal)).parentCode;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 403 || err.status === 404)) return [];
      throw err;
    }
  }
  return [];
}

function ActionForm({ id, action, ctx, onCancel, onDone }: { id: string; action: WorkActionName; ctx: ActionContext; onCancel: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const formRef = useRef<HTMLFormElement>(null);
  const { task, view } = ctx;
  const step = view.steps.find((s) => s.id === task.step);
  const next = step?.next ?? [];
  const stepIndex = view.steps.findIndex((s) => s.id === task.step);
  const earlier = view.steps.slice(0, Math.max(0, stepIndex)).filter((s) => s.kind !== 'return');

  const [text, setText] = useState('');
  const [note, setNote] = useState('');
  const [target, setTarget] = useState(next.length === 1 ? next[0]! : '');
  const [agency, setAgency] = useState<PickedAgency | null>(null);
  const [days, setDays] = useState('3');
  const [assignee, setAssignee] = useState('');
  const [checklist, setChecklist] = useState<Checklist>({});
  const [file, setFile] = useState<UploadedFile | null>(null);
  const [method, setMethod] = useState<'desk' | 'post' | 'online'>(ctx.detail && ['desk', 'post', 'online'].includes(ctx.detail.returnMethod) ? (ctx.detail.returnMethod as 'desk' | 'post' | 'online') : 'desk');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // the signed e-result (#7): the default when the procedure has an evidence type
  const draft = useQuery({ queryKey: ['work', 'e-result-draft', ctx.code], queryFn: ({ signal }) => resultsApi.draft(ctx.code, signal), enabled: action === 'record_result', retry: false });
  const [eres, setEres] = useState<EResultValue | null>(null);
  const eResult = eres ?? initialEResult(draft.data);
  const signed = !!draft.data?.evidenceType && eResult.signed;

  const officers = useQuery({
    queryKey: ['work', 'officers', task.agencyCode, task.role],
    queryFn: ({ signal }) => officersFor(task.agencyCode, task.role, signal),
    enabled: action === 'assign',
  });

  // Focus the form's first field once it is there (the officer list loads first).
  const ready = (action !== 'assign' || !officers.isPending) && (action !== 'record_result' || !draft.isPending);
  useEffect(() => {
    if (!ready) return;
    const first = formRef.current?.querySelector<HTMLElement>('input:not([type="hidden"]):not(:disabled), select, textarea, button:not(:disabled)');
    (first ?? formRef.current?.querySelector<HTMLElement>('h4'))?.focus();
  }, [ready]);

  const focusInvalid = () => window.setTimeout(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
  const reasonOk = (s: string) => s.trim().length >= MIN_REASON;

  function build(): WorkAction | Errors {
    const e: Errors = {};
    const taskId = task.id;
    switch (action) {
      case 'claim':
        return { action, taskId };
      case 'assign':
        if (!assignee) e.assigneeId = t('work.chooseOfficer');
        return Object.keys(e).length ? e : { action, taskId, assigneeId: Number(assignee) };
      case 'hand_over':
        if (next.length > 1 && !target) e.to = t('work.chooseStep');
        return Object.keys(e).length ? e : { action, taskId, ...(next.length > 1 ? { to: target } : {}), ...(note.trim() ? { note: note.trim() } : {}) };
      case 'return':
        if (!target) e.to = t('work.chooseStep');
        if (!reasonOk(text)) e.reason = t('desk.reasonTooShort');
        return Object.keys(e).length ? e : { action, taskId, to: target, reason: text.trim() };
      case 'consult': {
        const n = Number(days);
        if (!agency) e.agency = t('work.chooseAgency');
        else if (agency.code === task.agencyCode) e.agency = t('work.fieldErrors.agency');
        if (!reasonOk(text)) e.question = t('work.textTooShort');
        if (!Number.isInteger(n) || n < 1 || n > 15) e.days = t('work.daysRange');
        return Object.keys(e).length ? e : { action, taskId, agency: agency!.code, question: text.trim(), days: n };
      }
      case 'answer':
        if (!reasonOk(text)) e.answer = t('work.textTooShort');
        return Object.keys(e).length ? e : { action, taskId, answer: text.trim() };
      case 'transfer':
        if (!agency) e.agency = t('work.chooseAgency');
        else if (agency.code === task.agencyCode) e.agency = t('work.fieldErrors.agency');
        if (!reasonOk(text)) e.reason = t('desk.reasonTooShort');
        return Object.keys(e).length ? e : { action, taskId, agency: agency!.code, reason: text.trim() };
      case 'request_supplement': {
        const r = checklistItems(t, checklist);
        if (Object.keys(r.errors).length) return { ...r.errors, items: t('form.checkFields') };
        return { action, taskId, items: r.items };
      }
      case 'approve':
        return { action, taskId, ...(note.trim() ? { note: note.trim() } : {}) };
      case 'refuse': {
        const lines = reasonLines(text);
        if (lines.length === 0 || lines.some((l) => l.length < MIN_REASON)) e.reasons = t('desk.reasonTooShort');
        return Object.keys(e).length ? e : { action, taskId, reasons: lines };
      }
      case 'record_result':
        if (!reasonOk(text)) e.summary = t('work.textTooShort');
        if (signed) Object.assign(e, checkEResult(t, draft.data!, eResult));
        else if (!file) e.documents = t('work.errors.result_document_required');
        return Object.keys(e).length ? e : { action, taskId, summary: text.trim(), ...(signed ? { eResult: eResultBody(draft.data!, eResult) } : { documents: [file!.id] }) };
      case 'return_result':
        return { action, taskId, method };
    }
  }

  async function submit(ev: React.FormEvent) {
    ev.preventDefault();
    const body = build();
    if (!isAction(body)) {
      setErrors(body);
      setFormError(t('form.checkFields'));
      focusInvalid();
      return;
    }
    setErrors({});
    setFormError(null);
    setBusy(true);
    try {
      await api.workAct(ctx.code, body);
      onDone(t(`work.done.${action}`));
    } catch (err) {
      const text = action === 'record_result' && signed ? resultErrorText(t, err) : workErrorText(t, err);
      const eFields = action === 'record_result' ? eResultFieldErrors(t, err) : null;
      if (eFields) {
        setErrors(eFields);
        focusInvalid();
      }
      const field = err instanceof ApiError ? err.field?.split('.')[0] : undefined;
      if (field && ['to', 'agency', 'assigneeId', 'documents', 'reason', 'question', 'answer', 'summary', 'days'].includes(field)) {
        setErrors({ [field]: text });
        focusInvalid();
      }
      setFormError(text);
    } finally {
      setBusy(false);
    }
  }

  const f = (name: string) => `${id}-${name}`;
  let fields: ReactNode = null;
  switch (action) {
    case 'claim':
      fields = <p>{t('work.claimIntro')}</p>;
      break;
    case 'assign':
      fields = officers.isPending ? (
        <p className="muted">{t('status.loading')}</p>
      ) : officers.isError ? (
        <p className="alert alert-error">{workErrorText(t, officers.error)}</p>
      ) : officers.data.length === 0 ? (
        <p className="alert alert-info">{t('work.noOfficers')}</p>
      ) : (
        <SelectField id={f('assignee')} label={t('work.assignTo')} value={assignee} onChange={setAssignee} error={errors.assigneeId}>
          <option value="">{t('work.chooseOfficerOption')}</option>
          {officers.data.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </SelectField>
      );
      break;
    case 'hand_over':
      fields = (
        <>
          {next.length > 1 ? (
            <SelectField id={f('to')} label={t('work.nextStep')} value={target} onChange={setTarget} error={errors.to}>
              <option value="">{t('work.chooseStepOption')}</option>
              {next.map((s) => (
                <option key={s} value={s}>
                  {view.steps.find((x) => x.id === s)?.name ?? s}
                </option>
              ))}
            </SelectField>
          ) : (
            next[0] && <p>{t('work.handOverTo', { step: view.steps.find((x) => x.id === next[0])?.name ?? next[0] })}</p>
          )}
          <TextAreaField id={f('note')} label={t('work.note')} value={note} onChange={setNote} optional rows={3} maxLength={MAX_TEXT} />
        </>
      );
      break;
    case 'return':
      fields = (
        <>
          <SelectField id={f('to')} label={t('work.returnTo')} value={target} onChange={setTarget} error={errors.to}>
            <option value="">{t('work.chooseStepOption')}</option>
            {earlier.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </SelectField>
          <TextAreaField id={f('reason')} label={t('work.reason')} value={text} onChange={setText} error={errors.reason} rows={3} maxLength={MAX_TEXT} />
        </>
      );
      break;
    case 'consult':
    case 'transfer':
      fields = (
        <>
          <AgencyPicker name="agency" label={action === 'consult' ? t('work.consultAgency') : t('work.transferAgency')} value={agency} onChange={setAgency} error={errors.agency} />
          {action === 'consult' ? (
            <>
              <TextAreaField id={f('question')} label={t('work.question')} value={text} onChange={setText} error={errors.question} rows={4} maxLength={MAX_TEXT} />
              <div className="form-group">
                <label htmlFor={f('days')} className="label">
                  {t('work.days')}
                  <RequiredMark />
                </label>
                <p id={f('days-hint')} className="hint">
                  {t('work.daysHint')}
                </p>
                {errors.days && (
                  <p id={f('days-err')} className="field-error">
                    {errors.days}
                  </p>
                )}
                <input
                  id={f('days')}
                  type="number"
                  min={1}
                  max={15}
                  step={1}
                  required
                  inputMode="numeric"
                  className="input-short"
                  aria-invalid={errors.days ? true : undefined}
                  aria-describedby={[errors.days ? f('days-err') : '', f('days-hint')].filter(Boolean).join(' ')}
                  value={days}
                  onChange={(e) => setDays(e.target.value)}
                />
              </div>
            </>
          ) : (
            <TextAreaField id={f('reason')} label={t('work.reason')} value={text} onChange={setText} error={errors.reason} rows={3} maxLength={MAX_TEXT} />
          )}
        </>
      );
      break;
    case 'answer':
      fields = (
        <>
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
          <TextAreaField id={f('answer')} label={t('work.answer')} value={text} onChange={setText} error={errors.answer} rows={4} maxLength={MAX_TEXT} />
        </>
      );
      break;
    case 'request_supplement':
      fields = (
        <>
          <p className="hint">{t('work.supplementHint')}</p>
          {ctx.documents ? (
            <SupplementChecklist documents={ctx.documents} value={checklist} onChange={setChecklist} errors={errors} />
          ) : (
            <p className="muted">{t('status.loading')}</p>
          )}
        </>
      );
      break;
    case 'approve':
      fields = <TextAreaField id={f('note')} label={t('work.note')} value={note} onChange={setNote} optional rows={3} maxLength={MAX_TEXT} />;
      break;
    case 'refuse':
      fields = <TextAreaField id={f('reasons')} label={t('desk.refuseReasons')} hint={t('desk.refuseHint')} value={text} onChange={setText} error={errors.reasons} rows={4} maxLength={MAX_TEXT} />;
      break;
    case 'record_result':
      fields = (
        <>
          <TextAreaField id={f('summary')} label={t('work.summary')} hint={t('work.summaryHint')} value={text} onChange={setText} error={errors.summary} rows={3} maxLength={MAX_TEXT} />
          {draft.isPending ? (
            <p className="muted">{t('status.loading')}</p>
          ) : draft.data?.evidenceType ? (
            <EResultPart id={f('eresult')} draft={draft.data} value={eResult} onChange={setEres} errors={errors} upload={<UploadControl label={t('work.resultFile')} note={t('work.resultFileHint')} required value={file} onChange={setFile} error={errors.documents} />} />
          ) : (
            <UploadControl label={t('work.resultFile')} note={t('work.resultFileHint')} required value={file} onChange={setFile} error={errors.documents} />
          )}
        </>
      );
      break;
    case 'return_result':
      fields = (
        <fieldset className="choice">
          <legend className="label">{t('work.returnMethod')}</legend>
          {(['online', 'desk', 'post'] as const).map((m) => (
            <div key={m} className="radio">
              <input type="radio" id={f(`m-${m}`)} name={f('method')} value={m} checked={method === m} onChange={() => setMethod(m)} />
              <label htmlFor={f(`m-${m}`)}>{t(`work.method.${m}`)}</label>
            </div>
          ))}
        </fieldset>
      );
      break;
  }

  return (
    <form ref={formRef} id={id} className="subform form-stack" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`} noValidate>
      <h4 id={`${id}-title`} className="small-heading" tabIndex={-1}>
        {t(`work.action.${action}`)}
      </h4>
      <FormAlert message={formError} />
      {fields}
      <div className="form-actions">
        <button type="submit" className={`button${action === 'refuse' ? ' button-danger' : ''}`} disabled={busy || (action === 'assign' && !officers.data?.length)}>
          {busy ? t('form.sending') : t(`work.submit.${action}`)}
        </button>
        <button type="button" className="button button-secondary" onClick={onCancel}>
          {t('form.cancel')}
        </button>
      </div>
    </form>
  );
}
