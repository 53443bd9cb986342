import { readFileSync } from 'node:fs';

/** Fill `{{name}}` placeholders in a fixture template; a string that is only a placeholder takes any JSON value. */
export function fill<T = unknown>(template: unknown, values: Record<string, unknown>): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const whole = /^\{\{(\w+)\}\}$/.exec(v);
      if (whole) {
        const key = whole[1]!;
        if (!(key in values)) throw new Error(`fixture placeholder {{${key}}} has no value`);
        return values[key];
      }
      return v.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
        if (!(key in values)) throw new Error(`fixture placeholder {{${key}}} has no value`);
        return String(values[key]);
      });
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [walk(k) as string, walk(x)]));
    return v;
  };
  return walk(template) as T;
}

export function loadFixture(url: URL): Record<string, unknown> {
  const parsed = JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
  delete parsed._source;
  return parsed;
}
