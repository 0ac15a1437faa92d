import type { ChatModel, ProfileExtractor } from '@personalab/core';
import { HeuristicProfileExtractor } from './heuristic-profile-extractor.js';
import { LlmProfileExtractor, type LlmProfileExtractorOptions } from './llm-profile-extractor.js';

export interface CreateProfileExtractorOptions extends Omit<LlmProfileExtractorOptions, 'model'> {
  /** A configured chat model; without one the offline heuristic extractor is used. */
  model?: ChatModel | undefined;
}

/** The LLM extractor when a model is configured, else the offline heuristic one. */
export function createProfileExtractor(options: CreateProfileExtractorOptions = {}): ProfileExtractor {
  const { model, ...rest } = options;
  return model ? new LlmProfileExtractor({ ...rest, model }) : new HeuristicProfileExtractor();
}
