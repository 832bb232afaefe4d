// The indicator definitions editor (/quan-tri/chi-so, system administrators): the weights of the
// groups and indicators and their thresholds, per framework, as data. The server validates
// (weights add up to the framework's total, thresholds in order…) and its answer is shown next to
// the field it names; a save makes a new version (updated at/by shown).
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError } from '../api/client.js';
import type { Me } from '../api/types.js';
import { apiErrorText, FormAlert } from '../ui/form.js';
import { formatVnDateTime } from '../ui/format.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { useUrlParams } from '../ui/paging.js';
import { Tabs } from '../ui/Tabs.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { reportsApi } from './api.js';
import { formatCount, isSystemAdmin, NotAllowed } from './parts.js';
import type { Framework, FrameworkDefinition, StoredDefinition } from './types.js';

const FRAMEWORKS: readonly Framework[] = ['c01', 'd766'];

export default function IndicatorDefinitionsPage() {
  const { t } = useTranslation();
  usePageTitle(t('reports.definitions.title'));
  return <RequireAuth>{(me) => <DefinitionsView me={me} />}</RequireAuth>;
}

function DefinitionsView({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { params, update } = useUrlParams();
  const framework: Framework = params.get('framework') === 'd766' ? 'd766' : 'c01';
  const allowed = isSystemAdmin(me);
  const defs = useQuery({ queryKey: ['reports', 'definitions'], queryFn: ({ signal }) => reportsApi.definitions(signal), enabled: allowed });
  // the definition travels as loose JSON: the server validated it when it was saved
  const current = defs.data?.frameworks.find((f) => f.framework === framework) as StoredDefinition | undefined;

  function select(f: Framework) {
    update({ framework: f === 'c01' ? undefined : f });
  }

  return (
    <>
      <p>
        <Link to="/can-bo">{t('desk.back')}</Link>
      </p>
      <h1>{t('reports.definitions.title')}</h1>
      {!allowed ? (
        <NotAllowed text={t('reports.definitions.notAllowed')} />
      ) : (
        <>
          <p className="lead">{t('reports.definitions.intro')}</p>
          <Tabs tabs={FRAMEWORKS} selected={framework} onSelect={select} label={t('reports.indicators.tabs')} tabLabel={(f) => t(`reports.framework.${f}`)}>
            {defs.isPending ? (
              <Loading />
            ) : defs.isError ? (
              <ErrorMessage error={defs.error} onRetry={() => void defs.refetch()} />
            ) : !current ? (
              <p>{t('reports.none')}</p>
            ) : (
              // keyed by framework only: after a save the form stays, with its notice, on the new version
              <DefinitionForm key={framework} stored={current} />
            )}
          </Tabs>
        </>
      )}
    </>
  );
}

/** Numbers being edited, as typed, by the field path the server names ("groups.0.weight"). */
type Draft = Record<string, string>;

/** Shares (fullAt) are edited as percentages: 0.8 ↔ "80". */
const isShare = (path: string) => path.endsWith('.fullAt');

function editablePaths(def: FrameworkDefinition): string[] {
  const paths: string[] = [];
  def.groups.forEach((g, gi) => {
    paths.push(`groups.${gi}.weight`);
    g.indicators.forEach((ind, ii) => {
      paths.push(`groups.${gi}.indicators.${ii}.points`);
      if ('fullAt' in ind.rule) paths.push(`groups.${gi}.indicators.${ii}.rule.fullAt`);
    });
  });
  (def.classification ?? []).forEach((_b, bi) => paths.push(`classification.${bi}.min`));
  if (def.officerFullCompletion !== undefined) paths.push('officerFullCompletion');
  return paths;
}

function getAt(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function setAt(obj: unknown, path: string, value: number): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  const parent = keys.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj) as Record<string, unknown>;
  parent[last] = value;
}

function toText(lng: string, n: number): string {
  return new Intl.NumberFormat(lng === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 4, useGrouping: false }).format(n);
}

function toDraft(def: FrameworkDefinition, lng: string): Draft {
  const d: Draft = {};
  for (const p of editablePaths(def)) {
    const v = getAt(def, p);
    if (typeof v === 'number') d[p] = toText(lng, isShare(p) ? Math.round(v * 10000) / 100 : v);
  }
  return d;
}

/** "12,5" or "12.5" → 12.5; anything else → NaN. */
function parseNumber(s: string): number {
  const v = s.trim().replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : Number.NaN;
}

function DefinitionForm({ stored }: { stored: StoredDefinition }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const definition = stored.definition;
  const qc = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [draft, setDraft] = useState<Draft>(() => toDraft(definition, lng));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const name = (x: { name_vi: string; name_en: string }) => (lng === 'en' && x.name_en ? x.name_en : x.name_vi);

  const weightSum = definition.groups.reduce((s, _g, gi) => s + (parseNumber(draft[`groups.${gi}.weight`] ?? '') || 0), 0);

  useEffect(() => {
    if (Object.keys(errors).length > 0) window.setTimeout(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
  }, [errors]);

  /** The definition with the edited numbers, or null (and the errors shown) when one is not a number. */
  function body(): FrameworkDefinition | null {
    const bad: Record<string, string> = {};
    const next = structuredClone(definition);
    for (const p of editablePaths(definition)) {
      const v = parseNumber(draft[p] ?? '');
      if (Number.isNaN(v) || v < 0) bad[p] = t('reports.definitions.notANumber');
      else setAt(next, p, isShare(p) ? v / 100 : v);
    }
    setErrors(bad);
    if (Object.keys(bad).length > 0) {
      setFormError(t('form.checkFields'));
      return null;
    }
    return next;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(null);
    const b = body();
    if (!b) return;
    setBusy(true);
    try {
      const res = await reportsApi.saveDefinition(definition.framework, b, stored.version);
      setFormError(null);
      setErrors({});
      setSaved(t('reports.definitions.saved', { version: res.version }));
      await qc.invalidateQueries({ queryKey: ['reports'] });
    } catch (err) {
      const fieldErrors = serverFieldErrors(t, err, draft, b, lng);
      if (Object.keys(fieldErrors).length > 0) {
        setErrors(fieldErrors);
        setFormError(fieldErrors[''] ?? t('form.checkFields'));
      } else {
        setErrors({});
        setFormError(apiErrorText(t, err));
      }
    } finally {
      setBusy(false);
    }
  }

  const field = (path: string, label: string, hint?: string) => (
    <NumberField key={path} path={path} label={label} hint={hint} value={draft[path] ?? ''} onChange={(v) => setDraft((d) => ({ ...d, [path]: v }))} error={errors[path]} />
  );

  return (
    <form ref={formRef} className="form-stack definition-form" onSubmit={(e) => void submit(e)} noValidate>
      <h2>{name(definition)}</h2>
      <p className="muted">
        {stored.isDefault || !stored.updatedAt ? t('reports.definitions.defaults') : t('reports.definitions.version', { version: stored.version, at: formatVnDateTime(stored.updatedAt) })}
      </p>
      <FormAlert message={formError} />
      <p className={`definition-total${Math.abs(weightSum - definition.total) > 1e-9 ? ' is-over' : ''}`} aria-live="polite">
        {t('reports.definitions.weightSum', { sum: formatCount(lng, weightSum, 2), total: formatCount(lng, definition.total, 2) })}
      </p>
      {errors['groups'] && <p className="field-error">{errors['groups']}</p>}
      {definition.groups.map((g, gi) => (
        <fieldset key={g.key} className="grant-fieldset">
          <legend>{name(g)}</legend>
          {field(`groups.${gi}.weight`, t('reports.definitions.groupWeight'), t('reports.definitions.groupWeightHint'))}
          {g.indicators.map((ind, ii) => {
            const base = `groups.${gi}.indicators.${ii}`;
            return (
              <fieldset key={ind.key} className="definition-indicator">
                <legend className="label">{name(ind)}</legend>
                <p className="hint">
                  {t('reports.indicators.formula')}: {ind.formula_vi}
                  {!ind.verified && <span className="block">{t('reports.definitions.unverified')}</span>}
                </p>
                {errors[base] && <p className="field-error">{errors[base]}</p>}
                <div className="form-row">
                  {field(`${base}.points`, t('reports.definitions.points'))}
                  {'fullAt' in ind.rule && field(`${base}.rule.fullAt`, t('reports.definitions.fullAt'))}
                </div>
              </fieldset>
            );
          })}
        </fieldset>
      ))}
      {definition.classification && definition.classification.length > 0 && (
        <fieldset className="grant-fieldset">
          <legend>{t('reports.definitions.classification')}</legend>
          {errors['classification'] && <p className="field-error">{errors['classification']}</p>}
          <div className="form-row">{definition.classification.map((b, bi) => field(`classification.${bi}.min`, t('reports.definitions.bandMin', { band: name(b) })))}</div>
          {definition.officerFullCompletion !== undefined && field('officerFullCompletion', t('reports.definitions.officerFull'))}
        </fieldset>
      )}
      {saved && (
        <p className="success" role="status">
          {saved}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy}>
          {t('reports.definitions.save')}
        </button>
      </div>
    </form>
  );
}

/** The server's refusal by the field it names (the nearest field the form shows; '' for the whole form), worded in the interface language when it is a known rule. */
function serverFieldErrors(t: TFunction, err: unknown, draft: Draft, def: FrameworkDefinition, lng: string): Record<string, string> {
  if (!(err instanceof ApiError) || err.status !== 400) return {};
  // "definition.groups.0.weight" (schema) or "groups.0.weight" (meaning) → "groups.0.weight"
  let f = (err.field ?? '').replace(/^\//, '').replace(/\//g, '.').replace(/^body\./, '').replace(/^definition\.?/, '');
  const message = knownRule(t, f, def, lng) ?? err.message;
  while (f && !(f in draft) && !/^groups\.\d+\.indicators\.\d+$/.test(f) && f !== 'groups' && f !== 'classification') f = f.includes('.') ? f.slice(0, f.lastIndexOf('.')) : '';
  return { [f]: message };
}

function knownRule(t: TFunction, field: string, def: FrameworkDefinition, lng: string): string | undefined {
  let m = /^groups\.(\d+)\.weight$/.exec(field);
  if (m) {
    const g = def.groups[Number(m[1])];
    return g ? t('reports.definitions.rule.groupWeight', { sum: formatCount(lng, g.indicators.reduce((s, i) => s + i.points, 0), 2) }) : undefined;
  }
  if (field === 'groups') return t('reports.definitions.rule.total', { total: formatCount(lng, def.total, 2) });
  if (/\.rule\.fullAt$/.test(field)) return t('reports.definitions.rule.fullAt');
  if (/\.points$/.test(field)) return t('reports.definitions.rule.points');
  m = /^classification(\.\d+\.min)?$/.exec(field);
  if (m) return t('reports.definitions.rule.bands', { total: formatCount(lng, def.total, 2) });
  return undefined;
}

function NumberField({ path, label, hint, value, onChange, error }: { path: string; label: string; hint?: string | undefined; value: string; onChange: (v: string) => void; error?: string | undefined }) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="form-group">
      <label htmlFor={id} className="label">
        {label}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
      <input
        id={id}
        name={path}
        type="text"
        inputMode="decimal"
        className="input-short"
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}
