import { join } from 'node:path';
import { createRandom } from '@personalab/core';
import { findDataset, howToGet, loadPersonaChat, loadSyntheticPersonaChat } from '@personalab/datasets';
import { HashingEmbedder } from '@personalab/retrieval';
import { runComparison, type ClusteredResult } from './clustered.js';
import { seconds } from './timing.js';

export interface TextResult {
  json: unknown;
  markdown: string[];
  comparison?: Omit<ClusteredResult, 'generator'>;
}

interface Turn {
  id: string;
  /** The speaker within one conversation: the "user" of per-user search. */
  user: string;
  text: string;
}

/** Every turn of Persona-Chat (ConvAI2 valid) and Synthetic-Persona-Chat (valid + test), with its speaker. */
async function loadTurns(log: (line: string) => void): Promise<{ turns: Turn[]; sources: string[] }> {
  const turns: Turn[] = [];
  const sources: string[] = [];
  const personaChat = findDataset('persona-chat');
  if (personaChat === undefined) log(`persona-chat not found: ${howToGet('persona-chat')}`);
  else {
    const file = join(personaChat, 'valid_self_original_no_cands.txt');
    const data = await loadPersonaChat(file);
    for (const dialogue of data.dialogues) {
      dialogue.turns.forEach((turn, position) => turns.push({ id: `${dialogue.id}-${position}`, user: `${dialogue.id}-${turn.speaker}`, text: turn.text }));
    }
    sources.push(`${file} (${data.dialogues.length} dialogues)`);
  }
  const synthetic = findDataset('synthetic-persona-chat');
  if (synthetic === undefined) log(`synthetic-persona-chat not found: ${howToGet('synthetic-persona-chat')}`);
  else {
    for (const name of ['Synthetic-Persona-Chat_valid.csv', 'Synthetic-Persona-Chat_test.csv']) {
      const file = join(synthetic, name);
      const data = await loadSyntheticPersonaChat(file);
      const prefix = name.includes('valid') ? 'spcv' : 'spct';
      for (const conversation of data.conversations) {
        conversation.turns.forEach((turn, position) =>
          turns.push({ id: `${prefix}-${conversation.index}-${position}`, user: `${prefix}-${conversation.index}-${turn.speaker}`, text: turn.text }),
        );
      }
      sources.push(`${file} (${data.conversations.length} conversations)`);
    }
  }
  return { turns, sources };
}

/** HashingEmbedder vectors of every Persona-Chat / Synthetic-Persona-Chat turn: exact against HNSW. */
export async function runText(options: { quick: boolean; efs: readonly number[]; efConstruction: number; ms: readonly number[]; rounds: number; log: (line: string) => void }): Promise<TextResult> {
  const { log } = options;
  const { turns: all, sources } = await loadTurns(log);
  if (all.length === 0) return { json: { skipped: 'no data set found' }, markdown: ['## Text turns', '', 'Skipped: neither Persona-Chat nor Synthetic-Persona-Chat was found.', ''] };
  const random = createRandom(11);
  const shuffled = random.shuffle([...all]);
  const turns = options.quick ? shuffled.slice(0, 8000) : shuffled;
  const queryCount = options.quick ? 200 : 1000;
  const queryTurns = turns.slice(0, queryCount);
  const indexed = turns.slice(queryCount);
  let embedder: HashingEmbedder | undefined;
  const fitSeconds = seconds(() => {
    embedder = HashingEmbedder.fit(indexed.map((turn) => turn.text));
  });
  const fitted = embedder!;
  let vectors: Float32Array[] = [];
  const embedSeconds = seconds(() => {
    vectors = indexed.map((turn) => fitted.embedOne(turn.text));
  });
  const queries = queryTurns.map((turn) => fitted.embedOne(turn.text));
  log(`text: ${all.length} turns loaded, ${indexed.length} indexed, ${queries.length} held-out queries; IDF fit ${fitSeconds.toFixed(1)} s, embedding ${(indexed.length / embedSeconds).toFixed(0)} texts/s`);
  const records = indexed.map((turn, position) => ({ id: turn.id, vector: vectors[position]!, metadata: { user: turn.user } }));
  const users = [...new Set(indexed.map((turn) => turn.user))];
  const comparison = runComparison({
    name: 'text',
    dimension: fitted.dimension,
    metric: 'cosine',
    records,
    queries,
    users,
    ms: options.ms,
    efConstruction: options.efConstruction,
    efs: options.efs,
    callbackQueries: options.quick ? 20 : 40,
    exactTimingQueries: options.quick ? 100 : 200,
    rounds: options.rounds,
    log,
  });
  const markdown = [
    `## Text turns: HashingEmbedder (${fitted.dimension}-d, cosine) of every Persona-Chat and Synthetic-Persona-Chat turn`,
    '',
    `Sources: ${sources.join('; ')}. ${all.length} turns${options.quick ? ` (quick: a sample of ${turns.length})` : ''}; ${queries.length} held out as queries, ${indexed.length} indexed. ` +
      `IDF fitted on the indexed turns in ${fitSeconds.toFixed(1)} s; embedding ran at ${(indexed.length / embedSeconds).toFixed(0)} texts/s. Per-user search: one user = one speaker of one conversation (${users.length} users).`,
    '',
  ];
  return {
    json: { sources, turns: all.length, indexed: indexed.length, queries: queries.length, fitSeconds, embeddingTextsPerSecond: indexed.length / embedSeconds, embedderId: fitted.id, comparison },
    markdown,
    comparison,
  };
}
