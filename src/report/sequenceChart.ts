/**
 * A message-sequence chart of one episode, as SVG: one vertical lifeline per agent (faulty ones in
 * red, dashed), time running down in rounds, one arrow per message from the sender in the round it
 * sent to the recipient in the round it arrives (labelled with the value), relays dashed, sample
 * answers dotted arcs, the adversary's choices in red (Byzantine messages and answers) or orange
 * (an honest message the adversary delayed), decisions and crashes as marks on the lifelines, and
 * the trace's verdict as the caption.
 *
 * Hand-written SVG rather than Vega-Lite: an arrow needs a head oriented along it (Vega-Lite has
 * no arrowheads; rotated point marks only approximate them), sample answers are curves, and the
 * layout (per-sender offsets inside a round so that arrowheads do not pile up on one point, labels
 * a quarter of the way along their arrow) is geometry that an encoding grammar does not express.
 *
 * Each arrow is a `<g class="arrow message|relay|sample">`, each decision a `<g class="decision">`,
 * so tests (and curious readers of the file) can count them.
 *
 * Legibility: every label slides along its own arrow to a place no other label takes, with text
 * widths of DejaVu Sans (textWidth.ts); when a round is too crowded for that (a long asynchronous
 * episode, where every label carries its arrival round), the chart is drawn again with taller
 * rounds until every label has a place. Messages still in flight at the end land below the end
 * line, and the verdict goes under the lowest of them.
 */
import { claimLabel, episodeEvents, type EpisodeEvents, type MessageEvent, type SampleEvent } from '../game/episodeEvents.js';
import type { GameBatch } from '../game/GameBatch.js';
import { describeScenario, verdictLine } from '../game/trace.js';
import { textWidth } from './textWidth.js';

export interface SequenceChartOptions {
  /** First line, e.g. `majority vs equivocate · seed 0 · episode 3`. */
  title?: string;
}

/** Renders episode slot b of `game` (finished, or as far as it has been played). */
export function renderSequenceChart(game: GameBatch, b: number, options: SequenceChartOptions = {}): string {
  return sequenceChartSvg(episodeEvents(game, b), options);
}

const COLOURS = {
  honest: '#2f5f8f',
  adversary: '#c0392b',
  delayed: '#d35400',
  sample: '#138d75',
  decision: '#1e8449',
  guide: '#d5d8dc',
  text: '#1b2631',
  muted: '#7f8c8d',
  faultyFill: '#fdecea',
  honestFill: '#eaf2f8',
} as const;
const DASH = { message: '', relay: '7 4', sample: '1.5 3' } as const;
type Kind = keyof typeof DASH;
type Who = 'honest' | 'adversary' | 'delayed' | 'sample';

/** How much taller than the first try a crowded chart may get, step by step. */
const SPREADS = [1, 1.25, 1.5, 2, 2.5, 3, 4];

/** The chart of an episode already read by `episodeEvents` (the SVG text, ending in a newline). */
export function sequenceChartSvg(events: EpisodeEvents, options: SequenceChartOptions = {}): string {
  let drawn = drawChart(events, options, SPREADS[0]!);
  for (const spread of SPREADS.slice(1)) {
    if (drawn.collisions === 0) break;
    drawn = drawChart(events, options, spread);
  }
  return drawn.svg;
}

/** The chart with rounds `spread` times their usual height, and how many labels found no free place. */
function drawChart(events: EpisodeEvents, options: SequenceChartOptions, spread: number): { svg: string; collisions: number } {
  const { n, rounds } = events;
  const hasRelays = events.messages.some((m) => m.relay) || events.scenario.honestActions === 'relay';
  const hasSamples = events.samples.length > 0;
  // Geometry, in pixels: `lane` between lifelines, `slot` between two senders' departure points
  // inside a round (so that arrowheads do not pile up on one point), `row` the height of a round.
  const lane = hasRelays ? 170 : 120;
  const slot = (hasSamples ? 20 : hasRelays ? 22 : n <= 6 ? 10 : 6) * spread;
  const timed = events.scenario.timing !== 'sync';
  // Relay bundles and arrival rounds make long labels: taller rounds give them room to slide apart.
  const row = Math.max((hasSamples ? 40 : hasRelays ? 120 : timed ? 100 : 76) * spread, 14 + n * slot + 30);
  const left = 70;
  const width = Math.max(left + n * lane + 20, 640);
  const headerLines = (options.title ? 1 : 0) + 2;
  const boxTop = 14 + headerLines * 16;
  const top = boxTop + 40 + 26;

  const x = (i: number) => left + lane * (i + 0.5);
  const roundY = (r: number) => top + (r - 1) * row;
  const departY = (r: number, i: number) => roundY(r) + 12 + i * slot;
  const endY = roundY(rounds + 1);
  // Below the lowest arrowhead: a message still in flight at the end lands under the end line, at its sender's offset.
  const lateSenders = events.messages.filter((m) => m.arrivalRound > rounds).map((m) => m.from);
  const lifelineEnd = endY + Math.max(30, ...lateSenders.map((from) => departY(1, from) - roundY(1) + 14));
  const verdict = verdictLine(events);

  const out: string[] = [];
  // ---- title, scenario, episode
  const header: string[] = [];
  let y = 20;
  if (options.title) {
    out.push(text(12, y, options.title, { size: 14, weight: 'bold' }));
    y += 16;
  }
  header.push(`scenario ${describeScenario(events.scenario)}`, `episode ${events.episode} of seed ${events.seed}${events.gst !== null ? ` · GST=${events.gst}` : ''}`);
  for (const line of header) {
    out.push(text(12, y, line, { fill: COLOURS.muted }));
    y += 16;
  }

  // ---- round guides
  for (let r = 1; r <= rounds + 1; r++) {
    const ry = roundY(r);
    out.push(`<line class="round" x1="${left - 6}" y1="${ry}" x2="${width - 10}" y2="${ry}" stroke="${COLOURS.guide}" stroke-dasharray="3 3"/>`);
    out.push(text(8, ry + 4, r <= rounds ? `round ${r}` : 'end', { fill: COLOURS.muted }));
  }

  // ---- lifelines and agent boxes
  for (const agent of events.agents) {
    const ax = x(agent.id);
    const faulty = agent.fault !== null;
    const stroke = faulty ? COLOURS.adversary : COLOURS.text;
    const crashY = agent.crashedAt !== null ? departY(agent.crashedAt, agent.id) + slot / 2 + 4 : null;
    const solidEnd = crashY ?? lifelineEnd;
    out.push(`<line class="lifeline" x1="${ax}" y1="${boxTop + 40}" x2="${ax}" y2="${solidEnd}" stroke="${stroke}" stroke-width="1.2"${faulty ? ' stroke-dasharray="5 3"' : ''}/>`);
    if (crashY !== null) out.push(`<line x1="${ax}" y1="${crashY}" x2="${ax}" y2="${lifelineEnd}" stroke="${COLOURS.guide}" stroke-dasharray="2 4"/>`);
    const boxW = lane - 16;
    out.push(`<rect x="${ax - boxW / 2}" y="${boxTop}" width="${boxW}" height="40" rx="4" fill="${faulty ? COLOURS.faultyFill : COLOURS.honestFill}" stroke="${stroke}"/>`);
    const name = faulty ? `agent ${agent.id} · ${agent.fault === 'byzantine' ? 'byz' : agent.fault}` : `agent ${agent.id}`;
    out.push(text(ax, boxTop + 16, name, { anchor: 'middle', weight: 'bold', fill: faulty ? COLOURS.adversary : COLOURS.text }));
    // A Byzantine agent's input plays no part: in parentheses, as in the trace.
    const input = agent.fault === 'byzantine' ? `(input ${agent.input})` : `input ${agent.input}`;
    out.push(text(ax, boxTop + 31, input, { anchor: 'middle', fill: agent.fault === 'byzantine' ? COLOURS.muted : COLOURS.text }));
  }

  // ---- arrows
  out.push(`<defs>${(['honest', 'adversary', 'delayed', 'sample'] as const).map(markerDef).join('')}</defs>`);
  const labels = new LabelPlacer();
  // The marks' labels are placed first: arrow labels make way for them.
  for (const agent of events.agents) {
    if (agent.decisionRound !== null && agent.decision !== null)
      labels.reserve(x(agent.id) - 6, departY(agent.decisionRound, n - 1) + slot - 6, 14 + textWidth(`decides ${agent.decision}`, 11, true), 16);
    else if (agent.fault === null) labels.reserve(x(agent.id), endY + 4, 8 + textWidth('no decision', 11), 16);
    if (agent.crashedAt !== null) {
      const width = 14 + textWidth('crashed', 11);
      labels.reserve(x(agent.id) - width, departY(agent.crashedAt, agent.id) + slot / 2 - 8, width + 6, 16);
    }
  }
  for (const s of events.samples) out.push(sampleArrow(s, x, departY, labels));
  for (const m of events.messages) out.push(messageArrow(m, events, x, roundY, departY, endY, labels));

  // ---- decisions, crashes, honest agents left undecided
  for (const agent of events.agents) {
    const ax = x(agent.id);
    if (agent.decisionRound !== null && agent.decision !== null) {
      const dy = departY(agent.decisionRound, n - 1) + slot + 6;
      out.push(
        `<g class="decision" data-agent="${agent.id}" data-round="${agent.decisionRound}">` +
          `<circle cx="${ax}" cy="${dy}" r="5" fill="${COLOURS.decision}"/>` +
          text(ax + 8, dy + 4, `decides ${agent.decision}`, { fill: COLOURS.decision, weight: 'bold', halo: true }) +
          '</g>',
      );
    } else if (agent.fault === null) {
      out.push(`<g class="undecided" data-agent="${agent.id}">${text(ax + 6, endY + 16, 'no decision', { fill: COLOURS.adversary, halo: true })}</g>`);
    }
    if (agent.crashedAt !== null) {
      const cy = departY(agent.crashedAt, agent.id) + slot / 2 + 4;
      out.push(
        `<g class="crash" data-agent="${agent.id}" data-round="${agent.crashedAt}">` +
          `<path d="M${ax - 5},${cy - 5} L${ax + 5},${cy + 5} M${ax - 5},${cy + 5} L${ax + 5},${cy - 5}" stroke="${COLOURS.adversary}" stroke-width="2.2"/>` +
          text(ax - 8, cy + 4, 'crashed', { anchor: 'end', fill: COLOURS.adversary, halo: true }) +
          '</g>',
      );
    }
  }

  // ---- verdict and legend
  let by = lifelineEnd + 24;
  out.push(text(12, by, verdict, { size: 13, weight: 'bold', fill: events.outcome.win ? COLOURS.decision : COLOURS.adversary, className: 'verdict' }));
  by += 22;
  const adversarial = events.messages.some((m) => m.byAdversary) || events.samples.some((a) => a.byAdversary);
  const entries: Array<[Kind, Who, string]> = [];
  if (events.messages.some((m) => !m.relay) || !hasSamples) entries.push(['message', 'honest', 'message (value; #tag)']);
  if (hasRelays) entries.push(['relay', 'honest', 'relay [origin:value …]']);
  if (hasSamples) entries.push(['sample', 'sample', 'sample answer (to the querier)']);
  if (adversarial) entries.push(['message', 'adversary', "adversary's choice"]);
  if (events.messages.some((m) => m.delayed)) entries.push(['message', 'delayed', 'delayed by the adversary (@arrival round)']);
  let lx = 12;
  for (const [kind, who, label] of entries) {
    out.push(`<line x1="${lx}" y1="${by - 4}" x2="${lx + 28}" y2="${by - 4}" stroke="${COLOURS[who]}" stroke-width="1.6"${DASH[kind] ? ` stroke-dasharray="${DASH[kind]}"` : ''} marker-end="url(#head-${who})"/>`);
    out.push(text(lx + 34, by, label, { fill: COLOURS.text }));
    lx += 40 + textWidth(label, 11) + 18;
  }
  out.push(`<circle cx="${lx + 5}" cy="${by - 4}" r="5" fill="${COLOURS.decision}"/>`, text(lx + 14, by, 'decision', { fill: COLOURS.text }));
  lx += 14 + textWidth('decision', 11);

  // Wide enough for every line of text, including a long decision vector beside the last lifeline.
  const decisionRight = Math.max(0, ...events.agents.map((a) => (a.decision === null ? 0 : x(a.id) + 16 + textWidth(`decides ${a.decision}`, 11, true))));
  const totalWidth = Math.ceil(
    Math.max(
      width,
      lx + 12,
      decisionRight,
      24 + textWidth(verdict, 13, true),
      24 + textWidth(options.title ?? '', 14, true),
      ...header.map((line) => 24 + textWidth(line, 11)),
    ),
  );
  const height = fmt(by + 16);
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${totalWidth}" height="${height}" viewBox="0 0 ${totalWidth} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${totalWidth}" height="${height}" fill="white"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
  return { svg, collisions: labels.collisions };
}

// ---------------------------------------------------------------- arrows

function messageArrow(
  m: MessageEvent,
  events: EpisodeEvents,
  x: (i: number) => number,
  roundY: (r: number) => number,
  departY: (r: number, i: number) => number,
  endY: number,
  labels: LabelPlacer,
): string {
  const kind: Kind = m.relay ? 'relay' : 'message';
  const who: Who = m.byAdversary ? 'adversary' : m.delayed ? 'delayed' : 'honest';
  const x1 = x(m.from), y1 = departY(m.sentRound, m.from);
  // It lands at the start of its arrival round, offset by the sender's slot so that heads do not pile up;
  // one that arrives after the chart's last round lands on the end line.
  const shownArrival = Math.min(m.arrivalRound, events.rounds + 1);
  const landing = shownArrival <= events.rounds ? roundY(shownArrival) : endY;
  const x2 = x(m.to), y2 = landing + (departY(m.sentRound, m.from) - roundY(m.sentRound));
  const parts: string[] = [];
  if (m.value !== null) parts.push(`${m.value}${m.tag ? `#${m.tag}` : ''}`);
  if (m.relay) parts.push(`[${m.claims.map(claimLabel).join(' ')}]`);
  // As the trace: where timing is not sync, say when it arrives (never: after the horizon).
  if (events.scenario.timing !== 'sync') parts.push(`@${m.arrivalRound > events.maxRounds ? 'never' : m.arrivalRound}`);
  const label = parts.join(' ');
  // Each of a sender's arrows prefers its own fraction of the way (by recipient), so that the labels
  // of one fan sit at different heights; the placer then slides a label along its arrow off others.
  const rank = m.to < m.from ? m.to : m.to - 1;
  const preferred = events.n > 2 ? 0.15 + (0.5 * rank) / (events.n - 2) : 0.3;
  const size = m.relay ? 10 : 11;
  const [lx, ly] = labels.along((t) => [x1 + (x2 - x1) * t, y1 + (y2 - y1) * t], preferred, label, size, true);
  return (
    `<g class="arrow ${kind}" data-from="${m.from}" data-to="${m.to}" data-sent="${m.sentRound}" data-arrival="${m.arrivalRound}">` +
    arrowLine(x1, y1, shorten(x1, y1, x2, y2, 2), who, kind) +
    text(lx, ly - 3, label, { anchor: 'middle', fill: COLOURS[who], size, weight: 'bold', halo: true }) +
    '</g>'
  );
}

function sampleArrow(s: SampleEvent, x: (i: number) => number, departY: (r: number, i: number) => number, labels: LabelPlacer): string {
  const who: Who = s.byAdversary ? 'adversary' : 'sample';
  const y0 = departY(s.round, s.querier) + 8;
  const x1 = x(s.answerer), x2 = x(s.querier);
  // An arc bulging upwards, higher the farther apart: answers from several agents to one querier stay apart.
  const lanes = Math.abs(x2 - x1) / Math.max(1, Math.abs(s.answerer - s.querier));
  const bulge = 6 + 5 * Math.abs(s.answerer - s.querier);
  const cx = (x1 + x2) / 2, cy = y0 - 2 * bulge;
  const end = x2 + Math.sign(x1 - x2) * Math.min(6, lanes / 4);
  const label = s.answer === null ? '-' : String(s.answer);
  // On the arc, at its apex if free, else slid along it.
  const onArc = (t: number): [number, number] => [(1 - t) ** 2 * x1 + 2 * (1 - t) * t * cx + t ** 2 * end, (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t ** 2 * y0];
  const [lx, ly] = labels.along(onArc, 0.5, label, 11, true);
  return (
    `<g class="arrow sample" data-from="${s.answerer}" data-to="${s.querier}" data-round="${s.round}">` +
    `<path d="M${fmt(x1)},${fmt(y0)} Q${fmt(cx)},${fmt(cy)} ${fmt(end)},${fmt(y0)}" fill="none" stroke="${COLOURS[who]}" stroke-width="1.4" stroke-dasharray="${DASH.sample}" marker-end="url(#head-${who})"/>` +
    text(lx, ly - 3, label, { anchor: 'middle', fill: COLOURS[who], weight: 'bold', halo: true }) +
    '</g>'
  );
}

function arrowLine(x1: number, y1: number, [x2, y2]: [number, number], who: Who, kind: Kind): string {
  const dash = DASH[kind] ? ` stroke-dasharray="${DASH[kind]}"` : '';
  return `<line x1="${fmt(x1)}" y1="${fmt(y1)}" x2="${fmt(x2)}" y2="${fmt(y2)}" stroke="${COLOURS[who]}" stroke-width="${who === 'honest' ? 1.3 : 1.7}"${dash} marker-end="url(#head-${who})"/>`;
}

/** The end point pulled back by `by` pixels, so that the head touches the lifeline instead of crossing it. */
function shorten(x1: number, y1: number, x2: number, y2: number, by: number): [number, number] {
  const length = Math.hypot(x2 - x1, y2 - y1);
  if (length <= by) return [x2, y2];
  return [x2 - ((x2 - x1) * by) / length, y2 - ((y2 - y1) * by) / length];
}

function markerDef(who: Who): string {
  return `<marker id="head-${who}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto" markerUnits="userSpaceOnUse"><path d="M0,1 L10,5 L0,9 z" fill="${COLOURS[who]}"/></marker>`;
}

// ---------------------------------------------------------------- labels

/**
 * Keeps labels off each other: each takes the free spot nearest its preferred place along its arrow,
 * and `collisions` counts the labels (and reserved marks) that found none.
 */
class LabelPlacer {
  private readonly boxes: Array<[number, number, number, number]> = [];
  collisions = 0;

  reserve(x: number, y: number, width: number, height: number): void {
    if (this.overlap(x, y, width, height) > 0) this.collisions += 1;
    this.boxes.push([x, y, width, height]);
  }

  /**
   * Anchor (middle, 3 px under the baseline) of a label on the curve `at` (t from 0 at the sender to
   * 1 at the recipient), near fraction `preferred`.
   */
  along(at: (t: number) => [number, number], preferred: number, content: string, size: number, bold = false): [number, number] {
    // A few pixels of white around the text, so that two labels never touch.
    const width = textWidth(content, size, bold) + 10;
    const height = size + 6;
    let best: [number, number] = at(preferred);
    let bestOverlap = Infinity;
    for (let k = 0; k <= 32; k++) {
      // preferred, then alternately a step further and a step back
      const t = preferred + (k % 2 === 1 ? 1 : -1) * Math.ceil(k / 2) * 0.025;
      if (t < 0.08 || t > 0.85) continue;
      const [lx, ly] = at(t);
      const overlap = this.overlap(lx - width / 2, ly - 4 - size, width, height);
      if (overlap < bestOverlap) {
        best = [lx, ly];
        bestOverlap = overlap;
      }
      if (overlap === 0) break;
    }
    if (bestOverlap > 0) this.collisions += 1;
    this.boxes.push([best[0] - width / 2, best[1] - 4 - size, width, height]);
    return best;
  }

  private overlap(x: number, y: number, width: number, height: number): number {
    let total = 0;
    for (const [bx, by, bw, bh] of this.boxes) {
      const w = Math.min(x + width, bx + bw) - Math.max(x, bx);
      const h = Math.min(y + height, by + bh) - Math.max(y, by);
      if (w > 0 && h > 0) total += w * h;
    }
    return total;
  }
}

// ---------------------------------------------------------------- text

interface TextStyle {
  anchor?: 'start' | 'middle' | 'end';
  size?: number;
  weight?: 'bold';
  fill?: string;
  /** A white outline under the glyphs, to stay legible over lines. */
  halo?: boolean;
  className?: string;
}

function text(x: number, y: number, content: string, style: TextStyle = {}): string {
  const attrs = [`x="${fmt(x)}"`, `y="${fmt(y)}"`];
  if (style.className) attrs.push(`class="${style.className}"`);
  if (style.anchor && style.anchor !== 'start') attrs.push(`text-anchor="${style.anchor}"`);
  if (style.size) attrs.push(`font-size="${style.size}"`);
  if (style.weight) attrs.push(`font-weight="${style.weight}"`);
  attrs.push(`fill="${style.fill ?? COLOURS.text}"`);
  if (style.halo) attrs.push('stroke="white" stroke-width="3" paint-order="stroke" stroke-linejoin="round"');
  return `<text ${attrs.join(' ')}>${escapeXml(content)}</text>`;
}

function escapeXml(content: string): string {
  return content.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));
