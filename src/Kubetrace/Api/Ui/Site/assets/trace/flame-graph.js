// The flame graph (an icicle: the root on top, children below their parent, concurrent siblings in rows of their own:
// flame-rows.js), each span a box as wide as its duration at its place in time, in its service's colour; clicking a
// box selects the span. Zoomed to a part of the
// trace (the minimap's), it draws that window as the waterfall does: the spans running in it, each cut to it, as
// Jaeger's and Grafana's flame graphs draw a selected range.
import { svg, h } from '../dom.js';
import { duration, serviceColor } from '../format.js';
import { flameRows } from './flame-rows.js';

const rowHeight = 20, width = 1000;

/** zoom: [from, to], the part of the trace drawn, as fractions of its duration. */
export function flameGraph(trace, { matches, selectedId, onSelect, zoom = [0, 1] }) {
  const rows = flameRows(trace);
  const [from, to] = zoom.map(f => f * trace.duration);
  const scale = to > from ? width / (to - from) : 0;
  const running = trace.spans.filter(span => span.offset + span.duration >= from && span.offset <= to);
  return h('div', { class: 'flame-graph' },
    svg('svg', { viewBox: `0 0 ${width} ${rows.count * rowHeight}`, width: '100%', preserveAspectRatio: 'none', role: 'img', 'aria-label': 'Flame graph' },
      running.map(span => {
        const start = Math.max(span.offset, from), end = Math.min(span.offset + span.duration, to);
        const x = (start - from) * scale, w = Math.max(1, (end - start) * scale), y = rows.row.get(span.spanId) * rowHeight;
        const classes = ['flame-box', matches.has(span.spanId) && 'match', span.spanId === selectedId && 'selected', span.status === 'error' && 'error'];
        return svg('g', { class: classes.filter(Boolean).join(' '), 'data-span-id': span.spanId, onclick: () => onSelect(span.spanId) },
          svg('title', {}, `${span.service}: ${span.name} · ${duration(span.duration)}`),
          svg('rect', { x, y, width: w, height: rowHeight - 2, fill: serviceColor(span.service) }),
          w > 60 ? svg('text', { x: x + 4, y: y + 13 }, `${span.name}`.slice(0, Math.floor(w / 7))) : null);
      })));
}
