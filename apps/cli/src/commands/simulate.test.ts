import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findDataset, howToGet } from '@personalab/datasets';
import { registerSimulateCommand } from './simulate.js';
import { runCli } from '../test/run-cli.js';

/** Runs `personalab <args>` on a program with only the simulate command; returns what it printed. */
function run(args: string[]): Promise<string> {
  return runCli([registerSimulateCommand], ['--quiet', ...args]);
}

const movielens = findDataset('movielens-100k');
const folder = mkdtempSync(join(tmpdir(), 'personalab-cli-simulate-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('personalab simulate', () => {
  it('rejects a bad shard and an unknown assistant before doing any work', async () => {
    await expect(run(['simulate', '--shard', '3/2', '--store', join(folder, 'bad.sqlite')])).rejects.toThrow(/--shard/);
    await expect(run(['simulate', '--users', 'nowhere', '--store', join(folder, 'bad.sqlite')])).rejects.toThrow(/--users/);
  });

  if (!movielens) console.warn(`movielens-100k not found, skipping the simulate run test: ${howToGet('movielens-100k')}`);
  it.skipIf(!movielens)('runs shards into one store, resumes, and exports JSONL transcripts', async () => {
    const store = join(folder, 'runs.sqlite');
    const common = ['simulate', '--users', 'movielens-100k', '--limit', '6', '--assistant', 'most-popular', '--corpus-size', '200', '--store', store];
    expect(await run([...common, '--shard', '1/2'])).toMatch(/3 conversations \(3 run now, 0 resumed\)/);
    expect(await run([...common, '--shard', '2/2'])).toMatch(/3 conversations \(3 run now, 0 resumed\)/);
    const transcripts = join(folder, 'all.jsonl');
    const output = await run([...common, '--transcripts', transcripts]);
    expect(output).toMatch(/6 conversations \(0 run now, 6 resumed\)/);
    const lines = readFileSync(transcripts, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { userId: string; turns: unknown[] });
    expect(lines.map((line) => line.userId).sort()).toEqual(['1', '2', '3', '4', '5', '6']);
    for (const line of lines) expect(line.turns.length).toBeGreaterThanOrEqual(3);
  });
});
