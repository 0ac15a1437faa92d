import type { Evidence, Polarity } from '@personalab/core';

/** A fact seen in one message: what an extractor hands to `applyObservations`. */
export interface FactObservation {
  kind: 'fact';
  key: string;
  value: string;
  confidence: number;
  /** The messages that support it (at least one). */
  evidence: readonly Evidence[];
  timestamp: number;
}

/** A stated taste; `tense: 'past'` marks an earlier state ("i used to love ..."). */
export interface PreferenceObservation {
  kind: 'preference';
  subject: string;
  category?: string;
  polarity: Polarity;
  strength: number;
  tense: 'present' | 'past';
  reason?: string;
  /** A past state implied by the wording, not said ("not … anymore"): ignored when the subject is already known. */
  implied?: boolean;
  /** The messages that support it (at least one). */
  evidence: readonly Evidence[];
  timestamp: number;
}

export interface GoalObservation {
  kind: 'goal';
  description: string;
  status?: 'active' | 'achieved' | 'abandoned';
  /** The messages that support it (at least one). */
  evidence: readonly Evidence[];
  timestamp: number;
}

export type ProfileObservation = FactObservation | PreferenceObservation | GoalObservation;
