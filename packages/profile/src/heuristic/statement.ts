import type { Polarity } from '@personalab/core';

/** Whether a statement describes the present or a past state ("i used to ..."). */
export type Tense = 'present' | 'past';

/** An objective fact in canonical first-person form ("i have two dogs"). */
export interface FactStatement {
  kind: 'fact';
  key: string;
  value: string;
  tense: Tense;
  negated: boolean;
}

/** A taste stated by the user ("i love horror movies", "i cannot stand jazz"). */
export interface PreferenceStatement {
  kind: 'preference';
  subject: string;
  category?: string;
  polarity: Polarity;
  strength: number;
  tense: Tense;
  /** The "because ..." given with the statement. */
  reason?: string;
  /**
   * A past state the wording implies but does not say ("i am not into x anymore": x was liked; "i have gotten into
   * x": it was not). Used only when nothing earlier is known of the subject.
   */
  implied?: boolean;
  /**
   * Read from a whole sentence, not stated in a clause of its own: a verdict on an experience ("i tried x, but it was
   * tedious") or a phrase inside another clause ("... my love for music"). Its quote covers clauses that say other things,
   * so it does not stand in for them.
   */
  inferred?: boolean;
}

/** Something the user wants to do or become ("i want to be a doctor"). */
export interface GoalStatement {
  kind: 'goal';
  description: string;
}

/** One first-person statement mined from a message, with the words it came from. */
export type Statement = (FactStatement | PreferenceStatement | GoalStatement) & { quote: string };
