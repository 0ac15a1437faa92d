import type { ChatMessage } from '@personalab/core';

/** The instruction the official inference appends to every question, verbatim. */
export const officialInstruction =
  'Find the most appropriate model response and give your final answer (a), (b), (c), or (d) after the special token <final_answer>.';

/**
 * The options block of the prompt. The official script embeds the CSV's `all_options` string
 * verbatim (a JSON or Python list literal); without it we write the options one per line.
 */
export function formatOptions(options: readonly string[], optionsText?: string): string {
  return optionsText ?? options.join('\n');
}

/** The final user message: question, blank line, instruction, blank line, options. */
export function questionMessage(question: string, options: readonly string[], optionsText?: string): ChatMessage {
  return { role: 'user', content: `${question}\n\n${officialInstruction}\n\n${formatOptions(options, optionsText)}` };
}

/**
 * The messages sent to the model, as the official inference builds them: the context (already cut
 * at the end index) followed by one user message.
 */
export function buildPrompt(context: readonly ChatMessage[], question: string, options: readonly string[], optionsText?: string): ChatMessage[] {
  return [...context, questionMessage(question, options, optionsText)];
}

/**
 * For models without a system role (the official `convert_role_system_to_user`): each system
 * message becomes a "[System]: ..." prefix of the next message, and consecutive messages of the
 * same role are merged with a newline. A trailing system message with nothing after it is dropped,
 * as in the official code.
 */
export function foldSystemMessages(messages: readonly ChatMessage[]): ChatMessage[] {
  const folded: ChatMessage[] = [];
  let systemBuffer = '';
  for (const message of messages) {
    if (message.role === 'system') {
      systemBuffer += `[System]: ${message.content}\n`;
      continue;
    }
    let content = message.content;
    if (systemBuffer !== '') {
      content = systemBuffer + content;
      systemBuffer = '';
    }
    const last = folded[folded.length - 1];
    if (last !== undefined && last.role === message.role) last.content += `\n${content}`;
    else folded.push({ role: message.role, content });
  }
  return folded;
}
