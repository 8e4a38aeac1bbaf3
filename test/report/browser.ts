/**
 * The harness the browser tests share: headless Chromium (Debian's `chromium` package,
 * driven by playwright-core; `.ci/run` installs it when missing; CHROMIUM_PATH overrides the
 * executable) and the listeners that turn console errors, page errors, dialogs and any
 * non-file fetch into test failures.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
const executablePath = CANDIDATES.find((p) => existsSync(p));

export async function launchChromium(): Promise<Browser> {
  if (!executablePath) throw new Error(`no Chromium at ${CANDIDATES.join(', ')}: apt-get install chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}

/** Collects into `errors` everything a self-contained page must never do. */
export function watchErrors(page: Page, errors: string[]): void {
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  page.on('pageerror', (e) => void errors.push(String(e)));
  page.on('dialog', (d) => void (errors.push(`dialog: ${d.message()}`), d.dismiss()));
  page.on('request', (r) => void (r.url().startsWith('file:') || errors.push(`fetched ${r.url()}`)));
}
