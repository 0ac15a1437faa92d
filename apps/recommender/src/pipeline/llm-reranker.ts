import { z } from 'zod';
import { PersonalabError, type ChatModel, type Profile } from '@personalab/core';
import { unsupportedGenres } from './genre-claims.js';
import type { HistoryEntry, RankedItem, Reranker, RerankInput } from './types.js';

/** What the LLM must answer: candidate ids in order, each with a one-sentence reason. */
export const llmRankingSchema = z.object({
  recommendations: z.array(z.object({ itemId: z.string().min(1), reason: z.string().max(1000) })).min(1),
});

/** The profile as short lines of text for a prompt. */
export function describeProfile(profile: Profile): string {
  const lines: string[] = [];
  for (const fact of profile.facts.slice(0, 10)) lines.push(`- ${fact.value}`);
  for (const preference of profile.preferences.slice(0, 15)) lines.push(`- ${preference.polarity}s ${preference.subject}`);
  for (const goal of profile.goals.slice(0, 3)) lines.push(`- wants: ${goal.description}`);
  return lines.length === 0 ? '(nothing stated yet)' : lines.join('\n');
}

/** Up to `limit` recent history items with their ratings, Chat-Rec style. */
export function describeHistory(history: readonly HistoryEntry[], limit = 20): string {
  if (history.length === 0) return '(no history)';
  return history
    .slice(-limit)
    .map((entry) => `- ${entry.item.title}${entry.item.tags.length ? ` [${entry.item.tags.join(', ')}]` : ''}${entry.rating === undefined ? '' : `: ${entry.rating}/5`}`)
    .join('\n');
}

/**
 * Chat-Rec's re-ranking through an LLM: the profile, the rated history and the candidate set go
 * into one prompt; `generateObject` returns the top k ids with reasons, checked by `checkedRanking`.
 */
export class LlmReranker implements Reranker {
  readonly name: string;
  private readonly model: ChatModel;
  private readonly fallback: Reranker;

  constructor(options: { model: ChatModel; fallback: Reranker }) {
    this.model = options.model;
    this.fallback = options.fallback;
    this.name = `llm:${options.model.modelId}`;
  }

  async rerank(input: RerankInput): Promise<RankedItem[]> {
    if (input.candidates.length === 0) return [];
    // The offline order both breaks ties and fills any gaps the model leaves.
    const offline = await this.fallback.rerank({ ...input, k: input.candidates.length });
    const candidateLines = input.candidates
      .map((candidate) => `- id=${candidate.item.id}: ${candidate.item.title}${candidate.item.tags.length ? ` [${candidate.item.tags.join(', ')}]` : ''}`)
      .join('\n');
    const prompt = [
      `The user's profile:\n${describeProfile(input.profile)}`,
      `Items the user has interacted with, with ratings:\n${describeHistory(input.history)}`,
      input.query ? `What the user just said: "${input.query}"` : '',
      input.refinement ? `The user asked to change the suggestions: "${input.refinement.phrase}"` : '',
      `Candidate items:\n${candidateLines}`,
      `Rank the ${input.k} candidates this user is most likely to enjoy, best first. Use only ids from the candidate list. Give each a one-sentence reason that cites the profile or history.`,
    ]
      .filter(Boolean)
      .join('\n\n');
    const result = await this.model.generateObject({
      schema: llmRankingSchema,
      schemaName: 'recommendations',
      temperature: 0,
      messages: [
        { role: 'system', content: 'You are a recommender system. You re-rank candidate items for a user and answer with JSON only.' },
        { role: 'user', content: prompt },
      ],
      ...(input.signal ? { signal: input.signal } : {}),
    });
    return checkedRanking(result.object.recommendations, offline, input);
  }
}

/**
 * The LLM's ranking as the list to serve: only candidate ids, each once, and only items that pass the request's
 * hard constraints (`input.accept`); each one dropped leaves its place to the next valid item, and a list shorter
 * than k is filled in the offline order (`offline`, the fallback re-ranker's order of every candidate). A reason
 * that names a genre the item does not have is dropped (the offline explainer then cites evidence). Throws
 * `upstream_bad_response` when the LLM named no valid item.
 */
export function checkedRanking(answer: readonly { itemId: string; reason: string }[], offline: readonly RankedItem[], input: Pick<RerankInput, 'k' | 'accept' | 'genreStems'>): RankedItem[] {
  const valid = (ranked: RankedItem) => input.accept === undefined || input.accept(ranked.item);
  const byId = new Map(offline.map((ranked) => [ranked.item.id, ranked]));
  const chosen: RankedItem[] = [];
  const taken = new Set<string>();
  for (const entry of answer) {
    const ranked = byId.get(entry.itemId);
    // Not a candidate, named twice, or against what the user ruled out ("no horror", "from the 90s", "for my kids").
    if (ranked === undefined || taken.has(entry.itemId) || !valid(ranked)) continue;
    taken.add(entry.itemId);
    const reason = unsupportedGenres(entry.reason, ranked.item, input.genreStems).length === 0 ? { reason: entry.reason } : {};
    chosen.push({ ...ranked, score: 1 - chosen.length / (input.k + 1), ...reason });
    if (chosen.length === input.k) break;
  }
  if (chosen.length === 0) {
    throw new PersonalabError('upstream_bad_response', 'the LLM re-ranker named none of the candidates that fit the request');
  }
  for (const ranked of offline) {
    if (chosen.length >= input.k) break;
    if (!taken.has(ranked.item.id) && valid(ranked)) {
      taken.add(ranked.item.id);
      chosen.push(ranked);
    }
  }
  return chosen;
}
