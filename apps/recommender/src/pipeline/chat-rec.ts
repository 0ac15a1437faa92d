import { spokenTitle } from '@personalab/datasets';
import {
  PersonalabError,
  emptyProfile,
  randomIds,
  systemClock,
  type ChatModel,
  type Clock,
  type IdGenerator,
  type ImplicitInteraction,
  type Interaction,
  type Item,
  type Profile,
  type ProfileExtractor,
} from '@personalab/core';
import type { BatchEntry, ChatRating, RecommenderStore, StoredImplicitEvent, StoredMessage, StoredSession } from '../store/store.js';
import type { CandidateGenerator } from './candidate-generator.js';
import { answerFilmQuestion, compareFilms, howLiked, KNOWN, writtenTitle, type FilmFacts } from './film-answers.js';
import {
  constraintFilter,
  describeConstraints,
  hasConstraints,
  mergeConstraints,
  noConstraints,
  readConstraints,
  withOfflineFloor,
  WANTED_WEIGHT,
  type ConstraintUpdate,
  type SessionConstraints,
  type SessionMood,
} from './constraints.js';
import {
  classifyTurn,
  farewell,
  filmDescriptions,
  filmsDescribed,
  mentionsLastTime,
  moodCore,
  moodInWords,
  moodWithinExamples,
  opinionReference,
  pickedAmong,
  pointingWords,
  withoutYearOrArticle,
  writesTitleOpening,
  type ClassifiedTurn,
  type FilmDescription,
  type Intent,
} from './intent.js';
import { classifyStepFailure, type LlmCircuitBreaker } from './llm-circuit-breaker.js';
import type { ConstraintReader } from './llm-constraints.js';
import { describeReception } from './offline-explainer.js';
import { askedGenreCount, leansAsAsked } from './offline-reranker.js';
import { opensRemark, queryContent, searchWords } from './query-text.js';
import type { ItemCatalog } from './item-catalog.js';
import { buildTaste, collectTagStems, genrePreferences, mentionedTagStems, namesOneOf, profileFit, tagKey, tagNamesByKey, tagStems } from './taste.js';
import type { TitleOpinion, TitleOpinionReader } from './title-opinions.js';
import type { AskedFor, Candidate, Explainer, HistoryEntry, ItemReception, RankedItem, Refinement, Reranker } from './types.js';
import { unsupportedNote, withoutUnsupportedAsks, type UnsupportedAsk } from './unsupported-asks.js';
import { wordList } from './word-list.js';

/** How many turns back "is it scary?" after "how old is it?" after "tell me about Alien" looks for the film "it" is. */
const DISCUSSED_DEPTH = 3;

/** How many films like a film an answer about it names. */
const SIMILAR_FILMS = 3;

/** What `ChatRec.recommend` takes. */
type RecommendRequest = Parameters<ChatRec['recommend']>[0];

/** A returning user's last session that listed films (`ChatRec.previousSession`): the list it ended on, every film it offered, its messages. */
interface PreviousSession {
  lastRecommended: Item[];
  offered: string[];
  messages: StoredMessage[];
}

/** A reply asking which film the user means; the films it numbers are the ones its answer picks from (`openQuestion`). */
interface Question {
  reply: string;
}

/**
 * The words of every reply asking which film the user means; the next turn reads a short answer to it as the pick
 * (`answerToQuestion`), from the films the reply numbers (`openQuestion`).
 */
const WHICH_ONE = 'Which one do you mean?';
/** What a reply with no list asks the user for: an instruction, so a full stop ("…, or what you are in the mood for?" was answered "I am."). */
const TELL_ME = 'Tell me a film you liked, or what you are in the mood for.';
/** The answer to a question about something other than films. */
const OFF_TOPIC = `I can only help with films: I suggest films from my catalogue and answer questions about them. ${TELL_ME}`;
/** One word or phrase of acknowledgement ("ok", "cool", "got it"). */
const ACKNOWLEDGEMENT = String.raw`(?:ok(?:ay)?|cool|great|nice|alright|all right|fine|good|perfect|awesome|got it|i see|right)`;
/** A bare acknowledgement ("ok", "cool", "got it"), or a few in a row ("ok cool", "Cool, cool."), with nothing asked or thanked for. */
const acknowledges = new RegExp(String.raw`^\s*${ACKNOWLEDGEMENT}(?:[\s,!.]+${ACKNOWLEDGEMENT})*[\s!.]*$`, 'i');
/** The answer to `acknowledges` after a list: whether it fits, and that more are there. */
const ACKNOWLEDGED = 'Do any of those appeal? Tell me which, or ask for more.';
/** Words of liking beside a series named ("He loves Star Trek", "a fan of Star Trek"); "I'm from New York" names a place. */
const seriesLiking = /\b(?:lov(?:e|es|ed|ing)|lik(?:e|es|ed)|fan|fans|favou?rite|obsessed|into|ador(?:e|es|ed)|enjoy(?:s|ed)?)\b/i;
/** "I am.", "yes, I'm": an answer to the off-topic note read as a question, which asks for nothing (it had got a list). */
const bareAssent = /^\s*(?:(?:yes|yeah|yep|sure|oh)[\s,!.]+)?(?:i am|i'm)[\s.!]*$/i;
/** How a reply begins that asks again, after an answer that described several of the films asked about, or none. */
const ASKED_AGAIN = `${WHICH_ONE} Of those,`;
/** The most words an answer to `WHICH_ONE` has ("oh, the second one please"); a longer message is a turn of its own. */
const ANSWER_WORDS = 8;
/** Words an answer may have besides a description of the film it means ("oh, I meant the one from the 80s please"). */
const answerFillers = new Set(['oh', 'ah', 'hmm', 'um', 'uh', 'well', 'so', 'i', 'mean', 'meant', 'think', 'guess', 'the', 'please', 'sorry', 'yes', 'yeah', 'no', 'just', 'it', "it's", 'its', 'was', 'is', 'that', "that's", 'one']);
/** A text's words, lower-cased, for comparing an answer with a title ("Fargo (1996)" → fargo, 1996). */
const wordsOf = (text: string): string[] => text.toLowerCase().replace(/[’‘]/g, "'").match(/[\p{L}\p{N}']+/gu) ?? [];
/** How many of a session's last messages are read for the films the user gave an opinion of ("the one I liked last time"). */
const OPINION_READ = 60;
/**
 * How many characters of those messages' user turns are read, newest first: each is read as a turn reads it (10-30 ms for
 * a message at the API's longest), and 30 long turns had taken 0.8 s.
 */
const OPINION_READ_CHARACTERS = 16_000;
/** What the catalogue cannot tell of a film, by what a description named that only a film's description says ("with Tom Hanks", "about a dog"). */
const cannotTellWhat: Record<'person' | 'subject', string> = {
  person: 'who is in a film or who made it',
  subject: 'what a film is about beyond its genres and year',
};

/** One LLM step of a turn. */
export type LlmStep = 'rerank' | 'explain' | 'chitchat' | 'constraints';

/**
 * Why an answer is `degraded`: `llm circuit open` (the LLM was skipped: recent steps failed, see
 * `LlmCircuitBreaker`) or `llm step failed` (it was tried and failed, or answered with nothing usable).
 */
export type DegradedReason = 'llm circuit open' | 'llm step failed';

/** A turn with several steps degraded reports the open circuit first: it says the next turns will be offline too. */
const worse = (a: DegradedReason | undefined, b: DegradedReason | undefined): DegradedReason | undefined => (a === 'llm circuit open' || b === 'llm circuit open' ? 'llm circuit open' : (a ?? b));

/** An LLM step's value, or why the offline path must answer instead. */
type StepResult<T> = { ok: true; value: T } | { ok: false; reason: DegradedReason };

/** A recommendation as the API returns it. */
export interface Recommendation extends RankedItem {
  explanation: string;
}

export interface RecommendResult {
  recommendations: Recommendation[];
  /** Which re-ranker produced the order (`offline-blend`, `llm:<model>`). */
  reranker: string;
  /** True when the LLM path failed, or was skipped, and the offline path answered instead. */
  degraded: boolean;
  /** Why, when `degraded`. */
  degradedReason?: DegradedReason | undefined;
  candidateCount: number;
  /**
   * Set when `recommend` was given a mood: whether it moved the list, that is whether the list fits the mood better
   * than the list the same request gets without it (candidates drawn again, re-ranked offline). Only then does a chat
   * reply name the mood.
   */
  moodMoved?: boolean | undefined;
}

export interface ChatResult extends RecommendResult {
  sessionId: string;
  intent: Intent;
  /** What the session asks for after this turn (empty tags and nothing else when nothing was asked). */
  constraints: SessionConstraints;
  reply: string;
  messageId: string;
  replyId: string;
}

/** One chat turn as `ChatRec.chat` takes it. */
export interface ChatTurnOptions {
  userId: string;
  sessionId?: string | undefined;
  message: string;
  k?: number;
  signal?: AbortSignal;
  /** Runs inside the transaction that writes the turn, with its result: what it writes (the answer under an idempotency key) commits with the turn or not at all. */
  inTransaction?: ((result: ChatResult) => void) | undefined;
}

export interface ChatRecOptions {
  store: RecommenderStore;
  catalog: ItemCatalog;
  candidates: CandidateGenerator;
  /** The offline re-ranker and explainer: always present, and the fallback of the LLM ones. */
  reranker: Reranker;
  explainer: Explainer;
  /** The LLM steps; `constraints` reads what a chat message asks of the session (the offline reader is its fallback). */
  llm?: { model: ChatModel; reranker: Reranker; explainer: Explainer; constraints?: ConstraintReader | undefined } | undefined;
  profileExtractor?: ProfileExtractor | undefined;
  /** How many candidates to re-rank (Chat-Rec: 20). */
  candidateCount?: number;
  /**
   * Keep what the user asked for across a session's turns (genres, release years, audience) and
   * hold recommendations to it (default true); false reads each turn on its own (the ablation).
   */
  sessionConstraints?: boolean;
  clock?: Clock;
  ids?: IdGenerator;
  /** Called when an LLM step failed and the offline path answered. */
  onFallback?: (step: LlmStep, error: unknown) => void;
  /**
   * Skips the LLM steps while the endpoint is failing (see `LlmCircuitBreaker`); without one every step is tried,
   * and on a dead endpoint each waits out its retries and deadline.
   */
  llmCircuit?: LlmCircuitBreaker | undefined;
  /** Called when an LLM step was skipped because the circuit is open, and the offline path answered. */
  onCircuitSkip?: ((step: LlmStep) => void) | undefined;
  /**
   * The most one LLM step of a turn (re-rank, explanation, constraint reading, chit-chat) may take, retries
   * included, before the offline path answers instead (the turn is then `degraded`). Default: no limit beyond
   * the model's own timeout and retries, which on a hanging endpoint can be minutes per step.
   */
  llmStepDeadlineMs?: number | undefined;
}

const list = (titles: readonly string[]) => titles.map((title, index) => `${index + 1}. ${title}`).join('\n');

/** What a chat turn learned before it is written: the updated profile, the ratings it read and the films the user said they have seen. */
interface TurnState {
  profile: Profile;
  ratings: readonly ChatRating[];
  /** `view` events of titles the user said they have seen ("I've already seen Aliens"): not offered again, written with the turn. */
  events?: readonly StoredImplicitEvent[] | undefined;
}

/** Implicit events that put an item in the history: consumed or liked (positive), or disliked (counts like a rating of 1). */
const historyEvents = new Set<ImplicitInteraction['event']>(['view', 'like', 'purchase', 'dislike']);

/** How strongly a genre must be said to be disliked ("I can't stand horror" 0.9, "I dislike westerns" 0.7) to be kept out unless asked for. */
const KEEP_OUT_STRENGTH = 0.6;

/**
 * The Chat-Rec pipeline: profile and history → candidates (model + text index, top 20) →
 * re-rank to top k (LLM when configured, else the offline blend) → explanations; and the chat
 * turn around it (recommend, explain, refine, chit-chat) with sessions kept in the store.
 */
export class ChatRec {
  private readonly options: ChatRecOptions;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  /**
   * Each user's plain list per k, with the version of their events it was made at: one entry per user and k, so a
   * user's new events replace their list instead of leaving the old one behind (keyed by version, stale lists had
   * stayed until the 10,000-entry cap pushed them out: ~1.4 MB of heap per 1,000 requests in bench/api/soak.ts).
   */
  private readonly cache = new Map<string, { version: string; result: RecommendResult }>();
  /** The last queued work (chat turns and event batches) of each user with work in flight. */
  private readonly queued = new Map<string, Promise<void>>();
  private cacheEnabled = true;
  /** The catalogue's genre names by key, kept while its tag set is the same object (it is rebuilt when items change). */
  private genreNames: { stems: ReadonlySet<string>; names: Map<string, string> } | undefined;
  /** `titleStarts` of the catalogue, with the title reader it was built beside (a new reader: the items changed). */
  private titleStartsCache: { reader: TitleOpinionReader; starts: ReadonlyMap<string, readonly Item[]> } | undefined;

  constructor(options: ChatRecOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? randomIds;
  }

  /** An item's genre keys by id (none for an id the catalogue lacks). */
  private readonly genresOfItem = (id: string): string[] => {
    const item = this.options.catalog.get(id);
    return item === undefined ? [] : tagStems(item);
  };

  /** Turns the per-user result cache off (benchmarks of the uncached path). */
  disableCache(): void {
    this.cacheEnabled = false;
    this.cache.clear();
  }

  get rerankerName(): string {
    return this.options.llm?.reranker.name ?? this.options.reranker.name;
  }

  /**
   * The user's rated and interacted items, oldest first: ratings, and for items without one the latest
   * implicit event that says something of the user's taste (`view`, `like`, `purchase`: positive;
   * `dislike`: like a rating of 1). Clicks say too little; a skipped item is not recommended again.
   */
  history(userId: string): HistoryEntry[] {
    return this.historyWith(userId, this.implicitEvents(userId));
  }

  /** `pending`: ratings of a chat turn not yet written (they replace stored ratings of the same items). */
  private historyWith(userId: string, events: readonly StoredImplicitEvent[], pending: readonly ChatRating[] = []): HistoryEntry[] {
    const entries: HistoryEntry[] = [];
    const rated = new Set<string>();
    const ratings = new Map(this.options.store.ratingsOf(userId).map((rating) => [rating.itemId, rating]));
    for (const rating of pending) {
      ratings.delete(rating.itemId);
      ratings.set(rating.itemId, rating);
    }
    for (const rating of ratings.values()) {
      const item = this.options.catalog.get(rating.itemId);
      rated.add(rating.itemId);
      if (item) entries.push({ item, rating: rating.value, timestamp: rating.timestamp, ...(rating.source ? { source: rating.source } : {}) });
    }
    const latest = new Map<string, StoredImplicitEvent>();
    for (const event of events) if (!rated.has(event.itemId) && historyEvents.has(event.event)) latest.set(event.itemId, event);
    if (latest.size === 0) return entries;
    for (const [itemId, { event, timestamp }] of latest) {
      const item = this.options.catalog.get(itemId);
      if (item) entries.push({ item, rating: event === 'dislike' ? 1 : undefined, timestamp, event });
    }
    return entries.sort((a, b) => a.timestamp - b.timestamp);
  }

  /** The user's implicit events, oldest first. */
  private implicitEvents(userId: string): StoredImplicitEvent[] {
    return this.options.store.implicitEventsOf(userId);
  }

  profile(userId: string): Profile {
    return this.options.store.getProfile(userId) ?? emptyProfile(userId, this.clock.now());
  }

  /** Re-extracts the profile from the user's messages (incrementally, from the stored one) and saves it. */
  /**
   * Writes a batch of a user's ratings, events and messages with the profile its messages update, in one
   * transaction: the profile is extracted first (the messages get their ids before the write), so an
   * extractor failure writes nothing and a retry is safe, and an invalid entry leaves the profile as it was.
   * A user's batches run one after another in this process, so neither overwrites the other's profile.
   */
  async ingest(
    userId: string,
    entries: readonly BatchEntry[],
    options: { inTransaction?: ((written: { events: Interaction[]; messages: StoredMessage[] }) => void) | undefined } = {},
  ): Promise<{ events: Interaction[]; messages: StoredMessage[] }> {
    return this.inOrder(`user:${userId}`, async () => {
      this.options.store.requireUser(userId);
      const now = this.clock.now();
      const prepared = entries.map((entry) => (entry.kind === 'message' ? { ...entry, id: this.ids(), timestamp: entry.timestamp ?? now } : entry));
      const messages = prepared.flatMap((entry): StoredMessage[] =>
        entry.kind === 'message' ? [{ id: entry.id, role: entry.role ?? 'user', content: entry.content, timestamp: entry.timestamp, userId, ...(entry.sessionId === undefined ? {} : { sessionId: entry.sessionId }) }] : [],
      );
      const extracted = await this.extractProfile(userId, messages);
      return this.options.store.addBatch(userId, prepared, { ...(extracted.changed ? { profile: extracted.profile } : {}), inTransaction: options.inTransaction });
    });
  }

  async updateProfile(userId: string, newMessages: readonly StoredMessage[]): Promise<Profile> {
    const { profile, changed } = await this.extractProfile(userId, newMessages);
    if (changed) this.options.store.saveProfile(profile);
    return profile;
  }

  /** The profile with what new messages say folded in, not saved; `changed` when the extractor ran; `previous`, the stored one it started from. */
  private async extractProfile(
    userId: string,
    newMessages: readonly StoredMessage[],
    namesFilms: (subject: string) => boolean = () => false,
  ): Promise<{ profile: Profile; changed: boolean; previous: Profile }> {
    const extractor = this.options.profileExtractor;
    const previous = this.profile(userId);
    const userMessages = newMessages.filter((message) => message.role === 'user');
    if (!extractor || userMessages.length === 0) return { profile: previous, changed: false, previous };
    const profile = await extractor.extract(userMessages, { previous, userId });
    return { profile: { ...profile, preferences: profile.preferences.filter((preference) => !namesFilms(preference.subject)) }, changed: true, previous };
  }

  /**
   * What the user has said that a text index can match: liked subjects, then the current message, without
   * words naming ruled-out genres or genres the genre sources serve (asked for, liked).
   */
  private queryText(profile: Profile, message: string | undefined, ruledOut: ReadonlySet<string>, genres: ReadonlySet<string>): string | undefined {
    const likes = profile.preferences.filter((preference) => preference.polarity === 'like').map((preference) => preference.subject);
    const fragments = this.options.catalog.titleFragments();
    const whole = this.options.catalog.wholeTitles();
    // The words of the titles a part names ("home alone", a liked film's title), read only when an everyday word of a title
    // asks (most messages have none).
    const namedIn = (part: string) => {
      let words: Set<string> | undefined;
      return (word: string) => {
        words ??= new Set(
          this.options.catalog
            .titleOpinions()
            .titles(part)
            .flatMap((item) => searchWords(item.title.toLowerCase())),
        );
        return words.has(word);
      };
    };
    const text = [...likes, message ?? '']
      .map((part) => queryContent(part, { ruledOut, genres, titleFragment: (word) => fragments.has(word), named: namedIn(part), wholeTitle: (word) => whole.has(word) }))
      .filter(Boolean)
      .join('. ');
    return text === '' ? undefined : text;
  }

  /** Genres the user said they dislike strongly (profile preferences naming a catalogue genre). */
  private stronglyDisliked(profile: Profile, knownTags: ReadonlySet<string>): Set<string> {
    const keys = new Set<string>();
    for (const preference of profile.preferences) {
      if (preference.polarity !== 'dislike' || preference.strength < KEEP_OUT_STRENGTH) continue;
      for (const key of mentionedTagStems(preference.subject, knownTags)) keys.add(key);
    }
    return keys;
  }

  /** The catalogue's genre names by key ("sci" → "Sci-Fi"), for what users read. */
  private namesOfGenres(): Map<string, string> {
    const stems = this.options.catalog.tagStems();
    if (this.genreNames?.stems !== stems) this.genreNames = { stems, names: tagNamesByKey(this.options.catalog.values()) };
    return this.genreNames.names;
  }

  /** A session's constraints as the request the ranking and the explanations read. */
  private askedFor(constraints: SessionConstraints): AskedFor {
    const names = this.namesOfGenres();
    const genres: Record<string, string> = {};
    const ruledOut: Record<string, string> = {};
    for (const [key, weight] of Object.entries(constraints.tags)) (weight > 0 ? genres : ruledOut)[key] = names.get(key) ?? key;
    return {
      genres,
      ruledOut,
      ...(constraints.either === true ? { either: true } : {}),
      ...(constraints.years ? { years: constraints.years } : {}),
      ...(constraints.audience ? { audience: constraints.audience } : {}),
    };
  }

  /** The list `recommend` would answer from its cache for these options, if it holds one; never computes. */
  cached(options: { userId: string; k?: number; accept?: ((item: Item) => boolean) | undefined }): RecommendResult | undefined {
    return this.cachedList(this.cacheSlot(options));
  }

  /** Plain requests are cached per user and k, at the version of the user's events; a message, refinement, exclusion or filter is not. */
  private cacheSlot(options: { userId: string; k?: number; refinement?: Refinement | undefined; message?: string | undefined; exclude?: readonly string[]; accept?: ((item: Item) => boolean) | undefined }): { key: string; version: string } | undefined {
    if (!this.cacheEnabled || options.refinement !== undefined || options.message !== undefined || (options.exclude ?? []).length > 0 || options.accept !== undefined) return undefined;
    return { key: `${options.userId}|${options.k ?? 5}`, version: this.options.store.versionOf(options.userId) };
  }

  /** The slot's list if it was made at the user's current version. */
  private cachedList(slot: { key: string; version: string } | undefined): RecommendResult | undefined {
    const entry = slot === undefined ? undefined : this.cache.get(slot.key);
    return entry !== undefined && entry.version === slot?.version ? entry.result : undefined;
  }

  async recommend(options: {
    userId: string;
    k?: number;
    refinement?: Refinement | undefined;
    message?: string | undefined;
    /** What the item text index searches for, when not the message itself (the message without the titles it dislikes). */
    searchText?: string | undefined;
    exclude?: readonly string[];
    /** Only items this accepts are recommended (the session's constraints). */
    accept?: ((item: Item) => boolean) | undefined;
    /**
     * Genre keys a filter asks for (the API's `genre=Horror`): like genres asked for in chat, they are
     * not kept out or counted as disliked for this request.
     */
    askedGenres?: readonly string[] | undefined;
    /**
     * Keep out genres the user said they strongly dislike, unless this request asks for them (default
     * true; a filter that asks for no such genre keeps them out too: `yearFrom=1990` had let Scream in).
     */
    keepOutDisliked?: boolean | undefined;
    /** A chat turn's profile and ratings, read in place of the stored ones (the turn writes them when it is done). */
    pending?: TurnState | undefined;
    /** The part of `refinement.tagWeights` a mood put there ("date night"): the result says whether it moved the list (`moodMoved`). */
    mood?: Readonly<Record<string, number>> | undefined;
    /**
     * Ids of the films the turn asks for more like: the model's best items for them alone keep half the candidate places,
     * and the ranking (not the explanations) lifts films by how much they are like them (`Refinement.examples`).
     */
    examples?: readonly string[] | undefined;
    /** What the turn changes of its `examples` ("but funnier": lean to comedy, avoid horror): see `GenerateInput.exampleChange`. */
    exampleChange?: { lean: readonly string[]; avoid: readonly string[] } | undefined;
    /**
     * The genres asked for are two people's tastes ("she likes musicals, I like westerns"): when too few films have them
     * all, the rest of the list takes films of each in turn, not of whichever the ranking favours.
     */
    balanceAskedGenres?: boolean | undefined;
    signal?: AbortSignal;
  }): Promise<RecommendResult> {
    const k = options.k ?? 5;
    this.options.store.requireUser(options.userId);
    const slot = this.cacheSlot(options);
    const cached = this.cachedList(slot);
    if (cached) return cached;

    const { ranked, reranker, degradedReason, candidates, profile, history } = await this.rank(withExamples(options, this.genresOfItem), k, false);
    const recommendations: Recommendation[] = [];
    for (const entry of ranked) {
      // The LLM re-ranker's reason is its explanation; the offline explainer cites evidence.
      const explanation = await this.options.explainer.explain({
        profile,
        history,
        item: entry.item,
        refinement: options.refinement,
        reason: entry.reason,
        offered: true,
        reception: this.options.catalog.popularity(entry.item.id),
      });
      recommendations.push({ ...entry, explanation });
    }
    const moodMoved = options.mood === undefined ? undefined : await this.moodMoved(ranked, withExamples(options, this.genresOfItem), k, options.mood);
    const result: RecommendResult = {
      recommendations,
      reranker,
      degraded: degradedReason !== undefined,
      ...(degradedReason ? { degradedReason } : {}),
      candidateCount: candidates.length,
      ...(moodMoved === undefined ? {} : { moodMoved }),
    };
    // A degraded list (the LLM failed or was skipped) is not kept: once the LLM is back, the next request gets its list.
    if (slot !== undefined && !result.degraded) {
      // Replaced, not added beside: the entry moves to the end of the eviction order.
      this.cache.delete(slot.key);
      if (this.cache.size >= 10_000) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(slot.key, { version: slot.version, result });
    }
    return result;
  }

  /**
   * Candidates (model, text index, genre sources) for the request, re-ranked to the top k: by the LLM when one is
   * configured and `offlineOnly` is false, else (and when it fails) by the offline re-ranker.
   */
  private async rank(
    options: RecommendRequest,
    k: number,
    offlineOnly: boolean,
  ): Promise<{ ranked: RankedItem[]; reranker: string; degradedReason: DegradedReason | undefined; candidates: Candidate[]; profile: Profile; history: HistoryEntry[] }> {
    const events = [...this.implicitEvents(options.userId), ...(options.pending?.events ?? [])];
    const history = this.historyWith(options.userId, events, options.pending?.ratings);
    const profile = options.pending?.profile ?? this.profile(options.userId);
    const knownTags = this.options.catalog.tagStems();
    const likedTags = new Set<string>();
    const dislikedTags = new Set<string>();
    // A film the user named ("I loved Star Wars", "I loved Alien and Aliens") is a rating in the history, no genre the user
    // likes: its title's words had brought popular war films, and kept half the candidate places for them, as the taste does not.
    const ofGenres = genrePreferences(profile, history);
    for (const preference of ofGenres) {
      const target = preference.polarity === 'like' ? likedTags : preference.polarity === 'dislike' ? dislikedTags : undefined;
      for (const tag of mentionedTagStems(preference.subject, knownTags)) target?.add(tag);
    }
    for (const [tag, weight] of Object.entries(options.refinement?.tagWeights ?? {})) (weight > 0 ? likedTags : dislikedTags).add(tag);
    // What this request asks for is wanted now, whatever the profile says ("I can't stand horror. A horror comedy please"
    // had dropped horror from the liked genres and skipped every popular horror film).
    // A mood's nudge is no request for a genre: "I can't stand horror" then "something for halloween" had listed horror films.
    const mood = options.mood ?? {};
    const askedKeys = new Set([
      ...Object.keys(options.refinement?.asked?.genres ?? {}),
      ...Object.entries(options.refinement?.tagWeights ?? {}).filter(([tag, weight]) => weight - (mood[tag] ?? 0) > 1e-9).map(([tag]) => tag),
      ...(options.askedGenres ?? []),
    ]);
    for (const tag of askedKeys) {
      dislikedTags.delete(tag);
      likedTags.add(tag);
    }
    for (const tag of dislikedTags) likedTags.delete(tag);
    // A genre said to be disliked stays out unless this request asks for it ("I can't stand horror" then "more", "more"...).
    const keepOut = (options.keepOutDisliked ?? true) ? [...this.stronglyDisliked(profile, knownTags)].filter((tag) => !askedKeys.has(tag)) : [];
    const keptOut = keepOut.length === 0 ? undefined : keptOutBy(keepOut, history);
    const accept = keptOut === undefined ? options.accept : (item: Item) => !keptOut(item) && (options.accept === undefined || options.accept(item));
    // Words naming genres ruled out or kept out are not searched ("no war. a comedy please" had found "War Room").
    const ruledOut = new Set([...keepOut, ...Object.keys(options.refinement?.asked?.ruledOut ?? {}), ...Object.entries(options.refinement?.tagWeights ?? {}).filter(([, weight]) => weight <= -1).map(([tag]) => tag)]);
    // Genres the profile says the user likes (not this request's): the model's best films of them stay among the
    // candidates once films are named ("I love sci-fi" then "I loved Toy Story" had left one sci-fi film in five).
    const statedTags = new Set<string>();
    for (const preference of ofGenres) {
      if (preference.polarity !== 'like') continue;
      for (const tag of mentionedTagStems(preference.subject, knownTags)) if (!dislikedTags.has(tag) && !ruledOut.has(tag)) statedTags.add(tag);
    }
    const generateInput = {
      userId: options.userId,
      history,
      likedTags,
      dislikedTags,
      statedTags,
      // Nor genres the user dislikes at all, or is lukewarm on ("horror is not really my thing" had found Amityville Horror and
      // The Craft by the word "horror" once a mild dislike no longer kept horror out).
      queryText: this.queryText(profile, options.searchText ?? options.message, new Set([...ruledOut, ...dislikedTags, ...lukewarmTags(profile, knownTags)]), likedTags),
      k: this.options.candidateCount ?? 20,
      // A skipped item is not offered again.
      exclude: new Set([...(options.exclude ?? []), ...events.filter((event) => event.event === 'skip').map((event) => event.itemId)]),
      ...(options.examples === undefined || options.examples.length === 0 ? {} : { examples: options.examples, ...(options.exampleChange === undefined ? {} : { exampleChange: options.exampleChange }) }),
    };
    // Genres asked for in so many words are a request: candidates with one of them first, the model
    // choosing among those, and others only when too few are left.
    const askedGenres = Object.keys(options.refinement?.asked?.genres ?? {});
    let candidates: Candidate[];
    if (askedGenres.length > 0) {
      const withAsked = (item: Item) => tagStems(item).some((tag) => askedGenres.includes(tag)) && (accept === undefined || accept(item));
      candidates = await this.options.candidates.generate({ ...generateInput, accept: withAsked });
      if (candidates.length < k) {
        const exclude = new Set([...generateInput.exclude, ...candidates.map((candidate) => candidate.item.id)]);
        candidates = [...candidates, ...(await this.options.candidates.generate({ ...generateInput, exclude, accept }))];
      }
    } else {
      candidates = await this.options.candidates.generate({ ...generateInput, accept });
    }
    // `accept` and the genre stems are for checking an LLM's answer; the offline re-ranker reads neither.
    const input = { profile, history, candidates, k, refinement: options.refinement, query: options.message, accept, genreStems: knownTags, ...(options.signal ? { signal: options.signal } : {}) };
    let ranked: RankedItem[];
    let reranker = this.options.reranker.name;
    let degradedReason: DegradedReason | undefined;
    // The counterfactual ranking of a mood is the offline one: no second LLM call.
    const llm = offlineOnly ? undefined : this.options.llm;
    if (llm && candidates.length === 0) {
      // Nothing to rank: no LLM call, so nothing the circuit breaker should take for an answer.
      ranked = [];
      reranker = llm.reranker.name;
    } else if (llm) {
      const step = await this.llmStep('rerank', options.signal, (signal) => llm.reranker.rerank({ ...input, ...(signal ? { signal } : {}) }));
      if (step.ok) {
        ranked = step.value;
        reranker = llm.reranker.name;
      } else {
        ranked = await this.options.reranker.rerank(input);
        degradedReason = step.reason;
      }
    } else {
      ranked = await this.options.reranker.rerank(input);
    }
    // The LLM's order within each group of asked genres matched, and of films a change to the examples leans to (the offline
    // re-ranker orders so already).
    if (askedGenres.length > 0 || (options.refinement?.examples?.lean ?? []).length > 0) {
      ranked.sort((a, b) => askedGenreCount(b.item, options.refinement) - askedGenreCount(a.item, options.refinement) || Number(leansAsAsked(b.item, options.refinement)) - Number(leansAsAsked(a.item, options.refinement)));
    }
    // Two people's genres ("she likes musicals, I like westerns"): once the films with all of them run out, the rest of the
    // list takes each genre's best in turn (five westerns had answered, the model favouring them). Genres asked as
    // alternatives ("anything scary or funny?") take turns from the start, each ranked as if asked alone: ranked together,
    // the films with both had filled the list (five horror comedies).
    const either = options.refinement?.asked?.either === true;
    if (askedGenres.length > 1 && (either || (options.balanceAskedGenres === true && ranked.filter((entry) => askedGenreCount(entry.item, options.refinement) === askedGenres.length).length < k))) {
      const pools = await Promise.all(
        askedGenres.map(async (genre) => {
          const ofGenre = (item: Item) => tagStems(item).includes(genre) && (accept === undefined || accept(item));
          const others = askedGenres.filter((other) => other !== genre);
          const alone = either ? { likedTags: new Set([...likedTags].filter((tag) => !others.includes(tag))) } : {};
          const pool = await this.options.candidates.generate({ ...generateInput, ...alone, accept: ofGenre });
          return this.options.reranker.rerank({ ...input, candidates: pool, ...(either ? { refinement: askedAlone(options.refinement, genre, others) } : {}) });
        }),
      );
      ranked = eachGenreInTurn(either ? [] : ranked, pools, askedGenres, k);
    }
    return { ranked, reranker, degradedReason, candidates, profile, history };
  }

  /**
   * Whether a mood moved the list: it fits the mood (the mean over its items of the mood's weights of their genres)
   * better than the list the same request gets without the mood, candidates and offline re-ranking included.
   */
  private async moodMoved(ranked: readonly RankedItem[], options: RecommendRequest, k: number, mood: Readonly<Record<string, number>>): Promise<boolean> {
    if (ranked.length === 0 || Object.values(mood).every((weight) => weight === 0)) return false;
    const fit = (list: readonly RankedItem[]) => list.reduce((sum, entry) => sum + tagStems(entry.item).reduce((total, tag) => total + (mood[tag] ?? 0), 0), 0) / Math.max(1, list.length);
    const plain = await this.rank({ ...options, refinement: withoutMood(options.refinement, mood) }, k, true);
    return fit(ranked) > fit(plain.ranked) + 1e-9;
  }

  /**
   * Explains one item for a user (LLM when configured, else evidence). `offered`: whether the item was
   * offered to them (default true); the explanation then cites its ratings here when it has nothing else.
   */
  async explain(options: {
    userId: string;
    item: Item;
    refinement?: Refinement | undefined;
    offered?: boolean | undefined;
    pending?: TurnState | undefined;
    signal?: AbortSignal;
  }): Promise<{ explanation: string; degraded: boolean; degradedReason?: DegradedReason | undefined }> {
    const profile = options.pending?.profile ?? this.profile(options.userId);
    const history = this.historyWith(options.userId, [...this.implicitEvents(options.userId), ...(options.pending?.events ?? [])], options.pending?.ratings);
    const input = {
      profile,
      history,
      item: options.item,
      refinement: options.refinement,
      offered: options.offered ?? true,
      reception: this.receptionOf(options.item.id),
      genreStems: this.options.catalog.tagStems(),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    const llm = this.options.llm;
    if (llm) {
      const step = await this.llmStep('explain', options.signal, (signal) => llm.explainer.explain({ ...input, ...(signal ? { signal } : {}) }));
      if (step.ok) return { explanation: step.value, degraded: false };
      return { explanation: await this.options.explainer.explain(input), degraded: true, degradedReason: step.reason };
    }
    return { explanation: await this.options.explainer.explain(input), degraded: false };
  }

  /**
   * One chat turn: classify, act, reply, and store both messages with the session state. Turns of
   * one session run one after another (a double-clicked send, two tabs): each reads the state the
   * previous one wrote, so neither's constraints or offered items are lost.
   */
  async chat(options: ChatTurnOptions): Promise<ChatResult> {
    // A user's turns (any session) and event batches run one after another: each reads the profile the
    // one before wrote, and none overwrites another's.
    return this.inOrder(`user:${options.userId}`, () => this.chatTurn(options));
  }

  /** Runs `work` after the last queued work of the same key has settled (in this process). */
  private inOrder<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queued.get(key) ?? Promise.resolve();
    const turn = previous.then(work);
    const settled = turn.then(
      () => undefined,
      () => undefined,
    );
    this.queued.set(key, settled);
    void settled.then(() => {
      if (this.queued.get(key) === settled) this.queued.delete(key);
    });
    return turn;
  }

  private async chatTurn(options: ChatTurnOptions): Promise<ChatResult> {
    const store = this.options.store;
    store.requireUser(options.userId);
    const session = options.sessionId === undefined ? undefined : store.getSession(options.sessionId);
    if (options.sessionId !== undefined && (session === undefined || session.userId !== options.userId)) {
      throw new PersonalabError('not_found', `unknown session ${options.sessionId} for user ${options.userId}`);
    }
    const now = this.clock.now();
    const userMessage: StoredMessage = { id: this.ids(), role: 'user', content: options.message, timestamp: now, userId: options.userId };
    const ownList = (session?.lastRecommended ?? []).map((id) => this.options.catalog.get(id)).filter((item): item is Item => item !== undefined);
    // A returning user's session with no list yet goes on from the last session's: "the first one you suggested last time",
    // "why that thriller?", "none of those" point at its last list, and "anything new?" leaves out what it offered (a new
    // session had known nothing of it: "anything new for me?" listed the same five films again).
    // Read only when it can matter: no list in this session yet, or a message asking for what has not been shown.
    // The session's messages so far, read once for the turn (what was offered, the films discussed, the request a turn goes on with).
    const earlier = session === undefined ? [] : store.sessionMessages(session.id, 1_000);
    const knownTags = this.options.catalog.tagStems();
    // The session's list, or, right after "Which one do you mean?", the films that question numbered ("the second one" is
    // its second). The question leaves the session's list as it was: "why the fifth one?" after the answer is the list's
    // fifth film (the question's films had taken its place).
    const question = this.openQuestion(earlier);
    const listed = question !== undefined && question.candidates.length > 0 ? question.candidates : ownList;
    // "The second one", "Contact" after "Which one do you mean?": the message that asked is read again with the film picked
    // ("I watched that sci-fi film you suggested last time and loved it" → "… Contact (1997) …"); "the one from the 80s"
    // that fits several of its films, or none, is asked about again (it had been read as a request for 80s films).
    let answered: { message: string; film: Item } | undefined;
    if (question !== undefined) {
      const reading = this.answerToQuestion(options.message, question, knownTags);
      if (reading !== undefined && 'ask' in reading) {
        const asked = classifyTurn(question.asked.content, { lastRecommended: listed, knownTags, allItems: () => this.options.catalog.values() });
        return this.writeQuestion(options, session, userMessage, reading.ask, asked.intent);
      }
      answered = reading;
    }
    let message = answered?.message ?? options.message;
    const asksNew = asksForNew.test(message.replace(/[’‘]/g, "'"));
    const before = listed.length === 0 || asksNew ? this.previousSession(options.userId, session?.id, earlier.length) : undefined;
    const lastRecommended = listed.length > 0 ? listed : (before?.lastRecommended ?? []);
    // "That sci-fi film you suggested last time", "the one I liked last time": the film meant takes the words' place, or,
    // when several fit, the reply asks which (it had listed films again and noted "you like sci-fi").
    // An answer's message is read with the "last time" of the message it answers (its words may have taken that phrase's place).
    const lastTime = mentionsLastTime.test((answered === undefined ? message : (question?.asked.content ?? message)).replace(/[’‘]/g, "'"));
    const pointing = this.pointedFilms(message, { userId: options.userId, session, earlier, listed, lastRecommended, before, knownTags, lastTime });
    if (pointing !== undefined && 'ask' in pointing) {
      const asked = classifyTurn(message, { lastRecommended, knownTags, allItems: () => this.options.catalog.values() });
      return this.writeQuestion(options, session, userMessage, pointing.ask, asked.intent);
    }
    message = pointing?.message ?? message;
    const pointed = [...(answered === undefined ? [] : [answered.film]), ...(pointing?.films ?? [])];
    // "I didn't like the first one", "more like the second one", "I've seen the third one": the films the last list showed
    // there; "I loved it", "more like that" after "why the fourth one?": the film that turn was about.
    // In a new session, "it" and "that" are what the last session ended on ("something like Scream", then next time "more like that").
    const talk = listed.length > 0 || before === undefined ? { messages: earlier, list: listed } : { messages: before.messages, list: before.lastRecommended };
    // "It" after words pointing at a film is that film: "the one I liked last time, anything like it?", "I watched that sci-fi
    // film you suggested and loved it"; "is it scary?" after "tell me about Alien" asks about Alien.
    const about = pointed.length > 0 ? { films: pointed, asked: false } : talk.messages.length === 0 ? undefined : this.lastTurnAbout(talk.messages.slice(-(3 + 2 * DISCUSSED_DEPTH)), talk.list, knownTags);
    const discussed = about?.films;
    const turn = classifyTurn(message, {
      lastRecommended,
      knownTags,
      allItems: () => this.options.catalog.values(),
      looseTitles: (text) => this.options.catalog.titleOpinions().titles(text, { aboutFilms: true }),
      namedTitles: (text) => this.options.catalog.titleOpinions().named(text),
      discussed,
    });
    const useConstraints = this.options.sessionConstraints ?? true;
    const previous = session?.constraints ?? noConstraints();
    // "Why The Happy Cartoon?" asks about an item; its title's words ask for no genre.
    // What the catalogue cannot filter by ("on Netflix", "under 90 minutes", "with Tom Hanks") is read as no part of the
    // request: "a comedy on Netflix" is a request for a comedy (it had asked for nothing: the phrase broke its shape).
    const readable = withoutUnsupportedAsks(message, turn.unsupported ?? []);
    const read = useConstraints && turn.intent !== 'explain' ? await this.readConstraints(message, knownTags, previous, options.signal, readable) : undefined;
    // "I love horror but my partner hates it, what's a compromise?": no horror, and the genre horror films most often have.
    const compromise = read?.update === undefined ? undefined : withCompromise(read.update, (tag) => this.options.catalog.companionGenre(tag));
    // "Any alien films?": the genre the topic names is asked for, when nothing else is (it had got the general list).
    const lean = topicLean(turn.unsupported ?? [], compromise, previous, knownTags);
    const update = compromise === undefined || lean === undefined ? compromise : { ...compromise, wanted: { [lean]: WANTED_WEIGHT } };
    // The list a change refines: right after "Which one do you mean?", a message that answers nothing is read against the
    // session's own list, not the films the question numbered ("actually, a western please" after a question that opened a
    // session had been answered "Understood (…). How about these instead", as a change to a list never shown).
    const refinable = question !== undefined && answered === undefined ? ownList : listed;
    // "Ok, from before 1980" is small talk by its first word but changes the request: answer it with items.
    if (turn.intent === 'chitchat' && update !== undefined && changesRequest(update, previous)) turn.intent = refinable.length > 0 ? 'refine' : 'recommend';
    // "Anything older?", "no, I meant the 80s", "forget the comedies": a change to what the last list answered refines it
    // (the reply had read "Here is what I would suggest", as to a new request).
    if (turn.intent === 'recommend' && refinable.length > 0 && update !== undefined && revisesRequest(update, previous, message)) turn.intent = 'refine';
    // "I am." right after the off-topic note answers it as if it asked a question: it asks for nothing, so the note's
    // request is made again, with no list (SPC users' answer; it had got one).
    const last = earlier.at(-1);
    const assents = bareAssent.test(message.replace(/[’‘]/g, "'")) && last?.role === 'assistant' && last.content.endsWith(OFF_TOPIC);
    if (assents) turn.intent = 'chitchat';
    const named = nameReferences(message, lastRecommended, discussed);
    // Read once: the opinions that become ratings, and (below) the films a request asks for more like.
    const opinions = turn.intent === 'explain' ? [] : this.options.catalog.titleOpinions().read(named);
    // "Something like them", "more like the second one", "more like Aliens", "a mix of Star Wars and Toy Story": the films
    // asked for more like. "More" after "something like Heat", or a change to that request ("but lighter", "anything
    // older?"), goes on with Heat (the next turns had dropped it).
    const byExample = opinions.filter((opinion) => opinion.byExample === true && opinion.polarity === 'like').map((opinion) => opinion.item);
    const more = lastRecommended.length > 0 && paging.test(message.replace(/[’‘]/g, "'"));
    const goesOn = more || (turn.intent === 'refine' && update !== undefined && continuesRequest(turn, update));
    const examples = byExample.length === 0 && goesOn && talk.messages.length > 0 ? this.examplesOfRequest(talk.messages.slice(-16), knownTags) : byExample;
    // A session's first list refines nothing in it: "what else would I like?" coming back is a request, not "Understood (…)".
    if (turn.intent === 'refine' && refinable.length === 0) turn.intent = 'recommend';
    // A mood that changes the examples ("like Fargo but funnier") leans within films like them: its lift of comedy, not of
    // cartoons, and no push against Fargo's own crime and thriller (which had made it Disney films).
    if (examples.length > 0 && turn.mood !== undefined) withinExamples(turn, new Set(examples.flatMap((item) => tagStems(item))));
    // "Older than that" with no years asked compares with the years of the list shown; "like Men in Black but older", with the film's.
    const shownYears = lastRecommended.flatMap((item) => (item.year === undefined ? [] : [item.year]));
    const exampleYears = byExample.flatMap((item) => (item.year === undefined ? [] : [item.year]));
    const merged = update !== undefined ? mergeConstraints(previous, update, { shownYears, exampleYears, latestYear: this.options.catalog.latestYear() }) : useConstraints ? previous : noConstraints();
    // The mood ("date night") is kept for the session's next turns until the user asks for something else.
    const constraints = update !== undefined ? withSessionMood(merged, turn, update, message) : merged;
    // "Start over", "forget that": what the session had asked for is dropped, and the reply says so (it had answered
    // "Here is what I would suggest:" as to any request, the user left to guess whether the old limits still held).
    const dropped = update?.reset === true ? [...(hasConstraints(previous) ? [describeConstraints(previous)] : []), ...(previous.mood === undefined ? [] : [previous.mood.names.join(' and ')])] : [];
    const startedOver = dropped.length > 0 ? `Starting over: I have dropped what you asked for before (${dropped.join('; ')}). ` : '';
    // The profile learns from the message before recommending, so a new user's words count at once; titles
    // named with an opinion ("I loved Alien") become the user's ratings, the model's seeds. Both are read in
    // place of the stored ones and written with the turn, in one transaction: a turn that fails writes nothing.
    // Read as the words the film was named by were its title ("that sci-fi film" is no taste for sci-fi).
    // A liking of films the catalogue lacks ("I loved Inception and Alien") is no taste for their titles' words: "you like
    // inception and alien" had been noted, and said again on the cards ("You said you like the matrix and alien").
    const unknownFilms = turn.unknownFilms ?? [];
    const namesFilms = unknownFilms.length === 0 ? undefined : namesOneOf(opinions.map((opinion) => opinion.item), unknownFilms);
    const extracted = await this.extractProfile(options.userId, [message === options.message ? userMessage : { ...userMessage, content: message }], namesFilms);
    // "What is Fargo about?" then "anything like Fargo?": films like one the user just asked about, not a liking of it (it
    // had been noted as liked, a 4-star rating); "I loved it! anything like it?" says the liking too. So for one someone
    // else watched ("my wife watched heat, anything similar?").
    const askedAbout = new Set(about?.asked === true ? about.films.map((item) => item.id) : []);
    const stated = this.titleOpinionsOf(
      options.userId,
      opinions.filter((opinion) => opinion.unrated !== true && !(opinion.byExample === true && opinion.stated !== true && askedAbout.has(opinion.item.id))),
    );
    const seen = turn.intent === 'explain' ? [] : this.seenTitlesOf(options.userId, named, stated);
    const pending: TurnState = {
      profile: extracted.profile,
      ratings: stated.map((opinion) => ({ itemId: opinion.item.id, value: opinion.rating, timestamp: now, source: 'chat' as const })),
      events: seen.map((item) => ({ itemId: item.id, event: 'view' as const, timestamp: now })),
    };

    let reply: string;
    let result: RecommendResult = { recommendations: [], reranker: this.rerankerName, degraded: false, candidateCount: 0 };
    let shown = session?.lastRecommended ?? [];
    if (turn.intent === 'explain' && turn.question === 'compare' && turn.unknownTitle === undefined && (turn.compared ?? []).length > 1) {
      // "Alien or Aliens?", "which of these is the best?": a pick, with how each is liked (a list had answered, as a request).
      const { facts, personal } = this.filmFacts(options.userId, turn.compared ?? [], pending);
      reply = compareFilms(facts, turn.comparedBy, { personal });
    } else if (turn.intent === 'explain' && turn.asked !== undefined && turn.target !== undefined) {
      // "Is Alien scary?", "how old is Casablanca?", "who is in Star Wars?": answered from what the catalogue knows, and
      // plainly not where it knows nothing (a list of horror films had answered "is Alien scary?").
      reply = await this.answerAbout(options.userId, turn.target, turn.asked, pending);
    } else if (turn.intent === 'explain') {
      // "Why the comedy?", "tell me about the older one": a film of the list described rather than named; several that fit are asked about.
      const described = turn.target === undefined && turn.unknownTitle === undefined ? this.describedFilm(message, lastRecommended, knownTags, listed.length === 0) : undefined;
      if (described !== undefined && 'film' in described) turn.target = described.film;
      if (turn.target) {
        // What the session asked for is part of why: which parts of it the item meets, and which it misses.
        const asked = explanationRequest(constraints, this.askedFor(constraints));
        // "Why Heat?" about a film this session never offered is answered without saying it was.
        const target = turn.target;
        const offered = offeredIn(earlier).includes(target.id) || (before?.offered.includes(target.id) ?? false) || pointed.some((item) => item.id === target.id) || described !== undefined;
        const explained = await this.explain({ userId: options.userId, item: turn.target, refinement: asked, offered, pending, ...(options.signal ? { signal: options.signal } : {}) });
        // "Why Fargo?" of a film never offered here: say so, rather than explain as if it had been chosen.
        const notOffered = turn.question === 'why' && !offered ? 'I have not suggested it in this conversation, but here is how it compares. ' : '';
        // "Tell me more about the third one": how it is liked and films like it too, and what it cannot tell (it had said only
        // which of its genres the request asked for).
        const more = turn.question === 'about' ? await this.moreAbout(options.userId, target, explained.explanation, pending) : '';
        reply = `${turn.question === 'about' ? 'About' : 'Why'} ${turn.target.title}? ${notOffered}${explained.explanation}${more}`;
        result = { ...result, degraded: explained.degraded, ...(explained.degradedReason ? { degradedReason: explained.degradedReason } : {}) };
      } else if (turn.unknownTitle !== undefined) {
        // "Tell me about The Matrix": say the catalogue lacks it, rather than answer with a list as if asked for films.
        const latest = this.options.catalog.latestYear();
        const where = `in my catalogue${latest === undefined ? '' : ` (its films go up to ${latest})`}`;
        const others = (turn.compared ?? []).map(writtenTitle);
        reply =
          turn.question === 'why'
            ? `I have not suggested ${turn.unknownTitle}: I cannot find it ${where}.`
            : turn.question === 'compare'
              ? `I cannot find ${turn.unknownTitle} ${where}, so I cannot compare ${others.length === 0 ? 'them' : `it with ${wordList(others)}`}.`
              : `I cannot find ${turn.unknownTitle} ${where}, so I cannot tell you about it. Tell me what you like about it and I will look for something close.`;
      } else if (described !== undefined && 'ask' in described) {
        // The films the question numbers are the ones its answer ("the second one") picks from (`openQuestion`).
        reply = described.ask.reply;
      } else {
        reply =
          lastRecommended.length > 0
            ? `${WHICH_ONE} ${listed.length > 0 ? 'I suggested' : 'Last time I suggested'}:\n${list(lastRecommended.map((item) => item.title))}`
            : 'Ask me for a recommendation first, then ask why.';
      }
    } else if (turn.intent === 'chitchat' && turn.asksAboutSelf) {
      // "What do you know about me?": what they said and rated, not a list (it had been answered with one).
      reply = this.aboutUser(options.userId, pending, constraints);
    } else if (turn.intent === 'chitchat') {
      if (turn.unreadable === 'empty') reply = `I did not catch anything there. ${TELL_ME}`;
      // Said plainly, with no list and no LLM small talk that might play along ("do you like pizza?" had got five films).
      else if (turn.offTopic === true) reply = `${startedOver}${OFF_TOPIC}`;
      else if (assents) reply = TELL_ME;
      // "Ok", "cool" after a list take it in: asked about it, not greeted again ("Hello! Tell me what you like" had answered).
      else if (acknowledges.test(message.replace(/[’‘]/g, "'")) && listed.length > 0) reply = ACKNOWLEDGED;
      else {
        const answered = await this.chitchat(message, options.signal);
        reply = `${startedOver}${answered.reply}`;
        // A failed LLM reply answered by the canned one is a fallback the answer must own up to, as the other steps do.
        result = { ...result, degraded: answered.degradedReason !== undefined, ...(answered.degradedReason ? { degradedReason: answered.degradedReason } : {}) };
      }
    } else {
      // Nothing offered earlier in this session is offered again: the user has seen it and asked on. Nor is a film the
      // user asked to leave out in this session ("anything but Star Wars").
      const { leftOut, leftOutBefore } = this.leftOut(message, earlier, knownTags);
      // In a new session, what the last one offered is left out when the user asks for something new or else.
      const notAgain = before !== undefined && asksNew ? before.offered : [];
      // Nor the films asked for more like: those the user has not rated (one just asked about) would be listed among their own
      // kind; nor their other films of the same title, the same story told again ("something like Sabrina 1954" had listed
      // its remake first, found by the title's word); so for a film the message says the user likes ("I loved Sabrina (1954),
      // anything similar?" had listed Sabrina (1995) first). A version the years asked for hold, and its film not, is kept: it is
      // what "anything older like it?" asks for ("I loved Sabrina (1995)" had lost Sabrina (1954)).
      const liked = stated.filter((opinion) => opinion.polarity === 'like').map((opinion) => opinion.item);
      const versions = otherVersions([...examples, ...liked], this.options.catalog.values(), constraintFilter({ ...noConstraints(), years: constraints.years }, knownTags));
      // Nor a film the message takes up ("Oh, Ulee's Gold is exactly what I was looking for"): the user has their pick.
      const takenUp = takenUpFilms(readable, this.options.catalog.titleOpinions().named(readable));
      const exclude = [...offeredIn(earlier), ...notAgain, ...leftOutBefore, ...leftOut.map((item) => item.id), ...examples.map((item) => item.id), ...versions, ...takenUp];
      const plain = update === undefined ? { refinement: turn.refinement, mood: turn.mood?.tagWeights } : withConstraints(turn, update, constraints, this.askedFor(constraints));
      // A mood does not lean to a genre the user is lukewarm on ("musicals are hit or miss for me", then "something fun"
      // had listed four musicals: the light mood's lift for Musical).
      const steered = withoutLukewarmLean(plain, new Set(lukewarmTags(pending.profile, knownTags)));
      const refinement = steered.refinement;
      // The list leans to films like the ones asked for more like, and the model's best films for them alone join the
      // candidates. They are often rated already (a returning user's "more like Aliens" had added nothing to the ranking, and
      // listed dramas), so the turn would otherwise change nothing.
      // What the turn changes of them ("but funnier"): films like them that lean to comedy and have no horror take their places.
      const change = examples.length === 0 || constraints.mood === undefined ? undefined : exampleChangeOf(constraints.mood);
      // "Give me 3", "top 10 action movies": the count asked for (at most 10), else the caller's.
      const counted = requestedCount(message);
      // What the message says about titles the user dislikes or found just ok is not what they want more of ("Alien was ok"
      // had brought Alien 3 and Alien: Resurrection), nor is what the catalogue cannot filter by ("with Tom Hanks" had
      // found Tom & Viv): the text index does not search for it (an LLM re-ranker still reads the whole message).
      const disliked = stated.filter((opinion) => opinion.polarity !== 'like').map((opinion) => opinion.clause);
      // A remark that asks for nothing ("He's my best friend.", "I'd love to hear your music sometime") is not searched by its
      // words unless it names a catalogue title, or a series liked ("He loves Star Trek": `likesSeries`): its everyday words had
      // led the list (My Best Friend's Wedding, Nick of Time).
      const likesSeries = seriesLiking.test(readable) && writesTitleOpening(readable, () => this.options.catalog.values());
      const remark =
        turn.asksNothing === true && opensRemark(readable) && stated.length === 0 && examples.length === 0 && this.options.catalog.titleOpinions().named(readable).length === 0 && !likesSeries;
      const searchText = remark ? '' : disliked.reduce((text, clause) => text.replace(clause, ' '), readable).trim();
      result = await this.recommend({
        userId: options.userId,
        k: counted?.count ?? options.k ?? 5,
        refinement,
        message,
        searchText,
        exclude,
        accept: constraintFilter(constraints, knownTags),
        keepOutDisliked: true,
        balanceAskedGenres: update?.together === true,
        pending,
        ...(steered.mood === undefined ? {} : { mood: steered.mood }),
        ...(examples.length === 0 ? {} : { examples: examples.map((item) => item.id), ...(change === undefined ? {} : { exampleChange: change }) }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      shown = result.recommendations.map((entry) => entry.item.id);
      // Tastes the message stated that the profile took in ("I love sci-fi", "I can't stand horror"), said back once.
      const tastes = this.statedTastes(extracted.previous, extracted.profile, knownTags, pending, [...stated.map((opinion) => opinion.item), ...seen]);
      const notes = [
        ...tastes,
        ...opinionNotes(stated),
        ...(seen.length > 0 ? [`you have seen ${seen.map(notedTitle).join(', ')} (I will not suggest ${seen.length === 1 ? 'it' : 'them'} again)`] : []),
        ...(leftOut.length > 0 ? [`leaving out ${leftOut.length <= 3 ? wordList(leftOut.map(notedTitle)) : `${leftOut.slice(0, 2).map(notedTitle).join(', ')} and ${leftOut.length - 2} more of the series`}`] : []),
      ];
      const noted = notes.length > 0 ? `Noted: ${notes.join('; ')}. ` : '';
      // A statement that asks for nothing ("My favorite food is pizza.") is listed for by the session's request, which it did
      // not ask again: no genre is named as if it had ("Here is what I would suggest (documentary)" had answered it).
      const restated = !(turn.asksNothing === true && !(update !== undefined && changesRequest(update, previous)) && stated.length === 0 && examples.length === 0);
      const asked = hasConstraints(constraints) && restated ? ` (${describeConstraints(constraints)})` : '';
      // A turn whose tastes or films are noted is not acknowledged twice ("Noted: you like westerns. Understood (…)", "Noted:
      // you dislike Sleepers (1996). Understood.").
      const understood = turn.intent === 'refine' && notes.length === 0 ? `Understood${quote(turn.refinement?.phrase ?? message)}. ` : '';
      // The mood is named only when it moved the list; one kept from an earlier turn is said to be kept.
      const moodNames = turn.mood?.names ?? (update === undefined ? undefined : constraints.mood?.names);
      const mood = result.moodMoved && moodNames ? moodInWords(moodNames, result.recommendations.map((entry) => entry.item)) : undefined;
      // "Like Fargo but funnier", "a mix of Star Wars and Toy Story", "but lighter" after it: the reply names the films the list
      // is like and the change it made (it had said "Picks for something light" over Disney films, or nothing of the mix).
      const listed = result.recommendations.map((entry) => entry.item);
      const changesExamples = turn.mood !== undefined || (update !== undefined && changesRequest(update, previous)) || (turn.unsupported ?? []).length > 0;
      const byExampleLead =
        // A film pointed at rather than named ("more like the one I liked last time") is named back: the user sees which one was
        // taken; so is one not noted as liked ("anything like Fargo?" after "what is Fargo about?"), which no note names.
        examples.length === 0 ||
        more ||
        (byExample.length > 0 &&
          !changesExamples &&
          byExample.length < 2 &&
          !byExample.some((item) => pointed.some((film) => film.id === item.id)) &&
          byExample.every((item) => stated.some((opinion) => opinion.item.id === item.id)))
          ? undefined
          : exampleLead({
              examples,
              fresh: byExample.length > 0,
              noted: byExample.every((item) => stated.some((opinion) => opinion.item.id === item.id)),
              message,
              unsupported: turn.unsupported ?? [],
              listed,
              telling: this.options.catalog.tellingGenres(),
            });
      const leanNote = change === undefined || listed.length === 0 ? undefined : leanShortfall(listed, change.lean, this.namesOfGenres());
      const lead =
        noted +
        (byExampleLead !== undefined
          ? `${understood}${byExampleLead}${asked}:`
          : mood === undefined
          ? more
            ? `Here are more${asked}:`
            : turn.intent === 'refine'
              ? `${understood}How about these instead${asked}:`
              : update?.together === true
                ? `Something for you both${asked}:`
                : `Here is what I would suggest${asked}:`
          : turn.mood === undefined
            ? `${understood}Still with ${mood.heard} in mind, ${turn.intent === 'refine' ? 'how about these instead' : 'here is what I would suggest'}${asked}:`
            : `${understood}${mood.lead}${asked}:`);
      // Without a language model only English is read: say so rather than pretend the list answers the message.
      const language = turn.unreadable === 'language' && !this.options.llm ? 'I can only read English for now, so this list goes by what I know of your taste. ' : '';
      // "Something shorter", "no Disney", "on Netflix", "with Tom Hanks": the catalogue carries none of these, so say the list
      // does not answer that part (it had answered as if it had, or searched "Disney" and "Tom" as title words).
      const cannot = unsupportedNote(turn.unsupported ?? [], lean === undefined ? undefined : this.namesOfGenres().get(lean)?.toLowerCase());
      // "Something like The Matrix", "a mix of Heat and The Matrix": a film the catalogue lacks is said to be missing, not
      // answered as if it had been used (unless it is part of a title found: "L" of "L.A. Confidential").
      const latest = this.options.catalog.latestYear();
      const missing =
        turn.unknownExample === undefined || byExample.some((item) => item.title.toLowerCase().includes((turn.unknownExample ?? '').toLowerCase()))
          ? ''
          : `I cannot find ${turn.unknownExample} in my catalogue${latest === undefined ? '' : ` (its films go up to ${latest})`}, so these go by the rest of what you asked. `;
      const length = `${missing}${cannot === undefined ? '' : `${cannot} `}`;
      const short = [shortOfAskedGenres(result.recommendations, refinement, this.namesOfGenres(), update?.together === true), leanNote, countNote(counted, result.recommendations.length)].filter(Boolean).join(' ');
      // Years after the catalogue's last ("something from 1999" on one ending in 1998) are said to be past its end (the reply
      // had been "I have nothing left that fits from 1999", as if those films were used up).
      reply =
        startedOver +
        (result.recommendations.length > 0
          ? `${language}${length}${lead}\n${list(result.recommendations.map((entry) => entry.item.title))}${short ? `\n${short}` : ''}`
          : hasConstraints(constraints)
            ? latest !== undefined && (constraints.years?.from ?? -Infinity) > latest
              ? `My catalogue's films go up to ${latest}, so I have nothing that fits ${describeConstraints(constraints)}. Ask for earlier years, or say "start over" to drop what you asked for.`
              : `I have nothing left that fits ${describeConstraints(constraints)}. Say "start over" to drop what you asked for, or change part of it.`
            : 'I have nothing new to suggest yet. Tell me a few things you like?');
    }
    const degradedReason = worse(result.degradedReason, read?.degradedReason);
    return this.writeTurn(options, session, userMessage, {
      reply,
      result: { ...result, degraded: degradedReason !== undefined, ...(degradedReason ? { degradedReason } : {}) },
      intent: turn.intent,
      constraints,
      lastRecommended: shown,
      ...(extracted.changed ? { profile: extracted.profile } : {}),
      ratings: pending.ratings,
      // The films said to be seen are written in the turn's transaction, as its ratings are (before what the caller writes with it).
      ...(seen.length > 0
        ? { alsoWrite: () => store.addEvents(options.userId, (pending.events ?? []).map((event) => ({ kind: 'event' as const, itemId: event.itemId, event: event.event, timestamp: event.timestamp }))) }
        : {}),
    });
  }

  /**
   * Writes a chat turn, in one transaction: the session (a new one when there is none yet), the user's message and the
   * reply (with the films it lists), the session's list and request after it, the profile and ratings the turn read, what
   * else it writes (`alsoWrite`), and last what the caller writes with it (`options.inTransaction`). The turn's answer.
   */
  private writeTurn(
    options: ChatTurnOptions,
    session: StoredSession | undefined,
    userMessage: StoredMessage,
    turn: {
      reply: string;
      result: RecommendResult;
      intent: Intent;
      constraints: SessionConstraints;
      lastRecommended: readonly string[];
      profile?: Profile | undefined;
      ratings: readonly ChatRating[];
      alsoWrite?: (() => void) | undefined;
    },
  ): ChatResult {
    const store = this.options.store;
    const newSession = session === undefined;
    const current = session ?? store.newSession(options.userId);
    const replyMessage: StoredMessage = {
      id: this.ids(),
      role: 'assistant',
      content: turn.reply,
      timestamp: this.clock.now(),
      userId: options.userId,
      recommendedItemIds: turn.result.recommendations.map((entry) => entry.item.id),
    };
    const answer: ChatResult = { ...turn.result, sessionId: current.id, intent: turn.intent, constraints: turn.constraints, reply: turn.reply, messageId: userMessage.id, replyId: replyMessage.id };
    const { inTransaction } = options;
    const { alsoWrite } = turn;
    store.addChatTurn({
      session: current,
      newSession,
      userMessage: { ...userMessage, sessionId: current.id },
      reply: { ...replyMessage, sessionId: current.id },
      lastRecommended: turn.lastRecommended,
      constraints: turn.constraints,
      ...(turn.profile === undefined ? {} : { profile: turn.profile }),
      ratings: turn.ratings,
      ...(inTransaction || alsoWrite
        ? {
            inTransaction: () => {
              alsoWrite?.();
              inTransaction?.(answer);
            },
          }
        : {}),
    });
    return answer;
  }

  /**
   * What a message's words pointing at films of an earlier list or talk mean: "that sci-fi film you suggested last time",
   * "the comedy you recommended", "the older one from last time" (`filmDescriptions`, said to be shown or with "last time"),
   * and "the one I liked last time" (`opinionReference`). The message with each one's film (or films) in the words' place,
   * and those films; or, when several fit one that means one film, none does, or the catalogue cannot tell ("the one with
   * Tom Hanks"), the question to ask. Undefined when the message points at nothing so. Words not said to be of the
   * conversation ("I saw that horror movie yesterday", "something like the movies I loved") count only where films fit.
   * "Last time" is the last session's list and talk even when this session has a list; otherwise this session's (its list,
   * or, before one, the last session's).
   */
  private pointedFilms(
    message: string,
    context: {
      userId: string;
      session: { id: string } | undefined;
      earlier: readonly StoredMessage[];
      listed: readonly Item[];
      lastRecommended: readonly Item[];
      before: PreviousSession | undefined;
      knownTags: ReadonlySet<string>;
      /** Whether the message says "last time" (`mentionsLastTime`). */
      lastTime: boolean;
    },
  ): { message: string; films: Item[] } | { ask: Question } | undefined {
    const text = message.replace(/[’‘]/g, "'");
    const lastTime = context.lastTime;
    const reference = opinionReference(text);
    const descriptions = filmDescriptions(text, context.knownTags).filter((description) => description.pointed || lastTime);
    if (reference === undefined && descriptions.length === 0) return undefined;
    const last = context.before ?? (lastTime || reference !== undefined ? this.previousSession(context.userId, context.session?.id, context.earlier.length) : undefined);
    const fromLast = (lastTime && last !== undefined) || context.listed.length === 0;
    const shownList = lastTime && last !== undefined ? last.lastRecommended : context.lastRecommended;
    const found: { start: number; end: number; films: Item[] }[] = [];
    if (reference !== undefined) {
      const verb = reference.polarity === 'like' ? 'liked' : 'did not like';
      // "The one I liked" without "last time": this session's talk first, then the last session's.
      const here = lastTime ? [] : this.opinionsIn(context.userId, context.earlier, reference.polarity);
      const films = here.length > 0 ? here : this.opinionsIn(context.userId, last?.messages ?? [], reference.polarity);
      const when = here.length > 0 || last === undefined ? '' : ' last time';
      // None given that opinion: asked for its title when the words say it was said here ("the one I said I liked", "…
      // last time" to a returning user); "something like the movies I loved", "the films I liked yesterday" from a new user
      // are read as they are (a new user's request had been answered "Which one do you mean? You did not tell me …").
      if (films.length === 0 && (reference.said || (reference.when && last !== undefined))) return { ask: { reply: `${WHICH_ONE} You did not tell me${lastTime ? ' last time' : ''} that you ${verb} a film: what is it called?` } };
      if (films.length > 1 && !reference.plural) return { ask: { reply: `${WHICH_ONE} You told me${when} you ${verb}:\n${list(films.map((item) => item.title))}` } };
      if (films.length > 0) found.push({ start: reference.start, end: reference.end, films });
    }
    const opinionSpan = found[0];
    // Descriptions come in order; one inside another ("the one about the war you suggested") is part of it.
    let described = -1;
    for (const description of descriptions) {
      if (shownList.length === 0 || description.start < described || (opinionSpan !== undefined && opinionSpan.start < description.end && description.start < opinionSpan.end)) continue;
      // Words with only a when ("I saw that horror movie yesterday") that fit no film of the list, or say what the catalogue
      // cannot tell, are of some other film: read as they are (it had answered "I did not suggest a horror film").
      if (!description.pointed) {
        const { films, cannotTell } = filmsDescribed(description, shownList);
        if (films.length === 0 || cannotTell !== undefined) continue;
      }
      const outcome = this.whichDescribed(description, shownList, fromLast);
      if ('ask' in outcome) return outcome;
      found.push({ start: description.start, end: description.end, films: outcome.films });
      described = description.end;
    }
    if (found.length === 0) return undefined;
    // The message's pieces between the spans (which do not overlap), each span's films in its place: one pass.
    const pieces: string[] = [];
    let at = 0;
    for (const span of found.sort((a, b) => a.start - b.start)) {
      pieces.push(message.slice(at, span.start), wordList(span.films.map(writtenTitle)));
      at = span.end;
    }
    pieces.push(message.slice(at));
    return { message: pieces.join(''), films: found.flatMap((span) => span.films) };
  }

  /**
   * The films of `shown` a description fits, or the question to ask: which of several (naming those that fit), which one when
   * none fits (naming the list), or which one when it says what the catalogue cannot tell. `lastTime`: the list is the last
   * session's.
   */
  private whichDescribed(description: FilmDescription, shown: readonly Item[], lastTime: boolean): { films: Item[] } | { ask: Question } {
    const { films, cannotTell } = filmsDescribed(description, shown);
    const words = this.describedInWords(description);
    const suggested = lastTime ? 'Last time I suggested' : 'I suggested';
    if (cannotTell !== undefined) {
      const among = films.length > 0 ? films : [...shown];
      if (among.length === 1) return { films: among };
      return { ask: { reply: `${WHICH_ONE} I cannot tell ${cannotTellWhat[cannotTell]}, and ${lastTime ? 'last time I suggested' : 'I suggested'}:\n${list(among.map((item) => item.title))}` } };
    }
    // "I did not suggest a sci-fi film last time", "… an animation film from the 1980s", "… a film with Tom Hanks".
    if (films.length === 0) return { ask: { reply: `I did not suggest ${words.aFilm}${lastTime ? ' last time' : ''}. ${WHICH_ONE} ${suggested}:\n${list(shown.map((item) => item.title))}` } };
    if (films.length === 1 || description.plural) return { films };
    // "Last time I suggested these sci-fi films:" when some of the list fit; the list as it was when all do, or an age says which.
    const these = films.length === shown.length || !words.says ? `${suggested}:` : `${suggested} these ${words.films}:`;
    return { ask: { reply: `${WHICH_ONE} ${these}\n${list(films.map((item) => item.title))}` } };
  }

  /**
   * A description as a reply says it, from its genres ("sci-fi", "comedy and romance") and the rest ("from the 1980s",
   * "from 1977", "with Tom Hanks"): one film ("a sci-fi film from the 1980s", "an animation film", "a film with Tom
   * Hanks"), several ("sci-fi films from the 1980s", "films from 1977"), and whether it says anything beyond "film".
   */
  private describedInWords(description: FilmDescription): { aFilm: string; films: string; says: boolean } {
    const names = this.namesOfGenres();
    const kind = description.genres.map((key) => (names.get(key) ?? key).toLowerCase()).join(' and ');
    const about = description.about === undefined ? '' : `${description.about.kind === 'person' ? 'with' : 'about'} ${description.about.words}`;
    const when = [description.decade === undefined ? '' : `from the ${description.decade}s`, description.year === undefined ? '' : `from ${description.year}`, about].filter(Boolean).join(' ');
    const phrase = (noun: string) => [noun, when].filter(Boolean).join(' ');
    return {
      aFilm: phrase(kind === '' ? 'a film' : `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} film`),
      films: phrase(kind === '' ? 'films' : `${kind} films`),
      says: kind !== '' || when !== '',
    };
  }

  /**
   * "Why the comedy?", "tell me about the older one": the one film of `list` a description in a question fits, or the
   * question to ask back; undefined when the message describes no film.
   */
  private describedFilm(message: string, list: readonly Item[], knownTags: ReadonlySet<string>, lastTime: boolean): { film: Item } | { ask: Question } | undefined {
    if (list.length === 0) return undefined;
    for (const description of filmDescriptions(message, knownTags)) {
      const outcome = this.whichDescribed({ ...description, plural: false }, list, lastTime);
      if ('ask' in outcome) return outcome;
      const [film] = outcome.films;
      if (film !== undefined) return { film };
    }
    return undefined;
  }

  /**
   * The films a session's user messages (its last `OPINION_READ`, back to `OPINION_READ_CHARACTERS` of user text) gave this
   * opinion of, as the turns read them ("I loved Fargo", "I loved the second one", "I loved it" after "why the fourth
   * one?"), the latest opinion of each film counting; not films asked for more like. A message that pointed at a film by
   * what it was ("the comedy you recommended last time was great") or answered "Which one do you mean?" ("the second
   * one") names no film when read again: for it, the chat ratings its turn wrote (at its time) stand in.
   */
  private opinionsIn(userId: string, messages: readonly StoredMessage[], polarity: 'like' | 'dislike'): Item[] {
    const knownTags = this.options.catalog.tagStems();
    const opinions = new Map<string, { item: Item; polarity: TitleOpinion['polarity'] }>();
    const note = (item: Item, said: TitleOpinion['polarity']) => {
      opinions.delete(item.id);
      opinions.set(item.id, { item, polarity: said });
    };
    let ratedAt: Map<number, ChatRating[]> | undefined;
    // The newest messages, back to the budget (the message crossing it read whole).
    let start = messages.length;
    for (let characters = 0; start > Math.max(0, messages.length - OPINION_READ) && characters < OPINION_READ_CHARACTERS; ) {
      start--;
      if (messages[start]?.role === 'user') characters += messages[start]?.content.length ?? 0;
    }
    for (let index = start; index < messages.length; index++) {
      const message = messages[index];
      if (message?.role !== 'user') continue;
      const earlier = messages.slice(Math.max(0, index - 3), index);
      const named = nameReferences(message.content, this.listOf(earlier.at(-1)), earlier.length < 2 ? undefined : this.discussedAmong(earlier, this.listOf(earlier.at(-3)), knownTags));
      const read = this.options.catalog.titleOpinions().read(named).filter((opinion) => opinion.byExample !== true);
      for (const opinion of read) note(opinion.item, opinion.polarity);
      const text = message.content.replace(/[’‘]/g, "'");
      const pointing = earlier.at(-1)?.content.includes(WHICH_ONE) === true || opinionReference(text) !== undefined || filmDescriptions(text, knownTags).length > 0;
      if (read.length > 0 || !pointing) continue;
      ratedAt ??= chatRatingsByTime(this.options.store.ratingsOf(userId));
      for (const rating of ratedAt.get(message.timestamp) ?? []) {
        const item = this.options.catalog.get(rating.itemId);
        if (item !== undefined) note(item, rating.value >= 4 ? 'like' : rating.value <= 2 ? 'dislike' : 'neutral');
      }
    }
    return [...opinions.values()].filter((opinion) => opinion.polarity === polarity).map((opinion) => opinion.item);
  }

  /**
   * The question the session's last reply asked (`WHICH_ONE`, with no list of its own): the message it asked about (for a
   * reply asking again, `ASKED_AGAIN`, the one the first question asked about) and the films it numbered, in its order.
   */
  private openQuestion(earlier: readonly StoredMessage[]): { asked: StoredMessage; candidates: Item[] } | undefined {
    const asks = (message: StoredMessage | undefined) => message?.role === 'assistant' && (message.recommendedItemIds ?? []).length === 0 && message.content.includes(WHICH_ONE);
    const question = earlier.at(-1);
    if (question === undefined || !asks(question)) return undefined;
    let at = earlier.length - 1;
    while (earlier[at]?.content.startsWith(ASKED_AGAIN) === true && asks(earlier[at - 2]) && earlier[at - 1]?.role === 'user') at -= 2;
    const asked = earlier[at - 1];
    return asked?.role === 'user' ? { asked, candidates: this.numberedIn(question.content, earlier) } : undefined;
  }

  /**
   * The films a reply numbers ("1. Contact (1997)"), in its order: of a title the catalogue has under two ids, the one the
   * session listed, else the catalogue's first.
   */
  private numberedIn(reply: string, earlier: readonly StoredMessage[]): Item[] {
    const titles = [...reply.matchAll(/^\d+\. (.+)$/gm)].map((match) => match[1] ?? '');
    if (titles.length === 0) return [];
    const wanted = new Set(titles);
    const byTitle = new Map<string, Item>();
    const consider = (item: Item | undefined) => {
      if (item !== undefined && wanted.has(item.title) && !byTitle.has(item.title)) byTitle.set(item.title, item);
    };
    for (const message of [...earlier].reverse()) for (const item of this.listOf(message)) consider(item);
    if (byTitle.size < wanted.size) for (const item of this.options.catalog.values()) consider(item);
    return titles.flatMap((title) => byTitle.get(title) ?? []);
  }

  /**
   * A short answer to the open question (`openQuestion`) that picks one of its films: that film, and the message asked
   * about with the film's title in place of the words that pointed at it ("I watched that sci-fi film you suggested last
   * time and loved it" → "I watched Contact (1997) and loved it"), or "Why <title>?" for a question with no such words.
   * An answer that describes several of the films, or none ("the one from the 80s"): the question to ask again. Undefined
   * for anything else (a request of its own, "not sure") and for an answer with an opinion of its own.
   */
  private answerToQuestion(message: string, question: { asked: StoredMessage; candidates: readonly Item[] }, knownTags: ReadonlySet<string>): { message: string; film: Item } | { ask: Question } | undefined {
    const { asked, candidates } = question;
    if (candidates.length === 0 || (message.match(/[\p{L}\p{N}']+/gu) ?? []).length > ANSWER_WORDS) return undefined;
    const loose = () => {
      const found = this.options.catalog
        .titleOpinions()
        .titles(message, { aboutFilms: true })
        .filter((item) => candidates.some((film) => film.id === item.id));
      return found.length === 1 ? found[0] : undefined;
    };
    // "Fargo" when Fargo was not among them: a film named and nothing else is the film meant (a new list had answered).
    // "And" is left out on both sides: "the truth about cats and dogs" names Truth About Cats & Dogs.
    const named = () => {
      const kept = (words: string[]) => words.filter((word) => !answerFillers.has(word) && word !== 'and').join(' ');
      const said = kept(wordsOf(message));
      if (said === '') return undefined;
      const bare = (title: string) => kept(wordsOf(withoutYearOrArticle(title)));
      const films = [...this.options.catalog.values()].filter((item) => bare(item.title) === said);
      return films.length === 1 ? films[0] : undefined;
    };
    const picked = pickedAmong(message, candidates, knownTags) ?? loose() ?? named();
    if (picked === undefined) return this.askedAgain(message, candidates, knownTags);
    // "The second one, and it was boring" says its own opinion: read as it is (its "the second one" is the question's).
    if (this.options.catalog.titleOpinions().read(nameReferences(message, candidates, [picked])).length > 0) return undefined;
    const text = asked.content.replace(/[’‘]/g, "'");
    // The words the question was about: an opinion reference, else the description the film picked fits ("I loved the
    // comedy, but that sci-fi film you suggested last time was boring": the sci-fi film's words, not the comedy's).
    const descriptions = filmDescriptions(text, knownTags);
    // "What's it rated?" asked of a list: its "it" ("the first one" → "what's Toy Story (1995) rated?").
    const span =
      opinionReference(text) ?? descriptions.find((description) => filmsDescribed(description, candidates).films.some((item) => item.id === picked.id)) ?? descriptions[0] ?? pointingWords(text);
    if (span !== undefined) return { message: `${asked.content.slice(0, span.start)}${writtenTitle(picked)}${asked.content.slice(span.end)}`, film: picked };
    const turn = classifyTurn(asked.content, { lastRecommended: [], knownTags, allItems: () => [] });
    if (turn.intent !== 'explain') return undefined;
    return { message: turn.question === 'about' ? `Tell me about ${writtenTitle(picked)}` : `Why ${writtenTitle(picked)}?`, film: picked };
  }

  /**
   * The question to ask again when a short answer is a description of films of `candidates` and little else ("the one from
   * the 80s", "I meant the comedy") that does not pick one: those it fits, or all of them when it fits none or every one;
   * undefined for anything else ("I love the romance between the characters" is a turn of its own).
   */
  private askedAgain(message: string, candidates: readonly Item[], knownTags: ReadonlySet<string>): { ask: Question } | undefined {
    const text = message.replace(/[’‘]/g, "'");
    const [description] = filmDescriptions(text, knownTags);
    if (description === undefined || candidates.length < 2) return undefined;
    const around = `${text.slice(0, description.start)} ${text.slice(description.end)}`.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
    if (!around.every((word) => answerFillers.has(word))) return undefined;
    const { films, cannotTell } = filmsDescribed(description, candidates);
    const numbered = (items: readonly Item[]) => list(items.map((item) => item.title));
    const words = this.describedInWords(description);
    const pick = 'Say its number or title';
    if (cannotTell !== undefined) return { ask: { reply: `${ASKED_AGAIN} I cannot tell ${cannotTellWhat[cannotTell]}. ${pick}:\n${numbered(candidates)}` } };
    if (films.length === 0) return { ask: { reply: `${ASKED_AGAIN} none is ${words.aFilm}. ${pick}:\n${numbered(candidates)}` } };
    if (films.length === candidates.length || !words.says) return { ask: { reply: `${ASKED_AGAIN} I cannot tell them apart by that. ${pick}:\n${numbered(candidates)}` } };
    return { ask: { reply: `${ASKED_AGAIN} these are ${words.films}:\n${numbered(films)}` } };
  }

  /**
   * Writes a turn whose reply asks which film the user means: nothing is noted, and the session's request and list stay as
   * they were (the message is read again with the film once the user says which); the films the question numbers are the
   * ones the answer ("the second one") picks from (`openQuestion`).
   */
  private writeQuestion(options: ChatTurnOptions, session: StoredSession | undefined, userMessage: StoredMessage, question: Question, intent: Intent): ChatResult {
    const useConstraints = this.options.sessionConstraints ?? true;
    return this.writeTurn(options, session, userMessage, {
      reply: question.reply,
      result: { recommendations: [], reranker: this.rerankerName, degraded: false, candidateCount: 0 },
      intent,
      constraints: useConstraints && session !== undefined ? session.constraints : noConstraints(),
      lastRecommended: session?.lastRecommended ?? [],
      ratings: [],
    });
  }

  /**
   * The user's last session other than `current` that listed films: the list it ended on and every film it offered; undefined
   * for a user with no such session (among their last 200 messages). `currentLength`: how many messages `current` holds.
   */
  private previousSession(userId: string, current: string | undefined, currentLength: number): PreviousSession | undefined {
    const lists = (message: StoredMessage) =>
      message.role === 'assistant' && message.sessionId !== undefined && message.sessionId !== current && (message.recommendedItemIds ?? []).length > 0;
    // The messages since the last session's end first (this session's and a few more): its list is nearly always among them,
    // and reading 200 messages (replies with their explanations) had been most of this lookup's cost. The same answer: the
    // last list among the latest messages is the last among 200.
    let last: StoredMessage | undefined;
    for (const limit of [Math.min(currentLength + PREVIOUS_SESSION_PEEK, PREVIOUS_SESSION_READ), PREVIOUS_SESSION_READ]) {
      const messages = this.options.store.messagesOf(userId, limit);
      last = messages.findLast(lists);
      if (last !== undefined || messages.length < limit || limit === PREVIOUS_SESSION_READ) break;
    }
    const session = last?.sessionId === undefined ? undefined : this.options.store.getSession(last.sessionId);
    if (session === undefined) return undefined;
    const lastRecommended = session.lastRecommended.map((id) => this.options.catalog.get(id)).filter((item): item is Item => item !== undefined);
    const messages = this.options.store.sessionMessages(session.id, 1_000);
    return { lastRecommended, offered: offeredIn(messages), messages };
  }

  /** What the offline constraint reader reads a message against: the catalogue's genres and years. */
  private constraintVocabulary(knownTags: ReadonlySet<string>) {
    return { stems: knownTags, latestYear: this.options.catalog.latestYear(), recentEnd: this.options.catalog.recentEnd() };
  }

  /** What a message asks of the session: through the LLM when one is configured, else (and when it fails) the offline reader. */
  private async readConstraints(
    message: string,
    knownTags: ReadonlySet<string>,
    previous: SessionConstraints,
    signal?: AbortSignal,
    offlineText = message,
  ): Promise<{ update: ConstraintUpdate; degradedReason?: DegradedReason }> {
    const vocabulary = this.constraintVocabulary(knownTags);
    const reader = this.options.llm?.constraints;
    if (reader) {
      const step = await this.llmStep('constraints', signal, (stepped) => reader.read(message, { ...vocabulary, genres: this.options.catalog.tagNames(), previous, signal: stepped }));
      // What the offline reader finds in the message is a floor: the LLM's reading adds to it, never drops it.
      if (step.ok) return { update: withOfflineFloor(readConstraints(offlineText, vocabulary), step.value) };
      return { update: readConstraints(offlineText, vocabulary), degradedReason: step.reason };
    }
    return { update: readConstraints(offlineText, vocabulary) };
  }

  /**
   * Runs one LLM step under its deadline (retries included) and the circuit breaker: skipped at once while the
   * circuit is open, and its outcome (answered, or failed in a way that says the endpoint is down) told to the
   * breaker. A failure calls `onFallback`, a skip `onCircuitSkip`; either way the caller answers offline.
   */
  private async llmStep<T>(step: LlmStep, caller: AbortSignal | undefined, call: (signal: AbortSignal | undefined) => Promise<T>): Promise<StepResult<T>> {
    const circuit = this.options.llmCircuit;
    const permit = circuit?.acquire();
    if (circuit !== undefined && permit === undefined) {
      this.options.onCircuitSkip?.(step);
      return { ok: false, reason: 'llm circuit open' };
    }
    const deadlineMs = this.options.llmStepDeadlineMs;
    const deadline = deadlineMs === undefined ? undefined : AbortSignal.timeout(deadlineMs);
    const signal = deadline && caller ? AbortSignal.any([caller, deadline]) : (deadline ?? caller);
    try {
      const value = await call(signal);
      permit?.settle('answered');
      return { ok: true, value };
    } catch (error) {
      permit?.settle(classifyStepFailure(error, { deadline, caller }), error);
      this.options.onFallback?.(step, error);
      return { ok: false, reason: 'llm step failed' };
    }
  }

  /**
   * Of the titles a message names with an opinion (`opinions`, as the catalogue's title reader read them), those that
   * become the user's ratings (`source: 'chat'`; the turn writes them). A title rated outside chat keeps that rating; one the user rated in chat takes a changed
   * opinion ("No wait, I loved Alien" after "Alien was boring").
   */
  private titleOpinionsOf(userId: string, opinions: readonly TitleOpinion[]): TitleOpinion[] {
    // Most turns name no title with an opinion: the user's ratings are read only when one does.
    if (opinions.length === 0) return [];
    const rated = new Map(this.options.store.ratingsOf(userId).map((rating) => [rating.itemId, rating]));
    return opinions.filter((opinion) => {
      const earlier = rated.get(opinion.item.id);
      // "Something like Alien" names a seed, not a new verdict: it does not replace "I loved Alien".
      return earlier === undefined || (earlier.source === 'chat' && earlier.value !== opinion.rating && !opinion.byExample);
    });
  }

  /**
   * The film the session's last turn was about: the one it asked about ("why the fourth one?", "tell me about Fargo"), or
   * the one film it gave an opinion of ("I loved Toy Story"). `messages`: the session's last ones, of which the last two are
   * that turn (the user's message and its reply) and one before them may be the list it saw. A question that asked about
   * "it" ("is it scary?" after "tell me about Alien") was about the film of the turn before, looked for `depth` turns back.
   */
  private discussedAmong(messages: readonly StoredMessage[], lastRecommended: readonly Item[], knownTags: ReadonlySet<string>, depth = DISCUSSED_DEPTH): Item[] {
    return this.lastTurnAbout(messages, lastRecommended, knownTags, depth).films;
  }

  /** The films the session's last turn was about (`discussedAmong`), and whether that turn asked about them (a question, "what is Fargo about?"). */
  private lastTurnAbout(messages: readonly StoredMessage[], lastRecommended: readonly Item[], knownTags: ReadonlySet<string>, depth = DISCUSSED_DEPTH): { films: Item[]; asked: boolean } {
    const [previous, reply] = messages.slice(-2);
    if (previous?.role !== 'user' || reply?.role !== 'assistant') return { films: [], asked: false };
    const pointsBack = depth > 0 && messages.length >= 4 && /\b(?:it|that|this)\b/i.test(previous.content);
    const turn = classifyTurn(previous.content, {
      lastRecommended,
      knownTags,
      allItems: () => this.options.catalog.values(),
      looseTitles: (text) => this.options.catalog.titleOpinions().titles(text, { aboutFilms: true }),
      namedTitles: (text) => this.options.catalog.titleOpinions().named(text),
      ...(pointsBack ? { discussed: this.discussedAmong(messages.slice(0, -2), lastRecommended, knownTags, depth - 1) } : {}),
    });
    // "Alien or Aliens?" then "something like both": the films compared.
    if (turn.intent === 'explain') return { films: turn.compared ?? (turn.target === undefined ? [] : [turn.target]), asked: true };
    // "I loved Toy Story" then "more like it": the film the last message gave an opinion of; "I loved Pulp Fiction and
    // Reservoir Dogs" then "something like them": both (films named by their place in the list before it included).
    const before = messages.length >= 3 ? messages[messages.length - 3] : undefined;
    const opinions = this.options.catalog.titleOpinions().read(nameReferences(previous.content, this.listOf(before)));
    // "I loved Toy Story and Aladdin, but Jumanji was boring" then "something like them": the films liked.
    const liked = opinions.filter((opinion) => opinion.polarity === 'like');
    return { films: [...new Set((opinions.length > 1 && liked.length > 0 ? liked : opinions).map((opinion) => opinion.item))], asked: false };
  }

  /** The films an assistant message listed; none for any other message. */
  private listOf(message: StoredMessage | undefined): Item[] {
    return message?.role === 'assistant' ? (message.recommendedItemIds ?? []).map((id) => this.options.catalog.get(id)).filter((item): item is Item => item !== undefined) : [];
  }

  /**
   * The films the request a turn goes on with asked for more like: "something like Heat" (or "anything like it but
   * better?" after a verdict on Heat), then "more", "but lighter", "anything older?": the next lists lean to Heat too
   * (they had dropped it after one turn). The session's user messages are read back over those that page on, change
   * that request or ask about a film of it, up to the request.
   */
  private examplesOfRequest(messages: readonly StoredMessage[], knownTags: ReadonlySet<string>): Item[] {
    const vocabulary = this.constraintVocabulary(knownTags);
    for (let index = messages.length - 2; index >= 0; index -= 2) {
      const message = messages[index];
      if (message?.role !== 'user') return [];
      if (paging.test(message.content.replace(/[’‘]/g, "'"))) continue;
      const earlier = messages.slice(Math.max(0, index - 3), index);
      const shown = this.listOf(earlier.at(-1));
      const named = nameReferences(message.content, shown, this.discussedAmong(earlier, this.listOf(earlier.at(-3)), knownTags));
      const opinions = this.options.catalog.titleOpinions().read(named);
      const examples = opinions.filter((opinion) => opinion.byExample === true && opinion.polarity === 'like').map((opinion) => opinion.item);
      if (examples.length > 0) return examples;
      const turn = classifyTurn(message.content, { lastRecommended: shown, knownTags, allItems: () => this.options.catalog.values() });
      if (turn.intent === 'explain') continue;
      const update = readConstraints(withoutUnsupportedAsks(message.content, turn.unsupported ?? []), vocabulary);
      const changes = turn.intent === 'refine' || update.yearsRelative !== undefined;
      if (opinions.length === 0 && shown.length > 0 && changes && continuesRequest(turn, update)) continue;
      return [];
    }
    return [];
  }

  /**
   * The titles a message says the user has seen ("I've already seen Aliens"), as `view` events: not those it gives an
   * opinion of (a rating says more), nor those already rated or seen.
   */
  private seenTitlesOf(userId: string, message: string, stated: readonly TitleOpinion[]): Item[] {
    const seen = this.options.catalog.titleOpinions().watched(message);
    if (seen.length === 0) return seen;
    const known = new Set([...stated.map((opinion) => opinion.item.id), ...this.history(userId).map((entry) => entry.item.id)]);
    return seen.filter((item) => !known.has(item.id));
  }

  /**
   * The genre tastes `after` holds that `before` did not ("I love sci-fi" → "you like sci-fi"; "I can't stand horror" →
   * "no horror unless you ask for it"; "comedies are okay I guess" → "you are lukewarm on comedies"), as the reply says them back; none for tastes naming no catalogue genre, or
   * already held. A strong dislike of a genre the user has rated well here says so ("though you rated 12 of them 4 or 5").
   */
  private statedTastes(before: Profile, after: Profile, knownTags: ReadonlySet<string>, pending: TurnState, namedFilms: readonly Item[]): string[] {
    const held = new Set(before.preferences.map((preference) => `${preference.polarity}|${preference.subject}`));
    // A film the message named is an opinion of the film, said back as such ("I loved Laugh Riot" had also been said
    // back as "you like laugh riot", a taste for comedies read from the word "laugh").
    const namesFilm = namesOneOf(namedFilms);
    const names = this.namesOfGenres();
    const said: string[] = [];
    const liked: string[] = [];
    const lukewarm: string[] = [];
    const notKeen: string[] = [];
    const saidKeys = new Set<string>();
    for (const preference of after.preferences) {
      if (held.has(`${preference.polarity}|${preference.subject}`) || namesFilm(preference.subject)) continue;
      const keys = [...new Set(mentionedTagStems(preference.subject, knownTags))];
      if (keys.length === 0) continue;
      // Said as the user put it when that is a short name of the genre ("horror movies"), else by the genre's name: "I love
      // horror movies, something scary please" had been said back as "you like something scary please".
      // "Watching action movies" is said as "action movies" (it had been "you like watching action movies").
      const spoken = preference.subject.replace(/^(?:watching|seeing)\s+/i, '');
      const asSaid = spoken.split(/\s+/).length <= 3 && !/\b(?:something|anything|some|please|pls|a|an|the|me|now|tonight)\b/i.test(spoken);
      const subject = asSaid ? spoken : wordList(keys.map((key) => (names.get(key) ?? key).toLowerCase()));
      // One note per genre and polarity ("you like horror movies; you like horror").
      const heard = `${preference.polarity}|${keys.sort().join(',')}`;
      if (saidKeys.has(heard)) continue;
      saidKeys.add(heard);
      if (preference.polarity === 'like') {
        liked.push(subject);
        continue;
      }
      // "Comedies are okay I guess", "westerns are hit or miss for me": heard, and the list leans neither way.
      if (preference.polarity === 'neutral') {
        lukewarm.push(subject);
        continue;
      }
      if (preference.strength < KEEP_OUT_STRENGTH) {
        notKeen.push(subject);
        continue;
      }
      // What the user's own ratings say of the genre (outside this chat): a stated dislike they contradict is worth a word.
      const ratedWell = this.historyWith(after.userId, [], pending.ratings).filter((entry) => entry.source !== 'chat' && (entry.rating ?? 0) >= 4 && tagStems(entry.item).some((tag) => keys.includes(tag))).length;
      const though = ratedWell >= 5 ? `, though you have rated ${ratedWell} of them 4 or 5 here (tell me if I have that wrong)` : '';
      said.push(`no ${subject} unless you ask for ${keys.length === 1 && !/s$/.test(subject) ? 'it' : 'them'}${though}`);
    }
    // Tastes of one kind in one clause: "you like war movies, dramas and romance movies" (each had had its own "you like").
    const grouped = [[liked, 'you like'], [lukewarm, 'you are lukewarm on'], [notKeen, 'you are not keen on']] as const;
    return [...grouped.flatMap(([subjects, verb]) => (subjects.length === 0 ? [] : [`${verb} ${wordList(subjects)}`])), ...said];
  }

  /**
   * Films this message asks to leave out ("anything but Star Wars"), and, by id, those the session's earlier messages
   * (`earlier`, oldest first) asked to leave out. The catalogue's title starts are built once per catalogue, when a
   * message first names a film to leave out: every turn had read the whole catalogue again for each negated phrase of the session.
   */
  private leftOut(message: string, earlier: readonly StoredMessage[], knownTags: ReadonlySet<string>): { leftOut: Item[]; leftOutBefore: string[] } {
    const starts = () => {
      // The catalogue's title reader is rebuilt whenever its items change: the starts are rebuilt with it.
      const reader = this.options.catalog.titleOpinions();
      if (this.titleStartsCache?.reader !== reader) this.titleStartsCache = { reader, starts: titleStarts(this.options.catalog.values()) };
      return this.titleStartsCache.starts;
    };
    const leftOutBefore = new Set<string>();
    for (const stored of earlier) if (stored.role === 'user') for (const item of negatedFilms(stored.content, starts, knownTags)) leftOutBefore.add(item.id);
    return { leftOut: negatedFilms(message, starts, knownTags), leftOutBefore: [...leftOutBefore] };
  }

  /**
   * "What do you know about me?": the genres the user said they like or dislike, the films they rated or said they have
   * seen in chat, what their other ratings here favour, and what this session asks for.
   */
  private aboutUser(userId: string, pending: TurnState, constraints: SessionConstraints): string {
    const knownTags = this.options.catalog.tagStems();
    const names = this.namesOfGenres();
    const history = this.historyWith(userId, [...this.implicitEvents(userId), ...(pending.events ?? [])], pending.ratings);
    // A film the user named is said as a film below, not as a taste for the genre its title's words name ("you like star wars").
    const ofGenres = genrePreferences(pending.profile, history);
    const genreWords = (polarity: 'like' | 'dislike' | 'neutral', strong: boolean) =>
      ofGenres
        .filter((preference) => preference.polarity === polarity && (polarity !== 'dislike' || (preference.strength >= KEEP_OUT_STRENGTH) === strong) && mentionedTagStems(preference.subject, knownTags).size > 0)
        .map((preference) => preference.subject);
    const sentences: string[] = [];
    const liked = genreWords('like', true);
    const cannotStand = genreWords('dislike', true);
    const notKeen = genreWords('dislike', false);
    const lukewarm = genreWords('neutral', false);
    const tastes = [
      ...(liked.length > 0 ? [`you like ${wordList(liked)}`] : []),
      ...(lukewarm.length > 0 ? [`you are lukewarm on ${wordList(lukewarm)}`] : []),
      ...(cannotStand.length > 0 ? [`you cannot stand ${wordList(cannotStand)}`] : []),
      ...(notKeen.length > 0 ? [`you are not keen on ${wordList(notKeen)}`] : []),
    ];
    if (tastes.length > 0) sentences.push(`You told me ${wordList(tastes)}.`);
    const chat = history.filter((entry) => entry.source === 'chat' && entry.rating !== undefined);
    const chatLiked = chat.filter((entry) => (entry.rating ?? 0) >= 4).map((entry) => entry.item.title);
    const chatDisliked = chat.filter((entry) => (entry.rating ?? 0) <= 2).map((entry) => entry.item.title);
    const chatLukewarm = chat.filter((entry) => entry.rating === 3).map((entry) => entry.item.title);
    const films = [
      ...(chatLiked.length > 0 ? [`liked ${wordList(chatLiked)}`] : []),
      ...(chatLukewarm.length > 0 ? [`found ${wordList(chatLukewarm)} just ok`] : []),
      ...(chatDisliked.length > 0 ? [`disliked ${wordList(chatDisliked)}`] : []),
    ];
    if (films.length > 0) sentences.push(`You ${wordList(films)}.`);
    const seen = history.filter((entry) => entry.event === 'view').map((entry) => entry.item.title);
    if (seen.length > 0) sentences.push(`You have seen ${wordList(seen)}.`);
    const rated = history.filter((entry) => entry.source !== 'chat' && entry.rating !== undefined);
    if (rated.length > 0) {
      // The best-known of their five-star films, and the genres they rate highest (of those they rated at least five times).
      const favourites = rated
        .filter((entry) => entry.rating === 5)
        .sort((a, b) => this.options.catalog.popularity(b.item.id).likes - this.options.catalog.popularity(a.item.id).likes)
        .slice(0, 3)
        .map((entry) => entry.item.title);
      const byGenre = new Map<string, { total: number; count: number }>();
      for (const entry of rated) for (const tag of new Set(tagStems(entry.item))) {
        const genre = byGenre.get(tag) ?? { total: 0, count: 0 };
        genre.total += entry.rating ?? 0;
        genre.count += 1;
        byGenre.set(tag, genre);
      }
      const top = [...byGenre].filter(([, genre]) => genre.count >= 5).sort((a, b) => b[1].total / b[1].count - a[1].total / a[1].count).slice(0, 2);
      const genres = top.map(([tag, genre]) => `${(names.get(tag) ?? tag).toLowerCase()} (${(genre.total / genre.count).toFixed(1)} on average)`);
      sentences.push(
        `You have rated ${rated.length} film${rated.length === 1 ? '' : 's'} here${favourites.length > 0 ? `, ${wordList(favourites)} among your favourites` : ''}${genres.length > 0 ? `; you rate ${wordList(genres)} highest` : ''}.`,
      );
    }
    if (hasConstraints(constraints)) sentences.push(`What you asked for in this conversation: ${describeConstraints(constraints)}.`);
    if (sentences.length === 0) return `I do not know anything about you yet. ${TELL_ME}`;
    return `${sentences.join(' ')} Ask for a recommendation whenever you like, or tell me more.`;
  }

  /**
   * What the recommender knows of each film for a user (how it is received here, their own rating of it, this turn's too,
   * the rating expected of them), and whether they have rated films at all: what it expects of them is then theirs, and
   * worth saying. The user's ratings are read once.
   */
  private filmFacts(userId: string, items: readonly Item[], pending: TurnState): { facts: FilmFacts[]; personal: boolean } {
    const rated = new Map(this.options.store.ratingsOf(userId).map((rating) => [rating.itemId, rating.value]));
    for (const rating of pending.ratings ?? []) rated.set(rating.itemId, rating.value);
    const facts = items.map((item) => ({ item, reception: this.receptionOf(item.id), rated: rated.get(item.id), expected: this.predictRating(userId, item.id).rating }));
    return { facts, personal: rated.size > 0 };
  }

  /** The answer to a question about one film ("is Alien scary?", "what is Fargo about?"), with films like it where the question asks what the catalogue cannot tell. */
  private async answerAbout(userId: string, item: Item, asked: NonNullable<ClassifiedTurn['asked']>, pending: TurnState): Promise<string> {
    const {
      facts: [facts],
      personal,
    } = this.filmFacts(userId, [item], pending);
    const cannotTell = asked.aspect === 'plot' || asked.aspect === 'people' || asked.aspect === 'length';
    const similar = cannotTell || asked.aspect === 'opinion' ? await this.filmsLike(userId, item, pending) : undefined;
    const names = this.namesOfGenres();
    return answerFilmQuestion(asked, facts ?? { item }, { personal, year: new Date(this.clock.now()).getUTCFullYear(), similar, genreName: (key) => names.get(key) });
  }

  /**
   * What "tell me about X" adds to the film's explanation: how it is received here (unless the explanation said it), what
   * the user rated or would rate it, films like it, and that its story and cast are not known here.
   */
  private async moreAbout(userId: string, item: Item, explanation: string, pending: TurnState): Promise<string> {
    const {
      facts: [facts],
      personal,
    } = this.filmFacts(userId, [item], pending);
    const reception = describeReception(facts?.reception);
    // The explanation may have given its ratings here already (the offline one does when it has nothing else to say).
    const said = reception !== undefined && explanation.includes(reception);
    const liked = howLiked(facts ?? { item }, { personal }, said ? 'personal' : 'all');
    const similar = await this.filmsLike(userId, item, pending);
    // A film with a description has said what it is about (the offline explainer gives it).
    const unknown = item.description ? undefined : `${KNOWN}, not their stories or cast.`;
    const parts = [liked === '' ? undefined : liked, similar.length > 0 ? `Films like it here: ${wordList(similar.map(writtenTitle))}.` : undefined, unknown];
    return parts.filter((part) => part !== undefined).map((part) => ` ${part}`).join('');
  }

  /** A few films like `item` for the user (the ranking of a request by example, offline), for an answer about it. */
  private async filmsLike(userId: string, item: Item, pending: TurnState): Promise<Item[]> {
    const request = withExamples({ userId, k: SIMILAR_FILMS, examples: [item.id], exclude: [item.id], pending }, this.genresOfItem);
    const { ranked } = await this.rank(request, SIMILAR_FILMS, true);
    return ranked.map((entry) => entry.item);
  }

  /** How an item has been received here: its current ratings (count, mean) and its likes and rank among the most liked. */
  private receptionOf(itemId: string): ItemReception {
    const stats = this.options.store.ratingStats(itemId);
    return { ...this.options.catalog.popularity(itemId), ratings: { count: stats.itemCount, mean: stats.itemCount > 0 ? stats.itemTotal / stats.itemCount : undefined } };
  }

  /** Small talk through the LLM when configured; `degradedReason` when it failed, was skipped or answered nothing, and the offline reply stands in. */
  private async chitchat(message: string, signal?: AbortSignal): Promise<{ reply: string; degradedReason?: DegradedReason }> {
    const llm = this.options.llm;
    let degraded: { degradedReason?: DegradedReason } = {};
    if (llm) {
      const step = await this.llmStep('chitchat', signal, (stepped) =>
        llm.model.generate({
          messages: [
            { role: 'system', content: 'You are a friendly movie recommender. Reply in one or two sentences and invite the user to say what they like.' },
            { role: 'user', content: message },
          ],
          temperature: 0.7,
          ...(stepped ? { signal: stepped } : {}),
        }),
      );
      if (step.ok && step.value.text.trim() !== '') return { reply: step.value.text.trim() };
      if (step.ok) this.options.onFallback?.('chitchat', new PersonalabError('upstream_bad_response', 'the LLM answered the chit-chat with an empty reply'));
      degraded = { degradedReason: step.ok ? 'llm step failed' : step.reason };
    }
    const thanks = /thank|\bcheers\b|\bthx\b/i.test(message);
    const bye = /bye|good night/i.test(message) || farewell.test(message.toLowerCase().replace(/[’‘]/g, "'"));
    // "Cheers, bye" had been answered with a list, "thanks, bye" without a goodbye.
    if (thanks && bye) return { reply: 'You are welcome! Enjoy your movie, and come back any time.', ...degraded };
    // "No thanks" turns the offer down: no "You are welcome" (it had got one).
    if (declined.test(message)) return { reply: 'Okay. Tell me whenever you want other ideas.', ...degraded };
    if (thanks) return { reply: 'You are welcome! Rate what you watch and I will get better at this.', ...degraded };
    if (bye) return { reply: 'Enjoy your movie. Come back any time.', ...degraded };
    return { reply: 'Hello! Tell me what you like (or what you are in the mood for) and I will suggest something.', ...degraded };
  }

  /**
   * Predicts a rating (1 to 5) with a baseline estimator: global mean plus shrunk item and user
   * biases, nudged by how well the item fits the user's taste.
   */
  predictRating(userId: string, itemId: string): { rating: number; components: { globalMean: number; itemBias: number; userBias: number; tasteFit: number } } {
    const store = this.options.store;
    store.requireUser(userId);
    const item = this.options.catalog.get(itemId);
    if (!item) throw new PersonalabError('not_found', `unknown item ${itemId}`);
    // Current ratings only: a re-rated item counts once, with its newest value.
    const stats = store.ratingStats(itemId);
    const globalMean = stats.globalMean ?? 3.5;
    const itemBias = (stats.itemTotal - globalMean * stats.itemCount) / (stats.itemCount + 10);
    const history = this.history(userId);
    // Ratings and dislike events (as a rating of 1: a dislike had left the bias where it was).
    const rated = history.filter((entry) => entry.rating !== undefined);
    const userBias = rated.reduce((sum, entry) => sum + ((entry.rating ?? globalMean) - globalMean), 0) / (rated.length + 15);
    const taste = buildTaste(this.profile(userId), history, collectTagStems([item]));
    const tasteFit = Math.max(-0.5, Math.min(0.5, 0.3 * profileFit(item, taste)));
    const rating = Math.max(1, Math.min(5, globalMean + itemBias + userBias + tasteFit));
    return { rating, components: { globalMean, itemBias, userBias, tasteFit } };
  }
}

/**
 * Which items a strong dislike keeps out: those with a disliked genre, except films like one the user
 * named as liked in chat ("I loved Star Wars, something like it" lets The Empire Strikes Back in although
 * MovieLens tags it War, as it does Star Wars): a liked example that carries the genre too and shares at
 * least two more genres with the item. A title only tagged with the genre stays out (Platoon: Drama, War).
 */
function keptOutBy(keepOut: readonly string[], history: readonly HistoryEntry[]): (item: Item) => boolean {
  const examples = history.filter((entry) => entry.source === 'chat' && (entry.rating ?? 0) >= 4).map((entry) => new Set(tagStems(entry.item)));
  const likeAnExample = (stems: readonly string[], tag: string) => examples.some((example) => example.has(tag) && stems.filter((other) => other !== tag && example.has(other)).length >= 2);
  return (item) => {
    const stems = tagStems(item);
    return keepOut.some((tag) => stems.includes(tag) && !likeAnExample(stems, tag));
  };
}

/** "The first one", "the 2nd film", "number 3", "#4": a film of the last list, by its place in it; "the first two", "the last 3": several. */
const listReference =
  /\b(?:the\s+)?(first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)\s+(?:one|film|movie|pick|suggestion|title|option)\b|(?:\bnumber\s*|#)([1-9])\b|\b(?:the\s+)?(first|last|top)\s+(two|three|four|2|3|4)(?:\s+(?:ones|films|movies|picks|suggestions|titles|options))?\b/gi;
/**
 * What follows "the first two" when it counts a series' films rather than the list's: a capitalised name ("the first two
 * Godfather films", "the last three Star Trek") or a word or two and "films" ("the first two alien movies").
 */
const seriesAfter = /^\s+(?:(?!I\b)[A-Z]|(?:(?!(?:were|are|was|is|seemed|seem|looked|look|sounded|sound|you|i|we|of|on|in|from|both|again|already|really)\b)[a-z][\w'-]*\s+){1,2}(?:films|movies)\b)/;
/**
 * The whole last list: "all of these", "all of them", "them all", "all five", "every one of those", "the lot", and after a
 * negation "any of them" ("I didn't like any of the ones you showed me"), with what it says of them ("you showed me last time").
 */
const wholeList = /\b(?:(?<=(?:n't|\bnot|\bnever)\s+(?:[\w']+\s+){0,3})any (?:of )?(?:these|those|them|the (?:films|movies|ones|suggestions|picks))|all (?:of )?(?:these|those|them|the (?:films|movies|ones|suggestions|picks))|(?:these|those|them) all|all (?:five|5|three|3|four|4|ten|10)(?: of (?:them|these|those))?|every (?:one|single one) of (?:these|those|them)|the (?:whole )?lot)\b(?:\s+(?:that\s+)?you\s+(?:showed|suggested|recommended|gave|listed|offered)(?:\s+(?:me|us))?(?:\s+(?:last time|before|earlier|the other day))?\b)?/gi;
/** Number words a count of films is written with ("the first two", "all five", "give me 3", "just one"). */
const countWords: Record<string, number> = { one: 1, 'a single': 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twenty: 20 };
/** A count as written, in digits or words; undefined for anything else. */
const countOf = (written: string): number | undefined => (/^\d+$/.test(written) ? Number(written) : countWords[written.toLowerCase()]);
const places: Record<string, number> = { first: 0, '1st': 0, second: 1, '2nd': 1, third: 2, '3rd': 2, fourth: 3, '4th': 3, fifth: 4, '5th': 4, last: -1 };

/**
 * "It" or "that" as what an opinion, a viewing or a request by example is of ("I loved it", "I've seen that one", "more
 * like that", "anything similar to it?", "it was boring"); not "I like it when …", "that film noir", "this is …".
 */
const pointer =
  /\b((?:loved|liked|hated|disliked|enjoyed|adored|love|like|hate|dislike|enjoy|seen|saw|watched|similar to)\s+)(it|that one|this one|that|this)\b(?![ \t]+(?:when|if|because|that|which|how|who|movies?|films?|genre|kind|sort|type|the|a|an|one|ones|is|was)\b)|^(it|that one|this one)(?=\s+(?:was|is)\b)/i;

/**
 * "Them", "those" or "both" as the films an opinion, a viewing or a request by example is of ("something like them but
 * older", "more like both", "I've seen those"): the films the last message named.
 */
const pluralPointer =
  /\b((?:like|loved|liked|hated|disliked|enjoyed|adored|love|hate|enjoy|seen|saw|watched|than|to)\s+)(both of them|both of those|both|them both|them|those two|these two|the two|those)\b(?![ \t]+(?:when|if|because|that|which|who|movies?|films?|genres?|kinds?|sorts?|types?|ones|days|years)\b)/i;

/** "More like the first", "I loved the second!": a place in the last list without "one" after it (read as "the first one"). */
const barePlace = /\bthe\s+(first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)\b(?=\s*(?:$|[,.!?;)]|(?:and|but|please|too|was|is|again|either)\b))/gi;

/**
 * The message with each reference to a place in the last list replaced by that film's title as people write it ("I
 * didn't like the first one" → "I didn't like Star Wars", "more like the second one" → "more like The Princess Bride"),
 * and, when the last turn asked about a film (`discussed`), "it" or "that" pointing at it ("I loved it" → "I loved The
 * Quiet Man"), so the title reader gives it the opinion. Unchanged for a place the list does not have.
 */
export function nameReferences(message: string, lastRecommended: readonly Item[], discussed?: Item | readonly Item[]): string {
  const named =
    lastRecommended.length === 0
      ? message
      : message.replace(barePlace, (_place, word: string) => `the ${word} one`).replace(listReference, (reference: string, place: string | undefined, number: string | undefined, end: string | undefined, count: string | undefined, at: number, text: string) => {
          if (end !== undefined) {
            // "The first two Godfather films", "the last three Alien movies": a series' films, not the list's.
            if (seriesAfter.test(text.slice(at + reference.length))) return reference;
            const size = countOf(count ?? '') ?? 0;
            const several = end.toLowerCase() === 'last' ? lastRecommended.slice(-size) : lastRecommended.slice(0, size);
            if (several.length < size) return reference;
            const titles = several.map(writtenTitle);
            return wordList(titles);
          }
          const index = place === undefined ? Number(number) - 1 : (places[place.toLowerCase()] ?? 0);
          const item = index < 0 ? lastRecommended[lastRecommended.length - 1] : lastRecommended[index];
          return item === undefined ? reference : writtenTitle(item);
        });
  // "I've seen all of these", "loved them all": every film of the list (only when the count said, if any, is the list's).
  const whole =
    lastRecommended.length === 0
      ? named
      : named.replace(wholeList, (reference) => {
          const count = /\b(three|3|four|4|five|5|ten|10)\b/i.exec(reference)?.[1];
          if (count !== undefined && countOf(count) !== lastRecommended.length) return reference;
          const titles = lastRecommended.map(writtenTitle);
          return wordList(titles);
        });
  if (whole !== named) return whole;
  const films = discussed === undefined ? [] : 'id' in discussed ? [discussed as Item] : (discussed as readonly Item[]);
  if (films.length === 0 || named !== message) return named;
  const [only] = films;
  if (films.length === 1 && only !== undefined) return named.replace(pointer, (_reference, verb: string | undefined) => `${verb ?? ''}${writtenTitle(only)}`);
  // "I loved Pulp Fiction and Reservoir Dogs" then "something like them but older": both films.
  const titles = films.map(writtenTitle);
  return named.replace(pluralPointer, (_reference, verb: string) => `${verb}${wordList(titles)}`);
}

/**
 * The films a message judged, one clause per polarity: "you dislike Jerry Maguire (1996) and Star Wars (1977)" (each had had
 * its own "you dislike", as genre tastes had before them).
 */
function opinionNotes(stated: readonly { item: Item; polarity: 'like' | 'dislike' | 'neutral' }[]): string[] {
  const verbs = [['like', 'you like'], ['dislike', 'you dislike'], ['neutral', 'you are lukewarm on']] as const;
  return verbs.flatMap(([polarity, verb]) => {
    const titles = stated.filter((opinion) => opinion.polarity === polarity).map((opinion) => notedTitle(opinion.item));
    return titles.length === 0 ? [] : [`${verb} ${wordList(titles)}`];
  });
}

/**
 * A title as the notes say it, as the replies' prose does: its article in front ("The Saint (1997)", not the catalogue's
 * "Saint, The (1997)"), with the year where the catalogue's title carries one.
 */
const notedTitle = (item: Item): string => (/\(\d{4}\)\s*$/.test(item.title) ? writtenTitle(item) : spokenTitle(item.title));

/** An offer turned down with thanks: "no thanks", "nah, thank you", "thanks but no thanks". */
const declined = /\b(?:no|nah|nope)\b[,!.]*\s*(?:thanks|thank you|thx)\b/i;

/** The most films one reply lists, whatever is asked ("top 20"): the re-ranker orders 20 candidates. */
const MAX_LISTED = 10;
const countPattern = String.raw`(\d{1,2}|one|a single|two|three|four|five|six|seven|eight|nine|ten|twenty)`;
/** What "one more …" can ask for that is no film: "one more thing: …", "just one more question", "one more time". */
const notFilms = String.raw`(?:things?|questions?|time|request|favou?r)\b`;
/**
 * A count of films asked for: "give me 3", "top 10 action movies", "just one thriller", "2 more", "another 5"; not "the 90s",
 * "my 6 year old", "the first two", "(just) one more thing", nor "the only one" ("I thought I was the only one" had got a list
 * of one film).
 */
const countAsked = new RegExp(
  [
    String.raw`\b(?:top|give me|show me|recommend(?: me)?|suggest|list|find me|get me|just|(?<!\b(?:the|my|your|our|his|her|their)\s{1,3})only)\s+(?:me\s+|us\s+)?(?:just\s+|only\s+|another\s+)?${countPattern}\b(?!\s*(?:s\b|'s|-|years?|yrs?|stars?|minutes?|mins?|hours?|of\s+(?:the|them|these|those|my|our)\b|more\s+${notFilms}))`,
    String.raw`\b${countPattern}\s+(?:more|others|other (?:ones|films|movies)|new ones)\b(?!\s+${notFilms})`,
    String.raw`\banother\s+${countPattern}\b(?!\s*(?:s\b|years?))`,
  ].join('|'),
  'i',
);

/** How many films a message asks for, up to `MAX_LISTED`; undefined when it names no count. `asked` is the count as said (it may be more). */
export function requestedCount(message: string): { count: number; asked: number } | undefined {
  const text = message.toLowerCase().replace(/\bthe first (?:two|three|four|five|2|3|4|5)\b|\bthe last (?:two|three|four|five|2|3|4|5)\b/g, ' ');
  const match = countAsked.exec(text);
  if (match === null) return undefined;
  const said = match.slice(1).find((group) => group !== undefined);
  const asked = said === undefined ? undefined : countOf(said);
  // "Another one" asks for another film, not a list of one.
  if (asked === undefined || asked < 1 || (asked === 1 && /\banother\s+one\b/.test(match[0]))) return undefined;
  return { count: Math.min(asked, MAX_LISTED), asked };
}

/** How many of a user's messages `previousSession` reads beyond the current session's first, and at most. */
const PREVIOUS_SESSION_PEEK = 12;
const PREVIOUS_SESSION_READ = 200;

/** Asking for films not shown before: "anything new for me?", "what else would I like?", "something different", "more", "not those again". */
const asksForNew = /\b(?:new|else|other|others|different|more|another|fresh)\b|\bnot (?:those|these|them|that one|the same)\b|\bnone of\b/i;

/**
 * Asking for the next films of the same request: "more", "next", "show me more", "more please", "give me 2 more", "another 5", "keep going".
 * No two `\s*` meet at its end (`\s*(?:please)?\s*[?.!]*\s*` had split a long run of spaces every way: cubic).
 */
const paging =
  /^\s*(?:(?:ok|okay|great|nice|cool|thanks|thank you|hmm+|and|alright)[,!.]*\s+)*(?:(?:show|give|get) (?:me|us)\s+|can i (?:see|have|get)\s+|any\s+)?(?:just\s+|only\s+)?(?:some\s+|a few\s+|one\s+|(?:\d{1,2}|two|three|four|five|ten)\s+)?(?:more|next|others|another (?:\d{1,2}|two|three|four|five|ten|few|batch|round|page|list|set)|the next (?:\d{1,2}|few|batch|page|ones?)|keep (?:going|them coming)|next (?:page|batch|ones?|few))(?:\s+(?:ones|films|movies|options|suggestions|picks|of those|of them|like (?:those|these|that)))*(?:\s*(?:please|pls))?\s*(?:[?.!]+\s*)?$/i;

/** Words that put a film out of the request: "anything but Star Wars", "not Pulp Fiction either", "except The Godfather". */
const negatedFilm =
  /\b(?:(?:anything|something|everything|any(?:one)?)\s+(?:but|except|other than|besides|apart from)|except(?: for)?|other than|apart from|excluding|not|no|without|minus)\s+([^,.;!?]+)/gi;
/** Words after a title that are not part of it ("not Pulp Fiction either", "no Star Wars this time"). */
const trailingWords = /^(?:either|again|please|this|time|then|too|for|now|though|movies?|films?|ones?|sequels?|series|franchise|stuff|or|and|any|of|its|it|the)$/;
/** A title as compared: lower case, no year, the article moved back to its front dropped ("Godfather, The (1972)" → "godfather"). */
const comparable = (title: string) =>
  withoutYearOrArticle(title)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * The catalogue films a message asks to leave out ("anything but Star Wars", "an adventure movie but not Indiana Jones",
 * "not Pulp Fiction either"): every film whose title starts with the words named (a series: "not The Godfather" leaves
 * out its sequels too). A one-word name counts written capitalised ("not Fargo"; "no horror" names no film), or in lower
 * case alone after the article its film's title has ("not the godfather"); one that is a genre word counts only as a
 * film's whole title ("not Alien", not "no Horror").
 */
export function negatedFilms(message: string, items: Iterable<Item> | (() => ReadonlyMap<string, readonly Item[]>), knownTags: ReadonlySet<string>): Item[] {
  const phrases = negatedNames(message, knownTags);
  // Most messages name no film to leave out: the catalogue is not read for them.
  if (phrases.length === 0) return [];
  return leftOutBy(phrases, typeof items === 'function' ? items() : titleStarts(items), namedOutside(message));
}

/**
 * What a message says outside the phrases that leave films out, as `comparable` writes it and between spaces: a film of the
 * series left out that it names there is welcome ("not Star Wars, but Return of the Jedi is fine"). A phrase's "but" ends it.
 */
function namedOutside(message: string): string {
  const rest = message.replace(/[’‘]/g, "'").replace(negatedFilm, (phrase) => {
    const but = /\bbut\b/i.exec(phrase);
    return but === null ? ' , ' : ` , ${phrase.slice(but.index)}`;
  });
  return ` ${comparable(rest)} `;
}

/**
 * A name a phrase leaves out. `whole`: it counts only as a film's whole title ("Alien", a word for sci-fi too); `article`:
 * only as one the catalogue writes with that article ("the godfather": *Godfather, The (1972)*, not *Kids (1995)*); `itself`:
 * the film of that title alone, not its series ("not Star Wars itself").
 */
type NegatedName = { name: string; whole?: boolean; article?: string; itself?: boolean };

/**
 * The names each phrase of a message leaves out could be, longest first ("Star Wars this time" → "star wars", "star"):
 * the first that begins some title is the one meant. Reads no catalogue.
 */
function negatedNames(message: string, knownTags: ReadonlySet<string>): NegatedName[][] {
  const named: NegatedName[][] = [];
  for (const match of message.replace(/[’‘]/g, "'").matchAll(negatedFilm)) {
    const article = /^\s*(the|a|an)\s+/i.exec(match[1] ?? '')?.[1]?.toLowerCase();
    const written = (match[1] ?? '').replace(/^\s*(?:the|a|an)\s+/i, '').trim().split(/\s+/).filter(Boolean).slice(0, 8);
    const names: NegatedName[] = [];
    const itself = /\bitself\b/i.test(match[1] ?? '') ? { itself: true } : {};
    for (let length = written.length; length >= 1; length--) {
      const words = written.slice(0, length);
      if (trailingWords.test((words[words.length - 1] ?? '').toLowerCase())) continue;
      const name = comparable(words.join(' '));
      if (name.length < 3) continue;
      if (length > 1) {
        // "Star Wars" names a film although "wars" is a genre word.
        names.push({ name, ...itself });
        continue;
      }
      // "Horror" alone names no film, "Alien" only the film of that whole title.
      if (/^\p{Lu}/u.test(words[0] ?? '')) names.push({ name, whole: mentionedTagStems(name, knownTags).size > 0, ...itself });
      // In lower case only a word said alone after its article ("not the godfather please", not "without the wife tonight").
      else if (article !== undefined && written.slice(1).every((word) => trailingWords.test(word.toLowerCase()))) names.push({ name, whole: true, article, ...itself });
    }
    if (names.length > 0) named.push(names);
  }
  return named;
}

/** Each run of first words of the items' titles ("star", "star wars", "star wars episode"), to its films in catalogue order. */
export function titleStarts(items: Iterable<Item>): Map<string, Item[]> {
  const starts = new Map<string, Item[]>();
  for (const item of items) {
    const words = comparable(item.title);
    for (let end = words.indexOf(' '); ; end = words.indexOf(' ', end + 1)) {
      const start = end === -1 ? words : words.slice(0, end);
      const films = starts.get(start);
      if (films === undefined) starts.set(start, [item]);
      else films.push(item);
      if (end === -1) break;
    }
  }
  return starts;
}

/**
 * The catalogue's other films of the examples' titles, years aside (Sabrina (1995) of Sabrina (1954)); none without examples.
 * With the years asked for (`inYears`), a version they hold is none when its example is out of them.
 */
function otherVersions(examples: readonly Item[], items: Iterable<Item>, inYears?: (item: Item) => boolean): string[] {
  if (examples.length === 0) return [];
  const titleOf = (item: Item) => spokenTitle(item.title).toLowerCase();
  const ids = new Set(examples.map((item) => item.id));
  const versionOf = (item: Item, example: Item) => titleOf(item) === titleOf(example) && (inYears === undefined || !inYears(item) || inYears(example));
  return [...items].filter((item) => !ids.has(item.id) && examples.some((example) => versionOf(item, example))).map((item) => item.id);
}

/**
 * What follows a film's name in the title of a later film of its series: a colon, a number ("Die Hard 2", "Highlander III"),
 * "Part", "&" ("Batman & Robin"), "Returns", "Forever", or nothing (another film of the same title).
 */
const sequelRest = /^(?:\s*[:-]|\s+(?:\d|(?:II|III|IV|V|VI|VII|VIII|IX|X)\b|Part\b|&|Returns\b|Forever\b)|\s*$)/;

/**
 * Whether `item` is the film named `name` (as `comparable` writes it) or one of its series: "The Saint of Fort Washington"
 * is no film of The Saint's, nor "Michael Collins" of Michael's ("Not The Saint, please" had left out both).
 */
function ofSeries(item: Item, name: string): boolean {
  const main = withoutYearOrArticle(item.title).replace(/\s*\([^)]*\)/g, '');
  // `comparable` leaves only letters, digits and single spaces: the name's words are read as they are, whatever is between them.
  const written = new RegExp(`^${name.split(' ').join('[^\\p{L}\\p{N}]+')}`, 'iu').exec(main);
  return written !== null && sequelRest.test(main.slice(written[0].length));
}

/** Whether `item`'s whole title is the name, with its article where one was said ("Godfather, The (1972)" for "the godfather"). */
function titledWhole(item: Item, { name, article }: NegatedName): boolean {
  const written = /,\s*(the|a|an)$/i.exec(item.title.replace(/\s*\(\d{4}\)$/, ''))?.[1]?.toLowerCase();
  return comparable(item.title) === name && (article === undefined || written === article);
}

/**
 * The genre the topics of a message name, which the catalogue cannot choose by ("any alien films?", "space films", "a robot
 * movie": sci-fi; "a heist film": crime), when neither the message nor the session asks for a genre: the list leans to it.
 * None when the topics name no genre ("films about dogs") or several, when one is ruled out ("nothing about aliens") or the
 * genre is.
 */
function topicLean(asks: readonly UnsupportedAsk[], update: ConstraintUpdate | undefined, previous: SessionConstraints, knownTags: ReadonlySet<string>): string | undefined {
  const topics = asks.filter((ask) => ask.kind === 'topic');
  if (update === undefined || topics.length === 0 || topics.some((ask) => ask.negated)) return undefined;
  if (Object.keys(update.wanted).length > 0 || (!update.reset && Object.values(previous.tags).some((weight) => weight > 0))) return undefined;
  const genres = new Set(topics.flatMap((ask) => [...mentionedTagStems(ask.said, knownTags)]));
  const [genre] = genres;
  if (genres.size !== 1 || genre === undefined || update.avoided[genre] !== undefined) return undefined;
  return (previous.tags[genre] ?? 0) < 0 && !update.reset ? undefined : genre;
}

/**
 * Taking up a film offered: "X is exactly what I was looking for", "X looks great", "X sounds perfect, I will watch that",
 * "I like the sound of X", "X could be great".
 */
const takesUp =
  /\bexactly what (?:i|we) (?:was|were|am|are|'m|'re) (?:looking for|after)\b|\b(?:looks?|sounds?) (?:(?:really|so|very|pretty|just|absolutely)\s+)?(?:great|perfect|good|amazing|fun|interesting)\b|\b(?:i|we)(?:'ll| will| would| 'd) (?:definitely |probably )?watch (?:that|it|this)\b|\bthe (?:sound|look)s? of\b|\bcould be (?:great|good|fun)\b/i;

/**
 * The ids of the films named (`named`, in order) in the sentences of `message` that take a film up (`takesUp`), read with the
 * titles blanked: a title's own words take nothing up ("My favourite is The Sound of Music").
 */
function takenUpFilms(message: string, named: readonly { item: Item; start: number; end: number }[]): string[] {
  if (named.length === 0) return [];
  let blanked = '';
  let at = 0;
  for (const { start, end } of named) {
    blanked += `${message.slice(at, Math.max(at, start))}${'#'.repeat(Math.max(0, end - Math.max(at, start)))}`;
    at = Math.max(at, end);
  }
  blanked += message.slice(at);
  const taken: string[] = [];
  let mention = 0;
  for (const sentence of blanked.matchAll(/[^.!?;]+[.!?;]*/g)) {
    const end = sentence.index + sentence[0].length;
    const inside: string[] = [];
    for (let next = named[mention]; next !== undefined && next.start < end; next = named[++mention]) inside.push(next.item.id);
    if (inside.length > 0 && takesUp.test(sentence[0])) taken.push(...inside);
  }
  return taken;
}

/**
 * Series of the MovieLens catalogue whose other films' titles do not start with the series' name, hand-kept (the catalogue
 * has no series field; "a sci-fi film, not Star Wars" had listed The Empire Strikes Back and Return of the Jedi): each name,
 * as `comparable` writes it, to the whole titles of its other films. A series whose titles share its name ("Star Trek",
 * "The Godfather", "Die Hard") needs no entry.
 */
const seriesOtherTitles: ReadonlyMap<string, readonly string[]> = new Map([
  ['star wars', ['empire strikes back', 'return of the jedi']],
  ['indiana jones', ['raiders of the lost ark']],
  ['jurassic park', ['lost world jurassic park']],
  ['evil dead', ['army of darkness']],
  ['pink panther', ['return of the pink panther']],
  ['wallace gromit', ['wrong trousers', 'grand day out', 'close shave']],
  ['wallace and gromit', ['wrong trousers', 'grand day out', 'close shave']],
]);

/**
 * The films the phrases' names (`negatedNames`) leave out: for each phrase, the films its longest name beginning some title
 * begins; where that name is a film's whole title, that film and its series ("not Alien": Alien 3 too, not Alien Nation);
 * and a series' films under other titles (`seriesOtherTitles`). "Itself" leaves out the film alone, and a film of the series
 * the message names outside its phrases (`outside`, from `namedOutside`) is kept.
 */
function leftOutBy(phrases: readonly (readonly NegatedName[])[], starts: ReadonlyMap<string, readonly Item[]>, outside: string): Item[] {
  const found = new Map<string, Item>();
  // Each title looked for in `outside` once (a message of many phrases had searched it again for each).
  const said = new Map<string, boolean>();
  const saidOutside = (title: string) => {
    let answer = said.get(title);
    if (answer === undefined) said.set(title, (answer = outside.includes(` ${title} `)));
    return answer;
  };
  for (const names of phrases) {
    // The longest run of words from the start that begins some title ("Star Wars this time" → "Star Wars").
    const begun = (candidate: NegatedName) => starts.get(candidate.name) ?? [];
    const chosen = names.find((candidate) => begun(candidate).length > 0 && (!candidate.whole || begun(candidate).some((item) => titledWhole(item, candidate))));
    const name = chosen?.name ?? '';
    const films = chosen === undefined ? [] : begun(chosen);
    const whole = films.some((item) => comparable(item.title) === name);
    // "Not Star Wars itself": that film alone.
    const alone = chosen?.itself === true && whole;
    const welcome = (item: Item) => comparable(item.title) !== name && saidOutside(comparable(item.title));
    const leftOut = (item: Item) => (alone ? comparable(item.title) === name : !whole || ofSeries(item, name)) && !welcome(item);
    for (const item of films) if (leftOut(item)) found.set(item.id, item);
    // The series' films under other titles, when the phrase names the series ("Star Wars", "Wallace and Gromit").
    const series = alone ? undefined : names.find((candidate) => seriesOtherTitles.has(candidate.name))?.name;
    for (const title of seriesOtherTitles.get(series ?? '') ?? []) for (const item of starts.get(title) ?? []) if (comparable(item.title) === title && !welcome(item)) found.set(item.id, item);
  }
  return [...found.values()];
}

/**
 * How a reply names the films its list is like: "Films like it but funnier" (the film just noted as liked), "Films like
 * Fargo (1996) but in the 80s", "Films with something of both" (a mix, when at least half the list shares a genre with
 * each film), "Still with Twelve Monkeys (1995) in mind" (a change to an earlier request by example). `fresh`: the message
 * named the films; `noted`: the reply has just noted each of them as liked. A change the catalogue cannot make ("but
 * shorter": `unsupported`) is not said back as made.
 */
function exampleLead(options: {
  examples: readonly Item[];
  fresh: boolean;
  noted: boolean;
  message: string;
  unsupported: readonly UnsupportedAsk[];
  listed: readonly Item[];
  /** Genres few films have (`ItemCatalog.tellingGenres`): a film like an example shares one of its, or two of its genres. */
  telling: ReadonlySet<string>;
}): string {
  const { examples, listed } = options;
  const titles = wordList(examples.map((item) => item.title));
  if (!options.fresh) return `Still with ${titles} in mind`;
  const names = options.noted ? (examples.length === 1 ? 'it' : 'them') : titles;
  const found = / but\s+([^.!?;,]{1,60})/i.exec(options.message.replace(/[’‘]/g, "'"));
  const start = found === null ? -1 : found.index + found[0].length - (found[1] ?? '').length;
  const cannot = found !== null && options.unsupported.some((ask) => ask.start < start + (found[1] ?? '').length && start < ask.end);
  const but = cannot ? undefined : found?.[1]?.replace(/\s+(?:please|pls|thanks)\s*$/i, '').trim();
  const change = but === undefined || but === '' ? '' : ` but ${but}`;
  const each = examples.map((item) => new Set(tagStems(item)));
  if (examples.length > 1) {
    const mixed = listed.filter((item) => each.every((genres) => tagStems(item).some((tag) => genres.has(tag)))).length;
    if (mixed * 2 >= listed.length && listed.length > 0) return `Films with something of ${examples.length === 2 ? 'both' : 'each'}${options.noted ? '' : ` ${titles}`}${change}`;
  }
  // "Something like The Shining for kids": no children's film shares a genre with it, and the reply had said "Films like it".
  // Alike by a telling genre or two of the example's: Fargo's drama alone does not make Stand by Me like it (a returning
  // user's "like Fargo but funnier" then "older" had been "Films like Fargo" over five comedy dramas).
  const like = (item: Item) =>
    each.some((genres) => {
      const shared = tagStems(item).filter((tag) => genres.has(tag));
      return shared.length >= Math.min(2, genres.size) || shared.some((tag) => options.telling.has(tag));
    });
  const alike = listed.filter(like).length;
  if (alike === 0) return `None of these is much like ${names}, but they fit the rest of what you asked`;
  if (alike * 2 < listed.length) return `Only ${alike === 1 ? 'one of these is' : `${alike} of these are`} like ${names}; the others fit the rest of what you asked`;
  return `Films like ${names}${change}`;
}

/**
 * What the reply owes when fewer than half the films listed for a change to examples ("like Fargo but funnier") carry a
 * genre it leans to: "Only 2 of these are comedy; the others are the nearest I have." Undefined otherwise.
 */
function leanShortfall(listed: readonly Item[], lean: readonly string[], names: ReadonlyMap<string, string>): string | undefined {
  const known = lean.filter((tag) => names.has(tag));
  if (known.length === 0) return undefined;
  const count = listed.filter((item) => tagStems(item).some((tag) => known.includes(tag))).length;
  if (count * 2 >= listed.length) return undefined;
  const genres = known.map((tag) => (names.get(tag) ?? tag).toLowerCase()).join(' or ');
  return count === 0 ? `None of these is ${genres}: I have none left like them, so these are the nearest.` : `Only ${count === 1 ? 'one of these is' : `${count} of these are`} ${genres}; the others are the nearest I have.`;
}

/**
 * Messages up to this length are quoted back ("Understood ("something lighter")"); longer ones would be cut mid-sentence,
 * and one of several sentences is talk around the request ("No, I'm serious! I was born in 1922." had been quoted whole).
 */
const QUOTE_LIMIT = 60;
const quote = (phrase: string) => (phrase.length <= QUOTE_LIMIT && !/[.!?]\s+\S/.test(phrase) ? ` ("${phrase}")` : '');

/**
 * A refinement asking for one of the genres a request offered as alternatives (`AskedFor.either`), as if asked alone: the
 * others' weights and places in the request taken out, so a film is not ranked up for having them too.
 */
function askedAlone(refinement: Refinement | undefined, genre: string, others: readonly string[]): Refinement | undefined {
  const asked = refinement?.asked;
  if (refinement === undefined || asked === undefined) return refinement;
  const tagWeights = Object.fromEntries(Object.entries(refinement.tagWeights).filter(([tag]) => !others.includes(tag)));
  const genres = Object.fromEntries(Object.entries(asked.genres).filter(([tag]) => tag === genre));
  return { ...refinement, tagWeights, asked: { ...asked, genres, either: undefined } };
}

/**
 * The list for two people's genres: the films of `ranked` with every genre in `genres` first, then, in turn, the best film
 * not yet listed of the genre the list has least of so far, from that genre's own ranking (`pools`, one per genre).
 */
export function eachGenreInTurn<T extends { item: Item }>(ranked: readonly T[], pools: readonly (readonly T[])[], genres: readonly string[], k: number): T[] {
  const picked = ranked.filter((entry) => genres.every((genre) => tagStems(entry.item).includes(genre))).slice(0, k);
  const listed = new Set(picked.map((entry) => entry.item.id));
  const count = (genre: string) => picked.filter((entry) => tagStems(entry.item).includes(genre)).length;
  while (picked.length < k) {
    // The genre with fewest films so far that still has one to give.
    const next = genres
      .map((_genre, index) => index)
      .filter((index) => (pools[index] ?? []).some((entry) => !listed.has(entry.item.id)))
      .sort((a, b) => count(genres[a] ?? '') - count(genres[b] ?? '') || a - b)[0];
    const entry = next === undefined ? ranked.find((candidate) => !listed.has(candidate.item.id)) : (pools[next] ?? []).find((candidate) => !listed.has(candidate.item.id));
    if (entry === undefined) break;
    picked.push(entry);
    listed.add(entry.item.id);
  }
  return picked;
}

/**
 * What the reply owes when fewer of the listed items have the genres asked for than it lists ("Only the
 * first 2 are sci-fi"): the header names the request, and the list is filled with the nearest films
 * left. With one genre asked for, fewer listed means fewer fit (candidates are drawn from items with it
 * first); with several, films with only some of them may be all that made the list. Undefined when every
 * item has every asked genre, or none was asked for.
 */
function shortOfAskedGenres(listed: readonly RankedItem[], refinement: Refinement | undefined, names: ReadonlyMap<string, string>, together = false): string | undefined {
  const asked = Object.keys(refinement?.asked?.genres ?? {});
  if (asked.length === 0 || listed.length === 0) return undefined;
  const fitting = listed.filter((entry) => askedGenreCount(entry.item, refinement) === asked.length).length;
  if (fitting === listed.length) return undefined;
  const genres = asked.map((key) => (names.get(key) ?? key).toLowerCase()).join(refinement?.asked?.either === true ? ' or ' : ' and ');
  // Two people's genres no film has together ("she likes musicals, I like westerns"): some of each (`eachGenreInTurn`).
  const none = asked.length === 1 ? `I have no ${genres} left that fits, so these are the nearest.` : together ? 'I have no film with both, so here are some of each.' : 'these are the nearest I have.';
  if (fitting === 0) return `None of these is ${together && asked.length > 1 ? 'both ' : ''}${genres}: ${none}`;
  const first = `Only the first ${fitting === 1 ? 'one is' : `${fitting} are`} ${genres}`;
  return asked.length === 1 ? `${first}: I have no more that fit, so the others are the nearest.` : `${first}; the others have some of it.`;
}

/**
 * A request for two people where a genre one asks for the other cannot stand (`ConstraintUpdate.contested`): it stays
 * ruled out, and the genre the catalogue most often pairs with it is asked for instead (horror → thriller), unless that
 * one is ruled out too. The update as it was otherwise.
 */
function withCompromise(update: ConstraintUpdate, companionOf: (tag: string) => string | undefined): ConstraintUpdate {
  const companions = (update.contested ?? []).flatMap((tag) => companionOf(tag) ?? []).filter((tag) => update.avoided[tag] === undefined);
  if (companions.length === 0) return update;
  return { ...update, wanted: { ...update.wanted, ...Object.fromEntries(companions.map((tag) => [tag, WANTED_WEIGHT])) } };
}

/**
 * Whether a message asks for something new of the session (genres, years, audience, a fresh start), or takes back
 * a genre it asked for ("ok, actually I can't stand horror" after "a horror movie please").
 */
const changesRequest = (update: ConstraintUpdate, previous: SessionConstraints) =>
  update.reset ||
  Object.keys(update.wanted).length > 0 ||
  Object.keys(update.avoided).length > 0 ||
  update.years !== undefined ||
  update.audience !== undefined ||
  (update.dropped ?? []).some((tag) => previous.tags[tag] !== undefined) ||
  Object.keys(update.disliked ?? {}).some((tag) => (previous.tags[tag] ?? 0) > 0);

/**
 * A correction of what was asked: "no, I meant the 1980s", "make it the 70s", "no wait, 1985", "a comedy instead",
 * "actually, the early 90s", "on second thought, a drama", "switch to westerns".
 */
const correction = /\b(?:meant|make (?:it|that)|no wait|instead|actually|on (?:second|further) thoughts?|(?:change|switch) (?:it |that )?to|rather)\b/i;

/**
 * Whether a message revises the request the last list answered rather than making a new one: years relative to it
 * ("anything older?", "newer than that"), part of it taken back ("forget the comedies", "scratch the 70s", "any year is
 * fine", "never mind the kids") or corrected ("I meant the 80s").
 */
const revisesRequest = (update: ConstraintUpdate, previous: SessionConstraints, message: string) =>
  !update.reset &&
  (update.yearsRelative !== undefined ||
    (update.dropped ?? []).some((tag) => previous.tags[tag] !== undefined) ||
    (update.years === null && previous.years !== undefined) ||
    (update.audience === null && previous.audience !== undefined) ||
    (correction.test(message) && changesRequest(update, previous)));

/**
 * A turn's steering with the mood's lift for genres the user is lukewarm on taken out (its push away from them, and
 * genres asked for by name, stay): a lukewarm taste leans the list neither way, a mood's spill-over included.
 */
function withoutLukewarmLean<T extends { refinement: Refinement | undefined; mood?: Record<string, number> | undefined }>(steered: T, lukewarm: ReadonlySet<string>): T {
  const { refinement, mood } = steered;
  const lifted = mood === undefined ? [] : Object.entries(mood).filter(([tag, weight]) => weight > 0 && lukewarm.has(tag));
  if (refinement === undefined || mood === undefined || lifted.length === 0) return steered;
  const tagWeights = { ...refinement.tagWeights };
  const kept = { ...mood };
  for (const [tag, weight] of lifted) {
    const rest = (tagWeights[tag] ?? 0) - weight;
    if (Math.abs(rest) > 1e-12) tagWeights[tag] = rest;
    else delete tagWeights[tag];
    delete kept[tag];
  }
  return { ...steered, refinement: { ...refinement, tagWeights }, mood: kept };
}

/** Genre keys the profile says the user is lukewarm on ("comedies are okay I guess"). */
function lukewarmTags(profile: Profile, knownTags: ReadonlySet<string>): string[] {
  return profile.preferences.filter((preference) => preference.polarity === 'neutral').flatMap((preference) => [...mentionedTagStems(preference.subject, knownTags)]);
}

/** Tag keys of films made for children, which a session asking for children's films wants whatever the mood. */
const childrenTags = new Set(['children', tagKey('Family')]);

/**
 * A turn's mood or steering weights as its ranking reads them: a genre the message names is weighed once, by the
 * constraints; when it names genres, the mood's spill-over onto other genres ("funny" also lifting animation) is
 * dropped, so "a funny romantic comedy" means just that; and a mood does not steer away from the children's films the
 * session asks for ("something scary for the kids").
 */
function moodWeightsFor(weights: Readonly<Record<string, number>>, update: ConstraintUpdate, constraints: SessionConstraints): Record<string, number> {
  const named = new Set([...Object.keys(update.wanted), ...Object.keys(update.avoided)]);
  const namesGenres = Object.keys(update.wanted).length > 0;
  const kept: Record<string, number> = {};
  for (const [tag, weight] of Object.entries(weights)) {
    if (named.has(tag) || (weight > 0 && namesGenres)) continue;
    if (weight < 0 && constraints.audience === 'children' && childrenTags.has(tag)) continue;
    kept[tag] = weight;
  }
  return kept;
}

/**
 * The session's mood after a turn (`merged`: the constraints after the message, which keep the earlier mood unless
 * it starts over or asks for a genre): the turn's own mood replaces it; asking for something else entirely ("something
 * completely different") or negating it ("not so dark") drops it; otherwise it is kept.
 */
function withSessionMood(merged: SessionConstraints, turn: ClassifiedTurn, update: ConstraintUpdate, message: string): SessionConstraints {
  const { mood: _previous, ...rest } = merged;
  if (turn.mood !== undefined) {
    const tagWeights = moodWeightsFor(turn.mood.tagWeights, update, rest);
    if (Object.keys(tagWeights).length === 0) return rest;
    const phrase = turn.refinement?.phrase ?? message.trim();
    return { ...rest, mood: { names: turn.mood.names, tagWeights, phrase: phrase.length <= QUOTE_LIMIT ? phrase : (moodInWords(turn.mood.names, [])?.heard ?? phrase.slice(0, QUOTE_LIMIT)) } };
  }
  const previous = merged.mood;
  if (previous === undefined || turn.dropsMood || (turn.negatedMoods ?? []).some((name) => previous.names.includes(name))) return rest;
  return merged;
}

/** What an explanation of a film reads of the session: its constraints and its mood; undefined when it has neither. */
function explanationRequest(constraints: SessionConstraints, asked: AskedFor): Refinement | undefined {
  const mood: SessionMood | undefined = constraints.mood;
  if (!hasConstraints(constraints) && mood === undefined) return undefined;
  const tagWeights: Record<string, number> = { ...(mood?.tagWeights ?? {}) };
  for (const [tag, weight] of Object.entries(constraints.tags)) tagWeights[tag] = (tagWeights[tag] ?? 0) + weight;
  const phrase = [mood?.phrase ?? '', describeConstraints(constraints)].filter(Boolean).join('; ');
  return { tagWeights, phrase, ...(hasConstraints(constraints) ? { asked } : {}) };
}

/**
 * The turn's refinement with the session's constraints folded in: the genres asked for (kept across turns) as tag
 * weights, the turn's mood words ("something lighter") on top (`moodWeightsFor`), or, when the turn says no mood of
 * its own, the mood the session keeps ("date night" two turns ago). `mood`: the part of the weights the mood put
 * there, for the reply to say whether it moved the list.
 */
function withConstraints(turn: ClassifiedTurn, update: ConstraintUpdate, constraints: SessionConstraints, asked: AskedFor): { refinement: Refinement | undefined; mood?: Record<string, number> | undefined } {
  const tagWeights = moodWeightsFor(turn.refinement?.tagWeights ?? {}, update, constraints);
  // The turn's own words are quoted when they moved something beyond the genres it named ("something lighter").
  const moodWords = Object.keys(update.wanted).length === 0 && Object.keys(tagWeights).length > 0;
  const carried = turn.mood === undefined ? constraints.mood : undefined;
  const carriedWeights = carried === undefined ? {} : moodWeightsFor(carried.tagWeights, update, constraints);
  for (const [tag, weight] of Object.entries(carriedWeights)) tagWeights[tag] = (tagWeights[tag] ?? 0) + weight;
  const mood = turn.mood !== undefined ? constraints.mood?.tagWeights : carried !== undefined ? carriedWeights : undefined;
  for (const [tag, weight] of Object.entries(constraints.tags)) tagWeights[tag] = (tagWeights[tag] ?? 0) + weight;
  if (Object.keys(tagWeights).length === 0 && !hasConstraints(constraints)) return { refinement: turn.refinement };
  const phrases = [moodWords && turn.refinement && turn.refinement.phrase.length <= QUOTE_LIMIT ? turn.refinement.phrase : '', carried?.phrase ?? '', describeConstraints(constraints)].filter(Boolean);
  const refinement = { tagWeights, phrase: phrases.join('; ') || (turn.refinement?.phrase ?? ''), ...(hasConstraints(constraints) ? { asked } : {}) };
  return { refinement, ...(mood === undefined || Object.keys(mood).length === 0 ? {} : { mood }) };
}

/** The refinement with a mood's weights taken out: what the list would have been ranked by without it. */
function withoutMood(refinement: Refinement | undefined, mood: Readonly<Record<string, number>>): Refinement | undefined {
  if (refinement === undefined) return undefined;
  const tagWeights: Record<string, number> = {};
  for (const [tag, weight] of Object.entries(refinement.tagWeights)) {
    const rest = weight - (mood[tag] ?? 0);
    if (Math.abs(rest) > 1e-12) tagWeights[tag] = rest;
  }
  return { ...refinement, tagWeights };
}

/**
 * A request with the films it asks for more like in its refinement (`Refinement.examples`: each one's genres, and what a
 * change to them leans to), as the ranking reads it; the explanations read the request without.
 */
function withExamples(options: RecommendRequest, genresOf: (id: string) => readonly string[]): RecommendRequest {
  const ids = options.examples ?? [];
  if (ids.length === 0) return options;
  const lean = options.exampleChange?.lean ?? [];
  const examples = { genres: ids.map(genresOf), ...(lean.length > 0 ? { lean } : {}) };
  return { ...options, refinement: { ...(options.refinement ?? { tagWeights: {}, phrase: '' }), examples } };
}

/**
 * Whether a refinement goes on with the request before it, films asked for by example included: "but lighter", "anything
 * older?", "something else" after "something like Heat" are still about Heat. Not when it asks for a genre ("a horror
 * movie please" is a new request), starts over, or asks for something else entirely.
 */
function continuesRequest(turn: ClassifiedTurn, update: ConstraintUpdate): boolean {
  return turn.dropsMood !== true && update.reset !== true && Object.keys(update.wanted).length === 0;
}

/** The turn's mood, and its refinement's weights, as `moodWithinExamples` makes them for films with these genres (in place). */
function withinExamples(turn: ClassifiedTurn, exampleTags: ReadonlySet<string>): void {
  const mood = turn.mood;
  if (mood === undefined) return;
  const kept = moodWithinExamples(mood.names, mood.tagWeights, exampleTags);
  if (turn.refinement !== undefined) {
    const tagWeights = { ...turn.refinement.tagWeights };
    for (const [tag, weight] of Object.entries(mood.tagWeights)) {
      const rest = (tagWeights[tag] ?? 0) - weight + (kept[tag] ?? 0);
      if (Math.abs(rest) > 1e-12) tagWeights[tag] = rest;
      else delete tagWeights[tag];
    }
    turn.refinement = { ...turn.refinement, tagWeights };
  }
  turn.mood = { ...mood, tagWeights: kept };
}

/** What a session's mood asks of the films like the examples: the genres it leans to most, and those it pushes hard away from. */
function exampleChangeOf(mood: SessionMood): { lean: string[]; avoid: string[] } | undefined {
  const lean = moodCore(mood.names).filter((tag) => (mood.tagWeights[tag] ?? 0) > 0);
  const avoid = Object.entries(mood.tagWeights).filter(([, weight]) => weight <= -0.5).map(([tag]) => tag);
  return lean.length === 0 && avoid.length === 0 ? undefined : { lean, avoid };
}

/** A user's chat ratings ("I loved Alien", written with their turn) by the time of the turn that wrote them. */
function chatRatingsByTime(ratings: readonly { itemId: string; value: number; timestamp: number; source?: string | undefined }[]): Map<number, ChatRating[]> {
  const byTime = new Map<number, ChatRating[]>();
  for (const rating of ratings) {
    if (rating.source !== 'chat') continue;
    const at = byTime.get(rating.timestamp) ?? [];
    at.push({ itemId: rating.itemId, value: rating.value, timestamp: rating.timestamp, source: 'chat' });
    byTime.set(rating.timestamp, at);
  }
  return byTime;
}

/** Every item a session's messages recommended (its assistant messages keep what they offered). */
function offeredIn(messages: readonly StoredMessage[]): string[] {
  const offered = new Set<string>();
  for (const message of messages) for (const id of message.recommendedItemIds ?? []) offered.add(id);
  return [...offered];
}

/** What the reply owes about a count asked for ("give me 3"): that fewer fit, or that it lists at most `MAX_LISTED`. */
function countNote(counted: { count: number; asked: number } | undefined, listed: number): string | undefined {
  if (counted === undefined || listed === 0) return undefined;
  if (listed < counted.count) return `I only have ${listed} that ${listed === 1 ? 'fits' : 'fit'}.`;
  return counted.asked > MAX_LISTED ? `I list at most ${MAX_LISTED} at a time.` : undefined;
}
