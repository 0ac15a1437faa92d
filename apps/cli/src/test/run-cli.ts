import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
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
  /** Its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
}

/** Starts `personalab <args>` in a child process at the repository root; stdout is piped and left unread. */
export function spawnCli(args: readonly string[]): CliProcess {
  const root = fileURLToPath(new URL('../../../..', import.meta.url));
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['--conditions=development', join(root, 'apps', 'cli', 'src', 'main.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}
