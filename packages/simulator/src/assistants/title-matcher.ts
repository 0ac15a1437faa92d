// Reading which catalogue items an assistant's text reply names (an LLM endpoint answers in text)
// is the datasets package's title matching, shared with the recommender's chat.
export { TitleMatcher } from '@personalab/datasets';
