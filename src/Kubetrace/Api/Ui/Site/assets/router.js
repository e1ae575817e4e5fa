// Client-side navigation. Every page has a real URL under /ui (the server answers all of them with index.html),
// so a link can be copied, reloaded and opened in a new tab; inside the app, links change the URL without a reload.
import { h, errorBox } from './dom.js';

let routes = [];

/** Starts routing: routes are { pattern, section, render(view, { argument, query }) }. */
export function start(pageRoutes) {
  routes = pageRoutes;
  document.addEventListener('click', followLink);
  window.addEventListener('popstate', show);
  show();
}

/** Goes to a /ui URL: pushes it on the history and draws its page. */
export function navigate(url) {
  history.pushState(null, '', url);
  show();
}

/** Draws the current URL's page again (after a display preference changed). */
export function refresh() {
  show();
}

function show() {
  const path = location.pathname;
  const route = routes.find(r => r.pattern.test(path));
  for (const link of document.querySelectorAll('nav a')) {
    link.classList.toggle('active', link.dataset.section === route?.section);
  }
  // Each visit draws into a fresh element: a slow answer for a page already left lands in a detached node.
  const view = h('section');
  document.getElementById('page').replaceChildren(view);
  if (!route) {
    view.append(errorBox(`There is no page at ${path}.`));
    return;
  }
  const [, argument] = path.match(route.pattern);
  // Pages show their own API errors; anything else still ends as a message, not a blank page.
  Promise.resolve()
    .then(() => route.render(view, { argument: argument && decodeURIComponent(argument), query: new URLSearchParams(location.search) }))
    .catch(error => view.replaceChildren(errorBox(error)));
}

function followLink(event) {
  const link = event.target.closest('a[href]');
  if (!link || link.target || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/ui')) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}
