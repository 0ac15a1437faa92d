import { createRandom, PersonalabError, type Assistant, type Profile, type SimulatorTurn, type UserSimulator } from '@personalab/core';
import { conversationOutcome, likedSubjects, simulate, type SimulatedUser } from '@personalab/simulator';
import { genresInWords, type Wording } from './phrasing-wordings.js';

/** What one user got back for one wording: the first list (top k) and how it scores against the hidden targets. */
export interface FirstList {
  userId: string;
  message: string;
  itemIds: readonly string[];
  /** Share of the user's hidden targets in the list. */
  recall: number;
  hit: boolean;
  /** The assistant failed for this user: counted as an empty list, so every wording keeps the same users. */
  error: boolean;
}

/** A simulated user that says one message, whatever it is told, and ends after the first reply. */
class OneMessageUser implements UserSimulator {
  readonly name = 'one-message';
  constructor(private readonly message: string) {}

  async start(): Promise<SimulatorTurn> {
    return { type: 'message', content: this.message };
  }

  async respond(): Promise<SimulatorTurn> {
    return { type: 'end', reason: 'turn_limit' };
  }
}

/** Whether a user has a liking to word: one who likes no genre says only its goal, the same in every wording. */
export const hasLikedGenres = (user: { profile: Profile }) => likedSubjects(user.profile).length > 0;

/** The first message a user sends in a wording: its goal and its liked genres (strongest first, as the simulator says them). */
export function firstMessage(wording: Wording, user: SimulatedUser): string {
  return wording.say(user.goal.description, genresInWords(likedSubjects(user.profile)));
}

/**
 * Each user opens a fresh conversation with `wording`'s first message; the first reply's list (top `k`, as the harness
 * shows it) is scored. Lists come back in the order of `users`.
 */
export async function firstLists(options: { assistant: Assistant; users: readonly SimulatedUser[]; wording: Wording; k: number; concurrency?: number; quiet?: boolean; label?: string }): Promise<FirstList[]> {
  const messages = new Map(options.users.map((user) => [user.id, firstMessage(options.wording, user)]));
  const result = await simulate({
    simulator: (user) => new OneMessageUser(messages.get(user.id) ?? ''),
    assistant: options.assistant,
    users: options.users,
    maxTurns: 1,
    k: options.k,
    concurrency: options.concurrency ?? 8,
    quiet: options.quiet ?? true,
    label: options.label ?? options.wording.name,
    // A one-message user never accepts: a running success rate would read 0 throughout.
    showSuccess: false,
  });
  const byUser = new Map(result.conversations.map((record) => [record.userId, record]));
  return options.users.map((user) => {
    const record = byUser.get(user.id);
    if (!record) throw new PersonalabError('internal', `no conversation came back for user ${user.id}`);
    const outcome = conversationOutcome(record.turns, record.targetItemIds, { k: options.k, maxTurns: 1 });
    const itemIds = record.turns.find((turn) => turn.role === 'assistant')?.recommendedItemIds ?? [];
    return { userId: user.id, message: messages.get(user.id) ?? '', itemIds, recall: outcome.recallByTurn[0] ?? 0, hit: outcome.hitTurn === 1, error: record.endReason === 'error' };
  });
}

/** A mean and its percentile bootstrap interval. */
export interface Interval {
  mean: number;
  low: number;
  high: number;
}

/**
 * The mean of `values` and its percentile bootstrap interval at `level` over `resamples` resamples (with replacement),
 * drawn from `seed`: the same values and seed give the same interval.
 */
export function bootstrapMean(values: readonly number[], options: { seed: number; resamples?: number; level?: number }): Interval {
  if (values.length === 0) throw new PersonalabError('invalid_argument', 'a bootstrap needs at least one value');
  const resamples = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) throw new PersonalabError('invalid_argument', `resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new PersonalabError('invalid_argument', `level must be between 0 and 1, got ${level}`);
  const random = createRandom(options.seed);
  const means: number[] = [];
  for (let resample = 0; resample < resamples; resample++) {
    let sum = 0;
    for (let draw = 0; draw < values.length; draw++) sum += values[random.int(values.length)] as number;
    means.push(sum / values.length);
  }
  means.sort((left, right) => left - right);
  const at = (quantile: number) => means[Math.min(resamples - 1, Math.max(0, Math.floor(quantile * resamples)))] as number;
  return { mean: values.reduce((sum, value) => sum + value, 0) / values.length, low: at((1 - level) / 2), high: at(1 - (1 - level) / 2) };
}

/** One wording's numbers for one assistant. */
export interface WordingRow {
  wording: string;
  source: Wording['source'];
  recall: number;
  hitRate: number;
  /** Share of users whose first list (items and order, as the user sees it) differs from the canonical wording's. */
  changedShare: number;
  /** Per-user recall minus the canonical wording's recall, averaged, with its bootstrap interval over users. */
  recallDifference: Interval;
  errors: number;
}

const sameList = (left: readonly string[], right: readonly string[]) => left.length === right.length && left.every((itemId, index) => right[index] === itemId);

/**
 * The rows of one assistant: `lists[w][u]` is user u's first list under wording w, the canonical wording first and
 * every wording over the same users in the same order (`invalid_argument` otherwise).
 */
export function wordingRows(wordings: readonly Wording[], lists: readonly (readonly FirstList[])[], options: { seed: number; resamples?: number }): WordingRow[] {
  const canonical = lists[0];
  if (canonical === undefined || canonical.length === 0) throw new PersonalabError('invalid_argument', 'wordingRows needs the canonical wording\'s lists over at least one user');
  if (lists.length !== wordings.length) throw new PersonalabError('invalid_argument', `${wordings.length} wordings but lists for ${lists.length}`);
  return wordings.map((wording, index) => {
    const rows = lists[index] as readonly FirstList[];
    if (rows.length !== canonical.length || rows.some((row, user) => row.userId !== canonical[user]?.userId)) {
      throw new PersonalabError('invalid_argument', `the lists of wording "${wording.name}" are not over the canonical wording's users in its order`);
    }
    const mean = (value: (row: FirstList, user: number) => number) => rows.reduce((sum, row, user) => sum + value(row, user), 0) / rows.length;
    return {
      wording: wording.name,
      source: wording.source,
      recall: mean((row) => row.recall),
      hitRate: mean((row) => (row.hit ? 1 : 0)),
      changedShare: mean((row, user) => (sameList(row.itemIds, canonical[user]?.itemIds ?? []) ? 0 : 1)),
      recallDifference: bootstrapMean(rows.map((row, user) => row.recall - (canonical[user]?.recall ?? 0)), options),
      errors: rows.filter((row) => row.error).length,
    };
  });
}

/** An assistant's headline: its worst wording's recall relative to the canonical one, and how often a wording changed the list. */
export interface PhrasingHeadline {
  worstWording: string;
  /** The worst wording's recall over the canonical wording's (null when the canonical recall is 0). */
  worstRelativeRecall: number | null;
  /** The share of changed lists averaged over the wordings other than the canonical one. */
  meanChangedShare: number;
}

export function phrasingHeadline(rows: readonly WordingRow[]): PhrasingHeadline {
  const [canonical, ...others] = rows;
  if (canonical === undefined || others.length === 0) throw new PersonalabError('invalid_argument', 'a headline needs the canonical wording and at least one other');
  const worst = others.reduce((lowest, row) => (row.recall < lowest.recall ? row : lowest));
  return {
    worstWording: worst.wording,
    worstRelativeRecall: canonical.recall === 0 ? null : worst.recall / canonical.recall,
    meanChangedShare: others.reduce((sum, row) => sum + row.changedShare, 0) / others.length,
  };
}
