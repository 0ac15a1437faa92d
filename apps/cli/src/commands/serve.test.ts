import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openRequest } from '@personalab/recommender/test';
import { runCliOutput } from '../test/run-cli.js';
import { registerServeCommand } from './serve.js';

describe('personalab serve', () => {
  it('names the allowed values of a wrong --dataset or --model before loading anything', async () => {
    const model = await runCliOutput([registerServeCommand], ['serve', '--model', 'bert']);
    expect(model.error).toMatchObject({ code: 'invalid_argument', message: '--model must be one of context-ease, page-ease, got "bert"' });
    const dataset = await runCliOutput([registerServeCommand], ['serve', '--dataset', 'netflix']);
    expect(dataset.error).toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('--dataset must be one of auto, movielens-100k, synthetic') });
    const timeout = await runCliOutput([registerServeCommand], ['serve', '--shutdown-timeout', 'soon']);
    expect(timeout.error).toMatchObject({ message: '--shutdown-timeout must be an integer from 0 to 3600, got "soon"' });
  });
});

const stateDir = mkdtempSync(join(tmpdir(), 'personalab-serve-cli-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  origin: string;
  key: string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `personalab serve` in a process of its own (signals are per process) on a free port, once it prints its URL. */
async function startServe(...args: string[]): Promise<Started> {
  const mainPath = fileURLToPath(new URL('../main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', mainPath, 'serve', '--dataset', 'synthetic', '--model', 'page-ease', '--port', '0', ...args], {
    env: { ...process.env, PERSONALAB_STATE_DIR: stateDir, PERSONALAB_QUIET: '1', PERSONALAB_API_KEYS: 'serve-test-key' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const url = await new Promise<string>((done, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /chat page: (http:\/\/\S+)\/#key=/.exec(stdout);
      if (match) done(match[1] as string);
    });
    void exit.then(() => fail(new Error(`serve exited before listening: ${stderr}`)));
  });
  return { child, origin: url, key: 'serve-test-key', stderr: () => stderr, exit };
}

/** Resolves with the exit, or rejects when the process is still running after `ms` (and kills it). */
async function exitWithin(started: Started, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => {
      started.child.kill('SIGKILL');
      fail(new Error(`still running ${ms} ms after the signal; stderr: ${started.stderr()}`));
    }, ms);
  });
  try {
    return await Promise.race([started.exit, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('personalab serve stops on SIGTERM and SIGINT (a process of its own)', () => {
  it('answers the request in flight, drops a stalled client after --shutdown-timeout, removes its lock and exits 0', async () => {
    const started = await startServe('--shutdown-timeout', '1');
    const stalled = await openRequest(started.origin, { path: '/v1/users', key: started.key, body: '{"id":"never-sent"}' });
    const inFlight = await openRequest(started.origin, { path: '/v1/users', key: started.key, body: '{"id":"in-flight"}' });
    started.child.kill('SIGTERM');
    await new Promise((done) => setTimeout(done, 200));
    // A request the server had started is answered after the signal.
    expect(await inFlight.finish()).toBe('HTTP/1.1 201 Created');
    // Before, a client that never finished its request kept the server from exiting for as long as it stayed connected.
    expect(await exitWithin(started, 8_000)).toEqual({ code: 0, signal: null });
    await stalled.closed;
    expect(started.stderr()).toContain('SIGTERM: stopping; requests in flight have 1 s to finish');
    expect(existsSync(join(stateDir, 'recommender', 'server.lock'))).toBe(false);
  }, 60_000);

  it('a second SIGINT drops the connections still open at once', async () => {
    const started = await startServe('--shutdown-timeout', '600');
    const stalled = await openRequest(started.origin, { path: '/v1/users', key: started.key, body: '{"id":"never-sent-either"}' });
    started.child.kill('SIGINT');
    await new Promise((done) => setTimeout(done, 300));
    started.child.kill('SIGINT');
    expect(await exitWithin(started, 8_000)).toEqual({ code: 0, signal: null });
    await stalled.closed;
    expect(started.stderr()).toContain('SIGINT again: dropping the connections still open');
    expect(existsSync(join(stateDir, 'recommender', 'server.lock'))).toBe(false);
  }, 60_000);
});
