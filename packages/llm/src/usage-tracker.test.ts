import { describe, expect, it } from 'vitest';
import { UsageTracker, formatUsage } from './usage-tracker.js';

describe('UsageTracker', () => {
  it('totals tokens and counters, snapshots are copies, reset clears', () => {
    const tracker = new UsageTracker();
    tracker.addTokens({ promptTokens: 10_000, completionTokens: 2_345, totalTokens: 12_345 });
    tracker.count('requests', 40);
    tracker.count('retries');
    tracker.count('repairs');
    const snapshot = tracker.snapshot();
    tracker.count('requests');
    expect(snapshot.requests).toBe(40);
    expect(formatUsage(snapshot)).toBe('12,345 tokens (10,000 prompt + 2,345 completion), 40 requests, 1 retry, 0 cache hits, 1 repair, 0 failures');
    tracker.count('retries');
    expect(formatUsage(tracker.snapshot())).toContain('2 retries');
    tracker.reset();
    expect(tracker.snapshot()).toMatchObject({ totalTokens: 0, requests: 0, retries: 0 });
  });
});
