import { emptyProfile } from '@personalab/core';
import { describe, expect, it } from 'vitest';
import { applyObservations } from '../merge/apply-observations.js';
import type { ProfileObservation } from '../merge/observation.js';
import { normalizeUtterance } from '../text/normalize.js';
import { eventVerdicts, verdictOf } from './event-verdicts.js';
import { mineStatements } from './statement-miner.js';

/** The tastes of a message, as "polarity subject" (tense and implied earlier states included). */
const tastes = (message: string) =>
  mineStatements(message).flatMap((statement) => (statement.kind === 'preference' ? [`${statement.tense === 'past' ? 'past ' : ''}${statement.implied ? '(implied) ' : ''}${statement.polarity} ${statement.subject}`] : []));

// Sentences in the style of long chat messages (PersonaMem's user turns): an experience told, then judged.
describe('verdicts on what the speaker did', () => {
  it('reads the verdict after the event in the same sentence as a taste for the thing done', () => {
    expect(tastes('User: I once tried geocaching during my travels, but I found the whole hunt to be overly distracting and not enjoyable at all.')).toEqual(['dislike geocaching']);
    expect(tastes("Though, I did attend a workshop on contract understanding recently, and it wasn't my favorite.")).toEqual(['dislike a workshop on contract understanding']);
    expect(tastes("Patient: For instance, when I tried meditation, I realized it didn't resonate with me as much as I had hoped.")).toEqual(['dislike meditation']);
    expect(tastes('I also networked with legal professionals recently, but it felt quite awkward, especially when I realized that I was struggling to make meaningful connections.')).toEqual(['dislike legal professionals']);
    expect(tastes('I actually attended a speed dating event recently, and it was so engaging and fun!')).toEqual(['like a speed dating event']);
    expect(tastes('I attended an interdisciplinary workshop that explored the convergence of music, technology, and education, and it was incredible.')).toEqual(['like an interdisciplinary workshop that explored the convergence of music']);
    expect(tastes("I even tried breathing exercises, but I didn't find them beneficial or enjoyable at all.")).toEqual(['dislike breathing exercises']);
    expect(tastes('Plus, I attended a salsa dancing class recently, but I felt so uncomfortable with the atmosphere, which was quite surprising to me.')).toEqual(['dislike a salsa dancing class']);
    expect(tastes('I enrolled in cooking classes for therapeutic cooking, but I ended up developing frustration with the rigid structure.')).toEqual(['dislike cooking classes for therapeutic cooking']);
  });

  it('reads "it was ..." in the next sentence as the verdict on the event before it', () => {
    expect(tastes('Later, I attended a creative writing workshop to enhance my lyrical skills for music. It was an enriching experience that pushed me to explore different styles of writing.')).toEqual(['like a creative writing workshop']);
    expect(tastes('I tried a pottery class last week. It was challenging but rewarding.')).toEqual(['like a pottery class']);
    // Praise taken back in the same breath is no like; a shortfall is a dislike.
    expect(
      tastes(
        "Just last month, I attended a virtual pop-up shop, but I left feeling it lacked the personal touch of in-person experiences. It was interesting to explore the different vendors from the comfort of my own home, but I couldn't help but feel that something vital was missing.",
      ),
    ).toEqual(['dislike a virtual pop-up shop']);
    // Only the next sentence: a verdict two sentences on may be about anything.
    expect(tastes('I tried a pottery class last week. The teacher had studied in Kyoto. It was wonderful.')).toEqual([]);
  });

  it('reads an activity named by a gerund as the subject of a verdict', () => {
    expect(tastes('Patient: Joining a dance therapy session was truly transformative for me, as I realized how movement can serve as a powerful expression of identity.')).toEqual(['like a dance therapy session']);
    expect(tastes('Engaging in mindfulness exercises has really helped me to create a space where I can focus more intensely on my music projects.')).toEqual(['like mindfulness exercises']);
    expect(tastes('Building a family tree was more of a chore than an enjoyable project.')).toEqual(['dislike building a family tree']);
  });

  it('leaves hypotheticals, questions, other people, expectations and undecided sentences alone', () => {
    expect(tastes('If I tried geocaching and found it boring, I would stop.')).toEqual([]);
    expect(tastes('Have you tried geocaching and found it fun?')).toEqual([]);
    expect(tastes('My friend tried salsa and found it boring.')).toEqual([]);
    expect(tastes('I attended a cultural festival with my family that celebrated our Pacific Islander roots.')).toEqual([]);
    // The first impression is not the verdict: only the frustration counts.
    expect(tastes('I did try a new price comparison tool for music gear, but I ended up frustrated with its functionality. It seemed like a good idea at first, a way to streamline my shopping.')).toEqual([
      'dislike a new price comparison tool for music gear',
    ]);
  });

  it('gives the verdict of a clause and the event of a sentence', () => {
    expect(verdictOf('but honestly, i found it cliché and unrelatable')).toBe('dislike');
    expect(verdictOf('and it was not as enjoyable as i thought it would be')).toBe('dislike');
    expect(verdictOf('and it has truly transformed the way i approach my artistic process')).toBe('like');
    expect(verdictOf('and the weather was nice')).toBeUndefined();
    const sentence = normalizeUtterance('I went to a courtroom recently to observe the proceedings').replace(/[.!?]+$/, '');
    expect(eventVerdicts(sentence)).toEqual({ verdicts: [], event: 'a courtroom' });
  });
});

describe('decisions and stated passions', () => {
  it('reads giving something up as a dislike that was a like', () => {
    expect(tastes('But I made the tough decision to stop participating in dance therapy sessions.')).toEqual(['past (implied) like dance therapy sessions', 'dislike dance therapy sessions']);
    expect(tastes("Yet, amidst this creative endeavor, I've also stopped listening to audiobooks during my work hours.")).toEqual([
      'past (implied) like listening to audiobooks during my work hours',
      'dislike listening to audiobooks during my work hours',
    ]);
    expect(tastes('I have decided to opt out of reading challenges and focus more on leisurely reading instead.')).toEqual(['past (implied) like reading challenges', 'dislike reading challenges']);
    expect(tastes("I've redirected my focus to music composition instead, where I feel my voice is more appreciated.")).toEqual(['past (implied) neutral music composition', 'like music composition']);
    // A forced stop, or leaving a school, is no taste.
    expect(tastes('I had to stop playing football after my knee injury.')).toEqual([]);
    expect(tastes('I dropped out of college.')).toEqual([]);
  });

  it('reads "my love for x" and "my passion for x" inside a longer sentence', () => {
    expect(tastes("It's become an exciting outlet for me, allowing me to combine my passion for travel with my love for music.")).toEqual(['like travel', 'like music']);
    expect(tastes("I've even started a collection of graphic novels with musical themes, which combines my love for art and music perfectly.")).toEqual(['like art', 'like music']);
    expect(tastes('It allows me to merge my passion for music with a meaningful service to the community.')).toEqual(['like music']);
    expect(tastes('I had lost my passion for painting years ago.')).toEqual([]);
  });

  it('reads "i would rather", "leaning towards" and "did not enjoy"', () => {
    expect(tastes("Ultimately, I decided I'd much rather switch to written formats instead, feeling that this way I could truly capture the nuances of their tales.")).toEqual(['like written formats']);
    expect(tastes("That's why I am now leaning towards simpler family gatherings.")).toEqual(['like simpler family gatherings']);
    expect(tastes("I tried playing board games with family and realized that I didn't enjoy the competitiveness of most games.")).toEqual(['dislike the competitiveness of most games']);
    expect(tastes('I would rather not talk about it.')).toEqual([]);
  });

  it('gives the merge one taste whose change of mind it can record', () => {
    const messages = ['Joining a dance therapy session was truly transformative for me.', 'But I made the tough decision to stop participating in dance therapy sessions.'];
    const observations: ProfileObservation[] = messages.flatMap((content, index) =>
      mineStatements(content).flatMap((statement) =>
        statement.kind === 'preference'
          ? [{ kind: 'preference' as const, subject: statement.subject, polarity: statement.polarity, strength: statement.strength, tense: statement.tense, ...(statement.implied ? { implied: true } : {}), evidence: [{ messageId: `m${index}` }], timestamp: index + 1 }]
          : [],
      ),
    );
    const { preferences } = applyObservations(emptyProfile('u1', 0), observations);
    expect(preferences).toHaveLength(1);
    expect(preferences[0]).toMatchObject({ polarity: 'dislike', history: [{ polarity: 'like', from: 1, to: 2 }] });
  });
});
