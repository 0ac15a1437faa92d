import { describe, expect, it } from 'vitest';
import { timeGrowth } from '@personalab/core/test';
import { HeuristicProfileExtractor } from './heuristic-profile-extractor.js';
import { normalizeUtterance } from './text/normalize.js';

/**
 * User messages built to make the extractor's patterns backtrack, at the longest message it takes (200,000 characters,
 * as `personalab profile extract` reads them). Each had taken from seconds to minutes; each now takes time linear in
 * its length (well under a second).
 */
const longest = 200_000;
/** `text` padded with `fill` at `{}` to `length` characters (the longest message unless given). */
const padded = (text: string, fill: string, length = longest): string => {
  const [head = '', tail = ''] = text.split('{}');
  const room = length - head.length - tail.length;
  return head + fill.repeat(Math.ceil(room / fill.length)).slice(0, room) + tail;
};

/** The message padded to a quarter of the longest and to the longest, for `timeGrowth`. */
const quarterAndLongest = (text: string, fill: string): [string, string] => [padded(text, fill, longest / 4), padded(text, fill)];

/** Each message (its text, and the filler put at `{}`), with the time one extraction had taken before. */
const messages: [string, string, string][] = [
  // `\s+([,.!?;:])` and `\s+'\s*` in `normalizeUtterance`, from every space of the run: 0.3 s at 10,000, minutes here.
  ['spaces before a word', 'I love jazz{}x', ' '],
  ['no-break spaces before a word', 'I love jazz{}x', '\u00a0'],
  ['newlines and tabs before a word', 'I love jazz{}x', '\n\t'],
  // Every "i" read its whole lead-in (`leadsIntoStatement`): 21 s at 50,000 characters.
  ['"i i i …" before a taste', '{}I really liked space quest', 'i '],
  // Trailing fillers, from each "really" to the end (`cleanObject`): 4.6 s.
  ['"really really …" after a taste', 'I love jazz {}x', 'really '],
];

describe('the heuristic extractor on adversarial text', () => {
  const extractor = new HeuristicProfileExtractor();
  let count = 0;
  const extract = (content: string) => () => extractor.extract([{ id: `m${count++}`, role: 'user', content, timestamp: 0 }], { userId: 'u1' });

  it.each(messages)('reads %s (200,000 characters) in linear time', async (_name, text, fill) => {
    const [quarter, whole] = quarterAndLongest(text, fill);
    expect(whole).toHaveLength(longest);
    // 4 times the text: about 4 times the time where linear (20–300 ms at 200,000 characters), 16 where quadratic. A
    // budget of 1.5 s had failed with other work on a 2-core machine.
    expect(await timeGrowth((content) => extract(content)(), quarter, whole)).toBeLessThan(8);
  });

  it('normalises a long run of whitespace in linear time, as before on normal text', async () => {
    const [quarter, text] = quarterAndLongest('I love jazz{}x', ' \u00a0');
    expect(await timeGrowth(normalizeUtterance, quarter, text)).toBeLessThan(8);
    expect(normalizeUtterance(text)).toBe('i love jazz x');
    expect(normalizeUtterance(`so${' '.repeat(5000)}, i'm${' '.repeat(5000)}'   sure`)).toBe("so, i am'sure");
  });

  it('still reads the taste before a long run of trailing fillers', async () => {
    const profile = await extract(`I love jazz${' really'.repeat(2000)}`)();
    expect(profile.preferences.map((preference) => [preference.subject, preference.polarity])).toContainEqual(['jazz', 'like']);
  });
});
