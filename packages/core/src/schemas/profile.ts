import { z } from 'zod';
import { evidenceSchema, idSchema, timestampSchema } from './common.js';

/**
 * The implicit profile: what the system believes about a user, each belief with the
 * messages that support it (USP's implicit profiles, PersonaMem's evolving preferences).
 */

/** An objective fact: demographics, occupation, life facts. */
export const profileFactSchema = z.object({
  /** Canonical key, e.g. `occupation`, `pet`, `location`, `family`, or `other`. */
  key: z.string().min(1).max(100),
  /** The fact in canonical first-person form, e.g. "I work as a nurse". */
  value: z.string().min(1).max(1000),
  confidence: z.number().min(0).max(1),
  firstSeen: timestampSchema,
  lastUpdated: timestampSchema,
  evidence: z.array(evidenceSchema).min(1),
});
export type ProfileFact = z.infer<typeof profileFactSchema>;

export const polaritySchema = z.enum(['like', 'dislike', 'neutral']);
export type Polarity = z.infer<typeof polaritySchema>;

/** One earlier state of a preference, kept when the preference changes. */
export const preferenceChangeSchema = z.object({
  polarity: polaritySchema,
  strength: z.number().min(0).max(1),
  /** When this earlier state began and ended. */
  from: timestampSchema,
  to: timestampSchema,
  /** Why the user changed their mind, when they said so. */
  reason: z.string().max(2000).optional(),
  evidence: z.array(evidenceSchema),
});
export type PreferenceChange = z.infer<typeof preferenceChangeSchema>;

/** A preference about an item or topic, with its history of changes. */
export const preferenceSchema = z.object({
  /** What the preference is about: an item id, a title or a topic ("horror movies"). */
  subject: z.string().min(1).max(500),
  /** Optional grouping ("genre", "food", "music"). */
  category: z.string().max(100).optional(),
  polarity: polaritySchema,
  /** 0 (barely) to 1 (strongly). */
  strength: z.number().min(0).max(1),
  firstSeen: timestampSchema,
  lastUpdated: timestampSchema,
  /** The reason given for the current state, if it replaced an earlier one. */
  reason: z.string().max(2000).optional(),
  evidence: z.array(evidenceSchema).min(1),
  /** Earlier states, oldest first. */
  history: z.array(preferenceChangeSchema).default([]),
});
export type Preference = z.infer<typeof preferenceSchema>;

/** A Big Five trait estimate; `score` is null when nothing supports a guess. */
export const traitSchema = z.object({
  score: z.number().min(0).max(1).nullable(),
  confidence: z.number().min(0).max(1),
  evidence: z.array(evidenceSchema),
});
export type Trait = z.infer<typeof traitSchema>;

export const bigFiveSchema = z.object({
  openness: traitSchema,
  conscientiousness: traitSchema,
  extraversion: traitSchema,
  agreeableness: traitSchema,
  neuroticism: traitSchema,
});
export type BigFive = z.infer<typeof bigFiveSchema>;

/** How the user writes, measured over their messages. */
export const communicationStyleSchema = z.object({
  /** Mean words per message. */
  meanLength: z.number().nonnegative(),
  /** Share of messages containing a question. */
  questionRate: z.number().min(0).max(1),
  /** 0 (casual) to 1 (formal). */
  formality: z.number().min(0).max(1),
  /** Emoji per message. */
  emojiRate: z.number().nonnegative(),
  /** Exclamation marks per message. */
  exclamationRate: z.number().nonnegative(),
  /** How many messages the statistics cover. */
  messageCount: z.number().int().nonnegative(),
  evidence: z.array(evidenceSchema),
});
export type CommunicationStyle = z.infer<typeof communicationStyleSchema>;

export const goalSchema = z.object({
  description: z.string().min(1).max(1000),
  status: z.enum(['active', 'achieved', 'abandoned']).default('active'),
  firstSeen: timestampSchema,
  lastUpdated: timestampSchema,
  evidence: z.array(evidenceSchema).min(1),
});
export type Goal = z.infer<typeof goalSchema>;

export const profileSchema = z.object({
  userId: idSchema,
  /** Increases by one on every update. */
  version: z.number().int().nonnegative(),
  updatedAt: timestampSchema,
  facts: z.array(profileFactSchema),
  preferences: z.array(preferenceSchema),
  personality: bigFiveSchema,
  style: communicationStyleSchema,
  goals: z.array(goalSchema),
});
export type Profile = z.infer<typeof profileSchema>;

const unknownTrait = (): Trait => ({ score: null, confidence: 0, evidence: [] });

/** A profile that knows nothing yet: every trait unknown, no facts. */
export function emptyProfile(userId: string, now = 0): Profile {
  return {
    userId,
    version: 0,
    updatedAt: now,
    facts: [],
    preferences: [],
    personality: {
      openness: unknownTrait(),
      conscientiousness: unknownTrait(),
      extraversion: unknownTrait(),
      agreeableness: unknownTrait(),
      neuroticism: unknownTrait(),
    },
    style: { meanLength: 0, questionRate: 0, formality: 0.5, emojiRate: 0, exclamationRate: 0, messageCount: 0, evidence: [] },
    goals: [],
  };
}

export const profileIdSchema = idSchema;
