// The parts of autocannon's programmatic API this benchmark uses (the package ships no types).
declare module 'autocannon' {
  interface RequestOptions {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    headers?: Record<string, string>;
    requests?: (RequestOptions & { setupRequest?: (request: RequestOptions) => RequestOptions })[];
  }
  interface Histogram {
    average: number;
    p50: number;
    p99: number;
    max: number;
    total: number;
  }
  interface Result {
    requests: Histogram;
    latency: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
  }
  /** The running benchmark: a promise of the result that also emits `response` (client, status, bytes, latency ms) per answer. */
  interface Instance extends Promise<Result> {
    on(event: 'response', listener: (client: object, statusCode: number, bytes: number, latencyMs: number) => void): this;
  }
  function autocannon(options: Options): Instance;
  export default autocannon;
}
