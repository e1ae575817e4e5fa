// The details of one span: its identity and timing, attributes, resource, scope, events and links. A link opens
// the linked trace with the linked span selected; every Kubernetes object the span names links to its timeline
// (objects: the span's, from objectsOfTrace).
import { h } from '../dom.js';
import { duration, between, serviceColor } from '../format.js';
import { aroundTrace, objectTimelineUrl } from './k8s-objects.js';

export function spanDetails(span, trace, objects = []) {
  return h('div', { class: 'span-details' },
    h('h2', {}, span.name),
    h('p', {}, h('span', { class: 'chip', style: { borderColor: serviceColor(span.service) } }, span.service),
      ` ${span.kind} · ${duration(span.duration)} at +${duration(span.offset)}`),
    keyValues('Span', [
      ['span ID', span.spanId],
      ['parent span ID', span.parentSpanId || '(root)'],
      ['status', span.statusMessage ? `${span.status}: ${span.statusMessage}` : span.status],
      ['scope', [span.scope.name, span.scope.version].filter(Boolean).join(' ')],
    ]),
    kubernetesObjects(objects, trace),
    keyValues('Attributes', span.attributes),
    keyValues('Resource', span.resource),
    span.events.length === 0 ? null : h('section', {},
      h('h3', {}, `Events (${span.events.length})`),
      span.events.map(e => h('div', { class: 'event' },
        h('div', {}, h('strong', {}, e.name), ` +${duration(between(trace.start, e.time))}`),
        keyValues(null, e.attributes)))),
    span.links.length === 0 ? null : h('section', { class: 'links' },
      h('h3', {}, `Links (${span.links.length})`),
      span.links.map(link => h('div', { class: 'link' },
        h('a', { href: `/ui/trace/${link.traceId}?span=${link.spanId}` }, `trace ${link.traceId}, span ${link.spanId}`),
        keyValues(null, link.attributes)))));
}

/** Links to the object timeline of every Kubernetes object the span names, around the trace's own time. */
function kubernetesObjects(objects, trace) {
  return objects.length === 0 ? null : h('section', { class: 'k8s-objects' },
    h('h3', {}, 'Kubernetes objects'),
    objects.map(o => h('div', {}, h('a', { href: objectTimelineUrl(o, aroundTrace(trace)) }, `${o.label} timeline`))));
}

function keyValues(title, pairs) {
  if (pairs.length === 0) return null;
  const table = h('table', { class: 'kv' },
    h('tbody', {}, pairs.map(([key, value]) => h('tr', {}, h('th', {}, key), h('td', {}, value)))));
  return title ? h('section', {}, h('h3', {}, title), table) : table;
}
