/**
 * Renders a Vega-Lite spec to an SVG string headless: Vega-Lite compiles it to Vega, and a Vega
 * view with no renderer draws it to SVG text. No browser and no canvas package are needed (text
 * widths are estimated instead of measured).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

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
