import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { PersonalabError } from './errors.js';

/** A cell of a results table. Numbers are formatted with `digits` decimals. */
export type Cell = string | number | null | undefined;

/** A GitHub-flavoured Markdown table; numbers right-aligned with fixed decimals. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly Cell[])[], digits = 4): string {
  const format = (cell: Cell) =>
    cell === null || cell === undefined ? '–' : typeof cell === 'number' ? (Number.isInteger(cell) ? String(cell) : cell.toFixed(digits)) : cell.replace(/\|/g, '\\|');
  const align = headers.map((_, column) => (rows.some((row) => typeof row[column] === 'number') ? '---:' : '---'));
  const lines = [`| ${headers.join(' | ')} |`, `| ${align.join(' | ')} |`];
  for (const row of rows) lines.push(`| ${headers.map((_, column) => format(row[column])).join(' | ')} |`);
  return lines.join('\n');
}

export interface ChartSeries {
  name: string;
  /** For bar charts: one value per category. For line charts: y values at `x`. */
  values: readonly number[];
  /** Optional error bars (same length as values). */
  errors?: readonly number[];
}

export interface ReferenceLine {
  label: string;
  value: number;
}

export interface ChartOptions {
  title: string;
  yLabel?: string;
  xLabel?: string;
  width?: number;
  height?: number;
  /** Horizontal dashed lines, e.g. published anchors. */
  references?: readonly ReferenceLine[];
  yMin?: number;
  yMax?: number;
}

/** Approximate width of a 12 px sans-serif character, and the angle of slanted category labels. */
const labelCharacterWidth = 6.6;
const labelAngle = (35 * Math.PI) / 180;

const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Frame {
  svg: string[];
  x0: number;
  y0: number;
  plotWidth: number;
  plotHeight: number;
  y: (value: number) => number;
}

function frame(options: ChartOptions, allValues: number[], legend: readonly string[], bottomMargin = 60): Frame {
  const width = options.width ?? 720;
  const height = options.height ?? 400;
  const x0 = 64;
  const y0 = 40;
  const plotWidth = width - x0 - 180;
  const plotHeight = height - y0 - bottomMargin;
  const references = options.references ?? [];
  const values = [...allValues, ...references.map((line) => line.value)].filter(Number.isFinite);
  let low = options.yMin ?? Math.min(0, ...values);
  let high = options.yMax ?? Math.max(...values, 1e-9) * 1.1;
  if (high === low) high = low + 1;
  if (!Number.isFinite(low)) low = 0;
  const y = (value: number) => y0 + plotHeight - ((value - low) / (high - low)) * plotHeight;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (let tick = 0; tick <= 5; tick++) {
    const value = low + ((high - low) * tick) / 5;
    const position = y(value);
    svg.push(`<line x1="${x0}" x2="${x0 + plotWidth}" y1="${position}" y2="${position}" stroke="#eee"/>`);
    svg.push(`<text x="${x0 - 6}" y="${position + 4}" text-anchor="end">${Number(value.toPrecision(3))}</text>`);
  }
  svg.push(`<line x1="${x0}" x2="${x0}" y1="${y0}" y2="${y0 + plotHeight}" stroke="#333"/>`);
  svg.push(`<line x1="${x0}" x2="${x0 + plotWidth}" y1="${y0 + plotHeight}" y2="${y0 + plotHeight}" stroke="#333"/>`);
  if (options.yLabel) svg.push(`<text transform="translate(16 ${y0 + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`);
  if (options.xLabel) svg.push(`<text x="${x0 + plotWidth / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  references.forEach((line) => {
    const position = y(line.value);
    svg.push(`<line x1="${x0}" x2="${x0 + plotWidth}" y1="${position}" y2="${position}" stroke="#555" stroke-dasharray="5 4"/>`);
    svg.push(`<text x="${x0 + plotWidth + 4}" y="${position + 4}" fill="#555" font-size="10">${escapeXml(`${line.label} ${line.value}`)}</text>`);
  });
  legend.forEach((name, index) => {
    // Legend in the right margin, below the middle, clear of the reference labels near the lines.
    const legendY = y0 + plotHeight / 2 + 6 + index * 16;
    svg.push(`<rect x="${x0 + plotWidth + 10}" y="${legendY}" width="10" height="10" fill="${palette[index % palette.length]}"/>`);
    svg.push(`<text x="${x0 + plotWidth + 24}" y="${legendY + 9}">${escapeXml(name)}</text>`);
  });
  return { svg, x0, y0, plotWidth, plotHeight, y };
}

/** Grouped bar chart: one group per category, one bar per series, dashed reference lines. */
export function svgBarChart(categories: readonly string[], series: readonly ChartSeries[], options: ChartOptions): string {
  const all = series.flatMap((entry) => entry.values.map((value, index) => value + (entry.errors?.[index] ?? 0)));
  // Category labels wider than their group (about 6.6 px a character at 12 px) are turned 35° so they do not run into
  // each other; the plot gives up the height they need below the axis.
  const plotWidth = (options.width ?? 720) - 64 - 180;
  const longest = Math.max(0, ...categories.map((category) => category.length)) * labelCharacterWidth;
  const slanted = longest > (plotWidth / Math.max(1, categories.length)) * 0.95;
  const bottomMargin = slanted ? Math.min(160, Math.ceil(24 + longest * Math.sin(labelAngle))) : 60;
  const chart = frame(options, all, series.map((entry) => entry.name), bottomMargin);
  const groupWidth = chart.plotWidth / Math.max(1, categories.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, series.length);
  categories.forEach((category, categoryIndex) => {
    const left = chart.x0 + categoryIndex * groupWidth + groupWidth * 0.1;
    series.forEach((entry, seriesIndex) => {
      const value = entry.values[categoryIndex];
      if (value === undefined || !Number.isFinite(value)) return;
      // Bars grow from 0, or from the axis edge when the axis does not include 0 (yMin > 0 or yMax < 0).
      const base = Math.min(Math.max(0, options.yMin ?? 0), options.yMax ?? Number.POSITIVE_INFINITY);
      const top = chart.y(Math.max(base, value));
      const bottom = chart.y(Math.min(base, value));
      const x = left + seriesIndex * barWidth;
      chart.svg.push(`<rect x="${x}" y="${top}" width="${barWidth * 0.92}" height="${Math.max(0, bottom - top)}" fill="${palette[seriesIndex % palette.length]}"><title>${escapeXml(`${entry.name} ${category}: ${value}`)}</title></rect>`);
      const error = entry.errors?.[categoryIndex];
      if (error) {
        const center = x + (barWidth * 0.92) / 2;
        chart.svg.push(`<line x1="${center}" x2="${center}" y1="${chart.y(value - error)}" y2="${chart.y(value + error)}" stroke="#222"/>`);
      }
    });
    const labelX = left + groupWidth * 0.4;
    const labelY = chart.y0 + chart.plotHeight + 16;
    chart.svg.push(
      slanted
        ? `<text transform="translate(${labelX} ${labelY - 4}) rotate(${(-labelAngle * 180) / Math.PI})" text-anchor="end">${escapeXml(category)}</text>`
        : `<text x="${labelX}" y="${labelY}" text-anchor="middle">${escapeXml(category)}</text>`,
    );
  });
  chart.svg.push('</svg>');
  return chart.svg.join('\n');
}

/** Line chart over shared x values, with markers and dashed reference lines. */
export function svgLineChart(x: readonly number[], series: readonly ChartSeries[], options: ChartOptions & { logX?: boolean }): string {
  const chart = frame(options, series.flatMap((entry) => [...entry.values]), series.map((entry) => entry.name));
  const transform = (value: number) => (options.logX ? Math.log(value) : value);
  const xs = x.map(transform);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const px = (value: number) => chart.x0 + ((transform(value) - xMin) / Math.max(1e-12, xMax - xMin)) * chart.plotWidth;
  for (const value of x) {
    chart.svg.push(`<text x="${px(value)}" y="${chart.y0 + chart.plotHeight + 16}" text-anchor="middle">${Number(value.toPrecision(4))}</text>`);
  }
  series.forEach((entry, index) => {
    const color = palette[index % palette.length];
    const points = entry.values.map((value, i) => [px(x[i] ?? 0), chart.y(value)] as const).filter(([, py]) => Number.isFinite(py));
    chart.svg.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map(([a, b]) => `${a},${b}`).join(' ')}"/>`);
    for (const [a, b] of points) chart.svg.push(`<circle cx="${a}" cy="${b}" r="3" fill="${color}"/>`);
  });
  chart.svg.push('</svg>');
  return chart.svg.join('\n');
}

export interface ResultFiles {
  /** Any JSON-serialisable results object. */
  json: unknown;
  /** Markdown report (tables and notes). */
  markdown: string;
  /** Optional SVG charts by file stem. */
  svgs?: Record<string, string>;
}

/** Writes `<name>.json`, `<name>.md` and `<name>[-stem].svg` atomically into a results directory. */
export function writeResults(directory: string, name: string, files: ResultFiles): string[] {
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    // A file where the folder (or one above it) should be: one line, not mkdir's EEXIST stack trace.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new PersonalabError('invalid_argument', `cannot write results into ${directory}: it or a folder above it is a file`, { cause: error, details: { path: directory } });
    throw error;
  }
  const written: string[] = [];
  const jsonPath = join(directory, `${name}.json`);
  writeFileAtomic(jsonPath, JSON.stringify(files.json, null, 2) + '\n');
  written.push(jsonPath);
  const markdownPath = join(directory, `${name}.md`);
  writeFileAtomic(markdownPath, files.markdown.endsWith('\n') ? files.markdown : files.markdown + '\n');
  written.push(markdownPath);
  for (const [stem, svg] of Object.entries(files.svgs ?? {})) {
    const svgPath = join(directory, stem === '' ? `${name}.svg` : `${name}-${stem}.svg`);
    writeFileAtomic(svgPath, svg + '\n');
    written.push(svgPath);
  }
  return written;
}

/** What a results Markdown records of the run that made it. */
export interface RunHeaderOptions {
  /** The command line that made the file: `scriptCommand(...)`, or `invokedCommand()` where the script's name is not fixed. */
  command: string;
  /** When the run started (default now), written as an ISO 8601 UTC time. */
  date?: Date;
  /** A bench's machine line (cores, CPU model, load): its timings compare only within one run. */
  machine?: string;
}

/**
 * The lines a results Markdown opens with, under its title: `Command:` (the command line that made
 * it), `Date:` and, for a bench, `Machine:`, each its own paragraph, then a blank line.
 */
export function runHeader(options: RunHeaderOptions): string[] {
  const date = (options.date ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return [`Command: \`${options.command}\``, '', `Date: ${date}`, '', ...(options.machine === undefined ? [] : [`Machine: ${options.machine}`, ''])];
}

/**
 * `markdown` with `runHeader(options)` under its `# title` line (at the top when it has none), for
 * a report rendered by a function that does not take the header itself.
 */
export function withRunHeader(markdown: string, options: RunHeaderOptions): string {
  const header = runHeader(options).join('\n');
  const title = /^# [^\n]*\n\n?/.exec(markdown);
  if (title === null) return `${header}\n${markdown}`;
  const heading = title[0].endsWith('\n\n') ? title[0] : `${title[0]}\n`;
  return `${heading}${header}\n${markdown.slice(title[0].length)}`;
}

/** The machine `machineLine` describes; each field defaults to this one's. */
export interface MachineLineOptions {
  /** The logical CPUs, as `os.cpus()` lists them. */
  cpus?: readonly { model: string }[];
  /** The Node version, as `process.version`. */
  node?: string;
}

/**
 * The start of a bench's `Machine:` line, e.g. `2 CPUs (AMD EPYC), Node v20.20.2`: every bench writes its
 * hardware the same way and adds its own load averages and notes after it.
 */
export function machineLine(options: MachineLineOptions = {}): string {
  const list = options.cpus ?? cpus();
  const model = list[0]?.model.trim() || 'unknown';
  return `${list.length} CPUs (${model}), Node ${options.node ?? process.version}`;
}

/** Median of a list of numbers (NaN for an empty list). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Mean and sample standard deviation. */
export function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  if (values.length === 0) return { mean: Number.NaN, std: Number.NaN };
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance) };
}
