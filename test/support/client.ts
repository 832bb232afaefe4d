// A minimal HTTP client over app.inject that keeps the session cookie and sends the CSRF
// token, as the web app does.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export class TestClient {
  cookie: string | undefined;
  csrf: string | undefined;
  constructor(private readonly app: FastifyInstance, private readonly ip = '127.0.0.1') {}

  async request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method,
      url,
      remoteAddress: this.ip,
      headers: {
        ...(this.cookie ? { cookie: `motcua_session=${this.cookie}` } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: body as string } : {}),
    });
    const set = res.cookies.find((c) => c.name === 'motcua_session');
    // a cleared cookie comes back empty, expiring in 1970 (the app's own clock may be anywhere)
    if (set) this.cookie = set.value === '' || (set.expires && set.expires.getTime() < 86_400_000) ? undefined : set.value;
    return res;
  }
  get = (url: string, headers?: Record<string, string>) => this.request('GET', url, undefined, headers);
  post = (url: string, body?: unknown, headers?: Record<string, string>) => this.request('POST', url, body ?? {}, headers);
  put = (url: string, body?: unknown) => this.request('PUT', url, body ?? {});
  del = (url: string) => this.request('DELETE', url);

  async login(email: string, password: string): Promise<LightMyRequestResponse> {
    const res = await this.post('/api/auth/login', { email, password });
    if (res.statusCode === 200) this.csrf = (res.json() as { csrfToken: string }).csrfToken;
    return res;
  }
}

/** A step or other task of a dossier, as GET /api/work/dossiers/:code lists it (the fields the tests read). */
export interface WorkTask {
  id: number;
  kind: string;
  step: string;
  status: string;
  dueAt: string | null;
}
