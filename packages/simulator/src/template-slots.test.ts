import { describe, expect, it } from 'vitest';
import { nothingToSay } from './assistants/scripted-assistant.js';
import { fillTemplateSlots, replayScript } from './template-slots.js';
import { hasTemplateSlot } from './user-turn-corpus.js';

const fill = (text: string) => fillTemplateSlots(text, { speaker: 2, name: 'Alex' });

describe('fillTemplateSlots', () => {
  it("fills the speaker's own name slots and leaves out the one it speaks to", () => {
    expect(fill("Hi, I'm [User 2's name]. It's nice to meet you.")).toBe("Hi, I'm Alex. It's nice to meet you.");
    expect(fill('Hello, my name is [user 2 name].')).toBe('Hello, my name is Alex.');
    expect(fill('Hello! I am [username].')).toBe('Hello! I am Alex.');
    expect(fill("Hi [name], I'm [name].")).toBe("Hi, I'm Alex.");
    expect(fill("Hi, I'm (name), doing well, thank you!")).toBe("Hi, I'm Alex, doing well, thank you!");
    expect(fill('Hi! I am (user 2 name). I love to swim (a lot).')).toBe('Hi! I am Alex. I love to swim (a lot).');
    expect(fill("Nice to meet you, [user 1's name]! What do you do?")).toBe('Nice to meet you! What do you do?');
  });

  // A turn opening with the addressee's name had kept what followed it: ", how are you?", and "[user 1's name]!" was "!".
  it('leaves out an addressee slot opening a turn with the punctuation after it', () => {
    expect(fill("[user 1's name], how are you?")).toBe('How are you?');
    expect(fill('User 1! Nice to meet you.')).toBe('Nice to meet you.');
    expect(replayScript(["[user 1's name]!", 'What do you do?'], { speaker: 2, name: 'Alex' })).toEqual([nothingToSay, 'What do you do?']);
  });

  // SPC's "[your name]" is the one it speaks to unless it introduces itself: a partner had said "Hi Alex, I'm Alex."
  it('reads "[your name]" and "[their name]" by where they stand: the speaker introducing itself, else the one it speaks to', () => {
    expect(fill("Hi [your name], I'm [user 2's name].")).toBe("Hi, I'm Alex.");
    expect(fill("It's nice to meet you, [your name]. My name is [user 2's name].")).toBe("It's nice to meet you. My name is Alex.");
    expect(fill('Hi [your name], my name is [their name].')).toBe('Hi, my name is Alex.');
    expect(fill('Hi, my name is [your name].')).toBe('Hi, my name is Alex.');
  });

  // SPC also writes the names bare: "Hi User 1, I'm User 2." had been emptied whole (8 of the 23 emptied test turns).
  it('fills bare speaker labels as name slots', () => {
    expect(fill("Hi User 1, I'm User 2.")).toBe("Hi, I'm Alex.");
    expect(fill('Hey back, I\'m user 2.')).toBe("Hey back, I'm Alex.");
    expect(fill("It's nice to meet you too, User 1.")).toBe("It's nice to meet you too.");
    expect(fill("Hello User 1, I'm User 2 and I'm from Wisconsin.")).toBe("Hello, I'm Alex and I'm from Wisconsin.");
    expect(fill("Hi, I'm user2! Nice to meet you.")).toBe("Hi, I'm Alex! Nice to meet you.");
    // A stage direction naming both is no name slot: it goes whole.
    expect(fill("Let's go! [User 1 and User 2 swim and explore the ocean for hours and hours and hours.]")).toBe("Let's go!");
    // Nor one in parentheses (SPC valid): it had become "( and Alex spend some time …)".
    expect(fill('I hope so.\n(User 1 and user 2 spend some time talking and getting to know each other.)')).toBe('I hope so.');
  });

  // A turn of nothing but slotted sentences ("I'm from [place].") had been replayed as an empty assistant message, then
  // left out, which moved every later turn one answer earlier than the real user's answer to it.
  it('replays the turns as filled, a turn left empty as one that says nothing, each in its place', () => {
    expect(replayScript(["Hi, I'm [user 2's name].", "I'm from [place].", 'I love hiking, do you?'], { speaker: 2, name: 'Alex' })).toEqual(["Hi, I'm Alex.", nothingToSay, 'I love hiking, do you?']);
  });

  it('drops a sentence holding any other slot, and leaves a turn without slots as it is', () => {
    expect(fill("I live in [user 2's hometown]. Where are you from?")).toBe('Where are you from?');
    expect(fill('I love hiking, do you?')).toBe('I love hiking, do you?');
    expect(hasTemplateSlot(fill("Hi [User 1], I'm [User 2]! I grew up in [user 2 location]."))).toBe(false);
  });
});
