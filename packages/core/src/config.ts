import { z } from 'zod';
import { PersonalabError } from './errors.js';
import { describeIntegerRange, integerIn } from './integer-arguments.js';
import { formatZodError } from './zod-issues.js';

/**
 * The only place that reads `process.env`. Everything else receives a `PersonalabConfig`
 * (or the part it needs) by injection.
 */
const emptyToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
/**
 * A plain decimal integer from `min` to `max` (surrounding spaces allowed), `fallback` when unset or empty. Anything else
 * names the range and the value as given: `PORT=abc` had read "expected number, received NaN", and `1e3` or `0x10` had
 * been taken as numbers.
 */
const intWithDefault = (fallback: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.string().optional()).transform((value, context) => {
    if (value === undefined) return fallback;
    const number = integerIn(value, { min, max });
    if (number !== undefined) return number;
    context.addIssue({ code: 'custom', message: `expected ${describeIntegerRange({ min, max })}, got ${JSON.stringify(value)}` });
    return z.NEVER;
  });

export const tfBackendSchema = z.enum(['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']);
export type TfBackendName = z.infer<typeof tfBackendSchema>;
export const cacheModeSchema = z.enum(['off', 'read', 'write', 'readwrite']);
export type CacheMode = z.infer<typeof cacheModeSchema>;

const environmentSchema = z.object({
  OPENAI_BASE_URL: optionalString.pipe(z.url().optional()),
  OPENAI_API_KEY: optionalString,
  PERSONALAB_CHAT_MODEL: optionalString,
  PERSONALAB_EMBED_MODEL: optionalString,
  PERSONALAB_LLM_CACHE: z.preprocess(emptyToUndefined, cacheModeSchema.default('off')),
  PERSONALAB_LLM_CACHE_PATH: optionalString,
  PERSONALAB_LLM_CONCURRENCY: intWithDefault(8, 1, 1024),
  PERSONALAB_LLM_TIMEOUT_MS: intWithDefault(60_000, 1, 3_600_000),
  PERSONALAB_LLM_MAX_RETRIES: intWithDefault(4, 0, 20),
  PERSONALAB_DATA_DIR: optionalString,
  PERSONALAB_STATE_DIR: optionalString,
  PERSONALAB_TF_BACKEND: z.preprocess(emptyToUndefined, tfBackendSchema.optional()),
  PERSONALAB_HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  PORT: intWithDefault(3000, 0, 65535),
  PERSONALAB_API_KEYS: optionalString,
  PERSONALAB_RATE_LIMIT: intWithDefault(600, 1, 1_000_000_000),
  PERSONALAB_CHAT_LLM_DEADLINE_MS: intWithDefault(20_000, 1, 3_600_000),
  PERSONALAB_CHAT_LLM_CIRCUIT_FAILURES: intWithDefault(3, 1, 1000),
  PERSONALAB_CHAT_LLM_CIRCUIT_WINDOW_MS: intWithDefault(60_000, 1, 3_600_000),
  PERSONALAB_CHAT_LLM_CIRCUIT_COOLDOWN_MS: intWithDefault(30_000, 1, 3_600_000),
  PERSONALAB_IDEMPOTENCY_TTL_MS: intWithDefault(86_400_000, 1, 2_592_000_000),
  PERSONALAB_IDEMPOTENCY_MAX_KEYS: intWithDefault(10_000, 1, 10_000_000),
  PERSONALAB_LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  PERSONALAB_QUIET: z.preprocess(emptyToUndefined, z.enum(['0', '1', 'true', 'false']).optional()),
  CI: optionalString,
});

export interface PersonalabConfig {
  llm: {
    /** True when an OpenAI-compatible endpoint is configured (base URL or API key). */
    enabled: boolean;
    baseURL: string | undefined;
    apiKey: string | undefined;
    chatModel: string;
    embedModel: string | undefined;
    cacheMode: CacheMode;
    cachePath: string | undefined;
    concurrency: number;
    timeoutMs: number;
    maxRetries: number;
  };
  /** `--data-dir` beats this; see `resolveDataDirectory` in the datasets package. */
  dataDir: string | undefined;
  /** Where servers and experiments keep their SQLite stores and index files. */
  stateDir: string;
  tfBackend: TfBackendName | undefined;
  /**
   * `llmStepDeadlineMs`: the most one LLM step of a chat turn may take before the offline path answers.
   * `llmCircuit`: after `failureThreshold` failed LLM steps in a row within `windowMs`, chat turns skip the LLM for
   * `cooldownMs`, then one step probes.
   * `idempotencyTtlMs` / `idempotencyMaxKeys`: how long a write answered under an Idempotency-Key is kept for replay, and
   * how many keys are kept per API key (oldest dropped first).
   */
  server: {
    host: string;
    port: number;
    apiKeys: string[];
    rateLimitPerMinute: number;
    logLevel: string;
    llmStepDeadlineMs: number;
    llmCircuit: { failureThreshold: number; windowMs: number; cooldownMs: number };
    idempotencyTtlMs: number;
    idempotencyMaxKeys: number;
  };
  /** Progress bars off (CI, PERSONALAB_QUIET=1). */
  quiet: boolean;
}

/** Validates an environment; throws `config_error` naming the variable that is wrong. */
export function loadConfig(environment: Record<string, string | undefined>): PersonalabConfig {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    throw new PersonalabError('config_error', `invalid environment: ${formatZodError(parsed.error)}`);
  }
  const env = parsed.data;
  return {
    llm: {
      enabled: env.OPENAI_BASE_URL !== undefined || env.OPENAI_API_KEY !== undefined,
      baseURL: env.OPENAI_BASE_URL,
      apiKey: env.OPENAI_API_KEY,
      chatModel: env.PERSONALAB_CHAT_MODEL ?? 'gpt-4o-mini',
      embedModel: env.PERSONALAB_EMBED_MODEL,
      cacheMode: env.PERSONALAB_LLM_CACHE,
      cachePath: env.PERSONALAB_LLM_CACHE_PATH,
      concurrency: env.PERSONALAB_LLM_CONCURRENCY,
      timeoutMs: env.PERSONALAB_LLM_TIMEOUT_MS,
      maxRetries: env.PERSONALAB_LLM_MAX_RETRIES,
    },
    dataDir: env.PERSONALAB_DATA_DIR,
    stateDir: env.PERSONALAB_STATE_DIR ?? '.personalab',
    tfBackend: env.PERSONALAB_TF_BACKEND,
    server: {
      host: env.PERSONALAB_HOST,
      port: env.PORT,
      apiKeys: (env.PERSONALAB_API_KEYS ?? '').split(',').map((key) => key.trim()).filter((key) => key !== ''),
      rateLimitPerMinute: env.PERSONALAB_RATE_LIMIT,
      logLevel: env.PERSONALAB_LOG_LEVEL,
      llmStepDeadlineMs: env.PERSONALAB_CHAT_LLM_DEADLINE_MS,
      llmCircuit: { failureThreshold: env.PERSONALAB_CHAT_LLM_CIRCUIT_FAILURES, windowMs: env.PERSONALAB_CHAT_LLM_CIRCUIT_WINDOW_MS, cooldownMs: env.PERSONALAB_CHAT_LLM_CIRCUIT_COOLDOWN_MS },
      idempotencyTtlMs: env.PERSONALAB_IDEMPOTENCY_TTL_MS,
      idempotencyMaxKeys: env.PERSONALAB_IDEMPOTENCY_MAX_KEYS,
    },
    quiet: env.PERSONALAB_QUIET === '1' || env.PERSONALAB_QUIET === 'true' || (env.CI !== undefined && env.CI !== 'false'),
  };
}

let cached: PersonalabConfig | undefined;

/** The process configuration, read from the environment once. */
export function getConfig(): PersonalabConfig {
  cached ??= loadConfig(process.env);
  return cached;
}
