import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const require = createRequire(import.meta.url);
export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/portal/', import.meta.url));

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1366, height: 900 };

/** The machine's Chromium (Debian package `chromium`), headless, talking to nothing but the test appliance. */
const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

/** `env`: e.g. a HOME whose ~/.pki/nssdb trusts a test CA, as the kiosk's does on the Pi. */
export function launchChromium(opts: { env?: NodeJS.ProcessEnv } = {}): Promise<Browser> {
  return chromium.launch({ ...CHROMIUM, ...(opts.env ? { env: opts.env } : {}) });
}

/** A profile on disk rather than an incognito-like context: Chromium only calls an app installable there. */
export function launchChromiumProfile(userDataDir: string, locale: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, { ...CHROMIUM, locale });
}

/** Everything a page did that a test may want to refuse: dialogs (injected script), console errors, CSP reports. */
export interface PageWatch {
  dialogs: string[];
  errors: string[];
}

export function watch(page: Page): PageWatch {
  const w: PageWatch = { dialogs: [], errors: [] };
  page.on('dialog', (d) => {
    w.dialogs.push(`${d.type()}: ${d.message()}`);
    // confirm() is part of the UI (delete, revoke); anything else is a finding.
    void (d.type() === 'confirm' ? d.accept() : d.dismiss());
  });
  page.on('pageerror', (e) => w.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) w.errors.push(m.text());
  });
  return w;
}

let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/** Run axe-core in the page (as a file-like script, which the CSP allows from Playwright) and return serious/critical findings. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}
