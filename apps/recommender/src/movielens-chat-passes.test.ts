import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '@personalab/core';
import { timeGrowth } from '@personalab/core/test';
import { findDataset, howToGet, loadMovieLens100k } from '@personalab/datasets';
import { readConstraints } from './pipeline/constraints.js';
import type { RecommenderService } from './service.js';
import { chatVisits, openCatalogueServiceWithModel } from './test/harness.js';

const directory = findDataset('movielens-100k');
if (!directory) console.warn(`MovieLens 100K not found: the chat QA passes' real-catalogue tests are skipped; ${howToGet('movielens-100k')}`);

/**
 * The eighth to eleventh chat QA passes and their reviews (sessions 23 and 24), read over the real MovieLens catalogue by
 * new users, one service for all (each pass's file had fitted its own): ranked by the model `movielens-chat.test.ts` fits
 * (EASE over the most rated films and every western).
 */
describe.skipIf(!directory)('Chat-Rec on the MovieLens catalogue: the eighth to eleventh QA passes and their reviews', () => {
  let service: RecommenderService;
  let users = 0;
  beforeAll(async () => {
    service = await openCatalogueServiceWithModel(await loadMovieLens100k(directory as string));
  }, 120_000);
  afterAll(() => service?.close());

  /** A new user's conversation: each message in the same session. */
  const conversation = () => {
    const { say, userId } = chatVisits(service, `passes-${users++}`);
    return Object.assign(say, { userId });
  };
  /** A new user's first message. */
  const firstTurn = (message: string) => conversation()(message);
  const has = (item: Item, tag: string) => item.tags.includes(tag);
  const ratedTitles = (userId: string) => service.store.ratingsOf(userId).map((rating) => [service.catalog.get(rating.itemId)?.title, rating.value]);

  /**
   * Misreadings the earlier chat QA passes left, read over the real MovieLens catalogue by new users (the eighth QA pass):
   * genres joined by "or", a single year asked in a question or before a film word, a child's taste beside the user's, a pick
   * asked for among the list shown, films like one the user just asked about, and everyday words of titles in ordinary
   * sentences. Ranked by the model `movielens-chat.test.ts` fits (EASE over the most rated films and every western).
   */
  describe('misreadings left by the earlier passes (eighth QA pass)', () => {
    it('lists films of either genre for "or", not only films of both (five horror comedies had answered "anything scary or funny?")', async () => {
      for (const [message, first, second, said] of [
        ['anything scary or funny?', 'Horror', 'Comedy', '(horror or comedy)'],
        ['horror or comedy', 'Horror', 'Comedy', '(horror or comedy)'],
        ['a western or a war film', 'Western', 'War', '(western or war)'],
      ] as const) {
        const turn = await conversation()(message);
        expect(turn.reply, message).toContain(said);
        expect(turn.items, message).toHaveLength(5);
        for (const item of turn.items) expect(has(item, first) || has(item, second), `${message}: ${item.title}`).toBe(true);
        expect(turn.items.some((item) => has(item, first) && !has(item, second)), message).toBe(true);
        expect(turn.items.some((item) => has(item, second) && !has(item, first)), message).toBe(true);
      }
      // "A romantic comedy" still asks for films that are both.
      const both = await conversation()('a romantic comedy please');
      for (const item of both.items) expect(has(item, 'Romance') && has(item, 'Comedy'), item.title).toBe(true);
    });

    it('reads a single year asked in a question or before a film word (the most popular films of any year had answered)', async () => {
      for (const message of ['what do you have from 1995?', 'a 1995 film', 'released in 1995', 'from 1995']) {
        const turn = await conversation()(message);
        expect(turn.reply, message).toContain('(from 1995)');
        for (const item of turn.items) expect(item.year, `${message}: ${item.title}`).toBe(1995);
      }
    });

    it("asks for a film for the kids and the user when a child's taste is told beside the user's (the kids' had been dropped)", async () => {
      const turn = await conversation()('my kids love cartoons and I like comedies');
      expect(turn.reply).toContain('Something for you both (comedy and animation, for children):');
      for (const item of turn.items) expect(has(item, 'Animation') && has(item, 'Comedy'), item.title).toBe(true);
    });

    it('picks one film of the list when asked which it would choose (a new list had answered)', async () => {
      for (const question of ['if you had to choose one, which would it be?', 'which of those is your top pick?', "What's your favorite?", 'which one would you pick?']) {
        const say = conversation();
        const list = await say('recommend me a comedy');
        const pick = await say(question);
        expect(pick.intent, question).toBe('explain');
        expect(pick.items, question).toEqual([]);
        const picked = /I would pick (.+?) by how people here rate them/.exec(pick.reply)?.[1];
        expect(list.items.map((item) => item.title.replace(/^(.*), (The|A|An) (\(\d{4}\))$/, '$2 $1 $3')), question).toContain(picked);
      }
    });

    it('does not note a liking of a film the user just asked about when they ask for films like it, and lists films like it', async () => {
      const say = conversation();
      await say('what is Fargo about?');
      const like = await say('anything like Fargo?');
      expect(like.reply).toMatch(/^Films like Fargo \(1996\):/);
      expect(like.reply).not.toContain('Noted');
      expect(like.items.map((item) => item.title)).not.toContain('Fargo (1996)');
      expect(service.store.ratingsOf(say.userId)).toEqual([]);
      // Asked as a first message, it is noted as liked, as before.
      const first = conversation();
      expect((await first('anything like Fargo?')).reply).toMatch(/^Noted: you like Fargo \(1996\)\./);
      expect(service.store.ratingsOf(first.userId).map((rating) => rating.value)).toEqual([4]);
    });

    it('does not search an everyday word of a title in an ordinary sentence, and still finds titles named, misspelled or shortened', async () => {
      // Before: Serial Mom and Getting Even with Dad led these lists.
      for (const [message, title] of [
        ['my mom loves comedies, what should we watch?', 'Serial Mom (1994)'],
        ["I'm watching with my mom, what should we watch?", 'Serial Mom (1994)'],
        ['a movie for my dad please', 'Getting Even with Dad (1994)'],
      ] as const) {
        expect((await conversation()(message)).items.map((item) => item.title), message).not.toContain(title);
      }
      expect((await conversation()('anything like "Serial Mom"?')).reply).toMatch(/^Noted: you like Serial Mom \(1994\)\./);
      expect((await conversation()('I loved the godfater')).reply).toMatch(/^Noted: you like The Godfather \(1972\)\./);
      expect((await conversation()('why Shawshank?')).reply).toMatch(/^Why Shawshank Redemption, The \(1994\)\?/);
      expect((await conversation()('I loved home alone, something like it')).reply).toMatch(/^Noted: you like Home Alone \(1990\)\./);
    });
  });

  /**
   * What the eighth QA pass's readings did to other messages, read over the real MovieLens catalogue by new users (its review):
   * counts of films read as years, "your pick" after a request, a liking said beside "anything like it?", one-word titles that
   * are everyday words, and "or" joining only some of the genres asked for. Ranked by the model `movielens-chat.test.ts` fits.
   */
  describe('review of the eighth QA pass', () => {
    it('lists films when a message counts films rather than naming a year ("I own 2000 movies" had been answered "nothing fits from 2000")', async () => {
      const own = await conversation()('I own 2000 movies, what should I watch next?');
      expect(own.items).toHaveLength(5);
      expect(own.reply).not.toContain('2000');
      const comedy = await conversation()('we have 1800 films at home, recommend a comedy');
      expect(comedy.reply).toContain('(comedy)');
      for (const item of comedy.items) expect(item.tags, item.title).toContain('Comedy');
    });

    it('reads "your pick" after a new request as that request, and "pick one" alone as a pick of the list shown', async () => {
      const say = conversation();
      await say('some thrillers please');
      // It had picked The Silence of the Lambs from the thrillers.
      const funny = await say('something funny instead, your pick');
      expect(funny.items).toHaveLength(5);
      for (const item of funny.items) expect(item.tags, item.title).toContain('Comedy');
      for (const question of ['pick one', 'you choose', 'which would you choose for a first date?']) {
        const ask = conversation();
        const list = await ask('romantic comedies');
        const pick = await ask(question);
        expect(pick.intent, question).toBe('explain');
        expect(pick.items, question).toEqual([]);
        const picked = /I would pick (.+?) by how people here rate them/.exec(pick.reply)?.[1];
        expect(list.items.map((item) => item.title.replace(/^(.*), (The|A|An) (\(\d{4}\))$/, '$2 $1 $3')), question).toContain(picked);
      }
    });

    it('notes a liking said beside "anything like it?" after a question about the film (it had been dropped as an example only)', async () => {
      const say = conversation();
      await say('what is Fargo about?');
      const loved = await say('I loved Fargo! anything like it?');
      expect(loved.reply).toMatch(/^Noted: you like Fargo \(1996\)\./);
      expect(service.store.ratingsOf(say.userId).map((rating) => rating.value)).toEqual([4]);
      expect(loved.items.map((item) => item.title)).not.toContain('Fargo (1996)');
    });

    it('searches a one-word title that is an everyday word where a title stands, and not in an ordinary sentence', async () => {
      // They had listed the most popular films: "friday", "manhattan" and "mother" are words of other titles too.
      for (const [message, title] of [
        ['something like friday', 'Friday (1995)'],
        ['i loved manhattan, anything like it?', 'Manhattan (1979)'],
        ['mother', 'Mother (1996)'],
      ] as const) {
        expect((await conversation()(message)).items.map((item) => item.title), message).toContain(title);
      }
      expect((await conversation()('my mother hates horror, what should we watch?')).items.map((item) => item.title)).not.toContain('Mother (1996)');
    });

    it('asks for every genre when "or" joins only some of them ("a crime or mystery thriller" had listed The Godfather)', async () => {
      const turn = await conversation()('a crime or mystery thriller');
      expect(turn.items).toHaveLength(5);
      for (const item of turn.items) expect(item.tags, item.title).toContain('Thriller');
    });
  });

  /**
   * Misreadings the eighth QA pass and its review left, read over the real MovieLens catalogue by new users (the ninth QA
   * pass): a number of people beside a genre, a request by example in lower case or by "it", a one-word title in lower case
   * after a verdict, a question about the recommender's own view of a film, a genre corrected within a message, a title
   * followed by its year, and a light mood asked for after a long day. Ranked by the model `movielens-chat.test.ts` fits.
   */
  describe('misreadings left by the eighth QA pass (ninth QA pass)', () => {
    it('asks for the genre beside a number of people ("a comedy for 4 people" had asked for no comedy)', async () => {
      const turn = await conversation()('a comedy for 4 people');
      expect(turn.reply).toContain('(comedy)');
      expect(turn.items).toHaveLength(5);
      for (const item of turn.items) expect(item.tags, item.title).toContain('Comedy');
    });

    it('leaves the example out of a request by example in lower case, and reads "similar to it" as the film just asked about', async () => {
      // "anything like shawshank?" had listed The Shawshank Redemption first.
      const shawshank = await conversation()('anything like shawshank?');
      expect(shawshank.items).toHaveLength(5);
      expect(shawshank.items.map((item) => item.title)).not.toContain('Shawshank Redemption, The (1994)');
      // "Anything similar to it?" after "why the fourth one?" had listed more dramas, not films like the fourth.
      const say = conversation();
      const list = await say('recommend a drama');
      const fourth = list.items[3];
      await say('why the fourth one?');
      const similar = await say('anything similar to it?');
      expect(similar.reply.startsWith(`Films like ${fourth?.title ?? '?'}`), similar.reply).toBe(true);
      expect(similar.items.map((item) => item.id)).not.toContain(fourth?.id);
    });

    it('notes a one-word title in lower case after a past verdict as liked, and not a present taste of the word', async () => {
      // They had been listed first and not noted.
      for (const [message, title, stars] of [
        ['I loved heat', 'Heat (1995)', 5],
        ['I really liked babe', 'Babe (1995)', 4],
        ['i enjoyed fargo, what else?', 'Fargo (1996)', 4],
      ] as const) {
        const say = conversation();
        const turn = await say(message);
        expect(turn.reply, message).toMatch(new RegExp(`^Noted: you like ${title.replace(/[()]/g, '\\$&')}\\.`));
        expect(ratedTitles(say.userId), message).toEqual([[title, stars]]);
        expect(turn.items.map((item) => item.title), message).not.toContain(title);
      }
      const speed = conversation();
      await speed('I love speed, what else?');
      expect(ratedTitles(speed.userId)).toEqual([]);
    });

    it("answers a question about its own view of a film without a list (\"have you seen Babe?\" had listed Babe)", async () => {
      for (const [message, title] of [
        ['have you seen Babe?', 'Babe (1995)'],
        ['did you like Casablanca?', 'Casablanca (1942)'],
      ] as const) {
        const turn = await conversation()(message);
        expect(turn.intent, message).toBe('explain');
        expect(turn.items, message).toEqual([]);
        expect(turn.reply, message).toMatch(new RegExp(`^I do not watch films myself, but I know how people here rate them\\. ${title.replace(/[()]/g, '\\$&')}: People here like it`));
      }
    });

    it('asks only for the genre a message corrects to ("horror, or rather a comedy" had listed horror films too)', async () => {
      const turn = await conversation()('horror, or rather a comedy');
      expect(turn.reply).toContain('(comedy)');
      for (const item of turn.items) {
        expect(item.tags, item.title).toContain('Comedy');
        expect(item.tags, item.title).not.toContain('Horror');
      }
    });

    it('takes the film of the year written after its title ("something like Sabrina 1954" had noted Sabrina (1995))', async () => {
      const say = conversation();
      const turn = await say('something like Sabrina 1954');
      expect(turn.reply).toMatch(/^Noted: you like Sabrina \(1954\)\./);
      expect(turn.reply).not.toContain('cannot find');
      expect(ratedTitles(say.userId)).toEqual([['Sabrina (1954)', 4]]);
    });

    it('leans light for "something to cheer me up" after a long day (the most popular films had answered)', async () => {
      const turn = await conversation()('I had a long day at work, something to cheer me up');
      expect(turn.reply).toMatch(/^Feel-good picks for something light/);
      for (const item of turn.items) expect(item.tags, item.title).toContain('Comedy');
    });
  });

  /**
   * Misreadings the review of the ninth QA pass found over the real MovieLens catalogue, in messages that touch the pass's
   * new readers from another side: "cheer me up" negated, and a correction cue ("sorry", "I mean") that corrects nothing.
   */
  describe('review of the ninth QA pass', () => {
    it('leans no lighter for "cheer me up" negated ("don\'t try to cheer me up, I want a sad drama" had listed light films)', async () => {
      const turn = await firstTurn("don't try to cheer me up, I want a sad drama");
      expect(turn.reply).toMatch(/^Here is what I would suggest \(drama\):/);
      expect(turn.items).toHaveLength(5);
      for (const item of turn.items) expect(item.tags, item.title).toContain('Drama');
    });

    it('keeps a genre that an apology after it does not correct ("a horror film, sorry if that is weird, with some romance")', async () => {
      const turn = await firstTurn('a horror film, sorry if that is weird, with some romance');
      expect(turn.reply).toContain('(horror and romance)');
      expect(turn.items.filter((item) => item.tags.includes('Horror')).length).toBeGreaterThan(0);
    });
  });

  describe('the tenth QA pass', () => {
    it("asks for both tastes when a partner's is told beside the user's (the user's alone had answered: no war film listed)", async () => {
      const turn = await conversation()('my husband is into war movies and I like dramas');
      expect(turn.reply).toContain('Something for you both (war and drama):');
      for (const item of turn.items) expect(item.tags, item.title).toEqual(expect.arrayContaining(['War', 'Drama']));
    });

    it('notes every lower-case title of a verdict\'s list ("I liked casablanca and heat" had noted only Casablanca)', async () => {
      for (const [message, titles] of [
        ['I liked casablanca and heat', ['Casablanca (1942)', 'Heat (1995)']],
        ['i enjoyed heat and casablanca, what next?', ['Heat (1995)', 'Casablanca (1942)']],
        ['I liked fargo, babe and heat', ['Fargo (1996)', 'Babe (1995)', 'Heat (1995)']],
      ] as const) {
        const say = conversation();
        const turn = await say(message);
        expect(turn.items, message).toHaveLength(5);
        expect(ratedTitles(say.userId), message).toEqual(titles.map((title) => [title, 4]));
      }
    });

    it('takes a title told before "anything similar?" as the example, left out of the list (Heat had led the list)', async () => {
      for (const [message, title] of [
        ['I watched heat on tv last night, anything similar?', 'Heat (1995)'],
        ['Casablanca, anything like it?', 'Casablanca (1942)'],
        ['Sabrina 1954, anything similar?', 'Sabrina (1954)'],
      ] as const) {
        const say = conversation();
        const turn = await say(message);
        expect(turn.reply, message).toMatch(new RegExp(`^Noted: you like ${title.replace(/[()]/g, '\\$&')}\\.`));
        expect(turn.items.map((item) => item.title), message).not.toContain(title);
        expect(turn.items, message).toHaveLength(5);
      }
    });

    it('reads "no wait, I meant a comedy" as the new request (dramas had been listed again)', async () => {
      const say = conversation();
      await say('recommend a drama');
      const comedy = await say('no wait, I meant a comedy');
      expect(comedy.reply).toContain('(comedy)');
      for (const item of comedy.items) expect(item.tags, item.title).toContain('Comedy');
    });

    it('reads the year a message points back at with "from that year" (the most popular films of any year had answered)', async () => {
      for (const [message, year] of [
        ['summer 1995 was great, films from that year?', 1995],
        ['I was born in 1980, anything from that year?', 1980],
      ] as const) {
        const turn = await conversation()(message);
        expect(turn.reply, message).toContain(`(from ${year})`);
        for (const item of turn.items) expect(item.year, `${message}: ${item.title}`).toBe(year);
      }
    });

    it('answers a question about something other than films plainly, with no list (Keys to Tulsa had led "have you seen my keys?")', async () => {
      for (const message of ['do you like pizza?', 'have you seen my keys?', "what's the weather like today?", 'can you order me a pizza?']) {
        const say = conversation();
        const turn = await say(message);
        expect(turn.intent, message).toBe('chitchat');
        expect(turn.items, message).toEqual([]);
        expect(turn.reply, message).toMatch(/^I can only help with films/);
        expect(service.store.ratingsOf(say.userId), message).toEqual([]);
      }
      // Questions about films, or naming one, still get their answers.
      expect((await conversation()('do you like horror movies?')).items).toHaveLength(5);
      expect((await conversation()('have you seen Babe?')).reply).toMatch(/^I do not watch films myself/);
      expect((await conversation()('do you like Pixar?')).items).toHaveLength(5);
    });

    it('lists films for a film ask written without a film word, and for "it" after a list (the review: each had got the off-topic answer)', async () => {
      for (const message of ['any good ones for a rainy day?', 'what about dinosaurs?', "what's popular right now?", 'do you have one about pirates?']) {
        const turn = await conversation()(message);
        expect(turn.intent, message).toBe('recommend');
        expect(turn.items, message).toHaveLength(5);
      }
      const say = conversation();
      await say('recommend a drama');
      for (const message of ['is it in english?', 'is the first one long?']) expect((await say(message)).reply, message).not.toMatch(/^I can only help with films/);
    });

    it("asks for both only beside a companion's taste, and not when the user watches alone (the review: a boss's taste, or \"for me tonight\", had asked for both)", async () => {
      expect((await conversation()('my boss likes war movies and I like dramas')).reply).not.toContain('Something for you both');
      const alone = await conversation()('my brother likes action but I prefer comedy, for me tonight');
      expect(alone.reply).not.toContain('Something for you both');
      for (const item of alone.items) expect(item.tags, item.title).toContain('Comedy');
    });

    it('asks for no film of a year turned down with "nothing from that year" (the review: all five had been from 1995)', async () => {
      const turn = await conversation()('1995 was a terrible year for me, nothing from that year please, a comedy');
      expect(turn.reply).not.toContain('from 1995');
      expect(turn.items.filter((item) => item.year === 1995).length).toBeLessThan(3);
    });

    it('notes no liking of a film not seen before "anything similar?", and reads a list after the last verdict (the review)', async () => {
      const unseen = conversation();
      await unseen("I haven't seen heat, anything similar?");
      expect(ratedTitles(unseen.userId)).toEqual([]);
      const listed = conversation();
      await listed('I hated the ending, but I liked heat and fargo');
      expect(ratedTitles(listed.userId)).toEqual([['Heat (1995)', 4], ['Fargo (1996)', 4]]);
    });

    it('still reads "I hated fear" as the film Fear (1996), and "fear of the dark" as no film', async () => {
      const say = conversation();
      await say('I hated fear');
      expect(ratedTitles(say.userId)).toEqual([['Fear (1996)', 1]]);
      const dark = conversation();
      await dark('I hated fear of the dark as a kid, recommend a comedy');
      expect(ratedTitles(dark.userId)).toEqual([]);
    });
  });

  describe('the eleventh QA pass', () => {
    it('lists films for children for "what should we watch with the kids?" and says nothing of two tastes (it had said "Something for you both")', async () => {
      const turn = await conversation()('what should we watch with the kids?');
      expect(turn.reply).toMatch(/^Here is what I would suggest \(for children\):/);
      for (const item of turn.items) expect(item.tags, item.title).toContain("Children's");
    });

    it('drops the companion\'s genre when the user then watches alone ("I\'m on my own tonight" had kept war and drama)', async () => {
      const say = conversation();
      await say('my husband is into war movies and I like dramas');
      const alone = await say("I'm on my own tonight");
      expect(alone.reply).toContain('(drama):');
      for (const item of alone.items) expect(item.tags, item.title).toContain('Drama');
    });

    it('reads no film in a verb or everyday word of a title ("I promise I liked it" had listed The Promise first)', async () => {
      const promise = await conversation()('I promise I liked it');
      expect(promise.items.map((item) => item.title)).not.toContain('Promise, The (Versprechen, Das) (1994)');
      const say = conversation();
      const visitors = await say('we had visitors, anything for a family?');
      expect(visitors.reply).toContain('(for children)');
      expect(visitors.items.map((item) => item.title)).not.toContain('Visitors, The (Visiteurs, Les) (1993)');
      expect(ratedTitles(say.userId)).toEqual([]);
    });

    it('lists no other film of the example\'s title ("something like Sabrina 1954" had listed its remake, Sabrina (1995), first)', async () => {
      for (const message of ['something like Sabrina 1954', 'Sabrina 1954, anything similar?']) {
        const turn = await conversation()(message);
        expect(turn.items, message).toHaveLength(5);
        expect(turn.items.map((item) => item.title), message).not.toContain('Sabrina (1995)');
      }
    });

    it('says the catalogue lacks a film told before "anything like it?" ("Kramer vs. Kramer, anything like it?" had got a plain list)', async () => {
      const turn = await conversation()('Kramer vs. Kramer, anything like it?');
      expect(turn.reply).toMatch(/^I cannot find Kramer vs\. Kramer in my catalogue \(its films go up to 1998\)/);
      expect(turn.items).toHaveLength(5);
    });

    it('takes a film someone else watched as the example without noting a liking ("my wife watched heat" had been noted as liked)', async () => {
      const say = conversation();
      const turn = await say('my wife watched heat, anything similar?');
      expect(turn.reply).toMatch(/^Films like Heat \(1995\):/);
      expect(turn.items.map((item) => item.title)).not.toContain('Heat (1995)');
      expect(ratedTitles(say.userId)).toEqual([]);
    });

    it('reads lower-case lists after "didn\'t like" and before "anything similar?" (nothing had been read)', async () => {
      const disliked = conversation();
      await disliked("I didn't like heat and fargo");
      expect(ratedTitles(disliked.userId)).toEqual([['Heat (1995)', 2], ['Fargo (1996)', 2]]);
      const examples = conversation();
      const turn = await examples('heat and fargo, anything similar?');
      expect(ratedTitles(examples.userId)).toEqual([['Heat (1995)', 4], ['Fargo (1996)', 4]]);
      expect(turn.items.map((item) => item.title)).not.toContain('Heat (1995)');
      expect(turn.items.map((item) => item.title)).not.toContain('Fargo (1996)');
    });

    it('answers "what\'s Babe rated?" with how people here rate Babe (a list had answered)', async () => {
      const turn = await conversation()("what's Babe rated?");
      expect(turn.reply).toMatch(/^Babe \(1995\): .*\d+ people here rated it, [\d.]+ of 5 on average/);
      expect(turn.items).toEqual([]);
    });
  });

  describe("review of the eleventh QA pass", () => {
    it('names no missing film for "Nice, anything similar?" after a list (it had said the catalogue lacks Nice)', async () => {
      for (const reply of ['Nice, anything similar?', 'Yes, anything similar?']) {
        const say = conversation();
        await say('recommend a comedy');
        const turn = await say(reply);
        expect(turn.reply, reply).not.toMatch(/cannot find/);
        expect(turn.items, reply).toHaveLength(5);
      }
    });

    it('keeps "no war films" when the user then watches alone (it had been dropped with the companion\'s war)', async () => {
      const say = conversation();
      await say('my husband likes war movies and I like dramas');
      await say('actually no war films');
      const alone = await say("I'm watching alone tonight");
      expect(alone.reply).toContain('no war');
      for (const item of alone.items) expect(item.tags, item.title).not.toContain('War');
    });
  });

  describe('the twelfth QA pass', () => {
    it('leaves out the remake of a film the user says they loved (Sabrina (1995) had led "I loved Sabrina (1954), anything similar?")', async () => {
      for (const message of ['I loved Sabrina (1954), anything similar?', 'I loved Sabrina 1954. anything similar?']) {
        const say = conversation();
        const turn = await say(message);
        expect(ratedTitles(say.userId), message).toEqual([['Sabrina (1954)', 5]]);
        expect(turn.items, message).toHaveLength(5);
        expect(turn.items.map((item) => item.title), message).not.toContain('Sabrina (1995)');
      }
    });

    it('takes a film someone else watched and liked as the example, not the user\'s liking (Heat had been listed first)', async () => {
      const say = conversation();
      const turn = await say('my wife watched heat and loved it, anything similar?');
      expect(ratedTitles(say.userId)).toEqual([]);
      expect(turn.reply).toMatch(/^Films like Heat \(1995\)/);
      expect(turn.items).toHaveLength(5);
      expect(turn.items.map((item) => item.title)).not.toContain('Heat (1995)');
    });

    it('reads both titles of "Heat and Fargo, anything similar?" written capitalised (only Fargo had been read)', async () => {
      const say = conversation();
      const turn = await say('Heat and Fargo, anything similar?');
      expect(ratedTitles(say.userId)).toEqual([['Heat (1995)', 4], ['Fargo (1996)', 4]]);
      expect(turn.reply).not.toMatch(/cannot find/);
      for (const title of ['Heat (1995)', 'Fargo (1996)']) expect(turn.items.map((item) => item.title)).not.toContain(title);
    });

    it('asks which film "it" is after a list, then answers about the one picked (a new list had answered "what\'s it rated?")', async () => {
      for (const question of ["what's it rated?", 'is it any good?']) {
        const say = conversation();
        const list = await say('recommend me a comedy');
        const asked = await say(question);
        expect(asked.intent, question).toBe('explain');
        expect(asked.items, question).toEqual([]);
        expect(asked.reply, question).toMatch(/^Which one do you mean\?/);
        const first = list.items[0] as Item;
        const answer = await say('the first one');
        expect(answer.items, question).toEqual([]);
        expect(answer.reply, question).toMatch(new RegExp(`^${first.title.replace(/[()]/g, '\\$&')}: .*\\d+ people here rated it, [\\d.]+ of 5 on average`));
      }
      // One film shown is the film "it" names.
      const say = conversation();
      const one = await say('give me 1 comedy');
      const answer = await say('is it any good?');
      expect(answer.reply.startsWith(`${(one.items[0] as Item).title}: `)).toBe(true);
    });

    it('rates no film for an everyday pair of nouns ("I didn\'t like heat and humidity" had rated Heat 2)', async () => {
      const say = conversation();
      await say("I didn't like heat and humidity");
      expect(ratedTitles(say.userId)).toEqual([]);
      const films = conversation();
      await films("I didn't like heat and fargo");
      expect(ratedTitles(films.userId)).toEqual([['Heat (1995)', 2], ['Fargo (1996)', 2]]);
    });
  });

  describe("the twelfth pass's review", () => {
    it('answers "is it a good night for a horror film?" after a list with horror films ("Which one do you mean?" had answered)', async () => {
      const say = conversation();
      await say('recommend a comedy');
      const turn = await say('is it a good night for a horror film?');
      expect(turn.reply).not.toMatch(/Which one do you mean/);
      expect(turn.items).toHaveLength(5);
      for (const item of turn.items) expect(has(item, 'Horror'), item.title).toBe(true);
    });

    it('answers about the film a question about "it" names by its place ("what\'s it rated, the second one?" had asked which one)', async () => {
      const say = conversation();
      const list = await say('recommend a comedy');
      const second = list.items[1] as Item;
      const turn = await say("what's it rated, the second one?");
      expect(turn.items).toEqual([]);
      expect(turn.reply.startsWith(`${second.title.replace(/^(.*), The (\(\d{4}\))$/, 'The $1 $2')}: `), turn.reply).toBe(true);
    });

    it('keeps the original of a loved remake when the user asks for older films like it (Sabrina (1954) had been left out)', async () => {
      const say = conversation();
      const turn = await say('I loved Sabrina (1995), anything older like it?');
      expect(ratedTitles(say.userId)).toEqual([['Sabrina (1995)', 5]]);
      expect(turn.items.map((item) => item.title)).toContain('Sabrina (1954)');
      // Asked for films like it, no era: the same story told again is still left out.
      const plain = await conversation()('I loved Sabrina (1995), anything similar?');
      expect(plain.items.map((item) => item.title)).not.toContain('Sabrina (1954)');
    });
  });

  describe("the twelfth pass's leftovers", () => {
    it('takes every film of a comma list as the examples ("heat, fargo and babe, anything similar?" had read only Fargo and Babe)', async () => {
      const say = conversation();
      const turn = await say('heat, fargo and babe, anything similar?');
      expect(ratedTitles(say.userId)).toEqual([['Heat (1995)', 4], ['Fargo (1996)', 4], ['Babe (1995)', 4]]);
      for (const title of ['Heat (1995)', 'Fargo (1996)', 'Babe (1995)']) expect(turn.items.map((item) => item.title)).not.toContain(title);
    });

    it('takes a film someone else judged as the example of "anything like it?" in the next sentence (Heat had been listed first)', async () => {
      const say = conversation();
      const turn = await say('my wife watched heat and hated it. anything like it?');
      expect(ratedTitles(say.userId)).toEqual([]);
      expect(turn.reply).toMatch(/^Films like Heat \(1995\)/);
      expect(turn.items.map((item) => item.title)).not.toContain('Heat (1995)');
    });
  });

  describe('the thirteenth pass', () => {
    it('says it cannot choose by cast for a lower-case "who is tom hanks?" (the off-topic reply had answered)', async () => {
      const turn = await firstTurn('who is tom hanks?');
      expect(turn.reply).toMatch(/^I cannot choose films by who is in them or who made them \(Tom Hanks\)/);
    });

    it('lists films for children for "for a family of four" said alone (the general list had answered)', async () => {
      const turn = await firstTurn('for a family of four');
      expect(turn.reply).toContain('(for children)');
      for (const item of turn.items) expect(has(item, "Children's"), item.title).toBe(true);
    });

    it('lists films of each genre for "a comedy and a horror film" (five horror comedies had answered), and a blend for "comedy and romance"', async () => {
      const turn = await firstTurn('a comedy and a horror film please');
      expect(turn.items).toHaveLength(5);
      for (const item of turn.items) expect(has(item, 'Comedy') || has(item, 'Horror'), item.title).toBe(true);
      expect(turn.items.some((item) => has(item, 'Comedy') && !has(item, 'Horror'))).toBe(true);
      expect(turn.items.some((item) => has(item, 'Horror') && !has(item, 'Comedy'))).toBe(true);
      for (const message of ['comedy and romance', 'a romantic comedy']) {
        const blend = await firstTurn(message);
        for (const item of blend.items) expect(has(item, 'Comedy') && has(item, 'Romance'), `${message}: ${item.title}`).toBe(true);
      }
    });

    it('says it cannot choose films by what they are about, and lists no title for its word ("space films" had led with Space Jam)', async () => {
      for (const [message, said, word] of [
        ['films about nature', 'nature', /nature/i],
        ['man vs nature films', 'man vs nature', /nature/i],
        ['space films', 'space', /space/i],
        ['films about dogs', 'dogs', /dogs/i],
        ["what's it called, the one with the shark?", 'shark', /called|shark/i],
      ] as const) {
        const turn = await firstTurn(message);
        expect(turn.reply, message).toMatch(new RegExp(`^I cannot choose films by what they are about \\(${said}\\)`));
        for (const item of turn.items) expect(item.title, message).not.toMatch(word);
      }
      // A title asked for by example is still read.
      expect((await firstTurn('something like Star Wars')).reply).toMatch(/^Noted: you like Star Wars \(1977\)/);
    });

    it('reads a lower-case title written with "and" for its "&" ("dumb and dumber, anything similar?" had read no film)', async () => {
      const say = conversation();
      const turn = await say('dumb and dumber, anything similar?');
      expect(ratedTitles(say.userId)).toEqual([['Dumb & Dumber (1994)', 4]]);
      expect(turn.items.map((item) => item.title)).not.toContain('Dumb & Dumber (1994)');
      const praise = conversation();
      await praise('dumb and dumber was hilarious');
      expect(ratedTitles(praise.userId)).toEqual([['Dumb & Dumber (1994)', 4]]);
    });

    it('answers about a film named in answer to "Which one do you mean?" that was not listed ("Fargo" had got a new list)', async () => {
      const say = conversation();
      await say('recommend a comedy');
      expect((await say("what's it rated?")).reply).toMatch(/^Which one do you mean\?/);
      const turn = await say('Fargo');
      expect(turn.items).toEqual([]);
      expect(turn.reply.startsWith('Fargo (1996): ')).toBe(true);
    });

    it('says it cannot choose by running time for "is it too late for something long?" (a list had answered as if it could)', async () => {
      const say = conversation();
      await say('recommend a comedy');
      const turn = await say('is it too late for something long?');
      expect(turn.reply).toMatch(/^I cannot choose films by running time/);
    });
  });

  describe("the thirteenth pass's review", () => {
    it('reads no name in "who\'s winning tonight?" or "who is joining us?" (the cast reply had named "Winning Tonight")', async () => {
      for (const message of ["who's winning tonight?", 'who is joining us?']) expect((await firstTurn(message)).reply, message).not.toMatch(/who is in them/);
      expect((await firstTurn('who is will smith?')).reply).toMatch(/^I cannot choose films by who is in them or who made them \(Will Smith\)/);
    });

    it('reads "something long ago" as no running time (the running-time note had answered)', async () => {
      const turn = await firstTurn('I saw something long ago that I loved, recommend a comedy');
      expect(turn.reply).toMatch(/^Here is what I would suggest \(comedy\)/);
      for (const item of turn.items) expect(has(item, 'Comedy'), item.title).toBe(true);
    });

    it('lists films of both genres for one film of both said outright, and either genre for "a comedy and maybe a horror"', async () => {
      for (const message of ["a film that's both a comedy and a horror", 'I want a comedy and a horror at the same time']) {
        const turn = await firstTurn(message);
        expect(turn.items, message).toHaveLength(5);
        for (const item of turn.items) expect(has(item, 'Comedy') && has(item, 'Horror'), `${message}: ${item.title}`).toBe(true);
      }
      const either = await firstTurn('a comedy and maybe a horror');
      expect(either.items.some((item) => has(item, 'Comedy') && !has(item, 'Horror'))).toBe(true);
      expect(either.items.some((item) => has(item, 'Horror') && !has(item, 'Comedy'))).toBe(true);
    });

    it('reads no film in everyday words that spell out a title\'s "&" ("in and out of the shops" had rated In & Out 5)', async () => {
      for (const message of ['I loved going in and out of the shops, recommend a comedy', 'I love a good heaven and earth story, any suggestions?']) {
        const say = conversation();
        const turn = await say(message);
        expect(ratedTitles(say.userId), message).toEqual([]);
        expect(turn.reply, message).not.toMatch(/^Noted/);
      }
    });

    it('reads a title\'s "and" written "&" ("sense & sensibility, anything similar?" had listed the film itself first)', async () => {
      const say = conversation();
      const turn = await say('sense & sensibility, anything similar?');
      expect(ratedTitles(say.userId)).toEqual([['Sense and Sensibility (1995)', 4]]);
      expect(turn.items.map((item) => item.title)).not.toContain('Sense and Sensibility (1995)');
    });

    it('notes the topic of "sports comedies" and still lists comedies (the topic had gone unnoted)', async () => {
      const turn = await firstTurn('sports comedies');
      expect(turn.reply).toMatch(/^I cannot choose films by what they are about \(sports\)/);
      for (const item of turn.items) expect(has(item, 'Comedy'), item.title).toBe(true);
    });

    it('lists films for children for "we\'re a family of four, anything for tonight?" (the general list had answered)', async () => {
      const turn = await firstTurn("we're a family of four, anything for tonight?");
      expect(turn.reply).toContain('(for children)');
      for (const item of turn.items) expect(has(item, "Children's"), item.title).toBe(true);
    });

    it('answers about a title with "&" named with "and" in answer to "Which one do you mean?" (a new list had answered)', async () => {
      const say = conversation();
      await say('recommend a comedy');
      expect((await say("what's it rated?")).reply).toMatch(/^Which one do you mean\?/);
      const turn = await say('the truth about cats and dogs');
      expect(turn.items).toEqual([]);
      expect(turn.reply.startsWith('The Truth About Cats & Dogs (1996): ')).toBe(true);
    });
  });

  /**
   * What a transcript audit of simulated users found (the fourteenth pass): a hedged dislike read as a liking, "the only one"
   * as a count, family as a genre, chit-chat as a mood, a goodbye answered with a list, a film's namesake left out with it,
   * and notes said clause by clause with titles in the catalogue's order.
   */
  describe('the fourteenth pass', () => {
    it('reads "I do not think I would like Jerry Maguire" and "Star Wars does not really grab me" as weak dislikes ("Noted: you like Jerry Maguire (1996)", rated 4)', async () => {
      const say = conversation();
      await say('I am looking for a movie to watch tonight. I usually like adventure movies and comedies.');
      const turn = await say('I do not think I would like Jerry Maguire. Star Wars does not really grab me. Anything else you would suggest? I am more in the mood for adventure movies.');
      expect(turn.reply).toMatch(/^Noted: you dislike Jerry Maguire \(1996\) and Star Wars \(1977\)\. How about these instead/);
      expect(ratedTitles(say.userId)).toEqual([
        ['Jerry Maguire (1996)', 2],
        ['Star Wars (1977)', 2],
      ]);
      expect(turn.items.map((item) => item.title)).not.toContain('Jerry Maguire (1996)');
    });

    it('reads "I thought I was the only one" as no count (a list of one film had answered)', async () => {
      const say = conversation();
      await say("Hi there! I'm retired and I love to gamble. What do you do for fun?");
      await say("Oh, that's cool! I've always been interested in the military.");
      expect((await say('Oh, good. I thought I was the only one.')).items).not.toHaveLength(1);
    });

    it('reads "I also like to go out with my friends and family" as no taste for children\'s films ("Noted: you like children\'s.")', async () => {
      const say = conversation();
      await say('Hi there!');
      const turn = await say('I love reading, writing, and watching movies. I also like to go out with my friends and family.');
      expect(turn.reply).not.toMatch(/children/i);
      expect(turn.items.filter((item) => has(item, "Children's")).length).toBeLessThanOrEqual(1);
    });

    it('reads no mood from "I\'m serious" or "a lot of fun", and quotes no message of several sentences back', async () => {
      for (const message of ["No, I'm serious! I was born in 1922.", 'I am good. What do you like to do for fun?', "It's definitely a learning process, but it's a lot of fun."]) {
        const say = conversation();
        await say('Hi there!');
        await say("I'm a professional wrestler.");
        const turn = await say(message);
        expect(turn.reply, message).not.toMatch(/picks for something (?:light|darker)/);
        expect(turn.reply, message).not.toContain(`("${message}")`);
      }
    });

    it('answers a goodbye as one ("it\'s been nice talking to you! … great day!" had got a list)', async () => {
      const say = conversation();
      await say('Hi there!');
      await say("Me too! He's my best friend.");
      const turn = await say("Well, it's been nice talking to you! I hope you have a great day!");
      expect(turn.items).toEqual([]);
      expect(turn.reply).toBe('Enjoy your movie. Come back any time.');
    });

    it('leaves out The Saint alone for "Not The Saint, please" (The Saint of Fort Washington had gone too)', async () => {
      const turn = await firstTurn('Not The Saint, please. I am more in the mood for dramas.');
      expect(turn.reply).toMatch(/^Noted: leaving out The Saint \(1997\)\. /);
    });

    it('says stated tastes in one clause, as said without "watching", titles as spoken, and acknowledges once', async () => {
      expect((await firstTurn('I am looking for a movie to watch tonight. I usually like war movies, dramas and romance movies.')).reply).toMatch(
        /^Noted: you like war movies, dramas and romance movies\. Here is what I would suggest:/,
      );
      expect((await firstTurn('Me too! I love watching movies, especially action movies.')).reply).toMatch(/^Noted: you like action movies\. /);
      expect((await firstTurn('I loved the godfather, anything else?')).reply).toMatch(/^Noted: you like The Godfather \(1972\)\. /);
      const say = conversation();
      await say('I am looking for a movie to watch tonight. I usually like dramas.');
      const turn = await say('Sleepers is not really my thing. Anything else you would suggest?');
      expect(turn.reply).toMatch(/^Noted: you dislike Sleepers \(1996\)\. How about these instead:/);
    });
  });

  /**
   * The fourteenth pass's review, over the real catalogue: its hedge read praise by comparison and a guess proved wrong as
   * dislikes, its pastime reading dropped "a movie that's a lot of fun", and a doubt of having seen a film, "my brother is
   * serious" and "goodnight" were misread before it.
   */
  describe("the fourteenth pass's review", () => {
    it('reads praise by comparison and a guess proved wrong as likings ("Noted: you dislike Fargo (1996)", rated 2)', async () => {
      const praised = await firstTurn('I don’t think I would like anything more than Fargo');
      expect(praised.reply).toMatch(/^Noted: you like Fargo \(1996\)\. /);
      const surprised = conversation();
      await surprised("I didn't think I'd like Titanic, but I loved it");
      expect(ratedTitles(surprised.userId)).toEqual([['Titanic (1997)', 4]]);
    });

    it('notes no viewing for "I don\'t think I\'ve seen Fargo" (it had been "you have seen Fargo (1996)", and left out)', async () => {
      const turn = await firstTurn("I don't think I've seen Fargo");
      expect(turn.reply).not.toMatch(/you have seen/);
    });

    it('reads "a movie that\'s a lot of fun" as a light mood, "my brother is serious about films" as none', async () => {
      expect((await firstTurn("I want a movie that's a lot of fun")).reply).toMatch(/^Feel-good picks for something light/);
      expect((await firstTurn('my brother is very serious about films. any comedies?')).reply).toMatch(/^Here is what I would suggest \(comedy\)/);
    });

    it('answers "goodnight" after a list with a goodbye, not more films', async () => {
      const say = conversation();
      await say('recommend a comedy');
      const turn = await say('goodnight');
      expect(turn.items).toEqual([]);
      expect(turn.intent).toBe('chitchat');
    });
  });

  /**
   * The fifteenth pass, from the second transcript audit: small talk read as a mood or a taste for children's films, a
   * question about the assistant's friends and thanks after a sentence answered with lists, and judged films said one by one.
   */
  describe('the fifteenth pass', () => {
    it('reads no mood in "That sounds like fun." or "It\'s easy to make, too." (both had got feel-good picks)', async () => {
      for (const message of ['That sounds like fun. I like to do the same things.', "You should! It's easy to make, too."]) {
        const say = conversation();
        await say('Hi there!');
        await say('I like to dance.');
        expect((await say(message)).reply, message).not.toMatch(/Feel-good|something light/);
      }
      expect((await firstTurn('something easy to watch')).reply).toMatch(/^Feel-good picks for something light/);
      expect((await firstTurn("I want a movie that's fun")).reply).toMatch(/^Feel-good picks for something light/);
    });

    it('reads no taste for children\'s films in "I love seeing the kids learn and grow." ("Noted: you like children\'s.")', async () => {
      const say = conversation();
      await say('Hi there!');
      expect((await say('I love seeing the kids learn and grow.')).reply).not.toMatch(/children/i);
      const asked = await firstTurn('something for the kids');
      expect(asked.items.filter((item) => item.tags.includes("Children's")).length).toBeGreaterThanOrEqual(3);
    });

    it('answers "Do you have any friends?" as a question off films (a list had answered), "do you have any comedies?" with films', async () => {
      const say = conversation();
      await say('Hi there!');
      await say("Not really. I don't have many friends.");
      const turn = await say('Do you have any friends?');
      expect(turn.items).toEqual([]);
      expect(turn.reply).toMatch(/^I can only help with films/);
      expect((await firstTurn('do you have any comedies?')).items.filter((item) => item.tags.includes('Comedy')).length).toBeGreaterThanOrEqual(4);
    });

    it('answers "I will. Thanks for the suggestion." with a "you are welcome" (a list had answered), "thanks! any more like that?" with more', async () => {
      const say = conversation();
      await say('Hello!');
      await say('I like to go hiking.');
      const thanked = await say('I will. Thanks for the suggestion.');
      expect(thanked.items).toEqual([]);
      expect(thanked.reply).toMatch(/^You are welcome!/);
      const more = conversation();
      await more('recommend a comedy');
      expect((await more('thanks! any more like that?')).items).toHaveLength(5);
    });

    it('says films judged alike in one clause ("Noted: you dislike Fargo (1996); you dislike Heat (1995).")', async () => {
      expect((await firstTurn('I hated Fargo and Heat')).reply).toMatch(/^Noted: you dislike Fargo \(1996\) and Heat \(1995\)\. /);
    });
  });

  /**
   * The fifteenth pass's review: thanks beside a request for more ("yes thanks, one more") got "You are welcome" and no
   * films, "the children are bored, ideas?" lost its children's films, and "my mood is light" its mood.
   */
  describe("the fifteenth pass's review", () => {
    it('answers thanks beside a request for more with films ("yes thanks, one more" had got "You are welcome")', async () => {
      for (const message of ['yes thanks, one more', "that's great thanks, more?"]) {
        const say = conversation();
        await say('recommend a comedy');
        // "One more" gets one film.
        expect((await say(message)).items.length, message).toBeGreaterThanOrEqual(1);
      }
      expect((await firstTurn('Will do, thanks for the help.')).reply).toMatch(/^You are welcome!/);
    });

    it('answers "the children are bored, ideas?" with children\'s films (the general list had answered)', async () => {
      const turn = await firstTurn('the children are bored, ideas?');
      expect(turn.items.filter((item) => item.tags.includes("Children's")).length).toBeGreaterThanOrEqual(4);
    });

    it('reads the mood in "my mood is light" (it had been taken for a remark)', async () => {
      expect((await firstTurn('my mood is light')).reply).toMatch(/^Feel-good picks for something light/);
    });
  });

  /**
   * The sixteenth pass: films to leave out named in lower case or by a title that is also a genre word ("not the godfather",
   * "not Alien") left out nothing, "my family" was the film My Family, "I need a laugh" and "something relaxing" set no
   * mood, "one more thing: …" asked for one film, "no thanks" got "You are welcome", "a long film" listed The Long Kiss
   * Goodnight, "a family friend" was a child, and the children's films stayed after "alone tonight".
   */
  describe('the sixteenth pass', () => {
    const titles = (items: readonly Item[]) => items.map((item) => item.title);

    it('leaves out "the godfather" and "Alien" named after a request (both had been kept: The Godfather was the first crime film)', async () => {
      const crime = await firstTurn('a crime film, not the godfather');
      expect(crime.reply).toMatch(/^Noted: leaving out The Godfather \(1972\) and The Godfather: Part II \(1974\)\. /);
      expect(titles(crime.items)).not.toContain('Godfather, The (1972)');
      expect(crime.items.filter((item) => has(item, 'Crime')).length).toBeGreaterThanOrEqual(4);
      expect((await firstTurn('a sci-fi film, not Alien')).reply).toMatch(/^Noted: leaving out Alien \(1979\), Alien: Resurrection \(1997\) and Alien 3 \(1992\)\. /);
    });

    it('reads "my family" as the user\'s family, not the film My Family ("I love my family" had noted a liking of it)', async () => {
      const say = conversation();
      for (const message of ["I'm watching with my family tonight", 'I love my family', 'Watching with my family tonight. We liked it.']) {
        expect((await say(message)).reply, message).not.toMatch(/My Family/);
      }
      expect(ratedTitles(say.userId)).toEqual([]);
      expect((await firstTurn('I loved My Family')).reply).toMatch(/^Noted: you like My Family \(1995\)\. /);
    });

    it('reads "I need a laugh" and "work is so stressful, something relaxing" as moods (the general list had answered)', async () => {
      expect((await firstTurn('I need a laugh')).reply).toMatch(/^Comedy picks for a good laugh/);
      for (const message of ['work is so stressful, something relaxing', 'I need cheering up']) expect((await firstTurn(message)).reply, message).toMatch(/^Feel-good picks for something light/);
      const say = conversation();
      await say('Hi there!');
      expect((await say('That sounds like fun.')).reply).not.toMatch(/Feel-good|something light/);
    });

    it('lists five films for "one more thing: something funny" (one had answered), one for "actually one more: a comedy?"', async () => {
      const thing = conversation();
      await thing('recommend a drama');
      expect((await thing('one more thing: something funny')).items).toHaveLength(5);
      const more = conversation();
      await more('recommend a drama');
      const one = await more('actually one more: a comedy?');
      expect(one.items).toHaveLength(1);
      expect(one.items.every((item) => has(item, 'Comedy'))).toBe(true);
    });

    it('answers "no thanks" with an offer for later, not "You are welcome" and no films', async () => {
      for (const message of ['no thanks', 'thanks but no thanks', 'nah, thank you']) {
        const say = conversation();
        await say('recommend a comedy');
        const turn = await say(message);
        expect(turn.items, message).toEqual([]);
        expect(turn.reply, message).toBe('Okay. Tell me whenever you want other ideas.');
      }
      expect((await firstTurn('thanks, dramas please')).items.filter((item) => has(item, 'Drama')).length).toBeGreaterThanOrEqual(4);
    });

    it('says it cannot choose by running time for "a long film please" (The Long Kiss Goodnight had been listed first)', async () => {
      const turn = await firstTurn('a long film please');
      expect(turn.reply).toMatch(/^I cannot choose films by running time/);
      expect(titles(turn.items)).not.toContain('Long Kiss Goodnight, The (1996)');
    });

    it('lists no children\'s films for "with a family friend tonight", nor after "actually, alone tonight"', async () => {
      const friend = await firstTurn('with a family friend tonight');
      expect(friend.reply).not.toMatch(/children/);
      expect(friend.items.filter((item) => has(item, "Children's")).length).toBeLessThanOrEqual(1);
      const say = conversation();
      expect((await say("I'm watching with my kids")).reply).toMatch(/\(for children\)/);
      const alone = await say('actually, alone tonight');
      expect(alone.items.filter((item) => has(item, "Children's")).length).toBeLessThanOrEqual(1);
      expect((await say('my kids are back, what can we watch?')).items.filter((item) => has(item, "Children's")).length).toBeGreaterThanOrEqual(4);
      expect((await firstTurn('my son is 5, something for him')).reply).toMatch(/\(for children\)/);
    });
  });

  /**
   * The sixteenth pass's review: "I'm not alone tonight" was read as watching alone and dropped the children's films, and
   * "just one more thing: …" still asked for one film.
   */
  describe("the sixteenth pass's review", () => {
    it('keeps the children\'s films after "I\'m not alone tonight" (the general list had answered)', async () => {
      const say = conversation();
      expect((await say("I'm watching with my kids")).reply).toMatch(/\(for children\)/);
      const turn = await say("I'm not alone tonight");
      expect(turn.items.filter((item) => has(item, "Children's")).length).toBeGreaterThanOrEqual(4);
    });

    it('lists five films for "just one more thing: no horror" after a list (one had answered)', async () => {
      const say = conversation();
      await say('recommend a drama');
      const turn = await say('just one more thing: no horror');
      expect(turn.items).toHaveLength(5);
      expect(turn.items.filter((item) => has(item, 'Horror'))).toEqual([]);
    });
  });

  /**
   * The seventeenth pass, from a user-journey audit and two reviews: a title's words read as an ask ("Thirty-Two Short Films
   * About Glenn Gould" got "I cannot choose films by running time"), an unknown title ending in "!" lost the film after it,
   * films the catalogue lacks ("I loved The Matrix") went unsaid and were noted as tastes, a year after the catalogue's last
   * read as films used up, the simulated users' lukewarm lines read as nothing, and "fargo was great" in lower case was not rated.
   */
  describe('the seventeenth pass', () => {
    it('reads no running-time ask in the title "Thirty-Two Short Films About Glenn Gould" (one had been said)', async () => {
      const turn = await firstTurn('I have not seen Thirty-Two Short Films About Glenn Gould, it might be interesting. Do you have anything else?');
      expect(turn.reply).not.toMatch(/running time/);
      expect(turn.items.length).toBeGreaterThan(0);
      expect((await firstTurn('a short film please')).reply).toMatch(/^I cannot choose films by running time/);
    });

    it('notes Alien in "I loved Airplane! and Alien" and says Airplane is not in the catalogue (nothing had been noted)', async () => {
      const say = conversation();
      const turn = await say('I loved Airplane! and Alien');
      expect(turn.reply).toMatch(/^I cannot find Airplane in my catalogue \(its films go up to 1998\)/);
      expect(turn.reply).toMatch(/Noted: you like Alien \(1979\)\. /);
      expect(ratedTitles(say.userId)).toEqual([['Alien (1979)', 5]]);
    });

    it('says a judged film the catalogue lacks is missing, and notes no taste for its words ("you like inception and alien")', async () => {
      expect((await firstTurn('I loved the movie The Matrix')).reply).toMatch(/^I cannot find The Matrix in my catalogue \(its films go up to 1998\)/);
      const turn = await firstTurn('I loved Inception and Alien');
      expect(turn.reply).toMatch(/^I cannot find Inception in my catalogue/);
      expect(turn.reply).toMatch(/Noted: you like Alien \(1979\)\. Here/);
      expect(turn.reply).not.toMatch(/inception and alien/i);
      expect((await firstTurn('I loved Alien and Fargo')).reply).toMatch(/^Noted: you like Alien \(1979\) and Fargo \(1996\)\. /);
    });

    it('says the catalogue ends in 1998 for "something from 1999 please" (it had said it had nothing left)', async () => {
      expect((await firstTurn('something from 1999 please')).reply).toMatch(/^My catalogue's films go up to 1998, so I have nothing that fits from 1999\./);
      expect((await firstTurn('a comedy from 1995')).items.every((item) => item.year === 1995)).toBe(true);
    });

    it('rates 2 the lukewarm lines "X does not sound like my kind of film." and "Hmm, X, maybe not." (nothing had been read)', async () => {
      for (const [message, title] of [['Fargo does not sound like my kind of film.', 'Fargo (1996)'], ['Hmm, Casablanca, maybe not.', 'Casablanca (1942)']] as const) {
        const say = conversation();
        await say(message);
        expect(ratedTitles(say.userId), message).toEqual([[title, 2]]);
      }
      for (const message of ['Maybe, I have not seen Fargo.', 'I am not sure about Fargo, I have not seen it.', 'I have not seen Fargo, it might be interesting.']) {
        const say = conversation();
        await say(message);
        expect(ratedTitles(say.userId), message).toEqual([]);
      }
    });

    it('rates "fargo was great" written in lower case (it had not been read), not "fargo is great"', async () => {
      const was = conversation();
      await was('fargo was great');
      expect(ratedTitles(was.userId)).toEqual([['Fargo (1996)', 4]]);
      const is = conversation();
      await is('fargo is great');
      expect(ratedTitles(is.userId)).toEqual([]);
    });
  });

  /**
   * The review of the seventeenth pass: a name after "I loved" is said to be a film the catalogue lacks only with a sign it
   * is a film ("I really loved Italy", an SPC turn, had been told "I cannot find Italy in my catalogue").
   */
  describe("the seventeenth pass's review", () => {
    it('says no place, band, show or person is a film it cannot find ("I cannot find Italy in my catalogue" had been said)', async () => {
      for (const message of ["It's hard to say, but I really loved Italy.", 'I loved Metallica', 'I loved Friends', 'I loved Taylor Swift', 'I loved The Matrix', 'I like other bands like Slayer and Megadeth']) {
        const say = conversation();
        const turn = await say(message);
        expect(turn.reply, message).not.toMatch(/cannot find/);
        expect(ratedTitles(say.userId), message).toEqual([]);
      }
    });

    it('says a film it lacks is missing when the message shows it is a film: a film word, a quote, a catalogue film beside it, a question for films like it', async () => {
      for (const [message, name] of [
        ['I loved the movie Inception', 'Inception'],
        ['I loved Inception, the film', 'Inception'],
        ['I loved "Gladiator"', 'Gladiator'],
        ['I loved The Matrix and Fargo', 'The Matrix'],
        ['I really loved Gladiator, anything similar?', 'Gladiator'],
      ] as const) {
        expect((await firstTurn(message)).reply, message).toMatch(new RegExp(`^I cannot find ${name} in my catalogue \\(its films go up to 1998\\)`));
      }
    });

    it('reads a message of many judged or example names in linear time (each name had been looked up again after each "I loved")', async () => {
      const { userId } = conversation();
      const turn = (message: string) => service.chatRec.chat({ userId, message, k: 5 });
      // The length HTTP allows (10,000 characters) and 4 times it: about 4 times the time where linear, 16 where quadratic.
      for (const fill of ['I loved Italy ', 'we hated Zork, ', 'something like Zork, ']) {
        const [short, long] = [10_000, 40_000].map((length) => `${fill.repeat(Math.ceil(length / fill.length)).slice(0, length - 10)}the movie`) as [string, string];
        expect(await timeGrowth(turn, short, long), fill).toBeLessThan(8);
      }
    });
  });
  /**
   * The eighteenth pass, from a third transcript audit: the simulated users' "X, hmm, not really." read as nothing, the
   * off-topic note ending an instruction with a question mark (answered "I am.", which got a list), a genre asked once
   * labelling the lists chit-chat got, and film noir labelled "(noir)".
   */
  describe('the eighteenth pass', () => {
    it('rates 2 a film turned down with "not really" right after its title ("X, hmm, not really." had read nothing)', async () => {
      for (const [message, rated] of [
        ['Dances with Wolves, hmm, not really.', [['Dances with Wolves (1990)', 2]]],
        ['The Full Monty, hmm, not really. I have not seen Wag the Dog, it might be interesting.', [['Full Monty, The (1997)', 2]]],
        ['Fargo, not really.', [['Fargo (1996)', 2]]],
        ['Hmm, Fargo, maybe not.', [['Fargo (1996)', 2]]],
        ["I'm not really into Fargo.", [['Fargo (1996)', 2]]],
        ["I'm not really sure about Fargo.", []],
        ['Fargo, hmm, not really sure.', []],
      ] as const) {
        const say = conversation();
        await say(message);
        expect(ratedTitles(say.userId), message).toEqual(rated);
      }
    });

    it('ends the off-topic note with a full stop, and answers a bare "I am." after it with a prompt, not a list', async () => {
      for (const answer of ['I am.', 'I am', "Yes, I'm."]) {
        const say = conversation();
        const note = await say('What do you know about investment banking?');
        expect(note.reply).toMatch(/Tell me a film you liked, or what you are in the mood for\.$/);
        const turn = await say(answer);
        expect(turn.items, answer).toEqual([]);
        expect(turn.reply, answer).toMatch(/^Tell me a film you liked/);
      }
      const say = conversation();
      await say('What do you know about investment banking?');
      expect((await say('I am in the mood for a comedy.')).items.length).toBeGreaterThan(0);
      expect((await firstTurn('I am.')).items.length).toBeGreaterThan(0);
    });

    it('labels no list for chit-chat with the genre an earlier turn asked for ("My favorite food is pizza." had read "(documentary)")', async () => {
      const say = conversation();
      await say('Do you have any favorite documentaries?');
      for (const message of ['My favorite food is pizza.', 'I like your hair.']) expect((await say(message)).reply, message).not.toMatch(/\(documentary\)/);
      const again = conversation();
      await again('Any documentaries?');
      expect((await again('Something else?')).reply).toMatch(/\(documentary\):/);
    });

    it('says "film noir", not "noir", when a request holds it', async () => {
      const say = conversation();
      await say('I usually like dramas.');
      expect((await say('Anything else you would suggest? I am more in the mood for film noir movies.')).reply).toMatch(/^[^\n]*\(film noir\):/);
      expect((await firstTurn('a thriller, no film noir please')).reply).toMatch(/^[^\n]*\(thriller, no film noir\):/);
    });
  });

  /**
   * The review of the eighteenth pass: an answer that goes along with the last list ("sure", "go on", "next", "I am.") asks
   * for more of the session's request, so its reply names it again (the pass had read them as chit-chat that asks nothing).
   */
  describe("the eighteenth pass's review", () => {
    it('names the genre asked for when the next turn only goes along ("Here are more:" had answered "next" after comedies)', async () => {
      for (const answer of ['sure', 'go on', 'next', 'keep going', 'I am.', 'Yes.', 'Yes, go on.']) {
        const say = conversation();
        await say('Any comedies?');
        const turn = await say(answer);
        expect(turn.reply.split('\n')[0], answer).toMatch(/\(comedy\):$/);
        expect(turn.items.filter((item) => has(item, 'Comedy')).length, answer).toBeGreaterThanOrEqual(4);
      }
      const say = conversation();
      await say('Any comedies?');
      expect((await say('Sure, my favorite food is pizza.')).reply).not.toMatch(/\(comedy\)/);
    });

    it('reads a long run of words that go along in linear time', async () => {
      const { userId } = conversation();
      const turn = (message: string) => service.chatRec.chat({ userId, message, k: 5 });
      for (const fill of ['yes, go on ', 'sure ']) {
        const [short, long] = [10_000, 40_000].map((length) => `${fill.repeat(Math.ceil(length / fill.length)).slice(0, length - 1)}x`) as [string, string];
        expect(await timeGrowth(turn, short, long), fill).toBeLessThan(8);
      }
    });
  });

  /**
   * The nineteenth pass (session 27, from the faults the eighteenth left): a remark that asks for nothing is not searched by its
   * words, a general-knowledge question gets the off-topic note, "ok" after a list is taken in, and "Fargo? Not really." rates.
   */
  describe('the nineteenth pass', () => {
    const titles = (items: readonly Item[]) => items.map((item) => item.title);
    it("does not lead with a film a remark's everyday words match (\"He's my best friend.\" had led with My Best Friend's Wedding)", async () => {
      for (const [message, title] of [
        ["Me too! He's my best friend.", "My Best Friend's Wedding (1997)"],
        ["He's my best friend.", "My Best Friend's Wedding (1997)"],
        ["That's great! I'd love to hear some of your music sometime.", 'Nick of Time (1995)'],
      ] as const) {
        const say = conversation();
        await say('Hi there!');
        expect(titles((await say(message)).items), message).not.toContain(title);
      }
      // A film named, or a subject asked for, is still searched.
      expect(titles((await firstTurn("Have you got My Best Friend's Wedding?")).items)[0]).toBe("My Best Friend's Wedding (1997)");
      expect(titles((await firstTurn('alien')).items).slice(0, 3).every((title) => title.startsWith('Alien'))).toBe(true);
    });

    it('answers a general-knowledge question with the off-topic note, a question about the film with it', async () => {
      for (const message of ['What is the capital of France?', 'Who is the president of France?']) {
        const turn = await firstTurn(message);
        expect(turn.items, message).toEqual([]);
        expect(turn.reply, message).toMatch(/^I can only help with films/);
      }
      expect(titles((await firstTurn('Have you got Paris, France?')).items)[0]).toBe('Paris, France (1993)');
    });

    it('takes in "ok" or "cool" after a list without a greeting or a new list, and "ok, more please" gets more', async () => {
      for (const answer of ['ok', 'cool', 'Cool!', 'okay.']) {
        const say = conversation();
        await say('a comedy please');
        const turn = await say(answer);
        expect(turn.items, answer).toEqual([]);
        expect(turn.reply, answer).toBe('Do any of those appeal? Tell me which, or ask for more.');
      }
      expect((await firstTurn('ok')).reply).toMatch(/^Hello!/);
      const say = conversation();
      await say('a comedy please');
      const more = await say('ok, more please');
      expect(more.items.filter((item) => has(item, 'Comedy')).length).toBeGreaterThanOrEqual(4);
    });

    it('rates 2 a film turned down with "not really" in the next sentence ("Fargo? Not really." had read nothing)', async () => {
      for (const [message, rated] of [
        ['Fargo? Not really.', [['Fargo (1996)', 2]]],
        ['Fargo? Maybe not.', [['Fargo (1996)', 2]]],
        ['Fargo? Not really sure.', []],
      ] as const) {
        const say = conversation();
        await say(message);
        expect(ratedTitles(say.userId), message).toEqual(rated);
      }
    });

    it("lists for a companion's or a child's taste, without noting it as the user's (\"my wife loves comedies\" had got the general list)", async () => {
      for (const [message, tags] of [
        ['my wife loves comedies', ['Comedy']],
        ['my family loves comedies', ['Comedy']],
        ['my kids love cartoons', ['Animation', "Children's"]],
      ] as const) {
        const turn = await firstTurn(message);
        expect(turn.reply, message).not.toMatch(/Noted: you like/);
        expect(turn.items.filter((item) => tags.some((tag) => has(item, tag))).length, message).toBeGreaterThanOrEqual(4);
      }
    });

    it('reads "a relaxing evening" as the light mood, "alone with the kids" as children watching, and "any ideas?" as an ask', async () => {
      expect((await firstTurn('a relaxing evening')).reply).toMatch(/^Feel-good picks for something light:/);
      const kids = await firstTurn('alone with the kids');
      expect(kids.items.filter((item) => has(item, "Children's")).length).toBeGreaterThanOrEqual(3);
      expect((await firstTurn('a long weekend, any ideas?')).items.length).toBe(5);
      // Told of, not asked: no mood.
      expect((await firstTurn('We had a relaxing evening yesterday.')).reply).not.toMatch(/Feel-good/);
    });
  });

  /**
   * The nineteenth pass reviewed (session 27): a film question that reads like a general-knowledge one, a series a remark
   * names, "more" said with a negation, and two acknowledgements in a row.
   */
  describe('the nineteenth pass, reviewed', () => {
    const titles = (items: readonly Item[]) => items.map((item) => item.title);
    it('answers a general-knowledge question about a film named in it, not with the off-topic note', async () => {
      for (const [message, title] of [
        ['Who is the president in Air Force One?', 'Air Force One (1997)'],
        ['What is the language of Casablanca?', 'Casablanca (1942)'],
        ['Who is the king in The Lion King?', 'Lion King, The (1994)'],
      ] as const) {
        const turn = await firstTurn(message);
        expect(turn.reply, message).not.toMatch(/^I can only help with films/);
        expect(titles(turn.items)[0], message).toBe(title);
      }
      expect((await firstTurn('What is the capital of France?')).reply).toMatch(/^I can only help with films/);
    });

    it('searches a series a remark names ("He loves Star Trek" had got the general list)', async () => {
      for (const [message, title] of [
        ['He loves Star Trek', /^Star Trek/],
        ['My kids love Winnie the Pooh', /^Winnie the Pooh/],
      ] as const) {
        expect(titles((await firstTurn(message)).items)[0], message).toMatch(title);
      }
      // Everyday words are still not searched.
      const say = conversation();
      await say('Hi there!');
      expect(titles((await say("Me too! He's my best friend.")).items)).not.toContain("My Best Friend's Wedding (1997)");
    });

    it('lists nothing for "more" said with a negation after a list ("ok, nothing more" had listed more comedies)', async () => {
      for (const answer of ['ok, nothing more', "ok, I don't need any more", "great, I couldn't ask for more"]) {
        const say = conversation();
        await say('a comedy please');
        expect((await say(answer)).items, answer).toEqual([]);
      }
      const say = conversation();
      await say('a comedy please');
      expect((await say('ok, one more')).items.length).toBeGreaterThan(0);
    });

    it('takes in two acknowledgements in a row after a list ("ok cool" had been greeted)', async () => {
      for (const answer of ['ok cool', 'ok great', 'Cool, cool.', 'okay, got it']) {
        const say = conversation();
        await say('a comedy please');
        const turn = await say(answer);
        expect(turn.items, answer).toEqual([]);
        expect(turn.reply, answer).toBe('Do any of those appeal? Tell me which, or ask for more.');
      }
    });

    it('reads long runs of capitalised names and of acknowledgements in linear time', async () => {
      const { userId } = conversation();
      const turn = (message: string) => service.chatRec.chat({ userId, message, k: 5 });
      for (const [start, fill] of [
        ['He loves ', 'Star the '],
        ['He loves ', 'STAR'],
        ['', 'ok, cool '],
      ] as const) {
        const [short, long] = [10_000, 40_000].map((length) => `${start}${fill.repeat(Math.ceil(length / fill.length)).slice(0, length - start.length - 1)}x`) as [string, string];
        expect(await timeGrowth(turn, short, long), fill).toBeLessThan(8);
      }
    });
  });

  describe('the twentieth pass', () => {
    const titles = (items: readonly Item[]) => items.map((item) => item.title);
    it('keeps a taste said in other words for the first list (a paraphrase sweep of "I usually like dramas")', async () => {
      // Before, each got the general list (Star Wars first) and searched the genre word or a filler ("guess", "help pick").
      for (const message of [
        "I'm partial to dramas. Looking for a film.",
        'I usually go for dramas. I am looking for a movie to watch tonight.',
        'Hello. I tend to enjoy dramas. What would you suggest?',
        'Hi! I guess I kind of like dramas. Looking for something to watch tonight.',
        "I'm keen on dramas. Help me pick a movie?",
        'drama fan here, what should I watch tonight?',
      ]) {
        const turn = await firstTurn(message);
        expect(turn.reply, message).toMatch(/\(drama\):/);
        expect(turn.items.filter((item) => has(item, 'Drama')).length, message).toBe(5);
      }
    });

    it('leaves out the films of a series whose titles do not share its name ("a sci-fi film, not Star Wars")', async () => {
      // Before: Return of the Jedi second, The Empire Strikes Back fifth.
      const starWars = await firstTurn('a sci-fi film, not Star Wars');
      expect(starWars.reply).toMatch(/^Noted: leaving out Star Wars \(1977\), The Empire Strikes Back \(1980\) and Return of the Jedi \(1983\)\./);
      expect(titles(starWars.items).filter((title) => /Star Wars|Empire Strikes|Jedi/.test(title))).toEqual([]);
      expect(starWars.items.every((item) => has(item, 'Sci-Fi'))).toBe(true);
      // Raiders of the Lost Ark is an Indiana Jones film too; a series whose titles share its name is left out as before.
      expect(titles((await firstTurn('an adventure film but not Indiana Jones')).items)).not.toContain('Raiders of the Lost Ark (1981)');
      expect(titles((await firstTurn('no Star Trek, a sci-fi film please')).items).filter((title) => title.startsWith('Star Trek'))).toEqual([]);
      // Naming a later film leaves out only that one.
      expect(titles((await firstTurn('a sci-fi film, not Return of the Jedi')).items)).toContain('Star Wars (1977)');
    });

    it('leans a topic it cannot choose by to the genre its word names, when no genre is asked ("any alien films?" had got the general list)', async () => {
      for (const [message, topic] of [
        ['any alien films?', 'alien'],
        ['any space films?', 'space'],
        ['a robot movie please', 'robot'],
      ] as const) {
        const turn = await firstTurn(message);
        expect(turn.reply, message).toMatch(new RegExp(`^I cannot choose films by what they are about \\(${topic}\\), so these are sci-fi films, the genre nearest it\\. Here is what I would suggest \\(sci-fi\\):`));
        expect(turn.items.every((item) => has(item, 'Sci-Fi')), message).toBe(true);
      }
      // A genre asked for stays the one asked ("any alien comedies?"), and a topic with no genre leans nowhere.
      const comedy = await firstTurn('any alien comedies?');
      expect(comedy.reply).toMatch(/so these go by the rest of what you asked\. Here is what I would suggest \(comedy\):/);
      expect((await firstTurn('any films about dogs?')).reply).toMatch(/so these go by the rest of what you asked\. Here is what I would suggest:/);
    });

    it('reads "no kids" as no children\'s films: it ends the children\'s films asked for and the light mood does not lean to them', async () => {
      // Before: Aladdin, Hercules and Toy Story led the first three; "not for kids" had asked for children's films.
      for (const script of [['a relaxing evening alone, no kids'], ['something light, not for kids'], ['something for the kids', 'actually no kids']]) {
        const say = conversation();
        let turn = await say(script[0] as string);
        for (const message of script.slice(1)) turn = await say(message);
        expect(turn.reply, script.join(' > ')).not.toContain('for children');
        expect(turn.items.filter((item) => has(item, "Children's")).map((item) => item.title), script.join(' > ')).toEqual([]);
      }
      // "I have no kids" tells of life: the light list is as without it.
      const told = titles((await firstTurn('I have no kids, something light please')).items);
      expect(told).toEqual(titles((await firstTurn('something light please')).items));
    });

    it('reads long runs of likings, "no kids" and spaces in linear time', async () => {
      const { userId } = conversation();
      const turn = (message: string) => service.chatRec.chat({ userId, message, k: 5 });
      for (const [start, fill] of [
        ['something light, ', 'have no kids '],
        ['any suggestions? ', "I'm partial to dramas-ish "],
        ['any alien films? I have', ' '],
      ] as const) {
        const [short, long] = [10_000, 40_000].map((length) => `${start}${fill.repeat(Math.ceil(length / fill.length)).slice(0, length - start.length - 8)}no kids`) as [string, string];
        expect(await timeGrowth(turn, short, long), fill).toBeLessThan(8);
      }
    });
  });

  /**
   * The twentieth pass, reviewed (session 27): a liking said in other words beside a request that names its own genre, or
   * turned from; "not Star Wars" beside a film of the series said welcome, or "itself"; accepting a film offered read as a
   * rating of it (a transcript audit's F1); a film taken up listed again next (F9); genre words read in time
   * quadratic in their number.
   */
  describe('the twentieth pass, reviewed', () => {
    const titles = (items: readonly Item[]) => items.map((item) => item.title);
    it('asks for the genre a request names, not the liking said in other words beside it, nor one turned from', async () => {
      // Each had asked for both ("drama and comedy"); the liking's own request still asks for its genre.
      for (const message of ["Drama fan here, but what's a good comedy?", 'I usually go for dramas. Any comedies?', "I'm a sucker for westerns. What's a good comedy?"]) {
        expect((await firstTurn(message)).reply, message).toMatch(/Here is what I would suggest \(comedy\):/);
      }
      const turnedFrom = await firstTurn("I usually go for dramas, but I'm not in the mood for one tonight. Any film?");
      expect(turnedFrom.reply).not.toMatch(/\(drama\)/);
      expect((await firstTurn('I tend to enjoy dramas, thrillers too. Any suggestions?')).reply).toMatch(/\(drama and thriller\):/);
    });

    it('keeps a film of a series left out that the message welcomes, and "itself" leaves out that film alone', async () => {
      // Before, both left out all three Star Wars films (the commit's series list).
      const welcome = await firstTurn('a sci-fi film, not Star Wars, but Return of the Jedi is fine');
      expect(welcome.reply).toMatch(/^Noted: leaving out Star Wars \(1977\) and The Empire Strikes Back \(1980\)\./);
      expect(titles(welcome.items)).toContain('Return of the Jedi (1983)');
      const itself = await firstTurn('a sci-fi film like Star Wars, but not Star Wars itself');
      expect(itself.reply).toMatch(/leaving out Star Wars \(1977\)\./);
      expect(titles(itself.items).filter((title) => /Empire Strikes|Jedi/.test(title)).length).toBeGreaterThan(0);
      // Named inside the phrase, it is left out with the rest.
      expect((await firstTurn('a sci-fi film, not Star Wars or Return of the Jedi')).reply).toMatch(/^Noted: leaving out Star Wars \(1977\), The Empire Strikes Back \(1980\) and Return of the Jedi \(1983\)\./);
    });

    it('reads taking up a film offered as interest, not a rating of a film seen (F1)', async () => {
      const opener = 'I am looking for a movie to watch tonight. I usually like dramas.';
      // Each had stored Titanic as a 4 and said "Noted: you like Titanic (1997)".
      for (const line of ['Yes! Titanic looks great, thanks.', 'Ooh, Titanic could be great.', 'I like the sound of Titanic.', 'Titanic sounds perfect, I will watch that!']) {
        const say = conversation();
        await say(opener);
        const turn = await say(line);
        expect(ratedTitles(say.userId), line).toEqual([]);
        expect(turn.reply, line).not.toMatch(/you like Titanic/);
      }
      // A verdict on a film seen is still one.
      for (const [line, value] of [['I loved Titanic', 5], ['Titanic was great', 4]] as const) {
        const say = conversation();
        await say(opener);
        await say(line);
        expect(ratedTitles(say.userId), line).toEqual([['Titanic (1997)', value]]);
      }
    });

    it('leaves out a film the message takes up from the list after it (F9: "Oh, Ulee\'s Gold is exactly what I was looking for.")', async () => {
      // The audit's reproduction: Ulee's Gold (#297) had led the next list (MovieLens's other copy, #303, was already kept out with it).
      const say = conversation();
      await say('I usually like dramas and romance movies.');
      const turn = await say("Oh, Ulee's Gold is exactly what I was looking for.");
      expect(turn.items.length).toBe(5);
      expect(titles(turn.items)).not.toContain("Ulee's Gold (1997)");
      // Taken up with interest, as F1's wordings: Titanic is not listed again.
      const other = conversation();
      await other('I am looking for a movie to watch tonight. I usually like dramas.');
      expect(titles((await other('Yes! Titanic looks great, thanks.')).items)).not.toContain('Titanic (1997)');
    });

    it('reads a message of many genre words in linear time (each read the whole text before it for a negation)', async () => {
      const vocabulary = { stems: service.catalog.tagStems(), latestYear: service.catalog.latestYear() };
      const read = (message: string) => readConstraints(message, vocabulary);
      // 10-15 before (the twentieth pass's "I'm partial to dramas-ish" turn row had reached 6.1, the turn's own work hiding it).
      for (const fill of ["I'm partial to dramas ", 'I like dramas ', 'dramas-ish ']) {
        const [short, long] = [10_000, 40_000].map((length) => `any suggestions? ${fill.repeat(Math.ceil(length / fill.length)).slice(0, length - 25)}no kids`) as [string, string];
        expect(await timeGrowth(read, short, long), fill).toBeLessThan(8);
      }
    });
  });
});
