import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { OpenAIChatModel } from '@personalab/llm';
import { type TestServer, startTestServer } from '@personalab/llm/test';
import { evaluate } from './evaluator.js';
import { LlmResponder } from './responders/llm-responder.js';
import { RunStore } from './run-store.js';
import { questionOfRequest, smallBenchmark } from './test/index.js';

// Must match the child's benchmark (test/run-evaluation-child.ts).
const benchmark = smallBenchmark({ personas: 3, questionsPerPersona: 20 });
let server: TestServer;
const directory = mkdtempSync(join(tmpdir(), 'personamem-kill-'));

/** Answers every question right after `delayMs`. */
const answering = (delayMs: number) => (request: { body: { messages?: { role: string; content: string }[] } }) => ({
  text: `<final_answer>(${questionOfRequest(request.body, benchmark.questions)?.correct ?? 'a'})`,
  delayMs,
});

beforeAll(async () => {
  server = await startTestServer({ chat: answering(40) });
});
afterAll(async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

const childScript = fileURLToPath(new URL('./test/run-evaluation-child.ts', import.meta.url));

/** Starts test/run-evaluation-child.ts; `lines` fills with its output as it comes. */
function startChild(databasePath: string, runId: string): { lines: string[]; firstLine: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', childScript, server.url, databasePath, runId], { stdio: 'pipe' });
  const lines: string[] = [];
  let pending = '';
  let seen: () => void = () => undefined;
  const firstLine = new Promise<void>((resolve) => (seen = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (pending + chunk.toString()).split('\n');
    pending = parts.pop()!;
    lines.push(...parts);
    if (lines.length > 0) seen();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    seen();
    resolve(code);
  }));
  return { lines, firstLine, exited };
}

describe('two processes on one run', () => {
  it('lets one evaluate and refuses the other, so that no question is asked twice', async () => {
    server.reset();
    // The first question is answered, the others wait until the second process has been refused: the first is still
    // at it however long the second takes to start. (A 400 ms answer had given it 6 s, and on a loaded machine the
    // second had started after the first was done, and exited 0.)
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let requestsSeen = 0;
    const answer = answering(0);
    server.setChatHandler(async (request) => {
      if (requestsSeen++ > 0) await released;
      return answer(request);
    });
    onTestFinished(() => {
      release();
      server.setChatHandler(answering(40));
    });
    const databasePath = join(directory, 'pair.sqlite');
    const first = startChild(databasePath, 'pair-run');
    // The second starts once the first is answering: before, both asked every question still pending.
    await first.firstLine;
    const second = startChild(databasePath, 'pair-run');
    const secondCode = await second.exited;
    release();
    const firstCode = await first.exited;
    expect(firstCode).toBe(0);
    expect(first.lines.at(-1)).toMatch(/^done 60 0$/);
    expect(secondCode).toBe(1);
    expect(second.lines.at(-1)).toMatch(/^failed run pair-run in .*pair\.sqlite is being evaluated by another process \(pid \d+/);
    const asked = server.chatRequests().map((request) => questionOfRequest(request.body, benchmark.questions)?.id);
    expect(new Set(asked).size).toBe(asked.length);
    const store = new RunStore(databasePath);
    expect(store.answeredIds('pair-run').size).toBe(benchmark.questions.length);
    // The run's claim went with the first process: the same run resumes (nothing left to ask).
    store.close();
    const again = startChild(databasePath, 'pair-run');
    expect(await again.exited).toBe(0);
    expect(again.lines.at(-1)).toBe('done 0 60');
  });
});

describe('a run killed halfway', () => {
  it('resumes from its SQLite store without re-asking answered questions', async () => {
    const databasePath = join(directory, 'runs.sqlite');
    const half = benchmark.questions.length / 2;
    // Half the questions are answered; the rest wait until the child is killed, so that it cannot finish the run
    // between two looks at its store however slowly this process gets to look (a loaded machine).
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let requestsSeen = 0;
    const answer = answering(40);
    server.setChatHandler(async (request) => {
      if (requestsSeen++ >= half) await released;
      return answer(request);
    });
    onTestFinished(() => {
      release();
      server.setChatHandler(answering(40));
    });
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', fileURLToPath(new URL('./test/run-evaluation-child.ts', import.meta.url)), server.url, databasePath], { stdio: 'pipe' });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    let answered = 0;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (child.exitCode !== null) throw new Error(`child exited early (${child.exitCode}): ${stderr}`);
      try {
        const store = new RunStore(databasePath);
        answered = store.answeredIds('killed-run').size;
        store.close();
      } catch {
        answered = 0;
      }
      if (answered >= half) break;
    }
    child.kill('SIGKILL');
    await exited;
    release();
    server.setChatHandler(answering(40));
    const store = new RunStore(databasePath);
    const answeredBefore = store.answeredIds('killed-run');
    expect(answeredBefore.size).toBeGreaterThanOrEqual(half);
    expect(answeredBefore.size).toBeLessThan(benchmark.questions.length);
    server.reset();
    const model = new OpenAIChatModel({ baseURL: server.url, apiKey: 'test', model: 'scripted', maxRetries: 0, concurrency: 4 });
    const result = await evaluate({ ...benchmark, responder: new LlmResponder({ model }), store, runId: 'killed-run', benchmark: 'small', concurrency: 4, quiet: true });
    const asked = server.chatRequests().map((request) => questionOfRequest(request.body, benchmark.questions)?.id);
    expect(asked.filter((id) => id !== undefined && answeredBefore.has(id))).toEqual([]);
    expect(asked).toHaveLength(benchmark.questions.length - answeredBefore.size);
    expect(result.outcomes).toHaveLength(benchmark.questions.length);
    expect(result.outcomes.every((outcome) => outcome.correct)).toBe(true);
    store.close();
  });
});
