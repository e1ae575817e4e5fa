// Tag autocomplete for the search form's Tags field, from the attributes API: while the last word has no '=', the
// stored attribute keys are offered (as "key="); after "key=", that key's stored values. The field holds several
// space-separated tags, so each suggestion is the whole text with its last word completed.
import { h } from '../dom.js';
import { getJson } from '../api.js';

export function withTagSuggestions(input, id) {
  const list = h('datalist', { id });
  input.setAttribute('list', id);
  let keys = null;
  const valuesByKey = new Map();
  const offer = async () => {
    const words = input.value.split(/\s+/);
    const last = words.pop() ?? '';
    const prefix = words.length ? `${words.join(' ')} ` : '';
    const equals = last.indexOf('=');
    let options;
    try {
      if (equals < 0) {
        keys ??= (await getJson('/api/v1/attributes', { scope: 'any' })).names;
        options = keys.filter(k => k.startsWith(last)).slice(0, 50).map(k => `${prefix}${k}=`);
      } else {
        const key = last.slice(0, equals);
        if (!valuesByKey.has(key)) valuesByKey.set(key, (await getJson(`/api/v1/attributes/${encodeURIComponent(key)}/values`, { scope: 'any' })).values);
        options = valuesByKey.get(key).filter(v => v.startsWith(last.slice(equals + 1))).slice(0, 50).map(v => `${prefix}${key}=${v}`);
      }
    } catch {
      options = []; // suggestions are a help; the search itself reports errors
    }
    list.replaceChildren(...options.map(value => h('option', { value })));
  };
  input.addEventListener('input', offer);
  input.addEventListener('focus', offer);
  return [input, list];
}
