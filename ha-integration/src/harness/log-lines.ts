/**
 * Lines every harness start prints: --skip-pip itself; HA 2024.3 running on Python 3.11; and, on HA
 * 2026, its ffmpeg integration (set up by default for text-to-speech) not finding an ffmpeg binary,
 * which the test root leaves out (164 Debian packages that nothing Hearth does in HA needs).
 */
const EXPECTED = [
  /\[homeassistant\.bootstrap\] Skipping pip installation of required modules/,
  /\[homeassistant\.bootstrap\] Support for the running Python version 3\.11\.\d+ is deprecated/,
  /\[haffmpeg\.core\] FFmpeg fails \[Errno 2\] No such file or directory: 'ffmpeg'/,
  /\[haffmpeg\.tools\] Error starting FFmpeg\./,
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
