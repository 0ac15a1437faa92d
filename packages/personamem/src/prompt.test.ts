import { describe, expect, it } from 'vitest';
import { buildPrompt, foldSystemMessages, officialInstruction } from './prompt.js';

describe('official prompt', () => {
  it('appends one user message: question, blank line, instruction, blank line, options', () => {
    const context = [
      { role: 'system' as const, content: 'persona' },
      { role: 'user' as const, content: 'hi' },
    ];
    const prompt = buildPrompt(context, 'What now?', ['(a) x', '(b) y'], '["(a) x", "(b) y"]');
    expect(prompt).toHaveLength(3);
    expect(prompt[2]).toEqual({ role: 'user', content: `What now?\n\n${officialInstruction}\n\n["(a) x", "(b) y"]` });
    expect(buildPrompt([], 'Q', ['(a) x', '(b) y'])[0]?.content.endsWith('\n\n(a) x\n(b) y')).toBe(true);
    expect(context).toHaveLength(2);
  });

  it('folds system messages into the next message and merges same-role runs, as convert_role_system_to_user', () => {
    const folded = foldSystemMessages([
      { role: 'system', content: 'S1' },
      { role: 'system', content: 'S2' },
      { role: 'user', content: 'U1' },
      { role: 'user', content: 'U2' },
      { role: 'assistant', content: 'A1' },
      { role: 'system', content: 'S3' },
      { role: 'assistant', content: 'A2' },
      { role: 'system', content: 'dropped' },
    ]);
    expect(folded).toEqual([
      { role: 'user', content: '[System]: S1\n[System]: S2\nU1\nU2' },
      { role: 'assistant', content: 'A1\n[System]: S3\nA2' },
    ]);
  });
});
