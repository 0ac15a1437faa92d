import type { Profile, ProfileExtractor } from '@personalab/core';
import { createTokenF1Matcher, matchStatements, precisionRecall, profileStatements as extractedStatements, type MatchCounts, type PrecisionRecall, type StatementMatcher } from '@personalab/profile';
import { ContradictionChecker } from '../contradiction.js';
import { profileStatements } from '../profile-text.js';
import { distinctN, isQuestion, wordCount } from '../text.js';
import { kolmogorovSmirnov, wasserstein1 } from './distribution-distance.js';

/** The user turns of one persona's conversation(s): simulated or real. */
export interface PersonaTurns {
  profile: Profile;
  turns: readonly string[];
}

/** Surface statistics of a set of user turns. */
export interface TurnStatistics {
  turns: number;
  meanWords: number;
  questionRate: number;
  distinct1: number;
  distinct2: number;
  /** Share of turns that contradict a fact of their persona. */
  contradictionRate: number;
}

/** Statistics of one side, pooled over personas. */
export function turnStatistics(personas: readonly PersonaTurns[]): TurnStatistics {
  const all = personas.flatMap((persona) => persona.turns);
  let contradictions = 0;
  for (const persona of personas) {
    const checker = new ContradictionChecker(profileStatements(persona.profile));
    for (const turn of persona.turns) if (checker.contradicts(turn)) contradictions++;
  }
  const lengths = all.map(wordCount);
  return {
    turns: all.length,
    meanWords: lengths.length === 0 ? 0 : lengths.reduce((sum, value) => sum + value, 0) / lengths.length,
    questionRate: all.length === 0 ? 0 : all.filter(isQuestion).length / all.length,
    distinct1: distinctN(all, 1),
    distinct2: distinctN(all, 2),
    contradictionRate: all.length === 0 ? 0 : contradictions / all.length,
  };
}

/**
 * How far simulated turns are from real ones, distribution against distribution. The distances are `null` when
 * either side has no turns (every conversation failed, say): there is no distribution to compare.
 */
export interface AuthenticityDistance {
  /** Wasserstein-1 between turn lengths, in words; `null` when a side has no turns. */
  lengthW1: number | null;
  /** Kolmogorov–Smirnov statistic between turn lengths; `null` when a side has no turns. */
  lengthKs: number | null;
  /** Wasserstein-1 between per-conversation question rates (0 to 1); `null` when a side has no turns. */
  questionRateW1: number | null;
  /** Difference of pooled question rates (simulated minus real); a side without turns counts as 0. */
  questionRateGap: number;
}

export function authenticityDistance(simulated: readonly PersonaTurns[], real: readonly PersonaTurns[]): AuthenticityDistance {
  const lengths = (side: readonly PersonaTurns[]) => side.flatMap((persona) => persona.turns.map(wordCount));
  const rates = (side: readonly PersonaTurns[]) => side.filter((persona) => persona.turns.length > 0).map((persona) => persona.turns.filter(isQuestion).length / persona.turns.length);
  const pooled = (side: readonly PersonaTurns[]) => {
    const all = side.flatMap((persona) => persona.turns);
    return all.length === 0 ? 0 : all.filter(isQuestion).length / all.length;
  };
  const simulatedLengths = lengths(simulated);
  const realLengths = lengths(real);
  // The distances refuse empty samples; here an empty side is a legitimate outcome, reported as no distance.
  const comparable = simulatedLengths.length > 0 && realLengths.length > 0;
  return {
    lengthW1: comparable ? wasserstein1(simulatedLengths, realLengths) : null,
    lengthKs: comparable ? kolmogorovSmirnov(simulatedLengths, realLengths) : null,
    questionRateW1: comparable ? wasserstein1(rates(simulated), rates(real)) : null,
    questionRateGap: pooled(simulated) - pooled(real),
  };
}

/** Persona consistency by cycle for one persona (counts, so callers can micro-average). */
export interface CycleConsistency extends MatchCounts, PrecisionRecall {}

/**
 * Persona consistency by cycle (USP): re-extract a profile from the user turns with a profile
 * extractor, then match its statements against the statements of the profile the turns were
 * generated from (token-F1 matcher of the profile package by default). Real turns measured the
 * same way give the reference.
 */
export async function cycleConsistency(persona: PersonaTurns, extractor: ProfileExtractor, options: { matcher?: StatementMatcher } = {}): Promise<CycleConsistency> {
  const matcher = options.matcher ?? createTokenF1Matcher(0.5);
  const messages = persona.turns.map((content, index) => ({ id: `${persona.profile.userId}-t${index}`, role: 'user' as const, content, timestamp: index, userId: persona.profile.userId }));
  const extracted = extractedStatements(await extractor.extract(messages, { userId: persona.profile.userId }));
  const counts = matchStatements(extracted, extractedStatements(persona.profile), matcher);
  return { ...counts, ...precisionRecall(counts) };
}
