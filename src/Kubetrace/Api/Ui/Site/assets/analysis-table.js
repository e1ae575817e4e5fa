// An analysis's table ({"title","columns","rows","notes"} from /api/v1/analyze/{name}) as HTML: rows in the
// analysis's own order (worst first), trace IDs as links to the trace view, the notes underneath.
import { h } from './dom.js';

const traceId = /^[0-9a-f]{32}$/;

export function analysisTable(table) {
  return h('div', { class: 'analysis-table' },
    h('h2', {}, table.title),
    table.rows.length === 0
      ? h('p', { class: 'muted' }, 'No rows: nothing in this range matched the analysis.')
      : h('table', { class: 'grid' },
        h('thead', {}, h('tr', {}, table.columns.map(c => h('th', {}, c)))),
        h('tbody', {}, table.rows.map(row => h('tr', {}, row.map(cell => h('td', {}, cellContent(cell))))))),
    table.notes.length === 0 ? null : h('ul', { class: 'notes' }, table.notes.map(n => h('li', {}, n))));
}

function cellContent(cell) {
  return traceId.test(cell) ? h('a', { href: `/ui/trace/${cell}`, class: 'mono' }, cell) : cell;
}

/** The analyses' range, as `kubetrace analyze --since` takes it: a Go duration, with common choices offered. */
export function sinceInput(value) {
  return [
    h('input', { name: 'since', value: value ?? '1h', list: 'since-choices', size: 6, autocomplete: 'off', 'aria-label': 'Since' }),
    h('datalist', { id: 'since-choices' }, ['5m', '15m', '1h', '3h', '6h', '24h', '7d'].map(v => h('option', { value: v }))),
  ];
}
