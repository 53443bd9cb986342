import type { ErrorView } from '@hearth/protocol';

/** An answer from the appliance that was not a success: `message` (English) is meant for people, `code`/`field`/`params` for the forms. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly view?: Pick<ErrorView, 'code' | 'field' | 'params'>) {
    super(message);
    this.name = 'ApiError';
  }

  /** The refused field's dotted path inside the body (`port`, `tiles.2`, `input.scale`), when the appliance named one. */
  get field(): string | undefined {
    return this.view?.field;
  }
}

/**
 * The portal's only way to talk to the appliance: same-origin fetch with the session cookie,
 * the CSRF token on every change, and errors turned into messages a person can act on.
 */
export class Api {
  private csrf: string | null = null;

  constructor(private readonly onSessionLost: () => void) {}

  setCsrf(token: string | null): void {
    this.csrf = token;
  }

  get = <T>(path: string) => this.request<T>('GET', path);
  post = <T>(path: string, body?: unknown) => this.request<T>('POST', path, body);
  put = <T>(path: string, body?: unknown) => this.request<T>('PUT', path, body);
  patch = <T>(path: string, body?: unknown) => this.request<T>('PATCH', path, body);
  delete = <T>(path: string, body?: unknown) => this.request<T>('DELETE', path, body);

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    if (method !== 'GET' && this.csrf) headers['x-csrf-token'] = this.csrf;
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
    } catch {
      throw new ApiError(0, 'network');
    }
    const renewed = res.headers.get('x-csrf-token');
    if (renewed) this.csrf = renewed;
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      if (res.status === 401 && path !== '/api/auth/login') this.onSessionLost();
      const view = json as Partial<ErrorView> | undefined;
      const message = view?.message;
      throw new ApiError(res.status, typeof message === 'string' ? message : `HTTP ${res.status}`, typeof view?.code === 'string' ? { code: view.code, field: view.field, params: view.params } : undefined);
    }
    const token = (json as { csrfToken?: unknown } | undefined)?.csrfToken;
    if (typeof token === 'string' && token) this.csrf = token;
    return json as T;
  }
}
