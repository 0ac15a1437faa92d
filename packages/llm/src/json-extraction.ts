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
 * A value nested inside another is never a candidate of its own, even when the outer one is
 * broken or cut off (`{"facts": [{"text": "a"}, {"te`): a reply that breaks the schema must
 * be repaired, not mined for an inner object that happens to fit. A bracket of prose left
 * open (`the {placeholder" format`) does not hide the JSON after it.
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

/** At most this many restarts of the scan after an unclosed opener that is not JSON. */
const maxRestarts = 8;

/** An opener still unmatched, and how many spans had closed when it opened (the later ones are inside it). */
interface Opener {
  position: number;
  closedBefore: number;
}

/**
 * The outermost substrings that start at `{` or `[` and end at their matching bracket, in
 * order, at most `limit`. A scan with a stack: brackets inside strings are ignored (quotes
 * count only inside a bracket, so prose quotes do not), and a mismatched closer abandons every
 * bracket still open. Spans inside an opener that starts a JSON value (`{` then `"` or `}`,
 * `[` then a value) but is never matched are a broken or truncated reply's nested values, so
 * not reported. When the scan ends inside a string or with an opener of prose open (`{name`,
 * `[the "title]`), it restarts just after that opener with fresh state, at most `maxRestarts`
 * times, so the cost stays linear in the text times a small constant.
 */
function topLevelSpans(text: string, limit: number): string[] {
  const closed: Array<[number, number]> = []; // matched spans, in the order they closed
  let from = 0;
  for (let restarts = 0; ; restarts++) {
    const open = scanBrackets(text, from, closed);
    const earliest = open[0];
    if (earliest === undefined) break;
    if (restarts < maxRestarts && !startsJsonValue(text, earliest.position)) {
      closed.length = earliest.closedBefore; // rescanned with fresh state
      from = earliest.position + 1;
      continue;
    }
    dropInsideJsonValue(text, open, closed);
    break;
  }
  // Outermost matched spans: walk them in order of start, skipping those inside a span taken.
  const spans: string[] = [];
  let coveredUntil = -1;
  for (const [start, end] of closed.sort((a, b) => a[0] - b[0])) {
    if (start <= coveredUntil) continue;
    spans.push(text.slice(start, end + 1));
    coveredUntil = end;
    if (spans.length >= limit) break;
  }
  return spans;
}

/** One pass from `from`: appends matched spans to `closed`; returns the openers left unmatched. */
function scanBrackets(text: string, from: number, closed: Array<[number, number]>): Opener[] {
  const open: Opener[] = [];
  let inString = false;
  for (let index = from; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index++;
      else if (character === '"') inString = false;
      continue;
    }
    if (character === '"') {
      if (open.length > 0) inString = true;
    } else if (character === '{' || character === '[') {
      open.push({ position: index, closedBefore: closed.length });
    } else if (character === '}' || character === ']') {
      const opener = open.at(-1);
      if (opener !== undefined && text[opener.position] === (character === '}' ? '{' : '[')) {
        open.pop();
        closed.push([opener.position, index]);
      } else {
        dropInsideJsonValue(text, open, closed);
        open.length = 0; // nothing open now can be balanced
      }
    }
  }
  return open;
}

/** Drops the spans inside the earliest of the unmatched openers that starts a JSON value. */
function dropInsideJsonValue(text: string, open: readonly Opener[], closed: Array<[number, number]>): void {
  const json = open.find((opener) => startsJsonValue(text, opener.position));
  if (json) closed.length = json.closedBefore;
}

const objectStart = /\{\s*["}]/y;
const arrayStart = /\[\s*(?:[[{"\]]|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\s*(?:[,\]]|$)|(?:true|false|null)\s*(?:[,\]]|$))/y;

/** Whether the bracket at `position` begins what reads as JSON: `{"`, `{}`, `[` and a value. */
function startsJsonValue(text: string, position: number): boolean {
  const pattern = text[position] === '{' ? objectStart : arrayStart;
  pattern.lastIndex = position;
  return pattern.test(text);
}
