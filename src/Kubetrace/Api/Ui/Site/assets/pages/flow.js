// The flow of one action (GET /api/v1/analyze/flow): every step across components and traces on one time axis,
// as the design note's sequence diagram, with the named gaps between steps drawn where they fall and the steps
// the traces cannot join listed with the reason. /ui/flow/deployment%2Fshop%2Fweb?since=1h opens one directly.
import { h, errorBox, loading } from '../dom.js';
import { getJson } from '../api.js';
import { navigate } from '../router.js';
import { count, duration, serviceColor } from '../format.js';
import { sinceInput } from '../analysis-table.js';

export async function renderFlow(view, { argument: object, query }) {
  const form = h('form', { class: 'analysis-form' },
    h('label', {}, h('span', {}, 'Object'), h('input', {
      name: 'object', value: object ?? '', size: 36, required: true, autocomplete: 'off', 'aria-label': 'Object',
      placeholder: 'deployment/namespace/name, pod/namespace/name or a pod UID',
    })),
    h('label', {}, h('span', {}, 'Since'), sinceInput(query.get('since'))),
    h('button', { type: 'submit', class: 'primary' }, 'Show flow'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const data = new FormData(form);
    const target = String(data.get('object')).trim();
    if (target) navigate(`/ui/flow/${encodeURIComponent(target)}?since=${encodeURIComponent(String(data.get('since')).trim() || '1h')}`);
  });
  const result = h('div', { class: 'flow-result' });
  view.append(h('h1', {}, 'Flow of one action'), form, result);
  if (!object) {
    result.append(h('p', { class: 'muted' }, 'Name a Deployment or a pod to follow what its creation set off, component by component.'));
    return;
  }
  result.append(loading('the flow'));
  const params = { object };
  for (const key of ['since', 'start', 'end', 'pods']) if (query.get(key)) params[key] = query.get(key);
  try {
    const answer = await getJson('/api/v1/analyze/flow', params);
    result.replaceChildren(drawFlow(answer.data));
  } catch (e) {
    result.replaceChildren(errorBox(e));
  }
}

/** The flow: a header with the end-to-end time, the time axis of steps and gaps, and what is missing. */
function drawFlow(flow) {
  const start = Math.min(...flow.steps.map(s => s.startUnixNano));
  const end = Math.max(...flow.steps.map(s => s.startUnixNano + s.durationNanos));
  const total = Math.max(1, end - start);
  const percent = nanos => `${(100 * nanos) / total}%`;
  const gapsBefore = new Map();
  for (const gap of flow.gaps) {
    if (gap.toSpanId && gap.nanos !== undefined) gapsBefore.set(gap.toSpanId, [...(gapsBefore.get(gap.toSpanId) ?? []), gap]);
  }
  const rows = [];
  for (const step of flow.steps) {
    for (const gap of gapsBefore.get(step.spanId) ?? []) rows.push(gapRow(gap, start, percent));
    rows.push(stepRow(step, start, percent));
  }
  const endToEnd = flow.gaps.find(g => g.name === 'action to last container started' && g.nanos !== undefined);
  return h('div', { class: 'flow' },
    h('h2', {}, `${flow.kind} ${flow.object}`),
    h('p', { class: 'summary' }, `${count(flow.steps.length)} steps in ${count(flow.traces.length)} traces, ${count(flow.pods.length)} pods` +
      (endToEnd ? `; ${duration(endToEnd.nanos)} from the action to the last container started` : '')),
    // What the flow rests on: its sampled traces, and what they stand for at the components' rates.
    (flow.sampling?.notes ?? []).length === 0 ? null
      : h('div', { class: 'sampling-summary', role: 'note' }, flow.sampling.notes.map(n => h('p', {}, n))),
    h('div', { class: 'waterfall flow-axis' },
      h('div', { class: 'wf-row wf-header' },
        h('div', { class: 'wf-label' }, 'Component and step'),
        h('div', { class: 'wf-timeline' }, [0, 0.25, 0.5, 0.75, 1].map(f =>
          h('span', { class: 'wf-tick', style: { left: `${f * 100}%` } }, duration(f * total))))),
      h('div', { class: 'flow-rows' }, rows)),
    phases(flow),
    flow.missing.length === 0 ? null : h('div', { class: 'flow-missing' },
      h('h3', {}, 'Missing joins'), h('ul', {}, flow.missing.map(m => h('li', {}, m)))),
    flow.notes.length === 0 ? null : h('ul', { class: 'notes' }, flow.notes.map(n => h('li', {}, n))));
}

function stepRow(step, start, percent) {
  const service = step.component.split(' ')[0];
  const label = step.caller ? `${step.operation} — ${step.caller}` : step.operation;
  return h('div', {
    class: `wf-row flow-step${step.error ? ' error' : ''}`, 'data-kind': step.kind, 'data-span-id': step.spanId,
    'data-pod': step.pod ?? '', title: `joined by: ${step.joinedBy}`,
  },
  h('div', { class: 'wf-label', style: { paddingLeft: `${8 + 12 * Math.min(step.depth, 4)}px` } },
    h('span', { class: 'wf-service', style: { borderColor: serviceColor(service) } }, step.component),
    h('a', { class: 'wf-name', href: `/ui/trace/${step.traceId}` }, label)),
  h('div', { class: 'wf-timeline' },
    h('div', { class: 'wf-bar', style: { left: percent(step.startUnixNano - start), width: percent(step.durationNanos), background: serviceColor(service) } }),
    h('span', { class: 'wf-duration', style: { left: percent(step.startUnixNano - start + step.durationNanos) } }, duration(step.durationNanos))));
}

function gapRow(gap, start, percent) {
  return h('div', { class: 'wf-row flow-gap', 'data-gap': gap.name, 'data-pod': gap.pod ?? '', title: gap.meaning },
    h('div', { class: 'wf-label' }, h('span', { class: 'flow-gap-name' }, `${gap.name}${gap.pod ? ` (${gap.pod})` : ''}`)),
    h('div', { class: 'wf-timeline' },
      h('div', { class: 'flow-gap-bar', style: { left: percent(gap.startUnixNano - start), width: percent(gap.nanos) } }),
      h('span', { class: 'wf-duration flow-gap-value', style: { left: percent(gap.startUnixNano - start + gap.nanos) } }, duration(gap.nanos))));
}

/** Per pod, every named gap and phase, measured or missing. */
function phases(flow) {
  const names = [...new Set(flow.gaps.filter(g => g.pod).map(g => g.name))];
  if (names.length === 0) return null;
  return h('table', { class: 'grid flow-phases' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Pod'), names.map(n => h('th', {}, n)))),
    h('tbody', {}, flow.pods.map(pod => h('tr', { 'data-pod': pod }, h('td', {}, pod), names.map(name => {
      const gap = flow.gaps.find(g => g.pod === pod && g.name === name);
      return h('td', { 'data-gap': name, title: gap?.missing ?? gap?.meaning ?? '' }, gap?.nanos !== undefined ? duration(gap.nanos) : '?');
    })))));
}
