import { chatModelConformance } from './test/index.js';
import { createOpenAIChatModel } from './openai-chat-model.js';

chatModelConformance('OpenAIChatModel (json_schema)', (server) =>
  createOpenAIChatModel({ baseURL: server.url, apiKey: 'test', model: 'test-model', maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 }),
);

chatModelConformance('OpenAIChatModel (prompt-only structured output)', (server) =>
  createOpenAIChatModel({ baseURL: server.url, model: 'test-model', structuredOutput: 'prompt', maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 }),
);
