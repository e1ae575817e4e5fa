// The minimap: every span of the trace as a thin bar, one row per span in waterfall order, so the trace's shape
// shows at a glance however long it is. Clicking it selects the span drawn nearest that row; dragging across it
// zooms the timeline to that part of the trace (as Jaeger's minimap does), shaded on the map. A drag that covers no
// part of the trace (begun on the map's very edge and gone on beyond it, where both ends read as that edge) zooms
// nothing: the zoom shown before stays.
import { svg, h } from '../dom.js';
import { serviceColor } from '../format.js';

/** A drag shorter than this (in pixels) is a click. */
const dragAtLeast = 4;

/** onSelect(spanId) on a click; onZoom(from, to), fractions of the trace's duration, after a drag. Returns { element, showZoom(from, to) }. */
export function createMinimap(trace, { onSelect, onZoom }) {
  const rows = trace.spans.length, height = Math.min(80, Math.max(20, rows * 2));
  const scale = trace.duration === 0 ? 0 : 1000 / trace.duration;
  const shade = svg('rect', { class: 'minimap-zoom', y: 0, height: rows, x: 0, width: 0 });
  const picture = svg('svg', { viewBox: `0 0 1000 ${rows}`, width: '100%', height, preserveAspectRatio: 'none', role: 'img', 'aria-label': 'Trace minimap' },
    trace.spans.map((span, i) => svg('rect', { x: span.offset * scale, y: i, width: Math.max(1, span.duration * scale), height: 0.8, fill: serviceColor(span.service) })),
    shade);
  const shadeOver = (from, to) => {
    const zoomed = from > 0 || to < 1;
    shade.setAttribute('x', zoomed ? from * 1000 : 0);
    shade.setAttribute('width', zoomed ? (to - from) * 1000 : 0);
  };
  // The zoom in force, shaded again when a drag ends without one of its own.
  let current = [0, 1];
  const showZoom = (from, to) => {
    current = [from, to];
    shadeOver(from, to);
  };
  const at = event => {
    const box = picture.getBoundingClientRect();
    return { x: Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)), row: Math.min(rows - 1, Math.floor(((event.clientY - box.top) / box.height) * rows)) };
  };
  let start = null;
  const element = h('div', {
    class: 'minimap', title: 'Click to select the span drawn there; drag across to zoom the timeline',
    onpointerdown: event => {
      start = { clientX: event.clientX, ...at(event) };
      element.setPointerCapture(event.pointerId);
    },
    onpointermove: event => {
      if (start && Math.abs(event.clientX - start.clientX) >= dragAtLeast) shadeOver(Math.min(start.x, at(event).x), Math.max(start.x, at(event).x));
    },
    onpointerup: event => {
      if (!start) return;
      const begun = start;
      start = null;
      if (Math.abs(event.clientX - begun.clientX) < dragAtLeast) {
        onSelect(trace.spans[begun.row].spanId);
        return;
      }
      const [from, to] = [Math.min(begun.x, at(event).x), Math.max(begun.x, at(event).x)];
      if (to <= from) {
        shadeOver(...current);
        return;
      }
      showZoom(from, to);
      onZoom(from, to);
    },
    onpointercancel: () => {
      start = null;
      shadeOver(...current);
    },
  }, picture);
  return { element, showZoom };
}
