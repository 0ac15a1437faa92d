import type { Profile, ProfileExtractor } from '@personalab/core';
import { ContradictionChecker } from '../contradiction.js';
import { profileStatements } from '../profile-text.js';
import { contentWords, distinctN, isQuestion, wordCount } from '../text.js';
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

/** How far simulated turns are from real ones, distribution against distribution. */
export interface AuthenticityDistance {
  /** Wasserstein-1 between turn lengths, in words. */
  lengthW1: number;
  /** Kolmogorov–Smirnov statistic between turn lengths. */
  lengthKs: number;
  /** Wasserstein-1 between per-conversation question rates (0 to 1). */
  questionRateW1: number;
  /** Difference of pooled question rates (simulated minus real). */
  questionRateGap: number;
}

export function authenticityDistance(simulated: readonly PersonaTurns[], real: readonly PersonaTurns[]): AuthenticityDistance {
  const lengths = (side: readonly PersonaTurns[]) => side.flatMap((persona) => persona.turns.map(wordCount));
  const rates = (side: readonly PersonaTurns[]) => side.filter((persona) => persona.turns.length > 0).map((persona) => persona.turns.filter(isQuestion).length / persona.turns.length);
  const pooled = (side: readonly PersonaTurns[]) => {
    const all = side.flatMap((persona) => persona.turns);
    return all.length === 0 ? 0 : all.filter(isQuestion).length / all.length;
  };
  return {
    lengthW1: wasserstein1(lengths(simulated), lengths(real)),
    lengthKs: kolmogorovSmirnov(lengths(simulated), lengths(real)),
    questionRateW1: wasserstein1(rates(simulated), rates(real)),
    questionRateGap: pooled(simulated) - pooled(real),
  };
}

/** Whether two statements say the same thing: enough shared content words (either way round). */
export function statementsMatch(left: string, right: string, threshold = 0.5): boolean {
  const a = new Set(contentWords(left));
  const b = new Set(contentWords(right));
  if (a.size === 0 || b.size === 0) return false;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / Math.min(a.size, b.size) >= threshold && shared >= Math.min(2, a.size, b.size);
}

/** Persona consistency by cycle for one persona. */
export interface CycleConsistency {
  /** Share of the given facts recovered from the turns. */
  recall: number;
  /** Share of the recovered facts that match a given fact. */
  precision: number;
  f1: number;
  extractedFacts: number;
}

/**
 * Persona consistency by cycle (USP): re-extract a profile from the user turns with a profile
 * extractor, then compare its facts and preferences with those of the profile the turns were
 * generated from. Real turns measured the same way give the reference.
 */
export async function cycleConsistency(persona: PersonaTurns, extractor: ProfileExtractor, options: { matcher?: (given: string, extracted: string) => boolean } = {}): Promise<CycleConsistency> {
  const matcher = options.matcher ?? ((given: string, extracted: string) => statementsMatch(given, extracted));
  const messages = persona.turns.map((content, index) => ({ id: `${persona.profile.userId}-t${index}`, role: 'user' as const, content, timestamp: index, userId: persona.profile.userId }));
  const extracted = profileStatements(await extractor.extract(messages, { userId: persona.profile.userId }));
  const given = profileStatements(persona.profile);
  const recovered = given.filter((fact) => extracted.some((candidate) => matcher(fact, candidate))).length;
  const supported = extracted.filter((candidate) => given.some((fact) => matcher(fact, candidate))).length;
  const recall = given.length === 0 ? 0 : recovered / given.length;
  const precision = extracted.length === 0 ? 0 : supported / extracted.length;
  return { recall, precision, f1: recall + precision === 0 ? 0 : (2 * recall * precision) / (recall + precision), extractedFacts: extracted.length };
}
