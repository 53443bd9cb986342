/** Warnings every harness start prints: --skip-pip itself, and HA 2024.3 running on Python 3.11. */
const EXPECTED = [
  /\[homeassistant\.bootstrap\] Skipping pip installation of required modules/,
  /\[homeassistant\.bootstrap\] Support for the running Python version 3\.11\.\d+ is deprecated/,
];

/**
 * The WARNING/ERROR/CRITICAL lines of HA's output, less the expected ones and those matching
 * `allow`. Template, condition and blueprint problems are mostly logged as warnings, so a test
 * that wants "nothing went wrong" checks this is empty.
 */
export function problemLogLines(logs: string, allow: RegExp[] = []): string[] {
  return logs
    .split('\n')
    .filter((line) => / (WARNING|ERROR|CRITICAL) \(/.test(line))
    .filter((line) => ![...EXPECTED, ...allow].some((re) => re.test(line)));
}
