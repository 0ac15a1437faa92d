export { datasetFolders, dataDirectoryCandidates, findDataset, howToGet } from './data-dir.js';
export type { DatasetName, DataDirectoryOptions } from './data-dir.js';
export { RowIssues } from './invalid-rows.js';
export type { InvalidRowPolicy, SkippedRow, LoaderOptions } from './invalid-rows.js';
export { assertFileExists, readLines } from './line-reader.js';
export type { NumberedLine } from './line-reader.js';

export {
  loadMovieLens100k,
  loadMovieLensRatings,
  loadMovieLensItems,
  loadMovieLensUsers,
  loadMovieLensSplit,
  resolveMovieLensDirectory,
  movieLensGenres,
  movieLensSplitNames,
} from './movielens/movielens-100k.js';
export type { MovieLens100k, MovieLensRatings, MovieLensSplit, MovieLensSplitName } from './movielens/movielens-100k.js';
export { distinctSpokenTitles, normalizeTitleText, spokenTitle, titleVariants, titleWithoutArticle, TitleMatcher } from './movielens/title-variants.js';
export type { TitleMention } from './movielens/title-variants.js';

export { stratifiedSplit } from './splitters/stratified-split.js';
export type { StratifiedSplitOptions, TrainTestSplit } from './splitters/stratified-split.js';
export { temporalLeaveLastOut } from './splitters/temporal-split.js';
export type { TemporalLeaveLastOutOptions } from './splitters/temporal-split.js';
export { roundHalfEven } from './splitters/round-half-even.js';
export { NumpyRandomState } from './splitters/numpy-random-state.js';

export {
  precisionAtK,
  recallAtK,
  ndcgAtK,
  mapAtK,
  hitRateAtK,
  mrr,
  catalogCoverage,
  evaluateRanking,
  relevantItemsByUser,
} from './metrics/ranking-metrics.js';
export type { RankingEvaluation, AveragePrecisionOptions } from './metrics/ranking-metrics.js';
export { rmse, mae } from './metrics/rating-metrics.js';

export { readCsvRecords } from './csv-records.js';
export type { CsvRecord } from './csv-records.js';
export { loadPersonaChat, countTurnPairs } from './persona-chat/persona-chat.js';
export type { PersonaChatData, PersonaChatDialogue, PersonaChatTurn } from './persona-chat/persona-chat.js';
export { loadSyntheticPersonaChat } from './persona-chat/synthetic-persona-chat.js';
export type { SyntheticPersonaChatData, SyntheticPersonaChatConversation, SyntheticPersonaChatTurn } from './persona-chat/synthetic-persona-chat.js';
export { personaChatToSession, syntheticPersonaChatToSession } from './persona-chat/conversation-sessions.js';
export type { ToSessionOptions, PersonaChatSessionOptions, SyntheticPersonaChatSessionOptions } from './persona-chat/conversation-sessions.js';

export {
  loadPersonaMemQuestions,
  loadPersonaMemContexts,
  contextForQuestion,
  countByQuestionType,
  parseOptionsList,
  personaMemQuestionTypes,
} from './personamem/personamem.js';
export type { PersonaMemQuestion, PersonaMemQuestions, PersonaMemContexts } from './personamem/personamem.js';
export { parsePythonStringList, PythonLiteralError } from './personamem/python-string-list.js';

export { generateSyntheticWorld, affinityAt, polarityOf, expectedScore, defaultWorldOptions } from './synthetic/synthetic-world.js';
export type {
  SyntheticWorld,
  SyntheticWorldOptions,
  ResolvedWorldOptions,
  SyntheticGenre,
  SyntheticFact,
  TasteChange,
  GenreTaste,
  SyntheticStyle,
  BigFiveScores,
  HiddenUser,
} from './synthetic/synthetic-world.js';
export { syntheticConversation, syntheticSessions, allSyntheticSessions, syntheticGroundTruthProfile } from './synthetic/synthetic-conversations.js';
export type { SyntheticConversation } from './synthetic/synthetic-conversations.js';
export { syntheticGenres } from './synthetic/vocabulary.js';

export { fetchDataset, datasetSources } from './fetch/fetch-dataset.js';
export type { DatasetSource, FetchDatasetOptions, FetchDatasetResult } from './fetch/fetch-dataset.js';
export { datasetStatistics } from './dataset-stats.js';
export type { DatasetStatistic } from './dataset-stats.js';
