import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeGrowth } from '@personalab/core/test';
import { openTinyService, type TinyService } from '../test/harness.js';
import { readConstraints } from './constraints.js';
import { queryContent } from './query-text.js';
import { collectTagStems } from './taste.js';
import { TitleOpinionReader } from './title-opinions.js';

/**
 * Chat messages built to make the pipeline's patterns backtrack: long runs of whitespace, apostrophes or hyphens between
 * and around titles and opinion words. Each had made one offline turn of 10,000 characters take from 0.4 s to minutes (a
 * normal turn takes ~10 ms); each now takes time linear in its length. The chat API takes at most 4,000 characters; the
 * tests time 10,000 and 40,000, where a step quadratic in the text outweighs the turn's own work. ("i i i …", which the
 * profile extractor read in quadratic time, is covered by `@personalab/profile`'s adversarial-input test.)
 */
const [shortLength, longLength] = [10_000, 40_000];
/** `text` padded with `fill` in the middle (at `{}`) to `length` characters. */
const padded = (text: string, fill: string, length = shortLength): string => {
  const [head = '', tail = ''] = text.split('{}');
  const room = length - head.length - tail.length;
  return head + fill.repeat(Math.ceil(room / fill.length)).slice(0, room) + tail;
};
/** Its text and filler (at `{}`) padded to the short and the long length, for `timeGrowth`. */
const shortAndLong = (text: string, fill: string): [string, string] => [padded(text, fill), padded(text, fill, longLength)];

/** Each message and the time one turn had taken before (measured on a 2-core machine). */
const messages: [string, string, string][] = [
  // The running-time ask's lookbehind, the "no singing" lookbehind, the title-opinion separators: 1.5 s.
  ['spaces after a title', 'I loved Fargo{}x', ' '],
  ['tabs after a title', 'I loved Fargo{}x', '\t'],
  ['newlines after a title', 'I loved Fargo{}x', '\n'],
  ['no-break spaces after a title', 'I loved Fargo{}x', '\u00a0'],
  ['mixed whitespace after a title', 'I loved Laugh Riot{}but hated Blood Night', ' \t\n\u00a0'],
  // `^\s*[-–]?\s*(?:style|…)` and `,?\s+but` after a title opening the message: 1–2 s.
  ['spaces, then a full stop, between two opinions', 'I loved Laugh Riot{}.but hated Blood Night', ' '],
  ['spaces around a title', '{}I really liked Space Quest   x', ' '],
  ['spaces before an opinion after "but"', 'Laugh Riot was great but{}boring', ' '],
  ['spaces between a request and a running time', 'recommend a comedy{}under 90 minutes', ' '],
  // `\s*(?:so far|before|earlier)?\s*[?.!]*\s*$`: every split of the run (25 s for 4,000 spaces).
  ['spaces after "what did I say"', 'what did i say{}x', ' '],
  // The seventh QA pass's readers of choices and questions about a film, as first written: a name of up to 60 characters
  // that could start or end in the run, then `\s*,?\s+or`, then `\s*[?.!]*\s*$` (75 s for 2,000 spaces before a title).
  ['spaces before a choice between films', '{}Laugh Riot or Blood Night?', ' '],
  ['spaces inside a choice between films', 'which is better, Laugh Riot{}or Blood Night?', ' '],
  ['spaces after a choice between films', 'Laugh Riot or Blood Night{}x', ' '],
  ['spaces inside a question about a film', 'is{}Zombie Street scary?', ' '],
  ['spaces after a question about the list', 'which of these is the best{}x', ' '],
  ['spaces inside a request for two people', 'my wife loves romance{}and I like comedies, something for both of us', ' '],
  // The eighth QA pass's readers: genres offered as alternatives, a year before a film word, two tastes side by side, an
  // opening question before a year, and everyday words of titles in quotes.
  ['spaces between genres offered as alternatives', 'anything scary{}or funny?', ' '],
  ['spaces after "or" between genres', 'horror or{}a comedy', ' '],
  ['spaces between a year and a film word', 'a 1995{}film', ' '],
  ['spaces between two tastes', 'my kids love cartoons{}and I like comedies', ' '],
  ['spaces after an opening question', 'what do you have{}from 1995?', ' '],
  ['spaces inside quotes', 'something like "{}mom"', ' '],
  // Its review: a count of films before a year, and a year after "the" with no film word after it.
  ['spaces between a count word and a year', 'a film, we have{}1995 films', ' '],
  ['spaces after "the" and a year', 'a film, the 1995{}x', ' '],
  // The thirteenth QA pass's readers: a topic asked for, a film asked for by its story, a person asked about, two genres one film each.
  ['spaces between a film word and a topic', 'films{}about dogs', ' '],
  ['spaces inside a film asked for by its story', "what's it called,{}the one with the shark?", ' '],
  ['spaces after a person asked about', 'who is tom hanks{}x', ' '],
  ['spaces between two genres asked for one each', 'a comedy{}and a horror film', ' '],
  // The thirteenth pass's review: a topic before a genre, a time long ago, one film of both genres, titles' "&" and "and".
  ['spaces between a topic and a genre', 'sports{}comedies', ' '],
  ['spaces after "something long"', 'something long{}ago', ' '],
  ['spaces before one film of both genres', 'a comedy and maybe a horror{}both', ' '],
  ['spaces inside a title\'s "&" spelled out', 'I loved going in and{}out', ' '],
  ['spaces inside a title\'s "and" written "&"', 'sense &{}sensibility, anything similar?', ' '],
  // The ninth QA pass's readers: a number of people, a genre corrected, a question to the recommender, a title and its year.
  ['spaces between a genre and a number of people', 'a comedy for{}4 people', ' '],
  ['spaces before a correction between genres', 'horror,{}or rather a comedy', ' '],
  ['spaces after "actually" between genres', 'horror. actually{}a comedy', ' '],
  ['spaces inside a question to the recommender', 'have you{}seen Zombie Street?', ' '],
  ['spaces after a question to the recommender', 'have you seen Zombie Street?{}x', ' '],
  ['spaces between a correction and a word before its genre', 'horror, or rather{}x a comedy', ' '],
  ['spaces between a title and a year', 'something like Zombie Street{}1995', ' '],
  // The fourteenth pass and its review: a hedged dislike and a comparison after it, a doubt of having seen a film, a mood
  // word said of someone, "a lot of fun", a goodbye.
  ["spaces between a hedge and a comparison", "I don't think I'd like{}anything more than Laugh Riot", ' '],
  ["spaces inside a doubt of having seen a film", "I don't think I've{}seen Laugh Riot", ' '],
  ['spaces between someone and a mood word', 'my brother is{}serious, anything?', ' '],
  ['spaces before "fun" after "a lot of"', "a movie that's a lot of{}fun", ' '],
  ['spaces inside a goodbye', 'nice talking to you, good{}night', ' '],
  // The sixteenth pass: a lower-case title left out after its article, thanks declined, a long film, cheering up, a child's
  // age, watching alone, "one more thing", a family friend.
  ['spaces inside a lower-case title left out', 'a comedy, not the{}laugh riot please', ' '],
  ['spaces inside thanks declined', 'no,{}thanks', ' '],
  ['spaces before a long film', "it's a{}long film", ' '],
  ['spaces inside cheering up', 'i need{}cheering up', ' '],
  ["spaces inside a child's age", 'my son is{}5, something for him', ' '],
  ['spaces between alone and now', 'actually, alone{}tonight', ' '],
  ['spaces inside "one more thing"', 'recommend one more{}thing', ' '],
  ['spaces inside a family friend', 'with a family{}friend tonight', ' '],
  // The sixteenth pass's review: not alone, an hour after a child, "just one more thing".
  ['spaces before "not alone"', "i won't be{}alone tonight", ' '],
  ["spaces after a child's number", 'my daughter is 2{}hours away, a film tonight?', ' '],
  ['spaces inside "just one more thing"', 'just one more{}thing: no horror', ' '],
];

describe('a chat turn on adversarial text', () => {
  let tiny: TinyService;
  let users = 0;
  beforeAll(async () => {
    tiny = await openTinyService();
  });
  afterAll(async () => {
    await tiny.close();
  });
  /** One turn of a new user: nothing from an earlier turn changes what the message costs. */
  const firstTurn = async (message: string) => {
    const userId = `adversarial-${users++}`;
    tiny.service.store.createUser({ id: userId });
    return tiny.service.chatRec.chat({ userId, message, k: 5 });
  };
  /** A turn of a user who has been shown a list of comedies: what `message` costs after a list. */
  const afterList = async () => {
    const userId = `adversarial-${users++}`;
    tiny.service.store.createUser({ id: userId });
    const { sessionId } = await tiny.service.chatRec.chat({ userId, message: 'recommend me a comedy', k: 5 });
    return (message: string) => tiny.service.chatRec.chat({ userId, sessionId, message, k: 5 });
  };

  it.each(messages)('answers %s in linear time', async (_name, text, fill) => {
    const [short, long] = shortAndLong(text, fill);
    expect([short.length, long.length]).toEqual([shortLength, longLength]);
    // 4 times the text: about 4 times the time where linear (10–60 ms at 10,000 characters), 16 where quadratic. Budgets
    // of 300 ms had failed with other work on a 2-core machine.
    expect(await timeGrowth(firstTurn, short, long)).toBeLessThan(8);
  });

  it('reads "more" followed by a long run of spaces after a list in linear time', async () => {
    // The paging pattern's `\s*(?:please|pls)?\s*[?.!]*\s*$` split the run every way (cubic: minutes at this length).
    expect(await timeGrowth(await afterList(), ...shortAndLong('more{}x', ' '))).toBeLessThan(8);
  });

  it.each([
    ['a pick asked for if it had to choose', 'if you had to choose one,{}which would it be?'],
    ['its top pick asked for', 'which of those is your{}top pick?'],
  ])('reads %s after a list, with a long run of spaces, in linear time', async (_name, text) => {
    expect(await timeGrowth(await afterList(), ...shortAndLong(text, ' '))).toBeLessThan(8);
  });

  it('still reads what it read before around the runs it now reads in linear time', async () => {
    // A title, its opinion and a running-time ask are found as before, whitespace between them or not.
    const turn = await firstTurn(`I loved Laugh Riot${' '.repeat(3000)}but hated Blood Night`);
    expect(turn.recommendations.map((entry) => entry.item.title)).not.toContain('Blood Night');
  });
});

describe('patterns read word by word, on a word as long as a turn allows and longer', () => {
  const vocabulary = { stems: collectTagStems([{ id: 'x', title: 'x', tags: ['Comedy', 'Horror', 'Musical'] }]), latestYear: 1998 };
  // `'+$` and `-+$` tried from every character of a run that does not end the word: 0.1 s at 10,000 characters in a
  // turn, 0.8–1.1 s at 40,000; taken from the run's start only, under 1 ms and 35 ms.
  /** A word of `count` copies of `mark` between `head` and an "x". */
  const markRun = (head: string, mark: string, count: number) => `${head}${mark.repeat(count)}x`;
  it('takes the apostrophes off the ends of a word of 100,000 apostrophes in linear time', async () => {
    expect(await timeGrowth(queryContent, markRun('I loved Fargo', "'", 25_000), markRun('I loved Fargo', "'", 100_000))).toBeLessThan(8);
    expect(queryContent("I loved Fargo's 'twist'")).toBe(queryContent("I loved Fargo's twist"));
  });

  it('takes the hyphens off the end of a word of 100,000 hyphens in linear time', async () => {
    const read = (text: string) => readConstraints(text, vocabulary);
    expect(await timeGrowth(read, markRun('a comedy', '-', 25_000), markRun('a comedy', '-', 100_000))).toBeLessThan(8);
    // "mid-90s": the hyphen left by the decade is still taken off.
    expect(readConstraints('a mid-90s comedy', vocabulary)).toMatchObject({ wanted: { comed: 0.3 }, years: { from: 1993, to: 1997 } });
  });

  it('still reads "nothing with singing" across a long run of spaces, and "anything but" after one', () => {
    expect(readConstraints(`nothing with${' '.repeat(5000)}singing`, vocabulary).avoided).toEqual({ musical: -1 });
    expect(readConstraints(`I love singing${' '.repeat(5000)}x`, vocabulary).avoided).toEqual({});
    expect(readConstraints(`comedies,${' '.repeat(5000)}anything but horror`, vocabulary)).toMatchObject({ wanted: { comed: 0.3 }, avoided: { horror: -1 } });
  });
});

describe('title opinions in a long sentence', () => {
  const reader = new TitleOpinionReader(['Fargo (1996)', 'Heat (1995)'].map((title, index) => ({ id: `i${index}`, title, year: Number(/\((\d{4})\)/.exec(title)?.[1]), tags: [] })));
  // A one-word title in lower case is read by the words just before and after it (ninth QA pass), in windows: a window
  // from the message's start would make each of 2,000 such words read the whole message again.
  it('reads 2,000 one-word titles in lower case, each after a verdict, in linear time', async () => {
    const [short, message] = [375, 1500].map((count) => 'i loved heat, '.repeat(count) + 'i enjoyed fargo 1996') as [string, string];
    const read = (text: string) => reader.read(text).map((opinion) => [opinion.item.title, opinion.polarity]);
    expect(await timeGrowth(read, short, message)).toBeLessThan(8);
    expect(read(message)).toEqual([
      ['Heat (1995)', 'like'],
      ['Fargo (1996)', 'like'],
    ]);
  });

  // "Heat and Fargo, anything similar?" (twelfth QA pass): the rest of a list after a capitalised first title, before a question
  // for films like them, is one pattern from the title's end; a list that no such question ends is read to its end once.
  it('reads a capitalised first title before a list of 4,000 words and no question in linear time', async () => {
    const [short, message] = [1_000, 4_000].map((count) => `Heat${' and fargo'.repeat(count)} x`) as [string, string];
    const read = (text: string) => reader.read(text).map((opinion) => opinion.item.title);
    expect(await timeGrowth(read, short, message)).toBeLessThan(8);
    expect(read('Heat and Fargo, anything similar?')).toEqual(['Heat (1995)', 'Fargo (1996)']);
  });

  // Each opinion word's subject ("I", "my wife", "he said") had been looked for in the whole sentence before it: 0.12 s at
  // 10,000 characters, 0.45 s at 20,000 (twice the API's longest message, where the times before and after lie far apart).
  // Each opinion word had also been checked against every one kept before it for overlap: a ratio of 8.0 to 8.6 here,
  // which failed a clean-clone CI run (5.5 since the check looks up the one kept cue that can overlap).
  it('reads whose opinion each of 3,000 opinion words is in linear time', async () => {
    const head = 'I loved Fargo. ';
    const tail = 'and my wife hated Heat but I loved it';
    const [short, message] = [5_000, 20_000].map((length) => padded(`${head}{}${tail}`, 'i like ', length)) as [string, string];
    const read = (text: string) => reader.read(text).map((opinion) => [opinion.item.title, opinion.polarity, opinion.rating]);
    expect(await timeGrowth(read, short, message)).toBeLessThan(8);
    // The wife's dislike is hers; "it" after it gives the user's.
    expect(read(message)).toEqual([
      ['Fargo (1996)', 'like', 5],
      ['Heat (1995)', 'like', 5],
    ]);
  });
});
