/**
 * Renders a Vega-Lite spec to an SVG string headless: Vega-Lite compiles it to Vega, and a Vega
 * view with no renderer draws it to SVG text. No browser and no canvas package are needed: text
 * widths come from a table of DejaVu Sans's advance widths (textWidth.ts) instead of a canvas.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { vegaTextWidth } from './textWidth.js';

/**
 * Vega's hook for text measurement (exported, but missing from its typings): without a canvas it
 * guesses 0.8 em a character; a width function set here is used for layout and for truncation.
 */
const textMetrics = (vega as unknown as { textMetrics: { width: (item: object, text: unknown) => number } }).textMetrics;
textMetrics.width = vegaTextWidth;

export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile(spec).spec;
  // Warnings (e.g. an empty scale domain) go nowhere: the report decides what is an error.
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.None });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
