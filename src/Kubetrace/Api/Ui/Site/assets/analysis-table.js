// An analysis's table ({"title","columns","rows","notes","samples","sampling"} from /api/v1/analyze/{name}) as HTML:
// rows in the analysis's own order (worst first), what the answer rests on above them, the notes underneath, and
// trace IDs anywhere as links to the trace view. Rows resting on too small a sample are marked, and so are the
// cells whose figure is scaled (≈) or cannot be bounded (≥, ≤, ?, an error rate's interval).
import { h } from './dom.js';

const traceIds = /\b([0-9a-f]{32})\b/;

export function analysisTable(table) {
  const samples = table.samples ?? [];
  const samplingNotes = table.sampling?.notes ?? [];
  return h('div', { class: 'analysis-table' },
    h('h2', {}, table.title),
    samplingNotes.length === 0 ? null : h('div', { class: 'sampling-summary', role: 'note' }, samplingNotes.map(n => h('p', {}, n))),
    table.rows.length === 0
      ? h('p', { class: 'muted' }, 'No rows: nothing in this range matched the analysis.')
      : h('table', { class: 'grid' },
        h('thead', {}, h('tr', {}, table.columns.map(c => h('th', {}, c)))),
        h('tbody', {}, table.rows.map((row, i) => h('tr', rowAttributes(samples[i]), row.map(cell => h('td', cellAttributes(cell), withTraceLinks(cell))))))),
    notesList(table.notes.slice(samplingNotes.length)));
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
    title: sample.small ? `Small sample: ${sample.sampled} sampled, from ${sample.traces} trace(s); marked figures cannot be bounded at 95%` : null,
  };
}

const marks = [
  [/^≥/, 'Too few samples for a 95% upper bound: the true value is at least this'],
  [/^≤/, 'Too few samples for a 95% lower bound: the true value is at most this'],
  [/\?$/, 'Too few samples for any 95% bound'],
  [/\(.*–.*\)$/, 'The error rate\'s 95% interval: too few calls to tell'],
  [/≈/, 'Estimated: the sampled count scaled by the sampling rate'],
];

function cellAttributes(cell) {
  const mark = marks.find(([pattern]) => pattern.test(cell));
  return mark ? { class: 'sample-mark', title: mark[1] } : {};
}

/** Text with every trace ID in it made a link to the trace view (split keeps the captured IDs at odd indexes). */
function withTraceLinks(text) {
  return text.split(traceIds).map((part, i) => (i % 2 === 1 ? h('a', { href: `/ui/trace/${part}`, class: 'mono' }, part) : part));
}

/** The analyses' range, as `kubetrace analyze --since` takes it (Go's units plus d and w), with common choices offered. */
export function sinceInput(value) {
  return [
    h('input', { name: 'since', value: value ?? '1h', list: 'since-choices', size: 6, autocomplete: 'off', 'aria-label': 'Since' }),
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
