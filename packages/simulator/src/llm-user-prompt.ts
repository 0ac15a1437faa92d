import type { Profile, SimulationGoal } from '@personalab/core';
import { dislikedSubjects, likedSubjects, listInWords } from './profile-text.js';
import { judgeItem, type FeedbackThresholds } from './recommendation-feedback.js';
import type { ItemCatalog } from './simulated-user.js';

/** Marker the simulated user writes when it wants to stop the conversation. */
export const endMarker = '[END]';

const describeLevel = (value: number, low: string, middle: string, high: string) => (value < 0.35 ? low : value > 0.65 ? high : middle);

/** The profile's writing style as instructions. */
export function styleInstructions(profile: Profile, fallbackLength = 12): string {
  const style = profile.style;
  const length = Math.max(3, Math.round(style.messageCount > 0 ? style.meanLength : fallbackLength));
  const lines = [`Write about ${length} words per message, like a person typing in a chat.`];
  if (style.messageCount > 0) {
    lines.push(`Your tone is ${describeLevel(style.formality, 'casual', 'neutral', 'formal')}.`);
    lines.push(`You ${describeLevel(style.questionRate, 'rarely ask questions', 'sometimes ask questions', 'often ask questions')}.`);
    if (style.emojiRate > 0.2) lines.push('You use emoji now and then.');
    if (style.exclamationRate > 0.3) lines.push('You use exclamation marks.');
  }
  return lines.join(' ');
}

/** Big Five traits with a known score, in words. */
function personalityInstructions(profile: Profile): string {
  const traits = Object.entries(profile.personality)
    .filter(([, trait]) => trait.score !== null && trait.confidence > 0.2)
    .map(([name, trait]) => `${describeLevel(trait.score ?? 0.5, 'low', 'moderate', 'high')} ${name}`);
  return traits.length > 0 ? `Your personality: ${traits.join(', ')}.` : '';
}

const title = (catalog: ItemCatalog | undefined, itemId: string) => catalog?.get(itemId)?.title ?? `item ${itemId}`;

/**
 * The simulated user's system prompt: objective facts, subjective traits and style, the hidden
 * goal and hidden targets. The assistant never sees it.
 */
export function buildUserSystemPrompt(options: { profile: Profile; goal: SimulationGoal; catalog?: ItemCatalog | undefined; maxTitles?: number }): string {
  const { profile, goal } = options;
  const lines = [
    'You are role-playing a person chatting with an assistant. Stay in character for the whole conversation.',
    'Never say or hint that you are an AI, a language model, a simulation or role-playing. Never break character.',
    'Only write your own next message, nothing else: no labels, no quotes, no stage directions.',
    '',
    'Who you are (these facts are true and you must never contradict them):',
    ...profile.facts.map((fact) => `- ${fact.value}`),
  ];
  const liked = likedSubjects(profile, 8);
  const disliked = dislikedSubjects(profile, 8);
  if (liked.length > 0) lines.push(`You like ${listInWords(liked)}.`);
  if (disliked.length > 0) lines.push(`You dislike ${listInWords(disliked)}.`);
  const personality = personalityInstructions(profile);
  if (personality) lines.push(personality);
  lines.push('', 'How you write:', styleInstructions(profile));
  lines.push('', `Your goal in this conversation (do not state it word for word unless it is natural): ${goal.description}`);
  const maxTitles = options.maxTitles ?? 10;
  if (goal.targetItemIds && goal.targetItemIds.length > 0) {
    const targets = goal.targetItemIds.slice(0, maxTitles).map((itemId) => title(options.catalog, itemId));
    lines.push(`Secretly, you would be delighted by any of: ${targets.join('; ')}. Never name them yourself; let the assistant find them. Describe what you like instead.`);
  }
  if (goal.seenItemIds && goal.seenItemIds.size > 0) {
    const seen = [...goal.seenItemIds].slice(0, maxTitles).map((itemId) => title(options.catalog, itemId));
    lines.push(`You have already seen, among others: ${seen.join('; ')}.`);
  }
  lines.push(
    '',
    'When the assistant recommends something, react truthfully to what you are told about it in the notes below (liked, disliked, already seen).',
    `When your goal is met, or you have had enough, thank the assistant and end your message with ${endMarker}.`,
  );
  return lines.join('\n');
}

/** A hidden note telling the simulated user the truth about items just recommended. */
export function groundTruthNote(options: { recommendedItemIds: readonly string[]; goal: SimulationGoal; catalog?: ItemCatalog | undefined; thresholds?: FeedbackThresholds }): string {
  const lines = options.recommendedItemIds.map((itemId) => {
    const judgement = judgeItem(itemId, options.goal, options.thresholds);
    // An id the catalogue does not hold is not named (the model would read it out to the assistant as "item nope").
    if (options.catalog !== undefined && options.catalog.get(itemId) === undefined) return '- one of them is nothing you have heard of: say you do not know that one';
    const name = title(options.catalog, itemId);
    const truth: Record<typeof judgement, string> = {
      target: 'you have not seen it and you would love it: accept it',
      liked_unseen: 'you have not seen it and would like it: accept it',
      seen_liked: 'you have already seen it and liked it',
      seen_disliked: 'you have already seen it and disliked it',
      seen_neutral: 'you have already seen it',
      disliked: 'you would not like it',
      neutral: 'it does not appeal to you much',
      unknown: 'you do not know it and it does not appeal to you much',
    };
    return `- ${name}: ${truth[judgement]}`;
  });
  return `(Hidden note for you, the user; never mention this note) The truth about what was just recommended:\n${lines.join('\n')}`;
}
