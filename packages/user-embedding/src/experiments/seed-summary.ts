import { meanAndStd, runHeader } from '@personalab/core';

/** A metric over split seeds: the mean and, from two seeds on, the sample std (one seed has no spread). */
export interface SeedSummary {
  mean: number;
  /** Sample standard deviation; null for one seed, where there is none to report. */
  std: number | null;
  /** How many seeds the mean is over. */
  seeds: number;
}

/** Mean and sample std of one metric over seeds. */
export function summariseSeeds(values: readonly number[]): SeedSummary {
  const { mean, std } = meanAndStd(values);
  return { mean, std: values.length > 1 ? std : null, seeds: values.length };
}

/** A table cell: `0.4784 ± 0.0028` over seeds, the value alone for one seed (never a fake `± 0.0000`). */
export function formatSeedSummary(summary: SeedSummary | undefined, digits = 4): string {
  if (summary === undefined) return '–';
  return summary.std === null ? summary.mean.toFixed(digits) : `${summary.mean.toFixed(digits)} ± ${summary.std.toFixed(digits)}`;
}

/** The seeds in a title: `seeds 42, 7, 1`, or `1 seed: 42`. */
export function describeSeeds(seeds: readonly number[]): string {
  return seeds.length === 1 ? `1 seed: ${seeds[0]}` : `seeds ${seeds.join(', ')}`;
}

/** What the tables' cells are: mean ± sample std over seeds, or one run's values. */
export function describeSpread(seedCount: number): string {
  return seedCount === 1 ? 'one seed, so each value is that run\'s, with no spread (more --seeds give mean ± sample std)' : `mean ± sample std over ${seedCount} seeds`;
}

/** What a MovieLens results file records of its run; `date` (the start, default now) goes in the Markdown header only. */
export interface ExperimentRunMeta {
  backend: string;
  quick: boolean;
  seeds: readonly number[];
  command?: string;
  date?: Date;
}

/**
 * The Markdown header of a results file (`runHeader`), none when the command is unknown (no entry point): a Date line
 * alone would not say what made the file.
 */
export function experimentHeader(meta: Pick<ExperimentRunMeta, 'command' | 'date'>): string[] {
  return meta.command === undefined ? [] : runHeader({ command: meta.command, ...(meta.date === undefined ? {} : { date: meta.date }) });
}
