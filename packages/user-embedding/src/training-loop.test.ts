import { describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { runTrainingLoop } from './training-loop.js';

/** A synchronous step that holds the thread for `milliseconds`, as a tfjs training step does. */
function busyStep(milliseconds: number): () => number {
  return () => {
    const until = performance.now() + milliseconds;
    while (performance.now() < until) {
      // spin
    }
    return 1;
  };
}

describe('runTrainingLoop', () => {
  it('stops at the next step when its signal is aborted mid-training (a timer, a SIGINT handler), not after the last epoch', async () => {
    let steps = 0;
    const step = busyStep(5);
    const started = performance.now();
    const run = runTrainingLoop({
      label: 'busy',
      epochs: 10,
      stepsPerEpoch: 40,
      examplesPerStep: 1,
      quiet: true,
      signal: AbortSignal.timeout(100),
      step: () => {
        steps += 1;
        return step();
      },
    });
    await expect(run).rejects.toSatisfy((error) => PersonalabError.is(error, 'cancelled'));
    // 400 steps of 5 ms would take 2 s; the abort lands within a few steps of 100 ms.
    expect(steps).toBeLessThan(100);
    // A loose bound only (the machine is shared): the step count above is the real check.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('runs every epoch when nothing aborts it, and a yield between steps changes no result', async () => {
    const summary = await runTrainingLoop({ label: 'busy', epochs: 3, stepsPerEpoch: 10, examplesPerStep: 2, quiet: true, step: busyStep(3), validate: () => 0.5 });
    expect(summary.epochs.map((record) => [record.epoch, record.loss, record.metric])).toEqual([
      [1, 1, 0.5],
      [2, 1, 0.5],
      [3, 1, 0.5],
    ]);
  });
});
