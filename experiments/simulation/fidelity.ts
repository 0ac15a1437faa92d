// Fidelity of the offline user simulator on Synthetic-Persona-Chat personas, against the real
// conversations of those personas. Each simulated user gets a persona's facts as its hidden
// profile and answers the persona's real conversation partner (replayed turn by turn), so its
// turns and the persona's real turns answer the same messages.
//
//   npx tsx --conditions=development experiments/simulation/fidelity.ts [--personas 500] [--seed 1]
//     [--offset 0] (skip the first N evaluated personas: 500 gives the tuning set the default weights were chosen on)
//     [--weights '{"persona":0.9}'] (re-ranker weights of the full system) [--llm-personas 50] [--corpus-limit N] [--out DIR]
//   Only the headline run (the defaults) writes results/; any other run writes under
//   $PERSONALAB_STATE_DIR/experiments/simulation-partial unless --out is given, its file names carrying the options
//   that differ (fidelity--personas-40--seed-2.json), so runs with other settings do not overwrite each other.
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { changedOptions, getConfig, markdownTable, parseInteger, PersonalabError, resultsDirectory, runHeader, runScript, scriptCommand, svgBarChart, svgLineChart, writeResults, type Embedder, type UserSimulator } from '@personalab/core';
import { findDataset, howToGet } from '@personalab/datasets';
import { createChatModelFromConfig } from '@personalab/llm';
import { HeuristicProfileExtractor, addCounts, precisionRecall, zeroCounts, type MatchCounts } from '@personalab/profile';
import { HnswIndex } from '@personalab/retrieval';
import {
  authenticityDistance,
  cycleConsistency,
  LlmUserSimulator,
  personaProfile,
  replayScript,
  RetrievalUserSimulator,
  isQuestion,
  ScriptedAssistant,
  simulate,
  turnStatistics,
  UserTurnCorpus,
  wordCount,
  type PersonaTurns,
  type RerankWeights,
  type SimulatedUser,
} from '@personalab/simulator';
import { createExperimentEmbedder } from './embedder.js';
import { resultName } from './result-name.js';
import { loadSpc, userTurnsOf } from './spc-corpus.js';

/** `--weights`: a JSON object of re-ranker weights (numbers). */
function parseWeights(text: string): Partial<RerankWeights> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PersonalabError('invalid_argument', `--weights must be a JSON object, got ${JSON.stringify(text)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((value) => typeof value === 'number' && Number.isFinite(value))) {
    throw new PersonalabError('invalid_argument', `--weights must be a JSON object of numbers, e.g. '{"persona":0.9}', got ${JSON.stringify(text)}`);
  }
  return parsed as Partial<RerankWeights>;
}

await runScript(async () => {
  const startedAt = new Date();
  const { values } = parseArgs({ options: { personas: { type: 'string', default: '500' }, seed: { type: 'string', default: '1' }, 'llm-personas': { type: 'string', default: '50' }, 'corpus-limit': { type: 'string' }, offset: { type: 'string', default: '0' }, weights: { type: 'string' }, out: { type: 'string' } } });
  const personaCount = parseInteger('--personas', values.personas, { min: 1 });
  const personaOffset = parseInteger('--offset', values.offset, { min: 0 });
  const seed = parseInteger('--seed', values.seed, { min: 0, max: 2 ** 32 - 1 });
  const llmPersonas = parseInteger('--llm-personas', values['llm-personas'], { min: 0 });
  const corpusLimit = values['corpus-limit'] === undefined ? undefined : parseInteger('--corpus-limit', values['corpus-limit'], { min: 1 });
  const weights = values.weights === undefined ? undefined : parseWeights(values.weights);
  const settings = { personas: personaCount, offset: personaOffset, seed, 'llm-personas': llmPersonas, 'corpus-limit': corpusLimit, weights };
  const headline = { personas: 500, offset: 0, seed: 1, 'llm-personas': 50 };
  const outputDirectory = resultsDirectory({
    out: values.out,
    committed: join(import.meta.dirname, 'results'),
    changed: changedOptions(settings, headline),
    name: 'experiments/simulation-partial',
  });
  const config = getConfig();
  const directory = findDataset('synthetic-persona-chat', { environmentDataDir: config.dataDir });
  if (!directory) throw new PersonalabError('not_found', `Synthetic-Persona-Chat not found: ${howToGet('synthetic-persona-chat')}`);

  const { valid, test } = await loadSpc(directory);
  // Evaluated personas: User 1 of the first test conversations with at least three turns each way.
  const evaluated = test.conversations.filter((conversation) => conversation.turns.filter((turn) => turn.speaker === 'user1').length >= 3).slice(personaOffset, personaOffset + personaCount);
  const users: SimulatedUser[] = evaluated.map((conversation) => ({
    id: conversation.id,
    profile: personaProfile({ userId: conversation.id, statements: conversation.user1Persona }),
    goal: { description: 'Get to know the person you are talking to.' },
    realTurns: conversation.turns.filter((turn) => turn.speaker === 'user1').map((turn) => turn.text),
    // The partner's turns hold SPC's template slots ("Hi, I'm [user 2's name]."): filled as a person would say them, and a
    // turn left empty ("I'm from [place].") left out.
    script: replayScript(conversation.turns.filter((turn) => turn.speaker === 'user2').map((turn) => turn.text), { speaker: 2, name: 'Alex' }),
  }));
  const real: PersonaTurns[] = users.map((user) => ({ profile: user.profile, turns: user.realTurns ?? [] }));

  // The corpus is the validation split only: no evaluated persona's own words can be retrieved.
  const corpusTurns = userTurnsOf(valid.conversations).slice(0, corpusLimit);
  const started = performance.now();
  const embedder: Embedder = createExperimentEmbedder(corpusTurns.map((turn) => turn.text));
  const corpus = await UserTurnCorpus.build({ turns: corpusTurns, embedder, createIndex: (dimension) => new HnswIndex({ dimension, ef: 96, m: 12, efConstruction: 48 }) });
  const corpusSeconds = (performance.now() - started) / 1000;
  console.error(`corpus: ${corpus.size} real user turns from ${valid.conversations.length} validation conversations, embedded and indexed in ${corpusSeconds.toFixed(1)} s (${embedder.id})`);

  // The simulated users play User 1, who opens the conversations and asks more than User 2 (SPC valid:
  // 28% of User 1's turns are questions, 15% of User 2's). The corpus keeps both speakers' turns, so the
  // style a user with no style of its own draws from is User 1's on the validation split.
  const roleTurns = valid.conversations.flatMap((conversation) => conversation.turns.filter((turn) => turn.speaker === 'user1').map((turn) => turn.text));
  const roleStyle = {
    meanLength: roleTurns.reduce((sum, text) => sum + wordCount(text), 0) / Math.max(1, roleTurns.length),
    questionRate: roleTurns.filter(isQuestion).length / Math.max(1, roleTurns.length),
  };
  console.error(`User 1 style on the validation split: ${roleStyle.meanLength.toFixed(2)} words, question rate ${roleStyle.questionRate.toFixed(3)} (corpus, both speakers: ${corpus.style.meanLength.toFixed(2)} words, ${corpus.style.questionRate.toFixed(3)})`);

  const assistant = new ScriptedAssistant(new Map(users.map((user) => [user.id, user.script ?? []])), 'real-partner-replay');
  const maxTurns = Math.max(...users.map((user) => user.realTurns?.length ?? 0));
  const realTurnCount = (user: SimulatedUser) => user.realTurns?.length ?? 0;

  interface SystemSpec {
    name: string;
    description: string;
    create: (user: SimulatedUser) => UserSimulator;
    users: readonly SimulatedUser[];
  }
  const systems: SystemSpec[] = [
    {
      name: 'retrieval (full)',
      description: 'context fit + persona relevance + style + diversity, contradiction veto, unsupported-fact penalty',
      create: (user) => new RetrievalUserSimulator({ corpus, seed, maxTurns: realTurnCount(user), defaultStyle: roleStyle, ...(weights ? { weights } : {}) }),
      users,
    },
    {
      name: 'retrieval (context only)',
      description: 'ablation: nearest answer to the partner message, no re-ranking, no veto',
      create: (user) => new RetrievalUserSimulator({ corpus, seed, maxTurns: realTurnCount(user), allowContradictions: true, questionKind: 'bonus', weights: { persona: 0, length: 0, question: 0, repetition: 0, unsupported: 0, jitter: 0 } }),
      users,
    },
  ];
  let llmNote = 'No OpenAI-compatible endpoint is configured here (OPENAI_BASE_URL / OPENAI_API_KEY unset), so the LLM simulator was not run.';
  if (config.llm.enabled) {
    const model = createChatModelFromConfig(config);
    if (!model) throw new Error('an LLM endpoint is configured but no chat model could be made from it');
    const llmUsers = users.slice(0, llmPersonas);
    systems.push({ name: `llm (${model.modelId})`, description: 'LlmUserSimulator with contradiction and character checks', create: (user) => new LlmUserSimulator({ model, maxTurns: realTurnCount(user), seed }), users: llmUsers });
    llmNote = `LLM simulator: ${model.modelId} at ${config.llm.baseURL ?? 'api.openai.com'}, on the first ${llmUsers.length} personas.`;
  }

  const extractor = new HeuristicProfileExtractor();
  async function consistency(personas: readonly PersonaTurns[]) {
    let counts: MatchCounts = zeroCounts();
    for (const persona of personas) {
      const result = await cycleConsistency(persona, extractor);
      counts = addCounts(counts, result);
    }
    return { ...precisionRecall(counts), ...counts };
  }

  const lengthBins = [0, 5, 10, 15, 20, 25, 30, 40, 60];
  const histogram = (turns: readonly string[]) => {
    const counts = lengthBins.map(() => 0);
    for (const turn of turns) {
      const words = wordCount(turn);
      let bin = lengthBins.length - 1;
      while (bin > 0 && words < (lengthBins[bin] as number)) bin--;
      counts[bin] = (counts[bin] ?? 0) + 1;
    }
    return counts.map((count) => count / Math.max(1, turns.length));
  };

  const rows: Array<Record<string, unknown>> = [];
  const realStatistics = turnStatistics(real);
  rows.push({ system: 'real turns (reference)', personas: real.length, ...realStatistics, consistency: await consistency(real), distance: authenticityDistance(real, real), seconds: 0, histogram: histogram(real.flatMap((persona) => persona.turns)) });
  for (const system of systems) {
    const begin = performance.now();
    const result = await simulate({ simulator: system.create, assistant, users: system.users, maxTurns, concurrency: 8, quiet: config.quiet, label: system.name, showSuccess: false });
    const seconds = (performance.now() - begin) / 1000;
    const byUser = new Map(system.users.map((user) => [user.id, user]));
    const simulated: PersonaTurns[] = result.conversations.map((record) => ({ profile: (byUser.get(record.userId) as SimulatedUser).profile, turns: record.turns.filter((turn) => turn.role === 'user').map((turn) => turn.content) }));
    const reference = real.filter((persona) => byUser.has(persona.profile.userId));
    rows.push({
      system: system.name,
      description: system.description,
      personas: simulated.length,
      errors: result.conversations.filter((record) => record.endReason === 'error').length,
      ...turnStatistics(simulated),
      consistency: await consistency(simulated),
      distance: authenticityDistance(simulated, reference),
      seconds,
      histogram: histogram(simulated.flatMap((persona) => persona.turns)),
      // LLM simulators: user turns the grounded fallback wrote (and replies the checks rejected), over every conversation.
      simulatorReport: result.simulatorReport,
    });
    console.error(`${system.name}: ${simulated.length} personas in ${seconds.toFixed(1)} s`);
  }

  type Row = { system: string; personas: number; turns: number; meanWords: number; questionRate: number; distinct1: number; distinct2: number; contradictionRate: number; consistency: { precision: number; recall: number; f1: number }; distance: { lengthW1: number; lengthKs: number; questionRateW1: number; questionRateGap: number }; seconds: number; histogram: number[] };
  const typed = rows as unknown as Row[];
  const table = markdownTable(
    ['system', 'personas', 'user turns', 'mean words', 'question rate', 'distinct-1', 'distinct-2', 'contradiction rate', 'cycle precision', 'cycle recall', 'cycle F1', 'length W1 (words)', 'length KS', 'question-rate W1', 'seconds'],
    typed.map((row) => [row.system, row.personas, row.turns, row.meanWords, row.questionRate, row.distinct1, row.distinct2, row.contradictionRate, row.consistency.precision, row.consistency.recall, row.consistency.f1, row.distance.lengthW1, row.distance.lengthKs, row.distance.questionRateW1, row.seconds]),
    3,
  );
  const markdown = [
    '# Simulator fidelity on Synthetic-Persona-Chat',
    '',
    ...runHeader({ command: scriptCommand('experiments/simulation/fidelity.ts'), date: startedAt }),
    `${typed[0]?.personas ?? 0} personas (User 1 of the first test-split conversations with at least three turns each way). Each simulated user holds the persona's sentences as hidden facts and answers the persona's real partner, replayed turn by turn, for as many turns as the real persona spoke. Retrieval corpus: ${corpus.size} real user turns of the ${valid.conversations.length} validation-split conversations (no evaluated persona's own words). Embedder: ${embedder.id}; index: HNSW.`,
    '',
    table,
    '',
    '- **cycle precision / recall / F1**: persona consistency by cycle (USP): a profile is re-extracted from the user turns with the profile package\'s `HeuristicProfileExtractor` and its statements are matched (token F1 ≥ 0.5) against the persona sentences. The real turns give the reference a simulator should reach.',
    '- **contradiction rate**: share of user turns that contradict a persona sentence by the simulator package\'s rule-based checker. The retrieval simulator uses the same checker as a veto, so its 0 is by construction; the number that matters is the ablation\'s and the real turns\' rate (real turns include the checker\'s false alarms).',
    '- **length W1 / KS**: Wasserstein-1 (in words) and Kolmogorov–Smirnov distance between the turn-length distributions of the system and of the real turns; **question-rate W1**: the same between per-conversation question rates.',
    `- ${llmNote}`,
  ].join('\n');
  const consistencyChart = svgBarChart(
    ['cycle precision', 'cycle recall', 'cycle F1', 'distinct-2', 'question rate'],
    typed.map((row) => ({ name: row.system, values: [row.consistency.precision, row.consistency.recall, row.consistency.f1, row.distinct2, row.questionRate] })),
    { title: 'Persona consistency by cycle and surface statistics', yLabel: 'value', yMin: 0, yMax: 1 },
  );
  const lengthChart = svgLineChart(
    lengthBins,
    typed.map((row) => ({ name: row.system, values: row.histogram })),
    { title: 'Turn length distribution (share of turns by words, bin start)', xLabel: 'words', yLabel: 'share of turns', yMin: 0 },
  );
  const written = writeResults(outputDirectory, resultName('fidelity', settings, headline), {
    json: { dataset: 'synthetic-persona-chat', personas: personaCount, seed, embedder: embedder.id, corpusTurns: corpus.size, corpusSeconds, llm: llmNote, rows },
    markdown,
    svgs: { consistency: consistencyChart, lengths: lengthChart },
  });
  console.log(table);
  console.error(`wrote ${written.join(', ')}`);
});
