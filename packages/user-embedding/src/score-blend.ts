import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FitOptions, Interaction, TrainingData } from '@personalab/core';
import { PersonalabError } from '@personalab/core';
import { BaseRecommender, type ScoringQuery } from './base-recommender.js';
import type { InteractionMatrix } from './interaction-matrix.js';
import { heldOutByUser, validationNdcg } from './validation.js';
import { zScoreInPlace } from './z-score.js';
import { memberFolderPattern, type WeightMap } from './weights-io.js';
import { checkedSettings } from './settings-check.js';

export interface ScoreBlendOptions {
  /** The models blended (fitted by `fit`, or already fitted when built with `ScoreBlendRecommender.of`). */
  members?: BaseRecommender[];
  /** One weight per member. */
  weights?: number[];
  /** Loads a member saved in a folder (`loadRecommender`); needed by `load`. */
  loadMember?: (directory: string) => Promise<BaseRecommender>;
}

/** A saved blend's config: one member kind per weight, and the folder holding the members. */
const savedSchema = z
  .object({ weights: z.array(z.number()), members: z.array(z.string()), memberFolder: z.string().regex(memberFolderPattern, 'must be a members-<8 hex> folder name') })
  .refine((config) => config.members.length === config.weights.length, { message: 'must name one model kind per weight', path: ['members'] });

/** Each member's scores of the queries, z-scored per query over the catalogue (copies: members may hand out their own arrays). */
function zScoredRows(member: BaseRecommender, queries: readonly ScoringQuery[]): Float32Array[] {
  return member.scoreQueries(queries).map((row) => zScoreInPlace(Float32Array.from(row)));
}

/** Per query, Σ_m weights[m] · parts[m][query]. */
function weightedSum(parts: readonly Float32Array[][], weights: readonly number[], queries: number, items: number): Float32Array[] {
  const combined = Array.from({ length: queries }, () => new Float32Array(items));
  parts.forEach((rows, member) => {
    const weight = weights[member] as number;
    rows.forEach((values, query) => {
      const target = combined[query] as Float32Array;
      for (let item = 0; item < items; item++) target[item] = (target[item] as number) + weight * (values[item] as number);
    });
  });
  return combined;
}

/**
 * A weighted sum of other models' per-user z-scored catalogue scores: score = Σ w_m · z(s_m), z over every item of
 * the catalogue (so models on different scales, a closed form's and an embedding model's, add up). The members
 * share one vocabulary (fitted on the same data). `save` writes each member into a fresh folder beside the blend's
 * `model.json`, which names that folder: rewriting `model.json` is the one step that switches to the new members, so an
 * interrupted save leaves the previous blend whole.
 */
export class ScoreBlendRecommender extends BaseRecommender {
  readonly name = 'score-blend';
  members: BaseRecommender[];
  weights: number[];
  private readonly loadMember: ((directory: string) => Promise<BaseRecommender>) | undefined;
  private memberFolder: string | undefined;
  private loadingFrom: string | undefined;

  constructor(options: ScoreBlendOptions = {}) {
    super();
    this.members = options.members ?? [];
    this.weights = options.weights ?? this.members.map(() => 1);
    this.loadMember = options.loadMember;
    this.checkWeights();
  }

  /** A blend of models already fitted on the same data. */
  static of(members: BaseRecommender[], weights: number[]): ScoreBlendRecommender {
    const blend = new ScoreBlendRecommender({ members, weights });
    blend.adoptMembers();
    return blend;
  }

  /**
   * Chooses the weight of the last member (the others keep theirs) by NDCG@10 on `validation`, the members fitted
   * without those interactions; ties go to the earlier candidate. Returns every candidate's NDCG@10.
   */
  static chooseLastWeight(members: BaseRecommender[], weights: number[], candidates: readonly number[], validation: readonly Interaction[]): { weight: number; ndcg: { weight: number; ndcg: number }[] } {
    const blend = ScoreBlendRecommender.of(members, weights);
    const heldOut = heldOutByUser(blend.data, validation);
    if (heldOut.size === 0) throw new PersonalabError('invalid_argument', 'score-blend: no validation interaction names a known user and item');
    // Each member's scores once; the candidates only reweigh them.
    const queries = [...heldOut.keys()].map((user) => ({ user, history: blend.data.histories[user] ?? [] }));
    const parts = members.map((member) => zScoredRows(member, queries));
    const results = candidates.map((weight) => {
      const combined = weightedSum(parts, [...weights.slice(0, -1), weight], queries.length, blend.data.itemIds.length);
      const lookup = new Map(queries.map((query, row) => [query.user, combined[row] as Float32Array]));
      return { weight, ndcg: validationNdcg(blend.data, heldOut, (asked) => asked.map((query) => lookup.get(query.user as number) as Float32Array)) };
    });
    const best = results.reduce((winner, result) => (result.ndcg > winner.ndcg ? result : winner));
    return { weight: best.weight, ndcg: results };
  }

  private checkWeights(): void {
    if (this.weights.length !== this.members.length) throw new PersonalabError('invalid_argument', `score-blend: ${this.members.length} members but ${this.weights.length} weights`);
    for (const weight of this.weights) if (!Number.isFinite(weight)) throw new PersonalabError('invalid_argument', `score-blend: weight ${weight} is not a finite number`);
  }

  /** Takes the members' shared vocabulary as the blend's; members fitted on other data are refused. */
  private adoptMembers(): void {
    this.checkWeights();
    const [first, ...rest] = this.members;
    if (!first) throw new PersonalabError('invalid_argument', 'score-blend: no members');
    const vocabulary = first.data;
    rest.forEach((member, index) => {
      if (!sameVocabulary(vocabulary, member.data)) {
        throw new PersonalabError('invalid_argument', `score-blend: member ${index + 1} (${member.name}) was fitted on other users or items than member 0 (${first.name})`);
      }
    });
    this.matrix = vocabulary;
  }

  protected async fitModel(data: TrainingData, options: FitOptions): Promise<void> {
    if (this.members.length === 0) throw new PersonalabError('invalid_argument', 'score-blend: no members to fit');
    for (const [index, member] of this.members.entries()) {
      try {
        await member.fit(data, options);
      } catch (error) {
        // Unless the first member refused the data untouched, the members no longer share one vocabulary (a blend had
        // then scored the old vocabulary's queries with the new members): the blend is unfitted and frees them.
        if (index > 0 || !member.fitted) this.beginFit();
        throw error;
      }
    }
    this.adoptMembers();
  }

  override scoreQueries(queries: readonly ScoringQuery[]): Float32Array[] {
    return weightedSum(this.members.map((member) => zScoredRows(member, queries)), this.weights, queries.length, this.data.itemIds.length);
  }

  scoreQuery(query: ScoringQuery): Float32Array {
    return this.scoreQueries([query])[0] as Float32Array;
  }

  override async save(directory: string): Promise<void> {
    // The blend's own state first: a disposed blend had been refused in the name of its first member.
    if (!this.fitted) throw this.unfittedError();
    this.adoptMembers();
    const folder = `members-${randomUUID().replace(/-/g, '').slice(0, 8)}`;
    for (const [index, member] of this.members.entries()) await member.save(join(directory, folder, String(index)));
    this.memberFolder = folder;
    // The commit point: model.json now names the new folder (the save then removes the folders it does not name).
    await super.save(directory);
  }

  override async load(directory: string): Promise<void> {
    const previous = { members: this.members, weights: this.weights };
    this.loadingFrom = directory;
    try {
      await super.load(directory);
    } catch (error) {
      Object.assign(this, previous);
      throw error;
    } finally {
      this.loadingFrom = undefined;
    }
    // The blend owns its members, those it was given as well as those an earlier load made: the loaded ones replace them.
    disposeAll(previous.members);
  }

  /** Frees the members' tfjs memory (a blend built with `of` or the constructor owns the members it was given). */
  override dispose(): void {
    disposeAll(this.members);
    super.dispose();
  }

  protected exportState(): { config: Record<string, unknown>; weights: WeightMap } {
    return { config: { weights: this.weights, members: this.members.map((member) => member.name), memberFolder: this.memberFolder }, weights: {} };
  }

  protected async importState(state: { config: Record<string, unknown> }): Promise<void> {
    const { weights, members, memberFolder } = checkedSettings(this.name, savedSchema, {}, state.config, 'config');
    if (!this.loadMember) throw new PersonalabError('invalid_argument', 'score-blend: load it through loadRecommender (no member loader given)');
    const directory = this.loadingFrom as string;
    const loaded: BaseRecommender[] = [];
    try {
      for (const [index, kind] of members.entries()) {
        const memberDirectory = join(directory, memberFolder, String(index));
        if (!existsSync(memberDirectory)) {
          throw new PersonalabError('corrupt_file', `${memberDirectory} is missing: ${join(directory, 'model.json')} names it as member ${index} (${kind})`, { details: { file: memberDirectory } });
        }
        const member = await this.loadMember(memberDirectory);
        loaded.push(member);
        if (member.name !== kind) throw new PersonalabError('corrupt_file', `${memberDirectory} holds a ${member.name} model, but ${join(directory, 'model.json')} lists member ${index} as ${kind}`);
      }
      const vocabulary = this.data;
      loaded.forEach((member, index) => {
        if (!sameVocabulary(vocabulary, member.data)) throw new PersonalabError('corrupt_file', `member ${index} (${member.name}) has another vocabulary than the blend`);
      });
    } catch (error) {
      // The members loaded before the failure hold tfjs memory no one else can free.
      disposeAll(loaded);
      throw error;
    }
    this.members = loaded;
    this.weights = weights;
    this.memberFolder = memberFolder;
  }
}

function disposeAll(models: readonly BaseRecommender[]): void {
  for (const model of models) model.dispose();
}

function sameVocabulary(a: InteractionMatrix, b: InteractionMatrix): boolean {
  return a.itemIds.length === b.itemIds.length && a.userIds.length === b.userIds.length && a.itemIds.every((id, index) => b.itemIds[index] === id) && a.userIds.every((id, index) => b.userIds[index] === id);
}
