export { PersonalabError, errorCodes, dataError } from './errors.js';
export type { ErrorCode, PersonalabErrorOptions } from './errors.js';
export { parseInteger, parseIntegerList } from './integer-arguments.js';
export type { IntegerRange } from './integer-arguments.js';
export { formatPath, formatZodError } from './zod-issues.js';
export { createRandom, hashString } from './random.js';
export type { Random } from './random.js';
export { systemClock, createManualClock, createSequentialIds, randomIds } from './clock.js';
export type { Clock, IdGenerator } from './clock.js';
export { loadConfig, getConfig, tfBackendSchema, cacheModeSchema } from './config.js';
export type { PersonalabConfig, TfBackendName, CacheMode } from './config.js';
export { createProgress, displayedMetric } from './progress.js';
export type { DisplayedMetric, Progress, ProgressOptions } from './progress.js';
export { processIsAlive, removeDeadWritersFiles, staleTemporaryAfterMs, writeFileAtomic } from './atomic-write.js';
export { blockingFile } from './blocking-file.js';
export { useWriteAheadLog, type PragmaConnection } from './sqlite-wal.js';
export { parseShard, formatShard, selectShard } from './shard.js';
export type { Shard } from './shard.js';
export { runScript, scriptOptions, describeScriptError, scriptExitCodes, changedOptions, changedKeys, resultsDirectory, scriptCommand, invokedCommand } from './script.js';
export type { ScriptIo, ResultsDirectoryOptions } from './script.js';

export { idSchema, timestampSchema, evidenceSchema } from './schemas/common.js';
export type { Evidence } from './schemas/common.js';
export { userSchema, genderSchema } from './schemas/user.js';
export type { User } from './schemas/user.js';
export { itemSchema } from './schemas/item.js';
export type { Item, ItemInput } from './schemas/item.js';
export { interactionSchema, ratingInteractionSchema, implicitInteractionSchema } from './schemas/interaction.js';
export type { Interaction, RatingInteraction, ImplicitInteraction } from './schemas/interaction.js';
export { messageSchema, chatMessageSchema, roleSchema } from './schemas/message.js';
export type { Message, ChatMessage, Role } from './schemas/message.js';
export { sessionSchema } from './schemas/session.js';
export type { Session } from './schemas/session.js';
export {
  profileSchema,
  profileFactSchema,
  preferenceSchema,
  preferenceChangeSchema,
  polaritySchema,
  traitSchema,
  bigFiveSchema,
  communicationStyleSchema,
  goalSchema,
  emptyProfile,
} from './schemas/profile.js';
export type {
  Profile,
  ProfileFact,
  Preference,
  PreferenceChange,
  Polarity,
  Trait,
  BigFive,
  CommunicationStyle,
  Goal,
} from './schemas/profile.js';

export type { ChatModel, GenerateOptions, GenerateResult, GenerateObjectOptions, GenerateObjectResult, TokenUsage, FinishReason } from './interfaces/chat-model.js';
export type { Embedder } from './interfaces/embedder.js';
export type { VectorIndex, VectorRecord, VectorMetadata, SearchOptions, SearchHit, Metric } from './interfaces/vector-index.js';
export type { ProfileExtractor, ExtractOptions } from './interfaces/profile-extractor.js';
export type { CatalogueScores, Recommender, TrainingData, FitOptions, RecommendOptions, ScoredItem } from './interfaces/recommender.js';
export type { UserSimulator, SimulationGoal, SimulatorTurn, DialogueTurn, Assistant } from './interfaces/user-simulator.js';
export type { Responder, ResponderQuestion, ResponderAnswer } from './interfaces/responder.js';
export { markdownTable, svgBarChart, svgLineChart, writeResults, median, meanAndStd, machineLine, runHeader, withRunHeader } from './report.js';
export type { Cell, ChartSeries, ChartOptions, ReferenceLine, MachineLineOptions, ResultFiles, RunHeaderOptions } from './report.js';
