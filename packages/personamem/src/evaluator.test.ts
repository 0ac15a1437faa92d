import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIChatModel } from '@personalab/llm';
import { type TestServer, startTestServer } from '@personalab/llm/test';
import { PersonalabError } from '@personalab/core';
import { evaluate, missingSharedContexts, questionsFingerprint } from './evaluator.js';
import { LlmResponder } from './responders/llm-responder.js';
import { LongestOptionResponder } from './responders/longest-option-responder.js';
import { RunStore } from './run-store.js';
import { questionOfRequest, smallBenchmark } from './test/index.js';

const benchmark = smallBenchmark();
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    chat: (request) => {
      const question = questionOfRequest(request.body, benchmark.questions);
      return { text: `Thinking it over.\n<final_answer>(${question?.correct ?? 'a'})`, delayMs: 5 };
    },
  });
});
afterAll(async () => server.close());

const model = () => new OpenAIChatModel({ baseURL: server.url, apiKey: 'test', model: 'scripted', maxRetries: 0, concurrency: 8 });

describe('evaluate', () => {
  it('sends the official prompt through the local OpenAI-compatible server and scores the replies', async () => {
    server.reset();
    const result = await evaluate({ ...benchmark, responder: new LlmResponder({ model: model() }), concurrency: 4, quiet: true });
    expect(result.outcomes).toHaveLength(benchmark.questions.length);
    expect(result.outcomes.every((outcome) => outcome.correct)).toBe(true);
    const requests = server.chatRequests();
    expect(requests).toHaveLength(benchmark.questions.length);
    for (const request of requests) {
      const question = questionOfRequest(request.body, benchmark.questions);
      expect(question).toBeDefined();
      // The context up to the end index (exclusive), then the question message.
      expect(request.body.messages).toHaveLength((question?.endIndex ?? 0) + 1);
    }
    expect(server.peakInFlight).toBeLessThanOrEqual(4);
  });

  it('resumes a stopped run without asking answered questions again', async () => {
    server.reset();
    const store = new RunStore(':memory:');
    const controller = new AbortController();
    const half = Math.floor(benchmark.questions.length / 2);
    await expect(
      evaluate({ ...benchmark, responder: new LlmResponder({ model: model() }), store, runId: 'run-1', concurrency: 4, quiet: true, signal: controller.signal, onAnswer: (_answer, done) => done >= half && controller.abort() }),
    ).rejects.toSatisfy((error) => PersonalabError.is(error, 'cancelled'));
    const answeredFirst = store.answeredIds('run-1');
    expect(answeredFirst.size).toBeGreaterThanOrEqual(half);
    expect(answeredFirst.size).toBeLessThan(benchmark.questions.length);
    // Let requests the abort cut off finish arriving, so they are not counted as the resumed run's.
    await new Promise((resolve) => setTimeout(resolve, 200));
    while (server.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    server.reset();
    const resumed = await evaluate({ ...benchmark, responder: new LlmResponder({ model: model() }), store, runId: 'run-1', concurrency: 4, quiet: true });
    expect(resumed.resumed).toBe(answeredFirst.size);
    expect(resumed.outcomes).toHaveLength(benchmark.questions.length);
    const askedAgain = server.chatRequests().map((request) => questionOfRequest(request.body, benchmark.questions)?.id);
    expect(askedAgain.filter((id) => id !== undefined && answeredFirst.has(id))).toEqual([]);
    expect(askedAgain).toHaveLength(benchmark.questions.length - answeredFirst.size);
    store.close();
  });

  it("shows on the progress bar the accuracy of every scored answer, the resumed ones too", async () => {
    server.reset();
    const store = new RunStore(':memory:');
    // Two questions answered right, stored; the resumed call answers every other one wrong.
    await evaluate({ ...benchmark, limit: 2, responder: new LlmResponder({ model: model() }), store, runId: 'bar', concurrency: 1, quiet: true });
    const rest = benchmark.questions.slice(2);
    for (const question of rest) server.enqueue(`<final_answer>(${question.correct === 'a' ? 'b' : 'a'})`);
    let drawn = '';
    const progressStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        drawn += chunk.toString();
        done();
      },
    }) as unknown as NodeJS.WriteStream;
    const result = await evaluate({ ...benchmark, responder: new LlmResponder({ model: model() }), store, runId: 'bar', concurrency: 1, quiet: false, progressStream });
    expect(result.resumed).toBe(2);
    const scored = result.outcomes.filter((outcome) => outcome.error === null);
    const overall = (scored.filter((outcome) => outcome.correct).length / scored.length).toFixed(3);
    expect(overall).toBe((2 / benchmark.questions.length).toFixed(3));
    const lines = drawn.split('\n').filter((line) => line.trim() !== '');
    // It ends on the run's accuracy (it had shown this call's answers' only: 0.000).
    expect(lines.at(-1)).toMatch(new RegExp(`${benchmark.questions.length}/${benchmark.questions.length} .* accuracy ${overall.replace('.', '\\.')}$`));
    store.close();
  });

  it('records upstream failures and retries only them on resume', async () => {
    server.reset();
    server.enqueue({ fault: 'server_error', status: 500 }, { fault: 'server_error', status: 503 });
    const store = new RunStore(':memory:');
    const first = await evaluate({ ...benchmark, responder: new LlmResponder({ model: model() }), store, runId: 'faulty', concurrency: 1, quiet: true });
    expect(first.failed).toBe(2);
    expect(first.outcomes.filter((outcome) => outcome.error !== null)).toHaveLength(2);
    server.reset();
    const second = await evaluate({ ...benchmark, responder: new LlmResponder({ model: model() }), store, runId: 'faulty', concurrency: 1, quiet: true });
    expect(server.chatRequests()).toHaveLength(2);
    // Every question has its outcome (an empty list would pass the `every` below).
    expect(second.outcomes).toHaveLength(benchmark.questions.length);
    expect(second.outcomes.every((outcome) => outcome.error === null && outcome.correct)).toBe(true);
    store.close();
  });

  it('stops the run at the first configuration error (a wrong base URL: 404), keeping the stored answers resumable', async () => {
    server.reset();
    const store = new RunStore(':memory:');
    const answered = 3;
    // A few answers, then a 404 (what a wrong base URL answers to every request).
    for (let index = 0; index < answered; index++) server.enqueue(`<final_answer>(${benchmark.questions[index]?.correct ?? 'a'})`);
    server.enqueue({ status: 404, message: 'no route POST /nope/chat/completions' });
    await expect(evaluate({ ...benchmark, responder: new LlmResponder({ model: model() }), store, runId: 'wrong-url', concurrency: 1, quiet: true })).rejects.toSatisfy(
      (error) =>
        PersonalabError.is(error, 'upstream_error') &&
        error.details.status === 404 &&
        error.message.includes('answered HTTP 404: no route POST /nope/chat/completions') &&
        error.message.includes(`Run wrong-url stopped: this error would fail every question alike; ${answered} of ${benchmark.questions.length} questions answered and stored`),
    );
    // One request past the answers: no question after the first 404 was asked, and the 404 was not stored.
    expect(server.chatRequests()).toHaveLength(answered + 1);
    expect(store.answeredIds('wrong-url').size).toBe(answered);
    expect(store.answers('wrong-url').every((answer) => answer.error === null)).toBe(true);
    // A transient error still fails its question only; the resumed run asks every other one.
    server.reset();
    server.enqueue({ fault: 'server_error', status: 500 });
    const resumed = await evaluate({ ...benchmark, responder: new LlmResponder({ model: model() }), store, runId: 'wrong-url', concurrency: 1, quiet: true });
    expect(resumed.resumed).toBe(answered);
    expect(resumed.failed).toBe(1);
    expect(server.chatRequests()).toHaveLength(benchmark.questions.length - answered);
    store.close();
  });

  it('refuses to resume a run id under a different responder, and names unknown contexts', async () => {
    const store = new RunStore(':memory:');
    await evaluate({ questions: benchmark.questions.slice(0, 2), responder: new LongestOptionResponder(), store, runId: 'r', quiet: true });
    await expect(evaluate({ questions: benchmark.questions.slice(0, 2), responder: new LlmResponder({ model: model() }), store, runId: 'r', quiet: true })).rejects.toSatisfy((error) =>
      PersonalabError.is(error, 'conflict'),
    );
    // Same run id and responder, but an edited question set: refused rather than mixed.
    const edited = benchmark.questions.slice(0, 2).map((question, index) => (index === 0 ? { ...question, correct: question.correct === 'a' ? ('b' as const) : ('a' as const) } : question));
    await expect(evaluate({ questions: edited, responder: new LongestOptionResponder(), store, runId: 'r', quiet: true })).rejects.toThrow(/the questions file changed since the run was made/);
    const result = await evaluate({ questions: benchmark.questions.slice(0, 1), contexts: new Map(), responder: new LongestOptionResponder(), quiet: true });
    expect(result.outcomes[0]?.error).toMatch(/shared context .* is not in the contexts file/);
    store.close();
  });

  it('resumes a run with another limit on the same question list: a larger one adds questions, a smaller one reports the first n', async () => {
    const store = new RunStore(':memory:');
    const all = benchmark.questions;
    const options = { questions: all, responder: new LongestOptionResponder(), store, runId: 'lim', quiet: true };
    const first = await evaluate({ ...options, limit: 2 });
    expect([first.asked, first.outcomes.length, first.questions.length]).toEqual([2, 2, 2]);
    expect(store.getRun('lim')?.settings['limit']).toBe(2);
    const more = await evaluate({ ...options, limit: 3 });
    expect([more.resumed, more.asked, more.outcomes.length]).toEqual([2, 1, 3]);
    const fewer = await evaluate({ ...options, limit: 1 });
    expect([fewer.resumed, fewer.asked, fewer.outcomes.map((outcome) => outcome.questionId)]).toEqual([1, 0, [all[0]?.id]]);
    const rest = await evaluate(options);
    expect([rest.resumed, rest.asked]).toEqual([3, all.length - 3]);
    expect(store.getRun('lim')?.settings['limit']).toBeNull();
    await expect(evaluate({ ...options, limit: 0 })).rejects.toThrow(/limit must be a positive integer/);
    store.close();
  });

  it('resumes a run recorded before the limit was kept apart (fingerprint of its first n questions)', async () => {
    const store = new RunStore(':memory:');
    const all = benchmark.questions;
    store.openRun({ runId: 'old', responder: 'longest-option', benchmark: 'personamem', settings: { contextsFingerprint: 'none', fingerprint: questionsFingerprint(all.slice(0, 2)) } });
    const resumed = await evaluate({ questions: all, limit: 3, responder: new LongestOptionResponder(), store, runId: 'old', quiet: true });
    expect(resumed.asked).toBe(3);
    expect(store.getRun('old')?.settings).toMatchObject({ fingerprint: questionsFingerprint(all), limit: 3 });
    store.close();
  });

  it('names the questions whose shared context a contexts map lacks', () => {
    const questions = benchmark.questions.slice(0, 3);
    expect(missingSharedContexts(questions, benchmark.contexts ?? new Map())).toBeUndefined();
    expect(missingSharedContexts(questions, new Map())).toEqual({ contextId: questions[0]?.sharedContextId, questionId: questions[0]?.id, questions: 3, contextIds: new Set(questions.map((question) => question.sharedContextId)).size });
  });

  it('refuses to resume a run with other settings or other contexts, naming what differs', async () => {
    const store = new RunStore(':memory:');
    const questions = benchmark.questions.slice(0, 2);
    const first = await evaluate({ questions, contexts: benchmark.contexts, responder: new LongestOptionResponder(), store, runId: 's', settings: { k: 5 }, quiet: true });
    expect(first.asked).toBe(2);
    await expect(evaluate({ questions, contexts: benchmark.contexts, responder: new LongestOptionResponder(), store, runId: 's', settings: { k: 3 }, quiet: true })).rejects.toThrow(
      /different settings \(k: before 5, now 3\)/,
    );
    await expect(evaluate({ questions, responder: new LongestOptionResponder(), store, runId: 's', settings: { k: 5 }, quiet: true })).rejects.toThrow(/contextsFingerprint: before "\d+-[0-9a-f]+", now "none"/);
    const resumed = await evaluate({ questions, contexts: benchmark.contexts, responder: new LongestOptionResponder(), store, runId: 's', settings: { k: 5 }, quiet: true });
    expect(resumed.resumed).toBe(2);
    store.close();
  });

  it('names the setting that differs even when the responder name differs with it (an embedder named in both)', async () => {
    const store = new RunStore(':memory:');
    const questions = benchmark.questions.slice(0, 2);
    const named = (name: string) => Object.assign(new LongestOptionResponder(), { name });
    await evaluate({ questions, contexts: benchmark.contexts, responder: named('llm:m:retrieval-top5'), store, runId: 'e', settings: { embedder: 'hashing-v1' }, quiet: true });
    // Had been "run e already exists for responder llm:m:retrieval-top5 …, not llm:m:retrieval-top5-openai:embed:32 …".
    await expect(evaluate({ questions, contexts: benchmark.contexts, responder: named('llm:m:retrieval-top5-openai:embed:32'), store, runId: 'e', settings: { embedder: 'openai:embed:32' }, quiet: true })).rejects.toThrow(
      /^run e was made with different settings \(embedder: before "hashing-v1", now "openai:embed:32"\); use a new run id, or the run's settings to resume it$/,
    );
    expect(store.answeredIds('e').size).toBe(2);
    store.close();
  });
});
