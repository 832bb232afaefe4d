// The rating kiosk at the one-stop desk (a tablet, no login): the applicant types the dossier
// code and the check value printed on the receipt, answers each criterion with one of two big
// toggle buttons (aria-pressed), may add a comment, sends; a thank-you screen resets itself
// after 20 seconds for the next person (and the rating screen after 2 idle minutes). Each
// refusal is said in plain words.
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FormAlert, TextAreaField } from '../ui/form.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { feedbackApi, type KioskDossier } from './api.js';
import { criterionText, feedbackErrorText, useCriteria } from './parts.js';
import { ApiError } from '../api/client.js';
import { MAX_COMMENT } from './RatingForm.js';

const CODE = /^[A-Z0-9.]{3,40}-[0-9]{6}-[0-9]{4,6}$/;
const CHECK = /^[2-9A-Za-z]{6}$/;
export const KIOSK_RESET_SECONDS = 20;
/** A person who walks away in the middle of rating: the next one must not find their dossier open. */
export const KIOSK_IDLE_SECONDS = 120;

type Stage = { kind: 'lookup' } | { kind: 'rate'; dossier: KioskDossier; check: string } | { kind: 'thanks' };

export default function KioskRatingPage() {
  const { t } = useTranslation();
  usePageTitle(t('feedback.kiosk.title'));
  const [stage, setStage] = useState<Stage>({ kind: 'lookup' });
  // a new key remounts the lookup form empty for the next person
  const [round, setRound] = useState(0);
  const reset = useCallback(() => {
    setStage({ kind: 'lookup' });
    setRound((r) => r + 1);
  }, []);
  return (
    <div className="kiosk">
      {stage.kind === 'lookup' && <Lookup key={round} onFound={(dossier, check) => setStage({ kind: 'rate', dossier, check })} />}
      {stage.kind === 'rate' && <Rate dossier={stage.dossier} check={stage.check} onDone={() => setStage({ kind: 'thanks' })} onCancel={reset} />}
      {stage.kind === 'thanks' && <Thanks onReset={reset} />}
    </div>
  );
}

function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}

function Lookup({ onFound }: { onFound: (d: KioskDossier, check: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [code, setCode] = useState('');
  const [check, setCheck] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useFocusOnMount<HTMLHeadingElement>();

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const c = code.trim().toUpperCase();
    const k = check.trim();
    const errs: Record<string, string> = {};
    if (!c) errs.code = t('feedback.kiosk.codeRequired');
    else if (!CODE.test(c)) errs.code = t('feedback.kiosk.codeInvalid');
    if (!k) errs.check = t('feedback.kiosk.checkRequired');
    else if (!CHECK.test(k)) errs.check = t('feedback.kiosk.checkInvalid');
    setErrors(errs);
    const form = e.currentTarget;
    if (Object.keys(errs).length) {
      setFormError(t('form.checkFields'));
      window.setTimeout(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
      return;
    }
    setFormError(null);
    setBusy(true);
    try {
      const d = await feedbackApi.kioskDossier(c, k);
      if (!d.canRate) {
        setFormError(kioskReasonText(t, d.reason));
        return;
      }
      onFound(d, k);
    } catch (err) {
      setFormError(err instanceof ApiError && err.status === 404 ? t('feedback.kiosk.notFound') : feedbackErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  const field = (name: 'code' | 'check', label: string, hint: string, value: string, set: (v: string) => void, extra: { maxLength: number; inputMode?: 'text' }) => (
    <div className="form-group">
      <label htmlFor={`${id}-${name}`} className="label">
        {label}
      </label>
      <p id={`${id}-${name}-hint`} className="hint">
        {hint}
      </p>
      {errors[name] && (
        <p id={`${id}-${name}-err`} className="field-error">
          {errors[name]}
        </p>
      )}
      <input
        id={`${id}-${name}`}
        type="text"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        required
        value={value}
        onChange={(e) => set(e.target.value)}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={[errors[name] ? `${id}-${name}-err` : '', `${id}-${name}-hint`].filter(Boolean).join(' ')}
        {...extra}
      />
    </div>
  );

  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        {t('feedback.kiosk.title')}
      </h1>
      <p className="lead">{t('feedback.kiosk.intro')}</p>
      <form className="form-stack kiosk-form" onSubmit={(e) => void submit(e)} noValidate>
        <FormAlert message={formError} />
        {field('code', t('feedback.kiosk.code'), t('feedback.kiosk.codeHint'), code, setCode, { maxLength: 60 })}
        {field('check', t('feedback.kiosk.check'), t('feedback.kiosk.checkHint'), check, setCheck, { maxLength: 6 })}
        <div className="form-actions">
          <button type="submit" className="button kiosk-button" disabled={busy}>
            {busy ? t('status.loading') : t('feedback.kiosk.find')}
          </button>
        </div>
      </form>
    </>
  );
}

function kioskReasonText(t: (k: string, o?: Record<string, unknown>) => string, reason: string | undefined): string {
  if (reason === 'already_rated') return t('feedback.errors.already_rated');
  if (reason === 'not_finished') return t('feedback.errors.not_finished');
  return t('feedback.kiosk.cannotRate');
}

function Rate({ dossier, check, onDone, onCancel }: { dossier: KioskDossier; check: string; onDone: () => void; onCancel: () => void }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const criteria = useCriteria();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [answers, setAnswers] = useState<Record<string, boolean>>({});
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState<string[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let timer = window.setTimeout(onCancel, KIOSK_IDLE_SECONDS * 1000);
    const restart = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(onCancel, KIOSK_IDLE_SECONDS * 1000);
    };
    const events = ['pointerdown', 'keydown', 'input'] as const;
    for (const ev of events) window.addEventListener(ev, restart, true);
    return () => {
      window.clearTimeout(timer);
      for (const ev of events) window.removeEventListener(ev, restart, true);
    };
  }, [onCancel]);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const left = dossier.criteria.filter((c) => answers[c] === undefined);
    setMissing(left);
    if (left.length) {
      setFormError(t('feedback.rating.missing'));
      window.setTimeout(() => form.querySelector<HTMLElement>(`[data-criterion="${left[0]}"] button`)?.focus(), 0);
      return;
    }
    setFormError(null);
    setBusy(true);
    try {
      const body: { code: string; check: string; answers: { criterion: string; satisfied: boolean }[]; comment?: string } = {
        code: dossier.code,
        check,
        answers: dossier.criteria.map((c) => ({ criterion: c, satisfied: answers[c]! })),
      };
      if (comment.trim()) body.comment = comment.trim();
      await feedbackApi.kioskRate(body);
      onDone();
    } catch (err) {
      setFormError(feedbackErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h1 ref={heading} tabIndex={-1} className="break">
        {t('feedback.kiosk.rateTitle', { code: dossier.code })}
      </h1>
      <dl className="summary">
        <div>
          <dt>{t('dossier.procedure')}</dt>
          <dd>{dossier.procedureName}</dd>
        </div>
        <div>
          <dt>{t('dossier.status')}</dt>
          <dd>{dossier.statusText}</dd>
        </div>
      </dl>
      <form className="form-stack kiosk-form" onSubmit={(e) => void submit(e)} noValidate>
        <p>{t('feedback.kiosk.rateIntro')}</p>
        <FormAlert message={formError} />
        {dossier.criteria.map((c) => {
          const text = criterionText(i18n.language, criteria.data?.criteria, c);
          const isMissing = missing.includes(c) && answers[c] === undefined;
          return (
            <div key={c} className="kiosk-criterion" role="group" aria-labelledby={`${id}-${c}`} aria-describedby={isMissing ? `${id}-${c}-err` : undefined} data-criterion={c}>
              <p id={`${id}-${c}`} className="kiosk-criterion-name">
                {text.name}
              </p>
              {isMissing && (
                <p id={`${id}-${c}-err`} className="field-error">
                  {t('feedback.rating.chooseOne')}
                </p>
              )}
              <div className="kiosk-toggles">
                {[true, false].map((v) => (
                  <button
                    key={String(v)}
                    type="button"
                    className={`kiosk-toggle kiosk-toggle-${v ? 'yes' : 'no'}`}
                    aria-pressed={answers[c] === v}
                    onClick={() => setAnswers((o) => ({ ...o, [c]: v }))}
                  >
                    <span aria-hidden="true" className="kiosk-face">
                      {v ? '😊' : '☹'}
                    </span>{' '}
                    {v ? t('feedback.rating.satisfied') : t('feedback.rating.dissatisfied')}
                    {/* pressed is shown by a mark too, not by colour alone; aria-pressed says it to screen readers */}
                    {answers[c] === v && <span aria-hidden="true"> ✓</span>}
                  </button>
                ))}
              </div>
            </div>
          );
        })}
        <TextAreaField label={t('feedback.rating.comment')} hint={t('feedback.rating.commentHint', { n: MAX_COMMENT })} value={comment} onChange={setComment} optional maxLength={MAX_COMMENT} rows={3} />
        <div className="form-actions">
          <button type="submit" className="button kiosk-button" disabled={busy}>
            {busy ? t('form.sending') : t('feedback.rating.submit')}
          </button>
          <button type="button" className="button button-secondary kiosk-button" onClick={onCancel}>
            {t('form.cancel')}
          </button>
        </div>
      </form>
    </>
  );
}

function Thanks({ onReset }: { onReset: () => void }) {
  const { t } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [left, setLeft] = useState(KIOSK_RESET_SECONDS);
  useEffect(() => {
    const started = Date.now();
    const h = window.setInterval(() => {
      const remaining = KIOSK_RESET_SECONDS - Math.floor((Date.now() - started) / 1000);
      if (remaining <= 0) {
        window.clearInterval(h);
        onReset();
      } else setLeft(remaining);
    }, 1000);
    return () => window.clearInterval(h);
  }, [onReset]);
  return (
    <div className="kiosk-thanks">
      <h1 ref={heading} tabIndex={-1}>
        {t('feedback.kiosk.thanksTitle')}
      </h1>
      <p className="lead" role="status">
        {t('feedback.kiosk.thanks')}
      </p>
      <p className="muted">{t('feedback.kiosk.resetIn', { count: left })}</p>
      <button type="button" className="button kiosk-button" onClick={onReset}>
        {t('feedback.kiosk.next')}
      </button>
    </div>
  );
}
