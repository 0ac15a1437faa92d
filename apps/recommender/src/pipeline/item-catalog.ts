import type { Item } from '@personalab/core';
import { genreStem, recentEndOf } from './constraints.js';
import { collectTagStems, tagStems } from './taste.js';
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

/** Items in memory (the store is the source of truth), with popularity for users we know nothing about. */
export class ItemCatalog {
  private readonly items = new Map<string, Item>();
  private tagStemsCache: Set<string> | undefined;
  private titleReaderCache: TitleOpinionReader | undefined;
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

  constructor(items: Iterable<Item> = []) {
    this.upsert(items);
  }

  upsert(items: Iterable<Item>): void {
    for (const item of items) this.items.set(item.id, item);
    this.tagStemsCache = undefined;
    this.titleReaderCache = undefined;
    this.latestYearCache = undefined;
    this.recentEndCache = undefined;
    this.tagNamesCache = undefined;
    this.genreStemsCache = undefined;
    this.genreNamesCache = undefined;
    this.tellingGenresCache = undefined;
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
    if (changed.length > recountAllAbove) {
      this.setPopularity(this.likeSource.all());
      return;
    }
    const counts = this.likeSource.counts(changed);
    const next = new Map(this.likeCounts);
    for (const id of changed) {
      const count = counts.get(id) ?? 0;
      if (count > 0) next.set(id, count);
      else next.delete(id);
    }
    this.setPopularity(next);
  }

  /** Sets popularity from like counts (ratings of 4 or more, likes and purchases). */
  setPopularity(likeCounts: ReadonlyMap<string, number>): void {
    this.likeCounts = new Map(likeCounts);
    this.popularIds = [...likeCounts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id]) => id);
    this.popularRanks = new Map(this.popularIds.map((id, index) => [id, index + 1]));
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
