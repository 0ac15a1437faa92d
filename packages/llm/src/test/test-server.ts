import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { testEmbedding } from './test-embedding.js';

/** A fault the server can be told to produce, on chat or embeddings requests. */
export type TestFault =
  /** 429 with a Retry-After header: delta seconds (number) or an HTTP-date (string). Omit for no header. */
  | { fault: 'rate_limit'; retryAfter?: number | string; delayMs?: number }
  /** A 5xx (default 500) with an OpenAI-style error body. */
  | { fault: 'server_error'; status?: number; delayMs?: number }
  /** Accept the request and never answer (until the client gives up or the server closes). */
  | { fault: 'hang' }
  /** Answer 200 with a body that is not JSON. */
  | { fault: 'malformed_body'; delayMs?: number }
  /** Close the connection without any answer (a network error for the client). */
  | { fault: 'drop_connection'; delayMs?: number }
  /** Any status and error message, e.g. 401 or 400. */
  | { status: number; message?: string; headers?: Record<string, string>; delayMs?: number }
  /**
   * Streamed requests: 200 and an SSE error event `data: {"error": {...}}` (how vLLM reports
   * engine errors), after `afterText` has been streamed (default none); `code` goes in the error
   * body (vLLM puts an HTTP-like status there). Unstreamed requests get a 500.
   */
  | { fault: 'stream_error'; message?: string; code?: number | string; afterText?: string; delayMs?: number };

/** One scripted answer to a chat completions request. */
export type ChatReply =
  /** The assistant's text. */
  | string
  | TextReply
  /** The assistant's text is `JSON.stringify(json)` (valid for a schema or not: your choice). */
  | { json: unknown; delayMs?: number }
  | TestFault;

/** A text answer with its details. */
export interface TextReply {
  text: string;
  finishReason?: 'stop' | 'length' | 'content_filter';
  /** Token counts to report; default: word counts of prompt and reply. */
  usage?: { promptTokens: number; completionTokens: number };
  /** Wait this long before answering (to hold requests in flight). */
  delayMs?: number;
  /** When streamed: close the connection after this many content chunks. */
  dropAfterChunks?: number;
  /** When streamed: send this many content chunks, then nothing more (the connection stays open). */
  stallAfterChunks?: number;
  /** When streamed: wait this long before each content chunk (a slow but healthy stream). */
  chunkDelayMs?: number;
  /** When streamed: end the response cleanly after the text, without a finish reason, usage or `[DONE]`. */
  omitFinish?: boolean;
}

/** One scripted answer to an embeddings request; by default the server computes `testEmbedding`. */
export type EmbeddingReply = { vectors: number[][]; delayMs?: number } | TestFault;

/** What the server saw. `body` is the parsed JSON (or the raw text when it was not JSON). */
export interface RecordedRequest {
  /** 0-based arrival order across all endpoints. */
  index: number;
  method: string;
  /** Path without the `/v1` prefix: `/chat/completions`, `/embeddings`, `/models` (a path outside `/v1` is kept whole, and answered 404). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- whatever the client sent
  /** `Date.now()` at arrival. */
  receivedAt: number;
  /** Requests in flight (this one included) when it arrived. */
  inFlightAtArrival: number;
}

/** Computes a chat reply from the request; used when the queue is empty. */
export type ChatHandler = (request: RecordedRequest) => ChatReply | Promise<ChatReply>;
export type EmbeddingHandler = (request: RecordedRequest) => EmbeddingReply | Promise<EmbeddingReply>;

export interface TestServerOptions {
  /** Answers chat requests once the queue is empty. Default: HTTP 400 "no scripted reply". */
  chat?: ChatHandler;
  /** Answers embeddings requests once their queue is empty. Default: `testEmbedding` vectors. */
  embeddings?: EmbeddingHandler;
  /** Dimension of the default embeddings. Default 32. */
  embeddingDimension?: number;
  /** Answer 400 to any request with `response_format.type === 'json_schema'`, like servers without it. */
  rejectJsonSchema?: boolean;
  /** Require `Authorization: Bearer <apiKey>`; otherwise 401. Default: accept anything. */
  apiKey?: string;
  /** Characters per streamed content chunk. Default 4. */
  streamChunkSize?: number;
  /** Port on 127.0.0.1 (a fixed one for a long-lived server a command line points at). Default 0: a free one. */
  port?: number;
}

/** A running local OpenAI-compatible server. */
export interface TestServer {
  /** Base URL to give a client, including `/v1`: `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  /** Every request received, in arrival order (retries included). */
  readonly requests: RecordedRequest[];
  /** Requests being answered now. */
  readonly inFlight: number;
  /** The most requests ever in flight at once. */
  readonly peakInFlight: number;
  /** Queue chat replies, answered in order before the handler is consulted. */
  enqueue(...replies: ChatReply[]): void;
  /** Queue embeddings replies (faults or fixed vectors). */
  enqueueEmbeddings(...replies: EmbeddingReply[]): void;
  /** Replace the chat handler (or `undefined` for the default 400). */
  setChatHandler(handler: ChatHandler | undefined): void;
  setEmbeddingHandler(handler: EmbeddingHandler | undefined): void;
  setRejectJsonSchema(reject: boolean): void;
  /** The recorded requests to one path, e.g. `chatRequests()` for `/chat/completions`. */
  chatRequests(): RecordedRequest[];
  embeddingRequests(): RecordedRequest[];
  /** Resolves once at least `count` requests have arrived (rejects after `timeoutMs`, default 5 s). */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  /** Clears queues, recorded requests and the peak; keeps handlers and options. */
  reset(): void;
  /** Stops listening and drops open connections (hanging requests included). */
  close(): Promise<void>;
}

const wordCount = (text: string) => (text.match(/\S+/g) ?? []).length;

/** Starts the server on 127.0.0.1, on `options.port` or a random free port. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const chatQueue: ChatReply[] = [];
  const embeddingQueue: EmbeddingReply[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let chatHandler = options.chat;
  let embeddingHandler = options.embeddings;
  let rejectJsonSchema = options.rejectJsonSchema ?? false;
  const dimension = options.embeddingDimension ?? 32;
  const chunkSize = Math.max(1, options.streamChunkSize ?? 4);
  let inFlight = 0;
  let peakInFlight = 0;
  let nextIndex = 0;
  let closed = false;

  const server = createServer((request, response) => {
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      inFlight--;
    };
    response.on('close', done);
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent && !response.destroyed) {
        // 400, not 500: a broken handler should fail the test at once, not be retried.
        sendError(response, 400, `test server: the handler threw: ${error instanceof Error ? error.message : String(error)}`, 'test_handler_error');
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      // Kept as text: a client bug the test may want to see.
    }
    // Only `/v1/...` is served, as real servers do: a client whose base URL lacks `/v1` gets 404.
    const rawPath = (request.url ?? '/').split('?')[0]!;
    const underV1 = rawPath.startsWith('/v1/');
    const path = underV1 ? rawPath.slice(3) : rawPath;
    const recorded: RecordedRequest = {
      index: nextIndex++,
      method: request.method ?? 'GET',
      path,
      headers: { ...request.headers },
      body,
      receivedAt: Date.now(),
      inFlightAtArrival: inFlight,
    };
    requests.push(recorded);
    for (const waiter of [...waiters]) {
      if (requests.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }

    if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      sendError(response, 401, 'Incorrect API key provided', 'invalid_api_key');
      return;
    }
    if (!underV1) {
      sendError(response, 404, `no route ${request.method} ${rawPath} (this server answers under /v1)`, 'not_found');
      return;
    }
    if (request.method === 'GET' && path === '/models') {
      sendJson(response, 200, { object: 'list', data: [{ id: 'test-model', object: 'model', created: 0, owned_by: 'personalab' }] });
      return;
    }
    if (request.method !== 'POST' || (path !== '/chat/completions' && path !== '/embeddings')) {
      sendError(response, 404, `no route ${request.method} ${request.url}`);
      return;
    }
    if (typeof body !== 'object' || body === null) {
      sendError(response, 400, 'request body must be a JSON object');
      return;
    }
    if (path === '/embeddings') {
      await answerEmbeddings(recorded, body as Record<string, unknown>, response);
      return;
    }
    const chatBody = body as Record<string, unknown>;
    const format = chatBody.response_format as { type?: string } | undefined;
    if (rejectJsonSchema && format?.type === 'json_schema') {
      sendError(response, 400, "response_format type 'json_schema' is not supported by this server", 'unsupported_response_format');
      return;
    }
    const reply = chatQueue.length > 0 ? chatQueue.shift()! : chatHandler ? await chatHandler(recorded) : undefined;
    if (reply === undefined) {
      sendError(response, 400, `test server: no scripted reply for chat request #${recorded.index}`, 'no_scripted_reply');
      return;
    }
    await answerChat(recorded, chatBody, reply, response);
  }

  async function answerChat(recorded: RecordedRequest, body: Record<string, unknown>, reply: ChatReply, response: ServerResponse): Promise<void> {
    const normalized: TextReply | TestFault =
      typeof reply === 'string' ? { text: reply } : 'json' in reply ? { text: JSON.stringify(reply.json), ...(reply.delayMs === undefined ? {} : { delayMs: reply.delayMs }) } : reply;
    if ('delayMs' in normalized && normalized.delayMs) await delay(normalized.delayMs);
    if ('fault' in normalized && normalized.fault === 'stream_error') {
      await answerStreamError(recorded, body, normalized, response);
      return;
    }
    if (!('text' in normalized)) {
      answerFault(normalized, response);
      return;
    }
    const messages = Array.isArray(body.messages) ? (body.messages as Array<{ content?: unknown }>) : [];
    const promptTokens = messages.reduce((sum, message) => sum + (typeof message.content === 'string' ? wordCount(message.content) : 0), 0);
    const usage = {
      prompt_tokens: normalized.usage?.promptTokens ?? promptTokens,
      completion_tokens: normalized.usage?.completionTokens ?? wordCount(normalized.text),
      total_tokens: 0,
    };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const finishReason = normalized.finishReason ?? 'stop';
    const id = `chatcmpl-test-${recorded.index}`;
    const model = typeof body.model === 'string' ? body.model : 'test-model';
    const created = Math.floor(recorded.receivedAt / 1000);
    if (body.stream !== true) {
      sendJson(response, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: normalized.text }, finish_reason: finishReason, logprobs: null }],
        usage,
      });
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      response.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`);
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    if (!(await streamText(normalized.text, chunk, response, normalized))) return;
    if (normalized.omitFinish) {
      response.end();
      return;
    }
    chunk([{ index: 0, delta: {}, finish_reason: finishReason }]);
    const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
    if (streamOptions?.include_usage) chunk([], { usage });
    response.end('data: [DONE]\n\n');
  }

  /** Streams `text` as content chunks; false when the script cut the stream (dropped or stalled). */
  async function streamText(
    text: string,
    chunk: (choices: unknown[]) => void,
    response: ServerResponse,
    script: Pick<TextReply, 'dropAfterChunks' | 'stallAfterChunks' | 'chunkDelayMs'> = {},
  ): Promise<boolean> {
    let sent = 0;
    for (let offset = 0; offset < text.length; offset += chunkSize) {
      if (script.dropAfterChunks !== undefined && sent >= script.dropAfterChunks) {
        response.destroy();
        return false;
      }
      if (script.stallAfterChunks !== undefined && sent >= script.stallAfterChunks) return false; // open until the client gives up
      if (script.chunkDelayMs) await delay(script.chunkDelayMs);
      if (response.destroyed) return false;
      chunk([{ index: 0, delta: { content: text.slice(offset, offset + chunkSize) }, finish_reason: null }]);
      sent++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (script.stallAfterChunks !== undefined && sent >= script.stallAfterChunks) return false;
    return true;
  }

  async function answerStreamError(recorded: RecordedRequest, body: Record<string, unknown>, fault: Extract<TestFault, { fault: 'stream_error' }>, response: ServerResponse): Promise<void> {
    const message = fault.message ?? 'engine error (scripted)';
    const code = fault.code ?? null;
    if (body.stream !== true) {
      sendError(response, typeof code === 'number' && code >= 400 ? code : 500, message, 'server_error');
      return;
    }
    const id = `chatcmpl-test-${recorded.index}`;
    const model = typeof body.model === 'string' ? body.model : 'test-model';
    const created = Math.floor(recorded.receivedAt / 1000);
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const chunk = (choices: unknown[]) => response.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices })}\n\n`);
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    await streamText(fault.afterText ?? '', chunk, response);
    response.write(`data: ${JSON.stringify({ error: { object: 'error', message, type: 'server_error', param: null, code } })}\n\n`);
    response.end();
  }

  async function answerEmbeddings(recorded: RecordedRequest, body: Record<string, unknown>, response: ServerResponse): Promise<void> {
    const input = body.input;
    const texts = typeof input === 'string' ? [input] : Array.isArray(input) && input.every((item) => typeof item === 'string') ? (input as string[]) : undefined;
    if (!texts) {
      sendError(response, 400, "'input' must be a string or an array of strings");
      return;
    }
    const reply = embeddingQueue.length > 0 ? embeddingQueue.shift()! : embeddingHandler ? await embeddingHandler(recorded) : undefined;
    if (reply && 'delayMs' in reply && reply.delayMs) await delay(reply.delayMs);
    if (reply && !('vectors' in reply)) {
      answerFault(reply, response);
      return;
    }
    const requestedDimension = typeof body.dimensions === 'number' ? body.dimensions : dimension;
    const vectors = reply?.vectors ?? texts.map((text) => testEmbedding(text, requestedDimension));
    const promptTokens = texts.reduce((sum, text) => sum + wordCount(text), 0);
    sendJson(response, 200, {
      object: 'list',
      model: typeof body.model === 'string' ? body.model : 'test-embedding',
      data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  }

  function answerFault(fault: TestFault, response: ServerResponse): void {
    if (!('fault' in fault)) {
      sendError(response, fault.status, fault.message ?? `scripted HTTP ${fault.status}`, undefined, fault.headers);
      return;
    }
    switch (fault.fault) {
      case 'rate_limit':
        sendError(response, 429, 'Rate limit reached (scripted)', 'rate_limit_exceeded', fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) });
        return;
      case 'server_error':
        sendError(response, fault.status ?? 500, 'The server had an error while processing your request (scripted)', 'server_error');
        return;
      case 'hang':
        return; // the response stays open until the client aborts or the server closes
      case 'malformed_body':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"id": "chatcmpl-broken", "choices": [ {"message": ');
        return;
      case 'drop_connection':
        response.socket?.destroy();
        return;
      case 'stream_error':
        sendError(response, 500, fault.message ?? 'engine error (scripted)', 'server_error');
        return;
    }
  }

  function sendJson(response: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(payload);
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    response.end(text);
  }

  function sendError(response: ServerResponse, status: number, message: string, code?: string, headers: Record<string, string> = {}): void {
    const type = status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
    sendJson(response, status, { error: { message, type, param: null, code: code ?? null } }, headers);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get inFlight() {
      return inFlight;
    },
    get peakInFlight() {
      return peakInFlight;
    },
    enqueue: (...replies) => void chatQueue.push(...replies),
    enqueueEmbeddings: (...replies) => void embeddingQueue.push(...replies),
    setChatHandler: (handler) => {
      chatHandler = handler;
    },
    setEmbeddingHandler: (handler) => {
      embeddingHandler = handler;
    },
    setRejectJsonSchema: (reject) => {
      rejectJsonSchema = reject;
    },
    chatRequests: () => requests.filter((request) => request.path === '/chat/completions'),
    embeddingRequests: () => requests.filter((request) => request.path === '/embeddings'),
    waitForRequests: (count, timeoutMs = 5_000) =>
      new Promise<void>((resolve, reject) => {
        if (requests.length >= count) {
          resolve();
          return;
        }
        const timer = setTimeout(() => reject(new Error(`test server: waited ${timeoutMs} ms for ${count} requests, saw ${requests.length}`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      }),
    reset: () => {
      chatQueue.length = 0;
      embeddingQueue.length = 0;
      requests.length = 0;
      peakInFlight = inFlight;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await stopped;
    },
  };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
