import { PersonalabError, scriptCommand } from '@personalab/core';
import type { DatasetName } from '@personalab/datasets';

/**
 * Every committed results file and the command that writes it. `experiments/reproduce/run.ts` lists, runs and
 * checks these; its test holds the manifest to the tree: every file under `experiments/<name>/results/` and
 * `bench/results/` belongs to exactly one entry, and a file's recorded `Command:` line is its entry's command.
 */

export type EntryKind =
  /** Numbers the code decides (seeded): a rerun on any machine gives the same tables, timings aside; `check` compares them. */
  | 'experiment'
  /** Timings and speeds of this machine: a rerun measures again, and `check` has nothing to hold it to. */
  | 'bench'
  /** A record of an earlier run kept for what it showed (a one-off setting, an earlier default): no current command writes it. */
  | 'record';

export interface ManifestEntry {
  name: string;
  kind: EntryKind;
  /** What it measures, one line. */
  what: string;
  /** The command's arguments after `npx tsx --conditions=development`, as the headline run was made (records: none). */
  argv?: readonly string[];
  /** The folder its results go to (the command writes there unless given `--out` / `--results`). */
  folder: string;
  /** The committed files it writes, relative to the repository root. */
  files: readonly string[];
  /** Wall minutes on this project's 2-core machine at its last run (often with other jobs on the cores), when known. */
  minutes?: number;
  /** Why a record is not rerun, or what to know before running. */
  note?: string;
  /** The data sets its command reads (a check without them is skipped, naming them). */
  needs?: readonly DatasetName[];
  /** False when the committed files predate the run header (`Command:` / `Date:` lines): a rerun adds it. */
  recordsCommand?: false;
  /**
   * Committed files the command reads from its own results folder (another entry's): a check copies them into the
   * fresh folder first, so the rerun sees what the committed run saw.
   */
  inputs?: readonly string[];
}

const stems = (folder: string, names: readonly string[]) => names.map((name) => `${folder}/${name}`);
/** What `experiment movielens p1` writes into its folder: P1's and P2's tables, JSON and charts. */
const rankingFiles = (folder: string) =>
  stems(folder, [
    ...['p1-ranking.md', 'p1-ranking.json', 'p1-ranking-map.svg', 'p1-ranking-ndcg.svg', 'p1-ranking-precision.svg', 'p1-ranking-recall.svg'],
    ...['p2-top5.md', 'p2-top5.json', 'p2-top5-ndcg.svg', 'p2-top5-precision.svg'],
  ]);

/** The numpy EASE runs a P1 results folder holds beside its tables (the P1 tables' EASE check reads them). */
const numpyEaseFiles = (folder: string) => stems(folder, ['ease-check-numpy.json', 'ease-check-numpy-20-seeds.json']);

export const manifest: readonly ManifestEntry[] = [
  {
    name: 'movielens-p1',
    kind: 'experiment',
    what: 'P1 top-10 ranking and P2 top-5 on MovieLens 100K (every model, seeds 42, 7, 1)',
    argv: ['apps/cli/src/main.ts', '--quiet', 'experiment', 'movielens', 'p1'],
    needs: ['movielens-100k'],
    folder: 'experiments/movielens/results',
    files: rankingFiles('experiments/movielens/results'),
    inputs: numpyEaseFiles('experiments/movielens/results'),
    minutes: 11,
  },
  {
    name: 'movielens-p1-sorted',
    kind: 'experiment',
    what: "P1 and P2 on the rows of Microsoft Recommenders' current python_stratified_split",
    argv: ['apps/cli/src/main.ts', '--quiet', 'experiment', 'movielens', 'p1', '--split', 'sorted', '--results', 'experiments/movielens/results/sorted-split'],
    needs: ['movielens-100k'],
    folder: 'experiments/movielens/results/sorted-split',
    files: rankingFiles('experiments/movielens/results/sorted-split'),
    inputs: numpyEaseFiles('experiments/movielens/results/sorted-split'),
    minutes: 11,
  },
  {
    name: 'movielens-p3',
    kind: 'experiment',
    what: 'P3 rating prediction (RMSE / MAE) on the 75/25 split and u1',
    argv: ['apps/cli/src/main.ts', '--quiet', 'experiment', 'movielens', 'p3'],
    needs: ['movielens-100k'],
    folder: 'experiments/movielens/results',
    files: stems('experiments/movielens/results', ['p3-rating.md', 'p3-rating.json', 'p3-rating.svg']),
    minutes: 6,
  },
  {
    name: 'ease-check',
    kind: 'experiment',
    what: "our EASE against the numpy script's on identical splits (reads the committed numpy outputs)",
    argv: ['experiments/movielens/numpy-check/ease-check.ts'],
    needs: ['movielens-100k'],
    folder: 'experiments/movielens/results',
    files: stems('experiments/movielens/results', ['ease-check.md', 'ease-check.json']),
    minutes: 0.3,
  },
  {
    name: 'ease-check-numpy',
    kind: 'record',
    what: 'the numpy EASE runs ease-check reads (written by the Python scripts in experiments/movielens/numpy-check/)',
    folder: 'experiments/movielens/results',
    files: [...numpyEaseFiles('experiments/movielens/results'), ...numpyEaseFiles('experiments/movielens/results/sorted-split')],
    note: 'inputs, not outputs: made with numpy (experiments/movielens/numpy-check/README.md), which this machine has but CI does not need',
  },
  {
    name: 'p1-lowpass-lambda300-check',
    kind: 'record',
    what: 'a one-off check of the low-pass blend at λ 300 on the P1 splits',
    folder: 'experiments/movielens/results',
    files: ['experiments/movielens/results/p1-lowpass-lambda300-check.md'],
    note: 'its command is in the file (LAMBDA=300 experiments/movielens/lowpass-lambda300-check.ts)',
  },
  {
    name: 'chatrec',
    kind: 'experiment',
    what: 'the Chat-Rec pipeline (served candidate model → offline re-rank to 5) on the P1 split, seed 42',
    argv: ['experiments/chatrec/run.ts'],
    needs: ['movielens-100k'],
    folder: 'experiments/chatrec/results',
    files: stems('experiments/chatrec/results', ['chatrec.md', 'chatrec.json', 'chatrec.svg']),
    minutes: 0.8,
  },
  {
    name: 'chatrec-context-ease-lightgcn',
    kind: 'experiment',
    what: 'the same pipeline with the best P1 ranker (context-EASE + LightGCN) as its candidate model',
    argv: ['experiments/chatrec/run.ts', '--generator', 'context-ease+lightgcn', '--out', 'experiments/chatrec/results/context-ease-lightgcn', '--quiet'],
    needs: ['movielens-100k'],
    folder: 'experiments/chatrec/results/context-ease-lightgcn',
    files: stems('experiments/chatrec/results/context-ease-lightgcn', ['chatrec.md', 'chatrec.json', 'chatrec.svg']),
    minutes: 3.5,
  },
  {
    name: 'chatrec-two-tower',
    kind: 'experiment',
    what: 'the same pipeline with the sequential two-tower as its candidate model',
    argv: ['experiments/chatrec/run.ts', '--generator', 'two-tower', '--out', 'experiments/chatrec/results/two-tower'],
    needs: ['movielens-100k'],
    folder: 'experiments/chatrec/results/two-tower',
    files: stems('experiments/chatrec/results/two-tower', ['chatrec.md', 'chatrec.json', 'chatrec.svg']),
    minutes: 1.7,
  },
  {
    name: 'chatrec-page-ease',
    kind: 'record',
    what: 'the pipeline with page-EASE, the served model until session 8',
    folder: 'experiments/chatrec/results',
    files: stems('experiments/chatrec/results', ['chatrec-page-ease.md', 'chatrec-page-ease.json', 'chatrec-page-ease.svg']),
    note: 'written as chatrec.md when page-EASE was the default; `experiments/chatrec/run.ts --generator page-ease --out DIR` makes it again',
  },
  {
    name: 'chatrec-constraints',
    kind: 'experiment',
    what: 'requests with a genre and decade, in one message and over two turns (943 P1 users)',
    argv: ['experiments/chatrec/constraints.ts'],
    needs: ['movielens-100k', 'synthetic-persona-chat'],
    folder: 'experiments/chatrec/results',
    files: stems('experiments/chatrec/results', ['constraints.md', 'constraints.json', 'constraints.svg']),
    minutes: 1,
  },
  {
    name: 'chatrec-stated-tastes',
    kind: 'experiment',
    what: 'a genre the user says they like, then a film they loved: the list after the film and at the next visit',
    argv: ['experiments/chatrec/stated-tastes.ts', '--quiet'],
    needs: ['movielens-100k'],
    folder: 'experiments/chatrec/results',
    files: stems('experiments/chatrec/results', ['stated-tastes.md', 'stated-tastes.json']),
    minutes: 19,
  },
  {
    name: 'personamem',
    kind: 'experiment',
    what: 'PersonaMem: controls on the released 32k questions, every offline responder on the dev and generated benchmarks',
    argv: ['experiments/personamem/run.ts'],
    needs: ['personamem-32k', 'personamem-dev'],
    folder: 'experiments/personamem/results',
    files: stems(
      'experiments/personamem/results',
      ['summary', 'released-32k', 'dev-128k', 'gen32k-seed1', 'gen32k-heldout-seed1', 'gen32k-heldout2-seed1', 'gen32k-varied-seed1', 'gen128k-seed1'].flatMap(
        (name) => (name === 'summary' ? ['summary.md', 'summary.json'] : [`${name}.md`, `${name}.json`, `${name}-distance.svg`]),
      ),
    ),
    note: 'keeps generated benchmarks and answers under $PERSONALAB_STATE_DIR/personamem and resumes them: `check` gives it a fresh state directory',
    minutes: 0.6,
  },
  {
    name: 'profile-extraction',
    kind: 'experiment',
    what: 'implicit-profile recovery on Persona-Chat valid, Synthetic-Persona-Chat valid and the synthetic world',
    argv: ['experiments/profile-extraction/run.ts'],
    needs: ['persona-chat', 'synthetic-persona-chat'],
    folder: 'experiments/profile-extraction/results',
    files: stems('experiments/profile-extraction/results', ['profile-extraction.md', 'profile-extraction.json', 'profile-extraction.svg']),
    minutes: 0.8,
  },
  {
    name: 'persona-filter-training',
    kind: 'experiment',
    what: "the persona filter's fit on Synthetic-Persona-Chat test (also writes packages/profile/src/heuristic/persona-filter-model.ts)",
    argv: ['experiments/profile-extraction/train-filter.ts'],
    needs: ['synthetic-persona-chat'],
    folder: 'experiments/profile-extraction/results',
    files: stems('experiments/profile-extraction/results', ['persona-filter-training.md', 'persona-filter-training.json']),
    note: 'its headline run rewrites the shipped filter model; with --out (as `check` runs it) the model file goes to that folder',
    minutes: 0.3,
  },
  {
    name: 'simulation-fidelity',
    kind: 'experiment',
    what: "the offline simulator's fidelity against real Synthetic-Persona-Chat turns (500 personas)",
    argv: ['experiments/simulation/fidelity.ts', '--personas', '500', '--seed', '1'],
    needs: ['synthetic-persona-chat'],
    folder: 'experiments/simulation/results',
    files: stems('experiments/simulation/results', ['fidelity.md', 'fidelity.json', 'fidelity-consistency.svg', 'fidelity-lengths.svg']),
    minutes: 1.1,
  },
  {
    name: 'simulation-movielens',
    kind: 'experiment',
    what: 'simulated MovieLens users against the assistants (the user hints at a liked profile subject)',
    argv: ['experiments/simulation/movielens.ts'],
    needs: ['movielens-100k', 'synthetic-persona-chat'],
    folder: 'experiments/simulation/results',
    files: stems('experiments/simulation/results', ['movielens.md', 'movielens.json', 'movielens-success.svg', 'movielens-recall.svg']),
    minutes: 1,
  },
  {
    name: 'simulation-movielens-target',
    kind: 'experiment',
    what: 'the same, the user hinting at a genre of a hidden target',
    argv: ['experiments/simulation/movielens.ts', '--hint', 'target'],
    needs: ['movielens-100k', 'synthetic-persona-chat'],
    folder: 'experiments/simulation/results',
    files: stems('experiments/simulation/results', ['movielens-target-hint.md', 'movielens-target-hint.json', 'movielens-target-hint-success.svg', 'movielens-target-hint-recall.svg']),
    minutes: 1,
  },
  {
    name: 'simulation-phrasing',
    kind: 'experiment',
    what: "simulated MovieLens users' first message in 16 wordings: how each assistant's first list and recall@5 move with the wording",
    argv: ['experiments/simulation/phrasing.ts'],
    needs: ['movielens-100k', 'synthetic-persona-chat'],
    folder: 'experiments/simulation/results',
    files: stems('experiments/simulation/results', ['phrasing.md', 'phrasing.json', 'phrasing-recall.svg', 'phrasing-changed.svg']),
    minutes: 6,
  },
  {
    name: 'bench-api',
    kind: 'bench',
    what: 'HTTP API throughput and latency (autocannon, 50 connections)',
    argv: ['bench/api/run.ts'],
    folder: 'bench/results/api',
    files: stems('bench/results/api', ['api.md', 'api.json', 'api.svg']),
  },
  {
    name: 'bench-api-model-comparison',
    kind: 'record',
    what: 'API throughput with page-EASE and context-EASE as the served model (session 9)',
    folder: 'bench/results/api',
    files: ['bench/results/api/model-comparison.md'],
    note: 'written by hand from two `bench/api/run.ts --model … --out DIR` runs listed in the file',
  },
  {
    name: 'bench-chat-fairness',
    kind: 'bench',
    what: 'chat turns beside cheap requests: does a burst of chats starve the rest?',
    argv: ['bench/api/chat-fairness.ts'],
    folder: 'bench/results/api',
    files: stems('bench/results/api', ['chat-fairness.md', 'chat-fairness.json', 'chat-fairness.svg']),
  },
  {
    name: 'bench-soak',
    kind: 'bench',
    what: 'the API under a long mixed load: memory and latency over time',
    argv: ['bench/api/soak.ts'],
    folder: 'bench/results/api',
    files: stems('bench/results/api', ['soak.md', 'soak.json', 'soak.svg', 'soak-latency.svg']),
  },
  {
    name: 'bench-datasets',
    kind: 'bench',
    what: 'loading MovieLens 100K, Persona-Chat and the synthetic world',
    argv: ['bench/datasets/run.ts', '--runs', '5', '--world-runs', '3', '--users', '100000'],
    folder: 'bench/results/datasets',
    files: stems('bench/results/datasets', ['datasets.md', 'datasets.json', 'datasets.svg']),
  },
  {
    name: 'bench-personamem-evaluator',
    kind: 'bench',
    what: "the PersonaMem evaluator's overhead with an instant model (questions/s at concurrency 32)",
    argv: ['bench/personamem/evaluator-throughput.ts'],
    folder: 'bench/results/personamem',
    files: stems('bench/results/personamem', ['evaluator-throughput.md', 'evaluator-throughput.json']),
    recordsCommand: false,
  },
  {
    name: 'bench-profile',
    kind: 'bench',
    what: "the heuristic profile extractor's messages/s on Persona-Chat valid",
    argv: ['bench/profile/run.ts'],
    folder: 'bench/results/profile',
    files: stems('bench/results/profile', ['heuristic-throughput.md', 'heuristic-throughput.json']),
  },
  {
    name: 'bench-retrieval',
    kind: 'bench',
    what: 'HNSW against the exact index: recall@10 and queries/s on 100k × 64 mixtures',
    argv: ['bench/retrieval/run.ts', '--ms', '16'],
    folder: 'bench/results/retrieval',
    files: stems('bench/results/retrieval', ['retrieval.md', 'retrieval.json', 'retrieval-clustered-isotropic.svg', 'retrieval-clustered-subspace.svg', 'retrieval-text.svg']),
  },
  {
    name: 'bench-retrieval-default-recall',
    kind: 'bench',
    what: "the HistoryStore's default search breadth: recall by store size",
    argv: ['bench/retrieval/default-recall.ts'],
    folder: 'bench/results/retrieval',
    files: stems('bench/results/retrieval', ['default-recall.md', 'default-recall.json']),
  },
  {
    name: 'bench-retrieval-isotropic-runs',
    kind: 'record',
    what: 'repeated runs on the isotropic mixture (quiet, idle, 31-round, AVX and M=32 variants) behind the README figure',
    folder: 'bench/results/retrieval',
    files: [
      'bench/results/retrieval/isotropic-runs.md',
      'bench/results/retrieval/isotropic-runs.json',
      'bench/results/retrieval/isotropic-avx.md',
      'bench/results/retrieval/isotropic-avx.json',
      'bench/results/retrieval/isotropic-avx-clustered-isotropic.svg',
      'bench/results/retrieval/sweep-isotropic.md',
      ...['31-rounds-1', '31-rounds-2', 'avx-31-rounds', 'avx-31-rounds-2', 'idle-1', 'idle-2', 'idle-3', 'm32', 'quiet', 'quiet-2', 'quiet-3', 'repeat'].flatMap((run) =>
        stems('bench/results/retrieval', [`retrieval-isotropic-${run}.md`, `retrieval-isotropic-${run}.json`, `retrieval-isotropic-${run}-clustered-isotropic.svg`]),
      ),
    ],
    note: 'each file records the `bench/retrieval/run.ts … --name …` command it came from; isotropic-runs.md summarises them',
  },
  {
    name: 'bench-simulator',
    kind: 'bench',
    what: 'simulated users × turns per second against an in-process recommender',
    argv: ['bench/simulator/simulate-bench.ts', '--users', '1000', '--repeats', '3'],
    folder: 'bench/results/simulator',
    files: stems('bench/results/simulator', ['simulate-bench.md', 'simulate-bench.json']),
  },
  {
    name: 'bench-train-time',
    kind: 'bench',
    what: 'training time to the best epoch on MovieLens 100K (wasm), every model',
    argv: ['bench/user-embedding/train-time.ts', '--all'],
    folder: 'bench/results/user-embedding',
    files: stems('bench/results/user-embedding', ['train-time.md', 'train-time.json']),
  },
  {
    name: 'bench-train-time-loaded',
    kind: 'record',
    what: 'an earlier train-time run on a loaded machine (without --all)',
    folder: 'bench/results/user-embedding',
    files: stems('bench/results/user-embedding', ['train-time-loaded.md', 'train-time-loaded.json']),
  },
  {
    name: 'context-ease-validation',
    kind: 'record',
    what: "context-EASE variants on P1's inner validation split (the screens behind its defaults)",
    folder: 'bench/results/user-embedding',
    files: stems('bench/results/user-embedding', ['context-ease-validation.md', 'context-ease-validation.json']),
    note: 'run with a --variants JSON of the variants to compare; the file names the template, not one command',
  },
];

/** The command line an entry's headline run records. */
export function entryCommand(entry: ManifestEntry): string | undefined {
  const [script, ...argv] = entry.argv ?? [];
  return script === undefined ? undefined : scriptCommand(script, argv);
}

/**
 * The entry's arguments with its results sent to `folder` instead: an `--out` / `--results` it has is replaced, else
 * `--out folder` is added (every script, and the CLI's `experiment`, takes `--out`).
 */
export function argvWithOut(entry: ManifestEntry, folder: string): string[] {
  // With no command there is nothing to send: "--out <folder>" alone had become the script (of `check` and its dry run).
  if (entry.argv?.[0] === undefined) throw new PersonalabError('internal', `"${entry.name}" has no command`);
  const argv = [...entry.argv];
  const at = argv.findIndex((argument) => argument === '--out' || argument === '--results');
  if (at >= 0) argv.splice(at + 1, 1, folder);
  else argv.push('--out', folder);
  return argv;
}
