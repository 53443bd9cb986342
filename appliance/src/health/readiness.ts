/**
 * What /readyz asks. Each dependency (SQLite, Redis, MQTT, Home Assistant…) registers a check;
 * a check throws or returns false when its dependency cannot be used.
 */
export type ReadinessCheck = () => Promise<boolean> | boolean;

export class Readiness {
  private readonly checks = new Map<string, { check: ReadinessCheck; required: boolean }>();

  /** `required: false` reports a dependency without failing readiness (e.g. an optional Home Assistant). */
  add(name: string, check: ReadinessCheck, { required = true } = {}): void {
    this.checks.set(name, { check, required });
  }

  async evaluate(timeoutMs = 2000): Promise<{ ready: boolean; checks: Record<string, { ok: boolean; error?: string }> }> {
    const results: Record<string, { ok: boolean; error?: string }> = {};
    let ready = true;
    await Promise.all(
      [...this.checks].map(async ([name, { check, required }]) => {
        try {
          const ok = await Promise.race([
            Promise.resolve(check()),
            new Promise<boolean>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
          ]);
          results[name] = { ok };
        } catch (err) {
          results[name] = { ok: false, error: (err as Error).message };
        }
        if (!results[name]!.ok && required) ready = false;
      }),
    );
    return { ready, checks: results };
  }
}
