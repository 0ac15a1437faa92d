import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command, Option } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { temporaryDirectory } from '@personalab/datasets/test';
import { createProgram, runProgram } from './program.js';

const mainPath = fileURLToPath(new URL('./main.ts', import.meta.url));
/** apps/cli: the working directory of the child processes (`--import tsx` is resolved from it). */
const cliFolder = fileURLToPath(new URL('..', import.meta.url));
const folder = temporaryDirectory('personalab-cli-main-');
afterAll(() => folder.remove());

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `personalab <args>` as a user runs it: a process of its own (main.ts), stdout and stderr pipes (not a terminal),
 * without CI and PERSONALAB_QUIET (so progress bars show unless --quiet says otherwise) or PERSONALAB_DATA_DIR.
 */
function personalab(args: readonly string[], cwd: string = cliFolder): Promise<Outcome> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !['CI', 'PERSONALAB_QUIET', 'PERSONALAB_DATA_DIR'].includes(name)));
  return new Promise((resolve) => {
    execFile(process.execPath, ['--conditions=development', '--import', 'tsx', mainPath, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

/** A stack frame, as Node prints an uncaught error: "    at run (file:///…/main.ts:12:3)". */
const stackLine = /^ +at .*:\d+:\d+\)?$/m;
/** An ANSI escape (colour, cursor movement) or a carriage return (a bar redrawn in place). */
// eslint-disable-next-line no-control-regex -- the escape character is what is looked for
const terminalControl = /[\u001b\r]/;

describe('personalab as a user meets it (a process of its own)', () => {
  it('prints its version with --version or -V, before or after a command name, and lists it in the help', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const [long, short, afterCommand, help] = await Promise.all([personalab(['--version']), personalab(['-V']), personalab(['train', '--version']), personalab(['--help'])]);
    // It had been an unknown option: exit 1 and the whole help on stderr.
    expect(long).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(short).toEqual(long);
    expect(afterCommand).toEqual(long);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}-V, --version +print the version of personalab$/m);
    expect(help.stdout).not.toMatch(terminalControl);
  }, 120_000);

  it('answers a command line it cannot parse with exit 1: the error line first, the nearest name, then the help', async () => {
    const [command, subcommand, option, argument, required, none, helpUnknown, helpNear, helpInGroup, helpPastLeaf] = await Promise.all([
      personalab(['trian']),
      personalab(['personamem', 'evalute']),
      personalab(['train', '--epoch', '3']),
      personalab(['datasets', 'stats']),
      personalab(['personamem', 'evaluate']),
      personalab([]),
      personalab(['help', 'nosuch']),
      personalab(['help', 'trian']),
      personalab(['help', 'personamem', 'evalute']),
      // Not run as `datasets stats movielens-100k`.
      personalab(['help', 'datasets', 'stats', 'movielens-100k']),
    ]);
    expect(command.stderr).toMatch(/^error: unknown command 'trian'\n\(Did you mean train\?\)\n\nUsage: personalab \[options\] \[command\]\n/);
    expect(subcommand.stderr).toMatch(/^error: unknown command 'evalute'\n\(Did you mean evaluate\?\)\n\nUsage: personalab personamem /);
    expect(option.stderr).toMatch(/^error: unknown option '--epoch'\n\(Did you mean --epochs\?\)\n\nUsage: personalab train /);
    expect(argument.stderr).toMatch(/^error: missing required argument 'name'\n\nUsage: personalab datasets stats /);
    expect(required.stderr).toMatch(/^error: required option '--questions <file>' not specified\n\nUsage: personalab personamem evaluate /);
    // No command at all: the help, on stderr, as an error.
    expect(none.stderr).toMatch(/^Usage: personalab \[options\] \[command\]\n/);
    // `help <unknown>` had printed the help alone, with no word on the name.
    expect(helpUnknown.stderr).toMatch(/^error: unknown command 'nosuch'\n\nUsage: personalab \[options\] \[command\]\n/);
    expect(helpNear.stderr).toMatch(/^error: unknown command 'trian'\n\(Did you mean train\?\)\n\nUsage: personalab \[options\] \[command\]\n/);
    expect(helpInGroup.stderr).toMatch(/^error: unknown command 'evalute'\n\(Did you mean evaluate\?\)\n\nUsage: personalab personamem /);
    expect(helpPastLeaf.stderr).toMatch(/^error: unknown command 'movielens-100k' \(personalab datasets stats has no subcommands\)\n\nUsage: personalab datasets stats /);
    for (const outcome of [command, subcommand, option, argument, required, none, helpUnknown, helpNear, helpInGroup, helpPastLeaf]) {
      expect(outcome.code).toBe(1);
      expect(outcome.stdout).toBe('');
      expect(outcome.stderr).not.toMatch(stackLine);
    }
  }, 120_000);

  it('prints the help of a command or subcommand named after help, on stdout', async () => {
    const [root, path, inGroup] = await Promise.all([personalab(['help']), personalab(['help', 'personamem', 'evaluate']), personalab(['personamem', 'help', 'evaluate'])]);
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/^Usage: personalab \[options\] \[command\]\n/);
    for (const outcome of [path, inGroup]) {
      expect(outcome).toMatchObject({ code: 0, stderr: '' });
      expect(outcome.stdout).toMatch(/^Usage: personalab personamem evaluate \[options\]\n/);
    }
  }, 120_000);

  it('answers input that a command refuses with one line, "error (<code>): …", and exit 2, never a stack trace', async () => {
    const empty = join(folder.path, 'empty-data');
    const [port, missing] = await Promise.all([personalab(['serve', '--port', '99999']), personalab(['datasets', 'stats', 'movielens-100k', '--data-dir', empty])]);
    expect(port).toEqual({ code: 2, stdout: '', stderr: 'error (invalid_argument): --port must be an integer from 0 to 65535, got "99999"\n' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error \(not_found\): movielens-100k not found: --data-dir \S+empty-data (does not exist|has no)[^\n]*\n$/);
  }, 120_000);

  it('takes the global options before or after the command name, and a relative --data-dir from the working directory', async () => {
    const data = join(folder.path, 'relative-data');
    const given = relative(cliFolder, data);
    const runs = await Promise.all([
      personalab(['--data-dir', given, 'datasets', 'list']),
      personalab(['datasets', '--data-dir', given, 'list']),
      personalab(['datasets', 'list', '--data-dir', given]),
      personalab(['datasets', 'list', '--data-dir', given, '--quiet']),
    ]);
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe(runs[0]?.stdout);
    }
    expect(runs[0]?.stdout).toContain(`\nsearched: ${data} (does not exist)\n`);
    const valueMissing = await personalab(['datasets', 'list', '--data-dir']);
    expect(valueMissing.code).toBe(1);
    expect(valueMissing.stderr).toMatch(/^error: option '--data-dir <dir>' argument missing\n/);
  }, 120_000);

  it('writes progress to a stderr that is not a terminal as plain lines (no escapes, no carriage returns); --quiet before or after the command turns it off', async () => {
    const archive = Buffer.alloc(256 * 1024, 7);
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-length': archive.length });
      response.end(archive);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ml-100k.zip`;
    // A wrong checksum: the whole archive is downloaded (with its progress bar), then refused in one line.
    const fetch = ['datasets', 'fetch', 'movielens-100k', '--url', url, '--md5', '0'.repeat(32), '--data-dir', join(folder.path, 'downloads')];
    try {
      const [shown, quietBefore, quietAfter] = await Promise.all([personalab(fetch), personalab(['--quiet', ...fetch]), personalab([...fetch, '--quiet'])]);
      const refusal = /^error \(corrupt_file\): checksum mismatch for http:\/\/127\.0\.0\.1:\d+\/ml-100k\.zip: MD5 [0-9a-f]{32}, expected 0{32}; nothing was written\n$/;
      for (const run of [shown, quietBefore, quietAfter]) {
        expect(run.code).toBe(2);
        expect(run.stdout).toBe('');
      }
      expect(shown.stderr).toMatch(/^downloading movielens-100k \[.*\] \d+\/262144 /);
      expect(shown.stderr).not.toMatch(terminalControl);
      expect(`${shown.stderr.trimEnd().split('\n').at(-1) ?? ''}\n`).toMatch(refusal);
      expect(quietBefore.stderr).toMatch(refusal);
      expect(quietAfter.stderr).toMatch(refusal);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 120_000);
});

/** Every command of the tree, depth first. */
function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

describe('personalab --help', () => {
  const program = createProgram();
  const find = (...path: string[]) => path.reduce<Command | undefined>((command, name) => command?.commands.find((child) => child.name() === name), program);

  it('says which options are required (commander lists them as any other)', () => {
    const required = allCommands(program).flatMap((command) => command.options.filter((option: Option) => option.mandatory).map((option) => ({ command: command.name(), option })));
    expect(required.map(({ command, option }) => `${command} ${option.long ?? ''}`).sort()).toEqual(['evaluate --questions', 'extract --input', 'report --questions', 'report --runs', 'score-predictions --questions']);
    for (const { option } of required) expect(option.description).toMatch(/^required: /);
  });

  it('lists the subcommands of a group in lines that fit 80 columns', () => {
    for (const command of allCommands(program).filter((entry) => entry.commands.length > 0)) {
      const help = command.helpInformation();
      const listed = help.slice(help.indexOf('\nCommands:\n')).split('\n');
      for (const line of listed) expect(line.length, `${command.name()} --help: ${line}`).toBeLessThanOrEqual(80);
    }
  });

  it('names in its description only commands there are', () => {
    const names = program.description().replace(/^[^:]*: /, '').split(', ');
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(find(name), name).toBeDefined();
  });

  it('lists the global options in the help of every command, in lines that fit 80 columns', () => {
    for (const command of allCommands(program).slice(1)) {
      const help = command.helpInformation();
      const global = help.slice(help.indexOf('\nGlobal Options:\n')).split('\n\n')[0] ?? '';
      expect(global, command.name()).toMatch(/^\nGlobal Options:\n {2}--data-dir <dir> +where data sets live/);
      expect(global, command.name()).toMatch(/^ {2}--quiet +no progress bars$/m);
      for (const line of global.split('\n')) expect(line.length, `${command.name()} --help: ${line}`).toBeLessThanOrEqual(80);
    }
  });

  it('shows the defaults that the commands apply', () => {
    // A --quick run takes one seed, 42 (the runner's default), not 42,7,1.
    expect(find('experiment', 'movielens')?.options.find((option) => option.long === '--seeds')?.description).toMatch(/\(default 42,7,1; with --quick, 42\)/);
  });

  it('describes the default run id of personamem evaluate as the run is stored and printed', async () => {
    const description = find('personamem', 'evaluate')?.options.find((option) => option.long === '--run-id')?.description ?? '';
    expect(description).toMatch(/default <responder as it names itself>-<questions file name without \.csv>, e\.g\. memory-questions_32k or llm:gpt-4o-mini:full-questions_32k/);
    const stdout: string[] = [];
    const outSpy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
    const errorSpy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const benchmark = join(folder.path, 'benchmark');
      const generate = ['--quiet', 'personamem', 'generate', '--personas', '1', '--questions-per-persona', '2', '--context-tokens', '2000', '--out', benchmark, '--name', 'tiny'];
      expect(await runProgram(['node', 'personalab', ...generate])).toBe(0);
      const evaluate = ['--quiet', 'personamem', 'evaluate', '--questions', join(benchmark, 'questions_tiny.csv'), '--responder', 'random', '--store', join(folder.path, 'runs.sqlite')];
      expect(await runProgram(['node', 'personalab', ...evaluate])).toBe(0);
    } finally {
      outSpy.mockRestore();
      errorSpy.mockRestore();
    }
    expect(stdout.join('')).toMatch(/^random-questions_tiny: accuracy /m);
  });
});
