import { nothingToSay } from './assistants/scripted-assistant.js';
import { capitalised, sentences } from './text.js';
import { hasTemplateSlot } from './user-turn-corpus.js';

export interface FillTemplateSlotsOptions {
  /** The speaker's number in the dataset ("User 2"): its own name slots ("[user 2's name]") take `name`. */
  speaker: number;
  /** The name the speaker goes by. */
  name: string;
}

/**
 * A slot in brackets or parentheses, or a speaker's label written bare ("User 1", "user2", but not in a stage direction:
 * "[User 1 and User 2 swim …]", "(User 1 and user 2 spend …)"), with the comma or space before it, and the words it holds ("[User 2's name]", "(name)",
 * "(insert name)": "name").
 */
const slot = /(,?\s*)(?:\[(?:insert )?([^\]\n]{1,60})\]|\((?:insert )?([^()\n]{1,30})\)|(?<!\[[^\]\n]*|\([^)\n]*)\b(user ?\d)\b)/gi;

/**
 * A dataset turn with its unfilled template slots (Synthetic-Persona-Chat's "Hi, I'm [User 2's name].") filled as a
 * person would say it: the speaker's own name slot ("[user 2 name]", "[username]") and any name slot after "I'm" or "my
 * name is" ("[name]", "[your name]", "[their name]") take its name; a name slot elsewhere names the one it speaks to
 * ("Hi [name], I'm …", "[user 1's name]", "Hi User 1, …") and is left out with its comma; a sentence with any other
 * slot ("I live in [user 2's hometown].") is dropped. A replayed partner had greeted the
 * simulated user with "Hi, I'm [user 2's name].": 447 of the SPC test set's 13,042 partner turns hold a slot, none after
 * this (15 are left empty, a turn of nothing but such sentences: `replayScript` says `nothingToSay` for them).
 */
export function fillTemplateSlots(text: string, options: FillTemplateSlotsOptions): string {
  const own = new RegExp(`^(?:user ?${options.speaker}(?:'s)?(?: name)?|username)$`, 'i');
  // A name slot that names no speaker: whose it is depends on where it stands ("Hi [your name], my name is [their name].").
  const anyName = /^(?:user ?\d(?:'s)?(?: name)?|name|your name|their name)$/i;
  // An addressee's slot goes with the comma or space before it: "Hi [name], I'm Alex." → "Hi, I'm Alex."
  let opensWithAddressee = false;
  const replaced = text.replace(slot, (whole: string, lead: string, bracketed: string | undefined, parenthesised: string | undefined, bare: string | undefined, offset: number, all: string) => {
    const inside = bracketed ?? parenthesised ?? bare ?? '';
    const introduces = /\b(?:i'm|i am|my name is|this is|call me)$/i.test(all.slice(0, offset));
    if (own.test(inside) || (introduces && anyName.test(inside))) return `${lead}${options.name}`;
    if (!anyName.test(inside)) return whole;
    opensWithAddressee ||= all.slice(0, offset).trim() === '';
    return '';
  });
  // Opening the turn, it goes with the punctuation after it: "[name], how are you?" → "How are you?", "[name]!" → "".
  const addressed = opensWithAddressee ? capitalised(replaced.replace(/^[\s,;:.!?]+/, '')) : replaced;
  if (!hasTemplateSlot(addressed)) return addressed;
  return sentences(addressed)
    .filter((sentence) => !hasTemplateSlot(sentence))
    .join(' ');
}

/**
 * A dataset partner's turns as a replay script: each filled (`fillTemplateSlots`), and one left empty ("I'm from
 * [place].") said as a turn that says nothing (`nothingToSay`), so that no empty message reaches the simulated user (23
 * of SPC test's partner turns had been, 15 after bare labels were filled) and each later turn keeps its place: the
 * simulated user's n-th answer is to the partner turn the real user's n-th answer was to (left out, every turn after it
 * had been answered one answer early, and the last answer was to the end of the script).
 */
export function replayScript(texts: readonly string[], options: FillTemplateSlotsOptions): string[] {
  return texts.map((text) => fillTemplateSlots(text, options)).map((text) => (text.trim() === '' ? nothingToSay : text));
}
