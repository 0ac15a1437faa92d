import { normalizeUtterance } from '../text/normalize.js';
import { splitSentences } from '../text/tokenize.js';
import { leadsIntoStatement } from './lead-in.js';
import { focusingOpener, framePattern, leadingFillers, listItemBlockers, perfectClause } from './lexicon.js';
import { capitalisedPairs, contrastedItem, framedListItem, listItemText, splitClauses, splitCoordinatedObjects } from './statement-miner.js';

/** A first-person clause of a user message, rewritten into a short canonical statement. */
export interface ClauseCandidate {
  /** Canonical first-person statement ("i have two dogs", "i like to ski"). */
  text: string;
  /** The clause it came from, as written (lower-cased, contractions expanded). */
  quote: string;
}

/** Discourse fillers and reactions said before a statement ("yes", "lol", "that's cool", "me too"). */
const openers =
  /^(?:(?:yes|yeah|yea|yep|yup|no|nope|nah|well|oh|ohh|ah|aw+|wow|lol|lmao|haha+|hehe|hah|hey+|hi|hello|ok|okay|sure|cool|nice|great|awesome|neat|really|true|right|so|and|but|also|too|actually|honestly|though|hmm+|um+|uh|anyway|anyways|indeed|absolutely|definitely|of course|i see|not really|not much|same here|same|me too|me neither|me either|good for you|that is (?:so |very |really |pretty )?(?:great|cool|nice|awesome|interesting|neat|sad|funny|good|amazing|fun|wonderful|terrible|too bad|true|right|fine|ok|okay)|that sounds (?:so |very |really )?(?:great|cool|nice|fun|awesome|interesting|good|amazing|like fun)|sounds (?:great|cool|nice|fun|awesome|good|like fun)|how (?:cool|nice|fun|awesome|sad|interesting)|thanks|thank you|good|fine|interesting|hello there|hi there|good (?:morning|evening|afternoon))[\s,!.]+)+/;

/** Questions put back to the partner after a statement ("..., what about you", "..., do you"). */
const partnerTail = /[,\s]*(?:what about you|how about you|and you|you|do you|are you|have you|how are you|what do you do|right|lol|haha+|hehe|too|as well|though|either|anyway|a lot|now|lately|nowadays|these days|really)\s*$/;

/** Openings that mark an opinion, a courtesy or a hedge rather than something lasting about the speaker. */
const notAboutSpeaker =
  /^i (?:think|thought|guess|bet|know|knew|mean|agree|see|understand|suppose|believe|hope|wish|wonder|would|could|should|will|might|may|must|said|say|feel like|forgot|remember|heard|hear|am sure|am sorry|am glad|am happy to|am so sorry|am good|am fine|am great|am ok|am okay|am well|am doing|am just|am not sure|do not know|did not know|can imagine|cannot imagine|appreciate|understand|get it|love that|like that|love it|like it|love them|like them|hate that|hate it|loved it|liked it|enjoyed it|hated it|loved that|liked that|loved them|liked them|enjoyed them|hated them|am here|am back|am on my way|have to go|gotta|got to go|need to go|am about to|was just|was about to|just got back|just got home|just got done|just finished|am excited|am jealous|could not help|cannot help|can not help)\b/;

/** Second-person words: a clause about the partner is not a fact about the speaker. */
const secondPerson = /\b(?:you|your|yours|yourself|u|ur)\b/;

/** "i am into x", "i am a big fan of x": the same taste as "i like x", in the words persona sheets use. */
const tasteRewrites: ReadonlyArray<readonly [RegExp, string]> = [
  [/^i am (?:really |very |so |big |totally )*(?:into|a (?:huge |big |really big )?fan of|fond of|keen on)\b/, 'i like'],
  [/^i am (?:really |so )?(?:obsessed with|passionate about|crazy about|in love with)\b/, 'i love'],
  [/^i (?:do(?! not\b)|really|truly|absolutely|totally|also|just|actually|still|definitely|personally|mostly|even|kinda|kind of|sort of|too)\s+(?=\S)/, 'i '],
  [/^my (?:absolute |all time |most )?favorite thing (?:to do )?is\b/, 'i love'],
  [/^i have got\b/, 'i have'],
  [/^i got (?=(?:a|an|two|three|four|five|\d+) (?:dog|dogs|cat|cats|kid|kids|son|daughter|brother|sister|children)\b)/, 'i have '],
];

const maxContentWords = 12;

/** Rewrites one clause into its canonical statement, or undefined when it says nothing lasting about the speaker. */
export function canonicalClause(clause: string): string | undefined {
  let text = clause
    .replace(/[^\p{L}\p{N}\s'&-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  text = text.replace(openers, '').trim();
  // "me too , i love it" reached here as "i love it"; "so do i" / "same" carry nothing of their own.
  if (!/^(?:i|my) /.test(text)) {
    // The subject "i" wins over a "my" inside the lead-in ("in my spare time i sew").
    const anchor = /\bi /.exec(text) ?? /\bmy /.exec(text);
    // A short lead-in ("at home i", "in my spare time i") is kept out of the fact; a long one is another sentence, and a
    // relative clause's head ("the teachings i received") or a verb ("it opened my eyes") makes the anchor no subject.
    if (!anchor || !leadsIntoStatement(text.slice(0, anchor.index), anchor[0].trim() as 'i' | 'my', 4)) return undefined;
    text = text.slice(anchor.index);
  }
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(partnerTail, '').trim();
  }
  for (const [pattern, replacement] of tasteRewrites) text = text.replace(pattern, replacement).replace(/\s+/g, ' ').trim();
  if (secondPerson.test(text) || notAboutSpeaker.test(text)) return undefined;
  const words = text.split(' ');
  // "i am", "my dog": a subject and at most a verb say nothing.
  if (words.length < 3 || words.length > maxContentWords + 6) return undefined;
  return text;
}

/** Base verbs that open a list item sharing the subject "i" ("i dance, run a school, and collect stamps"). */
const bareVerbs = new RegExp(
  `^(?:${'play|read|write|drive|ride|eat|drink|cook|bake|collect|volunteer|teach|study|listen|watch|sing|dance|paint|draw|travel|hike|run|swim|walk|knit|sew|garden|fish|hunt|build|make|spend|help|speak|visit|wear|grow|raise|train|coach|compete|attend|practice|lift|jog|surf|ski|skate|climb|shop|go|live|work|own|have|love|like|enjoy|hate|restore|fix|repair|design|program|code|take|hang out|meet|try|sell|care for|take care of|spend time|do|go to|work on|love to|like to'}) `,
);
/** "run a school" after "i like to dance" → "i run a school"; "especially romances" after "i like reading" → "i like romances". */
function continueList(clause: string, frame: string | undefined, afterVerbItem: boolean, perfect: boolean): { text: string; verbItem: boolean } | undefined {
  const item = listItemText(clause);
  if (item === '' || /^(?:i|my) /.test(item)) return undefined;
  if (bareVerbs.test(`${item} `)) return listItemBlockers.test(item) && !/^(?:\S+ ){1,}my\b/.test(item) ? undefined : { text: `i ${item}`, verbItem: true };
  // After a list item that was a verb phrase ("make my own clothing"), the next one is one too ("and adopt stray cats"),
  // whatever its verb: the frame's verb is not repeated ("i make adopt stray cats").
  const qualifier = perfect && focusingOpener.test(clause.replace(leadingFillers, '').trim());
  const framed = framedListItem(item, afterVerbItem ? 'i' : qualifier ? undefined : frame, !afterVerbItem && perfect);
  return framed === undefined ? undefined : { text: framed, verbItem: afterVerbItem };
}

/**
 * Every first-person clause of a user message in canonical form: sentences split at punctuation,
 * clauses at commas, conjunctions before a new subject, "because"/"so", and run-ons; list items
 * that leave out "i" take the subject (and the verb) of the clause before them; questions and
 * second-person clauses dropped; fillers and tails stripped; duplicates removed.
 */
export function clauseCandidates(message: string): ClauseCandidate[] {
  const candidates: ClauseCandidate[] = [];
  const seen = new Set<string>();
  const protectedPairs = capitalisedPairs(message);
  for (const rawSentence of splitSentences(normalizeUtterance(message))) {
    const isQuestion = rawSentence.trimEnd().endsWith('?');
    const sentence = rawSentence.replace(/(?<![.!?])[.!?]+$/, '').trim();
    const clauses = splitCoordinatedObjects(splitClauses(sentence), protectedPairs).flatMap((clause) => clause.split(/\s+(?:because|since|cause|cuz|so that|so)\s+(?=(?:i|my) )/));
    let frame: string | undefined;
    let verbItem = false;
    clauses.forEach((clause, index) => {
      // The last clause of a question is the question; earlier ones may be statements ("i love dogs, do you?").
      if (isQuestion && index === clauses.length - 1) return;
      const stripped = clause.replace(leadingFillers, '').trim();
      let text = canonicalClause(stripped);
      let listVerb = false;
      // "but not horror" after "i love sci-fi": a taste the miner reads ("i do not like horror"), not a fact.
      if (text === undefined && contrastedItem(clause, frame) !== undefined) {
        frame = undefined;
        return;
      }
      if (text === undefined) {
        const item = frame === undefined ? undefined : continueList(clause, frame.startsWith('i ') ? framePattern.exec(frame)?.[1] : undefined, verbItem, perfectClause.test(frame));
        text = item === undefined ? undefined : canonicalClause(item.text);
        listVerb = item?.verbItem ?? false;
      }
      verbItem = text !== undefined && listVerb;
      if (text === undefined) {
        frame = undefined;
        return;
      }
      frame = text;
      if (seen.has(text)) return;
      seen.add(text);
      candidates.push({ text, quote: clause });
    });
  }
  return candidates;
}

