import { type ChatMessage, type Embedder, type Message, type Profile, type ProfileExtractor, PersonalabError } from '@personalab/core';
import { ExactIndex, HashingEmbedder } from '@personalab/retrieval';
import { estimateTokens } from '../generator/generate-benchmark.js';

/** How an `LlmResponder` turns a long history into what the model reads. */
export type ContextStrategy =
  /** The whole context up to the end index, as the official inference sends it. */
  | { kind: 'full' }
  /** Drop the oldest messages (keeping the leading system persona) until the context fits. */
  | { kind: 'truncate'; maxTokens: number }
  /** The persona, then the k past messages most similar to the question, in their original order. */
  | { kind: 'retrieval'; k: number; embedder: Embedder }
  /** The incremental profile (facts, preferences with their history and reasons) instead of, or beside, the raw context. */
  | { kind: 'profile'; extractor: ProfileExtractor; besideContext?: { maxTokens: number } };

/**
 * The retrieval strategy's offline embedder (hashing, 256 dimensions), used when no embedding model is configured.
 * A responder retrieving with it keeps the plain name `retrieval-top<k>`; any other embedder is named in the responder's name.
 */
export function offlineRetrievalEmbedder(): HashingEmbedder {
  return new HashingEmbedder({ dimension: 256 });
}

/** The id of `offlineRetrievalEmbedder()`. */
export const offlineRetrievalEmbedderId = offlineRetrievalEmbedder().id;

/** The profile strategy's offline extractor's name (`HeuristicProfileExtractor`): a responder with any other extractor names it. */
export const offlineProfileExtractorName = 'heuristic';

/** Keeps the leading system messages and the newest messages that fit `maxTokens` (estimated). */
export function truncateOldest(context: readonly ChatMessage[], maxTokens: number): ChatMessage[] {
  let lead = 0;
  while (lead < context.length && context[lead]?.role === 'system') lead++;
  const head = context.slice(0, lead);
  let budget = maxTokens - head.reduce((sum, message) => sum + estimateTokens(message.content), 0);
  let start = context.length;
  while (start > lead) {
    const cost = estimateTokens(context[start - 1]?.content ?? '');
    if (cost > budget) break;
    budget -= cost;
    start--;
  }
  return [...head, ...context.slice(start)];
}

/** A per-context vector index of messages, built once and searched with an end-index filter. */
export class ContextRetriever {
  private readonly indexes = new Map<string, Promise<ExactIndex>>();

  constructor(private readonly embedder: Embedder) {}

  private index(contextId: string, messages: readonly ChatMessage[]): Promise<ExactIndex> {
    let index = this.indexes.get(contextId);
    if (index === undefined) {
      index = (async () => {
        const built = new ExactIndex({ dimension: this.embedder.dimension });
        const candidates = messages.map((message, position) => ({ message, position })).filter(({ message }) => message.role !== 'system' && message.content.trim() !== '');
        const batch = 256;
        for (let start = 0; start < candidates.length; start += batch) {
          const slice = candidates.slice(start, start + batch);
          const vectors = await this.embedder.embed(slice.map(({ message }) => message.content));
          built.add(slice.map(({ position }, offset) => ({ id: String(position), vector: vectors[offset] as Float32Array, metadata: { position } })));
        }
        return built;
      })();
      this.indexes.set(contextId, index);
      // A failed build (an embedding endpoint's transient error) is forgotten, as a failed profile is: kept, it had failed
      // every later question of the context with the same error for the rest of the run.
      const building = index;
      building.catch(() => {
        if (this.indexes.get(contextId) === building) this.indexes.delete(contextId);
      });
    }
    return index;
  }

  /** Positions of the k messages before `endIndex` most similar to the query, oldest first. */
  async retrieve(contextId: string, messages: readonly ChatMessage[], endIndex: number, query: string, k: number): Promise<number[]> {
    const index = await this.index(contextId, messages);
    const [vector] = await this.embedder.embed([query]);
    if (vector === undefined) throw new PersonalabError('upstream_bad_response', 'the embedder returned no vector for the query');
    const hits = index.search(vector, { k, filter: (_id, metadata) => Number(metadata?.position ?? Number.POSITIVE_INFINITY) < endIndex });
    return hits.map((hit) => Number(hit.metadata?.position ?? hit.id)).sort((a, b) => a - b);
  }
}

/** The context's messages as profile-extractor messages: the index is the timestamp. */
function toMessages(contextId: string, messages: readonly ChatMessage[], from: number, to: number): Message[] {
  const result: Message[] = [];
  for (let index = from; index < to; index++) {
    const message = messages[index];
    if (message && message.role === 'user') result.push({ id: `${contextId}:${index}`, role: 'user', content: message.content, timestamp: index, userId: contextId });
  }
  return result;
}

/** Incremental profiles per context: a question at end index e extends the nearest earlier profile. */
export class ProfileMemory {
  private readonly profiles = new Map<string, { endIndex: number; profile: Promise<Profile> }[]>();

  constructor(private readonly extractor: ProfileExtractor) {}

  profileAt(contextId: string, messages: readonly ChatMessage[], endIndex: number): Promise<Profile> {
    const list = this.profiles.get(contextId) ?? [];
    this.profiles.set(contextId, list);
    const exact = list.find((entry) => entry.endIndex === endIndex);
    if (exact) return exact.profile;
    const previous = list.filter((entry) => entry.endIndex < endIndex).sort((a, b) => b.endIndex - a.endIndex)[0];
    const profile = (async () => {
      const base = previous ? await previous.profile : undefined;
      const from = previous?.endIndex ?? 0;
      return this.extractor.extract(toMessages(contextId, messages, from, endIndex), base ? { previous: base } : { userId: contextId });
    })();
    const entry = { endIndex, profile };
    list.push(entry);
    // A failed extraction (an LLM extractor's upstream error) is forgotten: later questions extend the last profile
    // that was made instead of failing on this one, and a retried question extracts it again.
    profile.catch(() => {
      const at = list.indexOf(entry);
      if (at >= 0) list.splice(at, 1);
    });
    return profile;
  }
}

/** The profile as text for the model: facts, current preferences, and how and why they changed. */
export function renderProfile(profile: Profile): string {
  const lines = ['What you know about this user from earlier conversations (message numbers are times):'];
  for (const fact of profile.facts) lines.push(`- Fact (${fact.key}): ${fact.value} (last said at message ${fact.lastUpdated})`);
  for (const preference of profile.preferences) {
    const history = preference.history.map((change) => `${change.polarity} from message ${change.from} to ${change.to}${change.reason ? ` (reason: ${change.reason})` : ''}`);
    lines.push(
      `- Preference: ${preference.polarity} ${preference.subject} since message ${preference.lastUpdated}${preference.reason ? `, because ${preference.reason}` : ''}${history.length ? `; earlier: ${history.join('; ')}` : ''}`,
    );
  }
  for (const goal of profile.goals) lines.push(`- Goal: ${goal.description} (${goal.status})`);
  return lines.join('\n');
}
