// The trace view: a summary, the minimap, the waterfall with the critical path marked (from the critical-path
// analysis) or the flame graph or the trace statistics, find-in-trace, downloads, and the selected span's details.
// Find steps through its matches (Enter, Shift+Enter, the arrows), selecting each in turn as Jaeger's and Grafana's do.
// Dragging across the minimap zooms the waterfall and the flame graph to that part of the trace. Everything is in the URL:
// /ui/trace/{id}?span={spanId}&view=timeline|flame|stats&find={text}&collapsed={spanId,...}&zoom={from}-{to}.
import { h, errorBox, loading } from '../dom.js';
import { getJson } from '../api.js';
import { count, counted, duration, time, serviceColor } from '../format.js';
import { buildTrace } from '../trace/trace-model.js';
import { createWaterfall } from '../trace/waterfall.js';
import { spanDetails } from '../trace/span-details.js';
import { objectsOfTrace } from '../trace/k8s-objects.js';
import { findSpans } from '../trace/find.js';
import { flameGraph } from '../trace/flame-graph.js';
import { statisticsTable } from '../trace/self-time.js';
import { createMinimap } from '../trace/minimap.js';

const views = { timeline: 'Timeline', flame: 'Flame graph', stats: 'Statistics' };

export async function renderTrace(view, { argument: id, query }) {
  view.append(loading('trace'));
  let trace;
  try {
    trace = buildTrace(await getJson(`/api/v1/traces/${encodeURIComponent(id)}`));
  } catch (e) {
    view.replaceChildren(h('h1', {}, 'Trace'), errorBox(e));
    return;
  }
  const [critical, objects] = await Promise.all([criticalPath(trace.traceId), objectsOfTrace(trace.traceId)]);

  const state = { span: null, view: views[query.get('view')] ? query.get('view') : 'timeline', find: query.get('find') ?? '',
    collapsed: (query.get('collapsed') ?? '').split(',').filter(Boolean), zoom: zoomOf(query.get('zoom')) };
  // The page's state is its URL (a link to this span, view and search), unless the user has already left the page.
  const remember = () => {
    if (!view.isConnected) return;
    const params = new URLSearchParams();
    if (state.span) params.set('span', state.span);
    if (state.view !== 'timeline') params.set('view', state.view);
    if (state.find) params.set('find', state.find);
    if (state.collapsed.length) params.set('collapsed', state.collapsed.join(','));
    if (state.zoom) params.set('zoom', state.zoom.map(f => Number(f.toFixed(4))).join('-'));
    history.replaceState(null, '', `${location.pathname}?${params}`);
  };
  const details = h('aside', { class: 'details-pane' }, h('p', { class: 'muted' }, 'Select a span to see its details.'));
  const waterfall = createWaterfall(trace, {
    critical: critical.spans,
    collapsed: state.collapsed,
    onCollapse: ids => {
      state.collapsed = ids;
      remember();
    },
    zoom: state.zoom ?? [0, 1],
    onSelect: span => {
      state.span = span.spanId;
      details.replaceChildren(spanDetails(span, trace, objects.get(span.spanId)));
      if (state.view === 'flame') drawMain();
      remember();
    },
  });
  const main = h('div', {});
  const drawMain = () => main.replaceChildren(
    state.view === 'flame' ? flameGraph(trace, { matches: findSpans(trace, state.find), selectedId: state.span, zoom: state.zoom ?? [0, 1], onSelect: id => waterfall.select(id) })
      : state.view === 'stats' ? statisticsTable(trace)
        : waterfall.element);
  const layout = h('div', { class: 'trace-layout show-critical' }, main, details);
  const tabs = h('nav', { class: 'trace-tabs', 'aria-label': 'Trace views' }, Object.entries(views).map(([key, label]) =>
    h('a', { href: '#', 'data-view': key, class: key === state.view ? 'active' : null, onclick: event => {
      event.preventDefault();
      state.view = key;
      for (const tab of tabs.children) tab.classList.toggle('active', tab.dataset.view === key);
      drawMain();
      remember();
    } }, label)));
  const found = h('span', { class: 'muted', 'aria-live': 'polite' });
  const position = h('span', { class: 'find-position muted' });
  // The matches in waterfall order, and which of them was last stepped to (-1: none yet).
  let matched = [], at = -1;
  const find = (text, reveal = true) => {
    state.find = text;
    const matches = findSpans(trace, text);
    matched = trace.spans.filter(span => matches.has(span.spanId)).map(span => span.spanId);
    at = -1;
    position.textContent = '';
    waterfall.highlight(matches, { reveal });
    found.textContent = text.trim() ? `${count(matches.size)} of ${count(trace.spans.length)} spans match` : '';
    if (state.view === 'flame') drawMain();
    remember();
  };
  const step = by => {
    if (matched.length === 0) return;
    at = at < 0 ? (by > 0 ? 0 : matched.length - 1) : (at + by + matched.length) % matched.length;
    position.textContent = `${count(at + 1)} of ${count(matched.length)}`;
    waterfall.select(matched[at]);
  };
  const findBox = h('label', { class: 'find-box' }, 'Find ',
    h('input', { type: 'search', value: state.find, placeholder: 'name, service, attribute', 'aria-label': 'Find in trace',
      oninput: event => find(event.target.value),
      onkeydown: event => {
        if (event.key !== 'Enter') return;
        event.preventDefault();
        step(event.shiftKey ? -1 : 1);
      } }));
  const stepButtons = [['Previous match', '↑', -1], ['Next match', '↓', 1]].map(([label, arrow, by]) =>
    h('button', { type: 'button', class: 'find-step', 'aria-label': label, title: `${label} (${by > 0 ? 'Enter' : 'Shift+Enter'})`, onclick: () => step(by) }, arrow));
  const resetZoom = h('button', { type: 'button', hidden: !state.zoom, onclick: () => zoom(null) }, 'Reset zoom');
  const map = createMinimap(trace, { onSelect: id => waterfall.select(id), onZoom: (from, to) => zoom([from, to]) });
  const zoom = range => {
    state.zoom = range;
    resetZoom.hidden = !range;
    map.showZoom(...(range ?? [0, 1]));
    waterfall.zoomTo(...(range ?? [0, 1]));
    if (state.view === 'flame') drawMain();
    remember();
  };
  if (state.zoom) map.showZoom(...state.zoom);
  const treeButtons = [['Collapse all', () => waterfall.collapseAll()], ['Expand all', () => waterfall.expandAll()]].map(([label, act]) =>
    h('button', { type: 'button', onclick: act }, label));
  const showCritical = h('input', { type: 'checkbox', checked: critical.spans.size > 0, disabled: critical.spans.size === 0,
    onchange: event => layout.classList.toggle('show-critical', event.target.checked) });

  view.replaceChildren(
    h('h1', {}, `${trace.root.service}: ${trace.root.name}`),
    h('p', { class: 'summary' },
      h('span', { class: 'mono' }, trace.traceId),
      ` · ${time(trace.start)} · ${duration(trace.duration)} · ${counted(trace.spans.length, 'span')} · `,
      h('span', { class: trace.errors > 0 ? 'bad' : null }, counted(trace.errors, 'error')), ' · ',
      trace.services.map(s => h('span', { class: 'chip', style: { borderColor: serviceColor(s) } }, s))),
    h('div', { class: 'toolbar' },
      h('label', {}, showCritical, ' Highlight the critical path'),
      critical.problem ? h('span', { class: 'muted' }, ` (critical path unavailable: ${critical.problem})`) : null,
      h('a', { href: `/ui/analyses/critical-path?trace-id=${trace.traceId}` }, 'Critical path table'),
      h('a', { href: `/ui/search?service=${encodeURIComponent(trace.root.service)}&name=${encodeURIComponent(trace.root.name)}` },
        'Traces of this operation'),
      h('a', { href: `/api/v1/traces/${trace.traceId}`, download: `trace-${trace.traceId}.otlp.json` }, 'Download OTLP JSON'),
      h('a', { href: `/api/traces/${trace.traceId}`, download: `trace-${trace.traceId}.jaeger.json` }, 'Download Jaeger JSON')),
    h('div', { class: 'toolbar' }, tabs, treeButtons, findBox, stepButtons, position, found),
    h('div', { class: 'minimap-bar' }, map.element, resetZoom),
    layout);
  // A URL that says which spans are collapsed is shown as it says; otherwise the way to its span and matches opens.
  const reveal = !query.has('collapsed');
  const wanted = query.get('span');
  waterfall.select(trace.byId.has(wanted) ? wanted : trace.root.spanId, { reveal });
  if (state.find) find(state.find, reveal);
  drawMain();
}

/** The span IDs on the critical path; the trace view works without them (the analysis may refuse a trace). */
async function criticalPath(traceId) {
  try {
    const { data } = await getJson('/api/v1/analyze/critical-path', { 'trace-id': traceId });
    return { spans: new Set(data.path.map(step => step.spanId)), problem: null };
  } catch (e) {
    return { spans: new Set(), problem: e.message };
  }
}

/**
 * "0.25-0.5" → [0.25, 0.5]: two fractions of the trace's duration, from below to, within [0, 1] and not the whole
 * trace. Anything else (no zoom, a range that is empty, reversed or outside the trace, a sign, a third number) → null:
 * the page shows the whole trace and drops it from the URL.
 */
function zoomOf(text) {
  const fractions = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(text ?? '');
  if (!fractions) return null;
  const [from, to] = [Number(fractions[1]), Number(fractions[2])];
  return to <= 1 && from < to && (from > 0 || to < 1) ? [from, to] : null;
}
