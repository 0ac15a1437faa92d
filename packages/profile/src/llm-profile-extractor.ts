import {
  emptyProfile,
  PersonalabError,
  type BigFive,
  type ChatModel,
  type ExtractOptions,
  type Message,
  type Profile,
  type ProfileExtractor,
  type TokenUsage,
} from '@personalab/core';
import { isConfigurationError } from '@personalab/llm';
import { checkExtractInput } from './extract-input.js';
import { updateStyle } from './heuristic/style.js';
import { chunkMessages } from './llm/chunking.js';
import { citedEvidence, extractionSchema, type ChunkExtraction } from './llm/extraction-schema.js';
import { loadPromptTemplate, renderPrompt, type PromptTemplate } from './llm/prompt-template.js';
import { applyObservations } from './merge/apply-observations.js';
import { inTimeOrder } from './time-order.js';
import type { ProfileObservation } from './merge/observation.js';
import { describePreference } from './profile-statements.js';

export interface LlmProfileExtractorOptions {
  model: ChatModel;
  /** Estimated tokens of conversation per request (default 3,000). */
  chunkTokenBudget?: number;
  /** Prompt file name under `prompts/` (default `extract-v1`), or a loaded template. */
  prompt?: string | PromptTemplate;
  /** Most profile items shown to the model as "profile so far" (default 60, newest first). */
  maxPreviousItems?: number;
  temperature?: number;
  seed?: number;
  /**
   * What a chunk whose extraction fails for a reason of its own (no valid reply after the
   * model's repairs, an upstream error after its retries, a prompt over the context length)
   * does. `'throw'` (default): `extract` throws, so a caller that stores the profile stores
   * nothing and a retry redoes every chunk. `'skip'`: the other chunks are still merged and the
   * failure is listed in `lastStats.failedChunks`; for evaluation runs, not for a stored profile,
   * since the returned profile's `updatedAt` passes the skipped messages.
   */
  onChunkFailure?: 'throw' | 'skip';
}

/** A chunk whose extraction failed (with `onChunkFailure: 'skip'`, the others were still merged). */
export interface FailedChunk {
  /** 0-based position among the chunks that had user messages. */
  index: number;
  /** The user message ids of the chunk (an id repeats when a long message was split). */
  messageIds: string[];
  code: string;
  message: string;
}

/** What the last `extract` call cost, and what it could not use. */
export interface LlmExtractionStats {
  /** Chunks with user messages (each one request to `generateObject`). */
  chunks: number;
  /** Requests sent to the model: attempts of fresh answers; a cache replay sends none. */
  requests: number;
  /** Tokens of fresh answers (a replay spends none). */
  usage: TokenUsage;
  /** Chunks answered from the model's record/replay cache. */
  cachedChunks?: number;
  /** Items dropped because their evidence was missing or cited a message not a user message of their chunk. */
  droppedItems?: number;
  /** Chunks whose extraction failed (see `LlmProfileExtractor.extract` and `onChunkFailure`). */
  failedChunks?: FailedChunk[];
}

/**
 * Error codes that may concern one chunk (its reply, its size, a flaky upstream). Anything else
 * (cancelled, credentials, a read-mode cache miss), and a configuration error under these codes
 * (HTTP 400/404/422 not about the context length: `isConfigurationError`), stops the run.
 */
const chunkErrorCodes = new Set(['upstream_bad_response', 'upstream_error', 'upstream_timeout', 'rate_limited', 'payload_too_large']);

const maxQuote = 2000;

/**
 * Profile extraction by a language model: the history is cut into chunks by a token budget,
 * each chunk is extracted with `generateObject` against a zod schema (citations restricted to
 * the chunk's user message ids) and merged into the profile so far, so later chunks update
 * earlier beliefs. Style is measured exactly, as the heuristic extractor does.
 */
export class LlmProfileExtractor implements ProfileExtractor {
  readonly name: string;
  readonly prompt: PromptTemplate;
  private readonly model: ChatModel;
  private readonly chunkTokenBudget: number;
  private readonly maxPreviousItems: number;
  private readonly temperature: number;
  private readonly seed: number | undefined;
  private readonly onChunkFailure: 'throw' | 'skip';
  lastStats: LlmExtractionStats = emptyStats();

  constructor(options: LlmProfileExtractorOptions) {
    this.model = options.model;
    this.prompt = typeof options.prompt === 'object' ? options.prompt : loadPromptTemplate(options.prompt ?? 'extract-v1');
    this.chunkTokenBudget = options.chunkTokenBudget ?? 3000;
    if (!(this.chunkTokenBudget > 0)) throw new PersonalabError('invalid_argument', 'chunkTokenBudget must be positive');
    this.maxPreviousItems = options.maxPreviousItems ?? 60;
    this.temperature = options.temperature ?? 0;
    this.seed = options.seed;
    this.onChunkFailure = options.onChunkFailure ?? 'throw';
    this.name = `llm:${this.model.modelId}:${this.prompt.id}`;
  }

  /**
   * Extracts chunk by chunk. An item whose evidence is missing or cites anything but a user
   * message of its chunk is dropped (counted in `lastStats.droppedItems`). A chunk whose
   * extraction fails for a reason of its own (no valid reply after repairs, an upstream error
   * after retries, a prompt over the context length) is listed in `lastStats.failedChunks` and,
   * by default, thrown: nothing partial is returned. With `onChunkFailure: 'skip'` the other
   * chunks are still merged and only when every chunk failed is the first failure thrown. Errors
   * that would fail every chunk (cancelled, credentials, a wrong base URL or model name, a
   * read-mode cache miss) are thrown at once either way. The input is checked first
   * (`checkExtractInput`: unique message ids, valid times, a user id agreeing with `previous`).
   */
  async extract(messages: readonly Message[], options: ExtractOptions = {}): Promise<Profile> {
    const userId = checkExtractInput(messages, options);
    const ordered = inTimeOrder(messages.filter((message) => message.role !== 'system'), options.previous?.updatedAt);
    let profile = options.previous ?? emptyProfile(userId, 0);
    const stats: Required<LlmExtractionStats> = emptyStats();
    this.lastStats = stats;
    let firstFailure: unknown;
    for (const chunk of chunkMessages(ordered, this.chunkTokenBudget)) {
      if (options.signal?.aborted) throw new PersonalabError('cancelled', 'profile extraction was cancelled');
      const userMessages = chunk.filter((message) => message.role === 'user');
      const [firstId, ...otherIds] = userMessages.map((message) => message.id);
      if (firstId === undefined) continue;
      const chunkIndex = stats.chunks++;
      let result;
      try {
        result = await this.model.generateObject({
        messages: [
          { role: 'system', content: this.prompt.system },
          {
            role: 'user',
            content: renderPrompt(this.prompt, {
              previous_profile: this.describeProfile(profile),
              message_ids: [firstId, ...otherIds].join(', '),
              messages: chunk.map((message) => `[${message.id}] ${message.role === 'user' ? 'USER' : 'OTHER'}: ${message.content}`).join('\n'),
            }),
          },
        ],
        schema: extractionSchema([firstId, ...otherIds]),
        schemaName: 'profile_extraction',
        temperature: this.temperature,
        ...(this.seed === undefined ? {} : { seed: this.seed }),
        ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        if (!PersonalabError.is(error) || !chunkErrorCodes.has(error.code) || isConfigurationError(error) || options.signal?.aborted) throw error;
        stats.failedChunks.push({ index: chunkIndex, messageIds: [firstId, ...otherIds], code: error.code, message: error.message });
        if (this.onChunkFailure === 'throw') throw error;
        firstFailure ??= error;
        continue;
      }
      if (result.cached) stats.cachedChunks++;
      else {
        stats.requests += result.attempts;
        stats.usage.promptTokens += result.usage.promptTokens;
        stats.usage.completionTokens += result.usage.completionTokens;
        stats.usage.totalTokens += result.usage.totalTokens;
      }
      const merged = this.merge(profile, result.object, new Map(userMessages.map((message) => [message.id, message])));
      profile = merged.profile;
      stats.droppedItems += merged.dropped;
    }
    if (firstFailure !== undefined && stats.failedChunks.length === stats.chunks) throw firstFailure;
    const userMessages = ordered.filter((message) => message.role === 'user');
    const base = options.previous ?? emptyProfile(userId, 0);
    return {
      ...profile,
      version: base.version + 1,
      updatedAt: Math.max(profile.updatedAt, userMessages.at(-1)?.timestamp ?? 0),
      style: updateStyle(base.style, userMessages),
    };
  }

  /** The profile so far, compactly, newest items first, for the prompt. */
  private describeProfile(profile: Profile): string {
    const lines = [
      ...profile.facts.map((fact) => ({ at: fact.lastUpdated, text: `fact (${fact.key}): ${fact.value}` })),
      ...profile.preferences.map((preference) => ({
        at: preference.lastUpdated,
        text: `preference: ${preference.subject} = ${preference.polarity} ${preference.strength.toFixed(2)}${describePreference(preference) ? '' : ' (current state unknown)'}`,
      })),
      ...profile.goals.map((goal) => ({ at: goal.lastUpdated, text: `goal (${goal.status}): ${goal.description}` })),
    ];
    if (lines.length === 0) return '(empty)';
    return lines
      .sort((a, b) => b.at - a.at)
      .slice(0, this.maxPreviousItems)
      .map((line) => `- ${line.text}`)
      .join('\n');
  }

  /** Merges one chunk's items; those without valid evidence are dropped and counted. */
  private merge(profile: Profile, raw: ChunkExtraction, byId: ReadonlyMap<string, Message>): { profile: Profile; dropped: number } {
    const userIds = new Set(byId.keys());
    let dropped = 0;
    const keep = <T extends { message_ids: string[] }>(items: readonly T[]): T[] =>
      items.flatMap((item) => {
        const ids = citedEvidence(item.message_ids, userIds);
        if (!ids) {
          dropped++;
          return [];
        }
        return [{ ...item, message_ids: ids }];
      });
    const extraction: ChunkExtraction = { facts: keep(raw.facts), preferences: keep(raw.preferences), goals: keep(raw.goals), personality: keep(raw.personality) };
    const evidenceFor = (ids: readonly string[]) =>
      ids.map((id) => {
        const message = byId.get(id) as Message; // `keep` only admits user message ids of this chunk
        return { messageId: id, quote: message.content.slice(0, maxQuote), timestamp: message.timestamp };
      });
    const timeOf = (ids: readonly string[]) => Math.max(...ids.map((id) => byId.get(id)?.timestamp ?? 0));
    const observations: ProfileObservation[] = [];
    for (const fact of extraction.facts) {
      observations.push({ kind: 'fact', key: fact.key.toLowerCase(), value: fact.statement.trim(), confidence: fact.confidence, evidence: evidenceFor(fact.message_ids), timestamp: timeOf(fact.message_ids) });
    }
    // Past states first, so "used to love x" and "now hates x" in one chunk become history then current.
    const preferences = [...extraction.preferences].sort((a, b) => (a.tense === b.tense ? timeOf(a.message_ids) - timeOf(b.message_ids) : a.tense === 'past' ? -1 : 1));
    for (const preference of preferences) {
      observations.push({
        kind: 'preference',
        subject: preference.subject.trim(),
        ...(preference.category ? { category: preference.category } : {}),
        polarity: preference.polarity,
        strength: preference.strength,
        tense: preference.tense,
        ...(preference.reason ? { reason: preference.reason } : {}),
        evidence: evidenceFor(preference.message_ids),
        timestamp: timeOf(preference.message_ids),
      });
    }
    for (const goal of extraction.goals) {
      observations.push({ kind: 'goal', description: goal.description.trim(), status: goal.status, evidence: evidenceFor(goal.message_ids), timestamp: timeOf(goal.message_ids) });
    }
    const merged = applyObservations(profile, observations);
    const personality: BigFive = { ...merged.personality };
    for (const estimate of extraction.personality) {
      const previous = personality[estimate.trait];
      // Combine with what was known, weighting each estimate by its confidence.
      const weight = previous.score === null ? 0 : previous.confidence;
      const total = weight + estimate.confidence;
      personality[estimate.trait] = {
        score: total === 0 ? estimate.score : ((previous.score ?? 0) * weight + estimate.score * estimate.confidence) / total,
        confidence: Math.min(1, Math.max(previous.confidence, estimate.confidence)),
        evidence: [...previous.evidence, ...evidenceFor(estimate.message_ids)].slice(-20),
      };
    }
    return { profile: { ...merged, personality }, dropped };
  }
}

function emptyStats(): Required<LlmExtractionStats> {
  return { chunks: 0, requests: 0, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, cachedChunks: 0, droppedItems: 0, failedChunks: [] };
}
