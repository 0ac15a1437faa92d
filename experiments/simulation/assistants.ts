import type { Assistant, DialogueTurn, Embedder, Interaction, Item, Recommender, TfBackendName, User } from '@personalab/core';
import { defaultCandidateModel, describeCandidateModel, openCandidateModel } from '@personalab/user-embedding';
import { HeuristicProfileExtractor } from '@personalab/profile';
import { HnswIndex } from '@personalab/retrieval';
import { buildApp, openRecommenderService, type RecommenderService } from '@personalab/recommender';
import type { AddressInfo } from 'node:net';

/** The user-embedding model to compare, and the Chat-Rec pipeline's candidates: what the recommender service serves (`defaultCandidateModel`). */
export async function bestUserEmbeddingModel(preferredBackend?: TfBackendName): Promise<{ recommender: Recommender; note: string }> {
  return { recommender: await openCandidateModel(defaultCandidateModel, { preferred: preferredBackend }), note: `${describeCandidateModel(defaultCandidateModel)}: what the recommender service serves, fitted on the training split` };
}

/**
 * The Chat-Rec pipeline of the recommender app, in process: its service opened in memory with the
 * training ratings and the heuristic profile extractor (as the main job serves it), each chat turn going through `ChatRec.chat` (intent, candidates, re-rank,
 * explanation) with the session it keeps per user.
 */
export async function chatRecAssistant(options: {
  data: { users: readonly User[]; items: readonly Item[] };
  train: readonly Interaction[];
  model: Recommender | undefined;
  embedder: Embedder;
  k: number;
}): Promise<{ assistant: Assistant; note: string; seconds: number; service: RecommenderService }> {
  const begin = performance.now();
  const service = await openRecommenderService({
    stateDir: ':memory:',
    embedder: options.embedder,
    createIndex: (dimension) => new HnswIndex({ dimension }),
    recommender: options.model,
    modelItemIds: options.model ? new Set(options.data.items.map((item) => item.id)) : undefined,
    initialData: { users: options.data.users, items: options.data.items, interactions: options.train },
    // As the served app: the profile is re-extracted from each user message.
    profileExtractor: new HeuristicProfileExtractor(),
  });
  const sessions = new Map<string, string>();
  const assistant: Assistant = {
    name: 'chat-rec (in-process)',
    reply: async ({ userId, dialogue }: { userId: string; dialogue: readonly DialogueTurn[] }) => {
      const userTurns = dialogue.filter((turn) => turn.role === 'user');
      if (userTurns.length === 1) sessions.delete(userId);
      const result = await service.chatRec.chat({ userId, sessionId: sessions.get(userId), message: userTurns.at(-1)?.content ?? '', k: options.k });
      sessions.set(userId, result.sessionId);
      return { content: result.reply, recommendedItemIds: result.recommendations.map((entry) => entry.item.id) };
    },
  };
  return { assistant, note: `Chat-Rec pipeline of apps/recommender (offline re-ranker${options.model ? `, candidates from ${options.model.name}` : ', no candidate model'}), opened in memory`, seconds: (performance.now() - begin) / 1000, service };
}

/** The same service behind the recommender's HTTP API (fastify) on a free local port. */
export async function serveOverHttp(service: RecommenderService, apiKey: string): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const app = await buildApp({ store: service.store, catalog: service.catalog, chatRec: service.chatRec, textIndex: service.textIndex, apiKeys: [apiKey], rateLimitPerMinute: 1_000_000, logLevel: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}
