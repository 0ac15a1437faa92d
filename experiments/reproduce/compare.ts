/**
 * Compares two results Markdown files the way a researcher checks a rerun: table by table, cell by cell,
 * with timings left out (they change with the machine's load, never with the code). What a change to the
 * code can move — a metric, a row, a header — is reported with the table's heading, the row's label and the
 * column's name; the prose around the tables is compared too, with its timings left out, and reported apart.
 */

/** One Markdown table: its heading (the nearest `#` line above it), header cells and rows of cells. */
export interface MarkdownTable {
  heading: string;
  /** 1-based line of the header row in its file. */
  line: number;
  header: string[];
  rows: string[][];
}

export interface ParsedResults {
  tables: MarkdownTable[];
  /** Lines outside tables, headings and the run header (`Command:`, `Date:`, `Machine:`) excluded, blank lines dropped. */
  text: { line: number; content: string }[];
}

export type Difference =
  | { kind: 'cell'; heading: string; row: string; column: string; committed: string; fresh: string }
  | { kind: 'row-added' | 'row-removed'; heading: string; row: string }
  | { kind: 'table-added' | 'table-removed'; heading: string; header: string }
  | { kind: 'text'; committed: string | undefined; fresh: string | undefined };

/** Splits a table row at its unescaped pipes (`markdownTable` writes a literal pipe as `\|`). */
function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '');
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

const isTableLine = (line: string) => /^\s*\|.*\|\s*$/.test(line);
const isDelimiter = (line: string) => /^\s*\|(\s*:?-{3,}:?\s*\|)+\s*$/.test(line);
const runHeaderLine = /^(Command|Commands|Date|Machine|Finished|Started)\b[^:]*:/;

/** The tables and prose of a results Markdown file. */
export function parseResults(markdown: string): ParsedResults {
  const lines = markdown.split(/\r?\n/);
  const tables: MarkdownTable[] = [];
  const text: ParsedResults['text'] = [];
  let heading = '(top)';
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (/^#{1,6}\s/.test(line)) {
      heading = line.replace(/^#+\s*/, '').trim();
      continue;
    }
    if (isTableLine(line) && isDelimiter(lines[index + 1] ?? '')) {
      const table: MarkdownTable = { heading, line: index + 1, header: cells(line), rows: [] };
      index += 2;
      while (index < lines.length && isTableLine(lines[index] ?? '')) table.rows.push(cells(lines[index++] ?? ''));
      index--;
      tables.push(table);
      continue;
    }
    const content = line.trim();
    if (content === '' || runHeaderLine.test(content)) continue;
    text.push({ line: index + 1, content });
  }
  return { tables, text };
}

/**
 * A column that holds a timing or a speed: its values follow the machine, not the code ("seconds",
 * "ms / request", "examples/s", "wall", "load").
 */
export function isTimingColumn(header: string): boolean {
  return /\b(ms|µs|us|s|sec|secs|seconds?|minutes?|min|time|wall|elapsed|duration|latency|throughput|load|date|p50|p95|p99)\b|\/\s*s\b|per second|\bper s\b|req\/s|\brps\b/i.test(header);
}

/**
 * Text with its timings and speeds replaced by a placeholder: "3.5 ms/user", "in 23.4 s", "1,234 examples/s",
 * "11 min", "(load 0.9 to 1.8)", ISO dates, and JSON members named for a time or speed (`"secondsToBest":52.7`,
 * `"examplesPerSecond":3195.5`, `"elapsedMs":12`, as a run's chosen settings are written into a table cell).
 * What is left is what the code decides.
 */
export function withoutTimings(text: string): string {
  return text
    .replace(/"(\w*(?:[Ss]econd|Ms\b|[Mm]illis|[Tt]ime|[Ee]lapsed|[Dd]uration|[Ww]all)\w*)"\s*:\s*-?\d+(\.\d+)?([eE][-+]?\d+)?/g, '"$1":<time>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?/g, '<date>')
    .replace(/\bload (average )?[\d.]+( to [\d.]+)?/gi, 'load <n>')
    .replace(/[\d][\d,]*(\.\d+)?\s*(ms|µs|us|s|sec|secs|seconds?|min|mins|minutes?|h|hours?)\b(\s*(\/|per)\s*[\w-]+)?/gi, '<time>')
    .replace(/[\d][\d,]*(\.\d+)?\s*(\/\s*s|per second|[\w-]+\/s)\b/gi, '<rate>');
}

/** Labels made unique by their occurrence count where one repeats ("42", "42 (#2)"). */
function numbered(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const count = (seen.get(label) ?? 0) + 1;
    seen.set(label, count);
    return count === 1 ? label : `${label} (#${count})`;
  });
}

/** Rows keyed by their first cell. */
const rowKeys = (table: MarkdownTable) => numbered(table.rows.map((row) => row[0] ?? ''));
/** Tables keyed by heading and header, in order (the n-th table of a heading with the same header). */
const tableKeys = (tables: readonly MarkdownTable[]) => numbered(tables.map((table) => `${table.heading}\u0000${table.header.join('|')}`));

/**
 * What differs between a committed results file and a fresh run of its command, timings aside. Tables are
 * matched by heading and header, rows by their first cell, cells by column name; a table whose header changed is
 * reported as one removed and one added. Timing columns are skipped; any other cell is compared with its timings
 * replaced (a note such as "top 20 → 5; 3.5 ms/user" still compares its words).
 */
export function compareResults(committedMarkdown: string, freshMarkdown: string): Difference[] {
  const committed = parseResults(committedMarkdown);
  const fresh = parseResults(freshMarkdown);
  const differences: Difference[] = [];
  const committedKeys = tableKeys(committed.tables);
  const freshKeys = tableKeys(fresh.tables);
  const freshByKey = new Map(freshKeys.map((key, index) => [key, fresh.tables[index]!]));
  const committedKeySet = new Set(committedKeys);
  committed.tables.forEach((table, index) => {
    const other = freshByKey.get(committedKeys[index]!);
    if (other === undefined) {
      differences.push({ kind: 'table-removed', heading: table.heading, header: table.header.join(' | ') });
      return;
    }
    const keys = rowKeys(table);
    const otherKeys = rowKeys(other);
    const otherRows = new Map(otherKeys.map((key, row) => [key, other.rows[row]!]));
    keys.forEach((key, row) => {
      const otherRow = otherRows.get(key);
      if (otherRow === undefined) {
        differences.push({ kind: 'row-removed', heading: table.heading, row: key });
        return;
      }
      table.header.forEach((column, columnIndex) => {
        if (columnIndex === 0 || isTimingColumn(column)) return;
        const a = table.rows[row]![columnIndex] ?? '';
        const b = otherRow[columnIndex] ?? '';
        if (a !== b && withoutTimings(a) !== withoutTimings(b)) differences.push({ kind: 'cell', heading: table.heading, row: key, column, committed: a, fresh: b });
      });
    });
    const keySet = new Set(keys);
    for (const key of otherKeys) if (!keySet.has(key)) differences.push({ kind: 'row-added', heading: other.heading, row: key });
  });
  fresh.tables.forEach((table, index) => {
    if (!committedKeySet.has(freshKeys[index]!)) differences.push({ kind: 'table-added', heading: table.heading, header: table.header.join(' | ') });
  });
  differences.push(...compareText(committed.text.map((entry) => entry.content), fresh.text.map((entry) => entry.content)));
  return differences;
}

/** Prose lines that differ once timings are left out, paired in order by a longest common subsequence. */
function compareText(committed: readonly string[], fresh: readonly string[]): Difference[] {
  const a = committed.map(withoutTimings);
  const b = fresh.map(withoutTimings);
  const lengths: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lengths[i]![j] = a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
  }
  const differences: Difference[] = [];
  let i = 0;
  let j = 0;
  const removed: string[] = [];
  const added: string[] = [];
  const flush = () => {
    const pairs = Math.max(removed.length, added.length);
    for (let k = 0; k < pairs; k++) differences.push({ kind: 'text', committed: removed[k], fresh: added[k] });
    removed.length = 0;
    added.length = 0;
  };
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      flush();
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) {
      removed.push(committed[i++]!);
    } else {
      added.push(fresh[j++]!);
    }
  }
  flush();
  return differences;
}

/** One line per difference, for a terminal. */
export function describeDifference(difference: Difference): string {
  switch (difference.kind) {
    case 'cell':
      return `${difference.heading} › ${difference.row} › ${difference.column}: ${difference.committed} → ${difference.fresh}`;
    case 'row-added':
      return `${difference.heading}: new row "${difference.row}"`;
    case 'row-removed':
      return `${difference.heading}: row "${difference.row}" is gone`;
    case 'table-added':
      return `${difference.heading}: new table (${difference.header})`;
    case 'table-removed':
      return `${difference.heading}: table (${difference.header}) is gone`;
    case 'text':
      return `text: ${difference.committed ?? '(none)'}\n   → ${difference.fresh ?? '(none)'}`;
  }
}
