import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Folder name of each known data set inside a data directory. */
export const datasetFolders = {
  'movielens-100k': 'movielens-100k',
  'persona-chat': 'persona-chat-convai2-valid',
  'synthetic-persona-chat': 'synthetic-persona-chat',
  'personamem-32k': 'personamem-32k',
  'personamem-dev': 'personamem-dev',
} as const;
export type DatasetName = keyof typeof datasetFolders;

export interface DataDirectoryOptions {
  /** `--data-dir` from the command line; wins over everything. */
  dataDir?: string | undefined;
  /** `PERSONALAB_DATA_DIR` from the config. */
  environmentDataDir?: string | undefined;
  /** Working directory the relative defaults are resolved against. */
  cwd?: string;
}

/** The candidate data directories, in the order DESIGN.md gives. */
export function dataDirectoryCandidates(options: DataDirectoryOptions = {}): string[] {
  const cwd = options.cwd ?? process.cwd();
  const candidates = [options.dataDir, options.environmentDataDir, 'datasets', '../shared/datasets'];
  return candidates.filter((value): value is string => value !== undefined && value !== '').map((value) => resolve(cwd, value));
}

/**
 * The folder of a data set: the first candidate data directory that holds it, or undefined.
 * An explicit `dataDir` is authoritative: if it is given and lacks the set, nothing else is tried.
 */
export function findDataset(name: DatasetName, options: DataDirectoryOptions = {}): string | undefined {
  const folder = datasetFolders[name];
  const candidates = dataDirectoryCandidates(options);
  const searched = options.dataDir ? candidates.slice(0, 1) : candidates;
  for (const directory of searched) {
    const path = resolve(directory, folder);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/**
 * How to get a data set, for skip messages and errors. With `dataDir` (`--data-dir`), which is then the only folder
 * searched (so a test or a fixture never silently falls back to other data), the hint names that folder rather than
 * $PERSONALAB_DATA_DIR, which it overrides.
 */
export function howToGet(name: DatasetName, options: { dataDir?: string | undefined } = {}): string {
  if (options.dataDir !== undefined) {
    return `--data-dir ${resolve(options.dataDir)} has no ${datasetFolders[name]}/ folder, and it is the only folder searched when given: put the data there or leave --data-dir out to search $PERSONALAB_DATA_DIR, ./datasets and ../shared/datasets`;
  }
  switch (name) {
    case 'movielens-100k':
      return 'run `npm run personalab -- datasets fetch movielens-100k` (needs internet) or set PERSONALAB_DATA_DIR to a folder holding movielens-100k/';
    default:
      return `place the ${datasetFolders[name]}/ folder in ./datasets or set PERSONALAB_DATA_DIR (see datasets/README.md)`;
  }
}
