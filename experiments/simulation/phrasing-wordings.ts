import { PersonalabError } from '@personalab/core';
import { likingSentences, listInWords, openerGreetings, spokenSubject } from '@personalab/simulator';

/** One way to say a looking user's first message: its goal and the genres it likes, no fact added or dropped. */
export interface Wording {
  /** A short label for tables and charts ("I generally like X"). */
  name: string;
  /** Where it comes from: the simulator's own openers, or everyday speech. */
  source: 'canonical' | 'simulator' | 'everyday';
  /** The message for a goal ("I am looking for a movie to watch tonight.") and the genres as said ("dramas and comedies"). */
  say(goal: string, genres: string): string;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
/** The goal without its closing full stop, to end it otherwise ("… tonight!", "… tonight pls."). */
const unstopped = (goal: string) => goal.replace(/[.!?]\s*$/, '');
const liking = (template: string, genres: string) => template.replace('{genres}', genres);

/** The simulator's first liking sentence: every MovieLens user had opened "<goal> I usually like <genres>." */
const canonicalLiking = likingSentences[0];
if (canonicalLiking === undefined) throw new PersonalabError('internal', 'the simulator lists no liking sentence');

/** The wording every other is compared with: what the simulator used to say to every user. */
export const canonicalWording: Wording = { name: 'canonical: I usually like X', source: 'canonical', say: (goal, genres) => `${goal} ${liking(canonicalLiking, genres)}` };

/** The simulator's other openers, each differing from the canonical one in one way: a liking sentence, a greeting, the order. */
function simulatorWordings(): Wording[] {
  const sentences = likingSentences.slice(1).map((template): Wording => ({ name: liking(template, 'X').replace(/\.$/, ''), source: 'simulator', say: (goal, genres) => `${goal} ${liking(template, genres)}` }));
  const greetings = [...new Set(openerGreetings.filter((greeting) => greeting !== ''))].map(
    (greeting): Wording => ({ name: `greeting "${greeting.trim()}"`, source: 'simulator', say: (goal, genres) => `${greeting}${canonicalWording.say(goal, genres)}` }),
  );
  const genresFirst: Wording = { name: 'liking before the goal', source: 'simulator', say: (goal, genres) => `${liking(canonicalLiking as string, genres)} ${goal}` };
  return [...sentences, ...greetings, genresFirst];
}

/** How people say the same in chat: other words for the liking, case, punctuation, an abbreviation, the order. */
const everydayWordings: readonly Wording[] = [
  { name: "I'm into X", source: 'everyday', say: (goal, genres) => `${goal} I'm into ${genres}.` },
  { name: 'X are my thing', source: 'everyday', say: (goal, genres) => `${goal} ${capitalised(genres)} are my thing.` },
  { name: 'big fan of X', source: 'everyday', say: (goal, genres) => `${goal} Big fan of ${genres}.` },
  { name: 'mostly X for me', source: 'everyday', say: (goal, genres) => `${goal} Mostly ${genres} for me.` },
  { name: 'lower case', source: 'everyday', say: (goal, genres) => canonicalWording.say(goal, genres).toLowerCase() },
  { name: 'pls', source: 'everyday', say: (goal, genres) => `${unstopped(goal)} pls. ${liking(canonicalLiking, genres)}` },
  { name: 'exclamation', source: 'everyday', say: (goal, genres) => `${unstopped(goal)}! ${liking(canonicalLiking, genres).replace(/\.$/, '!')}` },
  { name: 'X first: "X, that is what I like"', source: 'everyday', say: (goal, genres) => `${capitalised(genres)}, that is what I like. ${goal}` },
];

/** The fixed bank: the canonical wording first, then the simulator's openers, then everyday ones (16 in all). */
export const phrasingWordings: readonly Wording[] = [canonicalWording, ...simulatorWordings(), ...everydayWordings];

/**
 * The genres a user likes as the simulator says them ("drama movies", "comedy movies": "dramas and comedies"); a user
 * who likes none has no liking to word, and is refused (`invalid_argument`), to be left out by the caller.
 */
export function genresInWords(likedSubjects: readonly string[]): string {
  if (likedSubjects.length === 0) throw new PersonalabError('invalid_argument', 'a wording needs at least one liked genre');
  return listInWords(likedSubjects.map(spokenSubject));
}
