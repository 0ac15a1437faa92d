import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { temporaryDirectory, tinyMovieLensFiles } from '@personalab/datasets/test';
import { runRankingExperiments, writeRankingResults } from './movielens-experiments.js';
import { runRatingExperiments, writeRatingResults, type RatingRun } from './rating-experiments.js';
import { describeSeeds, formatSeedSummary, summariseSeeds } from './seed-summary.js';

const folder = temporaryDirectory('personalab-movielens-experiments-');
afterAll(() => folder.remove());

const command = 'npx tsx --conditions=development experiments/movielens/run.ts p1 --seeds 42 --out /tmp/x';

/** A P1 run with the same value for every metric. */
function rankingRun(model: string, seed: number, value: number) {
  return { model, seed, seconds: 1, selected: {}, k10: { map: value, mapMinK: value, ndcg: value, precision: value, recall: value }, k5: { ndcg: value, precision: value, recall: value } };
}

function ratingRun(model: string, split: RatingRun['split'], seed: number | undefined, value: number): RatingRun {
  return { model, split, seed, rmse: value, mae: value, validationRmse: value, seconds: 1, detail: {} };
}

describe('seed summaries', () => {
  it('give mean ± sample std over seeds and the value alone for one seed', () => {
    expect(formatSeedSummary(summariseSeeds([0.5, 0.7]))).toBe('0.6000 ± 0.1414');
    expect(summariseSeeds([0.4784])).toEqual({ mean: 0.4784, std: null, seeds: 1 });
    expect(formatSeedSummary(summariseSeeds([0.4784]))).toBe('0.4784');
    expect(formatSeedSummary(undefined)).toBe('–');
    expect(describeSeeds([42])).toBe('1 seed: 42');
    expect(describeSeeds([42, 7, 1])).toBe('seeds 42, 7, 1');
  });
});

describe('MovieLens results files', () => {
  it('P1 and P2 with one seed: no fake ± 0.0000, "1 seed", and the Command line', () => {
    const directory = join(folder.path, 'one-seed');
    writeRankingResults(directory, [rankingRun('ease', 42, 0.4784)], { backend: 'cpu', quick: false, seeds: [42], command });
    const p1 = readFileSync(join(directory, 'p1-ranking.md'), 'utf8');
    expect(p1).toContain('(1 seed: 42; backend cpu)');
    expect(p1).toContain('| ease (ours) | 0.4784 | 0.4784 | 0.4784 | 0.4784 |');
    expect(p1).not.toContain('± 0.0000');
    expect(p1).toContain(`Command: \`${command}\``);
    const p2 = readFileSync(join(directory, 'p2-top5.md'), 'utf8');
    expect(p2).toContain('| ease (ours) | 0.4784 | 0.4784 | 0.4784 |');
    expect(p2).toContain(`Command: \`${command}\``);
    const json = JSON.parse(readFileSync(join(directory, 'p1-ranking.json'), 'utf8')) as { command: string; summary: { ndcg: { ease: unknown } } };
    expect(json.command).toBe(command);
    expect(json.summary.ndcg.ease).toEqual({ mean: 0.4784, std: null, seeds: 1 });
  });

  it('a damaged numpy reference file in the results folder is invalid_data naming it, refused before any model trains', async () => {
    const directory = join(folder.path, 'damaged-numpy');
    mkdirSync(directory, { recursive: true });
    // Cut short: it had ended the P1 run after its first seed with a bare SyntaxError, the tables unwritten.
    writeFileSync(join(directory, 'ease-check-numpy.json'), '{\n  "results": [\n    { "seed": 42, "ndcg": 0.');
    const file = join(directory, 'ease-check-numpy.json');
    expect(() => writeRankingResults(directory, [rankingRun('ease', 42, 0.5)], { backend: 'cpu', quick: false, seeds: [42], command })).toThrow(
      expect.objectContaining({ code: 'invalid_data', message: expect.stringMatching(new RegExp(`^${file}: not valid JSON \\(`)) }),
    );
    writeFileSync(file, JSON.stringify({ results: [{ seed: 42, ndcg: '0.47', precision: 0.41 }] }));
    expect(() => writeRankingResults(directory, [rankingRun('ease', 42, 0.5)], { backend: 'cpu', quick: false, seeds: [42], command })).toThrow(
      expect.objectContaining({ code: 'invalid_data', message: `${file}: results[0].ndcg: Invalid input: expected number, received string` }),
    );
    // Checked first: the data folder (missing here) is not even read.
    const run = runRankingExperiments({ dataDirectory: join(folder.path, 'no-data'), resultsDirectory: directory, quick: true, models: ['most-popular'], log: () => undefined, command });
    await expect(run).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_data') && error.message.startsWith(`${file}: `));
    // A whole file is read as before.
    writeFileSync(file, JSON.stringify({ numpy: '2.4.6', results: [{ seed: 42, lambda: 500, ndcg: 0.4754, precision: 0.4172 }] }));
    writeRankingResults(directory, [rankingRun('ease', 42, 0.5)], { backend: 'cpu', quick: false, seeds: [42], command });
    expect(readFileSync(join(directory, 'p1-ranking.md'), 'utf8')).toContain('| 42 | 0.4891 | 0.4754 | 0.5000 | 0.4253 | 0.4172 | 0.5000 |');
  });

  it('P1 with several seeds keeps mean ± sample std', () => {
    const directory = join(folder.path, 'two-seeds');
    writeRankingResults(directory, [rankingRun('ease', 42, 0.5), rankingRun('ease', 7, 0.7)], { backend: 'cpu', quick: false, seeds: [42, 7], command });
    const p1 = readFileSync(join(directory, 'p1-ranking.md'), 'utf8');
    expect(p1).toContain('(seeds 42, 7; backend cpu)');
    expect(p1).toContain('| ease (ours) | 0.6000 ± 0.1414 |');
    expect(p1).toContain('mean ± sample std over 2 seeds');
  });

  it('P3 with one seed: the value alone, "1 seed", and the Command line', () => {
    const directory = join(folder.path, 'rating');
    const p3Command = 'npx tsx --conditions=development apps/cli/src/main.ts experiment movielens p3 --quick';
    writeRatingResults(directory, [ratingRun('biased-mf', '75/25', 42, 0.9123), ratingRun('biased-mf', 'u1', undefined, 0.95)], { backend: 'cpu', quick: true, seeds: [42], command: p3Command });
    const p3 = readFileSync(join(directory, 'p3-rating.md'), 'utf8');
    expect(p3).toContain('75/25 1 seed: 42; official u1');
    expect(p3).toMatch(/\| biased-mf \(ours\): [^|]+\| 0\.9123 \| 0\.9123 \| 0\.9500 \| 0\.9500 \| 0\.9123 \|/);
    expect(p3).not.toContain('± 0.0000');
    expect(p3).toContain(`Command: \`${p3Command}\``);
  });

  it('P1 and P3 run on the backend they are given (the CLI passes PERSONALAB_TF_BACKEND, which had been ignored)', async () => {
    const data = clusteredMovieLens();
    const backendOf = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { backend: string }).backend;
    for (const backend of ['wasm', 'cpu'] as const) {
      const directory = join(folder.path, `backend-${backend}`);
      await runRankingExperiments({ dataDirectory: data, resultsDirectory: directory, seeds: [42], models: ['most-popular'], quick: true, quiet: true, log: () => undefined, command, backend });
      expect(backendOf(join(directory, 'p1-ranking.json'))).toBe(backend);
    }
    const directory = join(folder.path, 'backend-p3');
    await runRatingExperiments({ dataDirectory: data, resultsDirectory: directory, seeds: [42], quick: true, quiet: true, log: () => undefined, command, backend: 'wasm' });
    expect(backendOf(join(directory, 'p3-rating.json'))).toBe('wasm');
  });

  it('refits the tfjs models (BPR for P1, biased MF for P3) on the whole training part for the epoch count early stopping chose', async () => {
    const data = clusteredMovieLens();
    const directory = join(folder.path, 'refit');
    const ratingRuns = await runRatingExperiments({ dataDirectory: data, resultsDirectory: join(folder.path, 'refit-p3'), seeds: [42], quick: true, quiet: true, log: () => undefined, command });
    const biased = ratingRuns.filter((run) => run.model === 'biased-mf');
    expect(biased).toHaveLength(2);
    for (const run of biased) {
      expect(run.detail.bestEpoch).toBeGreaterThanOrEqual(1);
      expect(run.detail.refitEpochs).toBe(run.detail.bestEpoch);
    }
    const runs = await runRankingExperiments({ dataDirectory: data, resultsDirectory: directory, seeds: [42], models: ['bpr-mf'], quick: true, quiet: true, log: () => undefined, command });
    const selected = runs[0]?.selected as { bestEpoch: number; refitEpochs?: number; refitSeconds?: number };
    expect(selected.bestEpoch).toBeGreaterThanOrEqual(1);
    expect(selected.refitEpochs).toBe(selected.bestEpoch);
    expect(selected.refitSeconds).toBeGreaterThan(0);
    const stored = JSON.parse(readFileSync(join(directory, 'p1-ranking.json'), 'utf8')) as unknown;
    expect(JSON.stringify(stored)).toContain(`"refitEpochs":${selected.bestEpoch}`);
  });

  it('blends context-EASE and LightGCN with the weight chosen on the inner split, and refuses the blend without its members', async () => {
    const data = existsSync(join(folder.path, 'clustered', 'u.data')) ? join(folder.path, 'clustered') : clusteredMovieLens();
    const directory = join(folder.path, 'blend');
    // Asked in any order, the blend runs after its members.
    const runs = await runRankingExperiments({ dataDirectory: data, resultsDirectory: directory, seeds: [42], models: ['context-ease+lightgcn', 'lightgcn', 'context-ease'], quick: true, quiet: true, log: () => undefined, command });
    expect(runs.map((run) => run.model)).toEqual(['context-ease', 'lightgcn', 'context-ease+lightgcn']);
    const blend = runs[2]?.selected as { lightgcnWeight: number; validationNdcg: { weight: number; ndcg: number }[] };
    expect(blend.validationNdcg.map((entry) => entry.weight)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8]);
    expect(blend.validationNdcg.find((entry) => entry.weight === blend.lightgcnWeight)?.ndcg).toBe(Math.max(...blend.validationNdcg.map((entry) => entry.ndcg)));
    // (That weight 0 ranks exactly as context-EASE alone is tested in score-blend.test.ts: here it applies only when chosen.)
    expect(readFileSync(join(directory, 'p1-ranking.md'), 'utf8')).toContain('| context-ease+lightgcn (ours) |');
    await expect(runRankingExperiments({ dataDirectory: data, resultsDirectory: directory, seeds: [42], models: ['lightgcn', 'context-ease+lightgcn'], quick: true, quiet: true, log: () => undefined })).rejects.toThrow(
      /context-ease\+lightgcn blends the context-ease and lightgcn rows: add context-ease/,
    );
  });

  it('the runner passes the command it is given to the results files', async () => {
    const data = join(folder.path, 'movielens-100k');
    mkdirSync(data, { recursive: true });
    for (const [name, content] of Object.entries(tinyMovieLensFiles)) folder.write(join('movielens-100k', name), content);
    const directory = join(folder.path, 'runner');
    await runRankingExperiments({ dataDirectory: data, resultsDirectory: directory, seeds: [42], models: ['most-popular'], quiet: true, log: () => undefined, command });
    const p1 = readFileSync(join(directory, 'p1-ranking.md'), 'utf8');
    expect(p1).toContain(`Command: \`${command}\``);
    expect(p1).toContain('1 seed: 42');
    expect(p1).not.toContain('± 0.0000');
  });
});

/** 40 users in two taste groups over 24 films, 12 ratings each (MovieLens files): enough for the inner split to stop early on. */
function clusteredMovieLens(): string {
  const data = join(folder.path, 'clustered');
  mkdirSync(data, { recursive: true });
  const rows: string[] = [];
  for (let user = 1; user <= 40; user++) {
    const offset = user % 2 === 0 ? 0 : 12;
    for (let k = 0; k < 12; k++) rows.push(`${user}\t${offset + ((user + k * 5) % 12) + 1}\t${1 + ((user + k) % 5)}\t${881250949 + user * 100 + k}`);
  }
  const items = Array.from({ length: 24 }, (_, index) => `${index + 1}|Film ${index + 1} (1995)|01-Jan-1995||http://x|${'0|'.repeat(18)}1`);
  const users = Array.from({ length: 40 }, (_, index) => `${index + 1}|30|${index % 2 === 0 ? 'M' : 'F'}|other|00000`);
  folder.write(join('clustered', 'u.data'), rows.join('\n') + '\n');
  folder.write(join('clustered', 'u.item'), items.join('\n') + '\n');
  folder.write(join('clustered', 'u.user'), users.join('\n') + '\n');
  folder.write(join('clustered', 'u1.base'), rows.filter((_, index) => index % 5 !== 0).join('\n') + '\n');
  folder.write(join('clustered', 'u1.test'), rows.filter((_, index) => index % 5 === 0).join('\n') + '\n');
  return data;
}
