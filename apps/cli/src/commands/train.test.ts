import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryDirectory, tinyMovieLensFiles } from '@personalab/datasets/test';
import { loadRecommender } from '@personalab/user-embedding';
import { registerExperimentMovielensCommand } from './experiment-movielens.js';
import { registerTrainCommand } from './train.js';
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

  it('rejects an unknown model, backend or experiment', async () => {
    await expect(run(['--data-dir', folder.path, 'train', '--model', 'nope'])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(run(['--data-dir', folder.path, 'train', '--backend', 'tpu'])).rejects.toThrow();
    await expect(run(['--data-dir', folder.path, 'experiment', 'movielens', 'p9'])).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('says how to get MovieLens when it is missing', async () => {
    const empty = temporaryDirectory('personalab-cli-empty-');
    try {
      await expect(run(['--data-dir', empty.path, 'train', '--model', 'most-popular', '--backend', 'cpu'])).rejects.toMatchObject({ code: 'not_found' });
    } finally {
      empty.remove();
    }
  });
});
