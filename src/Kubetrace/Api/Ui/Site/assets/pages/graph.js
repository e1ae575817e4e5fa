// The service graph from the graph analysis (GET /api/v1/analyze/graph): services in columns by call depth (callers
// left of the services they call), one arrow per edge with its calls, errors and p99, and the analysis's table.
// Call edges (parent/child spans, what the dependencies API counts) are solid; link edges (the callee's trace links
// the caller's span, as the apiserver does for kubelets and operators) are dashed. Clicking a service or an edge
// shows its request rate, error rate and p99 from the RED analysis (deep link: ?select=service or caller>callee).
import { h, svg, errorBox, loading } from '../dom.js';
import { getJson } from '../api.js';
import { navigate } from '../router.js';
import { duration, serviceColor } from '../format.js';
import { analysisTable, sinceInput } from '../analysis-table.js';

const node = { width: 170, height: 40, columnGap: 200, rowGap: 36 };

export async function renderGraph(view, { query }) {
  const since = query.get('since') ?? '1h';
  const selected = query.get('select');
  const form = h('form', { class: 'analysis-form' }, h('label', {}, h('span', {}, 'Since'), sinceInput(since)),
    h('button', { type: 'submit', class: 'primary' }, 'Show'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    navigate(`/ui/graph?since=${encodeURIComponent(new FormData(form).get('since'))}`);
  });
  const result = h('div', {}, loading('the service graph'));
  view.append(h('h1', {}, 'Service graph'), form, result);
  try {
    const [{ data, table }, red] = await Promise.all([
      getJson('/api/v1/analyze/graph', { since }),
      getJson('/api/v1/analyze/red', { since }).then(r => r.data, () => null),
    ]);
    if (data.edges.length === 0) {
      result.replaceChildren(h('p', { class: 'muted' }, 'No calls between services in this range.'), analysisTable(table));
      return;
    }
    const details = h('aside', { class: 'graph-details' });
    const select = key => {
      history.replaceState(null, '', `/ui/graph?since=${encodeURIComponent(since)}${key ? `&select=${encodeURIComponent(key)}` : ''}`);
      for (const element of result.querySelectorAll('[data-key]')) element.classList.toggle('selected', element.dataset.key === key);
      details.replaceChildren(...detailsOf(key, data.edges, red));
    };
    result.replaceChildren(legend(), h('div', { class: 'graph-layout' }, graphSvg(data.services, data.edges, select), details), analysisTable(table));
    select(selected);
  } catch (e) {
    result.replaceChildren(errorBox(e));
  }
}

/** Column of each service: the longest chain of callers above it (at most one round per service, so cycles end). */
function columns(services, edges) {
  const column = new Map(services.map(s => [s, 0]));
  for (let round = 0; round < services.length; round++) {
    let moved = false;
    for (const { parent, child } of edges) {
      const wanted = column.get(parent) + 1;
      if (parent !== child && wanted > column.get(child) && wanted < services.length) {
        column.set(child, wanted);
        moved = true;
      }
    }
    if (!moved) break;
  }
  return column;
}

function legend() {
  const sample = (cls, text) => h('span', { class: 'legend-item' },
    svg('svg', { width: 36, height: 10 }, svg('line', { x1: 0, y1: 5, x2: 36, y2: 5, class: cls })), text);
  return h('p', { class: 'graph-legend muted' },
    sample('legend-call', 'call (parent → child span; the dependencies API counts these)'),
    sample('legend-link', 'link (the callee\'s trace links the caller\'s span)'),
    sample('legend-failing', 'with errors'));
}

/** The details of a service (its operations' RED rows) or of an edge ("caller>callee"). */
function detailsOf(key, edges, red) {
  if (!key) return [h('p', { class: 'muted' }, 'Click a service or an edge for its request rate, error rate and p99.')];
  const seconds = red?.seconds || null;
  const rate = calls => (seconds ? `${(calls / seconds).toFixed(2)}/s` : '–');
  const percent = value => `${(value * 100).toFixed(1)}%`;
  const [caller, callee] = key.split('>');
  if (callee !== undefined) {
    return edges.filter(e => e.parent === caller && e.child === callee).map(e => h('div', { class: 'edge-details' },
      h('h2', {}, `${caller} → ${callee}`), h('p', { class: 'muted' }, `via ${e.kind}`),
      kv([['request rate', rate(e.calls)], ['calls', String(e.calls)], ['error rate', percent(e.errorRate)],
        ['p50', duration(e.p50Nanos)], ['p99', duration(e.p99Nanos)]]),
      h('p', {}, h('a', { href: `/ui/search?service=${encodeURIComponent(callee)}` }, `Search ${callee}'s traces`))));
  }
  const operations = (red?.operations ?? []).filter(o => o.service === key);
  // A service's requests are its server and consumer spans; a service with none (a pure client) counts all.
  const entry = operations.filter(o => o.kind === 'server' || o.kind === 'consumer');
  const counted = entry.length > 0 ? entry : operations;
  const calls = counted.reduce((sum, o) => sum + o.calls, 0);
  const errors = counted.reduce((sum, o) => sum + o.errors, 0);
  return [h('h2', {}, key),
    red === null ? h('p', { class: 'muted' }, 'The RED analysis did not answer.') : kv([
      ['request rate', rate(calls)], ['error rate', calls ? percent(errors / calls) : '–'],
      ['p99 (worst operation)', counted.length ? duration(Math.max(...counted.map(o => o.p99Nanos))) : '–']]),
    h('table', { class: 'grid compact' },
      h('thead', {}, h('tr', {}, [counted === entry ? 'served operation' : 'operation', 'kind', 'rate', 'errors', 'p99'].map(c => h('th', {}, c)))),
      h('tbody', {}, [...counted].sort((a, b) => b.calls - a.calls).slice(0, 12).map(o => h('tr', {}, h('td', {}, o.operation), h('td', {}, o.kind), h('td', { class: 'number' }, `${o.ratePerSecond.toFixed(2)}/s`),
        h('td', { class: 'number' }, percent(o.errorRate)), h('td', { class: 'number' }, duration(o.p99Nanos)))))),
    h('p', {}, h('a', { href: `/ui/search?service=${encodeURIComponent(key)}` }, `Search ${key}'s traces`))];
}

function kv(pairs) {
  return h('table', { class: 'kv' }, pairs.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))));
}

function graphSvg(listed, edges, select) {
  const services = [...new Set([...listed, ...edges.flatMap(e => [e.parent, e.child])])].sort();
  const column = columns(services, edges);
  // Within a column, a service sits level with its callers (their mean row) where it can, so arrows run straight.
  const byColumn = [];
  for (const service of services) (byColumn[column.get(service)] ??= []).push(service);
  const row = new Map();
  for (const list of byColumn) {
    const callerRow = s => mean(edges.filter(e => e.child === s && row.has(e.parent)).map(e => row.get(e.parent)));
    list.sort((a, b) => callerRow(a) - callerRow(b) || a.localeCompare(b));
    let next = 0;
    for (const service of list) {
      const wanted = callerRow(service);
      row.set(service, Number.isFinite(wanted) ? Math.max(next, Math.round(wanted)) : next);
      next = row.get(service) + 1;
    }
  }
  const place = new Map(services.map(s => [s, {
    x: 10 + column.get(s) * (node.width + node.columnGap),
    y: 10 + row.get(s) * (node.height + node.rowGap),
  }]));
  const width = 20 + (Math.max(...column.values()) + 1) * (node.width + node.columnGap) - node.columnGap;
  const height = 20 + (Math.max(...row.values()) + 1) * (node.height + node.rowGap) - node.rowGap;

  return svg('svg', { class: 'service-graph', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': 'Service graph' },
    svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto' },
      svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: 'context-stroke' }))),
    edges.map(e => edgePath(e, place.get(e.parent), place.get(e.child), select)),
    services.map(s => {
      const { x, y } = place.get(s);
      return svg('g', { class: 'graph-node', 'data-service': s, 'data-key': s, onclick: () => select(s) },
        svg('rect', { x, y, width: node.width, height: node.height, rx: 6, stroke: serviceColor(s) }),
        svg('text', { x: x + node.width / 2, y: y + node.height / 2 + 5, 'text-anchor': 'middle' }, s));
    }));
}

function mean(values) {
  return values.length === 0 ? Infinity : values.reduce((a, b) => a + b, 0) / values.length;
}

function edgePath(edge, from, to, select) {
  // A link edge beside a call edge between the same services runs a little lower, so both stay visible.
  const shift = edge.kind === 'link' ? 8 : 0;
  const x1 = from.x + node.width, y1 = from.y + node.height / 2 + shift;
  const x2 = to.x, y2 = to.y + node.height / 2 + shift;
  const bend = Math.max(40, Math.abs(x2 - x1) / 2);
  const failing = edge.errors > 0;
  const label = `${edge.calls} ${edge.kind === 'link' ? 'linked ' : ''}calls${failing ? `, ${(edge.errorRate * 100).toFixed(1)}% errors` : ''}, p99 ${duration(edge.p99Nanos)}`;
  const key = `${edge.parent}>${edge.child}`;
  return svg('g', { class: `graph-edge ${edge.kind}${failing ? ' failing' : ''}`, 'data-key': key, 'data-kind': edge.kind, onclick: () => select(key) },
    svg('title', {}, `${edge.parent} → ${edge.child} (via ${edge.kind}): ${label}`),
    svg('path', { d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`, 'stroke-width': 1 + Math.log10(1 + edge.calls), 'marker-end': 'url(#arrow)' }),
    svg('text', { x: (x1 + x2) / 2, y: (y1 + y2) / 2 + (edge.kind === 'link' ? 14 : -6), 'text-anchor': 'middle' }, label));
}
