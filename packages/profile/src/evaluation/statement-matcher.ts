import { contentTokens } from '../text/tokenize.js';
import { tokenF1 } from './token-f1.js';

/** Decides whether an extracted statement matches a gold persona sentence. */
export interface StatementMatcher {
  readonly name: string;
  /** True when `predicted` expresses `gold` closely enough to count as recovering it. */
  matches(predicted: string, gold: string): boolean;
}

/** Token F1 over content tokens (stop words removed) at or above `threshold` (default 0.5). */
export function createTokenF1Matcher(threshold = 0.5): StatementMatcher {
  const cache = new Map<string, string[]>();
  const tokens = (text: string) => {
    let value = cache.get(text);
    if (value === undefined) {
      value = contentTokens(text);
      // Bounded so a long run does not hold every sentence it ever saw.
      if (cache.size > 100_000) cache.clear();
      cache.set(text, value);
    }
    return value;
  };
  return {
    name: `token-f1>=${threshold}`,
    matches: (predicted, gold) => tokenF1(tokens(predicted), tokens(gold)) >= threshold,
  };
}

/** Counts behind precision and recall, summed over dialogues (micro average). */
export interface MatchCounts {
  /** Extracted statements. */
  predicted: number;
  /** Extracted statements that match at least one gold sentence. */
  correctPredicted: number;
  /** Gold sentences. */
  gold: number;
  /** Gold sentences matched by at least one extracted statement. */
  recoveredGold: number;
}

export const zeroCounts = (): MatchCounts => ({ predicted: 0, correctPredicted: 0, gold: 0, recoveredGold: 0 });

/** Matches one dialogue's extracted statements against its gold sentences (any-to-any). */
export function matchStatements(predicted: readonly string[], gold: readonly string[], matcher: StatementMatcher): MatchCounts {
  const hit = predicted.map((statement) => gold.map((sentence) => matcher.matches(statement, sentence)));
  return {
    predicted: predicted.length,
    correctPredicted: hit.filter((row) => row.some(Boolean)).length,
    gold: gold.length,
    recoveredGold: gold.filter((_, column) => hit.some((row) => row[column] === true)).length,
  };
}

export function addCounts(total: MatchCounts, counts: MatchCounts): MatchCounts {
  return {
    predicted: total.predicted + counts.predicted,
    correctPredicted: total.correctPredicted + counts.correctPredicted,
    gold: total.gold + counts.gold,
    recoveredGold: total.recoveredGold + counts.recoveredGold,
  };
}

export interface PrecisionRecall {
  precision: number;
  recall: number;
  f1: number;
}

/** Micro precision, recall and F1 from summed counts (0 where a denominator is 0). */
export function precisionRecall(counts: MatchCounts): PrecisionRecall {
  const precision = counts.predicted === 0 ? 0 : counts.correctPredicted / counts.predicted;
  const recall = counts.gold === 0 ? 0 : counts.recoveredGold / counts.gold;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
