// The waterfall: one row per span in tree order, indented by depth, with a bar placed on the trace's time axis in
// its service's colour. A span with children can be collapsed (one by one, or all at once); spans on the critical
// path are marked; the span's events are ticks on its bar and its links a mark at its end; spans found by "find" are
// highlighted. A name too long for its column is cut in the middle, as the CLI's tree cuts it: its end stays. The time
// axis can be zoomed to a part of the trace (chosen on the minimap): spans outside it keep their rows without a bar.
import { h } from '../dom.js';
import { duration, between, serviceColor } from '../format.js';
import { rememberedWidths, rememberWidths, resizeHandle } from '../resizable.js';

/**
 * trace: from buildTrace; critical: Set of span IDs on the critical path; onSelect(span) when a row is chosen;
 * collapsed: the IDs of the spans shown collapsed at first; onCollapse(ids) whenever the collapsed spans change;
 * zoom: [from, to], the part of the trace shown, as fractions of its duration.
 * Returns { element, select(spanId), highlight(spanIds), collapseAll(), expandAll(), zoomTo(from, to) }.
 */
export function createWaterfall(trace, { critical, onSelect, collapsed: collapsedAtFirst = [], onCollapse = () => {}, zoom = [0, 1] }) {
  let [from, to] = zoom;
  const collapsed = new Set(collapsedAtFirst.filter(id => trace.byId.get(id)?.children.length > 0));
  let matches = new Set();
  let selectedId = null;
  const rows = h('div', { class: 'wf-rows', role: 'tree' });
  // The name column's width is one variable on the waterfall, so the header's handle resizes every row at once.
  const label = h('div', { class: 'wf-label' }, 'Service and span');
  const axis = h('div', { class: 'wf-timeline' });
  const element = h('div', { class: 'waterfall' }, h('div', { class: 'wf-row wf-header' }, label, axis), rows);
  const drawAxis = () => axis.replaceChildren(...[0, 0.25, 0.5, 0.75, 1].map(f =>
    h('span', { class: 'wf-tick', style: { left: `${f * 100}%` } }, duration((from + f * (to - from)) * trace.duration))));
  const setNameWidth = width => element.style.setProperty('--wf-name-width', `${width}px`);
  label.append(resizeHandle('Service and span', () => label.getBoundingClientRect().width, width => {
    setNameWidth(width);
    rememberWidths('waterfall', { 'Service and span': width });
  }));
  const remembered = rememberedWidths('waterfall')?.['Service and span'];
  if (Number.isFinite(remembered)) setNameWidth(Math.max(40, remembered));

  // A level's indent: 14px while the deepest row's indent stays within a fifth of the name column, less (down to a
  // few pixels) in a deeper trace, so every row keeps its depth and its name (as the CLI's tree narrows its guides).
  const deepest = Math.max(1, ...trace.spans.map(s => s.depth));
  const indent = depth => `calc(8px + ${depth} * min(14px, ${20 / deepest}%))`;

  // Where a time (nanoseconds from the trace's start) falls on the zoomed axis, and whether it is on it.
  const fraction = nanos => (trace.duration === 0 ? 0 : nanos / trace.duration);
  const percent = nanos => `${(100 * (fraction(nanos) - from)) / (to - from)}%`;
  const shown = nanos => fraction(nanos) >= from && fraction(nanos) <= to;

  function draw() {
    const visible = [];
    let hiddenBelow = Infinity; // depth of the collapsed span whose descendants are being skipped
    for (const span of trace.spans) {
      if (span.depth > hiddenBelow) continue;
      hiddenBelow = collapsed.has(span.spanId) ? span.depth : Infinity;
      visible.push(row(span));
    }
    rows.replaceChildren(...visible);
    onCollapse([...collapsed]);
  }

  function row(span) {
    const open = !collapsed.has(span.spanId);
    const toggle = span.children.length === 0
      ? h('span', { class: 'wf-toggle' })
      : h('button', {
        class: 'wf-toggle', type: 'button', 'aria-expanded': String(open),
        'aria-label': `${open ? 'Collapse' : 'Expand'} ${span.name}`,
        onclick: event => {
          event.stopPropagation();
          if (open) collapsed.add(span.spanId); else collapsed.delete(span.spanId);
          draw();
        },
      }, open ? '▾' : `▸ ${span.children.length}`);
    const classes = ['wf-row', critical.has(span.spanId) && 'critical', span.status === 'error' && 'error',
      span.spanId === selectedId && 'selected', matches.has(span.spanId) && 'match'].filter(Boolean).join(' ');
    return h('div', {
      class: classes, role: 'treeitem', tabindex: 0, 'data-span-id': span.spanId,
      title: critical.has(span.spanId) ? 'on the critical path' : null,
      onclick: () => select(span.spanId),
      onkeydown: event => { if (event.key === 'Enter') select(span.spanId); },
    },
    h('div', { class: 'wf-label', style: { paddingLeft: indent(span.depth) } },
      toggle,
      h('span', { class: 'wf-service', title: span.service, style: { borderColor: serviceColor(span.service) } }, span.service),
      spanName(span.name)),
    bar(span));
  }

  /** A span's bar on the (zoomed) axis, cut to it, with its events, its duration and its links' mark; none outside it. */
  function bar(span) {
    const start = Math.max(span.offset, from * trace.duration), end = Math.min(span.offset + span.duration, to * trace.duration);
    if (end < start) return h('div', { class: 'wf-timeline' });
    return h('div', { class: 'wf-timeline' },
      h('div', { class: 'wf-bar', style: { left: percent(start), width: `calc(${percent(end)} - ${percent(start)})`, background: serviceColor(span.service) } }),
      span.events.filter(e => shown(between(trace.start, e.time))).map(e => h('span', { class: 'wf-event', title: `event ${e.name} at +${duration(between(trace.start, e.time))}`,
        style: { left: percent(between(trace.start, e.time)) } })),
      h('span', { class: `wf-duration ${labelPlace(start, end)}`, style: labelPosition(start, end) }, duration(span.duration),
        span.links.length === 0 ? null : h('span', { class: 'wf-link', title: `${span.links.length} link(s) to other traces: see the span's details` }, ` ⇢ ${span.links.length}`)));
  }

  /**
   * Where a bar's duration (and links' mark) goes: after the bar's end, as a rule; a bar that ends near the axis's
   * end would push it past the waterfall's edge, cut off (a root's "3.35ms ⇢ 1" lost its count), so it goes before
   * the bar's start when there is room there, else inside the bar at its end, as Jaeger places it.
   */
  function labelPlace(start, end) {
    if (fraction(end) - from < 0.85 * (to - from)) return 'after';
    return fraction(start) - from >= 0.3 * (to - from) ? 'before' : 'inside';
  }

  function labelPosition(start, end) {
    const place = labelPlace(start, end);
    return place === 'after' ? { left: percent(end) } : { right: `calc(100% - ${percent(place === 'before' ? start : end)})` };
  }

  /** Selects a span, opening the way to it (a link may ask for one under a collapsed ancestor) unless told not to. */
  function select(spanId, { reveal = true } = {}) {
    const span = trace.byId.get(spanId);
    if (!span) return;
    selectedId = spanId;
    if (reveal) openWayTo(span);
    draw();
    rows.querySelector(`[data-span-id="${CSS.escape(spanId)}"]`)?.scrollIntoView({ block: 'nearest' });
    onSelect(span);
  }

  /** Highlights the spans found, opening the way to each unless told not to. */
  function highlight(spanIds, { reveal = true } = {}) {
    matches = spanIds;
    if (reveal) for (const id of spanIds) openWayTo(trace.byId.get(id));
    draw();
  }

  /** Expands every collapsed ancestor of a span, so that its row is drawn. */
  function openWayTo(span) {
    for (let parent = trace.byId.get(span?.parentSpanId); parent; parent = trace.byId.get(parent.parentSpanId)) collapsed.delete(parent.spanId);
  }

  const collapseAll = () => {
    for (const span of trace.spans) if (span.children.length > 0) collapsed.add(span.spanId);
    draw();
  };
  const expandAll = () => {
    collapsed.clear();
    draw();
  };

  const zoomTo = (start, end) => {
    [from, to] = [start, end];
    drawAxis();
    draw();
  };

  drawAxis();
  draw();
  return { element, select, highlight, collapseAll, expandAll, zoomTo };
}

/**
 * A span's name in two parts: the head gives way first (cut with an ellipsis) and the tail stays — from the last '/',
 * '.' or space when that leaves at most 16 characters, else the last 12 but at most half the name — so a cut name
 * reads "runtime.v1.Ru…/RunPodSandbox" rather than losing the end that tells calls apart; whole in the title. A name
 * of 12 characters or fewer is not split (it fits but in the narrowest column, and is then cut at its end).
 */
function spanName(name) {
  const separator = Math.max(...['/', '.', ' '].map(c => name.lastIndexOf(c)));
  const cut = name.length <= 12 ? name.length
    : separator > 0 && name.length - separator <= 16 ? separator : Math.max(name.length - 12, Math.floor(name.length / 2));
  return h('span', { class: 'wf-name', title: name },
    h('span', { class: 'wf-name-head' }, name.slice(0, cut)), h('span', { class: 'wf-name-tail' }, name.slice(cut)));
}
