import { emptyProfile, PersonalabError, type ExtractOptions, type Message, type Profile, type ProfileExtractor } from '@personalab/core';
import { mineStatements } from './heuristic/statement-miner.js';
import { updateStyle } from './heuristic/style.js';
import { applyObservations } from './merge/apply-observations.js';
import type { ProfileObservation } from './merge/observation.js';

export interface HeuristicProfileExtractorOptions {
  /** Confidence of a fact stated once in the present tense (default 0.6). */
  factConfidence?: number;
  /** Confidence of a fact about the past ("i used to ...", default 0.5). */
  pastFactConfidence?: number;
}

/**
 * The offline default extractor: mines first-person statements from the user's messages
 * (`role: 'user'`; other roles are ignored) with patterns for identity, work, possessions,
 * family, habits, tastes, negation and "used to ... but now ..." changes; measures style
 * exactly; leaves Big Five traits unknown (it has no basis to score them).
 */
export class HeuristicProfileExtractor implements ProfileExtractor {
  readonly name = 'heuristic';
  private readonly factConfidence: number;
  private readonly pastFactConfidence: number;

  constructor(options: HeuristicProfileExtractorOptions = {}) {
    this.factConfidence = options.factConfidence ?? 0.6;
    this.pastFactConfidence = options.pastFactConfidence ?? 0.5;
  }

  /** The observations of one message, in the order they were said. */
  observe(message: Message): ProfileObservation[] {
    const observations: ProfileObservation[] = [];
    for (const statement of mineStatements(message.content)) {
      const evidence = [{ messageId: message.id, quote: statement.quote.slice(0, 2000), timestamp: message.timestamp }];
      const timestamp = message.timestamp;
      if (statement.kind === 'fact') {
        observations.push({
          kind: 'fact',
          key: statement.key,
          value: statement.value,
          confidence: statement.tense === 'past' ? this.pastFactConfidence : this.factConfidence,
          evidence,
          timestamp,
        });
      } else if (statement.kind === 'preference') {
        observations.push({
          kind: 'preference',
          subject: statement.subject,
          ...(statement.category ? { category: statement.category } : {}),
          polarity: statement.polarity,
          strength: statement.strength,
          tense: statement.tense,
          ...(statement.reason ? { reason: statement.reason } : {}),
          evidence,
          timestamp,
        });
      } else {
        observations.push({ kind: 'goal', description: statement.description, evidence, timestamp });
      }
    }
    return observations;
  }

  async extract(messages: readonly Message[], options: ExtractOptions = {}): Promise<Profile> {
    if (options.signal?.aborted) throw new PersonalabError('cancelled', 'profile extraction was cancelled');
    const userId = options.previous?.userId ?? options.userId ?? messages.find((message) => message.role === 'user')?.userId;
    if (userId === undefined) throw new PersonalabError('invalid_argument', 'extract needs options.userId, options.previous, or user messages with a userId');
    const base = options.previous ?? emptyProfile(userId, 0);
    // Oldest first, so later statements update earlier ones; the sort is stable for equal times.
    const userMessages = messages.filter((message) => message.role === 'user').sort((a, b) => a.timestamp - b.timestamp);
    const observations = userMessages.flatMap((message) => this.observe(message));
    const merged = applyObservations(base, observations);
    return {
      ...merged,
      version: base.version + 1,
      updatedAt: Math.max(merged.updatedAt, userMessages.at(-1)?.timestamp ?? 0),
      style: updateStyle(base.style, userMessages),
    };
  }
}
