/**
 * What every browser test starts with: Debian's Chromium and a stack whose dev-mode bridge serves
 * the local preview, its page bundle built (the first build, rollup + LWC OSS, takes 10–30 s; later
 * runs hit the cache).
 */
import type { Browser } from 'playwright-core';
import { startStack, type Stack } from '../../helpers/stack.js';
import { launchChromium } from './chromium.js';

/**
 * Launches Chromium and starts the preview stack; the caller closes both (`browser.close()`,
 * `stack.close()`).
 * @throws what launching or starting threw; a browser already launched is closed first.
 */
export async function startPreview(): Promise<{ browser: Browser; stack: Stack }> {
  const browser = await launchChromium();
  try {
    const stack = await startStack({}, {}, { preview: true });
    await stack.devMode!.preview.ready();
    return { browser, stack };
  } catch (err) {
    await browser.close();
    throw err;
  }
}
