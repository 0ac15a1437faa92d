import { Command } from 'commander';
import { registerCommands } from './commands/index.js';

/** Builds the `personalab` command tree; `main.ts` parses `process.argv` with it. */
export function createProgram(): Command {
  const program = new Command('personalab')
    .description('Personalized recommendation and user simulation: train, evaluate, serve, simulate, PersonaMem')
    .option('--data-dir <dir>', 'where data sets live (default: $PERSONALAB_DATA_DIR, ./datasets, ../shared/datasets)')
    .option('--quiet', 'no progress bars')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });
  registerCommands(program);
  return program;
}
