export { startTestServer } from './test-server.js';
export type {
  TestServer,
  TestServerOptions,
  TestFault,
  ChatReply,
  TextReply,
  EmbeddingReply,
  RecordedRequest,
  ChatHandler,
  EmbeddingHandler,
} from './test-server.js';
export { testEmbedding } from './test-embedding.js';
export { chatModelConformance } from './chat-model-conformance.js';
export type { ConformanceFactory } from './chat-model-conformance.js';
