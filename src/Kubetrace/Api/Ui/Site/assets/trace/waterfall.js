// The waterfall: one row per span in tree order, indented by depth, with a bar placed on the trace's time axis in
// its service's colour. A span with children can be collapsed; spans on the critical path are marked; the span's
// events are ticks on its bar and its links a mark at its end; spans found by "find" are highlighted.
import { h } from '../dom.js';
import { duration, between, serviceColor } from '../format.js';
import { rememberedWidths, rememberWidths, resizeHandle } from '../resizable.js';

/**
 * trace: from buildTrace; critical: Set of span IDs on the critical path; onSelect(span) when a row is chosen.
 * Returns { element, select(spanId), highlight(spanIds) }.
 */
export function createWaterfall(trace, { critical, onSelect }) {
  const collapsed = new Set();
  let matches = new Set();
  let selectedId = null;
  const rows = h('div', { class: 'wf-rows', role: 'tree' });
  // The name column's width is one variable on the waterfall, so the header's handle resizes every row at once.
  const label = h('div', { class: 'wf-label' }, 'Service and span');
  const element = h('div', { class: 'waterfall' },
    h('div', { class: 'wf-row wf-header' },
      label,
      h('div', { class: 'wf-timeline' }, [0, 0.25, 0.5, 0.75, 1].map(f =>
        h('span', { class: 'wf-tick', style: { left: `${f * 100}%` } }, duration(f * trace.duration))))),
    rows);
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

  const percent = nanos => `${trace.duration === 0 ? 0 : (100 * nanos) / trace.duration}%`;

  function draw() {
    const visible = [];
    let hiddenBelow = Infinity; // depth of the collapsed span whose descendants are being skipped
    for (const span of trace.spans) {
      if (span.depth > hiddenBelow) continue;
      hiddenBelow = collapsed.has(span.spanId) ? span.depth : Infinity;
      visible.push(row(span));
    }
    rows.replaceChildren(...visible);
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
      h('span', { class: 'wf-name', title: span.name }, span.name)),
    h('div', { class: 'wf-timeline' },
      h('div', { class: 'wf-bar', style: { left: percent(span.offset), width: percent(span.duration), background: serviceColor(span.service) } }),
      span.events.map(e => h('span', { class: 'wf-event', title: `event ${e.name} at +${duration(between(trace.start, e.time))}`,
        style: { left: percent(between(trace.start, e.time)) } })),
      h('span', { class: 'wf-duration', style: { left: percent(span.offset + span.duration) } }, duration(span.duration),
        span.links.length === 0 ? null : h('span', { class: 'wf-link', title: `${span.links.length} link(s) to other traces: see the span's details` }, ` ⇢ ${span.links.length}`))));
  }

  function select(spanId) {
    const span = trace.byId.get(spanId);
    if (!span) return;
    selectedId = spanId;
    // A span asked for by a link may sit under a collapsed ancestor: open the way to it.
    for (let parent = trace.byId.get(span.parentSpanId); parent; parent = trace.byId.get(parent.parentSpanId)) {
      collapsed.delete(parent.spanId);
    }
    draw();
    rows.querySelector(`[data-span-id="${CSS.escape(spanId)}"]`)?.scrollIntoView({ block: 'nearest' });
    onSelect(span);
  }

  /** Highlights the spans found, opening the way to each. */
  function highlight(spanIds) {
    matches = spanIds;
    for (const id of spanIds) {
      for (let parent = trace.byId.get(trace.byId.get(id)?.parentSpanId); parent; parent = trace.byId.get(parent.parentSpanId)) collapsed.delete(parent.spanId);
    }
    draw();
  }

  draw();
  return { element, select, highlight };
}
