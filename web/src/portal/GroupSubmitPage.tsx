// Online application for an inter-connected group (một cửa liên thông): one dossier for all
// the group's procedures, at one receiving agency. The steps: the receiving agency and the
// first procedure's form; its documents; for each later procedure its form (every field
// optional: what comes from earlier results is filled in by the agencies) and its documents
// (none mandatory: earlier results are reused, once-only); review; submit with an
// Idempotency-Key kept across retries, as the single-procedure submission does.
import { useId, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { Group, ProcedureDetail, Profile, ReturnMethod, SubmitBody } from '../api/types.js';
import { FormAlert, type FieldErrors } from '../ui/form.js';
import { formatTimeLimit, localName } from '../ui/format.js';
import { FormDataView, SchemaForm, buildData, initialValues, schemaFields, validateValues, type FormValues, type SchemaField } from '../ui/SchemaForm.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading, isNotFound } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { NotFoundPage } from './NotFoundPage.js';
import {
  AgencyReview,
  AgencySelect,
  DocumentUploads,
  DocumentsReview,
  ReturnMethodChoice,
  WizardActions,
  WizardStepper,
  checkDocuments as checkDocumentsGiven,
  documentInputs,
  focusFirstInvalid,
  formTitle,
  useReceivingAgencies,
  useStepHeading,
  useSubmitDossier,
  withoutError,
  type DocFiles,
} from './submitParts.js';

export default function GroupSubmitPage() {
  const { t } = useTranslation();
  usePageTitle(t('groupApply.title'));
  return <RequireAuth>{() => <GroupSubmitLoader />}</RequireAuth>;
}

type Member = Group['members'][number];

/** One procedure of the application: the group's member, its procedure in force, its form's fields. */
interface Part {
  member: Member;
  p: ProcedureDetail;
  fields: SchemaField[];
}

function GroupSubmitLoader() {
  const { groupCode = '' } = useParams();
  const group = useQuery({ queryKey: ['group', groupCode], queryFn: ({ signal }) => api.group(groupCode, signal) });
  const ordered = useMemo(() => (group.data ? [...group.data.members].sort((a, b) => a.order - b.order) : []), [group.data]);
  const procedures = useQueries({
    queries: ordered.map((m) => ({ queryKey: ['procedure', m.nationalCode, null], queryFn: ({ signal }: { signal: AbortSignal }) => api.procedure(m.nationalCode, undefined, signal) })),
  });
  const profile = useQuery({ queryKey: ['profile'], queryFn: ({ signal }) => api.profile(signal) });
  if (group.isPending || profile.isPending) return <Loading />;
  if (group.isError) {
    if (isNotFound(group.error)) return <NotFoundPage />;
    return <ErrorMessage error={group.error} onRetry={() => void group.refetch()} />;
  }
  const failed = procedures.find((q) => q.isError);
  if (failed) return <ErrorMessage error={failed.error} onRetry={() => void failed.refetch()} />;
  if (ordered.length === 0) return <NotFoundPage />;
  if (procedures.some((q) => !q.data)) return <Loading />;
  return <GroupWizard g={group.data} procedures={procedures.map((q) => q.data!)} members={ordered} profile={profile.data ?? null} />;
}

/** The same fields with nothing required: later procedures' data may come from earlier results. */
function optionalFields(fields: SchemaField[]): SchemaField[] {
  return fields.map((f) => ({ ...f, required: false, children: optionalFields(f.children) }));
}

function leafKeys(fields: SchemaField[]): string[] {
  return fields.flatMap((f) => (f.kind === 'object' ? leafKeys(f.children) : [f.key]));
}

function GroupWizard({ g, members, procedures, profile }: { g: Group; members: Member[]; procedures: ProcedureDetail[]; profile: Profile | null }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const id = useId();
  const parts: Part[] = useMemo(
    () => members.map((member, i) => ({ member, p: procedures[i]!, fields: i === 0 ? schemaFields(procedures[i]!.formSchema) : optionalFields(schemaFields(procedures[i]!.formSchema)) })),
    [members, procedures],
  );
  const first = parts[0]!;
  const later = parts.slice(1);
  // steps: 1 information, 2 documents, one per later procedure, then the review
  const total = 3 + later.length;
  const agencies = useReceivingAgencies(first.p, g.receivingLevel);
  const [step, setStep] = useState(1);
  const [agency, setAgency] = useState('');
  const [values, setValues] = useState<FormValues[]>(() => parts.map((x, i) => initialValues(x.fields, i === 0 ? profile : null)));
  const [files, setFiles] = useState<DocFiles[]>(() => parts.map(() => ({})));
  const [returnMethod, setReturnMethod] = useState<ReturnMethod>('online');
  const [agencyError, setAgencyError] = useState<string | undefined>();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors[]>(() => parts.map(() => ({})));
  const [docErrors, setDocErrors] = useState<Record<string, string>>({});
  const [prefilled, setPrefilled] = useState<boolean[]>(() => parts.map(() => false));
  const [formError, setFormError] = useState<string | null>(null);
  const headingRef = useStepHeading(step);
  const { busy, submit: send } = useSubmitDossier({
    onStart: () => setFormError(null),
    onFailure: (f) => {
      setFormError(f.message);
      if (f.part === 'form') {
        setPartErrors(0, f.fieldErrors);
        setStep(1);
      } else if (f.part === 'agency') {
        setAgencyError(f.fieldErrors.agency);
        setStep(1);
      } else if (f.part === 'documents') {
        setDocErrors(f.docErrors);
        setStep(2);
      } else {
        // "group.members.1.documents": the later procedure's own step
        const m = /^group\.members\.(\d+)/.exec(f.field ?? '');
        if (m && Number(m[1]) < later.length) setStep(3 + Number(m[1]));
      }
    },
  });

  const name = (p: ProcedureDetail) => localName(lng, p.name, p.nameEn);
  const stepNames = [t('submit.step1'), t('submit.step2'), ...later.map((x) => name(x.p)), t('submit.step3')];
  const partOfStep = (s: number) => (s <= 2 ? 0 : s - 2); // index in parts of a later procedure's step

  const setPartErrors = (i: number, e: FieldErrors) => setFieldErrors((old) => old.map((x, n) => (n === i ? e : x)));

  function checkInformation(): boolean {
    const errors = validateValues(t, first.fields, values[0]!);
    const agencyErr = agency ? undefined : t('submit.chooseAgency');
    setAgencyError(agencyErr);
    setPartErrors(0, errors);
    if (Object.keys(errors).length > 0 || agencyErr) {
      setFormError(t('form.checkFields'));
      focusFirstInvalid();
      return false;
    }
    return true;
  }

  function checkDocuments(): boolean {
    return checkDocumentsGiven(t, first.p.documents, files[0]!, setDocErrors, setFormError);
  }

  function checkLater(i: number): boolean {
    const errors = validateValues(t, parts[i]!.fields, values[i]!);
    setPartErrors(i, errors);
    if (Object.keys(errors).length > 0) {
      setFormError(t('form.checkFields'));
      focusFirstInvalid();
      return false;
    }
    return true;
  }

  function checkStep(s: number): boolean {
    if (s === 1) return checkInformation();
    if (s === 2) return checkDocuments();
    if (s < total) return checkLater(partOfStep(s));
    return true;
  }

  /** What later forms ask with the same field as the first form (the child's name, birth date…) starts filled in. */
  function prefillLater() {
    const from = values[0]!;
    const firstKeys = new Set(leafKeys(first.fields));
    const done = [...prefilled];
    const next = values.map((v, i) => {
      if (i === 0) return v;
      const copy = { ...v };
      for (const k of leafKeys(parts[i]!.fields)) {
        const src = from[k];
        if (firstKeys.has(k) && typeof src === 'string' && src.trim() && !(typeof copy[k] === 'string' && (copy[k] as string).trim())) {
          copy[k] = src;
          done[i] = true;
        }
      }
      return copy;
    });
    setValues(next);
    setPrefilled(done);
  }

  function go(next: number) {
    setFormError(null);
    if (next > step) {
      if (!checkStep(step)) return;
      if (step === 1) prefillLater();
    }
    setStep(next);
  }

  function submit() {
    return send(
      () => {
        for (let s = 1; s < total; s++) {
          if (!checkStep(s)) {
            setStep(s);
            return false;
          }
        }
        return true;
      },
      (): SubmitBody => ({
        procedure: first.p.nationalCode,
        agency,
        form: buildData(first.fields, values[0]!),
        documents: documentInputs(files[0]!),
        returnMethod,
        group: {
          code: g.code,
          members: later.map((x, n) => ({ procedure: x.p.nationalCode, form: buildData(x.fields, values[n + 1]!), documents: documentInputs(files[n + 1]!) })),
        },
      }),
    );
  }

  const editLink = (s: number) => (
    <p>
      <button type="button" className="link-button" onClick={() => go(s)}>
        {t('submit.edit', { name: stepNames[s - 1] })}
      </button>
    </p>
  );

  return (
    <>
      <h1>{t('groupApply.title')}</h1>
      <p className="lead">{localName(lng, g.name, g.nameEn)}</p>
      <p>{t('groupApply.intro', { n: parts.length, limit: formatTimeLimit(t, lng, g.timeLimit) })}</p>
      <WizardStepper names={stepNames} step={step} />

      <form
        className="card form-stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (step < total) go(step + 1);
          else void submit();
        }}
      >
        <h2 ref={headingRef} tabIndex={-1}>
          {t('submit.stepOf', { n: step, total, name: stepNames[step - 1] })}
        </h2>
        <FormAlert message={formError} />

        {step === 1 && (
          <>
            <AgencySelect
              value={agency}
              onChange={setAgency}
              error={agencyError}
              hint={t('groupApply.agencyHint', { level: t(`agencyLevel.${g.receivingLevel}`).toLocaleLowerCase(lng) })}
              agencies={agencies}
            />
            {agencies.data?.length === 0 && <p className="alert alert-warning">{t('groupApply.noAgencies')}</p>}
            <h3>{t('groupApply.memberHeading', { n: 1, total: parts.length, name: name(first.p) })}</h3>
            <p className="hint">{first.member.task}</p>
            <h4>{formTitle(t, first.p)}</h4>
            <SchemaForm fields={first.fields} values={values[0]!} errors={fieldErrors[0]!} onChange={(k, v) => setValues((old) => old.map((x, n) => (n === 0 ? { ...x, [k]: v } : x)))} />
          </>
        )}

        {step === 2 && (
          <>
            <h3>{t('groupApply.memberHeading', { n: 1, total: parts.length, name: name(first.p) })}</h3>
            <p className="hint">{t('submit.documentsHint')}</p>
            <DocumentUploads
              documents={first.p.documents}
              files={files[0]!}
              errors={docErrors}
              onChange={(code, u) => {
                setFiles((old) => old.map((x, n) => (n === 0 ? { ...x, [code]: u } : x)));
                setDocErrors((old) => withoutError(old, code));
              }}
            />
          </>
        )}

        {step > 2 && step < total && (
          <LaterStep
            part={parts[partOfStep(step)]!}
            n={partOfStep(step) + 1}
            total={parts.length}
            earlier={name(first.p)}
            prefilled={prefilled[partOfStep(step)]!}
            values={values[partOfStep(step)]!}
            errors={fieldErrors[partOfStep(step)]!}
            files={files[partOfStep(step)]!}
            onValue={(k, v) => {
              const i = partOfStep(step);
              setValues((old) => old.map((x, n) => (n === i ? { ...x, [k]: v } : x)));
            }}
            onFile={(code, u) => {
              const i = partOfStep(step);
              setFiles((old) => old.map((x, n) => (n === i ? { ...x, [code]: u } : x)));
            }}
          />
        )}

        {step === total && (
          <>
            <section aria-labelledby={`${id}-r0`}>
              <h3 id={`${id}-r0`}>{t('groupApply.memberHeading', { n: 1, total: parts.length, name: name(first.p) })}</h3>
              <AgencyReview code={agency} agencies={agencies.data} />
              <FormDataView schema={first.p.formSchema} data={buildData(first.fields, values[0]!)} />
              {editLink(1)}
              <h4>{t('submit.step2')}</h4>
              <DocumentsReview documents={first.p.documents} files={files[0]!} />
              {editLink(2)}
            </section>
            {later.map((x, n) => (
              <section key={x.p.nationalCode} aria-labelledby={`${id}-r${n + 1}`}>
                <h3 id={`${id}-r${n + 1}`}>{t('groupApply.memberHeading', { n: n + 2, total: parts.length, name: name(x.p) })}</h3>
                <FormDataView schema={x.p.formSchema} data={buildData(x.fields, values[n + 1]!)} />
                <h4>{t('submit.step2')}</h4>
                <DocumentsReview documents={x.p.documents} files={files[n + 1]!} />
                <p className="hint">{t('groupApply.reusedNote')}</p>
                {editLink(n + 3)}
              </section>
            ))}
            <p className="alert alert-info">{t('groupApply.dueNote', { limit: formatTimeLimit(t, lng, g.timeLimit) })}</p>
            <ReturnMethodChoice value={returnMethod} onChange={setReturnMethod} />
          </>
        )}

        <WizardActions step={step} total={total} busy={busy} submitLabel={t('groupApply.submit')} onBack={() => go(step - 1)} />
      </form>
      <p>
        <Link to={`/lien-thong/${encodeURIComponent(g.code)}`}>{t('groupApply.backToGroup')}</Link>
      </p>
    </>
  );
}

/** A later procedure: its form (nothing required) and its documents (none mandatory). */
function LaterStep({
  part,
  n,
  total,
  earlier,
  prefilled,
  values,
  errors,
  files,
  onValue,
  onFile,
}: {
  part: Part;
  n: number;
  total: number;
  earlier: string;
  prefilled: boolean;
  values: FormValues;
  errors: FieldErrors;
  files: DocFiles;
  onValue: (k: string, v: string | boolean) => void;
  onFile: (code: string, u: DocFiles[string]) => void;
}) {
  const { t, i18n } = useTranslation();
  const p = part.p;
  return (
    <>
      <h3>{t('groupApply.memberHeading', { n, total, name: localName(i18n.language, p.name, p.nameEn) })}</h3>
      <p className="hint">{part.member.task}</p>
      <div className="alert alert-info">
        <p>{t('groupApply.laterFormIntro')}</p>
        {prefilled && <p>{t('groupApply.prefilled', { name: earlier })}</p>}
      </div>
      <h4>{formTitle(t, p)}</h4>
      <SchemaForm fields={part.fields} values={values} errors={errors} onChange={onValue} />
      <h4>{t('submit.step2')}</h4>
      <p className="hint">{t('groupApply.laterDocsIntro')}</p>
      {p.documents.length === 0 ? <p>{t('dossier.noDocuments')}</p> : <DocumentUploads documents={p.documents} files={files} errors={{}} onChange={onFile} optional />}
    </>
  );
}
