import type { Command } from 'commander';
import { PersonalabError, getConfig } from '@personalab/core';
import { createChatModelFromConfig } from '@personalab/llm';
import { HeuristicProfileExtractor, LlmProfileExtractor, readConversationFile, readProfileFile, type LlmExtractionStats } from '@personalab/profile';
import { integerOption, positive } from '../integer-option.js';

interface ExtractCommandOptions {
  input: string;
  userId?: string;
  previous?: string;
  extractor: 'auto' | 'heuristic' | 'llm';
  prompt: string;
  chunkTokens: number;
  compact?: boolean;
}

/**
 * What the LLM extractor could not use, for the stderr line: "; 2 of 5 chunks failed (skipped); 3 items dropped
 * (evidence missing, or not a user message of their chunk)", or nothing when it used everything.
 */
export function droppedNote(stats: LlmExtractionStats): string {
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const failed = stats.failedChunks?.length ?? 0;
  const dropped = stats.droppedItems ?? 0;
  return (
    (failed > 0 ? `; ${failed} of ${plural(stats.chunks, 'chunk')} failed (skipped)` : '') +
    (dropped > 0 ? `; ${plural(dropped, 'item')} dropped (evidence missing, or not a user message of their chunk)` : '')
  );
}

/** `personalab profile extract --input FILE`: prints the implicit profile as JSON. */
export function registerProfileCommand(program: Command): void {
  const profile = program.command('profile').description('implicit user profiles: facts, preferences (with change history), goals, style, Big Five');
  profile
    .command('extract')
    .description('extract a profile from a conversation file and print it as JSON (.json messages or session, .jsonl, or text: one message per line, optionally opening with user:, assistant: or system:)')
    .requiredOption('--input <file>', 'conversation file')
    .option('--user-id <id>', 'whose profile: picks that user\'s messages when the file holds several users (default: the previous profile\'s user, else the file\'s one user, else "user")')
    .option('--previous <file>', 'a profile JSON to update incrementally (new messages get ids after the ones it cites)')
    .option('--extractor <name>', 'auto (LLM when OPENAI_BASE_URL/OPENAI_API_KEY is set, else heuristic) | heuristic | llm', 'auto')
    .option('--prompt <name>', 'LLM prompt file under packages/profile/prompts', 'extract-v1')
    .addOption(integerOption('--chunk-tokens <n>', 'LLM: estimated conversation tokens per request', positive, 3000))
    .option('--compact', 'print JSON on one line')
    .action(async (options: ExtractCommandOptions, command: Command) => {
      if (!['auto', 'heuristic', 'llm'].includes(options.extractor)) throw new PersonalabError('invalid_argument', `--extractor must be auto, heuristic or llm (got ${options.extractor})`);
      const model = options.extractor === 'heuristic' ? undefined : createChatModelFromConfig(getConfig());
      if (options.extractor === 'llm' && !model) throw new PersonalabError('config_error', '--extractor llm needs an endpoint: set OPENAI_BASE_URL (and OPENAI_API_KEY, PERSONALAB_CHAT_MODEL)');
      for (const [flag, name] of [['--prompt', 'prompt'], ['--chunk-tokens', 'chunkTokens']] as const) {
        if (!model && command.getOptionValueSource(name) === 'cli') throw new PersonalabError('invalid_argument', `${flag} applies to the LLM extractor only, and the heuristic one runs (--extractor ${options.extractor}${options.extractor === 'auto' ? ', no endpoint configured' : ''})`);
      }
      const previous = options.previous ? readProfileFile(options.previous) : undefined;
      if (previous && options.userId !== undefined && options.userId !== previous.userId) {
        throw new PersonalabError('invalid_argument', `--user-id ${options.userId} disagrees with the previous profile's user ${previous.userId} (${options.previous})`);
      }
      // Messages without times come after the previous profile, so they update it rather than predate it.
      const wanted = options.userId ?? previous?.userId;
      const conversation = readConversationFile(options.input, { ...(previous ? { previous } : {}), ...(wanted === undefined ? {} : { userId: wanted }) });
      const extractor = model ? new LlmProfileExtractor({ model, prompt: options.prompt, chunkTokenBudget: options.chunkTokens }) : new HeuristicProfileExtractor();
      const userId = options.userId ?? previous?.userId ?? conversation.userId ?? 'user';
      const messages = conversation.messages.map((message) => (message.role === 'user' && message.userId === undefined ? { ...message, userId } : message));
      const result = await extractor.extract(messages, previous ? { previous } : { userId });
      const userMessages = messages.filter((message) => message.role === 'user').length;
      process.stderr.write(`extractor: ${extractor.name}; ${userMessages} user message${userMessages === 1 ? '' : 's'}${extractor instanceof LlmProfileExtractor ? droppedNote(extractor.lastStats) : ''}\n`);
      process.stdout.write(`${JSON.stringify(result, null, options.compact ? undefined : 2)}\n`);
    });
}
