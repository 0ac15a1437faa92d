import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryDirectory, tinyMovieLensFiles } from '@personalab/datasets/test';
import { getConfig, PersonalabError } from '@personalab/core';
import { loadRecommender } from '@personalab/user-embedding';
import { movielensResultsDirectory, registerExperimentMovielensCommand } from './experiment-movielens.js';
import { describeTrainingSummary, registerTrainCommand } from './train.js';
import { runCli } from '../test/run-cli.js';

function run(args: string[]): Promise<string> {
  return runCli([registerTrainCommand, registerExperimentMovielensCommand], args);
}

describe('personalab train / experiment movielens', () => {
  const folder = temporaryDirectory('personalab-cli-train-');
  mkdirSync(join(folder.path, 'movielens-100k'));
  for (const [name, content] of Object.entries(tinyMovieLensFiles)) folder.write(join('movielens-100k', name), content);
  afterAll(() => folder.remove());

  it('trains a model on the data directory and saves one that loads back', async () => {
    const out = join(folder.path, 'model');
    const printed = await run(['--data-dir', folder.path, '--quiet', 'train', '--model', 'most-popular', '--backend', 'cpu', '--out', out]);
    expect(printed).toContain(`saved to ${out}`);
    const model = await loadRecommender(out);
    expect(model.name).toBe('most-popular');
    expect((await model.recommend({ history: [], k: 2 })).length).toBe(2);
  });

  it('prints a rating model\'s validation RMSE (not minus it), and no NaN metric when there was no validation data', async () => {
    expect(describeTrainingSummary({ bestEpoch: 7, bestMetric: -0.9291, metricName: 'valNegRmse', examplesPerSecond: 1000 })).toBe('best epoch 7 (validation RMSE 0.9291), 1000 examples/s');
    expect(describeTrainingSummary({ bestEpoch: 3, bestMetric: 0.41234, metricName: 'valNdcg10', examplesPerSecond: 10 })).toBe('best epoch 3 (validation NDCG@10 0.4123), 10 examples/s');
    // The tiny MovieLens split leaves no validation ratings.
    const out = join(folder.path, 'biased-mf');
    const printed = await run(['--data-dir', folder.path, '--quiet', 'train', '--model', 'biased-mf', '--backend', 'cpu', '--epochs', '1', '--out', out]);
    expect(printed).toMatch(/biased-mf: trained in [\d.]+ s, best epoch 1, \d+ examples\/s/);
  });

  it('rejects an unknown model, backend or experiment', async () => {
    await expect(run(['--data-dir', folder.path, 'train', '--model', 'nope'])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(run(['--data-dir', folder.path, 'train', '--backend', 'tpu'])).rejects.toSatisfy(
      (error) => PersonalabError.is(error, 'invalid_argument') && error.message === '--backend must be one of tfjs-node-gpu, tfjs-node, wasm, cpu, got "tpu"',
    );
    await expect(run(['--data-dir', folder.path, 'experiment', 'movielens', 'p9'])).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('checks numeric options and refuses options the model would ignore', async () => {
    const refused = (args: string[], message: RegExp) =>
      expect(run(['--data-dir', folder.path, ...args])).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_argument') && message.test(error.message));
    await refused(['train', '--seed', 'abc'], /--seed must be an integer from 0 to 4294967295, got "abc"/);
    await refused(['train', '--epochs', 'abc'], /--epochs must be a positive integer, got "abc"/);
    await refused(['train', '--epochs', '0'], /--epochs must be a positive integer/);
    await refused(['train', '--model', 'most-popular', '--backend', 'cpu', '--epochs', '3'], /--epochs applies to the tfjs models only; most-popular/);
    await refused(['train', '--model', 'ease', '--resume'], /--resume works with --model sequential-two-tower only/);
    await refused(['experiment', 'movielens', 'p1', '--seeds', '42,x'], /--seeds must be an integer from 0 to 4294967295, got "x"/);
    await refused(['experiment', 'movielens', 'p1', '--models', 'ease,nope'], /--models: unknown "nope"; known: most-popular/);
    await refused(['experiment', 'movielens', 'p3', '--save-model', join(folder.path, 'm')], /--save-model/);
  });

  it('sends a --quick run to the state folder, never over the committed results', () => {
    const cwd = '/repo';
    expect(movielensResultsDirectory({ quick: false }, cwd)).toBe(join(cwd, 'experiments', 'movielens', 'results'));
    const quick = movielensResultsDirectory({ quick: true }, cwd);
    expect(quick).toBe(resolve(cwd, getConfig().stateDir, 'experiments', 'movielens-quick'));
    expect(quick.startsWith(join(cwd, 'experiments'))).toBe(false);
    expect(movielensResultsDirectory({ quick: true, results: 'out' }, cwd)).toBe(join(cwd, 'out'));
    // A partial run (other seeds, some models) is not the headline table either.
    const partial = resolve(cwd, getConfig().stateDir, 'experiments', 'movielens-partial');
    expect(movielensResultsDirectory({ quick: false, seeds: [42] }, cwd)).toBe(partial);
    expect(movielensResultsDirectory({ quick: false, models: ['ease'] }, cwd)).toBe(partial);
    expect(movielensResultsDirectory({ quick: false, seeds: [42, 7, 1] }, cwd)).toBe(join(cwd, 'experiments', 'movielens', 'results'));
    expect(movielensResultsDirectory({ quick: false, seeds: [42], results: 'out' }, cwd)).toBe(join(cwd, 'out'));
  });

  it('says how to get MovieLens when it is missing', async () => {
    const empty = temporaryDirectory('personalab-cli-empty-');
    try {
      await expect(run(['--data-dir', empty.path, 'train', '--model', 'most-popular', '--backend', 'cpu'])).rejects.toSatisfy(
        (error) => PersonalabError.is(error, 'not_found') && error.message.includes(`--data-dir ${empty.path} has no movielens-100k/ folder`),
      );
    } finally {
      empty.remove();
    }
  });
});
