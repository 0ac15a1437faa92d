import {
  createRandom,
  hashString,
  PersonalabError,
  type DialogueTurn,
  type Profile,
  type Random,
  type SimulationGoal,
  type SimulatorTurn,
  type UserSimulator,
} from '@personalab/core';
import { answeredStatement, ContradictionChecker, parseClaims, type Claim } from './contradiction.js';
import { fallbackTurn } from './fallback-turns.js';
import { filmMentionsOf } from './film-mentions.js';
import { dislikedGenres, genreOf, likedGenres, likedSubjects, listInWords, profileStatements } from './profile-text.js';
import { judgeItem, recommendationFeedback, type FeedbackThresholds, type ItemJudgement } from './recommendation-feedback.js';
import type { ItemCatalog } from './simulated-user.js';
import { spokenSubject } from './taste-answer.js';
import { catalogGenres, isRecommendationGoal, lastOffered, TasteReplies } from './taste-replies.js';
import { contentWords, isQuestion } from './text.js';
import { dot, type IndexedTurn, type UserTurnCorpus } from './user-turn-corpus.js';

/** How the re-ranker weighs each signal (all similarities are cosines in [-1, 1]). */
export interface RerankWeights {
  /** Fit to the assistant's last message: similarity of the message each candidate answered. */
  context: number;
  /** Relevance to the persona: best similarity of the turn to one of the profile's statements. */
  persona: number;
  /** Fit of the turn's length to a length drawn from the profile's style. */
  length: number;
  /** Bonus when the turn is (or is not) a question as drawn from the style's question rate. */
  question: number;
  /** Penalty per unit similarity to what this user already said (diversity). */
  repetition: number;
  /** Penalty per specific life fact the turn claims that the profile does not hold. */
  unsupported: number;
  /** Random jitter, so users with the same persona do not say identical things. */
  jitter: number;
}

/**
 * persona 0.9 makes the persona as recoverable from simulated turns as from real ones: on Synthetic-Persona-Chat
 * test personas 500–999 (not the 0–499 the fidelity experiment reports), cycle F1 was 0.190 / 0.230 / 0.254 / 0.269
 * / 0.323 at weights 0.6 / 0.8 / 0.9 / 1.0 / 1.5 against 0.246 for the real turns (distinct-2 falls as it rises).
 */
export const defaultRerankWeights: RerankWeights = { context: 1, persona: 0.9, length: 0.2, question: 0.5, repetition: 0.6, unsupported: 0.35, jitter: 0.03 };

export interface RetrievalUserSimulatorOptions {
  corpus: UserTurnCorpus;
  /** Names items in feedback on recommendations. */
  catalog?: ItemCatalog;
  seed?: number;
  /** User turns after which the user ends with `turn_limit` (the harness also enforces its own). */
  maxTurns?: number;
  /** Rounds of unaccepted recommendations after which the user gives up. */
  patience?: number;
  /** Candidates retrieved by context per turn (plus a few per persona statement). */
  candidates?: number;
  weights?: Partial<RerankWeights>;
  /** Turns the simulator must not use, e.g. those of the persona's own held-out conversation. */
  exclude?: (turn: IndexedTurn) => boolean;
  /** Turn off the contradiction veto (ablation only). */
  allowContradictions?: boolean;
  /**
   * Whether a user looking for a film answers questions about its film tastes from its profile and history (default
   * true); false leaves them to the corpus like any other message (ablation, and tests of the corpus path's vetoes).
   */
  answerTastes?: boolean;
  thresholds?: FeedbackThresholds;
  /**
   * How the turn's drawn kind (question or statement) is used: `strict` (default) says the best turn of
   * that kind whenever the candidates hold one; `bonus` only adds `weights.question` to turns of that kind.
   */
  questionKind?: 'strict' | 'bonus';
  /** Mean words per user turn and share of questions when the profile has no style yet (default: the corpus's). */
  defaultStyle?: { meanLength: number; questionRate: number };
  /**
   * What the user says they are in the mood for after a list they accept nothing from: `profile`
   * (default) names one of the profile's liked subjects, whatever the hidden targets are; `target` names
   * a genre of one of the hidden target items (needs `catalog`), as a user who knows what they want
   * would (the simulated users of iEvaLM describe their target the same way, without naming it). Under
   * `profile` the hint and what the user accepts are unrelated, so an assistant that honours the hint
   * strictly is scored down for it.
   */
  hint?: 'profile' | 'target';
}

const specificKinds = new Set<Claim['kind']>(['count', 'age', 'favorite', 'name', 'home', 'state', 'diet']);
const claimKey = (claim: Claim): string | undefined => {
  switch (claim.kind) {
    case 'count':
    case 'name':
      return `${claim.kind}:${claim.noun}`;
    case 'job':
      return `job:${claim.value}`;
    case 'favorite':
      return `favorite:${claim.slot}`;
    case 'state':
      return `state:${claim.group}`;
    case 'family':
      return `family:${claim.noun}`;
    // A sentiment, or a stage of schooling (checked against the age, held by the job: "student").
    case 'polar':
    case 'stage':
      return undefined;
    default:
      return claim.kind;
  }
};

/** A catalogue genre as the checks read it: its content words ("sci-fi": sci, fi) and whether the profile likes it. */
interface GenreTaste {
  words: readonly string[];
  liked: boolean;
}

/** The catalogue's genres, each with whether the profile likes it; none without a catalogue. */
function genreTastes(profile: Profile, catalog: ItemCatalog | undefined): GenreTaste[] {
  const liked = new Set(likedGenres(profile));
  return catalogGenres(catalog).map((name) => ({ words: contentWords(name), liked: liked.has(name) })).filter((genre) => genre.words.length > 0);
}

/** A question about one's work: a turn answering it says what its speaker does, read by the parser or not. */
const workQuestion = /\bwhat do you do for (?:a )?(?:living|work)\b|\bwhat(?: is|'s) your (?:job|occupation|profession)\b|\bwhat do you do\?|\bwhere do you work\b|\bwhat (?:kind|line) of work\b/i;

/** A job claim naming work ("technician", "student", "works at shipyard"), not what one is besides ("is mother of two"). */
const isWork = (claim: Claim) => claim.kind === 'job' && !claim.value.startsWith('is ');

/** Words that run a film down in a sentence without "I" ("Fargo was boring"). */
const putDownWords = /\b(?:hate|hated|terrible|awful|boring|worst|overrated|bad)\b/i;

/**
 * Whether the hidden ratings let a user say a sentence naming a film: one that runs it down needs a film it saw and
 * disliked; one that denies something of it ("I have never seen Fargo") cannot be checked and is not said; any other
 * (praise, "my favourite", a question about it) needs a film it saw and liked.
 */
function vouches(judgement: ItemJudgement, sentence: string): boolean {
  const polar = parseClaims(sentence).flatMap(({ claim }) => (claim.kind === 'polar' ? [claim] : []));
  if (polar.some((claim) => claim.sentiment < 0) || putDownWords.test(sentence)) return judgement === 'seen_disliked';
  if (polar.some((claim) => claim.negated)) return false;
  return judgement === 'seen_liked';
}


/** Greetings a user looking for a film may open with; none as often as not. */
export const openerGreetings: readonly string[] = ['', '', '', 'Hi! ', 'Hello. ', 'Hi there. '];

/** Ways to say the genres it likes, all read as the same liking ("I usually like dramas": every MovieLens user had opened alike). */
export const likingSentences: readonly string[] = ['I usually like {genres}.', 'I generally like {genres}.', 'I mostly like {genres}.', 'I usually enjoy {genres}.'];

/** A mood said again while the lists do not serve it, each read as the first ask is (it had been said word for word each round). */
const keptMoodSentences = ['I am still in the mood for {genre}.', 'Still in the mood for {genre}.', 'I really am in the mood for {genre}.', 'I am in the mood for {genre}, really.'];

/**
 * The offline user simulator: every chit-chat turn is a real user turn from the corpus, chosen
 * to fit the assistant's last message, re-ranked for consistency with the hidden profile (a turn
 * that contradicts a profile fact or something this user already said is never used), for the
 * profile's style and for diversity. Reactions to recommendations come from the hidden ratings.
 */
export class RetrievalUserSimulator implements UserSimulator {
  /** Every instance's `name`, known before a corpus is built (a caller checks a run id against it). */
  static readonly simulatorName = 'retrieval';
  readonly name = RetrievalUserSimulator.simulatorName;
  private readonly options: RetrievalUserSimulatorOptions;
  private readonly weights: RerankWeights;
  private profile: Profile | undefined;
  private goal: SimulationGoal | undefined;
  private random: Random = createRandom(0);
  private statements: string[] = [];
  /**
   * The profile's own checker: what the user said joins the facts in `choose`, and a work said there ("i work at a
   * hospital") makes the job rule stand aside, so a turn is checked against the profile alone too.
   */
  private profileChecker = new ContradictionChecker([]);
  private statementVectors: Float32Array[] = [];
  private supportedKeys = new Set<string>();
  /** Whether the profile states a job (not only what one is besides, "is mother of two"): then it claims no other. */
  private statesJob = false;
  /** The catalogue's genres and the profile's taste for each: a user looking for a film is a fan of no other. */
  private genres: GenreTaste[] = [];
  /** A user looking for a film answers questions about its tastes from its profile and history; undefined for other users. */
  private tastes: TasteReplies | undefined;
  /** Corpus turns closest to the persona's statements, found once per conversation. */
  private personaPool: IndexedTurn[] = [];
  private said: IndexedTurn[] = [];
  private saidTexts: string[] = [];
  private userTurns = 0;
  private unacceptedRounds = 0;
  /** The subject ("comedy movies") the user last said it is in the mood for; undefined before it said one. */
  private mood: string | undefined;
  /** Moods the user moved away from in this conversation: it goes back to one only when no other is left. */
  private leftMoods = new Set<string>();
  /** The sentence the mood was said in last, so that a kept mood is said in other words the next round. */
  private moodSentence = '';

  constructor(options: RetrievalUserSimulatorOptions) {
    this.options = options;
    this.weights = { ...defaultRerankWeights, ...options.weights };
  }

  async start(options: { profile: Profile; goal: SimulationGoal }): Promise<SimulatorTurn> {
    this.profile = options.profile;
    this.goal = options.goal;
    this.random = createRandom(hashString(options.profile.userId, this.options.seed ?? 0));
    this.statements = profileStatements(options.profile);
    this.profileChecker = new ContradictionChecker(this.statements);
    this.statementVectors = this.statements.length > 0 ? await this.options.corpus.embedder.embed(this.statements) : [];
    const profileClaims = this.statements.flatMap((statement) => parseClaims(statement).map(({ claim }) => claim));
    this.supportedKeys = new Set(profileClaims.map(claimKey).filter((key): key is string => key !== undefined));
    this.statesJob = profileClaims.some(isWork);
    this.genres = genreTastes(options.profile, this.options.catalog);
    this.personaPool = this.statementVectors.flatMap((vector) => this.options.corpus.byText(vector, 4, this.options.exclude));
    this.said = [];
    this.saidTexts = [];
    this.userTurns = 1;
    this.unacceptedRounds = 0;
    this.mood = undefined;
    this.leftMoods = new Set();
    this.moodSentence = '';
    const looking = isRecommendationGoal(options.goal);
    const thresholds = this.options.thresholds;
    this.tastes =
      looking && this.options.answerTastes !== false
        ? new TasteReplies({ profile: options.profile, goal: options.goal, catalog: this.options.catalog, random: this.random, ...(thresholds ? { thresholds } : {}) })
        : undefined;
    if (looking) {
      const text = this.opener(options.goal.description, likedSubjects(options.profile));
      this.saidTexts.push(text);
      return { type: 'message', content: text };
    }
    // An opener answers nothing: one of the corpus's typical openers (mostly greetings), ranked by persona and style.
    const turn = this.choose(this.options.corpus.typicalOpeners(), () => 0, undefined);
    return { type: 'message', content: turn };
  }

  async respond(options: { dialogue: readonly DialogueTurn[] }): Promise<SimulatorTurn> {
    const profile = this.profile;
    const goal = this.goal;
    if (!profile || !goal) throw new PersonalabError('invalid_argument', 'respond() called before start()');
    const last = [...options.dialogue].reverse().find((turn) => turn.role === 'assistant');
    this.userTurns++;
    const recommended = last?.recommendedItemIds ?? [];
    if (recommended.length > 0 && isRecommendationGoal(goal)) {
      const feedback = recommendationFeedback({
        recommendedItemIds: recommended,
        goal,
        catalog: this.options.catalog,
        random: this.random,
        // The genre it asked for counts as liked: asked for action movies, it had called an unrated one "not my kind of film".
        likedGenres: this.mood === undefined ? likedGenres(profile) : [...likedGenres(profile), genreOf(this.mood)],
        dislikedGenres: dislikedGenres(profile),
        ...(this.options.thresholds ? { thresholds: this.options.thresholds } : {}),
      });
      if (feedback.accepted.length > 0) return { type: 'end', reason: 'goal_met', content: feedback.text };
      this.unacceptedRounds++;
      if (this.unacceptedRounds >= (this.options.patience ?? Number.POSITIVE_INFINITY)) {
        return { type: 'end', reason: 'patience_exhausted', content: `${feedback.text.replace(/\s*[^.!]*\?$/, '')} I think I will look elsewhere, thanks.`.trim() };
      }
      if (this.overLimit()) return { type: 'end', reason: 'turn_limit', content: feedback.text };
      const before = this.mood;
      const mood = this.nextMood(recommended, (allowed) =>
        this.options.hint === 'target' ? this.targetGenre(profile, goal, recommended, allowed) : this.pickFresh(likedSubjects(profile, 5), recommended, allowed),
      );
      if (mood === undefined) return { type: 'message', content: feedback.text };
      this.tastes?.answers.inTheMoodFor(genreOf(mood));
      return { type: 'message', content: `${feedback.text} ${this.moodInWords(mood, mood === before)}` };
    }
    if (this.overLimit()) return { type: 'end', reason: 'turn_limit' };
    const contextText = last?.content ?? '';
    // Asked about its tastes, a user looking for a film says them (corpus turns had answered "I am! I love it here.").
    const answer = this.tastes?.reply(contextText, () => this.drawLength(this.style()), lastOffered(options.dialogue));
    if (answer !== undefined) {
      this.saidTexts.push(answer.text);
      // A film offered before that it would watch, asked about, is accepted as when it was shown.
      return answer.accepted ? { type: 'end', reason: 'goal_met', content: answer.text } : { type: 'message', content: answer.text };
    }
    const [embedded] = await this.options.corpus.embedder.embed([contextText === '' ? 'hello' : contextText]);
    const contextVector = embedded as Float32Array;
    const k = this.options.candidates ?? 40;
    const exclude = this.options.exclude;
    const pool = new Map<number, IndexedTurn>();
    for (const turn of this.options.corpus.byContext(contextVector, k, exclude)) pool.set(turn.index, turn);
    for (const turn of this.personaPool) pool.set(turn.index, turn);
    return { type: 'message', content: this.choose([...pool.values()], (candidate) => dot(candidate.contextVector, contextVector), isQuestion(contextText), contextText) };
  }

  /**
   * A looking user's first turn: its goal and the genres it likes (as its answers say them, "dramas" not "drama movies"),
   * in an order and words drawn for this user, maybe after a greeting.
   */
  private opener(description: string, liked: readonly string[]): string {
    const greeting = this.random.pick(openerGreetings);
    if (liked.length === 0) return `${greeting}${description}`;
    const liking = this.random.pick(likingSentences).replace('{genres}', listInWords(liked.map(spokenSubject)));
    return `${greeting}${this.random.next() < 0.5 ? `${description} ${liking}` : `${liking} ${description}`}`;
  }

  /** The mood as said: "I am more in the mood for dramas." when new, in other words than last time when kept. */
  private moodInWords(mood: string, kept: boolean): string {
    const others = keptMoodSentences.filter((sentence) => sentence !== this.moodSentence);
    this.moodSentence = kept ? this.random.pick(others) : 'I am more in the mood for {genre}.';
    return this.moodSentence.replace('{genre}', spokenSubject(mood));
  }

  /**
   * What the user is in the mood for after a list it accepted nothing from: the mood it said last while the list did not
   * mostly show it (a person sticks to what it asked for until it is served), else a fresh one `draw` finds among those it
   * has not moved away from, or among all when none of those is left. A fan of comedies and dramas, shown lists of
   * neither, had swung "comedies", "dramas", "comedies", "dramas" (each hint drawn afresh).
   */
  private nextMood(shown: readonly string[], draw: (allowed: (subject: string) => boolean) => string | undefined): string | undefined {
    const current = this.mood;
    if (current !== undefined && !this.mostlyShown(current, shown)) return current;
    if (current !== undefined) this.leftMoods.add(current);
    this.mood = draw((subject) => !this.leftMoods.has(subject)) ?? draw(() => true);
    return this.mood;
  }

  /**
   * A genre of one of the hidden target items, as a subject ("drama movies", said "dramas"), that most of the list just shown is not,
   * the profile does not dislike and `allowed` lets; undefined without targets or such genres. A user in the mood for
   * adventure had said, asked next, "No, I am not a fan of adventure movies." (its profile's answer).
   */
  private targetGenre(profile: Profile, goal: SimulationGoal, shown: readonly string[], allowed: (subject: string) => boolean): string | undefined {
    const disliked = new Set(dislikedGenres(profile));
    const tagged = (goal.targetItemIds ?? [])
      .map((id) =>
        (this.options.catalog?.get(id)?.tags ?? [])
          .map((tag) => `${tag.toLowerCase()} movies`)
          .filter((subject) => allowed(subject) && !this.mostlyShown(subject, shown) && !disliked.has(genreOf(subject))),
      )
      .filter((subjects) => subjects.length > 0);
    if (tagged.length === 0) return undefined;
    return this.random.pick(this.random.pick(tagged));
  }

  /**
   * One of the subjects ("comedy movies") that most of the list just shown is not and `allowed` lets: a user offered
   * five comedies does not ask for comedies. Undefined when there is none.
   */
  private pickFresh(subjects: readonly string[], shown: readonly string[], allowed: (subject: string) => boolean): string | undefined {
    const fresh = subjects.filter((subject) => allowed(subject) && !this.mostlyShown(subject, shown));
    return fresh.length > 0 ? this.random.pick(fresh) : undefined;
  }

  /** Whether more than half of the shown items carry the genre a subject names ("comedy movies": Comedy). */
  private mostlyShown(subject: string, shown: readonly string[]): boolean {
    const genre = genreOf(subject);
    const carrying = shown.filter((id) => this.options.catalog?.get(id)?.tags.some((tag) => tag.toLowerCase() === genre) ?? false).length;
    return carrying * 2 > shown.length;
  }

  private overLimit(): boolean {
    return this.options.maxTurns !== undefined && this.userTurns > this.options.maxTurns;
  }

  /**
   * The chance that this turn asks something: the style's question rate, scaled by how much more or less often the
   * corpus's users ask when answering a question (`asked`) or anything else than when answering at all. Drawn at the
   * style's rate alone, a user asked "Do you have any pets?" had answered "What's your favorite band?" (the question
   * kind is said whenever the candidates hold one); an opener (`asked` undefined) keeps the style's rate.
   */
  private questionChance(rate: number, asked: boolean | undefined): number {
    if (asked === undefined) return rate;
    const rates = this.options.corpus.questionRates;
    if (rates.answering === 0) return rate;
    return Math.min(1, (rate * (asked ? rates.afterQuestion : rates.afterStatement)) / rates.answering);
  }

  /** How the user writes: its profile's style, else the default style or the corpus's. */
  private style(): { meanLength: number; questionRate: number } {
    const profile = this.profile as Profile;
    return profile.style.messageCount > 0 ? profile.style : (this.options.defaultStyle ?? this.options.corpus.style);
  }

  /** A turn's wanted length in words, drawn around the style's mean (log-normal). */
  private drawLength(style: { meanLength: number }): number {
    return Math.max(1, style.meanLength * Math.exp(0.45 * this.random.normal() - 0.1));
  }

  /**
   * Re-ranks candidates and returns the best one's text (remembered as said). `fit`: how well a candidate fits the
   * assistant's last message (or, for an opener, a conversation's start); `asked`: whether that message asked something;
   * `message`: that message, which a bare "No, I don't." answers ("I do not have any pets" to "Do you have any pets?").
   */
  private choose(candidates: readonly IndexedTurn[], fit: (turn: IndexedTurn) => number, asked: boolean | undefined, message = ''): string {
    const checker = new ContradictionChecker([...this.statements, ...this.saidTexts]);
    const style = this.style();
    // Draw this turn's wanted length and kind, so that over a conversation the turns follow the
    // style's distribution instead of all collapsing onto its most likely value.
    const wantQuestion = this.random.next() < this.questionChance(style.questionRate, asked);
    const wantedLength = this.drawLength(style);
    const exclude = this.options.exclude;
    // A user looking for a film has a profile of a few facts (MovieLens: age, gender, job, genres): a real turn adding
    // a life it does not hold ("I am a librarian", "I have two children") is never said, not merely ranked down.
    const strict = !this.options.allowContradictions && this.goal !== undefined && isRecommendationGoal(this.goal);
    let best: IndexedTurn | undefined;
    let bestScore = Number.NEGATIVE_INFINITY;
    // The best turn of the drawn kind (question or not): it is said whenever the pool has one, so the
    // turns follow the style's question rate rather than the pool's mix.
    let bestOfKind: IndexedTurn | undefined;
    let bestOfKindScore = Number.NEGATIVE_INFINITY;
    for (const turn of candidates) {
      if (exclude?.(turn)) continue;
      if (this.said.some((previous) => previous.index === turn.index)) continue;
      const answered = answeredStatement(turn.text, message);
      const claims = answered === undefined ? turn.claims : [...turn.claims, ...parseClaims(answered)];
      if (!this.options.allowContradictions && (checker.find(claims) !== undefined || this.profileChecker.find(claims) !== undefined)) continue;
      if (strict && (!this.grounded(claims) || this.namesFilmItCannotVouchFor(turn.text))) continue;
      if (!this.options.allowContradictions && this.claimsOtherWork(turn)) continue;
      const contextFit = fit(turn);
      let personaFit = 0;
      for (const vector of this.statementVectors) personaFit = Math.max(personaFit, dot(turn.textVector, vector));
      const lengthFit = Math.exp(-Math.abs(Math.log((turn.words + 1) / (wantedLength + 1))));
      const questionFit = turn.question === wantQuestion ? 1 : 0;
      let repetition = 0;
      for (const previous of this.said) repetition = Math.max(repetition, dot(turn.textVector, previous.textVector));
      let unsupported = 0;
      for (const { claim } of claims) {
        const key = claimKey(claim);
        if (specificKinds.has(claim.kind) && key !== undefined && !this.supportedKeys.has(key)) unsupported++;
      }
      const score =
        this.weights.context * contextFit +
        this.weights.persona * personaFit +
        this.weights.length * lengthFit +
        this.weights.question * questionFit -
        this.weights.repetition * repetition -
        this.weights.unsupported * unsupported +
        this.weights.jitter * this.random.next();
      if (score > bestScore) {
        bestScore = score;
        best = turn;
      }
      if (turn.question === wantQuestion && score > bestOfKindScore) {
        bestOfKindScore = score;
        bestOfKind = turn;
      }
    }
    if (this.options.questionKind !== 'bonus' && bestOfKind) best = bestOfKind;
    if (!best) return this.fallback(asked);
    this.said.push(best);
    this.saidTexts.push(best.text);
    const answered = answeredStatement(best.text, message);
    if (answered !== undefined) this.saidTexts.push(answered);
    return best.text;
  }

  /**
   * Whether a turn's specific life facts are the profile's: its job is one the profile states, a family member it speaks
   * of is one the profile has, and every other specific fact (a count, age, favourite, name, home, state, diet) is of a
   * kind the profile states (the contradiction check has compared the values). Every genre it names in a sentence of its
   * own that says nothing against it is one the profile likes.
   */
  private grounded(claims: IndexedTurn['claims']): boolean {
    if (!this.likesOnlyItsGenres(claims)) return false;
    for (const { claim } of claims) {
      const key = claimKey(claim);
      if ((specificKinds.has(claim.kind) || claim.kind === 'family' || claim.kind === 'job') && key !== undefined && !this.supportedKeys.has(key)) return false;
    }
    return true;
  }

  /**
   * Whether every genre the turn names in a first-person sentence without a negation or a dislike is one the profile
   * likes. Asked what they watch, fans of dramas and romances had said "I'm a big fan of horror movies." and a hater of
   * action films "Me too! I love watching movies, especially action movies." (the sentiment check compares only opposite
   * verdicts on one thing, and reads the genre in a clause without "I" not at all).
   */
  private likesOnlyItsGenres(claims: IndexedTurn['claims']): boolean {
    const verdicts = new Map<string, boolean>();
    for (const { sentence, claim } of claims) {
      if (claim.kind !== 'polar') continue;
      verdicts.set(sentence, (verdicts.get(sentence) ?? true) && !claim.negated && claim.sentiment >= 0);
    }
    for (const [sentence, favourable] of verdicts) {
      if (!favourable) continue;
      const words = new Set(contentWords(sentence));
      if (this.genres.some((genre) => !genre.liked && genre.words.every((word) => words.has(word)))) return false;
    }
    return true;
  }

  /**
   * Whether a text names a film the user cannot speak of so: a catalogue film it has not seen (a hidden target among
   * them: naming one hands the assistant its answer) or whose rating disagrees with what the sentence says of it
   * (`vouches`), or, in a text about films, a name the catalogue lacks. Asked for a film they loved, MovieLens users who
   * like dramas, or dislike comedies, had said "I love Deadpool! That movie is so funny." (a 2016 film; the catalogue
   * holds films up to 1998) and "I also like the Fast and Furious movies.".
   */
  private namesFilmItCannotVouchFor(text: string): boolean {
    const catalog = this.options.catalog;
    const goal = this.goal;
    if (!catalog || !goal) return false;
    const films = filmMentionsOf(catalog);
    if (films.unknownNames(text).length > 0) return true;
    return films.titles(text).some(({ itemId, sentence }) => !vouches(judgeItem(itemId, goal, this.options.thresholds), sentence));
  }

  /**
   * Whether a turn says the user is or works as anything the profile does not, when the profile states a work (or the
   * user looks for a film): a job or identity it does not hold, or an answer to a question about work that states none of
   * its jobs. Asked "What do you do for work?", an accountant had answered "I work as a car salesman." and a carpenter
   * "I'm a baker. I run a small bakery." or "I'm a gas station attendant." (the contradiction check compares only
   * professions it knows, none of these), and MovieLens technicians, writers and executives "I help tend the fields."
   * (no job the parser reads).
   */
  private claimsOtherWork(turn: IndexedTurn): boolean {
    const looking = this.goal !== undefined && isRecommendationGoal(this.goal);
    if (!this.statesJob && !looking) return false;
    const held = (claim: Claim) => this.supportedKeys.has(claimKey(claim) ?? '');
    if (this.statesJob && turn.claims.some(({ claim }) => claim.kind === 'job' && !held(claim))) return true;
    return workQuestion.test(turn.context) && !turn.claims.some(({ claim }) => isWork(claim) && held(claim));
  }

  /**
   * When every candidate was vetoed: a neutral turn that asserts nothing, of the kind the moment wants: a greeting to
   * open, an answer that says nothing to a question (it had asked back, "Okay. What about you?", which the question chance
   * keeps for 4 % of answers), a question after anything else.
   */
  private fallback(asked: boolean | undefined): string {
    const text = fallbackTurn(asked, this.random);
    this.saidTexts.push(text);
    return text;
  }
}
