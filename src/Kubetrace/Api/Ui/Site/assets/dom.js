// Building DOM nodes from data. Text always goes in as text nodes, never as HTML, so span names and attribute
// values from traces cannot inject markup.

/** h('a', { href, class: 'x', onclick: fn }, 'text', child, [more]) → an element. */
export function h(tag, props = {}, ...children) {
  return assemble(document.createElement(tag), props, children);
}

/** The same for SVG elements. */
export function svg(tag, props = {}, ...children) {
  return assemble(document.createElementNS('http://www.w3.org/2000/svg', tag), props, children);
}

function assemble(element, props, children) {
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'style') Object.assign(element.style, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.flat(Infinity).filter(c => c !== null && c !== undefined && c !== false));
  return element;
}

/** A failure as the user sees it: the API's own message, announced to screen readers. */
export function errorBox(error) {
  return h('div', { class: 'error-box', role: 'alert' }, error?.message ?? String(error));
}

export function loading(what) {
  return h('p', { class: 'muted loading' }, `Loading ${what}…`);
}
