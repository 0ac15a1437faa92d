/**
 * Inner-validation check of context-EASE variants (never the test part): P1 training part of one seed
 * (Recommenders' rows), split again per user 90/10 (seed + 1000, as the P1 experiment's inner split); each
 * variant is fitted on the 90 % and ranked for the 10 % (NDCG@10, P@10, training items excluded). Plain EASE
 * (λ = 500) is the reference. Results go to bench/results/user-embedding/context-ease-validation.{json,md}.
 * Usage: npx tsx --conditions=development bench/user-embedding/context-ease-validation.ts [--seed 42] [--variants JSON] [--results NAME] [--out DIR]
 *   JSON: {"name": ContextEaseOptions, ...}; "ease" runs plain EASE. Every variant's options are checked before any fit
 *   (`parseContextEaseOptions`: unknown keys, wrong types and out-of-range values are refused, naming the variant).
 * Each run appends its rows to the results file. Only the headline run (the defaults) appends to the
 * committed bench/results/user-embedding; any other run writes under
 * $PERSONALAB_STATE_DIR/bench/user-embedding-partial unless --out is given (--out bench/results/user-embedding
 * to add a variant to the committed log).
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { changedOptions, markdownTable, parseInteger, PersonalabError, resultsDirectory, runScript, writeResults } from '@personalab/core';
import { evaluateRanking, stratifiedSplit } from '@personalab/datasets';
import { type BaseRecommender, ContextEaseRecommender, type ContextEaseOptions, EaseRecommender, itemsByUser, parseContextEaseOptions } from '@personalab/user-embedding';
import { movieLensOnWasm } from './movielens.js';

/** `--variants`: a JSON object of ContextEaseOptions by variant name. */
function parseVariants(text: string): Record<string, ContextEaseOptions> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((value) => typeof value === 'object' && value !== null && !Array.isArray(value))) {
    throw new PersonalabError('invalid_argument', `--variants must be a JSON object of options by variant name, e.g. '{"ease":{},"context-ease":{}}', got ${JSON.stringify(text)}`);
  }
  // Checked before any fit: a misspelt option had fitted the default model, a string λ failed deep in the solver.
  return Object.fromEntries(
    Object.entries(parsed).map(([name, options]) => {
      if (name === 'ease' && Object.keys(options as object).length > 0) throw new PersonalabError('invalid_argument', '--variants ease: "ease" is plain EASE at λ 500 and takes no options');
      return [name, parseContextEaseOptions(options, `--variants ${name}`)];
    }),
  );
}

await runScript(async () => {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '42' },
      variants: { type: 'string', default: '{"ease":{},"context-ease":{}}' },
      results: { type: 'string', default: 'context-ease-validation' },
      out: { type: 'string' },
    },
  });
  const seed = parseInteger('--seed', values.seed, { min: 0, max: 2 ** 32 - 1 });
  const variants = parseVariants(values.variants);
  const output = resultsDirectory({
    out: values.out,
    committed: join(import.meta.dirname, '..', 'results', 'user-embedding'),
    changed: changedOptions({ seed, variants, results: values.results }, { seed: 42, variants: { ease: {}, 'context-ease': {} }, results: 'context-ease-validation' }),
    name: 'bench/user-embedding-partial',
  });
  const { data, backend } = await movieLensOnWasm();
  const outer = stratifiedSplit(data.ratings, { ratio: 0.75, seed, shuffle: 'numpy' });
  const inner = stratifiedSplit(outer.train, { ratio: 0.9, seed: seed + 1000 });

  async function evaluate(model: BaseRecommender): Promise<{ ndcg: number; precision: number }> {
    const seen = itemsByUser(inner.train);
    const recommendations = new Map<string, string[]>();
    const relevant = new Map<string, Set<string>>();
    for (const [userId, items] of itemsByUser(inner.test)) {
      const history = seen.get(userId) ?? [];
      const ranked = await model.recommend({ userId, history, k: 10, exclude: history });
      recommendations.set(userId, ranked.map((entry) => entry.itemId));
      relevant.set(userId, new Set(items));
    }
    const result = evaluateRanking(recommendations, relevant, 10);
    return { ndcg: result.ndcgAtK, precision: result.precisionAtK };
  }

  const resultsName = values.results;
  const jsonPath = join(output, `${resultsName}.json`);
  const rows: Record<string, unknown>[] = existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as { rows: Record<string, unknown>[] }).rows : [];
  for (const [name, options] of Object.entries(variants)) {
    const started = performance.now();
    const training = { interactions: inner.train, items: data.items, users: data.users };
    let model: BaseRecommender;
    let details: Record<string, unknown> = {};
    if (name === 'ease') {
      model = new EaseRecommender({ lambda: 500 });
      await model.fit(training);
    } else {
      const context = new ContextEaseRecommender(options);
      await context.fit(training, { seed, quiet: true });
      details = { bestEpoch: context.summary?.bestEpoch, holdoutNdcg: context.summary?.bestMetric, gate: context.gate };
      model = context;
    }
    const metrics = await evaluate(model);
    const row = { name, seed, options, ...metrics, seconds: (performance.now() - started) / 1000, load: loadavg()[0], ...details };
    console.log(JSON.stringify(row));
    rows.push(row);
    model.dispose();
    writeResults(output, resultsName, {
      json: { backend: backend.name, protocol: 'P1 training part, inner per-user 90/10 split (seed + 1000)', rows },
      markdown: [
        '# context-EASE variants on inner validation (P1 training part split 90/10; test part never used)',
        '',
        `Backend ${backend.name}. Command: \`npx tsx --conditions=development bench/user-embedding/context-ease-validation.ts --seed S --variants JSON\`.`,
        '',
        markdownTable(
          ['variant', 'seed', 'NDCG@10', 'P@10', 'best epoch', 'gate', 'options', 'seconds'],
          rows.map((entry) => [String(entry.name), String(entry.seed), entry.ndcg as number, entry.precision as number, String(entry.bestEpoch ?? '–'), entry.gate ? JSON.stringify(entry.gate) : '–', JSON.stringify(entry.options), entry.seconds as number]),
        ),
      ].join('\n'),
    });
  }
});
