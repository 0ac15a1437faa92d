import { contentWords } from './text.js';

/** A statement of liking or disliking something, found in a sentence. */
export interface PreferenceClaim {
  /** The thing liked or disliked, as written (pronouns resolved to the previous subject). */
  subject: string;
  subjectWords: string[];
  polarity: 1 | -1;
  /** True when the claim describes an earlier state ("I used to love", "you first loved"). */
  past: boolean;
  /** The stated reason ("because ..."), when there is one. */
  reason?: string;
}

// Longer phrases first, so "not a fan of" wins over "fan of" and "can't stand" is one phrase.
const negativePhrases = [
  "can't stand",
  'cannot stand',
  "couldn't stand",
  'not a fan of',
  'not really into',
  'not into',
  'dislike',
  'disliked',
  'dislikes',
  'hate',
  'hated',
  'hates',
  'detest',
  'detested',
  'avoid',
  'avoided',
  'gone off',
  'went off',
  'tired of',
  'sick of',
];
const positivePhrases = [
  'a big fan of',
  'big fan of',
  'a fan of',
  'fan of',
  'really into',
  'into',
  'love',
  'loved',
  'loves',
  'enjoy',
  'enjoyed',
  'enjoys',
  'adore',
  'adored',
  'like',
  'liked',
  'likes',
  'passionate about',
  'fond of',
];
const escape = (phrase: string) => phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
const phrasePattern = new RegExp(
  `\\b(${[...negativePhrases, ...positivePhrases]
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|')})\\b`,
  'gi',
);
const negativeSet = new Set(negativePhrases);
// Where the subject of a preference phrase ends.
const subjectEnd = /[,.;!?:]|\s(?:because|but|since|and later|and now|so|which|when|while|for the|to be honest|honestly|lately|these days|at all)\b/i;
const negators = /\b(?:never|don't|do not|didn't|doesn't|no longer|not|stopped)\b/i;
const pastMarkers = /\b(?:used to|at first|first|once|back then|previously|originally)\b/i;
const pastForms = /^(?:loved|enjoyed|adored|liked|disliked|hated|detested|avoided|couldn't stand)$/i;
const pronoun = /^(?:them|it|that|those|this)\b/i;

/** Preference claims in a text, in order, with pronouns resolved to the claim before them. */
export function extractPreferenceClaims(text: string): PreferenceClaim[] {
  const claims: PreferenceClaim[] = [];
  for (const sentence of text.split(/(?<=[.!?])\s+/)) {
    phrasePattern.lastIndex = 0;
    const matches = [...sentence.matchAll(phrasePattern)];
    matches.forEach((match, matchIndex) => {
      const phrase = (match[1] as string).toLowerCase().replace(/\s+/g, ' ');
      const start = match.index;
      const after = sentence.slice(start + match[0].length).trimStart();
      // "like" as a comparison ("feels like", "like a") is not a preference.
      if (phrase.startsWith('like') && /^(?:a|an|the|this|that|it)\b/i.test(after) && !/\b(?:i|you|we|they|really|still)\s+$/i.test(sentence.slice(0, start))) return;
      const previousEnd = matchIndex === 0 ? 0 : (matches[matchIndex - 1]?.index ?? 0) + (matches[matchIndex - 1]?.[0].length ?? 0);
      const before = sentence.slice(Math.max(previousEnd, start - 40), start);
      let polarity: 1 | -1 = negativeSet.has(phrase) ? -1 : 1;
      if (!phrase.startsWith('not') && negators.test(before.split(/[,;]/).pop() ?? '')) polarity = polarity === 1 ? -1 : 1;
      const clause = before.split(/[,;]|\bbut\b/).pop() ?? '';
      const past = pastMarkers.test(clause) || (pastForms.test(phrase) && /\b(?:first|used|was|were|had)\b/i.test(clause));
      const end = after.search(subjectEnd);
      let subject = (end === -1 ? after : after.slice(0, end)).trim();
      const previous = claims[claims.length - 1];
      if (pronoun.test(subject) && previous !== undefined) subject = previous.subject;
      const subjectWords = contentWords(subject);
      if (subjectWords.length === 0) return;
      const reasonMatch = /\bbecause\s+([^.!?]+)/i.exec(after);
      const nextStart = matches[matchIndex + 1]?.index ?? Number.POSITIVE_INFINITY;
      const reason = reasonMatch && start + match[0].length + reasonMatch.index < nextStart ? reasonMatch[1]?.trim() : undefined;
      claims.push({ subject, subjectWords, polarity, past, ...(reason ? { reason } : {}) });
    });
  }
  return claims;
}
