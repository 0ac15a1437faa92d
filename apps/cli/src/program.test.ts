import { describe, expect, it, vi } from 'vitest';
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
