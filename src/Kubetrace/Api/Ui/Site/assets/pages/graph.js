// The service graph from the graph analysis (GET /api/v1/analyze/graph): services in columns by call depth (callers
// left of the services they call), one arrow per edge with its calls, errors and p99, and the analysis's table.
// Call edges (parent/child spans, what the dependencies API counts) are solid; link edges (the callee's trace links
// the caller's span, as the apiserver does for kubelets and operators) are dashed. Clicking a service or an edge
// shows its request rate, error rate and p99 from the RED analysis (deep link: ?select=service or caller>callee), and
// an edge's links as its table row gives them: its example traces and, for a call edge, all its calls (a search over
// the answer's range; a link edge has none, its caller's span being in another trace).
// Long-running requests (watches, exec, attach, port-forward, log, proxy: open as long as their client keeps them,
// by kube-apiserver's own rule) count as calls but not in any p50/p99: the analyses count them apart ("watches"),
// and the labels and details say so.
import { h, svg, errorBox, loading } from '../dom.js';
import { getJson } from '../api.js';
import { navigate } from '../router.js';
import { count, duration, serviceColor } from '../format.js';
import { analysisTable, rowLinks, sinceInput } from '../analysis-table.js';

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
    const [answer, red] = await Promise.all([
      getJson('/api/v1/analyze/graph', { since }),
      getJson('/api/v1/analyze/red', { since }).then(r => r.data, () => null),
    ]);
    const { data, table } = answer;
    if (data.edges.length === 0) {
      result.replaceChildren(h('p', { class: 'muted' }, 'No calls between services in this range.'), analysisTable(table, answer));
      return;
    }
    const details = h('aside', { class: 'graph-details' });
    const select = key => {
      history.replaceState(null, '', `/ui/graph?since=${encodeURIComponent(since)}${key ? `&select=${encodeURIComponent(key)}` : ''}`);
      for (const element of result.querySelectorAll('[data-key]')) element.classList.toggle('selected', element.dataset.key === key);
      details.replaceChildren(...detailsOf(key, answer, red));
    };
    const graph = graphSvg(data.services, data.edges, select);
    result.replaceChildren(legend(), h('div', { class: 'graph-layout' }, graph.element, details), analysisTable(table, answer));
    // Labels are placed once the page has drawn them: their size is the font's, known only then.
    placeLabels(graph);
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
    sample('legend-failing', 'with errors'),
    h('span', { class: 'legend-item' }, 'p50/p99 leave out watch streams and the other requests kube-apiserver holds open (exec, attach, port-forward, log, proxy), counted apart'));
}

/**
 * The details of a service (its operations' RED rows) or of an edge ("caller>callee"): an edge's links are its table
 * row's (table.searches[i] is data.edges[i]'s search), over the answer's range.
 */
function detailsOf(key, answer, red) {
  if (!key) return [h('p', { class: 'muted' }, 'Click a service or an edge for its request rate, error rate and p99.')];
  const seconds = red?.seconds || null;
  const rate = calls => (seconds ? `${(calls / seconds).toFixed(2)}/s` : '–');
  const percent = value => `${(value * 100).toFixed(1)}%`;
  const [caller, callee] = key.split('>');
  if (callee !== undefined) {
    const { data: { edges }, table } = answer;
    const linksOf = i => rowLinks(edges[i].examples, table.searches?.[i], table.samples?.[i], answer);
    const matching = edges.flatMap((e, i) => (e.parent === caller && e.child === callee ? [[e, linksOf(i)]] : []));
    return matching.map(([e, links]) => h('div', { class: 'edge-details' },
      h('h2', {}, `${caller} → ${callee}`), h('p', { class: 'muted' }, `via ${e.kind}`),
      kv([['request rate', rate(e.calls)], ['calls', count(e.calls)], ['watch streams', watchesText(e.watches)], ['error rate', percent(e.errorRate)],
        ['p50', latency(e, e.p50Nanos)], ['p99', latency(e, e.p99Nanos)]]),
      links ? h('p', { class: 'edge-examples' }, 'Example traces: ', ...links.filter(Boolean).flatMap((a, i) => i ? [' ', a] : [a])) : null,
      h('p', {}, h('a', { href: `/ui/search?service=${encodeURIComponent(callee)}` }, `Search ${callee}'s traces`))));
  }
  const operations = (red?.operations ?? []).filter(o => o.service === key);
  // A service's requests are its server and consumer spans; a service with none (a pure client) counts all.
  const entry = operations.filter(o => o.kind === 'server' || o.kind === 'consumer');
  const counted = entry.length > 0 ? entry : operations;
  const calls = counted.reduce((sum, o) => sum + o.calls, 0);
  const timed = counted.filter(o => o.calls > (o.watches ?? 0));
  const errors = counted.reduce((sum, o) => sum + o.errors, 0);
  return [h('h2', {}, key),
    red === null ? h('p', { class: 'muted' }, 'The RED analysis did not answer.') : kv([
      ['request rate', rate(calls)], ['error rate', calls ? percent(errors / calls) : '–'],
      ['watch streams', watchesText(counted.reduce((sum, o) => sum + (o.watches ?? 0), 0))],
      ['p99 (worst operation)', timed.length ? duration(Math.max(...timed.map(o => o.p99Nanos))) : '–']]),
    h('table', { class: 'grid compact' },
      h('thead', {}, h('tr', {}, [counted === entry ? 'served operation' : 'operation', 'kind', 'rate', 'errors', 'p99'].map(c => h('th', {}, c)))),
      h('tbody', {}, [...counted].sort((a, b) => b.calls - a.calls).slice(0, 12).map(o => h('tr', {}, h('td', {}, o.operation), h('td', {}, o.kind), h('td', { class: 'number' }, `${o.ratePerSecond.toFixed(2)}/s`),
        h('td', { class: 'number' }, percent(o.errorRate)), h('td', { class: 'number', title: o.watches ? watchesText(o.watches) : null }, latency(o, o.p99Nanos)))))),
    h('p', {}, h('a', { href: `/ui/search?service=${encodeURIComponent(key)}` }, `Search ${key}'s traces`))];
}

/** A latency of calls that may all be watch streams: none then, not 0 s. */
function latency(calls, nanos) {
  return calls.calls > (calls.watches ?? 0) ? duration(nanos) : '–';
}

function watchesText(watches) {
  return watches ? `${count(watches)} (in calls, left out of the percentiles: watches, exec sessions, logs and other requests open as long as their client keeps them)` : '0';
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

  const drawn = edges.map(e => edgePath(e, place.get(e.parent), place.get(e.child), select));
  const element = svg('svg', { class: 'service-graph', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': 'Service graph' },
    svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto' },
      svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: 'context-stroke' }))),
    drawn.map(d => d.group),
    services.map(s => {
      const { x, y } = place.get(s);
      return svg('g', { class: 'graph-node', 'data-service': s, 'data-key': s, onclick: () => select(s) },
        svg('rect', { x, y, width: node.width, height: node.height, rx: 6, stroke: serviceColor(s) }),
        svg('text', { x: x + node.width / 2, y: y + node.height / 2 + 5, 'text-anchor': 'middle' }, s));
    }));
  return { element, edges: drawn, nodes: [...place.values()].map(({ x, y }) => ({ x, y, width: node.width, height: node.height })), width, height };
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
  const watches = edge.watches ? ` (${count(edge.watches)} watches apart)` : '';
  const label = `${count(edge.calls)} ${edge.kind === 'link' ? 'linked ' : ''}calls${failing ? `, ${(edge.errorRate * 100).toFixed(1)}% errors` : ''}, p99 ${latency(edge, edge.p99Nanos)}${watches}`;
  const key = `${edge.parent}>${edge.child}`;
  const curve = [[x1, y1], [x1 + bend, y1], [x2 - bend, y2], [x2, y2]];
  const text = svg('text', { 'text-anchor': 'middle' }, label);
  const group = svg('g', { class: `graph-edge ${edge.kind}${failing ? ' failing' : ''}`, 'data-key': key, 'data-kind': edge.kind, onclick: () => select(key) },
    svg('title', {}, `${edge.parent} → ${edge.child} (via ${edge.kind}): ${label}`),
    svg('path', { d: `M${x1},${y1} C${curve[1]} ${curve[2]} ${x2},${y2}`, 'stroke-width': 1 + Math.log10(1 + edge.calls), 'marker-end': 'url(#arrow)' }),
    text);
  // A link edge's label goes below its curve first, a call's above: the two between one pair of services part.
  return { group, text, curve, below: edge.kind === 'link' };
}

// Where along a curve a label may sit, best first (the middle; never at the ends, which are the services), and how
// it may sit against the point: centred on it, or with a corner on it (room beside a crowded middle).
const alongCurve = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.12, 0.88];
const againstPoint = [0.5, 0.9, 0.1];
// A label's distance from its curve, and the free margin kept around labels and services.
const labelGap = 3, labelMargin = 2;

/**
 * Puts each edge's label by its curve where it covers no label placed before it and no service: the first free
 * place of alongCurve × againstPoint × above/below, edges in the analysis's order (errors first, then the slowest),
 * so the most telling labels get the middles. A place no other edge's curve crosses comes first (a line through a
 * label makes it hard to read); only where there is none does a label sit over a crossing edge (its halo, app.css,
 * keeps it legible). Where every place is taken, the label moves away from the middle of its curve until it is
 * free, joined to it by a thin line. The picture grows to hold every label.
 */
function placeLabels(graph) {
  const taken = graph.nodes.map(n => grow(n, labelMargin));
  const free = box => !taken.some(t => overlap(box, t));
  let bounds = { x: 0, y: 0, width: graph.width, height: graph.height };
  // Each curve as a polyline fine enough that a label crossed by it is seen crossed.
  const polylines = graph.edges.map(e => Array.from({ length: 65 }, (_, i) => bezier(e.curve, i / 64)));
  for (const edge of graph.edges) {
    const size = edge.text.getBBox(); // at x = y = 0: the text's extent from its anchor and baseline
    const boxAt = ([x, y], side, against) => ({
      x: x - size.width * against, y: side === 'above' ? y - labelGap - size.height : y + labelGap, width: size.width, height: size.height,
    });
    const sides = edge.below ? ['below', 'above'] : ['above', 'below'];
    const places = alongCurve.flatMap(t => againstPoint.flatMap(against => sides.map(side => boxAt(bezier(edge.curve, t), side, against))))
      .filter(candidate => free(grow(candidate, labelMargin)));
    const uncrossed = candidate => !graph.edges.some((other, i) => other !== edge && polylines[i].some((p, j) => j > 0 && segmentHitsBox(polylines[i][j - 1], p, candidate)));
    const box = places.find(uncrossed) ?? places[0] ?? awayFromCurve(edge, boxAt, sides, free);
    taken.push(grow(box, labelMargin));
    bounds = union(bounds, grow(box, labelMargin));
    edge.text.setAttribute('x', box.x + size.width / 2);
    edge.text.setAttribute('y', box.y - size.y);
  }
  graph.element.setAttribute('viewBox', `${bounds.x} ${bounds.y} ${bounds.width} ${bounds.height}`);
  graph.element.setAttribute('width', bounds.width);
  graph.element.setAttribute('height', bounds.height);
}

/** A crowded label's place: from the middle of its curve, one label height further away each step, until free; a line joins it to its curve. */
function awayFromCurve(edge, boxAt, sides, free) {
  const middle = bezier(edge.curve, 0.5);
  for (let step = 1; ; step++) {
    for (const side of sides) {
      const start = boxAt(middle, side, 0.5);
      const box = { ...start, y: start.y + (side === 'above' ? -1 : 1) * step * (start.height + labelMargin) };
      if (!free(grow(box, labelMargin))) continue;
      const y = side === 'above' ? box.y + box.height : box.y;
      edge.group.insertBefore(svg('line', { class: 'label-leader', x1: middle[0], y1: middle[1], x2: middle[0], y2: y }), edge.text);
      return box;
    }
  }
}

/** Whether the segment from p to q passes through the box (Liang–Barsky clipping). */
function segmentHitsBox([px, py], [qx, qy], box) {
  let enter = 0, leave = 1;
  const dx = qx - px, dy = qy - py;
  for (const [p, q] of [[-dx, px - box.x], [dx, box.x + box.width - px], [-dy, py - box.y], [dy, box.y + box.height - py]]) {
    if (p === 0) { if (q < 0) return false; continue; }
    const r = q / p;
    if (p < 0) enter = Math.max(enter, r); else leave = Math.min(leave, r);
    if (enter > leave) return false;
  }
  return true;
}

function overlap(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function grow(box, by) {
  return { x: box.x - by, y: box.y - by, width: box.width + 2 * by, height: box.height + 2 * by };
}

function union(a, b) {
  const x = Math.min(a.x, b.x), y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/** The point at t of a cubic Bézier curve given as its four points. */
function bezier([p0, p1, p2, p3], t) {
  const u = 1 - t;
  return [0, 1].map(i => u * u * u * p0[i] + 3 * u * u * t * p1[i] + 3 * u * t * t * p2[i] + t * t * t * p3[i]);
}
