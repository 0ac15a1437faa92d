import { stopWords } from '@personalab/profile';

/**
 * Words of a chat message that ask for something rather than describe it: requests, fillers,
 * "movie" itself, ages and eras (the session's constraints read those). The item text index's IDF
 * is fitted on the catalogue, where such words are rare, so left in they outweigh what the user
 * described: "recommend something" landed on "Something to Talk About", "anything else?" on
 * "I'll Do Anything".
 */
const requestWords = new Set(
  (
    'recommend recommends recommendation recommendations suggest suggestion suggestions something anything everything nothing ' +
    'someone anyone movie movies film films flick flicks show shows watch watching watched see seen saw please pls thanks thank ' +
    'want wanna wanted like liked likes love loved loves enjoy enjoyed enjoying mood feel feeling fancy good great nice best better ' +
    'really maybe perhaps tonight today now else another different new newer recent older old classic classics year years yr ' +
    'hi hello hey ok okay um hmm yes yeah also give tell think know would could sure kind sort type usually looking look find ' +
    'instead options ideas idea watchable lol late early mid kids kid children child son daughter wife husband friends family night weekend ' +
    'one ones stuff things thing bit little lot please already seen maybe around ' +
    "i'm i'd i've let's what's that's it's"
  ).split(' '),
);

/** The words of a message that describe what the user wants (for the item text index), or '' when none do. */
export function queryContent(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .split(/[^a-z0-9'&-]+/)
    .map((word) => word.replace(/^'+|'+$/g, ''))
    .filter((word) => word !== '' && !stopWords.has(word) && !requestWords.has(word) && !/^'?\d+(?:s|'s)?$/.test(word))
    .join(' ');
}
