import { describe, expect, it } from 'vitest';
import { answerStatement } from './answer-statements.js';

describe('answerStatement', () => {
  it('completes a bare answer with the words of the partner\'s question', () => {
    expect(answerStatement('cheese pizza . what about you ?', "what's your favorite food?")).toMatchObject({ kind: 'preference', subject: 'cheese pizza', category: 'food', strength: 1 });
    expect(answerStatement('probably blue , you ?', 'nice ! what is your favorite color ?')).toMatchObject({ subject: 'blue', category: 'color' });
    expect(answerStatement('hiking and reading', 'cool . what do you like to do for fun ?')).toMatchObject({ kind: 'preference', subject: 'hiking and reading', polarity: 'like' });
    expect(answerStatement('a nurse . you ?', 'hi ! what do you do for a living ?')).toMatchObject({ kind: 'fact', key: 'occupation', value: 'i am a nurse' });
    expect(answerStatement('ohio , you ?', 'where are you from ?')).toMatchObject({ kind: 'fact', key: 'location', value: 'i am from ohio' });
    expect(answerStatement('in denver', 'where do you live ?')).toMatchObject({ value: 'i live in denver' });
    expect(answerStatement('34 . you ?', 'how old are you ?')).toMatchObject({ key: 'age', value: 'i am 34 years old' });
  });

  it('reads "i love it" or "yes i do" after "do you like x ?" as a taste for x', () => {
    expect(answerStatement('i love it !', 'do you like country music ?')).toMatchObject({ kind: 'preference', subject: 'country music', polarity: 'like', strength: 0.9 });
    expect(answerStatement('yes i do . what about you ?', 'cool . do you like to ski ?')).toMatchObject({ subject: 'ski', polarity: 'like', strength: 0.7 });
    expect(answerStatement('no , not really', 'do you like jazz ?')).toMatchObject({ subject: 'jazz', polarity: 'dislike', strength: 0.6 });
    expect(answerStatement('no , i hate it', 'do you like golf ?')).toMatchObject({ subject: 'golf', polarity: 'dislike', strength: 0.9 });
    // "i do" is not the start of "i do not": these had been read as likes.
    expect(answerStatement("No, I don't.", 'Do you like sushi?')).toMatchObject({ subject: 'sushi', polarity: 'dislike' });
    expect(answerStatement("I don't really listen to music.", 'Do you like jazz?')).toMatchObject({ subject: 'jazz', polarity: 'dislike' });
    expect(answerStatement('i do not like it', 'do you like opera ?')).toMatchObject({ subject: 'opera', polarity: 'dislike' });
    expect(answerStatement('yes, i do!', 'do you like opera ?')).toMatchObject({ subject: 'opera', polarity: 'like' });
    // A bare "no" may mean "never tried"; "it" and "your job" name nothing of the speaker's.
    expect(answerStatement('no i have never tried', 'do you like to ski ?')).toBeUndefined();
    expect(answerStatement('yes', 'do you like it ?')).toBeUndefined();
    expect(answerStatement('i love them', 'do you like your job ?')).toBeUndefined();
    expect(answerStatement('i love it', 'i just got a new puppy .')).toBeUndefined();
  });

  it('answers only the partner\'s last question', () => {
    expect(answerStatement('a teacher', "what's your favorite color ? and what do you do ?")).toMatchObject({ value: 'i am a teacher' });
  });

  it('leaves refusals, small talk, full sentences and unasked replies alone', () => {
    expect(answerStatement('i do not have one', 'what is your favorite color ?')).toBeUndefined();
    expect(answerStatement('oh that is a hard one', 'what is your favorite band ?')).toBeUndefined();
    expect(answerStatement('lol nothing much', 'what do you do for fun ?')).toBeUndefined();
    expect(answerStatement('not much , just watching tv', 'what do you do ?')).toBeUndefined();
    expect(answerStatement('good , thanks', 'how are you ?')).toBeUndefined();
    expect(answerStatement('same here', 'where are you from ?')).toBeUndefined();
    expect(answerStatement('i am a teacher', 'what do you do ?')).toBeUndefined();
    expect(answerStatement('old enough', 'how old are you ?')).toBeUndefined();
    expect(answerStatement('cheese pizza .', 'i had cheese pizza for lunch .')).toBeUndefined();
  });
});
