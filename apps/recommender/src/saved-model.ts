import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PersonalabError, type TfBackendName } from '@personalab/core';
import { loadRecommender, readModelKind, ScoreBlendRecommender, selectBackend, type BaseRecommender } from '@personalab/user-embedding';

/** A model saved by `personalab train` (or any `save`), loaded to be served as it is. */
export interface SavedModel {
  recommender: BaseRecommender;
  /** The model's items: all of them are in the served catalogue. */
  itemIds: Set<string>;
  /** The folder it was loaded from (absolute). */
  directory: string;
  /** What it is, for the start-up log ("score-blend of context-ease + 3 × lightgcn"). */
  description: string;
  /** Catalogue items the model does not know (they reach users through text, genre and popularity). */
  unknownToModel: number;
}

/** The model's kind in words; a score blend names its members and weights. */
function describeModel(model: BaseRecommender): string {
  if (model instanceof ScoreBlendRecommender) {
    const parts = model.members.map((member, index) => {
      const weight = model.weights[index] ?? 1;
      return weight === 1 ? member.name : `${weight} × ${member.name}`;
    });
    return `${model.name} of ${parts.join(' + ')} (per-user z-scores)`;
  }
  return model.name;
}

/**
 * Loads the model saved in `directory` (any kind `loadRecommender` loads, score blends included) for serving, never
 * fitting or writing it. Every item it scores must be in the served catalogue (`catalogueIds`): a model trained on
 * other data (a MovieLens model on the synthetic world) is refused in one line naming the folder and how many of its
 * ids did not match. Catalogue items the model lacks are fine: the pipeline serves them through its other sources.
 */
export async function loadSavedModel(
  directory: string,
  catalogue: { ids: ReadonlySet<string>; name: string },
  options: { preferredBackend?: TfBackendName | undefined; log: (line: string) => void },
): Promise<SavedModel> {
  const folder = resolve(directory);
  if (!existsSync(folder)) throw new PersonalabError('invalid_argument', `--model-dir ${folder}: no such folder`);
  if (!statSync(folder).isDirectory()) throw new PersonalabError('invalid_argument', `--model-dir ${folder} is a file: a model is saved into a folder (personalab train --out <dir>)`);
  if (!existsSync(join(folder, 'model.json'))) {
    throw new PersonalabError('invalid_argument', `--model-dir ${folder} holds no model.json: not a folder saved by personalab train (personalab train --model <name> --out ${folder} saves one)`);
  }
  // Read first, so a folder that is not a model fails before tfjs is loaded; tfjs models (and blends of them) need a backend.
  await readModelKind(folder);
  await selectBackend({ preferred: options.preferredBackend, log: options.log });
  const recommender = await loadRecommender(folder);
  const modelItems = recommender.itemIds;
  const foreign = modelItems.filter((id) => !catalogue.ids.has(id));
  if (foreign.length > 0) {
    recommender.dispose();
    const examples = foreign.slice(0, 3).map((id) => JSON.stringify(id)).join(', ');
    throw new PersonalabError(
      'invalid_argument',
      `--model-dir ${folder}: ${foreign.length} of the model's ${modelItems.length} item ids are not in the served catalogue (${catalogue.name}, ${catalogue.ids.size} items; e.g. ${examples}): it was trained on other data; serve it from a state directory seeded with that data (PERSONALAB_STATE_DIR, --dataset), or leave --model-dir out to train a model on this catalogue`,
      { details: { directory: folder, unmatched: foreign.length, modelItems: modelItems.length } },
    );
  }
  const itemIds = new Set(modelItems);
  let unknownToModel = 0;
  for (const id of catalogue.ids) if (!itemIds.has(id)) unknownToModel++;
  return { recommender, itemIds, directory: folder, description: describeModel(recommender), unknownToModel };
}
