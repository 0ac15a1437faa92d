import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetStatistics } from './dataset-stats.js';
import { fixturePath, temporaryDirectory, tinyMovieLensFiles } from './test/index.js';

describe('datasetStatistics', () => {
  const folder = temporaryDirectory();
  afterAll(() => folder.remove());

  it('counts MovieLens files', async () => {
    for (const [name, content] of Object.entries(tinyMovieLensFiles)) folder.write(name, content);
    const rows = await datasetStatistics('movielens-100k', folder.path);
    const value = (file: string, statistic: string) => rows.find((row) => row.file === file && row.statistic === statistic)?.value;
    expect([value('u.data', 'ratings'), value('u.user', 'users'), value('u.item', 'items')]).toEqual([6, 3, 3]);
    expect(value('u.data', 'mean rating')).toBeCloseTo(20 / 6, 12);
    expect(value('u.data', 'ratings = 5')).toBe(2);
  });

  it('counts PersonaMem questions by type and joins them to contexts', async () => {
    const directory = join(folder.path, 'personamem');
    mkdirSync(directory);
    copyFileSync(fixturePath('personamem-questions.csv'), join(directory, 'questions_tiny.csv'));
    copyFileSync(fixturePath('personamem-contexts.jsonl'), join(directory, 'shared_contexts_tiny.jsonl'));
    const rows = await datasetStatistics('personamem-32k', directory);
    expect(rows.map((row) => [row.statistic, row.value])).toEqual([
      ['contexts', 2],
      ['questions', 3],
      ['type track_full_preference_evolution', 1],
      ['type recalling_the_reasons_behind_previous_updates', 1],
      ['type recall_user_shared_facts', 1],
      ['questions joined to a context', 3],
    ]);
  });
});
