import { z } from 'zod';
import { genderSchema, idSchema, itemSchema, profileSchema, timestampSchema, userSchema } from '@personalab/core';

/*
 * Examples (`.meta({ examples })`): MovieLens 100K values, so Swagger UI's "Try it out" works as it stands against
 * `npm start` (user "1", item "50" = Star Wars (1977)). The top-level one becomes the document's media `example`;
 * `openapi-examples.test.ts` checks each against its schema and sends every request example to the app.
 */

/** Star Wars (1977) as the MovieLens 100K catalogue holds it. */
const starWars = {
  id: '50',
  title: 'Star Wars (1977)',
  tags: ['Action', 'Adventure', 'Romance', 'Sci-Fi', 'War'],
  year: 1977,
  attributes: { imdbUrl: 'http://us.imdb.com/M/title-exact?Star%20Wars%20(1977)', releaseDate: '1977-01-01' },
};

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

/** Letters whose shapes a joiner changes: cursive scripts (a ZWNJ parts two letters) and Indic ones (it makes or breaks a conjunct). */
const joinedLetter = /^[\p{L}\p{M}]$/u;
// Script_Extensions: a vowel mark shared by scripts (Arabic's U+064E is Inherited by Script) still counts as the script's.
const joiningScript = /^[\p{scx=Arabic}\p{scx=Syriac}\p{scx=Nko}\p{scx=Mongolian}\p{scx=Devanagari}\p{scx=Bengali}\p{scx=Gurmukhi}\p{scx=Gujarati}\p{scx=Oriya}\p{scx=Tamil}\p{scx=Telugu}\p{scx=Kannada}\p{scx=Malayalam}\p{scx=Sinhala}]$/u;

/** Whether the tag character (U+E0020–U+E007F) at `index` is part of an emoji tag sequence (🏴 and a flag's tags), which shows. */
function inTagSequence(characters: readonly string[], index: number): boolean {
  let start = index;
  while (start > 0 && /^[\u{E0020}-\u{E007F}]$/u.test(characters[start - 1] ?? '')) start--;
  return /^[\u{E0020}-\u{E007F}]$/u.test(characters[index] ?? '') && /\p{Extended_Pictographic}/u.test(characters[start - 1] ?? '');
}

/**
 * Whether the joiner (U+200C ZWNJ, U+200D ZWJ) at `index` shows: in an emoji ZWJ sequence (👩‍💻, after a skin tone or
 * U+FE0F too), or between two letters of a script it joins or parts (Persian "علی‌رضا", Devanagari "क्‍ष"). Elsewhere
 * ("ali\u200Dce") it hides as any format character does.
 */
function joinsVisibly(characters: readonly string[], index: number): boolean {
  const joiner = characters[index];
  if (joiner !== '\u200C' && joiner !== '\u200D') return false;
  const before = characters[index - 1] ?? '';
  const after = characters[index + 1] ?? '';
  const pictographBefore = /\p{Extended_Pictographic}/u.test(/^[\u{FE0F}\p{Emoji_Modifier}]$/u.test(before) ? (characters[index - 2] ?? '') : before);
  if (joiner === '\u200D' && pictographBefore && /\p{Extended_Pictographic}/u.test(after)) return true;
  return [before, after].every((letter) => joinedLetter.test(letter) && joiningScript.test(letter));
}

/** Why an id is not one a URL path can name as sent (a code point's index, as characters are counted as typed), or undefined. */
function unnameableInPath(id: string): string | undefined {
  if (id === '.' || id === '..') return 'a dot segment';
  const characters = [...id];
  for (const [index, character] of characters.entries()) {
    const codePoint = `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    // Zero-width (U+200B–U+200D, U+2060, U+FEFF), soft hyphen and bidi controls (U+202A–U+202E, U+2066–U+2069): "ali\u200Bce"
    // shows as "alice"; a joiner that shows (an emoji sequence, a Persian word) had been refused with them. Before whitespace:
    // \s counts U+FEFF, which is no space one sees.
    if (/\p{Cf}/u.test(character) && !joinsVisibly(characters, index) && !inTagSequence(characters, index)) return `invisible format character ${codePoint} at index ${index}`;
    if (/\s/u.test(character)) return `whitespace ${codePoint} at index ${index}`;
    if (/\p{Cc}/u.test(character)) return `control character ${codePoint} at index ${index}`;
    if (character === '/' || character === '\\') return `"${character}" at index ${index}`;
  }
  return undefined;
}

/** What an id a URL path can name has not, as the refusals and the document say it. */
const nameableIdRule = 'no whitespace, control or invisible format characters, "/" or "\\"';

/** The refusal of a new id (of a user, "a user id") a URL path cannot name, or undefined for one it can. */
export function unnameableIdMessage(id: string, kind: string): string | undefined {
  const reason = unnameableInPath(id);
  return reason === undefined ? undefined : `not ${kind} a URL path can name (${reason}): ${kind} has ${nameableIdRule}, and is not "." or ".."`;
}

/**
 * A new user's id: one a URL path names as sent. A slash splits the path, a backslash is one to browsers, "." and ".."
 * are resolved away (even percent-encoded), and whitespace, control or invisible format characters hide in logs and
 * copied URLs (" alice " and "ali\u200Bce" show as "alice"). Letters of any script and other symbols stay valid ("944",
 * "sim-spc-0", a UUID, "josé"). Only new ids: the path parameters take any stored id, so users created before this rule
 * are still served.
 */
const newUserIdSchema = idSchema
  .superRefine((id, context) => {
    const message = unnameableIdMessage(id, 'a user id');
    if (message !== undefined) context.addIssue({ code: 'custom', message });
  })
  .describe(`the user id (default: a generated one): ${nameableIdRule}, and not "." or ".."`);

export const createUserBodySchema = z.strictObject({
  id: newUserIdSchema.optional(),
  name: z.string().max(200).optional(),
  age: z.number().int().min(0).max(130).optional(),
  gender: genderSchema.optional(),
  occupation: z.string().max(200).optional(),
  location: z.string().max(200).optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
}).meta({ examples: [{ id: 'alice', name: 'Alice', age: 34, gender: 'F', occupation: 'engineer', location: '94110' }] });

export const userParamsSchema = z.object({ id: idSchema.meta({ description: 'user id (MovieLens 100K: "1" to "943"; the synthetic world: "u1", "u2", …)', examples: ['1'] }) });
export const itemParamsSchema = z.object({ id: idSchema.meta({ description: 'item id (MovieLens 100K: "1" to "1682"; the synthetic world: "i1", "i2", …)', examples: ['50'] }) });

/** A user created through `POST /v1/users` (its example), and MovieLens user 1 (`GET /v1/users/:id`'s). */
export const createdUserSchema = userSchema.meta({ examples: [{ id: 'alice', name: 'Alice', age: 34, gender: 'F', occupation: 'engineer', location: '94110', createdAt: 1795810221439 }] });
export const userResponseSchema = userSchema.meta({ examples: [{ id: '1', age: 24, gender: 'M', occupation: 'technician', location: '85711', attributes: { zip: '85711' } }] });
export const itemResponseSchema = itemSchema.meta({ examples: [starWars] });

/** The query string of a route that takes no parameters: any one is a 400 naming it, as on the recommendations route. */
export const noQuerySchema = z.strictObject({});

/** A client's timestamp: past ones (backfilled history) are taken, later than a day ahead of the server's clock refused (the store's rule). */
const eventTimestampSchema = timestampSchema.optional().describe('milliseconds since 1970 (default: now); at most a day ahead of the server clock');

/**
 * Rating values: MovieLens stars, whole ones from 1 to 5, as the catalogue's ratings, the synthetic world, the chat page's
 * buttons and rating prediction use them. A half star (4.5) is refused: the scale has none, and a half-star scale's lowest
 * value (0.5) never fitted it.
 */
const ratingValueSchema = z
  .number()
  .int({ error: (issue) => `expected whole stars, 1 to 5 (the scale has no half stars), got ${String(issue.input)}` })
  .min(1)
  .max(5)
  .describe('whole stars, 1 to 5 (the MovieLens scale: no half stars)');

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
}).meta({
  examples: [
    {
      events: [
        { type: 'rating', itemId: '50', value: 5 },
        { type: 'rating', itemId: '100', value: 4 },
        { type: 'event', itemId: '168', event: 'like' },
        { type: 'message', content: 'I love old sci-fi, but I cannot stand horror' },
      ],
    },
  ],
});

export const eventsResponseSchema = z.object({
  accepted: z.number().int(),
  /** Of the accepted entries: explicit ratings, implicit events (view, like, dislike, purchase, skip, click), messages. */
  ratings: z.number().int(),
  events: z.number().int(),
  messages: z.number().int(),
}).meta({ examples: [{ accepted: 4, ratings: 2, events: 1, messages: 1 }] });

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
// Its examples are OpenAPI 3.0's `example`: zod leaves `examples` of a transforming schema out of the input document.
// A contradiction between parameters names both: `yearFrom` after `yearTo` here (an issue whose `params.alsoAt` the error
// handler names beside its path), in one 400 with any other bad parameter; a genre also excluded is the route's 400 (it
// needs the catalogue's genres).
export const recommendationsQuerySchema = z
  .strictObject({
    // A prefault (5 parsed when absent), not a default: the document leaves a preprocessed schema's default out.
    k: queryInteger(1, maxRecommendations)
      .prefault(5)
      .meta({ description: `how many recommendations, 1 to ${maxRecommendations} (the pipeline re-ranks its top ${maxRecommendations} candidates)`, example: 3 }),
    /** Only items with at least one of these genres (the catalogue's tag names, any case). */
    genre: commaList.optional().meta({ description: 'only items with at least one of these genres, comma-separated (the catalogue\'s names, any case)', example: 'Comedy' }),
    /** No item with any of these genres. */
    excludeGenre: commaList
      .optional()
      .meta({ description: 'no item with any of these genres, comma-separated (the catalogue\'s names, any case); a genre also in `genre` is a 400' }),
    /** Release years, inclusive. */
    yearFrom: queryInteger(1800, 2100).optional().meta({ description: 'only items released in this year or later, 1800 to 2100; after `yearTo` is a 400' }),
    yearTo: queryInteger(1800, 2100).optional().meta({ description: 'only items released in this year or earlier, 1800 to 2100' }),
    /** `children`: only items tagged for children (Children's, Family). */
    audience: z.enum(['children']).optional().meta({ description: '`children`: only items tagged for children (Children\'s, Family); no filter in a catalogue without such tags' }),
  })
  .superRefine((query, context) => {
    // Neither year alone is wrong: both are named (the route's check had named `k` alone beside it, as it never ran).
    if (query.yearFrom === undefined || query.yearTo === undefined || query.yearFrom <= query.yearTo) return;
    context.addIssue({
      code: 'custom',
      path: ['yearFrom'],
      params: { alsoAt: [['yearTo']] },
      message: `yearFrom ${query.yearFrom} is after yearTo ${query.yearTo}: give the earlier year as yearFrom`,
    });
  });

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

/** A MovieLens film as a recommendation list holds it. */
const movieLensFilm = (id: string, title: string, tags: string[], year: number, imdbUrl: string, releaseDate: string) => ({ id, title, tags, year, attributes: { imdbUrl, releaseDate } });

export const recommendationsResponseSchema = z.object({
  userId: idSchema,
  recommendations: z.array(recommendationSchema),
  reranker: z.string(),
  degraded: z.boolean().describe('true when the LLM path failed or was skipped and the offline path answered'),
  degradedReason: degradedReasonSchema,
  candidateCount: z.number().int(),
}).meta({
  examples: [
    {
      userId: '1',
      recommendations: [
        {
          item: movieLensFilm('655', 'Stand by Me (1986)', ['Adventure', 'Comedy', 'Drama'], 1986, 'http://us.imdb.com/M/title-exact?Stand%20by%20Me%20(1986)', '1986-01-01'),
          score: 0.9034,
          modelScore: 1,
          profileFit: 0.471,
          source: 'model',
          explanation: 'Stand by Me (1986): Adventure / Comedy / Drama. It shares Drama with Empire Strikes Back, The (1980) and Jean de Florette (1986), which you liked.',
        },
        {
          item: movieLensFilm('433', 'Heathers (1989)', ['Comedy'], 1989, 'http://us.imdb.com/M/title-exact?Heathers%20(1989)', '1989-01-01'),
          score: 0.7718,
          modelScore: 0.8153,
          profileFit: 0.503,
          source: 'model',
          explanation: 'Heathers (1989): Comedy. It shares Comedy with Monty Python and the Holy Grail (1974) and Mystery Science Theater 3000: The Movie (1996), which you liked.',
        },
        {
          item: movieLensFilm('385', 'True Lies (1994)', ['Action', 'Adventure', 'Comedy', 'Romance'], 1994, 'http://us.imdb.com/M/title-exact?True%20Lies%20(1994)', '1994-01-01'),
          score: 0.7039,
          modelScore: 0.7877,
          profileFit: 0.2833,
          source: 'model',
          explanation: 'True Lies (1994): Action / Adventure / Comedy. It shares Romance with Empire Strikes Back, The (1980) and Postino, Il (1994), which you liked.',
        },
      ],
      reranker: 'offline-blend',
      degraded: false,
      candidateCount: 20,
    },
  ],
});

export const chatBodySchema = z.strictObject({
  userId: idSchema,
  sessionId: idSchema.optional().describe('the `sessionId` an earlier answer returned, to continue that conversation; leave it out to start a new one'),
  // At most 4,000 characters as typed: zod (4.6 on) counts code points here, as JSON Schema's maxLength does (an emoji once).
  message: z.string().min(1).max(4000),
  k: z.number().int().min(1).max(maxRecommendations).optional(),
}).meta({ examples: [{ userId: '1', message: 'something like Fargo but funnier', k: 3 }] });

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
    either: z.literal(true).optional().describe('the genres asked for are alternatives ("horror or comedy"): a film of any of them fits, not only one of all'),
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
}).meta({
  examples: [
    {
      sessionId: '61e64844-8653-49a4-85a9-d70a654a5fb1',
      intent: 'recommend',
      constraints: { tags: {}, mood: { names: ['light'], phrase: 'something like Fargo but funnier' } },
      reply: 'Films like Fargo (1996) but funnier:\n1. With Honors (1994)\n2. North by Northwest (1959)\n3. Close Shave, A (1995)',
      recommendations: [
        {
          item: movieLensFilm('941', 'With Honors (1994)', ['Comedy', 'Drama'], 1994, 'http://us.imdb.com/M/title-exact?With%20Honors%20(1994)', '1994-01-01'),
          score: 1.9549,
          modelScore: 0.6573,
          profileFit: 2.0438,
          source: 'model',
          explanation: 'With Honors (1994): Comedy / Drama. It shares Drama with Empire Strikes Back, The (1980) and Jean de Florette (1986), which you liked. It suits "something like Fargo but funnier": Comedy.',
        },
        {
          item: movieLensFilm('480', 'North by Northwest (1959)', ['Comedy', 'Thriller'], 1959, 'http://us.imdb.com/M/title-exact?North%20by%20Northwest%20(1959)', '1959-01-01'),
          score: 1.9383,
          modelScore: 0.8992,
          profileFit: 1.004,
          source: 'model',
          explanation: 'North by Northwest (1959): Comedy / Thriller. It shares Comedy with Monty Python and the Holy Grail (1974) and Mystery Science Theater 3000: The Movie (1996), which you liked. It suits "something like Fargo but funnier": Comedy.',
        },
        {
          item: movieLensFilm('408', 'Close Shave, A (1995)', ['Animation', 'Comedy', 'Thriller'], 1995, 'http://us.imdb.com/M/title-exact?Close%20Shave,%20A%20(1995)', '1996-04-28'),
          score: 1.9006,
          modelScore: 0.8589,
          profileFit: 1.4183,
          source: 'model',
          explanation: 'Close Shave, A (1995): Comedy / Animation / Thriller. It shares Comedy with Monty Python and the Holy Grail (1974) and Mystery Science Theater 3000: The Movie (1996), which you liked. It suits "something like Fargo but funnier": Comedy.',
        },
      ],
      reranker: 'offline-blend',
      degraded: false,
      messageId: 'e05daca5-1f47-421b-911b-19c3de759af7',
      replyId: '4e6f263d-38c7-438f-93bd-196f6db00b91',
    },
  ],
});

// Strict like every other body: an unknown item field is a 400, not silently dropped.
// A new item's id follows a new user's rule (checked by the route, which knows the stored ids: stored ones are still updated).
const itemIdSchema = idSchema.describe(`the item id; a new one has ${nameableIdRule}, and is not "." or ".." (an item stored before under another id is still updated)`);
export const itemsBodySchema = z.strictObject({ items: z.array(z.strictObject({ ...itemSchema.shape, id: itemIdSchema })).min(1).max(1000) }).meta({
  examples: [
    {
      items: [
        {
          id: '1683',
          title: 'Knives Out (2019)',
          tags: ['Comedy', 'Crime', 'Mystery'],
          year: 2019,
          description: 'A famous crime novelist is found dead after his 85th birthday party, and a gentleman detective questions his quarrelsome family: a whodunit played for laughs.',
        },
      ],
    },
  ],
});
export const itemsResponseSchema = z.object({ created: z.array(idSchema), updated: z.array(idSchema) }).meta({ examples: [{ created: ['1683'], updated: [] }] });

export const predictRatingBodySchema = z.strictObject({ userId: idSchema, itemId: idSchema }).meta({ examples: [{ userId: '1', itemId: '483' }] });
export const predictRatingResponseSchema = z.object({
  userId: idSchema,
  itemId: idSchema,
  rating: z.number(),
  components: z.object({ globalMean: z.number(), itemBias: z.number(), userBias: z.number(), tasteFit: z.number() }),
}).meta({ examples: [{ userId: '1', itemId: '483', rating: 4.7173, components: { globalMean: 3.5299, itemBias: 0.8903, userBias: 0.0727, tasteFit: 0.2244 } }] });

export const profileResponseSchema = z.object({
  profile: profileSchema,
  ratingCount: z.number().int(),
  /** Tags the ratings favour most (positive affinity only), strongest first, in the catalogue's spelling. */
  topTags: z.array(z.object({ tag: z.string(), affinity: z.number() })),
}).meta({ examples: [profileExample()] });

/** MovieLens user 1's profile after the events example (its message: a preference each way). */
function profileExample() {
  const messageId = '2b74eded-f9d7-4201-a5db-b9a10df5f0c1';
  const at = 1795810297748;
  const preference = (subject: string, polarity: 'like' | 'dislike', quote: string) => ({
    subject,
    ...(polarity === 'dislike' ? { category: 'movie' } : {}),
    polarity,
    strength: 0.9,
    firstSeen: at,
    lastUpdated: at,
    evidence: [{ messageId, quote, timestamp: at }],
    history: [],
  });
  const unknown = { score: null, confidence: 0, evidence: [] };
  return {
    profile: {
      userId: '1',
      version: 1,
      updatedAt: at,
      facts: [],
      preferences: [preference('old sci-fi', 'like', 'i love old sci-fi'), preference('horror', 'dislike', 'but i cannot stand horror')],
      personality: { openness: unknown, conscientiousness: unknown, extraversion: unknown, agreeableness: unknown, neuroticism: unknown },
      style: { meanLength: 10, questionRate: 0, formality: 1, emojiRate: 0, exclamationRate: 0, messageCount: 1, evidence: [{ messageId, timestamp: at }] },
      goals: [],
    },
    ratingCount: 272,
    topTags: [
      { tag: 'Sci-Fi', affinity: 1.2305 },
      { tag: 'Drama', affinity: 0.6888 },
      { tag: 'Documentary', affinity: 0.6151 },
      { tag: 'Romance', affinity: 0.4538 },
      { tag: 'Film-Noir', affinity: 0.2359 },
    ],
  };
}

export { userSchema };
