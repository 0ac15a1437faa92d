import { Command } from 'commander';
import { PersonalabError } from '@personalab/core';
import { registerCommands } from './commands/index.js';

/** Builds the `personalab` command tree; `main.ts` parses `process.argv` with it. */
export function createProgram(): Command {
  const program = new Command('personalab')
    .description('Personalized recommendation and user simulation: train, evaluate, serve, simulate, PersonaMem')
    .option('--data-dir <dir>', 'where data sets live; when given, the only folder searched (default: $PERSONALAB_DATA_DIR, ./datasets, ../shared/datasets)')
    .option('--quiet', 'no progress bars')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });
  registerCommands(program);
  return program;
}

/** Exit code of a command stopped by SIGINT / SIGTERM (`cancelled`): 128 + SIGINT, as a shell reports Ctrl-C. */
export const cancelledExitCode = 130;

/**
 * Runs the command line and returns the exit code: a `PersonalabError` (bad option, bad file,
 * failed upstream) is printed as one line without a stack and exits with 2, or with 130 when it is
 * `cancelled` (an interrupt). Anything else is a bug and is rethrown with its stack.
 */
export async function runProgram(argv: readonly string[], program?: Command): Promise<number> {
  try {
    // Built inside the try: a bad environment met while building (a config error) is one line too.
    await (program ?? createProgram()).parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (!PersonalabError.is(error)) throw error;
    process.stderr.write(`error (${error.code}): ${error.message}\n`);
    return error.code === 'cancelled' ? cancelledExitCode : 2;
  }
}
