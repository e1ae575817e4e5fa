// Search: the form's fields are the native search parameters (GET /api/v1/search, docs/api.md), and so is the
// page's URL: /ui/search?service=apiserver&minDuration=300ms is a link to a search, and the page sends its own
// query string to the API as it is. A TraceQL query (q=) replaces the other conditions, as the API wants.
import { h, errorBox, loading } from '../dom.js';
import { getJson } from '../api.js';
import { navigate } from '../router.js';
import { counted, duration, time, serviceColor } from '../format.js';
import { firstRunHelp } from '../first-run.js';
import { scatterPlot } from '../search/scatter.js';
import { withTagSuggestions, withValueSuggestions } from '../search/tag-suggestions.js';
import { traceQlBox, traceQlProblem } from '../search/traceql-box.js';
import { resizableColumns } from '../resizable.js';
import { hasKeptRange, keptRangeFields, keptRangeText } from '../kept-range.js';

/** Kubernetes fields of the form, searched through Kubetrace's normalised names (any raw form matches). */
const kubernetesKeys = { namespace: 'k8s.namespace.name', pod: 'k8s.pod.name' };
const lookbacks = ['5m', '15m', '1h', '3h', '6h', '24h', '7d'];

export function renderSearch(view, { query }) {
  const form = searchForm(query);
  const results = h('div', { class: 'results' });
  view.append(h('h1', {}, 'Search traces'), form, results);
  runSearch(results, query);
}

function searchForm(query) {
  const attrs = query.getAll('attr');
  const kubernetes = key => (attrs.find(a => a.startsWith(`${kubernetesKeys[key]}=`)) ?? '').slice(kubernetesKeys[key].length + 1);
  const tags = attrs.filter(a => !Object.values(kubernetesKeys).some(k => a.startsWith(`${k}=`))).join(' ');
  const service = h('select', { name: 'service', 'aria-label': 'Service' }, h('option', { value: '' }, 'All services'));
  const operation = h('select', { name: 'name', 'aria-label': 'Operation' }, h('option', { value: '' }, 'All operations'));
  const problem = h('div');
  fillServices(service, operation, query.get('service') ?? '', query.get('name') ?? '');
  service.addEventListener('change', () => fillOperations(operation, service.value, ''));

  const field = (label, control) => h('label', {}, h('span', {}, label), control);
  // Opened over a start/end (an analysis row's search), the range is the Lookback's first choice and is kept until
  // another is chosen.
  const kept = hasKeptRange(query) && !query.get('lookback');
  const lookback = h('select', { name: 'lookback' },
    kept ? h('option', { value: '', selected: true }, keptRangeText(query)) : null,
    lookbacks.map(l => h('option', { value: l, selected: !kept && l === (query.get('lookback') ?? '1h') }, `last ${l}`)));
  const text = (name, value, placeholder) => h('input', { name, value: value ?? '', placeholder, autocomplete: 'off', spellcheck: 'false' });
  const form = h('form', { class: 'search-form' },
    h('label', { class: 'wide' }, h('span', {}, 'TraceQL (instead of the fields below)'), traceQlBox(query.get('q'))),
    field('Service', service),
    field('Operation', operation),
    field('Tags', withTagSuggestions(text('tags', tags, 'key=value key2=value2'), 'tag-suggestions')),
    field('Namespace', withValueSuggestions(text('namespace', kubernetes('namespace'), 'kube-system'), 'namespace-suggestions', kubernetesKeys.namespace)),
    field('Pod', withValueSuggestions(text('pod', kubernetes('pod'), 'coredns-7db6d8ff4d-x2v9k'), 'pod-suggestions', kubernetesKeys.pod)),
    field('Min duration', text('minDuration', query.get('minDuration'), '300ms')),
    field('Max duration', text('maxDuration', query.get('maxDuration'), '2s')),
    field('Lookback', lookback),
    kept ? keptRangeFields(query, lookback) : null,
    field('Limit', h('input', { name: 'limit', type: 'number', min: 1, max: 10000, value: query.get('limit') ?? 20 })),
    h('button', { type: 'submit', class: 'primary' }, 'Search'),
    problem);
  form.addEventListener('submit', event => {
    event.preventDefault();
    try {
      navigate(`/ui/search?${toQuery(new FormData(form))}`);
    } catch (e) {
      problem.replaceChildren(errorBox(e));
    }
  });
  return form;
}

/** The fields a TraceQL query replaces. */
const conditionFields = ['service', 'name', 'tags', 'namespace', 'pod', 'minDuration', 'maxDuration'];

/** The fields that say which traces and how many, with or without TraceQL: the range kept or the look-back, the limit. */
const rangeFields = ['start', 'end', 'lookback', 'limit'];

/** The form as native search parameters; a malformed tag, or TraceQL mixed with fields, is reported here rather than sent. */
function toQuery(data) {
  const params = new URLSearchParams();
  const traceQl = String(data.get('q') ?? '').trim();
  if (traceQl) {
    const mixed = conditionFields.filter(name => String(data.get(name) ?? '').trim());
    if (mixed.length) throw new Error(`A TraceQL query replaces the other conditions: clear ${mixed.join(', ')} or the TraceQL box.`);
    params.set('q', traceQl);
    for (const name of rangeFields) {
      const value = String(data.get(name) ?? '').trim();
      if (value) params.set(name, value);
    }
    return params;
  }
  for (const name of ['service', 'name', 'minDuration', 'maxDuration', ...rangeFields]) {
    const value = String(data.get(name) ?? '').trim();
    if (value) params.set(name, value);
  }
  for (const tag of String(data.get('tags')).split(/\s+/).filter(Boolean)) {
    if (tag.indexOf('=') < 1) throw new Error(`Tags are key=value pairs separated by spaces; "${tag}" is not one.`);
    params.append('attr', tag);
  }
  for (const [field, key] of Object.entries(kubernetesKeys)) {
    const value = String(data.get(field) ?? '').trim();
    if (value) params.append('attr', `${key}=${value}`);
  }
  return params;
}

async function fillServices(service, operation, selected, selectedOperation) {
  try {
    const { services } = await getJson('/api/v1/services');
    // A service in the URL that is not (or no longer) stored stays selectable: the search then says what it found.
    for (const name of new Set([...services, selected].filter(Boolean))) {
      service.append(h('option', { value: name, selected: name === selected }, name));
    }
  } catch (e) {
    service.after(errorBox(e));
  }
  if (selected) await fillOperations(operation, selected, selectedOperation);
}

async function fillOperations(operation, service, selected) {
  operation.replaceChildren(h('option', { value: '' }, 'All operations'));
  if (!service) return;
  try {
    const { operations } = await getJson(`/api/v1/services/${encodeURIComponent(service)}/operations`);
    for (const name of new Set([...operations.map(o => o.name), selected].filter(Boolean))) {
      operation.append(h('option', { value: name, selected: name === selected }, name));
    }
  } catch (e) {
    operation.after(errorBox(e));
  }
}

async function runSearch(results, query) {
  results.append(loading('traces'));
  try {
    // The page's own parameters (sort) are not the API's.
    const apiQuery = new URLSearchParams(query);
    apiQuery.delete('sort');
    const { traces, incomplete } = await getJson('/api/v1/search', apiQuery);
    if (traces.length > 0) results.replaceChildren(scatterPlot(traces), resultsTable(traces, query, incomplete));
    else results.replaceChildren(await storeIsEmpty()
      ? firstRunHelp()
      : h('p', { class: 'muted' }, 'No traces match. Widen the lookback or remove a condition.'));
  } catch (e) {
    results.replaceChildren(...[errorBox(e), query.get('q') && traceQlProblem(query.get('q'), e.message)].filter(Boolean));
  }
}

/** Whether nothing at all is stored (not merely nothing matching): the first run. */
async function storeIsEmpty() {
  try {
    return (await getJson('/api/v1/services')).services.length === 0;
  } catch {
    return false;
  }
}

const orders = {
  start: (a, b) => (BigInt(a.startTimeUnixNano) > BigInt(b.startTimeUnixNano) ? 1 : -1),
  duration: (a, b) => Number(b.durationNanos) - Number(a.durationNanos),
  spans: (a, b) => b.spanCount - a.spanCount,
};

/** How many traces are shown, and whether that is all: the server stopped at one of its limits (its message), or the
 * results reached the Limit so more may match (an analysis row's search often matches more traces than that). */
function countText(shown, limit, incomplete) {
  if (incomplete) return `${counted(shown, 'trace')}, not all that match: ${incomplete.message}`;
  return shown >= limit ? `${counted(shown, 'trace')}: the limit; more may match (raise Limit to see them)` : counted(shown, 'trace');
}

/** The results, sorted as ?sort= says (the API's order by default), with two to tick for a side-by-side compare. */
function resultsTable(traces, query, incomplete) {
  const longest = Math.max(...traces.map(t => Number(t.durationNanos)), 1);
  const sort = query.get('sort');
  const sorted = orders[sort] ? [...traces].sort(orders[sort]) : traces;
  const chosen = [];
  const compare = h('button', { type: 'button', disabled: true, onclick: () => navigate(`/ui/compare?a=${chosen[0]}&b=${chosen[1]}`) }, 'Compare 2 traces');
  const choose = (traceId, checked) => {
    if (checked) chosen.push(traceId); else chosen.splice(chosen.indexOf(traceId), 1);
    compare.disabled = chosen.length !== 2;
  };
  const sortSelect = h('select', { 'aria-label': 'Sort by', onchange: event => {
    const next = new URLSearchParams(query);
    if (event.target.value) next.set('sort', event.target.value); else next.delete('sort');
    navigate(`/ui/search?${next}`);
  } }, [['', 'most recent first (as found)'], ['start', 'start time'], ['duration', 'longest first'], ['spans', 'most spans first']]
    .map(([value, label]) => h('option', { value, selected: (sort ?? '') === value }, label)));
  return h('div', {},
    h('div', { class: 'results-bar' }, h('label', {}, 'Sort by ', sortSelect), compare,
      h('span', { class: 'muted results-count' }, countText(traces.length, Number(query.get('limit') ?? 20), incomplete))),
    resizableColumns(h('table', { class: 'grid search-results' },
    h('thead', {}, h('tr', {}, ['', 'Start', 'Trace', 'Duration', 'Spans', 'Errors', 'Services'].map(c => h('th', {}, c)))),
    h('tbody', {}, sorted.map(t => h('tr', { 'data-trace-id': t.traceId },
      h('td', {}, h('input', { type: 'checkbox', 'aria-label': `Compare ${t.traceId}`, onchange: event => choose(t.traceId, event.target.checked) })),
      h('td', { class: 'nowrap' }, time(t.startTimeUnixNano)),
      h('td', {},
        h('a', { href: `/ui/trace/${t.traceId}` }, `${t.rootService}: ${t.rootName}`),
        t.hasRoot ? null : h('span', { class: 'muted' }, ' (root span not received yet)'),
        h('div', { class: 'mono muted' }, t.traceId)),
      h('td', { class: 'nowrap' }, duration(t.durationNanos),
        h('div', { class: 'meter' }, h('div', { style: { width: `${(100 * Number(t.durationNanos)) / longest}%` } }))),
      h('td', { class: 'number' }, t.spanCount),
      h('td', { class: t.errorCount > 0 ? 'number bad' : 'number' }, t.errorCount),
      h('td', {}, t.services.map(s => h('span', { class: 'chip', style: { borderColor: serviceColor(s) } }, s))))))), 'search-results'));
}
