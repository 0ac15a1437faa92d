/** What `extractJson` found: a parsed value, or why nothing parsed. */
export type JsonExtraction = { ok: true; value: unknown; source: string } | { ok: false; error: string };

/**
 * Pulls one JSON value out of a model reply: the whole reply, a fenced code block
 * (```json ... ```), or the first balanced object/array inside surrounding prose.
 * The caller still validates the value with its zod schema.
 */
export function extractJson(text: string): JsonExtraction {
  const first = jsonCandidates(text).next();
  if (!first.done) return first.value;
  return { ok: false, error: describeFailure(text) };
}

/**
 * Every JSON value a reply might mean, most likely first: the whole reply, each fenced block,
 * then balanced spans in order. Reasoning blocks (`<think>…</think>`) are dropped first, since
 * reasoning models put drafts there.
 */
export function* jsonCandidates(text: string): Generator<{ ok: true; value: unknown; source: string }> {
  const visible = stripReasoning(text);
  const candidates: string[] = [];
  const trimmed = visible.trim();
  if (trimmed !== '') candidates.push(trimmed);
  for (const match of visible.matchAll(/```[a-zA-Z0-9_-]*[ \t]*\r?\n?([\s\S]*?)```/g)) {
    const inner = match[1]?.trim();
    if (inner) candidates.push(inner);
  }
  const seen = new Set<string>();
  for (const candidate of [...candidates, ...balancedSpans(visible)]) {
    if (seen.has(candidate)) continue;
    seen.add(candidate);
    try {
      yield { ok: true, value: JSON.parse(candidate), source: candidate };
    } catch {
      // Not JSON; try the next candidate.
    }
  }
}

/** Why nothing in the reply parsed, for the repair prompt. */
export function describeFailure(text: string): string {
  const trimmed = stripReasoning(text).trim();
  if (trimmed === '') return 'the reply was empty';
  let reason = 'no object or array found';
  try {
    JSON.parse(trimmed);
  } catch (error) {
    reason = error instanceof Error ? error.message : String(error);
  }
  return `the reply contains no parseable JSON (${reason})`;
}

function stripReasoning(text: string): string {
  return text.replace(/<think>[\s\S]*?(<\/think>|$)/g, '');
}

/** Substrings that start at `{` or `[` and end at the matching bracket, ignoring brackets inside strings. */
function* balancedSpans(text: string): Generator<string> {
  let yielded = 0;
  for (let start = 0; start < text.length && yielded < 8; start++) {
    const opener = text[start];
    if (opener !== '{' && opener !== '[') continue;
    const end = matchingBracket(text, start);
    if (end === undefined) continue;
    yielded++;
    yield text.slice(start, end + 1);
    // An outer span that failed to parse may still contain a good inner one, so keep scanning from start + 1.
  }
}

function matchingBracket(text: string, start: number): number | undefined {
  const stack: string[] = [];
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index++;
      else if (character === '"') inString = false;
      continue;
    }
    if (character === '"') inString = true;
    else if (character === '{') stack.push('}');
    else if (character === '[') stack.push(']');
    else if (character === '}' || character === ']') {
      if (stack.pop() !== character) return undefined;
      if (stack.length === 0) return index;
    }
  }
  return undefined;
}
