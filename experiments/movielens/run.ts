/**
 * MovieLens-100K experiments P1 (top-10), P2 (top-5) and P3 (rating prediction).
 * Usage: npx tsx --conditions=development experiments/movielens/run.ts [p1|p2|p3|all] [--quick] [--seeds 42,7,1] [--models ease,bpr-mf] [--out DIR]
 * (P2 is computed from P1's rankings.) Runs `personalab experiment movielens ...` (the same options,
 * checked the same way; `--out` is its `--results`), with one addition: a run with `--seeds` or
 * `--models` and no `--out` writes to $PERSONALAB_STATE_DIR/experiments/movielens-partial, as a
 * `--quick` one writes to .../movielens-quick, so that only the headline run writes results/.
 */
import { join, resolve } from 'node:path';
import { getConfig } from '@personalab/core';
import { runProgram } from '@personalab/cli';

const given = process.argv.slice(2);
const args = given.map((arg) => (arg === '--out' ? '--results' : arg.startsWith('--out=') ? `--results=${arg.slice('--out='.length)}` : arg));
const has = (flag: string) => args.some((arg) => arg === flag || arg.startsWith(`${flag}=`));
if (!has('--results') && !has('--quick') && (has('--seeds') || has('--models'))) {
  const directory = resolve(join(getConfig().stateDir, 'experiments', 'movielens-partial'));
  process.stderr.write(`--seeds/--models differ from the headline run: results go to ${directory}, not the committed folder (--out DIR to choose)\n`);
  args.push('--results', directory);
}
process.exitCode = await runProgram(['node', 'personalab', 'experiment', 'movielens', ...args]);
