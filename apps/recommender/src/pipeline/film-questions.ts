/**
 * Questions about a film rather than requests for films ("is Alien scary?", "how old is Casablanca?", "who is in Star
 * Wars?") and choices between films ("which is better, Alien or Aliens?", "Heat or Casino for tonight?", "should I watch the
 * first or the second one?"), read from a message's words. Which films the words name is the caller's to find (the
 * catalogue, the last list, the film the conversation is on); what to answer is `film-answers.ts`'s.
 */

/**
 * What a question about one film asks: its story, its cast or director, its age, its genre, how it feels, whether children
 * can watch it, whether it is any good, its running time, or the recommender's own view of it ("have you seen Babe?").
 */
export type FilmAspect = 'plot' | 'people' | 'year' | 'genre' | 'feel' | 'children' | 'quality' | 'length' | 'opinion';

/** A question about one film, as written. */
export interface FilmQuestion {
  aspect: FilmAspect;
  /** The words naming the film ("Toy Story", "the third one", "it") and where they stand in the message. */
  film: { words: string; start: number };
  /** `feel`: the feel asked about ("scary"); `genre`: the genre words of a yes-or-no question ("a horror film" → "horror"). */
  word?: string | undefined;
}

/** A choice between films, as written. */
export interface FilmComparison {
  /** The words naming each film and where they stand; empty for "which of these is the best?" (the list shown). */
  films: { words: string; start: number }[];
  /** The feel compared ("scarier" → "scary", "funnier" → "funny"), or `older` / `newer`; undefined for better or best. */
  by?: string | undefined;
}

/**
 * How films feel, as their genres can tell it: a film listed with one of `genres` is likely so ("Alien is listed as horror,
 * so expect it to be scary"). Feels no genre tells ("sad", "boring") have none, and their answer says so.
 */
export const feels: Record<string, { genres: readonly string[]; named: string; said: string }> = {
  scary: { genres: ['horror'], named: 'Horror', said: 'scary' },
  funny: { genres: ['comed'], named: 'Comedy', said: 'funny' },
  romantic: { genres: ['romance'], named: 'Romance', said: 'romantic' },
  violent: { genres: ['war', 'horror', 'crime', 'action'], named: 'War, Horror, Crime or Action', said: 'violent' },
  exciting: { genres: ['action', 'adventure', 'thriller'], named: 'Action, Adventure or Thriller', said: 'exciting' },
  sad: { genres: [], named: '', said: 'sad' },
  boring: { genres: [], named: '', said: 'boring' },
  dark: { genres: [], named: '', said: 'dark' },
};
/** Feel words as people write them, with the feel they ask about. */
const feelWords: Record<string, string> = {
  scary: 'scary',
  frightening: 'scary',
  creepy: 'scary',
  spooky: 'scary',
  terrifying: 'scary',
  funny: 'funny',
  hilarious: 'funny',
  romantic: 'romantic',
  violent: 'violent',
  gory: 'violent',
  bloody: 'violent',
  brutal: 'violent',
  exciting: 'exciting',
  thrilling: 'exciting',
  sad: 'sad',
  depressing: 'sad',
  boring: 'boring',
  slow: 'boring',
  dark: 'dark',
  disturbing: 'dark',
};
/** Comparatives and superlatives of the feels ("scarier", "the funniest"), and of age. */
const comparativeWords: Record<string, string> = {
  scarier: 'scary',
  scariest: 'scary',
  creepier: 'scary',
  funnier: 'funny',
  funniest: 'funny',
  sadder: 'sad',
  saddest: 'sad',
  darker: 'dark',
  darkest: 'dark',
  older: 'older',
  oldest: 'older',
  newer: 'newer',
  newest: 'newer',
  'more recent': 'newer',
  'most recent': 'newer',
};

/** Words that may open a question ("ok, is Alien scary?", "quick question: who is in Heat?", "do you know how old Casablanca is?"). */
const LEAD = String.raw`(?:^|[.!?;:]\s*|,\s*)(?:(?:ok(?:ay)?|so|and|but|hmm+|well|hey|also|oh|then|quick question|just curious|btw|out of curiosity|do you know|can you tell me|could you tell me|any idea|i wonder(?:ed)?|i was wondering)[,:]?\s+)*`;
/**
 * The words naming a film: up to 80 characters within the clause, starting and ending with a non-space, so that no run of
 * spaces can be split between them and the words around them in more than one way (a run of 10,000 spaces had taken minutes).
 */
const NAME = (length: number) => String.raw`[^?!;,\s](?:[^?!;,]{0,${length - 2}}?[^?!;,\s])?`;
const FILM = String.raw`(?<film>${NAME(80)})`;
/** What may end a question after the film: words said in passing, then the clause's end. */
const END = String.raw`(?:\s+(?:please|then|exactly|really|though|anyway|tonight|for tonight|for me|again))*\s*(?:[?!;,]|\.(?=\s|$)|$)`;
/** The end of a message: punctuation and spaces, read one way only (`\s*[?.!]*\s*$` had split a run of spaces every way). */
const MESSAGE_END = String.raw`\s*(?:[?.!]+\s*)?$`;
/** Who might watch: "kids", "my 6 year old", "the family", "a child". */
const AUDIENCE = String.raw`(?:(?:a|an|my|our|the|young|little|small)\s+)*(?:kids?|children|child|family|toddlers?|little ones|teens?|teenagers?|(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[- ](?:year|yr)[- ]olds?|sons?|daughters?|nephews?|nieces?|grandkids?|grandchildren)`;
const FEEL = Object.keys(feelWords).join('|');

/** Patterns of questions about one film, in the order they are tried (a question about children before a feel: "is it too scary for kids?"). */
const questions: [FilmAspect, RegExp][] = (
  [
    ['plot', String.raw`${LEAD}what(?:'s| is| was)\s+${FILM}\s+(?:all\s+)?about${END}`],
    ['plot', String.raw`${LEAD}what happens in\s+${FILM}${END}`],
    ['plot', String.raw`${LEAD}(?:what(?:'s| is| was)\s+)?the\s+(?:plot|story|storyline|premise|synopsis)\s+(?:of|in|for)\s+${FILM}${END}`],
    ['plot', String.raw`${LEAD}(?:(?:can you |could you )?(?:give me|tell me)\s+)?(?:a\s+)?(?:plot|summary|synopsis)\s+(?:of|for)\s+${FILM}${END}`],
    ['plot', String.raw`${LEAD}how does\s+${FILM}\s+end${END}`],
    ['plot', String.raw`${LEAD}is\s+${FILM}\s+(?:based on a true story|a true story)${END}`],
    ['people', String.raw`${LEAD}who(?:'s| is| are| was| were)\s+(?:in|starring in|acting in|the\s+(?:stars?|leads?|actors?|cast|director|main (?:actor|actress|character))\s+(?:of|in))\s+${FILM}${END}`],
    ['people', String.raw`${LEAD}who\s+(?:stars|starred|plays|played|acts|acted|appears|appeared)\s+in\s+${FILM}${END}`],
    ['people', String.raw`${LEAD}who\s+(?:directed|made|wrote)\s+${FILM}${END}`],
    ['people', String.raw`${LEAD}(?:what(?:'s| is| are)\s+)?the\s+(?:cast|actors|director|stars)\s+(?:of|in)\s+${FILM}${END}`],
    ['people', String.raw`${LEAD}who\s+(?:is|was)\s+${FILM}\s+(?:directed|made|written)\s+by${END}`],
    ['year', String.raw`${LEAD}how old\s+(?:is|'s)\s+${FILM}${END}`],
    ['year', String.raw`${LEAD}how old\s+${FILM}\s+is${END}`],
    ['year', String.raw`${LEAD}when\s+(?:did|was)\s+${FILM}\s+(?:come out|made|released|filmed|out)${END}`],
    ['year', String.raw`${LEAD}when\s+${FILM}\s+(?:came out|was (?:made|released))${END}`],
    ['year', String.raw`${LEAD}when\s+(?:is|was)\s+${FILM}\s+from${END}`],
    ['year', String.raw`${LEAD}what year\s+(?:is|was|did)\s+${FILM}(?:\s+(?:from|made|released|come out|out))?${END}`],
    ['genre', String.raw`${LEAD}what\s+(?:genre|kind|type|sort)\s+(?:of\s+(?:film|movie|flick|thing)\s+)?(?:is|'s|was)\s+${FILM}${END}`],
    ['genre', String.raw`${LEAD}what\s+genres?\s+(?:is|are|does)\s+${FILM}(?:\s+(?:have|fall (?:under|into)|belong to|in))?${END}`],
    ['length', String.raw`${LEAD}how long\s+(?:is|'s)\s+${FILM}${END}`],
    ['length', String.raw`${LEAD}what(?:'s| is)\s+the\s+(?:running time|runtime|length)\s+of\s+${FILM}${END}`],
    [
      'children',
      String.raw`${LEAD}is\s+${FILM}\s+(?:(?:a|an)\s+)?(?:ok|okay|alright|all right|fine|suitable|appropriate|safe|good|great|right|too scary|too violent|too much)(?:\s+(?:film|movie|one|choice|pick|watch))?\s+(?:to (?:watch|show)\s+)?(?:for|with)\s+${AUDIENCE}${END}`,
    ],
    ['children', String.raw`${LEAD}is\s+${FILM}\s+(?:kid|child|family)[- ]friendly${END}`],
    // "How old do you have to be to watch Scream?": its age rating, asked before "how old is Scream?" reads it as its age.
    ['children', String.raw`${LEAD}how old\s+(?:do|does|should|must|would)\s+(?:you|i|one|a (?:kid|child)|my (?:kid|child|son|daughter)|kids|children)\s+(?:(?:have|need)\s+to\s+|to\s+)?be\s+(?:to|for)\s+(?:watch|see)\s+${FILM}${END}`],
    ['children', String.raw`${LEAD}(?:can|could|should)\s+(?:my|a|our|the)\s+(?:kids?|children|\d{1,2}[- ]year[- ]olds?|sons?|daughters?|little ones)\s+(?:watch|see)\s+${FILM}${END}`],
    ['feel', String.raw`${LEAD}is\s+${FILM}\s+(?:(?:too|very|really|that|so|at all|a bit|kind of|kinda|super|actually|a little|pretty)\s+)*(?<word>${FEEL})${END}`],
    ['feel', String.raw`${LEAD}how\s+(?<word>${FEEL})\s+is\s+${FILM}${END}`],
    [
      'quality',
      String.raw`${LEAD}is\s+${FILM}\s+(?:any good|good|great|overrated|worth (?:it|watching|seeing|my time|a (?:watch|look|try))|(?:(?:a|an|any)\s+)?(?:good|great|decent)\s+(?:film|movie|one|watch))${END}`,
    ],
    ['quality', String.raw`${LEAD}(?:should|would|will|do you think)\s+(?:i|we)\s+(?:watch|see|like|enjoy|love)\s+${FILM}${END}`],
    ['quality', String.raw`${LEAD}how\s+(?:good|well rated|highly rated|well liked|popular)\s+is\s+${FILM}${END}`],
    ['quality', String.raw`${LEAD}how\s+(?:is|was)\s+${FILM}\s+(?:rated|liked|received)${END}`],
    // "What's Babe rated?": the catalogue knows how people rate it, not its age rating (a list had answered).
    ['quality', String.raw`${LEAD}what(?:'s| is| was)\s+${FILM}\s+rated${END}`],
    ['quality', String.raw`${LEAD}what(?:'s| is| was)\s+the\s+(?:rating|score)\s+(?:of|for)\s+${FILM}${END}`],
    ['quality', String.raw`${LEAD}what\s+(?:rating|score)\s+(?:does|did)\s+${FILM}\s+(?:have|get)${END}`],
    ['quality', String.raw`${LEAD}(?:what|how)\s+do\s+(?:people|others|users|viewers|folks)\s+(?:think of|rate|like)\s+${FILM}${END}`],
    // "Have you seen Babe?", "did you like Casablanca?", "what's your take on Heat?": asked of the recommender (a list had
    // answered). Only as the message's end: "have you seen Fargo? I loved it, anything similar?" asks for films. "What do
    // you think of Heat?" is answered as "tell me about Heat" is (the intent reader's `about`).
    ['opinion', String.raw`${LEAD}(?:have|did|do)\s+you\s+(?:(?:ever|already|actually|also|even|really)\s+)*(?:seen|watched|see|watch|like|liked|love|loved|enjoy|enjoyed|hate|hated)\s+${FILM}${END}${MESSAGE_END}`],
    ['opinion', String.raw`${LEAD}(?:what(?:'s| is| are)\s+)?your\s+(?:opinion|thoughts|take|view)\s+(?:of|on|about)\s+${FILM}${END}${MESSAGE_END}`],
    // "Is Alien a horror film?": yes or no on a genre (the caller checks that the words name one).
    ['genre', String.raw`${LEAD}is\s+${FILM}\s+(?:a|an)\s+(?<word>[a-z' -]{2,40}?)${END}`],
  ] satisfies [FilmAspect, string][]
).map(([aspect, source]) => [aspect, new RegExp(source, 'd')]);

/** Words that name no film in a question's slot ("is there anything scary?", "who is in it?" is the film talked of). */
const notAFilm = /^(?:there|that|this|these|those|they|anything|something|everything|nothing|one|any|some|the one|ones)(?:\s|$)/;

/**
 * The question about one film a message asks, as written: what it asks and the words naming the film. Undefined for a
 * message that asks none ("is there anything scary?" names no film; the caller checks the words name one).
 */
export function readFilmQuestion(message: string): FilmQuestion | undefined {
  const text = message.toLowerCase().replace(/[’‘]/g, "'");
  for (const [aspect, pattern] of questions) {
    const found = pattern.exec(text);
    const film = found?.groups?.film;
    const at = found?.indices?.groups?.film;
    if (found === null || film === undefined || at === undefined) continue;
    const words = film.trim();
    if (words === '' || notAFilm.test(words)) continue;
    const word = found.groups?.word;
    return { aspect, film: { words, start: at[0] + (film.length - film.trimStart().length) }, ...(word === undefined ? {} : { word: aspect === 'feel' ? (feelWords[word] ?? word) : word }) };
  }
  return undefined;
}

/** Two films named side by side ("Alien or Aliens", "Heat and Casino"). */
const TWO = (joiner: string) => String.raw`(?<a>${NAME(60)})(?:,\s*|\s+)${joiner}\s+(?<b>${NAME(60)})`;
const COMPARED = String.raw`(?<by>better|best|(?:more|most)\s+[a-z]+|${Object.keys(comparativeWords).join('|')})`;
/** "Which is the best", "which one would be scarier": a choice asked by what the films are compared by. */
const WHICH_BEST = String.raw`which\s+(?:one\s+|film\s+|movie\s+)?(?:is|'s|was|would be|will be)\s+(?:the\s+)?${COMPARED}(?:\s+(?:one|film|movie|choice|pick))?`;
/** "Which should I watch", "which one would you recommend first": a choice asked by what to do. */
const WHICH_WATCH = String.raw`which\s+(?:one\s+)?(?:should|would|do|shall|can)\s+(?:i|we|you)\s+(?:watch|see|pick|choose|go (?:for|with)|recommend|prefer|start with)(?:\s+first)?`;
/** Choices between two films, in the order they are tried. */
const choices: RegExp[] = [
  String.raw`${LEAD}${WHICH_BEST}\s*[,:-]?\s*${TWO('or')}${END}`,
  String.raw`${LEAD}${WHICH_WATCH}\s*[,:-]?\s*${TWO('or')}${END}`,
  String.raw`${LEAD}(?:should|shall|do|would|can)\s+(?:i|we)\s+(?:watch|see|pick|choose|go (?:for|with)|start with|rather (?:watch|see))\s+${TWO('or')}${END}`,
  String.raw`${LEAD}(?:i\s+)?(?:can'?t|cannot|can not)\s+(?:decide|choose|pick)\s+between\s+${TWO('(?:and|or)')}${END}`,
  String.raw`${LEAD}(?:help me\s+)?(?:decide|choose|pick)\s+between\s+${TWO('(?:and|or)')}${END}`,
  String.raw`${LEAD}(?:i'm|i am)\s+torn between\s+${TWO('(?:and|or)')}${END}`,
  String.raw`${LEAD}is\s+(?<a>${NAME(60)})\s+${COMPARED}\s+than\s+(?<b>${NAME(60)})${END}`,
  String.raw`${LEAD}compare\s+${TWO('(?:and|with|to)')}${END}`,
  String.raw`${LEAD}${TWO('(?:vs\\.?|versus)')}${END}`,
  // "Heat or Casino, which should I watch?": the films named before the question, not the list shown ("comedy or drama,
  // which should I watch?" then names no film, and is a request: both had picked from the list shown).
  String.raw`^\s*${TWO('or')}\s*[,:;?-]\s*(?:${WHICH_BEST}|${WHICH_WATCH})${END}`,
  // "Heat or Casino for tonight?", "the first or the second one?": the whole message.
  String.raw`^\s*(?:(?:hmm+|so|ok(?:ay)?|well)(?:,\s*|\s+))*${TWO('or')}(?:\s+(?:for tonight|tonight|for me|then))?${MESSAGE_END}`,
].map((source) => new RegExp(source, 'd'));
/** "Of these", "of those", "of them": the list shown, after the words of a choice. */
const OF_THESE = String.raw`(?:\s+of\s+(?:these|those|them))?`;
/** The assistant's own favourite or pick: "your top pick", "your favourite one", "your personal choice". */
const YOUR_PICK = String.raw`your\s+(?:top\s+|best\s+|personal\s+|own\s+)?(?:pick|choice|favou?rite)(?:\s+one)?`;
/** Words that may open a choice: "ok, which one…", "so what's your pick?". */
const CHOICE_OPENERS = String.raw`(?:(?:ok(?:ay)?|so|and|but|hmm+|well)[,\s]+)*`;
/** Who the pick is for or when: "for a first date", "for my dad", "tonight". */
const PICK_FOR = String.raw`(?:\s+(?:tonight|for\s+(?:[\w']+\s+){0,2}[\w']+))?`;
/**
 * Asking which film of the list shown is best: "which of these is the best?", "which one should I watch?", "what's your top
 * pick?", "which of those is your favourite?", "if you had to choose one, which would it be?", "which do you like best?",
 * "which would you choose for a first date?"; and, as the whole message, leaving the pick to the recommender: "your pick",
 * "you choose", "pick one". After a request those leave its films to the recommender ("a western, your choice"), which had
 * been answered with a pick of the list shown.
 */
const choiceInList = new RegExp(
  String.raw`(?:(?:^|[.!?;:]\s*|,\s*)${CHOICE_OPENERS}(?:` +
    [
      String.raw`which\s+(?:one\s+)?(?:of\s+(?:these|those|them|the\s+\w+)\s+)?(?:is|'s|was|would be)\s+(?:the\s+)?(?<by>best|better|[a-z]+est|most\s+[a-z]+)(?:\s+(?:one|film|movie|pick))?(?:\s+of\s+(?:these|those|them|the\s+\w+))?`,
      String.raw`which\s+(?:one\s+)?(?:of\s+(?:these|those|them)\s+)?(?:should|would|do|shall)\s+(?:i|we|you)\s+(?:watch|see|pick|choose|start with|recommend)(?:\s+first)?${PICK_FOR}`,
      String.raw`which\s+(?:one\s+|one(?='s))?(?:of\s+(?:these|those|them)\s+)?(?:is|'s|would be)\s+${YOUR_PICK}`,
      String.raw`which\s+(?:one\s+)?(?:of\s+(?:these|those|them)\s+)?do\s+you\s+(?:like|prefer|love)(?:\s+(?:the\s+)?(?:best|most))?`,
      String.raw`what(?:'s| is| would be)\s+${YOUR_PICK}${OF_THESE}`,
      String.raw`what\s+would\s+you\s+(?:pick|choose|go\s+(?:for|with))${OF_THESE}`,
      String.raw`(?:do\s+you\s+have|have\s+you\s+got)\s+a\s+(?:favou?rite|top\s+pick)(?:\s+one)?${OF_THESE}`,
      String.raw`if\s+you\s+(?:had|have)\s+to\s+(?:choose|pick)(?:\s+(?:just\s+|only\s+)?one)?${OF_THESE}(?:(?:,\s*|\s+)which\s+(?:one\s+)?would\s+(?:it\s+be|you\s+(?:pick|choose)))?`,
      String.raw`if\s+i\s+(?:can|could)\s+(?:only\s+)?(?:watch|see|pick)\s+one`,
    ].join('|') +
    String.raw`)|^\s*${CHOICE_OPENERS}(?:${YOUR_PICK}|your\s+call|you\s+(?:choose|pick|decide)|(?:just\s+)?(?:pick|choose)\s+one(?:\s+for\s+(?:me|us))?))\s*(?:[?.!]+\s*)?$`,
);

/**
 * The choice between films a message asks for, as written: the two films' words ("Alien or Aliens", "between The
 * Godfather and Goodfellas", "the first or the second one"), or none for the whole list shown ("which of these is the
 * best?", `fromList`), and what they are compared by ("scarier"). Undefined for a message that asks no choice.
 */
export function readComparison(message: string, fromList: boolean): FilmComparison | undefined {
  const text = message.toLowerCase().replace(/[’‘]/g, "'");
  for (const pattern of choices) {
    const found = pattern.exec(text);
    const at = found?.indices?.groups;
    if (found === null || at?.a === undefined || at.b === undefined) continue;
    const films = [at.a, at.b].map(([start, end]) => {
      const written = text.slice(start, end);
      return { words: written.trim(), start: start + (written.length - written.trimStart().length) };
    });
    if (films.some((film) => film.words === '' || notAFilm.test(film.words))) continue;
    return { films, ...byOf(found.groups?.by) };
  }
  if (!fromList) return undefined;
  const found = choiceInList.exec(text);
  return found === null ? undefined : { films: [], ...byOf(found.groups?.by) };
}

/** What a comparative or superlative compares by ("scarier" → scary, "more romantic" → romantic); none for better or best. */
function byOf(word: string | undefined): { by?: string } {
  if (word === undefined || /^(?:better|best)$/.test(word)) return {};
  const comparative = comparativeWords[word];
  if (comparative !== undefined) return { by: comparative };
  const feel = feelWords[word.replace(/^(?:more|most)\s+/, '')];
  return feel === undefined ? {} : { by: feel };
}
