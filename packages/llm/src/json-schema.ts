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
  const strictCompatible = closeObjects(json);
  return { schema: json, strictCompatible };
}

const isSchema = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Walks the schema's subschemas (not its data keywords), closes every object to extra
 * properties (zod strips them anyway), and reports whether strict mode can accept it.
 */
function closeObjects(node: Record<string, unknown>): boolean {
  let compatible = true;
  const visit = (child: unknown) => {
    if (isSchema(child) && !closeObjects(child)) compatible = false;
  };
  if (node.type === 'object' || isSchema(node.properties)) {
    const properties = isSchema(node.properties) ? node.properties : {};
    const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    if (!Object.keys(properties).every((key) => required.has(key))) compatible = false;
    if (node.additionalProperties === undefined) node.additionalProperties = false;
    else if (node.additionalProperties !== false) {
      compatible = false;
      visit(node.additionalProperties);
    }
    Object.values(properties).forEach(visit);
  }
  for (const keyword of ['items', 'not', 'contains']) visit(node[keyword]);
  for (const keyword of ['anyOf', 'oneOf', 'allOf', 'prefixItems']) {
    if (Array.isArray(node[keyword])) (node[keyword] as unknown[]).forEach(visit);
  }
  for (const keyword of ['$defs', 'definitions']) {
    if (isSchema(node[keyword])) Object.values(node[keyword]).forEach(visit);
  }
  return compatible;
}
