// Autocomplete for the search form's fields, from the attributes API. Tags: while the last word has no '=', the
// stored attribute keys are offered (as "key="); after "key=", that key's stored values. The field holds several
// space-separated tags, so each suggestion is the whole text with its last word completed. Namespace and Pod: the
// stored values of their one attribute (k8s.namespace.name, k8s.pod.name) that start with what is typed.
import { h } from '../dom.js';
import { getJson } from '../api.js';

/** At most this many suggestions are offered at once: typing narrows them. */
const shown = 50;

export function withTagSuggestions(input, id) {
  const values = storedValues();
  let keys = null;
  return suggesting(input, id, async text => {
    const words = text.split(/\s+/);
    const last = words.pop() ?? '';
    const prefix = words.length ? `${words.join(' ')} ` : '';
    const equals = last.indexOf('=');
    if (equals < 0) {
      keys ??= (await getJson('/api/v1/attributes', { scope: 'any' })).names;
      return keys.filter(k => k.startsWith(last)).map(k => `${prefix}${k}=`);
    }
    const key = last.slice(0, equals);
    return (await values(key)).filter(v => v.startsWith(last.slice(equals + 1))).map(v => `${prefix}${key}=${v}`);
  });
}

/** Suggests the stored values of one attribute `key` starting with the field's text. */
export function withValueSuggestions(input, id, key) {
  const values = storedValues();
  return suggesting(input, id, async text => (await values(key)).filter(v => v.startsWith(text.trim())));
}

/** An attribute's stored values, asked once per key while the form is on the page. */
function storedValues() {
  const byKey = new Map();
  return async key => {
    if (!byKey.has(key)) byKey.set(key, (await getJson(`/api/v1/attributes/${encodeURIComponent(key)}/values`, { scope: 'any' })).values);
    return byKey.get(key);
  };
}

/** The input with a datalist `id` holding what `suggestionsFor(text)` offers, refreshed as the user types. */
function suggesting(input, id, suggestionsFor) {
  const list = h('datalist', { id });
  input.setAttribute('list', id);
  const offer = async () => {
    let options;
    try {
      options = (await suggestionsFor(input.value)).slice(0, shown);
    } catch {
      options = []; // suggestions are a help; the search itself reports errors
    }
    list.replaceChildren(...options.map(value => h('option', { value })));
  };
  input.addEventListener('input', offer);
  input.addEventListener('focus', offer);
  return [input, list];
}
