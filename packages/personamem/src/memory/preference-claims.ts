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
  'bore',
  'bores',
  'bored by',
  'boring',
  'unbearable',
  'rather skip',
  'skip',
  'lost interest in',
  'lost interest',
  "aren't for me",
  "isn't for me",
  'not for me',
  'drive me up the wall',
  'drives me up the wall',
  'do nothing for me',
  'does nothing for me',
  'fallen out of love with',
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
  'hooked on',
  'hooked',
  'crazy about',
  'happier than',
  'my thing',
  'come around to',
  'never get old',
  'highlight of my week',
  'my happy place',
  'any day',
  'warmed up to',
  'warmed to',
  'convert to',
  'appeal to',
  'appeals to',
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
const subjectEnd = /[,.;!?:]|\s(?:because|but|since|and later|and now|so|which|when|while|for|if|to be honest|honestly|lately|these days|at all)\b/i;
const negators = /\b(?:never|don't|do not|didn't|doesn't|wasn't|weren't|isn't|aren't|no longer|not|stopped)\b/i;
const pastMarkers = /\b(?:used to|at first|first|once|back then|previously|originally|was|were|wasn't|weren't|before|for years)\b/i;
// After these the phrase has no object of its own ("bore me", "not for me"): the subject came before it.
const noObject = /^(?:me|us|to me|for me|out|off)?\s*(?:[,.;!?]|$|to tears|anymore)/i;
// Words around a fronted subject that are not part of it ("I find S pretty unbearable").
const frontFiller = new Set(['find', 'used', 'pretty', 'totally', 'honestly', 'funny', 'absolutely', 'truly', 'simply', 'kind', 'sort', 'lately', 'give', 'know', 'sure']);
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
      // A leading space lets the boundary words match at the very start ("hooked because ...").
      const end = ` ${after}`.search(subjectEnd);
      let subject = noObject.test(after) ? '' : (end === -1 ? after : after.slice(0, Math.max(0, end - 1))).trim();
      const previous = claims[claims.length - 1];
      if ((subject === '' || pronoun.test(subject)) && previous !== undefined) subject = previous.subject;
      let subjectWords = contentWords(subject);
      if (subjectWords.length === 0) {
        // A fronted subject: "S bore me to tears", "S just aren't for me", "I find S pretty unbearable".
        const front = clause.split(/\b(?:used to|to be)\b/)[0] ?? '';
        subjectWords = contentWords(front).filter((word) => !frontFiller.has(word));
        subject = subjectWords.join(' ');
      }
      if (subjectWords.length === 0) return;
      const reasonMatch = /\b(?:because|since)\s+([^.!?]+)/i.exec(after);
      const nextStart = matches[matchIndex + 1]?.index ?? Number.POSITIVE_INFINITY;
      const reason = reasonMatch && start + match[0].length + reasonMatch.index < nextStart ? reasonMatch[1]?.trim() : undefined;
      claims.push({ subject, subjectWords, polarity, past, ...(reason ? { reason } : {}) });
    });
  }
  return claims;
}
