/**
 * Fits the heuristic extractor's persona-likeness filter on Synthetic-Persona-Chat TEST (both
 * speakers), a data set the experiment does not score: its personas are Persona-Chat test
 * personas, disjoint from Persona-Chat valid (scored) and from SPC valid (scored, whose personas
 * are Persona-Chat valid's) but for 14 generic sentences ("i am a vegan", "i have one brother")
 * that both pools use. Hyper-parameters and the threshold are chosen by 5-fold
 * cross-validation on SPC test alone (folds by persona: sheets sharing a sentence); the final model is fitted on all of
 * SPC test and written to packages/profile/src/heuristic/persona-filter-model.ts.
 *
 *   npx tsx --conditions=development experiments/profile-extraction/train-filter.ts [--out DIR]
 *
 * With --out, the results and the generated model file (persona-filter-model.ts) go to DIR instead.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { changedOptions, getConfig, markdownTable, PersonalabError, resultsDirectory, runHeader, runScript, scriptCommand, writeResults } from '@personalab/core';
import { findDataset, howToGet, loadSyntheticPersonaChat } from '@personalab/datasets';
import { filteredSources, personaScore, trainPersonaFilter, type FeatureSet, type PersonaFilterModel } from '@personalab/profile';
import { foldOf, judged, keepByModel, labelCandidates, personaGroups, pipelineScore, speakerTurns, type Speaker } from './filter-data.js';

const here = fileURLToPath(new URL('.', import.meta.url));
await runScript(async () => {
  const startedAt = new Date();
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  // No options but --out: every run is the headline run.
  const outputDirectory = resultsDirectory({ out: values.out, committed: join(here, 'results'), changed: changedOptions({}, {}), name: 'experiments/profile-extraction-partial' });
  const modelPath = values.out === undefined ? join(here, '../../packages/profile/src/heuristic/persona-filter-model.ts') : join(outputDirectory, 'persona-filter-model.ts');
  const config = getConfig();
  const directory = findDataset('synthetic-persona-chat', { environmentDataDir: config.dataDir });
  if (!directory) throw new PersonalabError('not_found', `synthetic-persona-chat not found: ${howToGet('synthetic-persona-chat')}`);
  const { conversations } = await loadSyntheticPersonaChat(join(directory, 'Synthetic-Persona-Chat_test.csv'));
  const sides = conversations.flatMap((conversation) => (['user1', 'user2'] as const).map((user) => ({ conversation, user, gold: user === 'user1' ? conversation.user1Persona : conversation.user2Persona })));
  // Folds by persona (sheets sharing a sentence), not by conversation: SPC test's 1,936 sheets come from 92 personas.
  const groups = personaGroups(sides.map((side) => side.gold));
  const speakers: Speaker[] = sides.map(({ conversation, user, gold }, index) => ({
    id: `${conversation.id}-${user}`,
    group: groups[index]!,
    turns: speakerTurns(conversation.turns, user),
    gold,
  }));
  const data = labelCandidates(speakers);
  const folds = 5;
  const thresholds = Array.from({ length: 17 }, (_, index) => Number((0.1 + index * 0.025).toFixed(3)));
  const settings: Array<{ minCount: number; l2: number; featureSet: FeatureSet }> = [
    { minCount: 3, l2: 1e-3, featureSet: 'all' },
    { minCount: 3, l2: 1e-2, featureSet: 'all' },
    { minCount: 10, l2: 1e-3, featureSet: 'all' },
    { minCount: 3, l2: 1e-3, featureSet: 'structural' },
    { minCount: 10, l2: 1e-3, featureSet: 'structural' },
  ];


  const rows: Array<Array<string | number>> = [];
  let best = { f1: -1, threshold: 0.5, setting: settings[0]! };
  const unfiltered = pipelineScore(data, () => true);
  for (const setting of settings) {
    const scores = new Map<object, number>();
    for (let fold = 0; fold < folds; fold++) {
      const train = judged(data.filter((item) => foldOf(item.speaker.group, folds) !== fold));
      const model = trainPersonaFilter(train, setting);
      for (const item of data.filter((entry) => foldOf(entry.speaker.group, folds) === fold)) for (const candidate of item.candidates) scores.set(candidate, personaScore(model, candidate.text, candidate.source, candidate.context));
    }
    for (const threshold of thresholds) {
      const result = pipelineScore(data, (candidate) => !filteredSources.has(candidate.source) || (scores.get(candidate) ?? 0) >= threshold);
      rows.push([setting.featureSet, setting.minCount, setting.l2, threshold, result.precision, result.recall, result.f1, result.perSpeaker]);
      if (result.f1 > best.f1) best = { f1: result.f1, threshold, setting };
    }
  }
  const model: PersonaFilterModel = trainPersonaFilter(
    judged(data),
    {
      ...best.setting,
      threshold: best.threshold,
      description: `logistic regression on ${judged(data).length} candidate facts and clauses of Synthetic-Persona-Chat test (${speakers.length} speakers; label: token F1 >= 0.5 with a gold persona sentence of the speaker); features ${best.setting.featureSet}, minCount ${best.setting.minCount}, l2 ${best.setting.l2}, threshold ${best.threshold.toFixed(3)} chosen by 5-fold cross-validation on SPC test`,
    },
  );
  const full = pipelineScore(data, keepByModel(model));
  const source = `// Generated by experiments/profile-extraction/train-filter.ts; do not edit by hand.
import type { PersonaFilterModel } from './persona-filter.js';

/** The default persona-likeness filter: ${model.description}. */
export const defaultPersonaFilterModel: PersonaFilterModel = ${JSON.stringify(model, null, 2)};
`;
  mkdirSync(outputDirectory, { recursive: true });
  writeFileSync(modelPath, source);
  const top = Object.entries(model.weights).sort((a, b) => b[1] - a[1]);
  const markdown = [
    '# Persona filter training (Synthetic-Persona-Chat test, both speakers)',
    '',
    ...runHeader({ command: scriptCommand('experiments/profile-extraction/train-filter.ts'), date: startedAt }),
    'The filter judges facts and plain first-person clauses; stated tastes, changes and goals always pass, so it is fitted on the former only.',
    '',
    `${speakers.length} speakers, ${data.reduce((sum, item) => sum + item.candidates.length, 0)} candidate statements, ${data.reduce((sum, item) => sum + item.candidates.filter((candidate) => candidate.label).length, 0)} matching a gold persona sentence. Not scored anywhere in the experiment: Persona-Chat valid and SPC valid have other personas.`,
    '',
    `Without the filter (all candidates): P ${unfiltered.precision.toFixed(3)} / R ${unfiltered.recall.toFixed(3)} / F1 ${unfiltered.f1.toFixed(3)}.`,
    `Chosen by 5-fold CV (out-of-fold scores): features ${best.setting.featureSet}, minCount ${best.setting.minCount}, l2 ${best.setting.l2}, threshold ${best.threshold.toFixed(3)}, CV F1 ${best.f1.toFixed(3)}. Final model refitted on all of SPC test (in-sample, optimistic): P ${full.precision.toFixed(3)} / R ${full.recall.toFixed(3)} / F1 ${full.f1.toFixed(3)}.`,
    '',
    '## Cross-validation grid',
    '',
    markdownTable(['features', 'min count', 'l2', 'threshold', 'precision', 'recall', 'F1', 'statements / speaker'], rows, 3),
    '',
    '## Strongest features',
    '',
    markdownTable(['feature', 'weight'], [...top.slice(0, 20), ...top.slice(-15)].map(([feature, weight]) => [feature, weight]), 3),
    '',
  ].join('\n');
  const written = writeResults(outputDirectory, 'persona-filter-training', { json: { best, unfiltered, inSample: full, grid: rows, model: { description: model.description, bias: model.bias, features: Object.keys(model.weights).length, threshold: model.threshold } }, markdown });
  console.log(markdown.split('## Cross')[0]);
  console.error(`wrote ${[...written, modelPath].join(', ')}`);
});
