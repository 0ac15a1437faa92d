import { describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { loadPromptTemplate, parsePromptTemplate, renderPrompt } from './prompt-template.js';
import { chunkMessages } from './chunking.js';

describe('prompt files', () => {
  it('loads the versioned extraction prompt and fills its variables', () => {
    const template = loadPromptTemplate('extract-v1');
    expect(template.id).toBe('extract-v1');
    expect(template.variables.sort()).toEqual(['message_ids', 'messages', 'previous_profile']);
    const text = renderPrompt(template, { previous_profile: '(empty)', messages: '[m1] USER: hi', message_ids: 'm1' });
    expect(text).toContain('[m1] USER: hi');
    expect(() => renderPrompt(template, { messages: '' })).toThrow(/previous_profile|message_ids/);
  });

  it('rejects malformed prompt files, naming the file', () => {
    expect(() => parsePromptTemplate('no front matter', 'bad.md')).toThrow(/bad\.md: missing front matter/);
    expect(() => parsePromptTemplate('---\nid: x\n---\n# User\nonly user', 'half.md')).toThrow(/half\.md: expected "# System"/);
    expect(() => loadPromptTemplate('no-such-prompt')).toThrow(PersonalabError);
  });
});

describe('chunkMessages', () => {
  it('keeps chunks within the budget, splitting only a message larger than the budget into chunks of its own', () => {
    const messages = Array.from({ length: 10 }, (_, index) => ({ id: `m${index}`, role: 'user' as const, content: 'x'.repeat(index === 4 ? 400 : 40), timestamp: index }));
    const chunks = chunkMessages(messages, 40);
    const ids = chunks.flat().map((message) => message.id);
    expect([...new Set(ids)]).toEqual(messages.map((message) => message.id));
    const parts = chunks.filter((chunk) => chunk.some((message) => message.id === 'm4'));
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part).toHaveLength(1);
    expect(parts.map((part) => part[0]?.content).join('')).toBe(messages[4]?.content);
    for (const chunk of chunks) expect(chunk.reduce((sum, message) => sum + Math.ceil(message.content.length / 4) + 8, 0)).toBeLessThanOrEqual(40);
  });
});
