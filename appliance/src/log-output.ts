import pretty from 'pino-pretty';

/**
 * Where the appliance's log lines go: readable lines (time, level, message, fields) when a person
 * watches a terminal, one JSON object per line otherwise (systemd's journal, containers, files).
 */
export function logOutput(stdout: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout): NodeJS.WritableStream {
  if (!stdout.isTTY) return stdout;
  return pretty({ destination: stdout, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', sync: true });
}
