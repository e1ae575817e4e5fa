// Compare two traces side by side (/ui/compare?a={traceId}&b={traceId}, chosen on the search page): both
// waterfalls next to each other, and the compare analysis's span-by-span table (spans matched by path, the
// latency difference of each) underneath.
import { h, errorBox, loading } from '../dom.js';
import { getJson } from '../api.js';
import { counted, duration, time } from '../format.js';
import { buildTrace } from '../trace/trace-model.js';
import { createWaterfall } from '../trace/waterfall.js';
import { analysisTable } from '../analysis-table.js';

export async function renderCompare(view, { query }) {
  const ids = [query.get('a'), query.get('b')];
  view.append(h('h1', {}, 'Compare traces'), loading('both traces'));
  if (ids.some(id => !id)) {
    view.replaceChildren(h('h1', {}, 'Compare traces'), errorBox('Choose two traces on the search page (?a=…&b=…).'));
    return;
  }
  try {
    const [a, b, comparison] = await Promise.all([
      ...ids.map(id => getJson(`/api/v1/traces/${encodeURIComponent(id)}`).then(buildTrace)),
      getJson('/api/v1/analyze/compare', { 'trace-a': ids[0], 'trace-b': ids[1] }).then(r => r.table, e => ({ problem: e })),
    ]);
    view.replaceChildren(h('h1', {}, 'Compare traces'),
      h('div', { class: 'compare-layout' }, side('A', a), side('B', b)),
      comparison.problem ? errorBox(comparison.problem) : analysisTable(comparison));
  } catch (e) {
    view.replaceChildren(h('h1', {}, 'Compare traces'), errorBox(e));
  }
}

function side(label, trace) {
  const waterfall = createWaterfall(trace, { critical: new Set(), onSelect: () => {} });
  return h('div', { class: 'compare-side', 'data-side': label },
    h('h2', {}, `${label}: `, h('a', { href: `/ui/trace/${trace.traceId}` }, `${trace.root.service}: ${trace.root.name}`)),
    h('p', { class: 'summary' }, h('span', { class: 'mono' }, trace.traceId),
      ` · ${time(trace.start)} · ${duration(trace.duration)} · ${counted(trace.spans.length, 'span')}`),
    waterfall.element);
}
