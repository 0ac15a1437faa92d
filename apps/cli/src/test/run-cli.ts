import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { vi } from 'vitest';

/** What a command wrote, and what it threw (undefined when it succeeded). */
export interface CliOutput {
  stdout: string;
  stderr: string;
  error: unknown;
}

/** Runs a `personalab` program with the given commands registered; returns what it wrote to stdout and stderr, and what it threw. */
export async function runCliOutput(registrations: readonly ((program: Command) => void)[], args: readonly string[]): Promise<CliOutput> {
  const program = new Command('personalab').option('--data-dir <dir>').option('--quiet').exitOverride();
  for (const register of registrations) register(program);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const capture = (into: string[]) => (chunk: string | Uint8Array) => {
    into.push(String(chunk));
    return true;
  };
  const stdoutSpy = vi.spyOn(process.stdout, 'write').mockImplementation(capture(stdout));
  const stderrSpy = vi.spyOn(process.stderr, 'write').mockImplementation(capture(stderr));
  let error: unknown;
  try {
    await program.parseAsync(['node', 'personalab', ...args]);
  } catch (thrown) {
    error = thrown;
  } finally {
    stdoutSpy.mockRestore();
    stderrSpy.mockRestore();
  }
  return { stdout: stdout.join(''), stderr: stderr.join(''), error };
}

/** Runs a `personalab` program with the given commands registered and returns what it wrote to stdout. */
export async function runCli(registrations: readonly ((program: Command) => void)[], args: readonly string[]): Promise<string> {
  const output = await runCliOutput(registrations, args);
  if (output.error !== undefined) throw output.error;
  return output.stdout;
}

/** A `personalab` command running in a process of its own (from the sources, through tsx), for signal and exit tests. */
export interface CliProcess {
  child: ChildProcess;
  /** What it has written to stderr so far. */
  stderr(): string;
  /** What it has written to stdout so far (nothing unless started with `stdout: 'pipe'`). */
  stdout(): string;
  /**
   * Resolves once `ready()` holds, checked now, on each chunk the command writes (stderr, a piped stdout) and on each `check()`. Rejects
   * naming `what` (and what the command wrote) if the command exits first or `timeoutMs` pass; the command is killed then.
   */
  waitFor(what: string, ready: () => boolean, timeoutMs?: number): Promise<void>;
  /** Checks the conditions `waitFor` waits on again: for conditions on something besides stderr (a test server's requests). */
  check(): void;
  /**
   * Its exit code (null when a signal ended it), once it has exited and all it wrote is read; rejects naming `after` if it
   * has not within `timeoutMs` (it is killed then).
   */
  exit(after: string, timeoutMs?: number): Promise<number | null>;
}

/** How long a command may take to start (tsx compiles the CLI: about 2 s idle, 3.5 s beside two busy cores) and reach the state a test waits for. */
export const startTimeoutMs = 30_000;
/** How long a command may take to stop once it is signalled. */
export const stopTimeoutMs = 10_000;

/** How a command is started. */
export interface SpawnOptions {
  /** The environment it gets (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** `pipe` to read its stdout, for a test that waits on it (a banner); default `ignore`. */
  stdout?: 'ignore' | 'pipe';
}

/** Starts `personalab <args>` in a child process at the repository root; stdout is ignored unless `options.stdout` says `pipe`. */
export function spawnCli(args: readonly string[], options: SpawnOptions = {}): CliProcess {
  return spawnScript(fileURLToPath(new URL('../main.ts', import.meta.url)), args, options);
}

/**
 * Starts a TypeScript file in a process of its own, as `npm run personalab` does (`node --import tsx`). Not through the
 * `tsx` command: it relays a signal to a process of its own, and kills that one (exit 130 or 143, nothing said) unless it
 * answers within 30 ms, which a busy or unscheduled process (a loaded machine) does not.
 */
export function spawnScript(script: string, args: readonly string[], options: SpawnOptions = {}): CliProcess {
  const root = fileURLToPath(new URL('../../../..', import.meta.url));
  // stdout ignored unless asked for (and then read): a pipe nobody reads would stop the command once it is full.
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', script, ...args], { cwd: root, stdio: ['ignore', options.stdout ?? 'ignore', 'pipe'], env: options.env ?? process.env });
  let stderr = '';
  let stdout = '';
  const checks = new Set<() => void>();
  const check = () => {
    for (const pending of [...checks]) pending();
  };
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    check();
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    check();
  });
  // 'close', not 'exit': by then all it wrote to stderr has been read (the last lines could come after 'exit').
  let ended: string | undefined;
  const closed = new Promise<number | null>((resolve) =>
    child.on('close', (code, signal) => {
      ended = `it exited with ${code ?? signal}`;
      check();
      resolve(code);
    }),
  );
  const fail = (message: string) => {
    const error = new Error(`${message}; ${ended ?? 'it was still running (killed now)'}; its stderr:\n${stderr}`);
    child.kill('SIGKILL');
    return error;
  };
  const waitFor = (what: string, ready: () => boolean, timeoutMs = startTimeoutMs) =>
    new Promise<void>((resolve, reject) => {
      const startedAt = Date.now();
      const pending = () => {
        if (ready()) finish();
        else if (ended !== undefined) finish(fail(`the command ended before ${what}`));
      };
      const timer = setTimeout(() => finish(fail(`waited ${Date.now() - startedAt} ms for ${what}`)), timeoutMs);
      const finish = (error?: Error) => {
        clearTimeout(timer);
        checks.delete(pending);
        if (error) reject(error);
        else resolve();
      };
      checks.add(pending);
      pending();
    });
  const exit = async (after: string, timeoutMs = stopTimeoutMs) => {
    await waitFor(`the command to exit ${after}`, () => ended !== undefined, timeoutMs);
    return closed;
  };
  return { child, stderr: () => stderr, stdout: () => stdout, waitFor, check, exit };
}
