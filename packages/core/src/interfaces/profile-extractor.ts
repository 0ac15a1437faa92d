import type { Message } from '../schemas/message.js';
import type { Profile } from '../schemas/profile.js';

export interface ExtractOptions {
  /** The profile so far; the result extends it (incremental update). */
  previous?: Profile;
  /** The user the profile belongs to, when there is no previous profile. */
  userId?: string;
  signal?: AbortSignal;
}

/** Infers a user's implicit profile from what they said. */
export interface ProfileExtractor {
  readonly name: string;
  extract(messages: readonly Message[], options?: ExtractOptions): Promise<Profile>;
}
