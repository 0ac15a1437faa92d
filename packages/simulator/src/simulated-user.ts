import type { Item, Profile, SimulationGoal } from '@personalab/core';

/** One simulated user: who they are (hidden profile) and what they want (hidden goal). */
export interface SimulatedUser {
  /** Stable id; the run store keys conversations by it, so it must be unique in a run. */
  id: string;
  profile: Profile;
  goal: SimulationGoal;
  /** Real user turns of this persona, when known (fidelity reference; never shown to the simulator). */
  realTurns?: readonly string[];
  /** Assistant turns to replay to this user (fidelity experiments replay the real partner). */
  script?: readonly string[];
}

/** Item catalog lookup used to name recommended items in feedback. */
export type ItemCatalog = ReadonlyMap<string, Item>;
