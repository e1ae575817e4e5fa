// The object timeline (the `object` analysis) drawn as a timeline: one lane per component (and host), each
// request that touched the object a bar at its time, red when it failed; a bar is a link to its trace at that span.
// Drawn in HTML, bars placed in percent of the lane, so the labels keep their size in whatever width the lanes get:
// beside the analysis's table when the window leaves room for both, above it otherwise (showObjectTimeline).
import { h } from './dom.js';
import { duration } from './format.js';

export function objectLanes(entries) {
  if (!entries?.length) return null;
  const laneOf = e => (e.host ? `${e.component} (${e.host})` : e.component);
  const lanes = [...new Set(entries.map(laneOf))];
  // Start times are beyond 2^53 ns: measure from the first as BigInt, then draw with Numbers.
  const first = entries.reduce((a, e) => (BigInt(e.startUnixNano) < a ? BigInt(e.startUnixNano) : a), BigInt(entries[0].startUnixNano));
  const offset = e => Number(BigInt(e.startUnixNano) - first);
  const span = Math.max(1, ...entries.map(e => offset(e) + Number(e.durationNanos)));
  const percent = nanos => `${(100 * nanos) / span}%`;
  return h('div', { class: 'object-lanes', role: 'group', 'aria-label': 'Object timeline by component' },
    lanes.map(lane => h('div', { class: 'lane', 'data-lane': lane },
      h('span', { class: 'lane-label', title: lane }, lane),
      h('div', { class: 'lane-track' }, entries.filter(e => laneOf(e) === lane).map(e =>
        h('a', { href: `/ui/trace/${e.traceId}?span=${e.spanId}`, class: e.error ? 'lane-bar error' : 'lane-bar',
          'data-trace-id': e.traceId, 'data-span-id': e.spanId, style: { left: percent(offset(e)), width: percent(Number(e.durationNanos)) },
          title: `${lane}: ${e.operation} · ${duration(e.durationNanos)} at +${duration(offset(e))}`, 'aria-label': `${e.operation} at +${duration(offset(e))}` }))))),
    h('div', { class: 'lane-axis' }, h('span', {}, '+0'), h('span', {}, `+${duration(span)}`)));
}

/** The lanes get at least this width beside the table (their labels' column and a track to read bars on). */
const lanesAtLeast = 360;
/** The gap between the lanes and the table, as app.css's .object-timeline.beside has it. */
const gap = 16;

/**
 * Shows the lanes and the analysis's table in `into`: side by side when the table at its narrowest (its one-line
 * times, names and indents: what it needs not to scroll sideways) leaves the lanes `lanesAtLeast`, the table below
 * the lanes otherwise; laid out again when the window is resized. Measured, not a fixed breakpoint: an object whose
 * timeline is deeper or names longer components needs a wider window for the two to fit side by side.
 */
export function showObjectTimeline(into, lanes, table) {
  const timeline = h('div', { class: 'object-timeline' }, lanes, table);
  into.replaceChildren(timeline);
  const layOut = () => {
    if (!timeline.isConnected) {
      removeEventListener('resize', layOut);
      return;
    }
    const grid = table.querySelector('table');
    let least = 0;
    if (grid) {
      grid.style.width = 'min-content';
      least = Math.ceil(grid.getBoundingClientRect().width);
      grid.style.width = '';
    }
    timeline.style.setProperty('--table-least', `${least}px`);
    timeline.classList.toggle('beside', timeline.clientWidth - gap - least >= lanesAtLeast);
  };
  addEventListener('resize', layOut);
  layOut();
}
