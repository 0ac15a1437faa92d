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
 * hold one. No user says that, so the corpus does not index such turns. Nor those naming a speaker by its label ("Hello!
 * My name is User 1.", "I'm (User 1's name)", a whole "*User 1:* …" dialogue in one turn), nor slots in parentheses ("my
 * name is (name)", "(15 minutes later)"): 241 more of its turns. An aside in parentheses is no slot ("two dogs
 * (and a cat)").
 */
export function hasTemplateSlot(text: string): boolean {
  return /\[[^\]\n]{1,60}\]/.test(text) || /\buser ?\d\b/i.test(text) || /\((?:insert )?(?:name|username|city|age|country|hometown|link)\)|\([^()\n]{0,30}\blater\)/i.test(text);
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
  private cachedQuestionRates: { answering: number; afterQuestion: number; afterStatement: number } | undefined;
  private cachedTypicalOpeners: readonly IndexedTurn[] | undefined;

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

  /**
   * Share of the turns answering a message (openers left out) that ask something: of all of them, of those answering a
   * question and of those answering anything else. Users seldom ask back when asked (Synthetic-Persona-Chat valid: 4 %
   * of answers to a question hold one). A corpus with no answers of one kind says nothing of them: their share is that
   * of all answers (it had been 0, so a user of a corpus answering only questions never asked after a statement).
   */
  get questionRates(): { answering: number; afterQuestion: number; afterStatement: number } {
    if (!this.cachedQuestionRates) {
      const answering = this.turns.filter((turn) => turn.context !== '');
      const rate = (turns: readonly IndexedTurn[]) => turns.filter((turn) => turn.question).length / Math.max(1, turns.length);
      const all = rate(answering);
      const rateOf = (turns: readonly IndexedTurn[]) => (turns.length === 0 ? all : rate(turns));
      this.cachedQuestionRates = {
        answering: all,
        afterQuestion: rateOf(answering.filter((turn) => isQuestion(turn.context))),
        afterStatement: rateOf(answering.filter((turn) => !isQuestion(turn.context))),
      };
    }
    return this.cachedQuestionRates;
  }

  /**
   * The more typical half of the openers: those at least as close as the median one to the mean of all openers' texts.
   * Conversations mostly open with a greeting (82 % of Synthetic-Persona-Chat's); among the others are openers answering
   * something never said ("I'm getting married in the spring too!", "Wow, you're 100 years old?"), and chosen by
   * persona alone, 22 of 30 simulated chats had opened with such a statement.
   */
  typicalOpeners(): readonly IndexedTurn[] {
    if (!this.cachedTypicalOpeners) {
      const mean = new Float32Array(this.embedder.dimension);
      for (const turn of this.openers) turn.textVector.forEach((value, index) => (mean[index] = (mean[index] ?? 0) + value));
      const typicality = this.openers.map((turn) => dot(turn.textVector, mean));
      const median = [...typicality].sort((left, right) => left - right)[Math.floor((typicality.length - 1) / 2)] ?? 0;
      this.cachedTypicalOpeners = this.openers.filter((_, index) => (typicality[index] ?? 0) >= median);
    }
    return this.cachedTypicalOpeners;
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
