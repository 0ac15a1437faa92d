import { describe, expect, it } from 'vitest';
import { PersonalabError } from '../errors.js';
import { timeGrowth } from './time-growth.js';

/** Reads every character once. */
const linear = (text: string) => {
  let sum = 0;
  for (let at = 0; at < text.length; at++) sum += text.charCodeAt(at);
  return sum;
};

/** Reads the rest of the text again from every 8th character. */
const quadratic = (text: string) => {
  let sum = 0;
  for (let from = 0; from < text.length; from += 8) for (let at = from; at < text.length; at++) sum += text.charCodeAt(at);
  return sum;
};

describe('timeGrowth', () => {
  it('tells linear work (about 4 times the time on 4 times the text) from quadratic (about 16)', async () => {
    expect(await timeGrowth(linear, 'x'.repeat(50_000), 'x'.repeat(200_000))).toBeLessThan(8);
    expect(await timeGrowth(quadratic, 'x'.repeat(1_000), 'x'.repeat(4_000))).toBeGreaterThan(8);
  });

  it('times the work, not a cache of the last input', async () => {
    let last: { text: string; sum: number } | undefined;
    const remembering = (text: string) => {
      if (last?.text !== text) last = { text, sum: quadratic(text) };
      return last.sum;
    };
    expect(await timeGrowth(remembering, 'x'.repeat(1_000), 'x'.repeat(4_000))).toBeGreaterThan(8);
  });

  it('refuses rounds, tries or a round length that could time nothing', async () => {
    for (const options of [{ rounds: 0 }, { tries: 1.5 }, { roundMs: 0 }]) {
      await expect(timeGrowth(linear, 'x', 'xxxx', options), JSON.stringify(options)).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_argument'));
    }
  });
});
