import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { UsageTracker } from '@personalab/llm';
import { parseInteger, parseIntegerList } from './integer-option.js';
import { runProgram } from './program.js';

/** Runs the whole CLI as `main.ts` does; returns the exit code and what went to stderr. */
async function main(...args: string[]): Promise<{ code: number; stderr: string }> {
  const stderr: string[] = [];
  const errorSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
  const outSpy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return { code: await runProgram(['node', 'personalab', ...args]), stderr: stderr.join('') };
  } finally {
    errorSpy.mockRestore();
    outSpy.mockRestore();
  }
}

describe('personalab (main)', () => {
  it('exits with 2 and one line naming the option, never a stack trace, on a bad option', async () => {
    const backend = await main('train', '--backend', 'foo');
    expect(backend).toEqual({ code: 2, stderr: 'error (invalid_argument): --backend must be one of tfjs-node-gpu, tfjs-node, wasm, cpu, got "foo"\n' });
    const limit = await main('personamem', 'evaluate', '--questions', 'q.csv', '--limit', 'abc');
    expect(limit).toEqual({ code: 2, stderr: 'error (invalid_argument): --limit must be a positive integer, got "abc"\n' });
  });

  it('exits with 130 (128 + SIGINT) when a command is cancelled by an interrupt', async () => {
    const stderr: string[] = [];
    const errorSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    try {
      const program = new Command('personalab').exitOverride();
      program.command('work').action(() => {
        throw new PersonalabError('cancelled', 'interrupted: 2 of 5 done');
      });
      expect(await runProgram(['node', 'personalab', 'work'], program)).toBe(130);
    } finally {
      errorSpy.mockRestore();
    }
    expect(stderr.join('')).toBe('error (cancelled): interrupted: 2 of 5 done\n');
  });
});

describe('LLM usage totals at the end of a command', () => {
  /** Runs a one-command program whose action does `work` with a fresh tracker; returns the exit code and stderr. */
  async function withUsage(work: (usage: UsageTracker) => void): Promise<{ code: number; stderr: string }> {
    const stderr: string[] = [];
    const errorSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    const usage = new UsageTracker();
    try {
      const program = new Command('personalab').exitOverride();
      program.command('work').action(() => work(usage));
      return { code: await runProgram(['node', 'personalab', 'work'], program, usage), stderr: stderr.join('') };
    } finally {
      errorSpy.mockRestore();
    }
  }

  it('prints one line of requests, cache hits and tokens after a command that used an LLM, before its error line if it failed', async () => {
    const used = await withUsage((usage) => {
      usage.count('requests', 3);
      usage.count('cacheHits', 2);
      usage.addTokens({ promptTokens: 1_200, completionTokens: 34, totalTokens: 1_234 });
    });
    expect(used).toEqual({ code: 0, stderr: 'llm: 1,234 tokens (1,200 prompt + 34 completion), 3 requests, 0 retries, 2 cache hits, 0 repairs, 0 failures\n' });
    // A replay that sent nothing still used the LLM (its cache).
    expect((await withUsage((usage) => usage.count('cacheHits'))).stderr).toContain('llm: 0 tokens (0 prompt + 0 completion), 0 requests, 0 retries, 1 cache hit,');
    const failed = await withUsage((usage) => {
      usage.count('requests');
      usage.count('failures');
      throw new PersonalabError('upstream_error', 'LLM endpoint x answered HTTP 404');
    });
    expect(failed).toEqual({ code: 2, stderr: 'llm: 0 tokens (0 prompt + 0 completion), 1 request, 0 retries, 0 cache hits, 0 repairs, 1 failure\nerror (upstream_error): LLM endpoint x answered HTTP 404\n' });
  });

  it('prints nothing after a command that used no LLM', async () => {
    expect(await withUsage(() => undefined)).toEqual({ code: 0, stderr: '' });
  });
});

describe('personalab in a bad environment (a process of its own: the config is read once per process)', () => {
  it('still shows help, and a command that needs the config fails with one line and exit code 2', () => {
    const mainPath = fileURLToPath(new URL('./main.ts', import.meta.url));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', mainPath, ...args], { encoding: 'utf8', env: { ...process.env, PERSONALAB_TF_BACKEND: 'foo' }, timeout: 30_000 });
    // Option defaults used to read the config while the commands were registered: a stack trace before any command ran.
    const help = run('personamem', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('evaluate');
    expect(run('simulate', '--help').status).toBe(0);
    const report = run('personamem', 'report', '--questions', 'no-such.csv', '--runs', 'x');
    expect(report.status).toBe(2);
    expect(report.stderr).toMatch(/^error \((config_error|not_found|invalid_data)\): .*\n$/);
    expect(report.stderr.split('\n')).toHaveLength(2);
  });
});

describe('integer options', () => {
  it('accept plain integers in range and name the option otherwise', () => {
    expect(parseInteger('--n', ' 42 ', { min: 1 })).toBe(42);
    expect(parseInteger('--n', '-3')).toBe(-3);
    for (const bad of ['', 'abc', '1e3', '2.5', '0x10', '12abc', '99999999999999999999']) expect(() => parseInteger('--n', bad)).toThrow(/^--n must be an integer, got /);
    expect(() => parseInteger('--n', '0', { min: 1 })).toThrow('--n must be a positive integer, got "0"');
    expect(() => parseInteger('--n', '-1', { min: 0 })).toThrow('--n must be a non-negative integer, got "-1"');
    expect(() => parseInteger('--port', '70000', { min: 0, max: 65_535 })).toThrow('--port must be an integer from 0 to 65535, got "70000"');
    expect(parseIntegerList('--seeds', '42, 7,1')).toEqual([42, 7, 1]);
    expect(() => parseIntegerList('--seeds', '42,,1')).toThrow(/--seeds must be a comma-separated list of integers/);
  });
});
