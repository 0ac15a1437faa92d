import type { Command } from 'commander';
import { getConfig } from '@personalab/core';

export interface GlobalOptions {
  dataDir: string | undefined;
  quiet: boolean;
}

/** The root options (`--data-dir`, `--quiet`) as seen from any subcommand. */
export function globalOptions(command: Command): GlobalOptions {
  let root = command;
  while (root.parent) root = root.parent;
  const options = root.opts<{ dataDir?: string; quiet?: boolean }>();
  const config = getConfig();
  return { dataDir: options.dataDir ?? config.dataDir, quiet: options.quiet ?? config.quiet };
}
