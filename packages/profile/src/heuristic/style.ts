import type { CommunicationStyle, Evidence, Message } from '@personalab/core';
import { countEmoji, countWords } from '../text/segment.js';

// ASCII emoticons count as emoji: ":)", ";-)", ":D", "<3", "xD".
const emoticonPattern = /(?:^|\s)(?:[:;=8][-']?[)(\][dpo3/\\|*]|<3|x-?d)(?=\s|$)/gi;
const informalMarkers = /\b(?:lol|lmao|rofl|haha+|hehe+|omg|gonna|wanna|gotta|kinda|sorta|ya|yeah|yep|nope|u|ur|thx|pls|plz|cuz|btw|idk|tbh|imo|dude|awesome|cool|im|dont|cant|wont)\b|'(?:m|s|re|ve|ll|d|t)\b|!!|\?\?/gi;
const formalMarkers = /\b(?:please|thank you|would|could|however|therefore|moreover|furthermore|regards|sincerely|indeed|certainly|appreciate|kindly|perhaps|shall)\b/gi;

/** Exact statistics of one message, the unit style is averaged over. */
export interface MessageStyle {
  words: number;
  hasQuestion: boolean;
  emoji: number;
  exclamations: number;
  /** 0 casual to 1 formal; 0.5 when the message shows no marker either way. */
  formality: number;
}

// Fullwidth (Chinese, Japanese) and Arabic marks count as the ASCII ones.
const questionMark = /[?\uFF1F\u061F]/u;
const exclamationMark = /[!\uFF01]/gu;

/**
 * Measures one message: word count (Unicode word boundaries, so text without spaces counts its words), question,
 * emoji (one per grapheme cluster: 👩‍💻 and 🇩🇪 are one each) and emoticons, exclamation marks, and a
 * formality score from marker counts (informal: slang, contractions, "!!"; formal: polite and
 * connective words, a capitalised first letter, final punctuation).
 */
export function measureMessage(text: string): MessageStyle {
  const words = countWords(text);
  const emoji = countEmoji(text) + (text.match(emoticonPattern)?.length ?? 0);
  const trimmed = text.trim();
  let informal = text.match(informalMarkers)?.length ?? 0;
  let formal = text.match(formalMarkers)?.length ?? 0;
  informal += emoji;
  if (/^\p{Lu}/u.test(trimmed)) formal++;
  else if (/^\p{Ll}/u.test(trimmed)) informal++;
  if (/\bi\b/.test(text)) informal++;
  const total = informal + formal;
  return {
    words,
    hasQuestion: questionMark.test(text),
    emoji,
    exclamations: text.match(exclamationMark)?.length ?? 0,
    formality: total === 0 ? 0.5 : formal / total,
  };
}

export const maxStyleEvidence = 20;

/**
 * Adds messages to a style: every statistic is a mean over messages, so merging with the
 * previous style weighted by message counts gives exactly the style of all messages together.
 */
export function updateStyle(previous: CommunicationStyle, messages: readonly Message[]): CommunicationStyle {
  if (messages.length === 0) return previous;
  const measured = messages.map((message) => measureMessage(message.content));
  const count = previous.messageCount + measured.length;
  const mean = (old: number, values: number[]) => (old * previous.messageCount + values.reduce((sum, value) => sum + value, 0)) / count;
  const evidence: Evidence[] = [...previous.evidence, ...messages.map((message) => ({ messageId: message.id, timestamp: message.timestamp }))].slice(-maxStyleEvidence);
  return {
    meanLength: mean(previous.meanLength, measured.map((style) => style.words)),
    questionRate: mean(previous.questionRate, measured.map((style) => (style.hasQuestion ? 1 : 0))),
    formality: mean(previous.messageCount === 0 ? 0 : previous.formality, measured.map((style) => style.formality)),
    emojiRate: mean(previous.emojiRate, measured.map((style) => style.emoji)),
    exclamationRate: mean(previous.exclamationRate, measured.map((style) => style.exclamations)),
    messageCount: count,
    evidence,
  };
}
