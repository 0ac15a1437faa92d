import { type PersonalabConfig, type Responder, PersonalabError } from '@personalab/core';
import { createChatModelFromConfig, createEmbedderFromConfig } from '@personalab/llm';
import { HeuristicProfileExtractor, LlmProfileExtractor } from '@personalab/profile';
import { type ContextStrategy, offlineRetrievalEmbedder } from './responders/context-strategies.js';
import { EvidenceResponder, OptionPriorsResponder } from './responders/evidence-responder.js';
import { LlmResponder } from './responders/llm-responder.js';
import { LongestOptionResponder } from './responders/longest-option-responder.js';
import { MemoryResponder } from './responders/memory-responder.js';
import { RandomResponder } from './responders/random-responder.js';

/** `evidence` and `option-priors` are offline, with default weights fitted on the 270 pre-release dev questions. */
export const responderNames = ['random', 'longest-option', 'memory', 'llm', 'evidence', 'option-priors'] as const;
export type ResponderName = (typeof responderNames)[number];
export const strategyNames = ['full', 'truncate', 'retrieval', 'profile'] as const;
export type StrategyName = (typeof strategyNames)[number];
/** The profile strategy's extractors: `heuristic` (offline, the default) or `llm` (the configured chat model). */
export const extractorNames = ['heuristic', 'llm'] as const;
export type ExtractorName = (typeof extractorNames)[number];

export interface ResponderSpec {
  responder: ResponderName;
  /** For `llm`: what the model reads. Default `full`. */
  strategy?: StrategyName;
  /** Retrieval: messages retrieved. Default 5 (as the authors' baseline). */
  k?: number;
  /** Truncation budget in tokens. Default 16000. */
  maxTokens?: number;
  /**
   * Profile: who extracts the profile. `heuristic` (default) is offline and reproducible; `llm` is
   * `LlmProfileExtractor` on the responder's chat model (prompt `extract-v1`).
   */
  extractor?: ExtractorName;
  /** False for models without a system role. */
  systemRole?: boolean;
  seed?: number;
}

/** The random control's seed unless one is given: the experiment's (experiments/personamem/run.ts). */
export const defaultRandomSeed = 1;

/** Builds a responder by name; the LLM one needs an OpenAI-compatible endpoint in the config. */
export async function createResponder(spec: ResponderSpec, config: PersonalabConfig): Promise<Responder> {
  switch (spec.responder) {
    case 'random':
      // Seed 1 by default, the experiment's (experiments/personamem/run.ts): with 0 the CLI's random
      // control scored 0.246 on the released 32k set where the committed results say 0.231.
      return new RandomResponder({ seed: spec.seed ?? defaultRandomSeed });
    case 'longest-option':
      return new LongestOptionResponder();
    case 'memory':
      return new MemoryResponder();
    case 'evidence':
      return new EvidenceResponder();
    case 'option-priors':
      return new OptionPriorsResponder();
    case 'llm': {
      const model = createChatModelFromConfig(config);
      if (!model) throw new PersonalabError('config_error', 'the llm responder needs an OpenAI-compatible endpoint: set OPENAI_BASE_URL (and OPENAI_API_KEY, PERSONALAB_CHAT_MODEL)');
      let strategy: ContextStrategy;
      switch (spec.strategy ?? 'full') {
        case 'full':
          strategy = { kind: 'full' };
          break;
        case 'truncate':
          strategy = { kind: 'truncate', maxTokens: spec.maxTokens ?? 16_000 };
          break;
        case 'retrieval': {
          // The endpoint's embedding model when configured (PERSONALAB_EMBED_MODEL), else the offline hashing embedder;
          // the responder's name and `strategySettings` say which.
          const embedder = (await createEmbedderFromConfig(config)) ?? offlineRetrievalEmbedder();
          strategy = { kind: 'retrieval', k: spec.k ?? 5, embedder };
          break;
        }
        case 'profile':
          strategy = { kind: 'profile', extractor: (spec.extractor ?? 'heuristic') === 'llm' ? new LlmProfileExtractor({ model }) : new HeuristicProfileExtractor() };
          break;
      }
      return new LlmResponder({ model, strategy, ...(spec.systemRole === undefined ? {} : { systemRole: spec.systemRole }) });
    }
  }
}
