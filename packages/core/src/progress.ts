import cliProgress from 'cli-progress';

export interface Progress {
  /** Advance by `amount` (default 1) and update the displayed values. */
  increment(amount?: number, values?: Record<string, string | number>): void;
  update(value: number, values?: Record<string, string | number>): void;
  setTotal(total: number): void;
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  /** No bar at all (tests, CI, --quiet). */
  quiet?: boolean;
  /** Extra fields shown after the bar, e.g. `loss`, `ndcg`. */
  fields?: readonly string[];
  stream?: NodeJS.WriteStream;
}

/** A terminal progress bar (cli-progress) with ETA and rate, or a silent one. */
export function createProgress(options: ProgressOptions): Progress {
  if (options.quiet) {
    return { increment: () => undefined, update: () => undefined, setTotal: () => undefined, stop: () => undefined };
  }
  const extra = (options.fields ?? []).map((field) => ` ${field} {${field}}`).join('');
  const bar = new cliProgress.SingleBar(
    {
      format: `${options.label} [{bar}] {value}/{total} {percentage}% | {rate}/s | ETA {eta_formatted}${extra}`,
      stream: options.stream ?? process.stderr,
      hideCursor: false,
      etaBuffer: 50,
      fps: 5,
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  const initial = Object.fromEntries((options.fields ?? []).map((field) => [field, '-']));
  bar.start(options.total, 0, { rate: '0', ...initial });
  const rate = (value: number) => (value / Math.max(1e-3, (Date.now() - started) / 1000)).toFixed(1);
  return {
    increment: (amount = 1, values = {}) => bar.increment(amount, { rate: rate(bar.getProgress() * bar.getTotal() + amount), ...values }),
    update: (value, values = {}) => bar.update(value, { rate: rate(value), ...values }),
    setTotal: (total) => bar.setTotal(total),
    stop: () => bar.stop(),
  };
}

/** A validation metric as a progress bar shows it: the field's name and the value's text. */
export interface DisplayedMetric {
  field: string;
  format(value: number): string;
}

/**
 * How a progress bar shows a validation metric. One that is maximised as its negative (`valNegRmse`:
 * higher is better for early stopping) is shown as users read it: `valRmse 1.0117`, not `valNegRmse -1.0117`.
 * The field is word characters only (cli-progress tokens).
 */
export function displayedMetric(name: string, digits = 4): DisplayedMetric {
  const word = name.replace(/\W/g, '');
  const negated = /^(.*?)(?:neg|Neg)([A-Z]\w*)$/.exec(word);
  if (!negated) return { field: word, format: (value) => value.toFixed(digits) };
  const [, prefix = '', rest = ''] = negated;
  // `negRmse` → `rmse`, `valNegRmse` → `valRmse`.
  const field = prefix === '' ? rest.charAt(0).toLowerCase() + rest.slice(1) : prefix + rest;
  return { field, format: (value) => (-value).toFixed(digits) };
}
