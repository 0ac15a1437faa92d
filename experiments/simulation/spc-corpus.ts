import { loadSyntheticPersonaChat, type SyntheticPersonaChatConversation } from '@personalab/datasets';
import type { UserTurn } from '@personalab/simulator';
import { join } from 'node:path';

/** Both speakers' turns of Synthetic-Persona-Chat conversations, each with the message it answered. */
export function userTurnsOf(conversations: readonly SyntheticPersonaChatConversation[]): UserTurn[] {
  const turns: UserTurn[] = [];
  for (const conversation of conversations) {
    conversation.turns.forEach((turn, index) => {
      const previous = conversation.turns[index - 1];
      // The previous turn is the other speaker's when the data alternate (they almost always do).
      const context = previous && previous.speaker !== turn.speaker ? previous.text : '';
      if (index > 0 && context === '') return;
      turns.push({ text: turn.text, context, conversationId: conversation.id });
    });
  }
  return turns;
}

/** Loads the validation split (the retrieval corpus) and the test split (the evaluated personas). */
export async function loadSpc(directory: string) {
  const [valid, test] = await Promise.all([
    loadSyntheticPersonaChat(join(directory, 'Synthetic-Persona-Chat_valid.csv'), { onInvalid: 'skip' }),
    loadSyntheticPersonaChat(join(directory, 'Synthetic-Persona-Chat_test.csv'), { onInvalid: 'skip' }),
  ]);
  return { valid, test };
}
