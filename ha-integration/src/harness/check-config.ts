import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { HA_VERSIONS, haRuntime, type HaVersion } from './runtime.js';

const run = promisify(execFile);

export interface ConfigCheck {
  ok: boolean;
  /** One entry per logged warning/error and per section of failed or incorrect config. */
  problems: string[];
  output: string;
}

const ANSI = new RegExp(String.raw`\x1b\[[0-9;]*m`, 'g');
const LOGGED = /^(WARNING|ERROR|CRITICAL):/;
const SECTION = /^(Failed config|Incorrect config)$/;
const SECTION_END = /^Successful config/;

/**
 * Reads check_config's output strictly. The script exits 0 for most problems: integration errors
 * come out as "Incorrect config" warnings, and automation/blueprint errors are only logged
 * (e.g. "Failed to generate automation from blueprint"). Any of these is a problem here.
 */
export function parseCheckConfigOutput(raw: string, exitCode: number): ConfigCheck {
  const output = raw.replace(ANSI, '');
  const problems: string[] = [];
  let section: string[] | undefined;
  for (const line of output.split('\n')) {
    if (SECTION.test(line.trim())) {
      section = [line.trim()];
      problems.push('');
      continue;
    }
    if (SECTION_END.test(line.trim())) section = undefined;
    if (section) {
      if (line.trim()) section.push(line.trim());
      problems[problems.length - 1] = section.join('\n');
    } else if (LOGGED.test(line)) {
      problems.push(line);
    }
  }
  if (exitCode !== 0) problems.push(`check_config exited with ${exitCode}`);
  return { ok: problems.length === 0, problems, output };
}

/** Runs `hass --script check_config -c DIR` with the given Home Assistant and parses it strictly. */
export async function checkConfig(configDir: string, version: HaVersion = HA_VERSIONS[0]): Promise<ConfigCheck> {
  const runtime = await haRuntime(version);
  const cmd = runtime.python([runtime.hass, '--script', 'check_config', '-c', configDir], [configDir]);
  try {
    const { stdout, stderr } = await run(cmd.file, cmd.args, { maxBuffer: 16 * 1024 * 1024, timeout: 180_000 });
    return parseCheckConfigOutput(`${stdout}\n${stderr}`, 0);
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string; code?: number | string };
    if (typeof e.code !== 'number') throw err;
    return parseCheckConfigOutput(`${e.stdout ?? ''}\n${e.stderr ?? ''}`, e.code);
  } finally {
    await runtime.cleanup([configDir]);
  }
}
