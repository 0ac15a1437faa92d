import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownTable, meanAndStd, median, svgBarChart, svgLineChart, writeResults } from './index.js';

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
});
