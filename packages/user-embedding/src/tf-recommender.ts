import * as tf from '@tensorflow/tfjs';
import { PersonalabError, type FitOptions } from '@personalab/core';
import { BaseRecommender } from './base-recommender.js';
import type { WeightMap } from './weights-io.js';

// tfjs variable names must be unique per process.
let variableCounter = 0;

/**
 * A recommender whose parameters are named tfjs variables; persistence reads and writes them by name.
 * Subclasses create variables in `fit` / `importState` through `setVariables`.
 */
export abstract class TfRecommender extends BaseRecommender {
  protected variables: Record<string, tf.Variable> = {};

  /** What every model gives its training loop the same way: its name, epochs and patience, the run's quiet flag and signal. */
  protected loopSettings(settings: { epochs: number; patience: number }, options: FitOptions): { label: string; epochs: number; patience: number; quiet: boolean; signal: AbortSignal | undefined } {
    return { label: this.name, epochs: settings.epochs, patience: settings.patience, quiet: options.quiet ?? false, signal: options.signal };
  }

  /** Replaces all variables (disposing the old ones). */
  protected setVariables(values: Record<string, tf.Tensor>): void {
    this.disposeVariables();
    this.variables = Object.fromEntries(
      Object.entries(values).map(([name, tensor]) => {
        const variable = tf.variable(tensor, true, `${this.name}/${name}/${(variableCounter += 1)}`);
        tensor.dispose();
        return [name, variable];
      }),
    );
  }

  /** Copies of the current weights (for best-epoch snapshots and saving). */
  snapshot(): WeightMap {
    return Object.fromEntries(
      Object.entries(this.variables).map(([name, variable]) => [name, { shape: [...variable.shape], values: variable.dataSync() as Float32Array }]),
    );
  }

  /** Writes a snapshot back into the variables. */
  restore(weights: WeightMap): void {
    for (const [name, variable] of Object.entries(this.variables)) {
      const weight = weights[name];
      if (!weight) continue;
      const tensor = tf.tensor(weight.values, weight.shape);
      variable.assign(tensor);
      tensor.dispose();
    }
  }

  protected weightsFromVariables(): WeightMap {
    return this.snapshot();
  }

  protected variablesFromWeights(weights: WeightMap): void {
    this.setVariables(Object.fromEntries(Object.entries(weights).map(([name, weight]) => [name, tf.tensor(weight.values, weight.shape)])));
  }

  /** Frees the tfjs memory held by this model and leaves it unfitted (`BaseRecommender.dispose`). */
  override dispose(): void {
    this.disposeVariables();
    super.dispose();
  }

  private disposeVariables(): void {
    for (const variable of Object.values(this.variables)) variable.dispose();
    this.variables = {};
  }

  protected variable(name: string): tf.Variable {
    const variable = this.variables[name];
    if (variable) return variable;
    // Not fitted, disposed, or a failed fit: say which (exportItemVectors before fit had thrown "no variable itemEmbedding").
    if (!this.fitted) throw this.unfittedError();
    throw new PersonalabError('internal', `${this.name}: no variable ${name}`);
  }
}
