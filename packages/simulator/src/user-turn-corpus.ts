import type { Embedder, VectorIndex } from '@personalab/core';
import { PersonalabError } from '@personalab/core';
import { parseClaims, type Claim } from './contradiction.js';
import { isQuestion, wordCount } from './text.js';

/** One real user turn and the message it answered. */
export interface UserTurn {
  /** The user's words. */
  text: string;
  /** The message it answered ('' for a conversation opener). */
  context: string;
  /** Conversation it came from, so an experiment can hold a persona's own conversation out. */
  conversationId: string;
}

/** A corpus turn with what re-ranking needs, computed once. */
export interface IndexedTurn extends UserTurn {
  index: number;
  words: number;
  question: boolean;
  claims: ReadonlyArray<{ sentence: string; claim: Claim }>;
  textVector: Float32Array;
  contextVector: Float32Array;
}

export interface UserTurnCorpusOptions {
  turns: readonly UserTurn[];
  embedder: Embedder;
  /** Creates an empty index of the embedder's dimension (HNSW or exact, from the retrieval package). */
  createIndex: (dimension: number) => VectorIndex;
  /** Texts embedded per call. */
  batchSize?: number;
}

/**
 * A template slot left unfilled by the generator of a synthetic corpus ("Hi, I'm [name]!", "I'm
 * from [User 1's location]", "[A few minutes later]"): 2.7 % of Synthetic-Persona-Chat valid's turns
 * hold one. No user says that, so the corpus does not index such turns.
 */
export function hasTemplateSlot(text: string): boolean {
  return /\[[^\]\n]{1,60}\]/.test(text);
}

/** Dot product of two unit vectors (cosine similarity). */
export function dot(left: Float32Array, right: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < left.length; index++) sum += (left[index] as number) * (right[index] as number);
  return sum;
}

/**
 * Real user turns indexed twice: by the message they answered (to find turns that fit what the
 * assistant just said) and by their own text (to find turns about a persona's facts).
 */
export class UserTurnCorpus {
  readonly turns: readonly IndexedTurn[];
  readonly embedder: Embedder;
  private readonly contextIndex: VectorIndex;
  private readonly textIndex: VectorIndex;
  private readonly openers: readonly IndexedTurn[];
  private cachedStyle: { meanLength: number; questionRate: number } | undefined;

  private constructor(turns: IndexedTurn[], embedder: Embedder, contextIndex: VectorIndex, textIndex: VectorIndex) {
    this.turns = turns;
    this.embedder = embedder;
    this.contextIndex = contextIndex;
    this.textIndex = textIndex;
    this.openers = turns.filter((turn) => turn.context === '');
  }

  /** Embeds and indexes the turns, leaving out empty ones and those with an unfilled template slot (`hasTemplateSlot`). */
  static async build(options: UserTurnCorpusOptions): Promise<UserTurnCorpus> {
    const turns = options.turns.filter((turn) => turn.text.trim() !== '' && !hasTemplateSlot(turn.text));
    if (turns.length === 0) throw new PersonalabError('invalid_argument', 'the user-turn corpus is empty');
    const batchSize = options.batchSize ?? 512;
    const embedAll = async (texts: readonly string[]) => {
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) vectors.push(...(await options.embedder.embed(texts.slice(start, start + batchSize))));
      return vectors;
    };
    const textVectors = await embedAll(turns.map((turn) => turn.text));
    // Openers have no context; embed a fixed greeting so their vectors are well defined.
    const contextVectors = await embedAll(turns.map((turn) => (turn.context === '' ? 'hello' : turn.context)));
    const indexed = turns.map((turn, index): IndexedTurn => ({
      ...turn,
      index,
      words: wordCount(turn.text),
      question: isQuestion(turn.text),
      claims: parseClaims(turn.text),
      textVector: textVectors[index] as Float32Array,
      contextVector: contextVectors[index] as Float32Array,
    }));
    const contextIndex = options.createIndex(options.embedder.dimension);
    const textIndex = options.createIndex(options.embedder.dimension);
    // hnswlib-node wants plain arrays.
    contextIndex.add(indexed.filter((turn) => turn.context !== '').map((turn) => ({ id: String(turn.index), vector: Array.from(turn.contextVector) })));
    textIndex.add(indexed.map((turn) => ({ id: String(turn.index), vector: Array.from(turn.textVector) })));
    return new UserTurnCorpus(indexed, options.embedder, contextIndex, textIndex);
  }

  /** Mean words per turn and share of questions: the style of a user the profile says nothing about. */
  get style(): { meanLength: number; questionRate: number } {
    if (!this.cachedStyle) {
      const count = Math.max(1, this.turns.length);
      this.cachedStyle = {
        meanLength: this.turns.reduce((sum, turn) => sum + turn.words, 0) / count,
        questionRate: this.turns.filter((turn) => turn.question).length / count,
      };
    }
    return this.cachedStyle;
  }

  get size(): number {
    return this.turns.length;
  }

  /** Turns that answered messages like `contextVector`. */
  byContext(contextVector: Float32Array, k: number, exclude?: (turn: IndexedTurn) => boolean): IndexedTurn[] {
    return this.hits(this.contextIndex, contextVector, k, exclude);
  }

  /** Turns whose text is like `textVector` (a persona fact, say). */
  byText(textVector: Float32Array, k: number, exclude?: (turn: IndexedTurn) => boolean): IndexedTurn[] {
    return this.hits(this.textIndex, textVector, k, exclude);
  }

  /** Conversation openers (turns with no context). */
  openingTurns(): readonly IndexedTurn[] {
    return this.openers;
  }

  private hits(index: VectorIndex, vector: Float32Array, k: number, exclude?: (turn: IndexedTurn) => boolean): IndexedTurn[] {
    const filter = exclude ? (id: string) => !exclude(this.turns[Number(id)] as IndexedTurn) : undefined;
    const hits = index.search(Array.from(vector), { k, ...(filter ? { filter } : {}) });
    return hits.map((hit) => this.turns[Number(hit.id)] as IndexedTurn);
  }
}
