// The flame graph (an icicle: the root on top, children below their parent), each span a box as wide as its
// duration at its place in time, in its service's colour; clicking a box selects the span.
import { svg, h } from '../dom.js';
import { duration, serviceColor } from '../format.js';

const rowHeight = 20, width = 1000;

export function flameGraph(trace, { matches, selectedId, onSelect }) {
  const depth = Math.max(...trace.spans.map(s => s.depth)) + 1;
  const scale = trace.duration === 0 ? 0 : width / trace.duration;
  return h('div', { class: 'flame-graph' },
    svg('svg', { viewBox: `0 0 ${width} ${depth * rowHeight}`, width: '100%', preserveAspectRatio: 'none', role: 'img', 'aria-label': 'Flame graph' },
      trace.spans.map(span => {
        const x = span.offset * scale, w = Math.max(1, span.duration * scale), y = span.depth * rowHeight;
        const classes = ['flame-box', matches.has(span.spanId) && 'match', span.spanId === selectedId && 'selected', span.status === 'error' && 'error'];
        return svg('g', { class: classes.filter(Boolean).join(' '), 'data-span-id': span.spanId, onclick: () => onSelect(span.spanId) },
          svg('title', {}, `${span.service}: ${span.name} · ${duration(span.duration)}`),
          svg('rect', { x, y, width: w, height: rowHeight - 2, fill: serviceColor(span.service) }),
          w > 60 ? svg('text', { x: x + 4, y: y + 13 }, `${span.name}`.slice(0, Math.floor(w / 7))) : null);
      })));
}
