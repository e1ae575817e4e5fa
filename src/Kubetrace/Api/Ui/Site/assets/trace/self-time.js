// Trace statistics: per service and operation, how many spans, their total time and their self time (the part of
// a span's duration not covered by its children, overlapping children counted once), as Jaeger's trace
// statistics view gives it.
import { h } from '../dom.js';
import { duration } from '../format.js';

/** A span's self time: its duration minus the union of its children's intervals clipped to it. */
export function selfTime(span) {
  const start = span.offset, end = span.offset + span.duration;
  const intervals = span.children.map(c => [Math.max(start, c.offset), Math.min(end, c.offset + c.duration)])
    .filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let covered = 0, reach = start;
  for (const [a, b] of intervals) {
    if (b <= reach) continue;
    covered += b - Math.max(a, reach);
    reach = b;
  }
  return span.duration - covered;
}

/** Rows { service, name, count, total, self } sorted by self time, largest first. */
export function statistics(trace) {
  const rows = new Map();
  for (const span of trace.spans) {
    const key = `${span.service}\u0000${span.name}`;
    const row = rows.get(key) ?? { service: span.service, name: span.name, count: 0, total: 0, self: 0 };
    row.count++;
    row.total += span.duration;
    row.self += selfTime(span);
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => b.self - a.self || a.service.localeCompare(b.service));
}

export function statisticsTable(trace) {
  const rows = statistics(trace);
  const traceTotal = rows.reduce((sum, r) => sum + r.self, 0) || 1;
  return h('table', { class: 'grid trace-statistics' },
    h('thead', {}, h('tr', {}, ['Service', 'Operation', 'Spans', 'Total time', 'Self time', 'Self time %', 'Mean self'].map(c => h('th', {}, c)))),
    h('tbody', {}, rows.map(r => h('tr', { 'data-service': r.service, 'data-operation': r.name },
      h('td', { class: 'nowrap' }, r.service), h('td', {}, r.name), h('td', { class: 'number' }, r.count),
      h('td', { class: 'number' }, duration(r.total)), h('td', { class: 'number', 'data-self-nanos': r.self }, duration(r.self)),
      h('td', { class: 'number' }, `${((100 * r.self) / traceTotal).toFixed(1)}%`),
      h('td', { class: 'number' }, duration(r.self / r.count))))));
}
