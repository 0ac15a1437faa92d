import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openBrowserSession, type BrowserSession } from '../test/browser.js';
import { openTinyService, testKey, type TinyService } from '../test/harness.js';
import { tinyItems } from '../test/tiny-catalogue.js';

let session: BrowserSession | undefined;
let tiny: TinyService;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  session = await openBrowserSession('chat page e2e');
  ({ tiny, browser, origin } = session);
});
afterAll(async () => {
  await session?.close();
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
    // Every URL the page asks for, and every Content-Security-Policy violation (Chromium also logs one as a console error).
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));
    });
    // The key comes in the URL fragment, as `personalab serve` prints it.
    const response = await page.goto(`${origin}/#key=${testKey}`);
    // The page runs under its Content-Security-Policy: its own script, stylesheet and API only, never framed.
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'.*frame-ancestors 'none'/);
    await expect.poll(() => page.inputValue('#api-key')).toBe(testKey);
    expect(page.url()).not.toContain(testKey);
    // The stylesheet applied under the policy (the header's dark background).
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('header') as HTMLElement).backgroundColor)).toBe('rgb(29, 35, 48)');

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
    // The key travels in the Authorization header only: no URL the page requested carries it (the first is the fragment's).
    expect(requested.slice(1).filter((url) => url.includes(testKey))).toEqual([]);
    expect(requested.filter((url) => url.includes('/v1/chat')).length).toBeGreaterThan(0);
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

/**
 * A TCP relay between the browser and the server. Stopped, the browser gets "connection refused" as from a stopped
 * server (the server itself keeps its store: a restart on the same port); `drop` forwards requests but drops the answers
 * (the server wrote the turn, the page never hears of it; Chromium's own silent resend of a POST whose kept-alive
 * connection closed unanswered, same Idempotency-Key and all, is dropped too); `hold()` keeps answers back until
 * `release()`, to have a turn in flight for as long as a test needs (a fixed delay had ended before the test's clicks on
 * a loaded machine).
 */
class Relay {
  mode: 'pass' | 'drop' = 'pass';
  port = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private held: (() => void)[] | undefined;

  /** Keeps every answer back from now on, until `release()`. */
  hold(): void {
    this.held ??= [];
  }

  /** Sends the answers held back, in order, and passes answers through again. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const send of held) send();
  }

  constructor(private readonly targetPort: number) {}

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream);
      upstream.on('data', (chunk: Buffer) => {
        if (this.mode === 'drop') client.destroy();
        else if (this.held) this.held.push(() => client.write(chunk));
        else client.write(chunk);
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

/** The page, with page errors collected, and the /v1/chat requests it sent. */
async function openPage(url: string, options: { viewport?: { width: number; height: number } } = {}) {
  const page = await browser.newPage(options.viewport ? { viewport: options.viewport } : {});
  const errors: string[] = [];
  const chatRequests: { body: Record<string, unknown>; idempotencyKey: string | undefined }[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => {
    if (request.url().endsWith('/v1/chat')) chatRequests.push({ body: JSON.parse(request.postData() ?? '{}') as Record<string, unknown>, idempotencyKey: request.headers()['idempotency-key'] });
  });
  await page.goto(url);
  return { page, errors, chatRequests };
}

const lastText = async (page: Page, selector: string) => (await page.locator(selector).last().textContent()) ?? '';

/** Types a message and sends it with Enter; waits for the reply (or the error line). */
async function sendWithEnter(page: Page, message: string) {
  const lines = await page.locator('#log li').count();
  await page.fill('#message', message);
  await page.press('#message', 'Enter');
  await expect.poll(() => page.locator('#log li.assistant:not(.hint), #log li.error').count()).toBeGreaterThan(0);
  await expect.poll(() => page.locator('#log li').count()).toBeGreaterThanOrEqual(lines + 2);
}

describe('chat page: what a user runs into', () => {
  let relay: Relay;

  beforeAll(async () => {
    relay = new Relay(Number(new URL(origin).port));
    await relay.start();
  });
  afterAll(async () => {
    await relay?.stop();
  });
  // A test that failed half-way leaves the next one a running, plain relay.
  beforeEach(async () => {
    relay.mode = 'pass';
    relay.release();
    await relay.start();
  });

  it('without a key says how to get one at once, and keeps the typed message; a key pasted into the address of the open tab is used', async () => {
    const { page, errors, chatRequests } = await openPage(`${relay.origin}/`);
    // Before: nothing said a key was needed until a message had been sent, lost, and answered "missing API key: send Authorization: Bearer <key>".
    expect(await lastText(page, '#log li.error')).toMatch(/No API key yet: open the chat page's address that `personalab serve` printed/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('api-key');
    await page.fill('#message', 'recommend me a comedy');
    await page.press('#message', 'Enter');
    expect(await page.inputValue('#message')).toBe('recommend me a comedy');
    expect(chatRequests).toEqual([]);

    // The printed address pasted into this tab changes only the fragment (no reload): the key must still be read.
    await page.goto(`${relay.origin}/#key=${testKey}`);
    await expect.poll(() => page.inputValue('#api-key')).toBe(testKey);
    expect(page.url()).not.toContain(testKey);
    await sendWithEnter(page, 'recommend me a comedy');
    await page.waitForSelector('#recommendations .card');
    // A newer key replaces a stored one the same way.
    await page.goto(`${relay.origin}/#key=second-key`);
    await expect.poll(() => page.inputValue('#api-key')).toBe('second-key');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sends with Enter and the button, keeps focus in the box, takes Shift+Enter as a new line, refuses empty and too long messages without losing them', async () => {
    const { page, errors, chatRequests } = await openPage(`${relay.origin}/#key=${testKey}`);
    // With a key, the page opens with the cursor in the box (a keyboard user had to Tab past five controls to type).
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('message');
    // The box has a name for screen readers, and replies are announced from a live region (chat-page-a11y.e2e.test.ts).
    expect(await page.getAttribute('#announcer', 'aria-live')).toBe('polite');
    expect(await page.evaluate(() => (document.querySelector('#message') as HTMLTextAreaElement).labels?.[0]?.textContent)).toMatch(/Message/);

    // Shift+Enter is a new line (it had sent the half-written message); pasted lines keep their breaks (an input had joined them).
    await page.fill('#message', 'I loved Laugh Riot');
    await page.press('#message', 'Shift+Enter');
    await page.keyboard.type('Blood Night was boring');
    expect(await page.inputValue('#message')).toBe('I loved Laugh Riot\nBlood Night was boring');
    expect(chatRequests).toEqual([]);
    await page.press('#message', 'Enter');
    await expect.poll(() => page.locator('#log li.assistant:not(.hint)').count()).toBe(1);
    expect(chatRequests.map((request) => request.body.message)).toEqual(['I loved Laugh Riot\nBlood Night was boring']);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('message');

    // The button: focus comes back to the box (the disabled button had dropped it to the page).
    await page.fill('#message', 'recommend me something');
    await page.click('#send');
    await expect.poll(() => page.locator('#log li.assistant:not(.hint)').count()).toBe(2);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('message');

    // Empty and blank messages are not sent.
    await page.fill('#message', '   ');
    await page.press('#message', 'Enter');
    await page.fill('#message', '');
    await page.click('#send');
    expect(chatRequests).toHaveLength(2);

    // Over the API's 4,000 characters: said here, and the text stays to be shortened (it had been sent, refused, and lost).
    const long = 'I love comedies. '.repeat(300).trim();
    await page.fill('#message', long);
    await page.press('#message', 'Enter');
    expect(await lastText(page, '#log li.error')).toBe(`This message is ${long.length.toLocaleString('en')} characters long; the recommender reads at most 4,000. Shorten it and send it again.`);
    expect(await page.inputValue('#message')).toBe(long);
    expect(chatRequests).toHaveLength(2);

    // Characters are counted as the API counts them, in code points: 2,500 emoji (5,000 UTF-16 units) are sent (they
    // had been refused here as "5,000 characters long"), and 4,001 are refused as 4,001.
    const emoji = '😀'.repeat(2500);
    await page.fill('#message', emoji);
    await page.press('#message', 'Enter');
    await expect.poll(() => page.locator('#log li.assistant:not(.hint)').count()).toBe(3);
    expect(chatRequests.map((request) => request.body.message)).toEqual(['I loved Laugh Riot\nBlood Night was boring', 'recommend me something', emoji]);
    const tooMany = '😀'.repeat(4001);
    await page.fill('#message', tooMany);
    await page.press('#message', 'Enter');
    expect(await lastText(page, '#log li.error')).toBe('This message is 4,001 characters long; the recommender reads at most 4,000. Shorten it and send it again.');
    expect(await page.inputValue('#message')).toBe(tooMany);
    expect(chatRequests).toHaveLength(3);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sends one turn at a time: a double click, Enter pressed again and "Why this?" while a turn is in flight send nothing more', async () => {
    const { page, errors, chatRequests } = await openPage(`${relay.origin}/#key=${testKey}`);
    await sendWithEnter(page, 'recommend me a comedy');
    await page.waitForSelector('#recommendations .card');
    // The turn's answer is held until every click below is done, however slowly they come.
    relay.hold();
    try {
      await page.fill('#message', 'something lighter');
      await page.dblclick('#send');
      await page.press('#message', 'Enter');
      // "Why this?" bypassed the disabled Send button: two explanations had run beside the turn.
      await page.locator('#recommendations .card .why').first().click();
      await page.locator('#recommendations .card .why').nth(1).click();
    } finally {
      relay.release();
    }
    await expect.poll(() => page.textContent('#status')).toMatch(/^refine/);
    expect(chatRequests.map((request) => request.body.message)).toEqual(['recommend me a comedy', 'something lighter']);
    expect(await page.locator('#log li.user').count()).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a turn answered after the user id changed stays with the user it was for: no reply, cards or session in the new conversation', async () => {
    const { page, errors, chatRequests } = await openPage(`${relay.origin}/#key=${testKey}`);
    await page.fill('#user-id', 'u1');
    await page.dispatchEvent('#user-id', 'change');
    // u1's answer is held until u2's conversation has begun.
    const answered = page.waitForResponse((response) => response.url().endsWith('/v1/chat'));
    void answered.catch(() => undefined);
    relay.hold();
    try {
      await page.fill('#message', 'recommend me a comedy');
      await page.press('#message', 'Enter');
      await expect.poll(() => page.textContent('#status')).toBe('Thinking…');
      await page.fill('#user-id', 'u2');
      await page.dispatchEvent('#user-id', 'change');
      expect(await page.textContent('#status')).toBe('Chatting as user u2: a new conversation.');
    } finally {
      relay.release();
    }
    // The answer for u1 arrives after u2's conversation began: it had been shown there, its cards rated as u1.
    await (await answered).finished();
    // The page has handled it (and, wrongly, shown it) once the turn frees Send: a fixed second had been the wait.
    await expect.poll(() => page.isDisabled('#send')).toBe(false);
    const newUser = await page.inputValue('#user-id');
    expect(newUser).toBe('u2');
    expect(await page.locator('#log li.assistant:not(.hint)').count()).toBe(0);
    expect(await page.locator('#log li.user').count()).toBe(0);
    expect(await page.locator('#recommendations .card').count()).toBe(0);
    // The new user's first turn starts a session of its own (it had been sent with u1's session, a 404 and a restart).
    await sendWithEnter(page, 'a horror film please');
    expect(chatRequests.at(-1)?.body).toEqual({ userId: newUser, message: 'a horror film please' });
    expect(await page.locator('#log li.hint').filter({ hasText: 'no longer had this conversation' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('when the server cannot be reached, says so, keeps the message, and sends it again once it is back; a turn whose answer was lost is written once', async () => {
    const { page, errors, chatRequests } = await openPage(`${relay.origin}/#key=${testKey}`);
    await sendWithEnter(page, 'recommend me a comedy');
    await page.waitForSelector('#recommendations .card');
    const userId = await page.inputValue('#user-id');

    await relay.stop();
    await page.fill('#message', 'from 1995 on please');
    await page.click('#send');
    // Before: "Failed to fetch", and the typed message was gone.
    await expect.poll(() => lastText(page, '#log li.error')).toBe('Could not reach the server: it may have stopped or be restarting (is `personalab serve` running?). Your message is back in the box: press Enter to send it again.');
    expect(await page.inputValue('#message')).toBe('from 1995 on please');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('message');

    await relay.start();
    await page.press('#message', 'Enter');
    await expect.poll(() => lastText(page, '#log li.assistant')).toMatch(/from 1995 on/);
    // The same conversation goes on.
    expect(chatRequests.at(-1)?.body.sessionId).toBe(await turnSession(userId, 'recommend me a comedy'));

    // The server writes the turn but the answer is lost on the way: sent again, it is answered from the store, not run twice.
    relay.mode = 'drop';
    const errorLines = await page.locator('#log li.error').count();
    await page.fill('#message', 'something lighter');
    await page.press('#message', 'Enter');
    // This turn's own error line: the stopped server's line above says the same, and waiting on the last line's text had
    // passed at once, so the Enter below could land while the turn still ran (refused, with the box empty) and the
    // failure then put the message back unsent. The page shows the line and frees the box in one task.
    await expect.poll(() => page.locator('#log li.error').count()).toBe(errorLines + 1);
    expect(await lastText(page, '#log li.error')).toMatch(/^Could not reach the server/);
    expect(await page.inputValue('#message')).toBe('something lighter');
    relay.mode = 'pass';
    await page.press('#message', 'Enter');
    await expect.poll(() => page.textContent('#status')).toMatch(/^refine/);
    expect(tiny.service.store.messagesOf(userId).filter((message) => message.role === 'user' && message.content === 'something lighter')).toHaveLength(1);
    const keys = chatRequests.filter((request) => request.body.message === 'something lighter').map((request) => request.idempotencyKey);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    // Another message gets another key.
    expect(chatRequests.find((request) => request.body.message === 'recommend me a comedy')?.idempotencyKey).not.toBe(keys[0]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps the conversation across a reload (this tab), and starts a new one for a new user', async () => {
    const { page, errors, chatRequests } = await openPage(`${relay.origin}/#key=${testKey}`);
    await sendWithEnter(page, 'recommend me a comedy');
    await page.waitForSelector('#recommendations .card');
    const log = await page.locator('#log li').allTextContents();
    const shown = await page.locator('#recommendations .card h3').allTextContents();
    // Before: the log and cards were gone and the next turn started a new session, forgetting what was asked.
    await page.reload();
    expect(await page.locator('#log li').allTextContents()).toEqual(log);
    expect(await page.locator('#recommendations .card h3').allTextContents()).toEqual(shown);
    await sendWithEnter(page, 'something lighter');
    const [first, second] = chatRequests;
    expect(first?.body.sessionId).toBeUndefined();
    expect(second?.body.sessionId).toBe(await turnSession(String(first?.body.userId), 'recommend me a comedy'));
    // The cards still rate as the user they were shown to.
    await page.locator('#recommendations .card').first().locator('.rate button', { hasText: '4' }).click();
    await expect.poll(() => page.textContent('#status')).toMatch(/: 4\/5$/);
    expect(await page.locator('#recommendations .card').first().locator('.rate button[aria-pressed="true"]').textContent()).toBe('4');

    await page.click('#new-user');
    await expect.poll(() => page.textContent('#status')).toMatch(/New user/);
    await page.reload();
    expect(await page.locator('#log li').count()).toBe(1);
    expect(await page.locator('#recommendations .card').count()).toBe(0);
    // Another tab is another conversation.
    const other = await openPage(`${relay.origin}/#key=${testKey}`);
    expect(await other.page.locator('#log li.user').count()).toBe(0);
    await other.page.close();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows HTML in titles and messages as text, and fits a narrow screen even with a long unbroken word', async () => {
    // The catalogue's one comedy from 1999, renamed: a title is whatever `POST /v1/items` was given.
    const original = tinyItems.find((item) => item.title === 'Sunny Side Up');
    if (original === undefined) throw new Error('the tiny catalogue lost Sunny Side Up');
    const crafted = '<img src=x onerror="window.__pwned=1"> Sunny Side Up';
    const putItem = async (item: object) => expect((await tiny.app.inject({ method: 'POST', url: '/v1/items', headers: { authorization: `Bearer ${testKey}` }, payload: { items: [item] } })).statusCode).toBeLessThan(300);
    await putItem({ ...original, title: crafted, description: '<b>bold</b> <script>window.__pwned=2</script>' });
    try {
      const { page, errors } = await openPage(`${relay.origin}/#key=${testKey}`, { viewport: { width: 360, height: 640 } });
      await sendWithEnter(page, 'a comedy from 1999 please <img src=x onerror="window.__pwned=3">');
      await page.waitForSelector(`#recommendations .card[data-item-id="${original.id}"]`);
      expect(await page.locator(`#recommendations .card[data-item-id="${original.id}"] h3`).textContent()).toBe(`${crafted} (1999)`);
      await page.locator(`#recommendations .card[data-item-id="${original.id}"] .why`).click();
      await expect.poll(() => lastText(page, '#log li.assistant')).toContain(`Why ${crafted}?`);
      expect(await lastText(page, '#log li.user')).toBe(`Why ${crafted}?`);
      // Rating buttons big enough to tap (24 px, WCAG 2.5.8; they had been 21 px high).
      const rate = await page.locator('#recommendations .card .rate button').first().boundingBox();
      expect(Math.min(rate?.width ?? 0, rate?.height ?? 0)).toBeGreaterThanOrEqual(24);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

      // A long unbroken word (a link, say) had run off the right of its bubble.
      await sendWithEnter(page, `look at https://example.com/${'x'.repeat(300)}`);
      const overflow = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth - window.innerWidth,
        log: (document.querySelector('#log') as HTMLElement).scrollWidth - (document.querySelector('#log') as HTMLElement).clientWidth,
      }));
      expect(overflow).toEqual({ page: 0, log: 0 });
      // The box and Send stay on the screen below a log grown to its full height (at 65vh the log had pushed them off a
      // phone's screen: 31 px below a 375×667 one with MovieLens replies).
      const belowScreen = await page.evaluate(() => {
        const log = document.querySelector('#log') as HTMLElement;
        const composer = document.querySelector('#composer') as HTMLElement;
        const logTop = log.getBoundingClientRect().top + window.scrollY;
        const gap = composer.getBoundingClientRect().top - log.getBoundingClientRect().bottom;
        return logTop + Number.parseFloat(getComputedStyle(log).maxHeight) + gap + composer.offsetHeight - window.innerHeight;
      });
      expect(belowScreen).toBeLessThanOrEqual(0);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await putItem(original);
    }
  });

  it('another user id or New user starts a new conversation; New user with the server down keeps the current one', async () => {
    const { page, errors, chatRequests } = await openPage(`${relay.origin}/#key=${testKey}`);
    await sendWithEnter(page, 'I loved Laugh Riot, recommend me something');
    const first = await page.inputValue('#user-id');

    // Another id: its log starts empty (the first user's turns had stayed up, then been saved and restored as u1's).
    await page.fill('#user-id', 'u1');
    await page.press('#user-id', 'Enter');
    expect(await page.locator('#log li').allTextContents()).toEqual([expect.stringMatching(/^Hi! Tell me films/)]);
    expect(await page.textContent('#status')).toBe('Chatting as user u1: a new conversation.');
    await sendWithEnter(page, 'recommend me a comedy');
    await page.reload();
    expect(await page.locator('#log li.user').allTextContents()).toEqual(['recommend me a comedy']);
    // Back to the first id: a new conversation again, not u1's log under the first user's name.
    await page.fill('#user-id', first);
    await page.press('#user-id', 'Tab');
    expect(await page.locator('#log li.user').count()).toBe(0);
    await sendWithEnter(page, 'something lighter');
    expect(chatRequests.at(-1)?.body).toEqual({ userId: first, message: 'something lighter' });

    // New user while the server is down: nothing changes (the user box had been emptied under the old log, and the
    // next message went out as yet another new user).
    const log = await page.locator('#log li').allTextContents();
    await relay.stop();
    await page.click('#new-user');
    await expect.poll(() => page.textContent('#status')).toBe(
      `Could not create a user: Could not reach the server: it may have stopped or be restarting (is \`personalab serve\` running?). Still chatting as user ${first}.`,
    );
    expect(await page.inputValue('#user-id')).toBe(first);
    expect(await page.locator('#log li').allTextContents()).toEqual(log);
    expect(await page.evaluate(() => localStorage.getItem('personalab.user'))).toBe(first);
    // Back up: a new user, with an empty conversation.
    await relay.start();
    await page.click('#new-user');
    await expect.poll(() => page.textContent('#status')).toMatch(/^New user /);
    const created = await page.inputValue('#user-id');
    expect(created).not.toBe(first);
    expect(await page.locator('#log li.user').count()).toBe(0);
    expect(tiny.service.store.getUser(created)).toBeDefined();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a reload while a turn runs keeps the message, shows its answer and cards, and runs it once', async () => {
    const { page, errors, chatRequests } = await openPage(`${relay.origin}/#key=${testKey}`);
    await sendWithEnter(page, 'recommend me a comedy');
    await page.waitForSelector('#recommendations .card');
    const userId = await page.inputValue('#user-id');
    const session = await turnSession(userId, 'recommend me a comedy');
    // The server runs the turn, and the page is reloaded before the answer reaches it. Sent again, the turn is first
    // answered 409 with Retry-After (as while the server still runs it), then from the store.
    let requests = 0;
    await page.route('**/v1/chat', async (route) => {
      requests++;
      if (requests === 1) return void (await route.fetch());
      if (requests > 2) return route.continue();
      const error = { code: 'conflict', message: 'headers.idempotency-key: the first request is still running', paths: ['headers.idempotency-key'] };
      return route.fulfill({ status: 409, headers: { 'retry-after': '1' }, contentType: 'application/json', body: JSON.stringify({ error }) });
    });
    await page.fill('#message', 'from 1995 on please');
    await page.press('#message', 'Enter');
    await expect.poll(() => tiny.service.store.messagesOf(userId).filter((message) => message.content === 'from 1995 on please').length).toBe(1);
    // Before: the message was gone from the log and the box, and the cards were the old list while the server's
    // session had moved on ("why the first one?" explained a film the page never showed).
    await page.reload();
    expect(await page.locator('#log li.user').allTextContents()).toEqual(['recommend me a comedy', 'from 1995 on please']);
    await expect.poll(() => lastText(page, '#log li.assistant')).toMatch(/from 1995 on/);
    expect(requests).toBe(3);
    const turns = chatRequests.filter((request) => request.body.message === 'from 1995 on please');
    expect(turns).toHaveLength(3);
    expect(new Set(turns.map((request) => request.idempotencyKey)).size).toBe(1);
    expect(turns.map((request) => request.body.sessionId)).toEqual([session, session, session]);
    expect(tiny.service.store.messagesOf(userId).filter((message) => message.role === 'user' && message.content === 'from 1995 on please')).toHaveLength(1);
    // The cards are the answer's list, the one its reply names.
    const reply = await lastText(page, '#log li.assistant');
    const shown = await page.locator('#recommendations .card h3').allTextContents();
    expect(shown.length).toBeGreaterThan(0);
    // The tiny catalogue's titles have no year: the card adds it, the reply does not.
    for (const title of shown) expect(reply).toContain(title.replace(/ \(\d{4}\)$/, ''));
    expect(await page.inputValue('#message')).toBe('');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('message');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('for a user id the server does not know, says so and how to go on instead of "press Enter to send it again"', async () => {
    const { page, errors } = await openPage(`${origin}/#key=${testKey}`);
    await page.fill('#user-id', 'no-such-user');
    await page.dispatchEvent('#user-id', 'change');
    await sendWithEnter(page, 'recommend me a comedy');
    // It had said "body.userId: unknown user no-such-user Your message is back in the box: press Enter to send it again.",
    // which fails the same way every time.
    expect(await lastText(page, '#log li.error')).toBe(
      'There is no user "no-such-user" here: enter the id of an existing user above, or press New user to chat as a new one. Your message is back in the box.',
    );
    expect(await page.inputValue('#message')).toBe('recommend me a comedy');
    // A new user, and the same message goes through.
    await page.click('#new-user');
    await expect.poll(() => page.inputValue('#user-id')).not.toBe('no-such-user');
    await page.click('#send');
    await expect.poll(() => page.locator('#recommendations .card').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('gives up on a turn the server never answers: says how long it has waited, then that no answer came, and sends it again with the same key', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const keys: (string | undefined)[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/v1/chat')) keys.push(request.headers()['idempotency-key']);
    });
    // The page's timers on a clock the test moves: a turn held for minutes takes no time here.
    await page.clock.install();
    await page.goto(`${origin}/#key=${testKey}`);
    await page.fill('#user-id', 'u1');
    await page.dispatchEvent('#user-id', 'change');
    // A server that takes the request and never answers.
    await page.route('**/v1/chat', () => undefined);
    await page.fill('#message', 'recommend me a comedy');
    await page.press('#message', 'Enter');
    await expect.poll(() => page.textContent('#status')).toBe('Thinking…');
    await page.clock.runFor(6_000);
    expect(await page.textContent('#status')).toMatch(/^Thinking… \(\d+ s; the answer is taking longer than usual\)$/);
    // Before: "Thinking…" for good, and every later message refused as "Still waiting for the answer to your last message…".
    await page.clock.runFor(90_000);
    await expect.poll(() => lastText(page, '#log li.error')).toBe('No answer from the server after 90 seconds: it may be overloaded or stuck. Your message is back in the box: press Enter to send it again.');
    expect(await page.inputValue('#message')).toBe('recommend me a comedy');
    expect(await page.isDisabled('#send')).toBe(false);
    expect(await page.textContent('#status')).toBe('');
    // The server is back: the same message goes with the same key (a turn that did run is answered from the store, not run twice).
    await page.unroute('**/v1/chat');
    await page.press('#message', 'Enter');
    await expect.poll(() => page.locator('#recommendations .card').count()).toBeGreaterThan(0);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('ends the server reason with a full stop before saying the message is back', async () => {
    const { page, errors } = await openPage(`${origin}/#key=${testKey}`);
    await page.fill('#user-id', 'u1');
    await page.dispatchEvent('#user-id', 'change');
    await page.route('**/v1/chat', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'the server is stopping' } }) }),
    );
    await sendWithEnter(page, 'recommend me a comedy');
    expect(await lastText(page, '#log li.error')).toBe('the server is stopping. Your message is back in the box: press Enter to send it again.');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('on a 429 says when to try again and keeps the message', async () => {
    const limited = await openTinyService({ rateLimitPerMinute: 2 });
    try {
      const limitedOrigin = await limited.app.listen({ host: '127.0.0.1', port: 0 });
      const { page, errors } = await openPage(`${limitedOrigin}/#key=${testKey}`);
      await page.fill('#user-id', 'u1');
      await page.dispatchEvent('#user-id', 'change');
      await sendWithEnter(page, 'recommend me a comedy');
      await sendWithEnter(page, 'something lighter');
      await sendWithEnter(page, 'anything else?');
      expect(await lastText(page, '#log li.error')).toMatch(/^rate limit exceeded: 2 requests per minute; retry in /);
      expect(await lastText(page, '#log li.error')).toMatch(/Your message is back in the box/);
      expect(await page.inputValue('#message')).toBe('anything else?');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await limited.close();
    }
  });
});

/** The session of the user's message with this text, from the store. */
async function turnSession(userId: string, content: string): Promise<string | undefined> {
  return tiny.service.store.messagesOf(userId).find((message) => message.role === 'user' && message.content === content)?.sessionId;
}
