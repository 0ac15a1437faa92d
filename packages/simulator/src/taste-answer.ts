import type { Profile, Random, SimulationGoal } from '@personalab/core';
import { spokenTitle } from '@personalab/datasets';
import { filmTitle } from './film-titles.js';
import { genreOf, listInWords } from './profile-text.js';
import { judgeItem, recommendationFeedback, withTitle, type FeedbackThresholds } from './recommendation-feedback.js';
import type { ItemCatalog } from './simulated-user.js';
import type { Era, TasteQuestion } from './taste-question.js';
import { capitalised, wordCount } from './text.js';

/** Genres whose name is also a noun for one film ("a drama"): said in the plural ("dramas"), the others with "movies". */
const filmNouns = new Set(['comedy', 'drama', 'thriller', 'western', 'documentary', 'musical', 'mystery']);

/** Genres said otherwise than "<genre> movies". */
const spokenForms: Readonly<Record<string, string>> = { animation: 'animated movies', 'film-noir': 'film noir movies' };

/** A catalogue genre as said in a sentence: "dramas", "sci-fi movies", "animated movies". */
export function spokenGenre(genre: string): string {
  if (filmNouns.has(genre)) return genre.endsWith('y') ? `${genre.slice(0, -1)}ies` : `${genre}s`;
  return spokenForms[genre] ?? `${genre} movies`;
}

/** A profile subject as said: a genre in its spoken form ("drama movies": "dramas"), any other subject as written ("hiking"). */
export function spokenSubject(subject: string): string {
  const genre = genreOf(subject);
  return genre === subject.toLowerCase() ? subject : spokenGenre(genre);
}

/** A sentence of an answer and the genres or films it states (remembered as said once it is said). */
interface Fact {
  text: string;
  states: readonly string[];
}

/** Sentences for each answer; `{genre}` a genre (or a list of them), `{title}` a film. */
const templates = {
  likedGenres: ['I mostly watch {genre}.', 'I am a big fan of {genre}.', 'I really like {genre}.', '{genre}, mostly.', 'Usually {genre}.'],
  anyGenre: ['I am not picky, I watch a bit of everything.', 'A bit of everything, really.'],
  lovedFilm: ['I really loved {title}.', '{title} is one of my favorites.', 'I enjoyed {title} a lot.', 'One I loved was {title}.'],
  anotherFilm: ['I also liked {title}.', '{title} was great too.', 'And {title}, that one was great.'],
  noFilm: ['Nothing comes to mind right now.', 'Hmm, none comes to mind.'],
  dislikedGenre: ['I do not like {genre}.', 'I am not a fan of {genre}.', '{genre} are not my thing.'],
  dislikedFilm: ['I did not like {title} at all.', '{title} was not for me.'],
  noDislike: ['Not really, I am open to most things.', 'Nothing in particular.'],
  dislikedFilmOnly: ['Not a whole genre, but I did not like {title}.', 'No genre in particular, but {title} was not for me.'],
  preferGenre: ['I prefer {genre}.', 'I am more into {genre}.', 'I like {genre} more.'],
  inGeneral: ['I like {genre} in general.', 'I am a big fan of {genre}.'],
  yes: ['Yes, I love {genre}.', 'I do, I am a big fan of {genre}.', 'Oh yes, I really like {genre}.'],
  no: ['Not really, I do not like {genre}.', 'No, I am not a fan of {genre}.', 'Not really, {genre} are not my thing.'],
  sometimes: ['Sometimes, it depends on the film.', 'Now and then.', 'They are okay.'],
  rarely: ['Not really, I rarely watch them.', 'Not much, to be honest.'],
  pick: ['{genre}, definitely.', 'I would go with {genre}.', '{genre}, I think.', 'Probably {genre}.'],
  both: ['I like both, but {genre} a bit more.', 'Both, but {genre} if I had to pick.'],
  neither: ['Neither, really.', 'Neither of those, to be honest.', 'Not really either.'],
  classics: ['I love the older classics.', 'Older films, mostly.', 'Classics, usually.'],
  recent: ['Newer ones, mostly.', 'Something recent, usually.', 'I mostly go for newer films.'],
  anyEra: ['Both, really.', 'I do not mind, old or new.', 'Either is fine by me.'],
  preferEra: ['{era}, mostly.', 'I would say {era}.', 'Mostly {era}.'],
  mood: ['Tonight, yes: I am in the mood for {genre}.', 'Right now, yes, I am in the mood for {genre}.'],
  moodNow: ['I am in the mood for {genre}.', 'Right now, {genre}.', 'Tonight, {genre}.'],
  eraYes: ['Yes, I love {era}.', 'I do, I really like {era}.', 'Oh yes, {era} are great.'],
  eraNo: ['Not really, {era} are not my thing.', 'Not much, I like other films more.'],
  eraSome: ['Some of them, it depends on the film.', 'Some, yes.'],
  eraFew: ['I have not seen many {era}.', 'I do not watch many {era}.'],
  none: ['None of those, really.', 'Not really any of those.'],
  all: ['I like them all, but {genre} a bit more.', 'All of them, but {genre} if I had to pick.'],
  seenLiked: ['Yes, I loved it.', 'I have, and I really enjoyed it.', 'Yes, it was great.'],
  seenDisliked: ['Yes, and I did not like it.', 'I have, it was not for me.'],
  seenNeutral: ['Yes, it was okay.', 'I have, it was alright.'],
  notSeen: ['No, I have not seen it.', 'No, I have not seen that one.'],
  // Of a list of films, those it saw as it liked them, and those it did not.
  listLiked: ['I loved {title}.', 'I have seen {title}, it was great.'],
  listDisliked: ['I did not like {title}.', '{title} was not for me.'],
  listNeutral: ['{title} was okay.', 'I have seen {title}, it was alright.'],
  listNotSeen: ['I have not seen {title}.'],
  neitherSeen: ['No, I have not seen either of them.', 'No, neither of them.'],
  noneSeen: ['No, I have not seen any of them.', 'No, none of them.'],
} as const;

/** A rated film the user saw: its id, rating and release year (when the catalogue has one). */
interface SeenFilm {
  itemId: string;
  rating: number;
  year: number | undefined;
}

/** Years before the catalogue's newest film from which a film is recent, and beyond which it is a classic. */
const recentYears = 5;
const classicYears = 20;

export interface TasteAnswersOptions {
  profile: Profile;
  goal: SimulationGoal;
  catalog: ItemCatalog | undefined;
  random: Random;
  thresholds?: FeedbackThresholds;
}

/**
 * A user's answers to questions about its film tastes (`TasteQuestion`), from what it knows and may say: the genres its
 * profile likes and dislikes, the films it saw (its history, never a hidden target or another held-out film) and how it
 * rated them, and the years of those films. One fact per answer, a second when the wanted length leaves room; facts
 * already said come last, so a question asked twice gets another film or genre.
 */
export class TasteAnswers {
  private readonly options: TasteAnswersOptions;
  private readonly liked: string[];
  private readonly disliked: string[];
  private readonly strengths = new Map<string, number>();
  /** How the profile says each of its genres: a subject that names no genre ("hiking") is said as written. */
  private readonly spoken = new Map<string, string>();
  private readonly seen: SeenFilm[];
  /** The held-out films' titles as said: a film of the history said alike (a twin id, a remake) is not owned to either. */
  private readonly heldOutTitles: ReadonlySet<string>;
  private readonly newestYear: number | undefined;
  /** Genres and films already said. */
  private readonly said = new Set<string>();
  /** Genres it said it is in the mood for (a hint after a list): asked about one, it does not say it rarely watches it. */
  private readonly moods = new Set<string>();

  constructor(options: TasteAnswersOptions) {
    this.options = options;
    const byStrength = [...options.profile.preferences].sort((left, right) => right.strength - left.strength);
    for (const preference of byStrength) {
      const genre = genreOf(preference.subject);
      this.spoken.set(genre, spokenSubject(preference.subject));
      if (preference.polarity === 'like') this.strengths.set(genre, preference.strength);
      else if (preference.polarity === 'dislike') this.strengths.set(genre, -preference.strength);
    }
    this.liked = byStrength.filter((preference) => preference.polarity === 'like').map((preference) => genreOf(preference.subject));
    this.disliked = byStrength.filter((preference) => preference.polarity === 'dislike').map((preference) => genreOf(preference.subject));
    // Only films of the history: the held-out ratings, targets among them, are what the assistant must find. A catalogue
    // may list a film twice under two ids (MovieLens' "Chasing Amy (1997)"): one held out is not named by its twin either.
    const seenIds = options.goal.seenItemIds ?? new Set<string>();
    const heldOut = [...(options.goal.targetItemIds ?? []), ...(options.goal.hiddenRatings?.keys() ?? [])].filter((itemId) => !seenIds.has(itemId));
    // Titles as said, without the year: a remake held out ("Sabrina (1954)" beside a seen "Sabrina (1995)") is named alike.
    this.heldOutTitles = new Set(heldOut.map((itemId) => spokenTitle(options.catalog?.get(itemId)?.title ?? '').toLowerCase()));
    this.seen = [...seenIds].flatMap((itemId) => {
      const rating = options.goal.hiddenRatings?.get(itemId);
      const item = options.catalog?.get(itemId);
      return rating === undefined || item === undefined || this.sharesHeldOutTitle(itemId) ? [] : [{ itemId, rating, year: item.year }];
    });
    let newest: number | undefined;
    for (const item of options.catalog?.values() ?? []) if (item.year !== undefined && (newest === undefined || item.year > newest)) newest = item.year;
    this.newestYear = newest;
  }

  /** Remembers a genre the user said it is in the mood for ("thriller"), so its answers about that genre agree. */
  inTheMoodFor(genre: string): void {
    // Last said, last in order: the mood asked for is the latest.
    this.moods.delete(genre);
    this.moods.add(genre);
  }

  /**
   * The answer to a question, about `wantedWords` long: a second fact only when both fit in it, give or take two words
   * (MovieLens users, who take the corpus's style, gave two in 74 of 200 answers: mean 7.5 words, as the corpus turns).
   */
  answer(question: TasteQuestion, wantedWords: number): string {
    const [first = this.plain(templates.noFilm), second] = this.facts(question);
    const said = second !== undefined && wordCount(first.text) + wordCount(second.text) <= wantedWords + 2 ? [first, second] : [first];
    for (const fact of said) for (const value of fact.states) this.said.add(value);
    return said.map((fact) => fact.text).join(' ');
  }

  /** The answer's sentences, the main one first, then one that may follow it. */
  private facts(question: TasteQuestion): Fact[] {
    switch (question.kind) {
      case 'genres':
        return question.mood ? this.moodFacts() : this.likedGenresFacts();
      case 'favorite':
        return this.favoriteFacts(question.genre);
      case 'dislikes':
        return this.dislikeFacts();
      case 'genre':
        return this.genreFacts(question.genre);
      case 'choice':
        return this.choiceFacts(question.genres);
      case 'era':
        return this.eraFacts(question.eras);
      case 'seen':
        return this.seenFacts(question.itemIds);
      case 'seenList':
        return [this.seenListFact(question.films)];
      case 'verdict':
        return [this.verdictFact(question.itemIds)];
    }
  }

  private likedGenresFacts(): Fact[] {
    const genres = this.fresh(this.liked).slice(0, this.options.random.next() < 0.5 ? 1 : 2);
    if (genres.length === 0) return [this.plain(templates.anyGenre), ...this.dislikedGenreSentence()];
    const film = this.lovedFilms(genres)[0];
    const second = film !== undefined && this.options.random.next() < 0.5 ? [this.filmSentence(templates.anotherFilm, film)] : this.dislikedGenreSentence();
    return [this.genreSentence(templates.likedGenres, ...genres), ...second];
  }

  /** What it is in the mood for: the genre it last said it is in the mood for, else the genres it likes. */
  private moodFacts(): Fact[] {
    const mood = [...this.moods].at(-1);
    return mood === undefined ? this.likedGenresFacts() : [this.genreSentence(templates.moodNow, mood)];
  }

  private favoriteFacts(genre: string | undefined): Fact[] {
    const [film, another] = this.lovedFilms(genre === undefined ? undefined : [genre]);
    if (film === undefined) {
      if (genre !== undefined) return this.genreFacts(genre);
      return [this.plain(templates.noFilm), ...this.fresh(this.liked).slice(0, 1).map((liked) => this.genreSentence(templates.inGeneral, liked))];
    }
    const first = this.filmSentence(templates.lovedFilm, film);
    if (another !== undefined && this.options.random.next() < 0.5) return [first, this.filmSentence(templates.anotherFilm, another)];
    return [first, ...this.fresh(this.liked).slice(0, 1).map((liked) => this.genreSentence(templates.inGeneral, liked))];
  }

  private dislikeFacts(): Fact[] {
    const [genre] = this.fresh(this.disliked);
    const film = this.dislikedFilms()[0];
    const preferred = this.fresh(this.liked).slice(0, 1).map((liked) => this.genreSentence(templates.preferGenre, liked));
    if (genre !== undefined) return [this.genreSentence(templates.dislikedGenre, genre), ...(film !== undefined && this.options.random.next() < 0.5 ? [this.filmSentence(templates.dislikedFilm, film)] : preferred)];
    // No genre it dislikes: it says so ("Any genres you would rather avoid?" had been answered "Alien 3 was not for me."),
    // in one sentence with a film it rated low ("Nothing in particular." alone had answered "Any movies you hated?").
    return film !== undefined ? [this.filmSentence(templates.dislikedFilmOnly, film), ...preferred] : [this.plain(templates.noDislike), ...preferred];
  }

  /**
   * Whether it likes one genre: yes (with a film of it it loved), no, now and then when its history holds a film of it it
   * liked, else rarely (and what it prefers).
   */
  private genreFacts(genre: string): Fact[] {
    const strength = this.strengths.get(genre) ?? 0;
    if (strength > 0) {
      const film = this.lovedFilms([genre])[0];
      return [this.genreSentence(templates.yes, genre), ...(film !== undefined ? [this.filmSentence(templates.lovedFilm, film)] : [])];
    }
    if (strength < 0) return [this.genreSentence(templates.no, genre), ...this.fresh(this.liked).slice(0, 1).map((liked) => this.genreSentence(templates.preferGenre, liked))];
    if (this.moods.has(genre)) return [this.genreSentence(templates.mood, genre)];
    const often = this.lovedFilms([genre]).length > 0 ? templates.sometimes : templates.rarely;
    return [this.plain(often), ...this.fresh(this.liked).slice(0, 1).map((liked) => this.genreSentence(templates.preferGenre, liked))];
  }

  /**
   * Of two or more genres, the one it said it is in the mood for, else the one the profile likes more (the first named of
   * equals); none when it likes none (and what it does not like of them, or what it likes).
   */
  private choiceFacts(genres: readonly string[]): Fact[] {
    const mood = [...this.moods].reverse().find((genre) => genres.includes(genre));
    if (mood !== undefined) return [this.genreSentence(templates.pick, mood)];
    const strengths = genres.map((genre) => this.strengths.get(genre) ?? 0);
    const betterStrength = Math.max(...strengths);
    const better = genres[strengths.indexOf(betterStrength)] as string;
    const others = genres.filter((genre) => genre !== better);
    if (betterStrength <= 0) {
      const disliked = genres.filter((genre) => (this.strengths.get(genre) ?? 0) < 0);
      const follow = disliked.length > 0 ? [this.genreSentence(templates.dislikedGenre, ...disliked)] : this.fresh(this.liked).slice(0, 1).map((liked) => this.genreSentence(templates.preferGenre, liked));
      return [this.plain(genres.length > 2 ? templates.none : templates.neither), ...follow];
    }
    const film = this.lovedFilms([better])[0];
    const worse = others.filter((genre) => (this.strengths.get(genre) ?? 0) < 0);
    const follow = film !== undefined ? [this.filmSentence(templates.lovedFilm, film)] : worse.length > 0 ? [this.genreSentence(templates.dislikedGenre, ...worse)] : [];
    const likesAll = others.every((genre) => (this.strengths.get(genre) ?? 0) > 0);
    return [this.genreSentence(likesAll ? (genres.length > 2 ? templates.all : templates.both) : templates.pick, better), ...follow];
  }

  /**
   * Which of several eras, by how it rated the films it saw of each: recent ones (the catalogue's last five years),
   * classics (twenty years older than its newest film) or a decade; a difference of 0.3 stars in the mean is a
   * preference, and three rated films of an era are needed to judge it. Asked of one era, it compares the era with the
   * other films it saw.
   */
  private eraFacts(eras: readonly Era[]): Fact[] {
    const dated = this.seen.filter((film): film is SeenFilm & { year: number } => film.year !== undefined);
    const of = (era: Era) => dated.filter((film) => this.inEra(film.year, era));
    const [only] = eras;
    if (eras.length === 1 && only !== undefined) return this.oneEraFacts(only, of(only), dated.filter((film) => !this.inEra(film.year, only)));
    const rated = eras
      .map((era) => {
        const films = of(era);
        return { era, films, mean: meanRating(films) };
      })
      .filter((entry): entry is { era: Era; films: typeof dated; mean: number } => entry.mean !== undefined)
      .sort((left, right) => right.mean - left.mean);
    const [best, next] = rated;
    const winner = best !== undefined && (next === undefined || best.mean - next.mean > 0.3) ? best : undefined;
    const film = this.lovedFilms(undefined, new Set((winner?.films ?? dated).map((example) => example.itemId)))[0];
    const texts = winner === undefined ? templates.anyEra : winner.era === 'classic' ? templates.classics : winner.era === 'recent' ? templates.recent : templates.preferEra;
    const first = winner === undefined ? this.plain(texts) : this.eraSentence(texts, winner.era);
    return [first, ...(film !== undefined ? [this.filmSentence(templates.lovedFilm, film)] : [])];
  }

  /** Whether it likes one era: yes, no, some of it, or it saw few of it (films: the era's; others: the rest it saw). */
  private oneEraFacts(era: Era, films: readonly SeenFilm[], others: readonly SeenFilm[]): Fact[] {
    const [mean, otherMean] = [meanRating(films), meanRating(others)];
    const film = this.lovedFilms(undefined, new Set(films.map((example) => example.itemId)))[0];
    const texts =
      mean === undefined ? templates.eraFew : otherMean === undefined || Math.abs(mean - otherMean) <= 0.3 ? templates.eraSome : mean > otherMean ? templates.eraYes : templates.eraNo;
    const loved = film !== undefined && texts !== templates.eraNo ? [this.filmSentence(templates.lovedFilm, film)] : [];
    return [this.eraSentence(texts, era), ...loved];
  }

  /** Whether a year falls in an era, measured from the catalogue's newest film (none without years: no film is dated). */
  private inEra(year: number, era: Era): boolean {
    const newest = this.newestYear ?? 0;
    if (era === 'recent') return year > newest - recentYears;
    if (era === 'classic') return year < newest - classicYears;
    return year >= era && year < era + 10;
  }

  /**
   * Whether it has seen a film (any of the ids a title names): how it liked one of its history, else not seen, whatever
   * the hidden ratings say (a held-out film, a target among them, is one it is to find).
   */
  private seenFacts(itemIds: readonly string[]): Fact[] {
    const { seen, judgement } = this.seenOf(itemIds);
    if (seen === undefined) return [this.plain(templates.notSeen)];
    const texts = judgement === 'seen_liked' ? templates.seenLiked : judgement === 'seen_disliked' ? templates.seenDisliked : templates.seenNeutral;
    return [{ text: this.pick(texts), states: [seen] }];
  }

  /** Whether a film is said as a held-out film is (the same title under two ids, a remake). */
  private sharesHeldOutTitle(itemId: string): boolean {
    return this.heldOutTitles.has(spokenTitle(this.options.catalog?.get(itemId)?.title ?? '').toLowerCase());
  }

  /**
   * The first of a title's ids in the training history, and how the user liked it (none for a held-out or unrated film,
   * or one said as a held-out film is: "Yes, I loved it." of a hidden target's twin had told the assistant the answer).
   */
  private seenOf(itemIds: readonly string[]): { seen?: string; judgement?: ReturnType<typeof judgeItem> } {
    const seen = itemIds.find((itemId) => this.options.goal.seenItemIds?.has(itemId) && !this.sharesHeldOutTitle(itemId));
    return seen === undefined ? {} : { seen, judgement: judgeItem(seen, this.options.goal, this.options.thresholds) };
  }

  /**
   * Whether it has seen each film of a list, in one fact (every film is answered): the films it saw, grouped by how it
   * liked them, and those it did not (held-out ones among them), each group where its first film stands in the list;
   * none seen, a plain no.
   */
  private seenListFact(films: ReadonlyArray<readonly string[]>): Fact {
    const groups = new Map<readonly string[], string[]>();
    const seenIds: string[] = [];
    for (const itemIds of films) {
      const { seen, judgement } = this.seenOf(itemIds);
      const texts = judgement === undefined ? templates.listNotSeen : judgement === 'seen_liked' ? templates.listLiked : judgement === 'seen_disliked' ? templates.listDisliked : templates.listNeutral;
      const itemId = seen ?? itemIds[0];
      if (itemId === undefined) continue;
      if (seen !== undefined) seenIds.push(seen);
      groups.set(texts, [...(groups.get(texts) ?? []), filmTitle(this.options.catalog, itemId) ?? '']);
    }
    if (seenIds.length === 0) return this.plain(films.length > 2 ? templates.noneSeen : templates.neitherSeen);
    const text = [...groups].map(([texts, titles]) => withTitle(this.pick(texts), listInWords(titles, texts === templates.listNotSeen ? 'or' : 'and'))).join(' ');
    return { text: capitalised(text), states: seenIds };
  }

  /**
   * What it thinks of films offered before, as it reacted to them when they were shown (`recommendationFeedback`): would
   * watch one it would like, loved or disliked one it saw, is unsure of one it never rated.
   */
  private verdictFact(itemIds: readonly string[]): Fact {
    const { goal, catalog, random, thresholds } = this.options;
    return { text: recommendationFeedback({ recommendedItemIds: itemIds, goal, catalog, random, likedGenres: this.liked, dislikedGenres: this.disliked, ...(thresholds ? { thresholds } : {}) }).text, states: [] };
  }

  /** Films of the history rated liked, best first (ties in random order), of any of `genres` and among `among` if given; unsaid first. */
  private lovedFilms(genres?: readonly string[], among?: ReadonlySet<string>): string[] {
    const films = this.seen.filter(
      (film) =>
        judgeItem(film.itemId, this.options.goal, this.options.thresholds) === 'seen_liked' &&
        (among === undefined || among.has(film.itemId)) &&
        (genres === undefined || (this.options.catalog?.get(film.itemId)?.tags ?? []).some((tag) => genres.includes(tag.toLowerCase()))),
    );
    const ranked = this.options.random.shuffle(films).sort((left, right) => right.rating - left.rating);
    return this.fresh(ranked.map((film) => film.itemId));
  }

  /** Films of the history rated disliked, worst first, unsaid first. */
  private dislikedFilms(): string[] {
    const films = this.seen.filter((film) => judgeItem(film.itemId, this.options.goal, this.options.thresholds) === 'seen_disliked');
    return this.fresh(this.options.random.shuffle(films).sort((left, right) => left.rating - right.rating).map((film) => film.itemId));
  }

  private dislikedGenreSentence(): Fact[] {
    return this.fresh(this.disliked).slice(0, 1).map((genre) => this.genreSentence(templates.dislikedGenre, genre));
  }

  /** Values not said yet, then the rest (each in its order). */
  private fresh(values: readonly string[]): string[] {
    return [...values.filter((value) => !this.said.has(value)), ...values.filter((value) => this.said.has(value))];
  }

  private pick(texts: readonly string[]): string {
    return this.options.random.pick(texts);
  }

  private plain(texts: readonly string[]): Fact {
    return { text: this.pick(texts), states: [] };
  }

  private genreSentence(texts: readonly string[], ...genres: string[]): Fact {
    const list = listInWords(genres.map((genre) => this.spoken.get(genre) ?? spokenGenre(genre)));
    return { text: capitalised(this.pick(texts).replace('{genre}', list)), states: genres };
  }

  private eraSentence(texts: readonly string[], era: Era): Fact {
    return { text: capitalised(this.pick(texts).replace('{era}', spokenEra(era))), states: [] };
  }

  private filmSentence(texts: readonly string[], itemId: string): Fact {
    return { text: withTitle(this.pick(texts), filmTitle(this.options.catalog, itemId) ?? ''), states: [itemId] };
  }
}

/** The mean rating of films, when there are three or more to judge by. */
const meanRating = (films: readonly SeenFilm[]) => (films.length >= 3 ? films.reduce((sum, film) => sum + film.rating, 0) / films.length : undefined);

/** An era as said: "older classics", "newer films", "80s films". */
const spokenEra = (era: Era) => (era === 'classic' ? 'older classics' : era === 'recent' ? 'newer films' : `${String(era % 100).padStart(2, '0')}s films`);

