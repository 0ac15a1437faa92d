import { z } from 'zod';
import { PersonalabError, type ChatModel, type Item } from '@personalab/core';
import { describeHistory, describeProfile } from './llm-reranker.js';
import { unsupportedGenres } from './genre-claims.js';
import { describeReception, describeRequestFit } from './offline-explainer.js';
import type { ExplainInput, Explainer } from './types.js';

const explanationSchema = z.object({ explanation: z.string().min(1).max(2000) });

/** The title with its year, once: MovieLens titles already end in it ("Aliens (1986)"), and the model had echoed "Aliens (1986) (1986)". */
export function titleWithYear(item: Pick<Item, 'title' | 'year'>): string {
  return item.year === undefined || item.title.includes(`(${item.year})`) ? item.title : `${item.title} (${item.year})`;
}

/**
 * Explains a recommendation through an LLM from the profile, the rated history and the item. An explanation that
 * names a genre the item does not have ("a true comedy classic" of an Animation film) is refused with
 * `upstream_bad_response`, so the caller answers with the offline explanation and counts the fallback.
 */
export class LlmExplainer implements Explainer {
  readonly name: string;
  private readonly model: ChatModel;

  constructor(options: { model: ChatModel }) {
    this.model = options.model;
    this.name = `llm:${options.model.modelId}`;
  }

  async explain(input: ExplainInput): Promise<string> {
    const item = input.item;
    // Checked facts, so the model does not say an item fits a request it misses.
    const fit = describeRequestFit(item, input.refinement, { offered: input.offered });
    const reception = describeReception(input.reception);
    const result = await this.model.generateObject({
      schema: explanationSchema,
      schemaName: 'explanation',
      temperature: 0,
      messages: [
        { role: 'system', content: 'You explain recommendations in two sentences, citing what the user said or rated. Answer with JSON only.' },
        {
          role: 'user',
          content: [
            `The user's profile:\n${describeProfile(input.profile)}`,
            `Their rated history:\n${describeHistory(input.history)}`,
            `The recommended item: ${titleWithYear(item)} [${item.tags.join(', ')}]${item.description ? `: ${item.description.slice(0, 500)}` : ''}`,
            `Name no genre for it but its own (${item.tags.join(', ') || 'none listed'}).`,
            input.refinement ? `They had asked for: "${input.refinement.phrase}"` : '',
            fit ? `Checked against that request: ${fit} Do not claim it fits a part it misses.` : '',
            reception ? `How it was received here: ${reception} Claim no other popularity.` : '',
            input.offered === false ? 'It was not among the items recommended to them: say what it is and how it relates to their taste, without saying it was recommended.' : 'Why does this item suit this user?',
          ]
            .filter(Boolean)
            .join('\n\n'),
        },
      ],
      ...(input.signal ? { signal: input.signal } : {}),
    });
    const explanation = result.object.explanation;
    const wrong = unsupportedGenres(explanation, item, input.genreStems);
    if (wrong.length > 0) {
      throw new PersonalabError('upstream_bad_response', `the LLM explanation of ${item.title} names ${wrong.join(', ')}, not among its genres (${item.tags.join(', ')})`, {
        details: { itemId: item.id, genres: wrong },
      });
    }
    return explanation;
  }
}
