// The minimap: every span of the trace as a thin bar, one row per span in waterfall order, so the trace's shape
// shows at a glance however long it is; clicking it selects the span drawn nearest that row.
import { svg, h } from '../dom.js';
import { serviceColor } from '../format.js';

export function minimap(trace, onSelect) {
  const rows = trace.spans.length, height = Math.min(80, Math.max(20, rows * 2));
  const scale = trace.duration === 0 ? 0 : 1000 / trace.duration;
  const picture = svg('svg', { viewBox: `0 0 1000 ${rows}`, width: '100%', height, preserveAspectRatio: 'none', role: 'img', 'aria-label': 'Trace minimap' },
    trace.spans.map((span, i) => svg('rect', { x: span.offset * scale, y: i, width: Math.max(1, span.duration * scale), height: 0.8, fill: serviceColor(span.service) })));
  return h('div', { class: 'minimap', title: 'Click to select the span drawn there', onclick: event => {
    const box = picture.getBoundingClientRect();
    const row = Math.min(rows - 1, Math.floor(((event.clientY - box.top) / box.height) * rows));
    onSelect(trace.spans[row].spanId);
  } }, picture);
}
