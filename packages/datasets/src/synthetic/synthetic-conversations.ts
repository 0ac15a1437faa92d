import { PersonalabError, createRandom, hashString, type Evidence, type Message, type Preference, type PreferenceChange, type Profile, type Random, type Session } from '@personalab/core';
import { polarityOf, type GenreTaste, type HiddenUser, type SyntheticWorld } from './synthetic-world.js';
import * as words from './vocabulary.js';

/**
 * Conversations of the synthetic world, generated lazily per user (deterministic in the world seed and the user id),
 * and the ground-truth `Profile` that an ideal extractor would build from them, with evidence citing message ids.
 *
 * What each user reveals, and when:
 * - session 0: every initially liked or disliked genre ("I love comedy movies.", "I can't stand western movies.");
 * - fact i (occupation, location, age, two of pet/family/hobby/diet) in session i mod sessionsPerUser;
 * - a taste change that happened between sessions j-1 and j, in session j, first person with its reason
 *   ("I used to love horror movies, but now I can't stand them because they started giving me nightmares.");
 * - the goal in session 1; in every session one movie the user rated before the session (≥ 4: liked, ≤ 2: disliked);
 * - each session ends with a recommendation request.
 * Speaking style (formality, exclamations, emoji, questions, length) is applied on top; formal users expand
 * contractions ("I am" for "I'm"), casual ones write in lower case.
 * With `phrasing: 'varied'` each statement is worded in one of several everyday ways (the templates above among
 * them): a fact's paraphrases, tastes such as "I find western movies boring", changes without "used to" ("I'm not
 * into horror movies anymore because …", "Lately I've gotten into …"), verdicts such as "Saw X last week and hated it".
 */

interface Statement {
  text: string;
  /** What the statement is evidence for. */
  kind: 'fact' | 'taste' | 'change' | 'goal' | 'movie' | 'request';
  key?: string;
}

interface PlannedEvidence {
  kind: Statement['kind'];
  key: string;
  evidence: Evidence;
}

export interface SyntheticConversation {
  sessions: Session[];
  /** Each revealing statement with the id of the message that carries it. */
  evidence: PlannedEvidence[];
}

const cache = new WeakMap<SyntheticWorld, Map<string, SyntheticConversation>>();
const titleCache = new WeakMap<SyntheticWorld, Map<string, string>>();

/** Item titles by id, built once per world (rebuilding it per user dominated the lazy generation time). */
function titlesOf(world: SyntheticWorld): Map<string, string> {
  let titles = titleCache.get(world);
  if (!titles) titleCache.set(world, (titles = new Map(world.items.map((item) => [item.id, item.title]))));
  return titles;
}

function genreWords(genre: string): string {
  return genre.toLowerCase();
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function likeSentence(random: Random, genre: string, varied: boolean): string {
  const g = genreWords(genre);
  const templates = [`I love ${g} movies.`, `${capitalize(g)} movies are my favorite.`, `I really enjoy a good ${g} film.`];
  if (varied) templates.push(`I'm a big fan of ${g} films.`, `I'm really into ${g} movies.`, `${capitalize(g)} films are my thing.`, `I could watch ${g} movies all day.`, `Nothing beats a good ${g} movie for me.`);
  return random.pick(templates);
}

function dislikeSentence(random: Random, genre: string, varied: boolean): string {
  const g = genreWords(genre);
  const templates = [`I can't stand ${g} movies.`, `I don't enjoy ${g} films at all.`, `${capitalize(g)} movies are not for me.`];
  if (varied) templates.push(`I'm not really into ${g} movies.`, `I'm not a fan of ${g} films.`, `I find ${g} movies boring.`, `${capitalize(g)} films just don't do it for me.`, `I usually skip ${g} movies.`);
  return random.pick(templates);
}

/** The sentence revealing a change; with varied phrasing, one of several (the first of each list is the template). */
function changeSentence(random: Random, genre: string, from: number, reason: string, varied: boolean): string {
  const g = genreWords(genre);
  const G = capitalize(g);
  let templates: string[];
  if (polarityOf(from) === 'like') {
    templates = [
      `I used to love ${g} movies, but now I can't stand them because ${reason}.`,
      `I'm not into ${g} movies anymore because ${reason}.`,
      `I don't enjoy ${g} movies anymore since ${reason}.`,
      `I no longer like ${g} movies because ${reason}.`,
      `I've gone off ${g} movies because ${reason}.`,
      `I've grown tired of ${g} films because ${reason}.`,
      `These days I can't stand ${g} movies because ${reason}.`,
    ];
  } else if (polarityOf(from) === 'dislike') {
    templates = [
      `I used to hate ${g} movies, but now I really like them because ${reason}.`,
      `${G} movies have grown on me because ${reason}.`,
      `These days I really like ${g} movies because ${reason}.`,
      `I've started to enjoy ${g} films because ${reason}.`,
      `I was never a fan of ${g} movies, but now I love them because ${reason}.`,
      `I've come around on ${g} movies because ${reason}.`,
    ];
  } else {
    templates = [
      `I never cared much about ${g} movies, but now I really like them because ${reason}.`,
      `Lately I've gotten into ${g} movies because ${reason}.`,
      `I've started to enjoy ${g} films because ${reason}.`,
      `I didn't use to care about ${g} movies, but now I really like them because ${reason}.`,
    ];
  }
  return varied ? random.pick(templates) : (templates[0] as string);
}

function movieSentence(random: Random, title: string, liked: boolean, varied: boolean): string {
  if (!varied) return liked ? `I watched ${title} recently and loved it.` : `I watched ${title} recently and really didn't like it.`;
  return random.pick(
    liked
      ? [`I watched ${title} recently and loved it.`, `${title} was great, I loved it.`, `I just saw ${title} and it was fantastic.`, `I rewatched ${title} last week and enjoyed it a lot.`]
      : [`I watched ${title} recently and really didn't like it.`, `${title} was a letdown, I didn't like it.`, `I just saw ${title} and it was awful.`, `Saw ${title} last week and hated it.`],
  );
}

function formalize(text: string): string {
  return text
    .replace(/\bI'm\b/g, 'I am')
    .replace(/\bcan't\b/g, 'cannot')
    .replace(/\bdon't\b/g, 'do not')
    .replace(/\bI've\b/g, 'I have');
}

/** Applies the user's style to one message made of statements; returns the text and, per statement, the quote as written. */
function style(hidden: HiddenUser, random: Random, statements: Statement[], first: boolean): { text: string; quotes: string[] } {
  const { formality, exclamationRate, emojiRate, questionRate, verbosity } = hidden.style;
  const quotes = statements.map((statement) => {
    let sentence = statement.text;
    if (formality >= 0.7) sentence = formalize(sentence);
    if (statement.kind !== 'request' && random.next() < exclamationRate) sentence = sentence.replace(/\.$/, '!');
    return sentence;
  });
  const parts = [...quotes];
  if (first) parts.unshift(random.pick(formality >= 0.5 ? words.greetings.formal : words.greetings.casual));
  let count = parts.join(' ').split(/\s+/).length;
  const unused = random.shuffle([...words.fillers]);
  for (let fillers = 0; count < verbosity && fillers < 2; fillers++) {
    const filler = unused[fillers] as string;
    parts.push(filler);
    count += filler.split(/\s+/).length;
  }
  if (!statements.some((statement) => statement.kind === 'request') && random.next() < questionRate) parts.push('What do you think?');
  let text = parts.join(' ');
  if (formality < 0.4) text = text.charAt(0).toLowerCase() + text.slice(1);
  if (random.next() < emojiRate) text = `${text} ${random.pick(words.emoji)}`;
  // Quotes must stay substrings of the message so evidence can be checked against it.
  const finalQuotes = quotes.map((quote) => (text.includes(quote) ? quote : text.includes(quote.charAt(0).toLowerCase() + quote.slice(1)) ? quote.charAt(0).toLowerCase() + quote.slice(1) : quote));
  return { text, quotes: finalQuotes };
}

/** The sessions of one user, and which message reveals what. Cached per world. */
export function syntheticConversation(world: SyntheticWorld, userId: string): SyntheticConversation {
  let perWorld = cache.get(world);
  if (!perWorld) cache.set(world, (perWorld = new Map()));
  const cached = perWorld.get(userId);
  if (cached) return cached;
  const hidden = world.hidden.get(userId);
  if (!hidden) throw new PersonalabError('not_found', `unknown synthetic user ${userId}`);
  const random = createRandom(hashString(`${userId}/conversations`, world.options.seed >>> 0));
  const titles = titlesOf(world);
  const ratings = world.ratingsOf(userId);
  const sessionCount = hidden.sessionTimes.length;
  const plan: Statement[][] = Array.from({ length: sessionCount }, () => []);
  const varied = world.options.phrasing === 'varied';

  for (const taste of hidden.tastes) {
    const polarity = polarityOf(taste.initial);
    if (polarity === 'like') plan[0]?.push({ kind: 'taste', key: taste.genre, text: likeSentence(random, taste.genre, varied) });
    if (polarity === 'dislike') plan[0]?.push({ kind: 'taste', key: taste.genre, text: dislikeSentence(random, taste.genre, varied) });
  }
  random.shuffle(plan[0] as Statement[]);
  hidden.facts.forEach((fact, index) => plan[index % sessionCount]?.push({ kind: 'fact', key: fact.key, text: `${varied && fact.paraphrases ? random.pick([fact.value, ...fact.paraphrases]) : fact.value}.` }));
  for (const taste of hidden.tastes) {
    for (const change of taste.changes) {
      const session = hidden.sessionTimes.findIndex((time) => time > change.at);
      plan[session === -1 ? sessionCount - 1 : session]?.push({ kind: 'change', key: taste.genre, text: changeSentence(random, taste.genre, change.from, change.reason, varied) });
    }
  }
  plan[Math.min(1, sessionCount - 1)]?.push({ kind: 'goal', key: 'goal', text: `${hidden.goal}.` });
  const mentioned = new Set<string>();

  const sessions: Session[] = [];
  const evidence: PlannedEvidence[] = [];
  plan.forEach((statements, sessionIndex) => {
    const startedAt = hidden.sessionTimes[sessionIndex] as number;
    const rated = ratings.filter((rating) => rating.timestamp < startedAt && (rating.value >= 4 || rating.value <= 2) && !mentioned.has(rating.itemId));
    if (rated.length > 0) {
      const rating = random.pick(rated);
      mentioned.add(rating.itemId);
      const title = titles.get(rating.itemId) as string;
      statements.push({ kind: 'movie', key: rating.itemId, text: movieSentence(random, title, rating.value >= 4, varied) });
    }
    // One or two statements per user message; the recommendation request closes the last one.
    const groups: Statement[][] = [];
    for (let index = 0; index < statements.length; ) {
      const size = Math.min(1 + random.int(2), statements.length - index);
      groups.push(statements.slice(index, index + size));
      index += size;
    }
    const request: Statement = { kind: 'request', key: 'request', text: random.pick(words.recommendationRequests) };
    if (groups.length === 0) groups.push([request]);
    else groups.at(-1)?.push(request);
    const sessionId = `${userId}-s${sessionIndex}`;
    const messages: Message[] = [];
    for (const group of groups) {
      const { text, quotes } = style(hidden, random, group, messages.length === 0);
      const id = `${sessionId}-m${messages.length}`;
      const timestamp = startedAt + messages.length * 30_000;
      messages.push({ id, role: 'user', content: text, timestamp, userId, sessionId });
      group.forEach((statement, position) => {
        if (statement.kind === 'request') return;
        evidence.push({ kind: statement.kind, key: statement.key ?? '', evidence: { messageId: id, quote: quotes[position] as string, timestamp } });
      });
      messages.push({ id: `${sessionId}-m${messages.length}`, role: 'assistant', content: random.pick(words.assistantReplies), timestamp: timestamp + 15_000, sessionId });
    }
    const last = messages.at(-1) as Message;
    sessions.push({ id: sessionId, userId, startedAt, endedAt: last.timestamp, messages, metadata: { dataset: 'synthetic', session: sessionIndex } });
  });
  const conversation = { sessions, evidence };
  perWorld.set(userId, conversation);
  return conversation;
}

/** A user's sessions, oldest first (message ids `u12-s0-m3`). */
export function syntheticSessions(world: SyntheticWorld, userId: string): Session[] {
  return syntheticConversation(world, userId).sessions;
}

/** Sessions of every user, generated on demand, one user at a time. */
export function* allSyntheticSessions(world: SyntheticWorld): Generator<Session> {
  for (const user of world.users) yield* syntheticSessions(world, user.id);
}

const emojiPattern = /\p{Extended_Pictographic}/gu;

function strength(affinity: number): number {
  return Math.round(Math.min(1, Math.abs(affinity)) * 100) / 100;
}

function genrePreference(taste: GenreTaste, items: PlannedEvidence[], startTime: number): Preference | undefined {
  const statements = items.filter((item) => (item.kind === 'taste' || item.kind === 'change') && item.key === taste.genre);
  if (statements.length === 0) return undefined;
  // States in time order: the initial one (if stated) then one per change.
  const states: { polarity: Preference['polarity']; strength: number; evidence: Evidence[]; reason?: string; since: number }[] = [];
  const initialStated = statements[0]?.kind === 'taste';
  if (initialStated) states.push({ polarity: polarityOf(taste.initial), strength: strength(taste.initial), evidence: [statements[0]?.evidence as Evidence], since: statements[0]?.evidence.timestamp ?? startTime });
  else states.push({ polarity: 'neutral', strength: strength(taste.initial), evidence: [], since: startTime });
  const changeStatements = statements.filter((item) => item.kind === 'change');
  taste.changes.forEach((change, index) => {
    const statement = changeStatements[index];
    if (!statement) return;
    states.push({ polarity: polarityOf(change.to), strength: strength(change.to), evidence: [statement.evidence], reason: change.reason, since: statement.evidence.timestamp ?? change.at });
  });
  const current = states.at(-1) as (typeof states)[number];
  const history: PreferenceChange[] = states.slice(0, -1).map((state, index) => {
    const next = states[index + 1] as (typeof states)[number];
    const entry: PreferenceChange = { polarity: state.polarity, strength: state.strength, from: state.since, to: next.since, evidence: state.evidence.length > 0 ? state.evidence : next.evidence };
    if (next.reason !== undefined) entry.reason = next.reason;
    return entry;
  });
  const allEvidence = statements.map((statement) => statement.evidence);
  const preference: Preference = {
    subject: `${genreWords(taste.genre)} movies`,
    category: 'genre',
    polarity: current.polarity,
    strength: current.strength,
    firstSeen: allEvidence[0]?.timestamp ?? startTime,
    lastUpdated: allEvidence.at(-1)?.timestamp ?? startTime,
    evidence: allEvidence,
    history,
  };
  if (current.reason !== undefined) preference.reason = current.reason;
  return preference;
}

/**
 * The ground-truth profile of a synthetic user at the end of their conversations: what an ideal extractor would know.
 * Facts, genre preferences (with history and reasons) and the goal cite the messages that reveal them; movie
 * preferences come from the rated movies the user mentioned; personality is the hidden Big Five (confidence 1, no
 * evidence: it is not stated); style is measured on the user's messages (words per message; share of messages with
 * "?"; emoji and "!" per message) with the hidden formality.
 */
export function syntheticGroundTruthProfile(world: SyntheticWorld, userId: string): Profile {
  const hidden = world.hidden.get(userId);
  if (!hidden) throw new PersonalabError('not_found', `unknown synthetic user ${userId}`);
  const { sessions, evidence } = syntheticConversation(world, userId);
  const start = world.options.startTime;
  const facts = hidden.facts.map((fact) => {
    const found = evidence.filter((item) => item.kind === 'fact' && item.key === fact.key).map((item) => item.evidence);
    const seen = found[0]?.timestamp ?? start;
    return { key: fact.key, value: fact.value, confidence: 1, firstSeen: seen, lastUpdated: found.at(-1)?.timestamp ?? seen, evidence: found };
  });
  const preferences: Preference[] = [];
  for (const taste of hidden.tastes) {
    const preference = genrePreference(taste, evidence, start);
    if (preference) preferences.push(preference);
  }
  const ratingOf = new Map(world.ratingsOf(userId).map((rating) => [rating.itemId, rating.value]));
  const titles = titlesOf(world);
  for (const item of evidence.filter((entry) => entry.kind === 'movie')) {
    const value = ratingOf.get(item.key) ?? 3;
    const timestamp = item.evidence.timestamp ?? start;
    preferences.push({ subject: titles.get(item.key) ?? item.key, category: 'movie', polarity: value >= 4 ? 'like' : 'dislike', strength: value === 5 || value === 1 ? 1 : 0.6, firstSeen: timestamp, lastUpdated: timestamp, evidence: [item.evidence], history: [] });
  }
  const goalEvidence = evidence.filter((item) => item.kind === 'goal').map((item) => item.evidence);
  const userMessages = sessions.flatMap((session) => session.messages.filter((message) => message.role === 'user'));
  const count = userMessages.length;
  const per = (value: number) => (count === 0 ? 0 : value / count);
  const trait = (score: number) => ({ score, confidence: 1, evidence: [] });
  const lastTimestamp = sessions.at(-1)?.endedAt ?? start;
  return {
    userId,
    version: 1,
    updatedAt: lastTimestamp,
    facts,
    preferences,
    personality: {
      openness: trait(hidden.personality.openness),
      conscientiousness: trait(hidden.personality.conscientiousness),
      extraversion: trait(hidden.personality.extraversion),
      agreeableness: trait(hidden.personality.agreeableness),
      neuroticism: trait(hidden.personality.neuroticism),
    },
    style: {
      meanLength: per(userMessages.reduce((sum, message) => sum + message.content.split(/\s+/).filter(Boolean).length, 0)),
      questionRate: per(userMessages.filter((message) => message.content.includes('?')).length),
      formality: hidden.style.formality,
      emojiRate: per(userMessages.reduce((sum, message) => sum + (message.content.match(emojiPattern)?.length ?? 0), 0)),
      exclamationRate: per(userMessages.reduce((sum, message) => sum + (message.content.match(/!/g)?.length ?? 0), 0)),
      messageCount: count,
      evidence: userMessages.slice(0, 3).map((message) => ({ messageId: message.id, timestamp: message.timestamp })),
    },
    goals: goalEvidence.length > 0 ? [{ description: hidden.goal, status: 'active', firstSeen: goalEvidence[0]?.timestamp ?? start, lastUpdated: goalEvidence.at(-1)?.timestamp ?? start, evidence: goalEvidence }] : [],
  };
}
