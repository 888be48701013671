// Checks on SVG text without an XML library: well-formed tags, counting elements by class, and where
// texts and strokes lie (to test a layout for overlaps).
import { expect } from 'vitest';
import { textWidth } from '../../src/report/textWidth.js';

/** Expects `svg` to be one well-formed `<svg>` element: every tag closed in order, nothing after it. */
export function expectWellFormedSvg(svg: string): void {
  const body = svg.replace(/^<\?xml[^>]*\?>\s*/, '').trim();
  expect(body.startsWith('<svg')).toBe(true);
  expect(body.endsWith('</svg>')).toBe(true);
  const open: string[] = [];
  for (const match of body.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:"[^"]*"|'[^']*'|[^'">])*)>/g)) {
    const [, closing, name, rest] = match;
    if (closing) {
      expect(open.pop(), `</${name}> closes the last opened tag`).toBe(name);
    } else if (!rest!.trimEnd().endsWith('/')) open.push(name!);
  }
  expect(open).toEqual([]);
  // Text content must not hold a raw `<` or `&` that is not an entity.
  expect(body.replace(/<[^>]*>/g, '')).not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i);
}

/** How many elements carry exactly this class attribute value. */
export function countClass(svg: string, className: string): number {
  return [...svg.matchAll(new RegExp(`class="${className}"`, 'g'))].length;
}

/** Texts of all `<text>` elements, entities decoded. */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&'),
  );
}

/** A text element's box: its measured width (DejaVu Sans, as the chart lays it out) and its glyphs' height. */
export interface TextBox {
  text: string;
  className: string | null;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const attribute = (attrs: string, name: string): string | undefined => attrs.match(new RegExp(`(?:^|\\s)${name}="([^"]*)"`))?.[1];

/** Boxes of all `<text>` elements (size from the element, else `defaultSize`), entities decoded. */
export function textBoxes(svg: string, defaultSize = 11): TextBox[] {
  return [...svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].map(([, attrs, raw]) => {
    const text = svgTexts(`<text>${raw}</text>`)[0]!;
    const x = Number(attribute(attrs!, 'x')), y = Number(attribute(attrs!, 'y'));
    const size = Number(attribute(attrs!, 'font-size') ?? defaultSize);
    const width = textWidth(text, size, attribute(attrs!, 'font-weight') === 'bold');
    const anchor = attribute(attrs!, 'text-anchor') ?? 'start';
    const left = anchor === 'middle' ? x - width / 2 : anchor === 'end' ? x - width : x;
    // DejaVu Sans: ascenders reach 0.76 em above the baseline, descenders 0.24 em below.
    return { text, className: attribute(attrs!, 'class') ?? null, left, right: left + width, top: y - 0.76 * size, bottom: y + 0.24 * size };
  });
}

/** Whether two boxes share more than a sliver (half a pixel each way). */
export function boxesOverlap(a: TextBox, b: TextBox): boolean {
  return Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
}

/**
 * Points along every arrow (message and relay lines, sample arcs) and lifeline, one every pixel or
 * so, with the arrow's class (`arrow message`, `lifeline`, …).
 */
export function strokePoints(svg: string): Array<{ kind: string; x: number; y: number }> {
  const points: Array<{ kind: string; x: number; y: number }> = [];
  const sample = (kind: string, at: (t: number) => [number, number], length: number) => {
    const steps = Math.max(2, Math.ceil(length));
    for (let k = 0; k <= steps; k++) {
      const [x, y] = at(k / steps);
      points.push({ kind, x, y });
    }
  };
  for (const [, kind, body] of svg.matchAll(/<g class="(arrow [a-z]+)"[^>]*>(.*?)<\/g>/g)) {
    for (const [, attrs] of body!.matchAll(/<line([^>]*)\/>/g)) {
      const [x1, y1, x2, y2] = ['x1', 'y1', 'x2', 'y2'].map((name) => Number(attribute(attrs!, name)));
      sample(kind!, (t) => [x1! + (x2! - x1!) * t, y1! + (y2! - y1!) * t], Math.hypot(x2! - x1!, y2! - y1!));
    }
    for (const [, d] of body!.matchAll(/<path d="([^"]*)"/g)) {
      const [x0, y0, cx, cy, x2, y2] = d!.match(/-?[\d.]+/g)!.map(Number);
      const at = (t: number): [number, number] => [(1 - t) ** 2 * x0! + 2 * (1 - t) * t * cx! + t ** 2 * x2!, (1 - t) ** 2 * y0! + 2 * (1 - t) * t * cy! + t ** 2 * y2!];
      sample(kind!, at, 2 * Math.hypot(x2! - x0!, cy! - y0!));
    }
  }
  for (const [, attrs] of svg.matchAll(/<line class="lifeline"([^>]*)\/>/g)) {
    const [x1, y1, x2, y2] = ['x1', 'y1', 'x2', 'y2'].map((name) => Number(attribute(attrs!, name)));
    sample('lifeline', (t) => [x1! + (x2! - x1!) * t, y1! + (y2! - y1!) * t], Math.hypot(x2! - x1!, y2! - y1!));
  }
  return points;
}
