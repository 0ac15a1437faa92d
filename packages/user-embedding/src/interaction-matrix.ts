import type { Interaction, Item, TrainingData, User } from '@personalab/core';
import { PersonalabError } from '@personalab/core';

/**
 * Dense integer ids for users and items plus each user's training history (oldest first),
 * the shared input of every model in this package.
 */
export interface InteractionMatrix {
  userIds: string[];
  itemIds: string[];
  userIndex: Map<string, number>;
  itemIndex: Map<string, number>;
  /** Per user: item indices, oldest first (ties keep input order). */
  histories: number[][];
  /** Per user: the rating (or event weight) aligned with `histories`. */
  values: number[][];
}

/** The value of an interaction: the rating, or the event weight. */
export function interactionValue(interaction: Interaction): number {
  return interaction.kind === 'rating' ? interaction.value : interaction.weight;
}

/**
 * Refuses training data a model cannot learn from, naming the model and the entry, before a fit changes anything:
 * no items (a fit had failed inside tfjs, GatherV2 or addN), an interaction naming an item not in `items`, a rating,
 * weight or timestamp that is not a finite number (the schema's bounds, for data built in code: a NaN rating had made
 * KNN-baseline score NaN everywhere and the tfjs rating models fail with "loss became NaN").
 */
export function checkTrainingData(model: string, data: TrainingData): void {
  if (data.items.length === 0) throw new PersonalabError('invalid_argument', `${model}: data.items is empty: there is nothing to recommend`);
  const itemIds = new Set(data.items.map((item) => item.id));
  const refuse = (index: number, interaction: Interaction, problem: string) =>
    new PersonalabError('invalid_argument', `${model}: data.interactions[${index}] (user ${interaction.userId}, item ${interaction.itemId}) ${problem}`);
  data.interactions.forEach((interaction, index) => {
    if (!itemIds.has(interaction.itemId)) throw refuse(index, interaction, 'names an item that is not in data.items');
    const value = interactionValue(interaction);
    if (!Number.isFinite(value)) throw refuse(index, interaction, `has ${interaction.kind === 'rating' ? 'rating' : 'weight'} ${value}, not a finite number`);
    if (!Number.isFinite(interaction.timestamp)) throw refuse(index, interaction, `has timestamp ${interaction.timestamp}, not a finite number`);
  });
}

/** Builds the matrix; items come from `items` (so unseen items still get an index), users from both. */
export function buildInteractionMatrix(interactions: readonly Interaction[], items: readonly Item[], users: readonly User[] = []): InteractionMatrix {
  const itemIds: string[] = [];
  const itemIndex = new Map<string, number>();
  for (const item of items) {
    if (!itemIndex.has(item.id)) {
      itemIndex.set(item.id, itemIds.length);
      itemIds.push(item.id);
    }
  }
  const userIds: string[] = [];
  const userIndex = new Map<string, number>();
  const addUser = (id: string) => {
    let index = userIndex.get(id);
    if (index === undefined) {
      index = userIds.length;
      userIndex.set(id, index);
      userIds.push(id);
    }
    return index;
  };
  for (const user of users) addUser(user.id);
  const events: { user: number; item: number; value: number; timestamp: number; order: number }[][] = [];
  interactions.forEach((interaction, order) => {
    const item = itemIndex.get(interaction.itemId);
    if (item === undefined) {
      throw new PersonalabError('invalid_argument', `interaction ${order} names item ${interaction.itemId}, which is not in the item list`);
    }
    const user = addUser(interaction.userId);
    (events[user] ??= []).push({ user, item, value: interactionValue(interaction), timestamp: interaction.timestamp, order });
  });
  const histories: number[][] = [];
  const values: number[][] = [];
  for (let user = 0; user < userIds.length; user++) {
    const list = (events[user] ?? []).sort((a, b) => a.timestamp - b.timestamp || a.order - b.order);
    histories.push(list.map((event) => event.item));
    values.push(list.map((event) => event.value));
  }
  return { userIds, itemIds, userIndex, itemIndex, histories, values };
}

/** Item indices of an explicit history; unknown ids are dropped (they carry no learned signal). */
export function historyIndices(matrix: Pick<InteractionMatrix, 'itemIndex'>, history: readonly string[]): number[] {
  const indices: number[] = [];
  for (const id of history) {
    const index = matrix.itemIndex.get(id);
    if (index !== undefined) indices.push(index);
  }
  return indices;
}
