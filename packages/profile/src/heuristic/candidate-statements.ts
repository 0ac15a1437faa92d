import { describePreference } from '../profile-statements.js';
import { clauseCandidates } from './clause-candidates.js';
import { factKeyOf } from './lexicon.js';
import { contentTokens } from '../text/tokenize.js';
import { answerStatement } from './answer-statements.js';
import type { CandidateContext, CandidateSource } from './persona-filter.js';
import { mineStatements } from './statement-miner.js';
import type { Statement } from './statement.js';

/** A statement of a message with the canonical text the persona filter scores. */
export interface CandidateStatement {
  statement: Statement;
  /** The statement as one first-person sentence ("i have two dogs", "i love hiking"). */
  text: string;
  source: CandidateSource;
  context: CandidateContext;
}

/** The first-person sentence a mined statement stands for; undefined for neutral tastes. */
export function statementText(statement: Statement): string | undefined {
  if (statement.kind === 'fact') return statement.value;
  if (statement.kind === 'goal') return statement.description;
  if (statement.tense === 'past') return statement.polarity === 'neutral' ? undefined : `i used to ${statement.polarity === 'like' ? 'like' : 'dislike'} ${statement.subject}`;
  return describePreference({ ...statement, firstSeen: 0, lastUpdated: 0, evidence: [], history: [] });
}

/**
 * The candidate statements of one user message: what the pattern miner finds (facts, tastes,
 * goals, changes), then every other first-person clause in canonical form as a plain fact.
 * A bare answer to the partner's question ("cheese pizza ." after "what's your favorite food ?")
 * is completed with the question's words. A clause the miner already read is not added twice.
 * `partnerMessage`, what the other speaker said just before, gives the context the persona filter
 * uses (echoes, answers). `clauses: false` leaves the plain clauses out (and skips finding them).
 */
export function candidateStatements(message: string, partnerMessage?: string, options: { clauses?: boolean } = {}): CandidateStatement[] {
  const mined = mineStatements(message);
  const partnerWords = new Set(partnerMessage === undefined ? [] : contentTokens(partnerMessage));
  const answersQuestion = partnerMessage?.includes('?') ?? false;
  const contextOf = (text: string): CandidateContext => {
    const words = contentTokens(text);
    return { partnerEcho: words.length === 0 ? 0 : words.filter((word) => partnerWords.has(word)).length / words.length, answersQuestion };
  };
  const candidates: CandidateStatement[] = [];
  const pastSubjects = new Set(mined.flatMap((statement) => (statement.kind === 'preference' && statement.tense === 'past' ? [statement.subject] : [])));
  for (const statement of mined) {
    const text = statementText(statement);
    // Changes ("used to ... but now ...") are kept whole: their two halves make one history.
    const isChange = statement.kind === 'preference' && (statement.tense === 'past' || pastSubjects.has(statement.subject));
    candidates.push({ statement, text: text ?? statement.quote, source: isChange ? 'change' : statement.kind, context: contextOf(text ?? statement.quote) });
  }
  const answer = partnerMessage === undefined ? undefined : answerStatement(message, partnerMessage);
  if (answer) {
    const text = statementText(answer) ?? answer.quote;
    candidates.push({ statement: answer, text, source: answer.kind === 'preference' ? 'preference' : 'fact', context: contextOf(answer.quote) });
  }
  if (options.clauses === false) return candidates;
  for (const clause of clauseCandidates(message)) {
    // A taste inferred from a whole sentence does not stand in for the clauses of its quote.
    if (mined.some((statement) => !(statement.kind === 'preference' && statement.inferred) && (clause.quote.includes(statement.quote) || statement.quote.includes(clause.quote)))) continue;
    const statement: Statement = { kind: 'fact', key: factKeyOf(clause.text), value: clause.text, tense: /\b(?:was|were|used to|grew up|was born)\b/.test(clause.text) ? 'past' : 'present', negated: /\b(?:not|never|no longer)\b/.test(clause.text), quote: clause.quote };
    candidates.push({ statement, text: clause.text, source: 'clause', context: contextOf(clause.text) });
  }
  return candidates;
}
