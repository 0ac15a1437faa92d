/**
 * Session 12 measurement (issue 5): how much of the offline extractor's shortfall is inflection? Token F1 compares
 * surface forms ("playing" is not "play", "2" is not "two"), so a statement can say a gold persona sentence's content
 * in other word forms and still miss it. On Synthetic-Persona-Chat TEST (both speakers: the development set, never
 * the scored sets) this scores the default extractor's statements three ways: exact content tokens (the experiment's
 * matcher), tokens with a crude suffix stemmer on both sides (-ing, -ed, -es, -s; "favourite" as "favorite"), and
 * digits written as number words. The difference is the most any rewording of inflections could add.
 * Usage: npx tsx --conditions=development experiments/profile-extraction/inflection-headroom.ts
 */
import { parseArgs } from 'node:util';
import { runScript, scriptOptions } from '@personalab/core';
import { contentTokens, tokenF1 } from '@personalab/profile';
import { spcTestStatements } from './spc-test-statements.js';

const stem = (token: string) => token.replace(/(ing|ed|es|s)$/, '').replace(/favourite/, 'favorite');
const numberWords: Record<string, string> = { '1': 'one', '2': 'two', '3': 'three', '4': 'four', '5': 'five', '6': 'six', '7': 'seven', '8': 'eight', '9': 'nine', '10': 'ten' };
const variants: Record<string, (tokens: string[]) => string[]> = {
  'exact content tokens (the experiment)': (tokens) => tokens,
  'suffix-stemmed': (tokens) => tokens.map(stem),
  'digits as words': (tokens) => tokens.map((token) => numberWords[token] ?? token),
};
// It takes no options: any argument (`--help` included) had been ignored and the whole measurement run.
scriptOptions(() => parseArgs({ options: {} }));
await runScript(async () => {
  const totals = new Map(Object.keys(variants).map((name) => [name, { predicted: 0, correct: 0, gold: 0, recovered: 0 }]));
  for await (const { gold, statements } of spcTestStatements()) {
    for (const [name, transform] of Object.entries(variants)) {
      const predicted = statements.map((text) => transform(contentTokens(text)));
      const sentences = gold.map((text) => transform(contentTokens(text)));
      const hit = predicted.map((tokens) => sentences.map((sentence) => tokenF1(tokens, sentence) >= 0.5));
      const total = totals.get(name) as { predicted: number; correct: number; gold: number; recovered: number };
      total.predicted += predicted.length;
      total.correct += hit.filter((row) => row.some(Boolean)).length;
      total.gold += sentences.length;
      total.recovered += sentences.filter((_, column) => hit.some((row) => row[column] === true)).length;
    }
  }
  for (const [name, total] of totals) {
    const precision = total.correct / total.predicted;
    const recall = total.recovered / total.gold;
    console.log(`${name}: P ${precision.toFixed(3)} R ${recall.toFixed(3)} F1 ${((2 * precision * recall) / (precision + recall)).toFixed(3)}`);
  }
});
