import type { Item } from '@personalab/core';
import { genreStem, recentEndOf } from './constraints.js';
import { collectTagStems, tagStems } from './taste.js';
import { searchWords } from './query-text.js';
import { TitleOpinionReader } from './title-opinions.js';

/** Where popularity is kept current from: the items whose like counts may have changed since last asked, and their counts. */
export interface LikeCountSource {
  changes(): readonly string[];
  counts(itemIds: readonly string[]): ReadonlyMap<string, number>;
  /** Every item's count (one query, about 70 ms on MovieLens 100K): cheaper than recounting many items one by one. */
  all(): ReadonlyMap<string, number>;
}

/** Above this many changed items popularity is recounted whole (a per-item recount costs a few ms each). */
const recountAllAbove = 20;

/** Who likes what, for each film's audience: `[userId, itemId]` pairs, each once (`RecommenderStore.likedPairs`). */
export interface AudienceSource {
  likedPairs(): Iterable<readonly [userId: string, itemId: string]>;
}

/**
 * Films liked fewer times than this have no genre typicality (1): their nearest films would be chance. They are also
 * the only films counted as neighbours (514 of MovieLens 100K's 1,682).
 */
export const typicalityMinLikes = 30;
/** How many of a film's nearest films (by co-likes) its genre typicality reads. */
export const typicalityNeighbours = 30;
/** The audiences are read again once likes changed by this share of those read (or `typicalityMinChurn`, if more). */
const typicalityStaleShare = 0.05;
const typicalityMinChurn = 50;

/** Who likes what, indexed: each item's likers and each user's liked items. */
interface Audiences {
  index: Map<string, number>;
  itemIds: string[];
  likers: Int32Array[];
  liked: Int32Array[];
  likes: Int32Array;
  /** Pairs read, for when to read them again. */
  total: number;
}

function readAudiences(pairs: Iterable<readonly [string, string]>): Audiences {
  const index = new Map<string, number>();
  const itemIds: string[] = [];
  const users = new Map<string, number>();
  const byItem: number[][] = [];
  const byUser: number[][] = [];
  let total = 0;
  for (const [userId, itemId] of pairs) {
    let item = index.get(itemId);
    if (item === undefined) {
      item = itemIds.length;
      index.set(itemId, item);
      itemIds.push(itemId);
      byItem.push([]);
    }
    let user = users.get(userId);
    if (user === undefined) {
      user = byUser.length;
      users.set(userId, user);
      byUser.push([]);
    }
    byItem[item]?.push(user);
    byUser[user]?.push(item);
    total++;
  }
  return {
    index,
    itemIds,
    likers: byItem.map((list) => Int32Array.from(list)),
    liked: byUser.map((list) => Int32Array.from(list)),
    likes: Int32Array.from(byItem, (list) => list.length),
    total,
  };
}

/** Items in memory (the store is the source of truth), with popularity for users we know nothing about. */
export class ItemCatalog {
  private readonly items = new Map<string, Item>();
  private tagStemsCache: Set<string> | undefined;
  private titleReaderCache: TitleOpinionReader | undefined;
  private titleWordsCache: { fragments: Set<string>; whole: Set<string> } | undefined;
  private latestYearCache: number | null | undefined;
  private recentEndCache: number | null | undefined;
  private tagNamesCache: string[] | undefined;
  private genreStemsCache: Map<string, string> | undefined;
  private genreNamesCache: Map<string, string> | undefined;
  private tellingGenresCache: Set<string> | undefined;
  private popularIds: string[] = [];
  private likeCounts: ReadonlyMap<string, number> = new Map();
  private popularRanks = new Map<string, number>();
  private likeSource: LikeCountSource | undefined;
  private audienceSource: AudienceSource | undefined;
  private audiencesCache: Audiences | undefined;
  /** Likes gained or lost (summed over items) since the audiences were read. */
  private likeChurn = 0;
  /** The neighbour pool (films liked `typicalityMinLikes` times or more) and each genre stem's share of it. */
  private poolCache: { members: Uint8Array; share: Map<string, number>; size: number } | undefined;
  /** Each film's typicality per genre stem (absent: none computed, 1). */
  private typicalityCache = new Map<string, ReadonlyMap<string, number> | null>();
  /** Reused between films: likes shared with each other film, and which were touched. */
  private sharedScratch: { counts: Int32Array; touched: number[] } | undefined;

  constructor(items: Iterable<Item> = []) {
    this.upsert(items);
  }

  upsert(items: Iterable<Item>): void {
    for (const item of items) this.items.set(item.id, item);
    this.tagStemsCache = undefined;
    this.titleReaderCache = undefined;
    this.titleWordsCache = undefined;
    this.latestYearCache = undefined;
    this.recentEndCache = undefined;
    this.tagNamesCache = undefined;
    this.genreStemsCache = undefined;
    this.genreNamesCache = undefined;
    this.tellingGenresCache = undefined;
    // Genres may have changed; who likes what has not.
    this.poolCache = undefined;
    this.typicalityCache.clear();
  }

  get(id: string): Item | undefined {
    return this.items.get(id);
  }

  get size(): number {
    return this.items.size;
  }

  values(): IterableIterator<Item> {
    return this.items.values();
  }

  /** Every tag stem in the catalogue (what refinements like "no horror" can name). */
  tagStems(): ReadonlySet<string> {
    this.tagStemsCache ??= collectTagStems(this.items.values());
    return this.tagStemsCache;
  }

  /** Genre stems a quarter of the catalogue or less has (crime, not drama): sharing one says a film is like another. */
  tellingGenres(): ReadonlySet<string> {
    if (this.tellingGenresCache === undefined) {
      const counts = new Map<string, number>();
      for (const item of this.items.values()) for (const tag of new Set(tagStems(item))) counts.set(tag, (counts.get(tag) ?? 0) + 1);
      this.tellingGenresCache = new Set([...counts].filter(([, count]) => count <= this.items.size / 4).map(([tag]) => tag));
    }
    return this.tellingGenresCache;
  }

  /**
   * The genre the catalogue most often gives films of `stem` besides it (Horror → Thriller in MovieLens 100K: 19 of its 92
   * horror films): the nearest thing one person who cannot stand a genre may watch with one who loves it. Undefined when
   * no film of it has another genre.
   */
  companionGenre(stem: string): string | undefined {
    const counts = new Map<string, number>();
    for (const item of this.items.values()) {
      const stems = tagStems(item);
      if (!stems.includes(stem)) continue;
      for (const other of stems) if (other !== stem && other !== 'unknown') counts.set(other, (counts.get(other) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  }

  /** The catalogue's tags as items carry them ("Sci-Fi", "Children's"), sorted; "unknown" left out. */
  tagNames(): string[] {
    this.tagNamesCache ??= [...new Set([...this.items.values()].flatMap((item) => item.tags))].filter((tag) => tag.toLowerCase() !== 'unknown').sort();
    return this.tagNamesCache;
  }

  /** Each tag name, lower case, to the stem the constraints use for it ("sci-fi" → "sci", "comedy" → "comed"). */
  genreStems(): ReadonlyMap<string, string> {
    if (this.genreStemsCache === undefined) {
      const vocabulary = { stems: this.tagStems() };
      this.genreStemsCache = new Map();
      for (const name of this.tagNames()) {
        const stemmed = genreStem(name, vocabulary);
        if (stemmed !== undefined) this.genreStemsCache.set(name.toLowerCase(), stemmed);
      }
    }
    return this.genreStemsCache;
  }

  /**
   * Each constraint stem to the catalogue's name for it ("comed" → "Comedy", "sci" → "Sci-Fi"), as the API
   * shows genres and `genre=` takes them; of two names with one stem, the first in sorted order.
   */
  genreNames(): ReadonlyMap<string, string> {
    if (this.genreNamesCache === undefined) {
      const stems = this.genreStems();
      this.genreNamesCache = new Map();
      for (const name of this.tagNames()) {
        const stemmed = stems.get(name.toLowerCase());
        if (stemmed !== undefined && !this.genreNamesCache.has(stemmed)) this.genreNamesCache.set(stemmed, name);
      }
    }
    return this.genreNamesCache;
  }

  /** The latest release year in the catalogue ("something recent" counts back from it), if any item has one. */
  latestYear(): number | undefined {
    if (this.latestYearCache === undefined) {
      let latest: number | null = null;
      for (const item of this.items.values()) if (item.year !== undefined && (latest === null || item.year > latest)) latest = item.year;
      this.latestYearCache = latest;
    }
    return this.latestYearCache ?? undefined;
  }

  /**
   * The latest release year that holds a reasonable share of the catalogue (`recentEndOf`): "recent"
   * and "classic" count back from it, so one newly added film does not move them.
   */
  recentEnd(): number | undefined {
    if (this.recentEndCache === undefined) this.recentEndCache = recentEndOf([...this.items.values()].map((item) => item.year)) ?? null;
    return this.recentEndCache ?? undefined;
  }

  /** Reads the catalogue's titles named with an opinion in a chat message ("I loved Alien"). */
  titleOpinions(): TitleOpinionReader {
    this.titleReaderCache ??= new TitleOpinionReader(this.items.values());
    return this.titleReaderCache;
  }

  /**
   * The words of titles that hold other words besides articles ("mom" of Serial Mom, "day" of One Fine Day, "big" of Big
   * Night), lower case and split as the item text search splits a message (`queryContent`): a word that is only part of a
   * title names no film by itself.
   */
  titleFragments(): ReadonlySet<string> {
    return this.titleWords().fragments;
  }

  /** The words that are a title by themselves, articles aside ("friday" of Friday, "rock" of The Rock), split as `titleFragments`. */
  wholeTitles(): ReadonlySet<string> {
    return this.titleWords().whole;
  }

  private titleWords(): { fragments: Set<string>; whole: Set<string> } {
    if (this.titleWordsCache === undefined) {
      const cache = { fragments: new Set<string>(), whole: new Set<string>() };
      for (const item of this.items.values()) {
        const words = searchWords(item.title.replace(/\s*\(\d{4}\)\s*$/, '').toLowerCase()).filter((word) => !/^(?:the|a|an)$/.test(word));
        if (words.length > 1) for (const word of words) cache.fragments.add(word);
        else if (words[0] !== undefined) cache.whole.add(words[0]);
      }
      this.titleWordsCache = cache;
    }
    return this.titleWordsCache;
  }

  /**
   * Keeps popularity current as ratings and events are written: before popularity is read, the items `source` says
   * changed are recounted. It had been read once at start, so an item added and liked through the API never became
   * popular until a restart (a `genre=` only new items have had answered an empty list).
   */
  trackPopularity(source: LikeCountSource): void {
    this.likeSource = source;
  }

  private refreshPopularity(): void {
    const changed = this.likeSource?.changes();
    if (!this.likeSource || !changed || changed.length === 0) return;
    const before = this.likeCounts;
    if (changed.length > recountAllAbove) {
      this.setPopularity(this.likeSource.all());
      for (const [id, count] of this.likeCounts) this.likeChurn += Math.abs(count - (before.get(id) ?? 0));
      for (const [id, count] of before) if (!this.likeCounts.has(id)) this.likeChurn += count;
      return;
    }
    const counts = this.likeSource.counts(changed);
    const next = new Map(this.likeCounts);
    for (const id of changed) {
      const count = counts.get(id) ?? 0;
      this.likeChurn += Math.abs(count - (before.get(id) ?? 0));
      if (count > 0) next.set(id, count);
      else next.delete(id);
    }
    this.setPopularity(next);
  }

  /**
   * Where genre typicality reads who likes what (`genreTypicality`); read when first needed, and again once likes
   * changed by 5 % of those read (popularity's tracking counts the changes).
   */
  trackAudiences(source: AudienceSource): void {
    this.audienceSource = source;
    this.audiencesCache = undefined;
    this.poolCache = undefined;
    this.typicalityCache.clear();
  }

  private audiences(): Audiences | undefined {
    if (this.audienceSource === undefined) return undefined;
    this.refreshPopularity();
    const stale = this.audiencesCache !== undefined && this.likeChurn >= Math.max(typicalityMinChurn, typicalityStaleShare * this.audiencesCache.total);
    if (this.audiencesCache === undefined || stale) {
      this.audiencesCache = readAudiences(this.audienceSource.likedPairs());
      this.likeChurn = 0;
      this.poolCache = undefined;
      this.typicalityCache.clear();
    }
    return this.audiencesCache;
  }

  private pool(audiences: Audiences): { members: Uint8Array; share: Map<string, number>; size: number } {
    if (this.poolCache === undefined) {
      const members = new Uint8Array(audiences.itemIds.length);
      const counts = new Map<string, number>();
      let size = 0;
      audiences.itemIds.forEach((id, index) => {
        const item = this.items.get(id);
        if (item === undefined || (audiences.likes[index] ?? 0) < typicalityMinLikes) return;
        members[index] = 1;
        size++;
        for (const stem of new Set(tagStems(item))) counts.set(stem, (counts.get(stem) ?? 0) + 1);
      });
      this.poolCache = { members, share: new Map([...counts].map(([stem, count]) => [stem, count / size])), size };
    }
    return this.poolCache;
  }

  /**
   * How typical of a genre a film is, as its audience says (1: as typical as its most typical genre; lower: its
   * nearest films rarely carry the genre). MovieLens tags Star Wars Action, Adventure, Romance, Sci-Fi and War; its 30
   * nearest films by co-likes (likes shared, against what two films' like counts and their likers' activity would
   * share by chance) carry Sci-Fi 3.1 times as often as the well-liked films do, War 0.8 times: 1 as sci-fi, 0.25 as
   * war. Per genre: its share among the neighbours against its share among films liked `typicalityMinLikes` times or
   * more (one neighbour at that share smooths the count), over the most of the film's own genres' (at least 1: a film
   * whose neighbours carry none of its genres more often than well-liked films do keeps those ratios as they are:
   * Forrest Gump 0.77 as war). 1 for a broad genre (not one of `tellingGenres`: over a quarter of the catalogue), for a
   * genre the film lacks, for films liked less than `typicalityMinLikes` times, and without an audience source or
   * enough well-liked films.
   */
  genreTypicality(id: string, stem: string): number {
    // A broad genre (over a quarter of the catalogue: MovieLens's drama and comedy) is one a film can carry beside a
    // telling one without being any less of it: its share among neighbours can rise at most 1 / share-fold (2.3 for
    // drama), so dividing by a telling genre's rise demoted every film with both (The Godfather 0.62 as drama, Contact
    // 0.50, The Silence of the Lambs 0.70, Toy Story 0.18 as comedy), and a new user's first list after "I love <genre>
    // movies" (drama for 485 of 942 users) fell 0.1491 -> 0.1411 NDCG@5 on every held-out film
    // (experiments/chatrec/stated-tastes.ts). A broad genre keeps the order by likes.
    if (!this.tellingGenres().has(stem)) return 1;
    return this.typicalities(id)?.get(stem) ?? 1;
  }

  private typicalities(id: string): ReadonlyMap<string, number> | undefined {
    const audiences = this.audiences();
    const item = this.items.get(id);
    if (audiences === undefined || item === undefined) return undefined;
    const cached = this.typicalityCache.get(id);
    if (cached !== undefined) return cached ?? undefined;
    const index = audiences.index.get(id);
    const pool = this.pool(audiences);
    const stems = [...new Set(tagStems(item))];
    if (index === undefined || (audiences.likes[index] ?? 0) < typicalityMinLikes || pool.size <= typicalityNeighbours || stems.length < 2) {
      this.typicalityCache.set(id, null);
      return undefined;
    }
    // Likes each well-liked film shares with this one.
    const shared = (this.sharedScratch ??= { counts: new Int32Array(0), touched: [] });
    if (shared.counts.length < audiences.itemIds.length) shared.counts = new Int32Array(audiences.itemIds.length);
    for (const user of audiences.likers[index] ?? []) {
      for (const other of audiences.liked[user] ?? []) {
        if (other === index || pool.members[other] !== 1) continue;
        if (shared.counts[other] === 0) shared.touched.push(other);
        shared.counts[other] = (shared.counts[other] ?? 0) + 1;
      }
    }
    // Against chance (this film's likes times the other's, times its likers' activity) only the other's likes differ.
    const nearest = shared.touched
      .map((other) => ({ other, lift: (shared.counts[other] ?? 0) / (audiences.likes[other] ?? 1) }))
      .sort((a, b) => b.lift - a.lift || ((audiences.itemIds[a.other] ?? '') < (audiences.itemIds[b.other] ?? '') ? -1 : 1))
      .slice(0, typicalityNeighbours);
    for (const other of shared.touched) shared.counts[other] = 0;
    shared.touched.length = 0;
    const carrying = new Map<string, number>();
    for (const { other } of nearest) {
      const neighbour = this.items.get(audiences.itemIds[other] ?? '');
      if (neighbour) for (const stem of new Set(tagStems(neighbour))) carrying.set(stem, (carrying.get(stem) ?? 0) + 1);
    }
    const enrichment = new Map(
      stems.map((stem) => {
        const share = pool.share.get(stem) ?? 0;
        return [stem, share === 0 ? 1 : ((carrying.get(stem) ?? 0) + share) / (nearest.length + 1) / share];
      }),
    );
    const most = Math.max(1, ...enrichment.values());
    const typicality = new Map([...enrichment].map(([stem, value]) => [stem, Math.min(1, value / most)]));
    this.typicalityCache.set(id, typicality);
    return typicality;
  }

  /** Sets popularity from like counts (ratings of 4 or more, likes and purchases). */
  setPopularity(likeCounts: ReadonlyMap<string, number>): void {
    this.likeCounts = new Map(likeCounts);
    this.popularIds = [...likeCounts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id]) => id);
    this.popularRanks = new Map(this.popularIds.map((id, index) => [id, index + 1]));
  }

  /** Each item's like count, as popularity is ordered by (items nobody likes are absent). */
  likes(): ReadonlyMap<string, number> {
    this.refreshPopularity();
    return this.likeCounts;
  }

  popular(): readonly string[] {
    this.refreshPopularity();
    return this.popularIds;
  }

  /** How an item has been received here, as far as the catalogue knows: its likes and its rank among the most liked (1 = most liked). */
  popularity(id: string): { likes: number; rank: number | undefined } {
    this.refreshPopularity();
    return { likes: this.likeCounts.get(id) ?? 0, rank: this.popularRanks.get(id) };
  }
}

/**
 * One key per film however the catalogue lists it: the title folded to lower-case words, and the
 * year. MovieLens 100K lists 18 titles twice under two ids ("Nightwatch (1997)"), which a list
 * should show once.
 */
export function titleKey(item: Item): string {
  let key = titleKeys.get(item);
  if (key === undefined) {
    const words = item.title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .match(/[a-z0-9]+/g);
    key = `${(words ?? []).join(' ')}|${item.year ?? ''}`;
    titleKeys.set(item, key);
  }
  return key;
}

const titleKeys = new WeakMap<Item, string>();
