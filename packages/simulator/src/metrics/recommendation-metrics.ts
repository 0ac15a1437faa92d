import { PersonalabError, type DialogueTurn } from '@personalab/core';

/** Per-conversation outcome of an iEvaLM-style evaluation. */
export interface ConversationOutcome {
  /** Recall of the targets by the recommendations of the first t assistant turns, t = 1..maxTurns. */
  recallByTurn: number[];
  /** The assistant turn (1-based) of the first recommended target, or null. */
  hitTurn: number | null;
}

/** Summary over conversations. */
export interface RecommendationSummary {
  conversations: number;
  /**
   * Conversations whose user had hidden targets. When none had (Synthetic-Persona-Chat users, a
   * replayed partner), success, goal met and recall do not apply: their 0s mean "not measured".
   */
  withTargets: number;
  /** Mean recall@k after t assistant turns (cumulative over turns), t = 1..maxTurns. */
  recallByTurn: number[];
  /** Share of conversations in which a target was recommended within `maxTurns` turns. */
  successRate: number;
  /** Mean assistant turns until the first target, over successful conversations. */
  meanTurnsToSuccess: number | null;
  /** Share of conversations whose simulated user ended with goal_met. */
  goalMetRate: number;
}

/**
 * `k` and `maxTurns` must be positive integers (`invalid_argument`): re-scoring a transcripts file whose lines carry no
 * `config` had passed undefined, which counted every recommended item and gave an empty `recallByTurn`.
 */
function checkScoringOptions(options: { k: number; maxTurns: number } | undefined): void {
  for (const name of ['k', 'maxTurns'] as const) {
    const value = options?.[name];
    if (!Number.isInteger(value) || (value as number) < 1) throw new PersonalabError('invalid_argument', `${name} must be a positive integer, got ${String(value)}`);
  }
}

/**
 * Recall@k of hidden targets over turns: each assistant turn contributes its first `k`
 * recommended items; the recall after turn t counts the targets among all items offered so far.
 */
export function conversationOutcome(turns: readonly DialogueTurn[], targetItemIds: readonly string[], options: { k: number; maxTurns: number }): ConversationOutcome {
  checkScoringOptions(options);
  const targets = new Set(targetItemIds);
  const found = new Set<string>();
  const recallByTurn: number[] = [];
  let hitTurn: number | null = null;
  let assistantTurn = 0;
  for (const turn of turns) {
    if (turn.role !== 'assistant') continue;
    assistantTurn++;
    if (assistantTurn > options.maxTurns) break;
    for (const itemId of (turn.recommendedItemIds ?? []).slice(0, options.k)) if (targets.has(itemId)) found.add(itemId);
    if (hitTurn === null && found.size > 0) hitTurn = assistantTurn;
    recallByTurn.push(targets.size === 0 ? 0 : found.size / targets.size);
  }
  // A conversation that ended early keeps its last recall for the remaining turns.
  while (recallByTurn.length < options.maxTurns) recallByTurn.push(recallByTurn.at(-1) ?? 0);
  return { recallByTurn, hitTurn };
}

/**
 * Averages outcomes: recall@k by turn, success rate, turns to success. Conversations that failed (`endReason`
 * `error`: no turns) are not scored, as `simulate` leaves them out, so a transcripts file that lists them is
 * re-scored to the run's own summary.
 */
export function summarizeRecommendations(
  all: ReadonlyArray<{ turns: readonly DialogueTurn[]; targetItemIds: readonly string[]; endReason: string }>,
  options: { k: number; maxTurns: number },
): RecommendationSummary {
  checkScoringOptions(options);
  const conversations = all.filter((conversation) => conversation.endReason !== 'error');
  const outcomes = conversations.map((conversation) => conversationOutcome(conversation.turns, conversation.targetItemIds, options));
  const count = outcomes.length;
  const recallByTurn = Array.from({ length: options.maxTurns }, (_, turn) => (count === 0 ? 0 : outcomes.reduce((sum, outcome) => sum + (outcome.recallByTurn[turn] ?? 0), 0) / count));
  const hits = outcomes.filter((outcome) => outcome.hitTurn !== null);
  return {
    conversations: count,
    withTargets: conversations.filter((conversation) => conversation.targetItemIds.length > 0).length,
    recallByTurn,
    successRate: count === 0 ? 0 : hits.length / count,
    meanTurnsToSuccess: hits.length === 0 ? null : hits.reduce((sum, outcome) => sum + (outcome.hitTurn ?? 0), 0) / hits.length,
    goalMetRate: count === 0 ? 0 : conversations.filter((conversation) => conversation.endReason === 'goal_met').length / count,
  };
}

/** Recommended ids that are not items of the catalogue, over the assistant turns of some conversations. */
export interface UnknownRecommendations {
  /** Recommended ids not in the catalogue, each time one was recommended. */
  ids: number;
  /** The distinct ones, in the order first met. */
  distinct: string[];
  /** Assistant turns that recommended at least one. */
  turns: number;
  conversations: number;
}

/**
 * The recommended ids the catalogue does not hold (`isKnown` false): they can never be a hidden target and the
 * simulated user cannot judge them, so an assistant answering with ids of its own scores 0 without another sign.
 */
export function unknownRecommendations(conversations: ReadonlyArray<{ turns: readonly DialogueTurn[] }>, isKnown: (itemId: string) => boolean): UnknownRecommendations {
  const result: UnknownRecommendations = { ids: 0, distinct: [], turns: 0, conversations: 0 };
  const distinct = new Set<string>();
  for (const conversation of conversations) {
    let turns = 0;
    for (const turn of conversation.turns) {
      const unknown = (turn.recommendedItemIds ?? []).filter((itemId) => !isKnown(itemId));
      if (unknown.length === 0) continue;
      turns++;
      result.ids += unknown.length;
      for (const itemId of unknown) distinct.add(itemId);
    }
    result.turns += turns;
    if (turns > 0) result.conversations++;
  }
  result.distinct = [...distinct];
  return result;
}
