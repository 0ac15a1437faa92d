import { describe, expect, it } from 'vitest';
import { capitalisedPairs, mineStatements, splitClauses, splitCoordinatedObjects } from './statement-miner.js';

const values = (text: string) =>
  mineStatements(text).map((statement) =>
    statement.kind === 'fact' ? `fact:${statement.key}:${statement.value}` : statement.kind === 'goal' ? `goal:${statement.description}` : `${statement.polarity}:${statement.strength}:${statement.subject}`,
  );

describe('mineStatements', () => {
  it('mines canonical first-person facts with keys from pre-tokenised text', () => {
    expect(values("hi ! i'm a nurse , i've two dogs .")).toEqual(['fact:occupation:i am a nurse', 'fact:pet:i have two dogs']);
    expect(values('i work as a mechanical engineer , i love my job')).toContain('fact:occupation:i work as a mechanical engineer');
    expect(values('I live in Ohio with my wife.')).toEqual(['fact:location:i live in ohio with my wife']);
    expect(values('my son is in junior high')).toEqual(['fact:family:my son is in junior high']);
    expect(values('i only eat kosher foods')).toEqual(['fact:food:i only eat kosher foods']);
    expect(values('I knit a lot. I just got married.')).toEqual(['fact:hobby:i knit a lot', 'fact:family:i got married']);
    expect(values('i go a lot')).toEqual([]);
    expect(values("i'm 34 . i am 40 years old")).toEqual(['fact:age:i am 34 years old', 'fact:age:i am 40 years old']);
    expect(values('i played football for years')).toEqual(['fact:hobby:i played football']);
  });

  it('mines preferences with polarity and strength, favourites in both word orders', () => {
    expect(values('I love horror movies!')).toEqual(['like:0.9:horror movies']);
    expect(values('i like to bake cookies')).toEqual(['like:0.7:bake cookies']);
    expect(values("I can't stand jazz.")).toEqual(['dislike:0.9:jazz']);
    expect(values("i don't like crowds")).toEqual(['dislike:0.6:crowds']);
    // Frequency adverbs between "i" and the verb ("i usually like") were read as no statement at all.
    expect(values('I usually like dramas.')).toEqual(['like:0.7:dramas']);
    expect(values('i generally enjoy thrillers')).toEqual(values('i enjoy thrillers'));
    expect(mineStatements('but my favorite is probably nirvana')).toMatchObject([{ kind: 'preference', subject: 'nirvana', strength: 1 }]);
    const favourite = mineStatements('My favourite colour is blue.')[0];
    expect(favourite).toMatchObject({ kind: 'preference', subject: 'blue', category: 'color', strength: 1 });
    expect(mineStatements('pizza is my favorite food')[0]).toMatchObject({ subject: 'pizza', category: 'food' });
    expect(mineStatements('vintage cars are my thing .')[0]).toMatchObject({ subject: 'vintage cars', polarity: 'like', strength: 0.9 });
    // A comma before a pronoun starts a new clause; a list goes on.
    expect(mineStatements('I love comedies, they relax me after work.')[0]).toMatchObject({ subject: 'comedies', polarity: 'like' });
    expect(mineStatements('i love comedies , it is my thing')[0]).toMatchObject({ subject: 'comedies' });
    const subjects = (text: string) => mineStatements(text).map((statement) => (statement.kind === 'preference' ? statement.subject : statement.kind));
    expect(subjects('I love dogs, cats and birds.')).toEqual(['dogs', 'cats', 'birds']);
    expect(subjects('i really love hiking, swimming, and biking')).toEqual(['hiking', 'swimming', 'biking']);
    expect(subjects('i like reading, especially romances')).toEqual(['reading', 'romances']);
    // Not list items: a clause with its own subject, or a long one.
    expect(subjects('i love pizza, my sister makes it every friday night')).toEqual(['pizza', 'fact']);
    expect(subjects('i love pizza, thanks for asking about my favourite things to eat')).toEqual(['pizza']);
  });

  it('keeps negation in facts', () => {
    expect(values('i do not eat meat')).toEqual(['fact:food:i do not eat meat']);
    expect(values('i am not married')).toEqual(['fact:family:i am not married']);
  });

  it('separates past habits from the current state and keeps the reason', () => {
    const statements = mineStatements('I used to love sushi but now I hate it because I got sick.');
    expect(statements).toMatchObject([
      { kind: 'preference', subject: 'sushi', polarity: 'like', tense: 'past' },
      { kind: 'preference', subject: 'sushi', polarity: 'dislike', tense: 'present', reason: 'i got sick' },
    ]);
    expect(values('i used to work in the human services field')).toEqual(['fact:occupation:i used to work in the human services field']);
  });

  it('reads "i never used to ... but now ..." as a change from dislike, "them" resolved to the subject', () => {
    expect(mineStatements('I never used to enjoy spicy food, but now I love them.')).toMatchObject([
      { kind: 'preference', subject: 'spicy food', polarity: 'dislike', tense: 'past' },
      { kind: 'preference', subject: 'spicy food', polarity: 'like', strength: 0.9, tense: 'present' },
    ]);
    expect(mineStatements("i didn't use to like hiking but now i enjoy it because my dog needs walks")).toMatchObject([
      { subject: 'hiking', polarity: 'dislike', tense: 'past' },
      { subject: 'hiking', polarity: 'like', tense: 'present', reason: 'my dog needs walks' },
    ]);
    // "never" alone is a present dislike, not a change.
    expect(mineStatements('i never liked math')).toMatchObject([{ subject: 'math', polarity: 'dislike', tense: 'present' }]);
  });

  it('reads "i have been into x lately" as a current taste', () => {
    expect(values("I've been really into pottery lately.")).toEqual(['like:0.9:pottery']);
    expect(mineStatements('i have been into jazz recently')).toMatchObject([{ kind: 'preference', subject: 'jazz', polarity: 'like', strength: 0.8, tense: 'present', category: 'music' }]);
    expect(values("i've been busy lately")).toEqual([]);
    expect(values('i have been to paris twice')).not.toContainEqual(expect.stringMatching(/^like:/));
  });

  it('reads tastes that say they changed, with the earlier state implied, not said', () => {
    const shape = (text: string) =>
      mineStatements(text).map((statement) => (statement.kind === 'preference' ? `${statement.tense}${statement.implied ? ' (implied)' : ''} ${statement.polarity} ${statement.subject}${statement.reason ? ` because ${statement.reason}` : ''}` : statement.kind));
    // "anymore" had been read as part of the subject ("horror movies anymore"), with no change.
    expect(shape("I'm not into horror movies anymore because they give me nightmares.")).toEqual(['past (implied) like horror movies', 'present dislike horror movies because they give me nightmares']);
    expect(shape('honestly i am not that into jazz any more')).toEqual(['past (implied) like jazz', 'present dislike jazz']);
    expect(shape("I don't enjoy westerns anymore since I had kids.")).toEqual(['past (implied) like westerns', 'present dislike westerns because i had kids']);
    expect(shape("I've gone off thrillers.")).toEqual(['past (implied) like thrillers', 'present dislike thrillers']);
    expect(shape("i'm getting tired of superhero movies")).toEqual(['past (implied) like superhero movies', 'present dislike superhero movies']);
    expect(shape('I no longer enjoy reality shows.')).toEqual(['past (implied) like reality shows', 'present dislike reality shows']);
    // "i have gotten into x" had been the fact "i have gotten into x".
    expect(shape("Lately I've really gotten into jazz.")).toEqual(['past (implied) neutral jazz', 'present like jazz']);
    expect(shape("I've started to enjoy documentaries because my partner got me into them.")).toEqual(['past (implied) neutral documentaries', 'present like documentaries because my partner got me into them']);
    expect(shape('Sci-fi has really grown on me.')).toEqual(['past (implied) neutral sci-fi', 'present like sci-fi']);
    // Said, not implied: "i was never a fan of x, but now ...".
    expect(shape('I was never a fan of opera, but now I love it.')).toEqual(['past dislike opera', 'present like opera']);
    expect(shape("I didn't use to care about sports, but now I really like them.")).toEqual(['past neutral sports', 'present like sports']);
    // Not tastes: a fact that ends with "anymore" keeps it, a pronoun names nothing, a state is not a change.
    expect(values('i do not work anymore')).toEqual(['fact:occupation:i do not work anymore']);
    expect(shape("I'm not into him anymore")).toEqual([]);
    expect(shape('i was not home, but now i am')).not.toContain('past dislike home');
  });

  it('reads everyday wordings of likes and dislikes', () => {
    expect(values("I'm not really into documentary movies.")).toEqual(['dislike:0.7:documentary movies']);
    expect(values("i'm not a big fan of eggplant")).toEqual(['dislike:0.7:eggplant']);
    expect(values('I have never been a fan of soccer')).toEqual(['dislike:0.7:soccer']);
    expect(values("Crime films just don't do it for me.")).toEqual(['dislike:0.7:crime films']);
    expect(values('I find musicals boring.')).toEqual(['dislike:0.7:musicals']);
    expect(values('i find documentaries really fascinating')).toEqual(['like:0.7:documentaries']);
    expect(values('I usually skip horror movies.')).toEqual(['dislike:0.5:horror movies']);
    // Skipping breakfast is a habit, not a taste.
    expect(values('I skip breakfast most days')).not.toContainEqual(expect.stringMatching(/^dislike:/));
    expect(values('I could watch Friends over and over again.')).toEqual(['like:0.9:friends']);
    expect(values('Nothing beats a good horror movie for me.')).toEqual(['like:0.9:horror movie']);
  });

  it('reads verdicts on a film with the subject left out or in a second clause', () => {
    expect(values('Saw The Iron Harbor last week and hated it.')).toEqual(['dislike:0.9:the iron harbor']);
    expect(values('I just saw Alien and it was fantastic.')).toEqual(['like:0.9:alien']);
    expect(values('I rewatched Heat last week and enjoyed it a lot.')).toEqual(['like:0.6:heat']);
    expect(values('Titanic was a letdown, I did not like it.')).toEqual(['dislike:0.6:titanic']);
    expect(values('The Golden Signal (1994) was great, I loved it!')).toEqual(['like:0.9:the golden signal 1994']);
    // About the day, or about someone else: no taste of the speaker's named.
    expect(values('my day was great, i loved it')).toEqual([]);
  });

  it('reads where the speaker lives and how old they are in other words', () => {
    expect(values('Lisbon is home for me.')).toEqual(['fact:location:i live in lisbon']);
    expect(values('I just turned 34.')).toEqual(['fact:age:i am 34 years old']);
    expect(values('work is home for me')).toEqual([]);
  });

  it('leaves comparisons and "again" out of a subject, reads "neither … nor" as dislikes, and "call me x" as a name', () => {
    expect(values('Now I love jazz again.')).toEqual(['like:0.9:jazz']);
    expect(values('I like comedies less than I used to.')).toEqual(['like:0.7:comedies']);
    expect(values('I like neither horror nor thrillers.')).toEqual(['dislike:0.6:horror', 'dislike:0.6:thrillers']);
    expect(values('Call me Sam.')).toEqual(['fact:name:my name is sam']);
    expect(values('call me crazy')).toEqual([]);
  });

  it('reads both halves of a contrasted or coordinated taste, each with its own polarity and strength', () => {
    // The verb after "but" had lost its subject, and the second taste with it.
    expect(values('I also like comedies but hate musicals')).toEqual(['like:0.7:comedies', 'dislike:0.9:musicals']);
    expect(values('I hate musicals but love comedies')).toEqual(['dislike:0.9:musicals', 'like:0.9:comedies']);
    expect(values("I like comedies but don't like musicals")).toEqual(['like:0.7:comedies', 'dislike:0.6:musicals']);
    expect(values("I love comedies but can't stand musicals")).toEqual(['like:0.9:comedies', 'dislike:0.9:musicals']);
    expect(values('I like comedies and dramas but hate horror and musicals')).toEqual(['like:0.7:comedies', 'like:0.7:dramas', 'dislike:0.9:horror', 'dislike:0.9:musicals']);
    expect(values("I love westerns, but I can't stand horror")).toEqual(['like:0.9:westerns', 'dislike:0.9:horror']);
    expect(values('I enjoy dramas though I find war films boring')).toEqual(['like:0.7:dramas', 'dislike:0.7:war films']);
    // "not x" after a taste is that taste negated ("not really into romance" had been liked).
    expect(values("I'm into thrillers and not really into romance")).toEqual(['like:0.7:thrillers', 'dislike:0.7:romance']);
    expect(values('I love sci-fi and fantasy but not horror')).toEqual(['like:0.9:sci-fi', 'like:0.9:fantasy', 'dislike:0.6:horror']);
    expect(values('I like comedies, but not so much musicals')).toEqual(['like:0.7:comedies', 'dislike:0.6:musicals']);
    expect(values('I like most music but not country or rap')).toEqual(['like:0.7:most music', 'dislike:0.6:country', 'dislike:0.6:rap']);
    // A contrast that qualifies the taste names nothing else.
    expect(values('I like to run but not in the rain')).toEqual(['like:0.7:run']);
    expect(values('I love horror but not always')).toEqual(['like:0.9:horror']);
    expect(values('I like horror but not the new ones')).toEqual(['like:0.7:horror']);
    expect(values('I like comedies but not necessarily romcoms')).toEqual(['like:0.7:comedies']);
    expect(values('I like clothes that I can wear all day and not feel uncomfortable')).toEqual(['like:0.7:clothes that i can wear all day and not feel uncomfortable']);
    // "don't mind" accepts, weakly.
    expect(values("I don't mind dramas but I love comedies")).toEqual(['like:0.3:dramas', 'like:0.9:comedies']);
  });

  it('reads "x yes, y no" lists', () => {
    expect(values('comedies yes, musicals no')).toEqual(['like:0.7:comedies', 'dislike:0.7:musicals']);
    expect(values('Westerns: yes. Comedies yes, musicals: hell no!')).toEqual(['like:0.7:comedies', 'dislike:0.9:musicals']);
    expect(values('yes to westerns, no to horror')).toEqual(['like:0.7:westerns', 'dislike:0.7:horror']);
    expect(values('yes, no')).toEqual([]);
    expect(values('oh yes, lol no')).toEqual([]);
  });

  it("keeps another person's taste theirs, and resolves the speaker's pronoun against it", () => {
    expect(values('I like action movies, my wife hates them')).toEqual(['like:0.7:action movies']);
    expect(values('I like action movies and my wife likes musicals')).toEqual(['like:0.7:action movies', 'fact:family:my wife likes musicals']);
    expect(values('My wife loves musicals but I hate them')).toEqual(['fact:family:my wife loves musicals', 'dislike:0.9:musicals']);
    // The quote is what the user wrote.
    expect(mineStatements('My wife loves musicals, I hate them')[1]).toMatchObject({ subject: 'musicals', quote: 'i hate them' });
  });

  it('reads a taste in the simple past as a change only with a time word, and "but not anymore" as its end', () => {
    expect(mineStatements('I liked horror as a kid but now I hate it')).toMatchObject([
      { subject: 'horror', polarity: 'like', tense: 'past' },
      { subject: 'horror', polarity: 'dislike', strength: 0.9, tense: 'present' },
    ]);
    expect(mineStatements("I loved horror when I was younger, now I can't stand it")).toMatchObject([
      { subject: 'horror', polarity: 'like', tense: 'past' },
      { subject: 'horror', polarity: 'dislike', tense: 'present' },
    ]);
    expect(mineStatements('I used to love westerns but not anymore')).toMatchObject([
      { subject: 'westerns', polarity: 'like', strength: 0.9, tense: 'past' },
      { subject: 'westerns', polarity: 'dislike', strength: 0.6, tense: 'present' },
    ]);
    expect(mineStatements('I used to hate sushi but not anymore')).toMatchObject([
      { subject: 'sushi', polarity: 'dislike', tense: 'past' },
      { subject: 'sushi', polarity: 'neutral', tense: 'present' },
    ]);
    // Two verdicts, no change.
    expect(values('I liked the film but I hated the ending')).toEqual(['like:0.7:the film', 'dislike:0.9:the ending']);
    // The second half may hold more than one clause.
    expect(values('I used to hate horror but now I love it and I also like thrillers')).toEqual(['dislike:0.9:horror', 'like:0.9:horror', 'like:0.7:thrillers']);
    expect(mineStatements('I used to love horror but these days I am more into comedies')).toMatchObject([
      { subject: 'horror', polarity: 'like', tense: 'past' },
      { subject: 'comedies', polarity: 'like', tense: 'present' },
    ]);
  });

  it('keeps what a taste is compared with out of its subject, and reads no taste for it', () => {
    expect(values('I like comedies more than musicals')).toEqual(['like:0.7:comedies']);
    expect(values('I prefer comedies over musicals')).toEqual(['like:0.6:comedies']);
    expect(values('I prefer dogs to cats')).toEqual(['like:0.6:dogs']);
    expect(values('i prefer going to the movies')).toEqual(['like:0.6:going to the movies']);
  });

  it('mines goals', () => {
    expect(values('i want to be a doctor')).toEqual(['goal:i want to be a doctor']);
  });

  it('skips questions, small talk and statements about others', () => {
    expect(values('do you like vintage cars ?')).toEqual([]);
    expect(values("i'm doing great , thanks .")).toEqual([]);
    expect(values('i love that !')).toEqual([]);
    expect(values('i am watching tv right now')).toEqual([]);
    expect(values('if i had a dog i would walk it')).toEqual([]);
    expect(values('i love dogs , do you ?')).toEqual(['like:0.9:dogs']);
  });
});

describe('mineStatements on tastes a chat user states', () => {
  it('splits two objects after an adverb before "into"', () => {
    expect(values("I'm mostly into rock and pop")).toEqual(['like:0.7:rock', 'like:0.7:pop']);
    expect(values("I'm really into horror and sci-fi")).toEqual(['like:0.9:horror', 'like:0.9:sci-fi']);
  });

  it('reads a yes/no list written as sentences, but not a lone item or a question', () => {
    expect(values('Comedies yes. Musicals no.')).toEqual(['like:0.7:comedies', 'dislike:0.7:musicals']);
    expect(values('Westerns: hell yes! Horror: no.')).toEqual(['like:0.9:westerns', 'dislike:0.7:horror']);
    expect(values('Pizza yes.')).toEqual([]);
    expect(values('lol yes. haha no.')).toEqual([]);
    expect(values('Horror? No. Comedy? Yes.')).toEqual([]);
  });

  it('reads a taste of a group the speaker is in as the speaker\'s, at 0.8 of its strength', () => {
    expect(values('We love musicals')).toEqual(['like:0.72:musicals']);
    expect(values("we're big fans of westerns")).toEqual(['like:0.72:westerns']);
    expect(values('My husband and I are huge fans of westerns.')).toEqual(['like:0.72:westerns']);
    expect(values('me and my sister love rom-coms')).toEqual(['like:0.72:rom-coms']);
    expect(values('we both love sci-fi but hate horror')).toEqual(['like:0.72:sci-fi', 'dislike:0.72:horror']);
    expect(values('sarah and i like thrillers and mysteries')).toEqual(['like:0.56:thrillers', 'like:0.56:mysteries']);
    expect(values("we're not really into musicals")).toEqual(['dislike:0.56:musicals']);
    // Nothing else a group does or is becomes the speaker's.
    expect(values('we watched a movie last night. we are going to the cinema tonight. my wife and i are married. we love you.')).toEqual([]);
    expect(mineStatements('We love musicals')[0]).toMatchObject({ quote: 'we love musicals' });
  });

  it('reads no taste into a pronoun after "and now"', () => {
    expect(splitClauses('i loved it and now i love it even more')).toEqual(['i loved it', 'now i love it even more']);
    expect(values('i loved it and now i love it even more')).toEqual([]);
  });

  it('reads "prefer x to <verb>" as a purpose, and a wish about x as no taste', () => {
    expect(values('I prefer music to listen to')).toEqual(['like:0.6:music']);
    expect(values('I prefer comedies to watch with my kids')).toEqual(['like:0.6:comedies']);
    expect(values('I prefer dogs to cats')).toEqual(['like:0.6:dogs']);
    // "my movies" and "the kids" had been liked.
    expect(values('I prefer my movies to be short')).toEqual([]);
    expect(values('I prefer the kids to watch cartoons')).toEqual([]);
  });

  it('weakens a hedged taste and keeps the hedge out of its subject', () => {
    expect(values('I kind of like romantic comedies')).toEqual(['like:0.5:romantic comedies']);
    expect(values('I sort of enjoy slow-burn thrillers')).toEqual(['like:0.5:slow-burn thrillers']);
    expect(values('I like animated films sometimes')).toEqual(['like:0.5:animated films']);
    expect(values('we kind of like documentaries')).toEqual(['like:0.4:documentaries']);
  });

  it('reads the everyday wordings of a film taste', () => {
    expect(values('Not a huge fan of musicals, to be honest.')).toEqual(['dislike:0.7:musicals']);
    expect(values('Big fan of Nolan films')).toEqual(['like:0.9:nolan films']);
    expect(values("I'm not big on superhero movies")).toEqual(['dislike:0.7:superhero movies']);
    expect(values("I can't really get into anime")).toEqual(['dislike:0.7:anime']);
    expect(values("I'm a sucker for heist movies")).toEqual(['like:0.8:heist movies']);
    expect(values("I'm not really a comedy person. I'm more of a drama person.")).toEqual(['dislike:0.6:comedy', 'like:0.7:drama']);
    expect(values('Documentaries bore me. Horror movies scare me too much.')).toEqual(['dislike:0.7:documentaries', 'dislike:0.7:horror movies']);
    expect(values("I've never really liked westerns")).toEqual(['dislike:0.7:westerns']);
    expect(values('Give me a good courtroom drama any day')).toEqual(['like:0.8:courtroom drama']);
    expect(values('Honestly I could take or leave rom-coms')).toEqual(['neutral:0.2:rom-coms']);
    expect(values("I don't watch horror")).toEqual(['dislike:0.5:horror']);
    expect(values("I'm a huge horror fan. I'm not a big Marvel fan.")).toEqual(['like:0.9:horror', 'dislike:0.7:marvel']);
    expect(mineStatements("I'm kind of over zombie movies")).toMatchObject([
      { subject: 'zombie movies', polarity: 'like', tense: 'past', implied: true },
      { subject: 'zombie movies', polarity: 'dislike', tense: 'present' },
    ]);
  });

  it('reads no taste into the look-alikes of those wordings', () => {
    expect(values("I'm over the moon")).toEqual(['fact:other:i am over the moon']);
    expect(values("I couldn't get into college")).toEqual([]);
    expect(values("I don't watch tv")).toEqual(['fact:hobby:i do not watch tv']);
    expect(values("i'm a morning person")).toEqual(['fact:other:i am a morning person']);
    expect(values("i'm a big fan. Big fan! not into it.")).toEqual(['fact:other:i am a big fan']);
  });
});

describe('mineStatements on long, edited messages', () => {
  it('reads no taste into a noun that looks like a verb, a pronoun object or a clause', () => {
    // "laughter and love were": "love" had been read as "i love", the taste "were the main ingredients".
    expect(values('However, those family recipes evoke warm memories of gatherings around the table, where laughter and love were the main ingredients.')).toEqual([]);
    expect(values('Overall, these experiences enrich my understanding, and I enjoy them much more than workshops without a musical focus.')).toEqual([]);
    expect(values("Thatu2019s much better! I like how itu2019s more direct and clearer.")).toEqual([]);
    expect(values('Additionally, I have been delving into how technology can enhance live performances, which is something I find particularly fascinating.')).not.toContainEqual(expect.stringMatching(/^like:/));
    expect(values('I like that movie and I like that you are a writer.')).toEqual(['like:0.7:that movie']);
  });

  it('keys a perfect tense as what it says, not as a possession', () => {
    expect(values('Lastly, I\'ve started using guided imagery as part of my preparation for performances.')).toEqual(['fact:other:i have started using guided imagery as part of my preparation for performances']);
    expect(values('I have two dogs.')).toEqual(['fact:pet:i have two dogs']);
    expect(values('I have a red car.')).toEqual(['fact:possession:i have a red car']);
  });

  it('keeps a goal whole across "not only … but also", and cuts a long object where its subordinate part begins', () => {
    expect(values('By sharing these narratives, I hope to inspire not only readers but also aspiring writers.')).toEqual(['goal:i hope to inspire not only readers but also aspiring writers']);
    expect(values('I genuinely want to support eco-friendly initiatives.')).toEqual(['goal:i want to support eco-friendly initiatives']);
    expect(values('I have a large garden in my backyard where I grow all sorts of vegetables and herbs every summer.')).toEqual(['fact:hobby:i have a large garden in my backyard']);
    expect(values('When I work on music, I have control over every note and every rhythm, allowing me to express my emotions.')).toEqual(['fact:possession:i have control over every note and every rhythm']);
    expect(values("The judge seemed to drone on and on, and I couldn't help but notice how many people were absent.")).toEqual([]);
  });

  it('reads "one of my favorites is x" and "what i love about x" as tastes', () => {
    expect(values('One of my favorites is The Shawshank Redemption.')).toEqual(['like:1:the shawshank redemption']);
    expect(values("That's what I love about dancing. What I like most about hiking is the quiet.")).toEqual(['like:0.8:dancing', 'like:0.8:hiking']);
  });

  it('reads a taste said to hold at first as a past one', () => {
    expect(mineStatements('Initially, I enjoyed the sessions because they were dedicated to traditional ingredients.')).toMatchObject([{ kind: 'preference', subject: 'the sessions', polarity: 'like', tense: 'past' }]);
  });
});

describe('splitClauses', () => {
  it('splits run-ons and coordinated verbs but not subordinate or possessive clauses', () => {
    expect(splitClauses('i live in ny i work as a librarian')).toEqual(['i live in ny', 'i work as a librarian']);
    expect(splitClauses('i swim a lot and coach kids on weekends, my dog loves it')).toEqual(['i swim a lot and coach kids on weekends', 'my dog loves it']);
    expect(splitClauses('i like to stay active and am the swim coach')).toEqual(['i like to stay active', 'i am the swim coach']);
    expect(splitClauses('horror movies are my favorite')).toEqual(['horror movies are my favorite']);
    expect(splitClauses('i am looking for movies i can watch with my family')).toEqual(['i am looking for movies i can watch with my family']);
    expect(splitClauses('the book that i read was good')).toEqual(['the book that i read was good']);
    // A clause that strands a preposition is a relative clause, not a run-on ("i was invited to" had been a fact).
    expect(splitClauses('i recently created an extensive playlist for a book festival i was invited to')).toEqual(['i recently created an extensive playlist for a book festival i was invited to']);
  });

  it('strips greetings before a statement', () => {
    expect(mineStatements('heyy War movies are my favorite.')).toMatchObject([{ kind: 'preference', subject: 'war movies' }]);
  });
});

describe('splitCoordinatedObjects', () => {
  it('gives each of two objects of one verb its own clause', () => {
    expect(splitCoordinatedObjects(['i love hiking and reading'])).toEqual(['i love hiking', 'i love reading']);
    expect(splitCoordinatedObjects(['i love to run and read'])).toEqual(['i love to run', 'i love to read']);
    expect(splitCoordinatedObjects(['i love playing chess and checkers'])).toEqual(['i love playing chess', 'i love playing checkers']);
    expect(splitCoordinatedObjects(['i enjoy cooking and listening to country music'])).toEqual(['i enjoy cooking', 'i enjoy listening to country music']);
    expect(splitCoordinatedObjects(['i do not like crowds or noise'])).toEqual(['i do not like crowds', 'i do not like noise']);
    expect(splitCoordinatedObjects(['i have two dogs and a cat'])).toEqual(['i have two dogs', 'i have a cat']);
    // The second noun keeps the first one's article; languages are capitalised yet two objects.
    expect(splitCoordinatedObjects(['i have a brother and sister'])).toEqual(['i have a brother', 'i have a sister']);
    expect(splitCoordinatedObjects(['i have an uncle and aunt'])).toEqual(['i have an uncle', 'i have an aunt']);
    expect(splitCoordinatedObjects(['i speak english and french'], capitalisedPairs('I speak English and French'))).toEqual(['i speak english', 'i speak french']);
  });

  it('keeps fixed pairs, capitalised titles and names, long or pronoun objects, and three-way lists whole', () => {
    expect(splitCoordinatedObjects(['i love rock and roll'])).toEqual(['i love rock and roll']);
    expect(splitCoordinatedObjects(['i loved sense and sensibility'], capitalisedPairs('I loved Sense and Sensibility'))).toEqual(['i loved sense and sensibility']);
    expect(splitCoordinatedObjects(['i like it and you'])).toEqual(['i like it and you']);
    expect(splitCoordinatedObjects(['i like dogs and cats and birds'])).toEqual(['i like dogs and cats and birds']);
    expect(splitCoordinatedObjects(['i like the way the light falls in the evening and the sound of rain'])).toEqual(['i like the way the light falls in the evening and the sound of rain']);
  });

  it('reaches the mined preferences: "I like comedies and thrillers" gives two tastes', () => {
    expect(values('I like comedies and thrillers.')).toEqual(['like:0.7:comedies', 'like:0.7:thrillers']);
    expect(values("I really don't like crowds or noise")).toEqual(['dislike:0.6:crowds', 'dislike:0.6:noise']);
  });
});
