/** A tiny leveled logger writing one line per event to stderr (journald adds the timestamps). */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

export function createLogger(level: LogLevel = 'info', scope = 'agent', write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const min = LOG_LEVELS.indexOf(level);
  const at = (lvl: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (LOG_LEVELS.indexOf(lvl) < min) return;
    const extra = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
    write(`${new Date().toISOString()} ${lvl.toUpperCase()} ${scope}: ${msg}${extra}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (s) => createLogger(level, `${scope}.${s}`, write) };
}
