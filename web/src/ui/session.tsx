// The logged-in session as seen by the pages: the ['me'] query, the guard of
// protected pages and where to land after logging in.
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.js';
import { ADMIN_ROLES, type Grant, type Me } from '../api/types.js';
import { ErrorMessage, Loading } from './Status.js';

export const ME_KEY = ['me'] as const;

/** The current session: data is null when not logged in. */
export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: ({ signal }) => api.me(signal), staleTime: 60_000 });
}

/** Replaces the cached session (after login, logout, switching who one acts for). */
export function useSetMe(): (me: Me | null) => void {
  const qc = useQueryClient();
  return (me) => {
    if (me === null) {
      // Nothing of the previous account may linger in the cache.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' && isPrivateKey(q.queryKey[0]) });
    }
    qc.setQueryData(ME_KEY, me);
  };
}

/** Query keys that hold the logged-in account's data. */
export function isPrivateKey(first: unknown): boolean {
  return first === 'profile' || first === 'access-log' || first === 'delegations' || first === 'officers' || first === 'officer' || first === 'draft' || first === 'my-dossiers' || first === 'dossier' || first === 'desk-dossiers' || first === 'register-book' || first === 'applicants' || first === 'work';
}

export function activeGrants(me: Me): Grant[] {
  return me.grants.filter((g) => g.active);
}

export function isOfficer(me: Me): boolean {
  return activeGrants(me).length > 0;
}

export function isDeskOfficer(me: Me): boolean {
  return activeGrants(me).some((g) => g.role === 'desk_officer');
}

export function isAdmin(me: Me): boolean {
  return activeGrants(me).some((g) => ADMIN_ROLES.includes(g.role));
}

/** Default landing page after login: officers go to their workspace, others to their profile. */
export function homeOf(me: Me): string {
  return isOfficer(me) ? '/can-bo' : '/ca-nhan';
}

/** A same-site path from ?next=, or null (no open redirects). */
export function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  try {
    const u = new URL(next, window.location.origin);
    if (u.origin !== window.location.origin) return null;
    return `${u.pathname}${u.search}${u.hash}`;
  } catch {
    return null;
  }
}

export function loginPath(next: string): string {
  return `/dang-nhap?next=${encodeURIComponent(next)}`;
}

/** Renders its children with the session, or redirects to the login page. */
export function RequireAuth({ children }: { children: (me: Me) => ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorMessage error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) return <Navigate to={loginPath(`${location.pathname}${location.search}`)} replace />;
  return <>{children(me.data)}</>;
}
