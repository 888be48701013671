// SVG to PNG: a real PNG of the expected size, with its text drawn, or a refusal when no font can
// draw the text.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportError } from '../../src/report/ReportError.js';
import { findSansSerifFont, svgToPng } from '../../src/report/svgToPng.js';
import { pngSize, PNG_SIGNATURE } from './png.js';
import { tempDir } from './fakeRuns.js';

const svg = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" font-family="sans-serif"><rect width="120" height="40" fill="white"/>${body}</svg>`;
const LABEL = '<text x="6" y="26" font-size="16">target 95%</text>';

describe('svgToPng', () => {
  it('writes a PNG twice the size of the SVG (or as scaled)', async () => {
    const png = await svgToPng(svg(LABEL));

    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: 240, height: 80 });
    expect(pngSize(await svgToPng(svg(LABEL), { scale: 1 }))).toEqual({ width: 120, height: 40 });
  });

  it('draws the text: the same picture without its label is another image', async () => {
    const withText = await svgToPng(svg(LABEL));
    const withoutText = await svgToPng(svg(''));
    const emptyText = await svgToPng(svg('<text x="6" y="26" font-size="16"></text>'));

    expect(Buffer.from(withoutText).equals(Buffer.from(emptyText))).toBe(true); // same pixels, same bytes
    expect(Buffer.from(withText).equals(Buffer.from(withoutText))).toBe(false);
  });

  it('refuses, naming the fix, when no font is found', async () => {
    const empty = tempDir('cgym-nofonts-');

    const attempt = svgToPng(svg(LABEL), { fontDirs: [empty, join(empty, 'missing')] });

    await expect(attempt).rejects.toThrow(ReportError);
    await expect(attempt).rejects.toThrow(/^PNG: no sans-serif TrueType font \(DejaVu Sans, .*\) under .*cgym-nofonts-.*; install one \(Debian: apt-get install fonts-dejavu-core\) or write \.svg$/);
  });
});

describe('findSansSerifFont', () => {
  it('finds a known font a few folders down, with its bold face', () => {
    // The machine's own DejaVu Sans (Debian's fonts-dejavu-core), copied where the search must dig for it.
    const system = findSansSerifFont();
    expect(system, 'this machine has no sans-serif TrueType font: apt-get install fonts-dejavu-core').not.toBeNull();
    const regular = system!.files[0]!;
    const root = tempDir('cgym-fonts-');
    mkdirSync(join(root, 'truetype', 'some'), { recursive: true });
    copyFileSync(regular, join(root, 'truetype', 'some', 'LiberationSans-Regular.ttf'));
    copyFileSync(regular, join(root, 'truetype', 'LiberationSans-Bold.ttf'));

    expect(findSansSerifFont([root])).toEqual({
      family: 'Liberation Sans',
      files: [join(root, 'truetype', 'some', 'LiberationSans-Regular.ttf'), join(root, 'truetype', 'LiberationSans-Bold.ttf')],
    });
    expect(findSansSerifFont([join(root, 'nothing here')])).toBeNull();
  });
});
