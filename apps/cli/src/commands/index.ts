import type { Command } from 'commander';

/**
 * Each command lives in its own file and is registered here, one line each.
 */
export function registerCommands(program: Command): void {
  void program;
}
