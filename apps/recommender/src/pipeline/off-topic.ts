import { queryContent } from './query-text.js';

/** A question by its shape: a question mark at its end, or an opening asking word ("do you like pizza", "where are my keys"). */
const question = /\?\s*$|^\s*(?:(?:do|did|does|have|has|can|could|will|would|are|is)\s+(?:you|u)|what(?:'s|\s+is)|where|who|when|how(?:'s|\s+is))\b/;

/**
 * Words about films, watching or asking for them: a question holding one is about films ("do you like movies?", "can you
 * recommend something?", "I enjoyed Heat, what next?"). "Seen" is not among them: "have you seen my keys?" asks about keys.
 */
const filmTalk =
  /\b(?:movies?|films?|flicks?|cinema|theat(?:er|re)s?|screen|actors?|actress(?:es)?|directors?|directed|cast|starring|plot|story|stories|genres?|sequels?|prequels?|series|trailers?|oscars?|hollywood|watch\w*|recommend\w*|suggest\w*|rat(?:e|ed|ing|ings)|list\w*|picks?|titles?|catalog(?:ue)?|tv|shows?|tonight|something|anything|more|else|another|others?|mood|scenes?|endings?|characters?|classics?|similar|next|loved|liked|enjoyed|hated|disliked|adored|like (?:it|that|this|them|those|these))\b/;

/**
 * Asks for films with no film word, as said to a recommender: "one"/"ones" for films ("got any good ones?", "do you have one
 * about pirates?", "any with dinosaurs?"), a topic offered ("what about dinosaurs?", "how about pirates?"), ideas asked for
 * ("a long weekend, any ideas?") and what others like ("what's popular right now?", "what do people like?"). Each had got
 * the off-topic answer: a film ask taken for small talk loses the list, where small talk taken for a film ask only gets one.
 */
const filmAsk =
  /\b(?:ones|(?:good|great|best|top|first|second|third|fourth|fifth|last|latest|new|newest|old|older|other|that|this)\s+one|(?:one|any|some)\s+(?:about|with|where|set in|featuring)|(?:what|how)\s+about|(?:any|some|got)\s+ideas|popular|people|everyone|everybody)\b/;
/** "It", "they", "those": the films just shown or talked of, when there are some ("is it in english?" after a list). */
const pointsBack = /\b(?:it|its|they|them|their|those|these)\b/;

/** A name written as one past a sentence's start ("do you like Pixar?"): a studio, person or title the catalogue may lack, not everyday life. */
// The lookahead first: the lookbehind then runs only at capitalised words (from every space of a long run, it was quadratic).
const writtenName = /\b(?=[A-Z][a-z])(?!I\b|I'[a-z]+\b)(?<![.!?]\s*|^\s*)/;

/**
 * A question about the assistant's own people ("do you have any friends?"): its only content words are ones `queryContent`
 * drops as company to watch with, so it had been read as a film ask and answered with a list.
 */
const yourPeople = /\b(?:do|did)\s+you\s+(?:have|got)\s+(?:(?:any|a|many|lots of|a lot of)\s+)?(?:friends?|wife|husband|son|daughter|kids|children|family)\b/;

/**
 * A general-knowledge question ("what is the capital of France?", "who is the president of France?"): the name it asks after is
 * a place or a person, not a title (*Paris, France* had been listed first).
 */
const knowledgeQuestion =
  /^\s*(?:what|who|which)(?:'s|\s+is|\s+was|\s+are|\s+were)\s+the\s+(?:capital|president|prime minister|population|king|queen|currency|language|leader|ceo|founder|inventor|tallest|largest|biggest|longest|highest|oldest|smallest)\b/;

/** A year: "what about 1995?" asks for films. */
const yearWritten = /\b(?:18|19|20)\d\d\b/;

/**
 * Whether a message is a question about something other than films: "do you like pizza?", "have you seen my keys?", "what's
 * the weather like today?", "can you order me a pizza?" (each had been answered with a list, "my keys" with Keys to Tulsa
 * first). Only when it is about something (`queryContent` keeps a word, or it asks after the assistant's people:
 * `yourPeople`), names no genre (`namesGenre`), no year, no film word or film ask (`filmAsk`), no name written as one (but the place or
 * person a general-knowledge question asks after: `knowledgeQuestion`, unless it names a catalogue title: `namesTitle`), and no
 * "it" after films (`filmsShown`: films were just shown or talked of); the caller has already read it for moods, titles and
 * film questions, which come first.
 */
export function offTopicQuestion(
  message: string,
  options: { namesGenre: (text: string) => boolean; namesTitle: () => boolean; filmsShown?: boolean },
): boolean {
  const text = message.toLowerCase().replace(/[’‘]/g, "'");
  // "Who is the president in Air Force One?", "What is the language of Casablanca?" ask about the film (the note had answered).
  const knowledge = knowledgeQuestion.test(text) && !options.namesTitle();
  const nameAsked = !knowledge && writtenName.test(message.replace(/[’‘]/g, "'"));
  if (!question.test(text) || filmTalk.test(text) || filmAsk.test(text) || yearWritten.test(text) || nameAsked) return false;
  if (options.filmsShown === true && pointsBack.test(text)) return false;
  if (options.namesGenre(text)) return false;
  return queryContent(text).trim() !== '' || yourPeople.test(text);
}
