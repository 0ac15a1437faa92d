/**
 * PersonaMem experiment: controls on the 589 released 32k questions (and the authors' prediction
 * files scored by our scorer), then random, longest-option and memory responders on generated
 * 32k and 128k benchmarks. Writes JSON + Markdown + SVG into experiments/personamem/results/.
 *
 *   npx tsx --conditions=development experiments/personamem/run.ts [--quick] [--out DIR]
 *
 * --quick (fewer personas and questions) writes to $PERSONALAB_STATE_DIR/experiments/personamem-quick
 * unless --out is given, so that a smoke run never overwrites the committed results. Its generated files and
 * answers live apart too ($PERSONALAB_STATE_DIR/personamem-quick, the full run's in personamem): a full run after
 * a quick one had found the quick run's answers under the same run ids and stopped ("the questions file changed
 * since the run was made"). Generated files are named as `personalab personamem generate` names them, by their
 * settings (the quick run's gen32k-p3-q20-seed1, the full run's gen32k-seed1), and another generation's file is
 * never replaced.
 */
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { type ChatMessage, type Responder, changedOptions, getConfig, resultsDirectory as chooseResultsDirectory, runHeader, runScript, scriptCommand, withRunHeader, writeResults } from '@personalab/core';
import { findDataset } from '@personalab/datasets';
import { HeuristicProfileExtractor } from '@personalab/profile';
import {
  type BenchmarkQuestion,
  type RunReport,
  LongestOptionResponder,
  MemoryResponder,
  RandomResponder,
  RunStore,
  benchmarkName,
  buildRunReport,
  evaluate,
  formatCell,
  generateBenchmark,
  intervalContains,
  loadBenchmark,
  published128k,
  published32k,
  renderMarkdown,
  scorePredictionFile,
  svgAccuracyByDistance,
  writeBenchmark,
} from '@personalab/personamem';

const here = dirname(fileURLToPath(import.meta.url));
await runScript(async () => {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, out: { type: 'string' } } });
  const quick = values.quick;
  const resultsDirectory = chooseResultsDirectory({ out: values.out, committed: join(here, 'results'), changed: changedOptions({ quick }, { quick: false }), name: 'experiments/personamem-quick' });
  const workDirectory = join(getConfig().stateDir, quick ? 'personamem-quick' : 'personamem');
  // A fresh store each run: every answer is recomputed (the whole experiment takes about 25 s). Resumed answers had
  // carried an older profile extractor's into the committed results (memory-profile-heuristic 0.615, against 0.970
  // recomputed): a run's settings name the responder, not the version of the code behind it.
  const storePath = join(workDirectory, 'experiment.sqlite');
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${storePath}${suffix}`, { force: true });
  const store = new RunStore(storePath);
  // Every Markdown of the run records the same command and start time.
  const header = { command: scriptCommand('experiments/personamem/run.ts'), date: new Date() };
  const summary: string[] = ['# PersonaMem experiment summary', '', ...runHeader(header)];

  async function runAll(benchmarkName: string, questions: BenchmarkQuestion[], contexts: Map<string, ChatMessage[]> | undefined, responders: Responder[]): Promise<RunReport[]> {
    const reports: RunReport[] = [];
    for (const responder of responders) {
      const runId = `${benchmarkName}:${responder.name}`;
      const started = performance.now();
      const result = await evaluate({ questions, contexts, responder, store, runId, benchmark: benchmarkName, concurrency: 8, quiet: true });
      reports.push(buildRunReport(questions, result.outcomes, { runId, responder: responder.name, benchmark: benchmarkName }));
      console.log(`${runId}: ${formatCell(reports[reports.length - 1]?.all.overall)} in ${((performance.now() - started) / 1000).toFixed(1)} s (${result.resumed} resumed)`);
    }
    return reports;
  }

  // 1. The released 32k questions: no contexts, so controls only, plus the authors' predictions.
  const realDirectory = findDataset('personamem-32k');
  if (realDirectory) {
    const { questions } = await loadBenchmark({ questionsPath: join(realDirectory, 'questions_32k.csv') });
    const reports = await runAll('released-32k', questions, undefined, [new RandomResponder({ seed: 1 }), new LongestOptionResponder()]);
    const devDirectory = findDataset('personamem-dev');
    const notes = ['589 released questions; their shared contexts are not available here, so only controls run, and the authors\' own prediction files are scored by our official-rule scorer.'];
    if (devDirectory) {
      for (const [file, label] of [
        ['pred_32k_k=5_r=none_m=gpt-4o-mini.csv', 'authors: gpt-4o-mini full context'],
        ['pred_32k_k=5_r=none_m=gpt-4o.csv', 'authors: gpt-4o full context'],
        ['pred_32k_k=5_r=rag_m=gpt-4o-mini.csv', 'authors: gpt-4o-mini top-5 retrieval'],
        ['pred_32k_k=5_r=rag_m=gpt-4o.csv', 'authors: gpt-4o top-5 retrieval'],
      ] as const) {
        const path = join(devDirectory, file);
        if (!existsSync(path)) continue;
        const scored = scorePredictionFile(path, questions);
        reports.push(buildRunReport(questions, scored.outcomes, { runId: file, responder: label, benchmark: 'released-32k' }));
      }
    } else notes.push('personamem-dev not found: the authors\' prediction files were not scored.');
    writeResults(resultsDirectory, 'released-32k', {
      json: reports,
      markdown: withRunHeader(renderMarkdown('PersonaMem released 32k questions: controls and the authors\' predictions', reports, notes), header),
      svgs: { distance: svgAccuracyByDistance('Released 32k: accuracy against distance to the reference', reports, published32k) },
    });
    summary.push('## Released 32k questions (589)', '', '| run | overall | longest option wrong |', '|---|---|---|');
    for (const report of reports) summary.push(`| ${report.responder} | ${formatCell(report.all.overall)} | ${formatCell(report.longestWrong.overall)} |`);
    const longest = reports.find((report) => report.responder === 'longest-option');
    if (longest) {
      summary.push(
        '',
        `Longest-option control: overall ${longest.all.overall.accuracy.toFixed(3)} (target 0.516), generalizing_to_new_scenarios ${longest.all.byType.generalizing_to_new_scenarios?.accuracy.toFixed(3)} (1.000), recalling_the_reasons_behind_previous_updates ${longest.all.byType.recalling_the_reasons_behind_previous_updates?.accuracy.toFixed(3)} (0.939), suggest_new_ideas ${longest.all.byType.suggest_new_ideas?.accuracy.toFixed(3)} (0.000).`,
        '',
      );
    }
  } else summary.push('personamem-32k not found: released-question part skipped.', '');

  // 2. Generated benchmarks at 32k and 128k tokens, and robustness checks at 32k with the user's
  // statements in other wordings. `varied` and `heldout` became development sets of the memory parser's
  // lexicon (`heldout` scored 0.437 blind before that); `heldout2` has never been used in development,
  // so its score is how the parser generalises to wordings it has not seen.
  for (const [contextTokens, phrasing] of [
    [32_000, 'plain'],
    [128_000, 'plain'],
    [32_000, 'varied'],
    [32_000, 'heldout'],
    [32_000, 'heldout2'],
  ] as const) {
    const size = `${contextTokens / 1000}k`;
    const options = { seed: 1, personas: quick ? 3 : 12, questionsPerPersona: quick ? 20 : 45, contextTokens, phrasing };
    const benchmark = generateBenchmark(options);
    // The name `personamem generate` gives the same settings (gen32k-seed1 at 12 × 45): the two share the folder, and a file
    // is only ever rewritten with the same content (writeBenchmark refuses another generation's file).
    const name = benchmarkName(options);
    const paths = writeBenchmark(workDirectory, name, benchmark);
    // Read back through the datasets loaders, as any other PersonaMem-format file.
    const loaded = await loadBenchmark(paths);
    const reports = await runAll(name, loaded.questions, loaded.contexts, [
      new RandomResponder({ seed: 1 }),
      new LongestOptionResponder(),
      new MemoryResponder(),
      // Ablations: a memory frozen at the first statement, and one without the reason and novelty terms.
      new MemoryResponder({ stale: true }),
      new MemoryResponder({ weights: { reasons: 0, repetition: 0 }, name: 'memory-no-reasons-no-novelty' }),
      // The same scoring over the profile package's incremental profile instead of this package's claim parser.
      new MemoryResponder({ extractor: new HeuristicProfileExtractor() }),
    ]);
    const notes = [
      `Generated with \`personalab personamem generate --context-tokens ${contextTokens} --personas ${options.personas} --questions-per-persona ${options.questionsPerPersona} --seed ${options.seed}${phrasing === 'plain' ? '' : ` --phrasing ${phrasing}`}\`: ${loaded.questions.length} questions, ${loaded.contexts?.size} shared contexts (files in .personalab/${quick ? 'personamem-quick' : 'personamem'}/, not committed).`,
      'Published overall accuracies (128k, paper; 32k, the authors\' prediction files) are dashed reference lines in the SVG; they were measured on the real benchmark, not on this generated one.',
    ];
    writeResults(resultsDirectory, name, {
      json: { options, reports },
      markdown: withRunHeader(renderMarkdown(`PersonaMem generated benchmark, ${size}-token contexts${phrasing === 'plain' ? '' : `, ${phrasing} wordings`}`, reports, notes), header),
      svgs: { distance: svgAccuracyByDistance(`Generated ${size}: accuracy against distance to the reference`, reports, published128k) },
    });
    const label = {
      plain: '',
      varied: ', varied wordings (development set of the parser lexicon)',
      heldout: ', second wording set (0.437 blind, then used for development)',
      heldout2: ', held-out wordings (never used in development)',
    }[phrasing];
    summary.push(`## Generated ${size}${label} (${loaded.questions.length} questions)`, '', '| run | overall | within CI of 0.25 | min per type |', '|---|---|---|---|');
    for (const report of reports) {
      const types = Object.entries(report.all.byType).sort(([, a], [, b]) => a.accuracy - b.accuracy);
      const lowest = types[0];
      summary.push(`| ${report.responder} | ${formatCell(report.all.overall)} | ${intervalContains(report.all.overall, 0.25) ? 'yes' : 'no'} | ${lowest ? `${lowest[0]} ${lowest[1].accuracy.toFixed(3)}` : '–'} |`);
    }
    summary.push('');
  }
  store.close();
  writeResults(resultsDirectory, 'summary', { json: { quick }, markdown: summary.join('\n') });
  console.log(summary.join('\n'));
  console.error(`results in ${resultsDirectory}`);
});
