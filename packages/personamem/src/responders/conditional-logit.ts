/**
 * A conditional logit (McFadden's choice model): each option's utility is `weights · features`, and the
 * probability of choosing an option is the softmax of the utilities over the question's options. Fitted by
 * Newton's method on the L2-penalised log-likelihood, from zero weights, so a fit is a pure function of its
 * examples (no seed, no order dependence beyond floating-point sums).
 */

/** One multiple-choice question as the model sees it: a feature vector per option and the gold option. */
export interface ChoiceExample {
  /** `features[option][feature]`; every option has the same number of features. */
  features: readonly (readonly number[])[];
  /** Index of the correct option. */
  correct: number;
}

export interface FitConditionalLogitOptions {
  /** L2 penalty on every weight (the log-likelihood is summed, not averaged, over examples). Default 1. */
  l2?: number;
  /** Newton steps at most. Default 100. */
  maxIterations?: number;
  /** Stop once the largest gradient component is below this. Default 1e-9. */
  tolerance?: number;
}

export interface ConditionalLogitFit {
  weights: number[];
  /** Penalised log-likelihood at the weights. */
  logLikelihood: number;
  iterations: number;
  converged: boolean;
}

/** Utilities `features · weights` of each option. */
export function utilities(features: readonly (readonly number[])[], weights: readonly number[]): number[] {
  return features.map((row) => row.reduce((sum, value, index) => sum + value * (weights[index] ?? 0), 0));
}

/** Softmax of the utilities (shifted by their maximum, so large utilities do not overflow). */
export function choiceProbabilities(features: readonly (readonly number[])[], weights: readonly number[]): number[] {
  const scores = utilities(features, weights);
  const top = Math.max(...scores);
  const exponentials = scores.map((score) => Math.exp(score - top));
  const total = exponentials.reduce((sum, value) => sum + value, 0);
  return exponentials.map((value) => value / total);
}

/** Solves `matrix · x = vector` by Gaussian elimination with partial pivoting (the matrix is small and positive definite). */
function solve(matrix: number[][], vector: number[]): number[] {
  const size = vector.length;
  const rows = matrix.map((row, index) => [...row, vector[index] ?? 0]);
  for (let column = 0; column < size; column++) {
    let pivot = column;
    for (let row = column + 1; row < size; row++) if (Math.abs(rows[row]?.[column] ?? 0) > Math.abs(rows[pivot]?.[column] ?? 0)) pivot = row;
    [rows[column], rows[pivot]] = [rows[pivot] ?? [], rows[column] ?? []];
    const lead = rows[column] ?? [];
    const divisor = lead[column] ?? 1;
    for (let row = column + 1; row < size; row++) {
      const current = rows[row] ?? [];
      const factor = (current[column] ?? 0) / divisor;
      if (factor === 0) continue;
      for (let index = column; index <= size; index++) current[index] = (current[index] ?? 0) - factor * (lead[index] ?? 0);
    }
  }
  const solution = new Array<number>(size).fill(0);
  for (let row = size - 1; row >= 0; row--) {
    const current = rows[row] ?? [];
    let sum = current[size] ?? 0;
    for (let index = row + 1; index < size; index++) sum -= (current[index] ?? 0) * (solution[index] ?? 0);
    solution[row] = sum / (current[row] ?? 1);
  }
  return solution;
}

function penalisedLogLikelihood(examples: readonly ChoiceExample[], weights: readonly number[], l2: number): number {
  let total = 0;
  for (const example of examples) total += Math.log(Math.max(1e-300, choiceProbabilities(example.features, weights)[example.correct] ?? 0));
  return total - (l2 / 2) * weights.reduce((sum, weight) => sum + weight * weight, 0);
}

/**
 * Fits the weights that maximise the penalised log-likelihood. Newton steps are halved until the objective
 * improves, so the fit converges for any positive penalty (the objective is strictly concave then).
 */
export function fitConditionalLogit(examples: readonly ChoiceExample[], options: FitConditionalLogitOptions = {}): ConditionalLogitFit {
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-9;
  const size = examples[0]?.features[0]?.length ?? 0;
  let weights = new Array<number>(size).fill(0);
  let objective = penalisedLogLikelihood(examples, weights, l2);
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    const gradient = weights.map((weight) => -l2 * weight);
    const hessian = Array.from({ length: size }, (_, row) => Array.from({ length: size }, (_, column) => (row === column ? l2 : 0)));
    for (const example of examples) {
      const probabilities = choiceProbabilities(example.features, weights);
      // Expected features under the model, then the gradient (observed − expected) and the covariance (negated Hessian).
      const mean = new Array<number>(size).fill(0);
      example.features.forEach((row, option) => row.forEach((value, index) => (mean[index] = (mean[index] ?? 0) + (probabilities[option] ?? 0) * value)));
      const chosen = example.features[example.correct] ?? [];
      for (let index = 0; index < size; index++) gradient[index] = (gradient[index] ?? 0) + (chosen[index] ?? 0) - (mean[index] ?? 0);
      example.features.forEach((row, option) => {
        const probability = probabilities[option] ?? 0;
        for (let first = 0; first < size; first++) {
          const centred = (row[first] ?? 0) - (mean[first] ?? 0);
          if (centred === 0) continue;
          const hessianRow = hessian[first] ?? [];
          for (let second = 0; second < size; second++) hessianRow[second] = (hessianRow[second] ?? 0) + probability * centred * ((row[second] ?? 0) - (mean[second] ?? 0));
        }
      });
    }
    if (Math.max(0, ...gradient.map(Math.abs)) < tolerance) {
      converged = true;
      break;
    }
    const step = solve(hessian, gradient);
    let scale = 1;
    let next = weights.map((weight, index) => weight + scale * (step[index] ?? 0));
    let nextObjective = penalisedLogLikelihood(examples, next, l2);
    while (nextObjective < objective && scale > 1e-6) {
      scale /= 2;
      next = weights.map((weight, index) => weight + scale * (step[index] ?? 0));
      nextObjective = penalisedLogLikelihood(examples, next, l2);
    }
    if (nextObjective < objective) {
      converged = true;
      break;
    }
    weights = next;
    objective = nextObjective;
  }
  return { weights, logLikelihood: objective, iterations, converged };
}
