import type { Random, SimulationGoal } from '@personalab/core';
import { filmTitle } from './film-titles.js';
import type { ItemCatalog } from './simulated-user.js';

/** How the hidden ground truth judges one recommended item. */
export type ItemJudgement = 'target' | 'liked_unseen' | 'seen_liked' | 'seen_disliked' | 'seen_neutral' | 'disliked' | 'neutral' | 'unknown';

/** Ratings at or above this count as liked, at or below `dislikeBelow` as disliked (MovieLens 1–5). */
export interface FeedbackThresholds {
  likeAtLeast: number;
  dislikeAtMost: number;
}

export const defaultThresholds: FeedbackThresholds = { likeAtLeast: 4, dislikeAtMost: 2 };

/** Judges one item against the hidden goal: targets, hidden ratings and seen items. */
export function judgeItem(itemId: string, goal: SimulationGoal, thresholds: FeedbackThresholds = defaultThresholds): ItemJudgement {
  if (goal.targetItemIds?.includes(itemId)) return 'target';
  const rating = goal.hiddenRatings?.get(itemId);
  const seen = goal.seenItemIds?.has(itemId) ?? false;
  if (seen) {
    if (rating === undefined) return 'seen_neutral';
    return rating >= thresholds.likeAtLeast ? 'seen_liked' : rating <= thresholds.dislikeAtMost ? 'seen_disliked' : 'seen_neutral';
  }
  if (rating === undefined) return 'unknown';
  return rating >= thresholds.likeAtLeast ? 'liked_unseen' : rating <= thresholds.dislikeAtMost ? 'disliked' : 'neutral';
}

/**
 * `judgeItem`, but an unrated film the catalogue lists again under an id the user saw (MovieLens lists "Chasing Amy (1997)"
 * twice) is judged as that one: "I have not seen Chasing Amy" of a film it rated 5 was a lie.
 */
function judgeListed(itemId: string, goal: SimulationGoal, catalog: ItemCatalog | undefined, thresholds?: FeedbackThresholds): ItemJudgement {
  const judgement = judgeItem(itemId, goal, thresholds);
  const title = catalog?.get(itemId)?.title;
  if (judgement !== 'unknown' || title === undefined) return judgement;
  const twin = [...(goal.seenItemIds ?? [])].find((seenId) => seenId !== itemId && catalog?.get(seenId)?.title === title);
  return twin === undefined ? judgement : judgeItem(twin, goal, thresholds);
}

/** Whether a judgement satisfies the goal (the user would accept the recommendation). */
export const isAcceptance = (judgement: ItemJudgement) => judgement === 'target' || judgement === 'liked_unseen';

export interface Feedback {
  /** What the user says about the recommendations (grounded, never invented). */
  text: string;
  /** Recommended items the user accepts. */
  accepted: string[];
  judgements: Array<{ itemId: string; judgement: ItemJudgement }>;
}

const templates: Record<ItemJudgement, readonly string[]> = {
  target: ['{title} sounds perfect, I will watch that!', 'Oh, {title} is exactly what I was looking for.', 'Yes! {title} looks great, thanks.'],
  liked_unseen: ['{title} sounds good, I would watch that.', 'Ooh, {title} could be great.', 'I like the sound of {title}.'],
  seen_liked: ['I have already seen {title}, and I loved it.', 'Seen {title} already, it was great.', 'I watched {title} before and really enjoyed it.'],
  seen_disliked: ['I have seen {title} and did not like it.', 'I watched {title} already, not for me.', 'Seen {title}, I did not enjoy it.'],
  seen_neutral: ['I have already seen {title}.', 'Seen {title} already.', 'I watched {title} a while ago.'],
  disliked: ['{title} is not really my thing.', 'I do not think I would like {title}.', 'Not {title}, please.'],
  neutral: ['{title} is okay, but not quite what I want.', 'Maybe {title}, but I am not excited about it.', '{title}, hmm, not really.'],
  // The user rated it not and it is of none of the genres it likes, or of one it dislikes: lukewarm, and no claim of never having heard of it ("I do not know Star Wars").
  unknown: ['{title} does not really grab me.', 'Hmm, {title}, maybe not.', '{title} does not sound like my kind of film.'],
};

/**
 * For an unrated film of a genre the user likes and of none it dislikes: open to it, no verdict ("does not grab me" reads as a
 * weak dislike; "Maybe, I have not seen X." read oddly). The title never opens the sentence: "Fargo might be good, …" is read as
 * a liking of Fargo, and a one-word title opening a sentence is not read as a film at all.
 */
const curious = ['I have not seen {title}, it might be good.', 'Never seen {title}, but it could be interesting.', 'I am not sure about {title}, I have not seen it.'];

/** For items the user has no title for (an id outside the catalogue): a person does not read ids out. */
const untitled = {
  one: ['I do not know that one.', 'That one does not ring a bell.', 'I have never heard of that one.'],
  several: ['I do not know those.', 'Those do not ring a bell.', 'I have never heard of those.'],
} as const;

/** The template with the title in it; a title that ends a sentence itself ("Mars Attacks!") takes no second stop. */
export function withTitle(template: string, title: string): string {
  return /[.!?]$/.test(title) ? template.replace('{title}.', title).replace('{title}', title) : template.replace('{title}', title);
}

const askMore = ['Do you have anything else?', 'Anything else you would suggest?', 'What else have you got?', 'Can you suggest something different?'];

/**
 * The user's reaction to recommended items, grounded in the hidden ratings: it never claims to
 * like an item rated low, never claims not to have seen a seen item. Mentions at most `limit`
 * items (the accepted ones first), like a person skimming a list.
 */
export function recommendationFeedback(options: {
  recommendedItemIds: readonly string[];
  goal: SimulationGoal;
  catalog: ItemCatalog | undefined;
  random: Random;
  limit?: number;
  thresholds?: FeedbackThresholds;
  /** The genres the user likes, lower-cased ("drama"): an unrated film of one is met with curiosity, not lukewarm. */
  likedGenres?: readonly string[];
  /** The genres the user dislikes, lower-cased: an unrated film of one is met lukewarm, whatever liked genre it has too. */
  dislikedGenres?: readonly string[];
}): Feedback {
  const judgements = options.recommendedItemIds.map((itemId) => ({ itemId, judgement: judgeListed(itemId, options.goal, options.catalog, options.thresholds) }));
  const accepted = judgements.filter((entry) => isAcceptance(entry.judgement)).map((entry) => entry.itemId);
  const order: ItemJudgement[] = ['target', 'liked_unseen', 'seen_liked', 'seen_disliked', 'disliked', 'seen_neutral', 'neutral', 'unknown'];
  const mentioned = [...judgements].sort((left, right) => order.indexOf(left.judgement) - order.indexOf(right.judgement)).slice(0, options.limit ?? 2);
  // Each judgement's templates are drawn without replacement: "Yes! Fargo looks great, thanks. Yes! Vertigo looks great, thanks." read as a stuck record.
  const used = new Set<string>();
  const liked = new Set(options.likedGenres ?? []);
  const disliked = new Set(options.dislikedGenres ?? []);
  const genresOf = (itemId: string) => (options.catalog?.get(itemId)?.tags ?? []).map((tag) => tag.toLowerCase());
  const isCurious = (itemId: string) => genresOf(itemId).some((genre) => liked.has(genre)) && !genresOf(itemId).some((genre) => disliked.has(genre));
  const templatesOf = (entry: { itemId: string; judgement: ItemJudgement }) => (entry.judgement === 'unknown' && isCurious(entry.itemId) ? curious : templates[entry.judgement]);
  const pickTemplate = (entry: { itemId: string; judgement: ItemJudgement }) => {
    const all = templatesOf(entry);
    const unused = all.filter((template) => !used.has(template));
    const template = options.random.pick(unused.length > 0 ? unused : all);
    used.add(template);
    return template;
  };
  // "Silence of the Lambs, The (1991)" is said "The Silence of the Lambs".
  const title = (itemId: string) => filmTitle(options.catalog, itemId);
  // An id outside the catalogue is nothing the user knows: one sentence for all of them, after the others.
  const unnamed = mentioned.filter((entry) => entry.judgement === 'unknown' && title(entry.itemId) === undefined).length;
  const parts = mentioned.flatMap((entry) => {
    const said = title(entry.itemId);
    if (said === undefined && entry.judgement === 'unknown') return [];
    // Known from the hidden ratings but without a catalogue to name it by: "that one", never its id.
    const template = pickTemplate(entry);
    return [said !== undefined ? withTitle(template, said) : template.replace(/^\{title\}/, 'That one').replace('{title}', 'that one')];
  });
  if (unnamed > 0) parts.push(options.random.pick(unnamed === 1 ? untitled.one : untitled.several));
  if (accepted.length === 0) parts.push(options.random.pick(askMore));
  return { text: parts.join(' '), accepted, judgements };
}
