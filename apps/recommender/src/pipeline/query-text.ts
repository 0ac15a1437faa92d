import { stopWords } from '@personalab/profile';
import { mentionedTagStems } from './taste.js';

/**
 * Words of a chat message that ask for something rather than describe it: requests, fillers,
 * "movie" itself, ages and eras (the session's constraints read those). The item text index's IDF
 * is fitted on the catalogue, where such words are rare, so left in they outweigh what the user
 * described: "recommend something" landed on "Something to Talk About", "anything else?" on
 * "I'll Do Anything".
 */
const requestWords = new Set(
  (
    'recommend recommends recommendation recommendations suggest suggestion suggestions something anything everything nothing ' +
    'someone anyone movie movies film films flick flicks show shows watch watching watched see seen saw please pls thanks thank ' +
    'want wanna wanted like liked likes love loved loves enjoy enjoyed enjoying mood feel feeling fancy good great nice best better ' +
    'really maybe perhaps tonight today now else another different new newer recent older old classic classics year years yr ' +
    'hi hello hey ok okay um hmm yes yeah also give tell think know would could sure kind sort type usually looking look find ' +
    'instead options ideas idea watchable lol late early mid kids kid children child son daughter wife husband friends family night weekend ' +
    'one ones stuff things thing bit little lot please already seen maybe around ' +
    "i'm i'd i've let's what's that's it's"
  ).split(' '),
);

/**
 * Opinion words: what the user thinks of something, not what it is about. Searched, "I hate horror
 * movies" found "Hate (Haine, La)" and "Heat was not bad" found "Bad Boys".
 */
const opinionWords = new Set(
  (
    'hate hates hated hating dislike dislikes disliked adore adored adores prefer prefers preferred favourite favorite favourites favorites ' +
    'bad worse worst awful terrible horrible dreadful boring bored dull lame stupid overrated underrated mediocre meh decent fine alright ' +
    'amazing awesome excellent fantastic wonderful brilliant superb perfect masterpiece incredible cool loving lovely enjoyable ' +
    'stand bear tired sick fed enough fan fans'
  ).split(' '),
);

/**
 * Words that point back at something said or shown ("the first one", "already seen it", "that one
 * again") rather than describe a film: searched, "I've already seen the first one" found "First Kid"
 * and "First Knight".
 */
const referenceWords = new Set(
  (
    'first second third fourth fifth sixth last next previous former latter same again before earlier other others ' +
    'sequel sequels prequel part two three four five rewatch rewatched yet either neither'
  ).split(' '),
);

/** Words that rule out what follows them in their clause ("no war", "not bad", "nothing with zombies", "I hate horror", "I can't stand gore"). */
const negationWords = new Set(
  (
    'no not nothing none nor never without except avoid avoiding skip hate hates hated dislike dislikes disliked ' +
    "don't doesn't didn't isn't wasn't aren't weren't won't wouldn't shouldn't can't cannot couldn't " +
    'dont doesnt didnt isnt wasnt arent wont cant couldnt'
  ).split(' '),
);
/** Two-word negations ("tired of", "fed up"): what follows them is ruled out. */
const negationPairs = /^(?:tired|sick) of$|^fed up$|^rather not$/;
/** Words that end a negation's reach inside a sentence ("no war but a comedy"). */
const clauseBreaks = new Set(['but', 'instead', 'rather', 'though', 'although', 'however']);
/** After "and", these start a new request ("no horror and a comedy please"); other words stay ruled out ("I hate horror and gore"). */
const freshStart = new Set(['a', 'an', 'some', 'something', 'anything', 'i', "i'd", "i'm", "i'll", 'we', 'maybe', 'perhaps', 'please', 'give', 'show', 'find', 'more', 'also']);

export interface QueryContentOptions {
  /** Genre keys the user ruled out or dislikes: words naming them ("war", "scary" for horror) are not searched. */
  ruledOut?: ReadonlySet<string> | undefined;
}

/**
 * The words of a message that describe what the user wants (for the item text index), or '' when none
 * do: request words, opinion words, references back ("the first one"), what a negation rules out in
 * its clause ("no war", "not bad") and words naming a ruled-out genre are left out.
 */
export function queryContent(text: string, options: QueryContentOptions = {}): string {
  const ruledOut = options.ruledOut;
  const names = (word: string) => ruledOut !== undefined && ruledOut.size > 0 && [...mentionedTagStems(word)].some((key) => ruledOut.has(key));
  const kept: string[] = [];
  const clauses = text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .split(/[.,;:!?()\n]+/);
  for (const clause of clauses) {
    const words = clause
      .split(/[^a-z0-9'&-]+/)
      .map((word) => word.replace(/^'+|'+$/g, ''))
      .filter(Boolean);
    let negated = false;
    for (const [index, word] of words.entries()) {
      const pair = `${words[index - 1] ?? ''} ${word}`;
      if (clauseBreaks.has(word) || (word === 'and' && freshStart.has(words[index + 1] ?? ''))) negated = false;
      if (negationWords.has(word) || negationPairs.test(pair)) {
        negated = true;
        continue;
      }
      if (negated) continue;
      if (stopWords.has(word) || requestWords.has(word) || opinionWords.has(word) || referenceWords.has(word)) continue;
      // "horror-free", "non-violent" rule out what they name.
      if (/^'?\d+(?:s|'s|st|nd|rd|th)?$/.test(word) || /-free$|-less$|^non-/.test(word) || names(word)) continue;
      kept.push(word);
    }
  }
  return kept.join(' ');
}
