import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { openBrowserSession, type BrowserSession } from '../test/browser.js';
import { testKey, type TinyService } from '../test/harness.js';
import { docsContentSecurityPolicy } from './security-headers.js';

let session: BrowserSession | undefined;
let tiny: TinyService;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  session = await openBrowserSession('docs page e2e');
  ({ tiny, browser, origin } = session);
});
afterAll(async () => {
  await session?.close();
});

describe('OpenAPI docs in headless Chromium', () => {
  // Both spellings: without the slash the page loads its files by absolute path, with it by relative path.
  it.each(['/docs', '/docs/'])('%s renders every operation and runs "Try it out" under its Content-Security-Policy, with no violation', async (path) => {
    const documented = Object.values((await tiny.app.inject({ url: '/docs/json' })).json().paths as Record<string, Record<string, unknown>>).reduce((sum, methods) => sum + Object.keys(methods).length, 0);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Chromium logs each CSP violation as a console error; the listener adds the directive and a sample of what was blocked.
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI} ${event.sample}`));
    });
    const response = await page.goto(`${origin}${path}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBe(docsContentSecurityPolicy);

    // The UI fetched the document and drew every operation, styled by its stylesheet, with its logo (a `data:` image).
    await page.waitForSelector('.opblock');
    await expect.poll(() => page.locator('.opblock').count()).toBe(documented);
    expect(await page.locator('.opblock-summary-path').allTextContents()).toEqual(expect.arrayContaining(['/v1/chat', '/v1/users/{id}/recommendations']));
    expect(await page.locator('.opblock.opblock-get').first().evaluate((element) => getComputedStyle(element).borderColor)).toBe('rgb(97, 175, 254)');
    await expect.poll(() => page.locator('.topbar img[src^="data:image/svg+xml"]').count()).toBe(1);

    // Authorize with the key, then "Try it out" on a keyed route: the call goes to the API and its answer is shown.
    await page.click('button.authorize');
    await page.locator('.modal-ux input').fill(testKey);
    await page.click('.modal-ux button.authorize');
    await page.click('.modal-ux button.close-modal');
    const operation = page.locator('#operations-users-get_v1_users__id_');
    await operation.locator('.opblock-summary').click();
    await operation.locator('.try-out__btn').click();
    await operation.locator('input[placeholder="id"]').fill('u1');
    await operation.locator('.execute').click();
    const answer = operation.locator('.live-responses-table .response');
    await answer.waitFor();
    expect((await answer.locator('.response-col_status').textContent())?.trim()).toBe('200');
    expect(await answer.locator('.response-col_description').textContent()).toContain('"id": "u1"');

    expect(errors).toEqual([]);
    await page.close();
  });
});
