import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { dataDirectoryCandidates, findDataset, howToGet } from './data-dir.js';
import { datasetStatistics } from './dataset-stats.js';
import { temporaryDirectory, tinyMovieLensFiles } from './test/index.js';

describe('findDataset and howToGet', () => {
  const folder = temporaryDirectory();
  afterAll(() => folder.remove());
  // first/: empty data set folders and a file where a folder should be; real/datasets/: the real thing.
  const first = join(folder.path, 'first');
  const real = join(folder.path, 'real');
  const second = join(real, 'datasets');
  mkdirSync(join(first, 'movielens-100k'), { recursive: true });
  mkdirSync(join(first, 'persona-chat-convai2-valid'));
  writeFileSync(join(first, 'synthetic-persona-chat'), 'not a folder');
  mkdirSync(join(second, 'movielens-100k'), { recursive: true });
  for (const [name, content] of Object.entries(tinyMovieLensFiles)) writeFileSync(join(second, 'movielens-100k', name), content);
  mkdirSync(join(second, 'synthetic-persona-chat'));
  writeFileSync(join(second, 'synthetic-persona-chat', 'Synthetic-Persona-Chat_valid.csv'), 'user 1 personas,user 2 personas,Best Generated Conversation\n');

  it('passes over an empty data set folder, or a file of its name, to the next data directory', () => {
    // cwd: work/, whose ./datasets holds an empty movielens-100k/ (and ../shared/datasets does not exist).
    const cwd = join(folder.path, 'work');
    mkdirSync(join(cwd, 'datasets', 'movielens-100k'), { recursive: true });
    expect(dataDirectoryCandidates({ environmentDataDir: first, cwd })).toEqual([first, join(cwd, 'datasets'), join(folder.path, 'shared', 'datasets')]);
    // $PERSONALAB_DATA_DIR = first (empty movielens-100k/, a file named synthetic-persona-chat): nothing found.
    expect(findDataset('movielens-100k', { environmentDataDir: first, cwd })).toBeUndefined();
    expect(findDataset('synthetic-persona-chat', { environmentDataDir: first, cwd })).toBeUndefined();
    // An earlier empty folder or file ($PERSONALAB_DATA_DIR = first) no longer hides the set in a later one (./datasets).
    expect(findDataset('movielens-100k', { dataDir: undefined, environmentDataDir: first, cwd: real })).toBe(join(second, 'movielens-100k'));
    expect(findDataset('synthetic-persona-chat', { environmentDataDir: first, cwd: real })).toBe(join(second, 'synthetic-persona-chat'));
    // --data-dir stays the only folder searched.
    expect(findDataset('movielens-100k', { dataDir: first, environmentDataDir: second, cwd })).toBeUndefined();
    expect(findDataset('movielens-100k', { dataDir: second, cwd })).toBe(join(second, 'movielens-100k'));
  });

  it('reads $PERSONALAB_DATA_DIR when the caller passes no environment folder (benches, tests), as the skip messages say', () => {
    const previous = process.env.PERSONALAB_DATA_DIR;
    process.env.PERSONALAB_DATA_DIR = second;
    try {
      const cwd = join(folder.path, 'elsewhere');
      // It had been read only where the CLI passed it in: findDataset('movielens-100k') found the shared data instead.
      expect(findDataset('movielens-100k', { cwd })).toBe(join(second, 'movielens-100k'));
      expect(dataDirectoryCandidates({ cwd })[0]).toBe(second);
      // Said to be unset, it is not read.
      expect(findDataset('movielens-100k', { environmentDataDir: undefined, cwd })).toBeUndefined();
    } finally {
      if (previous === undefined) delete process.env.PERSONALAB_DATA_DIR;
      else process.env.PERSONALAB_DATA_DIR = previous;
    }
  });

  it('says what is wrong with --data-dir: missing, a file, no folder, an empty folder, a file for a folder', () => {
    const hint = (name: Parameters<typeof howToGet>[0], dataDir: string) => howToGet(name, { dataDir });
    expect(hint('movielens-100k', join(folder.path, 'nope'))).toMatch(new RegExp(`^--data-dir ${join(folder.path, 'nope')} does not exist, and it is the only folder searched`));
    expect(hint('movielens-100k', join(second, 'movielens-100k', 'u.data'))).toMatch(/u\.data is a file, not a folder, and it is the only folder searched/);
    expect(hint('personamem-32k', first)).toMatch(/first has no personamem-32k\/ folder, and/);
    expect(hint('movielens-100k', first)).toMatch(/first has movielens-100k\/ but it holds no u\.data, and/);
    expect(hint('persona-chat', first)).toMatch(/has persona-chat-convai2-valid\/ but it holds no \.txt file/);
    expect(hint('synthetic-persona-chat', first)).toMatch(/has synthetic-persona-chat but it is a file, not a folder, and/);
  });

  it('datasetStatistics refuses an empty folder or a file instead of printing an empty summary', async () => {
    const stats = (name: Parameters<typeof datasetStatistics>[0], directory: string) =>
      datasetStatistics(name, directory).then(
        () => undefined,
        (error: unknown) => error,
      );
    for (const [name, directory, pattern] of [
      ['persona-chat', join(first, 'persona-chat-convai2-valid'), /persona-chat-convai2-valid holds no \.txt file .*: not a persona-chat folder/],
      ['synthetic-persona-chat', join(first, 'synthetic-persona-chat'), /synthetic-persona-chat is a file, not a folder: not a synthetic-persona-chat folder/],
      ['movielens-100k', join(first, 'movielens-100k'), /movielens-100k holds no u\.data/],
      ['personamem-dev', join(folder.path, 'nope'), /nope does not exist/],
    ] as const) {
      const error = await stats(name, directory);
      expect(PersonalabError.is(error, 'not_found')).toBe(true);
      expect((error as Error).message).toMatch(pattern);
    }
    // PersonaMem prediction files alone: a folder with CSVs but no questions or contexts to count.
    const predictions = join(folder.path, 'predictions-only');
    mkdirSync(predictions);
    writeFileSync(join(predictions, 'pred_32k.csv'), 'question_id,prediction\n');
    await expect(datasetStatistics('personamem-dev', predictions)).rejects.toMatchObject({ code: 'not_found', message: expect.stringMatching(/holds none of the files read for personamem-dev \(questions\*\.csv and shared_contexts\*\.jsonl\)/) as unknown as string });
  });
});
