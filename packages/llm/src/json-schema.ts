import { z } from 'zod';

/** The JSON Schema sent in `response_format`, and whether OpenAI's strict mode can accept it. */
export interface ResponseJsonSchema {
  schema: Record<string, unknown>;
  /** Strict mode needs every property required and no extra properties, at every level. */
  strictCompatible: boolean;
}

/**
 * The JSON Schema of what the model must write: the schema's *input* side (before transforms
 * and defaults). Undefined when zod cannot represent the schema; callers then describe it in words.
 */
export function responseJsonSchema(schema: z.ZodType): ResponseJsonSchema | undefined {
  let json: Record<string, unknown>;
  try {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  delete json.$schema;
  const strictCompatible = markStrict(json);
  return { schema: json, strictCompatible };
}

/** Checks strict-mode compatibility and, where compatible, closes objects to extra properties. */
function markStrict(node: unknown): boolean {
  if (Array.isArray(node)) return node.map(markStrict).every(Boolean);
  if (node === null || typeof node !== 'object') return true;
  const record = node as Record<string, unknown>;
  let compatible = true;
  if (record.type === 'object' || record.properties !== undefined) {
    const properties = (record.properties ?? {}) as Record<string, unknown>;
    const required = new Set((record.required as string[] | undefined) ?? []);
    if (!Object.keys(properties).every((key) => required.has(key))) compatible = false;
    if (record.additionalProperties === undefined) record.additionalProperties = false;
    else if (record.additionalProperties !== false) compatible = false;
  }
  for (const [key, value] of Object.entries(record)) {
    if (key === 'default' || key === 'const' || key === 'enum' || key === 'examples') continue;
    if (typeof value === 'object' && value !== null && !markStrict(value)) compatible = false;
  }
  return compatible;
}
