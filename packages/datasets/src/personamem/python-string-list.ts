/**
 * An exact parser for Python list literals of string literals, such as `['a', "b's", 'it\'s']`,
 * as written by `str(list_of_str)` in PersonaMem's CSVs. No `eval`: a small hand-written scanner
 * that follows Python's rules for (non-raw, non-bytes) string literals: single or double quotes,
 * triple quotes, the standard escapes, adjacent literals concatenated, an optional trailing comma.
 * Anything else is rejected with the character offset of the problem.
 */
export class PythonLiteralError extends Error {
  override readonly name = 'PythonLiteralError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
  }
}

const simpleEscapes: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

export function parsePythonStringList(text: string): string[] {
  let position = 0;
  function fail(message: string): never {
    throw new PythonLiteralError(message, position);
  }
  const skipSpace = () => {
    while (position < text.length && /\s/.test(text[position] as string)) position++;
  };
  const hex = (length: number): number => {
    const digits = text.slice(position, position + length);
    if (digits.length !== length || !/^[0-9a-fA-F]+$/.test(digits)) fail(`expected ${length} hex digits in escape`);
    position += length;
    return Number.parseInt(digits, 16);
  };
  const readString = (): string => {
    const quote = text[position];
    if (quote !== "'" && quote !== '"') return fail('expected a string literal');
    const triple = text.startsWith(quote.repeat(3), position);
    const delimiter = triple ? quote.repeat(3) : quote;
    position += delimiter.length;
    let value = '';
    while (true) {
      if (position >= text.length) fail('unterminated string literal');
      if (text.startsWith(delimiter, position)) {
        position += delimiter.length;
        return value;
      }
      const character = text[position] as string;
      if (character === '\n' && !triple) fail('newline in a single-quoted string literal');
      if (character !== '\\') {
        value += character;
        position++;
        continue;
      }
      const next = text[position + 1];
      if (next === undefined) fail('unterminated escape');
      position += 2;
      if (next === '\n') continue; // backslash-newline joins lines
      const simple = simpleEscapes[next as string];
      if (simple !== undefined) value += simple;
      else if (next === 'x') value += String.fromCodePoint(hex(2));
      else if (next === 'u') value += String.fromCodePoint(hex(4));
      else if (next === 'U') {
        const code = hex(8);
        if (code > 0x10ffff) fail('escape beyond U+10FFFF');
        value += String.fromCodePoint(code);
      } else if (/[0-7]/.test(next as string)) {
        // up to three octal digits, the first already consumed
        let digits = next as string;
        while (digits.length < 3 && /[0-7]/.test(text[position] ?? '')) digits += text[position++];
        value += String.fromCodePoint(Number.parseInt(digits, 8));
      } else if (next === 'N') {
        fail('\\N{...} escapes are not supported');
      } else {
        // Python keeps unknown escapes verbatim, backslash included.
        value += `\\${next}`;
      }
    }
  };

  skipSpace();
  if (text[position] !== '[') fail('expected "["');
  position++;
  const values: string[] = [];
  skipSpace();
  while (text[position] !== ']') {
    if (position >= text.length) fail('unterminated list');
    let value = readString();
    skipSpace();
    // adjacent literals concatenate: 'a' "b" == 'ab'
    while (text[position] === "'" || text[position] === '"') {
      value += readString();
      skipSpace();
    }
    values.push(value);
    if (position >= text.length) fail('unterminated list');
    if (text[position] === ',') {
      position++;
      skipSpace();
    } else if (text[position] !== ']') fail('expected "," or "]"');
  }
  position++;
  skipSpace();
  if (position !== text.length) fail('unexpected text after the list');
  return values;
}
