import type { ChatMessage, ChatModel, Responder, ResponderAnswer, ResponderQuestion } from '@personalab/core';
import { buildPrompt, foldSystemMessages } from '../prompt.js';
import { type PersonaMemResponderQuestion, hasSource } from '../types.js';
import { type ContextStrategy, ContextRetriever, ProfileMemory, offlineProfileExtractorName, offlineRetrievalEmbedderId, renderProfile, truncateOldest } from './context-strategies.js';

export interface LlmResponderOptions {
  model: ChatModel;
  /** Default: the full context, as the official inference. */
  strategy?: ContextStrategy;
  /** False for models without a system role: system messages are folded into the next message. Default true. */
  systemRole?: boolean;
  temperature?: number;
  maxTokens?: number;
}

/** The strategy part of an `LlmResponder`'s name; the offline embedder and extractor are left unnamed (the names runs had before they were named). */
function strategyLabel(strategy: ContextStrategy): string {
  switch (strategy.kind) {
    case 'full':
      return 'full';
    case 'truncate':
      return `truncate-${strategy.maxTokens}`;
    case 'retrieval':
      return `retrieval-top${strategy.k}${strategy.embedder.id === offlineRetrievalEmbedderId ? '' : `-${strategy.embedder.id}`}`;
    case 'profile':
      return `profile${strategy.extractor.name === offlineProfileExtractorName ? '' : `-${strategy.extractor.name}`}`;
  }
}

/**
 * Asks a chat model through the official PersonaMem prompt, with a choice of what it reads: the
 * full context, the newest messages that fit a budget, the top-k retrieved messages, or the
 * incremental profile with its preference history.
 */
export class LlmResponder implements Responder {
  /**
   * `llm:<model>:<strategy>`: `full`, `truncate-<max tokens>`, `retrieval-top<k>`, `profile`. An embedder other than the
   * offline one (`offlineRetrievalEmbedder`) or an extractor other than the heuristic one is named too
   * (`retrieval-top5-openai:<model>:<dimension>`, `profile-llm:<model>:<prompt>`), and `-no-system-role` ends it when
   * `systemRole` is false, so that runs answered with them get default run ids of their own.
   */
  readonly name: string;
  /**
   * What of the strategy, beyond its kind and numbers, changes the answers, to record with a run: `{ embedder: <id> }`
   * for retrieval, `{ extractor: <name> }` for profile, `{}` otherwise.
   */
  readonly strategySettings: Readonly<{ embedder?: string; extractor?: string }>;
  private readonly strategy: ContextStrategy;
  private readonly retriever: ContextRetriever | undefined;
  private readonly profiles: ProfileMemory | undefined;

  constructor(private readonly options: LlmResponderOptions) {
    this.strategy = options.strategy ?? { kind: 'full' };
    // Folding the system messages changes every prompt: named, as the embedder and extractor are, so that such a run gets a
    // default run id of its own (it had taken the system-role run's, which was then refused as made with other settings).
    this.name = `llm:${options.model.modelId}:${strategyLabel(this.strategy)}${options.systemRole === false ? '-no-system-role' : ''}`;
    this.strategySettings = this.strategy.kind === 'retrieval' ? { embedder: this.strategy.embedder.id } : this.strategy.kind === 'profile' ? { extractor: this.strategy.extractor.name } : {};
    this.retriever = this.strategy.kind === 'retrieval' ? new ContextRetriever(this.strategy.embedder) : undefined;
    this.profiles = this.strategy.kind === 'profile' ? new ProfileMemory(this.strategy.extractor) : undefined;
  }

  /** The messages the model reads for a question under this responder's strategy. */
  async contextFor(question: ResponderQuestion): Promise<ChatMessage[]> {
    const strategy = this.strategy;
    const contextId = hasSource(question) ? question.source.contextId : question.id;
    const messages = hasSource(question) ? question.source.messages : question.context;
    const endIndex = hasSource(question) ? question.source.endIndex : question.context.length;
    const leadingSystem = () => {
      const lead: ChatMessage[] = [];
      for (let index = 0; index < endIndex && messages[index]?.role === 'system'; index++) lead.push(messages[index] as ChatMessage);
      return lead;
    };
    switch (strategy.kind) {
      case 'full':
        return [...question.context];
      case 'truncate':
        return truncateOldest(question.context, strategy.maxTokens);
      case 'retrieval': {
        const positions = await (this.retriever as ContextRetriever).retrieve(contextId, messages, endIndex, question.question, strategy.k);
        const lead = leadingSystem();
        return [...lead, ...positions.filter((position) => position >= lead.length).map((position) => messages[position] as ChatMessage)];
      }
      case 'profile': {
        const profile = await (this.profiles as ProfileMemory).profileAt(contextId, messages, endIndex);
        const profileMessage: ChatMessage = { role: 'system', content: renderProfile(profile) };
        if (strategy.besideContext) return [profileMessage, ...truncateOldest(question.context, strategy.besideContext.maxTokens)];
        return [...leadingSystem(), profileMessage];
      }
    }
  }

  async answer(question: ResponderQuestion, options: { signal?: AbortSignal } = {}): Promise<ResponderAnswer> {
    const context = await this.contextFor(question);
    let messages = buildPrompt(context, question.question, question.options, (question as PersonaMemResponderQuestion).optionsText);
    if (this.options.systemRole === false) messages = foldSystemMessages(messages);
    const result = await this.options.model.generate({
      messages,
      ...(this.options.temperature === undefined ? {} : { temperature: this.options.temperature }),
      ...(this.options.maxTokens === undefined ? {} : { maxTokens: this.options.maxTokens }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return { reply: result.text };
  }
}
