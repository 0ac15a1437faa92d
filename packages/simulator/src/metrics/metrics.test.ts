import { describe, expect, it } from 'vitest';
import { HeuristicProfileExtractor } from '@personalab/profile';
import { personaProfile } from '../persona-profile.js';
import { distinctN } from '../text.js';
import { kolmogorovSmirnov, wasserstein1 } from './distribution-distance.js';
import { authenticityDistance, cycleConsistency, turnStatistics } from './fidelity-metrics.js';
import { conversationOutcome, summarizeRecommendations, unknownRecommendations } from './recommendation-metrics.js';

describe('recommendation metrics', () => {
  const turns = [
    { role: 'user' as const, content: 'hi' },
    { role: 'assistant' as const, content: '', recommendedItemIds: ['a', 'b', 't1'] },
    { role: 'user' as const, content: 'more' },
    { role: 'assistant' as const, content: '', recommendedItemIds: ['t2', 'c'] },
  ];

  it('counts recall@k cumulatively over turns, only the first k items of each turn', () => {
    expect(conversationOutcome(turns, ['t1', 't2'], { k: 3, maxTurns: 3 })).toEqual({ recallByTurn: [0.5, 1, 1], hitTurn: 1 });
    expect(conversationOutcome(turns, ['t1', 't2'], { k: 2, maxTurns: 2 })).toEqual({ recallByTurn: [0, 0.5], hitTurn: 2 });
    expect(conversationOutcome(turns, ['x'], { k: 5, maxTurns: 1 })).toEqual({ recallByTurn: [0], hitTurn: null });
  });

  it('summarises success rate and turns to success over conversations', () => {
    const summary = summarizeRecommendations(
      [
        { turns, targetItemIds: ['t1'], endReason: 'goal_met' },
        { turns, targetItemIds: ['t2'], endReason: 'turn_limit' },
        { turns, targetItemIds: ['zz'], endReason: 'patience_exhausted' },
      ],
      { k: 3, maxTurns: 2 },
    );
    expect(summary.successRate).toBeCloseTo(2 / 3);
    expect(summary.meanTurnsToSuccess).toBe(1.5);
    expect(summary.goalMetRate).toBeCloseTo(1 / 3);
    expect(summary.recallByTurn).toEqual([1 / 3, 2 / 3]);
    expect(summary.withTargets).toBe(3);
  });

  it('leaves failed conversations out, as the run does', () => {
    const summary = summarizeRecommendations(
      [
        { turns, targetItemIds: ['t1'], endReason: 'goal_met' },
        { turns: [], targetItemIds: ['t1'], endReason: 'error' },
      ],
      { k: 3, maxTurns: 2 },
    );
    expect(summary).toMatchObject({ conversations: 1, withTargets: 1, successRate: 1, goalMetRate: 1 });
  });

  it('counts recommended ids the catalogue lacks, by turn and conversation', () => {
    const known = new Set(['a', 'b', 'c', 't1', 't2']);
    expect(unknownRecommendations([{ turns }], (id) => known.has(id))).toEqual({ ids: 0, distinct: [], turns: 0, conversations: 0 });
    const odd = [{ role: 'assistant' as const, content: '', recommendedItemIds: ['x', 'a', 'y'] }, { role: 'assistant' as const, content: '', recommendedItemIds: ['x'] }];
    expect(unknownRecommendations([{ turns }, { turns: odd }, { turns: odd.slice(1) }], (id) => known.has(id))).toEqual({ ids: 4, distinct: ['x', 'y'], turns: 3, conversations: 2 });
  });

  it('says when no conversation had targets, so that its zeros read as "not measured"', () => {
    const summary = summarizeRecommendations([{ turns, targetItemIds: [], endReason: 'turn_limit' }], { k: 3, maxTurns: 2 });
    expect(summary).toMatchObject({ conversations: 1, withTargets: 0 });
  });
});

describe('distribution distances', () => {
  it('Wasserstein-1 is the mean shift for shifted samples and 0 for equal ones', () => {
    expect(wasserstein1([1, 2, 3], [3, 4, 5])).toBeCloseTo(2);
    expect(wasserstein1([1, 1, 4], [4, 1, 1])).toBe(0);
    expect(wasserstein1([0, 10], [5])).toBeCloseTo(5);
  });

  it('refuses an empty sample or a value that is not a finite number (had given NaN, and hung KS)', () => {
    expect(() => wasserstein1([], [1])).toThrow(expect.objectContaining({ code: 'invalid_argument', message: 'wasserstein1: the left sample is empty' }));
    expect(() => kolmogorovSmirnov([1], [])).toThrow(expect.objectContaining({ code: 'invalid_argument', message: 'kolmogorovSmirnov: the right sample is empty' }));
    expect(() => wasserstein1([1, Number.NaN], [1])).toThrow(expect.objectContaining({ code: 'invalid_argument', message: "wasserstein1: the left sample's value [1] is NaN, not a finite number" }));
    expect(() => kolmogorovSmirnov([Number.NaN], [1])).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => kolmogorovSmirnov([1], [Number.POSITIVE_INFINITY])).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });

  it('Kolmogorov-Smirnov is the largest CDF gap', () => {
    expect(kolmogorovSmirnov([1, 2, 3, 4], [1, 2, 3, 4])).toBe(0);
    expect(kolmogorovSmirnov([1, 2], [3, 4])).toBe(1);
    expect(kolmogorovSmirnov([1, 2, 3, 4], [3, 4, 5, 6])).toBeCloseTo(0.5);
  });
});

describe('fidelity metrics', () => {
  const profile = personaProfile({ userId: 'p', statements: ['I have two dogs.', 'I work as a nurse.', 'I love hiking.'] });

  it('distinct-n counts distinct n-grams over all n-grams', () => {
    expect(distinctN(['a b a b'], 1)).toBe(0.5);
    expect(distinctN(['a b a b'], 2)).toBeCloseTo(2 / 3);
    expect(distinctN([], 2)).toBe(0);
  });

  it('turn statistics count questions, lengths and contradictions of the persona', () => {
    const statistics = turnStatistics([{ profile, turns: ['Do you like dogs?', 'I have three dogs.', 'I love hiking in the hills.'] }]);
    expect(statistics.turns).toBe(3);
    expect(statistics.questionRate).toBeCloseTo(1 / 3);
    expect(statistics.contradictionRate).toBeCloseTo(1 / 3);
    expect(statistics.meanWords).toBeCloseTo((4 + 4 + 6) / 3);
  });

  it('authenticity distance is 0 against itself and grows with a length shift', () => {
    const real = [{ profile, turns: ['one two three', 'one two three four five?'] }];
    const longer = [{ profile, turns: ['one two three four five six seven', 'a b c d e f g h i?'] }];
    expect(authenticityDistance(real, real)).toEqual({ lengthW1: 0, lengthKs: 0, questionRateW1: 0, questionRateGap: 0 });
    expect(authenticityDistance(longer, real).lengthW1).toBeCloseTo(4);
  });

  it('authenticity distance has no distributions to compare when a side has no turns', () => {
    const real = [{ profile, turns: ['one two three?', 'one two'] }];
    const failed = [{ profile, turns: [] }];
    expect(authenticityDistance(failed, real)).toEqual({ lengthW1: null, lengthKs: null, questionRateW1: null, questionRateGap: -0.5 });
    expect(authenticityDistance(real, [])).toEqual({ lengthW1: null, lengthKs: null, questionRateW1: null, questionRateGap: 0.5 });
  });

  it('counts the words of text written without spaces, and fullwidth question marks', () => {
    // "I am very happy today, let's go eat" / "I like cats": 8 and 5 words, not 0.
    const statistics = turnStatistics([{ profile, turns: ['我今天很高兴，我们去吃饭吧', '私は猫が好きです', '你喜欢猫吗？'] }]);
    expect(statistics.meanWords).toBeCloseTo((8 + 6 + 4) / 3);
    expect(statistics.questionRate).toBeCloseTo(1 / 3);
  });

  it('persona consistency by cycle recovers stated facts and not absent ones', async () => {
    const extractor = new HeuristicProfileExtractor();
    const faithful = await cycleConsistency({ profile, turns: ['Yes, I have two dogs at home.', 'I work as a nurse at the hospital.', 'I love hiking on weekends.'] }, extractor);
    const unrelated = await cycleConsistency({ profile, turns: ['The weather is nice today.', 'What do you think about that?'] }, extractor);
    expect(faithful.gold).toBe(3);
    expect(faithful.recall).toBeGreaterThanOrEqual(2 / 3);
    expect(unrelated.recall).toBe(0);
    expect(faithful.f1).toBeGreaterThan(unrelated.f1);
  });
});
