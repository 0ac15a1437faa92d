import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { PersonalabError } from './errors.js';

function configError(environment: Record<string, string>): PersonalabError {
  try {
    loadConfig(environment);
  } catch (error) {
    if (error instanceof PersonalabError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted it');
}

describe('loadConfig integer variables', () => {
  it('names the variable, the range and the value in one line (PORT=abc had read "expected number, received NaN")', () => {
    expect(configError({ PORT: 'abc' })).toMatchObject({ code: 'config_error', message: 'invalid environment: PORT: expected an integer from 0 to 65535, got "abc"' });
    expect(configError({ PORT: '70000' }).message).toBe('invalid environment: PORT: expected an integer from 0 to 65535, got "70000"');
    expect(configError({ PERSONALAB_RATE_LIMIT: '1.5' }).message).toBe('invalid environment: PERSONALAB_RATE_LIMIT: expected an integer from 1 to 1000000000, got "1.5"');
    // Number() had read these as 16 and 1000.
    for (const value of ['0x10', '1e3', '3000abc']) expect(configError({ PORT: value }).message).toBe(`invalid environment: PORT: expected an integer from 0 to 65535, got "${value}"`);
    expect(configError({ PORT: 'abc' }).message).not.toContain('\n');
  });

  it('takes plain integers (spaces around them too) and falls back when unset or empty', () => {
    expect(loadConfig({ PORT: '8080' }).server.port).toBe(8080);
    expect(loadConfig({ PORT: ' 0 ' }).server.port).toBe(0);
    expect(loadConfig({ PORT: '' }).server.port).toBe(3000);
    expect(loadConfig({}).server.port).toBe(3000);
    expect(loadConfig({ PERSONALAB_LLM_MAX_RETRIES: '0' }).llm.maxRetries).toBe(0);
  });
});
