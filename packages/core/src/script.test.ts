import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PersonalabError } from './errors.js';
import { parseInteger } from './integer-arguments.js';
import { changedOptions, describeScriptError, invokedCommand, resultsDirectory, runScript, scriptCommand, scriptOptions, scriptUsage } from './script.js';

function captureIo() {
  const written: string[] = [];
  const exits: number[] = [];
  return { io: { stderr: { write: (text: string) => written.push(text) }, exit: (code: number) => void exits.push(code) }, written, exits };
}

describe('runScript', () => {
  it('runs main and leaves the process alone when it succeeds', async () => {
    const { io, written, exits } = captureIo();
    let ran = false;
    await runScript(async () => {
      ran = true;
    }, io);
    expect(ran).toBe(true);
    expect(written).toEqual([]);
    expect(exits).toEqual([]);
  });

  it('prints a PersonalabError as one line and exits 2', async () => {
    const { io, written, exits } = captureIo();
    await runScript(() => {
      parseInteger('--limit', 'abc', { min: 1 });
    }, io);
    expect(written).toEqual(['error (invalid_argument): --limit must be a positive integer, got "abc"\n']);
    expect(exits).toEqual([2]);
  });

  it('prints an unknown option of parseArgs as an invalid_argument line and exits 2', async () => {
    const { io, written, exits } = captureIo();
    await runScript(() => {
      parseArgs({ args: ['--users', '50'], options: { seed: { type: 'string' } } });
    }, io);
    expect(written).toEqual(['error (invalid_argument): unknown option --users\n']);
    expect(exits).toEqual([2]);
  });

  it('prints every parseArgs refusal as one line naming the option', () => {
    const options = { 'world-users': { type: 'string' }, quiet: { type: 'boolean', short: 'q' } } as const;
    const describeArgs = (args: string[]) => {
      try {
        parseArgs({ args, options });
      } catch (error) {
        return describeScriptError(error);
      }
      throw new Error(`parseArgs accepted ${args.join(' ')}`);
    };
    const cases: Array<[string[], string]> = [
      [['--world-users', '-1'], '--world-users needs a value: none was given, or it starts with "-" (write a value such as -1 as --world-users=-1)'],
      [['--world-users', '--quiet'], '--world-users needs a value: none was given, or it starts with "-" (write a value such as -1 as --world-users=-1)'],
      [['--world-users'], '--world-users needs a value'],
      [['--quiet=yes'], '--quiet takes no value'],
      [['-x'], 'unknown option -x'],
      [['extra'], 'unexpected argument "extra": this script takes only --options'],
    ];
    for (const [args, message] of cases) {
      expect(describeArgs(args), args.join(' ')).toEqual({ text: `error (invalid_argument): ${message}\n`, exitCode: 2 });
    }
  });

  it('reports any other error as internal, with one short stack frame, and exits 1', async () => {
    const { io, written, exits } = captureIo();
    await runScript(async () => {
      await Promise.resolve();
      throw new TypeError('x'.repeat(10) + ' is not a function');
    }, io);
    const lines = (written[0] ?? '').trimEnd().split('\n');
    expect(lines[0]).toBe('error (internal): TypeError: xxxxxxxxxx is not a function');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^ {2}at /);
    expect(exits).toEqual([1]);
  });

  it('describes a thrown non-Error', () => {
    expect(describeScriptError('boom')).toEqual({ text: 'error (internal): boom\n', exitCode: 1 });
    expect(describeScriptError(new PersonalabError('not_found', 'no such file')).exitCode).toBe(2);
  });
});

describe('--help', () => {
  const folder = mkdtempSync(join(tmpdir(), 'personalab-script-help-'));
  const doc = join(folder, 'doc.ts');
  writeFileSync(doc, "#!/usr/bin/env tsx\n/**\n * Measures things.\n *\n *   npx tsx doc.ts [--repeats 5]\n */\nimport { x } from 'y';\n/** not this one */\n");
  const lines = join(folder, 'lines.ts');
  writeFileSync(lines, '// Fidelity of the simulator.\n//   npx tsx lines.ts [--personas 500]\nimport { x } from "y";\n// not this\n');

  it('prints the usage at the top of the script and exits 0 before main or the options run', async () => {
    for (const [script, flag, expected] of [
      [doc, '--help', 'Measures things.\n\n  npx tsx doc.ts [--repeats 5]\n'],
      [lines, '-h', 'Fidelity of the simulator.\n  npx tsx lines.ts [--personas 500]\n'],
    ] as const) {
      const printed: string[] = [];
      const exits: number[] = [];
      let ran = false;
      const io = { stderr: { write: () => true }, stdout: { write: (text: string) => printed.push(text) }, exit: (code: number) => void exits.push(code), argv: ['node', script, '--repeats', '3', flag] };
      // The scripts had answered "unknown option --help", and those taking no options had run in full.
      await runScript(() => {
        ran = true;
      }, io);
      expect(ran).toBe(false);
      expect(printed.join('')).toBe(expected);
      expect(exits).toEqual([0]);
      expect(() => scriptOptions(() => (ran = true), io)).toThrow(PersonalabError);
      expect(ran).toBe(false);
    }
    expect(scriptUsage(join(folder, 'missing.ts'))).toBeUndefined();
  });

  it('leaves a script without --help alone', async () => {
    let ran = false;
    await runScript(() => {
      ran = true;
    }, { stderr: { write: () => true }, exit: () => undefined, argv: ['node', doc, '--repeats', '3'] });
    expect(ran).toBe(true);
  });
});

describe('scriptOptions', () => {
  it('returns what the parser returns', () => {
    expect(scriptOptions(() => parseInteger('--users', '40', { min: 1 }), captureIo().io)).toBe(40);
  });
  it('prints a refused option as one line and exits 2', () => {
    const { io, written, exits } = captureIo();
    expect(() => scriptOptions(() => parseInteger('--limit', 'abc', { min: 1 }), io)).toThrow(PersonalabError);
    expect(written).toEqual(['error (invalid_argument): --limit must be a positive integer, got "abc"\n']);
    expect(exits).toEqual([2]);
  });
  it('prints a bad value of parseArgs (a negative number) as one line and exits 2', () => {
    const { io, written, exits } = captureIo();
    expect(() => scriptOptions(() => parseArgs({ args: ['--world-users', '-1'], options: { 'world-users': { type: 'string' } } }), io)).toThrow();
    expect(written).toHaveLength(1);
    expect(written[0]?.split('\n')).toEqual(['error (invalid_argument): --world-users needs a value: none was given, or it starts with "-" (write a value such as -1 as --world-users=-1)', '']);
    expect(exits).toEqual([2]);
  });
});

describe('changedOptions', () => {
  it('lists the options that differ from the headline run, by parsed value', () => {
    expect(changedOptions({ seed: 1, users: 100_000, quiet: true }, { seed: 1, users: 100_000, quiet: true })).toEqual([]);
    expect(changedOptions({ seed: 1, users: 40, seeds: [42] }, { seed: 1, users: 100_000, seeds: [42, 7, 1] })).toEqual(['--users', '--seeds']);
    expect(changedOptions({ limit: 5 }, {})).toEqual(['--limit']);
    expect(changedOptions({ limit: undefined }, {})).toEqual([]);
  });
});

describe('resultsDirectory', () => {
  const committed = 'experiments/x/results';
  it('uses --out whenever it is given', () => {
    expect(resultsDirectory({ out: '/tmp/out', committed, changed: ['--users'], name: 'experiments/x-partial', stateDir: '/state' })).toBe('/tmp/out');
  });
  it('uses the committed folder for the headline run', () => {
    expect(resultsDirectory({ out: undefined, committed, changed: [], name: 'experiments/x-partial', stateDir: '/state' })).toBe(resolve(committed));
  });
  it('redirects any other run to the state directory and says so', () => {
    const lines: string[] = [];
    const directory = resultsDirectory({ out: undefined, committed, changed: ['--users', '--k'], name: 'experiments/x-partial', stateDir: '/state', log: (line) => lines.push(line) });
    expect(directory).toBe(join('/state', 'experiments', 'x-partial'));
    expect(lines).toEqual(['--users, --k differ from the headline run: results go to /state/experiments/x-partial, not the committed folder (--out DIR to choose)']);
  });
  it('refuses, up front, an --out that is a file or lies under one, in one line', () => {
    const root = mkdtempSync(join(tmpdir(), 'results-directory-'));
    try {
      const file = join(root, 'file.txt');
      writeFileSync(file, 'not a folder');
      const choose = (out: string) => () => resultsDirectory({ out, committed, changed: [], name: 'experiments/x-partial', stateDir: root });
      expect(choose(file)).toThrow(new PersonalabError('invalid_argument', `cannot write results into --out ${file}: it is a file; results are written into a folder`, { details: { path: file } }));
      expect(choose(join(file, 'a', 'b'))).toThrow(`cannot write results into --out ${join(file, 'a', 'b')}: it is under ${file}, a file; results are written into a folder`);
      expect(() => resultsDirectory({ out: undefined, committed, changed: ['--k'], name: 'x-partial', stateDir: file, log: () => undefined })).toThrow(/it is under .*file\.txt, a file/);
      // A folder that exists, or one that does not yet (writeResults creates it), is fine.
      expect(choose(root)()).toBe(root);
      expect(choose(join(root, 'new', 'deeper'))()).toBe(join(root, 'new', 'deeper'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('scriptCommand', () => {
  it('records the arguments actually given, quoted for a shell where needed', () => {
    expect(scriptCommand('experiments/x/run.ts', ['--users', '40', '--weights', '{"persona":0.9}'])).toBe(
      `npx tsx --conditions=development experiments/x/run.ts --users 40 --weights '{"persona":0.9}'`,
    );
    expect(scriptCommand('bench/y.ts', [])).toBe('npx tsx --conditions=development bench/y.ts');
  });
});

describe('invokedCommand', () => {
  it('records the entry point this process was started with, relative to the working folder, and its arguments', () => {
    expect(invokedCommand(['/usr/bin/node', '/repo/experiments/movielens/run.ts', 'p1', '--seeds', '42'], '/repo')).toBe('npx tsx --conditions=development experiments/movielens/run.ts p1 --seeds 42');
    expect(invokedCommand(['/usr/bin/node', '/repo/apps/cli/src/main.ts', 'experiment', 'movielens', 'p3', '--results', '/tmp/my results'], '/repo')).toBe(
      "npx tsx --conditions=development apps/cli/src/main.ts experiment movielens p3 --results '/tmp/my results'",
    );
    expect(invokedCommand(['/usr/bin/node', '/repo/apps/cli/dist/main.js', 'experiment', 'movielens'], '/repo')).toBe('node apps/cli/dist/main.js experiment movielens');
    expect(invokedCommand(['/usr/bin/node', '/usr/local/bin/personalab', 'train'], '/repo')).toBe('node /usr/local/bin/personalab train');
    expect(invokedCommand(['/usr/bin/node'], '/repo')).toBeUndefined();
  });
});
