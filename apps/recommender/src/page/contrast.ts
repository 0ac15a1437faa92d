/**
 * WCAG 2 contrast, for the chat page's tests: the ratio of two colours' relative luminances
 * (https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio). Not served to the browser.
 */

/** An sRGB colour, channels 0–255, alpha 0–1. */
export interface Rgba {
  red: number;
  green: number;
  blue: number;
  alpha: number;
}

/** The smallest ratio WCAG AA asks of normal text (1.4.3). */
export const textContrast = 4.5;
/** The smallest ratio WCAG AA asks of large text (1.4.3) and of controls and focus indicators (1.4.11). */
export const nonTextContrast = 3;

/** Parses `#rgb`, `#rrggbb`, `#rrggbbaa`, `rgb(r, g, b)`, `rgba(r, g, b, a)` and `rgb(r g b / a)`, as CSS and `getComputedStyle` write them. */
export function parseColor(text: string): Rgba {
  const value = text.trim().toLowerCase();
  if (value === 'transparent') return { red: 0, green: 0, blue: 0, alpha: 0 };
  if (value === 'white') return { red: 255, green: 255, blue: 255, alpha: 1 };
  if (value === 'black') return { red: 0, green: 0, blue: 0, alpha: 1 };
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(value)?.[1];
  if (hex !== undefined) {
    const full = hex.length === 3 ? [...hex].map((digit) => digit + digit).join('') : hex;
    const channel = (index: number) => Number.parseInt(full.slice(index * 2, index * 2 + 2), 16);
    return { red: channel(0), green: channel(1), blue: channel(2), alpha: full.length === 8 ? channel(3) / 255 : 1 };
  }
  const functional = /^rgba?\(([^)]*)\)$/.exec(value)?.[1];
  if (functional !== undefined) {
    const parts = functional.split(/[\s,/]+/).filter((part) => part !== '');
    const numbers = parts.map((part) => (part.endsWith('%') ? Number.parseFloat(part) / 100 : Number(part)));
    const [red, green, blue, alpha = 1] = numbers;
    if ((parts.length === 3 || parts.length === 4) && numbers.every((number) => Number.isFinite(number)) && red !== undefined && green !== undefined && blue !== undefined) {
      return { red, green, blue, alpha };
    }
  }
  throw new Error(`not a colour this contrast check reads: ${JSON.stringify(text)}`);
}

/** `top` painted over the opaque `bottom` (source-over), as the eye sees a translucent colour. */
export function composite(top: Rgba, bottom: Rgba): Rgba {
  const mix = (over: number, under: number) => over * top.alpha + under * (1 - top.alpha);
  return { red: mix(top.red, bottom.red), green: mix(top.green, bottom.green), blue: mix(top.blue, bottom.blue), alpha: 1 };
}

/** WCAG's relative luminance of an opaque colour, 0 (black) to 1 (white). */
export function relativeLuminance(color: Rgba): number {
  const linear = (channel: number) => {
    const value = channel / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(color.red) + 0.7152 * linear(color.green) + 0.0722 * linear(color.blue);
}

/** The contrast ratio of two colours, 1 to 21; a translucent `foreground` is first painted over `background` (which must be opaque). */
export function contrastRatio(foreground: Rgba | string, background: Rgba | string): number {
  const back = typeof background === 'string' ? parseColor(background) : background;
  if (back.alpha < 1) throw new Error('contrastRatio: the background must be opaque (composite it over what lies under it first)');
  const front = composite(typeof foreground === 'string' ? parseColor(foreground) : foreground, back);
  const [lighter, darker] = [relativeLuminance(front), relativeLuminance(back)].sort((a, b) => b - a) as [number, number];
  return (lighter + 0.05) / (darker + 0.05);
}
