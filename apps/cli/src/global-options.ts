import type { Command } from 'commander';
import { getConfig, PersonalabError } from '@personalab/core';
import { findDataset, howToGet, type DataDirectoryOptions, type DatasetName } from '@personalab/datasets';

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

/** How to get a missing data set, naming `--data-dir` when it was given (`howToGet`). */
export function missingDatasetHint(name: DatasetName, global: GlobalOptions): string {
  return howToGet(name, { dataDir: global.dataDir });
}

/** The folder of a data set, or a `not_found` error that says how to get it. */
export function requireDataset(name: DatasetName, global: GlobalOptions): string {
  const directory = findDataset(name, global.dataDirectory);
  if (!directory) throw new PersonalabError('not_found', `${name} not found: ${missingDatasetHint(name, global)}`);
  return directory;
}
