import { afterEach, describe, expect, it } from 'vitest';
import { auth, openTinyService, type TinyService } from '../test/harness.js';

const json = (body: Record<string, unknown>) => ({ headers: { ...auth, 'content-type': 'application/json' }, payload: body });

let tiny: TinyService | undefined;
afterEach(async () => {
  await tiny?.close();
  tiny = undefined;
});

// The harness's manual clock.
const now = 1_700_000_000_000;
const day = 86_400_000;

describe('event timestamps', () => {
  it('refuses a timestamp more than a day ahead of the server clock, naming its path (a rating dated in the future could never be replaced by a later one)', async () => {
    tiny = await openTinyService();
    const { app, service } = tiny;
    expect((await app.inject({ method: 'POST', url: '/v1/users', ...json({ id: 'rater' }) })).statusCode).toBe(201);
    const events = () => service.store.eventCount();
    const before = events();
    const future = await app.inject({
      method: 'POST',
      url: '/v1/users/rater/events',
      ...json({ events: [{ type: 'rating', itemId: 'm1', value: 4 }, { type: 'rating', itemId: 'm2', value: 5, timestamp: 4_102_444_800_000 }] }),
    });
    expect(future.statusCode).toBe(400);
    expect(future.json()).toEqual({
      error: {
        code: 'invalid_argument',
        message:
          "body.events[1].timestamp: 4102444800000 (2100-01-01T00:00:00.000Z) is more than a day after the server's clock (2023-11-14T22:13:20.000Z); timestamps are milliseconds since 1970, and a rating dated later than it was given could not be replaced by a later one",
        paths: ['body.events[1].timestamp'],
      },
    });
    // All or nothing: the batch's first rating was not written either.
    expect(events()).toBe(before);
    // Within a day ahead (clock skew) is taken, and then replaced by a later rating as any other.
    const skewed = await app.inject({ method: 'POST', url: '/v1/users/rater/events', ...json({ events: [{ type: 'rating', itemId: 'm2', value: 5, timestamp: now + day - 1 }] }) });
    expect(skewed.statusCode).toBe(201);
    const later = await app.inject({ method: 'POST', url: '/v1/users/rater/events', ...json({ events: [{ type: 'rating', itemId: 'm2', value: 1, timestamp: now + day }] }) });
    expect(later.statusCode).toBe(201);
    expect(service.store.ratingsOf('rater')).toEqual([expect.objectContaining({ itemId: 'm2', value: 1 })]);
    // Implicit events and messages are held to the same rule.
    for (const [index, entry] of [{ type: 'event', itemId: 'm3', event: 'like', timestamp: now + 2 * day }, { type: 'message', content: 'hi', timestamp: now + 2 * day }].entries()) {
      const refused = await app.inject({ method: 'POST', url: '/v1/users/rater/events', ...json({ events: [{ type: 'rating', itemId: 'm4', value: 3 }, entry] }) });
      expect(refused.statusCode, `entry ${index}`).toBe(400);
      expect((refused.json() as { error: { paths: string[] } }).error.paths).toEqual(['body.events[1].timestamp']);
    }
  });
});
