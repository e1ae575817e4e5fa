// The flame graph's rows: a time-based icicle, in which no two boxes overlap. A span's children go below it; children
// running at the same time (concurrent calls of one span) cannot share a row, so a child and its whole subtree move
// down to the first rows where they overlap nothing already placed, as Grafana's and speedscope's time-ordered flame
// graphs stack concurrent work. Each subtree is laid out on its own first, then fitted into its parent's rows.

/** The row of each span (Map spanId → row) and how many rows there are. */
export function flameRows(trace) {
  // A zero-length span is still drawn (at least a unit wide): give it a sliver of time so that it too is kept apart.
  const sliver = trace.duration / 1000;
  const shift = new Map();
  // rows[i]: the [start, end] intervals of the subtree's row i, start-ordered as the children are.
  const layout = span => {
    const rows = [[[span.offset, span.offset + Math.max(span.duration, sliver)]]];
    // A child reached first from elsewhere (parents that form a cycle) is not this span's to draw.
    for (const child of span.children.filter(c => c.depth === span.depth + 1)) place(child, layout(child), rows, 1);
    return rows;
  };
  const top = [];
  for (const root of trace.spans.filter(s => s.depth === 0)) place(root, layout(root), top, 0);

  const row = new Map();
  for (const span of trace.spans) row.set(span.spanId, (span.depth === 0 ? 0 : row.get(span.parentSpanId) ?? 0) + shift.get(span.spanId));
  return { row, count: top.length };

  // Puts a subtree (its rows) at the first row, from `first` on, where none of its rows overlaps what is there.
  function place(span, subtree, rows, first) {
    const extents = subtree.map(r => r.reduce(([from, to], [s, e]) => [Math.min(from, s), Math.max(to, e)], [Infinity, -Infinity]));
    let at = first;
    while (extents.some(([start, end], i) => (rows[at + i] ?? []).some(([s, e]) => start < e && s < end))) at++;
    shift.set(span.spanId, at);
    subtree.forEach((intervals, i) => (rows[at + i] ??= []).push(...intervals));
  }
}
