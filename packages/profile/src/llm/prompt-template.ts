import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PersonalabError } from '@personalab/core';

/** A versioned prompt file: front matter, a `# System` part and a `# User` template. */
export interface PromptTemplate {
  /** The `id` from the front matter, e.g. `extract-v1`; recorded with results. */
  id: string;
  system: string;
  user: string;
  /** Variables the user template needs (`{{name}}`). */
  variables: string[];
}

/** Folder of the prompt files shipped with the package. */
export const promptDirectory = fileURLToPath(new URL('../../prompts/', import.meta.url));

/** Parses a prompt file's text; `source` names it in errors. */
export function parsePromptTemplate(text: string, source: string): PromptTemplate {
  const frontMatter = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (!frontMatter?.[1]) throw new PersonalabError('invalid_data', `${source}: missing front matter (--- id: ... ---)`, { details: { file: source } });
  const id = /^id:\s*(\S+)\s*$/m.exec(frontMatter[1])?.[1];
  if (!id) throw new PersonalabError('invalid_data', `${source}: front matter has no id`, { details: { file: source } });
  const body = text.slice(frontMatter[0].length);
  const parts = /^# System\s*\n([\s\S]*?)^# User\s*\n([\s\S]*)$/m.exec(body);
  if (!parts?.[1] || !parts[2]) throw new PersonalabError('invalid_data', `${source}: expected "# System" then "# User" sections`, { details: { file: source } });
  const user = parts[2].trim();
  const variables = [...new Set([...user.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1] as string))];
  return { id, system: parts[1].trim(), user, variables };
}

/** Loads `prompts/<name>.md` from the package (read at run time, so prompts change without code). */
export function loadPromptTemplate(name: string, directory = promptDirectory): PromptTemplate {
  const path = `${directory.replace(/\/$/, '')}/${name}.md`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PersonalabError('not_found', `prompt file ${path} not found`, { cause: error });
  }
  return parsePromptTemplate(text, path);
}

/** Fills `{{name}}` placeholders; every variable the template names must be given. */
export function renderPrompt(template: PromptTemplate, values: Record<string, string>): string {
  for (const variable of template.variables) {
    if (values[variable] === undefined) throw new PersonalabError('invalid_argument', `prompt ${template.id} needs {{${variable}}}`);
  }
  return template.user.replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? '');
}
