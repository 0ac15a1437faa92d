import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { responseJsonSchema } from './json-schema.js';

describe('responseJsonSchema', () => {
  it('closes nested objects and is strict when every property is required', () => {
    const result = responseJsonSchema(z.object({ people: z.array(z.object({ name: z.string() })), mood: z.enum(['a', 'b']) }));
    expect(result?.strictCompatible).toBe(true);
    expect(result?.schema).toMatchObject({
      additionalProperties: false,
      properties: { people: { items: { additionalProperties: false, required: ['name'] } } },
    });
    expect(result?.schema.$schema).toBeUndefined();
  });

  it('is not strict with an optional property at any depth', () => {
    expect(responseJsonSchema(z.object({ inner: z.object({ note: z.string().optional() }) }))?.strictCompatible).toBe(false);
    expect(responseJsonSchema(z.object({ list: z.array(z.union([z.object({ a: z.string() }), z.object({ b: z.number().optional() })])) }))?.strictCompatible).toBe(false);
    expect(responseJsonSchema(z.record(z.string(), z.number()))?.strictCompatible).toBe(false);
  });

  it('treats a field named "properties" or "type" as a field, not a keyword', () => {
    const result = responseJsonSchema(z.object({ properties: z.string(), type: z.number() }));
    expect(result?.schema.properties).toEqual({ properties: { type: 'string' }, type: { type: 'number' } });
    expect(result?.strictCompatible).toBe(true);
  });

  it('describes the input side of transforms', () => {
    const result = responseJsonSchema(z.object({ n: z.string().transform((value) => value.length) }));
    expect(result?.schema).toMatchObject({ properties: { n: { type: 'string' } } });
  });
});
