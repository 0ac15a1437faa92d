/** One curve of a recall-versus-throughput chart: a point per ef. */
export interface TradeoffSeries {
  name: string;
  points: readonly { ef: number; recall: number; queriesPerSecond: number }[];
}

const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#b07aa1'];
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Recall@k (y) against queries/s (x, log scale), one line per series with each point labelled by
 * its ef, plus dashed guides: the recall target and the queries/s target (a multiple of exact).
 */
export function tradeoffChart(title: string, series: readonly TradeoffSeries[], guides: { recall?: number; queriesPerSecond?: number; queriesPerSecondLabel?: string }): string {
  const width = 760;
  const height = 440;
  const left = 70;
  const top = 40;
  const plotWidth = width - left - 200;
  const plotHeight = height - top - 60;
  const xs = series.flatMap((entry) => entry.points.map((point) => point.queriesPerSecond));
  if (guides.queriesPerSecond !== undefined) xs.push(guides.queriesPerSecond);
  const ys = series.flatMap((entry) => entry.points.map((point) => point.recall));
  const xMin = Math.log10(Math.min(...xs) / 1.3);
  const xMax = Math.log10(Math.max(...xs) * 1.3);
  const yMin = Math.max(0, Math.floor(Math.min(...ys, guides.recall ?? 1) * 20) / 20 - 0.05);
  const yMax = 1.0;
  const px = (value: number) => left + ((Math.log10(value) - xMin) / (xMax - xMin)) * plotWidth;
  const py = (value: number) => top + plotHeight - ((value - yMin) / (yMax - yMin)) * plotHeight;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (let tick = 0; tick <= 5; tick++) {
    const value = yMin + ((yMax - yMin) * tick) / 5;
    svg.push(`<line x1="${left}" x2="${left + plotWidth}" y1="${py(value)}" y2="${py(value)}" stroke="#eee"/>`);
    svg.push(`<text x="${left - 6}" y="${py(value) + 4}" text-anchor="end">${value.toFixed(2)}</text>`);
  }
  for (let exponent = Math.ceil(xMin); exponent <= Math.floor(xMax); exponent++) {
    for (const mantissa of [1, 2, 5]) {
      const value = mantissa * 10 ** exponent;
      if (Math.log10(value) < xMin || Math.log10(value) > xMax) continue;
      svg.push(`<line x1="${px(value)}" x2="${px(value)}" y1="${top}" y2="${top + plotHeight}" stroke="#f3f3f3"/>`);
      svg.push(`<text x="${px(value)}" y="${top + plotHeight + 16}" text-anchor="middle">${value >= 1000 ? `${value / 1000}k` : value}</text>`);
    }
  }
  svg.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotHeight}" stroke="#333"/>`);
  svg.push(`<line x1="${left}" x2="${left + plotWidth}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="#333"/>`);
  svg.push(`<text x="${left + plotWidth / 2}" y="${height - 14}" text-anchor="middle">queries/s (log scale, one thread)</text>`);
  svg.push(`<text transform="translate(18 ${top + plotHeight / 2}) rotate(-90)" text-anchor="middle">recall@10</text>`);
  if (guides.recall !== undefined) {
    svg.push(`<line x1="${left}" x2="${left + plotWidth}" y1="${py(guides.recall)}" y2="${py(guides.recall)}" stroke="#555" stroke-dasharray="5 4"/>`);
    svg.push(`<text x="${left + plotWidth + 4}" y="${py(guides.recall) + 4}" fill="#555" font-size="10">recall ${guides.recall}</text>`);
  }
  if (guides.queriesPerSecond !== undefined) {
    svg.push(`<line x1="${px(guides.queriesPerSecond)}" x2="${px(guides.queriesPerSecond)}" y1="${top}" y2="${top + plotHeight}" stroke="#555" stroke-dasharray="5 4"/>`);
    svg.push(`<text x="${px(guides.queriesPerSecond) + 4}" y="${top + 12}" fill="#555" font-size="10">${escapeXml(guides.queriesPerSecondLabel ?? '')}</text>`);
  }
  series.forEach((entry, index) => {
    const color = palette[index % palette.length]!;
    const points = entry.points.map((point) => [px(point.queriesPerSecond), py(point.recall), point.ef] as const);
    svg.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map(([x, y]) => `${x},${y}`).join(' ')}"/>`);
    for (const [x, y, ef] of points) {
      svg.push(`<circle cx="${x}" cy="${y}" r="3.5" fill="${color}"/>`);
      svg.push(`<text x="${x + 5}" y="${y - 6}" font-size="10" fill="${color}">ef ${ef}</text>`);
    }
    svg.push(`<rect x="${left + plotWidth + 12}" y="${top + 30 + index * 18}" width="10" height="10" fill="${color}"/>`);
    svg.push(`<text x="${left + plotWidth + 26}" y="${top + 39 + index * 18}">${escapeXml(entry.name)}</text>`);
  });
  svg.push('</svg>');
  return svg.join('\n');
}
