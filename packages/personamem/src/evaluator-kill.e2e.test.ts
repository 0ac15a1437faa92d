import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

beforeAll(async () => {
  server = await startTestServer({
    chat: (request) => ({ text: `<final_answer>(${questionOfRequest(request.body, benchmark.questions)?.correct ?? 'a'})`, delayMs: 40 }),
  });
});
afterAll(async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('a run killed halfway', () => {
  it('resumes from its SQLite store without re-asking answered questions', async () => {
    const databasePath = join(directory, 'runs.sqlite');
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', fileURLToPath(new URL('./test/run-evaluation-child.ts', import.meta.url)), server.url, databasePath], { stdio: 'pipe' });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const half = benchmark.questions.length / 2;
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
