import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDataset, howToGet, loadPersonaChat } from '@personalab/datasets';
import { ordinaryWords } from './ordinary-words.js';

const directory = findDataset('persona-chat');
if (!directory) console.warn(`Persona-Chat not found: the everyday-word list is not counted again; ${howToGet('persona-chat')}`);

describe('ordinaryWords', () => {
  it('holds everyday words and no subject a film is asked about', () => {
    expect(ordinaryWords.size).toBe(1000);
    for (const word of ['mom', 'dad', 'day', 'living', 'name', 'dog']) expect(ordinaryWords.has(word), word).toBe(true);
    for (const word of ['vampire', 'vampires', 'alien', 'heist', 'dinosaurs', 'shawshank', 'godfather']) expect(ordinaryWords.has(word), word).toBe(false);
  });

  it.skipIf(!directory)('is every word at least one turn in a thousand of the ConvAI2 Persona-Chat validation dialogues holds', async () => {
    const { dialogues } = await loadPersonaChat(join(directory as string, 'valid_self_original_no_cands.txt'));
    const turns = dialogues.flatMap((dialogue) => dialogue.turns.map((turn) => turn.text));
    const holding = new Map<string, number>();
    for (const turn of turns) for (const word of new Set(turn.toLowerCase().match(/[a-z][a-z']*/g) ?? [])) holding.set(word, (holding.get(word) ?? 0) + 1);
    const everyday = [...holding].filter(([, count]) => count * 1000 >= turns.length).map(([word]) => word);
    expect(turns).toHaveLength(15_602);
    expect(everyday.sort()).toEqual([...ordinaryWords].sort());
  });
});
