import type { Message } from '@personalab/core';

/** Tokens of framing (id, role, separators) each message adds to a prompt. */
const framingTokens = 8;

/** Han, kana, hangul, CJK punctuation and full-width forms: about one token per character. */
function isWide(codePoint: number): boolean {
  return (
    (codePoint >= 0x1100 && codePoint <= 0x11ff) || // hangul jamo
    (codePoint >= 0x2e80 && codePoint <= 0x303f) || // CJK radicals, symbols and punctuation
    (codePoint >= 0x3040 && codePoint <= 0x30ff) || // hiragana, katakana
    (codePoint >= 0x3100 && codePoint <= 0x31ff) || // bopomofo, hangul compatibility jamo, katakana extensions
    (codePoint >= 0x3400 && codePoint <= 0x4dbf) || // CJK extension A
    (codePoint >= 0x4e00 && codePoint <= 0x9fff) || // CJK unified ideographs
    (codePoint >= 0xa960 && codePoint <= 0xa97f) || // hangul jamo extended-A
    (codePoint >= 0xac00 && codePoint <= 0xd7ff) || // hangul syllables, jamo extended-B
    (codePoint >= 0xf900 && codePoint <= 0xfaff) || // CJK compatibility ideographs
    (codePoint >= 0xff00 && codePoint <= 0xffef) || // half- and full-width forms
    (codePoint >= 0x20000 && codePoint <= 0x3ffff) // CJK extensions B and later
  );
}

/**
 * A rough, script-aware token count, plus the per-message framing: ASCII text about 4
 * characters a token; CJK ideographs, kana and hangul about 1 token each; other non-ASCII
 * characters (accented Latin, Cyrillic, Greek, Arabic, Devanagari, emoji, ...) about 2
 * characters a token. Real BPE tokenizers vary by model; this errs on the high side for
 * non-Latin scripts rather than overfilling a chunk.
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let wide = 0;
  let other = 0;
  for (let index = 0; index < text.length; index++) {
    const codePoint = text.codePointAt(index) as number;
    if (codePoint > 0xffff) index++; // the low surrogate
    if (codePoint < 0x80) ascii++;
    else if (isWide(codePoint)) wide++;
    else other++;
  }
  return Math.ceil(ascii / 4 + other / 2 + wide) + framingTokens;
}

/**
 * Splits a history, in order, into chunks whose estimated tokens stay within `budget`.
 * A single message larger than the budget is split into consecutive parts that each fit
 * (at whitespace where possible); every part keeps the message's id, role and timestamp,
 * so evidence still cites it, and each part is a chunk of its own.
 */
export function chunkMessages(messages: readonly Message[], budget: number, estimate: (text: string) => number = estimateTokens): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let used = 0;
  const flush = () => {
    if (current.length > 0) chunks.push(current);
    current = [];
    used = 0;
  };
  for (const message of messages) {
    const cost = estimate(message.content);
    if (cost > budget) {
      flush();
      for (const part of splitMessage(message, budget, estimate)) chunks.push([part]);
      continue;
    }
    if (current.length > 0 && used + cost > budget) flush();
    current.push(message);
    used += cost;
  }
  flush();
  return chunks;
}

/**
 * Parts of one message, each within `budget` by `estimate`. Tries ever more parts of about
 * equal length (so it works with any estimator); when even an empty text exceeds the budget
 * (a budget below the framing) the message is kept whole.
 */
export function splitMessage(message: Message, budget: number, estimate: (text: string) => number = estimateTokens): Message[] {
  const text = message.content;
  if (estimate(text) <= budget || estimate('') >= budget) return [message];
  let parts = Math.max(2, Math.ceil(estimate(text) / budget));
  let pieces = cutInto(text, parts);
  while (pieces.some((piece) => estimate(piece) > budget) && parts < text.length) {
    parts = Math.min(text.length, Math.ceil(parts * 1.25));
    pieces = cutInto(text, parts);
  }
  return pieces.map((content) => ({ ...message, content }));
}

/** `text` cut into about `parts` pieces of equal length, each cut moved back to just after whitespace when one is near. */
function cutInto(text: string, parts: number): string[] {
  const target = text.length / parts;
  const slack = Math.floor(target / 4);
  const pieces: string[] = [];
  let start = 0;
  for (let part = 1; part < parts; part++) {
    let cut = Math.round(target * part);
    if (cut <= start) continue;
    for (let back = 0; back < slack && cut - back > start + 1; back++) {
      if (/\s/.test(text[cut - back - 1] as string)) {
        cut -= back;
        break;
      }
    }
    const code = text.charCodeAt(cut);
    if (code >= 0xdc00 && code <= 0xdfff) cut--; // never split a surrogate pair
    if (cut <= start) continue;
    pieces.push(text.slice(start, cut));
    start = cut;
  }
  pieces.push(text.slice(start));
  return pieces.filter((piece) => piece !== '');
}
