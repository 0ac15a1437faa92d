import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { createRandom, median, type Metric, type SearchHit } from '@personalab/core';
import { ExactIndex, HnswIndex, clusteredVectors, defaultHnswlibBinding, recallAtK, scoreRecallAtK, type ClusteredVectorsOptions } from '@personalab/retrieval';
import { cpuSeconds, interleaved, interleavedSets, measure, seconds } from './timing.js';

export interface ClusteredBenchOptions {
  name: string;
  count: number;
  dimension: number;
  queries: number;
  generator: Omit<ClusteredVectorsOptions, 'count' | 'dimension'>;
  ms: readonly number[];
  efConstruction: number;
  efs: readonly number[];
  users: number;
  /** Queries for the slow filter-callback measurement. */
  callbackQueries: number;
  /** Queries ExactIndex runs per round when timed beside HNSW. */
  exactTimingQueries: number;
  rounds: number;
  log: (line: string) => void;
}

export interface EfPoint {
  ef: number;
  /** Recall@10 counting ties (a hit scoring at least the true 10th score is correct). */
  recall: number;
  /** Recall@10 by id (lower than `recall` only where duplicates tie). */
  idRecall: number;
  queriesPerSecond: number;
  /** Against ExactIndex timed in the same interleaved rounds. */
  speedupOverExact: number;
  exactQueriesPerSecond: number;
  wallQueriesPerSecond: number;
  wallSpeedupOverExact: number;
  /** hnswlib-node called directly on the same graph before `optimize()` renumbered it (same rounds). */
  unorderedQueriesPerSecond?: number;
  /**
   * hnswlib-node's default (SSE-only) build called directly on the same optimized graph, same rounds;
   * present when scripts/native-build.mjs rebuilt the addon and kept the default beside it.
   */
  defaultBuildQueriesPerSecond?: number;
  /** The installed (native) build called directly, divided by the default build: what the rebuild buys. */
  nativeBuildSpeedup?: number;
}

export interface ClusteredResult {
  name: string;
  count: number;
  dimension: number;
  queries: number;
  generator: ClusteredBenchOptions['generator'];
  metric: Metric;
  /**
   * Local intrinsic dimensionality of the queries' neighbourhoods: Levina–Bickel maximum-likelihood
   * estimate from the distances to the k nearest indexed points, averaged as 1/mean(1/estimate).
   */
  localIntrinsicDimension?: { k10: number; k20: number; medianK20: number };
  /** Rates are per CPU-second of this process; `wall…` fields are per wall-clock second. */
  exact: { buildSeconds: number; queriesPerSecond: number; gflops: number; wallQueriesPerSecond: number; wallGflops: number };
  hnsw: {
    m: number;
    efConstruction: number;
    buildSeconds: number;
    buildCpuSeconds: number;
    /** `optimize()` (breadth-first renumbering of the graph) after the build, CPU-seconds; included in neither build figure. */
    optimizeCpuSeconds?: number;
    points: EfPoint[];
    /** Wrapper against hnswlib-node called directly on the same graph, interleaved, per ef. */
    wrapper: {
      ef: number;
      /** hnswlib-node given a ready plain array per query. */
      directQueriesPerSecond: number;
      wrapperQueriesPerSecond: number;
      overhead: number;
      wallOverhead: number;
      /** hnswlib-node given each query copied into one reused plain array (absent in runs before this baseline existed). */
      directReusedQueriesPerSecond?: number;
      overheadOverReused?: number;
    }[];
    /** Per-user search through `where` (narrowed first, small sets scored exactly). */
    filtered: { users: number; perUser: number; exactQueriesPerSecond: number; points: Pick<EfPoint, 'ef' | 'recall' | 'queriesPerSecond'>[] };
    /** The same per-user search through the opaque `filter` callback (hnswlib's filtered graph walk). */
    callbackFiltered: Pick<EfPoint, 'ef' | 'recall' | 'queriesPerSecond'>[];
  }[];
}

/** Exact versus HNSW on a seeded Gaussian mixture: build time, recall@10 and queries/s per ef. */
export function runClustered(options: ClusteredBenchOptions): ClusteredResult {
  const { count, dimension } = options;
  const set = clusteredVectors({ ...options.generator, count: count + options.queries, dimension });
  const records = Array.from({ length: count }, (_, row) => ({ id: String(row), vector: set.row(row), metadata: { user: `u${row % options.users}` } }));
  const queries = Array.from({ length: options.queries }, (_, index) => set.row(count + index));
  const users = Array.from({ length: options.users }, (_, index) => `u${index}`);
  return { ...runComparison({ ...options, metric: 'l2', records, queries, users }), generator: options.generator };
}

export interface ComparisonOptions extends Omit<ClusteredBenchOptions, 'count' | 'queries' | 'generator' | 'users'> {
  metric: Metric;
  records: readonly { id: string; vector: Float32Array; metadata: { user: string } }[];
  queries: readonly Float32Array[];
  /** Users the per-user queries pick from (uniformly). */
  users: readonly string[];
}

/** Exact versus HNSW on given records and held-out queries. */
export function runComparison(options: ComparisonOptions): Omit<ClusteredResult, 'generator'> & { metric: Metric } {
  const { dimension, log, records, queries, metric } = options;
  const count = records.length;
  const random = createRandom(7);
  const plainQueries = queries.map((query) => Array.from(query));

  const exact = new ExactIndex({ dimension, metric, initialCapacity: count });
  const exactBuild = seconds(() => exact.add(records));
  const truth20 = queries.map((query) => exact.search(query, { k: 20 }));
  const truth = truth20.map((hits) => hits.slice(0, 10));
  const localIntrinsicDimension = metric === 'ip' ? undefined : lidEstimate(truth20, metric);
  if (localIntrinsicDimension !== undefined) log(`${options.name}: local intrinsic dimensionality (MLE) k=10 ${localIntrinsicDimension.k10.toFixed(1)}, k=20 ${localIntrinsicDimension.k20.toFixed(1)}`);
  const timingQueries = queries.slice(0, Math.min(200, queries.length));
  const exactRates = interleaved(timingQueries, { exact: (query) => exact.search(query, { k: 10 }) }, options.rounds).exact!;
  const exactRate = exactRates.cpu;
  const gflops = (2 * count * dimension * exactRate) / 1e9;
  const wallGflops = (2 * count * dimension * exactRates.wall) / 1e9;
  log(`${options.name}: exact build ${exactBuild.toFixed(2)} s, ${exactRate.toFixed(1)} q/s per CPU-second (${exactRates.wall.toFixed(1)} per wall second), ${gflops.toFixed(2)} GFLOP/s per CPU-second (${wallGflops.toFixed(2)} wall)`);

  // Filtered queries: each asks for one user's nearest vectors.
  const filteredQueries = queries.slice(0, Math.min(300, queries.length)).map((vector) => ({ vector, user: random.pick(options.users) }));
  const userFilter = (user: string) => (_id: string, metadata: Record<string, unknown> | undefined) => metadata?.user === user;
  const filteredTruth = filteredQueries.map((query) => exact.search(query.vector, { k: 10, filter: userFilter(query.user) }));
  const exactFilteredRate = interleaved(filteredQueries.slice(0, 100), { exact: (query) => exact.search(query.vector, { k: 10, where: { user: query.user } }) }, options.rounds).exact!.cpu;

  const hnswResults: ClusteredResult['hnsw'] = [];
  for (const m of options.ms) {
    const index = new HnswIndex({ dimension, metric, m, efConstruction: options.efConstruction, initialCapacity: 1024 });
    let buildSeconds = 0;
    const buildCpuSeconds = cpuSeconds(() => {
      buildSeconds = seconds(() => {
        for (let start = 0; start < count; start += 10_000) index.add(records.slice(start, start + 10_000));
      });
    });
    // Keep the graph as built (insertion-ordered) beside the optimized one, to show what renumbering buys.
    const unordered = new hnswlib.HierarchicalNSW(metric, dimension);
    const unorderedFile = join(tmpdir(), `retrieval-bench-${process.pid}.bin`);
    try {
      index.nativeIndex.writeIndexSync(unorderedFile);
      unordered.readIndexSync(unorderedFile);
    } finally {
      rmSync(unorderedFile, { force: true });
    }
    const optimizeCpuSeconds = cpuSeconds(() => index.optimize());
    const defaultBuild = loadWithDefaultBuild(index, metric, dimension);
    log(`${options.name}: HNSW M=${m} efConstruction=${options.efConstruction} built in ${buildSeconds.toFixed(1)} s (${buildCpuSeconds.toFixed(1)} CPU-s), optimize ${optimizeCpuSeconds.toFixed(2)} CPU-s`);
    const points: EfPoint[] = [];
    const wrapper: ClusteredResult['hnsw'][number]['wrapper'] = [];
    const native = index.nativeIndex;
    for (const ef of options.efs) {
      const found = queries.map((query) => index.search(query, { k: 10, ef }));
      const recall = scoreRecallAtK(truth, found, 10);
      const idRecall = recallAtK(truth.map((hits) => hits.map((hit) => hit.id)), found.map((hits) => hits.map((hit) => hit.id)), 10);
      // Same graph, same ef, same queries: the wrapper (Float32Array in, string ids out) against the binding (plain arrays in, labels out).
      index.search(queries[0]!, { k: 10, ef });
      native.setEf(ef);
      unordered.setEf(ef);
      defaultBuild?.setEf(ef);
      // Each round runs every query twice so one sample spans a few hundred milliseconds.
      const positions = [...queries.keys(), ...queries.keys()];
      const reused = new Array<number>(dimension).fill(0);
      // Exact runs in the same rounds so the speed-up compares like with like on a shared machine.
      const rates = interleavedSets(
        {
          direct: { queries: positions, action: (position: number) => native.searchKnn(plainQueries[position]!, 10) },
          // The leanest direct use: copy each Float32Array into one reused plain array, as the wrapper does.
          directReused: {
            queries: positions,
            action: (position: number) => {
              const query = queries[position]!;
              for (let component = 0; component < dimension; component++) reused[component] = query[component]!;
              return native.searchKnn(reused, 10);
            },
          },
          wrapper: { queries: positions, action: (position: number) => index.search(queries[position]!, { k: 10, ef }) },
          unordered: { queries: positions, action: (position: number) => unordered.searchKnn(plainQueries[position]!, 10) },
          ...(defaultBuild === undefined ? {} : { defaultBuild: { queries: positions, action: (position: number) => defaultBuild.searchKnn(plainQueries[position]!, 10) } }),
          exact: { queries: timingQueries.slice(0, options.exactTimingQueries), action: (query: Float32Array) => exact.search(query, { k: 10 }) },
        },
        options.rounds * 2 - 1,
      );
      const wrapperRate = rates.wrapper!.cpu;
      const directRate = rates.direct!.cpu;
      const exactHere = rates.exact!.cpu;
      points.push({ ef, recall, idRecall, queriesPerSecond: wrapperRate, speedupOverExact: wrapperRate / exactHere, exactQueriesPerSecond: exactHere, wallQueriesPerSecond: rates.wrapper!.wall, wallSpeedupOverExact: rates.wrapper!.wall / rates.exact!.wall, unorderedQueriesPerSecond: rates.unordered!.cpu,
        ...(rates.defaultBuild === undefined ? {} : { defaultBuildQueriesPerSecond: rates.defaultBuild.cpu, nativeBuildSpeedup: directRate / rates.defaultBuild.cpu }) });
      wrapper.push({
        ef,
        directQueriesPerSecond: directRate,
        wrapperQueriesPerSecond: wrapperRate,
        overhead: directRate / wrapperRate - 1,
        wallOverhead: rates.direct!.wall / rates.wrapper!.wall - 1,
        directReusedQueriesPerSecond: rates.directReused!.cpu,
        overheadOverReused: rates.directReused!.cpu / wrapperRate - 1,
      });
      log(`  ef=${ef}: recall@10 ${recall.toFixed(4)} (by id ${idRecall.toFixed(4)}), ${wrapperRate.toFixed(0)} q/s (${(wrapperRate / exactHere).toFixed(1)}× exact at ${exactHere.toFixed(0)} q/s), wrapper overhead ${((directRate / wrapperRate - 1) * 100).toFixed(1)}% (wall ${((rates.direct!.wall / rates.wrapper!.wall - 1) * 100).toFixed(1)}%), over reused-buffer direct ${((rates.directReused!.cpu / wrapperRate - 1) * 100).toFixed(1)}%; direct on the unordered graph ${rates.unordered!.cpu.toFixed(0)} q/s` +
        (rates.defaultBuild === undefined ? '' : `; default (SSE) build direct ${rates.defaultBuild.cpu.toFixed(0)} q/s, installed build ${(directRate / rates.defaultBuild.cpu).toFixed(2)}× that`));
    }
    const filteredPoints: Pick<EfPoint, 'ef' | 'recall' | 'queriesPerSecond'>[] = [];
    const callbackFiltered: Pick<EfPoint, 'ef' | 'recall' | 'queriesPerSecond'>[] = [];
    // The callback walk is slow under a 1-in-`users` filter, so it gets fewer queries.
    const callbackQueries = filteredQueries.slice(0, options.callbackQueries);
    const callbackTruth = filteredTruth.slice(0, options.callbackQueries);
    for (const ef of options.efs) {
      const found = filteredQueries.map((query) => index.search(query.vector, { k: 10, ef, where: { user: query.user } }));
      const recall = scoreRecallAtK(filteredTruth, found, 10);
      const rate = interleaved(filteredQueries, { hnsw: (query) => index.search(query.vector, { k: 10, ef, where: { user: query.user } }) }, options.rounds).hnsw!.cpu;
      filteredPoints.push({ ef, recall, queriesPerSecond: rate });
      let callbackFound: SearchHit[][] = [];
      const callbackRate = measure([0], () => {
        callbackFound = callbackQueries.map((query) => index.search(query.vector, { k: 10, ef, filter: userFilter(query.user) }));
      }).cpu * callbackQueries.length;
      const callbackRecall = scoreRecallAtK(callbackTruth, callbackFound, 10);
      callbackFiltered.push({ ef, recall: callbackRecall, queriesPerSecond: callbackRate });
      log(`  per-user ef=${ef}: where recall@10 ${recall.toFixed(4)} ${rate.toFixed(0)} q/s; filter callback recall@10 ${callbackRecall.toFixed(4)} ${callbackRate.toFixed(0)} q/s (exact per-user ${exactFilteredRate.toFixed(0)} q/s)`);
    }
    hnswResults.push({
      m,
      efConstruction: options.efConstruction,
      buildSeconds,
      buildCpuSeconds,
      optimizeCpuSeconds,
      points,
      wrapper,
      filtered: { users: options.users.length, perUser: count / options.users.length, exactQueriesPerSecond: exactFilteredRate, points: filteredPoints },
      callbackFiltered,
    });
  }
  return {
    name: options.name,
    count,
    dimension,
    queries: queries.length,
    metric,
    ...(localIntrinsicDimension === undefined ? {} : { localIntrinsicDimension }),
    exact: { buildSeconds: exactBuild, queriesPerSecond: exactRate, gflops, wallQueriesPerSecond: exactRates.wall, wallGflops },
    hnsw: hnswResults,
  };
}

/** Median wrapper overhead over all ef values of a run. */
export function medianOverhead(result: ClusteredResult['hnsw'][number]): number {
  return median(result.wrapper.map((entry) => entry.overhead));
}

/** Levina–Bickel MLE of local intrinsic dimensionality from each query's nearest-neighbour scores. */
function lidEstimate(neighbours: readonly (readonly SearchHit[])[], metric: Exclude<Metric, 'ip'>): { k10: number; k20: number; medianK20: number } {
  // Scores are −squared distance (l2) or cosine similarity of unit vectors (squared distance 2 − 2·similarity).
  const distance = (score: number) => Math.sqrt(Math.max(metric === 'l2' ? -score : 2 - 2 * score, 0));
  const perQuery = (k: number) =>
    neighbours.flatMap((hits) => {
      const distances = hits.slice(0, k).map((hit) => distance(hit.score));
      const last = distances[k - 1];
      if (last === undefined || last === 0) return [];
      let sum = 0;
      for (const value of distances.slice(0, k - 1)) sum += value > 0 ? Math.log(last / value) : 0;
      return sum > 0 ? [sum / (k - 1)] : [];
    });
  // Averaging the inverse estimates and inverting (MacKay and Ghahramani's correction) is less biased than the mean of the estimates.
  const aggregate = (inverses: number[]) => inverses.length / inverses.reduce((total, value) => total + value, 0);
  const inverses20 = perQuery(20);
  return { k10: aggregate(perQuery(10)), k20: aggregate(inverses20), medianK20: median(inverses20.map((value) => 1 / value)) };
}

/**
 * The index's graph loaded into hnswlib-node's default build, when scripts/native-build.mjs replaced the
 * addon with a native one and kept the default as addon-default.node; undefined otherwise.
 */
function loadWithDefaultBuild(index: HnswIndex, metric: Metric, dimension: number): InstanceType<typeof hnswlib.HierarchicalNSW> | undefined {
  const binding = defaultHnswlibBinding();
  if (binding === undefined) return undefined;
  const graph = join(tmpdir(), `retrieval-bench-default-${process.pid}.bin`);
  try {
    index.nativeIndex.writeIndexSync(graph);
    const loaded = new binding.HierarchicalNSW(metric, dimension);
    loaded.readIndexSync(graph);
    return loaded;
  } finally {
    rmSync(graph, { force: true });
  }
}
