import type { EfPoint } from './clustered.js';

export interface TextResult {
  json: unknown;
  markdown: string[];
  svgs: Record<string, string>;
  points?: EfPoint[];
}

/** Placeholder until the Persona-Chat loaders land; replaced below. */
export async function runText(options: { quick: boolean; efs: readonly number[]; log: (line: string) => void }): Promise<TextResult> {
  options.log('text part: not implemented yet');
  return { json: { skipped: 'loaders not available' }, markdown: ['## Text', '', 'Not run yet.', ''], svgs: {} };
}
