import { z } from 'zod';
import { genderSchema, idSchema, itemSchema, profileSchema, timestampSchema, userSchema } from '@personalab/core';

/** The error body every failure returns. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** JSON paths of the offending values, for validation errors. */
    paths: z.array(z.string()).optional(),
    /** On a 5xx: the request's id, under which the server logged the fault (the answer itself says nothing of it). */
    requestId: z.string().optional(),
  }),
});

export const createUserBodySchema = z.strictObject({
  id: idSchema.optional(),
  name: z.string().max(200).optional(),
  age: z.number().int().min(0).max(130).optional(),
  gender: genderSchema.optional(),
  occupation: z.string().max(200).optional(),
  location: z.string().max(200).optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export const userParamsSchema = z.object({ id: idSchema });

/** The query string of a route that takes no parameters: any one is a 400 naming it, as on the recommendations route. */
export const noQuerySchema = z.strictObject({});

/** A client's timestamp: past ones (backfilled history) are taken, later than a day ahead of the server's clock refused (the store's rule). */
const eventTimestampSchema = timestampSchema.optional().describe('milliseconds since 1970 (default: now); at most a day ahead of the server clock');

/** Rating values: MovieLens stars, 1 to 5, as the catalogue's ratings, taste and rating prediction use them. */
const ratingValueSchema = z.number().min(1).max(5).describe('1 to 5 stars (MovieLens scale)');

/**
 * Recommendations per request: the pipeline re-ranks its top 20 candidates (Chat-Rec), so it
 * can never return more than 20.
 */
const maxRecommendations = 20;

const ratingEventSchema = z.strictObject({
  type: z.literal('rating'),
  itemId: idSchema,
  value: ratingValueSchema,
  timestamp: eventTimestampSchema,
  /** A client id makes retries idempotent: a repeated id (per user) is a 409, not a second event. */
  id: idSchema.optional().describe('client id, unique per user: a repeated one is a 409'),
});
const implicitEventSchema = z.strictObject({
  type: z.literal('event'),
  itemId: idSchema,
  event: z.enum(['view', 'click', 'like', 'dislike', 'purchase', 'skip']),
  // Which way an event counts is its kind (`dislike` against, the others for): a weight says how much, never the sign.
  // Stored with the event (the events table's value column) for training and export; recommendations read events by kind
  // only, so it changes no list (the description had said "how much the event counts", which nothing read).
  weight: z
    .number()
    .finite()
    .min(0)
    .optional()
    .describe('a strength for the event, 0 or more (default 1), stored with it; recommendations go by the event kind and do not read it (its kind says which way: a dislike counts against)'),
  timestamp: eventTimestampSchema,
  id: idSchema.optional(),
});
const messageEventSchema = z.strictObject({
  type: z.literal('message'),
  content: z.string().min(1).max(10_000),
  role: z.enum(['user', 'assistant']).optional(),
  sessionId: idSchema.optional(),
  timestamp: eventTimestampSchema,
});

export const eventsBodySchema = z.strictObject({
  events: z.array(z.discriminatedUnion('type', [ratingEventSchema, implicitEventSchema, messageEventSchema])).min(1).max(1000),
});

export const eventsResponseSchema = z.object({
  accepted: z.number().int(),
  /** Of the accepted entries: explicit ratings, implicit events (view, like, dislike, purchase, skip, click), messages. */
  ratings: z.number().int(),
  events: z.number().int(),
  messages: z.number().int(),
});

/**
 * A comma-separated list in a query string ("Comedy,Romance"), trimmed, empty entries dropped; the
 * parameter repeated (`genre=Comedy&genre=Romance`, which arrives as an array) is the same list.
 */
const commaList = z
  .union([z.string().max(1000), z.array(z.string().max(1000)).max(20)])
  .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((text) => text.split(',')).map((entry) => entry.trim()).filter(Boolean));

/** A plain decimal integer as JSON writes one: an optional minus, then digits with no leading zero. */
const decimalInteger = /^-?(?:0|[1-9][0-9]*)$/;

/**
 * An integer query parameter, `min` to `max`, written as a plain decimal integer. Anything else is a 400 naming the
 * parameter: `Number()`, which `z.coerce` uses, had read `0x10` as 16, `1e1` as 10, `0b11` as 3, and taken `5.0`,
 * `+5` and ` 5` as 5 and an empty `k=` as 0. A repeated one (`k=5&k=6`) arrives as an array.
 */
const queryInteger = (min: number, max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && decimalInteger.test(value) ? Number(value) : value),
    z
      .number({
        error: (issue) =>
          issue.code !== 'invalid_type'
            ? undefined
            : Array.isArray(issue.input)
              ? 'expected one integer'
              : typeof issue.input === 'number'
                ? `Too big: expected number to be <=${max}` // digits past Number's range, read as Infinity
                : `expected a plain decimal integer (digits only, no leading zero or "+"), got ${JSON.stringify(issue.input)}`,
      })
      .int()
      .min(min)
      .max(max),
  );

// Strict like every body: an unknown or misspelt parameter (`genres=Comedy`) is a 400 naming it, not silently ignored.
export const recommendationsQuerySchema = z
  .strictObject({
    // A prefault (5 parsed when absent), not a default: the document leaves a preprocessed schema's default out.
    k: queryInteger(1, maxRecommendations).prefault(5).describe(`how many recommendations, 1 to ${maxRecommendations} (the pipeline re-ranks its top ${maxRecommendations} candidates)`),
    /** Only items with at least one of these genres (the catalogue's tag names, any case). */
    genre: commaList.optional(),
    /** No item with any of these genres. */
    excludeGenre: commaList.optional(),
    /** Release years, inclusive. */
    yearFrom: queryInteger(1800, 2100).optional(),
    yearTo: queryInteger(1800, 2100).optional(),
    /** `children`: only items tagged for children (Children's, Family). */
    audience: z.enum(['children']).optional(),
  })
  .refine((query) => query.yearFrom === undefined || query.yearTo === undefined || query.yearFrom <= query.yearTo, { message: 'yearFrom must not be after yearTo', path: ['yearFrom'] });

export const recommendationSchema = z.object({
  item: itemSchema,
  score: z.number(),
  modelScore: z.number(),
  profileFit: z.number(),
  source: z.enum(['model', 'text']),
  explanation: z.string(),
});

/** Why an answer is `degraded` (present only then). */
export const degradedReasonSchema = z
  .enum(['llm circuit open', 'llm step failed'])
  .optional()
  .describe(
    'present when `degraded`: `llm circuit open` (the LLM was skipped because its recent steps failed: answers stay offline, at once, until a probe after the cooldown succeeds) or `llm step failed` (the LLM was tried and failed, timed out or answered nothing usable)',
  );

export const recommendationsResponseSchema = z.object({
  userId: idSchema,
  recommendations: z.array(recommendationSchema),
  reranker: z.string(),
  degraded: z.boolean().describe('true when the LLM path failed or was skipped and the offline path answered'),
  degradedReason: degradedReasonSchema,
  candidateCount: z.number().int(),
});

export const chatBodySchema = z.strictObject({
  userId: idSchema,
  sessionId: idSchema.optional(),
  // At most 4,000 characters as typed: zod (4.6 on) counts code points here, as JSON Schema's maxLength does (an emoji once).
  message: z.string().min(1).max(4000),
  k: z.number().int().min(1).max(maxRecommendations).optional(),
});

/** What the session asks for after a chat turn, genres named as the catalogue names them (and `genre=` takes them). */
export const chatConstraintsSchema = z
  .object({
    tags: z
      .record(z.string(), z.number())
      .describe('catalogue genre name ("Comedy", "Sci-Fi") → weight: positive for a genre asked for (a boost per genre), negative for one ruled out (a filter)'),
    years: z.object({ from: z.number().int().optional(), to: z.number().int().optional() }).optional().describe('release years asked for, inclusive'),
    audience: z.literal('children').optional().describe('`children`: only items tagged for children'),
    mood: z
      .object({
        names: z.array(z.string()).describe('the moods heard ("date night", "tearjerker")'),
        phrase: z.string().describe('the words it was asked in'),
      })
      .optional()
      .describe('a mood or occasion the session keeps for its following turns (a soft nudge of the ranking toward the genres it suits, never a filter) until another mood, a genre, "start over" or its negation ends it'),
  })
  .describe("what the session asks for after this turn: genres, release years, audience, mood");

export const chatResponseSchema = z.object({
  sessionId: idSchema,
  intent: z.enum(['recommend', 'explain', 'refine', 'chitchat']),
  constraints: chatConstraintsSchema,
  reply: z.string(),
  recommendations: z.array(recommendationSchema),
  reranker: z.string(),
  degraded: z.boolean().describe('true when an LLM step of the turn failed or was skipped and the offline path answered'),
  degradedReason: degradedReasonSchema,
  messageId: idSchema,
  replyId: idSchema,
});

// Strict like every other body: an unknown item field is a 400, not silently dropped.
export const itemsBodySchema = z.strictObject({ items: z.array(z.strictObject(itemSchema.shape)).min(1).max(1000) });
export const itemsResponseSchema = z.object({ created: z.array(idSchema), updated: z.array(idSchema) });

export const predictRatingBodySchema = z.strictObject({ userId: idSchema, itemId: idSchema });
export const predictRatingResponseSchema = z.object({
  userId: idSchema,
  itemId: idSchema,
  rating: z.number(),
  components: z.object({ globalMean: z.number(), itemBias: z.number(), userBias: z.number(), tasteFit: z.number() }),
});

export const profileResponseSchema = z.object({
  profile: profileSchema,
  ratingCount: z.number().int(),
  /** Tags the ratings favour most (positive affinity only), strongest first, in the catalogue's spelling. */
  topTags: z.array(z.object({ tag: z.string(), affinity: z.number() })),
});

export { userSchema };
