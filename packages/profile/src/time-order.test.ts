import { describe, expect, it } from 'vitest';
import type { Message } from '@personalab/core';
import { inTimeOrder } from './time-order.js';

const at = (id: string, timestamp: number | undefined): Message => ({ id, role: 'user', content: id, timestamp }) as unknown as Message;

describe('inTimeOrder (both extractors read messages in it)', () => {
  it('sorts by time, stably, and keeps a message without a time beside the one before it', () => {
    const order = (messages: Message[], fallback?: number) => inTimeOrder(messages, fallback).map((message) => `${message.id}@${message.timestamp}`);
    expect(order([at('late', 30), at('untimed', undefined), at('early', 10)])).toEqual(['early@10', 'late@30', 'untimed@30']);
    // Compared as NaN it had left the timed ones unsorted: [30, untimed, 10] came back as given.
    expect(order([at('untimed', undefined), at('late', 30), at('early', 10)])).toEqual(['early@10', 'untimed@30', 'late@30']);
    expect(order([at('a', 5), at('b', 5), at('c', 1)])).toEqual(['c@1', 'a@5', 'b@5']);
    expect(order([at('x', undefined), at('y', Number.NaN)], 7)).toEqual(['x@7', 'y@7']);
  });
});
