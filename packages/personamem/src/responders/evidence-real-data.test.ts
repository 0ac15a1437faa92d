import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDataset, howToGet } from '@personalab/datasets';
import { loadBenchmark } from '../load-benchmark.js';
import { optionLetters } from '../types.js';
import { utilities } from './conditional-logit.js';
import { evidenceFeatureNames, priorFeatureNames } from './evidence-features.js';
import { crossFitByQuestion, evidenceExamples, fitEvidenceWeights } from './evidence-fitting.js';
import { defaultEvidenceWeights, defaultOptionPriorWeights } from './evidence-weights.js';
import { OptionPriorsResponder } from './evidence-responder.js';
import { longestOptionIndex, optionBody } from './longest-option-responder.js';

const devDirectory = findDataset('personamem-dev');
if (!devDirectory) console.warn(`personamem-dev not found, skipping the evidence responder's real-data checks: ${howToGet('personamem-dev')}`);

describe.skipIf(!devDirectory)('the evidence responder on the 270 pre-release dev questions', () => {
  const load = () => loadBenchmark({ questionsPath: join(devDirectory ?? '', 'questions_128k.csv'), contextsPath: join(devDirectory ?? '', 'shared_contexts_128k.jsonl') });

  it('ships the weights a fit on all 270 gives (a feature change must refit them)', async () => {
    const { questions, contexts } = await load();
    const refit = fitEvidenceWeights(evidenceExamples(questions, contexts ?? new Map()));
    for (const name of evidenceFeatureNames) expect(Math.abs(refit[name] - defaultEvidenceWeights[name])).toBeLessThan(1e-3);
    const priors = fitEvidenceWeights(evidenceExamples(questions, contexts ?? new Map()), { features: 'priors' });
    for (const name of priorFeatureNames) expect(Math.abs(priors[name] - (defaultOptionPriorWeights[name] ?? 0))).toBeLessThan(1e-3);
  });

  it('the two contexts hold one question set, and held out by question the fit still beats the longest-option control', async () => {
    const { questions, contexts } = await load();
    const contextIds = [...new Set(questions.map((question) => question.sharedContextId))];
    expect(contextIds).toHaveLength(2);
    const key = (question: (typeof questions)[number]) => `${question.question}\n${JSON.stringify(question.options.map(optionBody).sort())}`;
    const [first, second] = contextIds.map((contextId) => new Set(questions.filter((question) => question.sharedContextId === contextId).map(key)));
    expect([...(first ?? [])].filter((entry) => second?.has(entry))).toHaveLength(135);

    const examples = evidenceExamples(questions, contexts ?? new Map());
    const weightsOf = new Map(crossFitByQuestion(examples, { folds: 5 }).flatMap((fold) => fold.heldOutQuestions.map((id) => [id, evidenceFeatureNames.map((name) => fold.weights[name])] as const)));
    let crossFitted = 0;
    let longest = 0;
    questions.forEach((question, index) => {
      const scores = utilities(examples[index]?.features ?? [], weightsOf.get(question.id) ?? []);
      if (optionLetters[scores.indexOf(Math.max(...scores))] === question.correct) crossFitted++;
      if (optionLetters[longestOptionIndex(question.options)] === question.correct) longest++;
    });
    expect(longest).toBe(149);
    expect(crossFitted).toBeGreaterThan(longest);
  });
});

const releasedDirectory = findDataset('personamem-32k');
if (!releasedDirectory) console.warn(`personamem-32k not found, skipping the option-priors control's out-of-sample check: ${howToGet('personamem-32k')}`);

describe.skipIf(!releasedDirectory)('the option-priors control on the 589 released 32k questions (no contexts; fitted on the pre-release dev set)', () => {
  it('beats the longest-option control out of sample, reading no context', async () => {
    const { questions } = await loadBenchmark({ questionsPath: join(releasedDirectory ?? '', 'questions_32k.csv') });
    const control = new OptionPriorsResponder();
    let priors = 0;
    let longest = 0;
    for (const question of questions) {
      const scores = control.scoreOptions(question).map((entry) => entry.score);
      if (optionLetters[scores.indexOf(Math.max(...scores))] === question.correct) priors++;
      if (optionLetters[longestOptionIndex(question.options)] === question.correct) longest++;
    }
    expect(questions).toHaveLength(589);
    expect(longest).toBe(304);
    // 389 of 589 (0.660) when written; longest-option 304 (0.516), GPT-4o with top-5 retrieval 0.642 by the authors' file.
    expect(priors).toBeGreaterThan(370);
  });
});
