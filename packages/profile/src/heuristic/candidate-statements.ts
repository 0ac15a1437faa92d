import { describePreference } from '../profile-statements.js';
import { clauseCandidates } from './clause-candidates.js';
import { factKeyOf } from './lexicon.js';
import { normalizeUtterance } from '../text/normalize.js';
import { contentTokens, splitSentences } from '../text/tokenize.js';
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
 * A clause the miner already read is not added twice. `partnerMessage`, what the other speaker
 * said just before, gives the context the persona filter uses (echoes, answers).
 */
export function candidateStatements(message: string, partnerMessage?: string): CandidateStatement[] {
  const mined = mineStatements(message);
  const partnerWords = new Set(partnerMessage === undefined ? [] : contentTokens(partnerMessage));
  const answersQuestion = partnerMessage?.includes('?') ?? false;
  const contextOf = (text: string): CandidateContext => {
    const words = contentTokens(text);
    return { partnerEcho: words.length === 0 ? 0 : words.filter((word) => partnerWords.has(word)).length / words.length, answersQuestion };
  };
  const candidates: CandidateStatement[] = [];
  const pastSubjects = new Set(mined.filter((statement) => statement.kind === 'preference' && statement.tense === 'past').map((statement) => (statement.kind === 'preference' ? statement.subject : '')));
  for (const statement of mined) {
    const text = statementText(statement);
    // Changes ("used to ... but now ...") are kept whole: their two halves make one history.
    const isChange = statement.kind === 'preference' && (statement.tense === 'past' || pastSubjects.has(statement.subject));
    candidates.push({ statement, text: text ?? statement.quote, source: isChange ? 'change' : statement.kind, context: contextOf(text ?? statement.quote) });
  }
  const favorite = partnerMessage === undefined || mined.length > 0 ? undefined : favoriteAnswer(message, partnerMessage);
  if (favorite) {
    const statement: Statement = { kind: 'preference', subject: favorite.subject, category: favorite.category, polarity: 'like', strength: 1, tense: 'present', quote: favorite.quote };
    candidates.push({ statement, text: `my favorite ${favorite.category} is ${favorite.subject}`, source: 'preference', context: contextOf(favorite.subject) });
    return candidates;
  }
  for (const clause of clauseCandidates(message)) {
    if (mined.some((statement) => clause.quote.includes(statement.quote) || statement.quote.includes(clause.quote))) continue;
    const statement: Statement = { kind: 'fact', key: factKeyOf(clause.text), value: clause.text, tense: /\b(?:was|were|used to|grew up|was born)\b/.test(clause.text) ? 'past' : 'present', negated: /\b(?:not|never|no longer)\b/.test(clause.text), quote: clause.quote };
    candidates.push({ statement, text: clause.text, source: 'clause', context: contextOf(clause.text) });
  }
  return candidates;
}

/** "what is your favorite food ?" → "food". */
const favoriteQuestion = /\bwhat(?: is|'s| are) your (?:all time |absolute |most )?favou?rite ([a-z]+(?: [a-z]+)?)\s*\?/;
/** Openings of a reply that names the favourite: "oh , ", "probably ", "it is ", "has to be ". */
const favoriteLead = /^(?:(?:oh|well|hmm+|um+|ah|yes|yeah|lol|haha+|that is easy|easy|definitely|probably|i would say|i would have to say|i guess|i think|it is|it has to be|has to be|got to be|gotta be|mine is|my favorite is|that would be|it would be|hands down)[\s,!.]+)*/;

/**
 * The reply to "what is your favorite X ?" that names only the favourite ("cheese pizza .",
 * "probably blue , you ?") as the preference "my favorite X is Y".
 */
export function favoriteAnswer(message: string, partnerMessage: string): { subject: string; category: string; quote: string } | undefined {
  const question = favoriteQuestion.exec(normalizeUtterance(partnerMessage));
  if (!question?.[1]) return undefined;
  const first = splitSentences(normalizeUtterance(message))[0] ?? '';
  const quote = first.split(/\s*[,;:]\s*|\s+(?:but|because|what|how|and you|do you)\b/)[0]?.replace(/[.!?]+$/, '').trim() ?? '';
  const subject = quote.replace(favoriteLead, '').trim();
  const words = subject.split(' ').filter(Boolean);
  // A bare name: short, and no clause of its own ("i do not have one", "that is a hard one").
  if (words.length === 0 || words.length > 5 || /\b(?:i|my|me|you|your|it|that|this|is|are|was|do|does|not|no|have|has|one|hard|tough|many|lot|lots|sure|know)\b/.test(subject)) return undefined;
  return { subject, category: question[1], quote };
}
