/**
 * Whether the words before a first-person anchor ("i", "my") inside a clause leave that anchor the subject of a
 * statement of the speaker's own. Short chit-chat puts a filler or a time phrase there ("lol i", "in my spare time i");
 * long, edited messages put a relative clause's head ("the teachings i received emphasized ...", "something i find
 * fascinating"), a verb whose object the anchor is ("it opened my eyes to ...", "allowing my voice to ..."), or a
 * condition ("if i had a dog").
 */

/** A condition, a report, a question word or a relative pronoun: what follows is not a plain statement. */
const subordinating = /\b(?:if|when|you|would|could|should|whether|wish|think|thought|hope|guess|said|what|how|why|where|who|whom|whose|that|which|than|unless|until|whenever|wherever)\b/;
/** "that is why i ...", "which means i ...": a consequence, said as a statement. */
const consequence = /^(?:and |so )?(?:(?:that|this|which|it)(?: is|'s) (?:why|how)|(?:which|that|this) means)$/;
/** "i realized that i ...", "and noticed that my ...": the speaker's own finding, said as a statement. */
const ownFinding = /^(?:(?:and|but|so|then) )?(?:i )?(?:(?:soon|quickly|eventually|then|later|finally|suddenly) )?(?:realized|noticed|discovered|found|learned|felt|knew|figured|admit|must admit|have to admit)(?: that)?$/;
/**
 * "i tried board games with my family and realized that i ...": a finding after a clause of the speaker's own, as
 * `^i\s.*\s<finding>$`, read from its end (`ownFindingAfterClause`): `.*` had read the whole lead-in for every anchor
 * of a clause (quadratic on "i i i …").
 */
const findingAfterClause = /\s(?:and|but|then) (?:(?:soon|quickly|eventually|finally|suddenly) )?(?:realized|noticed|discovered|found|learned)(?: that)?$/y;
/** The longest text `findingAfterClause` matches (" eventually discovered that" after "then"), and some to spare. */
const findingLength = 48;
/** Determiners and quantifiers: a noun phrase right before "i" is the head of a relative clause ("each poem i read"). */
const determiner = /(?:^|\s)(?:the|a|an|each|every|some|any|many|most|those|these|this|that|another|other|all|no|something|anything|everything|nothing)(?:\s|$)/;
/** Heads of relative and comparative clauses ("in ways i had not expected", "how far i have come", "the more i tried"). */
const relativeHead = /(?:^|\s)(?:way|ways|things?|stuff|something|anything|everything|nothing|kind|sort|much|more|less|far|long|one|ones)$/;
/** A time or discourse phrase that may stand before the subject ("every day i", "at the moment i", "by the way i"). */
const timeOrDiscourse = /(?:^|\s)(?:day|days|week|weeks|weekend|weekends|month|months|year|years|time|morning|mornings|evening|evenings|night|nights|moment|past|end|summer|summers|winter|winters|spring|fall|autumn|holidays?|meantime|while|hand|life|now|then|beginning|start|age|hour|hours|semester|season|break|today|tonight|lately|recently)$/;
/** Prepositions that open an adverbial phrase before the subject ("in the garden i grow tomatoes"). */
const adverbialPreposition = /^(?:in|at|on|during|after|before|since|from|for|by|over|throughout|around|across|outside|inside|within|until|as of)\s/;
/** Words that may stand before a "my" subject: conjunctions, adverbs and fillers ("and my wife", "lately my son"). */
const beforePossessiveSubject = /^(?:and|but|so|also|plus|now|then|today|yesterday|lately|recently|still|even|well|yes|yeah|no|oh|ok|okay|anyway|though|because|since|as|while|sometimes|usually|finally|besides|however|[a-z]+ly)$/;

/** Whether `text` matches `^i\s.*\s<finding>$`: "i", a space, a line without line breaks, then the finding. */
function ownFindingAfterClause(text: string): boolean {
  if (!/^i\s/.test(text)) return false;
  for (let at = Math.max(2, text.length - findingLength); at < text.length; at++) {
    findingAfterClause.lastIndex = at;
    // The nearest start is enough: `.*` between "i " and it holds no line break if any start's does.
    if (findingAfterClause.test(text)) return !/[\n\r\u2028\u2029]/.test(text.slice(2, at));
  }
  return false;
}

/** Whether `text` (trimmed) has more than `limit` words split at whitespace, counted no further than that. */
function moreWordsThan(text: string, limit: number): boolean {
  const space = /\s+/g;
  let words = 1;
  while (space.exec(text) !== null) if (++words > limit) return true;
  return false;
}

/**
 * True when `leadIn` (the clause's words before the anchor, lower case, fillers already stripped or not) leaves the
 * anchor the subject of the speaker's own statement. `maxWords` bounds how long a lead-in may be.
 */
export function leadsIntoStatement(leadIn: string, anchor: 'i' | 'my', maxWords: number): boolean {
  const text = leadIn.trim();
  if (text === '') return true;
  if (consequence.test(text) || ownFinding.test(text) || ownFindingAfterClause(text)) return true;
  // Counted only up to the limit: every anchor of a long clause had split the whole lead-in before it.
  if (moreWordsThan(text, maxWords) || subordinating.test(text)) return false;
  const words = text.split(/\s+/);
  // "my" after a verb or a preposition is an object ("it opened my eyes", "sparking thoughts about my heritage").
  if (anchor === 'my') return /^one of$/.test(text) || words.every((word) => beforePossessiveSubject.test(word));
  if (relativeHead.test(text)) return false;
  if (determiner.test(text) && !adverbialPreposition.test(text) && !timeOrDiscourse.test(text)) return false;
  return true;
}
