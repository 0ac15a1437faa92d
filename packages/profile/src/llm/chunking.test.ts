import { describe, expect, it } from 'vitest';
import type { Message } from '@personalab/core';
import { chunkMessages, estimateTokens, splitMessage } from './chunking.js';

const user = (id: string, content: string, timestamp = 0): Message => ({ id, role: 'user', content, timestamp, userId: 'u1' });

describe('estimateTokens', () => {
  it('counts about 4 ASCII characters a token, plus framing', () => {
    expect(estimateTokens('')).toBe(8);
    expect(estimateTokens('a'.repeat(400))).toBe(108);
  });

  it('counts CJK, kana and hangul about one token a character, other scripts about two characters a token', () => {
    expect(estimateTokens('我喜欢看科幻电影')).toBe(8 + 8);
    expect(estimateTokens('すしがすき')).toBe(5 + 8);
    expect(estimateTokens('한국어')).toBe(3 + 8);
    expect(estimateTokens('привет мир')).toBe(Math.ceil(9 / 2 + 1 / 4) + 8);
    expect(estimateTokens('𠀀𠀁')).toBe(2 + 8); // astral ideographs count once each, not per surrogate
    // 400 Chinese characters are about 400 tokens, not 100.
    expect(estimateTokens('我'.repeat(400))).toBe(408);
  });

  it('keeps CJK chunks within the budget', () => {
    const messages = Array.from({ length: 40 }, (_, index) => user(`c${index}`, '我喜欢看科幻电影，尤其是关于太空探索的故事。我每天早上跑步五公里。'.repeat(10), index));
    const chunks = chunkMessages(messages, 3_000);
    for (const chunk of chunks) {
      expect(chunk.reduce((sum, message) => sum + message.content.length, 0)).toBeLessThanOrEqual(3_000);
    }
    expect(chunks.length).toBeGreaterThan(4);
  });
});

describe('chunkMessages', () => {
  it('splits a message larger than the budget into parts of its own that each fit and keep its id', () => {
    const huge = user('m2', 'word '.repeat(40_000), 2);
    const chunks = chunkMessages([user('m1', 'hi', 1), huge, user('m3', 'bye', 3)], 3_000);
    expect(chunks[0]?.map((message) => message.id)).toEqual(['m1']);
    expect(chunks.at(-1)?.map((message) => message.id)).toEqual(['m3']);
    const parts = chunks.slice(1, -1);
    expect(parts.length).toBeGreaterThan(10);
    for (const part of parts) {
      expect(part).toHaveLength(1);
      expect(part[0]).toMatchObject({ id: 'm2', role: 'user', timestamp: 2 });
      expect(estimateTokens(part[0]!.content)).toBeLessThanOrEqual(3_000);
    }
    expect(parts.map((part) => part[0]!.content).join('')).toBe(huge.content);
    // Cut at whitespace: no word is split.
    for (const part of parts) expect(part[0]!.content).toMatch(/^(word )+$/);
  });

  it('splits with any estimator, and keeps a message whole when even the framing exceeds the budget', () => {
    const message = user('m1', 'x'.repeat(1_000));
    const parts = splitMessage(message, 100, (text) => text.length);
    expect(parts.every((part) => part.content.length <= 100)).toBe(true);
    expect(parts.map((part) => part.content).join('')).toBe(message.content);
    expect(splitMessage(message, 5)).toEqual([message]);
  });
});
