import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { Me, Profile } from '../api/types.js';
import { FormAlert, MIN_PASSWORD, TextField, apiErrorText, patterns, useFormErrors, type FieldErrors } from '../ui/form.js';
import { formatDate, formatDateTime } from '../ui/format.js';
import { RequireAuth, ME_KEY, useSetMe } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';

export default function ProfilePage() {
  const { t } = useTranslation();
  usePageTitle(t('profile.title'));
  return <RequireAuth>{(me) => <ProfileContent me={me} />}</RequireAuth>;
}

function ProfileContent({ me }: { me: Me }) {
  const { t } = useTranslation();
  return (
    <>
      <h1>{t('profile.title')}</h1>
      <ProfileSection />
      <PasswordSection />
      {me.account.kind === 'business' && <BusinessDelegations />}
      {me.account.kind === 'citizen' && <PersonDelegations me={me} />}
      <AccessLogSection />
      <SessionsSection />
    </>
  );
}

function text(fd: FormData, name: string): string {
  return String(fd.get(name) ?? '').trim();
}

function ProfileSection() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const profile = useQuery({ queryKey: ['profile'], queryFn: ({ signal }) => api.profile(signal) });
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const { fieldErrors, formError, check, fromApi, clear } = useFormErrors();
  const [busy, setBusy] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const fd = new FormData(form);
    const errors: FieldErrors = {};
    if (!text(fd, 'fullName')) errors.fullName = t('form.required');
    const phone = text(fd, 'phone');
    if (phone && !patterns.phone.test(phone)) errors.phone = t('form.invalidPhone');
    if (!check(form, errors)) return;
    setBusy(true);
    try {
      const updated = await api.updateProfile({
        fullName: text(fd, 'fullName'),
        phone: phone || null,
        address: text(fd, 'address') || null,
      });
      qc.setQueryData(['profile'], updated);
      await qc.invalidateQueries({ queryKey: ME_KEY });
      setEditing(false);
      setSaved(true);
      window.setTimeout(() => editButton.current?.focus(), 0);
    } catch (err) {
      fromApi(form, err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="sec-profile" className="card section">
      <h2 id="sec-profile">{t('profile.info')}</h2>
      <div role="status">{saved && <p className="success">{t('profile.saved')}</p>}</div>
      {profile.isPending ? (
        <Loading />
      ) : profile.isError ? (
        <ErrorMessage error={profile.error} onRetry={() => void profile.refetch()} />
      ) : editing ? (
        <form className="form-stack" noValidate onSubmit={(e) => void onSubmit(e)}>
          <FormAlert message={formError} />
          <TextField
            name="fullName"
            label={profile.data.kind === 'business' ? t('form.businessName') : t('form.fullName')}
            defaultValue={profile.data.fullName}
            autoComplete={profile.data.kind === 'business' ? 'organization' : 'name'}
            error={fieldErrors.fullName}
          />
          <TextField name="phone" type="tel" label={t('form.phone')} optional autoComplete="tel" defaultValue={profile.data.phone ?? ''} error={fieldErrors.phone} />
          <TextField
            name="address"
            label={t('form.address')}
            optional
            autoComplete="street-address"
            maxLength={500}
            defaultValue={profile.data.address ?? ''}
            error={fieldErrors.address}
          />
          <div className="form-actions">
            <button type="submit" className="button" disabled={busy}>
              {busy ? t('form.sending') : t('form.save')}
            </button>
            <button
              type="button"
              className="button button-secondary"
              onClick={() => {
                clear();
                setEditing(false);
                window.setTimeout(() => editButton.current?.focus(), 0);
              }}
            >
              {t('form.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <>
          <ProfileView profile={profile.data} />
          <p>
            <button
              ref={editButton}
              type="button"
              className="button button-secondary"
              onClick={() => {
                setSaved(false);
                setEditing(true);
              }}
            >
              {t('profile.edit')}
            </button>
          </p>
        </>
      )}
    </section>
  );
}

function ProfileView({ profile: p }: { profile: Profile }) {
  const { t } = useTranslation();
  const rows: [string, string][] = [
    [p.kind === 'business' ? t('form.businessName') : t('form.fullName'), p.fullName],
    [t('profile.kind'), t(`accountKind.${p.kind}`)],
    [t('form.email'), `${p.email} (${p.emailVerified ? t('profile.verified') : t('profile.notVerified')})`],
  ];
  if (p.citizenId) rows.push([t('form.citizenId'), p.citizenId]);
  if (p.dateOfBirth) rows.push([t('form.dateOfBirth'), formatDate(p.dateOfBirth)]);
  if (p.gender) rows.push([t('form.gender'), t(`gender.${p.gender}`)]);
  if (p.taxCode) rows.push([t('form.taxCode'), p.taxCode]);
  rows.push([t('form.phone'), p.phone ?? t('profile.none')]);
  rows.push([t('form.address'), p.address ?? t('profile.none')]);
  return (
    <dl className="summary">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd className="break">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function PasswordSection() {
  const { t } = useTranslation();
  const { fieldErrors, formError, check, fromApi } = useFormErrors();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const fd = new FormData(form);
    const current = String(fd.get('currentPassword') ?? '');
    const next = String(fd.get('newPassword') ?? '');
    const confirm = String(fd.get('confirm') ?? '');
    const errors: FieldErrors = {};
    if (!current) errors.currentPassword = t('form.required');
    if (!next) errors.newPassword = t('form.required');
    else if (next.length < MIN_PASSWORD) errors.newPassword = t('form.passwordTooShort', { n: MIN_PASSWORD });
    if (!confirm) errors.confirm = t('form.required');
    else if (next && confirm !== next) errors.confirm = t('form.passwordMismatch');
    setDone(false);
    if (!check(form, errors)) return;
    setBusy(true);
    try {
      await api.changePassword(current, next);
      form.reset();
      setDone(true);
    } catch (err) {
      fromApi(form, err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="sec-password" className="card section">
      <h2 id="sec-password">{t('profile.password')}</h2>
      <form className="form-stack" noValidate onSubmit={(e) => void onSubmit(e)}>
        <FormAlert message={formError} />
        <div role="status">{done && <p className="success">{t('profile.passwordChanged')}</p>}</div>
        <TextField name="currentPassword" type="password" label={t('form.currentPassword')} autoComplete="current-password" error={fieldErrors.currentPassword} />
        <TextField
          name="newPassword"
          type="password"
          label={t('form.newPassword')}
          autoComplete="new-password"
          maxLength={128}
          hint={t('form.passwordHint', { n: MIN_PASSWORD })}
          error={fieldErrors.newPassword}
        />
        <TextField name="confirm" type="password" label={t('form.confirmPassword')} autoComplete="new-password" error={fieldErrors.confirm} />
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('form.sending') : t('profile.changePassword')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** A business manages the persons it has authorised to act on its behalf. */
function BusinessDelegations() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['delegations'], queryFn: ({ signal }) => api.delegations(signal) });
  const { fieldErrors, formError, check, fromApi, setFormError } = useFormErrors();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);

  async function onAdd(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const email = text(new FormData(form), 'email');
    const errors: FieldErrors = {};
    if (!email) errors.email = t('form.required');
    else if (!patterns.email.test(email)) errors.email = t('form.invalidEmail');
    setMessage(null);
    if (!check(form, errors)) return;
    setBusy(true);
    try {
      const d = await api.createDelegation(email);
      form.reset();
      setMessage(t('delegation.added', { name: d.person.fullName }));
      await qc.invalidateQueries({ queryKey: ['delegations'] });
    } catch (err) {
      fromApi(form, err);
    } finally {
      setBusy(false);
    }
  }

  async function onRemove(id: number, name: string) {
    setBusy(true);
    setMessage(null);
    try {
      await api.deleteDelegation(id);
      setConfirming(null);
      setMessage(t('delegation.removed', { name }));
      await qc.invalidateQueries({ queryKey: ['delegations'] });
    } catch (err) {
      setFormError(apiErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="sec-delegations" className="card section">
      <h2 id="sec-delegations">{t('delegation.businessTitle')}</h2>
      <p>{t('delegation.businessIntro')}</p>
      <div role="status">{message && <p className="success">{message}</p>}</div>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <p>{t('delegation.noneBusiness')}</p>
      ) : (
        <ul className="item-list">
          {list.data.items.map((d) => (
            <li key={d.id}>
              <span className="break">
                <strong>{d.person.fullName}</strong> ({d.person.email}) — {t('delegation.since', { date: formatDate(d.grantedAt) })}
              </span>
              {confirming === d.id ? (
                <span className="confirm" role="group" aria-label={t('delegation.confirmLabel', { name: d.person.fullName })}>
                  <span>{t('delegation.confirm', { name: d.person.fullName })}</span>
                  <button type="button" className="button button-danger" disabled={busy} onClick={() => void onRemove(d.id, d.person.fullName)}>
                    {t('delegation.confirmYes')}
                  </button>
                  <button type="button" className="button button-secondary" onClick={() => setConfirming(null)}>
                    {t('form.cancel')}
                  </button>
                </span>
              ) : (
                <button
                  type="button"
                  className="button button-secondary"
                  aria-label={t('delegation.removeLabel', { name: d.person.fullName })}
                  onClick={() => setConfirming(d.id)}
                >
                  {t('delegation.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form className="form-stack" noValidate onSubmit={(e) => void onAdd(e)}>
        <h3>{t('delegation.addTitle')}</h3>
        <FormAlert message={formError} />
        <TextField name="email" type="email" label={t('delegation.personEmail')} autoComplete="off" error={fieldErrors.email} />
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {t('delegation.add')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** A person sees the businesses that authorised them and may act on behalf of one. */
function PersonDelegations({ me }: { me: Me }) {
  const { t } = useTranslation();
  const setMe = useSetMe();
  const list = useQuery({ queryKey: ['delegations'], queryFn: ({ signal }) => api.delegations(signal) });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function actFor(businessId: number | null) {
    setBusy(true);
    setError(null);
    try {
      setMe(await api.actFor(businessId));
    } catch (err) {
      setError(apiErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="sec-delegations" className="card section">
      <h2 id="sec-delegations">{t('delegation.personTitle')}</h2>
      <div role="status">
        {me.actingFor && (
          <p className="success">
            {t('delegation.actingNow', { name: me.actingFor.fullName })}{' '}
            <button type="button" className="button button-secondary" disabled={busy} onClick={() => void actFor(null)}>
              {t('delegation.stopActing')}
            </button>
          </p>
        )}
      </div>
      <FormAlert message={error} />
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <p>{t('delegation.nonePerson')}</p>
      ) : (
        <ul className="item-list">
          {list.data.items.map((d) => (
            <li key={d.id}>
              <span className="break">
                <strong>{d.business.fullName}</strong>
                {d.business.taxCode && ` — ${t('form.taxCode')}: ${d.business.taxCode}`}
              </span>
              {me.actingFor?.id === d.business.id ? (
                <span className="badge badge-free">{t('delegation.current')}</span>
              ) : (
                <button
                  type="button"
                  className="button button-secondary"
                  disabled={busy}
                  aria-label={t('delegation.actForLabel', { name: d.business.fullName })}
                  onClick={() => void actFor(d.business.id)}
                >
                  {t('delegation.actFor')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function AccessLogSection() {
  const { t } = useTranslation();
  const log = useQuery({ queryKey: ['access-log'], queryFn: ({ signal }) => api.accessLog(signal), staleTime: 0 });
  return (
    <section aria-labelledby="sec-access" className="card section">
      <h2 id="sec-access">{t('accessLog.title')}</h2>
      <p>{t('accessLog.intro')}</p>
      <p>
        <Link to="/ca-nhan/du-lieu">{t('registry.myData.profileLink')}</Link>
      </p>
      {log.isPending ? (
        <Loading />
      ) : log.isError ? (
        <ErrorMessage error={log.error} onRetry={() => void log.refetch()} />
      ) : log.data.items.length === 0 ? (
        <p>{t('accessLog.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table-stack">
            <caption className="sr-only">{t('accessLog.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('accessLog.at')}</th>
                <th scope="col">{t('accessLog.actor')}</th>
                <th scope="col">{t('accessLog.action')}</th>
                <th scope="col">{t('accessLog.resource')}</th>
                <th scope="col">{t('accessLog.purpose')}</th>
              </tr>
            </thead>
            <tbody>
              {log.data.items.map((e) => (
                <tr key={e.id}>
                  <td data-label={t('accessLog.at')}>
                    <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                  </td>
                  <td data-label={t('accessLog.actor')}>
                    {e.actorName}
                    {e.actorAgency && <span className="cell-note">{e.actorAgency}</span>}
                  </td>
                  <td data-label={t('accessLog.action')}>{t(`accessAction.${e.action}`, { defaultValue: e.action })}</td>
                  <td data-label={t('accessLog.resource')} className="break">
                    {t(`resourceType.${e.resourceType}`, { defaultValue: e.resourceType })} {e.resourceId}
                  </td>
                  <td data-label={t('accessLog.purpose')}>{e.purpose}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function SessionsSection() {
  const { t } = useTranslation();
  const setMe = useSetMe();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function logoutAll() {
    setBusy(true);
    setError(null);
    try {
      await api.logoutAll();
      await navigate('/dang-nhap');
      setMe(null);
    } catch (err) {
      setError(apiErrorText(t, err));
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="sec-sessions" className="card section">
      <h2 id="sec-sessions">{t('profile.sessions')}</h2>
      <p>{t('profile.sessionsIntro')}</p>
      <FormAlert message={error} />
      {confirming ? (
        <div className="confirm" role="group" aria-label={t('profile.logoutAll')}>
          <span>{t('profile.logoutAllConfirm')}</span>
          <button type="button" className="button button-danger" disabled={busy} onClick={() => void logoutAll()}>
            {t('profile.logoutAll')}
          </button>
          <button type="button" className="button button-secondary" onClick={() => setConfirming(false)}>
            {t('form.cancel')}
          </button>
        </div>
      ) : (
        <button type="button" className="button button-secondary" onClick={() => setConfirming(true)}>
          {t('profile.logoutAll')}
        </button>
      )}
    </section>
  );
}
