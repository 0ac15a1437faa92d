/**
 * MovieLens-100K experiments P1 (top-10), P2 (top-5) and P3 (rating prediction).
 * Usage: npx tsx --conditions=development experiments/movielens/run.ts [p1|p3|all] [--quick] [--seeds 42,7,1] [--models ease,bpr-mf]
 * (P2 is computed from P1's rankings.) Same as `npm run personalab -- experiment movielens ...`.
 */
import { join, resolve } from 'node:path';
import { getConfig } from '@personalab/core';
import { findDataset, howToGet } from '@personalab/datasets';
import { defaultResultsDirectory, runRankingExperiments, runRatingExperiments } from '@personalab/user-embedding';

const args = process.argv.slice(2);
const which = args.find((arg) => !arg.startsWith('--')) ?? 'all';
const flag = (name: string) => {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
};
const dataDirectory = findDataset('movielens-100k');
if (!dataDirectory) {
  console.error(`movielens-100k not found: ${howToGet('movielens-100k')}`);
  process.exit(1);
}
const quick = args.includes('--quick');
const options = {
  dataDirectory,
  // A smoke run never overwrites the committed results (as `personalab experiment movielens --quick`).
  resultsDirectory: quick ? resolve(join(getConfig().stateDir, 'experiments', 'movielens-quick')) : defaultResultsDirectory(process.cwd()),
  quick,
  quiet: args.includes('--quiet'),
  ...(flag('--seeds') ? { seeds: (flag('--seeds') as string).split(',').map(Number) } : {}),
  ...(flag('--models') ? { models: (flag('--models') as string).split(',') } : {}),
  ...(flag('--save-model') ? { saveModelDirectory: flag('--save-model') as string } : {}),
};
if (which === 'p1' || which === 'p2' || which === 'all') await runRankingExperiments(options);
if (which === 'p3' || which === 'all') await runRatingExperiments(options);
