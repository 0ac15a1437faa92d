import { afterEach, describe, expect, it } from 'vitest';
import { auth, openTinyService, type TinyService } from '../test/harness.js';

const json = (body: Record<string, unknown>) => ({ headers: { ...auth, 'content-type': 'application/json' }, payload: body });

let tiny: TinyService | undefined;
afterEach(async () => {
  await tiny?.close();
  tiny = undefined;
});

describe('popularity follows what is written', () => {
  it('items added through the API become popular once they are liked, without a restart (genre= of a genre only they have had answered an empty list)', async () => {
    tiny = await openTinyService();
    const { app } = tiny;
    const added = await app.inject({
      method: 'POST',
      url: '/v1/items',
      ...json({ items: [{ id: 'w1', title: 'Dust Riders', tags: ['Western'], year: 1997 }, { id: 'w2', title: 'High Noon Again', tags: ['Western', 'Drama'], year: 1998 }] }),
    });
    expect(added.statusCode).toBe(201);
    for (const id of ['fan-1', 'fan-2']) {
      expect((await app.inject({ method: 'POST', url: '/v1/users', ...json({ id }) })).statusCode).toBe(201);
      const rated = await app.inject({
        method: 'POST',
        url: `/v1/users/${id}/events`,
        ...json({ events: [{ type: 'rating', itemId: 'w1', value: 5 }, { type: 'rating', itemId: 'w2', value: 4 }] }),
      });
      expect(rated.statusCode).toBe(201);
    }
    // A new user asking for Westerns: only the liked new items have the genre.
    expect((await app.inject({ method: 'POST', url: '/v1/users', ...json({ id: 'newcomer' }) })).statusCode).toBe(201);
    const westerns = await app.inject({ url: '/v1/users/newcomer/recommendations?k=5&genre=Western', headers: auth });
    expect(westerns.statusCode).toBe(200);
    expect((westerns.json() as { recommendations: { item: { id: string } }[] }).recommendations.map((entry) => entry.item.id).sort()).toEqual(['w1', 'w2']);
    // And the explanation's reception counts the likes written since the start.
    const item = tiny.service.catalog.popularity('w1');
    expect(item.likes).toBe(2);
    // A later rating that takes a like back is counted too.
    const changed = await app.inject({ method: 'POST', url: '/v1/users/fan-1/events', ...json({ events: [{ type: 'rating', itemId: 'w1', value: 1 }] }) });
    expect(changed.statusCode).toBe(201);
    expect(tiny.service.catalog.popularity('w1').likes).toBe(1);
  });
});
