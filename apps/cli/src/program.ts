import { Command } from 'commander';
import { PersonalabError } from '@personalab/core';
import { formatUsage, runUsage, type UsageTracker } from '@personalab/llm';
import { registerCommands } from './commands/index.js';
import { cancelledExitCode } from './interrupt.js';

export { cancelledExitCode };

/** Builds the `personalab` command tree; `main.ts` parses `process.argv` with it. */
export function createProgram(): Command {
  const program = new Command('personalab')
    .description('Personalized recommendation and user simulation: datasets, train, serve, simulate, profile, personamem, experiment')
    .option('--data-dir <dir>', 'where data sets live; when given, the only folder searched (default: $PERSONALAB_DATA_DIR, ./datasets, ../shared/datasets)')
    .option('--quiet', 'no progress bars')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true, showGlobalOptions: true, minWidthToWrap: 30 })
    .addHelpText('after', '\nA command that used an LLM (a request, or an answer from the LLM cache) ends with one line of its usage on stderr:\n  llm: <tokens> (<prompt> + <completion>), <requests>, <retries>, <cache hits>, <repairs>, <failures>');
  registerCommands(program);
  addHelpCommands(program);
  return program;
}

/** "personalab datasets stats": the words that run a command. */
function commandPath(command: Command): string {
  return command.parent ? `${commandPath(command.parent)} ${command.name()}` : command.name();
}

/** Every command with subcommands, depth first. */
function groups(command: Command): Command[] {
  return command.commands.length === 0 ? [] : [command, ...command.commands.flatMap(groups)];
}

/**
 * `help [command...]` in the program and in each group, in place of commander's: it follows a path
 * (`personalab help personamem evaluate`), and an unknown name is the error an unknown command is (its line, the
 * nearest name, the help; exit 1) where commander's had printed the help alone.
 */
function addHelpCommands(program: Command): void {
  for (const group of groups(program)) {
    group
      .command('help')
      .argument('[command...]', 'a command, then a subcommand')
      .description('display help for command')
      .action(async (path: string[]) => {
        let command = group;
        for (const name of path) {
          // A command without subcommands is never parsed here: that would run it.
          if (command.commands.length === 0) command.error(`error: unknown command '${name}' (${commandPath(command)} has no subcommands)`, { code: 'commander.unknownCommand' });
          const found = command.commands.find((child) => child.name() === name || child.aliases().includes(name));
          if (!found) {
            // Parsed as the group's own command line: commander's unknown-command error, suggestion and help (it exits).
            await command.parseAsync([name], { from: 'user' });
            return;
          }
          command = found;
        }
        command.help();
      });
  }
}

/**
 * The run's LLM usage as one stderr line (`llm: 1,234 tokens (…), 5 requests, …`), or nothing when no model built from
 * config sent a request, answered from the cache or failed: an offline run's output stays as it was.
 */
export function reportUsage(usage: UsageTracker = runUsage): void {
  const totals = usage.snapshot();
  if (totals.requests + totals.cacheHits + totals.failures + totals.cancelled + totals.repairs === 0) return;
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
