// The duration scatter plot over search results: one dot per trace, start time across, duration up (errors in
// red), so outliers stand out; clicking a dot opens its trace.
import { h, svg } from '../dom.js';
import { counted, duration, time, between } from '../format.js';
import { navigate } from '../router.js';

const size = { width: 900, height: 180, left: 64, right: 12, top: 10, bottom: 24 };

export function scatterPlot(traces) {
  const first = traces.reduce((a, t) => (BigInt(t.startTimeUnixNano) < BigInt(a) ? t.startTimeUnixNano : a), traces[0].startTimeUnixNano);
  const span = Math.max(1, ...traces.map(t => between(first, t.startTimeUnixNano)));
  const longest = Math.max(1, ...traces.map(t => Number(t.durationNanos)));
  const plotWidth = size.width - size.left - size.right, plotHeight = size.height - size.top - size.bottom;
  const x = t => size.left + (between(first, t.startTimeUnixNano) / span) * plotWidth;
  const y = t => size.top + plotHeight - (Number(t.durationNanos) / longest) * plotHeight;
  return h('div', { class: 'scatter' },
    svg('svg', { viewBox: `0 0 ${size.width} ${size.height}`, width: '100%', role: 'img', 'aria-label': 'Trace durations over time' },
      svg('line', { x1: size.left, y1: size.top + plotHeight, x2: size.width - size.right, y2: size.top + plotHeight, class: 'axis' }),
      svg('line', { x1: size.left, y1: size.top, x2: size.left, y2: size.top + plotHeight, class: 'axis' }),
      svg('text', { x: size.left - 6, y: size.top + 10, 'text-anchor': 'end', class: 'axis-label' }, duration(longest)),
      svg('text', { x: size.left - 6, y: size.top + plotHeight, 'text-anchor': 'end', class: 'axis-label' }, '0'),
      svg('text', { x: size.left, y: size.height - 6, class: 'axis-label' }, time(first)),
      svg('text', { x: size.width - size.right, y: size.height - 6, 'text-anchor': 'end', class: 'axis-label' }, `+${duration(span)}`),
      traces.map(t => svg('circle', {
        cx: x(t), cy: y(t), r: 5, class: t.errorCount > 0 ? 'dot error' : 'dot', 'data-trace-id': t.traceId,
        onclick: () => navigate(`/ui/trace/${t.traceId}`),
      }, svg('title', {}, `${t.rootService}: ${t.rootName} · ${duration(t.durationNanos)} · ${counted(t.spanCount, 'span')} · ${time(t.startTimeUnixNano)}`)))));
}
