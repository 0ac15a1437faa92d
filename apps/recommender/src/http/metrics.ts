/** Label values of one series. */
type Labels = Record<string, string>;

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelText = (labels: Labels) => {
  const entries = Object.entries(labels);
  return entries.length === 0 ? '' : `{${entries.map(([key, value]) => `${key}="${escapeLabel(value)}"`).join(',')}}`;
};

interface Family {
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
}

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * A small Prometheus registry (counters, gauges, latency histograms) rendered in the text
 * exposition format; enough for `/metrics` without another dependency.
 */
export class Metrics {
  private readonly families = new Map<string, Family>();
  private readonly values = new Map<string, Map<string, { labels: Labels; value: number }>>();
  private readonly histograms = new Map<string, Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>>();
  private readonly gauges = new Map<string, () => number>();

  constructor() {
    this.define('personalab_http_requests_total', 'counter', 'HTTP requests by method, route and status');
    this.define('personalab_http_request_duration_seconds', 'histogram', 'HTTP request latency by route');
    this.define('personalab_llm_fallbacks_total', 'counter', 'LLM steps that failed and were answered offline');
    this.define('personalab_recommendations_total', 'counter', 'Recommendation lists computed, by re-ranker');
  }

  define(name: string, type: Family['type'], help: string): void {
    this.families.set(name, { help, type });
  }

  increment(name: string, labels: Labels = {}, amount = 1): void {
    const series = this.values.get(name) ?? new Map();
    this.values.set(name, series);
    const key = labelText(labels);
    const entry = series.get(key) ?? { labels, value: 0 };
    entry.value += amount;
    series.set(key, entry);
  }

  observe(name: string, seconds: number, labels: Labels = {}): void {
    const series = this.histograms.get(name) ?? new Map();
    this.histograms.set(name, series);
    const key = labelText(labels);
    const entry = series.get(key) ?? { labels, counts: latencyBuckets.map(() => 0), sum: 0, count: 0 };
    for (const [index, bound] of latencyBuckets.entries()) if (seconds <= bound) entry.counts[index] = (entry.counts[index] ?? 0) + 1;
    entry.sum += seconds;
    entry.count += 1;
    series.set(key, entry);
  }

  /** A gauge read at scrape time. */
  gauge(name: string, help: string, read: () => number): void {
    this.define(name, 'gauge', help);
    this.gauges.set(name, read);
  }

  /** The current value of a counter series (for tests). */
  counterValue(name: string, labels: Labels = {}): number {
    return this.values.get(name)?.get(labelText(labels))?.value ?? 0;
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, family] of this.families) {
      lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`);
      if (family.type === 'gauge') {
        const read = this.gauges.get(name);
        if (read) lines.push(`${name} ${read()}`);
      } else if (family.type === 'counter') {
        for (const entry of this.values.get(name)?.values() ?? []) lines.push(`${name}${labelText(entry.labels)} ${entry.value}`);
      } else {
        for (const entry of this.histograms.get(name)?.values() ?? []) {
          for (const [index, bound] of latencyBuckets.entries()) lines.push(`${name}_bucket${labelText({ ...entry.labels, le: String(bound) })} ${entry.counts[index] ?? 0}`);
          lines.push(`${name}_bucket${labelText({ ...entry.labels, le: '+Inf' })} ${entry.count}`);
          lines.push(`${name}_sum${labelText(entry.labels)} ${entry.sum}`, `${name}_count${labelText(entry.labels)} ${entry.count}`);
        }
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
