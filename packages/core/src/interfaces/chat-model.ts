import type { z } from 'zod';
import type { ChatMessage } from '../schemas/message.js';

export interface GenerateOptions {
  messages: readonly ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  seed?: number;
  stop?: readonly string[];
  signal?: AbortSignal;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls' | 'other';

export interface GenerateResult {
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage;
  /** True when the answer came from the record/replay cache. */
  cached?: boolean;
}

export interface GenerateObjectOptions<T> extends Omit<GenerateOptions, 'stop'> {
  /** The zod schema the reply must satisfy. */
  schema: z.ZodType<T>;
  /** Name for the schema in `response_format`. */
  schemaName?: string;
}

export interface GenerateObjectResult<T> {
  object: T;
  usage: TokenUsage;
  /** How many replies were asked for before one validated (1 when the first did). */
  attempts: number;
  cached?: boolean;
}

/** A chat language model behind any OpenAI-compatible endpoint (or a test double). */
export interface ChatModel {
  /** Provider-side model name. */
  readonly modelId: string;
  generate(options: GenerateOptions): Promise<GenerateResult>;
  generateObject<T>(options: GenerateObjectOptions<T>): Promise<GenerateObjectResult<T>>;
}
