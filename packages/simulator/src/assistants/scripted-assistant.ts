import { PersonalabError, type Assistant, type DialogueTurn } from '@personalab/core';

/** What a replayed partner says where it has nothing to say: past the end of its script, or for a turn left empty. */
export const nothingToSay = 'Okay.';

/**
 * Replays fixed assistant turns per user: the n-th reply is the n-th scripted turn. Fidelity
 * experiments replay a persona's real conversation partner, so simulated and real user turns
 * answer the same messages; tests use it to script dialogues.
 */
export class ScriptedAssistant implements Assistant {
  readonly name: string;
  private readonly scripts: ReadonlyMap<string, readonly string[]>;

  constructor(scripts: ReadonlyMap<string, readonly string[]>, name = 'scripted') {
    this.scripts = scripts;
    this.name = name;
  }

  async reply(options: { userId: string; dialogue: readonly DialogueTurn[] }): Promise<{ content: string }> {
    const script = this.scripts.get(options.userId);
    if (!script) throw new PersonalabError('not_found', `no script for user ${options.userId}`);
    const index = options.dialogue.filter((turn) => turn.role === 'assistant').length;
    // Past the end of the script the partner has nothing more to say; keep the turn well formed.
    return { content: script[index] ?? nothingToSay };
  }
}
