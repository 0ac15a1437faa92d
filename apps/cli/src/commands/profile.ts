import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { PersonalabError, blockingFile, getConfig, idSchema, writeFileAtomic } from '@personalab/core';
import { createChatModelFromConfig } from '@personalab/llm';
import { HeuristicProfileExtractor, LlmProfileExtractor, readConversationFile, readProfileFile, type Conversation, type LlmExtractionStats } from '@personalab/profile';
import { integerOption, positive } from '../integer-option.js';

interface ExtractCommandOptions {
  input: string;
  userId?: string;
  previous?: string;
  extractor: 'auto' | 'heuristic' | 'llm';
  prompt: string;
  chunkTokens: number;
  compact?: boolean;
  output?: string;
}

/** Refuses an `--output` that cannot be written before any work: a folder, or a path under a file. */
function checkOutput(output: string, input: string): void {
  if (output === '') throw new PersonalabError('invalid_argument', '--output needs a file name');
  if (resolve(output) === resolve(input)) throw new PersonalabError('invalid_argument', `--output ${output} is the --input file: the profile would replace the conversation`);
  let isFolder = false;
  try {
    isFolder = statSync(output).isDirectory();
  } catch {
    // Not there yet: written new.
  }
  if (isFolder) throw new PersonalabError('invalid_argument', `--output ${output} is a folder: name the profile file`);
  const blocking = blockingFile(dirname(output));
  if (blocking !== undefined) throw new PersonalabError('invalid_argument', `--output ${output}: ${blocking} is a file, not a folder`);
}

/** Writes the profile whole or not at all: a failed write leaves the file as it was (the previous profile, when it is that). */
function writeOutput(output: string, text: string): void {
  try {
    writeFileAtomic(output, text);
  } catch (error) {
    throw new PersonalabError('storage_error', `cannot write ${output}: ${(error as Error).message}`, { cause: error });
  }
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

/**
 * The LLM extractor's error for the chunk that failed, naming the chunk and its user messages: the upstream error alone
 * ("LLM endpoint … sent a body that is not JSON") said nothing of where in the history it happened.
 */
export function namingFailedChunk(error: unknown, stats: LlmExtractionStats): unknown {
  const failed = stats.failedChunks?.at(-1);
  if (!PersonalabError.is(error) || failed === undefined || failed.message !== error.message) return error;
  const ids = failed.messageIds.length > 4 ? `${failed.messageIds.slice(0, 3).join(', ')}, … ${failed.messageIds.at(-1) ?? ''} (${failed.messageIds.length})` : failed.messageIds.join(', ');
  return new PersonalabError(error.code, `chunk ${failed.index + 1} (user messages ${ids}) failed, so no profile was written: ${error.message}`, {
    cause: error,
    details: error.details,
    isRetryable: error.isRetryable,
  });
}

const counted = (count: number, word: string, words = `${word}s`) => `${count.toLocaleString('en-US')} ${count === 1 ? word : words}`;

/**
 * The stderr lines about what the input file held that was not read as it stood, once per file: "chat.json: skipped 2
 * tool/function messages, 1 assistant tool call without text, 3 non-text content parts", "chat.json: 4 timestamps below 1e11 read as Unix
 * seconds". None for a file read whole.
 */
export function inputNotes(file: string, conversation: Conversation): string[] {
  const { toolMessages, toolCallMessages, developerMessages, systemMessages, hiddenMessages, emptyMessages, nonTextParts } = conversation.skipped;
  const skipped = [
    toolMessages > 0 ? counted(toolMessages, 'tool/function message') : '',
    toolCallMessages > 0 ? counted(toolCallMessages, 'assistant tool call without text', 'assistant tool calls without text') : '',
    developerMessages > 0 ? counted(developerMessages, 'developer message') : '',
    systemMessages > 0 ? counted(systemMessages, 'system message') : '',
    hiddenMessages > 0 ? counted(hiddenMessages, 'hidden message') : '',
    emptyMessages > 0 ? counted(emptyMessages, 'message without text', 'messages without text') : '',
    nonTextParts > 0 ? counted(nonTextParts, 'non-text content part') : '',
  ].filter((part) => part !== '');
  const seconds = conversation.secondsTimestamps;
  return [
    ...(skipped.length > 0 ? [`${file}: skipped ${skipped.join(', ')}`] : []),
    ...(seconds > 0 ? [`${file}: ${counted(seconds, 'timestamp')} below 1e11 read as Unix seconds (converted to milliseconds)`] : []),
  ];
}

/** `personalab profile extract --input FILE`: prints the implicit profile as JSON (or writes it with `--output FILE`). */
export function registerProfileCommand(program: Command): void {
  const profile = program.command('profile').description('implicit user profiles: facts, preferences (with change history), goals, style, Big Five');
  profile
    .command('extract')
    .summary('extract a profile from a conversation file, as JSON')
    .description(
      'extract a profile from a conversation file and print it as JSON (.json messages or session, .jsonl / .ndjson, or any other file: JSON or JSON Lines by its content, a Persona-Chat dialogue, or text: one message per line, optionally opening with user:, assistant: or system:). ' +
        'OpenAI-style logs are read: tool/function and developer messages and assistant tool calls without text are skipped, content parts keep their text (joined by newlines), a message without text is skipped (each counted on stderr). ' +
        'A ChatGPT data export\'s conversations.json (an array of conversations with mapping and current_node, any extension) is read too: each conversation\'s kept branch (the one ending at current_node; abandoned edits and regenerations left out), all in time order, ids and create_time kept; system, tool and hidden messages, assistant calls to tools and image parts are skipped (counted on stderr). ' +
        'A timestamp is Unix milliseconds, a number below 1e11 Unix seconds (converted, said on stderr), or an ISO 8601 date-time with Z or an offset',
    )
    .requiredOption('--input <file>', 'required: conversation file (messages, a session, a transcript, or a ChatGPT export\'s conversations.json)')
    .option('--user-id <id>', 'whose profile: picks that user\'s messages when the file holds several users (default: the previous profile\'s user, else the file\'s one user, else "user")')
    .option('--previous <file>', 'a profile JSON to update incrementally with the messages since (a message id it cites, or a user message dated before it, is refused; new messages get ids and times after those)')
    .option('--extractor <name>', 'auto (LLM when OPENAI_BASE_URL/OPENAI_API_KEY is set, else heuristic) | heuristic | llm', 'auto')
    .option('--prompt <name>', 'LLM prompt file under packages/profile/prompts', 'extract-v1')
    .addOption(integerOption('--chunk-tokens <n>', 'LLM: estimated conversation tokens per request', positive, 3000))
    .option('--output <file>', 'write the profile to this file instead of stdout, replacing it only once the extraction succeeded (it may be the --previous file)')
    .option('--compact', 'print JSON on one line')
    .action(async (options: ExtractCommandOptions, command: Command) => {
      if (!['auto', 'heuristic', 'llm'].includes(options.extractor)) throw new PersonalabError('invalid_argument', `--extractor must be auto, heuristic or llm (got ${options.extractor})`);
      const model = options.extractor === 'heuristic' ? undefined : createChatModelFromConfig(getConfig());
      if (options.extractor === 'llm' && !model) throw new PersonalabError('config_error', '--extractor llm needs an endpoint: set OPENAI_BASE_URL (and OPENAI_API_KEY, PERSONALAB_CHAT_MODEL)');
      for (const [flag, name] of [['--prompt', 'prompt'], ['--chunk-tokens', 'chunkTokens']] as const) {
        if (!model && command.getOptionValueSource(name) === 'cli') throw new PersonalabError('invalid_argument', `${flag} applies to the LLM extractor only, and the heuristic one runs (--extractor ${options.extractor}${options.extractor === 'auto' ? ', no endpoint configured' : ''})`);
      }
      if (options.userId !== undefined && !idSchema.safeParse(options.userId).success) throw new PersonalabError('invalid_argument', `--user-id must be 1 to 256 characters (got ${JSON.stringify(options.userId.slice(0, 40))}${options.userId.length > 40 ? '…' : ''})`);
      if (options.output !== undefined) checkOutput(options.output, options.input);
      const previous = options.previous ? readProfileFile(options.previous) : undefined;
      if (previous && options.userId !== undefined && options.userId !== previous.userId) {
        throw new PersonalabError('invalid_argument', `--user-id ${options.userId} disagrees with the previous profile's user ${previous.userId} (${options.previous})`);
      }
      // Messages without times come after the previous profile, so they update it rather than predate it.
      const wanted = options.userId ?? previous?.userId;
      const conversation = readConversationFile(options.input, { ...(previous ? { previous } : {}), ...(wanted === undefined ? {} : { userId: wanted }) });
      for (const note of inputNotes(options.input, conversation)) process.stderr.write(`${note}\n`);
      const extractor = model ? new LlmProfileExtractor({ model, prompt: options.prompt, chunkTokenBudget: options.chunkTokens }) : new HeuristicProfileExtractor();
      const userId = options.userId ?? previous?.userId ?? conversation.userId ?? 'user';
      const messages = conversation.messages.map((message) => (message.role === 'user' && message.userId === undefined ? { ...message, userId } : message));
      let result;
      try {
        result = await extractor.extract(messages, previous ? { previous } : { userId });
      } catch (error) {
        throw extractor instanceof LlmProfileExtractor ? namingFailedChunk(error, extractor.lastStats) : error;
      }
      const userMessages = messages.filter((message) => message.role === 'user').length;
      process.stderr.write(`extractor: ${extractor.name}; ${userMessages} user message${userMessages === 1 ? '' : 's'}${extractor instanceof LlmProfileExtractor ? droppedNote(extractor.lastStats) : ''}\n`);
      const json = `${JSON.stringify(result, null, options.compact ? undefined : 2)}\n`;
      if (options.output === undefined) process.stdout.write(json);
      else writeOutput(options.output, json);
    });
}
