import OpenAI, { APIUserAbortError } from 'openai';
import { z } from 'zod';
import {
  PersonalabError,
  formatZodError,
  systemClock,
  type CacheMode,
  type ChatMessage,
  type ChatModel,
  type Clock,
  type FinishReason,
  type GenerateObjectOptions,
  type GenerateObjectResult,
  type GenerateOptions,
  type GenerateResult,
  type TokenUsage,
} from '@personalab/core';
import { createConcurrencyLimiter, type ConcurrencyLimiter } from './concurrency-limiter.js';
import { describeFailure, jsonCandidates } from './json-extraction.js';
import { responseJsonSchema } from './json-schema.js';
import { throughCache, type CacheSettings, type LlmCache } from './llm-cache.js';
import { realSleep, withRetries, type RetryPolicy, type Sleep } from './retry.js';
import { isConnectionLoss, toPersonalabError } from './upstream-errors.js';
import { UsageTracker, addUsage, zeroUsage, type UsageTotals } from './usage-tracker.js';

/** How `generateObject` asks for JSON: the server's schema enforcement, JSON mode, or words only. */
export type StructuredOutputMode = 'json_schema' | 'json_object' | 'prompt';

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** Options shared by the chat model and the embedder. */
export interface OpenAIClientOptions {
  /** Endpoint root including `/v1`, e.g. `http://127.0.0.1:8000/v1` (vLLM), `http://127.0.0.1:11434/v1` (Ollama). */
  baseURL?: string | undefined;
  /** Sent as a bearer token; local servers ignore it. */
  apiKey?: string | undefined;
  /**
   * Per-request timeout (each retry gets its own). Default 60 s. For a stream it is an idle
   * limit: the first chunk and each later one must arrive within it, so a long stream that
   * keeps sending is never cut.
   */
  timeoutMs?: number;
  /** Retries after the first attempt on 408/409/429/5xx/network errors/timeouts. Default 4. */
  maxRetries?: number;
  /** First backoff delay; doubles each retry, with jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Cap on one backoff delay. Default 30 s. */
  maxDelayMs?: number;
  /** A server asking to wait longer than this fails at once. Default 120 s. */
  maxRetryAfterMs?: number;
  /** Requests in flight at once, when no `limiter` is given. Default 8. */
  concurrency?: number;
  /** A limiter shared with other models that hit the same server. */
  limiter?: ConcurrencyLimiter;
  /** Totals for the run; share one tracker between models to total them together. */
  usage?: UsageTracker;
  /** Record/replay cache and its mode (`off` unless both are given). */
  cache?: LlmCache | undefined;
  cacheMode?: CacheMode;
  /** Extra HTTP headers on every request. */
  headers?: Record<string, string>;
  /** Test seams: waiting between retries, the clock for HTTP-date Retry-After, jitter. */
  sleep?: Sleep;
  clock?: Clock;
  random?: () => number;
}

export interface OpenAIChatModelOptions extends OpenAIClientOptions {
  /** Provider-side model name, e.g. `gpt-4o-mini`, `Qwen/Qwen2.5-7B-Instruct`, `llama3.1`. */
  model: string;
  /** Default `json_schema`; falls back to `json_object` then `prompt` when the server answers 400. */
  structuredOutput?: StructuredOutputMode;
  /** Extra replies asked for after one fails validation. Default 2 (3 attempts in all). */
  maxRepairs?: number;
  /** Some OpenAI models only accept `max_completion_tokens`. Default `max_tokens`. */
  maxTokensParameter?: 'max_tokens' | 'max_completion_tokens';
}

export interface StreamTextOptions extends GenerateOptions {
  /** Called with each piece of text as it arrives (once with the whole text on a cache hit). */
  onDelta: (delta: string) => void;
}

/** The parts of a completions response we use, validated (servers vary). */
const completionSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z
    .object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative(), total_tokens: z.number().int().nonnegative().optional() })
    .nullish(),
});

const chunkSchema = z.object({
  choices: z.array(z.object({ delta: z.object({ content: z.string().nullish() }).nullish(), finish_reason: z.string().nullish() })).optional(),
  usage: completionSchema.shape.usage,
});

const generateResultSchema = z.object({
  text: z.string(),
  finishReason: z.enum(['stop', 'length', 'content_filter', 'tool_calls', 'other']),
  usage: z.object({ promptTokens: z.number(), completionTokens: z.number(), totalTokens: z.number() }),
});

const objectRecordSchema = z.object({ text: z.string(), usage: generateResultSchema.shape.usage, attempts: z.number().int().positive() });

type ChatBody = Record<string, unknown> & { model: string; messages: ChatMessage[] };

function finishReasonOf(value: string | null | undefined): FinishReason {
  if (value === 'stop' || value === 'length' || value === 'content_filter' || value === 'tool_calls') return value;
  // llama.cpp and some proxies say `eos`/`stop_sequence`; a missing value means the server did not say.
  return value === 'eos' || value === 'stop_sequence' || value === null || value === undefined ? 'stop' : 'other';
}

function usageOf(usage: z.infer<typeof completionSchema>['usage']): TokenUsage {
  if (!usage) return zeroUsage();
  return { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens, totalTokens: usage.total_tokens ?? usage.prompt_tokens + usage.completion_tokens };
}

/** The base URL as requests use it: without trailing slashes. */
export function normalizeBaseURL(baseURL: string): string {
  return baseURL.trim().replace(/\/+$/, '');
}

/** What one attempt of `OpenAIEndpoint.send` can see of its own timeout. */
export interface AttemptControl {
  /** Restarts the timeout (idle mode: call it whenever the server sent something). */
  touch(): void;
  /** Whether our timeout (not the caller) aborted the attempt. */
  readonly timedOut: boolean;
}

/** The shared plumbing of an OpenAI-compatible client: retries, timeout, limiter, usage, cache. */
export class OpenAIEndpoint {
  readonly baseURL: string;
  readonly client: OpenAI;
  readonly limiter: ConcurrencyLimiter;
  readonly tracker: UsageTracker;
  readonly policy: RetryPolicy;
  readonly timeoutMs: number;
  readonly cacheSettings: CacheSettings | undefined;

  constructor(options: OpenAIClientOptions) {
    this.baseURL = normalizeBaseURL(options.baseURL ?? DEFAULT_BASE_URL);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    // Always pass baseURL and apiKey: left undefined, the SDK would read process.env itself.
    this.client = new OpenAI({
      baseURL: this.baseURL,
      apiKey: options.apiKey ?? 'not-needed',
      maxRetries: 0, // ours are the only retries
      timeout: this.timeoutMs + 1_000, // ours fires first, so the error names our limit
      ...(options.headers ? { defaultHeaders: options.headers } : {}),
    });
    this.limiter = options.limiter ?? createConcurrencyLimiter(options.concurrency ?? 8);
    this.tracker = options.usage ?? new UsageTracker();
    this.policy = {
      maxRetries: options.maxRetries ?? 4,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 120_000,
      sleep: options.sleep ?? realSleep,
      clock: options.clock ?? systemClock,
      random: options.random ?? Math.random,
    };
    this.cacheSettings = options.cache && options.cacheMode && options.cacheMode !== 'off' ? { cache: options.cache, mode: options.cacheMode } : undefined;
  }

  /**
   * Sends one logical request: each attempt waits for a limiter slot, gets its own timeout,
   * and failures become `PersonalabError`s that are retried when retryable. With `idle`, the
   * timeout restarts whenever the attempt calls `control.touch()` (streams).
   * Failures are not counted here: a public call counts one when it finally fails (`track`).
   */
  async send<T>(
    request: (signal: AbortSignal, control: AttemptControl) => Promise<T>,
    signal: AbortSignal | undefined,
    options: { idle?: boolean } = {},
  ): Promise<T> {
    return withRetries(
      () =>
        this.limiter.run(async () => {
          this.tracker.count('requests');
          const controller = new AbortController();
          const abort = { timedOut: false, timeoutMs: this.timeoutMs, idle: options.idle ?? false };
          const fire = () => {
            if (controller.signal.aborted) return;
            abort.timedOut = true;
            controller.abort(new Error('timeout'));
          };
          let timer = setTimeout(fire, this.timeoutMs);
          const control: AttemptControl = {
            touch: () => {
              if (!options.idle || controller.signal.aborted) return;
              clearTimeout(timer);
              timer = setTimeout(fire, this.timeoutMs);
            },
            get timedOut() {
              return abort.timedOut;
            },
          };
          const onCallerAbort = () => controller.abort(signal?.reason);
          if (signal?.aborted) onCallerAbort();
          else signal?.addEventListener('abort', onCallerAbort, { once: true });
          try {
            return await request(controller.signal, control);
          } catch (error) {
            throw toPersonalabError(error, this.baseURL, abort);
          } finally {
            clearTimeout(timer);
            signal?.removeEventListener('abort', onCallerAbort);
          }
        }, signal),
      this.policy,
      { signal, onRetry: () => this.tracker.count('retries') },
    );
  }

  /**
   * Runs one public call, counting one failure if it finally throws (however many requests it made), or one cancelled
   * call when the caller's signal stopped it: an interrupted run's calls are not the endpoint's failures.
   */
  async track<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      this.tracker.count(PersonalabError.is(error, 'cancelled') ? 'cancelled' : 'failures');
      throw error;
    }
  }
}

/**
 * `ChatModel` over any OpenAI-compatible chat completions endpoint (OpenAI, vLLM, llama.cpp
 * server, Ollama), with retries, a per-request timeout, a shared concurrency limit, usage
 * totals, structured output validated by zod, and a record/replay cache.
 */
export class OpenAIChatModel implements ChatModel {
  readonly modelId: string;
  private readonly endpoint: OpenAIEndpoint;
  private readonly requestedMode: StructuredOutputMode;
  /** Downgraded for the model's lifetime once the server rejects a `response_format`. */
  private structuredMode: StructuredOutputMode;
  private readonly maxRepairs: number;
  private readonly maxTokensParameter: 'max_tokens' | 'max_completion_tokens';
  /** Cleared once the server rejects `stream_options.include_usage`. */
  private streamUsage = true;

  constructor(options: OpenAIChatModelOptions) {
    if (options.model.trim() === '') throw new PersonalabError('invalid_argument', 'OpenAIChatModel needs a model name');
    this.modelId = options.model;
    this.endpoint = new OpenAIEndpoint(options);
    this.requestedMode = options.structuredOutput ?? 'json_schema';
    this.structuredMode = this.requestedMode;
    this.maxRepairs = options.maxRepairs ?? 2;
    this.maxTokensParameter = options.maxTokensParameter ?? 'max_tokens';
  }

  get baseURL(): string {
    return this.endpoint.baseURL;
  }

  get limiter(): ConcurrencyLimiter {
    return this.endpoint.limiter;
  }

  /** The tracker this model adds to (shared when one was passed in). */
  get tracker(): UsageTracker {
    return this.endpoint.tracker;
  }

  /** Usage totals so far. */
  get usage(): UsageTotals {
    return this.endpoint.tracker.snapshot();
  }

  /** The structured-output mode in use now (after any fallback). */
  get structuredOutput(): StructuredOutputMode {
    return this.structuredMode;
  }

  generate(options: GenerateOptions): Promise<GenerateResult> {
    return this.endpoint.track(() => this.generateUntracked(options));
  }

  private async generateUntracked(options: GenerateOptions): Promise<GenerateResult> {
    const body = this.body(options);
    const { value, cached } = await throughCache(
      this.endpoint.cacheSettings,
      { kind: 'chat', model: this.modelId, request: body },
      generateCodec,
      () => this.complete(body, options.signal),
    );
    if (cached) this.endpoint.tracker.count('cacheHits');
    return cached ? { ...value, cached: true } : value;
  }

  /** Like `generate`, but streams: `onDelta` sees the text as it arrives. Retries only before the first piece. */
  streamText(options: StreamTextOptions): Promise<GenerateResult> {
    return this.endpoint.track(() => this.streamTextUntracked(options));
  }

  private async streamTextUntracked(options: StreamTextOptions): Promise<GenerateResult> {
    const body = this.body(options);
    const { value, cached } = await throughCache(
      this.endpoint.cacheSettings,
      { kind: 'chat', model: this.modelId, request: body },
      generateCodec,
      () => this.completeStreaming(body, options.onDelta, options.signal),
    );
    if (cached) {
      this.endpoint.tracker.count('cacheHits');
      options.onDelta(value.text);
      return { ...value, cached: true };
    }
    return value;
  }

  generateObject<T>(options: GenerateObjectOptions<T>): Promise<GenerateObjectResult<T>> {
    return this.endpoint.track(() => this.generateObjectUntracked(options));
  }

  private async generateObjectUntracked<T>(options: GenerateObjectOptions<T>): Promise<GenerateObjectResult<T>> {
    const jsonSchema = responseJsonSchema(options.schema);
    const schemaName = (options.schemaName ?? 'response').replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'response';
    const base = this.body(options);
    const { value, cached } = await throughCache(
      this.endpoint.cacheSettings,
      {
        kind: 'object',
        model: this.modelId,
        // The requested mode, not the fallen-back one, so a replay finds what a degraded run recorded.
        request: { ...base, schema: jsonSchema?.schema ?? null, schemaName, structuredOutput: this.requestedMode, maxRepairs: this.maxRepairs },
      },
      objectCodec(options.schema, schemaName),
      () => this.objectWithRepairs(options, base, jsonSchema, schemaName),
    );
    if (cached) this.endpoint.tracker.count('cacheHits');
    return { object: value.object, usage: value.usage, attempts: value.attempts, ...(cached ? { cached: true } : {}) };
  }

  private body(options: GenerateOptions | Omit<GenerateOptions, 'stop'>): ChatBody {
    const body: ChatBody = {
      model: this.modelId,
      messages: options.messages.map((message) => ({ role: message.role, content: message.content })),
    };
    if (options.temperature !== undefined) body.temperature = options.temperature;
    if (options.maxTokens !== undefined) body[this.maxTokensParameter] = options.maxTokens;
    if (options.seed !== undefined) body.seed = options.seed;
    if ('stop' in options && options.stop !== undefined && options.stop.length > 0) body.stop = [...options.stop];
    return body;
  }

  private complete(body: ChatBody, signal: AbortSignal | undefined): Promise<GenerateResult> {
    return this.endpoint.send(async (requestSignal) => {
      const response: unknown = await this.endpoint.client.chat.completions.create(body as never, { signal: requestSignal, maxRetries: 0 });
      const parsed = completionSchema.safeParse(response);
      if (!parsed.success) {
        throw new PersonalabError('upstream_bad_response', `${this.baseURL} sent a completion of unexpected shape: ${formatZodError(parsed.error)}`, {
          isRetryable: true,
        });
      }
      const choice = parsed.data.choices[0] as (typeof parsed.data.choices)[number];
      const usage = usageOf(parsed.data.usage);
      this.endpoint.tracker.addTokens(usage);
      return { text: choice.message.content ?? '', finishReason: finishReasonOf(choice.finish_reason), usage };
    }, signal);
  }

  private async completeStreaming(body: ChatBody, onDelta: (delta: string) => void, signal: AbortSignal | undefined): Promise<GenerateResult> {
    if (!this.streamUsage) return this.streamOnce(body, onDelta, signal, false);
    try {
      return await this.streamOnce(body, onDelta, signal, true);
    } catch (error) {
      // Some servers reject `stream_options`: try once without it, and only if that works stop
      // asking for usage (a 400 for another reason, e.g. the context length, fails again).
      if (!PersonalabError.is(error) || error.details.status !== 400) throw error;
      const result = await this.streamOnce(body, onDelta, signal, false);
      this.streamUsage = false;
      return result;
    }
  }

  /**
   * One streamed request. It resolves only for a complete reply (the server sent a finish
   * reason); an abort (the SDK's iterator then ends quietly), our idle timeout or a stream cut
   * short is an error, retryable only while no text has reached `onDelta`.
   */
  private streamOnce(body: ChatBody, onDelta: (delta: string) => void, signal: AbortSignal | undefined, includeUsage: boolean): Promise<GenerateResult> {
    return this.endpoint.send(
      async (requestSignal, control) => {
        let emitted = false;
        let text = '';
        let finishReason: FinishReason | undefined;
        let usage = zeroUsage();
        try {
          const stream = await this.endpoint.client.chat.completions.create(
            { ...body, stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) } as never,
            { signal: requestSignal, maxRetries: 0 },
          );
          control.touch();
          for await (const rawChunk of stream as unknown as AsyncIterable<unknown>) {
            control.touch();
            const chunk = chunkSchema.safeParse(rawChunk);
            if (!chunk.success) {
              throw new PersonalabError('upstream_bad_response', `${this.baseURL} sent a stream chunk of unexpected shape: ${formatZodError(chunk.error)}`, {
                isRetryable: true,
              });
            }
            for (const choice of chunk.data.choices ?? []) {
              const delta = choice.delta?.content;
              if (delta) {
                text += delta;
                emitted = true;
                onDelta(delta);
              }
              if (choice.finish_reason) finishReason = finishReasonOf(choice.finish_reason);
            }
            if (chunk.data.usage) usage = usageOf(chunk.data.usage);
          }
          // The SDK's iterator returns quietly when the request is aborted: that is no reply.
          if (requestSignal.aborted) throw new APIUserAbortError();
          if (finishReason === undefined) {
            throw new PersonalabError('upstream_bad_response', `${this.baseURL} ended the stream without a finish reason (the reply was cut short)`, {
              isRetryable: true,
            });
          }
          this.endpoint.tracker.addTokens(usage);
          return { text, finishReason, usage };
        } catch (error) {
          // The finish reason came, then the connection broke (before the usage chunk or [DONE]): the text is whole.
          if (finishReason !== undefined && !requestSignal.aborted && isConnectionLoss(error)) {
            this.endpoint.tracker.addTokens(usage);
            return { text, finishReason, usage };
          }
          const wrapped = toPersonalabError(error, this.baseURL, { timedOut: control.timedOut, timeoutMs: this.endpoint.timeoutMs, idle: true });
          if (!emitted) throw wrapped;
          // The caller has already seen part of the text; a retry would repeat it.
          throw new PersonalabError(wrapped.code, `${wrapped.message} (after part of the stream was delivered)`, {
            cause: error,
            isRetryable: false,
            details: wrapped.details,
          });
        }
      },
      signal,
      { idle: true },
    );
  }

  private async objectWithRepairs<T>(
    options: GenerateObjectOptions<T>,
    base: ChatBody,
    jsonSchema: ReturnType<typeof responseJsonSchema>,
    schemaName: string,
  ): Promise<ObjectRecord<T>> {
    const conversation: ChatMessage[] = [...base.messages];
    let usage = zeroUsage();
    let problem = '';
    let lastReply = '';
    const totalAttempts = this.maxRepairs + 1;
    for (let attempt = 1; attempt <= totalAttempts; attempt++) {
      const result = await this.completeStructured(base, conversation, jsonSchema, schemaName, options.signal);
      usage = addUsage(usage, result.usage);
      lastReply = result.text;
      if (result.finishReason === 'length') {
        problem = 'the reply was cut off by the token limit before the JSON was complete';
      } else {
        const parsed = parseObject(result.text, options.schema);
        if (parsed.ok) return { text: result.text, usage, attempts: attempt, object: parsed.value };
        problem = parsed.problem;
      }
      if (attempt < totalAttempts) {
        this.endpoint.tracker.count('repairs');
        conversation.push(
          { role: 'assistant', content: result.text },
          { role: 'user', content: `That reply was not valid: ${problem}. Reply again with only the corrected JSON value, no other text.` },
        );
      }
    }
    throw new PersonalabError(
      'upstream_bad_response',
      `model ${this.modelId} gave no reply matching schema "${schemaName}" in ${totalAttempts} attempts; last problem: ${problem}`,
      { details: { schemaName, attempts: totalAttempts, problem, lastReply: lastReply.slice(0, 2_000) } },
    );
  }

  /**
   * One structured request. When the server rejects the `response_format` (400/422), the same
   * request is tried in the next mode (json_schema → json_object → prompt); the model keeps the
   * mode that worked. If every mode is rejected the problem was not the format: the mode stays
   * and the error of the plainest request is thrown.
   */
  private async completeStructured(
    base: ChatBody,
    conversation: readonly ChatMessage[],
    jsonSchema: ReturnType<typeof responseJsonSchema>,
    schemaName: string,
    signal: AbortSignal | undefined,
  ): Promise<GenerateResult> {
    const order: StructuredOutputMode[] = ['json_schema', 'json_object', 'prompt'];
    let mode: StructuredOutputMode = this.structuredMode === 'json_schema' && !jsonSchema ? 'json_object' : this.structuredMode;
    while (true) {
      const body: ChatBody = { ...base, messages: withJsonInstruction(conversation, mode, jsonSchema?.schema) };
      if (mode === 'json_schema' && jsonSchema) {
        body.response_format = { type: 'json_schema', json_schema: { name: schemaName, schema: jsonSchema.schema, strict: jsonSchema.strictCompatible } };
      } else if (mode === 'json_object') {
        body.response_format = { type: 'json_object' };
      }
      try {
        const result = await this.complete(body, signal);
        if (order.indexOf(mode) > order.indexOf(this.structuredMode)) this.structuredMode = mode;
        return result;
      } catch (error) {
        const rejected = PersonalabError.is(error) && (error.details.status === 400 || error.details.status === 422);
        if (!rejected || mode === 'prompt') throw error;
        mode = mode === 'json_schema' ? 'json_object' : 'prompt';
      }
    }
  }
}

/** Tells the model to answer in JSON; with no server-side schema, spells the schema out. */
function withJsonInstruction(conversation: readonly ChatMessage[], mode: StructuredOutputMode, schema: Record<string, unknown> | undefined): ChatMessage[] {
  const instruction =
    mode === 'json_schema'
      ? 'Reply with a single JSON value only.'
      : `Reply with a single JSON value only, no prose and no code fences${schema ? `, matching this JSON Schema:\n${JSON.stringify(schema)}` : ''}`;
  const messages = conversation.map((message) => ({ ...message }));
  // Merge into the first system message: some chat templates reject a second system message.
  const first = messages[0];
  if (first?.role === 'system') first.content = `${first.content}\n\n${instruction}`;
  else messages.unshift({ role: 'system', content: instruction });
  return messages;
}

/** The first candidate in the reply that satisfies the schema; else the problems of the most likely one. */
function parseObject<T>(text: string, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; problem: string } {
  let firstProblem: string | undefined;
  for (const candidate of jsonCandidates(text)) {
    const result = schema.safeParse(candidate.value);
    if (result.success) return { ok: true, value: result.data };
    firstProblem ??= `schema violations: ${formatZodError(result.error)}`;
  }
  return { ok: false, problem: firstProblem ?? describeFailure(text) };
}

const generateCodec = {
  encode: (value: GenerateResult) => JSON.stringify({ text: value.text, finishReason: value.finishReason, usage: value.usage }),
  decode: (stored: string): GenerateResult => generateResultSchema.parse(JSON.parse(stored)),
};

/** A validated structured reply and what it cost; the object itself is not stored, the text is. */
interface ObjectRecord<T> {
  text: string;
  usage: TokenUsage;
  attempts: number;
  object: T;
}

/** Stores the reply text; a replay re-validates it, so a record the schema no longer accepts fails to decode. */
function objectCodec<T>(schema: z.ZodType<T>, schemaName: string) {
  return {
    encode: (value: ObjectRecord<T>) => JSON.stringify({ text: value.text, usage: value.usage, attempts: value.attempts }),
    decode: (stored: string): ObjectRecord<T> => {
      const record = objectRecordSchema.parse(JSON.parse(stored));
      const parsed = parseObject(record.text, schema);
      if (!parsed.ok) throw new Error(`the recorded reply no longer matches schema "${schemaName}": ${parsed.problem}`);
      return { ...record, object: parsed.value };
    },
  };
}

/** Builds an `OpenAIChatModel`; the factory form the rest of the project uses. */
export function createOpenAIChatModel(options: OpenAIChatModelOptions): OpenAIChatModel {
  return new OpenAIChatModel(options);
}
