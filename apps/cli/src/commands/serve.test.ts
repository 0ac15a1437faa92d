import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '@personalab/llm/test';
import { openRequest } from '@personalab/recommender/test';
import { runCliOutput } from '../test/run-cli.js';
import { registerServeCommand } from './serve.js';

describe('personalab serve', () => {
  it('names the allowed values of a wrong --dataset or --model before loading anything', async () => {
    const model = await runCliOutput([registerServeCommand], ['serve', '--model', 'bert']);
    expect(model.error).toMatchObject({ code: 'invalid_argument', message: '--model must be one of context-ease, page-ease, context-ease+lightgcn, got "bert"' });
    const dataset = await runCliOutput([registerServeCommand], ['serve', '--dataset', 'netflix']);
    expect(dataset.error).toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('--dataset must be one of auto, movielens-100k, synthetic') });
    const timeout = await runCliOutput([registerServeCommand], ['serve', '--shutdown-timeout', 'soon']);
    expect(timeout.error).toMatchObject({ message: '--shutdown-timeout must be an integer from 0 to 3600, got "soon"' });
  });

  it('refuses --model-dir beside --model or --retrain (a --model left at its default is fine), and documents it in --help', async () => {
    const model = await runCliOutput([registerServeCommand], ['serve', '--model-dir', 'models/blend', '--model', 'page-ease']);
    expect(model.error).toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/^--model-dir serves the saved model as it is: it does not go with --model page-ease/) });
    const retrain = await runCliOutput([registerServeCommand], ['serve', '--model-dir', 'models/blend', '--retrain']);
    expect(retrain.error).toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/^--model-dir serves the saved model as it is: it does not go with --retrain/) });
    const help = await runCliOutput([registerServeCommand], ['serve', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('--model-dir <dir> serve the model saved in <dir> by personalab train');
  });
});

const stateDir = mkdtempSync(join(tmpdir(), 'personalab-serve-cli-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  origin: string;
  key: string;
  stderr: () => string;
  /** The start banner (stdout). */
  banner: string;
  /** Everything on stdout so far. */
  stdout: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `personalab serve` as `main.ts` runs it, in a process of its own (signals are per process), with no LLM unless `environment` names one. */
function spawnServe(args: readonly string[], environment: Record<string, string> = {}): ChildProcess {
  const mainPath = fileURLToPath(new URL('../main.ts', import.meta.url));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OPENAI_') && !name.startsWith('PERSONALAB_')));
  return spawn(process.execPath, ['--conditions=development', '--import', 'tsx', mainPath, 'serve', '--dataset', 'synthetic', '--model', 'page-ease', ...args], {
    env: { ...clean, PERSONALAB_STATE_DIR: stateDir, PERSONALAB_QUIET: '1', PERSONALAB_API_KEYS: 'serve-test-key', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** `personalab serve` in a process of its own on a free port, once it prints its URL. */
async function startServe(args: readonly string[] = [], environment: Record<string, string> = {}): Promise<Started> {
  const child = spawnServe(['--port', '0', ...args], environment);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const url = await new Promise<string>((done, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /chat page: (http:\/\/\S+)\/#key=/.exec(stdout);
      // The whole banner: the line after the URLs has come.
      if (match && stdout.includes('Press Ctrl+C')) done(match[1] as string);
    });
    void exit.then(() => fail(new Error(`serve exited before listening: ${stderr}`)));
  });
  return { child, origin: url, key: 'serve-test-key', stderr: () => stderr, banner: stdout, stdout: () => stdout, exit };
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
    // A grace long enough for the in-flight request on a loaded machine (the stalled client is dropped when it ends).
    const started = await startServe(['--shutdown-timeout', '4']);
    const stalled = await openRequest(started.origin, { path: '/v1/users', key: started.key, body: '{"id":"never-sent"}' });
    const inFlight = await openRequest(started.origin, { path: '/v1/users', key: started.key, body: '{"id":"in-flight"}' });
    started.child.kill('SIGTERM');
    await new Promise((done) => setTimeout(done, 200));
    // A request the server had started is answered after the signal.
    expect(await inFlight.finish()).toBe('HTTP/1.1 201 Created');
    // Before, a client that never finished its request kept the server from exiting for as long as it stayed connected.
    expect(await exitWithin(started, 20_000)).toEqual({ code: 0, signal: null });
    await stalled.closed;
    expect(started.stderr()).toContain('SIGTERM: stopping; requests in flight have 4 s to finish');
    expect(existsSync(join(stateDir, 'recommender', 'server.lock'))).toBe(false);
  }, 60_000);

  it('a second SIGINT drops the connections still open at once', async () => {
    const started = await startServe(['--shutdown-timeout', '600']);
    const stalled = await openRequest(started.origin, { path: '/v1/users', key: started.key, body: '{"id":"never-sent-either"}' });
    started.child.kill('SIGINT');
    await new Promise((done) => setTimeout(done, 300));
    started.child.kill('SIGINT');
    expect(await exitWithin(started, 8_000)).toEqual({ code: 0, signal: null });
    await stalled.closed;
    expect(started.stderr()).toContain('SIGINT again: dropping the connections still open');
    expect(existsSync(join(stateDir, 'recommender', 'server.lock'))).toBe(false);
  }, 60_000);

  it('on --host 0.0.0.0 prints the page and the docs at one loopback origin a browser opens', async () => {
    const started = await startServe(['--host', '0.0.0.0']);
    try {
      expect(started.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // The docs had been printed at http://0.0.0.0:<port>/docs, the page at 127.0.0.1.
      expect(started.banner).toContain(`  API docs:  ${started.origin}/docs\n`);
      expect((await fetch(`${started.origin}/docs/json`)).status).toBe(200);
    } finally {
      started.child.kill('SIGTERM');
      expect(await exitWithin(started, 8_000)).toEqual({ code: 0, signal: null });
    }
  }, 60_000);

  it('a SIGTERM while it starts stops it before it serves: exit 0, no banner, no lock (it had been killed, or as PID 1 ignored it and served)', async () => {
    const child = spawnServe(['--port', '0']);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
    const started: Started = { child, origin: '', key: 'serve-test-key', stderr: () => stderr, banner: '', stdout: () => stdout, exit };
    // The first line it logs while starting (the data it serves), before the model and the index.
    while (!stderr.includes('data: ')) {
      if (child.exitCode !== null) throw new Error(`serve exited while starting: ${stderr}`);
      await new Promise((done) => setTimeout(done, 20));
    }
    child.kill('SIGTERM');
    expect(await exitWithin(started, 15_000)).toEqual({ code: 0, signal: null });
    expect(stderr).toContain('SIGTERM: stopping the start-up after the current step, before serving');
    expect(stderr).toContain('stopped before serving');
    expect(stdout).not.toContain('Chat-Rec is running');
    expect(existsSync(join(stateDir, 'recommender', 'server.lock'))).toBe(false);
  }, 60_000);

  it('keeps the request log on stderr: stdout carries the start banner only, at any PERSONALAB_LOG_LEVEL', async () => {
    const started = await startServe([], { PERSONALAB_LOG_LEVEL: 'debug' });
    try {
      expect((await fetch(`${started.origin}/v1/users/u1`, { headers: { authorization: `Bearer ${started.key}` } })).status).toBe(200);
      await expect.poll(() => started.stderr()).toContain('"msg":"request completed"');
      // The log had gone to stdout ("Server listening at …" before the banner, a JSON line per request after it).
      expect(started.stdout()).not.toContain('"level"');
      expect(started.stdout().trim().split('\n')[0]).toBe('Chat-Rec is running (synthetic world).');
    } finally {
      started.child.kill('SIGTERM');
      expect(await exitWithin(started, 8_000)).toEqual({ code: 0, signal: null });
    }
  }, 60_000);

  it('ends with the LLM usage line, as every command that used an LLM does', async () => {
    const llm = await startTestServer({ chat: () => '{}' });
    try {
      const started = await startServe([], { OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: 'test-key', PERSONALAB_CHAT_MODEL: 'scripted', PERSONALAB_LLM_CACHE: 'off', PERSONALAB_LLM_MAX_RETRIES: '0' });
      await chatOnce(started.origin, started.key);
      expect(llm.chatRequests().length).toBeGreaterThan(0);
      started.child.kill('SIGTERM');
      expect(await exitWithin(started, 8_000)).toEqual({ code: 0, signal: null });
      // The signal handler had exited the process itself, before the CLI's end could print the totals.
      expect(started.stderr()).toMatch(new RegExp(`\\nllm: [\\d,]+ tokens \\([\\d,]+ prompt \\+ [\\d,]+ completion\\), ${llm.chatRequests().length} requests?, `));
      expect(existsSync(join(stateDir, 'recommender', 'server.lock'))).toBe(false);
    } finally {
      await llm.close();
    }
  }, 60_000);

  it('keeps serving when the reader of its stdout goes away (`… | head -3`), and still stops normally on SIGTERM', async () => {
    const port = await freePort();
    const child = spawnServe(['--port', String(port), '--shutdown-timeout', '1']);
    // The reader is gone before the banner is written: each banner write meets EPIPE.
    child.stdout?.destroy();
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done((exited = { code, signal }))));
    const started: Started = { child, origin: `http://127.0.0.1:${port}`, key: 'serve-test-key', stderr: () => stderr, banner: '', stdout: () => '', exit };
    try {
      while (!stderr.includes('stdout was closed')) {
        if (exited) throw new Error(`serve exited on the closed stdout (${JSON.stringify(exited)}); stderr: ${stderr}`);
        await new Promise((done) => setTimeout(done, 50));
      }
      // Still serving after the EPIPE (it had exited at once, leaving its lock and an unclosed store).
      await new Promise((done) => setTimeout(done, 300));
      expect(exited).toBeUndefined();
      await chatOnce(started.origin, started.key);
      expect(existsSync(join(stateDir, 'recommender', 'server.lock'))).toBe(true);
      child.kill('SIGTERM');
      expect(await exitWithin(started, 8_000)).toEqual({ code: 0, signal: null });
      expect(stderr).toContain('stdout was closed (EPIPE); the server goes on: SIGTERM or Ctrl+C stops it');
      expect(stderr).toContain('SIGTERM: stopping');
      expect(existsSync(join(stateDir, 'recommender', 'server.lock'))).toBe(false);
    } finally {
      if (!exited) child.kill('SIGKILL');
    }
  }, 60_000);
});

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  return typeof address === 'object' && address ? address.port : 0;
}

/** Creates a user and sends it one chat turn (the re-ranker and explainer ask the LLM when one is configured). */
async function chatOnce(origin: string, key: string): Promise<void> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const userId = `chat-${Date.now()}`;
  const created = await fetch(`${origin}/v1/users`, { method: 'POST', headers, body: JSON.stringify({ id: userId }) });
  expect(created.status).toBe(201);
  const chat = await fetch(`${origin}/v1/chat`, { method: 'POST', headers, body: JSON.stringify({ userId, message: 'a comedy please' }) });
  expect(chat.status).toBe(200);
}
