import type { ChatMessage, Preference } from '@personalab/core';
import { type PreferenceClaim, extractPreferenceClaims } from './preference-claims.js';
import { bigrams, contentWords, sentences } from './text.js';

/** One state of a preference, at the message where the user stated it. */
export interface PreferenceState {
  polarity: 1 | -1;
  /** Index of the message in the shared context (the timestamp). */
  index: number;
  /** True for an earlier state recalled in a later message ("I used to love X"). */
  past: boolean;
  reason?: string;
}

/** Everything the user said about one subject, oldest first. */
export interface PreferenceTimeline {
  subject: string;
  words: string[];
  states: PreferenceState[];
}

/** A stretch of a user sentence: what it says now, or what it says used to be true. */
export interface StatementSegment {
  index: number;
  words: Set<string>;
  bigrams: Set<string>;
  /** True for "I used to ..." stretches: their words describe an outdated state. */
  past: boolean;
}

/**
 * The memory of one shared context: the user's preference statements grouped by subject with their
 * states over time, and every user sentence split into current and past stretches. Built once per
 * context; `view(endIndex)` answers for any prefix without rebuilding.
 */
export class UserMemory {
  readonly timelines: PreferenceTimeline[] = [];
  readonly segments: StatementSegment[] = [];

  /**
   * Reads preferences with this package's claim parser, unless `preferences` (a profile's, with
   * message indices as timestamps) are given: then their states and history are the timelines.
   */
  constructor(messages: readonly ChatMessage[], preferences?: readonly Preference[]) {
    if (preferences) for (const preference of preferences) this.addPreference(preference);
    messages.forEach((message, index) => {
      if (message.role !== 'user') return;
      if (!preferences) for (const claim of extractPreferenceClaims(message.content)) this.addClaim(claim, index);
      for (const sentence of sentences(message.content)) {
        // Clauses that say what used to be true ("I used to X", "I no longer X") are outdated; the rest current.
        // The clause after "rather than" names what is no longer true ("I Y now rather than X").
        const pieces = sentence.split(/([,;:]|\bbut\b|\brather than\b)/i);
        const parts: { text: string; past: boolean }[] = [];
        for (let piece = 0; piece < pieces.length; piece += 2) {
          const text = pieces[piece] ?? '';
          const delimiter = (pieces[piece - 1] ?? '').toLowerCase();
          parts.push({ text, past: delimiter === 'rather than' || /\b(?:used to|no longer|anymore)\b/i.test(text) });
        }
        for (const part of parts) {
          const words = contentWords(part.text);
          if (words.length > 0) this.segments.push({ index, words: new Set(words), bigrams: bigrams(words), past: part.past });
        }
      }
    });
  }

  private addClaim(claim: PreferenceClaim, index: number): void {
    const timeline = this.findTimeline(claim.subjectWords) ?? this.newTimeline(claim);
    timeline.states.push({ polarity: claim.polarity, index, past: claim.past, ...(claim.reason === undefined ? {} : { reason: claim.reason }) });
  }

  private addPreference(preference: Preference): void {
    if (preference.polarity === 'neutral') return;
    const words = contentWords(preference.subject);
    if (words.length === 0) return;
    const sign = (polarity: string): 1 | -1 | undefined => (polarity === 'like' ? 1 : polarity === 'dislike' ? -1 : undefined);
    const states: PreferenceState[] = [];
    for (const change of preference.history) {
      const polarity = sign(change.polarity);
      if (polarity !== undefined) states.push({ polarity, index: change.from, past: false });
    }
    const current = sign(preference.polarity) as 1 | -1;
    const since = preference.history.length > 0 ? (preference.history[preference.history.length - 1]?.to ?? preference.lastUpdated) : preference.firstSeen;
    states.push({ polarity: current, index: since, past: false, ...(preference.reason === undefined ? {} : { reason: preference.reason }) });
    this.timelines.push({ subject: preference.subject, words, states });
  }

  private newTimeline(claim: PreferenceClaim): PreferenceTimeline {
    const timeline: PreferenceTimeline = { subject: claim.subject, words: claim.subjectWords, states: [] };
    this.timelines.push(timeline);
    return timeline;
  }

  /** The timeline whose subject shares at least half of its words with `words`. */
  findTimeline(words: readonly string[]): PreferenceTimeline | undefined {
    let best: PreferenceTimeline | undefined;
    let bestOverlap = 0;
    const set = new Set(words);
    for (const timeline of this.timelines) {
      const shared = timeline.words.filter((word) => set.has(word)).length;
      const overlap = shared / Math.max(timeline.words.length, 1);
      if (shared > 0 && overlap >= 0.5 && overlap > bestOverlap) {
        best = timeline;
        bestOverlap = overlap;
      }
    }
    return best;
  }

  /** The memory as of just before `endIndex` (what a question at that index may know). */
  view(endIndex: number): MemoryView {
    return new MemoryView(this, endIndex);
  }
}

/** A prefix of a `UserMemory`: only statements made before the end index. */
export class MemoryView {
  constructor(
    readonly memory: UserMemory,
    readonly endIndex: number,
  ) {}

  /** Distinct polarities of a timeline in time order (past recollections placed before their message's current state). */
  history(timeline: PreferenceTimeline): (1 | -1)[] {
    const states = timeline.states.filter((state) => state.index < this.endIndex);
    const ordered = states.map((state, order) => ({ state, key: state.index * 2 + (state.past ? 0 : 1), order })).sort((a, b) => a.key - b.key || a.order - b.order);
    const history: (1 | -1)[] = [];
    for (const { state } of ordered) if (history[history.length - 1] !== state.polarity) history.push(state.polarity);
    return history;
  }

  /** The latest stated (non-recollected) state of a timeline before the end index. */
  latest(timeline: PreferenceTimeline): PreferenceState | undefined {
    const states = timeline.states.filter((state) => state.index < this.endIndex && !state.past);
    return states[states.length - 1];
  }

  /** Reasons the user gave for the current state of any preference. */
  reasons(): string[] {
    return this.memory.timelines.flatMap((timeline) => {
      const latest = this.latest(timeline);
      return latest?.reason === undefined ? [] : [latest.reason];
    });
  }

  /** Timelines with at least one state before the end index. */
  timelines(): PreferenceTimeline[] {
    return this.memory.timelines.filter((timeline) => timeline.states.some((state) => state.index < this.endIndex));
  }

  /** Sentence stretches before the end index; a current stretch repeated later as "used to" is outdated. */
  segments(): { segment: StatementSegment; outdated: boolean }[] {
    const visible = this.memory.segments.filter((segment) => segment.index < this.endIndex);
    const pasts = visible.filter((segment) => segment.past);
    return visible.map((segment) => {
      if (segment.past) return { segment, outdated: true };
      const superseded = pasts.some((past) => {
        if (past.index <= segment.index) return false;
        const shared = [...segment.words].filter((word) => past.words.has(word)).length;
        return shared / Math.max(1, Math.min(segment.words.size, past.words.size)) >= 0.6;
      });
      return { segment, outdated: superseded };
    });
  }
}
