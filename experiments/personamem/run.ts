/**
 * PersonaMem experiment: controls on the 589 released 32k questions (random, longest-option, and the
 * option-priors control fitted on the pre-release dev questions; the authors' prediction files scored by our scorer); every offline responder on the 270 real pre-release dev questions over
 * their two 128k contexts (the evidence responder cross-fitted, see packages/personamem/README.md);
 * then random, longest-option, memory and evidence responders on generated 32k and 128k benchmarks.
 * Writes JSON + Markdown + SVG into experiments/personamem/results/.
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
import { findDataset, howToGet } from '@personalab/datasets';
import { HeuristicProfileExtractor } from '@personalab/profile';
import {
  type BenchmarkQuestion,
  type QuestionOutcome,
  type RunReport,
  CrossFittedEvidenceResponder,
  EvidenceResponder,
  OptionPriorsResponder,
  LongestOptionResponder,
  MemoryResponder,
  RandomResponder,
  RunStore,
  benchmarkName,
  buildRunReport,
  crossFitByContext,
  crossFitByQuestion,
  defaultEvidenceWeights,
  defaultOptionPriorWeights,
  evaluate,
  evidenceExamples,
  evidenceFeatureNames,
  fitEvidenceWeights,
  formatCell,
  generateBenchmark,
  intervalContains,
  loadBenchmark,
  optionBody,
  published128k,
  published32k,
  questionFromRow,
  renderMarkdown,
  scorePredictionFile,
  svgAccuracyByDistance,
  writeBenchmark,
} from '@personalab/personamem';

const here = dirname(fileURLToPath(import.meta.url));

/** Exact two-sided sign test (McNemar on the discordant pairs): P(a split at least this uneven | no difference). */
function signTest(first: number, second: number): number {
  const total = first + second;
  if (total === 0) return 1;
  let tail = 0;
  let term = 0.5 ** total;
  for (let successes = 0; successes <= Math.min(first, second); successes++) {
    tail += term;
    term = (term * (total - successes)) / (successes + 1);
  }
  return Math.min(1, 2 * tail);
}
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

  // Every run's outcomes by run id, for breakdowns the reports do not carry (the dev questions' halves).
  const outcomesOfRun = new Map<string, QuestionOutcome[]>();
  async function runAll(benchmarkName: string, questions: BenchmarkQuestion[], contexts: Map<string, ChatMessage[]> | undefined, responders: Responder[]): Promise<RunReport[]> {
    const reports: RunReport[] = [];
    for (const responder of responders) {
      const runId = `${benchmarkName}:${responder.name}`;
      const started = performance.now();
      const result = await evaluate({ questions, contexts, responder, store, runId, benchmark: benchmarkName, concurrency: 8, quiet: true });
      outcomesOfRun.set(runId, result.outcomes);
      reports.push(buildRunReport(questions, result.outcomes, { runId, responder: responder.name, benchmark: benchmarkName }));
      console.log(`${runId}: ${formatCell(reports[reports.length - 1]?.all.overall)} in ${((performance.now() - started) / 1000).toFixed(1)} s (${result.resumed} resumed)`);
    }
    return reports;
  }

  // 1. The released 32k questions: no contexts, so controls only, plus the authors' predictions.
  const realDirectory = findDataset('personamem-32k');
  if (realDirectory) {
    const { questions } = await loadBenchmark({ questionsPath: join(realDirectory, 'questions_32k.csv') });
    // option-priors: the evidence responder's option-level priors alone (no context read), weights fitted on the 270
    // pre-release dev questions (section 2): out of sample here, a different question set of the final release.
    const reports = await runAll('released-32k', questions, undefined, [new RandomResponder({ seed: 1 }), new LongestOptionResponder(), new OptionPriorsResponder()]);
    const devDirectory = findDataset('personamem-dev');
    const notes = [
      '589 released questions; their shared contexts are not available here, so only controls run, and the authors\' own prediction files are scored by our official-rule scorer.',
      '`option-priors` is a control that reads no context: the evidence responder\'s option-level priors (option length by question type; the option recalls the user, claims ignorance of them, tells the assistant\'s own experiences or takes a negative stance; its overlap with the question), weights fitted on the 270 pre-release dev questions (`defaultOptionPriorWeights`). These 589 questions of the final release were never used to design or fit it: it was run on them once, as written.',
    ];
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
    summary.push('## Released 32k questions (589)', '', '| run | overall | longest option wrong | option-priors control wrong |', '|---|---|---|---|');
    for (const report of reports) summary.push(`| ${report.responder} | ${formatCell(report.all.overall)} | ${formatCell(report.longestWrong.overall)} | ${formatCell(report.priorsWrong.overall)} |`);
    const longest = reports.find((report) => report.responder === 'longest-option');
    if (longest) {
      summary.push(
        '',
        `Longest-option control: overall ${longest.all.overall.accuracy.toFixed(3)} (target 0.516), generalizing_to_new_scenarios ${longest.all.byType.generalizing_to_new_scenarios?.accuracy.toFixed(3)} (1.000), recalling_the_reasons_behind_previous_updates ${longest.all.byType.recalling_the_reasons_behind_previous_updates?.accuracy.toFixed(3)} (0.939), suggest_new_ideas ${longest.all.byType.suggest_new_ideas?.accuracy.toFixed(3)} (0.000).`,
        '',
      );
    }
  } else summary.push('personamem-32k not found: released-question part skipped.', '');

  // 2. The 270 real pre-release dev questions over their two real 128k shared contexts: every offline responder, and the
  // evidence responder under the protocol of its README section (features designed on context c26f05 only; weights
  // cross-fitted by context, so each half is scored by weights fitted on the other).
  const preReleaseDirectory = findDataset('personamem-dev');
  if (preReleaseDirectory) {
    const { questions, contexts } = await loadBenchmark({ questionsPath: join(preReleaseDirectory, 'questions_128k.csv'), contextsPath: join(preReleaseDirectory, 'shared_contexts_128k.jsonl') });
    const realContexts = contexts ?? new Map();
    const examples = evidenceExamples(questions, realContexts);
    const folds = crossFitByContext(examples);
    const priorFolds = crossFitByContext(examples, { features: 'priors' });
    // The two contexts carry the same questions: held out by question text instead (both copies in one fold).
    const questionFolds = crossFitByQuestion(examples, { folds: 5 });
    const questionPriorFolds = crossFitByQuestion(examples, { folds: 5, features: 'priors' });
    // The alternative: weights fitted on a generated benchmark (section 3's 32k plain one, all its questions).
    const generatedOptions = { seed: 1, personas: quick ? 3 : 12, questionsPerPersona: quick ? 20 : 45, contextTokens: 32_000, phrasing: 'plain' as const };
    const generated = generateBenchmark(generatedOptions);
    const generatedWeights = fitEvidenceWeights(evidenceExamples(generated.questions.map(questionFromRow), generated.contexts));
    // The shipped default weights are the fit on all 270; recomputed here so that a stale constant shows.
    const refit = fitEvidenceWeights(examples);
    const priorRefit = fitEvidenceWeights(examples, { features: 'priors' });
    const drift = Math.max(
      ...evidenceFeatureNames.map((name) => Math.abs(refit[name] - defaultEvidenceWeights[name])),
      ...evidenceFeatureNames.map((name) => Math.abs(priorRefit[name] - (defaultOptionPriorWeights[name] ?? 0))),
    );
    const reports = await runAll('dev-128k', questions, realContexts, [
      new RandomResponder({ seed: 1 }),
      new LongestOptionResponder(),
      new MemoryResponder(),
      new MemoryResponder({ extractor: new HeuristicProfileExtractor() }),
      new CrossFittedEvidenceResponder(priorFolds, { name: 'evidence-priors (2-fold by context)' }),
      new CrossFittedEvidenceResponder(folds, { name: 'evidence (2-fold by context)' }),
      new CrossFittedEvidenceResponder(questionPriorFolds, { name: 'evidence-priors (5-fold by question)' }),
      new CrossFittedEvidenceResponder(questionFolds, { name: 'evidence (5-fold by question)' }),
      new EvidenceResponder({ weights: generatedWeights, name: `evidence (fitted on ${benchmarkName(generatedOptions)})` }),
      new EvidenceResponder({ name: 'evidence (shipped weights, in-sample)' }),
      new OptionPriorsResponder({ name: 'option-priors (shipped weights, in-sample)' }),
    ]);
    const half = (contextId: string) => contextId.slice(0, 6);
    const halves = folds.map((fold) => fold.heldOut);
    // A run's accuracy on the questions of one context only (one half of the cross-fit).
    const halfReport = (report: RunReport, contextId: string) =>
      buildRunReport(
        questions.filter((question) => question.sharedContextId === contextId),
        outcomesOfRun.get(report.runId) ?? [],
        { runId: report.runId, responder: report.responder, benchmark: `dev-128k ${half(contextId)}` },
      );
    // How much the two halves share: measured here, not assumed.
    const optionSet = (question: BenchmarkQuestion) => JSON.stringify(question.options.map(optionBody).sort());
    const [firstHalf, secondHalf] = halves.map((contextId) => questions.filter((question) => question.sharedContextId === contextId));
    const secondSets = new Set((secondHalf ?? []).map((question) => `${question.question}\n${optionSet(question)}`));
    const repeated = (firstHalf ?? []).filter((question) => secondSets.has(`${question.question}\n${optionSet(question)}`)).length;
    const sameOrder = (firstHalf ?? []).filter((question) => (secondHalf ?? []).some((other) => other.question === question.question && JSON.stringify(other.options) === JSON.stringify(question.options))).length;
    const notes = [
      `${questions.length} pre-release PersonaMem questions (questions_128k.csv) over their ${realContexts.size} real 128k shared contexts (${halves.map(half).join(', ')}; ${halves.map((contextId) => questions.filter((question) => question.sharedContextId === contextId).length).join(' + ')} questions), asked after the whole context (end index = last message).`,
      `The two halves are one question set twice: ${repeated} of the ${firstHalf?.length ?? 0} ${half(halves[0] ?? '')} questions reappear on ${half(halves[1] ?? '')} with the same text and the same four options (${sameOrder} of them in the same order, the rest reshuffled), over a different context. A fit on one context has seen every question of the other, so the 2-fold cross-fit by context is not held out; the 5-fold cross-fit by question text (both copies of a question in one fold, its weights fitted on the other four fifths) is the estimate.`,
      'Protocol for the evidence responder: features designed by reading questions, options and user messages of context c26f05 only (never a cd983c question, option or message; as the line above shows, that still means every question text was read, so the design is not blind to the scored questions, only the weights are). Weights: a conditional logit (softmax over the 4 options, L2 penalty 1, fixed beforehand). The shipped weights are fitted on all 270; their row is in-sample.',
      '`evidence-priors` is the same model fitted on the option-level priors only (length, phrasing cues, overlap with the question): it never reads the context, so the gap to `evidence` under the same split is what reading the user\'s messages adds.',
      `\`evidence (fitted on ${benchmarkName(generatedOptions)})\` is the same model fitted on all ${generated.questions.length} questions of the generated 32k benchmark instead: out of sample on all 270 real questions.`,
    ];
    writeResults(resultsDirectory, 'dev-128k', {
      json: { reports, folds, priorFolds, questionFolds, questionPriorFolds, repeatedAcrossHalves: repeated, generatedWeights, shippedWeights: defaultEvidenceWeights, refitOnAll: refit, shippedOptionPriorWeights: defaultOptionPriorWeights, priorRefitOnAll: priorRefit, shippedWeightsDrift: drift },
      markdown: withRunHeader(renderMarkdown('PersonaMem pre-release dev questions (270, two real 128k contexts): offline responders', reports, notes), header),
      svgs: { distance: svgAccuracyByDistance('Pre-release dev 128k: accuracy against distance to the reference', reports, published128k) },
    });
    summary.push(`## Real pre-release dev questions (${questions.length}, two 128k contexts)`, '', ...notes.map((note) => `- ${note}`), '');
    const types = [...new Set(questions.map((question) => question.type))];
    summary.push(`| run | overall | longest option wrong | ${types.join(' | ')} |`, `|---|---|---|${types.map(() => '---|').join('')}`);
    for (const report of reports) {
      summary.push(`| ${report.responder} | ${formatCell(report.all.overall)} | ${formatCell(report.longestWrong.overall)} | ${types.map((type) => { const cell = report.all.byType[type]; return cell ? `${cell.accuracy.toFixed(3)} (${cell.n})` : '–'; }).join(' | ')} |`);
    }
    summary.push('', 'By half (the 2-fold rows: each half scored by weights fitted on the other context, which holds the same questions):', '', `| run | ${halves.map((contextId) => `${half(contextId)} (fit on ${halves.filter((other) => other !== contextId).map(half).join(', ')})`).join(' | ')} | pooled |`, `|---|${halves.map(() => '---|').join('')}---|`);
    for (const report of reports.filter((entry) => entry.responder.includes('-fold') || entry.responder === 'longest-option' || entry.responder === 'memory')) {
      const cells = halves.map((contextId) => formatCell(halfReport(report, contextId).all.overall));
      summary.push(`| ${report.responder} | ${cells.join(' | ')} | ${formatCell(report.all.overall)} |`);
    }
    // The ablation as a paired comparison: questions one of the two gets right and the other wrong.
    const correctOf = (name: string) => new Map((outcomesOfRun.get(`dev-128k:${name}`) ?? []).map((outcome) => [outcome.questionId, outcome.correct]));
    for (const split of ['2-fold by context', '5-fold by question']) {
      const full = correctOf(`evidence (${split})`);
      const priors = correctOf(`evidence-priors (${split})`);
      const gained = questions.filter((question) => full.get(question.id) === true && priors.get(question.id) === false).length;
      const lost = questions.filter((question) => full.get(question.id) === false && priors.get(question.id) === true).length;
      summary.push('', `Memory features, ${split}: right only with them ${gained}, right only without them ${lost} (exact two-sided sign test p = ${signTest(gained, lost).toFixed(3)}; the 270 are 135 questions twice, so the effective sample is smaller still).`);
    }
    summary.push('', `Shipped default weights (evidence and option-priors) against a fit on all ${questions.length} now: largest difference ${drift.toExponential(1)}${drift > 1e-3 ? ' (STALE: refit and update evidence-weights.ts)' : ''}.`, '', 'Weights (cross-fitted folds, the fit on the generated benchmark, the shipped fit on all 270):', '');
    const weightColumns: [string, Record<string, number>][] = [
      ...folds.map((fold): [string, Record<string, number>] => [`fit without ${half(fold.heldOut)}`, fold.weights]),
      ...priorFolds.map((fold): [string, Record<string, number>] => [`priors only, without ${half(fold.heldOut)}`, fold.weights]),
      ['fit on generated 32k', generatedWeights],
      ['shipped (all 270)', defaultEvidenceWeights],
    ];
    summary.push(`| feature | ${weightColumns.map(([label]) => label).join(' | ')} |`, `|---|${weightColumns.map(() => '---|').join('')}`);
    for (const name of evidenceFeatureNames) summary.push(`| ${name} | ${weightColumns.map(([, weights]) => (weights[name] ?? 0).toFixed(2)).join(' | ')} |`);
    summary.push('');
  } else summary.push(`personamem-dev not found: the pre-release dev part skipped (${howToGet('personamem-dev')}).`, '');

  // 3. Generated benchmarks at 32k and 128k tokens, and robustness checks at 32k with the user's
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
      // Weights fitted on the real dev questions (section 2): out of sample here.
      new EvidenceResponder(),
      // The context-free control fitted on the same real questions: the generator balances phrasing, so near chance here.
      new OptionPriorsResponder(),
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
