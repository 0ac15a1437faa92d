import { describe, expect, it } from 'vitest';
import { HeuristicProfileExtractor } from './heuristic-profile-extractor.js';
import { normalizeUtterance } from './text/normalize.js';

/**
 * User messages built to make the extractor's patterns backtrack, at the longest message it takes (200,000 characters,
 * as `personalab profile extract` reads them). Each had taken from seconds to minutes; each now takes time linear in
 * its length (well under a second).
 */
const longest = 200_000;
/** `text` padded with `fill` at `{}` to the longest message. */
const padded = (text: string, fill: string): string => {
  const [head = '', tail = ''] = text.split('{}');
  const room = longest - head.length - tail.length;
  return head + fill.repeat(Math.ceil(room / fill.length)).slice(0, room) + tail;
};

/** The fastest of `runs` calls of `work`, in milliseconds (the least disturbed by other work on a busy machine). */
async function fastest(work: () => unknown, runs = 2): Promise<number> {
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    await work();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** Each message, with the time one extraction had taken before. */
const messages: [string, string][] = [
  // `\s+([,.!?;:])` and `\s+'\s*` in `normalizeUtterance`, from every space of the run: 0.3 s at 10,000, minutes here.
  ['spaces before a word', padded('I love jazz{}x', ' ')],
  ['no-break spaces before a word', padded('I love jazz{}x', '\u00a0')],
  ['newlines and tabs before a word', padded('I love jazz{}x', '\n\t')],
  // Every "i" read its whole lead-in (`leadsIntoStatement`): 21 s at 50,000 characters.
  ['"i i i …" before a taste', padded('{}I really liked space quest', 'i ')],
  // Trailing fillers, from each "really" to the end (`cleanObject`): 4.6 s.
  ['"really really …" after a taste', padded('I love jazz {}x', 'really ')],
];

describe('the heuristic extractor on adversarial text', () => {
  const extractor = new HeuristicProfileExtractor();
  let count = 0;
  const extract = (content: string) => () => extractor.extract([{ id: `m${count++}`, role: 'user', content, timestamp: 0 }], { userId: 'u1' });

  it.each(messages)('reads %s (200,000 characters) in linear time', async (_name, content) => {
    expect(content).toHaveLength(longest);
    // Linear, it takes 20–300 ms; the bound is loose enough for a loaded machine and far below the times before.
    expect(await fastest(extract(content))).toBeLessThan(1500);
  });

  it('normalises a long run of whitespace in linear time, as before on normal text', async () => {
    const text = padded('I love jazz{}x', ' \u00a0');
    expect(await fastest(() => normalizeUtterance(text))).toBeLessThan(200);
    expect(normalizeUtterance(text)).toBe('i love jazz x');
    expect(normalizeUtterance(`so${' '.repeat(5000)}, i'm${' '.repeat(5000)}'   sure`)).toBe("so, i am'sure");
  });

  it('still reads the taste before a long run of trailing fillers', async () => {
    const profile = await extract(`I love jazz${' really'.repeat(2000)}`)();
    expect(profile.preferences.map((preference) => [preference.subject, preference.polarity])).toContainEqual(['jazz', 'like']);
  });
});
