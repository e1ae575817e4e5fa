// A page opened over an explicit range (start/end: an analysis row's search links) keeps it when its form is sent
// again, until the user picks another range: refining a row's "all" search must not swap the row's range for a
// look-back from now. One mechanism for every form with a range control (the search's Lookback, an analysis's Since).
import { h } from './dom.js';
import { time } from './format.js';

/** Whether the page was opened over an explicit range. */
export function hasKeptRange(query) {
  return Boolean(query.get('start') || query.get('end'));
}

/** The range as the user reads it: "from … to …" (Unix nanoseconds shown as times, RFC 3339 as given). */
export function keptRangeText(query) {
  const shown = value => (/^\d+$/.test(value) ? time(value) : value);
  return [['from', query.get('start')], ['to', query.get('end')]].filter(([, v]) => v).map(([word, v]) => `${word} ${shown(v)}`).join(' ');
}

/**
 * The page's start/end as hidden fields of the form, removed as soon as the user edits `control` (the form's own
 * range control): what the form then sends is the range the user chose. No fields when the page had no range.
 */
export function keptRangeFields(query, control) {
  if (!hasKeptRange(query)) return [];
  const fields = ['start', 'end'].filter(name => query.get(name))
    .map(name => h('input', { type: 'hidden', name, value: query.get(name) }));
  const drop = () => fields.forEach(field => field.remove());
  control.addEventListener('input', drop);
  control.addEventListener('change', drop);
  return fields;
}
