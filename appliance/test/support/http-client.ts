/** The answer of a request, with the body already read. */
export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/**
 * A tiny browser stand-in for tests: keeps the session cookie, sends the CSRF token it was given
 * on every change, and can act as a device with a bearer token instead.
 */
export class HttpClient {
  cookie: string | undefined;
  csrf: string | undefined;
  bearer: string | undefined;

  constructor(readonly baseUrl: string) {}

  static device(baseUrl: string, token: string): HttpClient {
    const c = new HttpClient(baseUrl);
    c.bearer = token;
    return c;
  }

  get = (path: string, headers: Record<string, string> = {}) => this.request('GET', path, undefined, headers);
  post = (path: string, body?: unknown, headers: Record<string, string> = {}) => this.request('POST', path, body, headers);
  put = (path: string, body?: unknown, headers: Record<string, string> = {}) => this.request('PUT', path, body, headers);
  patch = (path: string, body?: unknown, headers: Record<string, string> = {}) => this.request('PATCH', path, body, headers);
  delete = (path: string, body?: unknown, headers: Record<string, string> = {}) => this.request('DELETE', path, body, headers);

  async request(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<TestResponse> {
    const headers: Record<string, string> = {};
    let payload: BodyInit | undefined;
    if (body instanceof Uint8Array || body instanceof FormData || typeof body === 'string') {
      payload = body as BodyInit;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    const res = await fetch(new URL(path, this.baseUrl), { method, headers: { ...headers, ...extra }, body: payload, redirect: 'manual' });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('hearth_session='));
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const token = (json as { csrfToken?: unknown } | undefined)?.csrfToken ?? res.headers.get('x-csrf-token');
    if (typeof token === 'string' && token) this.csrf = token;
    return { status: res.status, headers: res.headers, text, json };
  }
}
