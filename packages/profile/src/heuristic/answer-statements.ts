import { normalizeUtterance } from '../text/normalize.js';
import { contentTokens, splitSentences } from '../text/tokenize.js';
import { factKeyOf } from './lexicon.js';
import type { Statement } from './statement.js';

/** Openings of a bare answer that carry nothing ("oh , ", "probably ", "it is ", "has to be "). */
const answerLead =
  /^(?:(?:oh|well|hmm+|um+|ah|yes|yeah|yep|yup|sure|lol|haha+|that is easy|easy|definitely|probably|i would say|i would have to say|i guess|i think|it is|it has to be|has to be|got to be|gotta be|mine is|that would be|it would be|hands down|currently|right now|just|actually|honestly|mostly|i do)[\s,!.]+)*/;
/** Words that make a reply a clause of its own, not a bare name ("i do not have one", "that is a hard one"). */
const notBare = /\b(?:i|my|me|mine|you|your|it|that|this|is|are|was|were|do|does|did|not|no|nope|have|has|one|hard|tough|many|lot|lots|sure|know|what|how|why|who|where|when|lol|haha|same|too|nothing|anything|everything|depends)\b/;

/** Questions about the speaker whose bare answer says something lasting, each with how to complete it. */
const frames: ReadonlyArray<{ question: RegExp; complete: (answer: string, match: RegExpExecArray, quote: string) => Statement | undefined }> = [
  {
    // "what's your favorite food ?" + "cheese pizza" → "my favorite food is cheese pizza".
    question: /\bwhat(?: is|'s| are) your (?:all time |absolute |most )?favou?rite ([a-z]+(?: [a-z]+)?)\s*\?/g,
    complete: (answer, match, quote) => ({ kind: 'preference', subject: answer, category: match[1] as string, polarity: 'like', strength: 1, tense: 'present', quote }),
  },
  {
    // "what do you do for fun ?" + "hiking and reading" → "i like hiking and reading".
    question: /\bwhat do you (?:like to )?do (?:for fun|in your (?:free|spare) time)\s*\?|\bwhat are your hobbies\s*\?/g,
    complete: (answer, _match, quote) => ({ kind: 'preference', subject: answer, polarity: 'like', strength: 0.7, tense: 'present', quote }),
  },
  {
    // "what do you do for a living ?" + "a nurse" → "i am a nurse".
    question: /\bwhat do you do(?: for (?:a living|work)| for your job)?\s*\?|\bwhat is your (?:job|occupation|profession)\s*\?/g,
    complete: (answer, _match, quote) => fact(`i am ${answer}`, quote, 'occupation'),
  },
  {
    // "where are you from ?" + "ohio" → "i am from ohio"; "where do you live ?" → "i live in ohio".
    question: /\bwhere (do you live|are you from|are you located)\s*\?/g,
    complete: (answer, match, quote) => fact(match[1] === 'are you from' ? `i am from ${answer.replace(/^from /, '')}` : `i live in ${answer.replace(/^in /, '')}`, quote, 'location'),
  },
  {
    // "how old are you ?" + "34" → "i am 34 years old".
    question: /\bhow old are you\s*\?/g,
    complete: (answer, _match, quote) => {
      const age = /^(\d{1,3})(?: years? old)?$/.exec(answer);
      return age?.[1] ? fact(`i am ${age[1]} years old`, quote, 'age') : undefined;
    },
  },
];

/** "do you like jazz ?" + "i love it" / "yes" → a taste for the question's object. */
const tasteQuestion = /(?:^|[.!?,]\s*|\b(?:so|and|but|well|oh|also) )(?:do|did) you (?:still |ever |also |really )?(like|love|enjoy|hate)(?: to)? ([^?.!,]+?)\s*\?/g;
// "i do" must not be the start of "i do not": "no, i do not" after "do you like sushi?" had been read as a like.
const tasteReply = /^(?:(?:yes|yeah|yep|yup|sure|of course|absolutely|definitely|oh|no|nope|nah)[\s,!.]+)*(?:i (?:really |absolutely |do )?(love|like|enjoy|adore|hate) (?:it|them|that|those)|(?:(?:no|nope|nah)[\s,!.]+)?(not really|i do not|i did not|not at all|i really do not)|(yes|yeah|yep|yup|i do(?! not)|i sure do(?! not)|absolutely|of course))\b/;

function tasteAnswer(message: string, partner: string): Statement | undefined {
  const question = [...partner.matchAll(tasteQuestion)].at(-1);
  if (!question?.[1] || !question[2]) return undefined;
  const reply = tasteReply.exec(normalizeUtterance(message));
  if (!reply) return undefined;
  const subject = question[2].replace(/\b(?:any|at all|much|too|very much|so much|now|these days|lately|for fun)\b/g, '').replace(/\s+/g, ' ').trim();
  // "do you like it ?" names nothing; a long object is a proposal, not a taste.
  if (subject === '' || /\b(?:you|your|it|that|this|them|those|one|there)\b/.test(subject) || subject.split(' ').length > 4) return undefined;
  const verb = reply[1] ?? (reply[3] ? question[1] : undefined);
  // A bare "no" may mean "never tried"; only "not really", "i do not" and "i hate it" say dislike.
  const negative = reply[2] !== undefined || verb === 'hate';
  const strength = verb === 'love' || verb === 'adore' || verb === 'hate' ? 0.9 : 0.7;
  return { kind: 'preference', subject, polarity: negative ? 'dislike' : 'like', strength: negative && reply[2] ? 0.6 : strength, tense: 'present', quote: reply[0] };
}

const fact = (value: string, quote: string, key: string): Statement => ({ kind: 'fact', key: key || factKeyOf(value), value, tense: 'present', negated: false, quote });

/**
 * A bare answer to the partner's question about the speaker, completed with the question's words:
 * "cheese pizza ." after "what's your favorite food ?" → "my favorite food is cheese pizza";
 * "a nurse" after "what do you do ?" → "i am a nurse"; "ohio" after "where are you from ?".
 * "i love it" or "yes i do" after "do you like jazz ?" → a taste for jazz ("not really" → a mild dislike).
 * Only the partner's last question counts, and only a short reply that is not a clause of its own.
 */
export function answerStatement(message: string, partnerMessage: string): Statement | undefined {
  const partner = normalizeUtterance(partnerMessage);
  let last: { frame: (typeof frames)[number]; match: RegExpExecArray } | undefined;
  for (const frame of frames) {
    for (const match of partner.matchAll(frame.question)) if (last === undefined || match.index > last.match.index) last = { frame, match: match as RegExpExecArray };
  }
  if (!last) return tasteAnswer(message, partner);
  const first = splitSentences(normalizeUtterance(message))[0] ?? '';
  const quote = first.split(/(?:(?<!\s)\s+)?[,;:]\s*(?!(?:and|or) )|(?<!\s)\s+(?:but|because|what|how|and you|do you|you)\b/)[0]?.replace(/(?<![.!?])[.!?]+$/, '').trim() ?? '';
  const answer = quote.replace(answerLead, '').replace(/[^\p{L}\p{N}\s'&-]/gu, ' ').replace(/\s+/g, ' ').trim();
  const words = answer.split(' ').filter(Boolean);
  if (words.length === 0 || words.length > 6 || notBare.test(answer) || contentTokens(answer).length === 0) return undefined;
  return last.frame.complete(answer, last.match, quote);
}
