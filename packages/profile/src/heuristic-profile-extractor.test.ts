import { describe, expect, it } from 'vitest';
import { PersonalabError, profileSchema, type Message } from '@personalab/core';
import { HeuristicProfileExtractor } from './heuristic-profile-extractor.js';
import { profileStatements } from './profile-statements.js';
import { profileExtractorConformance } from './test/index.js';

profileExtractorConformance('HeuristicProfileExtractor', { create: () => new HeuristicProfileExtractor() });

const user = (id: string, content: string, timestamp: number): Message => ({ id, role: 'user', content, timestamp, userId: 'u9' });

describe('HeuristicProfileExtractor', () => {
  it('extracts facts, preferences and goals with evidence and renders them as statements', async () => {
    const messages = [
      user('a', "hi ! i'm a stunt double , i have two jobs .", 1),
      { id: 'b', role: 'assistant' as const, content: 'I love horror movies and I am a nurse.', timestamp: 2 },
      user('c', 'my favorite music is country . i want to be a pilot someday .', 3),
    ];
    const profile = await new HeuristicProfileExtractor().extract(messages);
    expect(profile.userId).toBe('u9');
    expect(profileSchema.parse(profile)).toEqual(profile);
    expect(profileStatements(profile)).toEqual(['i am a stunt double', 'i have two jobs', 'my favorite music is country', 'i want to be a pilot someday']);
    // The assistant's words are not the user's.
    expect(JSON.stringify(profile)).not.toContain('nurse');
    expect(profile.facts[0]?.evidence[0]).toMatchObject({ messageId: 'a', timestamp: 1 });
    expect(profile.goals[0]?.evidence[0]?.messageId).toBe('c');
  });

  it('orders messages by time, so a later change wins', async () => {
    const profile = await new HeuristicProfileExtractor().extract([user('late', 'i hate running now', 20), user('early', 'i love running', 10)]);
    expect(profile.preferences[0]).toMatchObject({ polarity: 'dislike', history: [{ polarity: 'like', from: 10, to: 20 }] });
  });

  it('reads statements within one message in order', async () => {
    const profile = await new HeuristicProfileExtractor().extract([user('m', 'I loved jazz for years. But I hate jazz now, because it got boring.', 5)]);
    expect(profile.preferences[0]).toMatchObject({ polarity: 'dislike', reason: 'it got boring', history: [{ polarity: 'like' }] });
  });

  it('fails clearly without a user id, and when cancelled', async () => {
    const extractor = new HeuristicProfileExtractor();
    await expect(extractor.extract([{ id: 'x', role: 'user', content: 'i am tall', timestamp: 0 }])).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_argument'));
    const controller = new AbortController();
    controller.abort();
    await expect(extractor.extract([], { userId: 'u', signal: controller.signal })).rejects.toSatisfy((error) => PersonalabError.is(error, 'cancelled'));
  });
});
