import { describe, expect, it } from 'vitest';
import { emptyProfile, type Message } from '@personalab/core';
import { createRandom } from '@personalab/core';
import { countEmoji, countWords, segmentedWordCount } from '../text/segment.js';
import { measureMessage, updateStyle } from './style.js';

const message = (id: string, content: string): Message => ({ id, role: 'user', content, timestamp: Number(id.slice(1)) });

describe('style', () => {
  it('measures one message exactly', () => {
    const style = measureMessage('lol i love it!! 😀 :) do you?');
    expect(style.words).toBe(6);
    expect(style.hasQuestion).toBe(true);
    expect(style.emoji).toBe(2);
    expect(style.exclamations).toBe(2);
    expect(style.formality).toBe(0);
    expect(measureMessage('Could you please recommend a film? Thank you.').formality).toBe(1);
    expect(measureMessage('1234').formality).toBe(0.5);
  });

  it('counts the words of text written without spaces', () => {
    expect(measureMessage('我今天很高兴，我们去吃饭吧').words).toBe(8);
    expect(measureMessage('私は猫が好きです').words).toBe(6);
    expect(measureMessage('I like cats. 我喜欢猫').words).toBe(6);
    expect(measureMessage("don't stop, it's 3.5 km").words).toBe(5);
    expect(measureMessage('你喜欢猫吗？').hasQuestion).toBe(true);
    expect(measureMessage('太好了！！').exclamations).toBe(2);
  });

  it('counts a long message exactly across the pieces it is segmented in', () => {
    // Segmented whole, 100 KB had taken seconds (V8's segmenters slow down more than linearly).
    expect(countWords('I work as a nurse. '.repeat(10_000))).toBe(50_000);
    expect(countWords('我今天很高兴，我们去吃饭吧。'.repeat(10_000))).toBe(80_000);
    expect(countEmoji('ok 👩‍💻🇩🇪👍🏽1️⃣ '.repeat(10_000))).toBe(40_000);
    expect(countEmoji('👨‍👩‍👧'.repeat(30_000))).toBe(30_000);
    expect(countEmoji('🇩🇪🇫🇷👍🏽'.repeat(30_000))).toBe(90_000);
  });

  it('counts plain ASCII words by a shortcut that agrees with the segmenter', () => {
    for (const [text, words] of [["don't stop", 2], ['e.g. 3.5 and 1,000', 4], ['a-b a:b 1:2', 5], ['', 0], ['?!', 0]] as const) {
      expect(countWords(text)).toBe(words);
      expect(segmentedWordCount(text)).toBe(words);
    }
    // Random ASCII (every class UAX #29 treats apart: letters, digits, the joining marks, the rest) gives the segmenter's count.
    const random = createRandom(16);
    const alphabet = "\r\n\t aZ19.,;:'-!?\"#/()@$%&*+=<>[]{}|~`^\x7f";
    for (let sample = 0; sample < 5000; sample++) {
      const text = Array.from({ length: 1 + random.int(30) }, () => alphabet[random.int(alphabet.length)]).join('');
      expect(countWords(text), JSON.stringify(text)).toBe(segmentedWordCount(text));
    }
  });

  it('counts an emoji sequence as one emoji', () => {
    for (const emoji of ['👩‍💻', '👨‍👩‍👧', '🇩🇪', '👍🏽', '1️⃣', '❤️', '🏳️‍🌈']) expect(measureMessage(emoji).emoji, emoji).toBe(1);
    expect(measureMessage('great 👍🏽👍🏽 🇩🇪🇫🇷 :)').emoji).toBe(5);
    expect(measureMessage('1 2 3 #').emoji).toBe(0);
  });

  it('gives the same style incrementally as all at once', () => {
    const messages = [message('m1', 'Hello there!'), message('m2', 'lol ok?'), message('m3', 'I would appreciate a reply, thank you.'), message('m4', '🙂🙂')];
    const all = updateStyle(emptyProfile('u').style, messages);
    const stepwise = updateStyle(updateStyle(emptyProfile('u').style, messages.slice(0, 1)), messages.slice(1));
    expect(stepwise.messageCount).toBe(4);
    for (const field of ['meanLength', 'questionRate', 'formality', 'emojiRate', 'exclamationRate'] as const) expect(stepwise[field]).toBeCloseTo(all[field], 12);
    expect(all.meanLength).toBeCloseTo((2 + 2 + 7 + 0) / 4, 12);
    expect(all.questionRate).toBe(0.25);
    expect(all.emojiRate).toBe(0.5);
    expect(all.evidence.map((evidence) => evidence.messageId)).toEqual(['m1', 'm2', 'm3', 'm4']);
  });
});
