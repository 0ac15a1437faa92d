export { RetrievalUserSimulator, defaultRerankWeights } from './retrieval-user-simulator.js';
export type { RetrievalUserSimulatorOptions, RerankWeights } from './retrieval-user-simulator.js';
export { LlmUserSimulator } from './llm-user-simulator.js';
export type { LlmUserSimulatorOptions } from './llm-user-simulator.js';
export { buildUserSystemPrompt, groundTruthNote, styleInstructions, endMarker } from './llm-user-prompt.js';
export { UserTurnCorpus, dot } from './user-turn-corpus.js';
export type { UserTurn, IndexedTurn, UserTurnCorpusOptions } from './user-turn-corpus.js';
export { ContradictionChecker, findContradiction, parseClaims, conflictRule } from './contradiction.js';
export type { Claim, Contradiction, ContradictionRule } from './contradiction.js';
export { recommendationFeedback, judgeItem, isAcceptance, defaultThresholds } from './recommendation-feedback.js';
export type { Feedback, ItemJudgement, FeedbackThresholds } from './recommendation-feedback.js';
export { profileStatements, likedSubjects, dislikedSubjects } from './profile-text.js';
export type { SimulatedUser, ItemCatalog } from './simulated-user.js';
export { distinctN, isQuestion, wordCount, normalizeText } from './text.js';

export { OpenAiChatAssistant, defaultAssistantSystemPrompt } from './assistants/openai-chat-assistant.js';
export type { OpenAiChatAssistantOptions } from './assistants/openai-chat-assistant.js';
export { RecommenderAssistant } from './assistants/recommender-assistant.js';
export type { RecommenderAssistantOptions } from './assistants/recommender-assistant.js';
export { createMostPopularAssistant } from './assistants/most-popular-assistant.js';
export { ScriptedAssistant } from './assistants/scripted-assistant.js';
export { TitleMatcher } from './assistants/title-matcher.js';

export { simulate } from './harness/simulate.js';
export type { SimulateOptions, SimulationResult } from './harness/simulate.js';
export { RunStore } from './harness/run-store.js';
export type { ConversationRecord, EndReason } from './harness/run-store.js';
export { parseShard, selectShard } from './harness/shard.js';
export type { Shard } from './harness/shard.js';
export { transcriptsToJsonl, writeTranscripts } from './harness/transcripts.js';

export { conversationOutcome, summarizeRecommendations } from './metrics/recommendation-metrics.js';
export type { ConversationOutcome, RecommendationSummary } from './metrics/recommendation-metrics.js';
export { turnStatistics, authenticityDistance, cycleConsistency } from './metrics/fidelity-metrics.js';
export type { PersonaTurns, TurnStatistics, AuthenticityDistance, CycleConsistency } from './metrics/fidelity-metrics.js';
export { wasserstein1, kolmogorovSmirnov } from './metrics/distribution-distance.js';
export { personaProfile } from './persona-profile.js';
export { RecommenderHttpAssistant } from './assistants/recommender-http-assistant.js';
export type { RecommenderHttpAssistantOptions } from './assistants/recommender-http-assistant.js';
