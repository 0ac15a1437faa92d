// One segmenter each, made once: constructing them costs more than segmenting a turn.
const wordSegmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const pictographic = /\p{Extended_Pictographic}/u;
const regionalIndicatorPair = /\p{Regional_Indicator}{2}/u;
const keycap = /\u20E3/u;
/** Whatever a counted cluster must contain: a pictograph, a regional indicator or the keycap mark. */
const anyEmojiPart = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u20E3]/u;
// V8's segmenters slow down more than linearly on long strings (100 KB took seconds), so long texts are segmented
// in pieces of at most this many characters, cut where no word or grapheme spans the cut.
const pieceLength = 2000;
/** ASCII text without underscores, where Unicode word boundaries reduce to `asciiWord`. */
const plainAscii = /^[^_\u0080-\uffff]*$/;
/**
 * A word of such text by Unicode's word-boundary rules (UAX #29): letters and digits, joined across "'" or "." (and
 * ":" between letters, "," or ";" between digits): "don't", "e.g", "3.5", "1,000" are one word, "a-b" two.
 */
const asciiWord = /(?:[A-Za-z0-9]|(?<=[A-Za-z])[:.'](?=[A-Za-z])|(?<=[0-9])[,;.'](?=[0-9]))+/g;
const cjkPunctuation = /[\u3000-\u303F\uFF01-\uFF0F\uFF1A-\uFF20]/u;

// What never starts a grapheme (marks, joiners, selectors, skin tones, a low surrogate), or pairs (regional indicators).
const joinsBefore = /^(?:[\p{M}\p{Cf}\p{Regional_Indicator}\uFE00-\uFE0F\u{E0020}-\u{E007F}\uDC00-\uDFFF]|\p{Emoji_Modifier})/u;

/** Whether a cut before `index` leaves every grapheme whole: neither side joins the other (a ZWJ joins what follows). */
function safeCut(text: string, index: number): boolean {
  if (joinsBefore.test(text.slice(index, index + 2))) return false;
  const last = text.charCodeAt(index - 1);
  if (last === 0x200d || (last >= 0xd800 && last <= 0xdbff)) return false;
  // The code point that ends before the cut, read from its high surrogate when it has one.
  const before = last >= 0xdc00 && last <= 0xdfff && index >= 2 ? text.codePointAt(index - 2) : last;
  return !/\p{Regional_Indicator}/u.test(String.fromCodePoint(before ?? 0));
}

/**
 * The text in pieces for segmenting: each cut is just before a whitespace character (never inside a word, nor
 * splitting a space from a combining mark after it), else just after CJK punctuation (text without spaces), else,
 * for a long run of neither, between two code points that are not a combining mark, joiner or selector.
 */
function pieces(text: string): string[] {
  if (text.length <= pieceLength) return [text];
  const result: string[] = [];
  let start = 0;
  while (text.length - start > pieceLength) {
    const window = text.slice(start, start + pieceLength);
    let cut = -1;
    for (let index = window.length - 1; index > pieceLength / 2 && cut < 0; index--) if (/\s/u.test(window[index] as string)) cut = index;
    for (let index = window.length - 1; index > pieceLength / 2 && cut < 0; index--) if (cjkPunctuation.test(window[index] as string)) cut = index + 1;
    for (let index = window.length - 1; index > pieceLength / 2 && cut < 0; index--) if (safeCut(window, index)) cut = index;
    if (cut <= 0) cut = pieceLength;
    result.push(text.slice(start, start + cut));
    start += cut;
  }
  result.push(text.slice(start));
  return result;
}

/**
 * Number of words in a text by Unicode word boundaries (`Intl.Segmenter`, word-like segments): scripts written
 * without spaces (Chinese, Japanese, Thai) count their words, not one per run of text; "don't" and "3.5" are one
 * word, "well-known" two. Exact, except that a run of over 1,000 characters with neither whitespace nor CJK
 * punctuation may count a word twice where a 2,000-character piece ends inside it.
 */
export function countWords(text: string): number {
  // ASCII without underscores (nearly every English turn): the same count from one regular expression, ~40 times
  // faster than the segmenter (lone and joined underscores follow rules of their own there, so they go to it).
  if (plainAscii.test(text)) return text.match(asciiWord)?.length ?? 0;
  return segmentedWordCount(text);
}

/** `countWords` by the segmenter itself (the reference the ASCII shortcut is tested against). */
export function segmentedWordCount(text: string): number {
  let count = 0;
  for (const piece of pieces(text)) for (const segment of wordSegmenter.segment(piece)) if (segment.isWordLike) count++;
  return count;
}

/**
 * Number of emoji in a text, one per grapheme cluster: a ZWJ sequence (👩‍💻, 👨‍👩‍👧), a skin tone (👍🏽), a flag
 * (🇩🇪, a regional-indicator pair) and a keycap (1️⃣) are one emoji each.
 */
export function countEmoji(text: string): number {
  // Most turns hold no emoji at all: one scan of the string answers them, where segmenting it costs ~20 µs a turn.
  if (!anyEmojiPart.test(text)) return 0;
  let count = 0;
  for (const piece of pieces(text)) {
    for (const { segment } of graphemeSegmenter.segment(piece)) {
      if (pictographic.test(segment) || regionalIndicatorPair.test(segment) || keycap.test(segment)) count++;
    }
  }
  return count;
}
