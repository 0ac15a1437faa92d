import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PersonalabError, type Shard } from '@personalab/core';
import { temporaryDirectory } from '@personalab/datasets/test';
import { collectRun } from './collect-run.js';
import { evaluate, type QuestionOutcome } from './evaluator.js';
import { buildRunReport } from './report/accuracy-report.js';
import { LongestOptionResponder } from './responders/longest-option-responder.js';
import { MemoryResponder } from './responders/memory-responder.js';
import { RunStore } from './run-store.js';
import { questionsOfShard, shardRunId } from './shard-questions.js';
import { smallBenchmark } from './test/index.js';

// Five personas of unequal size: 5 × 8 questions, then the last persona's questions dropped to 3.
const generated = smallBenchmark({ personas: 5, questionsPerPersona: 8, contextTokens: 3_000 });
const lastContext = generated.questions.at(-1)?.sharedContextId;
let kept = 0;
const questions = generated.questions.filter((question) => question.sharedContextId !== lastContext || kept++ < 3);
const { contexts } = generated;
const shards = (count: number): Shard[] => Array.from({ length: count }, (_, index) => ({ index, count }));

const folder = temporaryDirectory('personalab-personamem-shards-');
afterAll(() => folder.remove());
const refused = (run: () => unknown, code: string, message: RegExp) => expect(run).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }) as Error);
const byQuestion = (outcomes: readonly QuestionOutcome[]) => [...outcomes].sort((left, right) => left.questionId.localeCompare(right.questionId));

describe('questionsOfShard', () => {
  it('splits the questions into disjoint shards of whole shared contexts that cover every question, balanced by count', () => {
    for (const count of [1, 2, 3, 4, 7]) {
      const parts = shards(count).map((shard) => questionsOfShard(questions, shard));
      // Disjoint and covering, each in file order.
      expect(parts.flat().map((question) => question.id).sort()).toEqual(questions.map((question) => question.id).sort());
      for (const part of parts) expect(part).toEqual(questions.filter((question) => part.includes(question)));
      // A context's questions are all in one shard.
      const owners = new Map<string, Set<number>>();
      parts.forEach((part, index) => part.forEach((question) => owners.set(question.sharedContextId, (owners.get(question.sharedContextId) ?? new Set()).add(index))));
      expect([...owners.values()].map((owner) => owner.size)).toEqual([1, 1, 1, 1, 1]);
    }
    // Contexts of 8, 8, 8, 8 and 3 questions, largest first to the lightest shard (ties: the lowest): 8+8, 8+3, 8.
    expect(shards(3).map((shard) => questionsOfShard(questions, shard).length)).toEqual([16, 11, 8]);
    expect(shards(2).map((shard) => questionsOfShard(questions, shard).length)).toEqual([19, 16]);
    // More shards than contexts: the extra shards are empty, still disjoint and covering.
    expect(shards(7).map((shard) => questionsOfShard(questions, shard).length)).toEqual([8, 8, 8, 8, 3, 0, 0]);
  });

  it('is deterministic and depends on the whole list only, so a prefix (limit) never moves a context', () => {
    const shard = { index: 1, count: 3 };
    expect(questionsOfShard([...questions], shard)).toEqual(questionsOfShard(questions, shard));
    expect(questionsOfShard(questions, undefined)).toEqual(questions);
    expect(shardRunId('mem', shard)).toBe('mem#2/3');
  });
});

describe('sharded evaluation', () => {
  // The memory responder frozen at first statements gets about half wrong: the comparison is of right and wrong answers.
  const responder = () => new MemoryResponder({ stale: true });

  it('3 shards in separate stores, put together, equal the unsharded run question for question; a shard resumes', async () => {
    const whole = new RunStore(join(folder.path, 'whole.sqlite'));
    const unsharded = await evaluate({ questions, contexts, responder: responder(), store: whole, runId: 'mem', benchmark: 'small', quiet: true });
    expect(unsharded.outcomes.some((outcome) => !outcome.correct) && unsharded.outcomes.some((outcome) => outcome.correct)).toBe(true);
    const stores: RunStore[] = [];
    for (const shard of shards(3)) {
      const store = new RunStore(join(folder.path, `shard-${shard.index + 1}.sqlite`));
      const result = await evaluate({ questions, contexts, responder: responder(), store, runId: 'mem', benchmark: 'small', quiet: true, shard });
      expect(result.runId).toBe(`mem#${shard.index + 1}/3`);
      expect(result.questions).toEqual(questionsOfShard(questions, shard));
      expect(result.asked).toBe(result.questions.length);
      // Run again: every answer comes from the store.
      const again = await evaluate({ questions, contexts, responder: responder(), store, runId: 'mem', benchmark: 'small', quiet: true, shard });
      expect([again.asked, again.resumed]).toEqual([0, result.questions.length]);
      stores.push(store);
    }
    const merged = collectRun({ runId: 'mem', stores, questions, questionsName: 'small.csv' });
    expect(merged.shards).toBe(3);
    expect(byQuestion(merged.outcomes)).toEqual(byQuestion(unsharded.outcomes));
    const report = (outcomes: readonly QuestionOutcome[]) => buildRunReport(questions, outcomes, { runId: 'mem', responder: merged.responder, benchmark: merged.benchmark });
    expect(report(merged.outcomes)).toEqual(report(unsharded.outcomes));
    // The whole run reads as before; it and its shards together are refused.
    expect(collectRun({ runId: 'mem', stores: [whole], questions, questionsName: 'small.csv' }).shards).toBe(0);
    refused(() => collectRun({ runId: 'mem', stores: [whole, ...stores], questions, questionsName: 'small.csv' }), 'conflict', /^run mem is both a whole run \(in .*whole\.sqlite\) and split into shards \(mem#1\/3 in .*shard-1\.sqlite\)/);
    for (const store of stores) store.close();
    whole.close();
  });

  it('shares one store between shards running at once, and scores a limit as the first n questions', async () => {
    const path = join(folder.path, 'shared.sqlite');
    const stores = shards(3).map(() => new RunStore(path));
    await Promise.all(stores.map((store, index) => evaluate({ questions, limit: 20, contexts, responder: responder(), store, runId: 'first20', quiet: true, shard: { index, count: 3 } })));
    const unsharded = await evaluate({ questions, limit: 20, contexts, responder: responder(), runId: 'first20', quiet: true });
    const merged = collectRun({ runId: 'first20', stores: [stores[0] as RunStore], questions, questionsName: 'small.csv' });
    expect(byQuestion(merged.outcomes)).toEqual(byQuestion(unsharded.outcomes));
    expect(merged.outcomes).toHaveLength(20);
    for (const store of stores) store.close();
  });

  it('refuses, in one store, shards of another count, a whole run beside its shards, and a shard id made by hand', async () => {
    const store = new RunStore(':memory:');
    const run = (runId: string, shard?: Shard) => evaluate({ questions, limit: 4, contexts, responder: new LongestOptionResponder(), store, runId, quiet: true, shard });
    await run('lo', { index: 0, count: 3 });
    await expect(run('lo', { index: 1, count: 2 })).rejects.toSatisfy((error) => PersonalabError.is(error, 'conflict') && /^run lo has shards of 3 in this store \(lo#1\/3\): shard 2\/2 would mix shard counts; use shard i\/3 or another run id$/.test(error.message));
    await expect(run('lo')).rejects.toSatisfy((error) => PersonalabError.is(error, 'conflict') && /^run lo is split into shards of 3 in this store \(lo#1\/3\): evaluate a shard \(i\/3\), or use another run id$/.test(error.message));
    await run('whole');
    await expect(run('whole', { index: 0, count: 2 })).rejects.toSatisfy((error) => PersonalabError.is(error, 'conflict') && /^run whole is in this store unsharded: its shard 1\/2 would be counted twice with it/.test(error.message));
    await expect(run('lo#1/3')).rejects.toSatisfy((error) => PersonalabError.is(error, 'conflict') && /^run lo#1\/3 is shard 1\/3 of run lo in the store, not a whole run; use another run id$/.test(error.message));
    expect(store.listRuns().map((info) => info.runId)).toEqual(['lo#1/3', 'whole']);
    store.close();
  });

  it('refuses to put together a missing or repeated shard, mixed counts, other settings or another questions file, in one line each', async () => {
    const open = (name: string) => new RunStore(join(folder.path, 'refusals', name));
    const run = (store: RunStore, shard: Shard, options: { responder?: MemoryResponder | LongestOptionResponder; limit?: number; runQuestions?: typeof questions } = {}) =>
      evaluate({ questions: options.runQuestions ?? questions, limit: options.limit ?? 6, contexts, responder: options.responder ?? new LongestOptionResponder(), store, runId: 'r', quiet: true, shard });
    const [a, b, c, d, e] = ['a.sqlite', 'b.sqlite', 'c.sqlite', 'd.sqlite', 'e.sqlite'].map(open) as [RunStore, RunStore, RunStore, RunStore, RunStore];
    await run(a, { index: 0, count: 3 });
    await run(b, { index: 1, count: 3 });
    await run(c, { index: 2, count: 3 });
    await run(d, { index: 2, count: 3 });
    await run(e, { index: 1, count: 2 });
    const collect = (...stores: RunStore[]) => () => collectRun({ runId: 'r', stores, questions, questionsName: 'q.csv' });
    expect(collect(a, b, c)().outcomes).toHaveLength(6);
    refused(collect(a, c), 'not_found', /^run r: shard 2\/3 missing \(found 1\/3 in .*a\.sqlite, 3\/3 in .*c\.sqlite\): evaluate it with --shard, or name the store that holds it$/);
    refused(collect(a), 'not_found', /^run r: shards 2\/3, 3\/3 missing \(found 1\/3 in .*a\.sqlite\)/);
    refused(collect(a, b, c, d), 'conflict', /^run r: shard 3\/3 is in both .*c\.sqlite and .*d\.sqlite: name only one of the stores that hold it$/);
    refused(collect(a, b, c, e), 'conflict', /^run r mixes shard counts \(1\/3 in .*a\.sqlite, 2\/3 in .*b\.sqlite, 3\/3 in .*c\.sqlite, 2\/2 in .*e\.sqlite\): its shards must all be made with the same --shard i\/n$/);
    const empty = [open('empty.sqlite'), open('other.sqlite')];
    refused(collect(...empty), 'not_found', /^no run r in .*empty\.sqlite, .*other\.sqlite: the stores hold no runs$/);
    // An unknown id names the ids there are (it had named the stores only): a sharded run by the id it was sharded under.
    await evaluate({ questions, limit: 2, contexts, responder: new LongestOptionResponder(), store: a, runId: 'alone', quiet: true });
    refused(() => collectRun({ runId: 'nosuch', stores: [a, b], questions, questionsName: 'q.csv' }), 'not_found', /^no run nosuch in .*a\.sqlite, .*b\.sqlite: the runs there are alone, r \(2 shards\)$/);
    refused(() => collectRun({ runId: 'nosuch', stores: [b], questions, questionsName: 'q.csv' }), 'not_found', /^no run nosuch in .*b\.sqlite: the runs there are r \(1 shard\)$/);
    // Another responder, another limit.
    const [f, g] = ['f.sqlite', 'g.sqlite'].map(open) as [RunStore, RunStore];
    await run(f, { index: 1, count: 3 }, { responder: new MemoryResponder() });
    refused(collect(a, f, c), 'conflict', /^run r: its shards were made with different settings \(responder: 1\/3 "longest-option", 2\/3 "memory[^"]*"\): evaluate every shard with the same options$/);
    await run(g, { index: 1, count: 3 }, { limit: 7 });
    refused(collect(a, g, c), 'conflict', /^run r: its shards were made with different settings \(limit: 1\/3 6, 2\/3 7\)/);
    // A shard made on another questions file (one question less): refused against the file the report names.
    const h = open('h.sqlite');
    await run(h, { index: 1, count: 3 }, { runQuestions: questions.slice(0, -1) });
    refused(collect(a, h, c), 'conflict', /^run r: shard 2\/3 \(in .*h\.sqlite\) answered another questions file than q\.csv \(its questions' fingerprint 34-[0-9a-f]+, this file's 35-[0-9a-f]+\): name the file it answered$/);
    // A whole run in two stores.
    const [x, y] = ['x.sqlite', 'y.sqlite'].map(open) as [RunStore, RunStore];
    for (const store of [x, y]) await evaluate({ questions, limit: 2, responder: new LongestOptionResponder(), store, runId: 'r', quiet: true });
    refused(collect(x, y), 'conflict', /^run r is in more than one store \(.*x\.sqlite, .*y\.sqlite\): name one of them$/);
    for (const store of [a, b, c, d, e, f, g, h, x, y, ...empty]) store.close();
  });
});
