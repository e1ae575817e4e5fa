// The object timeline (the `object` analysis) drawn as a timeline: one lane per component (and host), each
// request that touched the object a bar at its time, red when it failed; a bar opens its trace at that span.
// The analysis's table stays below it.
import { h, svg } from './dom.js';
import { duration } from './format.js';
import { navigate } from './router.js';

const laneHeight = 26, labelWidth = 190, width = 1000;

export function objectLanes(entries) {
  if (!entries?.length) return null;
  const laneOf = e => (e.host ? `${e.component} (${e.host})` : e.component);
  const lanes = [...new Set(entries.map(laneOf))];
  // Start times are beyond 2^53 ns: measure from the first as BigInt, then draw with Numbers.
  const first = entries.reduce((a, e) => (BigInt(e.startUnixNano) < a ? BigInt(e.startUnixNano) : a), BigInt(entries[0].startUnixNano));
  const offset = e => Number(BigInt(e.startUnixNano) - first);
  const span = Math.max(1, ...entries.map(e => offset(e) + Number(e.durationNanos)));
  const scale = (width - labelWidth - 10) / span;
  return h('div', { class: 'object-lanes' },
    svg('svg', { viewBox: `0 0 ${width} ${lanes.length * laneHeight + 20}`, width: '100%', role: 'img', 'aria-label': 'Object timeline by component' },
      lanes.map((lane, i) => svg('g', { class: 'lane', 'data-lane': lane },
        svg('rect', { x: 0, y: i * laneHeight, width, height: laneHeight, class: i % 2 ? 'lane-band odd' : 'lane-band' }),
        svg('text', { x: 6, y: i * laneHeight + 17, class: 'lane-label' }, lane))),
      entries.map(e => {
        const x = labelWidth + offset(e) * scale, y = lanes.indexOf(laneOf(e)) * laneHeight + 5;
        return svg('rect', { x, y, width: Math.max(2, Number(e.durationNanos) * scale), height: laneHeight - 10, rx: 2,
          class: e.error ? 'lane-bar error' : 'lane-bar', 'data-trace-id': e.traceId, 'data-span-id': e.spanId,
          onclick: () => navigate(`/ui/trace/${e.traceId}?span=${e.spanId}`) },
        svg('title', {}, `${laneOf(e)}: ${e.operation} · ${duration(e.durationNanos)} at +${duration(offset(e))}`));
      }),
      svg('text', { x: labelWidth, y: lanes.length * laneHeight + 15, class: 'lane-label' }, '+0'),
      svg('text', { x: width - 10, y: lanes.length * laneHeight + 15, 'text-anchor': 'end', class: 'lane-label' }, `+${duration(span)}`)));
}
