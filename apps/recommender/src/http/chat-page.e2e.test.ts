import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { openTinyService, testKey, type TinyService } from '../test/harness.js';

const executablePath = '/usr/bin/chromium';
if (!existsSync(executablePath)) console.warn(`chat page e2e: ${executablePath} is missing; install it with: apt-get update && apt-get install -y chromium`);

let tiny: TinyService;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  tiny = await openTinyService();
  origin = await tiny.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
  await tiny?.close();
});

describe('chat page in headless Chromium', () => {
  it('chats, shows recommendations with explanations, explains, refines and saves a rating', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Console errors too: the browser's own /favicon.ico request had got a 401 (unmatched paths need a key) on every load.
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    // The key comes in the URL fragment, as `personalab serve` prints it.
    await page.goto(`${origin}/#key=${testKey}`);
    await expect.poll(() => page.inputValue('#api-key')).toBe(testKey);
    expect(page.url()).not.toContain(testKey);

    // A new user, served from what they say.
    await page.click('#new-user');
    await expect.poll(() => page.textContent('#status')).toMatch(/New user/);
    const userId = await page.inputValue('#user-id');
    expect(userId).not.toBe('');
    await page.fill('#message', 'I love comedies and cartoons, recommend something!');
    await page.click('#send');
    await page.waitForSelector('#recommendations .card');
    const cards = page.locator('#recommendations .card');
    expect(await cards.count()).toBeGreaterThan(0);
    expect(await cards.first().locator('.explanation').textContent()).not.toBe('');
    expect(await page.locator('#log li.assistant').last().textContent()).toContain('suggest');
    const items = new Map(tiny.service.store.listItems().map((item) => [item.id, item]));
    const firstItem = items.get((await cards.first().getAttribute('data-item-id')) ?? '');
    // The tiny catalogue's titles have no year in them: the card adds it.
    expect(await cards.first().locator('h3').textContent()).toBe(`${firstItem?.title} (${firstItem?.year})`);
    const firstTitle = firstItem?.title ?? '';

    // "Why this?" on the first card asks the recommender to explain it.
    await cards.first().locator('.why').click();
    await expect.poll(async () => (await page.locator('#log li.assistant').last().textContent()) ?? '').toContain(`Why ${firstTitle}?`);

    // Refine: the list changes to lighter, non-violent picks.
    await page.fill('#message', 'something lighter and less violent');
    await page.click('#send');
    await expect.poll(() => page.textContent('#status')).toMatch(/^refine/);

    // Narrow it: the reply says what the session now asks for, and every card is from those years.
    await page.fill('#message', 'from 1995 on please');
    await page.click('#send');
    await expect.poll(async () => (await page.locator('#log li.assistant').last().textContent()) ?? '').toMatch(/from 1995 on/);
    const shownIds = await page.locator('#recommendations .card').evaluateAll((cards) => cards.map((card) => (card as HTMLElement).dataset.itemId ?? ''));
    expect(shownIds.length).toBeGreaterThan(0);
    for (const id of shownIds) expect(items.get(id)?.year).toBeGreaterThanOrEqual(1995);

    // Rate the first card 5: the rating reaches the store.
    const ratedId = await page.locator('#recommendations .card').first().getAttribute('data-item-id');
    await page.locator('#recommendations .card').first().locator('.rate button', { hasText: '5' }).click();
    await expect.poll(() => page.textContent('#status')).toMatch(/Rated .*: 5\/5/);
    expect(tiny.service.store.ratingsOf(userId)).toEqual([expect.objectContaining({ itemId: ratedId, value: 5 })]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('clears the cards when nothing fits or the user changes, and recovers from a stale session', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}/#key=${testKey}`);
    await page.fill('#user-id', 'u1');
    await page.dispatchEvent('#user-id', 'change');
    const send = async (message: string) => {
      const replies = await page.locator('#log li.assistant').count();
      await page.fill('#message', message);
      await page.click('#send');
      await expect.poll(() => page.locator('#log li.assistant').count()).toBeGreaterThan(replies);
    };
    await send('recommend me something');
    await page.waitForSelector('#recommendations .card');

    // Nothing fits: the old cards go, and the list says so.
    await send('a documentary for the kids from before 1950');
    expect(await page.locator('#log li.assistant').last().textContent()).toContain('nothing left that fits');
    expect(await page.locator('#recommendations .card').count()).toBe(0);
    expect(await page.locator('#recommendations li.empty').textContent()).toContain('Nothing left that fits');

    // New cards for u1, then another user id: u1's cards must not stay up to be rated as u2.
    await send('start over, recommend me something');
    await page.waitForSelector('#recommendations .card');
    await page.fill('#user-id', 'u2');
    await page.dispatchEvent('#user-id', 'change');
    expect(await page.locator('#recommendations .card').count()).toBe(0);
    expect(await page.locator('#recommendations li.empty').textContent()).toContain('No recommendations yet for this user');

    // A session the server does not know (a fresh store, say): the page starts a new one instead of failing every turn.
    await send('recommend me something');
    let rewritten = 0;
    await page.route('**/v1/chat', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as { sessionId?: string };
      if (body.sessionId !== undefined && rewritten++ === 0) await route.continue({ postData: JSON.stringify({ ...body, sessionId: 'forgotten-session' }) });
      else await route.continue();
    });
    await send('anything else?');
    expect(rewritten).toBe(1);
    expect(await page.locator('#log li.error').count()).toBe(0);
    expect(await page.locator('#log li.hint').last().textContent()).toContain('started a new one');
    await page.waitForSelector('#recommendations .card');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the API error when the key is wrong', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/#key=wrong-key`);
    await page.fill('#user-id', 'u1');
    await page.fill('#message', 'recommend me a movie');
    await page.click('#send');
    await expect.poll(async () => (await page.locator('#log li.error').last().textContent()) ?? '').toMatch(/unknown API key/);
    await page.close();
  });
});
