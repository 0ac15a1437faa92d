import { z } from 'zod';
import type { ChatModel } from '@personalab/core';
import { WANTED_WEIGHT, describeConstraints, eraYears, genreStem, type ConstraintUpdate, type GenreVocabulary, type SessionConstraints } from './constraints.js';

/** What the LLM answers about one message: the change it asks of the session's request. */
export const llmConstraintSchema = z.object({
  reset: z.boolean(),
  wantedGenres: z.array(z.string().max(100)).max(20),
  avoidedGenres: z.array(z.string().max(100)).max(20),
  addsToEarlierGenres: z.boolean(),
  /** A new span of release years; null leaves the old one. */
  years: z.object({ from: z.number().int().nullable(), to: z.number().int().nullable() }).nullable(),
  anyYear: z.boolean(),
  audience: z.enum(['children', 'adults', 'unchanged']),
});

export interface ConstraintReaderContext extends GenreVocabulary {
  /** The catalogue's genre names as items carry them ("Sci-Fi", "Children's"). */
  genres: readonly string[];
  /** What the session asked for before this message. */
  previous: SessionConstraints;
  signal?: AbortSignal | undefined;
}

/** Reads what a chat message asks of the session's request (genres, years, audience). */
export interface ConstraintReader {
  readonly name: string;
  read(message: string, context: ConstraintReaderContext): Promise<ConstraintUpdate>;
}

/**
 * Reads the session constraints through an LLM (`generateObject` with the schema above): the
 * catalogue's genre names, its latest year and what the session asked for so far go into the
 * prompt, so free phrasing ("nothing that gives my kid nightmares", "something my grandpa would
 * have seen at the drive-in") maps onto the same constraints the offline reader produces. Genre
 * names outside the catalogue are dropped; years outside 1870 to the catalogue's latest are
 * clipped. Any failure is the caller's to catch (it falls back to the offline reader).
 */
export class LlmConstraintReader implements ConstraintReader {
  readonly name: string;
  private readonly model: ChatModel;

  constructor(options: { model: ChatModel }) {
    this.model = options.model;
    this.name = `llm:${options.model.modelId}`;
  }

  async read(message: string, context: ConstraintReaderContext): Promise<ConstraintUpdate> {
    const result = await this.model.generateObject({
      schema: llmConstraintSchema,
      schemaName: 'constraints',
      temperature: 0,
      messages: [
        {
          role: 'system',
          content:
            'You track what a user asks of a movie recommender during one conversation. Read the newest message and say what it changes. Answer with JSON only.',
        },
        { role: 'user', content: constraintPrompt(message, context) },
      ],
      ...(context.signal ? { signal: context.signal } : {}),
    });
    return toUpdate(result.object, context);
  }
}

/** The user turn of the constraint-reading prompt: the catalogue's genres and eras, the request so far, the message and what to fill in. */
export function constraintPrompt(message: string, context: ConstraintReaderContext): string {
  const asked = describeConstraints(context.previous);
  const { recentFrom, classicTo } = eraYears(context);
  // "Recent" and "classic" as the offline reader reads them, so both readers agree and one new item does not move them.
  const eras = [
    context.latestYear === undefined ? '' : `The catalogue's latest release year is ${context.latestYear}.`,
    recentFrom === undefined ? '' : `"Recent" or "new" means released in ${recentFrom} or later.`,
    `"Classic" or "old" means released in ${classicTo} or earlier.`,
  ].filter(Boolean);
  return [
    `Genres in the catalogue: ${context.genres.join(', ')}.`,
    eras.join(' '),
    `Asked for so far in this conversation: ${asked === '' ? 'nothing' : asked}.`,
    `The user's newest message: "${message}"`,
    [
      'Fill in:',
      '- reset: true if the user wants to drop everything asked so far ("start over", "forget that").',
      '- wantedGenres / avoidedGenres: catalogue genres this message asks for or rules out; empty if none. A standing taste ("I usually like dramas") is not a request, but a dislike stated while asking for a film ("I can\'t stand horror, suggest a movie") rules the genre out. "No X", "without X", "nothing X", "not X", "X-free" and "anything but X" rule X out; they never ask for it. A change of mind about a genre asked for so far ("actually I can\'t stand horror", "a western? no way", "I\'ve gone off westerns") rules it out. A negation reaches only its own thought: "less action and more comedy" asks for comedy, "No, I want a comedy" and "nothing beats a good comedy" ask for comedy, "I haven\'t seen a good comedy in years" does not rule comedy out.',
      '- addsToEarlierGenres: true if the wanted genres add to the earlier ones ("also", "too") rather than replace them.',
      '- years: the release years this message asks for ({"from": 1990, "to": 1999} for "the 90s", {"from": 1990, "to": 1995} for "1990 to 1995"; null for an open end, as in {"from": 1990, "to": null} for "90s or newer"), or null if it says nothing about years. Years that date the user\'s life ("I went to Rome in 1998", "married since 1985", "born in the 80s") and ages ("in my 40s") are not release years: null.',
      '- anyYear: true if the user drops a year limit ("any year is fine").',
      '- audience: "children" if children will watch, "adults" if only adults will, else "unchanged".',
    ].join('\n'),
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** The LLM's answer as a constraint update, keeping only catalogue genres and plausible years. */
export function toUpdate(answer: z.infer<typeof llmConstraintSchema>, context: ConstraintReaderContext): ConstraintUpdate {
  const byName = new Map(context.genres.map((genre) => [genre.toLowerCase(), genreStem(genre, context)]));
  const stems = (names: readonly string[]) => names.map((name) => byName.get(name.trim().toLowerCase())).filter((value): value is string => value !== undefined);
  // Genre names the catalogue does not have (an LLM's "rom-com") are dropped, not guessed at.
  const wanted: Record<string, number> = {};
  const avoided: Record<string, number> = {};
  for (const tag of stems(answer.avoidedGenres)) avoided[tag] = -1;
  for (const tag of stems(answer.wantedGenres)) if (avoided[tag] === undefined) wanted[tag] = WANTED_WEIGHT;
  const update: ConstraintUpdate = { reset: answer.reset, wanted, avoided, adds: answer.addsToEarlierGenres };
  const latest = context.latestYear ?? new Date().getUTCFullYear();
  const clip = (year: number | null) => (year === null ? undefined : Math.max(1870, Math.min(latest, year)));
  if (answer.anyYear) update.years = null;
  else if (answer.years !== null) {
    const from = clip(answer.years.from);
    const to = clip(answer.years.to);
    if (from !== undefined || to !== undefined) update.years = from !== undefined && to !== undefined && from > to ? { from: to, to: from } : { from, to };
  }
  if (answer.audience === 'children') update.audience = 'children';
  else if (answer.audience === 'adults') update.audience = null;
  return update;
}
