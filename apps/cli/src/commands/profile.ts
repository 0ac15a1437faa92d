import type { Command } from 'commander';
import { PersonalabError, getConfig } from '@personalab/core';
import { createChatModelFromConfig } from '@personalab/llm';
import { HeuristicProfileExtractor, LlmProfileExtractor, readConversationFile, readProfileFile } from '@personalab/profile';

interface ExtractCommandOptions {
  input: string;
  userId?: string;
  previous?: string;
  extractor: 'auto' | 'heuristic' | 'llm';
  prompt: string;
  chunkTokens: number;
  compact?: boolean;
}

/** `personalab profile extract --input FILE`: prints the implicit profile as JSON. */
export function registerProfileCommand(program: Command): void {
  const profile = program.command('profile').description('implicit user profiles: facts, preferences (with change history), goals, style, Big Five');
  profile
    .command('extract')
    .description('extract a profile from a conversation file and print it as JSON (.json messages or session, .jsonl, or text: one message per line, optionally opening with user:, assistant: or system:)')
    .requiredOption('--input <file>', 'conversation file')
    .option('--user-id <id>', 'user id for the profile (default: from the file, else "user")')
    .option('--previous <file>', 'a profile JSON to update incrementally')
    .option('--extractor <name>', 'auto (LLM when OPENAI_BASE_URL/OPENAI_API_KEY is set, else heuristic) | heuristic | llm', 'auto')
    .option('--prompt <name>', 'LLM prompt file under packages/profile/prompts', 'extract-v1')
    .option('--chunk-tokens <n>', 'LLM: estimated conversation tokens per request', (value) => Number.parseInt(value, 10), 3000)
    .option('--compact', 'print JSON on one line')
    .action(async (options: ExtractCommandOptions) => {
      if (!['auto', 'heuristic', 'llm'].includes(options.extractor)) throw new PersonalabError('invalid_argument', `--extractor must be auto, heuristic or llm (got ${options.extractor})`);
      const previous = options.previous ? readProfileFile(options.previous) : undefined;
      // Messages without times come after the previous profile, so they update it rather than predate it.
      const conversation = readConversationFile(options.input, { startTime: previous ? previous.updatedAt + 1000 : 0 });
      const model = options.extractor === 'heuristic' ? undefined : createChatModelFromConfig(getConfig());
      if (options.extractor === 'llm' && !model) throw new PersonalabError('config_error', '--extractor llm needs an endpoint: set OPENAI_BASE_URL (and OPENAI_API_KEY, PERSONALAB_CHAT_MODEL)');
      const extractor = model ? new LlmProfileExtractor({ model, prompt: options.prompt, chunkTokenBudget: options.chunkTokens }) : new HeuristicProfileExtractor();
      const userId = options.userId ?? previous?.userId ?? conversation.userId ?? 'user';
      const messages = conversation.messages.map((message) => (message.role === 'user' && message.userId === undefined ? { ...message, userId } : message));
      const result = await extractor.extract(messages, previous ? { previous } : { userId });
      process.stderr.write(`extractor: ${extractor.name}; ${messages.filter((message) => message.role === 'user').length} user messages\n`);
      process.stdout.write(`${JSON.stringify(result, null, options.compact ? undefined : 2)}\n`);
    });
}
