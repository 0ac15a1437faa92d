import type { Command } from 'commander';
import { registerDatasetsCommand } from './datasets.js';
import { registerPersonamemCommand } from './personamem.js';

/**
 * Each command lives in its own file and is registered here, one line each.
 */
export function registerCommands(program: Command): void {
  void program;
  registerDatasetsCommand(program);
  registerPersonamemCommand(program);
}
