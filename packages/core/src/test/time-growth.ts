import { PersonalabError } from '../errors.js';

/**
 * CPU time this process has used, in milliseconds. Not the wall clock: on a loaded machine a call longer than the
 * scheduler's slice waits for the CPU between slices while a short one often runs in one, so wall time grows with the
 * load for the long input only (ratios of 7 to 8 for linear work beside two busy processes on 2 cores).
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** How to time `timeGrowth`'s two inputs. */
export interface TimeGrowthOptions {
  /** Interleaved rounds per input in one measure, the fastest kept (default 3). */
  rounds?: number;
  /** A round repeats its call until it has used this many milliseconds of CPU time (default 20). */
  roundMs?: number;
  /** A measure at or above this ratio is taken again (default 8, between linear's 4 and quadratic's 16)… */
  retryAbove?: number;
  /** …up to this many measures in all (default 3). */
  tries?: number;
}

/**
 * How many times longer `call(long)` takes than `call(short)`, for a test of linear time: on an input 4 times longer,
 * linear work gives about 4 and quadratic about 16, however fast or loaded the machine (a budget in milliseconds had
 * failed on a loaded 2-core machine). Timed in CPU time (`cpuMs`); each input keeps its fastest of interleaved rounds,
 * and a round repeats its call for `roundMs`, so a call of a fraction of a millisecond is timed as well as a long one.
 * A garbage collection can still slow one measure's long rounds: a ratio at or above `retryAbove` is measured again and
 * the smallest returned, which quadratic work exceeds every time. Successive calls alternate the input and the input with
 * a space added at its end, so a cache of the last input cannot answer them (a test of the title reader had timed its
 * cache: 0.001 ms for 10,000 characters).
 */
export async function timeGrowth(call: (input: string) => unknown, short: string, long: string, options: TimeGrowthOptions = {}): Promise<number> {
  const { rounds = 3, roundMs = 20, retryAbove = 8, tries = 3 } = options;
  for (const [name, value] of Object.entries({ rounds, tries })) if (!(Number.isInteger(value) && value >= 1)) throw new PersonalabError('invalid_argument', `timeGrowth: ${name} must be a positive integer, got ${value}`);
  if (!(roundMs > 0)) throw new PersonalabError('invalid_argument', `timeGrowth: roundMs must be positive, got ${roundMs}`);
  let smallest = Infinity;
  for (let measure = 0; measure < tries && smallest >= retryAbove; measure++) {
    const fastest = [Infinity, Infinity];
    for (let round = 0; round < rounds; round++) {
      for (const [index, input] of [short, long].entries()) {
        // Every other call gets one more space at the end: a function that keeps its last input's result
        // (`TitleOpinionReader`'s mentions) would otherwise answer the repeats from it, and the round would time a lookup.
        const inputs = [input, `${input} `];
        let calls = 0;
        const start = cpuMs();
        do {
          await call(inputs[calls % 2] as string);
          calls++;
        } while (cpuMs() - start < roundMs);
        fastest[index] = Math.min(fastest[index] ?? Infinity, (cpuMs() - start) / calls);
      }
    }
    const [shortMs = Infinity, longMs = Infinity] = fastest;
    smallest = Math.min(smallest, longMs / shortMs);
  }
  return smallest;
}
