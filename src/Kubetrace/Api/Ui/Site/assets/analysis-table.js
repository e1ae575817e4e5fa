// An analysis's table ({"title","columns","rows","notes"} from /api/v1/analyze/{name}) as HTML: rows in the
// analysis's own order (worst first), the notes underneath, and trace IDs anywhere as links to the trace view.
import { h } from './dom.js';

const traceIds = /\b([0-9a-f]{32})\b/;

export function analysisTable(table) {
  return h('div', { class: 'analysis-table' },
    h('h2', {}, table.title),
    table.rows.length === 0
      ? h('p', { class: 'muted' }, 'No rows: nothing in this range matched the analysis.')
      : h('table', { class: 'grid' },
        h('thead', {}, h('tr', {}, table.columns.map(c => h('th', {}, c)))),
        h('tbody', {}, table.rows.map(row => h('tr', {}, row.map(cell => h('td', {}, withTraceLinks(cell))))))),
    table.notes.length === 0 ? null : h('ul', { class: 'notes' }, table.notes.map(n => h('li', {}, withTraceLinks(n)))));
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
