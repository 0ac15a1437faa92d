import { describe, expect, it } from 'vitest';
import { extractOptionLetters, finalAnswerText, scoreReply } from './scoring.js';

describe('official PersonaMem scoring', () => {
  it('takes the letters after the last <final_answer>', () => {
    expect(scoreReply('I think (a) fits, but <final_answer>(b)', '(b)').correct).toBe(true);
    expect(scoreReply('<final_answer>(a) no wait <final_answer>(c)</final_answer>', '(c)').correct).toBe(true);
    expect(finalAnswerText('x <final_answer> (d) </final_answer>')).toBe('(d)');
  });

  it('prefers letters in parentheses, else bare letters', () => {
    expect([...extractOptionLetters('(B) because of a')]).toEqual(['b']);
    expect([...extractOptionLetters('the answer is d')]).toEqual(['d']);
    expect(scoreReply('<final_answer> B', '(b)').correct).toBe(true);
  });

  it('is wrong when more than one letter is named, unless the whole reply names exactly the gold', () => {
    expect(scoreReply('<final_answer>(a) or (b)', '(a)').correct).toBe(false);
    // Nothing usable after the token: falls back to the whole reply, which names only (c).
    expect(scoreReply('Option (c) is best. <final_answer>', '(c)').correct).toBe(true);
    expect(scoreReply('Option (c) is best. <final_answer> (a)', '(c)').correct).toBe(false);
  });

  it('does not read letters inside words and treats other scripts as word characters like Python', () => {
    expect(extractOptionLetters('bad answer').size).toBe(0);
    expect(extractOptionLetters('é a').has('a')).toBe(true);
    expect(extractOptionLetters('éa').size).toBe(0);
  });

  it('reports the single predicted letter', () => {
    expect(scoreReply('<final_answer>(d)', '(a)')).toMatchObject({ correct: false, predicted: 'd' });
    expect(scoreReply('no idea', '(a)')).toMatchObject({ correct: false, predicted: undefined });
  });
});
