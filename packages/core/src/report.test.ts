import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { machineLine, markdownTable, meanAndStd, median, runHeader, svgBarChart, svgLineChart, withRunHeader, writeResults } from './index.js';

describe('report helpers', () => {
  it('formats a markdown table with aligned numbers', () => {
    const table = markdownTable(['model', 'ndcg'], [['ease', 0.48912], ['pop', null]], 3);
    expect(table.split('\n')).toEqual(['| model | ndcg |', '| --- | ---: |', '| ease | 0.489 |', '| pop | – |']);
  });

  it('computes median and sample std', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    const { mean, std } = meanAndStd([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(mean).toBe(5);
    expect(std).toBeCloseTo(2.138, 3);
  });

  it('draws charts with reference lines and writes result files', () => {
    const bars = svgBarChart(['NDCG@10'], [{ name: 'EASE', values: [0.49] }], { title: 'P1', references: [{ label: 'BiVAE', value: 0.4751 }] });
    expect(bars).toContain('<svg');
    expect(bars).toContain('stroke-dasharray');
    expect(bars).toContain('BiVAE 0.4751');
    // With a y axis that starts above 0, bars start at the axis and stay inside the plot.
    const zoomed = svgBarChart(['RMSE'], [{ name: 'blend', values: [0.89] }], { title: 'P3', yMin: 0.85, yMax: 1, height: 400 });
    const height = Number(/<rect x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)" fill="[^"]+"><title>/.exec(zoomed)?.[1]);
    expect(height).toBeGreaterThan(0);
    expect(height).toBeLessThan(400 - 100);
    // Short labels sit level under their bars; labels wider than a bar group are slanted, and the plot leaves room for them.
    expect(bars).toMatch(/<text x="[^"]+" y="[^"]+" text-anchor="middle">NDCG@10<\/text>/);
    const names = ['most-popular', 'item-knn', 'ease', 'context-ease', 'bpr-mf', 'sequential-two-tower', 'lightgcn', 'context-ease+lightgcn'];
    const crowded = svgBarChart(names, [{ name: 'NDCG@10', values: names.map(() => 0.4) }], { title: 'P1' });
    expect(crowded.match(/<text transform="translate\([^)]+\) rotate\(-35\)" text-anchor="end">/g)).toHaveLength(names.length);
    const axis = Number(/<line x1="64" x2="[^"]+" y1="([^"]+)" y2="[^"]+" stroke="#333"\/>/.exec(crowded.split('\n').filter((line) => line.includes('stroke="#333"'))[1] ?? '')?.[1]);
    // The longest label (21 characters at ~6.6 px, turned 35°) reaches about 80 px below the axis: inside the 400 px chart.
    expect(axis + 21 * 6.6 * Math.sin((35 * Math.PI) / 180)).toBeLessThan(400);
    expect(axis).toBeLessThan(340);
    const lines = svgLineChart([16, 32, 64], [{ name: 'recall', values: [0.8, 0.9, 0.97] }], { title: 'ef', logX: true });
    expect(lines.match(/<circle/g)).toHaveLength(3);
    const directory = mkdtempSync(join(tmpdir(), 'report-'));
    const written = writeResults(directory, 'p1', { json: { a: 1 }, markdown: '# P1', svgs: { ndcg: bars } });
    expect(written.map((path) => path.slice(directory.length + 1))).toEqual(['p1.json', 'p1.md', 'p1-ndcg.svg']);
    expect(JSON.parse(readFileSync(join(directory, 'p1.json'), 'utf8'))).toEqual({ a: 1 });
    // A file where the results folder (or a folder above it) should be is one clear error.
    expect(() => writeResults(join(directory, 'p1.json'), 'p2', { json: {}, markdown: '' })).toThrow(/cannot write results into .*p1\.json: it or a folder above it is a file/);
    expect(() => writeResults(join(directory, 'p1.json', 'deeper'), 'p2', { json: {}, markdown: '' })).toThrow(/it or a folder above it is a file/);
  });

  it('opens a results file with the command, the date and the machine', () => {
    const date = new Date('2026-11-27T08:19:22.535Z');
    expect(runHeader({ command: 'npx tsx bench/x.ts', date })).toEqual(['Command: `npx tsx bench/x.ts`', '', 'Date: 2026-11-27T08:19:22Z', '']);
    expect(runHeader({ command: 'c', date, machine: '2 CPUs, load 1.0' }).slice(-2)).toEqual(['Machine: 2 CPUs, load 1.0', '']);
    expect(withRunHeader('# Title\n\n| a |\n', { command: 'c', date })).toBe('# Title\n\nCommand: `c`\n\nDate: 2026-11-27T08:19:22Z\n\n| a |\n');
    expect(withRunHeader('# Title\ntext', { command: 'c', date })).toBe('# Title\n\nCommand: `c`\n\nDate: 2026-11-27T08:19:22Z\n\ntext');
    expect(withRunHeader('text', { command: 'c', date })).toBe('Command: `c`\n\nDate: 2026-11-27T08:19:22Z\n\ntext');
  });

  it('describes the machine by its CPUs and Node version', () => {
    const core = { model: 'AMD EPYC 7B13 ' };
    expect(machineLine({ cpus: [core, core], node: 'v20.20.2' })).toBe('2 CPUs (AMD EPYC 7B13), Node v20.20.2');
    expect(machineLine({ cpus: [], node: 'v20.20.2' })).toBe('0 CPUs (unknown), Node v20.20.2');
    expect(machineLine()).toMatch(new RegExp(`^\\d+ CPUs \\(.+\\), Node ${process.version.replace(/\./g, '\\.')}$`));
  });
});
