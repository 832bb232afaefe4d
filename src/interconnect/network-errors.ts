// A readable reason for a failed fetch (Node's "fetch failed" hides the socket error in its cause),
// shared by delivery, attachment pulls, the operations page's probes and the conformance kit.

/** What happened to a request that got no answer; names `baseUrl` when given. */
export function networkReason(err: unknown, timeoutMs: number, baseUrl?: string): string {
  const at = baseUrl ? ` (${baseUrl})` : '';
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string; name?: string } } | undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.cause?.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  const code = e?.cause?.code ?? (e as { code?: string } | undefined)?.code;
  if (code === 'ECONNREFUSED') return `connection refused${at}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host not found${at}`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `connection reset${at}`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `host unreachable${at}`;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return `connect timed out${at}`;
  const msg = e?.cause?.message ?? e?.message ?? String(err);
  return `${msg}${at}`;
}
