/**
 * Retrieval benchmark: ExactIndex against HnswIndex on a seeded Gaussian mixture (100k × 64) and on
 * HashingEmbedder vectors of Persona-Chat / Synthetic-Persona-Chat user turns. Writes
 * bench/results/retrieval/retrieval.{json,md} and SVG charts of recall@10 against queries/s per ef.
 *
 *   npx tsx --conditions=development bench/retrieval/run.ts [--quick] [--parts clustered,text]
 *     [--variants isotropic,subspace] [--ms 16,32] [--text-ms 16] [--ef-construction 200] [--efs 16,20,…] [--rounds N] [--name retrieval] [--out DIR]
 *
 * Only the headline run (`--ms 16`, the other options at their defaults) writes bench/results/retrieval;
 * any other run writes under $PERSONALAB_STATE_DIR/bench/retrieval-partial unless --out is given (a
 * named variant for the committed folder: `--out bench/results/retrieval --name …`).
 */
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { changedOptions, machineLine, markdownTable, median, parseInteger, parseIntegerList, PersonalabError, resultsDirectory, runHeader, runScript, scriptCommand, writeResults } from '@personalab/core';
import { installedHnswlibBuild } from '@personalab/retrieval';
import { tradeoffChart } from './chart.js';
import { medianOverhead, runClustered, type ClusteredResult } from './clustered.js';
import { runText, type TextResult } from './text.js';

await runScript(async () => {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      parts: { type: 'string', default: 'clustered,text' },
      ms: { type: 'string', default: '16,32' },
      'text-ms': { type: 'string', default: '16' },
      'ef-construction': { type: 'string', default: '200' },
      // The 16…256 plus the steps between 16 and 32, where the recall 0.95 crossing lies.
      efs: { type: 'string', default: '16,20,24,28,32,64,128,256' },
      variants: { type: 'string', default: 'isotropic,subspace' },
      out: { type: 'string' },
      name: { type: 'string' },
      // Timing rounds per measurement (medians are taken over them); more rounds steady the ratios.
      rounds: { type: 'string' },
    },
  });
  const quick = values.quick;
  const parts = new Set(values.parts.split(','));
  const unknownParts = [...parts].filter((part) => part !== 'clustered' && part !== 'text');
  if (unknownParts.length > 0) throw new PersonalabError('invalid_argument', `--parts: unknown ${unknownParts.join(', ')}; known: clustered, text`);
  const variants: Record<string, ClusteredResult['generator']> = {
    // Points scatter around their centre in all 64 directions: the hard case for graph search.
    isotropic: { clusters: 100, spread: 0.35, seed: 42 },
    // Each cluster varies along its own 8-dimensional subspace (plus small noise), as learned embeddings tend to.
    subspace: { clusters: 100, spread: 0.35, intrinsicDimension: 8, seed: 42 },
  };

  // Checked before any work: a bad name had been found only after the variants before it had run.
  const variantNames = values.variants.split(',');
  const unknownVariants = variantNames.filter((name) => !Object.hasOwn(variants, name));
  if (unknownVariants.length > 0) throw new PersonalabError('invalid_argument', `--variants: unknown ${unknownVariants.join(', ')}; known: ${Object.keys(variants).join(', ')}`);
  const log = (line: string) => console.log(line);
  const efs = parseIntegerList('--efs', values.efs, { min: 1 });
  const ms = parseIntegerList('--ms', values.ms, { min: 2 });
  const textMs = parseIntegerList('--text-ms', values['text-ms'], { min: 2 });
  const efConstruction = parseInteger('--ef-construction', values['ef-construction'], { min: 1 });
  const rounds = values.rounds === undefined ? undefined : parseInteger('--rounds', values.rounds, { min: 1 });
  const outputDirectory = resultsDirectory({
    out: values.out,
    committed: join(import.meta.dirname, '..', 'results', 'retrieval'),
    changed: changedOptions(
      { quick, parts: values.parts, ms, 'text-ms': textMs, 'ef-construction': efConstruction, efs, variants: values.variants, rounds, name: values.name },
      { quick: false, parts: 'clustered,text', ms: [16], 'text-ms': [16], 'ef-construction': 200, efs: [16, 20, 24, 28, 32, 64, 128, 256], variants: 'isotropic,subspace' },
    ),
    name: 'bench/retrieval-partial',
  });
  const startedLoad = loadavg();
  const startedAt = new Date();
  const started = startedAt.toISOString();
  const installed = installedHnswlibBuild();
  const hnswlibBuild = installed.rebuilt ? { flags: `${installed.flags} (AVX kernels, scripts/native-build.mjs)`, version: installed.version } : { flags: installed.flags };

  const clustered: ClusteredResult[] = [];
  if (parts.has('clustered')) {
    for (const name of variantNames) {
      const generator = variants[name] as ClusteredResult['generator'];
      clustered.push(
        runClustered({
          name,
          count: quick ? 10_000 : 100_000,
          dimension: 64,
          queries: quick ? 200 : 1000,
          generator,
          ms,
          efConstruction,
          efs,
          users: quick ? 100 : 1000,
          callbackQueries: quick ? 20 : 40,
          exactTimingQueries: quick ? 100 : 40,
          rounds: rounds ?? (quick ? 3 : 5),
          log,
        }),
      );
    }
  }
  let text: TextResult | undefined;
  // Results are written after each part, so a long run that is stopped still leaves what it measured.
  writeReport();
  if (parts.has('text')) text = await runText({ quick, efs, efConstruction, ms: textMs, rounds: quick ? 3 : 5, log });

  writeReport();

  /** Writes JSON, Markdown and SVGs for everything measured so far. */
  function writeReport(): void {
    const markdown: string[] = [
      '# Retrieval benchmark',
      '',
      ...runHeader({
        command: scriptCommand('bench/retrieval/run.ts'),
        date: startedAt,
        machine:
          `${machineLine()}, hnswlib-node compiled with ${hnswlibBuild.flags}. ` +
          `Load average at start ${startedLoad.map((value) => value.toFixed(2)).join(' / ')}, at end ${loadavg().map((value) => value.toFixed(2)).join(' / ')}: ` +
          'the machine is shared with other engineers, so absolute timings are noisy.',
      }),
      'Each comparison below is measured in one process, interleaved round by round, as medians. ' +
        'Queries/s are per CPU-second of the benchmark process (process.cpuUsage), which other processes on the cores disturb far less than wall-clock time; wall-clock figures are given beside them and in the JSON.',
      '',
      'Recall@10 counts ties as found (ann-benchmarks convention: a hit scoring at least the true 10th score is correct); recall by id is shown beside it and differs only where duplicate texts tie.',
      '',
    ];
    const svgs: Record<string, string> = {};
    for (const result of clustered) {
      markdown.push(`## Clustered vectors: ${result.name} (${result.count.toLocaleString('en')} × ${result.dimension}, ${result.metric}, ${result.queries} held-out queries)`, '');
      markdown.push(`Generator: ${JSON.stringify(result.generator)}.`, '');
      markdown.push(...comparisonSection(result));
      svgs[`clustered-${result.name}`] = chart(`${result.name} clusters, ${result.count.toLocaleString('en')} × ${result.dimension}: recall@10 vs queries/s`, result);
    }
    if (text !== undefined) {
      markdown.push(...text.markdown);
      if (text.comparison !== undefined) {
        markdown.push(...comparisonSection(text.comparison));
        svgs.text = chart(`Persona-Chat + SPC turns, ${text.comparison.count.toLocaleString('en')} × ${text.comparison.dimension}: recall@10 vs queries/s`, text.comparison);
      }
    }
    const files = writeResults(outputDirectory, values.name ?? (quick ? 'retrieval-quick' : 'retrieval'), {
      json: { started, quick, loadAverage: { start: startedLoad, end: loadavg() }, cpus: cpus().length, node: process.version, hnswlibBuild, clustered, text: text?.json },
      markdown: markdown.join('\n'),
      svgs,
    });
    console.log(`wrote ${files.join(', ')}`);
  }

  function comparisonSection(result: Omit<ClusteredResult, 'generator'>): string[] {
    const lines: string[] = [];
    if (result.localIntrinsicDimension !== undefined) {
      const lid = result.localIntrinsicDimension;
      lines.push(
        `Local intrinsic dimensionality around the queries (Levina–Bickel MLE over the nearest indexed points): ${lid.k10.toFixed(1)} from 10 neighbours, ${lid.k20.toFixed(1)} from 20 (median per query ${lid.medianK20.toFixed(1)}).`,
        '',
      );
    }
    lines.push(
      `ExactIndex: build ${result.exact.buildSeconds.toFixed(2)} s, ${result.exact.queriesPerSecond.toFixed(1)} queries/s, ` +
        `**${result.exact.gflops.toFixed(2)} GFLOP/s** of dot products per CPU-second (target ≥ 2; ${result.exact.wallGflops.toFixed(2)} per wall-clock second under the shared load).`,
      '',
    );
    for (const hnsw of result.hnsw) {
      lines.push(
        `### HnswIndex M=${hnsw.m}, efConstruction=${hnsw.efConstruction}: build ${hnsw.buildSeconds.toFixed(1)} s wall, ${hnsw.buildCpuSeconds.toFixed(1)} CPU-s` +
          (hnsw.optimizeCpuSeconds === undefined ? '' : `, then \`optimize()\` ${hnsw.optimizeCpuSeconds.toFixed(2)} CPU-s`),
        '',
      );
      lines.push(
        markdownTable(
          ['ef', 'recall@10', 'recall@10 by id', 'queries/s', 'exact q/s (same rounds)', '× exact', '× exact (wall)', 'direct hnswlib q/s, graph as built (before optimize)', 'direct hnswlib q/s', 'direct, default (SSE) build q/s', 'installed ÷ default build', 'wrapper overhead', 'wrapper overhead (wall)', 'overhead vs reused-buffer direct', 'per-user (where) recall@10', 'per-user (where) q/s', 'per-user (filter callback) recall@10', 'per-user (filter callback) q/s'],
          hnsw.points.map((point, position) => [
            point.ef,
            point.recall.toFixed(3),
            point.idRecall.toFixed(3),
            Math.round(point.queriesPerSecond),
            Math.round(point.exactQueriesPerSecond),
            `${point.speedupOverExact.toFixed(1)}×`,
            `${point.wallSpeedupOverExact.toFixed(1)}×`,
            point.unorderedQueriesPerSecond === undefined ? null : Math.round(point.unorderedQueriesPerSecond),
            Math.round(hnsw.wrapper[position]!.directQueriesPerSecond),
            point.defaultBuildQueriesPerSecond === undefined ? null : Math.round(point.defaultBuildQueriesPerSecond),
            point.nativeBuildSpeedup === undefined ? null : `${point.nativeBuildSpeedup.toFixed(2)}×`,
            `${(hnsw.wrapper[position]!.overhead * 100).toFixed(1)}%`,
            `${(hnsw.wrapper[position]!.wallOverhead * 100).toFixed(1)}%`,
            hnsw.wrapper[position]!.overheadOverReused === undefined ? null : `${(hnsw.wrapper[position]!.overheadOverReused! * 100).toFixed(1)}%`,
            hnsw.filtered.points[position]!.recall.toFixed(3),
            Math.round(hnsw.filtered.points[position]!.queriesPerSecond),
            hnsw.callbackFiltered[position]!.recall.toFixed(3),
            Math.round(hnsw.callbackFiltered[position]!.queriesPerSecond),
          ]),
          3,
        ),
        '',
        `Median wrapper overhead over the ef values: ${(medianOverhead(hnsw) * 100).toFixed(1)}% against direct` +
            (hnsw.wrapper.every((entry) => entry.overheadOverReused !== undefined) ? `, ${(median(hnsw.wrapper.map((entry) => entry.overheadOverReused!)) * 100).toFixed(1)}% against reused-buffer direct` : '') +
            ' (target ≤ 15%; negative means the wrapper was faster). ' +
          'Queries/s columns other than "graph as built" are on the graph after `optimize()` (nodes renumbered breadth-first; identical results). ' +
          '"Default (SSE) build" is hnswlib-node as node-gyp compiles it, kept by scripts/native-build.mjs when it rebuilt the addon with the CPU\'s AVX2 kernels (empty when it did not); same graph, same rounds. ' +
          'Overhead = direct q/s ÷ wrapper q/s − 1, same graph, same ef, same queries, interleaved in one process. "Direct" hands hnswlib-node a ready plain array per query; ' +
          '"reused-buffer direct" copies each Float32Array into one reused plain array first, the leanest direct use. ' +
          `Per-user search: ${hnsw.filtered.users} users × ${hnsw.filtered.perUser.toFixed(1)} vectors on average, one user per query, recall against ExactIndex with the same filter; ` +
          `ExactIndex per-user search runs ${hnsw.filtered.exactQueriesPerSecond.toFixed(0)} queries/s. ` +
          '`where` narrows to the user\'s posting list first and scores it exactly when small (≤ 2048); the opaque `filter` callback makes hnswlib walk the graph calling back into JavaScript per visited node.',
        '',
      );
    }
    return lines;
  }

  function chart(title: string, result: Omit<ClusteredResult, 'generator'>): string {
    return tradeoffChart(
      title,
      result.hnsw.flatMap((hnsw) => [
        { name: `HNSW M=${hnsw.m}`, points: hnsw.points },
        { name: `M=${hnsw.m} per-user (where)`, points: hnsw.filtered.points },
        { name: `M=${hnsw.m} per-user (callback)`, points: hnsw.callbackFiltered },
      ]),
      { recall: 0.95, queriesPerSecond: 30 * median(result.hnsw.flatMap((hnsw) => hnsw.points.map((point) => point.exactQueriesPerSecond))), queriesPerSecondLabel: '30× exact (median)' },
    );
  }
});
