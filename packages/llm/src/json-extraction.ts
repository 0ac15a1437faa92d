/** What `extractJson` found: a parsed value, or why nothing parsed. */
export type JsonExtraction = { ok: true; value: unknown; source: string } | { ok: false; error: string };

/**
 * Pulls one JSON value out of a model reply: the whole reply, a fenced code block
 * (```json ... ```), or the first top-level balanced object/array inside surrounding prose.
 * The caller still validates the value with its zod schema.
 */
export function extractJson(text: string): JsonExtraction {
  const first = jsonCandidates(text).next();
  if (!first.done) return first.value;
  return { ok: false, error: describeFailure(text) };
}

/** At most this many balanced spans in prose are tried. */
const maxSpans = 8;

/**
 * Every JSON value a reply might mean, in tiers, most likely first. Reasoning blocks
 * (`<think>…</think>`) are dropped first, since reasoning models put drafts there.
 * - If the whole reply parses, it is the only candidate.
 * - Else, if any fenced block parses, the fenced blocks that parse are the candidates.
 * - Else the top-level balanced `{…}`/`[…]` spans in the prose that parse, in order.
 * A value nested inside another is never a candidate of its own: a reply that breaks the
 * schema must be repaired, not mined for an inner object that happens to fit.
 */
export function* jsonCandidates(text: string): Generator<{ ok: true; value: unknown; source: string }> {
  const visible = stripReasoning(text);
  const trimmed = visible.trim();
  if (trimmed !== '') {
    const whole = tryParse(trimmed);
    if (whole) {
      yield whole;
      return;
    }
  }
  let fenced = false;
  for (const match of visible.matchAll(/```[a-zA-Z0-9_-]*[ \t]*\r?\n?([\s\S]*?)```/g)) {
    const inner = match[1]?.trim();
    const parsed = inner ? tryParse(inner) : undefined;
    if (parsed) {
      fenced = true;
      yield parsed;
    }
  }
  if (fenced) return;
  for (const span of topLevelSpans(visible, maxSpans)) {
    const parsed = tryParse(span);
    if (parsed) yield parsed;
  }
}

function tryParse(source: string): { ok: true; value: unknown; source: string } | undefined {
  try {
    return { ok: true, value: JSON.parse(source), source };
  } catch {
    return undefined;
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

/**
 * The outermost substrings that start at `{` or `[` and end at their matching bracket, in
 * order, at most `limit`. One pass with a stack, so linear in the text: brackets inside
 * strings are ignored (quotes count only inside a bracket, so prose quotes do not), a
 * mismatched closer abandons every bracket still open, and an opener never closed (truncated
 * JSON) is skipped, its enclosed spans being reported instead.
 */
function topLevelSpans(text: string, limit: number): string[] {
  const open: number[] = []; // positions of the unmatched openers
  const closedAt = new Map<number, number>(); // opener position -> its matching closer
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index++;
      else if (character === '"') inString = false;
      continue;
    }
    if (character === '"') {
      if (open.length > 0) inString = true;
    } else if (character === '{' || character === '[') {
      open.push(index);
    } else if (character === '}' || character === ']') {
      const opener = open.at(-1);
      if (opener !== undefined && text[opener] === (character === '}' ? '{' : '[')) {
        open.pop();
        closedAt.set(opener, index);
      } else {
        open.length = 0; // nothing open now can be balanced
      }
    }
  }
  // Outermost matched spans: walk the openers in order, skipping those inside a span taken.
  const spans: string[] = [];
  let coveredUntil = -1;
  for (const [start, end] of [...closedAt].sort((a, b) => a[0] - b[0])) {
    if (start <= coveredUntil) continue;
    spans.push(text.slice(start, end + 1));
    coveredUntil = end;
    if (spans.length >= limit) break;
  }
  return spans;
}
