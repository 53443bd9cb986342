import type { ErrorView } from '@hearth/protocol';

/** An answer from the appliance that was not a success: `message` (English) is meant for people, `code`/`field`/`params` for the forms. */
export class ApiError extends Error {
  /** `body` is the answer's JSON (a 412 carries the current document; errors are protocol `ErrorView`s). */
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The structured part of an error answer (`code`, `field`, `params`), when the appliance sent one. */
  get view(): Pick<ErrorView, 'code' | 'field' | 'params'> | undefined {
    const b = this.body as Partial<ErrorView> | undefined;
    return b && typeof b.code === 'string' ? { code: b.code, field: b.field, params: b.params } : undefined;
  }

  /** The refused field's dotted path inside the body (`port`, `tiles.2`, `input.scale`), when the appliance named one. */
  get field(): string | undefined {
    return this.view?.field;
  }

  /** The appliance's stable id for the error (the portal says it in the reader's language when it knows it). */
  get code(): string | undefined {
    const code = (this.body as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? code : undefined;
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

  /** POST a form with upload progress (fetch cannot report it): `onProgress` gets 0–1. */
  upload<T>(path: string, form: FormData, onProgress: (fraction: number) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      xhr.setRequestHeader('accept', 'application/json');
      if (this.csrf) xhr.setRequestHeader('x-csrf-token', this.csrf);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress(e.loaded / e.total);
      };
      xhr.onerror = () => reject(new ApiError(0, 'network'));
      xhr.onload = () => {
        let json: { message?: unknown; code?: unknown } | undefined;
        try {
          json = xhr.responseText ? (JSON.parse(xhr.responseText) as typeof json) : undefined;
        } catch {
          json = undefined;
        }
        if (xhr.status >= 200 && xhr.status < 300) return resolve(json as T);
        if (xhr.status === 401) this.onSessionLost();
        reject(new ApiError(xhr.status, typeof json?.message === 'string' ? json.message : `HTTP ${xhr.status}`, json));
      };
      xhr.send(form);
    });
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.exchange<T>(method, path, body)).json;
  }

  /** A request with extra headers (If-Match), answering with the body and the ETag. */
  async exchange<T>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<{ json: T; etag: string | null }> {
    // The portal's chosen language (set on <html lang>), so the appliance's messages come back in it.
    const headers: Record<string, string> = { accept: 'application/json', 'accept-language': document.documentElement.lang || 'en', ...extra };
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
      const message = (json as { message?: unknown } | undefined)?.message;
      throw new ApiError(res.status, typeof message === 'string' ? message : `HTTP ${res.status}`, json);
    }
    const token = (json as { csrfToken?: unknown } | undefined)?.csrfToken;
    if (typeof token === 'string' && token) this.csrf = token;
    return { json: json as T, etag: res.headers.get('etag') };
  }
}
