import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTinyService, type TinyService } from '../test/harness.js';
import { readConstraints } from './constraints.js';
import { queryContent } from './query-text.js';
import { collectTagStems } from './taste.js';
import { TitleOpinionReader } from './title-opinions.js';

/**
 * Chat messages built to make the pipeline's patterns backtrack: long runs of whitespace, apostrophes or hyphens between
 * and around titles and opinion words, at the API's longest message (10,000 characters). Each had made one offline turn
 * take from 0.4 s to minutes (a normal turn takes ~10 ms); each now takes time linear in its length. ("i i i …", which
 * the profile extractor read in quadratic time, is covered by `@personalab/profile`'s adversarial-input test.)
 */
const longest = 10_000;
/** `text` padded with `fill` in the middle (at `{}`) to the API's longest message. */
const padded = (text: string, fill: string): string => {
  const [head = '', tail = ''] = text.split('{}');
  return head + fill.repeat(Math.ceil((longest - head.length - tail.length) / fill.length)).slice(0, longest - head.length - tail.length) + tail;
};

/** Each message and the time one turn had taken before (measured on a 2-core machine). */
const messages: [string, string][] = [
  // The running-time ask's lookbehind, the "no singing" lookbehind, the title-opinion separators: 1.5 s.
  ['spaces after a title', padded('I loved Fargo{}x', ' ')],
  ['tabs after a title', padded('I loved Fargo{}x', '\t')],
  ['newlines after a title', padded('I loved Fargo{}x', '\n')],
  ['no-break spaces after a title', padded('I loved Fargo{}x', '\u00a0')],
  ['mixed whitespace after a title', padded('I loved Laugh Riot{}but hated Blood Night', ' \t\n\u00a0')],
  // `^\s*[-–]?\s*(?:style|…)` and `,?\s+but` after a title opening the message: 1–2 s.
  ['spaces, then a full stop, between two opinions', padded('I loved Laugh Riot{}.but hated Blood Night', ' ')],
  ['spaces around a title', padded('{}I really liked Space Quest   x', ' ')],
  ['spaces before an opinion after "but"', padded('Laugh Riot was great but{}boring', ' ')],
  ['spaces between a request and a running time', padded('recommend a comedy{}under 90 minutes', ' ')],
  // `\s*(?:so far|before|earlier)?\s*[?.!]*\s*$`: every split of the run (25 s for 4,000 spaces).
  ['spaces after "what did I say"', padded('what did i say{}x', ' ')],
  // The seventh QA pass's readers of choices and questions about a film, as first written: a name of up to 60 characters
  // that could start or end in the run, then `\s*,?\s+or`, then `\s*[?.!]*\s*$` (75 s for 2,000 spaces before a title).
  ['spaces before a choice between films', padded('{}Laugh Riot or Blood Night?', ' ')],
  ['spaces inside a choice between films', padded('which is better, Laugh Riot{}or Blood Night?', ' ')],
  ['spaces after a choice between films', padded('Laugh Riot or Blood Night{}x', ' ')],
  ['spaces inside a question about a film', padded('is{}Zombie Street scary?', ' ')],
  ['spaces after a question about the list', padded('which of these is the best{}x', ' ')],
  ['spaces inside a request for two people', padded('my wife loves romance{}and I like comedies, something for both of us', ' ')],
  // The eighth QA pass's readers: genres offered as alternatives, a year before a film word, two tastes side by side, an
  // opening question before a year, and everyday words of titles in quotes.
  ['spaces between genres offered as alternatives', padded('anything scary{}or funny?', ' ')],
  ['spaces after "or" between genres', padded('horror or{}a comedy', ' ')],
  ['spaces between a year and a film word', padded('a 1995{}film', ' ')],
  ['spaces between two tastes', padded('my kids love cartoons{}and I like comedies', ' ')],
  ['spaces after an opening question', padded('what do you have{}from 1995?', ' ')],
  ['spaces inside quotes', padded('something like "{}mom"', ' ')],
  // Its review: a count of films before a year, and a year after "the" with no film word after it.
  ['spaces between a count word and a year', padded('a film, we have{}1995 films', ' ')],
  ['spaces after "the" and a year', padded('a film, the 1995{}x', ' ')],
  // The ninth QA pass's readers: a number of people, a genre corrected, a question to the recommender, a title and its year.
  ['spaces between a genre and a number of people', padded('a comedy for{}4 people', ' ')],
  ['spaces before a correction between genres', padded('horror,{}or rather a comedy', ' ')],
  ['spaces after "actually" between genres', padded('horror. actually{}a comedy', ' ')],
  ['spaces inside a question to the recommender', padded('have you{}seen Zombie Street?', ' ')],
  ['spaces after a question to the recommender', padded('have you seen Zombie Street?{}x', ' ')],
  ['spaces between a correction and a word before its genre', padded('horror, or rather{}x a comedy', ' ')],
  ['spaces between a title and a year', padded('something like Zombie Street{}1995', ' ')],
];

/** The fastest of `runs` calls of `turn`, in milliseconds (the least disturbed by other work on a busy machine). */
async function fastest(turn: () => Promise<unknown>, runs = 3): Promise<number> {
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    await turn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

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
  const firstTurn = (message: string) => async () => {
    const userId = `adversarial-${users++}`;
    tiny.service.store.createUser({ id: userId });
    return tiny.service.chatRec.chat({ userId, message, k: 5 });
  };

  it.each(messages)('answers %s (10,000 characters) in linear time', async (_name, message) => {
    expect(message).toHaveLength(longest);
    // Linear, it takes 10–60 ms; the bound is loose enough for a loaded machine and far below the times before.
    expect(await fastest(firstTurn(message))).toBeLessThan(300);
  });

  it('reads "more" followed by a long run of spaces after a list in linear time', async () => {
    // The paging pattern's `\s*(?:please|pls)?\s*[?.!]*\s*$` split the run every way (cubic: minutes at this length).
    const message = padded('more{}x', ' ');
    const userId = `adversarial-${users++}`;
    tiny.service.store.createUser({ id: userId });
    const { sessionId } = await tiny.service.chatRec.chat({ userId, message: 'recommend me a comedy', k: 5 });
    expect(await fastest(() => tiny.service.chatRec.chat({ userId, sessionId, message, k: 5 }))).toBeLessThan(300);
  });

  it.each([
    ['a pick asked for if it had to choose', padded('if you had to choose one,{}which would it be?', ' ')],
    ['its top pick asked for', padded('which of those is your{}top pick?', ' ')],
  ])('reads %s after a list, with a long run of spaces, in linear time', async (_name, message) => {
    const userId = `adversarial-${users++}`;
    tiny.service.store.createUser({ id: userId });
    const { sessionId } = await tiny.service.chatRec.chat({ userId, message: 'recommend me a comedy', k: 5 });
    expect(await fastest(() => tiny.service.chatRec.chat({ userId, sessionId, message, k: 5 }))).toBeLessThan(300);
  });

  it('still reads what it read before around the runs it now reads in linear time', async () => {
    // A title, its opinion and a running-time ask are found as before, whitespace between them or not.
    const turn = await firstTurn(`I loved Laugh Riot${' '.repeat(3000)}but hated Blood Night`)();
    expect(turn.recommendations.map((entry) => entry.item.title)).not.toContain('Blood Night');
  });
});

describe('patterns read word by word, on a word as long as a turn allows and longer', () => {
  const vocabulary = { stems: collectTagStems([{ id: 'x', title: 'x', tags: ['Comedy', 'Horror', 'Musical'] }]), latestYear: 1998 };
  // `'+$` and `-+$` tried from every character of a run that does not end the word: 0.1 s at 10,000 characters in a
  // turn, 0.8–1.1 s at 40,000; taken from the run's start only, under 1 ms and 35 ms.
  it('takes the apostrophes off the ends of a word of 100,000 apostrophes in linear time', async () => {
    const text = `I loved Fargo${"'".repeat(100_000)}x`;
    expect(await fastest(async () => queryContent(text))).toBeLessThan(300);
    expect(queryContent("I loved Fargo's 'twist'")).toBe(queryContent("I loved Fargo's twist"));
  });

  it('takes the hyphens off the end of a word of 100,000 hyphens in linear time', async () => {
    const text = `a comedy${'-'.repeat(100_000)}x`;
    expect(await fastest(async () => readConstraints(text, vocabulary))).toBeLessThan(300);
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
    const message = 'i loved heat, '.repeat(1500) + 'i enjoyed fargo 1996';
    const read = () => reader.read(message).map((opinion) => [opinion.item.title, opinion.polarity]);
    expect(await fastest(async () => read())).toBeLessThan(200);
    expect(read()).toEqual([
      ['Heat (1995)', 'like'],
      ['Fargo (1996)', 'like'],
    ]);
  });

  // Each opinion word's subject ("I", "my wife", "he said") had been looked for in the whole sentence before it: 0.12 s at
  // 10,000 characters, 0.45 s at 20,000 (twice the API's longest message, where the times before and after lie far apart).
  it('reads whose opinion each of 3,000 opinion words is in linear time', async () => {
    const head = 'I loved Fargo. ';
    const tail = 'and my wife hated Heat but I loved it';
    const message = head + 'i like '.repeat(3000).slice(0, 20_000 - head.length - tail.length) + tail;
    const read = () => reader.read(message).map((opinion) => [opinion.item.title, opinion.polarity, opinion.rating]);
    expect(await fastest(async () => read())).toBeLessThan(200);
    // The wife's dislike is hers; "it" after it gives the user's.
    expect(read()).toEqual([
      ['Fargo (1996)', 'like', 5],
      ['Heat (1995)', 'like', 5],
    ]);
  });
});
