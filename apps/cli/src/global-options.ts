import type { Command } from 'commander';
import { getConfig } from '@personalab/core';
import type { DataDirectoryOptions } from '@personalab/datasets';

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
