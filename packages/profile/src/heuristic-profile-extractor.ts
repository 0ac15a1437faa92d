import { emptyProfile, PersonalabError, type ExtractOptions, type Message, type Profile, type ProfileExtractor } from '@personalab/core';
import { checkExtractInput } from './extract-input.js';
import { candidateStatements } from './heuristic/candidate-statements.js';
import { defaultPersonaFilterModel } from './heuristic/persona-filter-model.js';
import { filteredSources, personaScore, type PersonaFilterModel } from './heuristic/persona-filter.js';
import { updateStyle } from './heuristic/style.js';
import { applyObservations, retracts } from './merge/apply-observations.js';
import { inTimeOrder } from './time-order.js';
import type { ProfileObservation } from './merge/observation.js';

export interface HeuristicProfileExtractorOptions {
  /** Confidence of a fact stated once in the present tense (default 0.6). */
  factConfidence?: number;
  /** Confidence of a fact about the past ("i used to ...", default 0.5). */
  pastFactConfidence?: number;
  /**
   * Also keep first-person clauses that no pattern reads, in canonical form, as facts
   * ("i go to church every sunday"; default true).
   */
  clauseFacts?: boolean;
  /**
   * The persona-likeness filter: facts and plain clauses scoring below its threshold are
   * dropped; stated tastes, changes and goals are always kept. Default: `defaultPersonaFilterModel`, fitted on
   * Synthetic-Persona-Chat test; `true` is the default; `false` keeps every statement.
   */
  filter?: PersonaFilterModel | boolean;
  /** Overrides the filter's threshold. */
  filterThreshold?: number;
}

/**
 * The offline default extractor: mines first-person statements from the user's messages
 * (`role: 'user'`; other roles only give context) with patterns for identity, work, possessions,
 * family, habits, tastes, negation and "used to ... but now ..." changes, adds the other
 * first-person clauses in canonical form, drops facts that a persona-likeness filter scores as chatter,
 * measures style exactly, and leaves Big Five traits unknown (it has no basis to score them).
 */
export class HeuristicProfileExtractor implements ProfileExtractor {
  readonly name = 'heuristic';
  private readonly factConfidence: number;
  private readonly pastFactConfidence: number;
  private readonly clauseFacts: boolean;
  private readonly filter: PersonaFilterModel | undefined;
  private readonly filterThreshold: number;

  constructor(options: HeuristicProfileExtractorOptions = {}) {
    this.factConfidence = options.factConfidence ?? 0.6;
    this.pastFactConfidence = options.pastFactConfidence ?? 0.5;
    this.clauseFacts = options.clauseFacts ?? true;
    this.filter = options.filter === false ? undefined : options.filter === true || options.filter === undefined ? defaultPersonaFilterModel : options.filter;
    this.filterThreshold = options.filterThreshold ?? this.filter?.threshold ?? 0;
  }

  /**
   * The observations of one message, in the order they were said. `partnerMessage`, what the
   * other side said just before, lets the filter tell a self-disclosure from an echo.
   */
  observe(message: Message, partnerMessage?: string, earlierFacts: readonly string[] = []): ProfileObservation[] {
    const observations: ProfileObservation[] = [];
    for (const { statement, text, source, context } of candidateStatements(message.content, partnerMessage, { clauses: this.clauseFacts })) {
      // Stated tastes and goals always pass: the preference tracker needs every taste to record changes.
      const score = this.filter && filteredSources.has(source) ? personaScore(this.filter, text, source, context) : 1;
      // The filter judges persona-likeness; a name, or a fact taking back an earlier one ("i am not
      // vegetarian anymore"), is kept whatever it scores: dropping it would leave the old fact standing.
      const keptAnyway = () => statement.kind === 'fact' && (statement.key === 'name' || earlierFacts.some((earlier) => retracts(statement.value, earlier)));
      if (score < this.filterThreshold && !keptAnyway()) continue;
      const evidence = [{ messageId: message.id, quote: statement.quote.slice(0, 2000), timestamp: message.timestamp }];
      const timestamp = message.timestamp;
      if (statement.kind === 'fact') {
        observations.push({
          kind: 'fact',
          key: statement.key,
          value: statement.value,
          // A plain clause is as likely a fact about the speaker as the filter says; a pattern match is surer.
          confidence: source === 'clause' && this.filter ? score : statement.tense === 'past' ? this.pastFactConfidence : this.factConfidence,
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
          ...(statement.implied ? { implied: true } : {}),
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
    const userId = checkExtractInput(messages, options);
    const base = options.previous ?? emptyProfile(userId, 0);
    // Oldest first, so later statements update earlier ones; the sort is stable for equal times.
    const ordered = inTimeOrder(messages, base.updatedAt);
    const userMessages = ordered.filter((message) => message.role === 'user');
    const facts = base.facts.map((fact) => fact.value);
    const observations = ordered.flatMap((message, index) => {
      if (message.role !== 'user') return [];
      const previous = ordered[index - 1];
      const found = this.observe(message, previous && previous.role !== 'user' ? previous.content : undefined, facts);
      for (const observation of found) if (observation.kind === 'fact') facts.push(observation.value);
      return found;
    });
    const merged = applyObservations(base, observations);
    return {
      ...merged,
      version: base.version + 1,
      updatedAt: Math.max(merged.updatedAt, userMessages.at(-1)?.timestamp ?? 0),
      style: updateStyle(base.style, userMessages),
    };
  }
}

