import { describe, expect, it } from 'vitest';
import { emptyProfile, type Message } from '@personalab/core';
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
