import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client.js';
import type { Me } from '../api/types.js';
import { activeGrants } from '../ui/session.js';

/** The agencies of the officer's desk grants and those directly below them. */
export function useDeskAgencies(me: Me) {
  const grants = activeGrants(me).filter((g) => g.role === 'desk_officer');
  const codes = [...new Set(grants.map((g) => g.agencyCode))];
  return useQuery({
    queryKey: ['desk-agencies', codes.join(',')],
    queryFn: async ({ signal }) => {
      const out: { code: string; name: string; hasOneStopDesk: boolean }[] = [];
      for (const code of codes) {
        const [self, children] = await Promise.all([api.agency(code, signal), api.agencies(code, signal)]);
        out.push({ code: self.code, name: self.name, hasOneStopDesk: self.hasOneStopDesk });
        for (const c of children.items) out.push({ code: c.code, name: c.name, hasOneStopDesk: c.hasOneStopDesk });
      }
      return out.filter((a, i) => out.findIndex((b) => b.code === a.code) === i);
    },
  });
}
