import { useId, useRef, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { ROLES, type Grant, type GrantCreate, type Me, type Officer, type Role } from '../api/types.js';
import { FormAlert, MIN_PASSWORD, TextField, apiErrorText, patterns, useFormErrors, type FieldErrors } from '../ui/form.js';
import { formatDate } from '../ui/format.js';
import { isAdmin, RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { AgencyPicker, type PickedAgency } from './AgencyPicker.js';

export default function OfficersPage() {
  const { t } = useTranslation();
  usePageTitle(t('admin.title'));
  return <RequireAuth>{(me) => <Officers me={me} />}</RequireAuth>;
}

function Officers({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<PickedAgency | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['officers', filter?.code ?? null],
    queryFn: ({ signal }) => api.officers(filter?.code, signal),
    enabled: isAdmin(me),
  });

  if (!isAdmin(me)) {
    return (
      <>
        <h1>{t('admin.title')}</h1>
        <div className="alert alert-error" role="alert">
          <p>{t('admin.notAllowed')}</p>
        </div>
      </>
    );
  }

  return (
    <>
      <h1>{t('admin.title')}</h1>
      <p className="lead">{t('admin.intro')}</p>
      <div role="status" aria-live="polite">
        {notice && <p className="success">{notice}</p>}
      </div>
      <section aria-labelledby="sec-officers" className="section">
        <h2 id="sec-officers">{t('admin.list')}</h2>
        <div className="card">
          <AgencyPicker name="agencyFilter" label={t('admin.filterAgency')} value={filter} onChange={setFilter} optional />
        </div>
        {list.isPending ? (
          <Loading />
        ) : list.isError ? (
          <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.items.length === 0 ? (
          <p>{t('admin.none')}</p>
        ) : (
          <ul className="results officer-list">
            {list.data.items.map((o) => (
              <OfficerCard key={o.id} officer={o} onNotice={setNotice} />
            ))}
          </ul>
        )}
      </section>
      <CreateOfficer onNotice={setNotice} />
    </>
  );
}

function grantValidity(t: (k: string, o?: Record<string, unknown>) => string, g: Grant): string {
  if (g.revokedAt) return t('admin.revokedOn', { date: formatDate(g.revokedAt) });
  return g.validTo
    ? t('workspace.validRange', { from: formatDate(g.validFrom), to: formatDate(g.validTo) })
    : t('workspace.validFrom', { from: formatDate(g.validFrom) });
}

function OfficerCard({ officer: o, onNotice }: { officer: Officer; onNotice: (s: string) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState<number | null>(null);
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const addButton = useRef<HTMLButtonElement>(null);
  const headingId = useId();

  async function revoke(g: Grant) {
    setBusy(true);
    setError(null);
    try {
      await api.revokeGrant(g.id);
      setConfirming(null);
      onNotice(t('admin.revoked', { role: t(`role.${g.role}`), name: o.fullName }));
      await qc.invalidateQueries({ queryKey: ['officers'] });
    } catch (err) {
      setError(apiErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="card">
      <h3 id={headingId} className="result-title">
        {o.fullName}
      </h3>
      <dl className="meta">
        <div>
          <dt>{t('form.email')}</dt>
          <dd className="break">{o.email}</dd>
        </div>
        {o.phone && (
          <div>
            <dt>{t('form.phone')}</dt>
            <dd>{o.phone}</dd>
          </div>
        )}
        <div>
          <dt>{t('admin.status')}</dt>
          <dd>{t(`officerStatus.${o.status}`, { defaultValue: o.status })}</dd>
        </div>
      </dl>
      <h4 className="small-heading">{t('admin.grants')}</h4>
      <FormAlert message={error} />
      {o.grants.length === 0 ? (
        <p>{t('admin.noGrants')}</p>
      ) : (
        <ul className="item-list">
          {o.grants.map((g) => (
            <li key={g.id} className={g.active ? undefined : 'inactive'}>
              <span>
                <strong>{t(`role.${g.role}`)}</strong> — {g.agencyName} <span className="muted">({g.agencyCode})</span>
                <span className="cell-note">
                  {grantValidity(t, g)}
                  {!g.active && !g.revokedAt && ` · ${t('admin.inactive')}`}
                </span>
              </span>
              {!g.revokedAt &&
                (confirming === g.id ? (
                  <span className="confirm" role="group" aria-label={t('admin.revokeConfirmLabel')}>
                    <span>{t('admin.revokeConfirm', { role: t(`role.${g.role}`), name: o.fullName })}</span>
                    <button type="button" className="button button-danger" disabled={busy} onClick={() => void revoke(g)}>
                      {t('admin.revokeYes')}
                    </button>
                    <button type="button" className="button button-secondary" onClick={() => setConfirming(null)}>
                      {t('form.cancel')}
                    </button>
                  </span>
                ) : (
                  <button
                    type="button"
                    className="button button-secondary"
                    aria-label={t('admin.revokeLabel', { role: t(`role.${g.role}`), agency: g.agencyName, name: o.fullName })}
                    onClick={() => setConfirming(g.id)}
                  >
                    {t('admin.revoke')}
                  </button>
                ))}
            </li>
          ))}
        </ul>
      )}
      {adding ? (
        <AddGrant
          officer={o}
          onDone={(msg) => {
            setAdding(false);
            if (msg) onNotice(msg);
            window.setTimeout(() => addButton.current?.focus(), 0);
          }}
        />
      ) : (
        <button
          ref={addButton}
          type="button"
          className="button button-secondary"
          aria-label={t('admin.addGrantFor', { name: o.fullName })}
          onClick={() => setAdding(true)}
        >
          {t('admin.addGrant')}
        </button>
      )}
    </li>
  );
}

interface GrantRow {
  key: number;
  role: Role | '';
  agency: PickedAgency | null;
  validFrom: string;
  validTo: string;
}

let rowKey = 0;
const emptyRow = (): GrantRow => ({ key: ++rowKey, role: '', agency: null, validFrom: '', validTo: '' });

function checkRow(t: (k: string) => string, row: GrantRow, prefix: string, errors: FieldErrors): void {
  if (!row.role) errors[`${prefix}role`] = t('form.chooseOne');
  if (!row.agency) errors[`${prefix}agencyCode`] = t('admin.chooseAgency');
  if (row.validFrom && !patterns.date.test(row.validFrom)) errors[`${prefix}validFrom`] = t('form.invalidDate');
  if (row.validTo && !patterns.date.test(row.validTo)) errors[`${prefix}validTo`] = t('form.invalidDate');
  else if (row.validFrom && row.validTo && row.validTo < row.validFrom) errors[`${prefix}validTo`] = t('admin.validToBeforeFrom');
}

function toGrantCreate(row: GrantRow): GrantCreate {
  return {
    role: row.role as Role,
    agencyCode: row.agency?.code ?? '',
    ...(row.validFrom ? { validFrom: row.validFrom } : {}),
    ...(row.validTo ? { validTo: row.validTo } : {}),
  };
}

/** The controls of one grant: role, agency, optional validity dates. `prefix` names them ("grants.0."). */
function GrantFields({
  row,
  prefix,
  errors,
  onChange,
}: {
  row: GrantRow;
  prefix: string;
  errors: FieldErrors;
  onChange: (r: GrantRow) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const roleError = errors[`${prefix}role`];
  return (
    <>
      <div className="form-group">
        <label htmlFor={`${id}-role`} className="label">
          {t('admin.role')}
        </label>
        {roleError && (
          <p id={`${id}-role-error`} className="field-error">
            {roleError}
          </p>
        )}
        <select
          id={`${id}-role`}
          name={`${prefix}role`}
          value={row.role}
          required
          aria-invalid={roleError ? true : undefined}
          aria-describedby={roleError ? `${id}-role-error` : undefined}
          onChange={(e) => onChange({ ...row, role: e.target.value as Role | '' })}
        >
          <option value="">{t('admin.chooseRole')}</option>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
      </div>
      <AgencyPicker
        name={`${prefix}agencyCode`}
        label={t('admin.agency')}
        value={row.agency}
        error={errors[`${prefix}agencyCode`]}
        onChange={(agency) => onChange({ ...row, agency })}
      />
      <div className="form-row">
        <TextField
          name={`${prefix}validFrom`}
          type="date"
          label={t('admin.validFrom')}
          optional
          value={row.validFrom}
          error={errors[`${prefix}validFrom`]}
          onChange={(e) => onChange({ ...row, validFrom: e.target.value })}
        />
        <TextField
          name={`${prefix}validTo`}
          type="date"
          label={t('admin.validTo')}
          optional
          value={row.validTo}
          error={errors[`${prefix}validTo`]}
          onChange={(e) => onChange({ ...row, validTo: e.target.value })}
        />
      </div>
    </>
  );
}

function AddGrant({ officer, onDone }: { officer: Officer; onDone: (message: string | null) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [row, setRow] = useState<GrantRow>(emptyRow);
  const { fieldErrors, formError, check, fromApi } = useFormErrors();
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const errors: FieldErrors = {};
    checkRow(t, row, '', errors);
    if (!check(form, errors)) return;
    setBusy(true);
    try {
      const g = await api.addGrant(officer.id, toGrantCreate(row));
      await qc.invalidateQueries({ queryKey: ['officers'] });
      onDone(t('admin.grantAdded', { role: t(`role.${g.role}`), name: officer.fullName }));
    } catch (err) {
      fromApi(form, err);
      setBusy(false);
    }
  }

  return (
    <form className="form-stack subform" noValidate onSubmit={(e) => void onSubmit(e)} aria-label={t('admin.addGrantFor', { name: officer.fullName })}>
      <FormAlert message={formError} />
      <GrantFields row={row} prefix="" errors={fieldErrors} onChange={setRow} />
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? t('form.sending') : t('admin.addGrant')}
        </button>
        <button type="button" className="button button-secondary" onClick={() => onDone(null)}>
          {t('form.cancel')}
        </button>
      </div>
    </form>
  );
}

function CreateOfficer({ onNotice }: { onNotice: (s: string) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [rows, setRows] = useState<GrantRow[]>(() => [emptyRow()]);
  const { fieldErrors, formError, check, fromApi, clear } = useFormErrors();
  const [busy, setBusy] = useState(false);
  const [formKey, setFormKey] = useState(0);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const fd = new FormData(form);
    const get = (n: string) => String(fd.get(n) ?? '').trim();
    const errors: FieldErrors = {};
    if (!get('email')) errors.email = t('form.required');
    else if (!patterns.email.test(get('email'))) errors.email = t('form.invalidEmail');
    if (!get('fullName')) errors.fullName = t('form.required');
    if (get('phone') && !patterns.phone.test(get('phone'))) errors.phone = t('form.invalidPhone');
    const password = String(fd.get('password') ?? '');
    if (password && password.length < MIN_PASSWORD) errors.password = t('form.passwordTooShort', { n: MIN_PASSWORD });
    rows.forEach((r, i) => checkRow(t, r, `grants.${i}.`, errors));
    if (!check(form, errors)) return;
    setBusy(true);
    try {
      const o = await api.createOfficer({
        email: get('email'),
        fullName: get('fullName'),
        ...(get('phone') ? { phone: get('phone') } : {}),
        ...(password ? { password } : {}),
        grants: rows.map(toGrantCreate),
      });
      await qc.invalidateQueries({ queryKey: ['officers'] });
      onNotice(t('admin.created', { name: o.fullName }));
      setRows([emptyRow()]);
      clear();
      setFormKey((k) => k + 1);
    } catch (err) {
      fromApi(form, err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="sec-create" className="card section">
      <h2 id="sec-create">{t('admin.create')}</h2>
      <form key={formKey} className="form-stack" noValidate onSubmit={(e) => void onSubmit(e)}>
        <FormAlert message={formError} />
        <TextField name="email" type="email" label={t('form.email')} autoComplete="off" maxLength={200} error={fieldErrors.email} />
        <TextField name="fullName" label={t('form.fullName')} autoComplete="off" maxLength={200} error={fieldErrors.fullName} />
        <TextField name="phone" type="tel" label={t('form.phone')} optional autoComplete="off" error={fieldErrors.phone} />
        <TextField
          name="password"
          type="password"
          label={t('admin.initialPassword')}
          optional
          autoComplete="new-password"
          maxLength={128}
          hint={t('admin.initialPasswordHint', { n: MIN_PASSWORD })}
          error={fieldErrors.password}
        />
        {rows.map((row, i) => (
          <fieldset key={row.key} className="grant-fieldset">
            <legend>{t('admin.grantN', { n: i + 1 })}</legend>
            <GrantFields
              row={row}
              prefix={`grants.${i}.`}
              errors={fieldErrors}
              onChange={(r) => setRows((rs) => rs.map((x) => (x.key === r.key ? r : x)))}
            />
            {rows.length > 1 && (
              <button
                type="button"
                className="button button-secondary"
                onClick={() => setRows((rs) => rs.filter((x) => x.key !== row.key))}
              >
                {t('admin.removeGrantN', { n: i + 1 })}
              </button>
            )}
          </fieldset>
        ))}
        <p>
          <button
            type="button"
            className="button button-secondary"
            disabled={rows.length >= 20}
            onClick={() => setRows((rs) => [...rs, emptyRow()])}
          >
            {t('admin.addGrantRow')}
          </button>
        </p>
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('form.sending') : t('admin.createSubmit')}
          </button>
        </div>
      </form>
    </section>
  );
}
