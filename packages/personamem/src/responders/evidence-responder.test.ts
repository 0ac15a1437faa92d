import { describe, expect, it } from 'vitest';
import type { ChatMessage, ResponderQuestion } from '@personalab/core';
import { smallBenchmark } from '../test/index.js';
import { scoreReply } from '../scoring.js';
import { EvidenceContextIndex, evidenceFeatureNames, evidenceFeatures, evidenceTypeGroup, memoryFeatureNames, negativeStance, statedStance } from './evidence-features.js';
import { CrossFittedEvidenceResponder, crossFitByContext, crossFitByQuestion, evidenceExamples, fitEvidenceWeights } from './evidence-fitting.js';
import { EvidenceResponder, OptionPriorsResponder } from './evidence-responder.js';
import { defaultEvidenceWeights, defaultOptionPriorWeights } from './evidence-weights.js';

const user = (content: string): ChatMessage => ({ role: 'user', content });
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content: content });

/** A short history: a fact, filler, a preference, and its later reversal. */
const history: ChatMessage[] = [
  { role: 'system', content: 'Current user persona: a nurse who likes music.' },
  user('I adopted a greyhound named Biscuit last spring and we walk along the river every morning.'),
  assistant('That sounds lovely.'),
  user('Work has been busy with night shifts at the hospital this month.'),
  assistant('Take care of yourself.'),
  user('I really love jazz records, I listen to them every evening.'),
  assistant('Noted.'),
  user('I used to love jazz records, but now I really dislike them because the noise gives me headaches.'),
  assistant('I understand.'),
];

const question = (type: string, text: string, options: string[], context: readonly ChatMessage[] = history): ResponderQuestion => ({ id: `${type}:${text}`, type, question: text, options, context });
const feature = (rows: number[][], option: number, name: (typeof evidenceFeatureNames)[number]) => rows[option]?.[evidenceFeatureNames.indexOf(name)] ?? Number.NaN;
/** The letter the responder answers, read back through the official scorer. */
const pick = async (responder: EvidenceResponder, asked: ResponderQuestion) => scoreReply((await responder.answer(asked)).reply, 'a').predicted;

const petOptions = [
  '(a) You could take Biscuit, your greyhound, for a longer walk along the river.',
  '(b) You could take Pepper, your parrot, to a quiet aviary downtown.',
  '(c) You could take Noodle, your tabby cat, to a sunny window seat.',
  '(d) You could take Rocket, your hamster, to a new play tube.',
];

describe('evidence features', () => {
  it('a supported option beats an unsupported one on a recall question', async () => {
    const asked = question('recalling_facts_mentioned_by_the_user', 'Any idea for a relaxing weekend with my pet?', petOptions);
    const rows = new EvidenceResponder().optionFeatures(asked);
    expect(feature(rows, 0, 'support:facts')).toBeGreaterThan(0);
    for (const option of [1, 2, 3]) expect(feature(rows, option, 'support:facts')).toBeLessThan(feature(rows, 0, 'support:facts'));
    // Only the support column of the question's group is filled.
    expect(feature(rows, 0, 'support:novelty')).toBe(0);
    expect(await pick(new EvidenceResponder({ weights: { 'support:facts': 1 } }), asked)).toBe('a');
  });

  it('novelty questions flip: the support lands in their own column, so a fitted negative sign prefers the unsupported option', async () => {
    const asked = question('identifying_new_things_not_mentioned_by_the_user', 'Any idea for a relaxing weekend with my pet?', petOptions);
    const rows = new EvidenceResponder().optionFeatures(asked);
    expect(feature(rows, 0, 'support:facts')).toBe(0);
    expect(feature(rows, 0, 'support:novelty')).toBeGreaterThan(feature(rows, 1, 'support:novelty'));
    // The weights a fit on generated benchmarks gives (support:novelty < 0): the fact question still picks (a), this one does not.
    const weights = { 'support:facts': 1, 'support:novelty': -1 };
    expect(await pick(new EvidenceResponder({ weights }), question('recalling_facts_mentioned_by_the_user', asked.question, petOptions))).toBe('a');
    expect(await pick(new EvidenceResponder({ weights }), asked)).not.toBe('a');
  });

  it('an outdated stance loses to the latest one, and wins before the change was stated', async () => {
    const options = [
      '(a) Since you are a big fan of jazz records, I will put some on tonight.',
      '(b) Since you really dislike jazz records, I will keep them off tonight.',
      '(c) Since you love heavy metal, I will put some on tonight.',
      '(d) An evening to yourself is always worth making the most of.',
    ];
    const responder = new EvidenceResponder({ weights: { stanceAgreement: 1 } });
    const latest = question('recalling_the_latest_user_preferences', 'I have a free evening for some music.', options);
    const rows = responder.optionFeatures(latest);
    expect(feature(rows, 0, 'stanceAgreement')).toBe(-1);
    expect(feature(rows, 1, 'stanceAgreement')).toBe(1);
    expect(await pick(responder, latest)).toBe('b');
    // Cut before the reversal (the official slice ends before message 7): the old stance is the latest one.
    const before = question('recalling_the_latest_user_preferences', latest.question, options, history.slice(0, 7));
    expect(feature(responder.optionFeatures(before), 0, 'stanceAgreement')).toBe(1);
    expect(await pick(responder, before)).toBe('a');
  });

  it('reads stance from what the user says now, and phrasing cues from the option alone', () => {
    expect(negativeStance(statedStance('User: I tried volunteering abroad, but I realized it didn’t align with my goals. It was a long trip.'))).toBe(true);
    expect(negativeStance(statedStance('I never used to enjoy jazz records, but now I really love them.'))).toBe(false);
    expect(negativeStance('It is not only fun but also relaxing.')).toBe(false);
    const index = new EvidenceContextIndex(history);
    const rows = evidenceFeatures(
      {
        type: 'recalling_the_latest_user_preferences',
        question: 'I went to another art therapy session.',
        options: [
          '(a) I remember you mentioned how much art therapy helped you.',
          "(b) Art therapy sounds interesting, though I'm unaware of your participation in such activities.",
          '(c) Art therapy has been a transformative experience for me; I started painting last year.',
          '(d) Art therapy is a good activity. Let me know how it goes.',
        ],
      },
      index,
      history.length,
    );
    expect(rows.map((row) => row[evidenceFeatureNames.indexOf('recallsUser')])).toEqual([1, 0, 0, 0]);
    expect(rows.map((row) => row[evidenceFeatureNames.indexOf('ignorance')])).toEqual([0, 1, 0, 0]);
    // "Let me know" is a request, not the assistant's own experience.
    expect(rows.map((row) => row[evidenceFeatureNames.indexOf('selfExperience')])).toEqual([0, 0, 1, 0]);
  });

  it('groups the released, pre-release and generated type names', () => {
    expect(evidenceTypeGroup('generalizing_past_reasons_in_memory_to_new_scenarios')).toBe('generalize');
    expect(evidenceTypeGroup('recalling_the_reasons_behind_previous_updates')).toBe('reasons');
    expect(evidenceTypeGroup('revisit_reasons_behind_preference_updates')).toBe('reasons');
    expect(evidenceTypeGroup('suggest_new_ideas')).toBe('novelty');
    expect(evidenceTypeGroup('track_full_preference_evolution')).toBe('latest');
    expect(evidenceTypeGroup('provide_preference_aligned_recommendations')).toBe('recommend');
    expect(evidenceTypeGroup('recall_user_shared_facts')).toBe('facts');
  });
});

describe('evidence fitting', () => {
  const { questions, contexts } = smallBenchmark({ personas: 3, questionsPerPersona: 14 });
  const examples = evidenceExamples(questions, contexts);

  it('is deterministic, and a priors-only fit leaves every memory weight at 0', () => {
    expect(fitEvidenceWeights(examples)).toEqual(fitEvidenceWeights(examples));
    expect(crossFitByContext(examples)).toEqual(crossFitByContext(examples));
    // In another order only the floating-point sums differ.
    const reordered = crossFitByContext([...examples].reverse());
    crossFitByContext(examples).forEach((fold, index) => {
      expect(reordered[index]?.heldOut).toBe(fold.heldOut);
      for (const name of evidenceFeatureNames) expect(reordered[index]?.weights[name]).toBeCloseTo(fold.weights[name], 9);
    });
    const priors = fitEvidenceWeights(examples, { features: 'priors' });
    for (const name of memoryFeatureNames) expect(priors[name]).toBe(0);
    expect(Object.values(priors).some((weight) => weight !== 0)).toBe(true);
  });

  it('holds each context out once, and answers each question with the fold that did not see it', async () => {
    const folds = crossFitByContext(examples);
    expect(folds.map((fold) => fold.heldOut)).toEqual([...contexts.keys()].sort());
    for (const fold of folds) {
      const held = questions.filter((entry) => entry.sharedContextId === fold.heldOut);
      expect(fold.heldOutQuestions.sort()).toEqual(held.map((entry) => entry.id).sort());
      expect(fold.trainQuestions).toBe(questions.length - held.length);
    }
    const crossFitted = new CrossFittedEvidenceResponder(folds);
    const first = questions[0];
    if (!first) throw new Error('no questions');
    const asked = { id: first.id, type: first.type, question: first.question, options: first.options, context: contexts.get(first.sharedContextId) ?? [] };
    const fold = folds.find((entry) => entry.heldOut === first.sharedContextId);
    expect(await crossFitted.answer(asked)).toEqual(await new EvidenceResponder({ weights: fold?.weights ?? {} }).answer(asked));
    await expect(crossFitted.answer({ ...asked, id: 'unknown' })).rejects.toThrow(/no fold held out question unknown/);
  });

  it('keeps every copy of a question text in one fold when folding by question', () => {
    const copies = [...examples, ...examples.map((example) => ({ ...example, questionId: `${example.questionId}-copy`, contextId: 'other' }))];
    const folds = crossFitByQuestion(copies, { folds: 4 });
    expect(folds).toHaveLength(4);
    for (const fold of folds) {
      const held = new Set(fold.heldOutQuestions);
      for (const id of held) expect(held.has(id.endsWith('-copy') ? id.slice(0, -'-copy'.length) : `${id}-copy`)).toBe(true);
    }
    expect(folds.reduce((sum, fold) => sum + fold.heldOutQuestions.length, 0)).toBe(copies.length);
  });

  it('ships a weight for every feature', () => {
    for (const name of evidenceFeatureNames) expect(Number.isFinite(defaultEvidenceWeights[name])).toBe(true);
  });

  it('option-priors reads no context: the same answer over the history, over none, and over a contrary one; memory weights refused', async () => {
    const control = new OptionPriorsResponder();
    expect(control.name).toBe('option-priors');
    const options = [
      '(a) I remember you mentioned your greyhound Biscuit and your morning walks by the river; a dog-friendly trail could suit you both.',
      "(b) I'm not aware of any pets you have, but walking is good exercise.",
      '(c) Dogs are great.',
      '(d) You might enjoy a trail.',
    ];
    const asked = (context: readonly ChatMessage[]) => question('recalling_facts_mentioned_by_the_user', 'Any ideas for a weekend outing?', options, context);
    const replies = await Promise.all([history, [], [user('I have never owned a dog and I hate walking.')]].map((context) => control.answer(asked(context))));
    expect(replies.map((reply) => scoreReply(reply.reply, 'a').predicted)).toEqual(['a', 'a', 'a']);
    // The option that recalls the user, and is longest, wins; the one claiming ignorance scores lowest of the long ones.
    const scores = control.scoreOptions(asked([]));
    expect(scoreReply((await control.answer(asked([]))).reply, 'a').correct).toBe(true);
    expect(scores[0]?.features.recallsUser).toBe(1);
    expect(scores[1]?.features.ignorance).toBe(1);
    for (const entry of scores) for (const name of memoryFeatureNames) expect(entry.features[name]).toBe(0);
    expect(control.weights.recallsUser).toBe(defaultOptionPriorWeights.recallsUser);
    expect(() => new OptionPriorsResponder({ weights: { ...defaultOptionPriorWeights, 'support:facts': 1 } })).toThrow(/memory weights must be 0.*support:facts/);
  });
});
