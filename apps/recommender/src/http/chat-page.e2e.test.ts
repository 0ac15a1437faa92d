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
    const firstTitle = (await cards.first().locator('h3').textContent()) ?? '';

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
    const years = await page.locator('#recommendations .card h3').allTextContents();
    expect(years.length).toBeGreaterThan(0);
    const yearOf = new Map(tiny.service.store.listItems().map((item) => [item.title, item.year ?? 0]));
    for (const title of years) expect(yearOf.get(title)).toBeGreaterThanOrEqual(1995);

    // Rate the first card 5: the rating reaches the store.
    const ratedId = await page.locator('#recommendations .card').first().getAttribute('data-item-id');
    await page.locator('#recommendations .card').first().locator('.rate button', { hasText: '5' }).click();
    await expect.poll(() => page.textContent('#status')).toMatch(/Rated .*: 5\/5/);
    expect(tiny.service.store.ratingsOf(userId)).toEqual([expect.objectContaining({ itemId: ratedId, value: 5 })]);
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
