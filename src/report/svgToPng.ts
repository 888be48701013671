/**
 * SVG to PNG, headless, with resvg compiled to WebAssembly (@resvg/resvg-wasm: no native binary,
 * nothing downloaded at install). resvg draws text only with a font it is given, so a sans-serif
 * TrueType font is looked up among the system's fonts first; with none, the PNG is refused rather
 * than written without its text.
 */
import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ReportError } from './ReportError.js';

/** Folders searched for fonts (and their sub-folders), in order: Linux, macOS, Windows. */
export const FONT_DIRS: readonly string[] = [
  '/usr/share/fonts',
  '/usr/local/share/fonts',
  join(homedir(), '.local/share/fonts'),
  join(homedir(), '.fonts'),
  '/Library/Fonts',
  '/System/Library/Fonts',
  'C:\\Windows\\Fonts',
];

/** Sans-serif fonts we can draw with, preferred first: DejaVu Sans is the one text widths are measured in (textWidth.ts). */
const CANDIDATES: ReadonlyArray<{ family: string; regular: readonly string[]; bold: readonly string[] }> = [
  { family: 'DejaVu Sans', regular: ['DejaVuSans.ttf'], bold: ['DejaVuSans-Bold.ttf'] },
  { family: 'Liberation Sans', regular: ['LiberationSans-Regular.ttf'], bold: ['LiberationSans-Bold.ttf'] },
  { family: 'Noto Sans', regular: ['NotoSans-Regular.ttf'], bold: ['NotoSans-Bold.ttf'] },
  { family: 'Arial', regular: ['Arial.ttf', 'arial.ttf'], bold: ['Arial Bold.ttf', 'arialbd.ttf'] },
];

export interface SansSerifFont {
  family: string;
  /** Font files: the regular face, then the bold one if found. */
  files: string[];
}

/** The first candidate font found under `dirs` (searched a few levels deep), or null. */
export function findSansSerifFont(dirs: readonly string[] = FONT_DIRS): SansSerifFont | null {
  const found = new Map<string, string>();
  for (const dir of dirs) collectFontFiles(dir, 4, found);
  for (const candidate of CANDIDATES) {
    const regular = candidate.regular.map((name) => found.get(name)).find((f) => f !== undefined);
    if (regular === undefined) continue;
    const bold = candidate.bold.map((name) => found.get(name)).find((f) => f !== undefined);
    return { family: candidate.family, files: bold === undefined ? [regular] : [regular, bold] };
  }
  return null;
}

export interface SvgToPngOptions {
  /** Pixels per SVG pixel (default 2: sharp on high-density screens and in print). */
  scale?: number;
  /** Where to look for a font (default `FONT_DIRS`). */
  fontDirs?: readonly string[];
}

/** Renders `svg` to PNG bytes on a white background, `scale` times the SVG's size. */
export async function svgToPng(svg: string, options: SvgToPngOptions = {}): Promise<Uint8Array> {
  const dirs = options.fontDirs ?? FONT_DIRS;
  const font = findSansSerifFont(dirs);
  if (font === null)
    throw new ReportError(
      `PNG: no sans-serif TrueType font (${CANDIDATES.map((c) => c.family).join(', ')}) under ${dirs.join(', ')} to draw its text with; install one (Debian: apt-get install fonts-dejavu-core) or write .svg`,
    );
  const { Resvg } = await resvg();
  const scale = options.scale ?? 2;
  // resvg throws on an SVG it cannot read, and traps (a Rust panic) on one it cannot draw; the
  // object it was drawing is then unusable, so its memory is only given back after a success.
  try {
    const renderer = new Resvg(svg, {
      font: { fontBuffers: font.files.map((file) => readFileSync(file)), defaultFontFamily: font.family, sansSerifFamily: font.family },
      fitTo: { mode: 'zoom', value: scale },
      background: 'white',
    });
    const image = renderer.render();
    const png = image.asPng();
    image.free();
    renderer.free();
    return png;
  } catch (error) {
    throw new ReportError(`PNG: resvg could not draw the SVG (${error instanceof Error ? error.message : String(error)})`);
  }
}

// ---------------------------------------------------------------- internals

type ResvgModule = typeof import('@resvg/resvg-wasm');
let loading: Promise<ResvgModule> | undefined;

/** The resvg module with its WebAssembly instantiated (once per process: a second `initWasm` throws). */
function resvg(): Promise<ResvgModule> {
  loading ??= (async () => {
    const module = await import('@resvg/resvg-wasm');
    const wasm = createRequire(import.meta.url).resolve('@resvg/resvg-wasm/index_bg.wasm');
    await module.initWasm(readFileSync(wasm));
    return module;
  })();
  return loading;
}

/** Adds the .ttf files under `dir` (by file name; the first found wins) to `found`, `depth` levels down. */
function collectFontFiles(dir: string, depth: number, found: Map<string, string>): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // a missing or unreadable folder holds no font we can use
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth > 0) collectFontFiles(path, depth - 1, found);
    } else if (/\.ttf$/i.test(entry.name) && !found.has(entry.name)) {
      found.set(entry.name, path);
    }
  }
}
