import type { PersonalabConfig } from '@personalab/core';
import { createConcurrencyLimiter, type ConcurrencyLimiter } from './concurrency-limiter.js';
import { openLlmCache, type LlmCache } from './llm-cache.js';
import { DEFAULT_BASE_URL, OpenAIChatModel, normalizeBaseURL, type OpenAIClientOptions, type OpenAIChatModelOptions } from './openai-chat-model.js';
import { createOpenAIEmbedder, type OpenAIEmbedder, type OpenAIEmbedderOptions } from './openai-embedder.js';
import { UsageTracker } from './usage-tracker.js';

/** Totals of every model built from config in this process: print it at the end of a run. */
export const runUsage = new UsageTracker();

const limiters = new Map<string, ConcurrencyLimiter>();

/**
 * One limiter per endpoint per process, so all callers of a server share its concurrency limit.
 * The key is the URL actually called (trailing slashes dropped, as the client does). The first
 * caller's `limit` wins: a later, different limit for the same endpoint gets the existing
 * limiter (its `limit` says which), since two limiters would let the endpoint see their sum.
 */
export function sharedLimiter(baseURL: string, limit: number): ConcurrencyLimiter {
  const key = normalizeBaseURL(baseURL);
  let limiter = limiters.get(key);
  if (!limiter) {
    limiter = createConcurrencyLimiter(limit);
    limiters.set(key, limiter);
  }
  return limiter;
}

type LlmConfig = PersonalabConfig['llm'];

function llmPart(config: PersonalabConfig | LlmConfig): { llm: LlmConfig; stateDir: string } {
  return 'llm' in config ? { llm: config.llm, stateDir: config.stateDir } : { llm: config, stateDir: '.personalab' };
}

/**
 * The client options config implies: endpoint, retries, timeout, shared limiter, run usage, cache. With
 * `overrides`, the limiter is the one of the endpoint actually called (`overrides.baseURL` when given), sized by
 * `overrides.concurrency` when given, unless `overrides.limiter` is passed; the overrides themselves are not merged in.
 */
export function clientOptionsFromConfig(config: PersonalabConfig | LlmConfig, overrides: Partial<OpenAIClientOptions> = {}): OpenAIClientOptions {
  const { llm, stateDir } = llmPart(config);
  const baseURL = overrides.baseURL ?? llm.baseURL ?? DEFAULT_BASE_URL;
  let cache: LlmCache | undefined;
  // Opening creates nothing: the file appears with the first recorded answer, so read mode never makes an empty one.
  if (llm.cacheMode !== 'off') cache = openLlmCache(llm.cachePath ?? `${stateDir}/llm-cache.sqlite`);
  return {
    baseURL,
    apiKey: llm.apiKey,
    timeoutMs: llm.timeoutMs,
    maxRetries: llm.maxRetries,
    limiter: overrides.limiter ?? sharedLimiter(baseURL, overrides.concurrency ?? llm.concurrency),
    usage: runUsage,
    cache,
    cacheMode: llm.cacheMode,
  };
}

/**
 * The configured chat model, or `undefined` when no endpoint is configured (no
 * `OPENAI_BASE_URL` / `OPENAI_API_KEY`), in which case callers use their offline algorithm.
 */
export function createChatModelFromConfig(
  config: PersonalabConfig | LlmConfig,
  overrides: Partial<OpenAIChatModelOptions> = {},
): OpenAIChatModel | undefined {
  const { llm } = llmPart(config);
  // A read-mode cache replays without an endpoint, so it counts as configured.
  if (!llm.enabled && llm.cacheMode !== 'read') return undefined;
  return new OpenAIChatModel({ ...clientOptionsFromConfig(config, overrides), model: llm.chatModel, ...overrides });
}

/**
 * The configured embedder (asks the server its dimension unless given), or `undefined` when no
 * endpoint or no `PERSONALAB_EMBED_MODEL` is configured.
 */
export async function createEmbedderFromConfig(
  config: PersonalabConfig | LlmConfig,
  overrides: Partial<OpenAIEmbedderOptions> = {},
): Promise<OpenAIEmbedder | undefined> {
  const { llm } = llmPart(config);
  const model = overrides.model ?? llm.embedModel;
  if (model === undefined || (!llm.enabled && llm.cacheMode !== 'read')) return undefined;
  return createOpenAIEmbedder({ ...clientOptionsFromConfig(config, overrides), model, ...overrides });
}
