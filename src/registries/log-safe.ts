// Keeps personal data out of the application log (#7 privacy): request URLs are logged by Fastify,
// and registry routes carry CCCD / enterprise codes in the path and names in `?q=`. The request
// serializer masks identifier-like digit runs in every URL and drops the query of registry routes.

/** 001******123 — enough for the person to recognise their own number, not to read it. */
export function maskKey(key: string): string {
  return key.length <= 6 ? '*'.repeat(key.length) : `${key.slice(0, 3)}${'*'.repeat(key.length - 6)}${key.slice(-3)}`;
}

/** The URL as it may be logged: 10/12-digit runs (CCCD, tax codes) masked; registry routes without their query. */
export function loggableUrl(url: string): string {
  const [p = '', q] = url.split('?', 2);
  const masked = p.replace(/(?<![0-9])[0-9]{10}(-[0-9]{3})?(?![0-9])|(?<![0-9])[0-9]{12}(?![0-9])/g, '[id]');
  if (q === undefined) return masked;
  if (/\/registries(\/|$)|\/api\/me\/(lookups|registry|export)|\/api\/admin\/applicants/.test(p)) return `${masked}?[redacted]`;
  return `${masked}?${q.replace(/(?<![0-9])[0-9]{12}(?![0-9])/g, '[id]')}`;
}

interface LoggableRequest {
  method: string;
  url: string;
  hostname?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify/pino `serializers.req`: the default fields, with a masked URL. */
export function safeRequestSerializer(req: LoggableRequest): Record<string, unknown> {
  return { method: req.method, url: loggableUrl(req.url), hostname: req.hostname, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}
