import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The numeric options are checked before any data is read, so these runs need no data set.
const root = fileURLToPath(new URL('../..', import.meta.url));
const script = join(root, 'experiments', 'simulation', 'movielens.ts');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

async function runExperiment(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await promisify(execFile)(tsx, ['--conditions=development', script, ...args], { cwd: root, env: { ...process.env, PERSONALAB_DATA_DIR: '/nonexistent' } });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? -1, stderr: failed.stderr ?? '' };
  }
}

describe('experiments/simulation/movielens.ts options', () => {
  it('refuses a numeric option that is not an integer in range, naming it, with exit code 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--users', 'abc'], /--users must be a positive integer, got "abc"/],
      [['--max-turns', '0'], /--max-turns must be a positive integer, got "0"/],
      [['--k', '2.5'], /--k must be a positive integer, got "2\.5"/],
      [['--seed=-1'], /--seed must be an integer from 0 to 4294967295, got "-1"/],
      [['--http-users', '1e3'], /--http-users must be a positive integer, got "1e3"/],
    ];
    const results = await Promise.all(cases.map(([args]) => runExperiment(args)));
    results.forEach((result, index) => {
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(cases[index]?.[1] as RegExp);
    });
  }, 120_000);
});
