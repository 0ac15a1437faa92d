import { describe, expect, it } from 'vitest';
import { createManualClock, createSequentialIds, type ProfileExtractor } from '@personalab/core';
import { HeuristicProfileExtractor } from '@personalab/profile';
import { HnswIndex } from '@personalab/retrieval';
import { EaseRecommender } from '@personalab/user-embedding';
import { openRecommenderService } from '../service.js';
import { tinyEmbedder } from '../test/harness.js';
import { tinyWorld } from '../test/tiny-catalogue.js';

describe('ChatRec.chat', () => {
  it('runs the turns of one session one after another, so two sent at once lose neither request', async () => {
    const world = tinyWorld();
    const recommender = new EaseRecommender({ lambda: 5 });
    await recommender.fit({ interactions: world.interactions, items: world.items, users: world.users });
    // The first message's profile update is slow, so without ordering the second turn would finish
    // first, and the first would then write the session state it read before the second existed.
    const heuristic = new HeuristicProfileExtractor();
    const slow: ProfileExtractor = {
      name: 'slow-heuristic',
      extract: async (messages, options) => {
        if (messages.some((message) => message.content.includes('comedy'))) await new Promise((resolve) => setTimeout(resolve, 50));
        return heuristic.extract(messages, options);
      },
    };
    const service = await openRecommenderService({
      stateDir: ':memory:',
      embedder: tinyEmbedder(),
      createIndex: (dimension) => new HnswIndex({ dimension }),
      recommender,
      modelItemIds: new Set(world.items.map((item) => item.id)),
      profileExtractor: slow,
      initialData: world,
      clock: createManualClock(1_700_000_000_000),
      ids: createSequentialIds('id'),
    });
    try {
      service.store.createUser({ id: 'racer' });
      const first = await service.chatRec.chat({ userId: 'racer', message: 'recommend something', k: 2 });
      const [comedy, nineties] = await Promise.all([
        service.chatRec.chat({ userId: 'racer', sessionId: first.sessionId, message: "I'm in the mood for a comedy", k: 2 }),
        service.chatRec.chat({ userId: 'racer', sessionId: first.sessionId, message: 'from the late 90s please', k: 2 }),
      ]);
      expect(comedy.constraints).toEqual({ tags: { comed: 0.3 } });
      expect(nineties.constraints).toEqual({ tags: { comed: 0.3 }, years: { from: 1995, to: 1999 } });
      expect(service.store.getSession(first.sessionId)?.constraints).toEqual(nineties.constraints);
      const offered = [first, comedy, nineties].flatMap((turn) => turn.recommendations.map((entry) => entry.item.id));
      expect(new Set(offered).size).toBe(offered.length);
      expect(service.store.sessionMessages(first.sessionId).map((message) => message.content)).toEqual([
        'recommend something',
        first.reply,
        "I'm in the mood for a comedy",
        comedy.reply,
        'from the late 90s please',
        nineties.reply,
      ]);
    } finally {
      service.close();
    }
  });
});
