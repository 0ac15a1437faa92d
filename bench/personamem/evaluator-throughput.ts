/**
 * Evaluator overhead with an instant model, on 32k-token contexts at concurrency 32:
 *  - in-process: a ChatModel that answers at once (prompt building, scoring, SQLite store, scheduling);
 *  - http: OpenAIChatModel against a bare instant endpoint and against the llm package's test server,
 *    each in a separate process (adds JSON serialisation and HTTP for every ~100 KB prompt).
 * Runs are interleaved; medians of three repeats; peak RSS of this process is reported.
 *
 *   npx tsx --conditions=development bench/personamem/evaluator-throughput.ts [--out DIR]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type ChatModel, changedOptions, machineLine, markdownTable, median, resultsDirectory, runHeader, runScript, scriptCommand, writeResults } from '@personalab/core';
import { OpenAIChatModel } from '@personalab/llm';
import { LlmResponder, RunStore, evaluate, generateBenchmark, questionFromRow } from '@personalab/personamem';

await runScript(async () => {
  const startedAt = new Date();
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  // No options but --out: every run is the headline run.
  const outputDirectory = resultsDirectory({ out: values.out, committed: join(import.meta.dirname, '..', 'results', 'personamem'), changed: changedOptions({}, {}), name: 'bench/personamem-partial' });
  const concurrency = 32;
  const repeats = 3;
  const benchmark = generateBenchmark({ seed: 5, personas: 20, questionsPerPersona: 50, contextTokens: 32_000 });
  const questions = benchmark.questions.map(questionFromRow);
  const meanPromptMessages = questions.reduce((sum, question) => sum + question.endIndex, 0) / questions.length;
  const meanPromptTokens = questions.reduce((sum, question) => sum + (question.contextLengthInTokens ?? 0), 0) / questions.length;

  const instantModel: ChatModel = {
    modelId: 'instant',
    generate: async () => ({ text: '<final_answer>(a)', finishReason: 'stop', usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } }),
    generateObject: async () => {
      throw new Error('not used');
    },
  };

  /** Starts a server script in its own process; resolves with the base URL it prints. */
  async function startServer(script: string): Promise<{ url: string; stop: () => void }> {
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', fileURLToPath(new URL(script, import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    });
    return { url, stop: () => child.kill('SIGTERM') };
  }
  const raw = await startServer('./raw-instant-server.ts');
  const testServer = await startServer('./instant-server.ts');
  const httpModel = (url: string) => new OpenAIChatModel({ baseURL: url, apiKey: 'bench', model: 'instant', concurrency, maxRetries: 0 });
  const directory = mkdtempSync(join(tmpdir(), 'personamem-bench-'));

  const modes: Record<string, ChatModel> = { 'in-process': instantModel, 'http: bare instant endpoint': httpModel(raw.url), 'http: llm test server': httpModel(testServer.url) };
  const rates: Record<string, number[]> = Object.fromEntries(Object.keys(modes).map((mode) => [mode, []]));
  const rssAfter: Record<string, number[]> = Object.fromEntries(Object.keys(modes).map((mode) => [mode, []]));
  // CPU time of this process per question: on a contended machine, wall-clock rates understate what one free core does.
  const cpuMs: Record<string, number[]> = Object.fromEntries(Object.keys(modes).map((mode) => [mode, []]));
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const [mode, model] of Object.entries(modes)) {
      const store = new RunStore(join(directory, `${mode.replace(/\W+/g, '-')}-${repeat}.sqlite`));
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const result = await evaluate({ questions, contexts: benchmark.contexts, responder: new LlmResponder({ model }), store, runId: `${mode}-${repeat}`, concurrency, quiet: true });
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      cpuMs[mode]?.push((cpu.user + cpu.system) / 1000 / questions.length);
      store.close();
      if (result.failed > 0) throw new Error(`${mode}: ${result.failed} failures`);
      rates[mode]?.push(questions.length / seconds);
      rssAfter[mode]?.push(process.memoryUsage().rss / 2 ** 20);
      console.log(`${mode} #${repeat + 1}: ${(questions.length / seconds).toFixed(0)} questions/s`);
    }
  }
  raw.stop();
  testServer.stop();
  rmSync(directory, { recursive: true, force: true });

  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const rows = Object.keys(modes).map((mode) => [
    mode,
    median(rates[mode] ?? []),
    Math.min(...(rates[mode] ?? [])),
    Math.max(...(rates[mode] ?? [])),
    median(cpuMs[mode] ?? []),
    1000 / median(cpuMs[mode] ?? []),
    median(rssAfter[mode] ?? []),
  ]);
  const load = loadavg()[0] ?? Number.NaN;
  const contextMiB = [...benchmark.contexts.values()].reduce((sum, messages) => sum + messages.reduce((total, message) => total + message.content.length, 0), 0) / 2 ** 20;
  const markdown = [
    '# PersonaMem evaluator throughput (instant model, 32k contexts)',
    '',
    ...runHeader({
      command: scriptCommand('bench/personamem/evaluator-throughput.ts'),
      date: startedAt,
      machine: `${machineLine()}, shared with other engineers' jobs; 1-minute load average ${load.toFixed(1)} at the end. Wall-clock rates are noisy and low: compare them within one run.`,
    }),
    `- ${questions.length} questions over ${benchmark.contexts.size} shared 32k-token contexts (${contextMiB.toFixed(1)} MiB of text, read once); mean prompt ${meanPromptMessages.toFixed(0)} messages, about ${meanPromptTokens.toFixed(0)} tokens.`,
    `- Concurrency ${concurrency}; SQLite run store on disk (WAL); ${repeats} repeats, interleaved; medians.`,
    `- in-process: a ChatModel that answers at once (evaluator overhead proper: prompt building, scoring, SQLite store, scheduling).`,
    `- http: OpenAIChatModel (the openai client) sending every ~100 KB prompt over HTTP to a server in a separate process: a bare endpoint that answers without parsing, and the llm package's test server (which parses, records and word-counts every request, so it measures the server too).`,
    `- Peak RSS of the benchmark process: ${peakRssMiB.toFixed(0)} MiB.`,
    `- "CPU ms per question" is this process's CPU time per question (the server's is not counted); 1000 / it is the rate one free core would sustain for the client side.`,
    `- Target: >= 200 questions/s at concurrency 32.`,
    '',
    markdownTable(['mode', 'questions/s (median)', 'min', 'max', 'CPU ms per question', 'questions per CPU-second', 'RSS after run (MiB)'], rows, 2),
    '',
  ].join('\n');
  const written = writeResults(outputDirectory, 'evaluator-throughput', {
    json: { started: startedAt.toISOString(), questions: questions.length, contexts: benchmark.contexts.size, concurrency, repeats, rates, cpuMsPerQuestion: cpuMs, rssAfterMiB: rssAfter, peakRssMiB, loadAverage: load, meanPromptMessages, meanPromptTokens },
    markdown,
  });
  console.log(markdown);
  console.error(`wrote ${written.join(', ')}`);
});
