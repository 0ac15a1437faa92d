import type { ChatMessage } from '../schemas/message.js';
import type { Profile } from '../schemas/profile.js';

/** What a simulated user wants and secretly knows. */
export interface SimulationGoal {
  /** Free text, e.g. "find a comedy to watch tonight". */
  description: string;
  /** Hidden target item ids (held-out liked items). */
  targetItemIds?: readonly string[];
  /** Hidden ratings: item id to rating, to react to recommendations truthfully. */
  hiddenRatings?: ReadonlyMap<string, number>;
  /** Items the user has already seen. */
  seenItemIds?: ReadonlySet<string>;
}

export type SimulatorTurn =
  | { type: 'message'; content: string }
  | { type: 'end'; reason: 'goal_met' | 'patience_exhausted' | 'turn_limit'; content?: string };

export interface DialogueTurn extends ChatMessage {
  /** Items the assistant recommended in this turn, when it says. */
  recommendedItemIds?: readonly string[];
}

/** A user with a hidden profile and goal who converses with an assistant. */
export interface UserSimulator {
  readonly name: string;
  start(options: { profile: Profile; goal: SimulationGoal }): Promise<SimulatorTurn>;
  respond(options: { dialogue: readonly DialogueTurn[] }): Promise<SimulatorTurn>;
}

/** Anything a simulated user can talk to: an LLM endpoint, our recommender, a baseline. */
export interface Assistant {
  readonly name: string;
  reply(options: { userId: string; dialogue: readonly DialogueTurn[]; signal?: AbortSignal }): Promise<{
    content: string;
    recommendedItemIds?: readonly string[];
  }>;
}
