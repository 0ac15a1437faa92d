import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

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
  /** `PERSONALAB_DATA_DIR` from the config; when the key is absent, the environment variable is read (`undefined` given: none). */
  environmentDataDir?: string | undefined;
  /** Working directory the relative defaults are resolved against. */
  cwd?: string;
}

/** The candidate data directories, in the order the root README gives: --data-dir, $PERSONALAB_DATA_DIR, ./datasets, ../shared/datasets. */
export function dataDirectoryCandidates(options: DataDirectoryOptions = {}): string[] {
  const cwd = options.cwd ?? process.cwd();
  // A caller that does not say (a test, a bench) gets $PERSONALAB_DATA_DIR, as every skip message tells users to set
  // it: it had been read only where the CLI passed it in, so a bench timed other data and a test skipped. Read here
  // rather than through getConfig(), which would make a data set lookup fail on an unrelated bad variable (a PORT).
  const environment = 'environmentDataDir' in options ? options.environmentDataDir : process.env.PERSONALAB_DATA_DIR;
  const candidates = [options.dataDir, environment, 'datasets', '../shared/datasets'];
  return candidates.filter((value): value is string => value !== undefined && value !== '').map((value) => resolve(cwd, value));
}

/** The files whose presence shows that a data set folder holds the set (what its loaders read first), for messages. */
export const datasetMarkers: Record<DatasetName, string> = {
  'movielens-100k': 'u.data',
  'persona-chat': '.txt file (valid_self_original_no_cands.txt, ...)',
  'synthetic-persona-chat': '.csv file (Synthetic-Persona-Chat_valid.csv, ...)',
  'personamem-32k': '.csv or .jsonl file (questions_32k.csv, ...)',
  'personamem-dev': '.csv or .jsonl file (questions_128k.csv, ...)',
};

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function holdsMarker(name: DatasetName, folder: string): boolean {
  if (name === 'movielens-100k') return existsSync(join(folder, 'u.data')) || existsSync(join(folder, 'ml-100k', 'u.data'));
  const extensions = name === 'persona-chat' ? ['.txt'] : name === 'synthetic-persona-chat' ? ['.csv'] : ['.csv', '.jsonl'];
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    // An unreadable folder counts as holding the set, so that the loader reports the real error with its path.
    return true;
  }
  return entries.some((entry) => extensions.some((extension) => entry.endsWith(extension)));
}

/**
 * Why `folder` (a data set's own folder, such as `datasets/movielens-100k`) does not hold the set: "does not exist",
 * "is a file, not a folder" or "holds no u.data"; undefined when it does.
 */
export function datasetFolderProblem(name: DatasetName, folder: string): string | undefined {
  if (!existsSync(folder)) return 'does not exist';
  if (!isDirectory(folder)) return 'is a file, not a folder';
  if (!holdsMarker(name, folder)) return `holds no ${datasetMarkers[name]}`;
  return undefined;
}

/**
 * Why `directory` (a data directory) does not hold a data set, in words ("does not exist", "has no movielens-100k/
 * folder", "has movielens-100k/ but it holds no u.data"), or undefined when it does hold it.
 */
export function datasetProblem(name: DatasetName, directory: string): string | undefined {
  if (!existsSync(directory)) return 'does not exist';
  if (!isDirectory(directory)) return 'is a file, not a folder';
  const folder = datasetFolders[name];
  const problem = datasetFolderProblem(name, join(directory, folder));
  if (problem === 'does not exist') return `has no ${folder}/ folder`;
  if (problem !== undefined) return `has ${folder}${problem.startsWith('is a file') ? '' : '/'} but it ${problem}`;
  return undefined;
}

/**
 * The folder of a data set: the first candidate data directory whose `<folder>/` is a folder holding the set's files
 * (an empty or half-made folder does not hide the set in a later directory), or undefined.
 * An explicit `dataDir` is authoritative: if it is given and lacks the set, nothing else is tried.
 */
export function findDataset(name: DatasetName, options: DataDirectoryOptions = {}): string | undefined {
  const candidates = dataDirectoryCandidates(options);
  const searched = options.dataDir ? candidates.slice(0, 1) : candidates;
  for (const directory of searched) {
    if (datasetProblem(name, directory) === undefined) return resolve(directory, datasetFolders[name]);
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
    const directory = resolve(options.dataDir);
    const problem = datasetProblem(name, directory) ?? `has no ${datasetFolders[name]}/ folder`;
    return `--data-dir ${directory} ${problem}, and it is the only folder searched when given: put the data there or leave --data-dir out to search $PERSONALAB_DATA_DIR, ./datasets and ../shared/datasets`;
  }
  switch (name) {
    case 'movielens-100k':
      return 'run `npm run personalab -- datasets fetch movielens-100k` (needs internet) or set PERSONALAB_DATA_DIR to a folder holding movielens-100k/';
    default:
      return `place the ${datasetFolders[name]}/ folder in ./datasets or set PERSONALAB_DATA_DIR (see datasets/README.md)`;
  }
}
