import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '@personalab/llm/test';
import { openRequest } from '@personalab/recommender/test';
import { runCliOutput, spawnCli, stopTimeoutMs, type CliProcess } from '../test/run-cli.js';
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

interface Started extends CliProcess {
  origin: string;
  key: string;
  /** The start banner (stdout). */
  banner: string;
}

/** `personalab serve` as `main.ts` runs it, in a process of its own (signals are per process), with no LLM unless `environment` names one. */
function spawnServe(args: readonly string[], environment: Record<string, string> = {}): CliProcess {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OPENAI_') && !name.startsWith('PERSONALAB_')));
  return spawnCli(['serve', '--dataset', 'synthetic', '--model', 'page-ease', ...args], {
    env: { ...clean, PERSONALAB_STATE_DIR: stateDir, PERSONALAB_QUIET: '1', PERSONALAB_API_KEYS: 'serve-test-key', ...environment },
    stdout: 'pipe',
  });
}

/** `personalab serve` in a process of its own on a free port, once it prints its URL. */
async function startServe(args: readonly string[] = [], environment: Record<string, string> = {}): Promise<Started> {
  const cli = spawnServe(['--port', '0', ...args], environment);
  // The whole banner: the line after the URLs has come.
  await cli.waitFor('the start banner (its URL and "Press Ctrl+C")', () => /chat page: http:\/\/\S+\/#key=/.test(cli.stdout()) && cli.stdout().includes('Press Ctrl+C'));
  const origin = /chat page: (http:\/\/\S+)\/#key=/.exec(cli.stdout())?.[1] as string;
  return { ...cli, origin, key: 'serve-test-key', banner: cli.stdout() };
}

describe('personalab serve stops on SIGTERM and SIGINT (a process of its own)', () => {
  it('answers the request in flight, drops a stalled client after --shutdown-timeout, removes its lock and exits 0', async () => {
    // A grace long enough for the in-flight request on a loaded machine (the stalled client is dropped when it ends).
    const started = await startServe(['--shutdown-timeout', '4']);
    const stalled = await openRequest(started.origin, { path: '/v1/users', key: started.key, body: '{"id":"never-sent"}' });
    const inFlight = await openRequest(started.origin, { path: '/v1/users', key: started.key, body: '{"id":"in-flight"}' });
    started.child.kill('SIGTERM');
    await started.waitFor('its "SIGTERM: stopping" line', () => started.stderr().includes('SIGTERM: stopping'), stopTimeoutMs);
    // A request the server had started is answered after the signal.
    expect(await inFlight.finish()).toBe('HTTP/1.1 201 Created');
    // Before, a client that never finished its request kept the server from exiting for as long as it stayed connected.
    expect(await started.exit('after SIGTERM and its 4 s grace', 20_000)).toBe(0);
    await stalled.closed;
    expect(started.stderr()).toContain('SIGTERM: stopping; requests in flight have 4 s to finish');
    expect(existsSync(join(stateDir, 'recommender', 'server.lock'))).toBe(false);
  }, 60_000);

  it('a second SIGINT drops the connections still open at once', async () => {
    const started = await startServe(['--shutdown-timeout', '600']);
    const stalled = await openRequest(started.origin, { path: '/v1/users', key: started.key, body: '{"id":"never-sent-either"}' });
    started.child.kill('SIGINT');
    // The second signal once the first was handled (two at once could be taken as one).
    await started.waitFor('its "SIGINT: stopping" line', () => started.stderr().includes('SIGINT: stopping'), stopTimeoutMs);
    started.child.kill('SIGINT');
    expect(await started.exit('after the second SIGINT', 8_000)).toBe(0);
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
      expect(await started.exit('after SIGTERM', 8_000)).toBe(0);
    }
  }, 60_000);

  it('refuses a PERSONALAB_STATE_DIR under a file in one line, before loading anything (mkdir had failed with ENOTDIR and a stack trace)', async () => {
    const file = join(stateDir, 'a-file');
    writeFileSync(file, 'not a folder');
    const cli = spawnServe(['--port', '0'], { PERSONALAB_STATE_DIR: join(file, 'st') });
    expect(await cli.exit('after the refusal', 15_000)).toBe(2);
    expect(cli.stderr()).toBe(`error (invalid_argument): PERSONALAB_STATE_DIR ${join(file, 'st')}: ${file} is a file, not a folder\n`);
    expect(cli.stdout()).toBe('');
  }, 30_000);

  it('a SIGTERM while it starts stops it before it serves: exit 0, no banner, no lock (it had been killed, or as PID 1 ignored it and served)', async () => {
    const cli = spawnServe(['--port', '0']);
    // The first line it logs while starting (the data it serves), before the model and the index.
    await cli.waitFor('its "data: " line (it is starting)', () => cli.stderr().includes('data: '));
    cli.child.kill('SIGTERM');
    expect(await cli.exit('after SIGTERM while starting', 15_000)).toBe(0);
    const stderr = cli.stderr();
    const stdout = cli.stdout();
    expect(stderr).toContain('SIGTERM: stopping the start-up after the current step, before serving');
    expect(stderr).toContain('stopped before serving');
    expect(stdout).not.toContain('Chat-Rec is running');
    expect(existsSync(join(stateDir, 'recommender', 'server.lock'))).toBe(false);
  }, 60_000);

  it('keeps the request log on stderr: stdout carries the start banner only, at any PERSONALAB_LOG_LEVEL', async () => {
    const started = await startServe([], { PERSONALAB_LOG_LEVEL: 'debug' });
    try {
      expect((await fetch(`${started.origin}/v1/users/u1`, { headers: { authorization: `Bearer ${started.key}` } })).status).toBe(200);
      await started.waitFor('the "request completed" log line', () => started.stderr().includes('"msg":"request completed"'), stopTimeoutMs);
      // The log had gone to stdout ("Server listening at …" before the banner, a JSON line per request after it).
      expect(started.stdout()).not.toContain('"level"');
      expect(started.stdout().trim().split('\n')[0]).toBe('Chat-Rec is running (synthetic world).');
    } finally {
      started.child.kill('SIGTERM');
      expect(await started.exit('after SIGTERM', 8_000)).toBe(0);
    }
  }, 60_000);

  it('ends with the LLM usage line, as every command that used an LLM does', async () => {
    const llm = await startTestServer({ chat: () => '{}' });
    try {
      const started = await startServe([], { OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: 'test-key', PERSONALAB_CHAT_MODEL: 'scripted', PERSONALAB_LLM_CACHE: 'off', PERSONALAB_LLM_MAX_RETRIES: '0' });
      await chatOnce(started.origin, started.key);
      expect(llm.chatRequests().length).toBeGreaterThan(0);
      started.child.kill('SIGTERM');
      expect(await started.exit('after SIGTERM', 8_000)).toBe(0);
      // The signal handler had exited the process itself, before the CLI's end could print the totals.
      expect(started.stderr()).toMatch(new RegExp(`\\nllm: [\\d,]+ tokens \\([\\d,]+ prompt \\+ [\\d,]+ completion\\), ${llm.chatRequests().length} requests?, `));
      expect(existsSync(join(stateDir, 'recommender', 'server.lock'))).toBe(false);
    } finally {
      await llm.close();
    }
  }, 60_000);

  it('keeps serving when the reader of its stdout goes away (`… | head -3`), and still stops normally on SIGTERM', async () => {
    const port = await freePort();
    const cli = spawnServe(['--port', String(port), '--shutdown-timeout', '1']);
    const { child } = cli;
    // The reader is gone before the banner is written: each banner write meets EPIPE.
    child.stdout?.destroy();
    const running = () => child.exitCode === null && child.signalCode === null;
    try {
      await cli.waitFor('its "stdout was closed" line', () => cli.stderr().includes('stdout was closed'));
      // Still serving after the EPIPE (it had exited at once, leaving its lock and an unclosed store): a window for that exit.
      await new Promise((done) => setTimeout(done, 300));
      expect(running(), cli.stderr()).toBe(true);
      await chatOnce(`http://127.0.0.1:${port}`, 'serve-test-key');
      expect(existsSync(join(stateDir, 'recommender', 'server.lock'))).toBe(true);
      child.kill('SIGTERM');
      expect(await cli.exit('after SIGTERM', 8_000)).toBe(0);
      const stderr = cli.stderr();
      expect(stderr).toContain('stdout was closed (EPIPE); the server goes on: SIGTERM or Ctrl+C stops it');
      expect(stderr).toContain('SIGTERM: stopping');
      expect(existsSync(join(stateDir, 'recommender', 'server.lock'))).toBe(false);
    } finally {
      if (running()) child.kill('SIGKILL');
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
