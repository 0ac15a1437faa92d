import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { openTinyService, type TinyService } from './harness.js';

/** Debian's chromium, which the browser tests drive through playwright-core (no browser download). */
export const chromiumPath = '/usr/bin/chromium';

/** The tiny service listening on a free port, and a headless Chromium to open its pages in. */
export interface BrowserSession {
  tiny: TinyService;
  browser: Browser;
  origin: string;
  close(): Promise<void>;
}

/**
 * Starts the tiny service on 127.0.0.1 and a headless Chromium (no sandbox, background networking off). When the
 * browser is missing the tests fail at launch; `label` names them in the line that says how to install it.
 */
export async function openBrowserSession(label: string): Promise<BrowserSession> {
  if (!existsSync(chromiumPath)) console.warn(`${label}: ${chromiumPath} is missing; install it with: apt-get update && apt-get install -y chromium`);
  const tiny = await openTinyService();
  try {
    const origin = await tiny.app.listen({ host: '127.0.0.1', port: 0 });
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    return {
      tiny,
      browser,
      origin,
      async close() {
        await browser.close();
        await tiny.close();
      },
    };
  } catch (error) {
    await tiny.close();
    throw error;
  }
}
