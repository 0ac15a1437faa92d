import { Command } from 'commander';
import { vi } from 'vitest';

/** Runs a `personalab` program with the given commands registered and returns what it wrote to stdout. */
export async function runCli(registrations: readonly ((program: Command) => void)[], args: readonly string[]): Promise<string> {
  const program = new Command('personalab').option('--data-dir <dir>').option('--quiet').exitOverride();
  for (const register of registrations) register(program);
  const output: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['node', 'personalab', ...args]);
  } finally {
    spy.mockRestore();
  }
  return output.join('');
}
