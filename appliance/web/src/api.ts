/** An answer from the appliance that was not a success; `message` is meant for people. */
export class ApiError extends Error {
  /** `code`: the appliance's stable id for the error (translated by the portal when it knows it). */
  constructor(readonly status: number, message: string, readonly code?: string) {
    super(message);
    this.name = 'ApiError';
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
        reject(new ApiError(xhr.status, typeof json?.message === 'string' ? json.message : `HTTP ${xhr.status}`, typeof json?.code === 'string' ? json.code : undefined));
      };
      xhr.send(form);
    });
  }

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
      const { message, code } = (json ?? {}) as { message?: unknown; code?: unknown };
      throw new ApiError(res.status, typeof message === 'string' ? message : `HTTP ${res.status}`, typeof code === 'string' ? code : undefined);
    }
    const token = (json as { csrfToken?: unknown } | undefined)?.csrfToken;
    if (typeof token === 'string' && token) this.csrf = token;
    return json as T;
  }
}
