import { describe, expect, it } from 'vitest';
import { emptyProfile, profileSchema, type Message, type Profile, type ProfileExtractor } from '@personalab/core';

/** Builds the extractor under test; `prepare` scripts any upstream (e.g. a test server) for one conversation. */
export interface ProfileExtractorFactory {
  create(): ProfileExtractor | Promise<ProfileExtractor>;
  /** Called before each `extract` with the messages about to be extracted. */
  prepare?(messages: readonly Message[]): void | Promise<void>;
}

const message = (id: string, role: Message['role'], content: string, timestamp: number): Message => ({
  id,
  role,
  content,
  timestamp,
  ...(role === 'user' ? { userId: 'u1' } : {}),
});

/** A short conversation whose user states a job, a pet and a taste that later changes. */
export const conformanceConversation: readonly Message[] = [
  message('m1', 'assistant', 'Hi! Tell me about yourself.', 1_000),
  message('m2', 'user', 'I work as a nurse and I have two dogs.', 2_000),
  message('m3', 'assistant', 'Nice! Any favourite food?', 3_000),
  message('m4', 'user', 'I love sushi.', 4_000),
];
export const conformanceFollowUp: readonly Message[] = [
  message('m5', 'assistant', 'Still into sushi?', 5_000),
  message('m6', 'user', 'Not anymore, I hate sushi now because I got food poisoning.', 6_000),
];

function allEvidence(profile: Profile): string[] {
  return [
    ...profile.facts.flatMap((fact) => fact.evidence),
    ...profile.preferences.flatMap((preference) => [...preference.evidence, ...preference.history.flatMap((change) => change.evidence)]),
    ...profile.goals.flatMap((goal) => goal.evidence),
    ...Object.values(profile.personality).flatMap((trait) => trait.evidence),
    ...profile.style.evidence,
  ].map((evidence) => evidence.messageId);
}

/**
 * The shared `ProfileExtractor` suite (LangChain-style standard tests): every implementation must
 * return a schema-valid profile whose evidence cites only the user's messages, keep the user id,
 * bump the version on each update, measure style over user messages only, and keep a changed
 * preference's earlier state in its history.
 */
export function profileExtractorConformance(name: string, factory: ProfileExtractorFactory): void {
  describe(`ProfileExtractor conformance: ${name}`, () => {
    const run = async (messages: readonly Message[], previous?: Profile) => {
      const extractor = await factory.create();
      await factory.prepare?.(messages);
      return extractor.extract(messages, previous ? { previous } : { userId: 'u1' });
    };

    it('returns a schema-valid profile citing only user messages', async () => {
      const profile = await run(conformanceConversation);
      expect(profileSchema.parse(profile)).toEqual(profile);
      expect(profile.userId).toBe('u1');
      expect(profile.version).toBe(1);
      expect(profile.facts.length).toBeGreaterThan(0);
      const userIds = new Set(conformanceConversation.filter((entry) => entry.role === 'user').map((entry) => entry.id));
      for (const id of allEvidence(profile)) expect(userIds.has(id)).toBe(true);
      expect(profile.style.messageCount).toBe(2);
    });

    it('leaves Big Five traits it has no evidence for unknown', async () => {
      const profile = await run(conformanceConversation);
      for (const trait of Object.values(profile.personality)) {
        if (trait.evidence.length === 0) expect(trait.score).toBeNull();
      }
    });

    it('updates incrementally: keeps facts, bumps the version, records the preference change', async () => {
      const first = await run(conformanceConversation);
      const second = await run(conformanceFollowUp, first);
      expect(second.version).toBe(first.version + 1);
      expect(second.facts.map((fact) => fact.value)).toEqual(expect.arrayContaining(first.facts.map((fact) => fact.value)));
      const sushi = second.preferences.find((preference) => preference.subject.toLowerCase().includes('sushi'));
      expect(sushi?.polarity).toBe('dislike');
      expect(sushi?.history.at(-1)?.polarity).toBe('like');
      expect(sushi?.history.at(-1)?.to).toBe(6_000);
      expect(sushi?.reason).toMatch(/food poisoning/);
      expect(second.style.messageCount).toBe(3);
    });

    it('refuses, before any work, duplicate message ids, a time that is not whole non-negative ms, and a user id other than the previous profile\'s', async () => {
      const extractor = await factory.create();
      // The heuristic extractor had merged both messages under one id (evidence citing the wrong one).
      const duplicated = [message('d1', 'user', 'I love jazz.', 1_000), message('d1', 'user', 'I hate jazz.', 2_000)];
      await expect(extractor.extract(duplicated, { userId: 'u1' })).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('message ids must be unique: d1') });
      // A negative or fractional time had produced a profile that fails profileSchema.
      for (const timestamp of [-5, 1_000.5]) {
        await expect(extractor.extract([message('t1', 'user', 'I love jazz.', timestamp)], { userId: 'u1' })).rejects.toMatchObject({
          code: 'invalid_argument',
          message: `messages[0] (id "t1"): timestamp must be a non-negative integer of milliseconds since 1970, got ${timestamp}`,
        });
      }
      // userId had been ignored when previous was given: u2's messages went into u1's profile.
      const previous = { ...emptyProfile('u1', 0), version: 1 };
      await expect(extractor.extract(conformanceFollowUp, { previous, userId: 'u2' })).rejects.toMatchObject({ code: 'invalid_argument', message: 'options.userId "u2" is not the user of options.previous ("u1")' });
    });
  });
}
