import { normalizeUtterance } from '../text/normalize.js';
import { splitSentences } from '../text/tokenize.js';
import { stopWords } from '../text/stop-words.js';
import { eventVerdicts, withoutDoing } from './event-verdicts.js';
import { leadsIntoStatement } from './lead-in.js';
import { categoryOf, factKeyOf, focusingOpener, framePattern, genericWords, leadingFillers, listItemBlockers, listOpeners, objectStoppers, participleItem, perfectClause, subjectAdverbs } from './lexicon.js';
import type { PreferenceStatement, Statement, Tense } from './statement.js';

const maxObjectWords = 12;
const pronounObjects = new Set(['it', 'that', 'this', 'them', 'those', 'these', 'you', 'him', 'her', 'one', 'so', 'too']);

/** Words that trail an object without being part of it ("too", "as a kid", "these days"). */
const TRAILING_FILLER = String.raw`(?:too|also|as well|at all|a lot|so much|very much|for (?:years|ages|a long time)|as a kid|growing up|lol|haha|now|right now|lately|recently|these days|nowadays|though|either|really|actually|myself|anyway|then|again|yet again|once again|all over again|instead)`;
/**
 * The fillers ending an object, matched from the first of their run: without `(?<!\s<filler>)`, each "really" of
 * "really really …" not at the end had read to the end again (quadratic: 4.6 s for 200,000 characters).
 */
const trailingFillers = new RegExp(String.raw`(?<!\s${TRAILING_FILLER})(?:\s+${TRAILING_FILLER})+$`);

/** The object of a statement, cut before chatter and trailing fillers; undefined if nothing informative is left. */
function cleanObject(raw: string): string | undefined {
  // A comma before a pronoun starts another clause ("comedies, they relax me"); a list goes on ("dogs, cats and birds").
  // Emoji and symbols are style, not content.
  // "i like comedies less than i used to": the comparison is not part of what is liked.
  let object = raw.replace(/,\s*(?:they|it|that|this|which|i|we|he|she|you)\s.*$/i, '').replace(/(?<!\s)\s+(?:a (?:little|bit|lot) |much |way |even )?(?:less|more) than (?:i (?:used to|did)|before|ever|usual)\b.*$/, '').replace(/[^\p{L}\p{N}\s'&-]/gu, ' ').replace(/\s+/g, ' ').trim().replace(/(?<![.!?,;:])[.!?,;:]+$/g, '').replace(objectStoppers, '').trim();
  object = object.replace(trailingFillers, '').trim();
  const wordsOfObject = object.split(/\s+/).filter(Boolean);
  if (wordsOfObject.length === 0) return undefined;
  // A cut can leave a dangling word ("our shared labor and"); at the word limit, a preposition too ("guidance in").
  const length = objectLength(wordsOfObject);
  object = wordsOfObject
    .slice(0, length)
    .join(' ')
    .replace(length < wordsOfObject.length ? /(?:\s+(?:and|or|but|to|of|in|on|at|with|for|from|by|the|a|an|that|which|who|my|our|their|as|than|until))+$/ : /(?:\s+(?:and|or|but|the|a|an|that|which|who|my|our|their))+$/, '');
  if (!isInformative(object)) return undefined;
  return object;
}

/**
 * Words that open a non-restrictive or subordinate part of an object ("a garden in my backyard where i grow ..."); not
 * "who" or "that", whose clause says which thing is meant ("the people who fought in wars").
 */
const objectBreaks = new Set(['which', 'where', 'whose', 'while', 'when', 'despite', 'without', 'whereas']);

/**
 * How many words of an object to keep: all of a short one; of a long one, the words before its last relative or
 * subordinate part that starts within the limit (a cut in the middle of a phrase left "... guidance in"), else the limit.
 */
function objectLength(words: readonly string[]): number {
  if (words.length <= maxObjectWords) return words.length;
  for (let index = maxObjectWords; index >= 3; index--) if (objectBreaks.has(words[index] as string)) return index;
  return maxObjectWords;
}

/** True when the text has at least one content word that is not generic chatter. */
function isInformative(text: string): boolean {
  const tokens = text.match(/[a-z0-9]+/g) ?? [];
  if (tokens.length > 0 && tokens.every((token) => pronounObjects.has(token) || stopWords.has(token))) return false;
  return tokens.some((token) => !stopWords.has(token) && !genericWords.has(token) && !pronounObjects.has(token));
}

/**
 * A taste whose object names nothing: a pronoun with more words after it ("i enjoy them much more than ...", "i like it
 * when ...") or a clause ("i like how it is more direct", "i like that you are a writer").
 */
const unnamedSubject = /^(?:(?:it|them) \S|(?:how|what|when|where|why|whether|if) |that (?:i|you|he|she|they|it|we|there)\b)/;

const likeVerbs: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(?:love|loved|adore|adored|am obsessed with|am passionate about|am crazy about|am in love with|cannot get enough of|am a (?:big|huge|massive) fan of|am really into|have been (?:really |so |very )(?:into|obsessed with)|have been (?:loving|obsessed with))\b/, 0.9],
  // "i have been into x lately": a taste that holds now, however recently it began.
  [/^(?:have been (?:into|enjoying|getting into|liking))\b/, 0.8],
  // "i am hooked on podcasts", "now i am totally hooked on it".
  [/^(?:am (?:(?:totally|completely|so|really|now|absolutely|just) )*hooked on)\b/, 0.9],
  [/^(?:like|enjoy|am a fan of|am (?:more |now |mostly |much more |kind of |sort of |kinda )?into|am fond of|dig|liked|enjoyed)\b/, 0.7],
  // "i am a sucker for heist movies", "i am big on documentaries".
  [/^(?:am (?:a (?:total |real |big |huge )?)?sucker for|am (?:really |pretty )?big on)\b/, 0.8],
  // "i do not mind dramas": accepted, no more.
  [/^(?:do not mind|am (?:ok|okay|fine) with)\b/, 0.3],
  [/^(?:prefer|am (?:now |more )?leaning (?:more )?(?:towards|toward)|leaned (?:more )?(?:towards|toward)|lean (?:more )?(?:towards|toward)|have (?:always )?leaned (?:more )?(?:towards|toward))\b/, 0.6],
];
const dislikeVerbs: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(?:hate|hated|detest|despise|loathe|cannot stand|can not stand|cannot bear|really do not like|really dislike)\b/, 0.9],
  [/^(?:dislike|disliked|am not (?:really |that |very |much of |a (?:big |huge |massive )?)?(?:a fan of|fan of|into|fond of|big on)|do not (?:really )?care (?:much )?for|(?:have )?never (?:really |particularly )?(?:liked|enjoyed|cared for)|have never (?:really )?been (?:a (?:big |huge )?fan of|into|fond of))\b/, 0.7],
  [/^(?:do not (?:really |much )?(?:like|enjoy|love)|did not (?:really |particularly |much )?(?:like|enjoy|love))\b/, 0.6],
];

/**
 * Verbs that state a taste *and* that it changed: "i have gotten into westerns" (so westerns were not a taste
 * before), "i have gone off thrillers" (so they were). The earlier state is implied, not said: it is used only when
 * nothing earlier is known of the subject (see `PreferenceStatement.implied`).
 */
const changeVerbs: ReadonlyArray<readonly [RegExp, PreferenceStatement['polarity'], number, PreferenceStatement['polarity']]> = [
  [
    /^(?:have (?:really |recently |finally |slowly )?(?:gotten|got|been getting) into|am (?:really |slowly )?getting into|have (?:recently |finally |slowly )?(?:started|begun) (?:to (?:like|enjoy|love|appreciate)|liking|enjoying|loving)|(?:started|began) (?:to (?:like|enjoy|love|appreciate)|liking|enjoying)|have (?:slowly |finally )?(?:come around (?:on|to)|warmed (?:up )?to|grown to (?:like|love|enjoy|appreciate)|come to (?:like|love|enjoy|appreciate)))\b/,
    'like',
    0.8,
    'neutral',
  ],
  // "i have redirected my focus to music composition instead": a new taste.
  [/^(?:have )?(?:(?:also|recently|finally|since|now) )*(?:redirected|shifted|turned|moved|refocused) my (?:focus|attention|energy|energies|time) (?:to|towards|toward|onto|on)\b/, 'like', 0.7, 'neutral'],
  [
    /^(?:have (?:kind of |sort of )?gone off|have (?:grown|gotten|got|become) (?:tired|bored|sick) of|am (?:getting |so |really |kind of )?(?:tired|bored|sick) of|have lost (?:interest|my interest|all interest) in|got (?:tired|bored|sick) of|have had enough of|no longer (?:like|enjoy|love|care for|care about|watch))\b/,
    'dislike',
    0.7,
    'like',
  ],
  // "i made the tough decision to stop participating in dance therapy", "i have also stopped listening to audiobooks",
  // "i decided to opt out of mindfulness exercises": a taste given up (a forced stop, "i had to stop", is not one).
  [
    /^(?:have )?(?:(?:also|recently|finally|just|since|even|eventually|ultimately) )*(?:(?:decided to|made the (?:tough |difficult |hard |conscious )?decision to|chose to) (?:stop|quit|drop out of|opt out of|give up|step (?:away|back) from|take a break from|cut back on)|(?:stopped|quit|given up|gave up)(?= [a-z]+ing\b)|(?:taken|took) a break from|opted out of|(?:quickly |soon )?lost (?:interest|my interest|all interest) in)\b/,
    'dislike',
    0.7,
    'like',
  ],
];

/** "i find horror movies boring" → a dislike; "i find documentaries fascinating" → a like. */
const findJudgement = /^find (.+?) (?:really |so |a bit |kind of |pretty |quite |too |particularly |incredibly |very |extremely |truly |deeply |rather )?(boring|dull|tedious|annoying|overrated|unwatchable|pretentious|slow|silly|cheesy|depressing|fun|relaxing|entertaining|fascinating|inspiring|exciting|hilarious|beautiful|comforting|interesting)$/;
const negativeJudgements = new Set(['boring', 'dull', 'tedious', 'annoying', 'overrated', 'unwatchable', 'pretentious', 'slow', 'silly', 'cheesy', 'depressing']);

/**
 * The object of a comparison without what it is compared with: "comedies more than musicals", "comedies over musicals"
 * (after "prefer") → "comedies". Nothing is said of the other side: liking it less is not a dislike.
 */
function withoutComparison(object: string, prefer: boolean): string | undefined {
  const compared = object.replace(/\s+(?:(?:a (?:little|bit|lot)|much|way|even|far) )?(?:more|better|less) than\b.*$/, '');
  if (!prefer) return compared;
  const over = compared.replace(/\s+(?:over|rather than|instead of)\s.*$/, '');
  // "prefer dogs to cats"; not "prefer going to the movies" or "prefer to stay in".
  const to = /^((?:\S+ ){0,2}\S+) to (\S.*)$/.exec(over);
  if (!to?.[1] || !to[2] || /^(?:to|\S+ing)\b/.test(to[1])) return over;
  const infinitive = infinitiveAfterTo.exec(to[2]);
  if (!infinitive) return to[1];
  // "prefer music to listen to", "prefer comedies to watch with my kids": what is preferred for a purpose; "prefer my
  // movies to be short", "prefer the kids to watch cartoons": a wish about it, which names no taste.
  return infinitive[1] === undefined || /^(?:with|at|on|in|when|while|before|after|during|for|alone|together|together with|at home)\b/.test(infinitive[1]) ? to[1] : undefined;
}

/** An infinitive after "to" ("to listen to", "to be short"), with what follows its verb, not a compared noun ("to cats"). */
const infinitiveAfterTo = /^(?:be|listen|watch|read|see|hear|relax|unwind|chill|sleep|fall asleep|wind down|go|do|have|get|make|stay|keep|eat|cook|drink|sit|spend|take|start|come|know|learn|feel|look|think|talk|hang out|use|try|leave|wait|choose|pick|decide|help|put|bring|share|binge|stream|rewatch|laugh|cry|kill time|pass the time)(?: (?:to|with|along to|through|about|on)$| (.+))?$/;

/** "love pizza" → [0.9, "pizza"] when the text starts with a verb of the list. */
function matchVerb(text: string, verbs: ReadonlyArray<readonly [RegExp, number]>): [number, string] | undefined {
  for (const [pattern, strength] of verbs) {
    const match = pattern.exec(text);
    if (match) return [strength, text.slice(match[0].length).trim()];
  }
  return undefined;
}

/** "to bake cookies" and "baking cookies" name the activity; the subject drops the infinitive marker. */
const subjectOf = (object: string) => object.replace(/^to\s+/, '');

function preference(
  subject: string,
  polarity: PreferenceStatement['polarity'],
  strength: number,
  tense: Tense,
  reason: string | undefined,
  quote: string,
  category?: string,
  implied = false,
  inferred = false,
): Statement {
  const resolvedCategory = category ?? categoryOf(subject);
  return {
    kind: 'preference',
    subject,
    polarity,
    strength,
    tense,
    quote,
    ...(resolvedCategory ? { category: resolvedCategory } : {}),
    ...(reason ? { reason } : {}),
    ...(implied ? { implied: true } : {}),
    ...(inferred ? { inferred: true } : {}),
  };
}

/** A present taste and the earlier state its wording implies ("i am not into x anymore": x was liked). */
function changedPreference(subject: string, polarity: PreferenceStatement['polarity'], strength: number, before: PreferenceStatement['polarity'], reason: string | undefined, quote: string): Statement[] {
  return [preference(subject, before, before === 'neutral' ? 0.2 : 0.5, 'past', undefined, quote, undefined, true), preference(subject, polarity, strength, 'present', reason, quote)];
}

const fact = (value: string, tense: Tense, negated: boolean, quote: string): Statement => ({
  kind: 'fact',
  key: factKeyOf(value),
  value,
  tense,
  negated,
  quote,
});

/** Verbs whose "i <verb> <object>" clauses describe lasting facts (habits, background), not passing events. */
const factVerbs =
  /^(?:play|read|write|drive|ride|eat|drink|cook|bake|collect|volunteer|teach|study|listen to|watch|sing|dance|paint|draw|travel|hike|run|swim|walk|knit|sew|garden|fish|hunt|build|make|spend|take care of|help|speak|visit|wear|dye|grow|grew up|was born|was raised|moved|graduated|retired|quit|am married to|got married|served|serve|sell|raise|train|coach|compete|belong to|attend|practice|lift|jog|surf|ski|skate|climb|shop|go|went to|live|lived|work|worked|own|owned|have|had|has|got|married|won|recycle|believe in|meditate|fly|sail|camp|race|exercise|smoke|babysit|tutor|design|program|code|stay|homeschool|donate|rescue|foster|feed|breed|restore|fix|repair|swam|ran|rode|drove|take|love to|use|enjoy|played|wrote|cooked|baked|collected|volunteered|taught|studied|sang|danced|painted|traveled|travelled|hiked|walked|built|sold|raised|trained|coached|competed|attended|practiced|visited|served in|fought|survived|lost|broke|met|adopted|rescued)\b/;

/** A hedge before the verb ("i kind of like", "i sometimes enjoy", "i am sort of into") or after the object ("... sometimes"). */
const hedgeBefore = /^i (?:\S+ ){0,2}?(?:kind of|sort of|kinda|sometimes|somewhat|occasionally) /;
const hedgeAfter = /\s+(?:sometimes|at times|occasionally|(?:every )?now and then|once in a while|from time to time)$/;

/**
 * Mines the statements of one clause that starts with "i" or "my"; a hedged taste ("i kind of like x", "i like x
 * sometimes") is 0.2 weaker (not below 0.2), and the hedge is no part of its subject.
 */
function mineAnchored(anchored: string, reason: string | undefined, quote: string): Statement[] {
  const statements = mineAnchoredText(anchored, reason, quote);
  const hedgedBefore = hedgeBefore.test(anchored);
  return statements.map((statement) => {
    if (statement.kind !== 'preference' || statement.implied) return statement;
    const hedged = hedgedBefore || hedgeAfter.test(statement.subject);
    if (!hedged) return statement;
    const subject = statement.subject.replace(hedgeAfter, '');
    return { ...statement, subject, strength: Math.max(0.2, Math.round((statement.strength - 0.2) * 10) / 10) };
  });
}

/** Genres and kinds a speaker can say they are "a … person" for ("i am not really a comedy person"). */
const personKinds = /^(?:comedy|drama|horror|action|romance|thriller|sci-fi|scifi|science fiction|documentary|musical|western|animation|anime|fantasy|mystery|crime|war movie|superhero|indie|rom-com|romcom|movie|film|tv|book|music|cat|dog)$/;
/** Words of degree before "fan" that name no taste ("i am a big fan" says nothing of what). */
const fanDegrees = /^(?:a|an|big|huge|massive|die-hard|diehard|real|total|longtime|long-time|great|true|serious|bit|much)$/;
/** A category a taste of a film chat may be inferred for from a verb that is a habit elsewhere ("avoid", "do not watch"). */
const isMediaTaste = (object: string) => /^(?:movie|music|book)$/.test(categoryOf(object) ?? '');

/** Mines the statements of one clause that starts with "i" or "my". */
function mineAnchoredText(anchored: string, reason: string | undefined, quote: string): Statement[] {
  const text = anchored.replace(subjectAdverbs, 'i ').trim();

  // Goals: "i want to be a doctor", "my dream is to travel".
  const goal = /^(?:i (?:want|wanna|hope|plan|intend|dream|aspire|am planning|am hoping|am saving up|am saving|wish)(?: to| of| for)|i am (?:looking for|trying to find|trying to|planning)|i (?:would like|would love) to (?=be |become |have |travel |visit |own |go to |live |learn |open |start |write |work as |get a )|my (?:goal|dream|plan) is(?: to)?) (.+)$/.exec(text);
  if (goal?.[1]) {
    const object = cleanObject(goal[1]);
    if (!object) return [];
    const lead = text.slice(0, text.length - goal[1].length).trim();
    return [{ kind: 'goal', description: `${lead} ${object}`, quote }];
  }

  // "my favorite color is blue", "my favorite band are the beatles".
  const favorite = /^my (?:(?:all time|absolute|most) )?favorites?(?: (.+?))? (?:is|are|was|would be|has to be|will always be) (.+)$/.exec(text);
  if (favorite?.[2]) {
    // "my favorite is probably nirvana": the hedge is not part of the name.
    const object = cleanObject(favorite[2].replace(/^(?:probably|definitely|either|easily|hands down|without a doubt|still|currently|always) /, ''));
    if (!object) return [];
    const category = favorite[1] && favorite[1].split(' ').length <= 3 ? favorite[1] : undefined;
    return [preference(object, 'like', 1, 'present', reason, quote, category)];
  }

  // "i used to love x but now i hate it" is split upstream; here "i used to love x" is a past preference.
  // "i never used to enjoy x", "i did not use to like x": the earlier state was a dislike.
  const notUsedTo = /^i (?:never used to|did not use to|did not used to|never) (like|enjoy|love|care for|care about) (.+)$/.exec(text);
  if (notUsedTo?.[2] && /^i (?:never used|did not use)/.test(text)) {
    const object = cleanObject(notUsedTo[2]);
    // "i did not use to care about x": indifference, not a dislike.
    const indifferent = /^care/.test(notUsedTo[1] ?? '');
    return object ? [preference(subjectOf(object), indifferent ? 'neutral' : 'dislike', indifferent ? 0.2 : 0.5, 'past', reason, quote)] : [];
  }
  // "i was never a fan of x", "i was not into x": an earlier dislike (a present one is "i have never been a fan of x").
  const neverFan = /^i (?:was never|was not|never was) (?:really )?(?:a (?:big |huge )?fan of|into|fond of) (.+)$/.exec(text);
  if (neverFan?.[1]) {
    const object = cleanObject(neverFan[1]);
    return object ? [preference(subjectOf(object), 'dislike', 0.5, 'past', reason, quote)] : [];
  }
  const usedTo = /^i (?:used to|once) (.+)$/.exec(text);
  if (usedTo?.[1]) {
    // "i used to avoid cruise vacations": a dislike then, whatever the subject ("avoid" now is a taste only of films,
    // music and books: "i avoid sugar" is a habit).
    const avoided = /^(?:avoid|stay away from|steer clear of|skip) (.+)$/.exec(usedTo[1]);
    const avoidedObject = avoided?.[1] ? cleanObject(avoided[1]) : undefined;
    if (avoidedObject && !unnamedSubject.test(avoidedObject)) return [preference(subjectOf(avoidedObject), 'dislike', 0.6, 'past', reason, quote)];
    const liked = matchVerb(usedTo[1], likeVerbs);
    const disliked = matchVerb(usedTo[1], dislikeVerbs);
    const matched = liked ?? disliked;
    if (matched) {
      const object = cleanObject(matched[1]);
      return object ? [preference(subjectOf(object), liked ? 'like' : 'dislike', matched[0], 'past', reason, quote)] : [];
    }
    const object = cleanObject(usedTo[1]);
    return object ? [fact(`i used to ${object}`, 'past', false, quote)] : [];
  }

  if (text.startsWith('i ')) {
    const rest = text.slice(2);
    for (const [pattern, polarity, strength, before] of changeVerbs) {
      const match = pattern.exec(rest);
      if (!match) continue;
      // "opt out of reading challenges and focus more on leisurely reading": the second verb starts another statement.
      const object = cleanObject(withoutDoing(rest.slice(match[0].length).replace(/\s+and (?:now |instead |more )?(?:focus|spend|start|switch|shift|put|devote|try|move|turn|explore|concentrate|return|stick|use|make|learn|take|pursue|prioritize)\b.*$/, '').trim()));
      return object ? changedPreference(subjectOf(object), polarity, strength, before, reason, quote) : [];
    }
    // "i could watch westerns all day".
    const allDay = /^(?:could|can|would) watch (.+?) (?:all day|all night|forever|over and over(?: again)?|again and again|any day|anytime|any time)$/.exec(rest);
    if (allDay?.[1]) {
      const object = cleanObject(allDay[1]);
      return object ? [preference(object, 'like', 0.9, 'present', reason, quote)] : [];
    }
    const judged = findJudgement.exec(rest);
    if (judged?.[1] && judged[2]) {
      const object = cleanObject(judged[1]);
      return object && !/\b(?:it|that|this|them|myself)\b|^[a-z]+ly$/.test(object) ? [preference(object, negativeJudgements.has(judged[2]) ? 'dislike' : 'like', 0.7, 'present', reason, quote)] : [];
    }
    // "i would much rather switch to written formats instead": a taste for what is preferred.
    const rather = /^would (?:much |really |honestly |definitely )?rather (?:switch to |focus on |stick (?:to|with) |go with |spend (?:my )?time (?:on|with) |work on |have |do )?(.+?)(?: instead)?$/.exec(rest);
    if (rather?.[1] && !/^(?:not|be|just|stay|die|go|avoid|skip)\b/.test(rather[1])) {
      const object = cleanObject(rather[1]);
      return object && !unnamedSubject.test(object) ? [preference(subjectOf(object), 'like', 0.7, 'present', reason, quote)] : [];
    }
    // "i usually skip western movies" is a taste; "i skip breakfast" is a habit, left to the fact rules.
    // "i do not watch horror" likewise; "i do not watch tv" stays a fact.
    const skipped = /^(?:skip|tend to skip|avoid|tend to avoid|do not (?:really |usually |ever |often )?watch) (.+)$/.exec(rest);
    const skippedObject = skipped?.[1] ? cleanObject(skipped[1]) : undefined;
    if (skippedObject && isMediaTaste(skippedObject)) return [preference(skippedObject, 'dislike', 0.5, 'present', reason, quote)];
    // "i cannot really get into anime": a dislike; "i could not get into college" is no taste.
    const getInto = /^(?:cannot|can not|could not|could never|never could|have never been able to) (really |quite |ever )?get into (.+)$/.exec(rest);
    const getIntoObject = getInto?.[2] ? cleanObject(getInto[2]) : undefined;
    if (getIntoObject && !unnamedSubject.test(getIntoObject) && (getInto?.[1] !== undefined || categoryOf(getIntoObject) !== undefined)) return [preference(subjectOf(getIntoObject), 'dislike', 0.7, 'present', reason, quote)];
    // "i am kind of over zombie movies": a taste that held and no longer does (not "over the moon", "over 50").
    const over = /^am (?:(?:kind of|sort of|kinda|so|totally|really|pretty much|just|completely) )*over (.+)$/.exec(rest);
    const overObject = over?.[1] ? cleanObject(over[1]) : undefined;
    if (overObject && isMediaTaste(overObject)) return changedPreference(subjectOf(overObject), 'dislike', 0.6, 'like', reason, quote);
    // "i could take or leave rom-coms": neither liked nor disliked.
    const indifferent = /^(?:could|can) (?:really |honestly )?take (?:it )?or leave (.+)$/.exec(rest);
    const indifferentObject = indifferent?.[1] ? cleanObject(indifferent[1]) : undefined;
    if (indifferentObject && !unnamedSubject.test(indifferentObject)) return [preference(subjectOf(indifferentObject), 'neutral', 0.2, 'present', reason, quote)];
    // "i am more of a drama person", "i am not really a comedy person": a taste for a kind of film (not "a morning person").
    const person = /^am (not (?:really |much of |that much of |exactly )?)?(?:(?:more|much more|definitely|really|totally|such|kind of|sort of) )*(?:of )?(?:a|an) ([a-z-]+(?: [a-z-]+)?) person$/.exec(rest);
    if (person?.[2] && personKinds.test(person[2])) return [preference(person[2], person[1] ? 'dislike' : 'like', person[1] ? 0.6 : 0.7, 'present', reason, quote)];
    // "i am a huge horror fan", "i am not a big marvel fan": a taste for what the fan is a fan of.
    const fan = /^am (not (?:really |much of |that much of |that |exactly )?)?(?:a |an )?(?:(big|huge|massive|die-hard|diehard|real|total|longtime|long-time) )?([a-z-]+(?: [a-z-]+)?) fan$/.exec(rest);
    const fanObject = fan?.[3] && !fan[3].split(' ').some((word) => fanDegrees.test(word)) && !listItemBlockers.test(fan[3]) ? cleanObject(fan[3]) : undefined;
    if (fan && fanObject) return [preference(fanObject, fan[1] ? 'dislike' : 'like', fan[1] ? 0.7 : fan[2] ? 0.9 : 0.7, 'present', reason, quote)];
    // "i just turned 34": the same fact as "i am 34".
    const turned = /^turned (\d{1,3})(?: years? old)?(?: (?:last|this) (?:week|month|year)| recently| yesterday)?$/.exec(rest);
    if (turned?.[1]) return [fact(`i am ${turned[1]} years old`, 'present', false, quote)];
    const disliked = matchVerb(rest, dislikeVerbs);
    if (disliked) {
      // "i do not like x anymore", "i am not into x any more": x was liked before ("anymore" is not part of x).
      const noMore = /\s+(?:anymore|any more)\b[^a-z]*$/.exec(disliked[1]);
      const object = cleanObject(withoutComparison(noMore ? disliked[1].slice(0, noMore.index) : disliked[1], false) ?? '');
      if (!object || unnamedSubject.test(object)) return [];
      if (noMore && !/^(?:hate|detest|despise|loathe|cannot|can not)/.test(rest)) return changedPreference(subjectOf(object), 'dislike', disliked[0], 'like', reason, quote);
      return [preference(subjectOf(object), 'dislike', disliked[0], 'present', reason, quote)];
    }
    const liked = matchVerb(rest, likeVerbs);
    // "i like neither horror nor thrillers": both are dislikes.
    const neither = liked ? /^neither (.+?) nor (.+)$/.exec(liked[1]) : null;
    if (neither?.[1] && neither[2]) {
      return [neither[1], neither[2]].flatMap((part) => {
        const object = cleanObject(part);
        return object ? [preference(subjectOf(object), 'dislike', 0.6, 'present', reason, quote)] : [];
      });
    }
    if (liked) {
      // "i leaned more towards things like yoga": the examples are the taste.
      const compared = withoutComparison(liked[1].replace(/^(?:things|activities|stuff|options|something|ones) (?:like|such as) /, ''), /^prefer\b/.test(rest));
      const object = compared === undefined ? undefined : cleanObject(compared);
      return object && !unnamedSubject.test(object) ? [preference(subjectOf(object), 'like', liked[0], 'present', reason, quote)] : [];
    }
    // Allergies and fears are facts about the person, not tastes.
    const state = /^(am|was|have been|am not|was not|have never been|never was) (.+)$/.exec(rest);
    if (state?.[1] && state[2]) {
      const complement = state[2];
      // "i am good", "i am doing well": small talk, not a fact.
      if (/^(?:doing|going|trying|thinking|sure|sorry|glad|happy to|here|back|just|so|not sure|about to|kidding|joking|jealous)\b/.test(complement)) return [];
      // "i am watching tv": a passing activity; only lasting ones ("i am studying law") are facts.
      if (/^(?:not )?[a-z]+ing\b/.test(complement) && !/^(?:not )?(?:studying|working|living|saving|training|learning|raising|expecting|dating|volunteering|majoring|attending|going to school|going to college|retiring|moving)\b/.test(complement)) return [];
      // "i am 34" and "i am 34 years old" are the same fact; the canonical form names the unit.
      const age = /^(\d{1,3})(?: years? old| yrs? old| yo)?$/.exec(complement.replace(/(?<![.!?,;:])[.!?,;:]+$/, ''));
      if (age?.[1] && state[1] === 'am') return [fact(`i am ${age[1]} years old`, 'present', false, quote)];
      const object = cleanObject(complement);
      if (!object) return [];
      const negated = /not|never/.test(state[1]);
      const tense: Tense = state[1].startsWith('was') ? 'past' : 'present';
      return [fact(`i ${state[1]} ${object}`, tense, negated, quote)];
    }
    const negative = /^(do not|did not|never|cannot|can not|no longer|have not|have never|am unable to|could not) (.+)$/.exec(rest);
    if (negative?.[1] && negative[2]) {
      if (!factVerbs.test(negative[2]) && negative[1] !== 'never') return [];
      // "i could not help but notice ...": an idiom, not something the speaker cannot do.
      if (/^help but\b/.test(negative[2])) return [];
      const object = cleanObject(negative[2]);
      return object ? [fact(`i ${negative[1]} ${object}`, 'present', true, quote)] : [];
    }
    if (/^can (.+)$/.test(rest)) {
      const object = cleanObject(rest.slice(4));
      return object && factVerbs.test(rest.slice(4)) ? [fact(`i can ${object}`, 'present', false, quote)] : [];
    }
    // Frequency adverbs stay in the canonical form: "i only eat kosher" is not "i eat kosher".
    const frequency = /^(?:(?:always|only|usually|mostly|often|sometimes|still|regularly) )?/.exec(rest)?.[0] ?? '';
    const verb = factVerbs.exec(rest.slice(frequency.length));
    if (verb) {
      const rawObject = rest.slice(frequency.length + verb[0].length).replace(/(?<![.!?,;:])[.!?,;:]+$/, '').trim();
      const object = cleanObject(rawObject);
      const tense: Tense = /^(?:grew up|was born|was raised|moved|graduated|retired|quit|got married|served|served in|went to|lived|worked|owned|had|won|swam|ran|rode|drove|got|married|fought|survived|lost|broke|met|adopted|rescued)$|ed$|^(?:wrote|taught|sang|built|sold)$/.test(verb[0]) ? 'past' : 'present';
      if (!object) {
        // Habits and events that need no object: "i knit a lot", "i got married", "i retired".
        const selfContained = /^(?:a lot|every day|daily|often|regularly|on weekends|sometimes|)$/.test(rawObject) && !/^(?:have|has|had|got|go|take|use|make|own|owned|work|worked|stay|love to|enjoy|help|feed|fix|spend|visit|wear|went to|belong to|take care of|listen to|believe in|am married to)$/.test(verb[0]);
        return selfContained ? [fact(`i ${frequency}${verb[0]}${rawObject ? ` ${rawObject}` : ''}`, tense, false, quote)] : [];
      }
      return [fact(`i ${frequency}${verb[0]} ${object}`, tense, false, quote)];
    }
    return [];
  }

  // "my son is in junior high", "my wife works at a bank".
  const possessive = /^my ((?:[a-z]+ ){0,2}?[a-z]+) (is|are|was|were|has|have|had|works|lives|loves|likes|plays|died|passed away|got|makes|owns|does|goes|helps|raised|taught|calls|wants|says|thinks|used to) (.+)$/.exec(text);
  if (possessive?.[1] && possessive[3]) {
    if (/^(?:bad|pleasure|god|goodness|guess|day|week|weekend|night|morning|question|point|mind|opinion|thoughts)$/.test(possessive[1])) return [];
    const object = cleanObject(possessive[3]);
    if (!object) return [];
    const tense: Tense = /^(?:was|were|had|died|passed away|raised|taught|used to)$/.test(possessive[2] ?? '') ? 'past' : 'present';
    return [fact(`my ${possessive[1]} ${possessive[2]} ${object}`, tense, false, quote)];
  }
  // "my name is anna" and "my hobby is ..." fall through to here only if the verb list misses them.
  return [];
}

/** A group the speaker is in, as a subject: "we", "my wife and i", "me and my sister", "sarah and i". */
const sharedSubject = '(?:we|my (?:[a-z]+ ){0,2}?[a-z]+ and i|me and my (?:[a-z]+ ){0,2}?[a-z]+|(?!(?:my|we|me|yes|yeah|no|so|and|but|or|lol|haha|ok|okay|well|oh|then|now|also|plus|you|they|he|she|it|that|this|i)\\b)[a-z]+ and i)';
/** Taste verbs of a plural subject ("we love", "we are big fans of", "we do not like"). */
const sharedVerbs =
  '(?:love|like|enjoy|adore|hate|dislike|detest|despise|loathe|prefer|dig|are (?:(?:really|also|so|totally|not|mostly|big|huge|massive|all|both|kind of|sort of) )*(?:into|fans? of)|do not (?:really |much )?(?:like|enjoy|love|care for|mind)|cannot stand|can not stand|have been (?:really )?into|have never (?:really )?(?:liked|been into)|never (?:really )?liked|could watch|(?:could|can) take|would (?:much )?rather|tend to (?:avoid|skip)|skip|avoid)';
const sharedTastePattern = new RegExp(`^${sharedSubject} (?:(?:both|all|two|really|also|just|absolutely|totally|still|definitely|do|kind of|sort of|sometimes) )*(${sharedVerbs} .+)$`);
/** "my wife and i love x", "me and my sister love x": the group is one subject (not split before "i" / "my"). */
const compoundSubject = new RegExp(`(^|[,;:] )((?:my (?:[a-z]+ ){0,2}?[a-z]+|me|(?!(?:my|we|yes|yeah|no|so|and|but|or|lol|haha|ok|okay|well|oh|then|now|also|plus|you|they|he|she|it|that|this|i)\\b)[a-z]+) )and ((?:i|my (?:[a-z]+ ){0,2}?[a-z]+) (?:(?:both|all|two|really|also|just|absolutely|totally|still|definitely|do|kind of|sort of|sometimes) )*${sharedVerbs} )`, 'g');

/**
 * "we love musicals", "we are big fans of westerns", "my wife and i love musicals": a taste of a group the speaker is in,
 * so the speaker's, as "i …" (plural verbs made singular); undefined when the clause is not such a taste.
 */
function sharedTaste(clause: string): string | undefined {
  const match = sharedTastePattern.exec(clause);
  if (!match?.[1]) return undefined;
  const verb = match[1];
  // "we are big fans of" → "i am a big fan of"; "we are into" → "i am into".
  const singular = verb
    .replace(/^are (?:(?:really|also|such|all|both|so|totally) )*(not (?:really )?)?(?:(big|huge|massive) )?fans of\b/, (_all, not: string | undefined, size: string | undefined) => `am ${not ?? ''}a ${size ? `${size} ` : ''}fan of`)
    .replace(/^are\b/, 'am');
  const prefix = clause.slice(0, clause.length - verb.length);
  const hedge = /\b(?:kind of|sort of|sometimes)\b/.exec(prefix)?.[0];
  return `i ${hedge ? `${hedge} ` : ''}${singular}`;
}

/** The speaker's tastes in a shared one: 0.8 of the strength (the group's verdict, not only the speaker's), quote as written. */
function mineSharedTaste(clause: string, reason: string | undefined, quote: string): Statement[] {
  return mineAnchored(clause, reason, quote).flatMap((statement) => (statement.kind === 'preference' ? [{ ...statement, strength: Math.round(statement.strength * 80) / 100 }] : []));
}

/** Splits "x is my favorite" (the subject precedes the possessive). */
function mineFavoriteSuffix(clause: string, reason: string | undefined, quote: string): Statement[] | undefined {
  const match = /^(?:i think |i guess )?(.+?) (?:is|are) (?:probably |definitely )?(?:my|one of my) (?:(?:all time|absolute) )?favorites?(?: (.+))?$/.exec(clause);
  if (!match?.[1]) return undefined;
  const subject = cleanObject(match[1].replace(leadingFillers, ''));
  if (!subject || /\b(?:i|you|what|which|who)\b/.test(subject)) return [];
  const category = match[2] && match[2].split(' ').length <= 3 ? cleanObject(match[2]) : undefined;
  return [preference(subject, 'like', 1, 'present', reason, quote, category)];
}

const positiveVerdicts = ['great', 'fantastic', 'amazing', 'awesome', 'wonderful', 'excellent', 'brilliant', 'superb', 'a masterpiece', 'so good', 'really good', 'good'];
const negativeVerdicts = ['terrible', 'awful', 'a letdown', 'boring', 'bad', 'horrible', 'a waste of time', 'disappointing', 'a disappointment', 'dull', 'not good'];
const verdictAdjectives = [...positiveVerdicts, ...negativeVerdicts].join('|');
/** Polarity and strength of a verdict verb ("loved", "did not like") or adjective ("fantastic", "a letdown"). */
function verdictOf(word: string): [PreferenceStatement['polarity'], number] {
  const negative = /hated|disliked|not/.test(word) || negativeVerdicts.includes(word);
  const strong = /loved|hated/.test(word) || /^(?:fantastic|amazing|awesome|wonderful|excellent|brilliant|superb|a masterpiece|terrible|awful|horrible|a waste of time)$/.test(word);
  return [negative ? 'dislike' : 'like', strong ? 0.9 : /really/.test(word) ? 0.8 : 0.6];
}

const judgedSubject = new RegExp(
  `^(.+?) (?:was|is) (?:really |absolutely |so |just |pretty )?(?:${verdictAdjectives})[,;]? (?:and )?i (?:really |absolutely |totally )?(loved|liked|enjoyed|hated|disliked|did not like|did not enjoy) (?:it|them)(?: a lot| so much| very much)?$`,
);
/** "saw the iron harbor last week and hated it", "i just saw x and it was fantastic": the subject "i" may be left out. */
const watchedVerdict = new RegExp(
  `^(?:i )?(?:just |finally |recently )?(?:watched|saw|rewatched|re-watched|read|tried|ate|visited|played|listened to|finished) (.+?) (?:recently |yesterday |last (?:night|week|month|year|weekend) |the other day |again )?and (?:i )?(?:(?:really |absolutely |totally )?(loved|liked|enjoyed|hated|disliked|did not like|did not enjoy|really did not like) (?:it|them)(?: a lot| so much| very much)?|(?:it|they) (?:was|were) (?:really |absolutely |so |just |pretty )?(${verdictAdjectives}))$`,
);

/** "the iron harbor was great, i loved it": a verdict on the subject of the first clause. */
function mineJudgedSubject(sentence: string): Statement[] | undefined {
  const match = judgedSubject.exec(sentence);
  if (!match?.[1] || !match[2]) return undefined;
  const subject = cleanObject(match[1].replace(leadingFillers, ''));
  if (!subject || /\b(?:i|you|it|that|this|my|your|what)\b/.test(subject)) return undefined;
  return [preference(subject, ...verdictOf(match[2]), 'present', undefined, sentence)];
}

/** "x is okay", "x are hit or miss for me", "x are fine i guess": a lukewarm verdict on a kind of thing. */
const lukewarmTaste =
  /^(?:i (?:guess|think|suppose|would say|mean) )?(.+?) (?:is|are) (?:(?:just|only|usually|mostly|generally|kind of|sort of|pretty much|always|all|often) )*(?:ok|okay|alright|all right|fine|so-so|so so|meh|hit or miss|hit and miss|hit-or-miss)(?: (?:for me|to me|i guess|i suppose|i think|i would say|mostly|usually|sometimes|at best|nothing special|but nothing special))*$/;
/** Kinds of film a lukewarm verdict may be of ("comedies", "westerns", "old sci-fi movies"). */
const filmKinds =
  /^(?:(?:old|new|modern|classic|most|some|the|older|newer|recent)\s+)?(?:comed(?:y|ies)|dramas?|horror|action|romances?|romantic comedies|rom-?coms?|thrillers?|sci-?fi|science fiction|documentar(?:y|ies)|musicals?|westerns?|animation|animated (?:movies|films)|cartoons|anime|fantasy|myster(?:y|ies)|crime|war|superhero|indie|(?:film )?noir|kids|family|foreign|adventure|disaster|spy|heist|martial arts|slasher|zombie|period|biopics?)(?: (?:movies|films|flicks|ones|stuff))?$/;

/**
 * A dislike the same sentence takes back toward the middle: "horror is not really my thing but i do not hate it", "i am
 * not a fan of westerns, but they are ok": a mild dislike (0.4; it had been a dislike of 0.7, which keeps a genre out of
 * a recommender's lists).
 */
const softenedDislike = /\bbut (?:i )?(?:do not|did not) (?:really |actually |totally )?(?:hate|mind|dislike) (?:it|them|those)\b|\bbut (?:it is|it's|they are|they're|it was|they were|it can be|they can be) (?:still |sometimes |usually |mostly )?(?:ok|okay|alright|fine|watchable|not bad|not terrible)\b/;

/** Statements of one clause: the first-person anchor may follow a short filler or lead-in. */
function mineClause(clause: string, reason: string | undefined): Statement[] {
  const quote = clause;
  const stripped = clause.replace(leadingFillers, '').trim();
  const suffix = mineFavoriteSuffix(stripped, reason, quote);
  if (suffix) return suffix;
  const passion = /^(.+?) (?:is|are) (?:really |definitely )?(?:my (?:thing|passion|life|world|hobby|jam|obsession|go-tos?|go tos?)|what i love)$/.exec(stripped);
  if (passion?.[1]) {
    const subject = cleanObject(passion[1]);
    return subject && !/\b(?:i|you|it|that|this|what)\b/.test(subject) ? [preference(subject, 'like', 0.9, 'present', reason, quote)] : [];
  }
  const notForMe = /^(.+?) (?:(?:is|are) (?:just )?not (?:really )?(?:for me|my thing|my cup of tea)|(?:just |really )?(?:do|does) not do (?:it|much|anything) for me)$/.exec(stripped);
  if (notForMe?.[1]) {
    const subject = cleanObject(notForMe[1]);
    return subject && !/\b(?:i|you|it|that|this)\b/.test(subject) ? [preference(subject, 'dislike', 0.7, 'present', reason, quote)] : [];
  }
  // "comedies are okay i guess", "westerns are hit or miss for me", "dramas are fine": lukewarm, neither a like nor a dislike
  // (they had given no taste at all), only of kinds of film, music or books ("my job is okay" stays what it was).
  const middling = lukewarmTaste.exec(stripped);
  if (middling?.[1]) {
    const subject = cleanObject(middling[1]);
    if (subject && (filmKinds.test(subject) || isMediaTaste(subject)) && !/\b(?:i|you|it|that|this|they|he|she|we|everything|things)\b/.test(subject)) return [preference(subject, 'neutral', 0.2, 'present', reason, quote)];
  }
  // "westerns have grown on me": liked now, not before.
  const grewOn = /^(.+?) (?:has|have) (?:really |slowly |kind of )?grown on me$/.exec(stripped);
  if (grewOn?.[1]) {
    const subject = cleanObject(grewOn[1]);
    return subject && !/\b(?:i|you|it|that|this|they)\b/.test(subject) ? changedPreference(subject, 'like', 0.7, 'neutral', reason, quote) : [];
  }
  // "documentaries bore me", "slow films bore me to tears", "horror movies scare me too much", "x is too gory for me".
  const bores = /^(.+?) (?:really |just |kind of |sort of )?(?:(?:bore|bores) me(?: to (?:death|tears|sleep))?|(?:scare|scares|upset|upsets|stress|stresses) me (?:out )?(?:way )?too much|(?:is|are) (?:just |way |a bit |a little )?too (?:scary|gory|violent|slow|depressing|sad|cheesy|long|intense|dark) for me)$/.exec(stripped);
  if (bores?.[1]) {
    const subject = cleanObject(bores[1]);
    return subject && !/\b(?:i|you|it|that|this|they|he|she|we|people|who|which)\b/.test(subject) ? [preference(subject, 'dislike', 0.7, 'present', reason, quote)] : [];
  }
  // "give me a good courtroom drama any day".
  const anyDay = /^give me (?:a good |a great |a |an |some |good )?(.+?) any (?:day|time|day of the week)(?: of the week)?$/.exec(stripped);
  if (anyDay?.[1]) {
    const subject = cleanObject(anyDay[1]);
    return subject && !unnamedSubject.test(subject) ? [preference(subject, 'like', 0.8, 'present', reason, quote)] : [];
  }
  // "big fan of nolan films", "not a huge fan of musicals", "not really into gore": a taste said without its "i am".
  const subjectless = /^((?:not (?:really |that |too |exactly )?(?:much of )?)?)(?:a )?((?:big |huge |massive )?fan of|big on|into) (.+)$/.exec(stripped);
  if (subjectless?.[3] && (subjectless[1] !== '' || /fan of/.test(subjectless[2] ?? ''))) {
    const found = mineAnchored(`i am ${subjectless[1]}${/fan of/.test(subjectless[2] ?? '') ? 'a ' : ''}${subjectless[2]} ${subjectless[3]}`, reason, quote);
    if (found.length > 0) return found.filter((statement) => statement.kind === 'preference');
  }
  const shared = sharedTaste(stripped);
  if (shared !== undefined) return mineSharedTaste(shared, reason, quote);
  // "nothing beats a good horror movie (for me)".
  const nothingBeats = /^nothing beats (?:a good |a great |a |an |the )?(.+?)(?: for me)?$/.exec(stripped);
  if (nothingBeats?.[1]) {
    const subject = cleanObject(nothingBeats[1]);
    return subject ? [preference(subject, 'like', 0.9, 'present', reason, quote)] : [];
  }
  // "what i love about dancing is the freedom", "that's what i love about dancing": a taste for dancing (the anchor
  // "i" is in a relative clause).
  const whatAbout = /^(?:(?:that|this)(?: is|'s) )?what i (?:really |most )?(love|like|enjoy|hate|dislike)(?: most)? about (.+?)(?: (?:is|are|was)\b.*)?$/.exec(stripped);
  if (whatAbout?.[1] && whatAbout[2]) {
    const subject = cleanObject(whatAbout[2]);
    const dislike = /hate|dislike/.test(whatAbout[1]);
    return subject && !/\b(?:it|that|this|them|you|your)\b/.test(subject) ? [preference(subject, dislike ? 'dislike' : 'like', dislike ? 0.7 : 0.8, 'present', reason, quote)] : [];
  }
  // "call me anna", "i go by sam": the speaker's name.
  const calledName = /^(?:you can |just |please )?call me ([a-z][a-z'-]*)(?: please)?$|^i go by ([a-z][a-z'-]*)$/.exec(stripped);
  const name = calledName?.[1] ?? calledName?.[2];
  if (name && !/^(?:back|later|tomorrow|crazy|old fashioned|maybe|sometime|anytime)$/.test(name)) return [fact(`my name is ${name}`, 'present', false, quote)];
  // "lisbon is home (for me)": where the speaker lives.
  const home = /^(.+?) is (?:my )?home(?: for me| to me| now)?$/.exec(stripped);
  if (home?.[1] && home[1].split(' ').length <= 3 && !/\b(?:i|you|it|that|this|there|here|what|where|work|school)\b/.test(home[1])) return [fact(`i live in ${home[1]}`, 'present', false, quote)];
  // "i watched the lost river recently and loved it": a verdict on one item.
  const verdict = watchedVerdict.exec(stripped);
  if (verdict?.[1] && (verdict[2] || verdict[3])) {
    const subject = cleanObject(verdict[1]);
    return subject ? [preference(subject, ...verdictOf(verdict[2] ?? verdict[3] ?? ''), 'present', reason, quote)] : [];
  }
  const anchors = [...stripped.matchAll(/\b(?:i|my) /g)];
  for (const anchor of anchors) {
    const prefix = stripped.slice(0, anchor.index).trim();
    // A long or conditional lead-in ("if i had", "you said i"), a relative clause's head ("each poem i read") or a verb
    // whose object the anchor is ("it opened my eyes") leaves no statement of the user's own.
    if (!leadsIntoStatement(prefix, anchor[0].trim() as 'i' | 'my', 3)) continue;
    const found = mineAnchored(stripped.slice(anchor.index), reason, quote);
    if (found.length > 0) return found;
  }
  return [];
}

/** Verbs that, after "and", start a new statement with "i" left out ("i swim and coach kids"). */
const coordinatedVerbs = 'am|have|work|live|love|like|enjoy|hate|own|play|teach|study|volunteer|go|drive|ride|read|write|collect|cook|bake|run|walk|swim|paint|sing|dance|travel|want|hope|plan|used to';
const runOnVerbs = new RegExp(`^(?:${coordinatedVerbs}|was|got|also|just|really|grew|went|am|have)$`);
/**
 * "and" before a verb whose subject is the "i" before it (compiled once: `splitClauses` runs per clause); not before a
 * noun that looks like one of them, which a finite verb follows ("laughter and love were the main ingredients").
 */
const coordinatedAnd = new RegExp(`\\s+and (?:also |then )?(?=(?:${coordinatedVerbs}) (?!(?:is|are|was|were|has|had|will|can)\\b))`, 'g');
/**
 * "but" before a taste verb whose subject is the "i" of the clause ("i like comedies but hate musicals", "i love
 * westerns but do not like horror"), and "and" before a negative one ("and do not like musicals"); not before a noun
 * that a finite verb follows ("but love is hard").
 */
const contrastedVerb = new RegExp(
  `(?:\\s+(?:but|yet|though|although|whereas|while)(?: (?:also|really|absolutely|totally|still|definitely|just))*\\s+(?=(?:love|like|enjoy|adore|prefer|dig|hate|dislike|detest|despise|loathe|do not|did not|cannot|can not|am not|am into|are not|are into|find) (?!(?:is|are|was|were|has|had|will|can)\\b))|\\s+and\\s+(?=(?:do not|cannot|can not|dislike|detest|despise|loathe|adore|prefer) ))`,
  'g',
);
/** "but not horror", "and not really into romance": a contrast whose verb is the negated taste of the clause before. */
const contrastedNegation = /\s+(?:but|and|though|although|yet|whereas|while)\s+(?=not )/g;
const strandedPreposition = /\s(?:to|with|for|about|in|on|at|from|of|into)[.!?]*$/;
/** Words after which an "i" starts a subordinate clause ("the book that i read"), not a new statement. */
const subordinators = new Set(['that', 'which', 'who', 'whom', 'what', 'where', 'when', 'if', 'because', 'than', 'as', 'how', 'why', 'whether', 'since', 'until', 'while', 'cause', 'cuz', 'before', 'after', 'unless', 'whenever', 'wherever', 'so', 'and', 'but', 'or', 'think', 'guess', 'know', 'hope', 'wish', 'said', 'say', 'mean', 'bet', 'feel', 'believe', 'like', 'love', 'am', 'do', 'did', 'can', 'could', 'would', 'should', 'will', 'the', 'a', 'an', 'you', 'than', 'things', 'thing', 'stuff', 'something', 'one', 'all']);

/**
 * Splits a sentence into clauses: at commas and semicolons, at conjunctions before "i"/"my", at
 * "and" before a verb whose subject is the same "i", and inside run-ons ("i live in ny i work as
 * a librarian"), where a first-person clause is followed by "i <verb>" after a word that does
 * not subordinate it.
 */
export function splitClauses(sentence: string): string[] {
  const clauses: string[] = [];
  // "and now i love it": a time word between the conjunction and "i" starts the new clause too ("i loved it and" had been one).
  // "my wife and i love musicals": the "and" of a group the speaker is in joins one subject ("\u0001" marks it).
  const joined = sentence.replace(compoundSubject, '$1$2and\u0001 $3');
  for (const part of joined.split(/\s*[,;:]\s*|\s+(?:but|and|so|then|although|though|while|plus)\s+(?=(?:(?:now|these days|nowadays|lately|today|still|also|then|recently|sometimes|usually) )?(?:i|my) )/)) {
    // Only a clause whose subject is the speaker lends its "i" to a contrast ("my wife likes x but hates y" is hers); a
    // group the speaker is in lends "we" ("we love sci-fi but hate horror").
    const subject = part.replace(leadingFillers, '').trim();
    const shared = !/^i /.test(subject) && sharedTastePattern.test(subject.replaceAll('\u0001', ''));
    const contrasted = /^i /.test(subject) ? part.replace(contrastedNegation, (conjunction: string, offset: number) => (contrastedItem(part.slice(offset + conjunction.length), part.slice(0, offset)) === undefined ? conjunction : ' \u0000')).replace(contrastedVerb, ' \u0000i ') : shared ? part.replace(contrastedVerb, ' \u0000we ') : part;
    const withSubjects = contrasted.replace(coordinatedAnd, ' \u0000i ');
    for (const piece of withSubjects.split(' \u0000')) {
      const words = piece.split(' ');
      let start = 0;
      for (let index = 1; index < words.length; index++) {
        const word = words[index];
        // Only a first-person clause followed by "i <verb>" is a run-on: "movies i can watch" is one clause.
        // Nor is one whose "i" clause strands a preposition: "a book festival i was invited to" is a relative clause.
        if (word === 'i' && index - start >= 3 && /^(?:i|my)$/.test(words[start] as string) && runOnVerbs.test(words[index + 1] ?? '') && !subordinators.has((words[index - 1] as string).replace('\u0001', '')) && !strandedPreposition.test(words.slice(index).join(' '))) {
          clauses.push(words.slice(start, index).join(' '));
          start = index;
        }
      }
      clauses.push(words.slice(start).join(' '));
    }
  }
  return clauses.map((clause) => clause.replaceAll('\u0001', '').trim()).filter(Boolean);
}

/**
 * List items after a comma take the subject and verb of the clause before them: "i love dogs, cats
 * and birds" → "i love dogs", "i love cats and birds" (without this the items after the first were
 * lost; `splitCoordinatedObjects` then splits the last pair). Items of more than six words, or with a subject or pronoun of their own, are left alone.
 */
export function completeListItems(clauses: readonly string[]): string[] {
  let frame: string | undefined;
  let perfect = false;
  let previous: string | undefined;
  return clauses.map((clause) => {
    const stripped = clause.replace(leadingFillers, '').trim();
    const head = framePattern.exec(stripped.replace(subjectAdverbs, 'i '))?.[1];
    if (head !== undefined || /^(?:i|my) /.test(stripped)) {
      frame = head;
      perfect = perfectClause.test(stripped);
      previous = stripped;
      return clause;
    }
    // "i love sci-fi, but not horror": the taste before, negated.
    const contrasted = contrastedItem(clause, previous);
    previous = undefined;
    if (contrasted !== undefined) {
      frame = undefined;
      return contrasted;
    }
    // "i have been reflecting on my habits, especially related to music": a qualifier, not "i have related to music".
    const framed = framedListItem(listItemText(stripped), perfect && focusingOpener.test(stripped) ? undefined : frame, perfect);
    if (framed === undefined) frame = undefined;
    return framed ?? clause;
  });
}

/** A clause that states a positive taste ("i love sci-fi", "i am really into thrillers"), which a contrast "but not x" negates. */
const positiveTaste = /^i (?:(?:really|also|just|absolutely|totally|definitely|do|still|mostly|generally|usually|personally) )*(?:like|love|enjoy|adore|dig|prefer|am (?:(?:really|very|so|totally|also|more) )*(?:into|(?:a )?(?:huge |big |really big )?fan of|fond of|keen on))\b/;
/** "not (really) into x", "not so much x", "not a fan of x": what a contrast leaves out, with the words that keep its verb. */
const negatedItem = /^(?:but |and |though |although |yet |whereas |while )?not (?:(?:really|so much|that much|as much|too much|much|particularly|a (?:big |huge )?fan of|fan of|into|fond of|keen on|big on|crazy about) )*(.+)$/;
/** Objects of a contrast that qualify the taste rather than name another ("but not always", "but not in the rain"). */
const qualifyingNegation = /^(?:be|feel|have|get|go|do|make|take|need|want|know|think|see|say|worry|mind|care|necessarily|always|often|all|every|everything|anything|everyone|any|anymore|any more|too|that|this|it|them|those|these|the (?:new|old|newer|older|latest|recent|modern)|new|old|ones|only|just|now|today|yet|even|because|since|when|if|as|in|on|at|for|with|to|during|while|enough|sure|quite|exactly|a lot|much|so|really|every|most|many|some)\b/;

/**
 * A contrast after a positive taste, with the taste's verb negated: "not horror" after "i love sci-fi" → "i do not like
 * horror"; "not really into romance" after "i am into thrillers" → "i am not really into romance". Undefined when the
 * clause before states no positive taste of the speaker's, or the contrast qualifies it ("but not always", "but not the
 * new ones", "but not in the rain") instead of naming something else.
 */
export function contrastedItem(clause: string, previous: string | undefined): string | undefined {
  // "i like clothes that i can wear all day and not feel uncomfortable": the contrast is inside a relative clause.
  if (previous === undefined || !positiveTaste.test(previous.replace(leadingFillers, '').trim()) || /\s(?:that|which|who|where|when|if|because|so) /.test(previous)) return undefined;
  const item = clause
    .replace(/[^\p{L}\p{N}\s'&-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const match = negatedItem.exec(item);
  const object = match?.[1]?.replace(/\s+(?:either|though|really|at all|as much|so much|that much|anymore|any more)$/, '');
  if (!match || !object || object.split(' ').length > 6 || listItemBlockers.test(object) || qualifyingNegation.test(object)) return undefined;
  // The item's own verb ("not into", "not a fan of") is kept; a bare object takes "do not like".
  const own = /^not ((?:really |that |so |much |a (?:big |huge )?)?(?:into|fan of|a fan of|fond of|keen on|big on|crazy about)) /.exec(item.replace(/^(?:but|and|though|although|yet|whereas|while) /, ''))?.[1];
  return own !== undefined ? `i am not ${own} ${object}` : `i do not like ${object}`;
}

/** A preposition followed by "every", "each" or "all" inside the left object of a pair. */
const prepositionBefore = /\s(?:over|of|with|for|about|between|into|from|on|in|at|to) (every|each|all)\s/;
/** Pairs joined by "and" that name one thing ("rock and roll"), never split into two objects. */
const fixedPairs = /\b(?:rock and roll|r and b|salt and pepper|black and white|fish and chips|mac(?:aroni)? and cheese|peanut butter and jelly|arts and crafts|bread and butter|law and order|pride and prejudice|romeo and juliet|hide and seek|trial and error|drum and bass|dungeons and dragons|pros and cons|sweet and sour|rise and fall|war and peace|beauty and the beast|lilo and stitch|tom and jerry|bonnie and clyde|simon and garfunkel|hall and oates|pen and paper)\b/;
/** Adverbs between "am" / "are" and "into" ("i am mostly into rock and pop"), kept in the frame (they set the strength). */
const intoAdverbs = '(?:(?:really|mostly|mainly|also|so|very|totally|more|now|just|pretty|kind of|sort of|kinda|much more) )*';
const objectFrame = new RegExp(
  `^(i (?:like|love|enjoy|hate|prefer|do not (?:like|enjoy)|(?:can not|cannot) stand|play|collect|read|watch|listen to|eat|drink|have|own|speak|cook|bake|make|study|teach|am interested in|am ${intoAdverbs}into|am (?:a )?(?:big |huge )?fan of)|${sharedSubject} (?:(?:both|all|really|also) )*(?:like|love|enjoy|hate|prefer|do not (?:like|enjoy)|(?:can not|cannot) stand|are ${intoAdverbs}into|are (?:big |huge )?fans of)) (.+)$`,
);

/**
 * Two objects of one verb become two clauses: "i love hiking and reading" → "i love hiking", "i love
 * reading"; "i love to run and read" → "i love to run", "i love to read". Not split: fixed pairs
 * ("rock and roll"), pairs capitalised on both sides of the "and" in the original message (a title
 * or a name: "Sense and Sensibility", "Simon and Garfunkel"), objects of more than five words or
 * with a pronoun, and clauses with more than one "and".
 */
export function splitCoordinatedObjects(clauses: readonly string[], protectedPairs: ReadonlySet<string> = new Set()): string[] {
  return clauses.flatMap((clause) => {
    const stripped = clause.replace(leadingFillers, '').replace(subjectAdverbs, 'i ').trim();
    const match = objectFrame.exec(stripped);
    if (!match?.[1] || !match[2]) return [clause];
    const object = match[2];
    // "i do not like crowds or noise": "or" joins two objects of a negated verb.
    const parts = object.split(/ do not | (?:can not|cannot) /.test(` ${match[1]} `) ? / (?:and|or) / : / and /);
    if (parts.length !== 2 || fixedPairs.test(object)) return [clause];
    const [left, right] = parts.map((part) => part.trim()) as [string, string];
    const leftWords = left.split(' ');
    const rightWords = right.split(' ');
    if (left === '' || right === '' || leftWords.length > 5 || rightWords.length > 5) return [clause];
    if (listItemBlockers.test(left) || listItemBlockers.test(right) || /^(?:also|then|so|now|more|other|much|many|stuff|things|all|everything|anything)\b/.test(right)) return [clause];
    // Capitalised on both sides: a title or a name, unless the verb is "speak" (languages are capitalised).
    if (protectedPairs.has(`${leftWords[leftWords.length - 1]} and ${rightWords[0]}`) && !/ speak$/.test(match[1])) return [clause];
    // "to run and read": the infinitive marker carries over; so does a gerund before a short noun ("playing chess and checkers").
    const gerund = /^(?:to |playing |watching |reading |listening to |eating |cooking |making |collecting )/.exec(left)?.[0];
    // "i have control over every note and every rhythm": the pair, both with one determiner, is the object of the preposition.
    const determinerOfRight = /^(?:every|each|all) /.exec(right)?.[0];
    if (gerund === undefined && determinerOfRight !== undefined && prepositionBefore.exec(left)?.[1] === determinerOfRight.trim()) return [clause];
    let second = gerund !== undefined && !/^(?:to |\S+ing\b)/.test(right) && (gerund === 'to ' || rightWords.length <= 2) ? `${gerund}${right}` : right;
    // "a brother and sister": a one-word second noun takes the first one's article ("a sister", "an aunt").
    const article = /^(a|an|one|my) /.exec(left)?.[1];
    if (article !== undefined && second === right && rightWords.length === 1 && !/^(?:a|an|the|my|one|two|three|some|\d+)$/.test(right)) {
      second = `${article === 'a' || article === 'an' ? (/^[aeiou]/.test(right) ? 'an' : 'a') : article} ${right}`;
    }
    return [`${match[1]} ${left}`, `${match[1]} ${second}`];
  });
}

/** "Sense and Sensibility" in the original message → "sense and sensibility": pairs capitalised on both sides. */
export function capitalisedPairs(message: string): Set<string> {
  const pairs = new Set<string>();
  for (const match of message.matchAll(/\b([A-Z][\p{L}'\u2019]*) (?:and|&) ([A-Z][\p{L}'\u2019]*)/gu)) pairs.add(`${(match[1] as string).toLowerCase().replace(/\u2019/g, "'")} and ${(match[2] as string).toLowerCase().replace(/\u2019/g, "'")}`);
  return pairs;
}

/** A clause read as a list item: punctuation gone, an opener ("and", "especially") dropped. */
export function listItemText(clause: string): string {
  return clause.replace(/[^\p{L}\p{N}\s'&-]/gu, ' ').replace(/\s+/g, ' ').trim().replace(listOpeners, '');
}

/**
 * A list item with the subject and verb of the clause before it ("i love" + "cats and birds"); undefined unless short and
 * without a subject of its own. After a clause in the perfect tense (`perfect`), only an item with a participle of its own
 * takes its "i have" ("i have restored cars, built furniture"; not "i have been to italy, france": "i have france").
 */
export function framedListItem(item: string, frame: string | undefined, perfect = false): string | undefined {
  // "not horror" is no item of the frame's verb: `contrastedItem` negates it, or nothing does.
  if (frame === undefined || item === '' || item.split(' ').length > 6 || listItemBlockers.test(item) || /^not\b/.test(item)) return undefined;
  if (perfect && !participleItem.test(item)) return undefined;
  return `${frame} ${item}`;
}

/** Removes the question tail of a sentence ("i love dogs, do you?"). */
function dropQuestionTail(sentence: string): string {
  return sentence.replace(/[,\s]*(?:and |what about |how about |do |are |have )?you(?: too| guys)?\s*\?$/, '').trim();
}

/** What a change's second half may say instead of a clause: the earlier taste no longer holds ("but not anymore"). */
const noLonger = /^not (?:so much |really |as much )?(?:anymore|any more|now|these days|nowadays)$/;
/** Time words that put a taste in the present against an earlier one ("but now i hate it"). */
const nowMarker = /^(?:now|these days|nowadays|lately|today|as an adult|since then)\b|\b(?:now|anymore|any more|these days|nowadays|no longer)$/;
/** Time words that put a taste in the past ("i loved horror as a kid"). */
const pastMarker = /\b(?:as a (?:kid|child|teen|teenager)|growing up|when i was (?:young|younger|a kid|little|a child|a teen|a teenager|in school|in college)|in (?:high school|college)|back then|years ago|in my (?:teens|twenties|youth))\b/;

/**
 * "i used to hate it but now i love it", "i loved horror as a kid but now i hate it", "i liked westerns but not anymore"
 * → the past clause, the present clause and the referent of "it". A taste in the simple past is a change only with a time
 * word on either side ("now", "as a kid", "not anymore"): "i liked the film but i hated the ending" is two verdicts.
 */
function mineChange(sentence: string): Statement[] | undefined {
  const usedTo = /^(?:.*?\b)?(i (?:used to|never used to|did not use to|never cared (?:much )?(?:about|for)|was never|was not|never was|never liked|never really liked) .+?),? but ((?:now |these days |nowadays |lately |today )?i .+|not .+)$/.exec(sentence);
  const pastTaste =
    usedTo ?? /^(?:.*?\b)?(i (?:(?:really|always|once|absolutely) )?(?:liked|loved|enjoyed|adored|hated|disliked|did not (?:really )?(?:like|enjoy)|could not stand|was (?:really |so |a (?:big |huge )?)?(?:into|fan of)) .+?)(?:,? (?:but|and|yet) |, )((?:now|these days|nowadays|lately|today|as an adult|since then),? i .+|i .+|not .+)$/.exec(sentence);
  const match = pastTaste;
  if (!match?.[1] || !match[2]) return undefined;
  const second = match[2].replace(/^(?:now|these days|nowadays|lately|today|as an adult|since then),? /, '');
  if (/^not /.test(second) && !noLonger.test(second)) return undefined;
  if (!usedTo && !pastMarker.test(match[1]) && !nowMarker.test(match[2]) && !noLonger.test(second)) return undefined;
  // "i was not home, but now i am": only a taste makes these openings a change.
  if ((!usedTo || /^i (?:was never|was not|never was|never liked|never really liked) /.test(match[1])) && !mineAnchored(splitReason(match[1])[0], undefined, match[1]).some((statement) => statement.kind === 'preference')) return undefined;
  const [before, becauseBefore] = splitReason(match[1]);
  const [after, becauseAfter] = splitReason(second);
  const indifferent = /^i never cared (?:much )?(?:about|for) (.+)$/.exec(before);
  const indifferentSubject = indifferent?.[1] ? cleanObject(indifferent[1]) : undefined;
  // "i never cared about x, but now ...": the earlier state was indifference; "i loved x as a kid": a past state.
  const past = (indifferentSubject ? [preference(indifferentSubject, 'neutral', 0.2, 'past', becauseBefore, match[1])] : mineAnchored(before, becauseBefore, match[1])).map((statement) => (statement.kind === 'preference' ? { ...statement, tense: 'past' as const } : statement));
  const pastPreference = past.find((statement) => statement.kind === 'preference');
  // "but not anymore": the earlier taste no longer holds, as "i do not like x anymore" says.
  if (noLonger.test(after)) return pastPreference ? [...past, preference(pastPreference.subject, pastPreference.polarity === 'dislike' ? 'neutral' : 'dislike', pastPreference.polarity === 'dislike' ? 0.2 : 0.6, 'present', becauseAfter, match[2])] : undefined;
  // "but now i love it": "it" names the subject of the first half; "but now i am hooked" says it without a word for it.
  const objectless = /^i am (?:(?:totally|completely|so|really|now|absolutely|just) )*(hooked|obsessed)$/.exec(after);
  const resolved = !pastPreference
    ? after
    : objectless
      ? `i am ${objectless[1]} ${objectless[1] === 'hooked' ? 'on' : 'with'} ${pastPreference.subject}`
      : after.replace(/\b(?:it|them|that|those)\b/, pastPreference.subject);
  // "but now i love it and i also like thrillers": the second half may hold more than one clause.
  const present = splitCoordinatedObjects(completeListItems(splitClauses(resolved))).flatMap((clause) => mineClause(clause, becauseAfter).map((statement) => ({ ...statement, quote: match[2] as string })));
  return [...past, ...present];
}

/** One item of a yes/no list: "comedies yes", "musicals: no", "yes to westerns", "hell no to horror". */
const yesNoItem = /^(?:(.+?):? (?:(definitely|absolutely|hell|oh) )?(yes|yep|yeah|yay|no|nope|nah|never)|(?:(definitely|absolutely|hell|oh) )?(yes|no) to (.+))$/;

/**
 * "comedies yes, musicals no": a list of at least two short subjects, each with a yes or a no, is a like or a dislike of
 * each (strength 0.9 with "definitely" or "hell"). Anything else in the sentence, or a subject that names nothing, and it
 * is not read as such a list.
 */
function mineYesNo(sentence: string): Statement[] | undefined {
  const items = sentence.split(/\s*[,;]\s*|\s+(?:but|and|while|whereas)\s+/);
  if (items.length < 2) return undefined;
  const statements: Statement[] = [];
  for (const item of items) {
    if (`${item} `.replace(leadingFillers, '').trim() === '') continue;
    const statement = yesNoStatement(item);
    if (!statement) return undefined;
    statements.push(statement);
  }
  return statements.length >= 2 ? statements : undefined;
}

/** One item of a yes/no list as a taste, or undefined when it is not one ("lol yes", a long or pronoun subject). */
function yesNoStatement(item: string): Statement | undefined {
  // Fillers go ("well, comedies yes"), unless the filler is the answer ("yes to westerns").
  const match = yesNoItem.exec(item.replace(leadingFillers, '').trim()) ?? yesNoItem.exec(item.trim());
  const subject = match?.[1] ?? match?.[6];
  const object = subject === undefined || subject.split(' ').length > 4 || listItemBlockers.test(subject) ? undefined : cleanObject(subject);
  if (!match || !object) return undefined;
  const answer = match[3] ?? match[5] ?? '';
  const strong = /^(?:definitely|absolutely|hell)$/.test(match[2] ?? match[4] ?? '');
  return preference(object, /^(?:no|nope|nah|never)$/.test(answer) ? 'dislike' : 'like', strong ? 0.9 : 0.7, 'present', undefined, item);
}

/**
 * "Comedies yes. Musicals no.": the same list written as sentences, one item each. Only a run of two or more such
 * sentences is read (a lone "pizza yes" may answer anything); returns the statement of each sentence index in a run.
 */
function yesNoSentences(sentences: readonly string[]): Map<number, Statement> {
  const read = new Map<number, Statement>();
  let run: Array<[number, Statement]> = [];
  const close = () => {
    if (run.length >= 2) for (const [index, statement] of run) read.set(index, statement);
    run = [];
  };
  sentences.forEach((sentence, index) => {
    const statement = sentence.endsWith('?') || /[,;]/.test(sentence.replace(leadingFillers, '')) ? undefined : yesNoStatement(sentence.replace(/(?<![.!])[.!]+$/, '').trim());
    if (statement) run.push([index, statement]);
    else close();
  });
  close();
  return read;
}

/** Someone else's taste ("my wife loves musicals", "my kids like horror", "everyone likes superhero movies"): not the speaker's. */
const othersTaste = /^(?:my (?:[a-z]+ ){0,2}?[a-z]+|everyone|everybody|most people|people|[a-z]+) (?:(?:really|also|just|absolutely|totally) )*(?:loves|likes|enjoys|adores|prefers|hates|dislikes|detests|loathes|love|like|enjoy|adore|prefer|hate|dislike|is into|are into|is a (?:big |huge )?fan of|are (?:big |huge )?fans of|cannot stand|can not stand|does not like|do not like|does not enjoy|do not enjoy) (.+)$/;
/** The speaker's taste for "it" or "them": "i hate them", "i cannot stand it", "i love them too". */
const pronounTaste = /^(i (?:(?:really|also|just|absolutely|totally|still|personally|actually|kind of|sort of) )*(?:love|like|enjoy|adore|prefer|hate|dislike|detest|despise|loathe|cannot stand|can not stand|do not (?:really |much )?(?:like|enjoy|love|care for)|am (?:not )?(?:really )?(?:into|a (?:big |huge )?fan of))) (?:it|them)\b(.*)$/;

/**
 * "my wife loves musicals but i hate them" → "i hate musicals": the speaker's taste for what another person's taste, in
 * the clause just before, names. The other person's taste stays theirs (a fact about them, not a taste of the speaker).
 */
function resolveContrastedPronouns(clauses: readonly string[]): string[] {
  return clauses.map((clause, index) => {
    const own = pronounTaste.exec(clause.replace(leadingFillers, '').trim());
    const other = index > 0 ? othersTaste.exec((clauses[index - 1] as string).replace(leadingFillers, '').trim()) : null;
    if (!own?.[1] || !other?.[1] || /^(?:i|me|you|we)\b/.test(other[0])) return clause;
    const object = cleanObject(other[1]);
    return object && !unnamedSubject.test(object) && !/\b(?:i|me|you|it|them|her|him|us)\b/.test(object) ? `${own[1]} ${object}${own[2] ?? ''}` : clause;
  });
}

/** "i quit my job because i hated it" → ["i quit my job", "i hated it"]. */
function splitReason(clause: string): [string, string | undefined] {
  const match = /^(.+?),?\s+(?:because|since|cause|cuz)\s+(.+)$/.exec(clause);
  if (!match?.[1] || !match[2]) return [clause, undefined];
  return [match[1].trim(), match[2].replace(/(?<![.!?])[.!?]+$/, '').trim()];
}

/**
 * Mines first-person statements from one user message: facts in canonical first-person form,
 * preferences with polarity, strength and tense, and goals. Questions are skipped; negation
 * and "used to ... but now ..." changes are kept.
 */
export function mineStatements(message: string): Statement[] {
  const statements: Statement[] = [];
  const protectedPairs = capitalisedPairs(message);
  // What the sentence before told the speaker did, for a verdict in the next one ("it was an enriching experience").
  let previousEvent: string | undefined;
  const sentences = splitSentences(normalizeUtterance(message));
  const yesNo = yesNoSentences(sentences);
  for (const [sentenceIndex, rawSentence] of sentences.entries()) {
    const listed = yesNo.get(sentenceIndex);
    if (listed) {
      statements.push(listed);
      previousEvent = undefined;
      continue;
    }
    const isQuestion = rawSentence.endsWith('?');
    const sentence = (isQuestion ? dropQuestionTail(rawSentence) : rawSentence).replace(/(?<![.!?])[.!?]+$/, '').trim();
    if (sentence === '') continue;
    const change = mineYesNo(sentence) ?? mineChange(sentence) ?? mineJudgedSubject(sentence);
    if (change) {
      statements.push(...change);
      previousEvent = undefined;
      continue;
    }
    const written = splitCoordinatedObjects(completeListItems(splitClauses(sentence)), protectedPairs);
    const clauses = resolveContrastedPronouns(written);
    // Clauses are read back to front (a "because" clause gives the reason of the one before it); kept in order.
    const ofSentence: Statement[] = [];
    let pendingReason: string | undefined;
    for (let index = clauses.length - 1; index >= 0; index--) {
      const clause = clauses[index] as string;
      // A clause that starts with "because" gives the reason for the one before it.
      const standaloneReason = /^(?:because|since|cause|cuz) (.+)$/.exec(clause);
      if (standaloneReason?.[1]) {
        pendingReason = standaloneReason[1];
        continue;
      }
      const lastOfQuestion = isQuestion && index === clauses.length - 1 && !/^(?:i|my) /.test(clause.replace(leadingFillers, ''));
      const [body, reason] = splitReason(clause);
      // A clause whose pronoun was resolved keeps the words the user wrote as its quote.
      const quote = written[index] as string;
      if (!lastOfQuestion) ofSentence.unshift(...mineClause(body, reason ?? pendingReason).map((statement) => (quote === clause ? statement : { ...statement, quote })));
      pendingReason = undefined;
    }
    const { verdicts, event } = isQuestion ? { verdicts: [], event: undefined } : eventVerdicts(sentence, previousEvent);
    previousEvent = event;
    // A taste the clauses stated outright wins over one read from a verdict on an experience.
    const stated = ofSentence.some((statement) => statement.kind === 'preference');
    for (const verdict of stated ? [] : verdicts) {
      const object = cleanObject(verdict.object.replace(/^(?:that|this|those|these) /, ''));
      if (object && !unnamedSubject.test(object)) ofSentence.push(preference(subjectOf(object), verdict.polarity, verdict.strength, 'present', undefined, sentence, undefined, false, true));
    }
    if (!isQuestion && sentence.includes('my ')) ofSentence.push(...minePassions(sentence, ofSentence));
    // "initially, i enjoyed the sessions": a taste that held then, not now (unless the sentence goes on to what changed).
    const then = /^(?:[a-z]+:\s+)?(?:initially|at first|originally|in the beginning|back then|at the time|at that time)\b/.test(sentence) && !/\b(?:but|now|however|yet|until)\b/.test(sentence);
    const softened = softenedDislike.test(sentence);
    const mined = softened ? ofSentence.map((statement) => (statement.kind === 'preference' && statement.polarity === 'dislike' && statement.tense === 'present' ? { ...statement, strength: Math.min(statement.strength, 0.4) } : statement)) : ofSentence;
    statements.push(...(then ? mined.map((statement) => (statement.kind === 'preference' && statement.tense === 'present' ? { ...statement, tense: 'past' as const } : statement)) : mined));
  }
  return statements;
}

/** "my love for x", "my passion for x" anywhere in a sentence; not "lost my passion for x". */
const passionPhrase = /(?:^|\s)(lost |lack |without |reignite |regain |find |found )?my (?:(?:deep|great|lifelong|enduring|growing|genuine|true|own) )?(?:love|passion|fondness) (?:for|of) ((?:(?!\smy (?:love|passion|fondness)\b)[^,;])+)/g;
/** Where the thing loved ends: a verb, an adverb, a preposition or a clause ("for music with a meaningful service"). */
const passionEnd = /^(?:with|into|through|to|while|as|by|which|that|who|is|are|was|were|has|have|had|could|would|can|will|should|might|may|in|on|at|from|until|because|since|so|but|perfectly|beautifully|deeply|truly|and (?:allowed|helped|made|gave|let|it|i|the|a|an|my|to|how))$|^[a-z]+ly$/;

/** Tastes named as the speaker's love or passion in a sentence, unless the sentence already states them. */
function minePassions(sentence: string, found: readonly Statement[]): Statement[] {
  const statements: Statement[] = [];
  for (const match of sentence.matchAll(passionPhrase)) {
    if (match[1] !== undefined || !match[2]) continue;
    const words = match[2].replace(/^not (?:just|only) /, '').split(' ');
    let end = words.findIndex((word, index) => passionEnd.test(word) || passionEnd.test(`${word} ${words[index + 1] ?? ''}`));
    if (end < 0) end = words.length;
    const phrase = words.slice(0, end).join(' ');
    // "my love for art and music (perfectly)": two tastes; "for cooking and connecting with my culture": the first.
    const parts = phrase.split(/ (?:and|but also) /);
    const cutInPhrase = end < words.length && !/ly$/.test(words[end] as string);
    const items = parts.length === 2 && parts.every((item) => item.split(' ').length <= 3) ? (cutInPhrase ? parts.slice(0, 1) : parts) : [phrase];
    for (const item of items) {
      const object = item.split(' ').length <= 5 ? cleanObject(item) : undefined;
      if (!object || unnamedSubject.test(object) || found.some((statement) => statement.kind === 'preference' && statement.subject === object)) continue;
      statements.push(preference(object, 'like', 0.9, 'present', undefined, `my love for ${phrase}`, undefined, false, true));
    }
  }
  return statements;
}
