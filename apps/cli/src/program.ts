import { Command } from 'commander';
import { PersonalabError } from '@personalab/core';
import { formatUsage, runUsage, type UsageTracker } from '@personalab/llm';
import { registerCommands } from './commands/index.js';

/** Builds the `personalab` command tree; `main.ts` parses `process.argv` with it. */
export function createProgram(): Command {
  const program = new Command('personalab')
    .description('Personalized recommendation and user simulation: train, evaluate, serve, simulate, PersonaMem')
    .option('--data-dir <dir>', 'where data sets live; when given, the only folder searched (default: $PERSONALAB_DATA_DIR, ./datasets, ../shared/datasets)')
    .option('--quiet', 'no progress bars')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true })
    .addHelpText('after', '\nA command that used an LLM (a request, or an answer from the LLM cache) ends with one line of its usage on stderr:\n  llm: <tokens> (<prompt> + <completion>), <requests>, <retries>, <cache hits>, <repairs>, <failures>');
  registerCommands(program);
  return program;
}

/** Exit code of a command stopped by SIGINT / SIGTERM (`cancelled`): 128 + SIGINT, as a shell reports Ctrl-C. */
export const cancelledExitCode = 130;

/**
 * The run's LLM usage as one stderr line (`llm: 1,234 tokens (…), 5 requests, …`), or nothing when no model built from
 * config sent a request, answered from the cache or failed: an offline run's output stays as it was.
 */
export function reportUsage(usage: UsageTracker = runUsage): void {
  const totals = usage.snapshot();
  if (totals.requests + totals.cacheHits + totals.failures + totals.repairs === 0) return;
  process.stderr.write(`llm: ${formatUsage(totals)}\n`);
}

/**
 * Runs the command line and returns the exit code: a `PersonalabError` (bad option, bad file,
 * failed upstream) is printed as one line without a stack and exits with 2, or with 130 when it is
 * `cancelled` (an interrupt). Anything else is a bug and is rethrown with its stack. A command that
 * used an LLM (requests or cache hits) ends with its usage totals on stderr, before any error line.
 */
export async function runProgram(argv: readonly string[], program?: Command, usage: UsageTracker = runUsage): Promise<number> {
  try {
    // Built inside the try: a bad environment met while building (a config error) is one line too.
    await (program ?? createProgram()).parseAsync([...argv]);
    reportUsage(usage);
    return 0;
  } catch (error) {
    reportUsage(usage);
    if (!PersonalabError.is(error)) throw error;
    process.stderr.write(`error (${error.code}): ${error.message}\n`);
    return error.code === 'cancelled' ? cancelledExitCode : 2;
  }
}
