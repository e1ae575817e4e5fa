// The service graph from the graph analysis (GET /api/v1/analyze/graph): services in columns by call depth (callers
// left of the services they call), one arrow per edge with its calls, errors and p99, and the analysis's table.
import { h, svg, errorBox, loading } from '../dom.js';
import { getJson } from '../api.js';
import { navigate } from '../router.js';
import { duration, serviceColor } from '../format.js';
import { analysisTable, sinceInput } from '../analysis-table.js';

const node = { width: 170, height: 40, columnGap: 200, rowGap: 36 };

export async function renderGraph(view, { query }) {
  const since = query.get('since') ?? '1h';
  const form = h('form', { class: 'analysis-form' }, h('label', {}, h('span', {}, 'Since'), sinceInput(since)),
    h('button', { type: 'submit', class: 'primary' }, 'Show'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    navigate(`/ui/graph?since=${encodeURIComponent(new FormData(form).get('since'))}`);
  });
  const result = h('div', {}, loading('the service graph'));
  view.append(h('h1', {}, 'Service graph'), form, result);
  try {
    const { data, table } = await getJson('/api/v1/analyze/graph', { since });
    result.replaceChildren(data.edges.length === 0
      ? h('p', { class: 'muted' }, 'No calls between services in this range.')
      : graphSvg(data.services, data.edges), analysisTable(table));
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

function graphSvg(listed, edges) {
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
    edges.map(e => edgePath(e, place.get(e.parent), place.get(e.child))),
    services.map(s => {
      const { x, y } = place.get(s);
      return svg('g', { class: 'graph-node', 'data-service': s },
        svg('rect', { x, y, width: node.width, height: node.height, rx: 6, stroke: serviceColor(s) }),
        svg('text', { x: x + node.width / 2, y: y + node.height / 2 + 5, 'text-anchor': 'middle' }, s));
    }));
}

function mean(values) {
  return values.length === 0 ? Infinity : values.reduce((a, b) => a + b, 0) / values.length;
}

function edgePath(edge, from, to) {
  const x1 = from.x + node.width, y1 = from.y + node.height / 2;
  const x2 = to.x, y2 = to.y + node.height / 2;
  const bend = Math.max(40, Math.abs(x2 - x1) / 2);
  const failing = edge.errors > 0;
  const label = `${edge.calls} calls${failing ? `, ${(edge.errorRate * 100).toFixed(1)}% errors` : ''}, p99 ${duration(edge.p99Nanos)}`;
  return svg('g', { class: failing ? 'graph-edge failing' : 'graph-edge' },
    svg('title', {}, `${edge.parent} → ${edge.child}: ${label}`),
    svg('path', { d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`, 'stroke-width': 1 + Math.log10(1 + edge.calls), 'marker-end': 'url(#arrow)' }),
    svg('text', { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 6, 'text-anchor': 'middle' }, label));
}
