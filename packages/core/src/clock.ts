/** Injectable time and identity sources, so tests are deterministic. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. */
export function createManualClock(start = 0): Clock & { advance(ms: number): void; set(ms: number): void } {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (ms) => {
      current = ms;
    },
  };
}

export type IdGenerator = () => string;

/** Sequential ids (`prefix-1`, `prefix-2`, ...) for tests and reproducible runs. */
export function createSequentialIds(prefix: string): IdGenerator {
  let counter = 0;
  return () => `${prefix}-${++counter}`;
}

/** Random UUIDs from the platform. */
export const randomIds: IdGenerator = () => crypto.randomUUID();
