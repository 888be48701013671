/**
 * Widths of sans-serif text without a canvas: the advance widths of DejaVu Sans (the font the PNG
 * renderer draws with, pngFromSvg.ts, and the widest of the common sans-serif fonts, so text laid
 * out with these widths fits in Helvetica or Arial too). Used to lay out the sequence charts and,
 * through `vega.textMetrics`, Vega's figures: Vega's own estimate without a canvas (0.8 em a
 * character) is about 35% too wide, which pushed plots down under a long rotated axis title.
 */

/** Advance widths in thousandths of an em of the printable ASCII characters (32 … 126), read from DejaVuSans.ttf's hmtx table. */
const REGULAR_ASCII = [
  318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686,
  698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615,
  352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];
/** The same from DejaVuSans-Bold.ttf. */
const BOLD_ASCII = [
  348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774,
  762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716,
  678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];
/** The non-ASCII characters our figures use (regular; bold where it differs). */
const OTHERS: Readonly<Record<string, readonly [number, number]>> = {
  '·': [318, 380], '±': [838, 838], '≥': [838, 838], '≤': [838, 838], '◆': [769, 769], '…': [1000, 1000], '—': [1000, 1000], '–': [500, 500],
  '→': [838, 838], '×': [838, 838], '−': [838, 838], '‘': [318, 380], '’': [318, 380], '“': [518, 657], '”': [518, 657],
};
/** Any other character: as wide as a capital W is not, but wider than most (err on the side of room). */
const UNKNOWN = 800;

/** Width in pixels of `text` in sans-serif at `size` pixels. */
export function textWidth(text: string, size: number, bold = false): number {
  let thousandths = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 32 && code <= 126) thousandths += (bold ? BOLD_ASCII : REGULAR_ASCII)[code - 32]!;
    else thousandths += OTHERS[char]?.[bold ? 1 : 0] ?? UNKNOWN;
  }
  return (thousandths * size) / 1000;
}

/** What Vega passes to `textMetrics.width`: a text mark item (only the fields read here). */
interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
  limit?: number;
}

/**
 * `vega.textMetrics.width`: the width of one line of a text item, never more than its `limit`
 * (Vega truncates a longer line to it).
 */
export function vegaTextWidth(item: TextItem, text: unknown): number {
  const size = item.fontSize !== undefined && item.fontSize !== null ? Number(item.fontSize) || 0 : 11;
  const weight = item.fontWeight;
  const bold = weight === 'bold' || weight === 'bolder' || (typeof weight === 'number' && weight >= 600) || (typeof weight === 'string' && Number(weight) >= 600);
  const width = textWidth(text === null || text === undefined ? '' : String(text).trim(), size, bold);
  return item.limit !== undefined && item.limit > 0 ? Math.min(width, item.limit) : width;
}
