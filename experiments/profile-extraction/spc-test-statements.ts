/**
 * The default extractor's statements on Synthetic-Persona-Chat TEST, both speakers, beside each speaker's gold persona
 * sentences: the development set the one-off measurements here read (never the scored sets).
 */
import { join } from 'node:path';
import { getConfig, PersonalabError } from '@personalab/core';
import { findDataset, howToGet, loadSyntheticPersonaChat, syntheticPersonaChatToSession } from '@personalab/datasets';
import { HeuristicProfileExtractor, profileStatements } from '@personalab/profile';

export interface SpeakerStatements {
  gold: string[];
  statements: string[];
}

export async function* spcTestStatements(): AsyncGenerator<SpeakerStatements> {
  const directory = findDataset('synthetic-persona-chat', { environmentDataDir: getConfig().dataDir });
  if (!directory) throw new PersonalabError('not_found', `synthetic-persona-chat not found: ${howToGet('synthetic-persona-chat')}`);
  const { conversations } = await loadSyntheticPersonaChat(join(directory, 'Synthetic-Persona-Chat_test.csv'));
  const extractor = new HeuristicProfileExtractor();
  for (const conversation of conversations) {
    for (const user of ['user1', 'user2'] as const) {
      const gold = user === 'user1' ? conversation.user1Persona : conversation.user2Persona;
      const statements = profileStatements(await extractor.extract(syntheticPersonaChatToSession(conversation, { user }).messages, { userId: user }));
      yield { gold, statements };
    }
  }
}
