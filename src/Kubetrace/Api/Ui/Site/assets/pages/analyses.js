// Analyses: the catalog (GET /api/v1/analyze) and any one analysis run over a range (GET /api/v1/analyze/{name}),
// drawn from its generic table, so a new analysis in the catalog needs no UI code. The page URL carries the same
// parameters as the API: /ui/analyses/webhooks?since=15m.
import { h, errorBox, loading } from '../dom.js';
import { getJson } from '../api.js';
import { navigate } from '../router.js';
import { analysisTable, samplingRateInput, sinceInput } from '../analysis-table.js';
import { objectLanes, showObjectTimeline } from '../object-lanes.js';
import { hasKeptRange, keptRangeFields, keptRangeText } from '../kept-range.js';

export async function renderAnalyses(view, { argument: name, query }) {
  view.append(loading('the analyses'));
  let analyses;
  try {
    ({ analyses } = await getJson('/api/v1/analyze'));
  } catch (e) {
    view.replaceChildren(errorBox(e));
    return;
  }
  const analysis = analyses.find(a => a.name === name);
  // Another analysis opens over the range this page was given, as a reader comparing two answers expects.
  const range = new URLSearchParams([...query].filter(([key]) => ['since', 'start', 'end'].includes(key))).toString();
  const href = a => `/ui/analyses/${a.name}${range ? `?${range}` : ''}`;
  const menu = h('nav', { class: 'side-menu', 'aria-label': 'Analyses' }, analyses.map(a =>
    h('a', { href: href(a), class: a === analysis ? 'active' : null }, a.name)));
  const main = h('div', { class: 'analysis' });
  view.replaceChildren(h('div', { class: 'with-menu' }, menu, main));

  if (!name) {
    main.append(h('h1', {}, 'Analyses'), h('dl', { class: 'catalog' }, analyses.map(a => [
      h('dt', {}, h('a', { href: href(a) }, a.name)),
      h('dd', {}, a.summary)])));
  } else if (!analysis) {
    main.append(errorBox(`There is no analysis "${name}"; choose one on the left.`));
  } else {
    await showAnalysis(main, analysis, query);
  }
}

async function showAnalysis(main, analysis, query) {
  const parameters = [...analysis.arguments, ...analysis.options];
  // Opened over a start/end (no since), the form keeps that range until a since is entered.
  const kept = hasKeptRange(query) && !query.get('since');
  const [since, sinceChoices] = sinceInput(kept ? '' : query.get('since'), kept ? keptRangeText(query) : null);
  const form = h('form', { class: 'analysis-form' },
    h('label', {}, h('span', {}, 'Since'), since, sinceChoices),
    kept ? keptRangeFields(query, since) : null,
    h('label', {}, h('span', {}, 'Sampling rate per million'), samplingRateInput(query.get('sampling-rate-per-million'))),
    parameters.map(p => h('label', { title: p.description },
      h('span', {}, p.required ? `${p.name} *` : p.name),
      h('input', { name: p.name, value: query.get(p.name) ?? '', placeholder: p.description, required: p.required, autocomplete: 'off' }))),
    h('button', { type: 'submit', class: 'primary' }, 'Run'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (String(value).trim()) params.set(key, String(value).trim());
    navigate(`/ui/analyses/${analysis.name}?${params}`);
  });
  const result = h('div', { class: 'analysis-result' });
  main.append(h('h1', {}, analysis.name), h('p', { class: 'muted' }, analysis.summary), form, result);

  const missing = analysis.arguments.filter(a => a.required && !query.get(a.name));
  if (missing.length > 0) {
    result.append(h('p', { class: 'muted' }, `Enter ${missing.map(a => a.name).join(' and ')} to run it.`));
    return;
  }
  result.append(loading(analysis.name));
  try {
    const answer = await getJson(`/api/v1/analyze/${encodeURIComponent(analysis.name)}`, query);
    // The object timeline is also drawn as lanes per component, its table beside them when both fit; every analysis
    // has its table.
    const table = analysisTable(answer.table, answer);
    const lanes = analysis.name === 'object' ? objectLanes(answer.data?.entries) : null;
    if (lanes) showObjectTimeline(result, lanes, table);
    else result.replaceChildren(table);
  } catch (e) {
    result.replaceChildren(errorBox(e));
  }
}
