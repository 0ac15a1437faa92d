import { resolve } from 'node:path';
import type { Command } from 'commander';
import { getConfig, PersonalabError } from '@personalab/core';
import { datasetFolders, findDataset, howToGet, type DataDirectoryOptions, type DatasetName } from '@personalab/datasets';

export interface GlobalOptions {
  /** `--data-dir` only (authoritative when given). */
  dataDir: string | undefined;
  /** Everything `findDataset` needs: `--data-dir`, then $PERSONALAB_DATA_DIR, ./datasets, ../shared/datasets. */
  dataDirectory: DataDirectoryOptions;
  quiet: boolean;
}

/** The root options (`--data-dir`, `--quiet`) as seen from any subcommand. */
export function globalOptions(command: Command): GlobalOptions {
  let root = command;
  while (root.parent) root = root.parent;
  const options = root.opts<{ dataDir?: string; quiet?: boolean }>();
  const config = getConfig();
  return {
    dataDir: options.dataDir,
    dataDirectory: { dataDir: options.dataDir, environmentDataDir: config.dataDir },
    quiet: options.quiet ?? config.quiet,
  };
}

/**
 * How to get a missing data set. An explicit `--data-dir` is the only folder searched (so a test or
 * a fixture never silently falls back to other data), so then the hint names that folder rather
 * than $PERSONALAB_DATA_DIR, which it overrides.
 */
export function missingDatasetHint(name: DatasetName, global: GlobalOptions): string {
  if (global.dataDir === undefined) return howToGet(name);
  return `--data-dir ${resolve(global.dataDir)} has no ${datasetFolders[name]}/ folder, and it is the only folder searched when given: put the data there or leave --data-dir out to search $PERSONALAB_DATA_DIR, ./datasets and ../shared/datasets`;
}

/** The folder of a data set, or a `not_found` error that says how to get it. */
export function requireDataset(name: DatasetName, global: GlobalOptions): string {
  const directory = findDataset(name, global.dataDirectory);
  if (!directory) throw new PersonalabError('not_found', `${name} not found: ${missingDatasetHint(name, global)}`);
  return directory;
}
