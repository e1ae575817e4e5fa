// An analysis's table ({"title","columns","rows","notes","samples","sampling"} from /api/v1/analyze/{name}) as HTML:
// rows in the analysis's own order (worst first), what the answer rests on above them, the notes underneath, and
// trace IDs anywhere as links to the trace view. Rows resting on too small a sample are marked, and so are the
// cells whose figure is scaled (≈) or cannot be bounded (≥, ≤, ?, an error rate's interval). A row that carries
// its examples (table.examples: traces the analysis itself classified as the row's) links to its slowest and a
// typical one, opened at the span measured; a row that carries its search (table.searches: native conditions or a
// TraceQL query) links to all the traces behind it within the analysis's range (and, without examples, to the
// slowest and typical ones the search finds).
// A row about one Kubernetes object (table.objects: a pod of the pods table) links its first cell to the object's
// timeline over the analysis's range. Columns are resizable.
import { h } from './dom.js';
import { resizableColumns } from './resizable.js';
import { objectTimelineUrl } from './trace/k8s-objects.js';
import { count } from './format.js';

const traceIds = /\b([0-9a-f]{32})\b/;

/** table: the analysis's table; range: the answer's { start, end } (Unix nanoseconds), for the rows' searches. */
export function analysisTable(table, range = null) {
  const samples = table.samples ?? [];
  const searches = range ? table.searches ?? [] : [];
  const rowExamples = table.examples ?? [];
  const objects = table.objects ?? [];
  const examples = searches.some(Boolean) || rowExamples.some(Boolean);
  const samplingNotes = table.sampling?.notes ?? [];
  // A row's object (a pod the pods table started) is seen over the analysis's own range, not a fixed last day.
  const objectRange = range ? { start: BigInt(range.start), end: BigInt(range.end) } : null;
  // A tree column (an operation indented by its depth, as the object timeline's) wraps its names, keeping the indent.
  const trees = table.columns.map((_, c) => table.rows.some(row => row[c] !== row[c].trimStart()));
  // A column of times all on one day says the day once, in its header, and each row its time of day.
  const days = table.columns.map((_, c) => sharedDay(table.rows.map(row => row[c])));
  // The columns that give way first (a pod's images): one line each, cut with an ellipsis, whole on hover, and left
  // out of a table too wide for its box. Not in a table with a tree column (the object timeline's), which fits its
  // window otherwise: its words whole, beside its lanes or below them (object-lanes.js).
  const dropFirst = trees.some(Boolean) ? [] : table.dropFirst ?? [];
  const droppable = table.columns.map(c => dropFirst.includes(c));
  return h('div', { class: 'analysis-table' },
    h('h2', {}, table.title),
    samplingNotes.length === 0 ? null : h('div', { class: 'sampling-summary', role: 'note' }, samplingNotes.map(n => h('p', {}, n))),
    table.rows.length === 0
      ? h('p', { class: 'muted' }, 'No rows: nothing in this range matched the analysis.')
      : fitByDropping(h('div', { class: 'table-scroll' }, resizableColumns(h('table', { class: 'grid' },
        // The example links come first: on a narrow page a wide row's names cannot push them off the right edge.
        h('thead', {}, h('tr', {}, examples ? h('th', {}, 'Example traces') : null, table.columns.map((c, i) => h('th', {}, c, days[i] ? ` ${days[i]}` : null)))),
        h('tbody', {}, table.rows.map((row, i) => h('tr', rowAttributes(samples[i]),
          examples ? h('td', { class: 'examples' }, rowLinks(rowExamples[i], searches[i], samples[i], range)) : null,
          row.map((cell, c) => h('td', trees[c] ? { class: 'tree' } : cellAttributes(cell), c === 0 && objects[i]
            ? h('a', { href: objectTimelineUrl(objects[i], objectRange), class: 'object-link', title: `The timeline of ${objects[i].resource} ${objects[i].object}` }, shortName(cell))
            : trees[c] ? treeText(cell) : droppable[c] ? cutText(cell) : cellText(days[c] ? cell.slice(days[c].length + 1) : cell))))))),
        // Remembered per table shape: the same analysis keeps its widths from run to run.
        `analysis:${table.columns.join('|')}`)), dropFirst.map(c => table.columns.indexOf(c) + (examples ? 1 : 0)).filter(i => i >= (examples ? 1 : 0))),
    notesList(table.notes.slice(samplingNotes.length)));
}

/**
 * A table wider than its box leaves out the columns the analysis names in dropFirst (`columns`: their indexes, the
 * first to go first) until it fits, as the CLI does in a narrow console; the box says which, and a wider window shows
 * them again. A table whose columns the user sized keeps them all: its widths are the user's choice.
 */
function fitByDropping(box, columns) {
  if (columns.length === 0) return box;
  const table = box.querySelector('table');
  const said = h('p', { class: 'muted dropped-columns', hidden: true });
  const headers = [...table.querySelectorAll('thead th')];
  const show = (column, shown) => {
    for (const row of table.rows) row.cells[column]?.classList.toggle('dropped', !shown);
  };
  let width = null;
  // Measured again whenever the box's width changes; a change of its height only (rows growing) is not a new width.
  new ResizeObserver(() => {
    if (box.clientWidth === width || table.classList.contains('resized')) return;
    width = box.clientWidth;
    columns.forEach(c => show(c, true));
    const dropped = [];
    for (const c of columns) {
      if (box.scrollWidth <= box.clientWidth) break;
      show(c, false);
      dropped.push(headers[c].textContent);
    }
    said.hidden = dropped.length === 0;
    said.textContent = `Left out to fit the window (a wider one shows them): ${dropped.join(', ')}`;
  }).observe(box);
  return [said, box];
}

/**
 * A row's links: its own examples (and, with a search, all), or without examples the ones its search finds; null
 * for a row with neither. range: the answer's { start, end }, which the search is bounded by.
 */
export function rowLinks(examples, search, sample, range) {
  return examples ? traceLinks(examples, search, range) : exampleLinks(search, sample, range);
}

/** Links to a row's own examples (its slowest and a typical trace, at the measured span) and, with a search, to all. */
export function traceLinks(examples, search = null, range = null) {
  const link = (text, example) => h('a', {
    href: `/ui/trace/${example.traceId}${example.spanId ? `?span=${example.spanId}` : ''}`, class: 'example-link',
    title: `The row's ${text} trace: ${example.durationMs} ms`, 'data-trace-id': example.traceId,
  }, text);
  return [
    link('slowest', examples.slowest),
    examples.typical ? link('typical', examples.typical) : null,
    search ? exampleLinks(search, null, range).at(-1) : null,
  ];
}

/**
 * Links to the search that finds a row's spans (all conditions on one span, started within the analysis's range, or
 * the row's own, a bucket's; a search marked inexact holds them and more, and its link says so):
 * the slowest (at or above the p99's lower bound, longest first), a typical one (within the p50's 95% bounds) and
 * all. A percentile bound is the mean of one latency-sketch bucket, whose values lie within 1/128 of it
 * (Analysis/LatencySketch), and comes in ms rounded to the microsecond: each bound is widened outwards by that
 * share and one microsecond, or the spans it stands for (303–308 ms behind a p50 of 305.112 ms) would fall out.
 */
function exampleLinks(search, sample, range) {
  if (!search) return null;
  const base = new URLSearchParams();
  if (search.traceQl) base.set('q', search.traceQl);
  if (search.service) base.set('service', search.service);
  if (search.name) base.set('name', search.name);
  if (search.kind) base.set('kind', search.kind);
  for (const attribute of search.attributes ?? []) base.append('attr', attribute);
  // A row that is a part of the range (an etcd-timeline bucket) carries its own.
  base.set('start', BigInt(search.start ?? range.start).toString());
  base.set('end', BigInt(search.end ?? range.end).toString());
  const link = (text, title, { minDuration, maxDuration, sort }) => {
    const params = new URLSearchParams(base);
    if (search.traceQl) {
      // TraceQL takes no duration parameters: a pipeline stage keeps the row's spans within the bounds.
      const bounds = [minDuration && `duration >= ${minDuration}`, maxDuration && `duration <= ${maxDuration}`].filter(Boolean);
      if (bounds.length) params.set('q', `${search.traceQl} | { ${bounds.join(' && ')} }`);
    } else {
      if (minDuration) params.set('minDuration', minDuration);
      if (maxDuration) params.set('maxDuration', maxDuration);
    }
    if (sort) params.set('sort', sort);
    return h('a', { href: `/ui/search?${params}`, title, class: 'example-link' }, text);
  };
  const bound = name => sample?.percentiles?.find(p => p.name === name);
  const micros = (ms, round) => `${Math.max(0, round(ms * 1000))}us`;
  const bucketShare = 1 / 128;
  const below = us => Math.floor(us * (1 - bucketShare)) - 1;
  const above = us => Math.ceil(us * (1 + bucketShare)) + 1;
  const p99 = bound('p99');
  const p50 = bound('p50');
  return [
    link('slowest', 'The row\'s traces at or above its p99, longest first',
      p99?.lowMs != null ? { minDuration: micros(p99.lowMs, below), sort: 'duration' } : { sort: 'duration' }),
    p50?.lowMs != null && p50?.highMs != null
      ? link('typical', 'The row\'s traces within its p50\'s bounds', { minDuration: micros(p50.lowMs, below), maxDuration: micros(p50.highMs, above) })
      : null,
    // A search that finds more than the row's spans says so: its link is "≈all", the reason on hover.
    search.inexact
      ? link('≈all', `A search holding the row's spans and more, pre-filled. ${search.inexact}`, {})
      : link('all', 'A search for the row\'s spans, pre-filled', {}),
  ];
}

function notesList(notes) {
  return notes.length === 0 ? null : h('ul', { class: 'notes' }, notes.map(n => h('li', {}, withTraceLinks(n))));
}

/** A row resting on too small a sample is marked and says why on hover; every row carries its sampled traces. */
function rowAttributes(sample) {
  if (!sample) return {};
  return {
    class: sample.small ? 'small-sample' : null,
    'data-traces': String(sample.traces),
    title: sample.small ? `Small sample: ${count(sample.sampled)} sampled, from ${count(sample.traces)} trace(s); marked figures cannot be bounded at 95%` : null,
  };
}

const marks = [
  [/^≥/, 'Too few samples for a 95% upper bound: the true value is at least this'],
  [/^≤/, 'Too few samples for a 95% lower bound: the true value is at most this'],
  [/\?$/, 'Too few samples for any 95% bound'],
  [/\(.*–.*\)$/, 'The error rate\'s 95% interval: too few calls to tell'],
  [/≈/, 'Estimated: the sampled count scaled by the sampling rate'],
];

const times = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?( [A-Z]+)?$/;

/**
 * A marked figure says why on hover; a one-word cell (a name, a figure) or a time is kept on one line, never broken
 * inside; a cell of several words may break anywhere when the table needs the room, so the table fits the page.
 */
function cellAttributes(cell) {
  const mark = marks.find(([pattern]) => pattern.test(cell));
  const kind = /\s/.test(cell.trim()) && !times.test(cell.trim()) ? 'words' : 'word';
  const long = kind === 'word' && shortName(cell) !== cell ? cell : null;
  return { class: [kind, mark && 'sample-mark'].filter(Boolean).join(' '), title: mark ? mark[1] : long };
}

/** A cell of a column that gives way first: one line, cut with an ellipsis where the column is narrow, whole on hover. */
function cutText(cell) {
  return h('span', { class: 'cut', title: cell }, cellText(cell));
}

/** Names longer than this are cut in the middle (their start and end tell names apart), whole in the cell's title. */
const longestName = 44;

function shortName(text) {
  if (text.length <= longestName || /\s/.test(text.trim())) return text;
  const head = Math.ceil((longestName - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (longestName - 1 - head))}`;
}

/**
 * A cell's text: a long name cut in the middle, trace IDs as links; text of several words may also break after a
 * dot or a slash (a path in a relation: under POST /api/v1/namespaces/…/binding), so a table that keeps its words
 * whole (the object timeline's) still fits.
 */
function cellText(cell) {
  const kind = cellAttributes(cell).class;
  return withTraceLinks(shortName(cell), true).flatMap(part => (typeof part === 'string' && kind.startsWith('words') ? breakable(part) : [part]));
}

/**
 * A tree column's cell: its leading indent (the depth, two spaces a level) as a margin of 1ch a level, so every line the name wraps
 * onto keeps it, and the name whole, free to break after a dot or a slash first (remotes.docker.resolver.│HTTPRequest),
 * anywhere if it must: the column takes the room the table has left.
 */
function treeText(cell) {
  // 1ch a level (the analysis indents two spaces): a call nine levels down keeps its name the room beside the lanes.
  const indent = cell.length - cell.trimStart().length;
  return h('span', { class: 'indented', style: { paddingLeft: `${indent / 2}ch` } }, breakable(cell.trimStart()));
}

/** Text with a line-break opportunity (<wbr>) after each dot or slash inside it: remotes.docker.│resolver.│HTTPRequest. */
function breakable(text) {
  return text.split(/(?<=[./])(?=.)/).flatMap((part, i) => (i === 0 ? [part] : [h('wbr'), part]));
}

/**
 * Text with every trace ID in it made a link to the trace view (split keeps the captured IDs at odd indexes); in a
 * table's cell (short) the link shows the ID's first 8 digits, the whole ID on hover: 32 digits were the widest word
 * of a row (the object timeline's "links to … (trace 7470bdc9…)").
 */
function withTraceLinks(text, short = false) {
  return text.split(traceIds).map((part, i) => (i % 2 === 1
    ? h('a', { href: `/ui/trace/${part}`, class: 'mono', title: short ? part : null }, short ? `${part.slice(0, 8)}…` : part)
    : part));
}

/** The day (YYYY-MM-DD) every cell's time is on, or null: a column of times over one day. */
function sharedDay(cells) {
  const day = cells[0]?.slice(0, 10);
  return cells.length > 0 && cells.every(cell => times.test(cell) && cell.startsWith(`${day} `)) ? day : null;
}

/** The analyses' range, as `kubetrace analyze --since` takes it (Go's units plus d and w), with common choices offered. */
export function sinceInput(value, placeholder = null) {
  return [
    h('input', {
      name: 'since', value: value ?? '1h', placeholder, list: 'since-choices', size: placeholder?.length ?? 6, autocomplete: 'off', 'aria-label': 'Since',
    }),
    h('datalist', { id: 'since-choices' }, ['5m', '15m', '1h', '3h', '6h', '24h', '7d'].map(v => h('option', { value: v }))),
  ];
}

/** The components' sampling rates, as `kubetrace analyze --sampling-rate-per-million` takes them. */
export function samplingRateInput(value) {
  return h('input', {
    name: 'sampling-rate-per-million', value: value ?? '', size: 22, autocomplete: 'off', 'aria-label': 'Sampling rate per million',
    placeholder: '100 or apiserver=100,etcd=1000',
    title: "The components' samplingRatePerMillion: counts and rates are then scaled to the cluster's traffic",
  });
}
