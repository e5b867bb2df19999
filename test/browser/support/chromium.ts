/**
 * Debian's Chromium driven by playwright-core (`npx playwright install` cannot work here; .ci/run
 * installs the `chromium` package). A missing browser FAILS the browser tests with an
 * explanation — they are never skipped.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where Debian installs Chromium; `CHROMIUM_PATH` overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Screenshots of test runs (git-ignored; CI keeps it as an artifact). */
export const RESULTS_DIR = resolve(import.meta.dirname, '../../../test-results');

/**
 * Launches headless Chromium with a fresh profile (playwright creates a temporary user data dir;
 * it refuses an explicit `--user-data-dir` with `launch`).
 * @throws Error saying how to install Chromium when it is missing.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` ` +
        '(.ci/run does) or set CHROMIUM_PATH. The browser tests do not skip.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
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
  });
}

/** A browser context (its own cookies and sessionStorage: one user) with one page. */
export interface UserPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors, for failure messages. */
  errors: string[];
}

/** Opens a fresh context and page; locator waits time out after `timeoutMs`. */
export async function openUserPage(browser: Browser, timeoutMs = 15_000): Promise<UserPage> {
  const context = await browser.newContext({ viewport: { width: 960, height: 720 } });
  context.setDefaultTimeout(timeoutMs);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return { context, page, errors };
}

/** Saves a PNG under test-results/ (or at an absolute path) and returns the bytes. */
export async function screenshot(page: Page, name: string): Promise<Buffer> {
  const path = name.startsWith('/') ? name : join(RESULTS_DIR, name);
  mkdirSync(dirname(path), { recursive: true });
  return page.screenshot({ path });
}

/**
 * Puts screenshots side by side in one PNG, using the browser itself as the image tool (no image
 * library needed): a blank page showing each PNG with a caption.
 */
export async function sideBySide(browser: Browser, shots: Array<{ caption: string; png: Buffer }>, path: string): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 10, height: 10 } });
  try {
    const figures = shots
      .map(
        ({ caption, png }) =>
          `<figure><figcaption>${caption}</figcaption><img src="data:image/png;base64,${png.toString('base64')}"></figure>`,
      )
      .join('');
    await page.setContent(
      `<style>body{margin:0;display:inline-flex;gap:16px;padding:16px;background:#e5e5e5;font:600 15px system-ui,sans-serif}` +
        `figure{margin:0}figcaption{margin:0 0 8px;color:#181818}img{display:block;border:1px solid #c9c9c9;border-radius:6px}</style>${figures}`,
    );
    await page.waitForFunction(() => [...document.images].every((img) => img.complete));
    mkdirSync(dirname(path), { recursive: true });
    await page.locator('body').screenshot({ path });
  } finally {
    await page.close();
  }
}
