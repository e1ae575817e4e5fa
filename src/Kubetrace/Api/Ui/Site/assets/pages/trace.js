// The trace view: a summary, the waterfall with the critical path marked (from the critical-path analysis), and
// the selected span's details. /ui/trace/{id}?span={spanId} opens with that span selected.
import { h, errorBox, loading } from '../dom.js';
import { getJson } from '../api.js';
import { duration, time, serviceColor } from '../format.js';
import { buildTrace } from '../trace/trace-model.js';
import { createWaterfall } from '../trace/waterfall.js';
import { spanDetails } from '../trace/span-details.js';

export async function renderTrace(view, { argument: id, query }) {
  view.append(loading('trace'));
  let trace;
  try {
    trace = buildTrace(await getJson(`/api/v1/traces/${encodeURIComponent(id)}`));
  } catch (e) {
    view.replaceChildren(h('h1', {}, 'Trace'), errorBox(e));
    return;
  }
  const critical = await criticalPath(trace.traceId);

  const details = h('aside', { class: 'details-pane' }, h('p', { class: 'muted' }, 'Select a span to see its details.'));
  const waterfall = createWaterfall(trace, {
    critical: critical.spans,
    onSelect: span => {
      details.replaceChildren(spanDetails(span, trace));
      // The selection is part of the URL (a link to this span), unless the user has already left this page.
      if (view.isConnected) history.replaceState(null, '', `${location.pathname}?span=${span.spanId}`);
    },
  });
  const layout = h('div', { class: 'trace-layout show-critical' }, waterfall.element, details);
  const showCritical = h('input', { type: 'checkbox', checked: critical.spans.size > 0, disabled: critical.spans.size === 0,
    onchange: event => layout.classList.toggle('show-critical', event.target.checked) });

  view.replaceChildren(
    h('h1', {}, `${trace.root.service}: ${trace.root.name}`),
    h('p', { class: 'summary' },
      h('span', { class: 'mono' }, trace.traceId),
      ` · ${time(trace.start)} · ${duration(trace.duration)} · ${trace.spans.length} spans · `,
      h('span', { class: trace.errors > 0 ? 'bad' : null }, `${trace.errors} errors`), ' · ',
      trace.services.map(s => h('span', { class: 'chip', style: { borderColor: serviceColor(s) } }, s))),
    h('div', { class: 'toolbar' },
      h('label', {}, showCritical, ' Highlight the critical path'),
      critical.problem ? h('span', { class: 'muted' }, ` (critical path unavailable: ${critical.problem})`) : null,
      h('a', { href: `/ui/analyses/critical-path?trace-id=${trace.traceId}` }, 'Critical path table'),
      h('a', { href: `/ui/search?service=${encodeURIComponent(trace.root.service)}&name=${encodeURIComponent(trace.root.name)}` },
        'Traces of this operation')),
    layout);
  const wanted = query.get('span');
  waterfall.select(trace.byId.has(wanted) ? wanted : trace.root.spanId);
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
