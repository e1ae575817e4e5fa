// Resizable columns: a handle on a column's right edge that the pointer drags (or the arrow keys move, 16 px a
// press) to set the column's width. One handle serves tables (resizableColumns) and the waterfall's name column.
// The widths set are remembered in the browser per table (localStorage), as the UTC/local choice is.
import { h } from './dom.js';

const narrowest = 40;
const step = 16;

/** The widths last set on the table named `name` ({ column label: px }), or null. */
export function rememberedWidths(name) {
  try {
    const widths = JSON.parse(localStorage.getItem(`kubetrace.columns.${name}`) ?? 'null');
    return widths && typeof widths === 'object' ? widths : null;
  } catch {
    return null; // not JSON (an older or foreign value): the table keeps its natural widths
  }
}

export function rememberWidths(name, widths) {
  try {
    localStorage.setItem(`kubetrace.columns.${name}`, JSON.stringify(widths));
  } catch {
    // Storage full or refused: the widths last as long as the page.
  }
}

/** A separator for the column labelled `label`; widthOf() reads the column's width, setWidth(px) sets it. */
export function resizeHandle(label, widthOf, setWidth) {
  let startX = 0;
  let startWidth = 0;
  const resize = width => setWidth(Math.max(narrowest, Math.round(width)));
  const handle = h('span', {
    class: 'col-resizer', role: 'separator', tabindex: 0, 'aria-orientation': 'vertical',
    // Named by its title, not aria-label: a label would also answer to the column's name where a form field has it.
    title: `Resize ${label}`,
    onclick: event => event.stopPropagation(),
    onpointerdown: event => {
      event.preventDefault();
      event.stopPropagation();
      startX = event.clientX;
      startWidth = widthOf();
      handle.setPointerCapture(event.pointerId);
      handle.classList.add('dragging');
    },
    onpointermove: event => { if (handle.hasPointerCapture(event.pointerId)) resize(startWidth + event.clientX - startX); },
    onpointerup: event => {
      handle.releasePointerCapture(event.pointerId);
      handle.classList.remove('dragging');
    },
    onkeydown: event => {
      const delta = { ArrowLeft: -step, ArrowRight: step }[event.key];
      if (!delta) return;
      event.preventDefault();
      resize(widthOf() + delta);
    },
  });
  return handle;
}

/**
 * Gives every header cell of `table` a handle. The first resize fixes each column at the width it had (fixed
 * layout), so only the dragged column changes and the table grows or shrinks with it. With a `name`, the widths
 * are remembered under it and the table opens at them, when it has the same columns as when they were set.
 */
export function resizableColumns(table, name = null) {
  const headers = [...table.querySelectorAll('thead th')];
  const labels = headers.map(th => th.textContent);
  const fix = () => {
    if (table.style.tableLayout === 'fixed') return;
    const widths = headers.map(th => th.getBoundingClientRect().width);
    headers.forEach((th, i) => { th.style.width = `${widths[i]}px`; });
    table.style.tableLayout = 'fixed';
    table.classList.add('resized');
  };
  const fitTable = () => { table.style.width = `${headers.reduce((sum, th) => sum + parseFloat(th.style.width), 0)}px`; };
  headers.forEach((th, i) => {
    th.classList.add('resizable');
    th.append(resizeHandle(labels[i], () => th.getBoundingClientRect().width, width => {
      fix();
      th.style.width = `${width}px`;
      fitTable();
      if (name) rememberWidths(name, Object.fromEntries(headers.map((header, j) => [labels[j], parseFloat(header.style.width)])));
    }));
  });
  const widths = name ? rememberedWidths(name) : null;
  if (widths && labels.every(label => Number.isFinite(widths[label]))) {
    headers.forEach((th, i) => { th.style.width = `${Math.max(narrowest, widths[labels[i]])}px`; });
    table.style.tableLayout = 'fixed';
    table.classList.add('resized');
    fitTable();
  }
  return table;
}
