import { describe, expect, it } from 'vitest';
import { runCliOutput } from '../test/run-cli.js';
import { registerServeCommand } from './serve.js';

describe('personalab serve', () => {
  it('names the allowed values of a wrong --dataset or --model before loading anything', async () => {
    const model = await runCliOutput([registerServeCommand], ['serve', '--model', 'bert']);
    expect(model.error).toMatchObject({ code: 'invalid_argument', message: '--model must be one of context-ease, page-ease, got "bert"' });
    const dataset = await runCliOutput([registerServeCommand], ['serve', '--dataset', 'netflix']);
    expect(dataset.error).toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('--dataset must be one of auto, movielens-100k, synthetic') });
  });
});
