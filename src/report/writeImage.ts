/**
 * Writes a figure as SVG or PNG, as its file name's extension says (`.svg`, `.png`; any case):
 * the commands that draw (`plot`, `chart`) take either.
 */
import { extname } from 'node:path';
import { writeFileAtomic } from './writeFileAtomic.js';

export type ImageFormat = 'svg' | 'png';

/** The rule an --out file name must follow, for messages. */
export const IMAGE_FILE_RULE = 'must end in .svg or .png';

/** What a file name's extension asks for (undefined: neither). */
export function imageFormat(file: string): ImageFormat | undefined {
  const extension = extname(file).toLowerCase();
  return extension === '.svg' ? 'svg' : extension === '.png' ? 'png' : undefined;
}

/** Writes `svg` to `file`, drawn to PNG (twice its size, svgToPng.ts) if the name ends in .png. */
export async function writeImage(file: string, svg: string): Promise<void> {
  if (imageFormat(file) === 'png') {
    // Loaded here: the renderer's WebAssembly is only worth loading for a PNG.
    const { svgToPng } = await import('./svgToPng.js');
    writeFileAtomic(file, await svgToPng(svg));
  } else writeFileAtomic(file, svg);
}
