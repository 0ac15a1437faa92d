import { type ChartSeries, type ReferenceLine, markdownTable, svgLineChart } from '@personalab/core';
import type { BreakdownReport, RunReport } from './accuracy-report.js';
import type { PublishedScore } from './published.js';
import type { AccuracyCell } from './wilson.js';

/** "0.612 [0.571, 0.651] (n=500)" */
export function formatCell(cell: AccuracyCell | undefined): string {
  if (cell === undefined || cell.n === 0) return '–';
  return `${cell.accuracy.toFixed(3)} [${cell.low.toFixed(3)}, ${cell.high.toFixed(3)}] (n=${cell.n})`;
}

/**
 * Each run's column and legend name: its responder, or `responder (run id)` where several runs share a responder (two runs
 * of one responder on other contexts or endpoints had been two columns of the same name).
 */
function runLabels(reports: readonly RunReport[]): string[] {
  const counts = new Map<string, number>();
  for (const report of reports) counts.set(report.responder, (counts.get(report.responder) ?? 0) + 1);
  return reports.map((report) => ((counts.get(report.responder) ?? 0) > 1 ? `${report.responder} (${report.runId})` : report.responder));
}

function comparisonTable(reports: readonly RunReport[], pick: (report: RunReport) => BreakdownReport, dimension: 'byType' | 'byTopic'): string {
  const keys = [...new Set(reports.flatMap((report) => Object.keys(pick(report)[dimension])))].sort();
  const rows = [
    ['**overall**', ...reports.map((report) => formatCell(pick(report).overall))],
    ...keys.map((key) => [key, ...reports.map((report) => formatCell(pick(report)[dimension][key]))]),
  ];
  return markdownTable([dimension === 'byType' ? 'question type' : 'topic', ...runLabels(reports)], rows);
}

function distanceTable(reports: readonly RunReport[], pick: (report: RunReport) => BreakdownReport): string {
  const buckets = [...new Set(reports.flatMap((report) => pick(report).byDistance.map((entry) => entry.bucket)))];
  const rows = buckets.map((bucket) => [bucket, ...reports.map((report) => formatCell(pick(report).byDistance.find((entry) => entry.bucket === bucket)?.cell))]);
  return markdownTable(['distance to reference (tokens)', ...runLabels(reports)], rows);
}

/**
 * A Markdown comparison of runs on one benchmark: overall and per type with 95% Wilson intervals,
 * per distance bucket and per topic, and the same on the questions where the longest option is wrong and on those
 * the option-priors control gets wrong.
 */
export function renderMarkdown(title: string, reports: readonly RunReport[], notes: readonly string[] = []): string {
  const all = (report: RunReport) => report.all;
  const longestWrong = (report: RunReport) => report.longestWrong;
  const priorsWrong = (report: RunReport) => report.priorsWrong;
  const lines = [
    `# ${title}`,
    '',
    ...notes.map((note) => `- ${note}`),
    ...(notes.length ? [''] : []),
    markdownTable(
      ['responder', 'run', 'scored', 'failed', 'unanswered', 'accuracy [95% CI]', 'accuracy where longest option is wrong', 'accuracy where the option-priors control is wrong'],
      reports.map((report) => [
        report.responder,
        report.runId,
        report.scored,
        report.failed,
        report.missing,
        formatCell(report.all.overall),
        formatCell(report.longestWrong.overall),
        formatCell(report.priorsWrong.overall),
      ]),
    ),
    '',
    '## Accuracy per question type',
    '',
    comparisonTable(reports, all, 'byType'),
    '',
    '## Accuracy per distance from the reference to the question',
    '',
    distanceTable(reports, all),
    '',
    '## Accuracy per topic',
    '',
    comparisonTable(reports, all, 'byTopic'),
    '',
    '## Questions where the longest option is wrong (a length prior cannot score)',
    '',
    comparisonTable(reports, longestWrong, 'byType'),
    '',
    '## Questions the option-priors control gets wrong (the options\' phrasing alone cannot score)',
    '',
    'The control (`--responder option-priors`) reads no context; its weights were fitted on the 270 pre-release dev questions, so on those it is in-sample.',
    '',
    comparisonTable(reports, priorsWrong, 'byType'),
    '',
  ];
  return lines.join('\n');
}

/** Accuracy against distance bucket, one line per run, published overall scores as dashed lines. */
export function svgAccuracyByDistance(title: string, reports: readonly RunReport[], published: readonly PublishedScore[] = []): string {
  const buckets = [...new Map(reports.flatMap((report) => report.all.byDistance.map((entry) => [entry.bucket, entry] as const))).values()].sort((a, b) => a.min - b.min);
  // x is the bucket's geometric middle (the last bucket is open, so its lower end doubles).
  const x = buckets.map((bucket) => Math.round(Math.sqrt(Math.max(500, bucket.min) * (bucket.max ?? Math.max(1_000, bucket.min * 2)))));
  const labels = runLabels(reports);
  const series: ChartSeries[] = reports.map((report, index) => ({
    name: labels[index] as string,
    values: buckets.map((bucket) => report.all.byDistance.find((entry) => entry.bucket === bucket.bucket)?.cell.accuracy ?? Number.NaN),
  }));
  const references: ReferenceLine[] = published.map((score) => ({ label: `${score.model} (${score.split})`, value: score.accuracy }));
  return svgLineChart(x, series, { title, xLabel: 'distance from reference to question (tokens, bucket middle)', yLabel: 'accuracy', yMin: 0, yMax: 1, references, logX: true, width: 900, height: 460 });
}
