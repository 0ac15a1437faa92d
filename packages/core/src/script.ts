import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { getConfig } from './config.js';
import { blockingFile } from './blocking-file.js';
import { PersonalabError } from './errors.js';

/**
 * Helpers for the experiment and bench scripts (`experiments/**`, `bench/**`): one way to report
 * errors, and one rule for where results go.
 *
 * The rule: the committed results folder is written only by the headline run (the options the
 * committed files were made with). A run with other options writes under
 * `$PERSONALAB_STATE_DIR/<name>` unless `--out DIR` is given, and the recorded command line is the
 * one actually run.
 */

/** Where `runScript` writes and how it ends the process; injectable for tests. */
export interface ScriptIo {
  stderr: { write(text: string): unknown };
  /** Ends the process after a failure (default `process.exit`: a server or timer left open must not keep it alive). */
  exit(code: number): void;
  /** Where `--help` prints the usage (default stdout). */
  stdout?: { write(text: string): unknown };
  /** The process's argv: node, the script, its arguments (default `process.argv`). */
  argv?: readonly string[];
}

const defaultIo: ScriptIo = { stderr: process.stderr, exit: (code) => process.exit(code) };

/**
 * The usage a script documents at its top, in the opening `/** … *\/` block or the `//` lines it starts with (after a
 * shebang), without the comment markers; undefined when the file cannot be read or opens with code.
 */
export function scriptUsage(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const body = text.replace(/^#![^\n]*\n/, '').trimStart();
  const block = /^\/\*\*?([\s\S]*?)\*\//.exec(body);
  const lines = block
    ? (block[1] ?? '').split('\n').map((line) => line.replace(/^\s*\* ?/, ''))
    : body
        .split('\n')
        .filter((line, index, all) => all.slice(0, index + 1).every((earlier) => earlier.startsWith('//')))
        .map((line) => line.replace(/^\/\/ ?/, ''));
  const usage = lines.join('\n').trim();
  return usage === '' ? undefined : `${usage}\n`;
}

/**
 * `--help` / `-h` anywhere in a script's arguments: prints the usage from the script's opening comment on stdout and
 * ends the process with 0, before any option is parsed or data read (the scripts had answered "unknown option --help",
 * and those taking no options had run in full). Returns whether it did (only a test's `exit` returns).
 */
function answeredHelp(io: ScriptIo): boolean {
  const argv = io.argv ?? process.argv;
  if (!argv.slice(2).some((arg) => arg === '--help' || arg === '-h')) return false;
  const script = argv[1];
  const usage = script === undefined ? undefined : scriptUsage(script);
  (io.stdout ?? process.stdout).write(usage ?? `no usage is written at the top of ${script ?? 'this script'}: read its source\n`);
  io.exit(0);
  return true;
}

/** Exit code of a refused option or bad data (as the CLI's), and of a bug. */
export const scriptExitCodes = { expected: 2, internal: 1 } as const;

/**
 * The one line `runScript` prints for an error, and its exit code: `error (code): message`.
 * A `PersonalabError` and a rejected option of `node:util` `parseArgs` exit 2; anything else is
 * reported as `internal` (with its first stack frame, the place to look) and exits 1.
 */
export function describeScriptError(error: unknown): { text: string; exitCode: number } {
  if (PersonalabError.is(error)) return { text: `error (${error.code}): ${error.message}\n`, exitCode: scriptExitCodes.expected };
  const nodeCode = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof nodeCode === 'string' && nodeCode.startsWith('ERR_PARSE_ARGS_')) {
    return { text: `error (invalid_argument): ${parseArgsMessage(message)}\n`, exitCode: scriptExitCodes.expected };
  }
  const frame = error instanceof Error ? (error.stack ?? '').split('\n').find((line) => line.trimStart().startsWith('at ')) : undefined;
  // Cut the frame: a minified bundle (Emscripten) can put kilobytes on one line.
  const where = frame === undefined ? '' : `\n  ${frame.trim().slice(0, 300)}`;
  const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
  return { text: `error (internal): ${name}${message}${where}\n`, exitCode: scriptExitCodes.internal };
}

/**
 * One line, naming the option, for an error of `node:util` `parseArgs`: Node's own message for a
 * value that starts with a dash (`--world-users -1`) takes three lines and names no fix that fits.
 */
function parseArgsMessage(message: string): string {
  const ambiguous = /^Option '(?:-\w, )?(--?[\w-]+)' argument is ambiguous/.exec(message);
  if (ambiguous) {
    const option = ambiguous[1] as string;
    return `${option} needs a value: none was given, or it starts with "-" (write a value such as -1 as ${option}=-1)`;
  }
  const missing = /^Option '(?:-\w, )?(--?[\w-]+)(?: <value>)?' argument missing/.exec(message);
  if (missing) return `${missing[1] as string} needs a value`;
  const noValue = /^Option '(?:-\w, )?(--?[\w-]+)' does not take an argument/.exec(message);
  if (noValue) return `${noValue[1] as string} takes no value`;
  const unknown = /^Unknown option '([^']*)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1] as string}`;
  const positional = /^Unexpected argument '([^']*)'/.exec(message);
  if (positional) return `unexpected argument ${JSON.stringify(positional[1])}: this script takes only --options`;
  return message.split('\n').map((line) => line.trim()).join(' ');
}

/**
 * Runs a script's `main`, awaited inside try/catch so that no error of it becomes an uncaught
 * exception (tfjs-wasm's Emscripten handlers would dump its source): the error is printed as one
 * line and the process exits non-zero. Use as `await runScript(async () => { ... })`.
 */
export async function runScript(main: () => Promise<void> | void, io: ScriptIo = defaultIo): Promise<void> {
  if (answeredHelp(io)) return;
  try {
    await main();
  } catch (error) {
    fail(error, io);
  }
}

/** Prints a script's error as one line and exits with its code. */
function fail(error: unknown, io: ScriptIo): void {
  const { text, exitCode } = describeScriptError(error);
  io.stderr.write(text);
  io.exit(exitCode);
}

/**
 * Parses a script's options at module level, where `runScript` does not reach (values that the
 * script's top-level functions read): an error is printed as `runScript` prints it, and ends the process.
 */
export function scriptOptions<T>(parse: () => T, io: ScriptIo = defaultIo): T {
  if (answeredHelp(io)) throw new PersonalabError('cancelled', 'the usage was printed (--help)'); // only reached when `io.exit` returns (tests)
  try {
    return parse();
  } catch (error) {
    fail(error, io);
    throw error; // only reached when `io.exit` returns (tests)
  }
}

/** `values` parsed by `parseArgs`, as far as the headline comparison needs them. */
type OptionValues = Readonly<Record<string, unknown>>;

/**
 * The options whose value differs from the headline run's, as `--name` (empty for the headline
 * run). Compare parsed values (after defaults), so that `--seed 1` equals the default seed 1.
 * An option missing from `headline` differs whenever it is set (`undefined` is "not set").
 */
export function changedOptions(values: OptionValues, headline: OptionValues): string[] {
  return changedKeys(values, headline).map((name) => `--${name}`);
}

/** The keys whose value differs from the headline run's (either side may lack a key), in first-seen order. */
export function changedKeys(values: OptionValues, headline: OptionValues): string[] {
  const names = new Set([...Object.keys(values), ...Object.keys(headline)]);
  return [...names].filter((name) => JSON.stringify(values[name]) !== JSON.stringify(headline[name]));
}

export interface ResultsDirectoryOptions {
  /** `--out DIR`, when given: always used. */
  out: string | undefined;
  /** The committed results folder, written only by the headline run. */
  committed: string;
  /** `changedOptions(...)`: why this run is not the headline one (empty: it is). */
  changed: readonly string[];
  /** Folder under the state directory for any other run, e.g. `experiments/simulation-partial`. */
  name: string;
  /** Default `getConfig().stateDir`. */
  stateDir?: string;
  /** Where the redirect note goes (default stderr). */
  log?: (line: string) => void;
}

/**
 * Where a script writes its results (absolute): `--out`, else the committed folder for the
 * headline run, else `<stateDir>/<name>`, announced, so that a smoke or partial run never
 * overwrites the committed results. A folder that is a file, or lies under one, is refused here
 * (`invalid_argument`), before any work: call it where the options are parsed.
 */
export function resultsDirectory(options: ResultsDirectoryOptions): string {
  if (options.out !== undefined) return checkedFolder(resolve(options.out), '--out ');
  if (options.changed.length === 0) return checkedFolder(resolve(options.committed), '');
  const directory = checkedFolder(resolve(join(options.stateDir ?? getConfig().stateDir, options.name)), '');
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  log(`${options.changed.join(', ')} differ${options.changed.length === 1 ? 's' : ''} from the headline run: results go to ${displayPath(directory)}, not the committed folder (--out DIR to choose)`);
  return directory;
}

/**
 * Refuses, before any work, a results folder that is a file or lies under one: found only when the
 * results are written, it would cost the whole run. The folder itself need not exist yet.
 */
function checkedFolder(directory: string, label: string): string {
  const file = blockingFile(directory);
  if (file === undefined) return directory;
  const what = file === directory ? 'is a file' : `is under ${displayPath(file)}, a file`;
  throw new PersonalabError('invalid_argument', `cannot write results into ${label}${displayPath(directory)}: it ${what}; results are written into a folder`, { details: { path: directory } });
}

function displayPath(path: string): string {
  const relativePath = relative(process.cwd(), path);
  return relativePath !== '' && !relativePath.startsWith('..') && !isAbsolute(relativePath) ? relativePath : path;
}

/** Quotes an argument for a POSIX shell when it needs it. */
function shellQuote(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command line a result file records: the script (relative to the repository root) with the
 * arguments it was actually run with (default `process.argv.slice(2)`).
 */
export function scriptCommand(script: string, argv: readonly string[] = process.argv.slice(2)): string {
  return ['npx tsx --conditions=development', script, ...argv.map(shellQuote)].join(' ');
}

/**
 * The command line that started this process, for a result file to record when the script's name is
 * not fixed (a runner called by the CLI and by a script): `scriptCommand` of the entry point relative
 * to `cwd` for a TypeScript entry point, else `node <entry> <arguments>`. Undefined without an entry point.
 */
export function invokedCommand(argv: readonly string[] = process.argv, cwd: string = process.cwd()): string | undefined {
  const entry = argv[1];
  if (entry === undefined || entry === '') return undefined;
  const relativeEntry = relative(cwd, resolve(cwd, entry));
  const script = relativeEntry !== '' && !relativeEntry.startsWith('..') && !isAbsolute(relativeEntry) ? relativeEntry.split(sep).join('/') : entry;
  const argumentsGiven = argv.slice(2);
  return /\.[cm]?ts$/.test(script) ? scriptCommand(script, argumentsGiven) : ['node', script, ...argumentsGiven].map(shellQuote).join(' ');
}
