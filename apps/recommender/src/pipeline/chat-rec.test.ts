import { describe, expect, it, vi } from 'vitest';
import { createManualClock, createSequentialIds, type ProfileExtractor } from '@personalab/core';
import { HeuristicProfileExtractor } from '@personalab/profile';
import { HnswIndex } from '@personalab/retrieval';
import { EaseRecommender } from '@personalab/user-embedding';
import { openRecommenderService, type RecommenderService } from '../service.js';
import { tinyEmbedder } from '../test/harness.js';
import { tinyWorld } from '../test/tiny-catalogue.js';
import { nameReferences, negatedFilms, requestedCount, titleStarts } from './chat-rec.js';
import { queryContent } from './query-text.js';

/**
 * The tiny world's service with an EASE model over its ratings (`model`, fitted here: a subclass may fail on
 * demand) and the heuristic profile extractor unless another is given.
 */
async function tinyService(options: { model?: EaseRecommender; profileExtractor?: ProfileExtractor } = {}): Promise<RecommenderService> {
  const world = tinyWorld();
  const recommender = options.model ?? new EaseRecommender({ lambda: 5 });
  await recommender.fit({ interactions: world.interactions, items: world.items, users: world.users });
  return openRecommenderService({
    stateDir: ':memory:',
    embedder: tinyEmbedder(),
    createIndex: (dimension) => new HnswIndex({ dimension }),
    recommender,
    modelItemIds: new Set(world.items.map((item) => item.id)),
    profileExtractor: options.profileExtractor ?? new HeuristicProfileExtractor(),
    initialData: world,
    clock: createManualClock(1_700_000_000_000),
    ids: createSequentialIds('id'),
  });
}

describe('ChatRec.chat', () => {
  it('runs the turns of one session one after another, so two sent at once lose neither request', async () => {
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
    const service = await tinyService({ profileExtractor: slow });
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
      // A chat turn and an event batch of the same user sent at once: neither overwrites the profile the other
      // wrote (the slow turn had read the old profile, and its write dropped what the batch added).
      const [turn] = await Promise.all([
        service.chatRec.chat({ userId: 'racer', message: 'I love comedy films', k: 2 }),
        service.chatRec.ingest('racer', [{ kind: 'message', content: 'I live in Ohio.' }]),
      ]);
      expect(turn.intent).not.toBe('explain');
      const profile = service.store.getProfile('racer');
      expect(profile?.facts.map((fact) => fact.value)).toContain('i live in ohio');
      expect(profile?.preferences.some((preference) => preference.polarity === 'like' && /comedy/.test(preference.subject))).toBe(true);
    } finally {
      service.close();
    }
  });
});

describe('ChatRec.chat leaves out the films a session asked to leave out', () => {
  it('keeps them out on later turns, reading the catalogue once rather than once per earlier message each turn', async () => {
    const service = await tinyService();
    try {
      service.store.createUser({ id: 'leaver' });
      const values = vi.spyOn(service.catalog, 'values');
      const say = async (message: string, sessionId?: string) => {
        values.mockClear();
        const turn = await service.chatRec.chat({ userId: 'leaver', message, k: 3, ...(sessionId ? { sessionId } : {}) });
        return { turn, catalogueReads: values.mock.calls.length };
      };
      const first = await say('a war movie, anything but Tank Command');
      expect(first.turn.reply).toContain('leaving out Tank Command');
      const sessionId = first.turn.sessionId;
      const reads: number[] = [];
      const offered: string[] = [];
      for (const message of ['something else, not Beach Assault', 'no Final Battle either', 'more war films, not Trench Lines', 'more']) {
        const { turn, catalogueReads } = await say(message, sessionId);
        reads.push(catalogueReads);
        offered.push(...turn.recommendations.map((entry) => entry.item.title));
      }
      // Every film left out on an earlier turn stays out.
      expect(offered).not.toContain('Tank Command');
      expect(offered.filter((title) => ['Beach Assault', 'Final Battle'].includes(title))).toEqual([]);
      // A later turn reads the catalogue no more often than an earlier one: each turn had read it once per earlier
      // message naming something to leave out (quadratic in the session's length).
      expect(reads[reads.length - 1]).toBeLessThanOrEqual(reads[0] ?? 0);
    } finally {
      service.close();
    }
  });
});

describe('ChatRec.chat reads the last session cheaply (review of the fifth QA pass)', () => {
  it("finds a returning user's last list in their latest messages, and further back when a later session listed nothing", async () => {
    const service = await tinyService();
    try {
      service.store.createUser({ id: 'regular' });
      const messagesOf = vi.spyOn(service.store, 'messagesOf');
      const rowsRead = () => messagesOf.mock.results.reduce((sum, result) => sum + (result.value as unknown[]).length, 0);
      const say = (message: string, sessionId?: string) => service.chatRec.chat({ userId: 'regular', message, k: 2, ...(sessionId ? { sessionId } : {}) });
      // Twenty sessions of two turns each: 80 messages.
      for (let index = 0; index < 20; index++) await say('more', (await say('recommend something')).sessionId);
      const last = await say('a war movie');
      messagesOf.mockClear();
      const fresh = await say('anything new for me?');
      for (const entry of fresh.recommendations) expect(last.recommendations.map((item) => item.item.id)).not.toContain(entry.item.id);
      // Before: the user's last 200 messages (here all 82) were read on a new session's turns and on each "more" or "else".
      expect(rowsRead()).toBeLessThanOrEqual(12);
      messagesOf.mockClear();
      const other = await say('something else', fresh.sessionId);
      expect(rowsRead()).toBeLessThanOrEqual(14);
      // A session of small talk after the last list (more messages than the first read looks at): that list is still found.
      const talk = await say('hello');
      for (let index = 0; index < 7; index++) await say('thanks, how are you?', talk.sessionId);
      expect(service.store.sessionMessages(talk.sessionId).filter((message) => (message.recommendedItemIds ?? []).length > 0)).toEqual([]);
      const again = await say('why the first one?');
      expect(again.reply).toMatch(new RegExp(`^Why ${other.recommendations[0]?.item.title ?? 'nothing'}\\?`));
    } finally {
      service.close();
    }
  });
});

describe('ChatRec.chat writes a turn whole or not at all', () => {
  it('leaves the profile and ratings as they were when the turn fails after reading the message', async () => {
    class FailingModel extends EaseRecommender {
      fail = false;
      override async recommend(query: Parameters<EaseRecommender['recommend']>[0]) {
        if (this.fail) throw new Error('model unavailable');
        return super.recommend(query);
      }
      // The candidate generator scores the catalogue through this one.
      override async scoreAll(query: Parameters<EaseRecommender['scoreAll']>[0]) {
        if (this.fail) throw new Error('model unavailable');
        return super.scoreAll(query);
      }
    }
    const recommender = new FailingModel({ lambda: 5 });
    const service = await tinyService({ model: recommender });
    const { chatRec, store } = service;
    store.createUser({ id: 'steady' });
    const first = await chatRec.chat({ userId: 'steady', message: 'I love comedies. I loved Laugh Riot, recommend something' });
    const profileBefore = store.getProfile('steady');
    const ratingsBefore = store.ratingsOf('steady');
    expect(ratingsBefore.map((rating) => rating.itemId)).toEqual(['m1']);
    recommender.fail = true;
    // The profile had been saved and Blood Night rated before the model failed, with no message to cite.
    await expect(chatRec.chat({ userId: 'steady', sessionId: first.sessionId, message: 'I hate horror movies and I hated Blood Night. Something else?' })).rejects.toThrow('model unavailable');
    expect(store.getProfile('steady')).toEqual(profileBefore);
    expect(store.ratingsOf('steady')).toEqual(ratingsBefore);
    recommender.fail = false;
    const again = await chatRec.chat({ userId: 'steady', sessionId: first.sessionId, message: 'I hate horror movies and I hated Blood Night. Something else?' });
    expect(again.reply).toMatch(/^Noted: no horror movies unless you ask for them; you dislike Blood Night/);
    expect(store.ratingsOf('steady').map((rating) => [rating.itemId, rating.value])).toEqual([
      ['m1', 5],
      ['m9', 1],
    ]);
    expect(store.getProfile('steady')?.preferences.some((preference) => preference.polarity === 'dislike' && /horror/.test(preference.subject))).toBe(true);
    service.close();
  });
});

describe('ChatRec.ingest writes a batch with the profile it updates, or nothing', () => {
  it('writes nothing when the profile extractor fails, and both together when it works', async () => {
    const heuristic = new HeuristicProfileExtractor();
    let failing = true;
    const flaky: ProfileExtractor = {
      name: 'flaky',
      extract: async (messages, options) => {
        if (failing) throw new Error('extractor unavailable');
        return heuristic.extract(messages, options);
      },
    };
    const service = await tinyService({ profileExtractor: flaky });
    const { chatRec, store } = service;
    store.createUser({ id: 'batcher' });
    const batch = [{ kind: 'rating' as const, itemId: 'm1', value: 5 }, { kind: 'message' as const, content: 'I love war films and I live in Ohio.' }];
    // The batch had been committed before the extractor ran: a 500 for a write that happened, and a retry wrote it twice.
    await expect(chatRec.ingest('batcher', batch)).rejects.toThrow('extractor unavailable');
    expect(store.ratingsOf('batcher')).toEqual([]);
    expect(store.getProfile('batcher')).toBeUndefined();
    failing = false;
    const written = await chatRec.ingest('batcher', batch);
    expect(written.events).toHaveLength(1);
    expect(store.ratingsOf('batcher').map((rating) => rating.itemId)).toEqual(['m1']);
    const profile = store.getProfile('batcher');
    expect(profile?.facts.map((fact) => fact.value)).toContain('i live in ohio');
    // The profile cites the message by the id it was stored under.
    expect(profile?.facts.find((fact) => fact.value === 'i live in ohio')?.evidence[0]?.messageId).toBe(written.messages[0]?.id);
    service.close();
  });
});

describe('ChatRec with implicit events', () => {
  it('keeps out disliked, bought and skipped items, and counts a dislike against its genres', async () => {
    const service = await tinyService();
    try {
      service.store.createUser({ id: 'clicker' });
      service.store.addEvents('clicker', [{ kind: 'rating', itemId: 'm1', value: 5, timestamp: 1 }]);
      const before = (await service.chatRec.recommend({ userId: 'clicker', k: 3 })).recommendations.map((entry) => entry.item.id);
      expect(before).toHaveLength(3);
      const [disliked, bought, skipped] = before as [string, string, string];
      service.store.addEvents('clicker', [
        { kind: 'event', itemId: disliked, event: 'dislike', timestamp: 2 },
        { kind: 'event', itemId: bought, event: 'purchase', timestamp: 3 },
        { kind: 'event', itemId: skipped, event: 'skip', timestamp: 4 },
        // A click says too little to change anything; a rated item keeps its rating.
        { kind: 'event', itemId: 'm1', event: 'dislike', timestamp: 5 },
      ]);
      const after = (await service.chatRec.recommend({ userId: 'clicker', k: 5 })).recommendations.map((entry) => entry.item.id);
      expect(after).toHaveLength(5);
      for (const id of [disliked, bought, skipped, 'm1']) expect(after).not.toContain(id);
      const history = service.chatRec.history('clicker');
      expect(history.map((entry) => [entry.item.id, entry.rating, entry.event])).toEqual([
        ['m1', 5, undefined],
        [disliked, 1, 'dislike'],
        [bought, undefined, 'purchase'],
      ]);
      // In chat too, and the session's later turns as well.
      const turn = await service.chatRec.chat({ userId: 'clicker', message: 'recommend something', k: 5 });
      for (const id of [disliked, bought, skipped]) expect(turn.recommendations.map((entry) => entry.item.id)).not.toContain(id);
    } finally {
      service.close();
    }
  });

  it('lowers the genres of a disliked item for the next recommendations', async () => {
    const service = await tinyService();
    try {
      service.store.createUser({ id: 'fan' });
      // Liked one comedy and one horror film; then disliked three more horror films.
      service.store.addEvents('fan', [
        { kind: 'rating', itemId: 'm1', value: 5, timestamp: 1 },
        { kind: 'rating', itemId: 'm9', value: 5, timestamp: 2 },
      ]);
      const fitOf = async () => {
        const ranked = (await service.chatRec.recommend({ userId: 'fan', k: 20 })).recommendations;
        return ranked.find((entry) => entry.item.id === 'm12')?.profileFit;
      };
      const before = await fitOf();
      service.store.addEvents('fan', ['m10', 'm11'].map((itemId, index) => ({ kind: 'event' as const, itemId, event: 'dislike', timestamp: 3 + index })));
      const after = await fitOf();
      expect(before).toBeDefined();
      expect(after).toBeDefined();
      expect(after as number).toBeLessThan(before as number);
    } finally {
      service.close();
    }
  });
});

describe('ChatRec.predictRating', () => {
  it('counts a dislike event in the user bias, like a rating of 1', async () => {
    const service = await tinyService();
    try {
      service.store.createUser({ id: 'grump' });
      service.store.addEvents('grump', [{ kind: 'event', itemId: 'm1', event: 'dislike', timestamp: 1 }]);
      // It had left the bias at 0: only ratings counted.
      expect(service.chatRec.predictRating('grump', 'm2').components.userBias).toBeLessThan(0);
      // A positive event says nothing of how the user rates.
      service.store.createUser({ id: 'viewer' });
      service.store.addEvents('viewer', [{ kind: 'event', itemId: 'm1', event: 'view', timestamp: 1 }]);
      expect(service.chatRec.predictRating('viewer', 'm2').components.userBias).toBe(0);
    } finally {
      service.close();
    }
  });
});

describe('ChatRec.cached', () => {
  it('holds what recommend computed for a plain request until the user writes, and never computes', async () => {
    const service = await tinyService();
    try {
      const { chatRec, store } = service;
      expect(chatRec.cached({ userId: 'u1', k: 3 })).toBeUndefined();
      const first = await chatRec.recommend({ userId: 'u1', k: 3 });
      expect(chatRec.cached({ userId: 'u1', k: 3 })).toBe(first);
      // Another k, a filter, or an unknown user: nothing held (and no error).
      expect(chatRec.cached({ userId: 'u1', k: 4 })).toBeUndefined();
      expect(chatRec.cached({ userId: 'u1', k: 3, accept: () => true })).toBeUndefined();
      expect(chatRec.cached({ userId: 'nobody', k: 3 })).toBeUndefined();
      store.addEvents('u1', [{ kind: 'rating', itemId: first.recommendations[0]!.item.id, value: 1, timestamp: 99 }]);
      expect(chatRec.cached({ userId: 'u1', k: 3 })).toBeUndefined();
      // The user's next list replaces the stale one: one entry per user and k (stale lists had stayed beside the new ones).
      const cache = Reflect.get(chatRec, 'cache') as Map<string, unknown>;
      expect(cache.size).toBe(1);
      const second = await chatRec.recommend({ userId: 'u1', k: 3 });
      expect(chatRec.cached({ userId: 'u1', k: 3 })).toBe(second);
      expect(cache.size).toBe(1);
      chatRec.disableCache();
      await chatRec.recommend({ userId: 'u1', k: 3 });
      expect(chatRec.cached({ userId: 'u1', k: 3 })).toBeUndefined();
    } finally {
      service.close();
    }
  });
});

describe('ChatRec requests', () => {
  it('offers the genre asked for first, even to a user whose ratings lean elsewhere', async () => {
    const service = await tinyService();
    try {
      // u1 is a comedy fan who rated horror films 1.
      // Two horror films are left that u1 has not rated: both come first, and then others.
      const horror = await service.chatRec.chat({ userId: 'u1', message: 'a horror movie please', k: 3 });
      expect(horror.constraints.tags).toEqual({ horror: 0.3 });
      expect(horror.recommendations.map((entry) => entry.item.tags.includes('Horror'))).toEqual([true, true, false]);
      // The header names the request; the reply says the list runs short of it rather than pass the third film off as horror.
      expect(horror.reply).toContain('Only the first 2 are horror: I have no more that fit, so the others are the nearest.');
      // Another phrasing, and a later turn keeps the request ("actually I hated Blood Night").
      // u4, another comedy fan, has four war films to be offered: two now, one after a hated one.
      const war = await service.chatRec.chat({ userId: 'u4', message: "I'm in the mood for a war film", k: 2 });
      for (const entry of war.recommendations) expect(entry.item.tags).toContain('War');
      const later = await service.chatRec.chat({ userId: 'u4', sessionId: war.sessionId, message: 'actually I hated Beach Assault', k: 2 });
      expect(later.recommendations.map((entry) => entry.item.tags.includes('War'))).toEqual([true, false]);
      // Two genres: items with both first, then either.
      const romcom = await service.chatRec.chat({ userId: 'u2', message: 'a romantic comedy please', k: 3 });
      const both = romcom.recommendations.map((entry) => ['Comedy', 'Romance'].filter((tag) => entry.item.tags.includes(tag)).length);
      expect(both).toEqual([...both].sort((a, b) => b - a));
      expect(both[0]).toBe(2);
      if (both.every((count) => count === 2)) expect(romcom.reply).not.toContain('Only the first');
    } finally {
      service.close();
    }
  });

  it('keeps a genre the user said they cannot stand out of every turn, until they ask for it', async () => {
    const service = await tinyService();
    try {
      // Their ratings say horror (the model's first picks are the horror films left); their words, in an
      // earlier session, said otherwise. This session asks for nothing: the profile keeps horror out.
      service.store.createUser({ id: 'hater' });
      service.store.addEvents('hater', ['m9', 'm10', 'm13'].map((itemId, index) => ({ kind: 'rating' as const, itemId, value: 5, timestamp: index })));
      const earlier = await service.chatRec.chat({ userId: 'hater', message: "I can't stand horror anymore.", k: 3 });
      expect(earlier.constraints).toEqual({ tags: {} });
      let sessionId: string | undefined;
      const offered: string[][] = [];
      for (const message of ['suggest a movie', 'more', 'more', 'more']) {
        const turn = await service.chatRec.chat({ userId: 'hater', message, k: 3, ...(sessionId ? { sessionId } : {}) });
        sessionId = turn.sessionId;
        offered.push(...turn.recommendations.map((entry) => entry.item.tags));
      }
      expect(offered).toHaveLength(12);
      for (const tags of offered) expect(tags).not.toContain('Horror');
      // Other phrasings of a strong dislike, for another user.
      service.store.createUser({ id: 'hater-2' });
      service.store.addEvents('hater-2', ['m15', 'm17'].map((itemId, index) => ({ kind: 'rating' as const, itemId, value: 5, timestamp: index })));
      await service.chatRec.chat({ userId: 'hater-2', message: 'I really dislike war films.', k: 3 });
      const others = await service.chatRec.chat({ userId: 'hater-2', message: 'What do you have?', k: 10 });
      expect(others.recommendations.length).toBeGreaterThan(0);
      for (const entry of others.recommendations) expect(entry.item.tags).not.toContain('War');
      // Asked for in so many words, it is offered.
      const asked = await service.chatRec.chat({ userId: 'hater', sessionId, message: 'ok, some horror then', k: 3 });
      expect(asked.recommendations.some((entry) => entry.item.tags.includes('Horror'))).toBe(true);
    } finally {
      service.close();
    }
  });
});

describe('queryContent', () => {
  it('searches what the user describes, not opinions, negated words or references back', () => {
    // Opinion words.
    expect(queryContent('I hate horror movies')).toBe('');
    expect(queryContent('Heat was not bad')).toBe('heat');
    expect(queryContent('that was boring, something with dinosaurs')).toBe('dinosaurs');
    expect(queryContent('loved it! awesome. any pirate adventures?')).toBe('pirate adventures');
    // What a negation rules out, to the end of its clause.
    expect(queryContent('no war. a comedy please')).toBe('comedy');
    expect(queryContent("I can't stand gore, maybe pirates")).toBe('pirates');
    expect(queryContent('nothing with zombies or vampires but a heist')).toBe('heist');
    expect(queryContent('I hate horror and gore')).toBe('');
    expect(queryContent('no horror and a comedy please')).toBe('comedy');
    expect(queryContent("I don't want anything violent")).toBe('');
    expect(queryContent('a horror-free thriller')).toBe('thriller');
    // References back to what was said or shown.
    expect(queryContent("I've already seen the first one")).toBe('');
    expect(queryContent('the second one again?')).toBe('');
    expect(queryContent('not the last one, the sequel')).toBe('');
    // Words naming a genre ruled out, directly or by an everyday word.
    expect(queryContent('a story with soldiers and a war', { ruledOut: new Set(['war']) })).toBe('story');
    expect(queryContent('something scary with a robot', { ruledOut: new Set(['horror']) })).toBe('robot');
    // What it searched before still searched.
    expect(queryContent('something like Toy Story')).toBe('toy story');
    expect(queryContent('recommend something')).toBe('');
  });

  it('leaves genres asked for, years and ranking words to the constraints and the genre sources', () => {
    // In the item texts a genre word matches short entries of the genre ("comedy" → Cosi, "western" → Dead Man).
    const comedy = { genres: new Set(['comed']) };
    expect(queryContent('a comedy please', comedy)).toBe('');
    expect(queryContent('some funny comedies with dogs', comedy)).toBe('dogs');
    expect(queryContent('any good westerns?', { genres: new Set(['western']) })).toBe('');
    expect(queryContent('something scary', { genres: new Set(['horror']) })).toBe('');
    expect(queryContent('a science fiction film', { genres: new Set(['sci']) })).toBe('');
    // A subject that only leads to the genre is still what the user described.
    expect(queryContent('a sci-fi movie about aliens', { genres: new Set(['sci']) })).toBe('aliens');
    // Without the genre asked for, the word is searched as before.
    expect(queryContent('a comedy please')).toBe('comedy');
    // Years, spans and eras ("a film from 1990-95" had found Trust (1990) by its title's year).
    expect(queryContent('a film from 1990-95')).toBe('');
    expect(queryContent("something from the 80s-90s, or the '70s")).toBe('');
    expect(queryContent('a film from the nineties')).toBe('');
    expect(queryContent('a modern classic')).toBe('');
    // "Top" asks for the best, unless it names a title.
    expect(queryContent('top 10 movies please')).toBe('');
    expect(queryContent('your top rated films')).toBe('');
    expect(queryContent('something like Top Gun')).toBe('top gun');
  });
});


describe('chat helpers (second multi-turn QA pass)', () => {
  const film = (id: string, title: string, year: number, tags: string[] = []) => ({ id, title, year, tags });
  const pulp = film('p', 'Pulp Fiction (1994)', 1994, ['Crime']);
  const dogs = film('d', 'Reservoir Dogs (1992)', 1992, ['Crime']);

  it('takes "them", "those" and "both" after an opinion of several films as those films', () => {
    // Before: "them" was left as it was, and the list was the generic one.
    expect(nameReferences('something like them but older', [], [pulp, dogs])).toBe('something like Pulp Fiction (1994) and Reservoir Dogs (1992) but older');
    expect(nameReferences('more like both', [], [pulp, dogs])).toBe('more like Pulp Fiction (1994) and Reservoir Dogs (1992)');
    expect(nameReferences("I've seen those", [], [pulp, dogs])).toBe("I've seen Pulp Fiction (1994) and Reservoir Dogs (1992)");
    expect(nameReferences('more like it', [], [pulp])).toBe('more like Pulp Fiction (1994)');
    // Not "those movies", nor a place in the list.
    expect(nameReferences('I love those movies', [], [pulp, dogs])).toBe('I love those movies');
    expect(nameReferences('more like the first', [dogs, pulp], [pulp, dogs])).toBe('more like Reservoir Dogs (1992)');
  });

  it('reads "the first two Godfather films" as a series, not as the first two films of the last list (review of the fifth QA pass)', () => {
    const jedi = film('j', 'Return of the Jedi (1983)', 1983, ['Sci-Fi']);
    // Before: "I loved Pulp Fiction (1994) and Reservoir Dogs (1992) Godfather films": two likes of the last list's films, in a
    // new session too (where the list is last time's).
    for (const message of ['I loved the first two Godfather films', 'I loved the first two godfather movies', 'the last three Star Trek films were great']) {
      expect(nameReferences(message, [pulp, dogs, jedi]), message).toBe(message);
    }
    // The list's films still: with a list word, a verb or nothing after the count.
    expect(nameReferences('I loved the first two', [pulp, dogs, jedi])).toBe('I loved Pulp Fiction (1994) and Reservoir Dogs (1992)');
    expect(nameReferences('the first two films were great', [pulp, dogs, jedi])).toBe('Pulp Fiction (1994) and Reservoir Dogs (1992) were great');
    expect(nameReferences('the first two were great films', [pulp, dogs, jedi])).toBe('Pulp Fiction (1994) and Reservoir Dogs (1992) were great films');
    expect(nameReferences("I've seen the last two already", [pulp, dogs, jedi])).toBe("I've seen Reservoir Dogs (1992) and Return of the Jedi (1983) already");
  });

  it('reads the count of films asked for', () => {
    expect(requestedCount('give me 3')).toEqual({ count: 3, asked: 3 });
    expect(requestedCount('top 10 action movies')).toEqual({ count: 10, asked: 10 });
    expect(requestedCount('just one thriller')).toEqual({ count: 1, asked: 1 });
    expect(requestedCount('give me 2 more')).toEqual({ count: 2, asked: 2 });
    expect(requestedCount('top 20 comedies')).toEqual({ count: 10, asked: 20 });
    for (const message of ['a 90s horror movie', 'with my 6 year old', "I've seen the first two", 'another one please', 'more', 'give me a comedy']) expect(requestedCount(message), message).toBeUndefined();
  });

  it('reads the films a message asks to leave out, a series by its name, and no genre', () => {
    const items = [film('a', 'Star Wars (1977)', 1977, ['Sci-Fi', 'War']), film('b', 'Star Trek: Generations (1994)', 1994), film('c', 'Star Trek III: The Search for Spock (1984)', 1984), film('g', 'Godfather, The (1972)', 1972), film('h', 'Godfather: Part II, The (1974)', 1974), film('r', 'True Romance (1993)', 1993)];
    const stems = new Set(['sci', 'war', 'romance', 'horror']);
    const left = (message: string) => negatedFilms(message, items, stems).map((item) => item.id);
    expect(left('anything but Star Wars')).toEqual(['a']);
    expect(left('not Star Trek this time')).toEqual(['b', 'c']);
    expect(left('a crime movie, anything but The Godfather')).toEqual(['g', 'h']);
    expect(left('not Pulp Fiction either')).toEqual([]);
    expect(left('no romance please')).toEqual([]);
    expect(left('not that one')).toEqual([]);
    // The catalogue's title starts, built once (as a chat turn reads them), give the same films, and are not built for a
    // message naming nothing to leave out.
    const starts = titleStarts(items);
    expect(starts.get('star trek')?.map((item) => item.id)).toEqual(['b', 'c']);
    expect(starts.get('star')?.map((item) => item.id)).toEqual(['a', 'b', 'c']);
    for (const message of ['anything but Star Wars', 'not Star Trek this time', 'a crime movie, anything but The Godfather', 'not Pulp Fiction either', 'no romance please']) {
      expect(negatedFilms(message, () => starts, stems), message).toEqual(negatedFilms(message, items, stems));
    }
    expect(negatedFilms('a comedy please', () => expect.unreachable('the catalogue is read'), stems)).toEqual([]);
  });
});
