import { PersonalabError } from '@personalab/core';

function check(predicted: readonly number[], actual: readonly number[]): void {
  if (predicted.length !== actual.length) throw new PersonalabError('invalid_argument', `predicted has ${predicted.length} values but actual has ${actual.length}`);
  if (predicted.length === 0) throw new PersonalabError('invalid_argument', 'no values to compare');
  // One NaN (a model's failed prediction) or Infinity would make the whole error NaN or Infinity without a word.
  for (const [name, values] of [['predicted', predicted], ['actual', actual]] as const) {
    const index = values.findIndex((value) => typeof value !== 'number' || !Number.isFinite(value));
    if (index >= 0) throw new PersonalabError('invalid_argument', `${name}[${index}] is ${String(values[index])}, not a finite number`);
  }
}

/** Root mean squared error: sqrt(mean((predicted - actual)^2)). Every value must be a finite number (`invalid_argument`). */
export function rmse(predicted: readonly number[], actual: readonly number[]): number {
  check(predicted, actual);
  let sum = 0;
  for (let index = 0; index < predicted.length; index++) sum += ((predicted[index] as number) - (actual[index] as number)) ** 2;
  return Math.sqrt(sum / predicted.length);
}

/** Mean absolute error: mean(|predicted - actual|). Every value must be a finite number (`invalid_argument`). */
export function mae(predicted: readonly number[], actual: readonly number[]): number {
  check(predicted, actual);
  let sum = 0;
  for (let index = 0; index < predicted.length; index++) sum += Math.abs((predicted[index] as number) - (actual[index] as number));
  return sum / predicted.length;
}
