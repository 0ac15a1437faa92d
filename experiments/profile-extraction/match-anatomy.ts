/**
 * Session 23 measurement (issue 5): where do the offline extractor's statements miss, and what could a shorter
 * canonical form win? Session 4 found that an oracle keeping exactly the gold words of each statement would lift the
 * unfiltered candidates to P 0.434 / R 0.484, and called compression the headroom. This sorts the default extractor's
 * statements on Synthetic-Persona-Chat TEST (both speakers: the development set, never the scored sets) by how they
 * relate to the gold sentence they overlap most (token F1 over content tokens, as the experiment matches):
 *   - matched (F1 >= 0.5 with some gold sentence);
 *   - no content word shared with any gold sentence (no rewording can match);
 *   - sharing words, the statement the longer side (token precision < recall: dropping words could help), split by
 *     whether the shared words include any but the few verbs persona sentences open with ("like", "love", "enjoy" …);
 *   - sharing words, the gold sentence the longer side (the speaker said less than the sheet: cutting cannot help).
 * And what the oracle cut would emit for the statements it turns into matches: how many keep a single word ("christmas"
 * for "i love christmas" against "my favorite holiday is christmas"), which is no first-person fact.
 * Usage: npx tsx --conditions=development experiments/profile-extraction/match-anatomy.ts
 */
import { parseArgs } from 'node:util';
import { runScript, scriptOptions } from '@personalab/core';
import { contentTokens, tokenF1 } from '@personalab/profile';
import { spcTestStatements } from './spc-test-statements.js';

/** Verbs persona sentences open with: sharing only these says nothing about what the statement is about. */
const OPENING_VERBS = new Set(['like', 'love', 'enjoy', 'hate', 'want', 'used', 'favorite', 'work', 'go', 'play', 'live']);

/** Multiset overlap of two token lists. */
function overlap(predicted: readonly string[], gold: readonly string[]): string[] {
  const remaining = new Map<string, number>();
  for (const token of gold) remaining.set(token, (remaining.get(token) ?? 0) + 1);
  const common: string[] = [];
  for (const token of predicted) {
    const count = remaining.get(token) ?? 0;
    if (count > 0) {
      common.push(token);
      remaining.set(token, count - 1);
    }
  }
  return common;
}

type Kind = 'matched' | 'no word shared' | 'statement longer, shares a topic word' | 'statement longer, shares only an opening verb' | 'gold sentence longer or equal';

scriptOptions(() => parseArgs({ options: {} }));
await runScript(async () => {
  const kinds = new Map<Kind, number>();
  let statements = 0;
  let oracleMatches = 0;
  let oracleSingleWord = 0;
  for await (const speaker of spcTestStatements()) {
    const gold = speaker.gold.map((text) => contentTokens(text));
    for (const text of speaker.statements) {
      const tokens = contentTokens(text);
      statements++;
      const kind = classify(tokens, gold);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      if (kind === 'matched') continue;
      // The oracle cut keeps the words shared with a gold sentence: a match when they are a third of it or more.
      // Of the sentences it would match, the one sharing the most words (the cut that keeps the most).
      const cuts = gold.map((sentence) => overlap(tokens, sentence)).filter((common, index) => common.length > 0 && common.length * 3 >= (gold[index]?.length ?? Infinity));
      const best = cuts.sort((a, b) => b.length - a.length)[0];
      if (best) {
        oracleMatches++;
        if (best.length === 1) oracleSingleWord++;
      }
    }
  }
  console.log(`${statements} statements of the default extractor on SPC test (both speakers)`);
  for (const [kind, count] of [...kinds].sort((a, b) => b[1] - a[1])) console.log(`${kind}: ${count} (${((100 * count) / statements).toFixed(1)} %)`);
  console.log(`not matched now, matched after the oracle cut: ${oracleMatches}; of them a single word: ${oracleSingleWord} (${((100 * oracleSingleWord) / Math.max(oracleMatches, 1)).toFixed(1)} %)`);
});

function classify(tokens: readonly string[], gold: readonly (readonly string[])[]): Kind {
  if (gold.some((sentence) => tokenF1(tokens, sentence) >= 0.5)) return 'matched';
  let best: { f1: number; sentence: readonly string[] } | undefined;
  for (const sentence of gold) {
    const f1 = tokenF1(tokens, sentence);
    if (f1 > 0 && (!best || f1 > best.f1)) best = { f1, sentence };
  }
  if (!best) return 'no word shared';
  if (tokens.length <= best.sentence.length) return 'gold sentence longer or equal';
  const shared = overlap(tokens, best.sentence);
  return shared.some((token) => !OPENING_VERBS.has(token)) ? 'statement longer, shares a topic word' : 'statement longer, shares only an opening verb';
}
