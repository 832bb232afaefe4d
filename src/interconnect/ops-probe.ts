// Reachability of the other members, for the operations page: a motcua member answers
// GET /interconnect/v1/health with its id and clock; a foreign system reached through the adapter
// answers GET /api/trangthai. All peers are probed in parallel, each with a short timeout, so one
// dead peer does not slow the page down.
import type { DirectoryMember } from './types.js';
import { networkReason } from './network-errors.js';

export interface PeerProbe {
  id: string;
  name: string;
  kind: string;
  baseUrl: string;
  hosts: string[];
  reachable: boolean;
  latencyMs: number | null;
  /** the peer's clock minus ours (at the middle of the round trip); null when unknown */
  clockOffsetMs: number | null;
  checkedAt: string;
  error?: string;
}

const trim = (url: string) => url.replace(/\/+$/, '');


export async function probePeer(member: DirectoryMember, opts: { fetch: typeof fetch; now: () => Date; timeoutMs: number }): Promise<PeerProbe> {
  const base = { id: member.id, name: member.name, kind: member.kind, baseUrl: member.baseUrl, hosts: member.hosts };
  const url = member.kind === 'foreign-xml' ? `${trim(member.baseUrl)}/api/trangthai` : `${trim(member.baseUrl)}/interconnect/v1/health`;
  const sentAt = opts.now().getTime();
  const t0 = performance.now();
  const down = (error: string, latencyMs: number | null = null): PeerProbe => ({ ...base, reachable: false, latencyMs, clockOffsetMs: null, checkedAt: new Date(sentAt).toISOString(), error });
  let res: Response;
  try {
    res = await opts.fetch(url, { headers: { accept: member.kind === 'foreign-xml' ? 'application/xml, text/xml, */*' : 'application/json' }, signal: AbortSignal.timeout(opts.timeoutMs) });
  } catch (err) {
    return down(networkReason(err, opts.timeoutMs));
  }
  const text = await res.text().catch(() => '');
  const latencyMs = Math.round(performance.now() - t0);
  if (!res.ok) return down(`HTTP ${res.status} from ${url}`, latencyMs);
  if (member.kind === 'foreign-xml') {
    return { ...base, reachable: true, latencyMs, clockOffsetMs: null, checkedAt: new Date(sentAt).toISOString() };
  }
  let health: { member?: unknown; time?: unknown };
  try {
    health = JSON.parse(text) as typeof health;
  } catch {
    return down('the health answer is not JSON', latencyMs);
  }
  if (health.member !== member.id) return down(`answers as member "${String(health.member)}", not "${member.id}"`, latencyMs);
  const theirs = typeof health.time === 'string' ? Date.parse(health.time) : NaN;
  const clockOffsetMs = Number.isNaN(theirs) ? null : Math.round(theirs - (sentAt + latencyMs / 2));
  return { ...base, reachable: true, latencyMs, clockOffsetMs, checkedAt: new Date(sentAt).toISOString() };
}
