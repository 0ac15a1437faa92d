import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@personalab/core';
import { findDataset, howToGet } from '@personalab/datasets';
import { OpenAIChatModel } from '@personalab/llm';
import { type TestServer, startTestServer } from '@personalab/llm/test';
import { evaluate } from './evaluator.js';
import { loadBenchmark } from './load-benchmark.js';
import { officialInstruction } from './prompt.js';
import { scorePredictionFile } from './predictions.js';
import { buildRunReport } from './report/accuracy-report.js';
import { LlmResponder } from './responders/llm-responder.js';
import { LongestOptionResponder } from './responders/longest-option-responder.js';
import { contextsToJsonl } from './generator/write-benchmark.js';

const questionsDirectory = findDataset('personamem-32k');
const devDirectory = findDataset('personamem-dev');
if (!questionsDirectory) console.warn(`personamem-32k not found, skipping the real-question tests: ${howToGet('personamem-32k')}`);
if (!devDirectory) console.warn(`personamem-dev not found, skipping the prediction-file checks: ${howToGet('personamem-dev')}`);

describe.skipIf(!questionsDirectory)('the 589 released 32k questions', () => {
  const questionsPath = join(questionsDirectory ?? '', 'questions_32k.csv');
  const directory = mkdtempSync(join(tmpdir(), 'personamem-real-'));
  let server: TestServer;
  let byPrompt: Map<string, string>;

  beforeAll(async () => {
    server = await startTestServer({
      chat: (request) => {
        const messages = request.body.messages as ChatMessage[];
        const gold = byPrompt.get(messages[messages.length - 1]?.content ?? '');
        return gold === undefined ? { status: 400, message: 'prompt not in the official form' } : `Looking back at what you told me.\n<final_answer>(${gold})`;
      },
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('load, prompt officially over an official-format context fixture, and score end to end', async () => {
    const { questions } = await loadBenchmark({ questionsPath });
    expect(questions).toHaveLength(589);
    // An official-layout contexts file for their 37 shared context ids, long enough for every end index.
    const lengths = new Map<string, number>();
    for (const question of questions) lengths.set(question.sharedContextId, Math.max(lengths.get(question.sharedContextId) ?? 0, question.endIndex + 1));
    const fixture = new Map<string, ChatMessage[]>();
    for (const [id, length] of lengths) {
      fixture.set(id, [
        { role: 'system', content: `Current user persona: fixture for ${id}` },
        ...Array.from({ length: length - 1 }, (_, index): ChatMessage => ({ role: index % 2 === 0 ? 'user' : 'assistant', content: `message ${index + 1} of ${id}` })),
      ]);
    }
    const contextsPath = join(directory, 'shared_contexts_32k.jsonl');
    writeFileSync(contextsPath, contextsToJsonl(fixture));
    const loaded = await loadBenchmark({ questionsPath, contextsPath });
    expect(loaded.contexts?.size).toBe(37);
    byPrompt = new Map(loaded.questions.map((question) => [`${question.question}\n\n${officialInstruction}\n\n${question.optionsText ?? ''}`, question.correct]));
    const model = new OpenAIChatModel({ baseURL: server.url, apiKey: 'test', model: 'scripted', maxRetries: 0, concurrency: 16 });
    const result = await evaluate({ questions: loaded.questions, contexts: loaded.contexts, responder: new LlmResponder({ model }), concurrency: 16, quiet: true });
    expect(result.failed).toBe(0);
    expect(result.outcomes.filter((outcome) => outcome.correct)).toHaveLength(589);
    const requests = server.chatRequests();
    expect(requests).toHaveLength(589);
    // A few questions repeat word for word at different end indices: any of theirs will do.
    const endIndices = new Map<string, Set<number>>();
    for (const question of loaded.questions) {
      const prompt = `${question.question}\n\n${officialInstruction}\n\n${question.optionsText ?? ''}`;
      endIndices.set(prompt, (endIndices.get(prompt) ?? new Set()).add(question.endIndex));
    }
    for (const request of requests) {
      const messages = request.body.messages as ChatMessage[];
      expect(endIndices.get(messages[messages.length - 1]?.content ?? '')?.has(messages.length - 1)).toBe(true);
    }
  });

  it('reproduce the longest-option control: 51.6% overall, 100% / 93.9% / 0% on three types', async () => {
    const { questions } = await loadBenchmark({ questionsPath });
    const result = await evaluate({ questions, responder: new LongestOptionResponder(), quiet: true });
    const report = buildRunReport(questions, result.outcomes, { runId: result.runId, responder: 'longest-option', benchmark: '32k' });
    expect(report.all.overall.correct).toBe(304);
    expect(report.all.overall.accuracy).toBeCloseTo(0.516, 3);
    expect(report.all.byType.generalizing_to_new_scenarios?.accuracy).toBe(1);
    expect(report.all.byType.recalling_the_reasons_behind_previous_updates?.accuracy).toBeCloseTo(0.939, 3);
    expect(report.all.byType.suggest_new_ideas?.accuracy).toBe(0);
    expect(report.longestWrong.overall.n).toBe(589 - 304);
    expect(report.longestWrong.overall.correct).toBe(0);
  });

  it.skipIf(!devDirectory)("score the authors' prediction files through the official scorer", async () => {
    const { questions } = await loadBenchmark({ questionsPath });
    const expected: Record<string, number> = {
      'pred_32k_k=5_r=none_m=gpt-4o.csv': 276,
      'pred_32k_k=5_r=rag_m=gpt-4o.csv': 378,
      'pred_32k_k=5_r=none_m=gpt-4o-mini.csv': 203,
      'pred_32k_k=5_r=rag_m=gpt-4o-mini.csv': 289,
    };
    for (const [file, correct] of Object.entries(expected)) {
      const scored = scorePredictionFile(join(devDirectory ?? '', file), questions);
      expect(scored.unmatched).toBe(0);
      expect(scored.outcomes.filter((outcome) => outcome.correct)).toHaveLength(correct);
    }
  });
});
