import { PersonalabError } from '@personalab/core';

function check(predicted: readonly number[], actual: readonly number[]): void {
  if (predicted.length !== actual.length) throw new PersonalabError('invalid_argument', `predicted has ${predicted.length} values but actual has ${actual.length}`);
  if (predicted.length === 0) throw new PersonalabError('invalid_argument', 'no values to compare');
}

/** Root mean squared error: sqrt(mean((predicted - actual)^2)). */
export function rmse(predicted: readonly number[], actual: readonly number[]): number {
  check(predicted, actual);
  let sum = 0;
  for (let index = 0; index < predicted.length; index++) sum += ((predicted[index] as number) - (actual[index] as number)) ** 2;
  return Math.sqrt(sum / predicted.length);
}

/** Mean absolute error: mean(|predicted - actual|). */
export function mae(predicted: readonly number[], actual: readonly number[]): number {
  check(predicted, actual);
  let sum = 0;
  for (let index = 0; index < predicted.length; index++) sum += Math.abs((predicted[index] as number) - (actual[index] as number));
  return sum / predicted.length;
}
