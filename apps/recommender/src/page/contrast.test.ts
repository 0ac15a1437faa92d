import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composite, contrastRatio, parseColor, relativeLuminance, textContrast } from './contrast.js';

describe('contrastRatio (WCAG 2)', () => {
  it('gives the ratios WCAG and its examples give', () => {
    expect(contrastRatio('#000', '#fff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#fff', '#fff')).toBe(1);
    // #767676 is the lightest grey with 4.5:1 on white; #777 falls just short.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(4.5);
    // Symmetric: which one is the text does not matter.
    expect(contrastRatio('#1d2330', '#f28e2b')).toBeCloseTo(contrastRatio('#f28e2b', '#1d2330'), 10);
    expect(relativeLuminance(parseColor('#808080'))).toBeCloseTo(0.2159, 4);
  });

  it('reads the colours getComputedStyle writes, and paints translucent ones over their background', () => {
    expect(parseColor('rgb(29, 35, 48)')).toEqual({ red: 29, green: 35, blue: 48, alpha: 1 });
    expect(parseColor('rgba(0, 0, 0, 0.5)')).toEqual({ red: 0, green: 0, blue: 0, alpha: 0.5 });
    expect(parseColor('rgb(0 0 0 / 50%)')).toEqual({ red: 0, green: 0, blue: 0, alpha: 0.5 });
    expect(parseColor('#1d233080').alpha).toBeCloseTo(0.5, 2);
    expect(parseColor('transparent').alpha).toBe(0);
    expect(composite(parseColor('rgba(0, 0, 0, 0.5)'), parseColor('#fff'))).toEqual({ red: 127.5, green: 127.5, blue: 127.5, alpha: 1 });
    // Half-transparent black text on white is a mid grey, not black.
    expect(contrastRatio('rgba(0, 0, 0, 0.5)', '#fff')).toBeCloseTo(contrastRatio({ red: 127.5, green: 127.5, blue: 127.5, alpha: 1 }, '#fff'), 10);
    expect(() => contrastRatio('#000', 'rgba(0, 0, 0, 0.5)')).toThrow(/opaque/);
    expect(() => parseColor('hsl(0 0% 0%)')).toThrow(/not a colour this contrast check reads: "hsl\(0 0% 0%\)"/);
  });
});

describe('style.css', () => {
  it('gives every rule that sets both a text colour and a fill 4.5:1 between them', () => {
    const css = readFileSync(new URL('./style.css', import.meta.url), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    const pairs: { selector: string; ratio: number }[] = [];
    for (const [, selector = '', body = ''] of css.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
      const color = /(?:^|;)\s*color:\s*([^;]+)/.exec(body)?.[1]?.trim();
      const background = /(?:^|;)\s*background(?:-color)?:\s*([^;]+)/.exec(body)?.[1]?.trim();
      if (color === undefined || background === undefined || background === 'none') continue;
      pairs.push({ selector: selector.trim(), ratio: Math.round(contrastRatio(color, background) * 100) / 100 });
    }
    // The page's buttons, header, chat bubbles and chosen rating are all such rules.
    expect(pairs.map((pair) => pair.selector)).toEqual(expect.arrayContaining(['button', 'header', '#log li.user', '.card .rate button.chosen']));
    // White on the old orange (#f28e2b) had been 2.42:1, the chosen rating's white on #59a14f 3.16:1.
    expect(pairs.filter((pair) => pair.ratio < textContrast)).toEqual([]);
  });
});
