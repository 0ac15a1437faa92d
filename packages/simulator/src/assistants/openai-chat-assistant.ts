import type { Assistant, ChatMessage, ChatModel, DialogueTurn } from '@personalab/core';
import type { TitleMatcher } from './title-matcher.js';

export const defaultAssistantSystemPrompt =
  'You are a helpful movie recommendation assistant. Ask about the user\'s tastes when you need to, ' +
  'and recommend up to five specific titles with their release year when you can. Keep replies short.';

export interface OpenAiChatAssistantOptions {
  model: ChatModel;
  systemPrompt?: string;
  /** Reads which catalog items a reply recommends (the endpoint only answers in text). */
  titles?: TitleMatcher;
  temperature?: number;
  maxTokens?: number;
}

/** Any OpenAI-compatible chat endpoint, with a system prompt, as an assistant under test. */
export class OpenAiChatAssistant implements Assistant {
  readonly name: string;
  private readonly options: OpenAiChatAssistantOptions;

  constructor(options: OpenAiChatAssistantOptions) {
    this.options = options;
    this.name = `openai:${options.model.modelId}`;
  }

  async reply(options: { userId: string; dialogue: readonly DialogueTurn[]; signal?: AbortSignal }): Promise<{ content: string; recommendedItemIds?: readonly string[] }> {
    const messages: ChatMessage[] = [
      { role: 'system', content: this.options.systemPrompt ?? defaultAssistantSystemPrompt },
      ...options.dialogue.filter((turn) => turn.role !== 'system').map((turn) => ({ role: turn.role, content: turn.content })),
    ];
    const result = await this.options.model.generate({
      messages,
      temperature: this.options.temperature ?? 0.2,
      maxTokens: this.options.maxTokens ?? 400,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const recommendedItemIds = this.options.titles?.match(result.text) ?? [];
    return recommendedItemIds.length > 0 ? { content: result.text, recommendedItemIds } : { content: result.text };
  }
}
