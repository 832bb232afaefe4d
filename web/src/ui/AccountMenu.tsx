// The account part of the site header: who is logged in (and in which role), links
// to their pages and logging out; or the login and registration links.
import { useState } from 'react';
import { NavLink, useNavigate } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { Grant } from '../api/types.js';
import { activeGrants, isAdmin, isOfficer, useMe, useSetMe } from './session.js';
import { apiErrorText } from './form.js';

/** "Cán bộ tiếp nhận (một cửa) — UBND quận Hồng Bàng" with the agency's short name once known. */
export function GrantLabel({ grant }: { grant: Grant }) {
  const { t } = useTranslation();
  const agency = useQuery({ queryKey: ['agency', grant.agencyCode], queryFn: ({ signal }) => api.agency(grant.agencyCode, signal) });
  return (
    <>
      {t(`role.${grant.role}`)} — {agency.data?.shortName || grant.agencyName}
    </>
  );
}

export function AccountMenu() {
  const { t } = useTranslation();
  const me = useMe();
  const setMe = useSetMe();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function logout() {
    setBusy(true);
    setError(null);
    try {
      await api.logout();
      // Leave the page first, synchronously: router updates run in a transition, so
      // clearing the session while a protected page is still shown would let its
      // guard redirect to /dang-nhap?next=… and override the way home.
      await navigate('/', { flushSync: true });
      setMe(null);
    } catch (err) {
      setError(apiErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  if (me.isPending || me.isError) return null;
  const m = me.data;
  if (!m) {
    return (
      <nav className="account-nav" aria-label={t('account.menu')}>
        <ul>
          <li>
            <NavLink to="/dang-nhap">{t('account.login')}</NavLink>
          </li>
          <li>
            <NavLink to="/dang-ky">{t('account.register')}</NavLink>
          </li>
        </ul>
      </nav>
    );
  }
  const grant = activeGrants(m)[0];
  return (
    <div className="account">
      <p className="account-who">
        <span className="account-name">{m.account.fullName}</span>
        {grant && (
          <span className="account-role">
            <GrantLabel grant={grant} />
          </span>
        )}
        {m.actingFor && <span className="account-role">{t('account.actingFor', { name: m.actingFor.fullName })}</span>}
      </p>
      <nav className="account-nav" aria-label={t('account.menu')}>
        <ul>
          <li>
            <NavLink to="/ca-nhan">{t('account.profile')}</NavLink>
          </li>
          {!isOfficer(m) && (
            <li>
              <NavLink to="/ho-so">{t('account.myDossiers')}</NavLink>
            </li>
          )}
          {!isOfficer(m) && (
            <li>
              <NavLink to="/ca-nhan/kho-du-lieu">{t('datastore.navLink')}</NavLink>
            </li>
          )}
          {isOfficer(m) && (
            <li>
              <NavLink to="/can-bo">{t('account.workspace')}</NavLink>
            </li>
          )}
          {isAdmin(m) && (
            <li>
              <NavLink to="/quan-tri/can-bo">{t('account.admin')}</NavLink>
            </li>
          )}
          {activeGrants(m).some((g) => g.role === 'system_admin') && (
            <li>
              <NavLink to="/quan-tri/ngay-nghi">{t('account.calendarAdmin')}</NavLink>
            </li>
          )}
          {activeGrants(m).some((g) => g.role === 'system_admin') && (
            <li>
              <NavLink to="/quan-tri/quy-trinh">{t('workflowAdmin.navLink')}</NavLink>
            </li>
          )}
          {activeGrants(m).some((g) => g.role === 'system_admin') && (
            <li>
              <NavLink to="/quan-tri/so-dang-ky">{t('registry.navLink')}</NavLink>
            </li>
          )}
          {activeGrants(m).some((g) => g.role === 'system_admin') && (
            <li>
              <NavLink to="/quan-tri/lien-thong">{t('interconnect.navLink')}</NavLink>
            </li>
          )}
          <li>
            <button type="button" className="link-button" onClick={() => void logout()} disabled={busy}>
              {t('account.logout')}
            </button>
          </li>
        </ul>
      </nav>
      {error && (
        <p role="alert" className="account-error">
          {error}
        </p>
      )}
    </div>
  );
}
