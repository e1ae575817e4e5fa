// The TraceQL box of the search page (GET /api/v1/search?q=, docs/api.md "TraceQL"), with completions from the
// attributes API: after "{" or an operator the scopes and intrinsics are offered, after "resource." or "span." (or
// ".") the stored attribute names of that scope, and after "attribute =" the attribute's stored values (status and
// kind offer their keywords). A completion replaces the word being typed; arrows and Enter or a click pick one.
import { h } from '../dom.js';
import { getJson } from '../api.js';

const intrinsics = ['name', 'status', 'kind', 'duration', 'statusMessage', 'rootServiceName', 'rootName', 'traceDuration'];
const keywords = {
  status: ['error', 'ok', 'unset'],
  kind: ['server', 'client', 'internal', 'producer', 'consumer', 'unspecified'],
};
/** Attribute being compared to a value: `resource.service.name = "api` → the attribute and the typed prefix. */
const valueContext = /([A-Za-z_][\w.:-]*|\.[\w.-]+)\s*(?:=|!=|=~|!~)\s*("?)([^"\s}]*)$/;
/** The attribute name being typed (after `{`, `(`, `&&`, `||`, `!`, or the start). */
const nameContext = /(?:^|[\s{(&|!])([A-Za-z_.:][\w.:-]*)?$/;

export function traceQlBox(value) {
  const input = h('input', {
    name: 'q', value: value ?? '', class: 'traceql mono', placeholder: '{ resource.service.name = "apiserver" && duration > 300ms }',
    autocomplete: 'off', spellcheck: 'false', role: 'combobox', 'aria-label': 'TraceQL', 'aria-autocomplete': 'list',
    'aria-controls': 'traceql-completions', 'aria-expanded': 'false',
  });
  const list = h('ul', { id: 'traceql-completions', class: 'completions', role: 'listbox', hidden: true });
  const names = new Map(); // scope → attribute names
  const values = new Map(); // attribute → values
  let options = [];
  let active = -1;
  let typed = null; // { start, end } of the word the completions replace

  const namesOf = async scope => {
    if (!names.has(scope)) names.set(scope, (await getJson('/api/v1/attributes', { scope })).names);
    return names.get(scope);
  };
  const valuesOf = async (scope, key) => {
    const id = `${scope}:${key}`;
    if (!values.has(id)) values.set(id, (await getJson(`/api/v1/attributes/${encodeURIComponent(key)}/values`, { scope })).values);
    return values.get(id);
  };

  /** The completions for the text before the cursor, and the part of it they replace. */
  const completionsFor = async before => {
    const open = before.lastIndexOf('{') > before.lastIndexOf('}');
    if (!open) return null;
    const compared = valueContext.exec(before);
    if (compared) {
      const [, attribute, quote, prefix] = compared;
      const start = before.length - prefix.length - quote.length;
      if (keywords[attribute] && !quote) return { start, items: keywords[attribute].filter(k => k.startsWith(prefix)) };
      const scoped = /^(resource|span)?\.(.+)$/.exec(attribute);
      if (!scoped) return null;
      const found = await valuesOf(scoped[1] ?? 'any', scoped[2]);
      return { start, items: found.filter(v => v.startsWith(prefix)).map(v => JSON.stringify(v)) };
    }
    const word = nameContext.exec(before)?.[1] ?? '';
    const start = before.length - word.length;
    const scoped = /^(resource|span)?\.(.*)$/.exec(word);
    if (scoped) {
      const scope = scoped[1] ?? 'any';
      const prefix = scoped[1] ? `${scoped[1]}.` : '.';
      return { start, items: (await namesOf(scope)).filter(n => n.startsWith(scoped[2])).map(n => prefix + n) };
    }
    return { start, items: ['resource.', 'span.', '.', ...intrinsics].filter(s => s.startsWith(word) && s !== word) };
  };

  const show = () => {
    list.replaceChildren(...options.map((text, i) => h('li', {
      role: 'option', id: `traceql-option-${i}`, 'aria-selected': String(i === active),
      onmousedown: event => { event.preventDefault(); pick(i); },
    }, text)));
    list.hidden = options.length === 0;
    input.setAttribute('aria-expanded', String(options.length > 0));
    if (active >= 0) input.setAttribute('aria-activedescendant', `traceql-option-${active}`);
    else input.removeAttribute('aria-activedescendant');
  };
  const close = () => {
    options = [];
    active = -1;
    show();
  };
  const pick = i => {
    const text = options[i];
    const before = input.value.slice(0, typed.start);
    const after = input.value.slice(input.selectionStart ?? input.value.length);
    input.value = before + text + after;
    const cursor = before.length + text.length;
    input.setSelectionRange(cursor, cursor);
    input.focus();
    close();
    // A scope ("resource.") continues into its names.
    if (text.endsWith('.')) offer();
  };
  const offer = async () => {
    const cursor = input.selectionStart ?? input.value.length;
    const value = input.value;
    let found = null;
    try {
      found = await completionsFor(value.slice(0, cursor));
    } catch {
      found = null; // completions are a help; the search itself reports errors
    }
    // Each keystroke offers anew and the answers may come back out of order: completions for an older text would
    // replace the wrong part of the newer one (a space typed after "=" was lost), so an outdated answer is dropped.
    if (input.value !== value || (input.selectionStart ?? input.value.length) !== cursor) return;
    typed = found ? { start: found.start } : null;
    options = found ? found.items.slice(0, 50) : [];
    active = -1;
    show();
  };
  input.addEventListener('input', offer);
  input.addEventListener('blur', close);
  input.addEventListener('keydown', event => {
    if (options.length === 0) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      active = (active + (event.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length;
      show();
    } else if (event.key === 'Enter' && active >= 0) {
      event.preventDefault();
      pick(active);
    } else if (event.key === 'Escape') {
      close();
    }
  });
  return h('div', { class: 'traceql-box' }, input, list);
}

/**
 * A TraceQL error as the API words it ("parse error at line 1, col 14: ..."), with the query's line and a caret
 * under the column when the message names one.
 */
export function traceQlProblem(query, message) {
  const at = /line (\d+), col (\d+)/.exec(message);
  if (!at) return null;
  const line = query.split('\n')[Number(at[1]) - 1] ?? '';
  const column = Math.max(1, Number(at[2]));
  return h('pre', { class: 'traceql-error mono', 'aria-label': 'TraceQL error position' },
    `${line}\n${' '.repeat(column - 1)}^ line ${at[1]}, column ${column}`);
}
