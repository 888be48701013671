// Checks on SVG text without an XML library: well-formed tags, and counting elements by class.
import { expect } from 'vitest';

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
